package io.synpipe.tcp;

/**
 * Sequence number arithmetic modulo 2^32 (RFC 9293 §3.4): compare by the sign of the 32-bit difference.
 */
public final class SeqNum
{
    private SeqNum()
    {
    }

    public static boolean lt(final int a, final int b)
    {
        return (a - b) < 0;
    }

    public static boolean le(final int a, final int b)
    {
        return (a - b) <= 0;
    }

    public static boolean gt(final int a, final int b)
    {
        return (a - b) > 0;
    }

    public static boolean ge(final int a, final int b)
    {
        return (a - b) >= 0;
    }

    /** @return true if {@code low <= x < high} in sequence space. */
    public static boolean inRange(final int x, final int low, final int high)
    {
        return (x - low) >= 0 && (x - high) < 0;
    }

    /** @return true if {@code low < x <= high} in sequence space. */
    public static boolean inRangeExclusiveInclusive(final int x, final int low, final int high)
    {
        return (x - low) > 0 && (x - high) <= 0;
    }
}
