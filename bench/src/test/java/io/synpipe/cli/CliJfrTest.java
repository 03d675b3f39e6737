package io.synpipe.cli;

import io.synpipe.jfr.ConnectionClosedEvent;
import io.synpipe.jfr.HandshakeCompletedEvent;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --jfr FILE} on bench and serve: the recording holds the synpipe events of the run; a bad FILE is one line. */
class CliJfrTest
{
    @TempDir
    Path dir;

    private static CliRun run(final String... args)
    {
        return CliRun.run(args);
    }

    @Test
    void bench_jfr_fileHoldsOneHandshakeEventPerSideAndConnection() throws IOException
    {
        final Path file = dir.resolve("bench.jfr");
        final CliRun r = run("bench", "--connections", "300", "--warmup", "0", "--concurrency", "4", "--jfr", file.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("jfr          " + file);
        final List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        final List<RecordedEvent> handshakes = events.stream()
            .filter(e -> e.getEventType().getName().equals(HandshakeCompletedEvent.NAME)).toList();
        final List<RecordedEvent> closes = events.stream()
            .filter(e -> e.getEventType().getName().equals(ConnectionClosedEvent.NAME)).toList();
        // client and server each complete every handshake; the client aborts (RST), the server hears the RST
        assertThat(handshakes).hasSize(600);
        assertThat(handshakes).allSatisfy(e -> assertThat(e.getLong("handshakeLatency")).isPositive());
        assertThat(handshakes).filteredOn(e -> e.getString("role").equals("passive")).hasSize(300);
        assertThat(closes).hasSize(600);
        assertThat(closes).filteredOn(e -> e.getString("closeReason").equals("ABORTED")).hasSize(300);
        assertThat(closes).filteredOn(e -> e.getString("closeReason").equals("RESET_BY_PEER")).hasSize(300);
    }

    @Test
    void bench_jfrDirectoryMissing_oneLineErrorAndNoRun()
    {
        final Path file = dir.resolve("missing").resolve("bench.jfr");
        final CliRun r = run("bench", "--connections", "10", "--jfr", file.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
            .isEqualTo("synpipe: --jfr " + file + ": directory " + file.getParent() + " does not exist");
        assertThat(r.out()).isEmpty();
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void serve_jfrDirectoryMissing_oneLineErrorBeforeAnyDevice()
    {
        final Path file = dir.resolve("missing").resolve("serve.jfr");
        final CliRun r = run("serve", "--netns", "synpipe-never-created", "--listen", "198.18.0.2:80=http",
            "--jfr", file.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
            .isEqualTo("synpipe: --jfr " + file + ": directory " + file.getParent() + " does not exist");
        assertThat(r.out()).isEmpty();
    }
}
