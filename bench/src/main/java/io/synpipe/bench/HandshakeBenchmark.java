package io.synpipe.bench;

import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.wire.IpAddress;
import io.synpipe.wire.PacketEncoder;
import io.synpipe.wire.Segment;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One server engine completes handshakes for fresh 4-tuples: SYN in, SYN-ACK out, ACK in, ESTABLISHED, then the
 * connection is aborted (RST out) and removed. Checksums are verified on input and computed on output. The peer's
 * packets are encoded once in setup (the ISN is fixed so the ACKs can be), so only the server's work is measured.
 * <p>
 * {@code occupancy} other connections are live in the server's table the whole time: they are opened in setup by
 * feeding the engine a SYN and an ACK each (so they are ESTABLISHED, hold a TCB and no data buffers, and have no
 * timer armed), from 4-tuples disjoint from the measured ones. With a million of them the table lookups of the
 * measured handshakes miss the CPU caches as they would on a busy server.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"})
public class HandshakeBenchmark
{
    private static final int TUPLES = 1 << 14;
    private static final int SLOT = 128;
    private static final int ISS = 0xFFFF_F000;
    private static final int CLIENT_ISS = 0xFFFF_FF00;
    private static final int WARM_HANDSHAKES = 200_000;

    @Param({"4", "6"})
    public int ipVersion;

    /** Extra ESTABLISHED connections in the server's table while measuring. */
    @Param({"1000", "1000000"})
    public int occupancy;

    private TcpEngine server;
    private final UnsafeBuffer syns = new UnsafeBuffer(BufferUtil.allocateDirectAligned(TUPLES * SLOT, 64));
    private final UnsafeBuffer acks = new UnsafeBuffer(BufferUtil.allocateDirectAligned(TUPLES * SLOT, 64));
    private final int[] synLength = new int[TUPLES];
    private final int[] ackLength = new int[TUPLES];
    private int next;
    private long nowNs;
    private long established;
    private long packetsOut;
    private boolean abortOnEstablished;

    @Setup(Level.Trial)
    public void setUp()
    {
        final TcpConfig config = new TcpConfig().maxConnections(occupancy + (1 << 15))
            .isnGenerator((a, b, c, d, e, f, g) -> ISS);
        server = new TcpEngine(config, new TcpHandler()
        {
            @Override
            public void onEstablished(final long handle)
            {
                established++;
                if (abortOnEstablished)
                {
                    server.abort(handle);
                }
            }
        }, (buffer, offset, length) -> packetsOut++, 0);
        final long serverHi = ipVersion == 6 ? 0x2001_0002_0000_0000L : 0;
        final long serverLo = ipVersion == 6 ? 1 : IpAddress.v4Lo(0xC612_0001);
        server.listen(serverHi, serverLo, 80);
        final Segment s = new Segment();
        for (int i = 0; i < TUPLES; i++)
        {
            final long clientHi = ipVersion == 6 ? 0x2001_0002_0000_0001L : 0;
            final long clientLo = ipVersion == 6 ? 2 + i : IpAddress.v4Lo(0xC613_0000 + i);
            s.clear().src(clientHi, clientLo).dst(serverHi, serverLo).srcPort(40_000).dstPort(80)
                .seq(CLIENT_ISS).flags(Segment.SYN).window(65_535);
            s.options().mss(1460).windowScale(7).sackPermitted(true);
            synLength[i] = PacketEncoder.encode(s, syns, i * SLOT);
            s.clear().src(clientHi, clientLo).dst(serverHi, serverLo).srcPort(40_000).dstPort(80)
                .seq(CLIENT_ISS + 1).ack(ISS + 1).flags(Segment.ACK).window(512);
            ackLength[i] = PacketEncoder.encode(s, acks, i * SLOT);
        }
        abortOnEstablished = true;
        // the measured handshakes first, so the JIT compiles the hot path from their profile: compiled from the
        // occupancy fill's profile instead, the table's find ended up out of line in the engine's packet handler
        for (int i = 0; i < WARM_HANDSHAKES; i++)
        {
            handshake();
        }
        abortOnEstablished = false;
        established = 0;
        fill(s, serverHi, serverLo);
        abortOnEstablished = true;
        established = 0;
    }

    /** Opens {@code occupancy} connections from 4-tuples the measured ones never use, and leaves them open. */
    private void fill(final Segment s, final long serverHi, final long serverLo)
    {
        final UnsafeBuffer packet = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SLOT, 64));
        for (int k = 0; k < occupancy; k++)
        {
            final long clientHi = ipVersion == 6 ? 0x2001_0002_0000_0003L : 0;
            final long clientLo = ipVersion == 6 ? 2 + k : IpAddress.v4Lo(0xC613_8000 + (k & 0x7FFF));
            final int clientPort = 1024 + (k >>> 15);
            s.clear().src(clientHi, clientLo).dst(serverHi, serverLo).srcPort(clientPort).dstPort(80)
                .seq(CLIENT_ISS).flags(Segment.SYN).window(65_535);
            s.options().mss(1460).windowScale(7).sackPermitted(true);
            nowNs += 1_000;
            server.onPacket(packet, 0, PacketEncoder.encode(s, packet, 0), nowNs);
            s.clear().src(clientHi, clientLo).dst(serverHi, serverLo).srcPort(clientPort).dstPort(80)
                .seq(CLIENT_ISS + 1).ack(ISS + 1).flags(Segment.ACK).window(512);
            server.onPacket(packet, 0, PacketEncoder.encode(s, packet, 0), nowNs);
        }
        if (server.connectionCount() != occupancy || established != occupancy || server.scheduledTimers() != 0)
        {
            throw new IllegalStateException("setup opened " + server.connectionCount() + " connections ("
                + established + " established, " + server.scheduledTimers() + " timers) instead of " + occupancy);
        }
    }

    @Benchmark
    public long handshake()
    {
        final int i = next;
        next = (i + 1) & (TUPLES - 1);
        nowNs += 1_000;
        server.onPacket(syns, i * SLOT, synLength[i], nowNs);
        server.onPacket(acks, i * SLOT, ackLength[i], nowNs);
        return established;
    }
}
