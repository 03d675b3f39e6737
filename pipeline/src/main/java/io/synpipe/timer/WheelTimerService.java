package io.synpipe.timer;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2LongHashMap;

import java.util.concurrent.TimeUnit;

/**
 * {@link TimerService} over Agrona's {@link DeadlineTimerWheel}: O(1) schedule and cancel, expiry at tick
 * granularity (never before the deadline). Payloads live in a primitive map keyed by timer id. Expired timers are
 * collected first and handed to the handler after the wheel is done, so handlers may schedule and cancel freely.
 */
public final class WheelTimerService implements TimerService
{
    /** Default tick: 2^20 ns, about 1.05 ms. */
    public static final long DEFAULT_TICK_RESOLUTION_NS = 1L << 20;
    /** Default spokes: 1024 ticks, about 1.07 s per turn; later deadlines wait for their turn. */
    public static final int DEFAULT_TICKS_PER_WHEEL = 1024;

    private static final long MISSING = Long.MIN_VALUE;

    private final DeadlineTimerWheel wheel;
    private final Long2LongHashMap payloads;
    private final long[] expiredIds;
    private int expiredCount;
    private final DeadlineTimerWheel.TimerHandler collector = this::collect;

    /**
     * @param startNs          the clock's value now.
     * @param expectedTimers   how many timers are expected at once (sizes the maps, which grow if needed).
     */
    public WheelTimerService(final long startNs, final int expectedTimers)
    {
        this(startNs, expectedTimers, DEFAULT_TICK_RESOLUTION_NS, DEFAULT_TICKS_PER_WHEEL);
    }

    public WheelTimerService(
        final long startNs, final int expectedTimers, final long tickResolutionNs, final int ticksPerWheel)
    {
        if (expectedTimers < 1)
        {
            throw new IllegalArgumentException("expectedTimers = " + expectedTimers + ": must be >= 1");
        }
        if (tickResolutionNs < 1 || Long.bitCount(tickResolutionNs) != 1)
        {
            throw new IllegalArgumentException("tickResolutionNs = " + tickResolutionNs + ": must be a power of two");
        }
        if (ticksPerWheel < 2 || Integer.bitCount(ticksPerWheel) != 1)
        {
            throw new IllegalArgumentException("ticksPerWheel = " + ticksPerWheel + ": must be a power of two >= 2");
        }
        final int perTick = Math.max(16, Integer.highestOneBit(Math.max(1, expectedTimers / ticksPerWheel)) << 1);
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, startNs, tickResolutionNs, ticksPerWheel, perTick);
        this.payloads = new Long2LongHashMap(Math.max(64, expectedTimers * 2), 0.65f, MISSING);
        this.expiredIds = new long[1 << 16];
    }

    @Override
    public long schedule(final long deadlineNs, final long payload)
    {
        final long id = wheel.scheduleTimer(deadlineNs);
        payloads.put(id, payload);
        return id;
    }

    @Override
    public boolean cancel(final long timerId)
    {
        if (timerId == NULL_TIMER || payloads.remove(timerId) == MISSING)
        {
            return false;
        }
        wheel.cancelTimer(timerId);
        return true;
    }

    @Override
    public int poll(final long nowNs, final TimerHandler handler, final int limit)
    {
        final int max = Math.min(limit, expiredIds.length);
        expiredCount = 0;
        while (expiredCount < max)
        {
            if (wheel.timerCount() == 0)
            {
                if (nowNs - wheel.currentTickTime() >= 0)
                {
                    // nothing scheduled: jump straight to the tick that holds now
                    final long ticks = (nowNs - wheel.startTime()) / wheel.tickResolution();
                    wheel.currentTickTime(wheel.startTime() + ticks * wheel.tickResolution());
                }
                break;
            }
            final long tickBefore = wheel.currentTickTime();
            final int fired = wheel.poll(nowNs, collector, max - expiredCount);
            if (fired == 0 && wheel.currentTickTime() == tickBefore)
            {
                break;
            }
        }
        final int count = expiredCount;
        for (int i = 0; i < count; i++)
        {
            final long id = expiredIds[i];
            final long payload = payloads.remove(id);
            if (payload != MISSING)
            {
                handler.onTimer(id, payload, nowNs);
            }
        }
        return count;
    }

    @Override
    public int scheduledCount()
    {
        return payloads.size();
    }

    private boolean collect(final TimeUnit timeUnit, final long nowNs, final long timerId)
    {
        expiredIds[expiredCount++] = timerId;
        return true;
    }
}
