package io.synpipe.wire;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PacketEncoderTest
{
    private static final byte JUNK = (byte)0xA5;

    private final Segment segment = new Segment();
    private final DropCounters counters = new DropCounters();
    private final PacketDecoder decoder = new PacketDecoder(null, counters);

    @Property(tries = 2000)
    void encodeThenDecode_anySegment_sameFields(
        @ForAll("segments") final TcpSegment in, @ForAll @IntRange(max = 64) final int offset)
    {
        in.toSegment(segment);
        final int length = PacketEncoder.encodedLength(segment);
        final byte[] out = new byte[offset + length + 8];
        Arrays.fill(out, JUNK);
        final UnsafeBuffer buffer = new UnsafeBuffer(out);

        assertThat(PacketEncoder.encode(segment, buffer, offset)).isEqualTo(length);
        for (int i = offset + length; i < out.length; i++)
        {
            assertThat(out[i]).isEqualTo(JUNK);
        }

        final Segment decoded = new Segment();
        assertThat(decoder.decode(buffer, offset, length, 0, decoded)).as(in.toString()).isTrue();
        final TcpSegment back = TcpSegment.from(decoded);
        assertThat(back.withSackBlocks()).isEqualTo(in.withSackBlocks());
        final int fit = Math.max(0, (40 - fixedOptionsLength(in) - 4) / 8);
        final int blocks = Math.min(in.sackBlockCount(), fit);
        assertThat(back.sackBlocks()).isEqualTo(Arrays.copyOf(in.sackBlocks(), 2 * blocks));
    }

    private static int fixedOptionsLength(final TcpSegment s)
    {
        return (s.mss() != -1 ? 4 : 0) + (s.timestamps() ? 12 : s.sackPermitted() ? 4 : 0) + (s.windowScale() != -1 ? 4 : 0);
    }

    @Test
    void ipv4Header_fixedFields()
    {
        final byte[] p = TcpSegment.of("10.0.0.1", 1, "10.0.0.2", 2).withHopLimit(3).withPayload("abc").encode();
        final Ipv4Header ip = new Ipv4Header().wrap(new UnsafeBuffer(p), 0, p.length);

        assertThat(ip.version()).isEqualTo(4);
        assertThat(ip.ihl()).isEqualTo(5);
        assertThat(ip.dscp()).isZero();
        assertThat(ip.ecn()).isZero();
        assertThat(ip.totalLength()).isEqualTo(43);
        assertThat(ip.identification()).isZero();
        assertThat(ip.dontFragment()).isTrue();
        assertThat(ip.moreFragments()).isFalse();
        assertThat(ip.fragmentOffset()).isZero();
        assertThat(ip.ttl()).isEqualTo(3);
        assertThat(ip.protocol()).isEqualTo(6);
        assertThat(ip.isChecksumValid()).isTrue();
        assertThat(new TcpHeader().wrap(new UnsafeBuffer(p), 20, 23).dataOffset()).isEqualTo(5);
    }

    @Test
    void ipv6Header_fixedFields()
    {
        final byte[] p = TcpSegment.of("2001:db8::1", 1, "2001:db8::2", 2).withHopLimit(255).withMss(1400).encode();
        final Ipv6Header ip = new Ipv6Header().wrap(new UnsafeBuffer(p), 0, p.length);

        assertThat(ip.version()).isEqualTo(6);
        assertThat(ip.trafficClass()).isZero();
        assertThat(ip.flowLabel()).isZero();
        assertThat(ip.payloadLength()).isEqualTo(24);
        assertThat(ip.nextHeader()).isEqualTo(6);
        assertThat(ip.hopLimit()).isEqualTo(255);
        assertThat(new TcpHeader().wrap(new UnsafeBuffer(p), 40, 24).dataOffset()).isEqualTo(6);
    }

    @Test
    void payloadFromMiddleOfBuffer_copiedExactly()
    {
        final UnsafeBuffer source = new UnsafeBuffer("xxHELLOyy".getBytes());
        TcpSegment.of("10.0.0.1", 1, "10.0.0.2", 2).toSegment(segment).payload(source, 2, 5);
        final byte[] out = new byte[PacketEncoder.encodedLength(segment)];

        PacketEncoder.encode(segment, new UnsafeBuffer(out), 0);

        assertThat(TcpSegment.parse(out).payloadAsString()).isEqualTo("HELLO");
    }

    @Test
    void ipv4TotalLengthOver65535_rejected()
    {
        final byte[] big = new byte[65_535 - 40 + 1];
        TcpSegment.of("10.0.0.1", 1, "10.0.0.2", 2).toSegment(segment).payload(new UnsafeBuffer(big), 0, big.length);

        assertThatThrownBy(() -> PacketEncoder.encode(segment, new UnsafeBuffer(new byte[70_000]), 0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("65536");
    }

    @Test
    void ipv6PayloadOf65535_accepted()
    {
        final byte[] big = new byte[65_535 - 20];
        TcpSegment.of("2001:db8::1", 1, "2001:db8::2", 2).toSegment(segment).payload(new UnsafeBuffer(big), 0, big.length);
        final byte[] out = new byte[PacketEncoder.encodedLength(segment)];

        assertThat(PacketEncoder.encode(segment, new UnsafeBuffer(out), 0)).isEqualTo(40 + 65_535);
        assertThat(TcpSegment.parse(out).payloadLength()).isEqualTo(big.length);
    }

    @Test
    void unknownIpVersion_rejected()
    {
        TcpSegment.of("10.0.0.1", 1, "10.0.0.2", 2).toSegment(segment).ipVersion(5);

        assertThatThrownBy(() -> PacketEncoder.encodedLength(segment))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("was 5");
    }

    @Test
    void decodeAndEncode_warm_allocateNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final UnsafeBuffer in = new UnsafeBuffer(GoldenPackets.LINUX_PSH_ACK_V4.clone());
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final int length = GoldenPackets.LINUX_PSH_ACK_V4.length;
        for (int i = 0; i < 20_000; i++)
        {
            decoder.decode(in, 0, length, i, segment);
            PacketEncoder.encode(segment, out, 0);
        }

        final long before = threads.getCurrentThreadAllocatedBytes();
        long checksum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            decoder.decode(in, 0, length, i, segment);
            checksum += PacketEncoder.encode(segment, out, 0);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(checksum).isEqualTo(10_000L * length);
        assertThat(allocated).as("bytes allocated by 10,000 decode+encode").isLessThan(1024);
    }

    @Provide
    Arbitrary<TcpSegment> segments()
    {
        final Arbitrary<Boolean> v6 = Arbitraries.of(true, false);
        final Arbitrary<Integer> any = Arbitraries.integers();
        final Arbitrary<Integer> port = Arbitraries.integers().between(1, 0xffff);
        final Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xffff);
        return Builders.withBuilder(() -> TcpSegment.of("10.0.0.1", 1, "10.0.0.2", 2))
            .use(v6).withProbability(0.4).in((s, b) -> s.withAddresses("2001:db8::a", "fe80::1:2"))
            .use(Arbitraries.longs().between(1, 0xdfff_ffffL)).in((s, a) -> s.ipVersion() == 4
                ? s.withSrc(ipv4(a), s.srcPort()) : s)
            .use(port).in((s, p) -> s.withPorts(p, s.dstPort()))
            .use(port).in((s, p) -> s.withPorts(s.srcPort(), p))
            .use(any).in(TcpSegment::withSeq)
            .use(any).in(TcpSegment::withAck)
            .use(Arbitraries.integers().between(0, 0xff)).in(TcpSegment::withFlags)
            .use(u16).in(TcpSegment::withWindow)
            .use(u16).in(TcpSegment::withUrgentPointer)
            .use(Arbitraries.integers().between(0, 0xff)).in(TcpSegment::withHopLimit)
            .use(u16).withProbability(0.5).in(TcpSegment::withMss)
            .use(Arbitraries.integers().between(0, 0xff)).withProbability(0.5).in(TcpSegment::withWindowScale)
            .use(Arbitraries.of(true, false)).in(TcpSegment::withSackPermitted)
            .use(Arbitraries.longs()).withProbability(0.5).in((s, t) -> s.withTimestamps((int)(t >>> 32), t.intValue()))
            .use(Arbitraries.integers().array(int[].class).ofMaxSize(8).map(a -> Arrays.copyOf(a, a.length & ~1)))
            .in(TcpSegment::withSackBlocks)
            .use(Arbitraries.bytes().array(byte[].class).ofMaxSize(300)).in(TcpSegment::withPayload)
            .build();
    }

    private static String ipv4(final long a)
    {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }
}
