package io.synpipe.timer;

/** Which {@link TimerService} an engine runs its timers on. */
public enum TimerKind
{
    /**
     * {@link WheelTimerService}: synpipe's hashed wheel with intrusive lists and sub-ticks; a poll costs the timers
     * it fires, however many share a tick (the default).
     */
    WHEEL,
    /**
     * {@link AgronaTimerService}: over Agrona's {@code DeadlineTimerWheel}; each poll walks the current tick's spoke,
     * which costs when thousands of timers (TIME-WAIT under handshake load) share a ~1 ms tick.
     */
    AGRONA;

    /** A timer service of this kind for {@code expectedTimers} timers at once, its clock now at {@code startNs}. */
    public TimerService create(final long startNs, final int expectedTimers)
    {
        return this == WHEEL ? new WheelTimerService(startNs, expectedTimers) : new AgronaTimerService(startNs, expectedTimers);
    }
}
