package io.synpipe.timer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What both wheels promise beyond {@link TimerServiceContract}: their construction rules, turns, far deadlines. */
abstract class WheelContract extends TimerServiceContract
{
    abstract TimerService create(long startNs, int expectedTimers);

    abstract TimerService create(long startNs, int expectedTimers, long tickResolutionNs, int ticksPerWheel);

    abstract long defaultTickNs();

    abstract int defaultTicksPerWheel();

    @Override
    TimerService newService(final long startNs)
    {
        return create(startNs, 64);
    }

    @Override
    long resolutionNs()
    {
        return defaultTickNs();
    }

    @Test
    void defaults_tickIs2To20NsAnd1024Spokes()
    {
        assertThat(defaultTickNs()).isEqualTo(1L << 20);
        assertThat(defaultTicksPerWheel()).isEqualTo(1024);
    }

    @Test
    void constructor_badArguments_throwNamingTheValue()
    {
        assertThatThrownBy(() -> create(0, 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expectedTimers = 0");
        assertThatThrownBy(() -> create(0, 16, 1000, 1024))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tickResolutionNs = 1000");
        assertThatThrownBy(() -> create(0, 16, 0, 1024))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tickResolutionNs = 0");
        assertThatThrownBy(() -> create(0, 16, 1024, 1000))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ticksPerWheel = 1000");
        assertThatThrownBy(() -> create(0, 16, 1024, 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ticksPerWheel = 1");
    }

    @Test
    void smallWheel_deadlinesManyTurnsAhead_waitForTheirTurn()
    {
        final long tickNs = 1L << 10;
        final TimerService small = create(START_NS, 1, tickNs, 8);
        for (int i = 0; i < 50; i++)
        {
            recorder.schedule(small, START_NS + i * 3 * tickNs + i, i);
        }
        for (long nowNs = START_NS; nowNs < START_NS + 200 * tickNs; nowNs += tickNs / 2)
        {
            small.poll(nowNs, recorder, 4);
            for (final Fired fired : recorder.fired)
            {
                assertThat(fired.nowNs() - recorder.deadlineByPayload.get(fired.payload())).isLessThan(2 * tickNs);
            }
        }
        assertThat(recorder.payloads()).hasSize(50).isSorted();
        assertThat(small.scheduledCount()).isZero();
    }

    @Test
    void idleWheel_clockFarAhead_newTimerStillFiresOnTime()
    {
        pollAt(START_NS + 10 * MINUTE);
        recorder.schedule(timers, START_NS + 10 * MINUTE + 3 * MS, 1);

        assertThat(pollAt(START_NS + 10 * MINUTE + 3 * MS - 1)).isZero();
        assertThat(pollAt(START_NS + 10 * MINUTE + 3 * MS + resolutionNs())).isEqualTo(1);
    }

    @Test
    void schedule_deadlineLongMaxValue_isScheduledAndCancellable()
    {
        // Agrona marks a free slot with Long.MAX_VALUE; put the next timers on the same spoke as the first
        final long spokeTick =
            ((Long.MAX_VALUE - START_NS) / resolutionNs()) % defaultTicksPerWheel();
        final long sameSpokeNs = START_NS + spokeTick * resolutionNs() + 1;
        final long never = timers.schedule(Long.MAX_VALUE, 1);
        final long soon = timers.schedule(sameSpokeNs, 2);
        final long alsoSoon = timers.schedule(sameSpokeNs, 3);

        assertThat(timers.scheduledCount()).isEqualTo(3);
        assertThat(List.of(soon, alsoSoon)).doesNotContain(never);
        assertThat(pollAt(sameSpokeNs + SECOND)).isEqualTo(2);
        assertThat(recorder.payloads()).containsExactlyInAnyOrder(2L, 3L);
        assertThat(timers.scheduledCount()).isEqualTo(1);
        assertThat(timers.cancel(soon)).isFalse();
        assertThat(timers.cancel(alsoSoon)).isFalse();
        assertThat(timers.cancel(never)).isTrue();
        assertThat(timers.scheduledCount()).isZero();
    }
}
