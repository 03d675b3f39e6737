package io.synpipe.frag;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Builds valid IPv4/IPv6 TCP packets by hand (big-endian) and splits them into fragments the way a router or
 * sender would, so tests can compare the reassembled bytes with the original packet.
 */
final class FragmentFixtures
{
    static final int IPV4_SOURCE = 0xc000_0201;      // 192.0.2.1
    static final int IPV4_DESTINATION = 0xc633_6402; // 198.51.100.2
    static final int PROTOCOL_TCP = 6;
    static final int NEXT_HEADER_HOP_BY_HOP = 0;
    static final int NEXT_HEADER_FRAGMENT = 44;
    /** Where test fragments sit in the buffer offered, so offsets are not all zero. */
    static final int BUFFER_OFFSET = 5;

    /** One fragment as a packet, with the IPv6 offsets the decoder would pass (relative to the packet start). */
    record Fragment(byte[] bytes, boolean ipv6, int fragmentHeaderOffset, int previousNextHeaderOffset)
    {
        /** A copy with one byte changed, for corrupted duplicates. */
        Fragment withByte(final int index, final int value)
        {
            final byte[] copy = bytes.clone();
            copy[index] = (byte)value;
            return new Fragment(copy, ipv6, fragmentHeaderOffset, previousNextHeaderOffset);
        }
    }

    private FragmentFixtures()
    {
    }

    /**
     * An IPv4 TCP packet: 20-byte IP header plus {@code ipOptionBytes} of NOP options (multiple of 4), a TCP header
     * with {@code tcpOptionBytes} of NOP options (multiple of 4), and {@code tcpPayloadBytes} of seeded random data.
     */
    static byte[] ipv4TcpPacket(
        final int identification, final int ipOptionBytes, final int tcpOptionBytes, final int tcpPayloadBytes,
        final long seed)
    {
        final int ipHeaderBytes = 20 + ipOptionBytes;
        final int tcpHeaderBytes = 20 + tcpOptionBytes;
        final int totalBytes = ipHeaderBytes + tcpHeaderBytes + tcpPayloadBytes;
        final ByteBuffer b = ByteBuffer.allocate(totalBytes).order(ByteOrder.BIG_ENDIAN);
        b.put((byte)(0x40 | (ipHeaderBytes / 4)));
        b.put((byte)0);
        b.putShort((short)totalBytes);
        b.putShort((short)identification);
        b.putShort((short)0);
        b.put((byte)64);
        b.put((byte)PROTOCOL_TCP);
        b.putShort((short)0);
        b.putInt(IPV4_SOURCE);
        b.putInt(IPV4_DESTINATION);
        for (int i = 0; i < ipOptionBytes; i++)
        {
            b.put((byte)1);
        }
        putTcp(b, tcpOptionBytes, tcpPayloadBytes, seed);
        final byte[] packet = b.array();
        setIpv4Checksum(packet, 0, ipHeaderBytes);
        return packet;
    }

    /**
     * Splits an IPv4 packet into fragments carrying {@code fragmentPayloadBytes} each (a multiple of 8; the last may
     * be shorter). The first fragment keeps the IP options; the others carry a plain 20-byte header, as options
     * without the copy flag are not copied (RFC 791).
     */
    static List<Fragment> fragmentIpv4(final byte[] packet, final int fragmentPayloadBytes)
    {
        final int headerBytes = (packet[0] & 0x0f) * 4;
        final int payloadBytes = packet.length - headerBytes;
        final List<Fragment> fragments = new ArrayList<>();
        for (int start = 0; start < payloadBytes; start += fragmentPayloadBytes)
        {
            final int chunk = Math.min(fragmentPayloadBytes, payloadBytes - start);
            final boolean more = start + chunk < payloadBytes;
            fragments.add(ipv4Fragment(packet, start, chunk, more, start == 0 ? headerBytes : 20));
        }
        return fragments;
    }

    /** One IPv4 fragment of {@code packet}: payload bytes [start, start + chunk) behind a header of headerBytes. */
    static Fragment ipv4Fragment(
        final byte[] packet, final int start, final int chunk, final boolean more, final int headerBytes)
    {
        final int originalHeaderBytes = (packet[0] & 0x0f) * 4;
        final byte[] f = new byte[headerBytes + chunk];
        System.arraycopy(packet, 0, f, 0, headerBytes);
        f[0] = (byte)(0x40 | (headerBytes / 4));
        putShort(f, 2, f.length);
        putShort(f, 6, (more ? 0x2000 : 0) | (start / 8));
        System.arraycopy(packet, originalHeaderBytes + start, f, headerBytes, chunk);
        setIpv4Checksum(f, 0, headerBytes);
        return new Fragment(f, false, -1, -1);
    }

    /**
     * An IPv6 TCP packet: fixed header, optionally an 8-byte Hop-by-Hop Options header (PadN), a TCP header with
     * {@code tcpOptionBytes} of NOP options, and {@code tcpPayloadBytes} of seeded random data.
     */
    static byte[] ipv6TcpPacket(
        final boolean hopByHop, final int tcpOptionBytes, final int tcpPayloadBytes, final long seed)
    {
        final int extensionBytes = hopByHop ? 8 : 0;
        final int payloadLength = extensionBytes + 20 + tcpOptionBytes + tcpPayloadBytes;
        final ByteBuffer b = ByteBuffer.allocate(40 + payloadLength).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0x6000_0000);
        b.putShort((short)payloadLength);
        b.put((byte)(hopByHop ? NEXT_HEADER_HOP_BY_HOP : PROTOCOL_TCP));
        b.put((byte)64);
        b.putLong(0x2001_0db8_0000_0000L).putLong(1);
        b.putLong(0x2001_0db8_0000_0000L).putLong(2);
        if (hopByHop)
        {
            b.put((byte)PROTOCOL_TCP).put((byte)0);
            b.put((byte)1).put((byte)4).putInt(0);
        }
        putTcp(b, tcpOptionBytes, tcpPayloadBytes, seed);
        return b.array();
    }

    /**
     * Splits an IPv6 packet (built by {@link #ipv6TcpPacket}) into fragments of {@code fragmentPayloadBytes} of
     * fragmentable part each (a multiple of 8), inserting a Fragment header after the unfragmentable part.
     */
    static List<Fragment> fragmentIpv6(final byte[] packet, final int identification, final int fragmentPayloadBytes)
    {
        final boolean hopByHop = packet[6] == NEXT_HEADER_HOP_BY_HOP;
        final int unfragmentableBytes = hopByHop ? 48 : 40;
        final int previousNextHeader = hopByHop ? 40 : 6;
        final int nextHeader = packet[previousNextHeader] & 0xff;
        final int fragmentableBytes = packet.length - unfragmentableBytes;
        final List<Fragment> fragments = new ArrayList<>();
        for (int start = 0; start < fragmentableBytes; start += fragmentPayloadBytes)
        {
            final int chunk = Math.min(fragmentPayloadBytes, fragmentableBytes - start);
            final boolean more = start + chunk < fragmentableBytes;
            final byte[] f = new byte[unfragmentableBytes + 8 + chunk];
            System.arraycopy(packet, 0, f, 0, unfragmentableBytes);
            putShort(f, 4, f.length - 40);
            f[previousNextHeader] = (byte)NEXT_HEADER_FRAGMENT;
            f[unfragmentableBytes] = (byte)nextHeader;
            putShort(f, unfragmentableBytes + 2, start | (more ? 1 : 0));
            putInt(f, unfragmentableBytes + 4, identification);
            System.arraycopy(packet, unfragmentableBytes + start, f, unfragmentableBytes + 8, chunk);
            fragments.add(new Fragment(f, true, unfragmentableBytes, previousNextHeader));
        }
        return fragments;
    }

    static List<Fragment> reversed(final List<Fragment> fragments)
    {
        final List<Fragment> copy = new ArrayList<>(fragments);
        Collections.reverse(copy);
        return copy;
    }

    /** Offers a fragment placed at {@link #BUFFER_OFFSET} in a larger buffer. */
    static int offer(final FragmentReassembler reassembler, final Fragment fragment, final long nowNs)
    {
        final byte[] backing = new byte[BUFFER_OFFSET + fragment.bytes().length + 3];
        Arrays.fill(backing, (byte)0xa5);
        System.arraycopy(fragment.bytes(), 0, backing, BUFFER_OFFSET, fragment.bytes().length);
        final UnsafeBuffer buffer = new UnsafeBuffer(backing);
        if (fragment.ipv6())
        {
            return reassembler.offerIpv6(
                buffer, BUFFER_OFFSET, fragment.bytes().length,
                BUFFER_OFFSET + fragment.fragmentHeaderOffset(), BUFFER_OFFSET + fragment.previousNextHeaderOffset(), nowNs);
        }
        return reassembler.offerIpv4(buffer, BUFFER_OFFSET, fragment.bytes().length, nowNs);
    }

    static byte[] reassembledBytes(final FragmentReassembler reassembler, final int length)
    {
        final byte[] out = new byte[length];
        reassembler.reassembledBuffer().getBytes(0, out);
        return out;
    }

    /** RFC 1071 sum over a region; 0 when a header with its checksum in place verifies. */
    static int checksum(final byte[] b, final int offset, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            sum += ((b[offset + i] & 0xff) << 8) | (i + 1 < length ? b[offset + i + 1] & 0xff : 0);
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int)(~sum & 0xffff);
    }

    static void setIpv4Checksum(final byte[] b, final int offset, final int headerBytes)
    {
        putShort(b, offset + 10, 0);
        putShort(b, offset + 10, checksum(b, offset, headerBytes));
    }

    static void putShort(final byte[] b, final int index, final int value)
    {
        b[index] = (byte)(value >>> 8);
        b[index + 1] = (byte)value;
    }

    static void putInt(final byte[] b, final int index, final int value)
    {
        putShort(b, index, value >>> 16);
        putShort(b, index + 2, value);
    }

    private static void putTcp(final ByteBuffer b, final int tcpOptionBytes, final int tcpPayloadBytes, final long seed)
    {
        b.putShort((short)40000).putShort((short)443);
        b.putInt(0xffff_ff00).putInt(0x1234_5678);
        b.put((byte)(((20 + tcpOptionBytes) / 4) << 4)).put((byte)0x18);
        b.putShort((short)65535).putShort((short)0xbeef).putShort((short)0);
        for (int i = 0; i < tcpOptionBytes; i++)
        {
            b.put((byte)1);
        }
        final byte[] data = new byte[tcpPayloadBytes];
        new Random(seed).nextBytes(data);
        b.put(data);
    }
}
