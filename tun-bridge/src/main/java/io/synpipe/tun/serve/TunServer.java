package io.synpipe.tun.serve;

import io.synpipe.jfr.JfrTcpHandler;
import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.EngineEvent;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpState;
import io.synpipe.tun.Cidr;
import io.synpipe.tun.TunChannel;
import io.synpipe.tun.TunChannelStats;
import io.synpipe.tun.TunStack;
import io.synpipe.wire.DropReason;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code synpipe serve} as a library: a {@link TunStack} (a TUN device in a network namespace, one engine per
 * device queue, each on its own epoll event loop) with a {@link Responder} on every queue listening as the
 * {@link ServeSettings} say. {@link #stop} aborts every connection (RST where synchronized), flushes those RSTs,
 * closes the device and reports the counters summed over the queues.
 */
public final class TunServer implements AutoCloseable
{
    /** How long one step of start or stop may take on the event loop. */
    public static final long STEP_TIMEOUT_MS = TunStack.STEP_TIMEOUT_MS;

    private final ServeSettings settings;
    private final TunStack stack;
    private final Responder[] responders;
    private ServeReport report;

    private TunServer(final ServeSettings settings, final TunStack stack, final Responder[] responders)
    {
        this.settings = settings;
        this.stack = stack;
        this.responders = responders;
    }

    /**
     * Sets up the namespace and device and starts serving.
     *
     * @throws IOException with a one-line message when the namespace, device or addresses cannot be set up
     *                     (everything set up so far is undone).
     */
    public static TunServer start(final ServeSettings settings) throws IOException
    {
        return start(settings, null);
    }

    /**
     * Like {@link #start(ServeSettings)}, and writes every packet read from and written to the TUN to
     * {@code pcapFile} (pcap, LINKTYPE_RAW) unless it is null; the file is complete once {@link #stop} returns.
     */
    public static TunServer start(final ServeSettings settings, final Path pcapFile) throws IOException
    {
        return start(settings, pcapFile, false);
    }

    /**
     * Like {@link #start(ServeSettings, Path)}; with {@code jfrEvents} each queue's responder is wrapped in a
     * {@link JfrTcpHandler}, which emits the synpipe JFR events while a recording has them enabled.
     */
    public static TunServer start(final ServeSettings settings, final Path pcapFile, final boolean jfrEvents)
        throws IOException
    {
        final TcpConfig config = new TcpConfig();
        if (settings.mslMs() > 0)
        {
            config.mslMs(settings.mslMs());
        }
        final Responder[] responders = new Responder[settings.queues()];
        final TunStack stack = TunStack.start(
            new TunStack.Options(settings.netns(), settings.device(), settings.tunNetworks(), settings.queues(), config,
                pcapFile, settings.mtu()),
            (queue, engine) ->
            {
                final Responder responder = new Responder(engine, SystemNanoClock.INSTANCE, settings.listeners());
                responders[queue.index()] = responder;
                return jfrEvents ? new JfrTcpHandler(engine, responder, SystemNanoClock.INSTANCE) : responder;
            });
        return new TunServer(settings, stack, responders);
    }

    /** The lines to print once serving: where it listens and how to reach it. */
    public List<String> describe()
    {
        final List<String> lines = new ArrayList<>();
        lines.add("synpipe serve: netns " + settings.netns() + (stack.createdNamespace() ? " (created)" : "")
            + ", device " + settings.device() + (settings.queues() > 1 ? " (" + settings.queues() + " queues)" : "")
            + (settings.mtu() != TunStack.DEFAULT_MTU ? " (MTU " + settings.mtu() + ")" : "")
            + " with kernel address " + settings.tunNetworks().stream().map(Cidr::toString)
            .reduce((a, b) -> a + ", " + b).orElse("") + (settings.mslMs() > 0 ? ", MSL " + settings.mslMs() + " ms" : ""));
        for (final ListenSpec spec : settings.listeners())
        {
            lines.add("  listening on " + spec);
        }
        final ListenSpec first = settings.listeners().stream().filter(l -> l.mode() == ServeMode.HTTP).findFirst()
            .orElse(settings.listeners().get(0));
        lines.add("  reach it from inside the namespace: ip netns exec " + settings.netns()
            + (first.mode() == ServeMode.HTTP
            ? " curl http://" + hostOf(first) + ":" + first.port() + "/"
            : " <client> " + Cidr.format(first.address()) + " " + first.port()) + "   (stop with Ctrl-C)");
        return lines;
    }

    public ServeSettings settings()
    {
        return settings;
    }

    /** The device, its queues and their engines. */
    public TunStack stack()
    {
        return stack;
    }

    /** The first queue's channel. */
    public TunChannel channel()
    {
        return stack.queue(0).channel();
    }

    /** The first queue's channel counters. */
    public TunChannelStats channelStats()
    {
        return channel().stats();
    }

    /** The first queue's engine; touch it only on its event loop (see {@link #onEventLoop}). */
    public TcpEngine engine()
    {
        return stack.queue(0).engine();
    }

    /** The first queue's responder; touch it only on its event loop. */
    public Responder responder()
    {
        return responders[0];
    }

    /** The responder of queue {@code index}; touch it only on that queue's event loop. */
    public Responder responder(final int index)
    {
        return responders[index];
    }

    /** Runs {@code task} on the first queue's event loop and waits for its result (bounded by {@link #STEP_TIMEOUT_MS}). */
    public <T> T onEventLoop(final Callable<T> task) throws IOException
    {
        return stack.queue(0).call(task);
    }

    /** Asks {@link #awaitStopRequest} to return (from a signal handler, say). */
    public void requestStop()
    {
        stack.requestStop();
    }

    /**
     * Waits until {@link #requestStop} is called, a channel closes, or {@code durationS} seconds pass (0: no
     * limit).
     */
    public void awaitStopRequest(final long durationS) throws InterruptedException
    {
        stack.awaitStopRequest(durationS * 1000L);
    }

    /** The counters now, summed over the queues (each queue's part taken on its loop). */
    public ServeReport snapshot() throws IOException
    {
        return sum(stack.onEachQueue(this::reportOf));
    }

    /**
     * Resets every connection, flushes, closes the device, stops the event loops and deletes the namespace if
     * {@link #start} created it. Idempotent.
     *
     * @return the counters at stop.
     */
    public synchronized ServeReport stop() throws IOException
    {
        if (report != null)
        {
            return report;
        }
        final List<ServeReport> parts = new ArrayList<>();
        IOException failure = null;
        try
        {
            // the connections as they were before the aborts, the counters after them
            final List<Map<TcpState, Long>> before = new ArrayList<>(Collections.nCopies(responders.length, Map.of()));
            stack.stop(queue -> before.set(queue.index(), connectionsByState(queue.engine())),
                queue -> parts.add(reportOf(queue, before.get(queue.index()))));
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
        report = sum(parts);
        if (failure != null)
        {
            throw failure;
        }
        return report;
    }

    @Override
    public void close() throws IOException
    {
        stop();
    }

    /** One queue's counters now, on its loop; channel packets are filled in by {@link #sum}. */
    private ServeReport reportOf(final TunStack.Queue queue)
    {
        return reportOf(queue, connectionsByState(queue.engine()));
    }

    /** One queue's counters now, with its connections as {@code byState} says, on its loop. */
    private ServeReport reportOf(final TunStack.Queue queue, final Map<TcpState, Long> byState)
    {
        final TcpEngine engine = queue.engine();
        final Responder r = responders[queue.index()];
        final int connections = (int)byState.values().stream().mapToLong(Long::longValue).sum();
        return new ServeReport(stack.elapsedS(), 0, 0, 0, 0, queue.pipelineErrors(),
            engine.drops().accepted(), engine.drops().snapshot(), engine.counters().eventSnapshot(),
            r == null ? 0 : r.accepted(), r == null ? 0 : r.established(),
            r == null ? Map.of() : r.closedSnapshot(),
            r == null ? 0 : r.bytesReceived(), r == null ? 0 : r.bytesEchoed(),
            r == null ? 0 : r.httpResponses(), connections, byState, List.of(connections));
    }

    private static Map<TcpState, Long> connectionsByState(final TcpEngine engine)
    {
        final Map<TcpState, Long> byState = new EnumMap<>(TcpState.class);
        engine.forEachConnection(handle -> byState.merge(engine.state(handle), 1L, Long::sum));
        return byState;
    }

    private ServeReport sum(final List<ServeReport> parts)
    {
        int connections = 0;
        final TunChannelStats.Totals packets = stack.channelTotals();
        long pipelineErrors = 0, accepted = 0, connAccepted = 0, established = 0, received = 0, echoed = 0, http = 0;
        final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        final Map<EngineEvent, Long> events = new EnumMap<>(EngineEvent.class);
        final Map<CloseReason, Long> closed = new EnumMap<>(CloseReason.class);
        final Map<TcpState, Long> byState = new EnumMap<>(TcpState.class);
        final List<Integer> perQueue = new ArrayList<>();
        for (final ServeReport p : parts)
        {
            pipelineErrors += p.pipelineErrors();
            accepted += p.packetsAccepted();
            connAccepted += p.connectionsAccepted();
            established += p.connectionsEstablished();
            received += p.bytesReceived();
            echoed += p.bytesEchoed();
            http += p.httpResponses();
            p.drops().forEach((k, v) -> drops.merge(k, v, Long::sum));
            p.events().forEach((k, v) -> events.merge(k, v, Long::sum));
            p.closed().forEach((k, v) -> closed.merge(k, v, Long::sum));
            p.connectionsByState().forEach((k, v) -> byState.merge(k, v, Long::sum));
            perQueue.addAll(p.connectionsPerQueue());
            connections += p.connectionsLeftAtStop();
        }
        return new ServeReport(stack.elapsedS(), packets.packetsRead(), packets.packetsWritten(), packets.writeErrors(),
            packets.writeParked(), pipelineErrors, accepted, drops, events, connAccepted, established, closed, received,
            echoed, http, connections, byState, perQueue);
    }

    private static String hostOf(final ListenSpec spec)
    {
        return spec.isV4() ? Cidr.format(spec.address()) : "[" + Cidr.format(spec.address()) + "]";
    }
}
