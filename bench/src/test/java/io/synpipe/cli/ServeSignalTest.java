package io.synpipe.cli;

import io.synpipe.tun.Netns;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code synpipe serve} as its own process, stopped with SIGTERM (what Ctrl-C's SIGINT does too): the open
 * connection is reset, the counters are printed, the namespace serve created is gone, and the exit status is 0.
 */
class ServeSignalTest
{
    @Test
    void serve_sigtermWithOpenConnection_resetsPrintsCountersRemovesNamespaceAndExitsZero() throws Exception
    {
        CliRun.requireRootOrCi();
        final String ns = "synpipe-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        final Process serve = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-cp", System.getProperty("java.class.path"), SynpipeCli.class.getName(),
            "serve", "--netns", ns, "--listen", "198.18.0.2:7=echo", "--duration-s", "60")
            .redirectErrorStream(true).start();
        final List<String> lines = new ArrayList<>();
        try
        {
            final BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; )
            {
                lines.add(line);
                if (line.contains("reach it from inside the namespace"))
                {
                    break;
                }
            }
            assertThat(lines).as("serve's output").anyMatch(l -> l.contains("listening on 198.18.0.2:7=echo"));
            final Socket socket = Netns.call(ns, () ->
            {
                final Socket s = new Socket();
                s.connect(new InetSocketAddress("198.18.0.2", 7), 2_000);
                s.setSoTimeout(10_000);
                return s;
            });
            try (socket)
            {
                // SIGTERM by kill(1): Process.destroy() would close our end of serve's output too
                assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(serve.pid())).start().waitFor()).isZero();
                assertThat(serve.waitFor(20, TimeUnit.SECONDS)).as("serve stopped").isTrue();
                final InputStream in = socket.getInputStream();
                assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            }
            for (String line; (line = out.readLine()) != null; )
            {
                lines.add(line);
            }
            assertThat(serve.exitValue()).as(String.join("\n", lines)).isZero();
            assertThat(lines).anyMatch(l -> l.startsWith("synpipe serve: stopped after"))
                .anyMatch(l -> l.contains("in the table at stop 1"))
                .noneMatch(l -> l.contains("Exception"));
            assertThat(Netns.exists(ns)).as("serve deletes the namespace it created").isFalse();
        }
        finally
        {
            serve.destroyForcibly();
            if (Netns.exists(ns))
            {
                Netns.delete(ns);
            }
        }
    }
}
