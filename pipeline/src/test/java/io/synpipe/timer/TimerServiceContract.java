package io.synpipe.timer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.synpipe.timer.TimerService.NULL_TIMER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link TimerService} promises, run against each implementation: never early, on time within the
 * implementation's resolution, cancel exactly once, bounded polls, re-entrant handlers, long deadlines.
 */
abstract class TimerServiceContract
{
    /** Not a round number, and large, like {@code System.nanoTime()}. */
    static final long START_NS = 7_654_321_987_654_321L;
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000 * MS;
    static final long MINUTE = 60 * SECOND;

    /** A service whose clock starts at {@code startNs}. */
    abstract TimerService newService(long startNs);

    /** How late a timer may fire after its deadline (0 for an exact service). */
    abstract long resolutionNs();

    /** A fired timer as the handler saw it. */
    record Fired(long timerId, long payload, long nowNs)
    {
    }

    /** Records fired timers and checks each against its deadline. */
    static final class Recorder implements TimerService.TimerHandler
    {
        final List<Fired> fired = new ArrayList<>();
        final Map<Long, Long> deadlineByPayload = new HashMap<>();

        @Override
        public void onTimer(final long timerId, final long payload, final long nowNs)
        {
            final Long deadlineNs = deadlineByPayload.get(payload);
            if (deadlineNs != null)
            {
                assertThat(nowNs - deadlineNs)
                    .as("payload %d fired before its deadline", payload)
                    .isGreaterThanOrEqualTo(0);
            }
            fired.add(new Fired(timerId, payload, nowNs));
        }

        long schedule(final TimerService timers, final long deadlineNs, final long payload)
        {
            deadlineByPayload.put(payload, deadlineNs);
            return timers.schedule(deadlineNs, payload);
        }

        List<Long> payloads()
        {
            return fired.stream().map(Fired::payload).toList();
        }
    }

    final TimerService timers = newService(START_NS);
    final Recorder recorder = new Recorder();

    int pollAt(final long nowNs)
    {
        return timers.poll(nowNs, recorder, Integer.MAX_VALUE);
    }

    @Test
    void schedule_neverReturnsNullTimerAndIdsAreDistinct()
    {
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 1_000; i++)
        {
            final long id = timers.schedule(START_NS + (i % 7) * MS, i);
            assertThat(id).isNotEqualTo(NULL_TIMER);
            assertThat(ids).doesNotContain(id);
            ids.add(id);
        }
        assertThat(timers.scheduledCount()).isEqualTo(1_000);
    }

    @Test
    void poll_beforeDeadline_neverFires()
    {
        final long deadlineNs = START_NS + 10 * MS + 12_345;
        recorder.schedule(timers, deadlineNs, 1);

        for (long nowNs = START_NS; nowNs < deadlineNs; nowNs += 97_531)
        {
            assertThat(pollAt(nowNs)).as("poll at deadline - %d ns", deadlineNs - nowNs).isZero();
        }
        assertThat(pollAt(deadlineNs - 1)).isZero();
        assertThat(recorder.fired).isEmpty();
        assertThat(timers.scheduledCount()).isEqualTo(1);
    }

    @Test
    void poll_atOrAfterDeadline_firesOnceWithIdPayloadAndNow()
    {
        final long deadlineNs = START_NS + 3 * MS + 777;
        final long id = recorder.schedule(timers, deadlineNs, 42);
        pollAt(deadlineNs - 1);

        final long lateNs = deadlineNs + resolutionNs();
        int fired = pollAt(deadlineNs);
        if (fired == 0)
        {
            fired = pollAt(lateNs);
        }

        assertThat(fired).isEqualTo(1);
        assertThat(recorder.fired).hasSize(1);
        final Fired f = recorder.fired.get(0);
        assertThat(f.timerId()).isEqualTo(id);
        assertThat(f.payload()).isEqualTo(42);
        assertThat(f.nowNs()).isBetween(deadlineNs, lateNs);
        assertThat(pollAt(lateNs + SECOND)).isZero();
        assertThat(timers.scheduledCount()).isZero();
    }

    @Test
    void poll_longAfterDeadline_firesAtThatPoll()
    {
        final long deadlineNs = START_NS + 5 * MS;
        recorder.schedule(timers, deadlineNs, 5);

        assertThat(pollAt(deadlineNs + 3 * SECOND)).isEqualTo(1);
        assertThat(recorder.fired.get(0).nowNs()).isEqualTo(deadlineNs + 3 * SECOND);
    }

    @Test
    void schedule_deadlineInThePast_firesOnNextPoll()
    {
        pollAt(START_NS + 50 * MS);
        recorder.schedule(timers, START_NS + 10 * MS, 3);
        recorder.schedule(timers, START_NS - SECOND, 4);

        assertThat(pollAt(START_NS + 50 * MS)).isEqualTo(2);
        assertThat(recorder.payloads()).containsExactlyInAnyOrder(3L, 4L);
    }

    @Test
    void cancel_scheduledTimer_trueOnceThenFalseAndNeverFires()
    {
        final long id = timers.schedule(START_NS + MS, 1);
        final long other = timers.schedule(START_NS + MS, 2);

        assertThat(timers.cancel(id)).isTrue();
        assertThat(timers.cancel(id)).isFalse();
        assertThat(timers.scheduledCount()).isEqualTo(1);

        assertThat(pollAt(START_NS + SECOND)).isEqualTo(1);
        assertThat(recorder.payloads()).containsExactly(2L);
        assertThat(timers.cancel(id)).isFalse();
        assertThat(timers.cancel(other)).isFalse();
    }

    @Test
    void cancel_firedTimer_false()
    {
        final long id = timers.schedule(START_NS + MS, 1);
        pollAt(START_NS + SECOND);

        assertThat(recorder.fired).hasSize(1);
        assertThat(timers.cancel(id)).isFalse();
    }

    @Test
    void cancel_firedTimerAfterNewTimersScheduled_falseAndDoesNotTouchThem()
    {
        final long nowNs = START_NS + 2 * MS;
        final long firedId = timers.schedule(nowNs, 1);
        pollAt(nowNs);
        final List<Long> later = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            // same deadline, same tick: a wheel may hand out the fired timer's slot again
            later.add(timers.schedule(nowNs, 100 + i));
        }

        assertThat(later).doesNotContain(firedId);
        assertThat(timers.cancel(firedId)).isFalse();
        assertThat(timers.scheduledCount()).isEqualTo(40);
        assertThat(pollAt(nowNs + SECOND)).isEqualTo(40);
        assertThat(recorder.payloads()).hasSize(41).doesNotHaveDuplicates();
    }

    @Test
    void cancel_nullTimerOrUnknownIds_false()
    {
        timers.schedule(START_NS + MS, 1);

        assertThat(timers.cancel(NULL_TIMER)).isFalse();
        assertThat(timers.cancel(Long.MIN_VALUE)).isFalse();
        assertThat(timers.cancel(Long.MAX_VALUE)).isFalse();
        assertThat(timers.scheduledCount()).isEqualTo(1);
    }

    @Test
    void payloads_anyLongValue_handedBackUnchanged()
    {
        final long[] payloads = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, 0x8000_0000L, -0x1234_5678_9ABCL};
        for (final long payload : payloads)
        {
            timers.schedule(START_NS + MS, payload);
        }
        assertThat(timers.scheduledCount()).isEqualTo(payloads.length);

        assertThat(pollAt(START_NS + SECOND)).isEqualTo(payloads.length);
        assertThat(recorder.payloads()).containsExactlyInAnyOrder(
            0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x8000_0000L, -0x1234_5678_9ABCL);
        assertThat(timers.scheduledCount()).isZero();
    }

    @Test
    void poll_acrossTicks_firesInDeadlineOrder()
    {
        final List<Long> deadlines = new ArrayList<>();
        for (int i = 0; i < 30; i++)
        {
            deadlines.add(START_NS + (i + 1) * 4 * resolutionOrMs() + i);
        }
        final List<Long> shuffled = new ArrayList<>(deadlines);
        Collections.shuffle(shuffled, new Random(7));
        for (final long deadlineNs : shuffled)
        {
            recorder.schedule(timers, deadlineNs, deadlineNs);
        }

        assertThat(pollAt(deadlines.get(29) + resolutionNs())).isEqualTo(30);

        assertThat(recorder.payloads()).containsExactlyElementsOf(deadlines);
    }

    @Test
    void poll_steppingThroughTicks_firesEachInItsOwnStep()
    {
        final long stepNs = resolutionOrMs() / 3;
        for (int i = 20; i > 0; i--)
        {
            recorder.schedule(timers, START_NS + i * 3 * resolutionOrMs() + i, i);
        }
        for (long nowNs = START_NS; nowNs < START_NS + 70 * resolutionOrMs(); nowNs += stepNs)
        {
            pollAt(nowNs);
        }

        assertThat(recorder.payloads()).hasSize(20).isSorted();
        for (final Fired fired : recorder.fired)
        {
            final long deadlineNs = recorder.deadlineByPayload.get(fired.payload());
            assertThat(fired.nowNs()).isLessThan(deadlineNs + resolutionNs() + stepNs);
        }
    }

    long resolutionOrMs()
    {
        return Math.max(resolutionNs(), MS);
    }

    @Test
    void poll_limit_isRespectedAndTheRestFireNextPoll()
    {
        for (int i = 0; i < 10; i++)
        {
            timers.schedule(START_NS + i * 100, i);
        }
        final long nowNs = START_NS + SECOND;

        assertThat(timers.poll(nowNs, recorder, 0)).isZero();
        assertThat(timers.poll(nowNs, recorder, 3)).isEqualTo(3);
        assertThat(recorder.fired).hasSize(3);
        assertThat(timers.scheduledCount()).isEqualTo(7);
        assertThat(timers.poll(nowNs, recorder, 1)).isEqualTo(1);
        assertThat(timers.poll(nowNs + 1, recorder, 100)).isEqualTo(6);
        assertThat(recorder.payloads()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(timers.scheduledCount()).isZero();
    }

    @Test
    void poll_manyTimersInOneTick_allFire()
    {
        for (int i = 0; i < 5_000; i++)
        {
            timers.schedule(START_NS + MS + (i & 1023), i);
        }
        assertThat(timers.scheduledCount()).isEqualTo(5_000);

        int fired = 0;
        while (timers.scheduledCount() > 0)
        {
            fired += timers.poll(START_NS + SECOND, recorder, 777);
        }

        assertThat(fired).isEqualTo(5_000);
        assertThat(recorder.payloads()).doesNotHaveDuplicates().hasSize(5_000);
    }

    @Test
    void scheduledCount_tracksScheduleCancelFireAndHandlerView()
    {
        assertThat(timers.scheduledCount()).isZero();
        final long a = timers.schedule(START_NS + MS, 1);
        timers.schedule(START_NS + MS, 2);
        timers.schedule(START_NS + MS, 3);
        timers.schedule(START_NS + MINUTE, 4);
        assertThat(timers.scheduledCount()).isEqualTo(4);
        timers.cancel(a);
        timers.cancel(a);
        assertThat(timers.scheduledCount()).isEqualTo(3);

        final List<Integer> seen = new ArrayList<>();
        final int fired = timers.poll(START_NS + SECOND, (id, payload, nowNs) -> seen.add(timers.scheduledCount()), 10);

        assertThat(fired).isEqualTo(2);
        assertThat(seen).containsExactly(2, 1);
        assertThat(timers.scheduledCount()).isEqualTo(1);
    }

    @Test
    void handler_schedulesAlreadyDueTimers_theyFireByTheNextPoll()
    {
        final long dueNs = START_NS + 4 * MS;
        recorder.schedule(timers, dueNs, 1);
        final TimerService.TimerHandler handler = (id, payload, nowNs) ->
        {
            recorder.onTimer(id, payload, nowNs);
            if (payload == 1)
            {
                recorder.schedule(timers, nowNs, 2);
                recorder.schedule(timers, nowNs - MS, 3);
            }
        };

        final int first = timers.poll(dueNs, handler, 10);
        final int second = timers.poll(dueNs, handler, 10);

        assertThat(first + second).isEqualTo(3);
        assertThat(recorder.payloads()).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(recorder.fired).allSatisfy(fired -> assertThat(fired.nowNs()).isEqualTo(dueNs));
        assertThat(timers.scheduledCount()).isZero();
    }

    @Test
    void handler_schedulesFutureTimer_itFiresAtItsDeadline()
    {
        recorder.schedule(timers, START_NS + MS, 1);
        final TimerService.TimerHandler handler = (id, payload, nowNs) ->
        {
            recorder.onTimer(id, payload, nowNs);
            if (payload == 1)
            {
                recorder.schedule(timers, nowNs + 5 * MS, 2);
            }
        };

        assertThat(timers.poll(START_NS + MS, handler, 10)).isEqualTo(1);
        assertThat(timers.scheduledCount()).isEqualTo(1);
        assertThat(timers.poll(START_NS + 6 * MS - 1, handler, 10)).isZero();
        timers.poll(START_NS + 6 * MS + resolutionNs(), handler, 10);

        assertThat(recorder.payloads()).containsExactly(1L, 2L);
    }

    @Test
    void handler_cancelsTimersDueInTheSameBatch_theyNeverFireAndAreNotCounted()
    {
        final long dueNs = START_NS + 2 * MS;
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            ids.add(timers.schedule(dueNs + i, i));
        }
        final List<Boolean> cancelResults = new ArrayList<>();
        final TimerService.TimerHandler handler = (id, payload, nowNs) ->
        {
            recorder.onTimer(id, payload, nowNs);
            if (recorder.fired.size() == 1)
            {
                for (final long other : ids)
                {
                    cancelResults.add(timers.cancel(other));
                }
            }
        };

        final int fired = timers.poll(dueNs + SECOND, handler, 10);

        assertThat(fired).isEqualTo(1);
        assertThat(recorder.fired).hasSize(1);
        assertThat(cancelResults).containsExactlyInAnyOrder(false, true, true, true);
        assertThat(cancelResults.get(ids.indexOf(recorder.fired.get(0).timerId()))).as("cancel own id").isFalse();
        assertThat(timers.scheduledCount()).isZero();
        assertThat(timers.poll(dueNs + 2 * SECOND, handler, 10)).isZero();
    }

    @Test
    void handler_schedulesThenCancelsItsOwnChild_childNeverFires()
    {
        timers.schedule(START_NS + MS, 1);
        final List<Boolean> cancelResults = new ArrayList<>();
        final TimerService.TimerHandler handler = (id, payload, nowNs) ->
        {
            recorder.onTimer(id, payload, nowNs);
            if (payload == 1)
            {
                final long due = timers.schedule(nowNs, 2);
                final long later = timers.schedule(nowNs + MS, 3);
                cancelResults.add(timers.cancel(due));
                cancelResults.add(timers.cancel(later));
                cancelResults.add(timers.cancel(later));
            }
        };

        timers.poll(START_NS + MS, handler, 10);
        timers.poll(START_NS + SECOND, handler, 10);

        assertThat(cancelResults).containsExactly(true, true, false);
        assertThat(recorder.payloads()).containsExactly(1L);
        assertThat(timers.scheduledCount()).isZero();
    }

    @Test
    void handler_schedulesWhileOthersOfItsBatchWait_everyTimerFiresOnceWithItsOwnIdAndPayload()
    {
        final long dueNs = START_NS + 3 * MS;
        final Map<Long, Long> idByPayload = new HashMap<>();
        for (long p = 0; p < 8; p++)
        {
            idByPayload.put(p, recorder.schedule(timers, dueNs, p));
        }
        final TimerService.TimerHandler handler = (id, payload, nowNs) ->
        {
            recorder.onTimer(id, payload, nowNs);
            if (payload < 8)
            {
                // two due children each: a wheel may put the second on the slot of a timer of this batch
                // that the handler has not seen yet
                idByPayload.put(100 + payload, recorder.schedule(timers, nowNs, 100 + payload));
                idByPayload.put(200 + payload, recorder.schedule(timers, nowNs, 200 + payload));
                idByPayload.put(300 + payload, recorder.schedule(timers, nowNs + 7 * MS, 300 + payload));
            }
        };

        timers.poll(dueNs, handler, 100);
        timers.poll(dueNs, handler, 100);
        timers.poll(dueNs + 7 * MS + resolutionNs(), handler, 100);

        assertThat(recorder.payloads()).hasSize(32).doesNotHaveDuplicates();
        for (final Fired fired : recorder.fired)
        {
            assertThat(fired.timerId())
                .as("id of payload %d", fired.payload())
                .isEqualTo(idByPayload.get(fired.payload()));
        }
        assertThat(timers.scheduledCount()).isZero();
    }

    @Test
    void handler_throws_exceptionPropagatesAndTheRestFireOnTheNextPoll()
    {
        for (long p = 0; p < 5; p++)
        {
            timers.schedule(START_NS + MS, p);
        }
        final TimerService.TimerHandler throwing = (id, payload, nowNs) ->
        {
            recorder.onTimer(id, payload, nowNs);
            if (recorder.fired.size() == 2)
            {
                throw new IllegalStateException("handler failed");
            }
        };

        assertThatThrownBy(() -> timers.poll(START_NS + SECOND, throwing, 10)).hasMessage("handler failed");
        assertThat(timers.scheduledCount()).isEqualTo(3);
        assertThat(pollAt(START_NS + SECOND)).isEqualTo(3);

        assertThat(recorder.payloads()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
        assertThat(timers.scheduledCount()).isZero();
    }

    @Test
    void deadlinesMinutesAhead_clockJumpingInBigSteps_fireOnTime()
    {
        final long[] offsetsNs = {MINUTE, 150 * SECOND + 3 * MS, 7 * MINUTE + 1, 7 * MINUTE + 2, 30 * MINUTE};
        runClockOver(offsetsNs, 30 * SECOND);
    }

    @Test
    void deadlinesMinutesAhead_clockJumpingInSmallSteps_fireOnTime()
    {
        runClockOver(new long[] {2 * SECOND, 61 * SECOND + 5, 90 * SECOND, 2 * MINUTE + 7 * MS}, 700_000);
    }

    @Test
    void deadlinesMinutesAhead_smallStepsThenOneHugeJump_allFire()
    {
        final long[] offsets = {MINUTE, 5 * MINUTE, 9 * MINUTE + 1, 2 * MS};
        for (int i = 0; i < offsets.length; i++)
        {
            recorder.schedule(timers, START_NS + offsets[i], i);
        }
        for (long nowNs = START_NS; nowNs < START_NS + 5 * MS; nowNs += 100_000)
        {
            pollAt(nowNs);
        }
        assertThat(recorder.payloads()).containsExactly(3L);

        assertThat(pollAt(START_NS + 10 * MINUTE)).isEqualTo(3);
        assertThat(recorder.payloads()).containsExactly(3L, 0L, 1L, 2L);
    }

    /** Schedules a timer at each offset, steps the clock, and checks each fired no later than it must. */
    private void runClockOver(final long[] offsetsNs, final long stepNs)
    {
        for (int i = 0; i < offsetsNs.length; i++)
        {
            recorder.schedule(timers, START_NS + offsetsNs[i], i);
        }
        final long endNs = START_NS + offsetsNs[offsetsNs.length - 1] + resolutionNs() + 2 * stepNs;
        for (long nowNs = START_NS; nowNs <= endNs; nowNs += stepNs)
        {
            pollAt(nowNs);
            for (final Fired fired : recorder.fired)
            {
                assertThat(fired.nowNs() - recorder.deadlineByPayload.get(fired.payload()))
                    .as("lateness of payload %d", fired.payload())
                    .isLessThan(resolutionNs() + stepNs);
            }
            assertThat(timers.scheduledCount() + recorder.fired.size()).isEqualTo(offsetsNs.length);
        }
        assertThat(recorder.payloads()).hasSize(offsetsNs.length).doesNotHaveDuplicates();
    }

    @Test
    void clockStartingBelowZero_deadlinesAcrossZero_fireInOrder()
    {
        final TimerService negative = newService(-5 * SECOND);
        for (int i = 0; i < 6; i++)
        {
            recorder.schedule(negative, -3 * MS + i * 2 * resolutionOrMs(), i);
        }
        for (long nowNs = -5 * SECOND; recorder.fired.size() < 6; nowNs += resolutionOrMs() / 2)
        {
            negative.poll(nowNs, recorder, 100);
            assertThat(nowNs).isLessThan(SECOND);
        }
        assertThat(recorder.payloads()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }
}
