package io.synpipe.cli;

import io.synpipe.tun.Netns;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code synpipe serve} from the command line: one-line errors for bad arguments, and a short real run. */
class ServeCommandTest
{
    private static CliRun serve(final String... args)
    {
        final String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.run(all);
    }

    private static void assertOneLineError(final CliRun r, final String message)
    {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("synpipe: " + message);
    }

    @Test
    void serve_queuesOutOfRange_oneLineError()
    {
        assertOneLineError(serve("--listen", "198.18.0.2:7", "--queues", "0"), "--queues 0 is out of range: allowed 1..64");
    }

    @Test
    void serve_mtuOutOfRange_oneLineError()
    {
        assertOneLineError(serve("--listen", "198.18.0.2:7", "--mtu", "576"), "--mtu 576 is out of range: allowed 1280..65535");
    }

    @Test
    void serve_statsIntervalNegative_oneLineError()
    {
        assertOneLineError(serve("--listen", "198.18.0.2:7", "--stats-interval", "-1"),
            "--stats-interval -1 is out of range: allowed 1..86400 seconds (or 0 for none)");
    }

    @Test
    void serve_unknownMode_oneLineError()
    {
        assertOneLineError(serve("--listen", "198.18.0.2:7", "--mode", "chargen"),
            "--mode 'chargen' is not allowed: use echo, discard, http or close");
    }

    @Test
    void serve_listenOutsideTunNetwork_oneLineErrorNamingTheAddress()
    {
        final CliRun r = serve("--listen", "10.0.0.2:7");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("synpipe: ").contains("10.0.0.2").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void serve_shortRunWithStatsInterval_printsStatsLinesAndReportThenRemovesItsNamespace() throws Exception
    {
        CliRun.requireRootOrCi();
        final String ns = "synpipe-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        final CliRun r = serve("--netns", ns, "--listen", "198.18.0.2:7=echo", "--queues", "2", "--stats-interval", "1",
            "--duration-s", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("(2 queues)").contains("] packets in 0, out 0; drops none; connections none (per queue [0, 0])")
            .contains("synpipe serve: stopped after").contains("by state     none (before the stop); per queue [0, 0]");
        assertThat(Netns.exists(ns)).as("serve deletes the namespace it created").isFalse();
    }
}
