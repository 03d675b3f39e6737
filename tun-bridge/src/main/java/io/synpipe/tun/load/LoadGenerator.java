package io.synpipe.tun.load;

import io.synpipe.table.ConnectionTable;
import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.tun.Cidr;
import io.synpipe.wire.IpAddress;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.agrona.concurrent.NanoClock;

/**
 * synpipe in the client role as a handshake load generator: the application on one engine that opens connections
 * to a listening socket from the source tuples of {@link SourceTuples}, records each client handshake latency (SYN
 * sent to SYN-ACK received, {@link TcpEngine#handshakeNs}) and closes the connection at once with FIN
 * ({@link TcpEngine#close}) or RST ({@link TcpEngine#abort}).
 * <ul>
 * <li>Closed loop: {@code concurrency} handshakes in flight; each one that completes or fails starts the next, in
 * the same callback.</li>
 * <li>Open loop: {@link #onTick} (called every millisecond or so) starts the connections an
 * {@link OpenLoopSchedule} says are due; the recorded latencies get HdrHistogram's correction for coordinated
 * omission with the schedule's interval ({@link #correctForCoordinatedOmission}, the equivalent of
 * {@code recordValueWithExpectedInterval}, applied by the reader of the recorder, off the loop).</li>
 * </ul>
 * A handshake counts if its SYN went out in the measured window {@code [start + warm-up, start + warm-up +
 * duration)}; after the window (or after {@code maxConnections} starts) nothing new starts, and the generator is
 * {@link #finished} when no handshake is in flight. Errors are counted by {@link LoadError} kind.
 * <p>
 * Everything runs on the engine's thread and allocates nothing per connection: the per-connection state (when its
 * SYN went out, whether it is established) lives in primitive arrays indexed by the table slot of its handle, and
 * the latencies go into an HdrHistogram {@link Recorder}, whose interval histograms another thread may take.
 */
public final class LoadGenerator implements TcpHandler
{
    /** Latencies above a minute are recorded as a minute. */
    public static final long MAX_LATENCY_NS = 60_000_000_000L;
    /** Source tuples tried per start when the engine still holds one (e.g. in TIME-WAIT) before giving up. */
    public static final int TUPLE_ATTEMPTS = 16;

    private static final byte NONE = 0;
    private static final byte OPENING = 1;
    private static final byte ESTABLISHED = 2;

    private final TcpEngine engine;
    private final NanoClock clock;
    private final LoadSettings settings;
    private final SourceTuples tuples;
    private final OpenLoopSchedule schedule;
    private final Recorder recorder = new Recorder(MAX_LATENCY_NS, 3);
    private final long targetHi;
    private final long targetLo;
    private final long[] openedNsBySlot;
    private final byte[] stateBySlot;
    private final long[] errors = new long[LoadError.values().length];
    private boolean running;
    private boolean stopping;
    private long measureFromNs;
    private long stopAtNs;
    private long maxStarts;
    private long stoppedAtNs;
    private long started;
    private long established;
    private long handshakes;
    private long tuplesBusy;
    private int inFlight;

    /**
     * @param engine  the engine this generator is the application of (its table capacity bounds the connections).
     * @param clock   the time source for closes and window checks.
     * @param settings what to do.
     * @param index   this engine's index among {@code engines} engines sharing the source tuples.
     * @param engines how many engines share them.
     */
    public LoadGenerator(
        final TcpEngine engine, final NanoClock clock, final LoadSettings settings, final int index, final int engines)
    {
        this.engine = engine;
        this.clock = clock;
        this.settings = settings;
        this.tuples = new SourceTuples(settings.sources(), index, engines);
        this.schedule = settings.openLoop() ? new OpenLoopSchedule(settings.ratePerS()) : null;
        this.targetHi = IpAddress.hi(settings.target());
        this.targetLo = IpAddress.lo(settings.target());
        final int capacity = engine.config().maxConnections();
        this.openedNsBySlot = new long[capacity];
        this.stateBySlot = new byte[capacity];
    }

    /**
     * Starts generating load now.
     *
     * @param warmupNs       time before the measured window.
     * @param durationNs     length of the measured window; no connection starts after it.
     * @param maxConnections most connections to start, 0 for no limit.
     */
    public void start(final long nowNs, final long warmupNs, final long durationNs, final long maxConnections)
    {
        if (running)
        {
            throw new IllegalStateException("load generator already started");
        }
        if (warmupNs < 0 || durationNs <= 0 || maxConnections < 0)
        {
            throw new IllegalArgumentException("warmupNs = " + warmupNs + ", durationNs = " + durationNs
                + ", maxConnections = " + maxConnections + ": need warm-up >= 0, duration > 0, limit >= 0");
        }
        running = true;
        measureFromNs = nowNs + warmupNs;
        stopAtNs = measureFromNs + durationNs;
        maxStarts = maxConnections == 0 ? Long.MAX_VALUE : maxConnections;
        if (schedule != null)
        {
            schedule.begin(nowNs);
        }
        onTick(nowNs);
    }

    /**
     * The periodic step: ends the run when the window is over, starts the connections the open loop's schedule says
     * are due, and tops the closed loop up (after a local refusal).
     *
     * @return connections started.
     */
    public int onTick(final long nowNs)
    {
        if (!running || stopping)
        {
            return 0;
        }
        if (nowNs - stopAtNs >= 0 || started >= maxStarts)
        {
            stop(nowNs);
            return 0;
        }
        if (schedule == null)
        {
            return refill(nowNs);
        }
        final long due = schedule.take(nowNs);
        int count = 0;
        for (long i = 0; i < due && started < maxStarts; i++)
        {
            if (inFlight >= settings.maxInFlight())
            {
                countError(LoadError.BEHIND, nowNs);
            }
            else if (startOne(nowNs))
            {
                count++;
            }
        }
        return count;
    }

    /** No new connections from now on; those in flight finish. */
    public void stop(final long nowNs)
    {
        if (running && !stopping)
        {
            stopping = true;
            stoppedAtNs = nowNs;
        }
    }

    /** Whether the run stopped starting connections and none is in its handshake any more. */
    public boolean finished()
    {
        return stopping && inFlight == 0;
    }

    /**
     * Open loop: the time between two scheduled starts, the expected interval for coordinated-omission correction of
     * the recorded latencies; 0 in closed loop.
     */
    public long expectedIntervalNs()
    {
        return schedule == null ? 0 : schedule.intervalNs();
    }

    /**
     * The latency recorder (values in ns, as measured); another thread may take interval histograms from it. In open
     * loop, correct them with {@link #correctForCoordinatedOmission}.
     */
    public Recorder recorder()
    {
        return recorder;
    }

    public LoadSettings settings()
    {
        return settings;
    }

    /** The source tuples (tests). */
    SourceTuples tuples()
    {
        return tuples;
    }

    /** Counters now; call on the engine's thread. */
    public LoadStats stats(final long nowNs)
    {
        final long endNs = stopping ? Math.min(stoppedAtNs, stopAtNs) : Math.min(nowNs, stopAtNs);
        return new LoadStats(started, established, handshakes, errors.clone(), tuplesBusy, inFlight,
            engine.connectionCount(), running ? Math.max(0, endNs - measureFromNs) : 0);
    }

    /**
     * HdrHistogram's correction for coordinated omission, applied to an interval histogram off the event loop:
     * {@code copyCorrectedForCoordinatedOmission} gives what {@code recordValueWithExpectedInterval} would have
     * recorded, so a latency longer than the schedule's interval also stands for the starts that were due meanwhile.
     * It is not done on the loop because its cost grows with latency over interval (a 1 s SYN retransmission at
     * 40,000/s is 40,000 extra values): at 40,000/s that starved the loop of reading and the run collapsed.
     *
     * @return {@code raw} itself when {@code expectedIntervalNs} is 0 (closed loop), else a corrected copy.
     */
    public static Histogram correctForCoordinatedOmission(final Histogram raw, final long expectedIntervalNs)
    {
        if (expectedIntervalNs <= 0)
        {
            return raw;
        }
        final Histogram corrected = raw.copyCorrectedForCoordinatedOmission(expectedIntervalNs);
        corrected.setStartTimeStamp(raw.getStartTimeStamp());
        corrected.setEndTimeStamp(raw.getEndTimeStamp());
        return corrected;
    }

    @Override
    public int onSyn(final long handle, final int listenerId)
    {
        return REFUSE;
    }

    @Override
    public void onEstablished(final long handle)
    {
        final int slot = ConnectionTable.slot(handle);
        if (stateBySlot[slot] != OPENING)
        {
            return;
        }
        stateBySlot[slot] = ESTABLISHED;
        inFlight--;
        established++;
        final long nowNs = clock.nanoTime();
        if (inWindow(openedNsBySlot[slot]))
        {
            handshakes++;
            recorder.recordValue(Math.min(Math.max(engine.handshakeNs(handle), 0), MAX_LATENCY_NS));
        }
        if (settings.close() == LoadSettings.Close.RST)
        {
            engine.abort(handle);
        }
        else
        {
            engine.close(handle, nowNs);
        }
        if (schedule == null)
        {
            refill(nowNs);
        }
    }

    @Override
    public void onPeerClosed(final long handle)
    {
        // the kernel closed first (it accepted and closed before our FIN went out): close our side too
        engine.close(handle, clock.nanoTime());
    }

    @Override
    public void onClosed(final long handle, final CloseReason reason)
    {
        final int slot = ConnectionTable.slot(handle);
        final byte state = stateBySlot[slot];
        stateBySlot[slot] = NONE;
        if (state == NONE)
        {
            return;
        }
        final LoadError error = switch (reason)
        {
            case NORMAL, ABORTED, ENGINE_CLOSED -> null;
            case REFUSED -> LoadError.REFUSED;
            case TIMEOUT -> LoadError.TIMEOUT;
            case RESET_BY_PEER, RESET_BEFORE_ESTABLISHED -> LoadError.RESET;
            default -> LoadError.OTHER;
        };
        if (error != null && inWindow(openedNsBySlot[slot]))
        {
            errors[error.ordinal()]++;
        }
        if (state == OPENING)
        {
            inFlight--;
            if (schedule == null)
            {
                refill(clock.nanoTime());
            }
        }
    }

    /** Closed loop: starts connections until {@code concurrency} are in flight. */
    private int refill(final long nowNs)
    {
        int count = 0;
        while (running && !stopping && inFlight < settings.concurrency() && started < maxStarts)
        {
            if (!startOne(nowNs))
            {
                break;
            }
            count++;
        }
        return count;
    }

    /** Opens one connection from the next free source tuple; counts {@link LoadError#LOCAL_REFUSED} if none was. */
    private boolean startOne(final long nowNs)
    {
        final boolean full = engine.connectionCount() >= engine.config().maxConnections();
        for (int attempt = 0; attempt < TUPLE_ATTEMPTS && !full; attempt++)
        {
            tuples.next();
            final long handle = engine.connect(tuples.addressHi(), tuples.addressLo(), tuples.port(),
                targetHi, targetLo, settings.targetPort(), nowNs);
            if (handle != ConnectionTable.NULL_HANDLE)
            {
                final int slot = ConnectionTable.slot(handle);
                stateBySlot[slot] = OPENING;
                openedNsBySlot[slot] = nowNs;
                started++;
                inFlight++;
                return true;
            }
            tuplesBusy++;
        }
        countError(LoadError.LOCAL_REFUSED, nowNs);
        return false;
    }

    private void countError(final LoadError kind, final long nowNs)
    {
        if (inWindow(nowNs))
        {
            errors[kind.ordinal()]++;
        }
    }

    private boolean inWindow(final long atNs)
    {
        return atNs - measureFromNs >= 0 && atNs - stopAtNs < 0;
    }

    @Override
    public String toString()
    {
        return "LoadGenerator[" + settings.sources() + " -> " + Cidr.format(settings.target()) + ":"
            + settings.targetPort() + "]";
    }
}
