package io.synpipe.cli;

import io.synpipe.jfr.HandshakeCompletedEvent;
import io.synpipe.jfr.JfrRecording;
import io.synpipe.tun.PcapWriter;
import io.synpipe.tun.serve.ServeReport;
import io.synpipe.tun.serve.ServeSettings;
import io.synpipe.tun.serve.TunServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code synpipe serve}: terminates TCP on a TUN device in a network namespace and answers as echo, discard, http
 * or close. Ctrl-C or SIGTERM stop it cleanly: open connections are reset, the device is removed, the namespace too
 * if serve created it, the counters are printed, and the exit code is 0.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Serves TCP from a TUN device: creates the network namespace if missing, the TUN device inside it with the",
        "kernel's address on it, and answers connections to the --listen addresses (any other port: RST).",
        "Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN). Addresses only from 198.18.0.0/15 and 2001:2::/48.",
        "Example: synpipe serve --listen 198.18.0.2:80=http,198.18.0.2:7=echo",
        "   then: ip netns exec synpipe curl http://198.18.0.2/"})
public final class ServeCommand implements Callable<Integer>
{
    @Option(names = "--netns", defaultValue = ServeSettings.DEFAULT_NETNS,
        description = "network namespace, created if missing and then deleted on exit (default ${DEFAULT-VALUE})")
    private String netns;

    @Option(names = "--tun", defaultValue = ServeSettings.DEFAULT_DEVICE,
        description = "TUN device name, at most 15 bytes (default ${DEFAULT-VALUE})")
    private String device;

    @Option(names = "--tun-address", defaultValue = ServeSettings.DEFAULT_TUN_ADDRESS, split = ",",
        description = "the kernel's address on the TUN, ADDRESS/PREFIX; one IPv4 and one IPv6 at most (default ${DEFAULT-VALUE})")
    private List<String> tunAddresses;

    @Option(names = "--listen", required = true,
        description = "ADDRESS:PORT[=MODE][,...] to answer, e.g. 198.18.0.2:80=http,[2001:2::2]:7=echo")
    private List<String> listen;

    @Option(names = "--mode", defaultValue = "echo",
        description = "mode of --listen entries that name none: echo, discard, http or close (default ${DEFAULT-VALUE})")
    private String mode;

    @Option(names = "--msl-ms", defaultValue = "0",
        description = "maximum segment lifetime in ms; TIME-WAIT lasts 2 x MSL (default: the engine's, 30000)")
    private long mslMs;

    @Option(names = "--duration-s", defaultValue = "0",
        description = "stop after this many seconds (default: run until Ctrl-C or SIGTERM)")
    private long durationS;

    @Option(names = "--queues", defaultValue = "1",
        description = "TUN device queues, each with its own event loop and engine (default ${DEFAULT-VALUE})")
    private int queues;

    @Option(names = "--mtu", defaultValue = "1500",
        description = "the TUN device's MTU, 1280..65535; larger means fewer packets per byte (default ${DEFAULT-VALUE})")
    private int mtu;

    @Option(names = "--stats-interval", paramLabel = "SECONDS", defaultValue = "0",
        description = "print packets, drops and connections by state every SECONDS (default: only on exit)")
    private long statsIntervalS;

    @Option(names = "--pcap", paramLabel = "FILE",
        description = "write every packet read from and written to the TUN to FILE (pcap, raw IP)")
    private String pcapFile;

    @Option(names = "--jfr", paramLabel = "FILE",
        description = "record a JDK Flight Recorder file (io.synpipe.HandshakeCompleted and io.synpipe.ConnectionClosed "
            + "events with the JDK's default settings), written when serve stops; open it in JDK Mission Control")
    private java.nio.file.Path jfrFile;

    @Override
    public Integer call() throws InterruptedException
    {
        final ServeSettings settings = ServeSettings.parse(netns, device, tunAddresses, listen, mode, mslMs, durationS, queues)
            .withMtu(mtu);
        if (statsIntervalS < 0 || statsIntervalS > 86_400)
        {
            throw new IllegalArgumentException("--stats-interval " + statsIntervalS
                + " is out of range: allowed 1..86400 seconds (or 0 for none)");
        }
        final java.nio.file.Path pcap = pcapFile == null ? null : PcapWriter.checkPath(pcapFile);
        final JfrRecording jfr = jfrFile == null ? null : startJfr(jfrFile);
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final TunServer server;
        try
        {
            server = TunServer.start(settings, pcap, jfr != null);
        }
        catch (final IOException ex)
        {
            err.println("synpipe: " + ex.getMessage());
            if (jfr != null)
            {
                jfr.stop();
            }
            return 1;
        }
        server.describe().forEach(out::println);
        out.flush();

        final StopOnSignal stop = StopOnSignal.install("synpipe-serve-stop", () ->
        {
            int exitCode = 0;
            try
            {
                final ServeReport report = server.stop();
                report.lines().forEach(out::println);
            }
            catch (final IOException ex)
            {
                err.println("synpipe: stopping: " + ex.getMessage());
                exitCode = 1;
            }
            finally
            {
                if (jfr != null)
                {
                    out.println("jfr: " + jfr.stop() + " (open in JDK Mission Control, or: jfr print --events "
                        + HandshakeCompletedEvent.NAME + " " + jfrFile + ")");
                }
                out.flush();
                err.flush();
            }
            return exitCode;
        });
        awaitStop(server, out);
        return stop.stopAndExitCode(0);
    }

    /** Waits for Ctrl-C, SIGTERM or the end of --duration-s, printing a stats line every --stats-interval. */
    private void awaitStop(final TunServer server, final PrintStream out) throws InterruptedException
    {
        if (statsIntervalS == 0)
        {
            server.awaitStopRequest(durationS);
            return;
        }
        final long endNs = durationS == 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(durationS);
        while (true)
        {
            final long leftMs = endNs == Long.MAX_VALUE ? Long.MAX_VALUE : (endNs - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0 || server.stack().awaitStopRequest(Math.max(1, Math.min(leftMs, statsIntervalS * 1000))))
            {
                return;
            }
            if (leftMs > statsIntervalS * 1000)
            {
                try
                {
                    out.println(server.snapshot().statsLine());
                    out.flush();
                }
                catch (final IOException ex)
                {
                    return; // the loops are stopping
                }
            }
        }
    }

    private static JfrRecording startJfr(final java.nio.file.Path file)
    {
        try
        {
            return JfrRecording.start(file);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--jfr " + ex.getMessage(), ex);
        }
    }

}
