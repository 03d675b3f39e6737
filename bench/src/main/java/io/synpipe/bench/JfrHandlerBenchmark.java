package io.synpipe.bench;

import io.synpipe.jfr.ConnectionClosedEvent;
import io.synpipe.jfr.HandshakeCompletedEvent;
import io.synpipe.jfr.JfrTcpHandler;
import io.synpipe.sim.InMemoryWire;
import io.synpipe.sim.WireFaults;
import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.timer.ManualClock;
import io.synpipe.wire.IpAddress;
import jdk.jfr.Recording;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the {@link JfrTcpHandler} decorator costs: the {@link ConnectionLifecycleBenchmark} loop (connect, handshake,
 * FIN both ways, TIME-WAIT expiry; client and server on one thread over a perfect in-memory wire) with both engines'
 * handlers plain ({@code plain}), wrapped with the synpipe events disabled ({@code off}: no recording has them, the
 * case that must stay at 0 B/op), or wrapped while a recording has them enabled ({@code on}: four events per
 * lifecycle, each allocating its event and address strings). Run with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"})
public class JfrHandlerBenchmark
{
    private static final int SERVER_PORT = 80;
    private static final int FIRST_PORT = 1024;
    private static final int PORTS = 1 << 15;
    private static final int HOSTS = 1 << 8;
    private static final int POLL_EVERY = 64;
    private static final long STEP_NS = 1_000;
    private static final long SERVER_LO = IpAddress.v4Lo(0xC612_0001);

    /** plain handlers, JfrTcpHandler with the events off, or with a recording that has them on. */
    @Param({"plain", "off", "on"})
    public String jfr;

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private InMemoryWire wire;
    private TcpEngine client;
    private TcpEngine server;
    private Recording recording;
    private int nextTuple;
    private int untilPoll;
    private long closedNormally;
    private long failures;
    private long operations;

    @Setup(Level.Trial)
    public void setUp()
    {
        if (!jfr.equals("plain") && !jfr.equals("off") && !jfr.equals("on"))
        {
            throw new IllegalArgumentException("jfr = " + jfr + " is not allowed: use plain, off or on");
        }
        if (jfr.equals("on"))
        {
            recording = new Recording();
            recording.enable(HandshakeCompletedEvent.class);
            recording.enable(ConnectionClosedEvent.class);
            recording.setMaxSize(256L << 20);
            recording.start();
        }
        wire = new InMemoryWire(WireFaults.none(), 64, 256);
        final TcpHandler clientHandler = wrap(new ClientHandler());
        final TcpHandler serverHandler = wrap(new ServerHandler());
        client = new TcpEngine(new TcpConfig().maxConnections(1 << 16).mslMs(1), clientHandler, wire.sinkFromA(),
            clock.nanoTime());
        server = new TcpEngine(new TcpConfig().maxConnections(1 << 16).mslMs(1), serverHandler, wire.sinkFromB(),
            clock.nanoTime());
        if (clientHandler instanceof JfrTcpHandler c && serverHandler instanceof JfrTcpHandler s)
        {
            c.engine(client);
            s.engine(server);
        }
        wire.attach(client, server);
        server.listen(0, SERVER_LO, SERVER_PORT);
    }

    @Benchmark
    public long lifecycle()
    {
        final long nowNs = clock.advanceNs(STEP_NS).nanoTime();
        wire.nowNs(nowNs);
        if (--untilPoll <= 0)
        {
            untilPoll = POLL_EVERY;
            client.poll(nowNs);
            server.poll(nowNs);
        }
        final int tuple = nextTuple;
        nextTuple = (tuple + 1) & (PORTS * HOSTS - 1);
        final long clientLo = IpAddress.v4Lo(0xC613_0000 + 2 + (tuple >>> 15));
        client.connect(0, clientLo, FIRST_PORT + (tuple & (PORTS - 1)), 0, SERVER_LO, SERVER_PORT, nowNs);
        while (wire.inFlight() > 0)
        {
            wire.deliver(nowNs);
        }
        operations++;
        return closedNormally;
    }

    /** Fails the run if any lifecycle went wrong, so a broken handler cannot pass for a fast one. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (recording != null)
        {
            recording.close();
        }
        if (failures != 0 || closedNormally != operations)
        {
            throw new IllegalStateException("lifecycles broken: " + operations + " operations, " + closedNormally
                + " closed normally, " + failures + " failures");
        }
    }

    private TcpHandler wrap(final TcpHandler handler)
    {
        return jfr.equals("plain") ? handler : new JfrTcpHandler(handler, clock);
    }

    private final class ClientHandler implements TcpHandler
    {
        @Override
        public void onEstablished(final long handle)
        {
            client.close(handle, clock.nanoTime());
        }

        @Override
        public void onClosed(final long handle, final CloseReason reason)
        {
            if (reason == CloseReason.NORMAL)
            {
                closedNormally++;
            }
            else
            {
                failures++;
            }
        }
    }

    private final class ServerHandler implements TcpHandler
    {
        @Override
        public void onPeerClosed(final long handle)
        {
            server.close(handle, clock.nanoTime());
        }

        @Override
        public void onClosed(final long handle, final CloseReason reason)
        {
            if (reason != CloseReason.NORMAL)
            {
                failures++;
            }
        }
    }
}
