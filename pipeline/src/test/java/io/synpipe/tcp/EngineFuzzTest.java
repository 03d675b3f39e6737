package io.synpipe.tcp;

import io.synpipe.wire.DropCounters;
import io.synpipe.wire.PacketEncoder;
import io.synpipe.wire.Segment;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;

import static io.synpipe.tcp.EngineFixture.LOCAL_ISS;
import static io.synpipe.tcp.EngineFixture.REMOTE_ISS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Valid-checksum segments with random flags, sequence and acknowledgment numbers near the live values, options
 * and payloads, plus random byte flips, thrown at an engine holding connections in every state. Nothing throws,
 * every packet is accounted for exactly once by the decoder, and the engine's books stay consistent.
 */
class EngineFuzzTest
{
    private static final int PACKETS_PER_TRY = 20_000;

    @Property(tries = 50, shrinking = ShrinkingMode.OFF)
    void engine_randomSegments_neverThrowsAndCountsEveryPacket(@ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final EngineFixture f = new EngineFixture(c -> c.maxConnections(64).challengeAckLimitPerSecond(100));
        f.established();
        f.sent.clear();
        final byte[] payload = new byte[1500];
        final byte[] packet = new byte[2048];
        final UnsafeBuffer buffer = new UnsafeBuffer(packet);
        final Segment s = new Segment();
        final DropCounters drops = f.engine.drops();
        final long before = drops.accepted() + drops.fragmentsHeld() + drops.totalDropped();
        long fed = 0;
        for (int i = 0; i < PACKETS_PER_TRY; i++)
        {
            final int port = EngineFixture.REMOTE_PORT + random.nextInt(4);
            final int seqBase = random.nextBoolean() ? REMOTE_ISS : random.nextInt();
            final int ackBase = random.nextBoolean() ? LOCAL_ISS : random.nextInt();
            s.clear().src(EngineFixture.REMOTE_HI, EngineFixture.REMOTE_LO).dst(EngineFixture.LOCAL_HI, EngineFixture.LOCAL_LO)
                .srcPort(port).dstPort(random.nextInt(8) == 0 ? 81 : EngineFixture.LOCAL_PORT)
                .seq(seqBase + random.nextInt(-4, 70_000)).ack(ackBase + random.nextInt(-4, 8))
                .flags(random.nextInt(256)).window(random.nextInt(65_536));
            if (random.nextInt(4) == 0)
            {
                s.options().mss(random.nextInt(65_536)).windowScale(random.nextInt(20)).sackPermitted(random.nextBoolean());
            }
            if (random.nextInt(3) == 0)
            {
                s.options().timestamps(random.nextInt(), random.nextInt());
            }
            if (random.nextInt(3) == 0)
            {
                s.payload(new UnsafeBuffer(payload), 0, random.nextInt(1400));
            }
            int length = PacketEncoder.encode(s, buffer, 0);
            if (random.nextInt(10) == 0)
            {
                packet[random.nextInt(length)] ^= (byte)(1 << random.nextInt(8));
            }
            if (random.nextInt(20) == 0)
            {
                length = random.nextInt(length + 1);
            }
            f.engine.onPacket(buffer, 0, length, f.nowNs);
            fed++;
            if (random.nextInt(50) == 0)
            {
                f.advanceMs(random.nextInt(3_000));
            }
            if (random.nextInt(500) == 0)
            {
                f.engine.connect(EngineFixture.LOCAL_HI, EngineFixture.LOCAL_LO, 1000 + random.nextInt(4),
                    EngineFixture.REMOTE_HI, EngineFixture.REMOTE_LO, port, f.nowNs);
            }
            if (i == 100)
            {
                f.engine.listen(0, 0, 0);
            }
            f.sent.clear();
        }
        assertThat(drops.accepted() + drops.fragmentsHeld() + drops.totalDropped() - before).as("seed %d", seed)
            .isEqualTo(fed);
        assertThat(f.engine.connectionCount()).isBetween(0, 64);

        // every connection still drains: close what is open, let all timers run out
        f.engine.forEachConnection(h -> f.engine.close(h, f.nowNs));
        for (int i = 0; i < 100; i++)
        {
            f.advanceMs(60_000);
        }
        assertThat(f.engine.connectionCount()).as("seed %d: table drains once timers run out", seed).isZero();
    }
}
