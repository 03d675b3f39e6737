package io.synpipe.tun.serve;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.synpipe.netty.TcpEngineHandler;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tun.Netns;
import io.synpipe.tun.PcapWriter;
import io.synpipe.tun.Tun;
import io.synpipe.tun.TunChannel;
import io.synpipe.tun.TunChannelStats;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code synpipe serve} as a library: a TUN device in a network namespace, one {@link TcpEngine} on one epoll event
 * loop behind a {@link TunChannel}, and a {@link Responder} listening as the {@link ServeSettings} say.
 * <p>
 * {@link #start} creates the namespace if it is missing (and {@link #stop} deletes it again then), creates the TUN
 * device inside it from a thread that entered it (see {@link Netns#call}), gives the kernel its address on the TUN,
 * brings the device and {@code lo} up, and starts reading. IPv6 is switched off on the device unless an IPv6 address
 * is configured (no router solicitations then). {@link #stop} aborts every connection (RST where synchronized),
 * flushes those RSTs, closes the device and reports the counters.
 */
public final class TunServer implements AutoCloseable
{
    /** How long one step of start or stop may take on the event loop. */
    public static final long STEP_TIMEOUT_MS = 10_000;

    private final ServeSettings settings;
    private final boolean createdNamespace;
    private final MultiThreadIoEventLoopGroup group;
    private final TunChannel channel;
    private final TcpEngineHandler engineHandler;
    private final ErrorCounter errors = new ErrorCounter();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final long startNs = System.nanoTime();
    private final PcapWriter pcap;
    private volatile Responder responder;
    private ServeReport report;

    private TunServer(
        final ServeSettings settings, final boolean createdNamespace, final MultiThreadIoEventLoopGroup group,
        final TunChannel channel, final NanoClock clock, final PcapWriter pcap)
    {
        this.settings = settings;
        this.pcap = pcap;
        this.createdNamespace = createdNamespace;
        this.group = group;
        this.channel = channel;
        final TcpConfig config = new TcpConfig();
        if (settings.mslMs() > 0)
        {
            config.mslMs(settings.mslMs());
        }
        this.engineHandler = new TcpEngineHandler(config, engine ->
        {
            responder = new Responder(engine, clock, settings.listeners());
            return responder;
        }, clock);
        if (pcap != null)
        {
            channel.pipeline().addLast("pcap", pcap);
        }
        channel.pipeline().addLast("engine", engineHandler).addLast("errors", errors);
        channel.closeFuture().addListener(f -> stopRequested.countDown());
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
        PcapWriter pcap = null;
        final String ns = settings.netns();
        boolean created = false;
        Tun tun = null;
        MultiThreadIoEventLoopGroup group = null;
        Netns.checkPrivileges();
        try
        {
            if (!Netns.exists(ns))
            {
                Netns.add(ns);
                created = true;
            }
            tun = openTun(ns, settings.device());
            configureDevice(settings);
            group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            final TunChannel channel = new TunChannel(tun);
            tun = null;
            pcap = pcapFile == null ? null : PcapWriter.open(pcapFile);
            final TunServer server = new TunServer(settings, created, group, channel, SystemNanoClock.INSTANCE, pcap);
            final ChannelFuture registered = channel.register(group.next());
            if (!registered.await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS) || !registered.isSuccess())
            {
                channel.close();
                throw new IOException("cannot register the TUN channel with the event loop: " + registered.cause());
            }
            return server;
        }
        catch (final IOException | RuntimeException ex)
        {
            undoStart(tun, group, created ? ns : null);
            closeQuietly(pcap);
            throw ex;
        }
        catch (final InterruptedException ex)
        {
            undoStart(tun, group, created ? ns : null);
            closeQuietly(pcap);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", ex);
        }
    }

    /** The lines to print once serving: where it listens and how to reach it. */
    public List<String> describe()
    {
        final List<String> lines = new ArrayList<>();
        lines.add("synpipe serve: netns " + settings.netns() + (createdNamespace ? " (created)" : "") + ", device "
            + settings.device() + " with kernel address " + settings.tunNetworks().stream().map(Cidr::toString)
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

    public TunChannel channel()
    {
        return channel;
    }

    public TunChannelStats channelStats()
    {
        return channel.stats();
    }

    /** The engine; touch it only on the event loop (see {@link #onEventLoop}). */
    public TcpEngine engine()
    {
        return engineHandler.engine();
    }

    /** The responder; touch it only on the event loop. */
    public Responder responder()
    {
        return responder;
    }

    /** Runs {@code task} on the engine's event loop and waits for its result (bounded by {@link #STEP_TIMEOUT_MS}). */
    public <T> T onEventLoop(final Callable<T> task) throws IOException
    {
        try
        {
            return channel.eventLoop().submit(task).get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new IOException("task on the event loop failed: " + ex.getCause(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new IOException("task on the event loop did not finish in " + STEP_TIMEOUT_MS + " ms", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    /** Asks {@link #awaitStopRequest} to return (from a signal handler, say). */
    public void requestStop()
    {
        stopRequested.countDown();
    }

    /**
     * Waits until {@link #requestStop} is called, the channel closes, or {@code durationS} seconds pass (0: no
     * limit).
     */
    public void awaitStopRequest(final long durationS) throws InterruptedException
    {
        if (durationS > 0)
        {
            stopRequested.await(durationS, TimeUnit.SECONDS);
        }
        else
        {
            stopRequested.await();
        }
    }

    /**
     * Resets every connection, flushes, closes the device, stops the event loop and deletes the namespace if
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
        stopRequested.countDown();
        IOException failure = null;
        ServeReport taken = null;
        try
        {
            taken = channel.isOpen() ? onEventLoop(this::abortAllAndReport) : null;
            channel.close().awaitUninterruptibly(STEP_TIMEOUT_MS);
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
        finally
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(STEP_TIMEOUT_MS);
            if (pcap != null)
            {
                try
                {
                    pcap.close();
                }
                catch (final IOException ex)
                {
                    failure = failure == null ? ex : failure;
                }
            }
            if (createdNamespace)
            {
                try
                {
                    Netns.delete(settings.netns());
                }
                catch (final IOException ex)
                {
                    failure = failure == null ? ex : failure;
                }
            }
        }
        if (taken == null)
        {
            taken = reportNow(0);
        }
        report = withChannelStats(taken);
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

    private ServeReport abortAllAndReport()
    {
        final TcpEngine engine = engineHandler.engine();
        final int open = engine.connectionCount();
        engine.close();
        channel.flush();
        return reportNow(open);
    }

    private ServeReport reportNow(final int openAtStop)
    {
        final TcpEngine engine = engineHandler.engine();
        final Responder r = responder;
        return new ServeReport(
            (System.nanoTime() - startNs) / 1e9, 0, 0, 0, 0, errors.count,
            engine == null ? 0 : engine.drops().accepted(),
            engine == null ? Map.of() : engine.drops().snapshot(),
            engine == null ? Map.of() : engine.counters().eventSnapshot(),
            r == null ? 0 : r.accepted(), r == null ? 0 : r.established(),
            r == null ? Map.of() : r.closedSnapshot(),
            r == null ? 0 : r.bytesReceived(), r == null ? 0 : r.bytesEchoed(),
            r == null ? 0 : r.httpResponses(), openAtStop);
    }

    private ServeReport withChannelStats(final ServeReport r)
    {
        final TunChannelStats s = channel.stats();
        return new ServeReport(r.elapsedS(), s.packetsRead(), s.packetsWritten(), s.writeErrors(), s.writeParked(),
            r.pipelineErrors(), r.packetsAccepted(), r.drops(), r.events(), r.connectionsAccepted(),
            r.connectionsEstablished(), r.closed(), r.bytesReceived(), r.bytesEchoed(),
            r.httpResponses(), r.connectionsLeftAtStop());
    }

    private static Tun openTun(final String ns, final String device) throws IOException
    {
        try
        {
            return Netns.call(ns, () -> Tun.open(device));
        }
        catch (final IOException | RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IOException(ex.getMessage(), ex);
        }
    }

    private static void configureDevice(final ServeSettings settings) throws IOException
    {
        final String ns = settings.netns();
        final String dev = settings.device();
        if (!settings.usesIpv6())
        {
            // before the link goes up, so the kernel sends no router solicitations into the TUN
            sysctlQuietly(ns, "net/ipv6/conf/" + dev + "/disable_ipv6=1");
        }
        else
        {
            sysctlQuietly(ns, "net/ipv6/conf/" + dev + "/router_solicitations=0");
            sysctlQuietly(ns, "net/ipv6/conf/" + dev + "/accept_ra=0");
        }
        for (final Cidr network : settings.tunNetworks())
        {
            if (network.isV4())
            {
                Netns.ip(ns, "addr", "add", network.toString(), "dev", dev);
            }
            else
            {
                Netns.ip(ns, "-6", "addr", "add", network.toString(), "dev", dev, "nodad");
            }
        }
        Netns.ip(ns, "link", "set", dev, "up");
        Netns.ip(ns, "link", "set", "lo", "up");
    }

    private static void sysctlQuietly(final String ns, final String assignment)
    {
        try
        {
            Netns.exec(ns, "sysctl", "-q", "-w", assignment);
        }
        catch (final IOException ex)
        {
            // a kernel without IPv6 has no such keys: nothing to switch off then
        }
    }

    private static void undoStart(final Tun tun, final MultiThreadIoEventLoopGroup group, final String createdNs)
    {
        if (tun != null)
        {
            tun.close();
        }
        if (group != null)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(STEP_TIMEOUT_MS);
        }
        if (createdNs != null)
        {
            try
            {
                Netns.delete(createdNs);
            }
            catch (final IOException ex)
            {
                // the caller reports the error that made the start fail
            }
        }
    }

    private static void closeQuietly(final PcapWriter pcap)
    {
        if (pcap != null)
        {
            try
            {
                pcap.close();
            }
            catch (final IOException ex)
            {
                // the caller reports the error that made the start fail
            }
        }
    }

    private static String hostOf(final ListenSpec spec)
    {
        return spec.isV4() ? Cidr.format(spec.address()) : "[" + Cidr.format(spec.address()) + "]";
    }

    /** Last in the pipeline: counts exceptions (e.g. a packet the kernel refused) instead of logging each one. */
    private static final class ErrorCounter extends ChannelInboundHandlerAdapter
    {
        private long count;

        @Override
        public boolean isSharable()
        {
            return false;
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            count++;
            if (count == 1)
            {
                // a handler threw: that is a bug in synpipe, not bad input; say it once on stderr
                System.err.println("synpipe: pipeline error (first of possibly more): " + cause);
            }
        }
    }
}
