package io.synpipe.timer;

/** AgronaTimerService against the contracts (late by at most one tick) over Agrona's DeadlineTimerWheel. */
class AgronaTimerServiceTest extends WheelContract
{
    @Override
    TimerService create(final long startNs, final int expectedTimers)
    {
        return new AgronaTimerService(startNs, expectedTimers);
    }

    @Override
    TimerService create(final long startNs, final int expectedTimers, final long tickResolutionNs, final int ticksPerWheel)
    {
        return new AgronaTimerService(startNs, expectedTimers, tickResolutionNs, ticksPerWheel);
    }

    @Override
    long defaultTickNs()
    {
        return AgronaTimerService.DEFAULT_TICK_RESOLUTION_NS;
    }

    @Override
    int defaultTicksPerWheel()
    {
        return AgronaTimerService.DEFAULT_TICKS_PER_WHEEL;
    }
}
