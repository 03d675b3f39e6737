package io.synpipe.tun.load;

import io.netty.util.concurrent.ScheduledFuture;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tun.Cidr;
import io.synpipe.tun.Netns;
import io.synpipe.tun.TunStack;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The load generator on a TUN device: a {@link TunStack} whose every queue runs a {@link LoadGenerator} (the queues
 * share the source tuples by striding), driven by a tick task on each queue's event loop every {@link #TICK_NS}.
 * The kernel side (its listening socket, see {@link KernelServer}) lives in the same namespace, at the TUN's kernel
 * address.
 */
public final class TunLoad implements AutoCloseable
{
    /**
     * The device's transmit queue (kernel to synpipe), in packets: the kernel drops what does not fit. The default
     * of 500 overflowed in an open loop whenever the event loop stalled for a few milliseconds (at 20,000
     * handshakes/s a 25 ms stall is 500 SYN-ACKs), and every drop costs a 1 s SYN retransmission. Much more is no
     * better: a queue that holds over a second of SYN-ACKs outlives the SYN's 1 s retransmission timeout, and the
     * duplicates feed an overload. 4,096 holds a 200 ms stall at 20,000/s.
     */
    public static final int TX_QUEUE_PACKETS = 4_096;
    /** How often each generator's {@link LoadGenerator#onTick} runs: the open loop's start granularity. */
    public static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final TunStack stack;
    private final LoadGenerator[] generators;
    private final List<ScheduledFuture<?>> ticks = new ArrayList<>();
    private CountDownLatch finished;

    private TunLoad(final TunStack stack, final LoadGenerator[] generators)
    {
        this.stack = stack;
        this.generators = generators;
    }

    /**
     * Sets the device up (see {@link TunStack#start}); the generators wait for {@link #run}.
     *
     * @param kernelAddress the kernel's address on the device with the TUN network, e.g. 198.18.0.1/15.
     * @param config        engine settings: the table's capacity bounds connections in flight and in TIME-WAIT.
     */
    public static TunLoad start(
        final String netns, final String device, final Cidr kernelAddress, final int queues, final TcpConfig config,
        final LoadSettings settings) throws IOException
    {
        final LoadGenerator[] generators = new LoadGenerator[queues];
        final TunStack stack = TunStack.start(
            // with several queues, queue k opens from the ports p % queues == k (SourceTuples), and the stack hands
            // the kernel's answers that land on another queue to their owner
            new TunStack.Options(netns, device, List.of(kernelAddress), queues, config, null)
                .withActivePorts(SourceTuples.FIRST_PORT),
            (queue, engine) ->
            {
                final LoadGenerator generator =
                    new LoadGenerator(engine, SystemNanoClock.INSTANCE, settings, queue.index(), queues);
                generators[queue.index()] = generator;
                return generator;
            });
        try
        {
            Netns.ip(netns, "link", "set", "dev", device, "txqueuelen", Integer.toString(TX_QUEUE_PACKETS));
        }
        catch (final IOException | RuntimeException ex)
        {
            stack.close();
            throw ex;
        }
        return new TunLoad(stack, generators);
    }

    /** Starts every generator (see {@link LoadGenerator#start}) and its tick; returns at once. */
    public void run(final long warmupNs, final long durationNs, final long maxConnectionsPerQueue) throws IOException
    {
        if (finished != null)
        {
            throw new IllegalStateException("already running");
        }
        finished = new CountDownLatch(generators.length);
        for (final TunStack.Queue queue : stack.queues())
        {
            final LoadGenerator generator = generators[queue.index()];
            final boolean[] reported = new boolean[1];
            queue.call(() ->
            {
                generator.start(System.nanoTime(), warmupNs, durationNs, maxConnectionsPerQueue);
                queue.flush();
                ticks.add(queue.eventLoop().scheduleAtFixedRate(() ->
                {
                    generator.onTick(System.nanoTime());
                    queue.flush();
                    if (!reported[0] && generator.finished())
                    {
                        reported[0] = true;
                        finished.countDown();
                    }
                }, TICK_NS, TICK_NS, TimeUnit.NANOSECONDS));
                return null;
            });
        }
    }

    /** Waits until every generator has {@link LoadGenerator#finished}. @return false on timeout. */
    public boolean awaitFinished(final long timeoutMs) throws InterruptedException
    {
        return finished.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Stops starting new connections on every queue. */
    public void stopStarting() throws IOException
    {
        for (final TunStack.Queue queue : stack.queues())
        {
            queue.call(() ->
            {
                generators[queue.index()].stop(System.nanoTime());
                return null;
            });
        }
    }

    /** The counters of all queues, added. */
    public LoadStats stats() throws IOException
    {
        LoadStats sum = null;
        for (final LoadStats s : stack.onEachQueue(queue -> generators[queue.index()].stats(System.nanoTime())))
        {
            sum = sum == null ? s : sum.plus(s);
        }
        return sum;
    }

    /** The generator of queue {@code index}; touch it only on that queue's event loop, except its recorder. */
    public LoadGenerator generator(final int index)
    {
        return generators[index];
    }

    public TunStack stack()
    {
        return stack;
    }

    /** Cancels the ticks and stops the stack (RST for what is still open; namespace deleted if the stack made it). */
    @Override
    public void close() throws IOException
    {
        stack.stop(queue -> ticks.forEach(t -> t.cancel(false)), queue -> { });
    }
}
