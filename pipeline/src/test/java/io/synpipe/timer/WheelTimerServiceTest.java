package io.synpipe.timer;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** WheelTimerService against the contracts (late by at most one tick), and exact expiry when polled more often than the tick. */
class WheelTimerServiceTest extends WheelContract
{
    @Override
    TimerService create(final long startNs, final int expectedTimers)
    {
        return new WheelTimerService(startNs, expectedTimers);
    }

    @Override
    TimerService create(final long startNs, final int expectedTimers, final long tickResolutionNs, final int ticksPerWheel)
    {
        return new WheelTimerService(startNs, expectedTimers, tickResolutionNs, ticksPerWheel);
    }

    @Override
    long defaultTickNs()
    {
        return WheelTimerService.DEFAULT_TICK_RESOLUTION_NS;
    }

    @Override
    int defaultTicksPerWheel()
    {
        return WheelTimerService.DEFAULT_TICKS_PER_WHEEL;
    }

    @Test
    void poll_manyTimersPerTickPolledOftenerThanTheTick_eachFiresAtTheFirstPollAtOrAfterItsDeadline()
    {
        final long stepNs = 997;
        final Random random = new Random(11);
        for (int i = 0; i < 3_000; i++)
        {
            recorder.schedule(timers, START_NS + 1 + random.nextLong(3 * resolutionNs()), i);
        }
        for (long nowNs = START_NS; nowNs < START_NS + 3 * resolutionNs() + stepNs; nowNs += stepNs)
        {
            pollAt(nowNs);
        }

        assertThat(recorder.payloads()).hasSize(3_000).doesNotHaveDuplicates();
        for (final Fired fired : recorder.fired)
        {
            assertThat(fired.nowNs() - recorder.deadlineByPayload.get(fired.payload()))
                .as("lateness of payload %d", fired.payload())
                .isBetween(0L, stepNs - 1);
        }
        assertThat(timers.scheduledCount()).isZero();
    }
}
