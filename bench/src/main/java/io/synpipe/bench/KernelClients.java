package io.synpipe.bench;

import io.synpipe.tun.Netns;
import io.synpipe.tun.load.LoadError;
import io.synpipe.tun.load.LoadSettings;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Kernel clients for handshake load: {@code threads} platform threads inside a namespace, each a closed loop of
 * blocking {@code connect()} (the time it took goes to a shared {@link Recorder}) and {@code close()}: FIN (a normal
 * close) or RST ({@code SO_LINGER 0}). A handshake counts if it began in the measured window; errors are counted by
 * {@link LoadError} kind.
 */
final class KernelClients
{
    private static final int CONNECT_TIMEOUT_MS = 2_000;

    /** The name prefix of the threads that connect and close (the CPU accounting's role). */
    static final String THREAD_PREFIX = "kernel-client-";

    private final Thread[] threads;
    private final AtomicLongArray counts;
    private final AtomicLongArray errors = new AtomicLongArray(LoadError.values().length);
    private final Exception[] failure = new Exception[1];

    private KernelClients(final int threads)
    {
        this.threads = new Thread[threads];
        this.counts = new AtomicLongArray(threads);
    }

    /**
     * Sets up a client namespace for a long run of short connections: the whole port range and TIME-WAIT reuse for
     * outgoing connections (with {@code --close fin} a client that closes first keeps TIME-WAIT), inside
     * {@code ns} only.
     */
    static void tuneNamespace(final String ns) throws IOException
    {
        Netns.exec(ns, "sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65535");
        Netns.exec(ns, "sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=1");
    }

    /** Starts the threads; they stop starting connections at {@code endNs}. */
    static KernelClients start(
        final String ns, final InetSocketAddress target, final int threads, final LoadSettings.Close close,
        final Recorder recorder, final long measureFromNs, final long endNs)
    {
        final KernelClients clients = new KernelClients(threads);
        for (int t = 0; t < threads; t++)
        {
            final int index = t;
            clients.threads[t] = Thread.ofPlatform().name("launch-kernel-client-" + t).start(() ->
            {
                try
                {
                    Netns.call(ns, () ->
                    {
                        // the thread that makes the system calls, named so CpuUse finds it
                        Thread.currentThread().setName(THREAD_PREFIX + index);
                        clients.loop(index, target, close, recorder, measureFromNs, endNs);
                        return null;
                    });
                }
                catch (final Exception ex)
                {
                    clients.failure[0] = ex;
                }
            });
        }
        return clients;
    }

    private void loop(
        final int index, final InetSocketAddress target, final LoadSettings.Close close, final Recorder recorder,
        final long measureFromNs, final long endNs)
    {
        while (true)
        {
            final long t0 = System.nanoTime();
            if (t0 - endNs >= 0)
            {
                return;
            }
            final boolean measured = t0 - measureFromNs >= 0;
            try (Socket socket = new Socket())
            {
                if (close == LoadSettings.Close.RST)
                {
                    socket.setSoLinger(true, 0);
                }
                socket.connect(target, CONNECT_TIMEOUT_MS);
                final long t1 = System.nanoTime();
                if (measured)
                {
                    recorder.recordValue(Math.min(t1 - t0, IntervalSampler.MAX_LATENCY_NS));
                    counts.incrementAndGet(index);
                }
            }
            catch (final IOException ex)
            {
                if (measured)
                {
                    errors.incrementAndGet(kind(ex).ordinal());
                }
            }
        }
    }

    /** Waits for the threads (they end at {@code endNs} plus one connect at most). */
    void join() throws Exception
    {
        for (final Thread thread : threads)
        {
            thread.join();
        }
        if (failure[0] != null)
        {
            throw failure[0];
        }
    }

    long handshakes()
    {
        long sum = 0;
        for (int i = 0; i < counts.length(); i++)
        {
            sum += counts.get(i);
        }
        return sum;
    }

    long[] errorsByKind()
    {
        final long[] copy = new long[errors.length()];
        for (int i = 0; i < copy.length; i++)
        {
            copy[i] = errors.get(i);
        }
        return copy;
    }

    static LoadError kind(final IOException ex)
    {
        final String message = String.valueOf(ex.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (ex instanceof SocketTimeoutException)
        {
            return LoadError.TIMEOUT;
        }
        if (ex instanceof BindException || ex instanceof NoRouteToHostException
            || message.contains("cannot assign requested address"))
        {
            return LoadError.LOCAL_REFUSED;
        }
        if (ex instanceof ConnectException)
        {
            return message.contains("timed out") ? LoadError.TIMEOUT : LoadError.REFUSED;
        }
        if (message.contains("reset"))
        {
            return LoadError.RESET;
        }
        return LoadError.OTHER;
    }
}
