package io.synpipe.cli;

import io.synpipe.tun.Netns;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code synpipe connect}'s argument errors: one line naming the value, exit 2, nothing on stdout (which carries
 * the data), no stack trace; these are checked before anything touches the network, so they need no root. As root,
 * the command itself in a process of its own (it reads the real stdin and writes the real stdout) against a kernel
 * listener in a namespace of the test's own: data both ways and exit 0, refused and exit 1, SIGTERM and exit 0.
 */
class ConnectCommandTest
{
    private static CliRun run(final String... args)
    {
        return CliRun.run(args);
    }

    private static void assertOneLineError(final CliRun r, final String message)
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
    void connect_statsIntervalNegative_oneLineError()
    {
        assertOneLineError(run("connect", "--to", "198.18.0.1:9000", "--stats-interval", "-2"),
            "synpipe: --stats-interval -2 is out of range: allowed 1..86400 seconds (or 0 for none)");
    }

    @Test
    void connect_missingTo_oneLineErrorPointingToHelp()
    {
        final CliRun r = run("connect");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("synpipe: ").contains("--to").contains("synpipe connect --help");
    }

    private static final int PORT = 9000;
    private static final long TIMEOUT_MS = 30_000;


    /** {@code synpipe connect ARGS} in a JVM of its own, on this test's class path. */
    private static Process start(final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), SynpipeCli.class.getName(), "connect"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }

    private static CompletableFuture<byte[]> readAll(final InputStream in)
    {
        final CompletableFuture<byte[]> bytes = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() ->
        {
            try
            {
                bytes.complete(in.readAllBytes());
            }
            catch (final IOException ex)
            {
                bytes.completeExceptionally(ex);
            }
        });
        return bytes;
    }

    /** Reads {@code in} line by line to its end; completes {@code statsLine} with the first stats line. */
    private static CompletableFuture<byte[]> readLines(final InputStream in, final CompletableFuture<String> statsLine)
    {
        final CompletableFuture<byte[]> bytes = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() ->
        {
            final StringBuilder all = new StringBuilder();
            try (java.io.BufferedReader reader = new java.io.BufferedReader(
                new java.io.InputStreamReader(in, StandardCharsets.UTF_8)))
            {
                for (String line; (line = reader.readLine()) != null; )
                {
                    all.append(line).append('\n');
                    if (line.contains("] packets in"))
                    {
                        statsLine.complete(line);
                    }
                }
                statsLine.complete("no stats line in: " + all);
                bytes.complete(all.toString().getBytes(StandardCharsets.UTF_8));
            }
            catch (final IOException ex)
            {
                bytes.completeExceptionally(ex);
            }
        });
        return bytes;
    }

    /** A namespace with a kernel listener on the wildcard address (198.18.0.1 comes with connect's device). */
    private static ServerSocket listenIn(final String ns) throws Exception
    {
        Netns.add(ns);
        Netns.ip(ns, "link", "set", "lo", "up");
        return Netns.call(ns, () ->
        {
            final ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), PORT));
            return server;
        });
    }

    private static String newNamespaceName()
    {
        return "synpipe-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    @Test
    void connectProcess_dataBothWays_exitZeroAndNamespaceLeftAsFound() throws Exception
    {
        CliRun.requireRootOrCi();
        final String ns = newNamespaceName();
        Process process = null;
        try (ServerSocket server = listenIn(ns))
        {
            final byte[] up = new byte[1 << 20];
            new SplittableRandom(1).nextBytes(up);
            final byte[] reply = "hello from the kernel\n".getBytes(StandardCharsets.US_ASCII);
            final CompletableFuture<String> kernel = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() ->
            {
                try (Socket socket = server.accept())
                {
                    socket.setSoTimeout((int)TIMEOUT_MS);
                    socket.getOutputStream().write(reply);
                    socket.shutdownOutput();
                    kernel.complete(HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(socket.getInputStream().readAllBytes())));
                }
                catch (final Exception ex)
                {
                    kernel.completeExceptionally(ex);
                }
            });
            process = start("--netns", ns, "--to", "198.18.0.1:" + PORT, "--msl-ms", "50");
            final CompletableFuture<byte[]> out = readAll(process.getInputStream());
            final CompletableFuture<byte[]> err = readAll(process.getErrorStream());
            try (OutputStream stdin = process.getOutputStream())
            {
                stdin.write(up);
            }

            assertThat(process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
            final String stderr = new String(err.get(TIMEOUT_MS, TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(stderr).isZero();
            assertThat(out.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo(reply);
            assertThat(kernel.get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(up)));
            assertThat(stderr).contains("-> 198.18.0.1:" + PORT + ": closed normally")
                .contains("data         sent 1048576 bytes; received 22 bytes, written 22");
            assertThat(Netns.exists(ns)).as("connect leaves a namespace it did not create").isTrue();
        }
        finally
        {
            cleanUp(process, ns);
        }
    }

    @Test
    void connectProcess_nobodyListens_exitOneWithOneLine() throws Exception
    {
        CliRun.requireRootOrCi();
        final String ns = newNamespaceName();
        Process process = null;
        try (ServerSocket server = listenIn(ns))
        {
            process = start("--netns", ns, "--to", "198.18.0.1:" + (PORT + 1));
            process.getOutputStream().close();
            final CompletableFuture<byte[]> out = readAll(process.getInputStream());
            final CompletableFuture<byte[]> err = readAll(process.getErrorStream());

            assertThat(process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
            final String stderr = new String(err.get(TIMEOUT_MS, TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(stderr).isEqualTo(1);
            assertThat(out.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEmpty();
            assertThat(stderr.strip().lines().reduce((a, b) -> b).orElseThrow())
                .matches("synpipe: connection refused \\(198\\.18\\.0\\.2:\\d+ -> 198\\.18\\.0\\.1:9001\\)");
            assertThat(stderr).doesNotContain("Exception");
        }
        finally
        {
            cleanUp(process, ns);
        }
    }

    @Test
    void connectProcess_sigterm_connectionResetDeviceRemovedExitZero() throws Exception
    {
        CliRun.requireRootOrCi();
        final String ns = newNamespaceName();
        Process process = null;
        try (ServerSocket server = listenIn(ns))
        {
            process = start("--netns", ns, "--to", "198.18.0.1:" + PORT, "--stats-interval", "1");
            final CompletableFuture<String> statsLine = new CompletableFuture<>();
            final CompletableFuture<byte[]> err = readLines(process.getErrorStream(), statsLine);
            server.setSoTimeout((int)TIMEOUT_MS);
            try (Socket socket = server.accept())
            {
                socket.setSoTimeout((int)TIMEOUT_MS);
                // --stats-interval 1: a line a second while the connection is open
                assertThat(statsLine.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).matches("\\[ +[0-9.]+ s\\] packets in \\d+, out "
                    + "\\d+; drops none; sent 0 bytes, received 0 bytes; connection ESTABLISHED");
                process.toHandle().destroy(); // SIGTERM, and the streams stay open to read the report
                assertThat(process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
                final String stderr = new String(err.get(TIMEOUT_MS, TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
                assertThat(process.exitValue()).as(stderr).isZero();
                assertThat(stderr).contains(": stopped: connection reset").contains("RST_SENT=1");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> socket.getInputStream().read())
                    .isInstanceOf(java.net.SocketException.class).hasMessageContaining("reset");
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Netns.ip(ns, "link", "show", "dev", "synpipe0"))
                .isInstanceOf(IOException.class);
        }
        finally
        {
            cleanUp(process, ns);
        }
    }

    private static void cleanUp(final Process process, final String ns) throws Exception
    {
        if (process != null && process.isAlive())
        {
            process.destroyForcibly().waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        if (Netns.exists(ns))
        {
            Netns.delete(ns);
        }
    }
}
