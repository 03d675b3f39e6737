package io.synpipe.bench;

import io.synpipe.wire.DropCounters;
import io.synpipe.wire.IpAddress;
import io.synpipe.wire.PacketDecoder;
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
 * The wire codec alone, one packet per operation:
 * <ul>
 *     <li>{@code decode}: {@link PacketDecoder#decode} parses and validates the IP header (with the IPv4 header
 *     checksum), the TCP header and options, and verifies the TCP checksum over pseudo-header and payload;</li>
 *     <li>{@code encode}: {@link PacketEncoder#encode} writes IP and TCP headers and options, copies the payload
 *     and computes both checksums.</li>
 * </ul>
 * {@code payload}: {@code bare} is a header-only ACK with no TCP options, 40 bytes over IPv4 (60 over IPv6); a
 * number is that many payload bytes after a header carrying the timestamps option (12 bytes), as every segment of
 * a connection with RFC 7323 timestamps does: 52 + payload bytes over IPv4, 72 + payload over IPv6.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"})
public class SegmentCodecBenchmark
{
    private static final int BUFFER_BYTES = 2048;

    @Param({"4", "6"})
    public int ipVersion;

    @Param({"bare", "0", "512", "1460"})
    public String payload;

    private final UnsafeBuffer packet = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BUFFER_BYTES, 64));
    private final UnsafeBuffer out = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BUFFER_BYTES, 64));
    private final UnsafeBuffer payloadBytes = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BUFFER_BYTES, 64));
    private final Segment toEncode = new Segment();
    private final Segment decoded = new Segment();
    private final DropCounters counters = new DropCounters();
    private final PacketDecoder decoder = new PacketDecoder(null, counters);
    private int packetLength;
    private long nowNs;

    @Setup(Level.Trial)
    public void setUp()
    {
        final boolean bare = "bare".equals(payload);
        final int payloadLength = bare ? 0 : Integer.parseInt(payload);
        for (int i = 0; i < payloadLength; i++)
        {
            payloadBytes.putByte(i, (byte)(i * 31 + 7));
        }
        final long srcHi = ipVersion == 6 ? 0x2001_0002_0000_0001L : 0;
        final long srcLo = ipVersion == 6 ? 2 : IpAddress.v4Lo(0xC613_0002);
        final long dstHi = ipVersion == 6 ? 0x2001_0002_0000_0000L : 0;
        final long dstLo = ipVersion == 6 ? 1 : IpAddress.v4Lo(0xC612_0001);
        toEncode.clear().src(srcHi, srcLo).dst(dstHi, dstLo).srcPort(40_000).dstPort(80)
            .seq(0xFFFF_F000).ack(0x1234_5678).flags(bare ? Segment.ACK : Segment.ACK | Segment.PSH).window(1024);
        if (!bare)
        {
            toEncode.options().timestamps(0x0102_0304, 0x0506_0708);
            toEncode.payload(payloadBytes, 0, payloadLength);
        }
        packetLength = PacketEncoder.encode(toEncode, packet, 0);
        if (!decoder.decode(packet, 0, packetLength, 0, decoded) || decoded.payloadLength() != payloadLength)
        {
            throw new IllegalStateException("the packet built in setup does not decode: " + counters.snapshot());
        }
    }

    @Benchmark
    public int decode()
    {
        return decoder.decode(packet, 0, packetLength, ++nowNs, decoded) ? decoded.payloadLength() : -1;
    }

    @Benchmark
    public int encode()
    {
        return PacketEncoder.encode(toEncode, out, 0);
    }
}
