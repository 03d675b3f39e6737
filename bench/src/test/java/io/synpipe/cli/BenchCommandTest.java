package io.synpipe.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The quick-start command: a short real run, and one-line errors for bad arguments. */
class BenchCommandTest
{
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
}
