package io.synpipe.tcp;

/** RFC 5961 §7: at most N challenge ACKs per second across the engine (a fixed one-second window). */
final class ChallengeAckLimiter
{
    private static final long WINDOW_NS = 1_000_000_000L;

    private final int limitPerSecond;
    private long windowStartNs;
    private int sentInWindow;
    private boolean started;

    ChallengeAckLimiter(final int limitPerSecond)
    {
        this.limitPerSecond = limitPerSecond;
    }

    boolean tryAcquire(final long nowNs)
    {
        if (!started || nowNs - windowStartNs >= WINDOW_NS)
        {
            started = true;
            windowStartNs = nowNs;
            sentInWindow = 0;
        }
        if (sentInWindow < limitPerSecond)
        {
            sentInWindow++;
            return true;
        }
        return false;
    }
}
