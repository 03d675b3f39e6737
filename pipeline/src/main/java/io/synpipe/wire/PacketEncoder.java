package io.synpipe.wire;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes a {@link Segment} as one IP packet, without allocating.
 * <p>
 * IPv4 (RFC 791): IHL 5, DSCP and ECN 0, identification 0, DF set (RFC 6864 §4.1: an atomic datagram may carry
 * any ID), TTL from {@link Segment#hopLimit()}, protocol 6, header checksum. IPv6 (RFC 8200): traffic class 0,
 * flow label 0, next header 6, hop limit from the segment. Then the TCP header with the options of
 * {@link Segment#options()} laid out by {@link TcpOptionsCodec}, the payload copied, and the TCP checksum over
 * the pseudo-header.
 */
public final class PacketEncoder
{
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final int IPV4_VERSION_IHL = (Ipv4Header.VERSION << 4) | Ipv4Header.MIN_IHL;
    private static final int IPV6_FIRST_WORD = Ipv6Header.VERSION << 28;
    private static final int MAX_IP_LENGTH = 0xffff;

    private PacketEncoder()
    {
    }

    /** @return the number of bytes {@link #encode} writes for {@code seg}. */
    public static int encodedLength(final Segment seg)
    {
        return ipHeaderLength(seg) + TcpHeader.MIN_LENGTH + TcpOptionsCodec.length(seg.options()) + seg.payloadLength();
    }

    /**
     * Writes {@code seg} as an IP packet at {@code dst[offset]}; the buffer must hold {@link #encodedLength}
     * bytes from there.
     *
     * @return the packet length.
     * @throws IllegalArgumentException if the IP version is neither 4 nor 6 or the packet would exceed 65,535 bytes
     *                                  of IPv4 total length or IPv6 payload length.
     */
    public static int encode(final Segment seg, final MutableDirectBuffer dst, final int offset)
    {
        final int ipHeaderLength = ipHeaderLength(seg);
        final int optionsLength = TcpOptionsCodec.length(seg.options());
        final int tcpHeaderLength = TcpHeader.MIN_LENGTH + optionsLength;
        final int tcpLength = tcpHeaderLength + seg.payloadLength();
        final long pseudoHeaderSum;
        if (seg.ipVersion() == Ipv4Header.VERSION)
        {
            final int totalLength = Ipv4Header.MIN_LENGTH + tcpLength;
            checkLength(totalLength, seg);
            final int srcIpv4 = IpAddress.v4(seg.srcLo());
            final int dstIpv4 = IpAddress.v4(seg.dstLo());
            dst.putByte(offset + Ipv4Header.VERSION_IHL_OFFSET, (byte)IPV4_VERSION_IHL);
            dst.putByte(offset + Ipv4Header.DSCP_ECN_OFFSET, (byte)0);
            dst.putShort(offset + Ipv4Header.TOTAL_LENGTH_OFFSET, (short)totalLength, BE);
            dst.putShort(offset + Ipv4Header.IDENTIFICATION_OFFSET, (short)0, BE);
            dst.putShort(offset + Ipv4Header.FLAGS_FRAGMENT_OFFSET_OFFSET, (short)Ipv4Header.FLAG_DF, BE);
            dst.putByte(offset + Ipv4Header.TTL_OFFSET, (byte)seg.hopLimit());
            dst.putByte(offset + Ipv4Header.PROTOCOL_OFFSET, (byte)Ipv4Header.PROTOCOL_TCP);
            dst.putShort(offset + Ipv4Header.HEADER_CHECKSUM_OFFSET, (short)0, BE);
            dst.putInt(offset + Ipv4Header.SOURCE_ADDRESS_OFFSET, srcIpv4, BE);
            dst.putInt(offset + Ipv4Header.DESTINATION_ADDRESS_OFFSET, dstIpv4, BE);
            final int headerChecksum = Checksum.compute(dst, offset, Ipv4Header.MIN_LENGTH);
            dst.putShort(offset + Ipv4Header.HEADER_CHECKSUM_OFFSET, (short)headerChecksum, BE);
            pseudoHeaderSum = Checksum.ipv4PseudoHeaderSum(srcIpv4, dstIpv4, Ipv4Header.PROTOCOL_TCP, tcpLength);
        }
        else
        {
            checkLength(tcpLength, seg);
            dst.putInt(offset + Ipv6Header.VERSION_CLASS_FLOW_OFFSET, IPV6_FIRST_WORD, BE);
            dst.putShort(offset + Ipv6Header.PAYLOAD_LENGTH_OFFSET, (short)tcpLength, BE);
            dst.putByte(offset + Ipv6Header.NEXT_HEADER_OFFSET, (byte)Ipv6Header.NEXT_HEADER_TCP);
            dst.putByte(offset + Ipv6Header.HOP_LIMIT_OFFSET, (byte)seg.hopLimit());
            dst.putLong(offset + Ipv6Header.SOURCE_ADDRESS_OFFSET, seg.srcHi(), BE);
            dst.putLong(offset + Ipv6Header.SOURCE_ADDRESS_OFFSET + 8, seg.srcLo(), BE);
            dst.putLong(offset + Ipv6Header.DESTINATION_ADDRESS_OFFSET, seg.dstHi(), BE);
            dst.putLong(offset + Ipv6Header.DESTINATION_ADDRESS_OFFSET + 8, seg.dstLo(), BE);
            pseudoHeaderSum = Checksum.ipv6PseudoHeaderSum(
                seg.srcHi(), seg.srcLo(), seg.dstHi(), seg.dstLo(), Ipv6Header.NEXT_HEADER_TCP, tcpLength);
        }

        final int tcpOffset = offset + ipHeaderLength;
        dst.putShort(tcpOffset + TcpHeader.SOURCE_PORT_OFFSET, (short)seg.srcPort(), BE);
        dst.putShort(tcpOffset + TcpHeader.DESTINATION_PORT_OFFSET, (short)seg.dstPort(), BE);
        dst.putInt(tcpOffset + TcpHeader.SEQUENCE_NUMBER_OFFSET, seg.seq(), BE);
        dst.putInt(tcpOffset + TcpHeader.ACKNOWLEDGMENT_NUMBER_OFFSET, seg.ack(), BE);
        dst.putByte(tcpOffset + TcpHeader.DATA_OFFSET_OFFSET, (byte)((tcpHeaderLength >>> 2) << 4));
        dst.putByte(tcpOffset + TcpHeader.FLAGS_OFFSET, (byte)seg.flags());
        dst.putShort(tcpOffset + TcpHeader.WINDOW_OFFSET, (short)seg.window(), BE);
        dst.putShort(tcpOffset + TcpHeader.CHECKSUM_OFFSET, (short)0, BE);
        dst.putShort(tcpOffset + TcpHeader.URGENT_POINTER_OFFSET, (short)seg.urgentPointer(), BE);
        TcpOptionsCodec.write(seg.options(), dst, tcpOffset + TcpHeader.OPTIONS_OFFSET);
        if (seg.payloadLength() > 0)
        {
            dst.putBytes(tcpOffset + tcpHeaderLength, seg.payloadBuffer(), seg.payloadOffset(), seg.payloadLength());
        }
        final int tcpChecksum = Checksum.finish(Checksum.sum(dst, tcpOffset, tcpLength, pseudoHeaderSum));
        dst.putShort(tcpOffset + TcpHeader.CHECKSUM_OFFSET, (short)tcpChecksum, BE);
        return ipHeaderLength + tcpLength;
    }

    private static int ipHeaderLength(final Segment seg)
    {
        final int version = seg.ipVersion();
        if (version == Ipv4Header.VERSION)
        {
            return Ipv4Header.MIN_LENGTH;
        }
        if (version == Ipv6Header.VERSION)
        {
            return Ipv6Header.LENGTH;
        }
        throw new IllegalArgumentException("IP version must be 4 or 6, was " + version + ": " + seg);
    }

    private static void checkLength(final int length, final Segment seg)
    {
        if (length > MAX_IP_LENGTH)
        {
            throw new IllegalArgumentException(
                "segment too large for one IP packet: " + length + " > " + MAX_IP_LENGTH + " bytes: " + seg);
        }
    }
}
