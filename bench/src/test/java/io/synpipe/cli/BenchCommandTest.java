package io.synpipe.cli;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The quick-start command: a short real run, and one-line errors for bad arguments. */
class BenchCommandTest
{
    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err)
    {
    }

    private static Run run(final String... args)
    {
        final PrintStream oldOut = System.out;
        final PrintStream oldErr = System.err;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        try
        {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            final int code = SynpipeCli.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
        finally
        {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void bench_smallRun_reportsEveryHandshakeAndLatencyPercentiles()
    {
        final Run r = run("bench", "--connections", "2000", "--warmup", "100", "--concurrency", "16", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"handshakes\":2000").contains("\"failures\":0").contains("\"p99_9\":");
    }

    @Test
    void bench_finClose_completesWithTimeWait()
    {
        final Run r = run("bench", "--connections", "500", "--warmup", "0", "--close", "fin", "--msl-ms", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("handshakes   500").contains("failures     0");
    }

    @Test
    void bench_ipv6_runs()
    {
        final Run r = run("bench", "--connections", "500", "--warmup", "0", "--ipv6", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"ip\":\"v6\"");
    }

    @Test
    void bench_unknownCloseMode_oneLineError()
    {
        final Run r = run("bench", "--close", "linger");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --close 'linger' is not allowed: use rst or fin");
    }

    @Test
    void bench_badNumber_oneLineErrorNamingTheValue()
    {
        final Run r = run("bench", "--connections", "lots");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("lots");
    }

    @Test
    void bench_outOfRange_oneLineError()
    {
        final Run r = run("bench", "--concurrency", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: concurrency = 0 is out of range: allowed 1..1048576");
    }

    @Test
    void bench_hlogAndReportQuiet_writesBothAndPrintsNothing() throws Exception
    {
        final Path hlog = dir.resolve("run.hlog");
        final Path report = dir.resolve("report");
        final Run r = run("bench", "--connections", "3000", "--warmup", "100", "--hlog", hlog.toString(),
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
    void bench_report_printsTheDefaultOutputThenThePercentileTable()
    {
        final Run r = run("bench", "--connections", "1000", "--warmup", "0", "--report", dir.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("handshakes   1,000", "failures     0", "report       " + dir.resolve("report.html"));
        assertThat(r.out().lines().map(String::strip)).anyMatch(l -> l.matches("client\\s+server"))
            .anyMatch(l -> l.matches("count\\s+1,000\\s+1,000")).anyMatch(l -> l.startsWith("p99.99 (µs)"))
            .anyMatch(l -> l.matches("errors\\s+0\\s+0"));
    }

    @Test
    void bench_reportIsAFile_oneLineError() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        final Run r = run("bench", "--report", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --report " + file + " is a file, not a directory");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void bench_reportUnderAFile_oneLineError() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("plain"), "x");
        final Run r = run("bench", "--report", file.resolve("sub").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("synpipe: --report " + file.resolve("sub") + ": cannot create the directory");
    }

    @Test
    void bench_hlogInMissingDirectory_oneLineError()
    {
        final Path file = dir.resolve("missing").resolve("run.hlog");
        final Run r = run("bench", "--hlog", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
            .isEqualTo("synpipe: --hlog " + file + ": directory " + dir.resolve("missing") + " does not exist");
        assertThat(file.getParent()).doesNotExist();
    }

    @Test
    void bench_hlogIsADirectory_oneLineError()
    {
        final Run r = run("bench", "--hlog", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --hlog " + dir + " is a directory, not a file");
    }

    @Test
    void bench_quietWithJson_oneLineError()
    {
        final Run r = run("bench", "--quiet", "--json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --quiet and --json cannot be used together: choose one");
    }

    @Test
    void bench_hlogWithoutValue_oneLineError()
    {
        final Run r = run("bench", "--hlog");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("synpipe: ").contains("--hlog");
    }

    @Test
    void benchTun_kernelClientsAgainstSynpipeAndKernel_bothScenariosMeasured() throws Exception
    {
        final boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
            StandardCharsets.US_ASCII).strip());
        if (!root && !"true".equalsIgnoreCase(System.getenv("CI")))
        {
            org.junit.jupiter.api.Assumptions.abort("needs root for network namespaces and TUN (CI=true runs it and fails instead)");
        }
        final Run r = run("bench", "--tun", "--duration-s", "1", "--warmup-s", "0.2", "--concurrency", "2", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"name\":\"kernel -> synpipe (TUN)\"").contains("\"name\":\"kernel -> kernel (veth)\"")
            .doesNotContain("\"handshakes\":0,").contains("\"errors\":0");
    }

    @Test
    void benchTun_concurrencyOutOfRange_oneLineError()
    {
        final Run r = run("bench", "--tun", "--concurrency", "1000");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("synpipe: --concurrency 1000 is out of range for --tun: allowed 1..256");
    }
}
