package io.synpipe.tun.serve;

import io.synpipe.jfr.ConnectionClosedEvent;
import io.synpipe.jfr.HandshakeCompletedEvent;
import io.synpipe.jfr.JfrRecording;
import io.synpipe.tun.Await;
import io.synpipe.tun.Netns;
import io.synpipe.tun.NetnsFixture;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code synpipe serve --jfr}: a kernel connection shows up as one handshake and one close event. */
class TunServerJfrTest
{
    @TempDir
    Path dir;

    private NetnsFixture ns;
    private TunServer server;
    private JfrRecording recording;

    @BeforeEach
    void setUp() throws Exception
    {
        ns = NetnsFixture.create();
    }

    @AfterEach
    void tearDown() throws Exception
    {
        try
        {
            if (server != null)
            {
                server.stop();
            }
            if (recording != null)
            {
                recording.stop();
            }
        }
        finally
        {
            ns.close();
        }
    }

    @Test
    void jfr_kernelConnectToClose_oneHandshakeAndOneCloseEventForTheConnection() throws Exception
    {
        final Path file = dir.resolve("serve.jfr");
        recording = JfrRecording.start(file);
        server = TunServer.start(ServeSettings.parse(ns.name(), "synpipe0", List.of(NetnsFixture.TUN_CIDR),
            List.of(NetnsFixture.SYNPIPE_ADDRESS + ":9=close"), "close", 50, 0), null, true);
        final int clientPort = Netns.call(ns.name(), () ->
        {
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress(NetnsFixture.SYNPIPE_ADDRESS, 9), 2_000);
                return socket.getLocalPort();
            }
        });
        final boolean closed = Await.until(server.channel().eventLoop(), () -> server.engine().connectionCount() == 0
            && server.responder().established() == 1, 5_000);
        assertThat(closed).as("connection closed in synpipe").isTrue();
        server.stop();
        recording.stop();

        final List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        final List<RecordedEvent> handshakes = events.stream()
            .filter(e -> e.getEventType().getName().equals(HandshakeCompletedEvent.NAME)).toList();
        final List<RecordedEvent> closes = events.stream()
            .filter(e -> e.getEventType().getName().equals(ConnectionClosedEvent.NAME)).toList();
        assertThat(handshakes).hasSize(1);
        final RecordedEvent h = handshakes.get(0);
        assertThat(h.getString("role")).isEqualTo("passive");
        assertThat(h.getString("localAddress")).isEqualTo(NetnsFixture.SYNPIPE_ADDRESS);
        assertThat(h.getInt("localPort")).isEqualTo(9);
        assertThat(h.getInt("remotePort")).isEqualTo(clientPort);
        assertThat(h.getLong("handshakeLatency")).isPositive();
        assertThat(closes).hasSize(1);
        assertThat(closes.get(0).getString("closeReason")).isEqualTo("NORMAL");
        assertThat(closes.get(0).getInt("remotePort")).isEqualTo(clientPort);
        assertThat(closes.get(0).getLong("lifetime")).isGreaterThanOrEqualTo(h.getLong("handshakeLatency"));
    }
}
