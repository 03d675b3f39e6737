package io.synpipe.sim;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.wire.IpAddress;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An echo server built the way a proxy relays: manual read credit, bytes released only once they are in the send
 * buffer, the rest handed over again on {@code onWritable}; the client half-closes and still reads every byte back.
 */
class EchoBackpressureTest
{
    private static final long A_LO = IpAddress.v4Lo(0xC612_0001);
    private static final long B_LO = IpAddress.v4Lo(0xC612_0002);
    private static final long CLOSE_WHEN_DRAINED = 1;
    /** A send fell short: later bytes wait until onWritable hands everything over again, in order. */
    private static final long BLOCKED = 2;

    private long nowNs = 1_000_000_000L;
    private long clientHandle;
    private long echoedBack;
    private boolean clientSawFin;
    private CloseReason clientReason;
    private CloseReason serverReason;
    private TcpEngine client;
    private TcpEngine server;

    /**
     * ISNs place the ring wrap differently; 133621201 and 190887430 once deadlocked two full buffers before
     * zero-window segments had their ACKs processed (RFC 9293 §3.10.7.4).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 133_621_201, 190_887_430, 0xFFFF_F000})
    void echo16MiB_clientHalfCloses_everyByteComesBackThenFin(final int isn) throws Exception
    {
        final MessageDigest sent = MessageDigest.getInstance("SHA-256");
        final MessageDigest received = MessageDigest.getInstance("SHA-256");
        final byte[] scratch = new byte[512 * 1024];
        final InMemoryWire wire = new InMemoryWire(new WireFaults(9, 0.002, 0, 0.01, 1_000_000, 1_000_000), 65_536, 2048);
        client = new TcpEngine(new TcpConfig().isnGenerator((a, b, c, d, e, f, g) -> isn), new TcpHandler()
        {
            @Override
            public void onEstablished(final long handle)
            {
                clientHandle = handle;
            }

            @Override
            public void onData(final long handle, final DirectBuffer buffer, final int offset, final int length)
            {
                buffer.getBytes(offset, scratch, 0, length);
                received.update(scratch, 0, length);
                echoedBack += length;
            }

            @Override
            public void onPeerClosed(final long handle)
            {
                clientSawFin = true;
            }

            @Override
            public void onClosed(final long handle, final CloseReason reason)
            {
                clientReason = reason;
            }
        }, wire.sinkFromA(), nowNs);
        server = new TcpEngine(new TcpConfig().isnGenerator((a, b, c, d, e, f, g) -> isn * 7 + 12_345), new TcpHandler()
        {
            @Override
            public int onSyn(final long handle, final int listenerId)
            {
                server.manualReadCredit(handle);
                return ACCEPT;
            }

            @Override
            public void onData(final long handle, final DirectBuffer buffer, final int offset, final int length)
            {
                if ((server.userData(handle) & BLOCKED) != 0)
                {
                    // older bytes wait for room in the send buffer: keep the order, they come again first
                    return;
                }
                final int n = server.send(handle, buffer, offset, length, nowNs);
                server.consume(handle, n, nowNs);
                if (n < length)
                {
                    server.userData(handle, server.userData(handle) | BLOCKED);
                }
            }

            @Override
            public void onWritable(final long handle)
            {
                server.userData(handle, server.userData(handle) & ~BLOCKED);
                server.redeliver(handle);
                if ((server.userData(handle) & CLOSE_WHEN_DRAINED) != 0 && server.unconsumed(handle) == 0)
                {
                    server.close(handle, nowNs);
                }
            }

            @Override
            public void onPeerClosed(final long handle)
            {
                if (server.unconsumed(handle) > 0)
                {
                    server.userData(handle, server.userData(handle) | CLOSE_WHEN_DRAINED);
                }
                else
                {
                    server.close(handle, nowNs);
                }
            }

            @Override
            public void onClosed(final long handle, final CloseReason reason)
            {
                serverReason = reason;
            }
        }, wire.sinkFromB(), nowNs);
        wire.attach(client, server);
        server.listen(0, B_LO, 7);
        client.connect(0, A_LO, 40_000, 0, B_LO, 7, nowNs);

        final long total = 16L << 20;
        final SplittableRandom random = new SplittableRandom(16);
        final byte[] chunk = new byte[64 * 1024];
        final UnsafeBuffer chunkBuffer = new UnsafeBuffer(chunk);
        long written = 0;
        int chunkOffset = chunk.length;
        boolean halfClosed = false;
        for (int ms = 0; ms < 120_000 && clientReason == null; ms++)
        {
            nowNs += 1_000_000L;
            wire.deliver(nowNs);
            client.poll(nowNs);
            server.poll(nowNs);
            while (clientHandle != 0 && written < total)
            {
                if (chunkOffset == chunk.length)
                {
                    random.nextBytes(chunk);
                    chunkOffset = 0;
                }
                final int n = client.send(clientHandle, chunkBuffer, chunkOffset, chunk.length - chunkOffset, nowNs);
                if (n == 0)
                {
                    break;
                }
                sent.update(chunk, chunkOffset, n);
                chunkOffset += n;
                written += n;
            }
            if (written == total && !halfClosed)
            {
                client.close(clientHandle, nowNs);
                halfClosed = true;
            }
        }
        final String context = "isn=" + isn + " written=" + written + " echoed=" + echoedBack + " fin=" + clientSawFin + " client="
            + clientReason + " server=" + serverReason + " A=" + client.counters().eventSnapshot() + " B="
            + server.counters().eventSnapshot();
        assertThat(echoedBack).as(context).isEqualTo(total);
        assertThat(HexFormat.of().formatHex(received.digest())).as(context).isEqualTo(HexFormat.of().formatHex(sent.digest()));
        assertThat(clientSawFin).as(context).isTrue();
        assertThat(clientReason).as(context).isEqualTo(CloseReason.NORMAL);
    }
}
