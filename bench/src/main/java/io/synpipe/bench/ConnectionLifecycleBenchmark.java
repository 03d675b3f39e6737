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
import io.synpipe.tcp.TcpState;
import io.synpipe.timer.ManualClock;
import io.synpipe.wire.IpAddress;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * One whole connection per operation, client and server engines on one thread over a perfect {@link InMemoryWire}
 * (no faults, no delay, every packet encoded and decoded with checksums): connect (SYN, SYN-ACK), the client closes
 * at once from {@code onEstablished} (its FIN carries the ACK of the SYN-ACK), the server closes when it sees the FIN
 * (its FIN carries the ACK of the client's), the client's last ACK; the server's TCB is deleted (LAST-ACK -> CLOSED)
 * and the client's waits in TIME-WAIT. Five packets per operation (seven before the owed ACKs rode on the FINs).
 * <p>
 * TIME-WAIT expiry is part of the cost and is amortized: the manual clock advances {@code stepNs} per operation and
 * both engines' timers are polled every {@code pollEvery} operations, with MSL = 1 ms (TIME-WAIT = 2 ms). In steady
 * state each operation therefore expires one earlier TIME-WAIT connection, and about 2 ms / {@code stepNs}
 * connections sit in TIME-WAIT (2,000 at 1 µs). The aux counter {@code timeWaitExpired} (TIME-WAIT -> CLOSED
 * transitions per second) is reported next to the lifecycles so the claim can be checked: the two rates agree.
 * <p>
 * {@code pollEvery} = 1 polls the timers once per lifecycle; 64 polls them once per 64, as an event loop that
 * handles a batch of packets per cycle would. The ~1,000 TIME-WAIT timers due within one ~1 ms tick share a spoke
 * of the timer wheel: a poll must cost what it fires, not what the spoke holds (it did not with Agrona's
 * {@code DeadlineTimerWheel}, whose poll walked the whole spoke; {@code WheelTimerService} walks one sub-tick), so
 * the two figures should be close.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"})
public class ConnectionLifecycleBenchmark
{
    private static final int SERVER_PORT = 80;
    private static final int FIRST_PORT = 1024;
    private static final int PORTS = 1 << 15;
    private static final int HOSTS = 1 << 8;
    private static final long START_NS = 1_000_000_000L;

    @Param({"4", "6"})
    public int ipVersion;

    /** Manual-clock time per lifecycle: sets how many connections wait in TIME-WAIT at once. */
    @Param({"1000"})
    public long stepNs;

    /** Lifecycles between two timer polls of both engines. */
    @Param({"1", "64"})
    public int pollEvery;

    /** The engines' timer service: synpipe's wheel, or Agrona's {@code DeadlineTimerWheel} for comparison. */
    @Param({"WHEEL", "AGRONA"})
    public String timers;

    /**
     * The engines' handlers: {@code plain}; wrapped in a {@link JfrTcpHandler} with the synpipe JFR events off
     * ({@code off}: must stay at 0 B/op); or wrapped while a recording has them on ({@code on}: four events per
     * lifecycle, each allocating). Compare with {@code -p jfr=plain,off,on}.
     */
    @Param({"plain"})
    public String jfr;

    private Recording recording;

    private final ManualClock clock = new ManualClock(START_NS);
    private InMemoryWire wire;
    private TcpEngine client;
    private TcpEngine server;
    private long serverHi;
    private long serverLo;
    private long clientHi;
    private int nextTuple;
    private long closedNormally;
    private long failures;
    private long operations;
    private int untilPoll;

    /** TIME-WAIT expiries per second, measured from the client engine's transition counter. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Expiries
    {
        public long timeWaitExpired;
        private long seen;

        @Setup(Level.Iteration)
        public void clear()
        {
            timeWaitExpired = 0;
        }

        void update(final long total)
        {
            timeWaitExpired += total - seen;
            seen = total;
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        wire = new InMemoryWire(WireFaults.none(), 64, 256);
        final TcpConfig clientConfig = new TcpConfig().maxConnections(1 << 16).mslMs(1)
            .timers(io.synpipe.timer.TimerKind.valueOf(timers));
        final TcpConfig serverConfig = new TcpConfig().maxConnections(1 << 16).mslMs(1)
            .timers(io.synpipe.timer.TimerKind.valueOf(timers));
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
        final TcpHandler clientHandler = jfr.equals("plain") ? new ClientHandler() : new JfrTcpHandler(new ClientHandler(), clock);
        final TcpHandler serverHandler = jfr.equals("plain") ? new ServerHandler() : new JfrTcpHandler(new ServerHandler(), clock);
        client = new TcpEngine(clientConfig, clientHandler, wire.sinkFromA(), clock.nanoTime());
        server = new TcpEngine(serverConfig, serverHandler, wire.sinkFromB(), clock.nanoTime());
        if (clientHandler instanceof JfrTcpHandler c && serverHandler instanceof JfrTcpHandler s)
        {
            c.engine(client);
            s.engine(server);
        }
        wire.attach(client, server);
        serverHi = ipVersion == 6 ? 0x2001_0002_0000_0000L : 0;
        serverLo = ipVersion == 6 ? 1 : IpAddress.v4Lo(0xC612_0001);
        clientHi = ipVersion == 6 ? 0x2001_0002_0000_0001L : 0;
        server.listen(serverHi, serverLo, SERVER_PORT);
    }

    @Benchmark
    public long lifecycle(final Expiries expiries)
    {
        final long nowNs = clock.advanceNs(stepNs).nanoTime();
        wire.nowNs(nowNs);
        if (--untilPoll <= 0)
        {
            untilPoll = pollEvery;
            client.poll(nowNs);
            server.poll(nowNs);
        }
        final int tuple = nextTuple;
        nextTuple = (tuple + 1) & (PORTS * HOSTS - 1);
        final int host = 2 + (tuple >>> 15);
        final long clientLo = ipVersion == 6 ? host : IpAddress.v4Lo(0xC613_0000 + host);
        client.connect(clientHi, clientLo, FIRST_PORT + (tuple & (PORTS - 1)), serverHi, serverLo, SERVER_PORT, nowNs);
        while (wire.inFlight() > 0)
        {
            wire.deliver(nowNs);
        }
        operations++;
        expiries.update(client.counters().transitions(TcpState.TIME_WAIT, TcpState.CLOSED));
        return closedNormally;
    }

    /** Fails the run if any lifecycle went wrong, so a broken engine cannot pass for a fast one. */
    @TearDown(Level.Trial)
    public void check()
    {
        if (recording != null)
        {
            recording.close();
        }
        final long lastAckToClosed = server.counters().transitions(TcpState.LAST_ACK, TcpState.CLOSED);
        if (failures != 0 || closedNormally != operations || lastAckToClosed != operations
            || server.connectionCount() != 0 || client.connectionCount() > 2 * (3_200_000 / stepNs + pollEvery))
        {
            throw new IllegalStateException("lifecycles broken: " + operations + " operations, " + closedNormally
                + " closed normally, " + lastAckToClosed + " server LAST-ACK -> CLOSED, " + failures + " failures, "
                + server.connectionCount() + " server and " + client.connectionCount() + " client connections left");
        }
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
