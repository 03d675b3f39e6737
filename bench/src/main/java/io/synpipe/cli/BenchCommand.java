package io.synpipe.cli;

import io.synpipe.bench.InMemoryHandshakeRun;
import io.synpipe.bench.InMemoryHandshakeRun.CloseMode;
import io.synpipe.bench.InMemoryHandshakeRun.Result;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code synpipe bench}: the in-memory handshake benchmark (no root, no TUN). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "In-memory handshake benchmark: a client engine and a server engine on one thread, joined by an",
        "in-memory wire, complete TCP handshakes (full IP/TCP encode, decode and checksums) as fast as they can.",
        "Prints handshakes/s and p50/p99/p99.9 handshake latency."})
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

    @Option(names = "--ipv6", description = "use IPv6 (2001:2::/48) instead of IPv4 (198.18.0.0/15)")
    private boolean ipv6;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    private boolean json;

    @Override
    public Integer call()
    {
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
        final InMemoryHandshakeRun run = new InMemoryHandshakeRun(concurrency, mode, ipv6, mslMs);
        final Result result = run.run(warmup, connections);
        final PrintStream out = System.out;
        if (json)
        {
            out.println(json(result, mode));
        }
        else
        {
            table(out, result, mode);
        }
        return result.failures() == 0 ? 0 : 1;
    }

    private void table(final PrintStream out, final Result r, final CloseMode mode)
    {
        out.printf(Locale.ROOT, "synpipe bench: in-memory handshakes, client and server engines on one thread%n");
        out.printf(Locale.ROOT, "  %s, close=%s, concurrency=%d, warmup=%,d, JDK %s, %d cores%n",
            ipv6 ? "IPv6" : "IPv4", mode.name().toLowerCase(Locale.ROOT), concurrency, warmup,
            Runtime.version(), Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "handshakes   %,d in %.3f s (%,d packets)%n", r.handshakes(), r.elapsedNs() / 1e9, r.packets());
        out.printf(Locale.ROOT, "rate         %,.0f handshakes/s%n", r.handshakesPerSecond());
        latency(out, "client latency (SYN sent -> SYN-ACK received)", r.clientLatencyNs());
        latency(out, "server latency (SYN received -> ACK received)", r.serverLatencyNs());
        out.printf(Locale.ROOT, "failures     %d%n", r.failures());
    }

    private static void latency(final PrintStream out, final String title, final Histogram h)
    {
        out.printf(Locale.ROOT, "%s, µs:%n", title);
        out.printf(Locale.ROOT, "  p50 %.2f   p90 %.2f   p99 %.2f   p99.9 %.2f   max %.2f%n",
            h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
            h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }

    private String json(final Result r, final CloseMode mode)
    {
        final Histogram c = r.clientLatencyNs();
        final Histogram s = r.serverLatencyNs();
        return String.format(Locale.ROOT,
            "{\"ip\":\"%s\",\"close\":\"%s\",\"concurrency\":%d,\"handshakes\":%d,\"elapsed_s\":%.6f,"
                + "\"handshakes_per_s\":%.1f,\"failures\":%d,"
                + "\"client_latency_us\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p99_9\":%.3f,\"max\":%.3f},"
                + "\"server_latency_us\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p99_9\":%.3f,\"max\":%.3f}}",
            ipv6 ? "v6" : "v4", mode.name().toLowerCase(Locale.ROOT), concurrency, r.handshakes(), r.elapsedNs() / 1e9,
            r.handshakesPerSecond(), r.failures(),
            c.getValueAtPercentile(50) / 1e3, c.getValueAtPercentile(90) / 1e3, c.getValueAtPercentile(99) / 1e3,
            c.getValueAtPercentile(99.9) / 1e3, c.getMaxValue() / 1e3,
            s.getValueAtPercentile(50) / 1e3, s.getValueAtPercentile(90) / 1e3, s.getValueAtPercentile(99) / 1e3,
            s.getValueAtPercentile(99.9) / 1e3, s.getMaxValue() / 1e3);
    }
}
