package io.synpipe.wire;

import io.synpipe.frag.FragmentReassembler;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Validates one received IP packet carrying TCP and fills a {@link Segment} from it, without allocating.
 * <p>
 * Every call ends in exactly one of: {@link DropCounters#accept()} (returns true), {@link DropCounters#holdFragment()}
 * (a fragment kept for reassembly), one {@link DropCounters#drop} with the first check that failed, or nothing
 * counted here because the reassembler already counted its own drop reason. The checks, in order:
 * <ol>
 *     <li>fewer than 20 bytes, or an IPv6 packet shorter than 40: {@link DropReason#PACKET_TRUNCATED};
 *     version neither 4 nor 6: {@link DropReason#IP_VERSION};</li>
 *     <li>IPv4 (RFC 791, RFC 1122 §3.2.1): IHL below 5 or past the bytes; total length past the bytes or below the
 *     header (bytes past the total length are link padding and trimmed); header checksum; protocol not TCP;</li>
 *     <li>IPv6 (RFC 8200): payload length past the bytes (extra bytes trimmed); extension headers walked:
 *     Hop-by-Hop (only first), Routing (only with Segments Left 0: synpipe is never an intermediate node),
 *     Destination Options, their options checked (§4.2: an unknown option whose action bits are not 00 means
 *     discard); Fragment hands the packet to the reassembler; No Next Header or any other protocol is not TCP;
 *     </li>
 *     <li>addresses: multicast, IPv4 limited broadcast, unspecified, or an IPv4-mapped address inside an IPv6
 *     header (RFC 4291 §2.5.5.2 does not put them on the wire) as source or destination (RFC 9293 §3.10.7.2,
 *     RFC 1122 §4.2.3.10);</li>
 *     <li>fragments: to the {@link FragmentReassembler}, or {@link DropReason#FRAGMENT_INVALID} without one; the
 *     datagram it completes is decoded from {@link FragmentReassembler#reassembledBuffer()} with all checks again
 *     and counted once, as the outcome of the fragment that completed it;</li>
 *     <li>TCP (RFC 9293 §3.1): under 20 bytes; data offset below 5 or past the segment; checksum with the
 *     pseudo-header (verified before the options are read, so corrupted options count as a checksum failure);
 *     malformed options; port 0.</li>
 * </ol>
 * One instance per engine thread.
 */
public final class PacketDecoder
{
    private static final int ACCEPTED = -1;
    private static final int HELD = -2;
    private static final int COUNTED_BY_REASSEMBLER = -3;

    private static final int PACKET_TRUNCATED = DropReason.PACKET_TRUNCATED.ordinal();
    private static final int IP_VERSION = DropReason.IP_VERSION.ordinal();
    private static final int IPV4_HEADER_LENGTH = DropReason.IPV4_HEADER_LENGTH.ordinal();
    private static final int IPV4_TOTAL_LENGTH = DropReason.IPV4_TOTAL_LENGTH.ordinal();
    private static final int IPV4_CHECKSUM = DropReason.IPV4_CHECKSUM.ordinal();
    private static final int IPV6_PAYLOAD_LENGTH = DropReason.IPV6_PAYLOAD_LENGTH.ordinal();
    private static final int IPV6_EXTENSION_HEADER = DropReason.IPV6_EXTENSION_HEADER.ordinal();
    private static final int IP_ADDRESS = DropReason.IP_ADDRESS.ordinal();
    private static final int NOT_TCP = DropReason.NOT_TCP.ordinal();
    private static final int FRAGMENT_INVALID = DropReason.FRAGMENT_INVALID.ordinal();
    private static final int TCP_TRUNCATED = DropReason.TCP_TRUNCATED.ordinal();
    private static final int TCP_DATA_OFFSET = DropReason.TCP_DATA_OFFSET.ordinal();
    private static final int TCP_OPTION_LENGTH = DropReason.TCP_OPTION_LENGTH.ordinal();
    private static final int TCP_CHECKSUM = DropReason.TCP_CHECKSUM.ordinal();
    private static final int TCP_PORT_ZERO = DropReason.TCP_PORT_ZERO.ordinal();

    private static final int IPV6_OPTION_PAD1 = 0;
    private static final int IPV6_OPTION_PADN = 1;
    private static final int IPV6_FRAGMENT_HEADER_LENGTH = 8;

    private final FragmentReassembler reassembler;
    private final DropCounters counters;
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final TcpHeader tcp = new TcpHeader();

    /**
     * @param reassemblerOrNull where fragments go; null to drop every fragment as {@link DropReason#FRAGMENT_INVALID}.
     * @param counters          where the outcome of each packet is counted.
     */
    public PacketDecoder(final FragmentReassembler reassemblerOrNull, final DropCounters counters)
    {
        this.reassembler = reassemblerOrNull;
        this.counters = counters;
    }

    public DropCounters counters()
    {
        return counters;
    }

    /**
     * Decodes the IP packet at {@code buffer[offset, offset + length)}.
     *
     * @param nowNs the engine clock, for the reassembly timeout.
     * @param out   filled when this returns true (its payload a view of {@code buffer} or of the reassembler's
     *              buffer); left in an unspecified state otherwise.
     * @return true if the packet is a valid TCP segment, now in {@code out}.
     */
    public boolean decode(
        final DirectBuffer buffer, final int offset, final int length, final long nowNs, final Segment out)
    {
        final int outcome = decodeIp(buffer, offset, length, nowNs, out, true);
        if (outcome == ACCEPTED)
        {
            counters.accept();
            return true;
        }
        if (outcome == HELD)
        {
            counters.holdFragment();
        }
        else if (outcome >= 0)
        {
            counters.drop(DropReason.fromOrdinal(outcome));
        }
        return false;
    }

    private int decodeIp(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long nowNs,
        final Segment out,
        final boolean fragmentsAllowed)
    {
        if (length < Ipv4Header.MIN_LENGTH)
        {
            return PACKET_TRUNCATED;
        }
        final int version = (buffer.getByte(offset) & 0xff) >>> 4;
        if (version == Ipv4Header.VERSION)
        {
            return decodeIpv4(buffer, offset, length, nowNs, out, fragmentsAllowed);
        }
        if (version == Ipv6Header.VERSION)
        {
            if (length < Ipv6Header.LENGTH)
            {
                return PACKET_TRUNCATED;
            }
            return decodeIpv6(buffer, offset, length, nowNs, out, fragmentsAllowed);
        }
        return IP_VERSION;
    }

    private int decodeIpv4(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long nowNs,
        final Segment out,
        final boolean fragmentsAllowed)
    {
        final Ipv4Header ip = ipv4.wrap(buffer, offset, length);
        final int ihl = ip.ihl();
        final int headerLength = ihl << 2;
        if (ihl < Ipv4Header.MIN_IHL || headerLength > length)
        {
            return IPV4_HEADER_LENGTH;
        }
        final int totalLength = ip.totalLength();
        if (totalLength > length || totalLength < headerLength)
        {
            return IPV4_TOTAL_LENGTH;
        }
        if (!Checksum.verify(buffer, offset, headerLength))
        {
            return IPV4_CHECKSUM;
        }
        if (ip.protocol() != Ipv4Header.PROTOCOL_TCP)
        {
            return NOT_TCP;
        }
        final int src = ip.sourceAddress();
        final int dst = ip.destinationAddress();
        if (!isUnicastIpv4(src) || !isUnicastIpv4(dst))
        {
            return IP_ADDRESS;
        }
        if (ip.isFragment())
        {
            if (!fragmentsAllowed || reassembler == null)
            {
                return FRAGMENT_INVALID;
            }
            return reassembled(reassembler.offerIpv4(buffer, offset, totalLength, nowNs), nowNs, out);
        }
        out.src(0, IpAddress.v4Lo(src)).dst(0, IpAddress.v4Lo(dst)).ipVersion(Ipv4Header.VERSION).hopLimit(ip.ttl());
        final int tcpLength = totalLength - headerLength;
        final long pseudoHeaderSum = Checksum.ipv4PseudoHeaderSum(src, dst, Ipv4Header.PROTOCOL_TCP, tcpLength);
        return decodeTcp(buffer, offset + headerLength, tcpLength, pseudoHeaderSum, out);
    }

    private int decodeIpv6(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long nowNs,
        final Segment out,
        final boolean fragmentsAllowed)
    {
        final Ipv6Header ip = ipv6.wrap(buffer, offset, length);
        final int payloadLength = ip.payloadLength();
        if (payloadLength > length - Ipv6Header.LENGTH)
        {
            return IPV6_PAYLOAD_LENGTH;
        }
        final int end = offset + Ipv6Header.LENGTH + payloadLength;

        int nextHeader = ip.nextHeader();
        int nextHeaderFieldOffset = offset + Ipv6Header.NEXT_HEADER_OFFSET;
        int cursor = offset + Ipv6Header.LENGTH;
        int fragmentHeaderOffset = -1;
        while (nextHeader != Ipv6Header.NEXT_HEADER_TCP && fragmentHeaderOffset < 0)
        {
            switch (nextHeader)
            {
                case Ipv6Header.NEXT_HEADER_HOP_BY_HOP, Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS ->
                {
                    // 4.3: Hop-by-Hop Options only right after the IPv6 header
                    if (nextHeader == Ipv6Header.NEXT_HEADER_HOP_BY_HOP && cursor != offset + Ipv6Header.LENGTH)
                    {
                        return IPV6_EXTENSION_HEADER;
                    }
                    final int headerLength = extensionHeaderLength(buffer, cursor, end);
                    if (headerLength < 0 || !optionsAcceptable(buffer, cursor + 2, cursor + headerLength))
                    {
                        return IPV6_EXTENSION_HEADER;
                    }
                    nextHeaderFieldOffset = cursor;
                    nextHeader = buffer.getByte(cursor) & 0xff;
                    cursor += headerLength;
                }
                case Ipv6Header.NEXT_HEADER_ROUTING ->
                {
                    // 4.4: Segments Left (byte 3) non-zero means the packet is not for us yet
                    final int headerLength = extensionHeaderLength(buffer, cursor, end);
                    if (headerLength < 0 || buffer.getByte(cursor + 3) != 0)
                    {
                        return IPV6_EXTENSION_HEADER;
                    }
                    nextHeaderFieldOffset = cursor;
                    nextHeader = buffer.getByte(cursor) & 0xff;
                    cursor += headerLength;
                }
                case Ipv6Header.NEXT_HEADER_FRAGMENT ->
                {
                    if (end - cursor < IPV6_FRAGMENT_HEADER_LENGTH)
                    {
                        return IPV6_EXTENSION_HEADER;
                    }
                    fragmentHeaderOffset = cursor;
                }
                default ->
                {
                    return NOT_TCP;
                }
            }
        }

        final int previousNextHeaderOffset = nextHeaderFieldOffset;
        if (fragmentHeaderOffset >= 0)
        {
            // 4.5: the Fragment header's Next Header names the first header of the fragmentable part
            final int fragmentNextHeader = buffer.getByte(fragmentHeaderOffset) & 0xff;
            if (fragmentNextHeader == Ipv6Header.NEXT_HEADER_HOP_BY_HOP ||
                fragmentNextHeader == Ipv6Header.NEXT_HEADER_ROUTING ||
                fragmentNextHeader == Ipv6Header.NEXT_HEADER_FRAGMENT)
            {
                return IPV6_EXTENSION_HEADER;
            }
            if (fragmentNextHeader != Ipv6Header.NEXT_HEADER_TCP &&
                fragmentNextHeader != Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS)
            {
                return NOT_TCP;
            }
        }

        final long srcHi = ip.sourceHi();
        final long srcLo = ip.sourceLo();
        final long dstHi = ip.destinationHi();
        final long dstLo = ip.destinationLo();
        if (!isUnicastIpv6(srcHi, srcLo) || !isUnicastIpv6(dstHi, dstLo))
        {
            return IP_ADDRESS;
        }
        if (fragmentHeaderOffset >= 0)
        {
            if (!fragmentsAllowed || reassembler == null)
            {
                return FRAGMENT_INVALID;
            }
            final int result = reassembler.offerIpv6(
                buffer, offset, end - offset, fragmentHeaderOffset, previousNextHeaderOffset, nowNs);
            return reassembled(result, nowNs, out);
        }
        out.src(srcHi, srcLo).dst(dstHi, dstLo).ipVersion(Ipv6Header.VERSION).hopLimit(ip.hopLimit());
        final int tcpLength = end - cursor;
        final long pseudoHeaderSum = Checksum.ipv6PseudoHeaderSum(
            srcHi, srcLo, dstHi, dstLo, Ipv6Header.NEXT_HEADER_TCP, tcpLength);
        return decodeTcp(buffer, cursor, tcpLength, pseudoHeaderSum, out);
    }

    private int reassembled(final int result, final long nowNs, final Segment out)
    {
        if (result == FragmentReassembler.HELD)
        {
            return HELD;
        }
        if (result < 0)
        {
            return COUNTED_BY_REASSEMBLER;
        }
        final MutableDirectBuffer datagram = reassembler.reassembledBuffer();
        if (datagram == null || result > datagram.capacity())
        {
            return FRAGMENT_INVALID;
        }
        return decodeIp(datagram, 0, result, nowNs, out, false);
    }

    private int decodeTcp(
        final DirectBuffer buffer, final int offset, final int length, final long pseudoHeaderSum, final Segment out)
    {
        if (length < TcpHeader.MIN_LENGTH)
        {
            return TCP_TRUNCATED;
        }
        final TcpHeader header = tcp.wrap(buffer, offset, length);
        final int dataOffset = header.dataOffset();
        final int headerLength = dataOffset << 2;
        if (dataOffset < TcpHeader.MIN_DATA_OFFSET || headerLength > length)
        {
            return TCP_DATA_OFFSET;
        }
        if (!Checksum.verify(buffer, offset, length, pseudoHeaderSum))
        {
            return TCP_CHECKSUM;
        }
        if (!TcpOptionsCodec.parse(
            buffer, offset + TcpHeader.OPTIONS_OFFSET, headerLength - TcpHeader.MIN_LENGTH, out.options()))
        {
            return TCP_OPTION_LENGTH;
        }
        final int srcPort = header.sourcePort();
        final int dstPort = header.destinationPort();
        if (srcPort == 0 || dstPort == 0)
        {
            return TCP_PORT_ZERO;
        }
        out.srcPort(srcPort)
            .dstPort(dstPort)
            .seq(header.sequenceNumber())
            .ack(header.acknowledgmentNumber())
            .flags(header.flags())
            .window(header.window())
            .urgentPointer(header.urgentPointer())
            .payload(buffer, offset + headerLength, length - headerLength);
        return ACCEPTED;
    }

    /** @return the byte length of the Hop-by-Hop, Routing or Destination Options header at cursor, or -1. */
    private static int extensionHeaderLength(final DirectBuffer buffer, final int cursor, final int end)
    {
        if (end - cursor < 8)
        {
            return -1;
        }
        final int headerLength = ((buffer.getByte(cursor + 1) & 0xff) + 1) << 3;
        return headerLength > end - cursor ? -1 : headerLength;
    }

    /** RFC 8200 §4.2: options are TLVs; an unrecognised type whose two high bits are not 00 means discard. */
    private static boolean optionsAcceptable(final DirectBuffer buffer, final int start, final int end)
    {
        int i = start;
        while (i < end)
        {
            final int type = buffer.getByte(i) & 0xff;
            if (type == IPV6_OPTION_PAD1)
            {
                i++;
                continue;
            }
            if (end - i < 2)
            {
                return false;
            }
            final int next = i + 2 + (buffer.getByte(i + 1) & 0xff);
            if (next > end || (type != IPV6_OPTION_PADN && (type >>> 6) != 0))
            {
                return false;
            }
            i = next;
        }
        return true;
    }

    private static boolean isUnicastIpv4(final int address)
    {
        // not 0.0.0.0, not 224.0.0.0/4 multicast, not 255.255.255.255 limited broadcast
        return address != 0 && (address >>> 28) != 0xe && address != -1;
    }

    private static boolean isUnicastIpv6(final long hi, final long lo)
    {
        // not ::, not ff00::/8 multicast, not ::ffff:0:0/96 (IPv4-mapped)
        return !IpAddress.isAny(hi, lo) && (hi >>> 56) != 0xff && !IpAddress.isV4(hi, lo);
    }
}
