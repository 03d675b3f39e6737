package io.synpipe.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static io.synpipe.wire.GoldenPackets.LINUX_PSH_ACK_V4;
import static io.synpipe.wire.GoldenPackets.LINUX_SYN_V4;
import static io.synpipe.wire.GoldenPackets.LINUX_SYN_V6;
import static io.synpipe.wire.WireTestSupport.ACCEPTED;
import static io.synpipe.wire.WireTestSupport.fixChecksums;
import static io.synpipe.wire.WireTestSupport.hex;
import static io.synpipe.wire.WireTestSupport.outcome;
import static io.synpipe.wire.WireTestSupport.put16;
import static org.assertj.core.api.Assertions.assertThat;

/** One hand-mutated packet per drop reason, and the cases that must still be accepted. */
class PacketDecoderTest
{
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int NO_NEXT_HEADER = 59;
    private static final int DESTINATION_OPTIONS = 60;

    /** The reasons the decoder itself counts; the FRAGMENT_* others belong to the reassembler. */
    private static final Set<DropReason> DECODER_REASONS = EnumSet.complementOf(EnumSet.of(
        DropReason.FRAGMENT_OVERLAP, DropReason.FRAGMENT_TOO_SMALL, DropReason.FRAGMENT_MEMORY,
        DropReason.FRAGMENT_TIMEOUT));

    private static byte[] v4()
    {
        return LINUX_PSH_ACK_V4.clone();
    }

    private static byte[] v6()
    {
        return LINUX_SYN_V6.clone();
    }

    private static byte[] v4With(final int index, final int value)
    {
        final byte[] p = v4();
        p[index] = (byte)value;
        return p;
    }

    /** Inserts extension headers (each body's first byte becomes its Next Header) between the IPv6 header and TCP. */
    static byte[] withExtensionHeaders(final byte[] v6Packet, final int[] types, final byte[]... bodies)
    {
        final int extraLength = Arrays.stream(bodies).mapToInt(b -> b.length).sum();
        final byte[] out = new byte[v6Packet.length + extraLength];
        System.arraycopy(v6Packet, 0, out, 0, 40);
        final int upperNextHeader = v6Packet[6];
        out[6] = (byte)types[0];
        int at = 40;
        for (int i = 0; i < bodies.length; i++)
        {
            System.arraycopy(bodies[i], 0, out, at, bodies[i].length);
            out[at] = (byte)(i + 1 < types.length ? types[i + 1] : upperNextHeader);
            at += bodies[i].length;
        }
        System.arraycopy(v6Packet, 40, out, at, v6Packet.length - 40);
        put16(out, 4, out.length - 40);
        return out;
    }

    private static byte[] padN8()
    {
        return hex("0000 0104 0000 0000");
    }

    static Map<DropReason, byte[]> oneExamplePerReason()
    {
        final Map<DropReason, byte[]> m = new LinkedHashMap<>();
        m.put(DropReason.PACKET_TRUNCATED, Arrays.copyOf(v4(), 19));
        m.put(DropReason.IP_VERSION, v4With(0, 0x55));
        m.put(DropReason.IPV4_HEADER_LENGTH, fixChecksums(v4With(0, 0x44)));
        m.put(DropReason.IPV4_TOTAL_LENGTH, fixChecksums(v4With(3, LINUX_PSH_ACK_V4.length + 1)));
        m.put(DropReason.IPV4_CHECKSUM, v4With(8, 63));
        m.put(DropReason.IPV6_PAYLOAD_LENGTH, Arrays.copyOf(v6(), LINUX_SYN_V6.length - 1));
        m.put(DropReason.IPV6_EXTENSION_HEADER, withExtensionHeaders(v6(), new int[]{ROUTING},
            hex("0000 0001 0000 0000")));
        m.put(DropReason.IP_ADDRESS, TcpSegment.parse(v4()).withDst("224.0.0.251", 80).encode());
        m.put(DropReason.NOT_TCP, fixChecksums(v4With(9, 17)));
        m.put(DropReason.FRAGMENT_INVALID, fixChecksums(v4With(6, 0x20)));
        m.put(DropReason.TCP_TRUNCATED, tcpTruncated());
        m.put(DropReason.TCP_DATA_OFFSET, fixChecksums(v4With(32, 0x40)));
        m.put(DropReason.TCP_OPTION_LENGTH, fixChecksums(v4With(43, 0x01)));
        m.put(DropReason.TCP_CHECKSUM, v4With(LINUX_PSH_ACK_V4.length - 1, 0));
        m.put(DropReason.TCP_PORT_ZERO, TcpSegment.parse(v4()).withPorts(0, 80).encode());
        return m;
    }

    private static byte[] tcpTruncated()
    {
        final byte[] p = Arrays.copyOf(v4(), 39);
        put16(p, 2, 39);
        return fixChecksums(p);
    }

    @Test
    void everyDecoderReason_provokedByItsExample()
    {
        final Map<DropReason, byte[]> examples = oneExamplePerReason();

        assertThat(examples.keySet()).containsExactlyInAnyOrderElementsOf(DECODER_REASONS);
        for (final Map.Entry<DropReason, byte[]> e : examples.entrySet())
        {
            assertThat(outcome(e.getValue())).as("example for %s", e.getKey()).isEqualTo(e.getKey().name());
        }
    }

    @Test
    void goldenPackets_accepted()
    {
        assertThat(outcome(LINUX_SYN_V4)).isEqualTo(ACCEPTED);
        assertThat(outcome(LINUX_SYN_V6)).isEqualTo(ACCEPTED);
        assertThat(outcome(LINUX_PSH_ACK_V4)).isEqualTo(ACCEPTED);
    }

    @Nested
    class Ip
    {
        @Test
        void empty_packetTruncated()
        {
            assertThat(outcome(new byte[0])).isEqualTo("PACKET_TRUNCATED");
        }

        @Test
        void ipv6ShorterThanFixedHeader_packetTruncated()
        {
            assertThat(outcome(Arrays.copyOf(v6(), 39))).isEqualTo("PACKET_TRUNCATED");
        }

        @Test
        void versionZero_ipVersion()
        {
            assertThat(outcome(v4With(0, 0x05))).isEqualTo("IP_VERSION");
        }

        @Test
        void ihlPastPacket_ipv4HeaderLength()
        {
            final byte[] p = Arrays.copyOf(v4(), 40);
            put16(p, 2, 40);
            p[0] = 0x4f;

            assertThat(outcome(p)).isEqualTo("IPV4_HEADER_LENGTH");
        }

        @Test
        void totalLengthBelowHeader_ipv4TotalLength()
        {
            assertThat(outcome(fixChecksums(v4With(3, 19)))).isEqualTo("IPV4_TOTAL_LENGTH");
        }

        @Test
        void trailingBytesAfterTotalLength_trimmedAndAccepted()
        {
            final byte[] padded = Arrays.copyOf(v4(), LINUX_PSH_ACK_V4.length + 23);
            Arrays.fill(padded, LINUX_PSH_ACK_V4.length, padded.length, (byte)0xA5);
            final Segment s = new Segment();

            assertThat(new PacketDecoder(null, new DropCounters()).decode(new UnsafeBuffer(padded), 0, padded.length, 0, s))
                .isTrue();
            assertThat(s.payloadLength()).isEqualTo(37);
            assertThat(outcome(padded)).isEqualTo(ACCEPTED);
        }

        @Test
        void ipv6TrailingBytesAfterPayloadLength_trimmedAndAccepted()
        {
            final byte[] padded = Arrays.copyOf(v6(), LINUX_SYN_V6.length + 6);

            assertThat(TcpSegment.parse(padded)).isEqualTo(TcpSegment.parse(LINUX_SYN_V6));
        }

        @Test
        void ipv4Options_skippedAndAccepted()
        {
            final byte[] p = new byte[LINUX_PSH_ACK_V4.length + 4];
            System.arraycopy(LINUX_PSH_ACK_V4, 0, p, 0, 20);
            System.arraycopy(hex("0101 0100"), 0, p, 20, 4);
            System.arraycopy(LINUX_PSH_ACK_V4, 20, p, 24, LINUX_PSH_ACK_V4.length - 20);
            p[0] = 0x46;
            put16(p, 2, p.length);

            assertThat(TcpSegment.parse(fixChecksums(p)).payloadAsString()).startsWith("GET / ");
        }

        @Test
        void fragmentOffsetNonZeroWithoutReassembler_fragmentInvalid()
        {
            final byte[] p = v4();
            put16(p, 6, 0x4001);

            assertThat(outcome(fixChecksums(p))).isEqualTo("FRAGMENT_INVALID");
        }

        @Test
        void ipv4UnusableAddresses_ipAddress()
        {
            final TcpSegment base = TcpSegment.parse(v4());
            for (final String address : new String[]{"0.0.0.0", "224.0.0.1", "239.255.255.250", "255.255.255.255"})
            {
                assertThat(outcome(base.withSrc(address, 1234).encode())).as("src " + address).isEqualTo("IP_ADDRESS");
                assertThat(outcome(base.withDst(address, 80).encode())).as("dst " + address).isEqualTo("IP_ADDRESS");
            }
            assertThat(outcome(base.withSrc("223.255.255.255", 1234).encode())).isEqualTo(ACCEPTED);
            assertThat(outcome(base.withDst("240.0.0.1", 80).encode())).isEqualTo(ACCEPTED);
        }

        @Test
        void ipv6UnusableAddresses_ipAddress()
        {
            final TcpSegment base = TcpSegment.parse(v6());
            for (final String address : new String[]{"::", "ff02::1", "ff05::1:3"})
            {
                assertThat(outcome(base.withSrc(address, 1234).encode())).as("src " + address).isEqualTo("IP_ADDRESS");
                assertThat(outcome(base.withDst(address, 80).encode())).as("dst " + address).isEqualTo("IP_ADDRESS");
            }
            assertThat(outcome(base.withDst("fe80::1", 80).encode())).isEqualTo(ACCEPTED);
        }

        @Test
        void ipv6WithIpv4MappedSource_ipAddress()
        {
            final byte[] p = v6();
            System.arraycopy(hex("0000 0000 0000 0000 0000 ffff c0a8 0001"), 0, p, 8, 16);

            assertThat(outcome(fixChecksums(p))).isEqualTo("IP_ADDRESS");
        }
    }

    @Nested
    class Ipv6ExtensionHeaders
    {
        @Test
        void hopByHopAndDestinationOptionsAndRouting_walkedAndAccepted()
        {
            final byte[] p = withExtensionHeaders(v6(), new int[]{HOP_BY_HOP, DESTINATION_OPTIONS, ROUTING},
                padN8(), hex("0001 0106 0000 0000 0000 0000 0000 0000"), hex("0000 0400 0000 0000"));

            final TcpSegment s = TcpSegment.parse(p);

            assertThat(s.dstPort()).isEqualTo(443);
            assertThat(s.mss()).isEqualTo(1440);
        }

        @Test
        void unknownOptionActionSkip_accepted()
        {
            // option type 0x1e: high bits 00, skip it (RFC 8200 §4.2)
            assertThat(outcome(withExtensionHeaders(v6(), new int[]{DESTINATION_OPTIONS}, hex("0000 1e02 0000 0100"))))
                .isEqualTo(ACCEPTED);
        }

        @Test
        void unknownOptionActionDiscard_extensionHeader()
        {
            // type 0x5e: high bits 01, discard; 0xc2 (jumbo payload): high bits 11
            assertThat(outcome(withExtensionHeaders(v6(), new int[]{DESTINATION_OPTIONS}, hex("0000 5e02 0000 0100"))))
                .isEqualTo("IPV6_EXTENSION_HEADER");
            assertThat(outcome(withExtensionHeaders(v6(), new int[]{HOP_BY_HOP}, hex("0000 c204 0001 0000"))))
                .isEqualTo("IPV6_EXTENSION_HEADER");
        }

        @Test
        void optionRunningPastHeader_extensionHeader()
        {
            assertThat(outcome(withExtensionHeaders(v6(), new int[]{HOP_BY_HOP}, hex("0000 0105 0000 0000"))))
                .isEqualTo("IPV6_EXTENSION_HEADER");
        }

        @Test
        void hopByHopNotFirst_extensionHeader()
        {
            assertThat(outcome(withExtensionHeaders(v6(), new int[]{DESTINATION_OPTIONS, HOP_BY_HOP}, padN8(), padN8())))
                .isEqualTo("IPV6_EXTENSION_HEADER");
        }

        @Test
        void headerLengthPastPayload_extensionHeader()
        {
            // Hdr Ext Len 9: 80 bytes, more than the 48 left
            assertThat(outcome(withExtensionHeaders(v6(), new int[]{DESTINATION_OPTIONS}, hex("0009 0104 0000 0000"))))
                .isEqualTo("IPV6_EXTENSION_HEADER");
        }

        @Test
        void extensionHeaderCutShort_extensionHeader()
        {
            final byte[] p = v6();
            p[6] = (byte)DESTINATION_OPTIONS;
            final byte[] cut = Arrays.copyOf(p, 46);
            put16(cut, 4, 6);

            assertThat(outcome(cut)).isEqualTo("IPV6_EXTENSION_HEADER");
        }

        @Test
        void noNextHeader_notTcp()
        {
            final byte[] p = v6();
            p[6] = (byte)NO_NEXT_HEADER;

            assertThat(outcome(p)).isEqualTo("NOT_TCP");
        }

        @Test
        void udpAfterDestinationOptions_notTcp()
        {
            final byte[] p = withExtensionHeaders(v6(), new int[]{DESTINATION_OPTIONS}, padN8());
            p[40] = 17;

            assertThat(outcome(p)).isEqualTo("NOT_TCP");
        }

        @Test
        void fragmentHeaderWithoutReassembler_fragmentInvalid()
        {
            assertThat(outcome(withExtensionHeaders(v6(), new int[]{FRAGMENT}, hex("0000 0001 1234 5678"))))
                .isEqualTo("FRAGMENT_INVALID");
        }

        @Test
        void fragmentOfUdp_notTcp()
        {
            final byte[] p = withExtensionHeaders(v6(), new int[]{FRAGMENT}, hex("0000 0001 1234 5678"));
            p[40] = 17;

            assertThat(outcome(p)).isEqualTo("NOT_TCP");
        }

        @Test
        void fragmentHeaderCutShort_extensionHeader()
        {
            final byte[] p = v6();
            p[6] = (byte)FRAGMENT;
            final byte[] cut = Arrays.copyOf(p, 44);
            put16(cut, 4, 4);

            assertThat(outcome(cut)).isEqualTo("IPV6_EXTENSION_HEADER");
        }
    }

    @Nested
    class Tcp
    {
        @Test
        void dataOffsetPastSegment_tcpDataOffset()
        {
            // PSH|ACK segment: 69 TCP bytes; data offset 15 is 60, fits; the SYN's 40 bytes do not hold 60
            final byte[] p = LINUX_SYN_V4.clone();
            p[32] = (byte)0xf0;

            assertThat(outcome(fixChecksums(p))).isEqualTo("TCP_DATA_OFFSET");
        }

        @Test
        void ipv6TcpShorterThan20_tcpTruncated()
        {
            final byte[] p = Arrays.copyOf(v6(), 59);
            put16(p, 4, 19);

            assertThat(outcome(p)).isEqualTo("TCP_TRUNCATED");
        }

        @Test
        void optionLengthZero_tcpOptionLength()
        {
            final byte[] p = LINUX_SYN_V4.clone();
            p[41] = 0;

            assertThat(outcome(fixChecksums(p))).isEqualTo("TCP_OPTION_LENGTH");
        }

        @Test
        void optionRunningPastHeader_tcpOptionLength()
        {
            final byte[] p = LINUX_SYN_V4.clone();
            p[58] = 4;

            assertThat(outcome(fixChecksums(p))).isEqualTo("TCP_OPTION_LENGTH");
        }

        @Test
        void ipv6ChecksumWrong_tcpChecksum()
        {
            final byte[] p = v6();
            p[79] ^= 1;

            assertThat(outcome(p)).isEqualTo("TCP_CHECKSUM");
        }

        @Test
        void destinationPortZero_tcpPortZero()
        {
            assertThat(outcome(TcpSegment.parse(v6()).withPorts(40000, 0).encode())).isEqualTo("TCP_PORT_ZERO");
        }

        @Test
        void reservedBitsSet_acceptedAndFlagsKeptToEightBits()
        {
            final byte[] p = v4();
            p[32] |= 0x0f;
            p[33] = (byte)0xff;

            final TcpSegment s = TcpSegment.parse(fixChecksums(p));

            assertThat(s.flags()).isEqualTo(0xff);
        }
    }

    @Test
    void sharedCounters_countEachPacketOnce()
    {
        final DropCounters counters = new DropCounters();
        final PacketDecoder decoder = new PacketDecoder(null, counters);
        final Segment s = new Segment();
        final byte[] bad = v4With(8, 1);

        for (int i = 0; i < 3; i++)
        {
            decoder.decode(new UnsafeBuffer(LINUX_SYN_V4), 0, LINUX_SYN_V4.length, i, s);
            decoder.decode(new UnsafeBuffer(bad), 0, bad.length, i, s);
        }

        assertThat(counters.accepted()).isEqualTo(3);
        assertThat(counters.get(DropReason.IPV4_CHECKSUM)).isEqualTo(3);
        assertThat(counters.totalDropped()).isEqualTo(3);
        assertThat(counters.fragmentsHeld()).isZero();
    }
}
