package io.synpipe.wire;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.synpipe.wire.WireTestSupport.fixChecksums;
import static io.synpipe.wire.WireTestSupport.hex;
import static io.synpipe.wire.WireTestSupport.put16;
import static io.synpipe.wire.WireTestSupport.u16;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input never throws and is counted exactly once: random bytes, and valid packets mutated (bit flips, bytes,
 * truncation, padding, length fields, header lengths, options, addresses) with their checksums usually recomputed
 * so the mutation reaches the checks behind them. Buffers are exactly the packet's size, so a read past the packet
 * would throw.
 */
class PacketDecoderFuzzTest
{
    private static final List<byte[]> BASES = List.of(
        GoldenPackets.LINUX_SYN_V4,
        GoldenPackets.LINUX_SYN_ACK_V4,
        GoldenPackets.LINUX_SYN_V6,
        GoldenPackets.LINUX_PSH_ACK_V4,
        TcpSegment.of("10.1.2.3", 5000, "10.9.8.7", 6000).withFlags(TcpSegment.ACK).withSeq(-5).withAck(77)
            .withTimestamps(1, 2).withSackBlocks(1, 2, 3, 4, 5, 6).withPayload("hello").encode(),
        TcpSegment.of("2001:db8::5", 5000, "2001:db8::6", 6000).withFlags(TcpSegment.FIN | TcpSegment.ACK)
            .withSackBlocks(10, 20, 30, 40, 50, 60, 70, 80).withPayload(new byte[33]).encode(),
        PacketDecoderTest.withExtensionHeaders(GoldenPackets.LINUX_SYN_V6, new int[]{0, 60},
            hex("0000 0104 0000 0000"), hex("0000 0104 0000 0000")));

    private final DropCounters counters = new DropCounters();
    private final PacketDecoder decoder = new PacketDecoder(null, counters);
    private final Segment segment = new Segment();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);

    /** Decodes and checks that exactly one counter moved by one, and that true means accepted. */
    private boolean decodeCountingOnce(final byte[] packet)
    {
        final long acceptedBefore = counters.accepted();
        final long totalBefore = acceptedBefore + counters.fragmentsHeld() + counters.totalDropped();
        buffer.wrap(packet);

        final boolean accepted = decoder.decode(buffer, 0, packet.length, 0, segment);

        final long totalAfter = counters.accepted() + counters.fragmentsHeld() + counters.totalDropped();
        if (totalAfter != totalBefore + 1 || accepted != (counters.accepted() == acceptedBefore + 1))
        {
            throw new AssertionError("not counted exactly once (accepted=" + accepted + ", counted " +
                (totalAfter - totalBefore) + "): " + WireTestSupport.toHex(packet));
        }
        if (accepted)
        {
            assertThat(segment.srcPort()).isNotZero();
            assertThat(segment.dstPort()).isNotZero();
            assertThat(segment.payloadOffset() + segment.payloadLength()).isLessThanOrEqualTo(packet.length);
        }
        return accepted;
    }

    @Property(tries = 2000)
    void randomBytes_neverThrow_countedOnce(@ForAll @Size(max = 120) final byte[] packet)
    {
        decodeCountingOnce(packet);
    }

    @Property(tries = 2000)
    void randomBytesWithVersionAndChecksums_neverThrow_countedOnce(
        @ForAll @Size(min = 20, max = 120) final byte[] packet, @ForAll final boolean v6)
    {
        packet[0] = (byte)((v6 ? 0x60 : 0x45) | (packet[0] & (v6 ? 0x0f : 0)));
        packet[v6 ? 6 : 9] = 6;
        if (!v6)
        {
            put16(packet, 2, Math.min(u16(packet, 2) % 160, packet.length));
        }
        decodeCountingOnce(fixChecksums(packet));
    }

    @Property(tries = 2000)
    void mutatedValidPacket_neverThrows_countedOnce(
        @ForAll("bases") final byte[] base, @ForAll final long seed, @ForAll @IntRange(min = 1, max = 4) final int mutations)
    {
        final Random random = new Random(seed);
        decodeCountingOnce(mutate(base, random, mutations));
    }

    @Property(tries = 2000)
    void mutatedPacketAccepted_reencodes_toTheSameSegment(@ForAll("bases") final byte[] base, @ForAll final long seed)
    {
        final byte[] packet = mutate(base, new Random(seed), 1);
        if (decodeCountingOnce(packet))
        {
            final TcpSegment decoded = TcpSegment.from(segment);
            final TcpSegment again = TcpSegment.parse(decoded.encode());

            assertThat(again.withSackBlocks()).isEqualTo(decoded.withSackBlocks());
            final int[] blocks = again.sackBlocks();
            assertThat(blocks).isEqualTo(Arrays.copyOf(decoded.sackBlocks(), blocks.length));
        }
    }

    @Example
    void millionMutations_neverThrow_countedOnce_reachDeepChecks()
    {
        final Random random = new Random(0x5eed_2026L);
        for (int i = 0; i < 1_000_000; i++)
        {
            final byte[] base = BASES.get(random.nextInt(BASES.size()));
            decodeCountingOnce(mutate(base, random, 1 + random.nextInt(3)));
        }

        assertThat(counters.accepted()).isGreaterThan(100_000);
        for (final DropReason reason : new DropReason[]{
            DropReason.PACKET_TRUNCATED, DropReason.IP_VERSION, DropReason.IPV4_HEADER_LENGTH,
            DropReason.IPV4_TOTAL_LENGTH, DropReason.IPV4_CHECKSUM, DropReason.IPV6_PAYLOAD_LENGTH,
            DropReason.IPV6_EXTENSION_HEADER, DropReason.IP_ADDRESS, DropReason.NOT_TCP,
            DropReason.FRAGMENT_INVALID, DropReason.TCP_TRUNCATED, DropReason.TCP_DATA_OFFSET,
            DropReason.TCP_OPTION_LENGTH, DropReason.TCP_CHECKSUM, DropReason.TCP_PORT_ZERO})
        {
            assertThat(counters.get(reason)).as("mutations reaching %s", reason).isGreaterThan(1_000);
        }
    }

    @Provide
    Arbitrary<byte[]> bases()
    {
        return Arbitraries.of(BASES);
    }

    /** Applies {@code count} random mutations to a copy of {@code base}, then usually fixes the checksums. */
    static byte[] mutate(final byte[] base, final Random random, final int count)
    {
        byte[] p = base.clone();
        for (int m = 0; m < count; m++)
        {
            p = mutateOnce(p, random);
        }
        return random.nextInt(5) == 0 ? p : fixChecksums(p);
    }

    private static byte[] mutateOnce(final byte[] p, final Random random)
    {
        if (p.length == 0)
        {
            return new byte[random.nextInt(3)];
        }
        final int tcp = tcpOffset(p);
        switch (random.nextInt(10))
        {
            case 0 -> p[random.nextInt(p.length)] ^= (byte)(1 << random.nextInt(8));
            case 1 -> p[random.nextInt(p.length)] = (byte)random.nextInt(256);
            case 2 ->
            {
                return Arrays.copyOf(p, random.nextInt(p.length));
            }
            case 3 ->
            {
                final byte[] longer = Arrays.copyOf(p, p.length + 1 + random.nextInt(24));
                for (int i = p.length; i < longer.length; i++)
                {
                    longer[i] = (byte)random.nextInt(256);
                }
                return longer;
            }
            case 4 ->
            {
                // a length field: near the real value or anything
                final int at = (p[0] & 0xf0) == 0x60 ? 4 : 2;
                if (p.length >= at + 2)
                {
                    final int near = u16(p, at) + random.nextInt(17) - 8;
                    put16(p, at, random.nextBoolean() ? near & 0xffff : random.nextInt(0x10000));
                }
            }
            case 5 ->
            {
                // IHL, or an IPv6 next header from the interesting ones
                if ((p[0] & 0xf0) == 0x60 && p.length > 6)
                {
                    final int[] kinds = {0, 6, 17, 43, 44, 59, 60, random.nextInt(256)};
                    p[6] = (byte)kinds[random.nextInt(kinds.length)];
                }
                else
                {
                    p[0] = (byte)((p[0] & 0xf0) | random.nextInt(16));
                }
            }
            case 6 ->
            {
                if (tcp >= 0 && tcp + 12 < p.length)
                {
                    p[tcp + 12] = (byte)((random.nextInt(16) << 4) | (p[tcp + 12] & 0x0f));
                }
            }
            case 7 ->
            {
                // scribble on the options area
                if (tcp >= 0 && tcp + 20 < p.length)
                {
                    final int end = Math.min(p.length, tcp + Math.max(21, ((p[tcp + 12] & 0xff) >>> 4) * 4));
                    final int at = tcp + 20 + random.nextInt(end - tcp - 20);
                    p[at] = (byte)(random.nextBoolean() ? random.nextInt(12) : random.nextInt(256));
                }
            }
            case 8 ->
            {
                // an address made multicast, zero or broadcast
                final boolean v6 = (p[0] & 0xf0) == 0x60;
                final int at = v6 ? (random.nextBoolean() ? 8 : 24) : (random.nextBoolean() ? 12 : 16);
                final int size = v6 ? 16 : 4;
                if (p.length >= at + size)
                {
                    final int fill = random.nextInt(3) == 0 ? 0xff : 0;
                    Arrays.fill(p, at, at + size, (byte)fill);
                    if (random.nextBoolean())
                    {
                        p[at] = (byte)(v6 ? 0xff : 0xe0);
                    }
                }
            }
            default ->
            {
                // a port, or IPv4 fragment bits
                if (random.nextBoolean() && tcp >= 0 && tcp + 4 <= p.length)
                {
                    put16(p, tcp + 2 * random.nextInt(2), 0);
                }
                else if ((p[0] & 0xf0) == 0x40 && p.length >= 8)
                {
                    put16(p, 6, random.nextBoolean() ? 0x2000 : random.nextInt(0x10000));
                }
            }
        }
        return p;
    }

    /** @return where TCP starts if the IP header is plausible (IPv4 IHL, IPv6 without extension headers), else -1. */
    private static int tcpOffset(final byte[] p)
    {
        if (p.length >= 20 && (p[0] & 0xf0) == 0x40)
        {
            return (p[0] & 0x0f) * 4;
        }
        if (p.length >= 40 && (p[0] & 0xf0) == 0x60 && p[6] == 6)
        {
            return 40;
        }
        return -1;
    }
}
