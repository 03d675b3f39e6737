package io.synpipe.timer;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The reference {@link TimerService}: a binary heap ordered by deadline then id, exact to the nanosecond.
 * Allocates; for tests that check the wheel, not for the hot path.
 */
public final class HeapTimerService implements TimerService
{
    private record Timer(long deadlineNs, long id, long payload)
    {
    }

    private final PriorityQueue<Timer> heap = new PriorityQueue<>((x, y) ->
    {
        final long d = x.deadlineNs - y.deadlineNs;
        return d != 0 ? (d < 0 ? -1 : 1) : Long.compare(x.id, y.id);
    });
    private final Map<Long, Timer> live = new HashMap<>();
    private long nextId;

    @Override
    public long schedule(final long deadlineNs, final long payload)
    {
        final Timer timer = new Timer(deadlineNs, nextId++, payload);
        heap.add(timer);
        live.put(timer.id, timer);
        return timer.id;
    }

    @Override
    public boolean cancel(final long timerId)
    {
        final Timer timer = live.remove(timerId);
        return timer != null && heap.remove(timer);
    }

    @Override
    public int poll(final long nowNs, final TimerHandler handler, final int limit)
    {
        int fired = 0;
        while (fired < limit && !heap.isEmpty() && heap.peek().deadlineNs - nowNs <= 0)
        {
            final Timer timer = heap.poll();
            live.remove(timer.id);
            fired++;
            handler.onTimer(timer.id, timer.payload, nowNs);
        }
        return fired;
    }

    @Override
    public int scheduledCount()
    {
        return live.size();
    }
}
