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
    private static final long LOW_32 = 0xFFFF_FFFFL;

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
        // headers are assembled in registers and stored in 8-byte words; checksums are summed from the same values,
        // never read back from the buffer (a wide load right after narrow stores stalls store-to-load forwarding)
        if (seg.ipVersion() == Ipv4Header.VERSION)
        {
            final int totalLength = Ipv4Header.MIN_LENGTH + tcpLength;
            checkLength(totalLength, seg);
            final int srcIpv4 = IpAddress.v4(seg.srcLo());
            final int dstIpv4 = IpAddress.v4(seg.dstLo());
            // version+IHL, DSCP+ECN 0 | total length | identification 0 | flags (DF), fragment offset 0
            final long word0 = (long)IPV4_VERSION_IHL << 56 | (long)totalLength << 32 | Ipv4Header.FLAG_DF;
            // TTL | protocol | header checksum (0 while summing) | source address
            final long word1 = (long)(seg.hopLimit() & 0xFF) << 56 | (long)Ipv4Header.PROTOCOL_TCP << 48
                | (srcIpv4 & LOW_32);
            final long headerSum = halves(word0) + halves(word1) + (dstIpv4 & LOW_32);
            final long headerChecksum = Checksum.finish(headerSum);
            dst.putLong(offset, word0, BE);
            dst.putLong(offset + 8, word1 | headerChecksum << 32, BE);
            dst.putInt(offset + Ipv4Header.DESTINATION_ADDRESS_OFFSET, dstIpv4, BE);
            pseudoHeaderSum = Checksum.ipv4PseudoHeaderSum(srcIpv4, dstIpv4, Ipv4Header.PROTOCOL_TCP, tcpLength);
        }
        else
        {
            checkLength(tcpLength, seg);
            // version, traffic class 0, flow label 0 | payload length | next header | hop limit
            final long word0 = (long)IPV6_FIRST_WORD << 32 | (long)tcpLength << 16
                | Ipv6Header.NEXT_HEADER_TCP << 8 | (seg.hopLimit() & 0xFF);
            dst.putLong(offset, word0, BE);
            dst.putLong(offset + Ipv6Header.SOURCE_ADDRESS_OFFSET, seg.srcHi(), BE);
            dst.putLong(offset + Ipv6Header.SOURCE_ADDRESS_OFFSET + 8, seg.srcLo(), BE);
            dst.putLong(offset + Ipv6Header.DESTINATION_ADDRESS_OFFSET, seg.dstHi(), BE);
            dst.putLong(offset + Ipv6Header.DESTINATION_ADDRESS_OFFSET + 8, seg.dstLo(), BE);
            pseudoHeaderSum = Checksum.ipv6PseudoHeaderSum(
                seg.srcHi(), seg.srcLo(), seg.dstHi(), seg.dstLo(), Ipv6Header.NEXT_HEADER_TCP, tcpLength);
        }

        final int tcpOffset = offset + ipHeaderLength;
        // source port | destination port | sequence number
        final long word0 = (long)(seg.srcPort() & 0xFFFF) << 48 | (long)(seg.dstPort() & 0xFFFF) << 32
            | (seg.seq() & LOW_32);
        // acknowledgment number | data offset | flags | window
        final long word1 = (long)seg.ack() << 32 | (long)((tcpHeaderLength >>> 2) << 4) << 24
            | (long)(seg.flags() & 0xFF) << 16 | (seg.window() & 0xFFFF);
        final int urgentPointer = seg.urgentPointer() & 0xFFFF;
        long sum = pseudoHeaderSum + halves(word0) + halves(word1) + urgentPointer;
        sum += TcpOptionsCodec.writeSummed(seg.options(), dst, tcpOffset + TcpHeader.OPTIONS_OFFSET);
        if (seg.payloadLength() > 0)
        {
            dst.putBytes(tcpOffset + tcpHeaderLength, seg.payloadBuffer(), seg.payloadOffset(), seg.payloadLength());
            // the payload starts at an even offset of the segment: its sum from the source is the same
            sum = Checksum.sum(seg.payloadBuffer(), seg.payloadOffset(), seg.payloadLength(), sum);
        }
        final int tcpChecksum = Checksum.finish(sum);
        dst.putLong(tcpOffset, word0, BE);
        dst.putLong(tcpOffset + TcpHeader.ACKNOWLEDGMENT_NUMBER_OFFSET, word1, BE);
        dst.putInt(tcpOffset + TcpHeader.CHECKSUM_OFFSET, tcpChecksum << 16 | urgentPointer, BE);
        return ipHeaderLength + tcpLength;
    }

    /** @return the sum of the two 32-bit halves of {@code word}: its one's complement sum, unfolded. */
    private static long halves(final long word)
    {
        return (word >>> 32) + (word & LOW_32);
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
