package io.synpipe.tun.connect;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.EngineEvent;
import io.synpipe.tun.Await;
import io.synpipe.tun.Netns;
import io.synpipe.tun.NetnsFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code synpipe connect} for real: the engine behind a TUN device in a namespace of the test's own opens a
 * connection to a Linux kernel {@link ServerSocket} in that namespace and pipes streams through it.
 */
class TunConnectorTest
{
    private static final String DEVICE = "synpipe0";
    private static final int PORT = 9000;
    private static final long MSL_MS = 50;
    private static final long DONE_TIMEOUT_MS = 30_000;
    private static final int PIECE_BYTES = 64 * 1024;

    private String netns;
    private boolean ownNamespace;
    private TunConnector connector;
    private ServerSocket kernelServer;

    @AfterEach
    void tearDown() throws Exception
    {
        try
        {
            if (kernelServer != null)
            {
                kernelServer.close();
            }
            if (connector != null)
            {
                connector.stop();
            }
        }
        finally
        {
            if (netns != null && Netns.exists(netns))
            {
                Netns.delete(netns);
            }
        }
    }

    /** A namespace connect creates (and deletes on stop); the kernel listens once the device is up. */
    private void startIn(final String tunCidr, final String from, final String to) throws Exception
    {
        NetnsFixture.requireNetworkPrivileges();
        netns = "synpipe-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        connector = TunConnector.start(ConnectSettings.parse(netns, DEVICE, List.of(tunCidr), from, to, 1, MSL_MS), null);
        assertThat(connector.stack().createdNamespace()).isTrue();
    }

    private void listen(final String address) throws Exception
    {
        kernelServer = Netns.call(netns, () ->
        {
            final ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(address, PORT));
            return server;
        });
    }

    @Test
    void connect_16MiBEachWayConcurrently_bothDigestsEqualAndBothSidesCloseCleanly() throws Exception
    {
        startIn(NetnsFixture.TUN_CIDR, NetnsFixture.SYNPIPE_ADDRESS, NetnsFixture.KERNEL_ADDRESS + ":" + PORT);
        exchange(16 << 20);
    }

    @Test
    void connect_ipv6_1MiBEachWay_bothDigestsEqualAndCleanClose() throws Exception
    {
        startIn("2001:2::1/64", "2001:2::2", "[2001:2::1]:" + PORT);
        exchange(1 << 20);
    }

    private void exchange(final int bytes) throws Exception
    {
        listen(connector.settings().isV4() ? NetnsFixture.KERNEL_ADDRESS : "2001:2::1");
        final byte[] up = random(bytes, 6);
        final byte[] down = random(bytes, 7);
        final CompletableFuture<KernelSide> kernel = async(() -> serveOnce(down));
        final DigestingOutput output = new DigestingOutput();

        connector.connect(new ByteArrayInputStream(up), output);

        assertThat(connector.await(DONE_TIMEOUT_MS)).as("connection done").isTrue();
        final KernelSide k = kernel.get(DONE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        final ConnectReport report = connector.stop();
        final String context = String.join("\n", report.lines()) + "\nkernel: " + k;
        assertThat(k.failure()).as(context).isNull();
        assertThat(k.bytesRead()).as(context).isEqualTo(bytes);
        assertThat(k.sawEndOfStream()).as("kernel read() returned -1 after synpipe's FIN").isTrue();
        assertThat(k.receivedSha256()).as(context).isEqualTo(sha256(up));
        assertThat(output.count).as(context).isEqualTo(bytes);
        assertThat(output.sha256()).as(context).isEqualTo(sha256(down));
        assertThat(report.closeReason()).as(context).isEqualTo(CloseReason.NORMAL);
        assertThat(report.completed()).isTrue();
        // no RST from synpipe; one from the kernel would have made the close RESET_BY_PEER
        assertThat(report.events()).doesNotContainKeys(EngineEvent.RST_SENT, EngineEvent.CLOSED_RST_SENT);
        assertThat(report.bytesSent()).isEqualTo(bytes);
        assertThat(report.bytesReceived()).isEqualTo(bytes);
        assertThat(report.bytesWritten()).isEqualTo(bytes);
        assertThat(report.pipelineErrors()).isZero();
        assertThat(Netns.exists(netns)).as("the namespace connect created is deleted").isFalse();
    }

    @Test
    void connect_nobodyListens_refused() throws Exception
    {
        startIn(NetnsFixture.TUN_CIDR, NetnsFixture.SYNPIPE_ADDRESS, NetnsFixture.KERNEL_ADDRESS + ":" + (PORT + 1));
        connector.connect(new ByteArrayInputStream(new byte[10]), OutputStream.nullOutputStream());

        assertThat(connector.await(DONE_TIMEOUT_MS)).isTrue();
        final ConnectReport report = connector.stop();
        assertThat(report.closeReason()).isEqualTo(CloseReason.REFUSED);
        assertThat(report.completed()).isFalse();
        assertThat(report.outcome()).isEqualTo("connection refused");
        assertThat(report.lines().get(0)).startsWith("synpipe connect: 198.18.0.2:")
            .contains(" -> 198.18.0.1:" + (PORT + 1) + ": connection refused");
    }

    @Test
    void connect_outputBlocked_receiveWindowClosesAndMemoryStaysBounded() throws Exception
    {
        startIn(NetnsFixture.TUN_CIDR, NetnsFixture.SYNPIPE_ADDRESS, NetnsFixture.KERNEL_ADDRESS + ":" + PORT);
        listen(NetnsFixture.KERNEL_ADDRESS);
        final int bytes = 4 << 20;
        final byte[] down = random(bytes, 8);
        final CompletableFuture<KernelSide> kernel = async(() -> serveOnce(down));
        final CountDownLatch release = new CountDownLatch(1);
        final DigestingOutput output = blockedOutput(release);
        connector.connect(new ByteArrayInputStream(new byte[0]), output);
        final StreamPipe pipe = connector.pipe();

        // the writer holds one chunk, the others fill up, then the engine's receive buffer: the window shuts (the
        // kernel sends nothing into a window smaller than a segment: sender SWS avoidance, RFC 9293 §3.8.6.2.1)
        final boolean shut = Await.until(connector.stack().queue(0).eventLoop(),
            () -> pipe.handle() != 0 && connector.engine().tcb(pipe.handle()) != null
                && connector.engine().tcb(pipe.handle()).rcvWnd() < connector.engine().tcb(pipe.handle()).sndMss(),
            DONE_TIMEOUT_MS);
        assertThat(shut).as("receive window closed: wnd %s unconsumed %s copied %s",
            connector.stack().queue(0).call(() -> connector.engine().tcb(pipe.handle()).rcvWnd()),
            connector.stack().queue(0).call(() -> connector.engine().unconsumed(pipe.handle())),
            connector.stack().queue(0).call(pipe::bytesReceived)).isTrue();
        final long copied = connector.stack().queue(0).call(pipe::bytesReceived);
        final int held = connector.stack().queue(0).call(() -> connector.engine().unconsumed(pipe.handle()));
        assertThat(copied).isLessThanOrEqualTo((long)StreamPipe.CHUNKS * StreamPipe.CHUNK_BYTES);
        final int bufferBytes = connector.engine().config().receiveBufferBytes();
        assertThat(held).isGreaterThan(bufferBytes / 2).isLessThanOrEqualTo(bufferBytes);

        release.countDown();
        assertThat(connector.await(DONE_TIMEOUT_MS)).isTrue();
        final KernelSide k = kernel.get(DONE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        final ConnectReport report = connector.stop();
        assertThat(k.failure()).isNull();
        assertThat(k.sawEndOfStream()).isTrue();
        assertThat(output.count).isEqualTo(bytes);
        assertThat(output.sha256()).isEqualTo(sha256(down));
        assertThat(report.closeReason()).isEqualTo(CloseReason.NORMAL);
    }

    @Test
    void connect_peerFinWhileOutputBlocked_heldBytesSurviveTimeWaitAndAllAreWritten() throws Exception
    {
        startIn(NetnsFixture.TUN_CIDR, NetnsFixture.SYNPIPE_ADDRESS, NetnsFixture.KERNEL_ADDRESS + ":" + PORT);
        listen(NetnsFixture.KERNEL_ADDRESS);
        // more than the chunks hold, less than chunks and receive buffer together: the FIN gets through
        final int bytes = 320 * 1024;
        final byte[] down = random(bytes, 9);
        final CompletableFuture<KernelSide> kernel = async(() -> serveOnce(down));
        final CountDownLatch release = new CountDownLatch(1);
        final DigestingOutput output = blockedOutput(release);
        // empty input: our FIN goes first, the peer's FIN then moves the connection to TIME-WAIT, where the engine
        // gives the receive buffer back
        connector.connect(new ByteArrayInputStream(new byte[0]), output);
        final StreamPipe pipe = connector.pipe();

        final boolean closed = Await.until(connector.stack().queue(0).eventLoop(),
            () -> pipe.closeReason() != null, DONE_TIMEOUT_MS);
        assertThat(closed).isTrue();
        assertThat(pipe.closeReason()).isEqualTo(CloseReason.NORMAL);
        assertThat(output.count).as("nothing written yet").isZero();

        release.countDown();
        assertThat(connector.await(DONE_TIMEOUT_MS)).isTrue();
        assertThat(kernel.get(DONE_TIMEOUT_MS, TimeUnit.MILLISECONDS).sawEndOfStream()).isTrue();
        assertThat(output.count).isEqualTo(bytes);
        assertThat(output.sha256()).isEqualTo(sha256(down));
        assertThat(connector.stop().completed()).isTrue();
    }

    @Test
    void connect_kernelNotReading_inputReadingStopsThenEveryByteArrives() throws Exception
    {
        startIn(NetnsFixture.TUN_CIDR, NetnsFixture.SYNPIPE_ADDRESS, NetnsFixture.KERNEL_ADDRESS + ":" + PORT);
        listen(NetnsFixture.KERNEL_ADDRESS);
        final int bytes = 32 << 20;
        final byte[] up = random(bytes, 10);
        final CountDownLatch startReading = new CountDownLatch(1);
        final CompletableFuture<KernelSide> kernel = async(() -> readAfter(startReading));
        final java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong();
        final InputStream input = new ByteArrayInputStream(up)
        {
            @Override
            public synchronized int read(final byte[] b, final int off, final int len)
            {
                final int n = super.read(b, off, len);
                taken.addAndGet(Math.max(n, 0));
                return n;
            }
        };
        connector.connect(input, OutputStream.nullOutputStream());
        final StreamPipe pipe = connector.pipe();

        // the kernel's window shuts, then our send buffer fills, then the chunks: the reader stops taking input
        // (onWritable comes only once half the send buffer is free, so "full" is not the condition)
        final boolean stalled = Await.until(connector.stack().queue(0).eventLoop(),
            () -> pipe.handle() != 0 && connector.engine().tcb(pipe.handle()) != null
                && connector.engine().tcb(pipe.handle()).sndWnd() == 0 && pipe.inputStalled(),
            DONE_TIMEOUT_MS);
        assertThat(stalled).as("peer window shut, input waiting for send-buffer room, every chunk taken").isTrue();
        final long sent = connector.stack().queue(0).call(pipe::bytesSent);
        assertThat(taken.get()).isLessThan(bytes / 4);
        assertThat(taken.get() - sent).isLessThanOrEqualTo((long)StreamPipe.CHUNKS * StreamPipe.CHUNK_BYTES);

        startReading.countDown();
        assertThat(connector.await(DONE_TIMEOUT_MS)).isTrue();
        final KernelSide k = kernel.get(DONE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(k.failure()).isNull();
        assertThat(k.bytesRead()).isEqualTo(bytes);
        assertThat(k.receivedSha256()).isEqualTo(sha256(up));
        assertThat(connector.stop().completed()).isTrue();
    }

    @Test
    void connect_outputFails_connectionAbortedAndFailureReported() throws Exception
    {
        startIn(NetnsFixture.TUN_CIDR, NetnsFixture.SYNPIPE_ADDRESS, NetnsFixture.KERNEL_ADDRESS + ":" + PORT);
        listen(NetnsFixture.KERNEL_ADDRESS);
        final CompletableFuture<KernelSide> kernel = async(() -> serveOnce(random(1 << 20, 11)));
        final OutputStream broken = new OutputStream()
        {
            @Override
            public void write(final int b) throws IOException
            {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(final byte[] b, final int off, final int len) throws IOException
            {
                throw new IOException("Broken pipe");
            }
        };
        final java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        connector.connect(new java.io.PipedInputStream(feed), broken);

        assertThat(connector.await(DONE_TIMEOUT_MS)).isTrue();
        final ConnectReport report = connector.stop();
        feed.close();
        assertThat(report.failure()).isEqualTo("writing output: Broken pipe");
        assertThat(report.closeReason()).isEqualTo(CloseReason.ABORTED);
        assertThat(report.completed()).isFalse();
        assertThat(report.stopped()).isFalse();
        assertThat(kernel.get(DONE_TIMEOUT_MS, TimeUnit.MILLISECONDS).failure()).as("the kernel saw the RST")
            .contains("reset");
    }

    /** Accepts one connection, half-closes at once, reads nothing until {@code go}, then reads to end of stream. */
    private KernelSide readAfter(final CountDownLatch go)
    {
        try (Socket socket = kernelServer.accept())
        {
            socket.setSoTimeout((int)DONE_TIMEOUT_MS);
            socket.shutdownOutput();
            if (!go.await(DONE_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                return new KernelSide(-1, null, false, "not released");
            }
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            final InputStream in = socket.getInputStream();
            final byte[] buffer = new byte[PIECE_BYTES];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0)
            {
                digest.update(buffer, 0, n);
                total += n;
            }
            return new KernelSide(total, HexFormat.of().formatHex(digest.digest()), true, null);
        }
        catch (final Exception ex)
        {
            return new KernelSide(-1, null, false, ex.toString());
        }
    }

    /** An output whose writes wait for {@code release}. */
    private static DigestingOutput blockedOutput(final CountDownLatch release)
    {
        return new DigestingOutput()
        {
            @Override
            public void write(final byte[] b, final int off, final int len) throws IOException
            {
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    throw new IOException(ex);
                }
                super.write(b, off, len);
            }
        };
    }

    @Test
    void stop_connectionOpen_kernelSeesResetAndNamespaceIsGone() throws Exception
    {
        startIn(NetnsFixture.TUN_CIDR, NetnsFixture.SYNPIPE_ADDRESS, NetnsFixture.KERNEL_ADDRESS + ":" + PORT);
        listen(NetnsFixture.KERNEL_ADDRESS);
        final CompletableFuture<Socket> accepted = async(() ->
        {
            try
            {
                return kernelServer.accept();
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        final java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        connector.connect(new java.io.PipedInputStream(feed), OutputStream.nullOutputStream());
        try (Socket socket = accepted.get(DONE_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        {
            socket.setSoTimeout((int)DONE_TIMEOUT_MS);
            final ConnectReport report = connector.stop();
            assertThat(report.stopped()).isTrue();
            assertThat(report.closeReason()).isEqualTo(CloseReason.ENGINE_CLOSED);
            final InputStream in = socket.getInputStream();
            org.assertj.core.api.Assertions.assertThatThrownBy(in::read).isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
        }
        feed.close();
        assertThat(Netns.exists(netns)).isFalse();
    }

    /** What the kernel server saw. */
    private record KernelSide(long bytesRead, String receivedSha256, boolean sawEndOfStream, String failure)
    {
    }

    /** Accepts one connection, sends {@code down} then shuts its output, reads until end of stream, closes. */
    private KernelSide serveOnce(final byte[] down)
    {
        try (Socket socket = kernelServer.accept())
        {
            socket.setSoTimeout((int)DONE_TIMEOUT_MS);
            final CompletableFuture<Object> sender = async(() ->
            {
                try
                {
                    final OutputStream out = socket.getOutputStream();
                    for (int off = 0; off < down.length; off += PIECE_BYTES)
                    {
                        out.write(down, off, Math.min(PIECE_BYTES, down.length - off));
                    }
                    socket.shutdownOutput();
                    return null;
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            final InputStream in = socket.getInputStream();
            final byte[] buffer = new byte[PIECE_BYTES];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0)
            {
                digest.update(buffer, 0, n);
                total += n;
            }
            sender.get(DONE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return new KernelSide(total, HexFormat.of().formatHex(digest.digest()), true, null);
        }
        catch (final Exception ex)
        {
            return new KernelSide(-1, null, false, ex.toString());
        }
    }

    /**
     * Runs {@code task} on a thread of its own: the common pool has one thread on two cores, and a kernel peer
     * blocked in read() would hold back its own sender.
     */
    private static <T> CompletableFuture<T> async(final java.util.function.Supplier<T> task)
    {
        final CompletableFuture<T> future = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("kernel-peer").start(() ->
        {
            try
            {
                future.complete(task.get());
            }
            catch (final Throwable t)
            {
                future.completeExceptionally(t);
            }
        });
        return future;
    }

    private static byte[] random(final int bytes, final long seed)
    {
        final byte[] data = new byte[bytes];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    private static String sha256(final byte[] data) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Counts and digests what synpipe writes out. */
    private static class DigestingOutput extends OutputStream
    {
        private final MessageDigest digest;
        volatile long count;

        DigestingOutput()
        {
            try
            {
                digest = MessageDigest.getInstance("SHA-256");
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        @Override
        public void write(final int b)
        {
            digest.update((byte)b);
            count++;
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            digest.update(b, off, len);
            count += len;
        }

        String sha256()
        {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
