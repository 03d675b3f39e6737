package io.synpipe.cli;

import io.synpipe.tun.PcapWriter;
import io.synpipe.tun.connect.ConnectReport;
import io.synpipe.tun.connect.ConnectSettings;
import io.synpipe.tun.connect.TunConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code synpipe connect}: netcat-like, the userspace stack opens one TCP connection from a TUN address to a kernel
 * server in the namespace and pipes stdin into it and what comes back to stdout, half-closing at the end of stdin.
 * Exit 0 once both directions completed; 1 with a one-line message when the connection is refused, times out or
 * is reset. Ctrl-C or SIGTERM reset the connection, remove the device (and the namespace if connect created it)
 * and exit 0. Everything but the data goes to stderr.
 */
@Command(
    name = "connect",
    mixinStandardHelpOptions = true,
    description = {
        "Netcat-like client on a TUN device: synpipe's userspace stack connects to a kernel TCP server in the",
        "network namespace, stdin goes to the connection (FIN at its end), the connection's data to stdout.",
        "Exit 0 once both directions are done; counters go to stderr. The namespace is used if it exists",
        "(start the kernel server in it first), else created and deleted on exit. Needs root.",
        "Addresses only from 198.18.0.0/15 and 2001:2::/48.",
        "Example: ip netns add demo; ip netns exec demo nc -l 9000 > got &",
        "         synpipe connect --netns demo --to 198.18.0.1:9000 < file"})
public final class ConnectCommand implements Callable<Integer>
{
    @Option(names = "--netns", defaultValue = ConnectSettings.DEFAULT_NETNS,
        description = "network namespace; used if it exists, else created and deleted on exit"
            + " (default ${DEFAULT-VALUE})")
    private String netns;

    @Option(names = "--tun", defaultValue = ConnectSettings.DEFAULT_DEVICE,
        description = "TUN device name, at most 15 bytes (default ${DEFAULT-VALUE})")
    private String device;

    @Option(names = "--tun-address", defaultValue = ConnectSettings.DEFAULT_TUN_ADDRESS, split = ",",
        description = "the kernel's address on the TUN, ADDRESS/PREFIX; one IPv4 and one IPv6 at most"
            + " (default ${DEFAULT-VALUE})")
    private List<String> tunAddresses;

    @Option(names = "--from", defaultValue = ConnectSettings.DEFAULT_FROM,
        description = "synpipe's address in the TUN network, not the kernel's (default ${DEFAULT-VALUE}); the port is"
            + " ephemeral (32768..60999)")
    private String from;

    @Option(names = "--to", required = true,
        description = "the kernel server, ADDRESS:PORT, e.g. 198.18.0.1:9000 or [2001:2::1]:9000")
    private String to;

    @Option(names = "--queues", defaultValue = "1",
        description = "TUN device queues; the one connection needs one (default ${DEFAULT-VALUE},"
            + " the only value allowed)")
    private int queues;

    @Option(names = "--msl-ms", defaultValue = "0",
        description = "maximum segment lifetime in ms; TIME-WAIT lasts 2 x MSL (default: the engine's, 30000)")
    private long mslMs;

    @Option(names = "--stats-interval", paramLabel = "SECONDS", defaultValue = "0",
        description = "print packets, drops, bytes each way and the connection's state to stderr every SECONDS "
            + "(default: only on exit)")
    private long statsIntervalS;

    @Option(names = "--pcap", paramLabel = "FILE",
        description = "write every packet read from and written to the TUN to FILE (pcap, raw IP)")
    private String pcapFile;

    @Override
    public Integer call() throws InterruptedException
    {
        final ConnectSettings settings = ConnectSettings.parse(netns, device, tunAddresses, from, to, queues, mslMs);
        if (statsIntervalS < 0 || statsIntervalS > 86_400)
        {
            throw new IllegalArgumentException("--stats-interval " + statsIntervalS
                + " is out of range: allowed 1..86400 seconds (or 0 for none)");
        }
        final Path pcap = pcapFile == null ? null : PcapWriter.checkPath(pcapFile);
        // stderr only: stdout carries the data
        final PrintStream err = System.err;
        final TunConnector connector;
        try
        {
            connector = TunConnector.start(settings, pcap);
        }
        catch (final IOException ex)
        {
            err.println("synpipe: " + ex.getMessage());
            return 1;
        }

        final StopOnSignal stop = StopOnSignal.install("synpipe-connect-stop", () ->
        {
            int exitCode = 0;
            try
            {
                final ConnectReport report = connector.stop();
                report.lines().forEach(err::println);
                if (!report.completed() && !report.stopped())
                {
                    // the last line says what went wrong
                    err.println("synpipe: " + report.outcome() + " (" + report.local() + " -> " + report.remote()
                        + ")");
                    exitCode = 1;
                }
            }
            catch (final IOException ex)
            {
                err.println("synpipe: stopping: " + ex.getMessage());
                exitCode = 1;
            }
            finally
            {
                err.flush();
            }
            return exitCode;
        });

        int failed = 0;
        try
        {
            // the raw descriptors: System.out is a PrintStream, which would hide a failed write (e.g. a closed pipe)
            connector.connect(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
            err.println(connector.describe());
            if (statsIntervalS == 0)
            {
                connector.await(Long.MAX_VALUE);
            }
            else
            {
                while (!connector.await(statsIntervalS * 1000))
                {
                    err.println(connector.statsLine());
                }
            }
        }
        catch (final IOException ex)
        {
            err.println("synpipe: " + ex.getMessage());
            failed = 1;
        }
        return stop.stopAndExitCode(failed);
    }

}
