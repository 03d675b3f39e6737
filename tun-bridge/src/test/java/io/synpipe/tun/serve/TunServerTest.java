package io.synpipe.tun.serve;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tun.Await;
import io.synpipe.tun.Netns;
import io.synpipe.tun.NetnsFixture;
import io.synpipe.tun.TunException;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code synpipe serve} for real: the engine behind a TUN device in a namespace of the test's own, and the Linux
 * kernel's TCP as the peer (sockets opened by a thread inside the namespace).
 */
class TunServerTest extends ServeTestBase
{
    private static final String DEVICE = "synpipe0";
    private static final int CLOSE_PORT = 9;
    private static final int ECHO_PORT = 7;
    private static final int HTTP_PORT = 80;
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final long MSL_MS = 50;


    private TunServer start(final String netns) throws Exception
    {
        final ServeSettings settings = ServeSettings.parse(netns, DEVICE, List.of(NetnsFixture.TUN_CIDR),
            List.of(NetnsFixture.SYNPIPE_ADDRESS + ":" + CLOSE_PORT + "=close",
                NetnsFixture.SYNPIPE_ADDRESS + ":" + ECHO_PORT + "=echo",
                NetnsFixture.SYNPIPE_ADDRESS + ":" + HTTP_PORT + "=http"),
            "echo", MSL_MS, 0);
        return TunServer.start(settings);
    }

    private static InetSocketAddress synpipe(final int port)
    {
        return new InetSocketAddress(NetnsFixture.SYNPIPE_ADDRESS, port);
    }

    @Test
    void closeMode_thousandSequentialKernelConnects_allSucceedAndTableEmptiesAfterTimeWait() throws Exception
    {
        server = start(ns.name());
        final int connections = 1_000;

        final int connected = Netns.call(ns.name(), () ->
        {
            int ok = 0;
            for (int i = 0; i < connections; i++)
            {
                try (Socket socket = new Socket())
                {
                    socket.connect(synpipe(CLOSE_PORT), CONNECT_TIMEOUT_MS);
                    ok++;
                }
            }
            return ok;
        });

        assertThat(connected).isEqualTo(connections);
        // TIME-WAIT lasts 2 x MSL = 100 ms; the last connection needs that long after the run at least
        final boolean empty = Await.until(server.channel().eventLoop(), () -> server.engine().connectionCount() == 0, 5_000);
        assertThat(empty).as("connections left: %d", server.onEventLoop(() -> server.engine().connectionCount())).isTrue();
        final Responder responder = server.responder();
        assertThat(server.onEventLoop(responder::established)).isEqualTo(connections);
        assertThat(server.onEventLoop(responder::closedSnapshot)).containsEntry(CloseReason.NORMAL, (long)connections);
        assertThat(server.onEventLoop(() -> server.engine().drops().totalDropped())).isZero();

        final ServeReport report = server.stop();
        assertThat(report.connectionsEstablished()).isEqualTo(connections);
        assertThat(report.connectionsLeftAtStop()).isZero();
        // at least SYN-ACK and FIN per connection out, SYN, ACK and FIN in
        assertThat(report.packetsOut()).isGreaterThanOrEqualTo(2L * connections);
        assertThat(report.packetsIn()).isGreaterThanOrEqualTo(3L * connections);
    }

    @Test
    void unlistedPort_kernelConnect_connectionRefused() throws Exception
    {
        server = start(ns.name());
        assertThatThrownBy(() -> Netns.call(ns.name(), () ->
        {
            try (Socket socket = new Socket())
            {
                socket.connect(synpipe(81), CONNECT_TIMEOUT_MS);
            }
            return null;
        })).isInstanceOf(ConnectException.class).hasMessageContaining("Connection refused");
        assertThat(server.onEventLoop(() -> server.engine().counters().eventSnapshot()))
            .containsKey(io.synpipe.tcp.EngineEvent.CLOSED_RST_SENT);
    }

    @Test
    void echoMode_smallMessage_comesBack() throws Exception
    {
        server = start(ns.name());
        final String reply = Netns.call(ns.name(), () ->
        {
            try (Socket socket = new Socket())
            {
                socket.connect(synpipe(ECHO_PORT), CONNECT_TIMEOUT_MS);
                socket.setSoTimeout(CONNECT_TIMEOUT_MS);
                socket.getOutputStream().write("hello synpipe".getBytes(StandardCharsets.US_ASCII));
                return new String(socket.getInputStream().readNBytes(13), StandardCharsets.US_ASCII);
            }
        });
        assertThat(reply).isEqualTo("hello synpipe");
    }

    @Test
    void echoMode_64MiBWithHalfClose_kernelReadsEveryByteBackAfterShutdownOutput() throws Exception
    {
        server = start(ns.name());
        echo64MiBWithHalfClose(ns.name(), synpipe(ECHO_PORT));
    }

    @Test
    void echoMode_64MiBOverIpv6WithHalfClose_kernelReadsEveryByteBack() throws Exception
    {
        // a namespace serve creates itself: the fixture's has IPv6 switched off
        final String own = "synpipe-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try
        {
            server = TunServer.start(ServeSettings.parse(own, DEVICE, List.of("2001:2::1/64"),
                List.of("[2001:2::2]:" + ECHO_PORT + "=echo"), "echo", MSL_MS, 0));
            echo64MiBWithHalfClose(own, new InetSocketAddress("2001:2::2", ECHO_PORT));
        }
        finally
        {
            server = null;
            if (Netns.exists(own))
            {
                Netns.delete(own);
            }
        }
    }

    @Test
    void echoMode_mtu65535_kernelSendsLargeSegmentsAndReadsEveryByteBack() throws Exception
    {
        server = TunServer.start(ServeSettings.parse(ns.name(), DEVICE, List.of(NetnsFixture.TUN_CIDR),
            List.of(NetnsFixture.SYNPIPE_ADDRESS + ":" + ECHO_PORT + "=echo"), "echo", MSL_MS, 0).withMtu(65_535));
        assertThat(Netns.call(ns.name(), () -> java.net.NetworkInterface.getByName(DEVICE).getMTU())).isEqualTo(65_535);
        final long packetsBefore = server.channelStats().packetsRead();
        echo64MiBWithHalfClose(ns.name(), synpipe(ECHO_PORT));
        // 64 MiB in segments of up to 65,495 bytes: far fewer packets than the ~46,000 that MSS 1460 needs
        assertThat(server.channelStats().packetsRead() - packetsBefore).isLessThan(20_000);
    }

    private void echo64MiBWithHalfClose(final String netns, final InetSocketAddress target) throws Exception
    {
        final long total = 64L << 20;
        final String[] digests = Netns.call(netns, () ->
        {
            try (Socket socket = new Socket())
            {
                socket.connect(target, CONNECT_TIMEOUT_MS);
                socket.setSoTimeout(30_000);
                final java.security.MessageDigest sent = java.security.MessageDigest.getInstance("SHA-256");
                final Thread writer = new Thread(() ->
                {
                    final java.util.SplittableRandom random = new java.util.SplittableRandom(64);
                    final byte[] chunk = new byte[64 * 1024];
                    try
                    {
                        final OutputStream out = socket.getOutputStream();
                        for (long written = 0; written < total; written += chunk.length)
                        {
                            random.nextBytes(chunk);
                            sent.update(chunk);
                            out.write(chunk);
                        }
                        // half-close: the echo must still come back in full (RFC 9293 §3.6)
                        socket.shutdownOutput();
                    }
                    catch (final Exception ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                }, "echo-writer");
                writer.start();
                final java.security.MessageDigest received = java.security.MessageDigest.getInstance("SHA-256");
                final InputStream in = socket.getInputStream();
                final byte[] buffer = new byte[64 * 1024];
                long got = 0;
                int n;
                try
                {
                    while ((n = in.read(buffer)) >= 0)
                    {
                        received.update(buffer, 0, n);
                        got += n;
                    }
                }
                catch (final java.net.SocketTimeoutException ex)
                {
                    return new String[]{"timeout", "after " + got + " bytes", Long.toString(got)};
                }
                writer.join(30_000);
                return new String[]{HexFormat.of().formatHex(sent.digest()), HexFormat.of().formatHex(received.digest()),
                    Long.toString(got)};
            }
        });
        final String context = String.join(" ", digests) + "\n" + String.join("\n", server.stop().lines());
        assertThat(digests[2]).as(context).isEqualTo(Long.toString(total));
        assertThat(digests[1]).as(context).isEqualTo(digests[0]);
    }

    @Test
    void httpMode_twoPipelinedRequests_twoResponses() throws Exception
    {
        server = start(ns.name());
        final String request = "GET / HTTP/1.1\r\nHost: synpipe\r\n\r\n";
        final String responses = Netns.call(ns.name(), () ->
        {
            try (Socket socket = new Socket())
            {
                socket.connect(synpipe(HTTP_PORT), CONNECT_TIMEOUT_MS);
                socket.setSoTimeout(CONNECT_TIMEOUT_MS);
                socket.getOutputStream().write((request + request).getBytes(StandardCharsets.US_ASCII));
                final byte[] bytes = socket.getInputStream().readNBytes(2 * Responder.HTTP_RESPONSE.length());
                return new String(bytes, StandardCharsets.US_ASCII);
            }
        });
        assertThat(responses).isEqualTo(Responder.HTTP_RESPONSE + Responder.HTTP_RESPONSE);
        assertThat(responses).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nsynpipe\n");
    }

    @Test
    void stop_openConnection_kernelSeesResetAndDeviceIsGone() throws Exception
    {
        server = start(ns.name());
        final Socket socket = Netns.call(ns.name(), () ->
        {
            final Socket s = new Socket();
            s.connect(synpipe(ECHO_PORT), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(CONNECT_TIMEOUT_MS);
            return s;
        });
        try (socket)
        {
            final ServeReport report = server.stop();
            assertThat(report.connectionsLeftAtStop()).isEqualTo(1);
            assertThat(report.closed()).containsEntry(CloseReason.ENGINE_CLOSED, 1L);
            final InputStream in = socket.getInputStream();
            assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            final OutputStream out = socket.getOutputStream();
            assertThat(out).isNotNull();
        }
        assertThat(ns.hasLink(DEVICE)).isFalse();
        assertThat(Netns.exists(ns.name())).as("a namespace serve did not create stays").isTrue();
    }

    @Test
    void start_missingNamespace_createdThenDeletedOnStop() throws Exception
    {
        final String own = "synpipe-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try
        {
            server = start(own);
            assertThat(Netns.exists(own)).isTrue();
            assertThat(server.describe().get(0)).contains("netns " + own + " (created)");
            server.stop();
            assertThat(Netns.exists(own)).isFalse();
        }
        finally
        {
            if (Netns.exists(own))
            {
                Netns.delete(own);
            }
        }
    }

    @Test
    void ipv6_httpAnsweredAndUnlistedPortRefused() throws Exception
    {
        // a namespace serve creates itself: the fixture's has IPv6 switched off
        final String own = "synpipe-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try
        {
            server = TunServer.start(ServeSettings.parse(own, DEVICE, List.of(NetnsFixture.TUN_CIDR, "2001:2::1/64"),
                List.of("[2001:2::2]:" + HTTP_PORT + "=http"), "http", MSL_MS, 0));
            final String response = Netns.call(own, () ->
            {
                try (Socket socket = new Socket())
                {
                    socket.connect(new InetSocketAddress("2001:2::2", HTTP_PORT), CONNECT_TIMEOUT_MS);
                    socket.setSoTimeout(CONNECT_TIMEOUT_MS);
                    socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    return new String(socket.getInputStream().readNBytes(Responder.HTTP_RESPONSE.length()),
                        StandardCharsets.US_ASCII);
                }
            });
            assertThat(response).isEqualTo(Responder.HTTP_RESPONSE);
            assertThatThrownBy(() -> Netns.call(own, () ->
            {
                try (Socket socket = new Socket())
                {
                    socket.connect(new InetSocketAddress("2001:2::2", HTTP_PORT + 1), CONNECT_TIMEOUT_MS);
                }
                return null;
            })).isInstanceOf(ConnectException.class).hasMessageContaining("Connection refused");
            server.stop();
        }
        finally
        {
            if (Netns.exists(own))
            {
                Netns.delete(own);
            }
        }
    }

    @Test
    void start_deviceNameTakenByAnotherKind_oneLineErrorAndCreatedNamespaceRemoved() throws Exception
    {
        final String own = "synpipe-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        final ServeSettings settings = ServeSettings.parse(own, "lo", List.of(NetnsFixture.TUN_CIDR),
            List.of(NetnsFixture.SYNPIPE_ADDRESS + ":80"), "http", 0, 0);
        try
        {
            assertThatThrownBy(() -> TunServer.start(settings))
                .isInstanceOf(TunException.class)
                .hasMessageStartingWith("cannot create TUN device 'lo': EINVAL (invalid argument)");
            assertThat(Netns.exists(own)).isFalse();
        }
        finally
        {
            if (Netns.exists(own))
            {
                Netns.delete(own);
            }
        }
    }
}
