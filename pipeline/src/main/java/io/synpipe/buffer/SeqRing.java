package io.synpipe.buffer;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Copies between a ring indexed by TCP sequence number and a linear buffer. The ring is a whole buffer view whose
 * capacity is a power of two (at most 2^30), so byte {@code seq} lives at {@code seq & (capacity - 1)}: the same
 * offset on either side of the 2^32 sequence wrap, since 2^32 is a multiple of the capacity.
 * <pre>
 *   ring: 0                 offsetOf(seq)          capacity
 *         +-----------------+----------------------+
 *         | tail of the run | head of the run ...  |    write(ring, seq, src, off, length) with
 *         +-----------------+----------------------+    length > contiguousBytes(ring, seq, length)
 * </pre>
 * A copy of more than the capacity would overwrite its own start, so it is refused, as is a ring whose capacity
 * is not a power of two: both are bugs in the caller. Which bytes of the ring hold data is the caller's to track
 * (SND.UNA..SND.NXT, RCV.NXT plus a {@link SeqRangeSet}).
 */
public final class SeqRing
{
    private SeqRing()
    {
    }

    /** Copies {@code length} bytes of {@code src} into the ring at sequence numbers {@code seq..seq+length-1}. */
    public static void write(
        final MutableDirectBuffer ring, final int seq, final DirectBuffer src, final int srcOffset, final int length)
    {
        final int capacity = ring.capacity();
        checkLength(capacity, length);
        final int offset = seq & (capacity - 1);
        final int first = Math.min(length, capacity - offset);
        ring.putBytes(offset, src, srcOffset, first);
        if (first < length)
        {
            ring.putBytes(0, src, srcOffset + first, length - first);
        }
    }

    /** Copies the ring's bytes at sequence numbers {@code seq..seq+length-1} into {@code dst}. */
    public static void read(
        final DirectBuffer ring, final int seq, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        final int capacity = ring.capacity();
        checkLength(capacity, length);
        final int offset = seq & (capacity - 1);
        final int first = Math.min(length, capacity - offset);
        dst.putBytes(dstOffset, ring, offset, first);
        if (first < length)
        {
            dst.putBytes(dstOffset + first, ring, 0, length - first);
        }
    }

    /** @return the ring offset of the byte with sequence number {@code seq}. */
    public static int offsetOf(final DirectBuffer ring, final int seq)
    {
        return seq & (ring.capacity() - 1);
    }

    /**
     * @return how many of the {@code length} bytes from {@code seq} lie before the end of the ring, in one piece:
     * {@code min(length, capacity - offsetOf(seq))}. For handing a run out without copying it.
     */
    public static int contiguousBytes(final DirectBuffer ring, final int seq, final int length)
    {
        final int capacity = ring.capacity();
        return Math.min(length, capacity - (seq & (capacity - 1)));
    }

    private static void checkLength(final int capacity, final int length)
    {
        if ((capacity & (capacity - 1)) != 0 || capacity == 0)
        {
            throw new IllegalArgumentException("ring capacity = " + capacity + " is not a power of two");
        }
        if (length < 0 || length > capacity)
        {
            throw new IllegalArgumentException("length = " + length + " is out of range: allowed 0.." + capacity);
        }
    }
}
