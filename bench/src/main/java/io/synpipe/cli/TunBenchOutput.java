package io.synpipe.cli;

import io.synpipe.bench.TunHandshakeRun;
import io.synpipe.bench.TunHandshakeRun.Scenario;
import io.synpipe.tun.load.LoadError;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** What {@code synpipe bench --tun} prints: the table, the JSON object, the report's notes. */
final class TunBenchOutput
{
    private final TunHandshakeRun.Options options;

    TunBenchOutput(final TunHandshakeRun.Options options)
    {
        this.options = options;
    }

    /** One line: the settings of the run. */
    String setting()
    {
        return String.format(Locale.ROOT, "close=%s, synpipe server mode %s, concurrency=%d, %s, %d synpipe queue(s), "
                + "sources %s, MSL %d ms, warm-up %.1f s, %.1f s measured per scenario",
            options.close().name().toLowerCase(Locale.ROOT), options.serverMode().name().toLowerCase(Locale.ROOT),
            options.concurrency(),
            options.ratePerS() > 0 ? "generator open loop at " + options.ratePerS() + "/s" : "generator closed loop",
            options.queues(), options.sources(), options.mslMs(), options.warmupS(), options.durationS());
    }

    List<String> notes()
    {
        return List.of(
            "1: kernel client threads -> synpipe (" + options.serverMode().name().toLowerCase(Locale.ROOT)
                + " mode) on a TUN device; 2: synpipe as load generator (one TUN "
                + "queue, one event loop) -> a kernel listening socket; 3: kernel client threads -> the same kernel "
                + "socket over veth (the baseline)",
            setting(),
            "latency: kernel clients, the time connect() took; generator, SYN sent -> SYN-ACK received",
            "JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores, finished "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    void table(final PrintStream out, final List<Scenario> scenarios)
    {
        out.printf(Locale.ROOT, "synpipe bench --tun: %s%n", setting());
        for (final Scenario sc : scenarios)
        {
            final Histogram h = sc.latencyNs();
            out.printf(Locale.ROOT,
                "%-26s %,10.0f handshakes/s  latency µs p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  errors %d%s%n",
                sc.name(), sc.handshakesPerSecond(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, sc.errors(), errorKinds(sc));
            out.printf(Locale.ROOT, "    %s%n", sc.cpu().line(sc.handshakesPerSecond()));
        }
        out.printf(Locale.ROOT, "synpipe server / kernel baseline: %.2fx%n", ratio(scenarios, TunHandshakeRun.KERNEL_TO_SYNPIPE));
        out.printf(Locale.ROOT, "synpipe generator / kernel clients, same kernel server: %.2fx%n",
            ratio(scenarios, TunHandshakeRun.SYNPIPE_TO_KERNEL));
    }

    String json(final List<Scenario> scenarios)
    {
        final StringBuilder sb = new StringBuilder(1024).append(String.format(Locale.ROOT,
            "{\"close\":\"%s\",\"server_mode\":\"%s\",\"concurrency\":%d,\"rate\":%d,\"sources\":\"%s\","
                + "\"msl_ms\":%d,\"warmup_s\":%.3f,\"duration_s\":%.3f,\"scenarios\":[",
            options.close().name().toLowerCase(Locale.ROOT), options.serverMode().name().toLowerCase(Locale.ROOT),
            options.concurrency(), options.ratePerS(), options.sources(),
            options.mslMs(), options.warmupS(), options.durationS()));
        for (int i = 0; i < scenarios.size(); i++)
        {
            final Scenario sc = scenarios.get(i);
            final Histogram h = sc.latencyNs();
            sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                "{\"name\":\"%s\",\"tag\":\"%s\",\"handshakes\":%d,\"errors\":%d,\"errors_by_kind\":{",
                sc.name(), sc.tag(), sc.handshakes(), sc.errors()));
            for (final LoadError kind : LoadError.values())
            {
                sb.append(kind.ordinal() == 0 ? "" : ",").append('"').append(kind.label()).append("\":")
                    .append(sc.errorsByKind()[kind.ordinal()]);
            }
            sb.append(String.format(Locale.ROOT,
                "},\"handshakes_per_s\":%.1f,\"latency_count\":%d,\"p50_us\":%.3f,\"p90_us\":%.3f,"
                    + "\"p99_us\":%.3f,\"p99_9_us\":%.3f,\"max_us\":%.3f,\"cpu\":%s}",
                sc.handshakesPerSecond(), h.getTotalCount(), h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                h.getMaxValue() / 1e3, sc.cpu().json(sc.handshakesPerSecond())));
        }
        return sb.append(String.format(Locale.ROOT, "],\"ratio\":%.3f,\"ratio_generator\":%.3f}",
            ratio(scenarios, TunHandshakeRun.KERNEL_TO_SYNPIPE), ratio(scenarios, TunHandshakeRun.SYNPIPE_TO_KERNEL)))
            .toString();
    }

    /** The scenario's handshakes/s over the kernel baseline's (kernel clients -> kernel server over veth). */
    static double ratio(final List<Scenario> scenarios, final String name)
    {
        final double base = find(scenarios, TunHandshakeRun.KERNEL_TO_KERNEL).handshakesPerSecond();
        return find(scenarios, name).handshakesPerSecond() / Math.max(1e-9, base);
    }

    private static Scenario find(final List<Scenario> scenarios, final String name)
    {
        return scenarios.stream().filter(s -> s.name().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalStateException("no scenario " + name));
    }

    private static String errorKinds(final Scenario sc)
    {
        final StringBuilder sb = new StringBuilder();
        for (final LoadError kind : LoadError.values())
        {
            final long n = sc.errorsByKind()[kind.ordinal()];
            if (n > 0)
            {
                sb.append(sb.isEmpty() ? " (" : ", ").append(kind.label()).append(' ').append(n);
            }
        }
        return sb.isEmpty() ? "" : sb.append(')').toString();
    }
}
