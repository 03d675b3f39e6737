package io.synpipe.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One in-process run of the CLI with its exit code and what it printed, for the CLI tests. */
record CliRun(int exitCode, String out, String err)
{
    /** Runs {@code synpipe ARGS} in this JVM, capturing standard output and error. */
    static CliRun run(final String... args)
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
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
        finally
        {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /**
     * Tests that need namespaces and TUN devices run as root. Off CI a non-root run skips them (the only skip in the
     * project); with {@code CI=true} they run and fail instead, so CI never passes without them.
     */
    static void requireRootOrCi() throws IOException
    {
        final boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
            StandardCharsets.US_ASCII).strip());
        if (!root && !"true".equalsIgnoreCase(System.getenv("CI")))
        {
            Assumptions.abort("needs root for network namespaces and TUN (CI=true runs it and fails instead)");
        }
    }
}
