package io.synpipe.timer;

/** The reference heap against the contract: exact to the nanosecond. */
class HeapTimerServiceTest extends TimerServiceContract
{
    @Override
    TimerService newService(final long startNs)
    {
        return new HeapTimerService();
    }

    @Override
    long resolutionNs()
    {
        return 0;
    }
}
