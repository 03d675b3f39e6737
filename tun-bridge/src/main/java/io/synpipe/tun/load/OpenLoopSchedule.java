package io.synpipe.tun.load;

/**
 * A constant-rate schedule for an open loop: start {@code n} is due at {@code startNs + n * 1e9 / ratePerS}
 * (n = 0, 1, ...), whatever happened to the earlier ones. {@link #take} returns how many starts became due since the
 * last call, so a caller woken by a periodic tick starts them in a batch; the schedule does not drift with the
 * tick. Integer arithmetic only, no allocation.
 */
public final class OpenLoopSchedule
{
    /** The highest rate: ten million starts per second. */
    public static final long MAX_RATE_PER_S = 10_000_000;
    private static final long NS_PER_S = 1_000_000_000L;

    private final long ratePerS;
    private long startNs;
    private long taken;

    public OpenLoopSchedule(final long ratePerS)
    {
        if (ratePerS < 1 || ratePerS > MAX_RATE_PER_S)
        {
            throw new IllegalArgumentException("--rate " + ratePerS + " is out of range: allowed 1.." + MAX_RATE_PER_S);
        }
        this.ratePerS = ratePerS;
    }

    /** The schedule begins: start 0 is due at {@code nowNs}. */
    public void begin(final long nowNs)
    {
        startNs = nowNs;
        taken = 0;
    }

    /** @return the starts due at {@code nowNs} that were not taken yet; they count as taken now. */
    public long take(final long nowNs)
    {
        final long due = dueBy(nowNs);
        final long n = due - taken;
        if (n <= 0)
        {
            return 0;
        }
        taken = due;
        return n;
    }

    /** @return how many starts are due by {@code nowNs} since {@link #begin} (taken or not). */
    public long dueBy(final long nowNs)
    {
        final long elapsedNs = nowNs - startNs;
        if (elapsedNs < 0)
        {
            return 0;
        }
        // split so elapsed * rate cannot overflow for any run length
        return (elapsedNs / NS_PER_S) * ratePerS + ((elapsedNs % NS_PER_S) * ratePerS) / NS_PER_S + 1;
    }

    /** Starts taken so far. */
    public long taken()
    {
        return taken;
    }

    /** The time between two starts, for coordinated-omission correction ({@code recordValueWithExpectedInterval}). */
    public long intervalNs()
    {
        return Math.max(1, NS_PER_S / ratePerS);
    }

    public long ratePerS()
    {
        return ratePerS;
    }
}
