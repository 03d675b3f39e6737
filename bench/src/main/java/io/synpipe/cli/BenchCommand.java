package io.synpipe.cli;

import io.synpipe.bench.InMemoryHandshakeRun;
import io.synpipe.bench.InMemoryHandshakeRun.CloseMode;
import io.synpipe.bench.InMemoryHandshakeRun.Result;
import io.synpipe.bench.TunHandshakeRun;
import io.synpipe.bench.TunHandshakeRun.Scenario;
import io.synpipe.jfr.HandshakeCompletedEvent;
import io.synpipe.jfr.JfrRecording;
import io.synpipe.report.HlogWriter;
import io.synpipe.report.HtmlReport;
import io.synpipe.report.IntervalCounts;
import io.synpipe.report.LatencyScenario;
import io.synpipe.report.PercentileTable;
import io.synpipe.tun.Cidr;
import io.synpipe.tun.load.LoadSettings;
import io.synpipe.tun.serve.ServeMode;
import io.synpipe.tun.load.OpenLoopSchedule;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code synpipe bench}: the in-memory handshake benchmark (no root, no TUN). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "In-memory handshake benchmark: a client engine and a server engine on one thread, joined by an",
        "in-memory wire, complete TCP handshakes (full IP/TCP encode, decode and checksums) as fast as they can.",
        "Prints handshakes/s and p50/p99/p99.9 handshake latency; --hlog and --report keep the latencies."})
public final class BenchCommand implements Callable<Integer>
{
    @Option(names = "--connections", defaultValue = "1000000", description = "handshakes to measure (default ${DEFAULT-VALUE})")
    private long connections;

    @Option(names = "--warmup", defaultValue = "300000", description = "handshakes before measuring (default ${DEFAULT-VALUE})")
    private long warmup;

    @Option(names = "--concurrency", defaultValue = "4", description = "handshakes in flight (default ${DEFAULT-VALUE})")
    private int concurrency;

    @Option(names = "--close", defaultValue = "rst", description = "how each connection ends: rst or fin (default ${DEFAULT-VALUE})")
    private String close;

    @Option(names = "--msl-ms", defaultValue = "1000", description = "MSL for TIME-WAIT with --close fin (default ${DEFAULT-VALUE})")
    private long mslMs;

    @Option(names = "--ipv6", description = "use IPv6 (2001:2::/48) instead of IPv4 (198.18.0.0/15); with --tun all "
        + "three scenarios")
    private boolean ipv6;

    @Option(names = "--request-bytes", defaultValue = "0", paramLabel = "N", description = {
        "in-memory run: each connection carries one exchange before it closes — the client sends N bytes, the",
        "server answers with N — and time to first byte is recorded (default 0: close after the handshake)"})
    private int requestBytes;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    private boolean json;

    @Option(names = "--hlog", paramLabel = "FILE",
        description = "write the client and server latencies, one interval histogram per second (tags client, "
            + "server; values in ns), to FILE as an HdrHistogram interval log")
    private Path hlog;

    @Option(names = "--report", paramLabel = "DIR",
        description = "write DIR/report.html (latency by percentile, throughput over time, percentile table; "
            + "inline SVG, no scripts), creating DIR if needed, and print the percentile table")
    private Path report;

    @Option(names = "--jfr", paramLabel = "FILE",
        description = "record a JDK Flight Recorder file: one io.synpipe.HandshakeCompleted and one "
            + "io.synpipe.ConnectionClosed event per connection and side, with the JDK's default settings; "
            + "open it in JDK Mission Control (4 events per handshake: keep --connections small)")
    private Path jfr;

    @Option(names = "--quiet", description = "print nothing on standard output (errors still go to standard error)")
    private boolean quiet;

    @Option(names = "--tun", description = {
        "instead: handshakes against real Linux sockets, in namespaces this run creates and deletes",
        "(198.18.0.0/15): kernel clients -> synpipe on a TUN device; synpipe as load generator -> a kernel",
        "server over the TUN; kernel clients -> the same kernel server over veth (the baseline); needs root;",
        "--concurrency is the number of kernel client threads and the generator's handshakes in flight;",
        "--close, --msl-ms (synpipe's TIME-WAIT), --json, --hlog and --report apply"})
    private boolean tun;

    @Option(names = "--duration-s", defaultValue = "5", description = "with --tun: seconds measured per scenario (default ${DEFAULT-VALUE})")
    private double durationS;

    @Option(names = "--warmup-s", defaultValue = "1", description = "with --tun: seconds before measuring (default ${DEFAULT-VALUE})")
    private double warmupS;

    @Option(names = "--rate", paramLabel = "R", description = {
        "with --tun: the synpipe load generator runs open loop, starting R connections per second at a constant",
        "schedule (latency with coordinated-omission correction); without it, closed loop with --concurrency in",
        "flight. Kernel clients are always closed loop"})
    private Long rate;

    @Option(names = "--queues", paramLabel = "N", description = {
        "with --tun: TUN queues synpipe uses, each an event loop with its own engine, for the synpipe server and",
        "the generator (default 1); the generator's --concurrency or --rate is shared out among them"})
    private Integer queues;

    @Option(names = "--sources", paramLabel = "CIDR", description = {
        "with --tun: the generator's source addresses, inside 198.18.0.0/15 without the kernel's 198.18.0.1",
        "(default " + LoadSettings.DEFAULT_SOURCES + "); addresses x ports 1024..65535 give the 4-tuples; with",
        "--ipv6 inside 2001:2::/64 without the kernel's 2001:2::1 (default " + LoadSettings.DEFAULT_SOURCES_V6 + ",",
        "of which the first 2^20 addresses are used)"})
    private String sources;

    @Option(names = "--server-mode", paramLabel = "MODE", description = {
        "with --tun: what synpipe's server does with each connection in the first scenario: close (FIN right after",
        "the handshake, as the kernel server's accept(); close() asks; default) or discard (the client ends it)"})
    private String serverMode;

    @Override
    public Integer call() throws Exception
    {
        if (tun)
        {
            return callTun();
        }
        if (rate != null || sources != null || queues != null || serverMode != null)
        {
            throw new IllegalArgumentException((rate != null ? "--rate" : sources != null ? "--sources"
                : queues != null ? "--queues" : "--server-mode") + " applies only with --tun");
        }
        if (connections < 1 || connections > 1_000_000_000L)
        {
            throw new IllegalArgumentException("--connections " + connections + " is out of range: allowed 1..1000000000");
        }
        if (warmup < 0 || warmup > 1_000_000_000L)
        {
            throw new IllegalArgumentException("--warmup " + warmup + " is out of range: allowed 0..1000000000");
        }
        final CloseMode mode = switch (close.toLowerCase(Locale.ROOT))
        {
            case "rst" -> CloseMode.RST;
            case "fin" -> CloseMode.FIN;
            default -> throw new IllegalArgumentException("--close '" + close + "' is not allowed: use rst or fin");
        };
        if (quiet && json)
        {
            throw new IllegalArgumentException("--quiet and --json cannot be used together: choose one");
        }
        if (hlog != null)
        {
            checkHlogPath(hlog);
        }
        if (report != null)
        {
            createReportDirectory(report);
        }
        if (jfr != null)
        {
            jfrRecording(false);
        }
        final String setting = String.format(Locale.ROOT, "%s, close=%s, concurrency=%d, warmup=%d, connections=%d",
            ipv6 ? "IPv6" : "IPv4", mode.name().toLowerCase(Locale.ROOT), concurrency, warmup, connections);
        final HlogWriter hlogWriter = hlog == null ? null : new HlogWriter(hlog);
        final LatencyCapture capture = new LatencyCapture(hlogWriter, "synpipe bench: " + setting
            + "; values in ns; client = SYN sent -> SYN-ACK received, server = SYN received -> ACK received");
        final Console console = System.console();
        if (!quiet && !json && console != null && console.isTerminal())
        {
            // a live line once a second on long runs, on a terminal only
            capture.progress(System.err);
        }
        final Result result;
        final JfrRecording recording = jfr == null ? null : jfrRecording(true);
        try
        {
            final InMemoryHandshakeRun run = new InMemoryHandshakeRun(
                concurrency, mode, ipv6, mslMs, InMemoryHandshakeRun.DEFAULT_INTERVAL_NS, capture, jfr != null)
                .requestBytes(requestBytes);
            result = run.run(warmup, connections);
        }
        finally
        {
            if (recording != null)
            {
                recording.stop();
            }
            capture.endProgress();
            if (hlogWriter != null)
            {
                hlogWriter.close();
            }
        }
        final List<LatencyScenario> scenarios = List.of(
            new LatencyScenario(LatencyCapture.CLIENT, result.clientLatencyNs(), result.elapsedNs(), result.failures(),
                capture.clientCounts()),
            new LatencyScenario(LatencyCapture.SERVER, result.serverLatencyNs(), result.elapsedNs(),
                result.serverFailures(), capture.serverCounts()));
        Path reportFile = null;
        if (report != null)
        {
            reportFile = writeReport(report, setting, scenarios);
        }
        final PrintStream out = System.out;
        if (quiet)
        {
            out.flush();
        }
        else if (json)
        {
            out.println(json(result, mode));
        }
        else
        {
            table(out, result, mode, scenarios);
            if (hlogWriter != null)
            {
                out.printf(Locale.ROOT, "hlog         %s (%d interval histograms)%n", hlog, hlogWriter.intervals());
            }
            if (recording != null)
            {
                out.printf(Locale.ROOT, "jfr          %s (open in JDK Mission Control, or: jfr print --events %s %s)%n",
                    jfr, HandshakeCompletedEvent.NAME, jfr);
            }
            if (reportFile != null)
            {
                out.printf(Locale.ROOT, "report       %s%n", reportFile);
            }
        }
        return result.failures() == 0 ? 0 : 1;
    }

    /** The hlog file's directory must exist and the file must not be a directory: checked before the run. */
    private static void checkHlogPath(final Path file)
    {
        if (Files.isDirectory(file))
        {
            throw new IllegalArgumentException("--hlog " + file + " is a directory, not a file");
        }
        final Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent))
        {
            throw new IllegalArgumentException("--hlog " + file + ": directory " + parent + " does not exist");
        }
    }

    /** Starts the --jfr recording, or only checks its path ({@code start} false: before anything runs). */
    private JfrRecording jfrRecording(final boolean start)
    {
        try
        {
            if (!start)
            {
                JfrRecording.checkPath(jfr);
                return null;
            }
            return JfrRecording.start(jfr);
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException("--jfr " + e.getMessage(), e);
        }
    }

    /** Creates the report directory before the run, so a bad one fails at once and not after the measurement. */
    private static void createReportDirectory(final Path dir)
    {
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            throw new IllegalArgumentException("--report " + dir + " is a file, not a directory");
        }
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException("--report " + dir + ": cannot create the directory (" + e + ")", e);
        }
    }

    private Path writeReport(final Path dir, final String setting, final List<LatencyScenario> scenarios)
    {
        final List<String> notes = List.of(
            "in-memory handshakes: client and server engines on one thread, joined by an in-memory wire; "
                + "every packet encoded and decoded with IP and TCP checksums",
            setting,
            "client latency: SYN sent -> SYN-ACK received; server latency: SYN received -> final ACK received",
            "JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores, finished "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try
        {
            return HtmlReport.write(dir, "synpipe bench: in-memory handshakes", notes, scenarios);
        }
        catch (final UncheckedIOException e)
        {
            throw new IllegalStateException("--report " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ServeMode parseServerMode(final String text)
    {
        if (text == null)
        {
            return ServeMode.CLOSE;
        }
        return switch (text.toLowerCase(Locale.ROOT))
        {
            case "close" -> ServeMode.CLOSE;
            case "discard" -> ServeMode.DISCARD;
            default -> throw new IllegalArgumentException("--server-mode '" + text + "' is not allowed: use close or discard");
        };
    }

    /** {@code --ipv6} decides the IP version of a {@code --tun} run; {@code --sources} must be of that version. */
    private void checkSourcesVersion(final String text)
    {
        final Cidr parsed;
        try
        {
            parsed = Cidr.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            return; // parseSources names what is wrong with it
        }
        if (parsed.isV4() == ipv6)
        {
            throw new IllegalArgumentException(ipv6
                ? "--sources " + text + " is IPv4 but --ipv6 is set: give an IPv6 CIDR, e.g. "
                    + LoadSettings.DEFAULT_SOURCES_V6
                : "--sources " + text + " is IPv6: add --ipv6 (or give an IPv4 CIDR, e.g. "
                    + LoadSettings.DEFAULT_SOURCES + ")");
        }
    }

    /** {@code --tun}: arguments checked before anything is set up, then the three scenarios. */
    private Integer callTun() throws Exception
    {
        final LoadSettings.Close mode = LoadSettings.Close.parse(close);
        if (sources != null)
        {
            checkSourcesVersion(sources);
        }
        final String sourcesText = sources != null ? sources
            : ipv6 ? LoadSettings.DEFAULT_SOURCES_V6 : LoadSettings.DEFAULT_SOURCES;
        final Cidr sourceNetwork = TunHandshakeRun.checkSources(
            LoadSettings.parseSources(sourcesText, TunHandshakeRun.tunNetwork(ipv6)));
        if (rate != null && (rate < 1 || rate > OpenLoopSchedule.MAX_RATE_PER_S))
        {
            throw new IllegalArgumentException("--rate " + rate + " is out of range: allowed 1.."
                + OpenLoopSchedule.MAX_RATE_PER_S + " (leave it out for a closed loop)");
        }
        final TunHandshakeRun.Options options = new TunHandshakeRun.Options(concurrency, rate == null ? 0 : rate, mode,
            sourceNetwork, warmupS, durationS, mslMs, queues == null ? 1 : queues, parseServerMode(serverMode));
        if (quiet && json)
        {
            throw new IllegalArgumentException("--quiet and --json cannot be used together: choose one");
        }
        if (hlog != null)
        {
            checkHlogPath(hlog);
        }
        if (report != null)
        {
            createReportDirectory(report);
        }
        final TunBenchOutput output = new TunBenchOutput(options);
        final HlogWriter hlogWriter = hlog == null ? null : new HlogWriter(hlog);
        final List<Scenario> scenarios;
        try
        {
            if (hlogWriter != null)
            {
                hlogWriter.start(System.currentTimeMillis(), "synpipe bench --tun: " + output.setting()
                    + "; values in ns; one tag per scenario: kernel-synpipe, synpipe-kernel, kernel-kernel");
            }
            final Console console = System.console();
            final TunProgress progress = !quiet && !json && console != null && console.isTerminal()
                ? new TunProgress(System.err) : null;
            final TunHandshakeRun.IntervalSink sink = hlogWriter == null && progress == null ? null : (tag, interval) ->
            {
                if (hlogWriter != null)
                {
                    hlogWriter.write(tag, interval);
                }
                if (progress != null)
                {
                    progress.onInterval(tag, interval);
                }
            };
            try
            {
                scenarios = new TunHandshakeRun(options, sink).run();
            }
            finally
            {
                if (progress != null)
                {
                    progress.end();
                }
            }
        }
        finally
        {
            if (hlogWriter != null)
            {
                hlogWriter.close();
            }
        }
        final List<LatencyScenario> latencies = scenarios.stream().map(Scenario::latencyScenario).toList();
        Path reportFile = null;
        if (report != null)
        {
            try
            {
                reportFile = HtmlReport.write(report, "synpipe bench --tun: handshakes against Linux sockets",
                    output.notes(), latencies);
            }
            catch (final UncheckedIOException e)
            {
                throw new IllegalStateException("--report " + report + ": " + e.getMessage(), e);
            }
        }
        final PrintStream out = System.out;
        if (json)
        {
            out.println(output.json(scenarios));
        }
        else if (!quiet)
        {
            output.table(out, scenarios);
            if (hlogWriter != null)
            {
                out.printf(Locale.ROOT, "hlog         %s (%d interval histograms)%n", hlog, hlogWriter.intervals());
            }
            if (reportFile != null)
            {
                out.printf(Locale.ROOT, "report       %s%n", reportFile);
                out.print(new PercentileTable(latencies).render());
            }
        }
        return scenarios.stream().mapToLong(Scenario::errors).sum() == 0 ? 0 : 1;
    }

    private void table(final PrintStream out, final Result r, final CloseMode mode, final List<LatencyScenario> handshakes)
    {
        out.printf(Locale.ROOT, "synpipe bench: in-memory handshakes, client and server engines on one thread%n");
        out.printf(Locale.ROOT, "  %s, close=%s, concurrency=%d, warmup=%,d, JDK %s, %d cores%n",
            ipv6 ? "IPv6" : "IPv4", mode.name().toLowerCase(Locale.ROOT), concurrency, warmup,
            Runtime.version(), Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "handshakes   %,d in %.3f s (%,d packets)%n", r.handshakes(), r.elapsedNs() / 1e9, r.packets());
        out.printf(Locale.ROOT, "rate         %,.0f handshakes/s%n", r.handshakesPerSecond());
        // one column per latency: the handshake on each side, the client's time to first byte, the lifetime
        final List<LatencyScenario> columns = new java.util.ArrayList<>(handshakes);
        if (requestBytes > 0)
        {
            columns.add(new LatencyScenario("first byte", r.firstByteNs(), r.elapsedNs(), r.failures(), new IntervalCounts()));
        }
        columns.add(new LatencyScenario("lifetime", r.lifetimeNs(), r.elapsedNs(), r.failures(), new IntervalCounts()));
        out.print(new PercentileTable(columns).render());
        out.printf(Locale.ROOT, "  client = SYN sent -> SYN-ACK received; server = SYN received -> ACK received;%s"
            + " lifetime = SYN sent -> closed (client)%n",
            requestBytes > 0 ? " first byte = SYN sent -> first byte of the " + requestBytes + "-byte response;" : "");
        out.printf(Locale.ROOT, "failures     %d%n", r.failures());
    }

    private String json(final Result r, final CloseMode mode)
    {
        final Histogram c = r.clientLatencyNs();
        final Histogram s = r.serverLatencyNs();
        final String more = (requestBytes > 0 ? ",\"request_bytes\":" + requestBytes + ",\"time_to_first_byte_us\":"
            + percentilesJson(r.firstByteNs()) : "") + ",\"lifetime_us\":" + percentilesJson(r.lifetimeNs());
        return String.format(Locale.ROOT,
            "{\"ip\":\"%s\",\"close\":\"%s\",\"concurrency\":%d,\"handshakes\":%d,\"elapsed_s\":%.6f,"
                + "\"handshakes_per_s\":%.1f,\"failures\":%d,"
                + "\"client_latency_us\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p99_9\":%.3f,\"max\":%.3f},"
                + "\"server_latency_us\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p99_9\":%.3f,\"max\":%.3f}%s}",
            ipv6 ? "v6" : "v4", mode.name().toLowerCase(Locale.ROOT), concurrency, r.handshakes(), r.elapsedNs() / 1e9,
            r.handshakesPerSecond(), r.failures(),
            c.getValueAtPercentile(50) / 1e3, c.getValueAtPercentile(90) / 1e3, c.getValueAtPercentile(99) / 1e3,
            c.getValueAtPercentile(99.9) / 1e3, c.getMaxValue() / 1e3,
            s.getValueAtPercentile(50) / 1e3, s.getValueAtPercentile(90) / 1e3, s.getValueAtPercentile(99) / 1e3,
            s.getValueAtPercentile(99.9) / 1e3, s.getMaxValue() / 1e3, more);
    }

    private static String percentilesJson(final Histogram h)
    {
        return String.format(Locale.ROOT, "{\"count\":%d,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p99_9\":%.3f,\"max\":%.3f}",
            h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
            h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }
}
