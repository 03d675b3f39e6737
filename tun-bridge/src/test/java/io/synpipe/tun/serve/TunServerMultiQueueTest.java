package io.synpipe.tun.serve;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpState;
import io.synpipe.tun.Netns;
import io.synpipe.tun.NetnsFixture;
import io.synpipe.tun.TunStack;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve --queues 2}: one multi-queue TUN device, two event loops, two engines. The kernel spreads flows over
 * the queues by hash; each connection must live and die on the one engine that accepted it.
 */
class TunServerMultiQueueTest extends ServeTestBase
{
    private static final int ECHO_PORT = 7;
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int CONNECTIONS = 1_000;


    @Test
    void twoQueues_thousandConcurrentKernelConnections_allEchoOnBothQueuesAndCloseNormally() throws Exception
    {
        server = TunServer.start(ServeSettings.parse(ns.name(), "synpipe0", List.of(NetnsFixture.TUN_CIDR),
            List.of(NetnsFixture.SYNPIPE_ADDRESS + ":" + ECHO_PORT + "=echo"), "echo", 50, 0, 2));
        assertThat(server.stack().queues()).hasSize(2);
        final InetSocketAddress target = new InetSocketAddress(NetnsFixture.SYNPIPE_ADDRESS, ECHO_PORT);

        // all 1,000 open at once: connect every one, then a round trip on each, then close them all
        final List<Socket> sockets = Netns.call(ns.name(), () ->
        {
            final List<Socket> open = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++)
            {
                final Socket socket = new Socket();
                open.add(socket);
                socket.connect(target, CONNECT_TIMEOUT_MS);
                socket.setSoTimeout(CONNECT_TIMEOUT_MS);
            }
            return open;
        });
        int echoed = 0;
        try
        {
            for (int i = 0; i < sockets.size(); i++)
            {
                final Socket socket = sockets.get(i);
                new DataOutputStream(socket.getOutputStream()).writeInt(i);
                if (new DataInputStream(socket.getInputStream()).readInt() == i)
                {
                    echoed++;
                }
            }
            final ServeReport live = server.snapshot();
            assertThat(live.connectionsByState()).containsEntry(TcpState.ESTABLISHED, (long)CONNECTIONS);
            assertThat(live.connectionsPerQueue()).hasSize(2).allSatisfy(n -> assertThat(n).isPositive());
            assertThat(live.statsLine()).contains("ESTABLISHED=" + CONNECTIONS).contains("per queue");
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                socket.close();
            }
        }
        assertThat(echoed).isEqualTo(CONNECTIONS);

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadlineNs < 0 && totalConnections() > 0)
        {
            server.stack().awaitStopRequest(20);
        }
        assertThat(totalConnections()).isZero();
        final long[] established = new long[2];
        for (final TunStack.Queue queue : server.stack().queues())
        {
            final Responder responder = server.responder(queue.index());
            established[queue.index()] = queue.call(responder::established);
            // a segment on the wrong queue would have met an engine without the connection and been reset
            assertThat(queue.call(responder::closedSnapshot)).containsOnlyKeys(CloseReason.NORMAL);
            assertThat(queue.call(() -> queue.engine().drops().totalDropped())).isZero();
        }
        assertThat(established[0] + established[1]).isEqualTo(CONNECTIONS);
        assertThat(established[0]).as("connections on queue 0").isPositive();
        assertThat(established[1]).as("connections on queue 1").isPositive();
        final ServeReport report = server.stop();
        assertThat(report.connectionsEstablished()).isEqualTo(CONNECTIONS);
        assertThat(report.closed()).containsEntry(CloseReason.NORMAL, (long)CONNECTIONS);
        assertThat(report.packetsIn()).isGreaterThanOrEqualTo(5L * CONNECTIONS);
    }

    private int totalConnections() throws Exception
    {
        int total = 0;
        for (final TunStack.Queue queue : server.stack().queues())
        {
            total += queue.call(() -> queue.engine().connectionCount());
        }
        return total;
    }
}
