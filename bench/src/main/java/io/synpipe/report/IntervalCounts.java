package io.synpipe.report;

import java.util.Arrays;

/**
 * How many values were recorded in each interval of a run: the end of the interval (nanoseconds since the start of
 * the run) and the count, in order. Grows as intervals are added (once per interval, not per value).
 */
public final class IntervalCounts
{
    private long[] startOffsetNs = new long[16];
    private long[] endOffsetNs = new long[16];
    private long[] counts = new long[16];
    private int size;

    /**
     * @param startOffsetNs when the interval began, nanoseconds since the start of the run.
     * @param endOffsetNs   when it ended; not before its start nor before the previous interval's end.
     * @param count         values recorded in it.
     */
    public IntervalCounts add(final long startOffsetNs, final long endOffsetNs, final long count)
    {
        if (startOffsetNs < 0 || endOffsetNs < startOffsetNs || count < 0
            || (size > 0 && endOffsetNs < this.endOffsetNs[size - 1]))
        {
            throw new IllegalArgumentException("interval [" + startOffsetNs + ", " + endOffsetNs + "] ns with count "
                + count + " is not allowed after " + size + " intervals: need 0 <= start <= end, count >= 0, in order");
        }
        if (size == counts.length)
        {
            this.startOffsetNs = Arrays.copyOf(this.startOffsetNs, size * 2);
            this.endOffsetNs = Arrays.copyOf(this.endOffsetNs, size * 2);
            this.counts = Arrays.copyOf(counts, size * 2);
        }
        this.startOffsetNs[size] = startOffsetNs;
        this.endOffsetNs[size] = endOffsetNs;
        this.counts[size] = count;
        size++;
        return this;
    }

    public int size()
    {
        return size;
    }

    public long startOffsetNs(final int i)
    {
        return startOffsetNs[check(i)];
    }

    public long endOffsetNs(final int i)
    {
        return endOffsetNs[check(i)];
    }

    public long count(final int i)
    {
        return counts[check(i)];
    }

    /** @return the interval's count per second; 0 for an interval of no length. */
    public double ratePerSecond(final int i)
    {
        final long lengthNs = endOffsetNs[check(i)] - startOffsetNs[i];
        return lengthNs == 0 ? 0 : counts[i] * 1e9 / lengthNs;
    }

    private int check(final int i)
    {
        if (i < 0 || i >= size)
        {
            throw new IndexOutOfBoundsException("interval " + i + " of " + size);
        }
        return i;
    }
}
