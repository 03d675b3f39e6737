package io.synpipe.bench;

import io.synpipe.sim.InMemoryWire;
import io.synpipe.sim.WireFaults;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.wire.IpAddress;
import org.agrona.DirectBuffer;
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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Bulk transfer between two engines on one thread over the in-memory wire: each operation writes 64 KiB into the
 * sender and runs the wire until the sender has taken all of it (MSS 1460, IP and TCP checksums on every packet,
 * CUBIC). Payload throughput = ops/s × 64 KiB. With {@code loss} the wire drops that fraction of packets (seeded).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"})
public class BulkTransferBenchmark
{
    private static final int WRITE_BYTES = 64 * 1024;
    private static final long STEP_NS = 20_000;

    @Param({"0", "0.01"})
    public double loss;

    private InMemoryWire wire;
    private TcpEngine sender;
    private TcpEngine receiver;
    private long handle;
    private long received;
    private long nowNs = 1_000_000_000L;
    private final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(WRITE_BYTES));

    @Setup(Level.Trial)
    public void setUp()
    {
        for (int i = 0; i < WRITE_BYTES; i++)
        {
            payload.putByte(i, (byte)i);
        }
        wire = new InMemoryWire(new WireFaults(42, loss, 0, 0, 0, 0), 65_536, 2048);
        final TcpConfig config = new TcpConfig().maxConnections(16);
        sender = new TcpEngine(config, new TcpHandler()
        {
            @Override
            public void onEstablished(final long h)
            {
                handle = h;
            }
        }, wire.sinkFromA(), nowNs);
        receiver = new TcpEngine(new TcpConfig().maxConnections(16), new TcpHandler()
        {
            @Override
            public void onData(final long h, final DirectBuffer buffer, final int offset, final int length)
            {
                received += length;
            }
        }, wire.sinkFromB(), nowNs);
        wire.attach(sender, receiver);
        final long serverLo = IpAddress.v4Lo(0xC612_0002);
        receiver.listen(0, serverLo, 5001);
        sender.connect(0, IpAddress.v4Lo(0xC612_0001), 40_000, 0, serverLo, 5001, nowNs);
        while (handle == 0)
        {
            step();
        }
    }

    private void step()
    {
        nowNs += STEP_NS;
        wire.deliver(nowNs);
        sender.poll(nowNs);
        receiver.poll(nowNs);
    }

    @Benchmark
    public long write64KiB()
    {
        int offset = 0;
        while (offset < WRITE_BYTES)
        {
            offset += sender.send(handle, payload, offset, WRITE_BYTES - offset, nowNs);
            if (offset < WRITE_BYTES)
            {
                step();
            }
        }
        return received;
    }
}
