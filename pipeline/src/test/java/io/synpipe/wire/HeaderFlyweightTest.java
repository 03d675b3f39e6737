package io.synpipe.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.synpipe.wire.WireTestSupport.hex;
import static io.synpipe.wire.WireTestSupport.toHex;
import static org.assertj.core.api.Assertions.assertThat;

/** The flyweights read the golden packets, and their setters write exactly the bits of their field. */
class HeaderFlyweightTest
{
    private static final int AT = 3;

    private static UnsafeBuffer junk(final int size)
    {
        final byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte)0xA5);
        return new UnsafeBuffer(bytes);
    }

    private static String region(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] out = new byte[length];
        buffer.getBytes(offset, out);
        return toHex(out);
    }

    @Test
    void ipv4Header_readsGoldenSyn()
    {
        final Ipv4Header ip = new Ipv4Header().wrap(new UnsafeBuffer(GoldenPackets.LINUX_SYN_V4), 0, 60);

        assertThat(ip.version()).isEqualTo(4);
        assertThat(ip.headerLength()).isEqualTo(20);
        assertThat(ip.totalLength()).isEqualTo(60);
        assertThat(ip.flagsAndFragmentOffset()).isEqualTo(0x4000);
        assertThat(ip.isFragment()).isFalse();
        assertThat(ip.ttl()).isEqualTo(64);
        assertThat(ip.protocol()).isEqualTo(6);
        assertThat(ip.headerChecksum()).isEqualTo(0xae44);
        assertThat(ip.sourceAddress()).isEqualTo(0xc6120002);
        assertThat(ip.destinationAddress()).isEqualTo(0xc6130050);
        assertThat(ip.isChecksumValid()).isTrue();
    }

    @Test
    void ipv4Header_settersOverJunk_writeEveryField()
    {
        final UnsafeBuffer buffer = junk(AT + 24);
        final Ipv4Header ip = new Ipv4Header().wrap(buffer, AT, 20);

        ip.version(4).ihl(5).dscp(46).ecn(1).totalLength(0x1234).identification(0xbeef)
            .flagsAndFragmentOffset(Ipv4Header.FLAG_MF | 0x0123).ttl(255).protocol(6)
            .sourceAddress(0x0a000001).destinationAddress(0xc0a80001).updateChecksum();

        assertThat(region(buffer, AT, 20).substring(0, 20)).isEqualTo("45b91234beef2123ff06");
        assertThat(region(buffer, AT + 12, 8)).isEqualTo("0a000001c0a80001");
        assertThat(ip.dscp()).isEqualTo(46);
        assertThat(ip.ecn()).isEqualTo(1);
        assertThat(ip.moreFragments()).isTrue();
        assertThat(ip.dontFragment()).isFalse();
        assertThat(ip.fragmentOffset()).isEqualTo(0x0123);
        assertThat(ip.isFragment()).isTrue();
        assertThat(ip.isChecksumValid()).isTrue();
        assertThat(region(buffer, 0, AT)).isEqualTo("a5a5a5");
        assertThat(region(buffer, AT + 20, 4)).isEqualTo("a5a5a5a5");
    }

    @Test
    void ipv6Header_settersOverJunk_nibbleFieldsIndependent()
    {
        final UnsafeBuffer buffer = junk(AT + 44);
        final Ipv6Header ip = new Ipv6Header().wrap(buffer, AT, 40);

        ip.version(6).trafficClass(0xab).flowLabel(0xcdef1).payloadLength(20).nextHeader(6).hopLimit(64)
            .sourceAddress(0x2001_0db8_0000_0000L, 1).destinationAddress(0xfe80_0000_0000_0000L, 0x1234L);

        assertThat(region(buffer, AT, 8)).isEqualTo("6abcdef100140640");
        assertThat(ip.version()).isEqualTo(6);
        assertThat(ip.trafficClass()).isEqualTo(0xab);
        assertThat(ip.flowLabel()).isEqualTo(0xcdef1);
        assertThat(ip.sourceHi()).isEqualTo(0x2001_0db8_0000_0000L);
        assertThat(ip.sourceLo()).isEqualTo(1L);
        assertThat(ip.destinationHi()).isEqualTo(0xfe80_0000_0000_0000L);
        assertThat(ip.destinationLo()).isEqualTo(0x1234L);
        assertThat(region(buffer, AT + 40, 4)).isEqualTo("a5a5a5a5");
    }

    @Test
    void tcpHeader_readsGoldenPshAck()
    {
        final byte[] p = GoldenPackets.LINUX_PSH_ACK_V4;
        final TcpHeader tcp = new TcpHeader().wrap(new UnsafeBuffer(p), 20, p.length - 20);

        assertThat(tcp.sourcePort()).isEqualTo(54321);
        assertThat(tcp.destinationPort()).isEqualTo(80);
        assertThat(tcp.sequenceNumber()).isEqualTo(0x5a3c1e30);
        assertThat(tcp.acknowledgmentNumber()).isEqualTo(0xc0ffee01);
        assertThat(tcp.dataOffset()).isEqualTo(8);
        assertThat(tcp.headerLength()).isEqualTo(32);
        assertThat(tcp.optionsLength()).isEqualTo(12);
        assertThat(tcp.optionsOffset()).isEqualTo(40);
        assertThat(tcp.reserved()).isZero();
        assertThat(tcp.flags()).isEqualTo(TcpHeader.PSH | TcpHeader.ACK);
        assertThat(tcp.has(TcpHeader.SYN)).isFalse();
        assertThat(tcp.window()).isEqualTo(502);
        assertThat(tcp.checksum()).isEqualTo(0x0aa4);
        assertThat(tcp.urgentPointer()).isZero();
        assertThat(tcp.payloadOffset()).isEqualTo(52);
        assertThat(tcp.payloadLength()).isEqualTo(37);
        assertThat(tcp.isChecksumValid(Checksum.ipv4PseudoHeaderSum(new UnsafeBuffer(p), 0, 6, p.length - 20))).isTrue();
    }

    @Test
    void tcpHeader_settersOverJunk_writeEveryField()
    {
        final UnsafeBuffer buffer = junk(AT + 24);
        final TcpHeader tcp = new TcpHeader().wrap(buffer, AT, 20);

        tcp.sourcePort(0xfffe).destinationPort(443).sequenceNumber(0x01020304).acknowledgmentNumber(0xfffffffe)
            .dataOffset(5).flags(TcpHeader.CWR | TcpHeader.ECE | TcpHeader.SYN).window(0x8000).urgentPointer(7)
            .updateChecksum(Checksum.ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, 20));

        assertThat(region(buffer, AT, 20)).startsWith("fffe01bb01020304fffffffe50c28000").endsWith("0007");
        assertThat(tcp.isChecksumValid(Checksum.ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, 20))).isTrue();
        assertThat(region(buffer, AT + 20, 4)).isEqualTo("a5a5a5a5");
    }

    @Test
    void tcpHeader_updateChecksum_matchesIndependentReference()
    {
        final byte[] segment = hex("d431 0050 0000 0001 0000 0000 5010 ffff 0000 0000 6869 21");
        final long referencePseudo = 0xc612 + 0x0002 + 0xc613 + 0x0050 + 6 + segment.length;
        final int expected = WireTestSupport.naiveChecksum(segment, 0, segment.length, referencePseudo);
        final TcpHeader tcp = new TcpHeader().wrap(new UnsafeBuffer(segment), 0, segment.length);

        tcp.updateChecksum(Checksum.ipv4PseudoHeaderSum(0xc6120002, 0xc6130050, 6, segment.length));

        assertThat(tcp.checksum()).isEqualTo(expected);
    }
}
