package io.synpipe.wire;

import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden bytes captured from a real Linux 6.x kernel: a connect() from inside a throwaway network namespace
 * to an address routed into a TUN device, read from the TUN fd (2026-11-23, 198.18.0.0/15 and 2001:2::/48).
 * The kernel's SYN carries MSS, SACK-permitted, timestamps, NOP and window scale 10, in Linux's order.
 */
class KernelCaptureGoldenTest
{
    private static final byte[] LINUX_SYN_V4 = HexFormat.of().parseHex(
        "4500003c5084400040065e10c6120001c612000295de00501d6b429700000000a002faf012690000020405b40402080a3b087d4200000000"
            + "0103030a");
    private static final byte[] LINUX_SYN_V6 = HexFormat.of().parseHex(
        "600b32830028064020010002000000000000000000000001200100020000000000000000000000029d080050254a3be900000000a002fd20"
            + "b5bc0000020405a00402080a27342f6b000000000103030a");

    @Test
    void linuxSynV4_decodesEveryField()
    {
        final TcpSegment syn = TcpSegment.parse(LINUX_SYN_V4);
        assertThat(syn.ipVersion()).isEqualTo(4);
        assertThat(syn.srcAddress().getHostAddress()).isEqualTo("198.18.0.1");
        assertThat(syn.dstAddress().getHostAddress()).isEqualTo("198.18.0.2");
        assertThat(syn.srcPort()).isEqualTo(0x95de);
        assertThat(syn.dstPort()).isEqualTo(80);
        assertThat(syn.seq()).isEqualTo(0x1d6b4297);
        assertThat(syn.flags()).isEqualTo(Segment.SYN);
        assertThat(syn.window()).isEqualTo(64_240);
        assertThat(syn.mss()).isEqualTo(1460);
        assertThat(syn.sackPermitted()).isTrue();
        assertThat(syn.timestamps()).isTrue();
        assertThat(syn.tsVal()).isEqualTo(0x3b087d42);
        assertThat(syn.tsEcr()).isZero();
        assertThat(syn.windowScale()).isEqualTo(10);
        assertThat(syn.hopLimit()).isEqualTo(64);
    }

    @Test
    void linuxSynV6_decodesEveryField()
    {
        final TcpSegment syn = TcpSegment.parse(LINUX_SYN_V6);
        assertThat(syn.ipVersion()).isEqualTo(6);
        assertThat(syn.srcAddress().getHostAddress()).isEqualTo("2001:2:0:0:0:0:0:1");
        assertThat(syn.dstPort()).isEqualTo(80);
        assertThat(syn.seq()).isEqualTo(0x254a3be9);
        assertThat(syn.window()).isEqualTo(64_800);
        assertThat(syn.mss()).isEqualTo(1440);
        assertThat(syn.windowScale()).isEqualTo(10);
        assertThat(syn.tsVal()).isEqualTo(0x27342f6b);
    }

    @Test
    void linuxSyns_reencodeTcpHeaderByteForByte()
    {
        // our IP headers differ only where Linux fills per-packet values (IPv4 id, IPv6 flow label); TCP must match
        assertThat(tcpPart(TcpSegment.parse(LINUX_SYN_V4).encode(), 20)).isEqualTo(tcpPart(LINUX_SYN_V4, 20));
        assertThat(tcpPart(TcpSegment.parse(LINUX_SYN_V6).encode(), 40)).isEqualTo(tcpPart(LINUX_SYN_V6, 40));
    }

    @Test
    void linuxSyn_engineAnswersWithNegotiatedSynAck()
    {
        final List<TcpSegment> out = new ArrayList<>();
        final TcpEngine engine = new TcpEngine(new TcpConfig(), new TcpHandler()
        {
        }, (buffer, offset, length) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            out.add(TcpSegment.parse(bytes));
        }, 0);
        engine.listen(0, IpAddress.v4Lo(0xC612_0002), 80);
        engine.onPacket(new UnsafeBuffer(LINUX_SYN_V4), 0, LINUX_SYN_V4.length, 1_000_000);
        assertThat(out).hasSize(1);
        final TcpSegment synAck = out.get(0);
        assertThat(synAck.flags()).isEqualTo(Segment.SYN | Segment.ACK);
        assertThat(synAck.ack()).isEqualTo(0x1d6b4297 + 1);
        assertThat(synAck.dstPort()).isEqualTo(0x95de);
        assertThat(synAck.tsEcr()).isEqualTo(0x3b087d42);
        assertThat(synAck.windowScale()).isEqualTo(7);
        assertThat(synAck.sackPermitted()).isTrue();
        assertThat(synAck.mss()).isEqualTo(1460);
    }

    private static byte[] tcpPart(final byte[] packet, final int ipHeaderBytes)
    {
        return Arrays.copyOfRange(packet, ipHeaderBytes, packet.length);
    }
}
