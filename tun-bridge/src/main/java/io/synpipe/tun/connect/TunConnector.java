package io.synpipe.tun.connect;

import io.synpipe.tcp.EngineEvent;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tun.Cidr;
import io.synpipe.tun.TunChannelStats;
import io.synpipe.tun.TunStack;
import io.synpipe.wire.DropReason;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code synpipe connect} as a library: a {@link TunStack} with one queue whose application is a {@link StreamPipe},
 * one connection from {@link ConnectSettings#from()} to a kernel server at {@link ConnectSettings#to()}, piping an
 * input stream into the connection and the connection into an output stream (netcat-like, half-closing at the end
 * of the input).
 * <pre>
 *   try (TunConnector connector = TunConnector.start(settings, null))
 *   {
 *       connector.connect(in, out);
 *       connector.await(timeoutMs);
 *       ConnectReport report = connector.stop();
 *   }
 * </pre>
 * The stack comes up in {@link #start} (so a kernel server can bind the kernel's address in the namespace before
 * {@link #connect}); {@link #stop} resets the connection if it is still open, removes the device and deletes the
 * namespace if {@code start} created it.
 */
public final class TunConnector implements AutoCloseable
{
    private final ConnectSettings settings;
    private final TunStack stack;
    private final StreamPipe pipe;
    private int localPort;
    private ConnectReport report;

    private TunConnector(final ConnectSettings settings, final TunStack stack, final StreamPipe pipe)
    {
        this.settings = settings;
        this.stack = stack;
        this.pipe = pipe;
    }

    /**
     * Sets up the namespace and the device; the connection opens with {@link #connect}.
     *
     * @param pcapFile where to write every packet (pcap, LINKTYPE_RAW), or null.
     * @throws IOException with a one-line message when the namespace, device or addresses cannot be set up
     *                     (everything set up so far is undone).
     */
    public static TunConnector start(final ConnectSettings settings, final Path pcapFile) throws IOException
    {
        final TcpConfig config = new TcpConfig();
        if (settings.mslMs() > 0)
        {
            config.mslMs(settings.mslMs());
        }
        final StreamPipe[] pipe = new StreamPipe[1];
        final TunStack stack = TunStack.start(
            new TunStack.Options(settings.netns(), settings.device(), settings.tunNetworks(), settings.queues(),
                config, pcapFile),
            (queue, engine) ->
            {
                pipe[0] = new StreamPipe(engine, queue, SystemNanoClock.INSTANCE);
                return pipe[0];
            });
        // the application is built on the loop when the channel registers: start returns after that
        final StreamPipe built = stack.queue(0).call(() -> pipe[0]);
        return new TunConnector(settings, stack, built);
    }

    /**
     * Opens the connection and starts piping: a reader thread reads {@code in} until end of stream (then our FIN
     * goes out), a writer thread writes what arrives to {@code out}. Once only.
     *
     * @return synpipe's local port, picked from the ephemeral range.
     */
    public synchronized int connect(final InputStream in, final OutputStream out) throws IOException
    {
        if (localPort != 0)
        {
            throw new IllegalStateException("connect was called already (one connection per connector)");
        }
        localPort = pipe.start(settings, in, out);
        return localPort;
    }

    /**
     * Waits until the connection closed and everything received was written, or {@code timeoutMs} passed.
     *
     * @return whether it is done; {@link #stop} then reports the outcome.
     */
    public boolean await(final long timeoutMs) throws InterruptedException
    {
        return pipe.await(timeoutMs);
    }

    /** Whether the connection closed and everything received was written. */
    public boolean isDone()
    {
        return pipe.isDone();
    }

    /** The line to print once started: namespace, device and the connection. */
    public String describe()
    {
        return "synpipe connect: netns " + settings.netns() + (stack.createdNamespace() ? " (created)" : "")
            + ", device " + settings.device() + " with kernel address " + settings.tunNetworks().stream()
            .map(Cidr::toString).reduce((a, b) -> a + ", " + b).orElse("") + "; " + local() + " -> "
            + ConnectSettings.endpoint(settings.to(), settings.toPort());
    }

    public ConnectSettings settings()
    {
        return settings;
    }

    /** The device, its queue and engine. */
    public TunStack stack()
    {
        return stack;
    }

    /** The engine; touch it only on its event loop ({@code stack().queue(0).call(...)}). */
    public TcpEngine engine()
    {
        return stack.queue(0).engine();
    }

    /** The application, for tests in this package; touch its loop state only on the loop. */
    StreamPipe pipe()
    {
        return pipe;
    }

    /** One line for {@code --stats-interval}: packets, drops, bytes each way and the connection's state. */
    public String statsLine() throws IOException
    {
        final TunStack.Queue queue = stack.queue(0);
        final String onLoop = queue.call(() ->
        {
            final TcpEngine engine = queue.engine();
            final StringBuilder states = new StringBuilder();
            engine.forEachConnection(h -> states.append(states.isEmpty() ? "" : ",").append(engine.state(h)));
            return "drops " + (engine.drops().totalDropped() == 0 ? "none" : engine.drops().snapshot().toString())
                + "; sent " + pipe.bytesSent() + " bytes, received " + pipe.bytesReceived() + " bytes; connection "
                + (states.isEmpty() ? "none" : states.toString());
        });
        final TunChannelStats.Totals packets = stack.channelTotals();
        return String.format(java.util.Locale.ROOT, "[%7.1f s] packets in %d, out %d; %s", stack.elapsedS(),
            packets.packetsRead(), packets.packetsWritten(), onLoop);
    }

    /**
     * Resets the connection if it is still open, closes the device, stops the event loop and deletes the namespace
     * if {@link #start} created it. Idempotent.
     *
     * @return the counters and the outcome at stop.
     */
    public synchronized ConnectReport stop() throws IOException
    {
        if (report != null)
        {
            return report;
        }
        final LoopCounts counts = new LoopCounts();
        IOException failure = null;
        try
        {
            stack.stop(queue -> { }, queue ->
            {
                // after the engine closed: the pipe has heard of the close, the counters are final
                final TcpEngine engine = queue.engine();
                counts.bytesSent = pipe.bytesSent();
                counts.bytesReceived = pipe.bytesReceived();
                counts.drops = engine.drops().snapshot();
                counts.events = engine.counters().eventSnapshot();
                counts.pipelineErrors = queue.pipelineErrors();
            });
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
        final TunChannelStats.Totals packets = stack.channelTotals();
        final String remote = ConnectSettings.endpoint(settings.to(), settings.toPort());
        report = new ConnectReport(stack.elapsedS(), local(), remote,
            pipe.closeReason(), pipe.failure(), counts.bytesSent, counts.bytesReceived, pipe.bytesWritten(),
            packets.packetsRead(), packets.packetsWritten(), packets.writeErrors(), counts.pipelineErrors, counts.drops,
            counts.events);
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

    /** What {@link #stop} takes on the loop. */
    private static final class LoopCounts
    {
        long bytesSent;
        long bytesReceived;
        long pipelineErrors;
        Map<DropReason, Long> drops = Map.of();
        Map<EngineEvent, Long> events = Map.of();
    }

    private String local()
    {
        return ConnectSettings.endpoint(settings.from(), localPort);
    }
}
