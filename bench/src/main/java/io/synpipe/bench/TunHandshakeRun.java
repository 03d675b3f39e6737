package io.synpipe.bench;

import io.synpipe.report.IntervalCounts;
import io.synpipe.report.LatencyScenario;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tun.Cidr;
import io.synpipe.tun.Netns;
import io.synpipe.tun.load.KernelServer;
import io.synpipe.tun.load.LoadError;
import io.synpipe.tun.load.LoadSettings;
import io.synpipe.tun.load.LoadStats;
import io.synpipe.tun.load.TunLoad;
import io.synpipe.tun.serve.ServeMode;
import io.synpipe.tun.serve.ServeSettings;
import io.synpipe.tun.serve.TunServer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Handshakes against real Linux sockets, in network namespaces this run creates and deletes (198.18.0.0/15 only),
 * three scenarios in one run, each with a warm-up and then {@code durationS} measured:
 * <ol>
 *     <li>{@value #KERNEL_TO_SYNPIPE}: {@code concurrency} kernel client threads → synpipe serving {@code close}
 *     (or {@code discard}, {@link Options#serverMode}) mode on a TUN device;</li>
 *     <li>{@value #SYNPIPE_TO_KERNEL}: synpipe as the load generator ({@link TunLoad}: one TUN queue, one event
 *     loop) → a kernel listening socket at the TUN's kernel address, closed loop ({@code concurrency} handshakes
 *     in flight) or open loop ({@code ratePerS});</li>
 *     <li>{@value #KERNEL_TO_KERNEL}: the baseline, {@code concurrency} kernel client threads in another namespace →
 *     the same kernel listening socket over a veth pair.</li>
 * </ol>
 * Fairness: scenarios 2 and 3 hit literally the same kernel server (one {@link KernelServer} bound to the wildcard
 * address in the server namespace, same accept threads, same backlog limits); only the path (TUN vs veth) and the
 * client (one synpipe event loop vs {@code concurrency} blocking kernel threads) differ. Scenario 3 is also the
 * kernel-to-kernel baseline for scenario 1. Kernel clients are always closed loop ({@code --rate} drives the
 * generator only). Latency: for kernel clients the time {@code connect()} took; for the generator SYN sent to SYN-ACK
 * received. Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN).
 */
public final class TunHandshakeRun
{
    public static final String KERNEL_TO_SYNPIPE = "kernel -> synpipe (TUN)";
    public static final String SYNPIPE_TO_KERNEL = "synpipe -> kernel (TUN)";
    public static final String KERNEL_TO_KERNEL = "kernel -> kernel (veth)";
    /** Most kernel client threads. */
    public static final int MAX_THREADS = 256;
    /** Most TUN queues (event loops) synpipe uses in a --tun run. */
    public static final int MAX_QUEUES = 16;

    /**
     * How to run. {@code ratePerS} 0: the generator runs closed loop with {@code concurrency} in flight.
     * {@code serverMode}: what synpipe's server does with each connection in scenario 1, {@link ServeMode#CLOSE}
     * (FIN right after the handshake, as the kernel server's {@code accept(); close()} asks) or
     * {@link ServeMode#DISCARD} (the client ends it; synpipe closes when the client's FIN comes).
     */
    public record Options(
        int concurrency, long ratePerS, LoadSettings.Close close, Cidr sources, double warmupS, double durationS,
        long mslMs, int queues, ServeMode serverMode)
    {
        public Options
        {
            if (serverMode != ServeMode.CLOSE && serverMode != ServeMode.DISCARD)
            {
                throw new IllegalArgumentException("--server-mode " + serverMode.name().toLowerCase(java.util.Locale.ROOT)
                    + " is not allowed: use close or discard");
            }
            if (queues < 1 || queues > MAX_QUEUES)
            {
                throw new IllegalArgumentException("--queues " + queues + " is out of range for --tun: allowed 1.."
                    + MAX_QUEUES);
            }
            if (concurrency < 1 || concurrency > MAX_THREADS)
            {
                throw new IllegalArgumentException("--concurrency " + concurrency + " is out of range for --tun: allowed 1.."
                    + MAX_THREADS);
            }
            if (!(durationS > 0 && durationS <= 600) || !(warmupS >= 0 && warmupS <= 600))
            {
                throw new IllegalArgumentException("--duration-s " + durationS + " / --warmup-s " + warmupS
                    + " out of range: duration 0 < d <= 600, warm-up 0 <= w <= 600");
            }
            if (ratePerS < 0 || ratePerS > io.synpipe.tun.load.OpenLoopSchedule.MAX_RATE_PER_S)
            {
                throw new IllegalArgumentException("--rate " + ratePerS + " is out of range: allowed 1.."
                    + io.synpipe.tun.load.OpenLoopSchedule.MAX_RATE_PER_S + " (or none: closed loop)");
            }
            if (mslMs < 1 || mslMs > 60_000)
            {
                throw new IllegalArgumentException("--msl-ms " + mslMs + " is out of range for --tun: allowed 1..60000");
            }
        }
    }

    /**
     * One scenario's figures.
     *
     * @param tag          a short name without spaces (the hlog tag).
     * @param handshakes   handshakes begun in the measured window and completed.
     * @param errorsByKind errors in the window, indexed by {@link LoadError#ordinal()}.
     * @param latencyNs    the latencies (for an open loop with coordinated-omission correction: more values than
     *                     handshakes).
     * @param cpu          where the CPU went in (most of) the measured window.
     */
    public record Scenario(
        String name, String tag, long handshakes, long[] errorsByKind, double seconds, Histogram latencyNs,
        IntervalCounts intervals, CpuUse cpu)
    {
        public double handshakesPerSecond()
        {
            return handshakes / seconds;
        }

        public long errors()
        {
            long sum = 0;
            for (final long n : errorsByKind)
            {
                sum += n;
            }
            return sum;
        }

        public LatencyScenario latencyScenario()
        {
            return new LatencyScenario(name, latencyNs, (long)(seconds * 1e9), errors(), intervals);
        }
    }

    /** The TUN network: the kernel's address on the device in scenarios 1 and 2. */
    public static final Cidr TUN_NETWORK = Cidr.parse("198.18.0.1/15");
    /** The TUN network of an IPv6 run (sources from {@link LoadSettings#DEFAULT_SOURCES_V6} or inside it). */
    public static final Cidr TUN_NETWORK_V6 = Cidr.parse("2001:2::1/64");

    /** Where everything sits, per IP version: the TUN network, synpipe's listening address, the veth ends. */
    private record Topology(Cidr tunNetwork, String synpipeAddress, String synpipeListen, Cidr vethClient,
        Cidr vethServer, String wildcard)
    {
        static final Topology V4 = new Topology(TUN_NETWORK, "198.18.0.2", "198.18.0.2", Cidr.parse("198.18.1.1/24"),
            Cidr.parse("198.18.1.2/24"), "0.0.0.0");
        static final Topology V6 = new Topology(TUN_NETWORK_V6, "2001:2::2", "[2001:2::2]",
            Cidr.parse("2001:2:0:1::1/64"), Cidr.parse("2001:2:0:1::2/64"), "::");

        static Topology of(final Cidr sources)
        {
            return sources.isV4() ? V4 : V6;
        }
    }

    /** The TUN network for sources of this IP version. */
    public static Cidr tunNetwork(final boolean ipv6)
    {
        return ipv6 ? TUN_NETWORK_V6 : TUN_NETWORK;
    }
    private static final int PORT = 80;
    /** Locally administered link addresses of the veth ends. */
    private static final String VETH_CLIENT_MAC = "02:53:50:00:00:01";
    private static final String VETH_SERVER_MAC = "02:53:50:00:00:02";
    private static final int ACCEPT_THREADS = 2;
    private static final int GENERATOR_TABLE = 1 << 17;
    /**
     * Open loop: most handshakes in flight; a start beyond counts as {@code behind}. Bounds the overload when the rate
     * is above what the kernel server (or the machine) takes: without it, SYNs retransmitted after 1 s and the
     * kernel's retransmitted SYN-ACKs pile up on the late ones and the run collapses.
     */
    private static final int OPEN_LOOP_MAX_IN_FLIGHT = 4_096;
    private static final long FINISH_TIMEOUT_MS = 30_000;

    private final Options options;
    private final IntervalSampler.Sink sink;

    public TunHandshakeRun(final int concurrency, final double warmupS, final double durationS)
    {
        this(new Options(concurrency, 0, LoadSettings.Close.RST, Cidr.parse(LoadSettings.DEFAULT_SOURCES), warmupS,
            durationS, 100, 1, ServeMode.CLOSE), IntervalSampler.Sink.NONE);
    }

    /** @param sink sees every interval histogram of every scenario (tagged), e.g. an hlog writer; may be null. */
    public TunHandshakeRun(final Options options, final IntervalSink sink)
    {
        this(options, sink == null ? IntervalSampler.Sink.NONE : sink::onInterval);
    }

    private TunHandshakeRun(final Options options, final IntervalSampler.Sink sink)
    {
        checkSources(options.sources());
        this.options = options;
        this.sink = sink;
    }

    /** Sees each interval histogram (values in ns, epoch-ms timestamps set) on the run's thread; reused afterwards. */
    @FunctionalInterface
    public interface IntervalSink
    {
        void onInterval(String tag, Histogram interval);
    }

    /** The sources must suit the TUN network and must not overlap the veth subnet (whose answers go over veth). */
    public static Cidr checkSources(final Cidr sources)
    {
        final Topology topology = Topology.of(sources);
        LoadSettings.parseSources(sources.toString(), topology.tunNetwork());
        final Cidr veth = new Cidr(topology.vethServer().network(), topology.vethServer().prefixLength());
        if (sources.contains(veth.network()) || veth.contains(sources.network()))
        {
            throw new IllegalArgumentException("--sources " + sources + " is not allowed: it overlaps " + veth
                + ", the veth subnet of the kernel baseline; e.g. "
                + (sources.isV4() ? LoadSettings.DEFAULT_SOURCES : LoadSettings.DEFAULT_SOURCES_V6));
        }
        return sources;
    }

    public Options options()
    {
        return options;
    }

    public List<Scenario> run() throws Exception
    {
        Netns.checkPrivileges();
        final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        final List<Scenario> results = new ArrayList<>();
        results.add(againstSynpipe("synpipe-b" + tag));
        results.addAll(againstKernelServer("synpipe-c" + tag, "synpipe-s" + tag));
        return results;
    }

    private Scenario againstSynpipe(final String ns) throws Exception
    {
        Netns.add(ns);
        try
        {
            KernelClients.tuneNamespace(ns);
            final Topology topology = Topology.of(options.sources());
            final ServeSettings settings = ServeSettings.parse(ns, "spbench0",
                List.of(topology.tunNetwork().toString()), List.of(topology.synpipeListen() + ":" + PORT),
                options.serverMode().name(), options.mslMs(), 0, options.queues());
            try (TunServer server = TunServer.start(settings))
            {
                return kernelClients(KERNEL_TO_SYNPIPE, "kernel-synpipe", ns,
                    new InetSocketAddress(topology.synpipeAddress(), PORT));
            }
        }
        finally
        {
            Netns.delete(ns);
        }
    }

    /** Scenarios 2 and 3: one kernel server in {@code serverNs}, reached over the TUN and over veth. */
    private List<Scenario> againstKernelServer(final String clientNs, final String serverNs) throws Exception
    {
        Netns.add(clientNs);
        try
        {
            Netns.add(serverNs);
            try
            {
                final Topology topology = Topology.of(options.sources());
                Netns.ip(clientNs, "link", "add", "spveth0", "address", VETH_CLIENT_MAC, "type", "veth", "peer", "name",
                    "spveth1", "address", VETH_SERVER_MAC, "netns", serverNs);
                addAddress(clientNs, topology.vethClient(), "spveth0");
                addAddress(serverNs, topology.vethServer(), "spveth1");
                if (!options.sources().isV4())
                {
                    // neighbour discovery right after the link comes up lost the first SYN (connect took 1 s):
                    // each end knows the other's link address from the start
                    Netns.ip(clientNs, "-6", "neigh", "replace", topology.vethServer().address().getHostAddress(),
                        "lladdr", VETH_SERVER_MAC, "dev", "spveth0", "nud", "permanent");
                    Netns.ip(serverNs, "-6", "neigh", "replace", topology.vethClient().address().getHostAddress(),
                        "lladdr", VETH_CLIENT_MAC, "dev", "spveth1", "nud", "permanent");
                }
                for (final String[] link : new String[][]{{clientNs, "spveth0"}, {serverNs, "spveth1"}, {clientNs, "lo"},
                    {serverNs, "lo"}})
                {
                    Netns.ip(link[0], "link", "set", link[1], "up");
                }
                KernelClients.tuneNamespace(clientNs);
                KernelServer.tuneNamespace(serverNs);
                final LoadSettings settings = options.ratePerS() > 0
                    // the settings are each queue's engine's: the rate and the handshakes in flight are shared out
                    ? LoadSettings.openLoop(options.sources(), topology.tunNetwork().address(), PORT,
                    Math.max(1, options.ratePerS() / options.queues()), options.close(), OPEN_LOOP_MAX_IN_FLIGHT)
                    : LoadSettings.closedLoop(options.sources(), topology.tunNetwork().address(), PORT,
                    Math.max(1, options.concurrency() / options.queues()), options.close());
                final TcpConfig config = new TcpConfig().maxConnections(GENERATOR_TABLE).mslMs(options.mslMs());
                try (TunLoad load = TunLoad.start(serverNs, "spload0", topology.tunNetwork(), options.queues(), config,
                    settings);
                     KernelServer server = KernelServer.start(
                         serverNs, new InetSocketAddress(topology.wildcard(), PORT), ACCEPT_THREADS, false))
                {
                    final Scenario generator = generator(load);
                    final Scenario kernel = kernelClients(KERNEL_TO_KERNEL, "kernel-kernel", clientNs,
                        new InetSocketAddress(topology.vethServer().address(), PORT));
                    return List.of(generator, kernel);
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

    private static void addAddress(final String ns, final Cidr address, final String device) throws java.io.IOException
    {
        if (address.isV4())
        {
            Netns.ip(ns, "addr", "add", address.toString(), "dev", device);
        }
        else
        {
            // nodad: usable at once, no duplicate address detection delay
            Netns.ip(ns, "-6", "addr", "add", address.toString(), "dev", device, "nodad");
        }
    }

    private Scenario generator(final TunLoad load) throws Exception
    {
        final long warmupNs = (long)(options.warmupS() * 1e9);
        final long durationNs = (long)(options.durationS() * 1e9);
        final long startNs = System.nanoTime();
        load.run(warmupNs, durationNs, 0);
        final CpuWindow cpu = CpuWindow.inside(startNs + warmupNs, startNs + warmupNs + durationNs);
        final IntervalSampler sampler = new IntervalSampler(load.generator(0).recorder(),
            load.generator(0).expectedIntervalNs(), "synpipe-kernel", sink)
            .openAt(startNs + warmupNs).sampleUntil(startNs + warmupNs + durationNs);
        if (!load.awaitFinished(FINISH_TIMEOUT_MS))
        {
            load.stopStarting();
        }
        sampler.takeRest();
        final LoadStats stats = load.stats();
        return new Scenario(SYNPIPE_TO_KERNEL, "synpipe-kernel", stats.handshakes(), stats.errorsByKind(),
            options.durationS(), sampler.total(), sampler.counts(), cpu.await());
    }

    private Scenario kernelClients(final String name, final String tag, final String ns, final InetSocketAddress target)
        throws Exception
    {
        final Recorder recorder = new Recorder(IntervalSampler.MAX_LATENCY_NS, 3);
        final long measureFromNs = System.nanoTime() + (long)(options.warmupS() * 1e9);
        final long endNs = measureFromNs + (long)(options.durationS() * 1e9);
        final KernelClients clients = KernelClients.start(ns, target, options.concurrency(), options.close(), recorder,
            measureFromNs, endNs);
        final CpuWindow cpu = CpuWindow.inside(measureFromNs, endNs);
        final IntervalSampler sampler = new IntervalSampler(recorder, tag, sink).openAt(measureFromNs).sampleUntil(endNs);
        clients.join();
        sampler.takeRest();
        return new Scenario(name, tag, clients.handshakes(), clients.errorsByKind(), options.durationS(),
            sampler.total(), sampler.counts(), cpu.await());
    }
}
