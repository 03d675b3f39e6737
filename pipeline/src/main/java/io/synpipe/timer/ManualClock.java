package io.synpipe.timer;

import org.agrona.concurrent.NanoClock;

/** A clock that moves only when told: tests and simulations never sleep. */
public final class ManualClock implements NanoClock
{
    private long nowNs;

    public ManualClock(final long startNs)
    {
        this.nowNs = startNs;
    }

    @Override
    public long nanoTime()
    {
        return nowNs;
    }

    public ManualClock setNs(final long nowNs)
    {
        this.nowNs = nowNs;
        return this;
    }

    public ManualClock advanceNs(final long ns)
    {
        this.nowNs += ns;
        return this;
    }

    public ManualClock advanceMs(final long ms)
    {
        return advanceNs(ms * 1_000_000L);
    }
}
