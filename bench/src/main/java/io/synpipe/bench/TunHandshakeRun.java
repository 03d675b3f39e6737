package io.synpipe.bench;

import io.synpipe.tun.Netns;
import io.synpipe.tun.serve.ServeSettings;
import io.synpipe.tun.serve.TunServer;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Handshakes against real Linux sockets, in network namespaces this run creates and deletes (198.18.0.0/15
 * only), measured the same way in each scenario: {@code concurrency} kernel client threads connect, record the
 * time connect() took, and close with RST, for a bounded time.
 * <ol>
 *     <li>kernel clients → synpipe serving {@code close} mode on a TUN device;</li>
 *     <li>kernel clients → a kernel server over a veth pair between two namespaces (the baseline).</li>
 * </ol>
 * Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN).
 */
public final class TunHandshakeRun
{
    /** One scenario's figures. */
    public record Scenario(String name, long handshakes, long errors, double seconds, Histogram latencyNs)
    {
        public double handshakesPerSecond()
        {
            return handshakes / seconds;
        }
    }

    private static final int PORT = 80;
    private static final int CONNECT_TIMEOUT_MS = 2_000;

    private final int concurrency;
    private final double warmupS;
    private final double durationS;

    public TunHandshakeRun(final int concurrency, final double warmupS, final double durationS)
    {
        if (concurrency < 1 || concurrency > 256)
        {
            throw new IllegalArgumentException("--concurrency " + concurrency + " is out of range for --tun: allowed 1..256");
        }
        if (!(durationS > 0 && durationS <= 600) || !(warmupS >= 0 && warmupS <= 600))
        {
            throw new IllegalArgumentException("--duration-s " + durationS + " / --warmup-s " + warmupS
                + " out of range: duration 0 < d <= 600, warm-up 0 <= w <= 600");
        }
        this.concurrency = concurrency;
        this.warmupS = warmupS;
        this.durationS = durationS;
    }

    public List<Scenario> run() throws Exception
    {
        Netns.checkPrivileges();
        final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        final List<Scenario> results = new ArrayList<>();
        results.add(againstSynpipe("synpipe-b" + tag));
        results.add(againstKernel("synpipe-c" + tag, "synpipe-s" + tag));
        return results;
    }

    private Scenario againstSynpipe(final String ns) throws Exception
    {
        final ServeSettings settings = ServeSettings.parse(ns, "spbench0", List.of("198.18.0.1/15"),
            List.of("198.18.0.2:" + PORT + "=close"), "close", 100, 0);
        try (TunServer server = TunServer.start(settings))
        {
            return clients("kernel -> synpipe (TUN)", ns, new InetSocketAddress("198.18.0.2", PORT));
        }
    }

    private Scenario againstKernel(final String clientNs, final String serverNs) throws Exception
    {
        Netns.add(clientNs);
        try
        {
            Netns.add(serverNs);
            try
            {
                Netns.ip(clientNs, "link", "add", "spveth0", "type", "veth", "peer", "name", "spveth1", "netns", serverNs);
                Netns.ip(clientNs, "addr", "add", "198.18.1.1/24", "dev", "spveth0");
                Netns.ip(serverNs, "addr", "add", "198.18.1.2/24", "dev", "spveth1");
                for (final String[] link : new String[][]{{clientNs, "spveth0"}, {serverNs, "spveth1"}, {clientNs, "lo"},
                    {serverNs, "lo"}})
                {
                    Netns.ip(link[0], "link", "set", link[1], "up");
                }
                final AtomicBoolean stop = new AtomicBoolean();
                final ServerSocket server = Netns.call(serverNs, () ->
                {
                    final ServerSocket s = new ServerSocket();
                    s.setReuseAddress(true);
                    s.bind(new InetSocketAddress("198.18.1.2", PORT), 4096);
                    return s;
                });
                final Thread acceptor = Thread.ofPlatform().daemon().name("kernel-server").start(() ->
                {
                    while (!stop.get())
                    {
                        try (Socket accepted = server.accept())
                        {
                            // close right after the handshake, like synpipe's close mode
                            accepted.getInputStream().available();
                        }
                        catch (final IOException ex)
                        {
                            if (stop.get())
                            {
                                return;
                            }
                        }
                    }
                });
                try
                {
                    return clients("kernel -> kernel (veth)", clientNs, new InetSocketAddress("198.18.1.2", PORT));
                }
                finally
                {
                    stop.set(true);
                    server.close();
                    acceptor.join(5_000);
                }
            }
            finally
            {
                Netns.delete(serverNs);
            }
        }
        finally
        {
            Netns.delete(clientNs);
        }
    }

    /** {@code concurrency} kernel client threads in {@code ns}: connect, record, close with RST; warm-up, then measure. */
    private Scenario clients(final String name, final String ns, final InetSocketAddress target) throws Exception
    {
        final long startNs = System.nanoTime();
        final long measureFromNs = startNs + (long)(warmupS * 1e9);
        final long endNs = measureFromNs + (long)(durationS * 1e9);
        final Histogram[] latencies = new Histogram[concurrency];
        final long[] counts = new long[concurrency];
        final long[] errors = new long[concurrency];
        final Thread[] threads = new Thread[concurrency];
        final Exception[] failure = new Exception[1];
        for (int t = 0; t < concurrency; t++)
        {
            final int index = t;
            latencies[t] = new Histogram(60_000_000_000L, 3);
            threads[t] = Thread.ofPlatform().name("client-" + t).start(() ->
            {
                try
                {
                    Netns.call(ns, () ->
                    {
                        while (true)
                        {
                            final long t0 = System.nanoTime();
                            if (t0 - endNs >= 0)
                            {
                                return null;
                            }
                            try (Socket socket = new Socket())
                            {
                                socket.setSoLinger(true, 0);
                                socket.connect(target, CONNECT_TIMEOUT_MS);
                                final long t1 = System.nanoTime();
                                if (t0 - measureFromNs >= 0)
                                {
                                    latencies[index].recordValue(t1 - t0);
                                    counts[index]++;
                                }
                            }
                            catch (final IOException ex)
                            {
                                if (t0 - measureFromNs >= 0)
                                {
                                    errors[index]++;
                                }
                            }
                        }
                    });
                }
                catch (final Exception ex)
                {
                    failure[0] = ex;
                }
            });
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        if (failure[0] != null)
        {
            throw failure[0];
        }
        final Histogram all = new Histogram(60_000_000_000L, 3);
        long total = 0;
        long totalErrors = 0;
        for (int t = 0; t < concurrency; t++)
        {
            all.add(latencies[t]);
            total += counts[t];
            totalErrors += errors[t];
        }
        return new Scenario(name, total, totalErrors, durationS, all);
    }
}
