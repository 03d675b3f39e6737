package io.synpipe.cli;

import io.synpipe.tun.Cidr;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The quick-start command: a short real run, and one-line errors for bad arguments. */
class BenchCommandTest
{
    @TempDir
    Path dir;

    private static CliRun run(final String... args)
    {
        return CliRun.run(args);
    }

    @Test
    void bench_smallRun_reportsEveryHandshakeAndLatencyPercentiles()
    {
        final CliRun r = run("bench", "--connections", "2000", "--warmup", "100", "--concurrency", "16", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"handshakes\":2000").contains("\"failures\":0").contains("\"p99_9\":");
    }

    @Test
    void bench_finClose_completesWithTimeWait()
    {
        final CliRun r = run("bench", "--connections", "500", "--warmup", "0", "--close", "fin", "--msl-ms", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("handshakes   500").contains("failures     0");
    }

    @Test
    void bench_ipv6_runs()
    {
        final CliRun r = run("bench", "--connections", "500", "--warmup", "0", "--ipv6", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"ip\":\"v6\"");
    }

    @Test
    void bench_requestBytes_recordsTimeToFirstByteAndLifetimeForEveryConnection()
    {
        final CliRun r = run("bench", "--connections", "1000", "--warmup", "0", "--request-bytes", "300", "--close", "fin",
            "--msl-ms", "1", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"handshakes\":1000").contains("\"failures\":0")
            .contains("\"request_bytes\":300,\"time_to_first_byte_us\":{\"count\":1000,")
            .contains("\"lifetime_us\":{\"count\":1000,");
    }

    @Test
    void bench_defaultRun_recordsLifetimeButNoFirstByte()
    {
        final CliRun r = run("bench", "--connections", "500", "--warmup", "0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("lifetime = SYN sent -> closed").contains("p99.99 (µs)").doesNotContain("first byte");
    }

    @Test
    void bench_requestBytesOutOfRange_oneLineError()
    {
        final CliRun r = run("bench", "--request-bytes", "70000");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --request-bytes 70000 is out of range: allowed 0..65535 (0: no request)");
    }

    @Test
    void bench_queuesWithoutTunOrOutOfRange_oneLineError()
    {
        final CliRun without = run("bench", "--queues", "2");
        assertThat(without.exitCode()).isEqualTo(2);
        assertThat(without.err().strip()).isEqualTo("synpipe: --queues applies only with --tun");
        final CliRun tooMany = run("bench", "--tun", "--queues", "17");
        assertThat(tooMany.exitCode()).isEqualTo(2);
        assertThat(tooMany.err().strip()).isEqualTo("synpipe: --queues 17 is out of range for --tun: allowed 1..16");
    }

    @Test
    void bench_unknownCloseMode_oneLineError()
    {
        final CliRun r = run("bench", "--close", "linger");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --close 'linger' is not allowed: use rst or fin");
    }

    @Test
    void bench_badNumber_oneLineErrorNamingTheValue()
    {
        final CliRun r = run("bench", "--connections", "lots");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("lots");
    }

    @Test
    void bench_outOfRange_oneLineError()
    {
        final CliRun r = run("bench", "--concurrency", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: concurrency = 0 is out of range: allowed 1..1048576");
    }

    @Test
    void bench_hlogAndReportQuiet_writesBothAndPrintsNothing() throws Exception
    {
        final Path hlog = dir.resolve("run.hlog");
        final Path report = dir.resolve("report");
        final CliRun r = run("bench", "--connections", "3000", "--warmup", "100", "--hlog", hlog.toString(),
            "--report", report.toString(), "--quiet");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        long client = 0;
        long server = 0;
        try (HistogramLogReader reader = new HistogramLogReader(hlog.toFile()))
        {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null)
            {
                final long count = ((org.HdrHistogram.Histogram)h).getTotalCount();
                switch (h.getTag())
                {
                    case "client" -> client += count;
                    case "server" -> server += count;
                    default -> throw new AssertionError("unexpected tag " + h.getTag());
                }
            }
        }
        assertThat(client).isEqualTo(3000);
        assertThat(server).isEqualTo(3000);
        final String html = Files.readString(report.resolve("report.html"), StandardCharsets.UTF_8);
        assertThat(html).contains("data-scenario=\"client\"", "data-scenario=\"server\"", "<td>3,000</td>");
    }

    @Test
    void bench_report_printsThePercentileTableAndWhereTheReportIs()
    {
        final CliRun r = run("bench", "--connections", "1000", "--warmup", "0", "--report", dir.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("handshakes   1,000", "failures     0", "report       " + dir.resolve("report.html"));
        assertThat(r.out().lines().map(String::strip)).anyMatch(l -> l.matches("client\\s+server\\s+lifetime"))
            .anyMatch(l -> l.matches("count\\s+1,000\\s+1,000\\s+1,000")).anyMatch(l -> l.startsWith("p99.99 (µs)"))
            .anyMatch(l -> l.matches("errors\\s+0\\s+0\\s+0"));
    }

    @Test
    void bench_reportIsAFile_oneLineError() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        final CliRun r = run("bench", "--report", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --report " + file + " is a file, not a directory");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void bench_reportUnderAFile_oneLineError() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("plain"), "x");
        final CliRun r = run("bench", "--report", file.resolve("sub").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("synpipe: --report " + file.resolve("sub") + ": cannot create the directory");
    }

    @Test
    void bench_hlogInMissingDirectory_oneLineError()
    {
        final Path file = dir.resolve("missing").resolve("run.hlog");
        final CliRun r = run("bench", "--hlog", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
            .isEqualTo("synpipe: --hlog " + file + ": directory " + dir.resolve("missing") + " does not exist");
        assertThat(file.getParent()).doesNotExist();
    }

    @Test
    void bench_hlogIsADirectory_oneLineError()
    {
        final CliRun r = run("bench", "--hlog", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --hlog " + dir + " is a directory, not a file");
    }

    @Test
    void bench_quietWithJson_oneLineError()
    {
        final CliRun r = run("bench", "--quiet", "--json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --quiet and --json cannot be used together: choose one");
    }

    @Test
    void bench_hlogWithoutValue_oneLineError()
    {
        final CliRun r = run("bench", "--hlog");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("synpipe: ").contains("--hlog");
    }

    @Test
    void benchTun_threeScenarios_measuredAndWrittenToJsonHlogAndReport() throws Exception
    {
        CliRun.requireRootOrCi();
        final Path hlog = dir.resolve("tun.hlog");
        final Path report = dir.resolve("tun-report");
        final CliRun r = run("bench", "--tun", "--duration-s", "0.6", "--warmup-s", "0.1", "--concurrency", "2",
            "--msl-ms", "50", "--json", "--hlog", hlog.toString(), "--report", report.toString());
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("\"name\":\"kernel -> synpipe (TUN)\"", "\"name\":\"synpipe -> kernel (TUN)\"",
                "\"name\":\"kernel -> kernel (veth)\"", "\"ratio\":", "\"ratio_generator\":", "\"server_mode\":\"close\"",
                "\"errors_by_kind\":{\"refused\":0,\"timeout\":0,\"reset\":0,\"local-refused\":0,\"behind\":0,\"other\":0}")
            .doesNotContain("\"handshakes\":0,").contains("\"errors\":0");
        // CPU per role, in scenario order: synpipe's loop serves (1) and generates (2); kernel clients connect in
        // (1) and (3) but not (2); the kernel server accepts in (2) and (3) but not (1)
        assertThat(roleCores(r.out(), "synpipe event loop")).satisfies(c -> assertThat(c[0]).isPositive(),
            c -> assertThat(c[1]).isPositive());
        assertThat(roleCores(r.out(), "kernel clients")).satisfies(c -> assertThat(c[0]).isPositive(),
            c -> assertThat(c[1]).isZero(), c -> assertThat(c[2]).isPositive());
        assertThat(roleCores(r.out(), "kernel server")).satisfies(c -> assertThat(c[0]).isZero(),
            c -> assertThat(c[1]).isPositive(), c -> assertThat(c[2]).isPositive());
        final java.util.Map<String, Long> counts = new java.util.HashMap<>();
        try (HistogramLogReader reader = new HistogramLogReader(hlog.toFile()))
        {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null)
            {
                counts.merge(h.getTag(), ((org.HdrHistogram.Histogram)h).getTotalCount(), Long::sum);
            }
        }
        assertThat(counts).containsOnlyKeys("kernel-synpipe", "synpipe-kernel", "kernel-kernel");
        assertThat(counts.values()).allMatch(n -> n > 0);
        final String html = Files.readString(report.resolve("report.html"), StandardCharsets.UTF_8);
        assertThat(html).contains("data-scenario=\"kernel -&gt; synpipe (TUN)\"")
            .contains("data-scenario=\"synpipe -&gt; kernel (TUN)\"").contains("data-scenario=\"kernel -&gt; kernel (veth)\"");
    }

    @Test
    void benchTun_rateOutOfRange_oneLineError()
    {
        final CliRun r = run("bench", "--tun", "--rate", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
            .isEqualTo("synpipe: --rate 0 is out of range: allowed 1..10000000 (leave it out for a closed loop)");
    }

    @Test
    void benchTun_rateNotANumber_oneLineErrorNamingTheValue()
    {
        final CliRun r = run("bench", "--tun", "--rate", "fast");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("fast").contains("--rate");
    }

    @Test
    void benchTun_sourcesHoldingTheKernelAddress_oneLineError()
    {
        final CliRun r = run("bench", "--tun", "--sources", "198.18.0.0/16");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --sources 198.18.0.0/16 is not allowed: it contains the kernel's "
            + "address 198.18.0.1; e.g. 198.18.128.0/17");
    }

    @Test
    void benchTun_sourcesOutsideTheBenchmarkingRange_oneLineError()
    {
        final CliRun r = run("bench", "--tun", "--sources", "10.1.0.0/16");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --sources '10.1.0.0/16' is not allowed: 10.1.0.0 is outside the "
            + "benchmarking ranges 198.18.0.0/15 and 2001:2:0:0:0:0:0:0/48 (synpipe uses no other addresses)"
            .replace("2001:2:0:0:0:0:0:0/48", Cidr.BENCHMARK_V6.toString()));
    }

    @Test
    void benchTun_ipv6SourcesWithoutIpv6_oneLineErrorSayingToAddIt()
    {
        final CliRun r = run("bench", "--tun", "--sources", "2001:2::8000:0:0:0/65");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --sources 2001:2::8000:0:0:0/65 is IPv6: add --ipv6 (or give "
            + "an IPv4 CIDR, e.g. 198.18.128.0/17)");
    }

    @Test
    void benchTun_ipv4SourcesWithIpv6_oneLineError()
    {
        final CliRun r = run("bench", "--tun", "--ipv6", "--sources", "198.18.128.0/17");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --sources 198.18.128.0/17 is IPv4 but --ipv6 is set: give an "
            + "IPv6 CIDR, e.g. 2001:2::8000:0:0:0/65");
    }

    @Test
    void benchTun_ipv6SourcesOverlappingTheVethSubnet_oneLineError()
    {
        final CliRun r = run("bench", "--tun", "--ipv6", "--sources", "2001:2:0:1::/64");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("synpipe: --sources 2001:2:0:1::/64 is not allowed: it must lie inside "
            + "the TUN network");
    }

    @Test
    void benchTun_ipv6_threeScenariosOverIpv6() throws Exception
    {
        CliRun.requireRootOrCi();
        final CliRun r = run("bench", "--tun", "--ipv6", "--duration-s", "0.5", "--warmup-s", "0.1", "--concurrency",
            "2", "--msl-ms", "50", "--server-mode", "discard", "--json");
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("\"server_mode\":\"discard\"");
        assertThat(r.out()).contains("\"sources\":\"2001:2:0:0:8000:0:0:0/65\"".replace("2001:2:0:0:8000:0:0:0/65",
                io.synpipe.tun.Cidr.parse("2001:2::8000:0:0:0/65").toString()))
            .contains("\"name\":\"kernel -> synpipe (TUN)\"", "\"name\":\"synpipe -> kernel (TUN)\"",
                "\"name\":\"kernel -> kernel (veth)\"")
            .doesNotContain("\"handshakes\":0,").contains("\"errors\":0");
    }

    @Test
    void benchTun_serverModeNotCloseOrDiscard_oneLineErrorNamingTheValue()
    {
        final CliRun r = run("bench", "--tun", "--server-mode", "echo");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --server-mode 'echo' is not allowed: use close or discard");
    }

    @Test
    void bench_serverModeWithoutTun_oneLineError()
    {
        final CliRun r = run("bench", "--server-mode", "discard");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --server-mode applies only with --tun");
    }

    @Test
    void benchTun_sourcesNotACidr_oneLineError()
    {
        final CliRun r = run("bench", "--tun", "--sources", "many");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --sources 'many' is not allowed: expected ADDRESS/PREFIX, e.g. 198.18.0.1/15");
    }

    @Test
    void benchTun_sourcesOverlappingTheVethSubnet_oneLineError()
    {
        final CliRun r = run("bench", "--tun", "--sources", "198.18.1.0/24");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --sources 198.18.1.0/24 is not allowed: it overlaps 198.18.1.0/24, "
            + "the veth subnet of the kernel baseline; e.g. 198.18.128.0/17");
    }

    @Test
    void benchTun_unknownCloseMode_oneLineError()
    {
        final CliRun r = run("bench", "--tun", "--close", "linger");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --close 'linger' is not allowed: use rst or fin");
    }

    @Test
    void benchTun_mslOutOfRange_oneLineError()
    {
        final CliRun r = run("bench", "--tun", "--msl-ms", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --msl-ms 0 is out of range for --tun: allowed 1..60000");
    }

    @Test
    void bench_rateOrSourcesWithoutTun_oneLineError()
    {
        assertThat(run("bench", "--rate", "1000").err().strip()).isEqualTo("synpipe: --rate applies only with --tun");
        final CliRun r = run("bench", "--sources", "198.18.128.0/17");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --sources applies only with --tun");
    }

    @Test
    void benchTun_concurrencyOutOfRange_oneLineError()
    {
        final CliRun r = run("bench", "--tun", "--concurrency", "1000");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --concurrency 1000 is out of range for --tun: allowed 1..256");
    }

    /** The {@code cores} of {@code role} in each scenario's {@code cpu} object of the JSON, in order. */
    private static double[] roleCores(final String json, final String role)
    {
        return java.util.regex.Pattern.compile("\"" + role + "\":\\{\"cores\":([0-9.]+)").matcher(json).results()
            .mapToDouble(m -> Double.parseDouble(m.group(1))).toArray();
    }
}
