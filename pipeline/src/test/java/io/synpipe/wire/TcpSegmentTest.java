package io.synpipe.wire;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TcpSegmentTest
{
    private final TcpSegment base = TcpSegment.of("198.18.0.1", 40000, "198.18.0.2", 80);

    @Test
    void of_ipv4Literals_defaults()
    {
        assertThat(base.ipVersion()).isEqualTo(4);
        assertThat(base.srcHi()).isZero();
        assertThat(base.srcLo()).isEqualTo(IpAddress.v4Lo(0xc6120001));
        assertThat(base.dstLo()).isEqualTo(IpAddress.v4Lo(0xc6120002));
        assertThat(base.srcPort()).isEqualTo(40000);
        assertThat(base.dstPort()).isEqualTo(80);
        assertThat(base.flags()).isZero();
        assertThat(base.window()).isEqualTo(65535);
        assertThat(base.hopLimit()).isEqualTo(64);
        assertThat(base.mss()).isEqualTo(TcpSegment.ABSENT);
        assertThat(base.windowScale()).isEqualTo(TcpSegment.ABSENT);
        assertThat(base.sackPermitted()).isFalse();
        assertThat(base.timestamps()).isFalse();
        assertThat(base.payloadLength()).isZero();
        assertThat(base.encode()).hasSize(40);
    }

    @Test
    void of_ipv6Literals_version6()
    {
        final TcpSegment s = TcpSegment.of("[2001:db8::1]", 1, "2001:db8::2", 2);

        assertThat(s.ipVersion()).isEqualTo(6);
        assertThat(s.srcHi()).isEqualTo(0x2001_0db8_0000_0000L);
        assertThat(s.srcLo()).isEqualTo(1L);
        assertThat(s.encode()).hasSize(60);
    }

    @Test
    void of_mixedFamilies_rejected()
    {
        assertThatThrownBy(() -> TcpSegment.of("10.0.0.1", 1, "2001:db8::2", 2))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("IPv4");
    }

    @Test
    void constructor_portOutOfRange_rejectedNamingTheField()
    {
        assertThatThrownBy(() -> base.withPorts(65536, 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("srcPort")
            .hasMessageContaining("65536");
    }

    @Test
    void with_eachField_changesOnlyThatField()
    {
        final TcpSegment s = base.withSeq(-1).withAck(7).withFlags(TcpSegment.SYN | TcpSegment.ACK).withWindow(100)
            .withUrgentPointer(3).withHopLimit(9).withMss(1460).withWindowScale(14).withSackPermitted(true)
            .withTimestamps(11, 12).withSackBlocks(1, 2).withPayload("hi");

        assertThat(s.seq()).isEqualTo(-1);
        assertThat(s.ack()).isEqualTo(7);
        assertThat(s.has(TcpSegment.SYN)).isTrue();
        assertThat(s.has(TcpSegment.FIN)).isFalse();
        assertThat(s.window()).isEqualTo(100);
        assertThat(s.urgentPointer()).isEqualTo(3);
        assertThat(s.hopLimit()).isEqualTo(9);
        assertThat(s.mss()).isEqualTo(1460);
        assertThat(s.windowScale()).isEqualTo(14);
        assertThat(s.sackPermitted()).isTrue();
        assertThat(s.tsVal()).isEqualTo(11);
        assertThat(s.tsEcr()).isEqualTo(12);
        assertThat(s.sackBlocks()).containsExactly(1, 2);
        assertThat(s.payloadAsString()).isEqualTo("hi");
        assertThat(s.segmentLength()).isEqualTo(3);
        assertThat(s.srcPort()).isEqualTo(base.srcPort());
        assertThat(s.withoutOptions().withoutTimestamps()).isEqualTo(base.withSeq(-1).withAck(7)
            .withFlags(TcpSegment.SYN | TcpSegment.ACK).withWindow(100).withUrgentPointer(3).withHopLimit(9)
            .withPayload("hi"));
    }

    @Test
    void payload_copiedInAndOut_staysImmutable()
    {
        final byte[] bytes = {1, 2, 3};
        final TcpSegment s = base.withPayload(bytes);
        bytes[0] = 9;
        s.payload()[1] = 9;

        assertThat(s.payload()).containsExactly(1, 2, 3);
    }

    @Test
    void equals_comparesArrayContents()
    {
        assertThat(base.withPayload(new byte[]{1, 2})).isEqualTo(base.withPayload(new byte[]{1, 2}))
            .hasSameHashCodeAs(base.withPayload(new byte[]{1, 2}));
        assertThat(base.withPayload(new byte[]{1, 2})).isNotEqualTo(base.withPayload(new byte[]{1, 3}));
        assertThat(base.withSackBlocks(1, 2)).isNotEqualTo(base.withSackBlocks(1, 3));
    }

    @Test
    void encodeThenParse_sameSegment()
    {
        final TcpSegment s = base.withFlags(TcpSegment.PSH | TcpSegment.ACK).withSeq(0xfffffffe).withAck(5)
            .withTimestamps(-1, 0).withSackBlocks(10, 20, 30, 40).withPayload("data");

        assertThat(TcpSegment.parse(s.encode())).isEqualTo(s);
    }

    @Test
    void toSegmentThenFrom_sameSegment()
    {
        final TcpSegment s = TcpSegment.of("2001:db8::1", 1, "2001:db8::2", 2).withMss(1220).withPayload("x");

        final Segment segment = s.toSegment(new Segment().seq(99).flags(0xff));

        assertThat(segment.ipVersion()).isEqualTo(6);
        assertThat(segment.seq()).isZero();
        assertThat(TcpSegment.from(segment)).isEqualTo(s);
    }

    @Test
    void parse_badChecksum_throwsNamingTheReason()
    {
        final byte[] packet = base.withPayload("x").encode();
        packet[packet.length - 1] ^= 1;

        assertThatThrownBy(() -> TcpSegment.parse(packet))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("TCP_CHECKSUM")
            .hasMessageContaining("41 bytes");
        assertThat(TcpSegment.dropReason(packet)).isEqualTo(DropReason.TCP_CHECKSUM);
        assertThat(TcpSegment.dropReason(base.encode())).isNull();
    }

    @Test
    void reversed_swapsAddressesAndPorts()
    {
        final TcpSegment r = base.withSeq(5).reversed();

        assertThat(r.srcAddress().getHostAddress()).isEqualTo("198.18.0.2");
        assertThat(r.dstAddress().getHostAddress()).isEqualTo("198.18.0.1");
        assertThat(r.srcPort()).isEqualTo(80);
        assertThat(r.dstPort()).isEqualTo(40000);
        assertThat(r.seq()).isEqualTo(5);
        assertThat(r.reversed()).isEqualTo(base.withSeq(5));
    }

    @Test
    void withAddresses_switchesFamily()
    {
        final TcpSegment s = base.withAddresses("2001:db8::1", "2001:db8::2");

        assertThat(s.ipVersion()).isEqualTo(6);
        assertThat(s.srcPort()).isEqualTo(40000);
    }

    @Test
    void toString_readable()
    {
        final String text = base.withFlags(TcpSegment.SYN | TcpSegment.ACK).withSeq(-1).withAck(1).withMss(1460)
            .withPayload("ab").toString();

        assertThat(text).isEqualTo("198.18.0.1:40000 > 198.18.0.2:80 [SYN|ACK] seq=4294967295 ack=1 win=65535 " +
            "ttl=64 [mss=1460] len=2");
    }
}
