package io.synpipe.buffer;

import java.util.Objects;

import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over a bounded set of disjoint, non-adjacent half-open sequence ranges {@code [start, end)}, sorted by
 * start: the out-of-order data held past RCV.NXT, or a SACK scoreboard above SND.UNA (RFC 2018, RFC 6675).
 * Native byte order (the memory is the engine's alone); zeroed memory is a valid empty set.
 * <pre>
 * | off        | sz | field      | meaning |
 * |------------|----|------------|---------|
 * |          0 |  4 | count      | ranges held, 0..maxRanges |
 * |          4 |  4 | mostRecent | index of the range last added to; -1 once removed; ignored while count = 0 |
 * |  8 + 8 * i |  4 | start(i)   | first sequence number of range i |
 * | 12 + 8 * i |  4 | end(i)     | sequence number just past range i |
 * </pre>
 * Comparisons are by signed 32-bit difference (RFC 9293 §3.4), so every range and every argument must lie within
 * 2^31 of the others, which a TCP window (at most 2^30) ensures; ranges may straddle the 2^32 wrap. Ranges that
 * overlap or touch are merged. When a new disjoint range does not fit, the range farthest from the front (highest
 * start) is dropped, which may be the new one: data far ahead of RCV.NXT is the cheapest to lose.
 * <p>
 * {@link #mostRecentIndex()} serves RFC 2018 §4: the first SACK block reported must hold the segment that triggered
 * the ACK. The operations loop over at most {@code maxRanges} ranges and allocate nothing.
 */
public final class SeqRangeSet
{
    public static final int COUNT_OFFSET = 0;
    public static final int MOST_RECENT_OFFSET = 4;
    public static final int RANGES_OFFSET = 8;
    public static final int RANGE_BYTES = 8;
    public static final int START_OFFSET = 0;
    public static final int END_OFFSET = 4;
    public static final int MAX_RANGES = (Integer.MAX_VALUE - RANGES_OFFSET) / RANGE_BYTES;

    private static final int NONE = -1;

    private MutableDirectBuffer buffer;
    private int offset;
    private int maxRanges;

    /** @return the bytes a set of {@code maxRanges} ranges occupies. */
    public static int bytesFor(final int maxRanges)
    {
        return RANGES_OFFSET + maxRanges * RANGE_BYTES;
    }

    /** Positions the flyweight; the region keeps its contents (zeroed memory reads as empty). */
    public SeqRangeSet wrap(final MutableDirectBuffer buffer, final int offset, final int maxRanges)
    {
        if (maxRanges < 1 || maxRanges > MAX_RANGES)
        {
            throw new IllegalArgumentException(
                "maxRanges = " + maxRanges + " is out of range: allowed 1.." + MAX_RANGES);
        }
        if (offset < 0 || (long)offset + bytesFor(maxRanges) > buffer.capacity())
        {
            throw new IllegalArgumentException("offset = " + offset + " is out of range: allowed 0.."
                + (buffer.capacity() - bytesFor(maxRanges)) + " for " + maxRanges + " ranges");
        }
        this.buffer = buffer;
        this.offset = offset;
        this.maxRanges = maxRanges;
        return this;
    }

    public SeqRangeSet clear()
    {
        count(0);
        mostRecent(NONE);
        return this;
    }

    public int maxRanges()
    {
        return maxRanges;
    }

    public int count()
    {
        return buffer.getInt(offset + COUNT_OFFSET);
    }

    public boolean isEmpty()
    {
        return count() == 0;
    }

    /** @return the first sequence number of range {@code index} (0 is the lowest). */
    public int start(final int index)
    {
        return startAt(Objects.checkIndex(index, count()));
    }

    /** @return the sequence number just past range {@code index}. */
    public int end(final int index)
    {
        return endAt(Objects.checkIndex(index, count()));
    }

    /**
     * @return the index of the range that holds the data of the last {@link #add(int, int)} that kept it, or -1
     * if there is none (empty set, or that range has since been removed by {@link #advance} or
     * {@link #removeBelow}).
     */
    public int mostRecentIndex()
    {
        return count() == 0 ? NONE : mostRecent();
    }

    /**
     * Adds {@code [start, end)}, merging it with every range it overlaps or touches. The merged (or new) range
     * becomes the most recent one. An empty range ({@code end - start <= 0}) changes nothing.
     *
     * @return false if the range is disjoint from all, the set is full and the new range is the farthest from the
     * front, so it was not kept (nothing changed); true otherwise, including when the last range was dropped to
     * make room for it.
     */
    public boolean add(final int start, final int end)
    {
        if (end - start <= 0)
        {
            return true;
        }
        int count = count();
        int first = 0;
        while (first < count && endAt(first) - start < 0)
        {
            first++;
        }
        int pastLast = first;
        while (pastLast < count && startAt(pastLast) - end <= 0)
        {
            pastLast++;
        }

        if (pastLast > first)
        {
            // ranges first..pastLast-1 overlap or touch [start, end): they become one range at first
            final int firstStart = startAt(first);
            final int lastEnd = endAt(pastLast - 1);
            put(first, firstStart - start < 0 ? firstStart : start, lastEnd - end > 0 ? lastEnd : end);
            final int merged = pastLast - first - 1;
            if (merged > 0)
            {
                for (int i = pastLast; i < count; i++)
                {
                    put(i - merged, startAt(i), endAt(i));
                }
                count(count - merged);
            }
            mostRecent(first);
            return true;
        }

        if (count == maxRanges)
        {
            if (first == count)
            {
                return false;
            }
            count--;
        }
        for (int i = count; i > first; i--)
        {
            put(i, startAt(i - 1), endAt(i - 1));
        }
        put(first, start, end);
        count(count + 1);
        mostRecent(first);
        return true;
    }

    /**
     * Moves a cumulative point over the ranges: if a range starts at or before {@code seq}, returns the end of the
     * coverage that continues from {@code seq} (or {@code seq} itself if it lies just past a range); ranges wholly
     * below the result are removed. Used as {@code rcvNxt = set.advance(rcvNxt)} once in-order data has arrived.
     *
     * @return the first sequence number at or after {@code seq} that the set does not cover, starting from seq.
     */
    public int advance(final int seq)
    {
        final int count = count();
        int below = 0;
        while (below < count && endAt(below) - seq <= 0)
        {
            below++;
        }
        int result = seq;
        if (below < count && startAt(below) - seq <= 0)
        {
            result = endAt(below);
            below++;
        }
        removeFront(below, count);
        return result;
    }

    /** Drops the coverage below {@code seq}: ranges wholly below go, a range across it is trimmed to start at it. */
    public void removeBelow(final int seq)
    {
        final int count = count();
        int below = 0;
        while (below < count && endAt(below) - seq <= 0)
        {
            below++;
        }
        if (below < count && startAt(below) - seq < 0)
        {
            buffer.putInt(rangeOffset(below) + START_OFFSET, seq);
        }
        removeFront(below, count);
    }

    public boolean contains(final int seq)
    {
        final int count = count();
        for (int i = 0; i < count; i++)
        {
            if (seq - startAt(i) < 0)
            {
                return false;
            }
            if (seq - endAt(i) < 0)
            {
                return true;
            }
        }
        return false;
    }

    /** @return the number of sequence numbers covered by all ranges. */
    public int coveredBytes()
    {
        final int count = count();
        int bytes = 0;
        for (int i = 0; i < count; i++)
        {
            bytes += endAt(i) - startAt(i);
        }
        return bytes;
    }

    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder("SeqRangeSet{");
        final int count = count();
        for (int i = 0; i < count; i++)
        {
            text.append(i == 0 ? "" : ", ").append('[').append(Integer.toUnsignedString(startAt(i)))
                .append(", ").append(Integer.toUnsignedString(endAt(i))).append(')');
        }
        return text.append(", mostRecent=").append(mostRecentIndex()).append('}').toString();
    }

    private void removeFront(final int removed, final int count)
    {
        if (removed == 0)
        {
            return;
        }
        for (int i = removed; i < count; i++)
        {
            put(i - removed, startAt(i), endAt(i));
        }
        count(count - removed);
        final int mostRecent = mostRecent();
        mostRecent(mostRecent < removed ? NONE : mostRecent - removed);
    }

    private int rangeOffset(final int index)
    {
        return offset + RANGES_OFFSET + index * RANGE_BYTES;
    }

    private int startAt(final int index)
    {
        return buffer.getInt(rangeOffset(index) + START_OFFSET);
    }

    private int endAt(final int index)
    {
        return buffer.getInt(rangeOffset(index) + END_OFFSET);
    }

    private void put(final int index, final int start, final int end)
    {
        final int rangeOffset = rangeOffset(index);
        buffer.putInt(rangeOffset + START_OFFSET, start);
        buffer.putInt(rangeOffset + END_OFFSET, end);
    }

    private void count(final int count)
    {
        buffer.putInt(offset + COUNT_OFFSET, count);
    }

    private int mostRecent()
    {
        return buffer.getInt(offset + MOST_RECENT_OFFSET);
    }

    private void mostRecent(final int index)
    {
        buffer.putInt(offset + MOST_RECENT_OFFSET, index);
    }
}
