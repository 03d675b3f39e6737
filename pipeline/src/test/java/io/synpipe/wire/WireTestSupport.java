package io.synpipe.wire;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.HexFormat;

/**
 * Helpers for the wire tests: hex literals, a byte-by-byte reference checksum (independent of {@link Checksum}),
 * checksum fixing for hand-mutated packets, and a decode that reports its single outcome.
 */
final class WireTestSupport
{
    static final String ACCEPTED = "ACCEPTED";
    static final String HELD = "HELD";

    private WireTestSupport()
    {
    }

    /** @param text hex digits, whitespace ignored, e.g. {@code "4500 003c"}. */
    static byte[] hex(final String text)
    {
        return HexFormat.of().parseHex(text.replaceAll("\\s", ""));
    }

    static String toHex(final byte[] bytes)
    {
        return HexFormat.of().formatHex(bytes);
    }

    /** RFC 1071 the slow, obvious way: 16-bit words, an odd byte padded on the right, carries folded each step. */
    static int naiveChecksum(final byte[] data, final int offset, final int length, final long initialSum)
    {
        long sum = initialSum;
        for (int i = 0; i < length; i += 2)
        {
            final int hi = data[offset + i] & 0xff;
            final int lo = i + 1 < length ? data[offset + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
            while ((sum >>> 16) != 0)
            {
                sum = (sum & 0xffff) + (sum >>> 16);
            }
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int)(~sum & 0xffff);
    }

    static int u16(final byte[] b, final int i)
    {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static void put16(final byte[] b, final int i, final int value)
    {
        b[i] = (byte)(value >>> 8);
        b[i + 1] = (byte)value;
    }

    /**
     * Recomputes the IPv4 header checksum and the TCP checksum of {@code packet} in place, as far as its length
     * fields allow, so a mutation reaches the checks behind the checksums. Never throws.
     *
     * @return the same array.
     */
    static byte[] fixChecksums(final byte[] packet)
    {
        if (packet.length < 20)
        {
            return packet;
        }
        final int version = (packet[0] & 0xff) >>> 4;
        if (version == 4)
        {
            final int headerLength = (packet[0] & 0x0f) * 4;
            if (headerLength < 20 || headerLength > packet.length)
            {
                return packet;
            }
            put16(packet, 10, 0);
            put16(packet, 10, naiveChecksum(packet, 0, headerLength, 0));
            final int totalLength = Math.min(u16(packet, 2), packet.length);
            final int tcpLength = totalLength - headerLength;
            if (tcpLength >= 18)
            {
                long pseudo = 6 + tcpLength;
                for (int i = 12; i < 20; i += 2)
                {
                    pseudo += u16(packet, i);
                }
                put16(packet, headerLength + 16, 0);
                put16(packet, headerLength + 16, naiveChecksum(packet, headerLength, tcpLength, pseudo));
            }
        }
        else if (version == 6 && packet.length >= 40)
        {
            final int end = Math.min(40 + u16(packet, 4), packet.length);
            int nextHeader = packet[6] & 0xff;
            int cursor = 40;
            while ((nextHeader == 0 || nextHeader == 43 || nextHeader == 60 || nextHeader == 44) && cursor + 8 <= end)
            {
                final int length = nextHeader == 44 ? 8 : ((packet[cursor + 1] & 0xff) + 1) * 8;
                nextHeader = packet[cursor] & 0xff;
                cursor += length;
            }
            final int tcpLength = end - cursor;
            if (nextHeader == 6 && tcpLength >= 18)
            {
                long pseudo = 6 + tcpLength;
                for (int i = 8; i < 40; i += 2)
                {
                    pseudo += u16(packet, i);
                }
                put16(packet, cursor + 16, 0);
                put16(packet, cursor + 16, naiveChecksum(packet, cursor, tcpLength, pseudo));
            }
        }
        return packet;
    }

    /**
     * Decodes {@code packet} (in a buffer of exactly its size, so an out-of-bounds read throws) with a fresh
     * decoder and no reassembler.
     *
     * @return {@link #ACCEPTED}, {@link #HELD} or the name of the one {@link DropReason} counted.
     */
    static String outcome(final byte[] packet)
    {
        final DropCounters counters = new DropCounters();
        final boolean accepted = new PacketDecoder(null, counters)
            .decode(new UnsafeBuffer(packet), 0, packet.length, 0, new Segment());
        if (accepted != (counters.accepted() == 1))
        {
            throw new AssertionError("decode returned " + accepted + " but accepted count is " + counters.accepted());
        }
        final long total = counters.accepted() + counters.fragmentsHeld() + counters.totalDropped();
        if (total != 1)
        {
            throw new AssertionError("expected exactly one outcome, counted " + total + ": " + counters.snapshot());
        }
        if (accepted)
        {
            return ACCEPTED;
        }
        if (counters.fragmentsHeld() == 1)
        {
            return HELD;
        }
        return counters.snapshot().keySet().iterator().next().name();
    }
}
