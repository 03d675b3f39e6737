package io.synpipe.bench;

import io.synpipe.jfr.JfrTcpHandler;
import io.synpipe.sim.InMemoryWire;
import io.synpipe.sim.WireFaults;
import io.synpipe.table.ConnectionTable;
import io.synpipe.table.Tcb;
import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.wire.IpAddress;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The quick-start job: a client engine and a server engine on one thread, joined by an {@link InMemoryWire},
 * completing handshakes as fast as they can. The client keeps {@code concurrency} handshakes in flight; each
 * established connection is recorded (SYN sent to SYN-ACK received, HdrHistogram) and closed with RST or FIN.
 * Every packet is encoded and decoded with checksums, as it would be on a TUN device.
 * <p>
 * Latencies go into HdrHistogram {@link Recorder}s (client and server), which is all the engine callbacks do:
 * {@code recordValue}, no allocation. The driver loop takes an interval histogram from each recorder every
 * {@code intervalNs} (reusing the previous one, {@code getIntervalHistogram(toRecycle)}), adds it to the run's totals
 * and hands it to an {@link IntervalListener} (an hlog writer, a throughput series), and once more at the end.
 */
public final class InMemoryHandshakeRun
{
    /** How a finished connection is closed. */
    public enum CloseMode
    {
        RST,
        FIN
    }

    /**
     * The figures of one run. {@code failures}: handshakes the client saw fail (connect refused, connection closed
     * other than by its own RST or FIN); {@code serverFailures}: server connections that ended other than by the
     * client's RST or FIN (e.g. a SYN-ACK timeout).
     */
    public record Result(
        long handshakes, long elapsedNs, Histogram clientLatencyNs, Histogram serverLatencyNs, long failures,
        long packets, TcpEngine client, TcpEngine server, long serverFailures, Histogram lifetimeNs,
        Histogram firstByteNs)
    {
        public double handshakesPerSecond()
        {
            return handshakes * 1e9 / elapsedNs;
        }
    }

    /**
     * Sees each interval of the measured run, on the driver thread, between two rounds of the wire. The histograms
     * are reused for the next interval: copy what must be kept.
     */
    public interface IntervalListener
    {
        /** Nothing to do: the default. */
        IntervalListener NONE = new IntervalListener()
        {
        };

        /** The measured run begins ({@code System.nanoTime()} and {@code System.currentTimeMillis()} now). */
        default void onStart(final long startNs, final long startEpochMs)
        {
        }

        /**
         * One interval: latencies of the handshakes completed in {@code [startNs, endNs)} (nanoseconds; the
         * histograms carry epoch-millisecond start and end timestamps set by their recorder) and the failures in it.
         */
        default void onInterval(
            final Histogram clientLatencyNs, final Histogram serverLatencyNs, final long startNs, final long endNs,
            final long failures)
        {
        }
    }

    /** Default length of an interval: one second. */
    public static final long DEFAULT_INTERVAL_NS = 1_000_000_000L;
    /** Latencies above an hour are recorded as an hour. */
    private static final long MAX_LATENCY_NS = 3_600_000_000_000L;
    private static final long MIN_INTERVAL_NS = 1_000_000L;
    private static final int SERVER_PORT = 80;
    private static final int FIRST_PORT = 1024;
    private static final int PORTS = 65_536 - FIRST_PORT;
    private static final int SLOT_BYTES = 1600;
    /** Client user data: bytes of the response received (high 16 bits), SYN time - baseNs (low 48 bits). */
    private static final long SENT_AT_MASK = (1L << 48) - 1;
    private static final long STALL_NS = 10_000_000_000L;
    /** Largest request (and response) of {@link #requestBytes}: fits the default send buffer at once. */
    public static final int MAX_REQUEST_BYTES = 65_535;

    private final int concurrency;
    private final CloseMode closeMode;
    private final boolean ipv6;
    private final TcpEngine client;
    private final TcpEngine server;
    private final InMemoryWire wire;
    /** Client side: SYN sent -> the connection left the client (onClosed). */
    private final Histogram lifetimeNs = new Histogram(MAX_LATENCY_NS, 3);
    /** Client side, with a request: SYN sent -> first byte of the response received. */
    private final Histogram firstByteNs = new Histogram(MAX_LATENCY_NS, 3);
    private final Histogram clientLatencyNs = new Histogram(MAX_LATENCY_NS, 3);
    private final Histogram serverLatencyNs = new Histogram(MAX_LATENCY_NS, 3);
    private final Recorder clientRecorder = new Recorder(MAX_LATENCY_NS, 3);
    private final Recorder serverRecorder = new Recorder(MAX_LATENCY_NS, 3);
    private final long intervalNs;
    private final IntervalListener listener;
    private Histogram clientInterval;
    private Histogram serverInterval;
    private long intervalStartNs;
    private long nextIntervalNs;
    private long failuresAtIntervalStart;
    private final long serverHi;
    private final long serverLo;
    private int inFlight;
    private long completed;
    private long failures;
    private long serverFailures;
    private long nextTuple;
    private boolean recording;
    private final long baseNs = System.nanoTime();
    private int requestBytes;
    private UnsafeBuffer payload;

    public InMemoryHandshakeRun(final int concurrency, final CloseMode closeMode, final boolean ipv6, final long mslMs)
    {
        this(concurrency, closeMode, ipv6, mslMs, DEFAULT_INTERVAL_NS, IntervalListener.NONE);
    }

    /**
     * @param intervalNs how often the driver takes interval histograms: 1 ms .. 1 hour.
     * @param listener   sees every interval of the measured run.
     */
    public InMemoryHandshakeRun(
        final int concurrency, final CloseMode closeMode, final boolean ipv6, final long mslMs, final long intervalNs,
        final IntervalListener listener)
    {
        this(concurrency, closeMode, ipv6, mslMs, intervalNs, listener, false);
    }

    /**
     * @param jfrEvents wrap both engines' handlers in a {@link JfrTcpHandler}, which emits the synpipe JFR events
     *                  while a recording has them enabled (see {@code JfrRecording}).
     */
    public InMemoryHandshakeRun(
        final int concurrency, final CloseMode closeMode, final boolean ipv6, final long mslMs, final long intervalNs,
        final IntervalListener listener, final boolean jfrEvents)
    {
        if (intervalNs < MIN_INTERVAL_NS || intervalNs > MAX_LATENCY_NS)
        {
            throw new IllegalArgumentException(
                "intervalNs = " + intervalNs + " is out of range: allowed " + MIN_INTERVAL_NS + ".." + MAX_LATENCY_NS);
        }
        this.intervalNs = intervalNs;
        this.listener = listener;
        if (concurrency < 1 || concurrency > 1 << 20)
        {
            throw new IllegalArgumentException("concurrency = " + concurrency + " is out of range: allowed 1..1048576");
        }
        this.concurrency = concurrency;
        this.closeMode = closeMode;
        this.ipv6 = ipv6;
        this.serverHi = ipv6 ? 0x2001_0002_0000_0000L : 0;
        this.serverLo = ipv6 ? 1 : IpAddress.v4Lo(0xC612_0001);
        final long nowNs = System.nanoTime();
        final int tableSize = Math.max(1 << 16, Integer.highestOneBit(concurrency * 4 - 1) << 1);
        final TcpConfig clientConfig = new TcpConfig().maxConnections(closeMode == CloseMode.FIN ? 1 << 20 : tableSize)
            .mslMs(mslMs);
        final TcpConfig serverConfig = new TcpConfig().maxConnections(closeMode == CloseMode.FIN ? 1 << 20 : tableSize)
            .mslMs(mslMs);
        // slots take a full-sized segment (MSS 1460 + IPv6, TCP and option headers) for runs with a request
        this.wire = new InMemoryWire(WireFaults.none(), Math.max(4096, concurrency * 8), SLOT_BYTES);
        final TcpHandler clientHandler = jfrEvents
            ? new JfrTcpHandler(new ClientHandler(), SystemNanoClock.INSTANCE) : new ClientHandler();
        final TcpHandler serverHandler = jfrEvents
            ? new JfrTcpHandler(new ServerHandler(), SystemNanoClock.INSTANCE) : new ServerHandler();
        this.client = new TcpEngine(clientConfig, clientHandler, wire.sinkFromA(), nowNs);
        this.server = new TcpEngine(serverConfig, serverHandler, wire.sinkFromB(), nowNs);
        if (jfrEvents)
        {
            ((JfrTcpHandler)clientHandler).engine(client);
            ((JfrTcpHandler)serverHandler).engine(server);
        }
        wire.attach(client, server);
        server.listen(serverHi, serverLo, SERVER_PORT);
    }

    /**
     * With {@code bytes} > 0 each connection carries one exchange before it closes: the client sends {@code bytes},
     * the server answers with as many, and the client's time to first byte (SYN sent -> first response byte) is
     * recorded. 0 (the default): the client closes right after the handshake.
     */
    public InMemoryHandshakeRun requestBytes(final int bytes)
    {
        if (bytes < 0 || bytes > MAX_REQUEST_BYTES)
        {
            throw new IllegalArgumentException("--request-bytes " + bytes + " is out of range: allowed 0.."
                + MAX_REQUEST_BYTES + " (0: no request)");
        }
        requestBytes = bytes;
        payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(64, bytes), 64));
        return this;
    }

    /** Runs {@code warmup} handshakes unrecorded, then {@code handshakes} recorded ones. */
    public Result run(final long warmup, final long handshakes)
    {
        drive(warmup);
        clientLatencyNs.reset();
        serverLatencyNs.reset();
        lifetimeNs.reset();
        firstByteNs.reset();
        // taken before the recorders stamp their first interval, so no interval starts before the base time
        final long startEpochMs = System.currentTimeMillis();
        clientRecorder.reset();
        serverRecorder.reset();
        failures = 0;
        serverFailures = 0;
        failuresAtIntervalStart = 0;
        final long packetsBefore = wire.delivered();
        final long startNs = System.nanoTime();
        listener.onStart(startNs, startEpochMs);
        intervalStartNs = startNs;
        nextIntervalNs = startNs + intervalNs;
        recording = true;
        drive(handshakes);
        final long endNs = System.nanoTime();
        recording = false;
        takeInterval(endNs);
        final long elapsedNs = endNs - startNs;
        return new Result(handshakes, elapsedNs, clientLatencyNs, serverLatencyNs, failures,
            wire.delivered() - packetsBefore, client, server, serverFailures, lifetimeNs, firstByteNs);
    }

    private void drive(final long count)
    {
        completed = 0;
        long started = 0;
        long pollCounter = 0;
        long progressAt = 0;
        long progressNs = System.nanoTime();
        while (completed < count)
        {
            long nowNs = System.nanoTime();
            if (completed != progressAt)
            {
                progressAt = completed;
                progressNs = nowNs;
            }
            else if (nowNs - progressNs > STALL_NS)
            {
                // bounded in time: a run that stops making progress is a bug to report, not to wait for
                throw new IllegalStateException("no connection completed in " + STALL_NS / 1_000_000_000L
                    + " s (" + completed + " of " + count + " done, " + inFlight + " in flight); client "
                    + client.counters().eventSnapshot() + ", server " + server.counters().eventSnapshot());
            }
            wire.nowNs(nowNs);
            while (inFlight < concurrency && started < count)
            {
                if (startOne(nowNs))
                {
                    started++;
                }
                else
                {
                    break;
                }
            }
            nowNs = System.nanoTime();
            wire.deliver(nowNs);
            if ((++pollCounter & 63) == 0)
            {
                client.poll(nowNs);
                server.poll(nowNs);
            }
            if (recording && nowNs - nextIntervalNs >= 0)
            {
                takeInterval(nowNs);
            }
        }
        // the client is done with a connection before its last packets reach the server: deliver them too, so the
        // server's figures cover the same handshakes
        final long deadlineNs = System.nanoTime() + 1_000_000_000L;
        while ((inFlight > 0 || wire.inFlight() > 0) && System.nanoTime() - deadlineNs < 0)
        {
            final long nowNs = System.nanoTime();
            wire.deliver(nowNs);
            client.poll(nowNs);
            server.poll(nowNs);
        }
    }

    /** Ends the current interval at {@code endNs}: the recorders' histograms so far, to the totals and listener. */
    private void takeInterval(final long endNs)
    {
        clientInterval = clientRecorder.getIntervalHistogram(clientInterval);
        serverInterval = serverRecorder.getIntervalHistogram(serverInterval);
        clientLatencyNs.add(clientInterval);
        serverLatencyNs.add(serverInterval);
        listener.onInterval(clientInterval, serverInterval, intervalStartNs, endNs, failures - failuresAtIntervalStart);
        failuresAtIntervalStart = failures;
        intervalStartNs = endNs;
        nextIntervalNs = endNs + intervalNs;
    }

    private boolean startOne(final long nowNs)
    {
        final long tuple = nextTuple++;
        final int port = FIRST_PORT + (int)(tuple % PORTS);
        final long host = 2 + tuple / PORTS;
        final long clientHi = ipv6 ? 0x2001_0002_0000_0001L : 0;
        final long clientLo = ipv6 ? host : IpAddress.v4Lo(0xC613_0000 + (int)(host & 0xFFFF));
        final long handle = client.connect(clientHi, clientLo, port, serverHi, serverLo, SERVER_PORT, nowNs);
        if (handle == ConnectionTable.NULL_HANDLE)
        {
            failures++;
            return false;
        }
        inFlight++;
        client.userData(handle, nowNs - baseNs);
        return true;
    }


    private final class ClientHandler implements TcpHandler
    {
        @Override
        public void onEstablished(final long handle)
        {
            if (recording)
            {
                clientRecorder.recordValue(Math.min(Math.max(client.handshakeNs(handle), 0), MAX_LATENCY_NS));
            }
            completed++;
            if (requestBytes > 0)
            {
                client.send(handle, payload, 0, requestBytes, System.nanoTime());
                return;
            }
            end(handle);
        }

        @Override
        public void onData(final long handle, final DirectBuffer buffer, final int offset, final int length)
        {
            final long userData = client.userData(handle);
            final long received = (userData >>> 48) + length;
            if (userData >>> 48 == 0 && recording)
            {
                firstByteNs.recordValue(clamp(System.nanoTime() - baseNs - (userData & SENT_AT_MASK)));
            }
            client.userData(handle, (Math.min(received, 0xFFFF) << 48) | (userData & SENT_AT_MASK));
            if (received >= requestBytes)
            {
                end(handle);
            }
        }

        private void end(final long handle)
        {
            if (closeMode == CloseMode.RST)
            {
                client.abort(handle);
            }
            else
            {
                client.close(handle, System.nanoTime());
            }
        }

        @Override
        public void onClosed(final long handle, final CloseReason reason)
        {
            // the connection is gone from the table by now; its TCB still holds the user data until the slot is reused
            final Tcb closed = client.tcbAtClose(handle);
            if (recording && closed != null)
            {
                lifetimeNs.recordValue(clamp(System.nanoTime() - baseNs - (closed.userData() & SENT_AT_MASK)));
            }
            inFlight--;
            if (reason != CloseReason.ABORTED && reason != CloseReason.NORMAL)
            {
                failures++;
            }
        }
    }

    private final class ServerHandler implements TcpHandler
    {
        @Override
        public void onEstablished(final long handle)
        {
            if (recording)
            {
                serverRecorder.recordValue(Math.min(Math.max(server.handshakeNs(handle), 0), MAX_LATENCY_NS));
            }
        }

        @Override
        public void onData(final long handle, final DirectBuffer buffer, final int offset, final int length)
        {
            final long received = server.userData(handle) + length;
            server.userData(handle, received);
            if (received == requestBytes)
            {
                server.send(handle, payload, 0, requestBytes, System.nanoTime());
            }
        }

        @Override
        public void onPeerClosed(final long handle)
        {
            server.close(handle, System.nanoTime());
        }

        @Override
        public void onClosed(final long handle, final CloseReason reason)
        {
            if (reason != CloseReason.RESET_BY_PEER && reason != CloseReason.NORMAL)
            {
                serverFailures++;
            }
        }
    }

    private static long clamp(final long valueNs)
    {
        return Math.min(Math.max(valueNs, 0), MAX_LATENCY_NS);
    }
}
