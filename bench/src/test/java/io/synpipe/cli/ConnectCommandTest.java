package io.synpipe.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code synpipe connect}'s argument errors: one line naming the value, exit 2, nothing on stdout (which carries
 * the data), no stack trace. The values are checked before anything touches the network, so these need no root.
 */
class ConnectCommandTest
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

    private static void assertOneLineError(final Run r, final String message)
    {
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo(message);
    }

    @Test
    void connect_portOutOfRange_oneLineError()
    {
        assertOneLineError(run("connect", "--to", "198.18.0.1:70000"),
            "synpipe: --to '198.18.0.1:70000': port 70000 is out of range: allowed 1..65535");
    }

    @Test
    void connect_fromOutsideTunNetwork_oneLineError()
    {
        assertOneLineError(run("connect", "--from", "10.0.0.2", "--to", "198.18.0.1:9000"),
            "synpipe: --from '10.0.0.2': 10.0.0.2 is outside the TUN network 198.18.0.0/15 (set by --tun-address)");
    }

    @Test
    void connect_fromIsTheKernelAddress_oneLineError()
    {
        assertOneLineError(run("connect", "--from", "198.18.0.1", "--to", "198.18.0.1:9000"),
            "synpipe: --from '198.18.0.1': 198.18.0.1 is the kernel's own address on the TUN (--tun-address "
                + "198.18.0.1/15): synpipe needs another address of that network");
    }

    @Test
    void connect_ipv4AndIpv6Mixed_oneLineError()
    {
        assertOneLineError(run("connect", "--tun-address", "198.18.0.1/15,2001:2::1/64", "--to", "[2001:2::1]:9000"),
            "synpipe: --from 198.18.0.2 and --to [2001:2::1]:9000 are of different IP versions: give both IPv4 or "
                + "both IPv6");
    }

    @Test
    void connect_malformedCidr_oneLineError()
    {
        assertOneLineError(run("connect", "--tun-address", "198.18.0.1/40", "--to", "198.18.0.1:9000"),
            "synpipe: --tun-address '198.18.0.1/40': prefix 40 is out of range for IPv4: allowed 15..31");
    }

    @Test
    void connect_missingTo_oneLineErrorPointingToHelp()
    {
        final Run r = run("connect");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("synpipe: ").contains("--to").contains("synpipe connect --help");
    }
}
