package io.synpipe.timer;

/**
 * Deadline timers for one engine thread. Each timer carries a {@code long} payload chosen by the caller
 * (the engine packs a TCB slot and a timer kind into it). Not thread-safe: one thread owns it.
 * <p>
 * Deadlines are absolute nanoseconds on the engine's clock and compared wrap-safe, {@code (deadlineNs - nowNs) <= 0}.
 */
public interface TimerService
{
    /** Sentinel for "no timer"; never returned by {@link #schedule}. */
    long NULL_TIMER = -1L;

    /**
     * @param deadlineNs when the timer should fire.
     * @param payload    handed back to the handler when it fires.
     * @return the timer id, to {@link #cancel} it.
     */
    long schedule(long deadlineNs, long payload);

    /** @return true if the timer was scheduled and is now cancelled; false for an expired, cancelled or null id. */
    boolean cancel(long timerId);

    /**
     * Fires timers whose deadline is at or before {@code nowNs}, at most {@code limit} of them.
     * A handler may schedule and cancel timers, including new ones that are already due.
     *
     * @return the number of timers fired.
     */
    int poll(long nowNs, TimerHandler handler, int limit);

    /** @return how many timers are scheduled and not yet fired or cancelled. */
    int scheduledCount();

    /** Called for each expired timer. */
    @FunctionalInterface
    interface TimerHandler
    {
        void onTimer(long timerId, long payload, long nowNs);
    }
}
