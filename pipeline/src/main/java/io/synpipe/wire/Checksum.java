package io.synpipe.wire;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The internet checksum of RFC 1071: the 16-bit one's complement of the one's complement sum of the data taken as
 * big-endian 16-bit words, an odd last byte padded with a zero byte on its right.
 * <p>
 * Sums are carried in a {@code long} and folded only at the end: the data is read eight bytes at a time and each
 * half added as a 32-bit word, which is the same sum modulo 0xffff as adding the four 16-bit words (RFC 1071 §2(C),
 * "parallel summation"). A partial sum from {@link #sum} can be added to another with {@code +} as long as each
 * covers an even number of bytes, except the last one.
 * <p>
 * TCP sums a pseudo-header with the segment: {@link #ipv4PseudoHeaderSum} (RFC 9293 §3.1) or
 * {@link #ipv6PseudoHeaderSum} (RFC 8200 §8.1).
 */
public final class Checksum
{
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final long LOW_32 = 0xffff_ffffL;

    private Checksum()
    {
    }

    /**
     * @return the unfolded one's complement sum of {@code buffer[offset, offset + length)}, plus {@code initial}.
     * Never negative for any length that fits in a buffer and an {@code initial} below 2^48.
     */
    public static long sum(final DirectBuffer buffer, final int offset, final int length, final long initial)
    {
        long sum = initial;
        int i = offset;
        final int end = offset + length;
        final int end8 = end - 7;
        while (i < end8)
        {
            final long word = buffer.getLong(i, BE);
            sum += (word >>> 32) + (word & LOW_32);
            i += 8;
        }
        if (end - i >= 4)
        {
            sum += buffer.getInt(i, BE) & LOW_32;
            i += 4;
        }
        if (end - i >= 2)
        {
            sum += buffer.getShort(i, BE) & 0xffff;
            i += 2;
        }
        if (i < end)
        {
            sum += (buffer.getByte(i) & 0xff) << 8;
        }
        return sum;
    }

    /** @return the unfolded sum of {@code buffer[offset, offset + length)}. */
    public static long sum(final DirectBuffer buffer, final int offset, final int length)
    {
        return sum(buffer, offset, length, 0);
    }

    /** @return {@code sum} folded to 16 bits with end-around carries (not complemented). */
    public static int fold(final long sum)
    {
        long s = (sum & LOW_32) + (sum >>> 32);
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return (int)s;
    }

    /** @return the checksum to put on the wire for a region whose unfolded sum is {@code sum}. */
    public static int finish(final long sum)
    {
        return ~fold(sum) & 0xffff;
    }

    /** @return the internet checksum of {@code buffer[offset, offset + length)}. */
    public static int compute(final DirectBuffer buffer, final int offset, final int length)
    {
        return finish(sum(buffer, offset, length, 0));
    }

    /**
     * @return true if the region, which includes its checksum field, sums to 0xffff (RFC 1071 §1: a received
     * region with a correct checksum sums to all ones).
     */
    public static boolean verify(final DirectBuffer buffer, final int offset, final int length)
    {
        return fold(sum(buffer, offset, length, 0)) == 0xffff;
    }

    /**
     * @return true if the segment at {@code buffer[offset, offset + length)}, checksum field included, sums with
     * the pseudo-header sum {@code pseudoHeaderSum} to 0xffff.
     */
    public static boolean verify(
        final DirectBuffer buffer, final int offset, final int length, final long pseudoHeaderSum)
    {
        return fold(sum(buffer, offset, length, pseudoHeaderSum)) == 0xffff;
    }

    /**
     * The IPv4 pseudo-header of RFC 9293 §3.1: source address, destination address, zero, protocol, TCP length.
     *
     * @param srcIpv4      source address, network order in an int.
     * @param dstIpv4      destination address.
     * @param protocol     the IP protocol number (6 for TCP).
     * @param upperLength  TCP header plus data length in bytes.
     * @return the unfolded sum of the 12-byte pseudo-header.
     */
    public static long ipv4PseudoHeaderSum(final int srcIpv4, final int dstIpv4, final int protocol, final int upperLength)
    {
        return (srcIpv4 & LOW_32) + (dstIpv4 & LOW_32) + (protocol & 0xff) + (upperLength & 0xffff);
    }

    /**
     * The IPv4 pseudo-header sum with the addresses read from an IPv4 header at {@code ipOffset}.
     */
    public static long ipv4PseudoHeaderSum(
        final DirectBuffer buffer, final int ipOffset, final int protocol, final int upperLength)
    {
        return sum(buffer, ipOffset + Ipv4Header.SOURCE_ADDRESS_OFFSET, 8, (protocol & 0xff) + (upperLength & 0xffff));
    }

    /**
     * The IPv6 pseudo-header of RFC 8200 §8.1: source, destination, 32-bit upper-layer length, three zero bytes,
     * next header.
     *
     * @return the unfolded sum of the 40-byte pseudo-header.
     */
    public static long ipv6PseudoHeaderSum(
        final long srcHi,
        final long srcLo,
        final long dstHi,
        final long dstLo,
        final int nextHeader,
        final int upperLength)
    {
        return (srcHi >>> 32) + (srcHi & LOW_32) + (srcLo >>> 32) + (srcLo & LOW_32) +
            (dstHi >>> 32) + (dstHi & LOW_32) + (dstLo >>> 32) + (dstLo & LOW_32) +
            (upperLength & LOW_32) + (nextHeader & 0xff);
    }

    /**
     * The IPv6 pseudo-header sum with the addresses read from an IPv6 header at {@code ipOffset}.
     */
    public static long ipv6PseudoHeaderSum(
        final DirectBuffer buffer, final int ipOffset, final int nextHeader, final int upperLength)
    {
        return sum(buffer, ipOffset + Ipv6Header.SOURCE_ADDRESS_OFFSET, 32, (upperLength & LOW_32) + (nextHeader & 0xff));
    }
}
