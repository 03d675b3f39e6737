package io.synpipe.tun;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.wire.IpAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stack in the client role on a two-queue device: connections an engine opens are written on its own queue,
 * and the kernel's answers must come back to that queue (it steers a flow to the queue that last wrote it), or the
 * other engine, which has no such connection, would reset them.
 */
class TunStackTest
{
    private static final int PORT = 9000;
    private static final int PER_QUEUE = 300;
    private static final int ACTIVE_PORT_MIN = 40_000;

    private NetnsFixture ns;
    private TunStack stack;

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
            if (stack != null)
            {
                stack.close();
            }
        }
        finally
        {
            ns.close();
        }
    }

    /** Counts what happened to the connections one engine opened; closes each once established. */
    private static final class Opener implements TcpHandler
    {
        private final TcpEngine engine;
        private int established;
        private final int[] closed = new int[CloseReason.values().length];

        Opener(final TcpEngine engine)
        {
            this.engine = engine;
        }

        @Override
        public void onEstablished(final long handle)
        {
            established++;
            engine.close(handle, System.nanoTime());
        }

        @Override
        public void onPeerClosed(final long handle)
        {
        }

        @Override
        public void onClosed(final long handle, final CloseReason reason)
        {
            closed[reason.ordinal()]++;
        }
    }

    @Test
    void twoQueues_eachEngineOpensConnectionsToKernel_answersReturnToTheOpeningQueue() throws Exception
    {
        final Opener[] openers = new Opener[2];
        final TcpConfig config = new TcpConfig().mslMs(20);
        stack = TunStack.start(new TunStack.Options(ns.name(), "synpipe0", List.of(Cidr.parse(NetnsFixture.TUN_CIDR)), 2,
            config, null).withActivePorts(ACTIVE_PORT_MIN), (queue, engine) ->
        {
            openers[queue.index()] = new Opener(engine);
            return openers[queue.index()];
        });
        final AtomicInteger accepted = new AtomicInteger();
        final Set<InetAddress> peers = ConcurrentHashMap.newKeySet();
        final ServerSocket server = Netns.call(ns.name(), () ->
        {
            final ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(NetnsFixture.KERNEL_ADDRESS, PORT), 1024);
            return s;
        });
        final Thread acceptor = Thread.ofPlatform().daemon().name("kernel-acceptor").start(() ->
        {
            while (true)
            {
                try (Socket socket = server.accept())
                {
                    peers.add(socket.getInetAddress());
                    accepted.incrementAndGet();
                    socket.getInputStream().read(); // until synpipe's FIN
                }
                catch (final IOException ex)
                {
                    return; // closed by the test
                }
            }
        });
        try (server)
        {
            final InetAddress kernel = InetAddress.getByName(NetnsFixture.KERNEL_ADDRESS);
            for (final TunStack.Queue queue : stack.queues())
            {
                queue.call(() ->
                {
                    final TcpEngine engine = queue.engine();
                    for (int i = 0; i < PER_QUEUE; i++)
                    {
                        // queue q opens from 198.18.(2 + q).x: the sources tell the queues apart at the kernel
                        final int local = (198 << 24) | (18 << 16) | ((2 + queue.index()) << 8) | (1 + i % 200);
                        final int port = queue.localPort(i);
                        assertThat(queue.ownsLocalPort(port)).isTrue();
                        assertThat(port % 2).isEqualTo(queue.index());
                        final long handle = engine.connect(0, IpAddress.v4Lo(local), port,
                            IpAddress.hi(kernel), IpAddress.lo(kernel), PORT, System.nanoTime());
                        assertThat(handle).isNotZero();
                    }
                    queue.flush();
                    return null;
                });
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            // closed normally, and out of TIME-WAIT (2 x 20 ms)
            while (System.nanoTime() - deadlineNs < 0 && (closedNormally(openers[0]) < PER_QUEUE
                || closedNormally(openers[1]) < PER_QUEUE || stack.queue(0).call(() -> stack.queue(0).engine().connectionCount()) > 0
                || stack.queue(1).call(() -> stack.queue(1).engine().connectionCount()) > 0))
            {
                stack.awaitStopRequest(20);
            }
            for (final TunStack.Queue queue : stack.queues())
            {
                final Opener opener = openers[queue.index()];
                assertThat(queue.call(() -> opener.established)).as("queue %d established", queue.index()).isEqualTo(PER_QUEUE);
                assertThat(queue.call(() -> closedNormally(opener))).as("queue %d closed normally", queue.index())
                    .isEqualTo(PER_QUEUE);
                assertThat(queue.call(() -> queue.engine().connectionCount())).isZero();
                assertThat(queue.channel().stats().packetsWritten()).isGreaterThanOrEqualTo(3L * PER_QUEUE);
            }
            assertThat(accepted.get()).isEqualTo(2 * PER_QUEUE);
            // the kernel's SYN-ACKs go out by flow hash: some landed on the other queue and were handed over
            assertThat(stack.queue(0).steeredIn() + stack.queue(1).steeredIn()).isPositive()
                .isEqualTo(stack.queue(0).steeredOut() + stack.queue(1).steeredOut());
            assertThat(peers).hasSize(400); // 200 sources on each queue
        }
        acceptor.join(5_000);
    }

    private static int closedNormally(final Opener opener)
    {
        return opener.closed[CloseReason.NORMAL.ordinal()];
    }
}
