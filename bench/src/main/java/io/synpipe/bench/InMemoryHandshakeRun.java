package io.synpipe.bench;

import io.synpipe.sim.InMemoryWire;
import io.synpipe.sim.WireFaults;
import io.synpipe.table.ConnectionTable;
import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.wire.IpAddress;
import org.HdrHistogram.Histogram;

/**
 * The quick-start job: a client engine and a server engine on one thread, joined by an {@link InMemoryWire},
 * completing handshakes as fast as they can. The client keeps {@code concurrency} handshakes in flight; each
 * established connection is recorded (SYN sent to SYN-ACK received, HdrHistogram) and closed with RST or FIN.
 * Every packet is encoded and decoded with checksums, as it would be on a TUN device.
 */
public final class InMemoryHandshakeRun
{
    /** How a finished connection is closed. */
    public enum CloseMode
    {
        RST,
        FIN
    }

    /** The figures of one run. */
    public record Result(
        long handshakes, long elapsedNs, Histogram clientLatencyNs, Histogram serverLatencyNs, long failures,
        long packets, TcpEngine client, TcpEngine server)
    {
        public double handshakesPerSecond()
        {
            return handshakes * 1e9 / elapsedNs;
        }
    }

    private static final int SERVER_PORT = 80;
    private static final int FIRST_PORT = 1024;
    private static final int PORTS = 65_536 - FIRST_PORT;

    private final int concurrency;
    private final CloseMode closeMode;
    private final boolean ipv6;
    private final TcpEngine client;
    private final TcpEngine server;
    private final InMemoryWire wire;
    private final Histogram clientLatencyNs = new Histogram(3_600_000_000_000L, 3);
    private final Histogram serverLatencyNs = new Histogram(3_600_000_000_000L, 3);
    private final long serverHi;
    private final long serverLo;
    private int inFlight;
    private long completed;
    private long failures;
    private long nextTuple;
    private boolean recording;

    public InMemoryHandshakeRun(final int concurrency, final CloseMode closeMode, final boolean ipv6, final long mslMs)
    {
        if (concurrency < 1 || concurrency > 1 << 20)
        {
            throw new IllegalArgumentException("concurrency = " + concurrency + " is out of range: allowed 1..1048576");
        }
        this.concurrency = concurrency;
        this.closeMode = closeMode;
        this.ipv6 = ipv6;
        this.serverHi = ipv6 ? 0x2001_0002_0000_0000L : 0;
        this.serverLo = ipv6 ? 1 : IpAddress.v4Lo(0xC612_0001);
        final long nowNs = System.nanoTime();
        final int tableSize = Math.max(1 << 16, Integer.highestOneBit(concurrency * 4 - 1) << 1);
        final TcpConfig clientConfig = new TcpConfig().maxConnections(closeMode == CloseMode.FIN ? 1 << 20 : tableSize)
            .mslMs(mslMs);
        final TcpConfig serverConfig = new TcpConfig().maxConnections(closeMode == CloseMode.FIN ? 1 << 20 : tableSize)
            .mslMs(mslMs);
        this.wire = new InMemoryWire(WireFaults.none(), Math.max(4096, concurrency * 8), 256);
        this.client = new TcpEngine(clientConfig, new ClientHandler(), wire.sinkFromA(), nowNs);
        this.server = new TcpEngine(serverConfig, new ServerHandler(), wire.sinkFromB(), nowNs);
        wire.attach(client, server);
        server.listen(serverHi, serverLo, SERVER_PORT);
    }

    /** Runs {@code warmup} handshakes unrecorded, then {@code handshakes} recorded ones. */
    public Result run(final long warmup, final long handshakes)
    {
        drive(warmup);
        clientLatencyNs.reset();
        serverLatencyNs.reset();
        failures = 0;
        recording = true;
        final long packetsBefore = wire.delivered();
        final long startNs = System.nanoTime();
        drive(handshakes);
        final long elapsedNs = System.nanoTime() - startNs;
        return new Result(handshakes, elapsedNs, clientLatencyNs, serverLatencyNs, failures,
            wire.delivered() - packetsBefore, client, server);
    }

    private void drive(final long count)
    {
        completed = 0;
        long started = 0;
        long pollCounter = 0;
        while (completed < count)
        {
            long nowNs = System.nanoTime();
            wire.nowNs(nowNs);
            while (inFlight < concurrency && started < count)
            {
                if (startOne(nowNs))
                {
                    started++;
                }
                else
                {
                    break;
                }
            }
            nowNs = System.nanoTime();
            wire.deliver(nowNs);
            if ((++pollCounter & 63) == 0)
            {
                client.poll(nowNs);
                server.poll(nowNs);
            }
        }
        final long deadlineNs = System.nanoTime() + 1_000_000_000L;
        while (inFlight > 0 && System.nanoTime() - deadlineNs < 0)
        {
            final long nowNs = System.nanoTime();
            wire.deliver(nowNs);
            client.poll(nowNs);
            server.poll(nowNs);
        }
    }

    private boolean startOne(final long nowNs)
    {
        final long tuple = nextTuple++;
        final int port = FIRST_PORT + (int)(tuple % PORTS);
        final long host = 2 + tuple / PORTS;
        final long clientHi = ipv6 ? 0x2001_0002_0000_0001L : 0;
        final long clientLo = ipv6 ? host : IpAddress.v4Lo(0xC613_0000 + (int)(host & 0xFFFF));
        final long handle = client.connect(clientHi, clientLo, port, serverHi, serverLo, SERVER_PORT, nowNs);
        if (handle == ConnectionTable.NULL_HANDLE)
        {
            failures++;
            return false;
        }
        inFlight++;
        return true;
    }

    private final class ClientHandler implements TcpHandler
    {
        @Override
        public void onEstablished(final long handle)
        {
            if (recording)
            {
                clientLatencyNs.recordValue(Math.max(client.handshakeNs(handle), 0));
            }
            completed++;
            if (closeMode == CloseMode.RST)
            {
                client.abort(handle);
            }
            else
            {
                client.close(handle, System.nanoTime());
            }
        }

        @Override
        public void onClosed(final long handle, final CloseReason reason)
        {
            inFlight--;
            if (reason != CloseReason.ABORTED && reason != CloseReason.NORMAL)
            {
                failures++;
            }
        }
    }

    private final class ServerHandler implements TcpHandler
    {
        @Override
        public void onEstablished(final long handle)
        {
            if (recording)
            {
                serverLatencyNs.recordValue(Math.max(server.handshakeNs(handle), 0));
            }
        }

        @Override
        public void onPeerClosed(final long handle)
        {
            server.close(handle, System.nanoTime());
        }
    }
}
