package io.synpipe.cli;

import io.synpipe.tun.PcapWriter;
import io.synpipe.tun.TunStack;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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

        final AtomicBoolean stopClaimed = new AtomicBoolean();
        final CountDownLatch stopped = new CountDownLatch(1);
        final int[] exitCode = {0};
        final Runnable stopAndReport = () ->
        {
            try
            {
                final ConnectReport report = connector.stop();
                report.lines().forEach(err::println);
                if (!report.completed() && !report.stopped())
                {
                    // the last line says what went wrong
                    err.println("synpipe: " + report.outcome() + " (" + report.local() + " -> " + report.remote()
                        + ")");
                    exitCode[0] = 1;
                }
            }
            catch (final IOException ex)
            {
                err.println("synpipe: stopping: " + ex.getMessage());
                exitCode[0] = 1;
            }
            finally
            {
                err.flush();
                stopped.countDown();
            }
        };
        // Ctrl-C / SIGTERM: the JVM runs this hook; it resets the connection, stops and exits with 0
        final Thread hook = Thread.ofPlatform().name("synpipe-connect-stop").unstarted(() ->
        {
            if (stopClaimed.compareAndSet(false, true))
            {
                stopAndReport.run();
            }
            else
            {
                awaitQuietly(stopped);
            }
            Runtime.getRuntime().halt(exitCode[0]);
        });
        Runtime.getRuntime().addShutdownHook(hook);

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
            exitCode[0] = 1;
        }
        if (!stopClaimed.compareAndSet(false, true))
        {
            // a signal arrived: the hook stops, reports and ends the JVM
            stopped.await();
            return exitCode[0];
        }
        final int failedBefore = exitCode[0];
        stopAndReport.run();
        exitCode[0] = Math.max(exitCode[0], failedBefore);
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ex)
        {
            // the JVM is shutting down already: the hook waits for the stop above and exits
        }
        return exitCode[0];
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(3 * TunStack.STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
