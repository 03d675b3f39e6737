package io.synpipe.tun;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.synpipe.netty.TcpEngineHandler;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A userspace TCP host on a TUN device in a network namespace: N queues of the device, each a {@link TunChannel}
 * on its own epoll event loop with its own {@link TcpEngine} and connection table (shared-nothing). What the host
 * does with its connections is the application's: {@link Application} builds the {@link TcpHandler} of each
 * queue's engine. {@code serve}, {@code connect} and the TUN load generator are such applications.
 * <p>
 * {@link #start} creates the namespace if it is missing (and {@link #stop} deletes it again then), creates the
 * device's queues from a thread that entered the namespace (see {@link Netns#call}), gives the kernel its addresses
 * on the device, brings the device and {@code lo} up, and starts reading. IPv6 is switched off on the device unless
 * an IPv6 address is configured (no router solicitations then). With more than one queue the kernel spreads flows
 * over the queues by their symmetric hash and answers a flow on the queue its packets were last written to, so a
 * connection stays with the engine that opened or accepted it.
 */
public final class TunStack implements AutoCloseable
{
    /** How long one step of start or stop may take on an event loop. */
    public static final long STEP_TIMEOUT_MS = 10_000;
    /** Most queues one device may have here (the kernel allows 256; two cores need far fewer). */
    public static final int MAX_QUEUES = 64;
    /** Ethernet's MTU, the device's default. */
    public static final int DEFAULT_MTU = 1500;
    /** The largest MTU here: IPv6's minimum (1280) up to what one TUN read can hold. */
    public static final int MIN_MTU = 1280;
    public static final int MAX_MTU = 65_535;

    /** Checks an MTU for {@code --mtu}. */
    public static int checkMtu(final int mtu)
    {
        if (mtu < MIN_MTU || mtu > MAX_MTU)
        {
            throw new IllegalArgumentException("--mtu " + mtu + " is out of range: allowed " + MIN_MTU + ".." + MAX_MTU);
        }
        return mtu;
    }

    /**
     * How to set the host up.
     *
     * @param netns           namespace, created if missing.
     * @param device          TUN device name.
     * @param kernelAddresses the kernel's addresses on the device, with their networks.
     * @param queues          number of device queues, each with its own event loop and engine.
     * @param config          engine settings, shared by the queues' engines (its MSS is set from a non-default MTU).
     * @param pcapFile        where to write every packet in pcap format, or null.
     * @param mtu             the device's MTU; the engines announce an MSS that fits it and read packets that size.
     * @param activePortMin   with several queues: local ports from here up are for connections the stack opens,
     *                        port {@code p} on queue {@code p % queues} (see {@link Queue#ownsLocalPort}); packets for
     *                        them that arrive on another queue are handed over. 0: the stack opens none.
     */
    public record Options(
        String netns, String device, List<Cidr> kernelAddresses, int queues, TcpConfig config, Path pcapFile, int mtu,
        int activePortMin)
    {
        public Options
        {
            kernelAddresses = List.copyOf(kernelAddresses);
            if (queues < 1 || queues > MAX_QUEUES)
            {
                throw new IllegalArgumentException("--queues " + queues + " is out of range: allowed 1.." + MAX_QUEUES);
            }
            checkMtu(mtu);
            if (activePortMin < 0 || activePortMin > 65_535 - queues)
            {
                throw new IllegalArgumentException("activePortMin " + activePortMin + " is out of range: allowed 0.."
                    + (65_535 - queues));
            }
        }

        /** With no active-open port range (the stack only answers connections). */
        public Options(
            final String netns, final String device, final List<Cidr> kernelAddresses, final int queues,
            final TcpConfig config, final Path pcapFile, final int mtu)
        {
            this(netns, device, kernelAddresses, queues, config, pcapFile, mtu, 0);
        }

        /** The same options with local ports from {@code min} up kept for connections the stack opens. */
        public Options withActivePorts(final int min)
        {
            return new Options(netns, device, kernelAddresses, queues, config, pcapFile, mtu, min);
        }

        /** With the usual MTU of 1500. */
        public Options(
            final String netns, final String device, final List<Cidr> kernelAddresses, final int queues,
            final TcpConfig config, final Path pcapFile)
        {
            this(netns, device, kernelAddresses, queues, config, pcapFile, DEFAULT_MTU);
        }

        /** Whether any kernel address is IPv6 (otherwise IPv6 is switched off on the device). */
        public boolean usesIpv6()
        {
            return kernelAddresses.stream().anyMatch(n -> !n.isV4());
        }
    }

    /** Builds the application callbacks of one queue's engine, on that queue's event loop. */
    @FunctionalInterface
    public interface Application
    {
        TcpHandler create(Queue queue, TcpEngine engine);
    }

    /** One device queue: its channel, event loop and engine. */
    public static final class Queue
    {
        private final int index;
        private final TunChannel channel;
        private final TcpEngineHandler engineHandler;
        private final ErrorCounter errors = new ErrorCounter();
        private final int queues;
        private final int activePortMin;
        private final QueueSteering steering;

        private Queue(
            final int index, final TunChannel channel, final TcpEngineHandler engineHandler, final int queues,
            final int activePortMin)
        {
            this.index = index;
            this.channel = channel;
            this.engineHandler = engineHandler;
            this.queues = queues;
            this.activePortMin = activePortMin;
            this.steering = queues > 1 && activePortMin > 0 ? new QueueSteering(index, activePortMin) : null;
        }

        /**
         * Whether this queue's engine may open connections from local port {@code port}: with several queues,
         * ports from {@link Options#activePortMin()} up belong to queue {@code port % queues}, so the answers
         * reach this engine whichever queue the kernel puts them on.
         */
        public boolean ownsLocalPort(final int port)
        {
            return queues == 1 || QueuePorts.owner(port, queues, activePortMin) == index;
        }

        /**
         * The {@code k}-th local port (from 0) this queue may open connections from, cycling through its share of
         * {@code [activePortMin, 65535]} (of {@code [32768, 65535]} with one queue and no range given).
         */
        public int localPort(final long k)
        {
            return QueuePorts.port(index, queues, activePortMin > 0 ? activePortMin : 32_768, k);
        }

        /** Packets this queue read for another queue's connections, and read by others for its own. */
        public long steeredOut()
        {
            return steering == null ? 0 : steering.steeredOut();
        }

        public long steeredIn()
        {
            return steering == null ? 0 : steering.steeredIn();
        }

        public int index()
        {
            return index;
        }

        public TunChannel channel()
        {
            return channel;
        }

        public EventLoop eventLoop()
        {
            return channel.eventLoop();
        }

        /** The engine; touch it only on {@link #eventLoop()}. */
        public TcpEngine engine()
        {
            return engineHandler.engine();
        }

        /** Writes out what the engine produced outside a read (after {@code connect}, {@code send}, {@code close}). */
        public void flush()
        {
            engineHandler.flush();
        }

        /** Exceptions the pipeline caught (a bug in synpipe, not bad input). */
        public long pipelineErrors()
        {
            return errors.count;
        }

        /** Runs {@code task} on this queue's event loop and waits for its result (bounded by {@link #STEP_TIMEOUT_MS}). */
        public <T> T call(final Callable<T> task) throws IOException
        {
            try
            {
                return channel.eventLoop().submit(task).get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            catch (final ExecutionException ex)
            {
                throw new IOException("task on event loop " + index + " failed: " + ex.getCause(), ex.getCause());
            }
            catch (final TimeoutException ex)
            {
                throw new IOException("task on event loop " + index + " did not finish in " + STEP_TIMEOUT_MS + " ms", ex);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", ex);
            }
        }
    }

    private final Options options;
    private final boolean createdNamespace;
    private final MultiThreadIoEventLoopGroup group;
    private final List<Queue> queues;
    private final PcapWriter pcap;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final long startNs = System.nanoTime();
    private boolean stopped;

    private TunStack(
        final Options options, final boolean createdNamespace, final MultiThreadIoEventLoopGroup group,
        final List<Queue> queues, final PcapWriter pcap)
    {
        this.options = options;
        this.createdNamespace = createdNamespace;
        this.group = group;
        this.queues = List.copyOf(queues);
        this.pcap = pcap;
    }

    /**
     * Sets up the namespace, the device and its queues and starts reading.
     *
     * @throws IOException with a one-line message when the namespace, device or addresses cannot be set up
     *                     (everything set up so far is undone).
     */
    public static TunStack start(final Options options, final Application application) throws IOException
    {
        final String ns = options.netns();
        boolean created = false;
        final List<Tun> tuns = new ArrayList<>();
        MultiThreadIoEventLoopGroup group = null;
        PcapWriter pcap = null;
        Netns.checkPrivileges();
        try
        {
            if (!Netns.exists(ns))
            {
                Netns.add(ns);
                created = true;
            }
            for (int q = 0; q < options.queues(); q++)
            {
                tuns.add(DeviceSetup.openQueue(ns, options.device(), options.queues() > 1));
            }
            DeviceSetup.configure(options);
            pcap = options.pcapFile() == null ? null : PcapWriter.open(options.pcapFile());
            group = new MultiThreadIoEventLoopGroup(options.queues(), EpollIoHandler.newFactory());
            final TcpConfig config = options.config();
            if (options.mtu() != DEFAULT_MTU)
            {
                // RFC 9293 §3.7.1: MSS = MTU - fixed IP and TCP headers (IPv6's 40-byte header when IPv6 is on)
                config.mss(options.mtu() - (options.usesIpv6() ? 60 : 40));
            }
            final List<EventExecutor> loops = new ArrayList<>();
            group.forEach(loops::add);
            final List<Queue> queues = new ArrayList<>();
            for (int q = 0; q < options.queues(); q++)
            {
                final TunChannel channel = new TunChannel(tuns.get(q));
                channel.config().setPacketBufferBytes(options.mtu());
                final Queue[] self = new Queue[1];
                final TcpEngineHandler engineHandler = new TcpEngineHandler(config,
                    engine -> application.create(self[0], engine), SystemNanoClock.INSTANCE);
                self[0] = new Queue(q, channel, engineHandler, options.queues(), options.activePortMin());
                if (self[0].steering != null)
                {
                    channel.pipeline().addLast("steering", self[0].steering);
                }
                if (pcap != null)
                {
                    channel.pipeline().addLast("pcap", pcap);
                }
                channel.pipeline().addLast("engine", engineHandler).addLast("errors", self[0].errors);
                queues.add(self[0]);
            }
            if (queues.get(0).steering != null)
            {
                QueueSteering.link(queues.stream().map(queue -> queue.steering).toArray(QueueSteering[]::new));
            }
            final TunStack stack = new TunStack(options, created, group, queues, pcap);
            for (final Queue queue : queues)
            {
                queue.channel.closeFuture().addListener(f -> stack.stopRequested.countDown());
            }
            tuns.clear();
            for (int q = 0; q < queues.size(); q++)
            {
                final TunChannel channel = queues.get(q).channel;
                final ChannelFuture registered = channel.register((EventLoop)loops.get(q));
                if (!registered.await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS) || !registered.isSuccess())
                {
                    queues.forEach(queue -> queue.channel.close());
                    throw new IOException("cannot register TUN queue " + q + " with its event loop: " + registered.cause());
                }
            }
            return stack;
        }
        catch (final IOException | RuntimeException ex)
        {
            undoStart(tuns, group, pcap, created ? ns : null);
            throw ex;
        }
        catch (final InterruptedException ex)
        {
            undoStart(tuns, group, pcap, created ? ns : null);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", ex);
        }
    }

    public Options options()
    {
        return options;
    }

    /** Whether {@link #start} created the namespace (and {@link #stop} deletes it). */
    public boolean createdNamespace()
    {
        return createdNamespace;
    }

    public List<Queue> queues()
    {
        return queues;
    }

    public Queue queue(final int index)
    {
        return queues.get(index);
    }

    /** Seconds since start. */
    public double elapsedS()
    {
        return (System.nanoTime() - startNs) / 1e9;
    }

    /** Packets through all queues. */
    public TunChannelStats.Totals channelTotals()
    {
        return TunChannelStats.Totals.of(queues.stream().map(q -> q.channel.stats()).toList());
    }

    /** Runs {@code task} on every queue's event loop, one after the other, and collects the results in queue order. */
    public <T> List<T> onEachQueue(final java.util.function.Function<Queue, T> task) throws IOException
    {
        final List<T> results = new ArrayList<>();
        for (final Queue queue : queues)
        {
            results.add(queue.call(() -> task.apply(queue)));
        }
        return results;
    }

    /** Asks {@link #awaitStopRequest} to return (from a signal handler, say). */
    public void requestStop()
    {
        stopRequested.countDown();
    }

    /**
     * Waits until {@link #requestStop} is called, a channel closes, or {@code timeoutMs} pass (0: no limit).
     *
     * @return whether a stop was requested.
     */
    public boolean awaitStopRequest(final long timeoutMs) throws InterruptedException
    {
        if (timeoutMs > 0)
        {
            return stopRequested.await(timeoutMs, TimeUnit.MILLISECONDS);
        }
        stopRequested.await();
        return true;
    }

    /**
     * On each open queue's loop: runs {@code beforeClose}, closes the engine (RST for each synchronized connection),
     * flushes and runs {@code afterClose} (to take a last report); then closes the device, stops the loops, and
     * deletes the namespace if {@link #start} created it. Idempotent.
     */
    public synchronized void stop(final Consumer<Queue> beforeClose, final Consumer<Queue> afterClose)
        throws IOException
    {
        if (stopped)
        {
            return;
        }
        stopped = true;
        stopRequested.countDown();
        IOException failure = null;
        try
        {
            for (final Queue queue : queues)
            {
                if (queue.channel.isOpen())
                {
                    try
                    {
                        queue.call(() ->
                        {
                            beforeClose.accept(queue);
                            queue.engine().close();
                            queue.flush();
                            afterClose.accept(queue);
                            return null;
                        });
                    }
                    catch (final IOException ex)
                    {
                        failure = failure == null ? ex : failure;
                    }
                }
                queue.channel.close().awaitUninterruptibly(STEP_TIMEOUT_MS);
            }
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
                    Netns.delete(options.netns());
                }
                catch (final IOException ex)
                {
                    failure = failure == null ? ex : failure;
                }
            }
        }
        if (failure != null)
        {
            throw failure;
        }
    }

    @Override
    public void close() throws IOException
    {
        stop(queue -> { }, queue -> { });
    }

    private static void undoStart(
        final List<Tun> tuns, final MultiThreadIoEventLoopGroup group, final PcapWriter pcap, final String createdNs)
    {
        tuns.forEach(Tun::close);
        if (group != null)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(STEP_TIMEOUT_MS);
        }
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

    /** Last in each pipeline: counts exceptions (e.g. a packet the kernel refused) instead of logging each one. */
    private static final class ErrorCounter extends ChannelInboundHandlerAdapter
    {
        private volatile long count;

        @Override
        public boolean isSharable()
        {
            return false;
        }

        @Override
        @SuppressWarnings("NonAtomicOperationOnVolatileField") // written by the one event loop of its channel
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
