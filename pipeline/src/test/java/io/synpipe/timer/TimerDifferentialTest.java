package io.synpipe.timer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wheel and the heap driven by the same seeded random schedule, cancel, advance and poll sequence, with
 * handlers that schedule children (some already due) and cancel other timers: each service is checked against
 * its own bookkeeping after every step, and both fire the same payloads and cancel the same ones.
 */
class TimerDifferentialTest
{
    private static final long START_NS = 1_000_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final long TICK_NS = WheelTimerService.DEFAULT_TICK_RESOLUTION_NS;
    private static final long CHILD_OFFSET = 1L << 40;

    /** What the outside sequence decided about each timer, shared by both services. */
    private final Map<Long, Long> deadlineByPayload = new HashMap<>();
    private final Map<Long, Long> victimByPayload = new HashMap<>();
    private final List<Long> parents = new ArrayList<>();

    /** One service and what it has done. */
    private final class Harness implements TimerService.TimerHandler
    {
        final TimerService timers;
        final long resolutionNs;
        final Map<Long, Long> idByPayload = new HashMap<>();
        final Set<Long> fired = new HashSet<>();
        final Set<Long> cancelled = new HashSet<>();
        /** Scheduled, not fired, not cancelled. */
        final Set<Long> pending = new HashSet<>();
        long pollNs;

        Harness(final TimerService timers, final long resolutionNs)
        {
            this.timers = timers;
            this.resolutionNs = resolutionNs;
        }

        void schedule(final long payload)
        {
            idByPayload.put(payload, timers.schedule(deadlineByPayload.get(payload), payload));
            pending.add(payload);
        }

        boolean cancel(final long payload)
        {
            final boolean expected = !fired.contains(payload) && !cancelled.contains(payload);
            final boolean result = timers.cancel(idByPayload.get(payload));
            assertThat(result).as("cancel payload %d", payload).isEqualTo(expected);
            if (result)
            {
                cancelled.add(payload);
                pending.remove(payload);
            }
            return result;
        }

        @Override
        public void onTimer(final long timerId, final long payload, final long nowNs)
        {
            assertThat(nowNs).isEqualTo(pollNs);
            assertThat(timerId).isEqualTo(idByPayload.get(payload));
            assertThat(nowNs).as("payload %d early", payload).isGreaterThanOrEqualTo(deadlineByPayload.get(payload));
            assertThat(cancelled).doesNotContain(payload);
            assertThat(fired.add(payload)).as("payload %d twice", payload).isTrue();
            pending.remove(payload);
            if (deadlineByPayload.containsKey(payload + CHILD_OFFSET))
            {
                schedule(payload + CHILD_OFFSET);
            }
            final Long victim = victimByPayload.get(payload);
            if (victim != null)
            {
                cancel(victim);
            }
        }

        /** Polls with a random limit until nothing more is due. */
        void drain(final long nowNs, final Random random)
        {
            pollNs = nowNs;
            while (true)
            {
                final int limit = random.nextBoolean() ? Integer.MAX_VALUE : 1 + random.nextInt(8);
                final int count = timers.poll(nowNs, this, limit);
                assertThat(count).isBetween(0, limit);
                if (count == 0)
                {
                    break;
                }
            }
        }

        void check(final long nowNs)
        {
            for (final long payload : pending)
            {
                assertThat(deadlineByPayload.get(payload) + resolutionNs)
                    .as("payload %d overdue", payload)
                    .isGreaterThan(nowNs);
            }
            assertThat(timers.scheduledCount()).isEqualTo(pending.size());
            assertThat(pending.size() + fired.size() + cancelled.size()).isEqualTo(idByPayload.size());
        }
    }

    @ParameterizedTest(name = "seed {0}, re-entrant {1}")
    @CsvSource({"1, false", "2, false", "3, true", "4, true", "5, true", "6, true"})
    void randomSequences_wheelAndHeap_fireAndCancelTheSamePayloads(final long seed, final boolean reentrant)
    {
        final Random random = new Random(seed);
        final Random wheelLimits = new Random(seed * 31);
        final Random heapLimits = new Random(seed * 37);
        final Harness wheel = new Harness(new WheelTimerService(START_NS, 256), TICK_NS);
        final Harness heap = new Harness(new HeapTimerService(), 0);
        final List<Harness> both = List.of(wheel, heap);
        long nowNs = START_NS;
        long lastPollNs = START_NS;
        int outsideCancels = 0;

        for (int step = 0; step < 20_000; step++)
        {
            final int roll = random.nextInt(100);
            if (roll < 40)
            {
                final long payload = parents.size();
                final long deadlineNs = nowNs + randomDelay(random);
                deadlineByPayload.put(payload, deadlineNs);
                if (reentrant)
                {
                    planHandlerActions(payload, deadlineNs, random);
                }
                parents.add(payload);
                both.forEach(h -> h.schedule(payload));
            }
            else if (roll < 60 && !parents.isEmpty())
            {
                final long payload = parents.get(random.nextInt(parents.size()));
                final long deadlineNs = deadlineByPayload.get(payload);
                // only where both services must agree: not yet polled at its deadline, or overdue for both
                // (each cancel is checked against that service's own record of what fired and what was cancelled)
                if (deadlineNs > lastPollNs || deadlineNs + TICK_NS <= lastPollNs)
                {
                    wheel.cancel(payload);
                    heap.cancel(payload);
                    outsideCancels++;
                }
            }
            else if (roll < 85)
            {
                nowNs += advance(random);
            }
            else
            {
                wheel.drain(nowNs, wheelLimits);
                heap.drain(nowNs, heapLimits);
                lastPollNs = nowNs;
                wheel.check(nowNs);
                heap.check(nowNs);
            }
        }
        final long endNs = deadlineByPayload.values().stream().mapToLong(Long::longValue).max().orElse(nowNs) + TICK_NS;
        for (final Harness h : both)
        {
            h.drain(Math.max(nowNs, endNs), new Random(seed));
            h.drain(Math.max(nowNs, endNs), new Random(seed));
            h.check(Math.max(nowNs, endNs));
            assertThat(h.timers.scheduledCount()).isZero();
        }

        assertThat(wheel.fired).isEqualTo(heap.fired);
        assertThat(wheel.cancelled).isEqualTo(heap.cancelled);
        assertThat(wheel.fired.size() + wheel.cancelled.size()).isEqualTo(wheel.idByPayload.size());
        assertThat(wheel.fired).hasSizeGreaterThan(3_000);
        assertThat(outsideCancels).isGreaterThan(1_000);
        if (reentrant)
        {
            assertThat(wheel.fired.stream().filter(p -> p >= CHILD_OFFSET).count()).isGreaterThan(500);
        }
    }

    /** A child for every fourth timer (deadline fixed now, some already due when scheduled); a victim for others. */
    private void planHandlerActions(final long payload, final long deadlineNs, final Random random)
    {
        if (payload % 4 == 0)
        {
            final long[] deltas = {0, -MS, TICK_NS, 3 * TICK_NS + 1, SECOND};
            deadlineByPayload.put(payload + CHILD_OFFSET, deadlineNs + deltas[random.nextInt(deltas.length)]);
        }
        else if (payload % 4 == 1 && !parents.isEmpty())
        {
            // a victim 2 s or more later than this timer is in a later tick, so it cannot have fired first
            final long victim = parents.get(random.nextInt(parents.size()));
            if (deadlineByPayload.get(victim) >= deadlineNs + 2 * SECOND)
            {
                victimByPayload.put(payload, victim);
            }
        }
    }

    private static long randomDelay(final Random random)
    {
        final int roll = random.nextInt(100);
        if (roll < 10)
        {
            return -random.nextLong(10 * MS);
        }
        if (roll < 40)
        {
            return random.nextLong(4 * TICK_NS);
        }
        if (roll < 90)
        {
            return random.nextLong(3 * SECOND);
        }
        return SECOND * (60 + random.nextInt(240));
    }

    private static long advance(final Random random)
    {
        final int roll = random.nextInt(1000);
        if (roll < 700)
        {
            return random.nextLong(2 * TICK_NS);
        }
        if (roll < 997)
        {
            return random.nextLong(3 * SECOND);
        }
        return SECOND * (60 + random.nextInt(120));
    }
}
