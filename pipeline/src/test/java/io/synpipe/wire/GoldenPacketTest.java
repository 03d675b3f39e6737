package io.synpipe.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.synpipe.wire.GoldenPackets.LINUX_PSH_ACK_V4;
import static io.synpipe.wire.GoldenPackets.LINUX_SYN_ACK_V4;
import static io.synpipe.wire.GoldenPackets.LINUX_SYN_V4;
import static io.synpipe.wire.GoldenPackets.LINUX_SYN_V6;
import static io.synpipe.wire.WireTestSupport.toHex;
import static org.assertj.core.api.Assertions.assertThat;

/** Decodes the reference packets field by field, then re-encodes them into junk-filled buffers byte for byte. */
class GoldenPacketTest
{
    private static final byte JUNK = (byte)0xA5;
    private static final int AT = 7;

    private final DropCounters counters = new DropCounters();
    private final PacketDecoder decoder = new PacketDecoder(null, counters);
    private final Segment segment = new Segment();

    @Test
    void linuxSynV4_decode_everyField()
    {
        assertThat(decode(LINUX_SYN_V4)).isTrue();

        assertThat(segment.ipVersion()).isEqualTo(4);
        assertThat(segment.srcHi()).isZero();
        assertThat(segment.srcLo()).isEqualTo(IpAddress.v4Lo(0xc6120002));
        assertThat(segment.dstHi()).isZero();
        assertThat(segment.dstLo()).isEqualTo(IpAddress.v4Lo(0xc6130050));
        assertThat(IpAddress.toString(segment.srcHi(), segment.srcLo())).isEqualTo("198.18.0.2");
        assertThat(segment.srcPort()).isEqualTo(54321);
        assertThat(segment.dstPort()).isEqualTo(80);
        assertThat(segment.seq()).isEqualTo(0x5a3c1e2f);
        assertThat(segment.ack()).isZero();
        assertThat(segment.flags()).isEqualTo(Segment.SYN);
        assertThat(segment.window()).isEqualTo(64240);
        assertThat(segment.urgentPointer()).isZero();
        assertThat(segment.hopLimit()).isEqualTo(64);
        final TcpOptions o = segment.options();
        assertThat(o.mss()).isEqualTo(1460);
        assertThat(o.sackPermitted()).isTrue();
        assertThat(o.hasTimestamps()).isTrue();
        assertThat(o.tsVal()).isEqualTo(0x0a1b2c3d);
        assertThat(o.tsEcr()).isZero();
        assertThat(o.windowScale()).isEqualTo(7);
        assertThat(o.sackBlockCount()).isZero();
        assertThat(segment.payloadLength()).isZero();
        assertThat(segment.payloadOffset()).isEqualTo(AT + 60);
        assertThat(counters.accepted()).isEqualTo(1);
        assertThat(counters.totalDropped()).isZero();
    }

    @Test
    void linuxSynAckV4_decode_everyField()
    {
        assertThat(decode(LINUX_SYN_ACK_V4)).isTrue();

        assertThat(IpAddress.toString(segment.srcHi(), segment.srcLo())).isEqualTo("198.19.0.80");
        assertThat(IpAddress.toString(segment.dstHi(), segment.dstLo())).isEqualTo("198.18.0.2");
        assertThat(segment.srcPort()).isEqualTo(80);
        assertThat(segment.dstPort()).isEqualTo(54321);
        assertThat(segment.seq()).isEqualTo(0xc0ffee00);
        assertThat(segment.ack()).isEqualTo(0x5a3c1e30);
        assertThat(segment.flags()).isEqualTo(Segment.SYN | Segment.ACK);
        assertThat(segment.window()).isEqualTo(65160);
        assertThat(segment.hopLimit()).isEqualTo(56);
        final TcpOptions o = segment.options();
        assertThat(o.mss()).isEqualTo(1460);
        assertThat(o.sackPermitted()).isTrue();
        assertThat(o.tsVal()).isEqualTo(0x76543210);
        assertThat(o.tsEcr()).isEqualTo(0x0a1b2c3d);
        assertThat(o.windowScale()).isEqualTo(7);
        assertThat(segment.payloadLength()).isZero();
    }

    @Test
    void linuxSynV6_decode_everyField()
    {
        assertThat(decode(LINUX_SYN_V6)).isTrue();

        assertThat(segment.ipVersion()).isEqualTo(6);
        assertThat(segment.srcHi()).isEqualTo(0x2001_0002_0000_0000L);
        assertThat(segment.srcLo()).isEqualTo(1L);
        assertThat(segment.dstHi()).isEqualTo(0x2001_0002_0000_0001L);
        assertThat(segment.dstLo()).isEqualTo(0x80L);
        assertThat(IpAddress.toString(segment.dstHi(), segment.dstLo())).isEqualTo("2001:2:0:1:0:0:0:80");
        assertThat(segment.srcPort()).isEqualTo(40000);
        assertThat(segment.dstPort()).isEqualTo(443);
        assertThat(segment.seq()).isEqualTo(0xffffff00);
        assertThat(segment.ack()).isZero();
        assertThat(segment.flags()).isEqualTo(Segment.SYN);
        assertThat(segment.window()).isEqualTo(64800);
        assertThat(segment.hopLimit()).isEqualTo(64);
        final TcpOptions o = segment.options();
        assertThat(o.mss()).isEqualTo(1440);
        assertThat(o.sackPermitted()).isTrue();
        assertThat(o.tsVal()).isEqualTo(0xdeadbeef);
        assertThat(o.tsEcr()).isZero();
        assertThat(o.windowScale()).isEqualTo(7);
        assertThat(segment.payloadLength()).isZero();
    }

    @Test
    void linuxPshAckV4_decode_everyFieldAndPayload()
    {
        assertThat(decode(LINUX_PSH_ACK_V4)).isTrue();

        assertThat(segment.seq()).isEqualTo(0x5a3c1e30);
        assertThat(segment.ack()).isEqualTo(0xc0ffee01);
        assertThat(segment.flags()).isEqualTo(Segment.PSH | Segment.ACK);
        assertThat(segment.window()).isEqualTo(502);
        final TcpOptions o = segment.options();
        assertThat(o.mss()).isEqualTo(TcpOptions.ABSENT);
        assertThat(o.windowScale()).isEqualTo(TcpOptions.ABSENT);
        assertThat(o.sackPermitted()).isFalse();
        assertThat(o.tsVal()).isEqualTo(0x0a1b2c51);
        assertThat(o.tsEcr()).isEqualTo(0x76543210);
        assertThat(segment.payloadLength()).isEqualTo(37);
        assertThat(segment.payloadOffset()).isEqualTo(AT + 52);
        final byte[] payload = new byte[segment.payloadLength()];
        segment.payloadBuffer().getBytes(segment.payloadOffset(), payload);
        assertThat(new String(payload, StandardCharsets.US_ASCII)).isEqualTo("GET / HTTP/1.1\r\nHost: 198.19.0.80\r\n\r\n");
        assertThat(segment.segmentLength()).isEqualTo(37);
    }

    @Test
    void linuxSynV4_reencode_identicalBytes()
    {
        assertReencodesIdentically(LINUX_SYN_V4);
    }

    @Test
    void linuxSynAckV4_reencode_identicalBytes()
    {
        assertReencodesIdentically(LINUX_SYN_ACK_V4);
    }

    @Test
    void linuxSynV6_reencode_identicalBytes()
    {
        assertReencodesIdentically(LINUX_SYN_V6);
    }

    @Test
    void linuxPshAckV4_reencode_identicalBytes()
    {
        assertReencodesIdentically(LINUX_PSH_ACK_V4);
    }

    @Test
    void tcpSegment_parseAndEncode_identicalBytes()
    {
        for (final byte[] packet : new byte[][]{LINUX_SYN_V4, LINUX_SYN_ACK_V4, LINUX_SYN_V6, LINUX_PSH_ACK_V4})
        {
            assertThat(toHex(TcpSegment.parse(packet).encode())).isEqualTo(toHex(packet));
        }
    }

    @Test
    void linuxSynV4_builtFromTcpSegment_identicalBytes()
    {
        final TcpSegment syn = TcpSegment.of("198.18.0.2", 54321, "198.19.0.80", 80)
            .withFlags(TcpSegment.SYN)
            .withSeq(0x5a3c1e2f)
            .withWindow(64240)
            .withMss(1460)
            .withSackPermitted(true)
            .withTimestamps(0x0a1b2c3d, 0)
            .withWindowScale(7);

        assertThat(toHex(syn.encode())).isEqualTo(toHex(LINUX_SYN_V4));
        assertThat(TcpSegment.parse(LINUX_SYN_V4)).isEqualTo(syn);
    }

    private boolean decode(final byte[] packet)
    {
        final byte[] framed = new byte[AT + packet.length + 5];
        Arrays.fill(framed, JUNK);
        System.arraycopy(packet, 0, framed, AT, packet.length);
        return decoder.decode(new UnsafeBuffer(framed), AT, packet.length, 0, segment);
    }

    private void assertReencodesIdentically(final byte[] packet)
    {
        assertThat(decode(packet)).isTrue();
        final byte[] out = new byte[AT + packet.length + 9];
        Arrays.fill(out, JUNK);

        assertThat(PacketEncoder.encodedLength(segment)).isEqualTo(packet.length);
        final int written = PacketEncoder.encode(segment, new UnsafeBuffer(out), AT);

        assertThat(written).isEqualTo(packet.length);
        assertThat(toHex(Arrays.copyOfRange(out, AT, AT + written))).isEqualTo(toHex(packet));
        for (int i = 0; i < AT; i++)
        {
            assertThat(out[i]).as("byte %d before the packet", i).isEqualTo(JUNK);
        }
        for (int i = AT + written; i < out.length; i++)
        {
            assertThat(out[i]).as("byte %d after the packet", i).isEqualTo(JUNK);
        }
    }
}
