package io.synpipe.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kernel baseline for {@link HandshakeBenchmark}: TCP handshakes through the Linux stack with plain
 * {@code java.net} sockets over loopback ({@code 127.0.0.1} only, nothing leaves the machine). A {@link ServerSocket}
 * accept loop runs on a daemon thread started in setup; it accepts each connection and closes it with
 * {@code SO_LINGER 0}, so the kernel sends RST and neither side keeps a TIME-WAIT entry (the in-memory benchmark's
 * RST close). Each operation is one client {@code connect} (which returns once the kernel has done the handshake)
 * and close, so ops/s are kernel handshakes/s.
 * <p>
 * The connect is a blocking one (no timeout: a timed connect is non-blocking plus poll in the JDK, and the server's
 * RST often lands before the poll, failing the connect with ECONNRESET although the handshake completed). If the RST
 * still beats the blocking connect back to user space, the handshake did complete (the server accepted it): it
 * counts as an operation and in the aux counter {@code resetBeforeConnectReturned}, so the figure shows how often.
 * <p>
 * Bounded: at most {@code inFlight} connections are connected but not yet accepted and reset (a semaphore the client
 * takes before {@code connect} and the accept thread gives back after the RST), so the accept queue never overflows
 * and no SYN is ever retried. {@code inFlight = 1} is a closed loop (connect, accept, RST, then the next); 64 lets the
 * client and the accept thread run on both cores at once. Unlike the synpipe benchmarks this one allocates (Java
 * socket objects per connection) and uses two threads and the kernel's work on both cores.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"})
public class KernelHandshakeBaselineBenchmark
{
    private static final int BACKLOG = 4096;
    private static final int PERMIT_TIMEOUT_MS = 1_000;
    private static final String RESET = "Connection reset by peer";

    @Param({"1", "64"})
    public int inFlight;

    private ServerSocket serverSocket;
    private InetSocketAddress address;
    private Semaphore permits;
    private Thread acceptor;
    private final AtomicLong accepted = new AtomicLong();
    private volatile IOException acceptFailure;
    private long connected;

    /** Handshakes whose connect saw the server's RST before returning (counted as handshakes all the same). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Resets
    {
        public long resetBeforeConnectReturned;

        @Setup(Level.Iteration)
        public void clear()
        {
            resetBeforeConnectReturned = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverSocket.getLocalPort());
        if (!address.getAddress().isLoopbackAddress())
        {
            throw new IllegalStateException("not a loopback address: " + address);
        }
        permits = new Semaphore(inFlight);
        acceptor = Thread.ofPlatform().daemon().name("kernel-baseline-accept").start(this::acceptLoop);
    }

    private void acceptLoop()
    {
        while (!serverSocket.isClosed())
        {
            try
            {
                final Socket socket = serverSocket.accept();
                socket.setSoLinger(true, 0);
                socket.close();
                accepted.incrementAndGet();
            }
            catch (final SocketException e)
            {
                if (!serverSocket.isClosed())
                {
                    acceptFailure = e;
                }
                return;
            }
            catch (final IOException e)
            {
                acceptFailure = e;
                return;
            }
            finally
            {
                permits.release();
            }
        }
    }

    @Benchmark
    public long handshake(final Resets resets) throws IOException, InterruptedException
    {
        if (!permits.tryAcquire(PERMIT_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        {
            throw new IllegalStateException("accept thread stalled: " + acceptFailure);
        }
        try (Socket socket = new Socket())
        {
            socket.connect(address);
        }
        catch (final SocketException e)
        {
            if (!RESET.equals(e.getMessage()))
            {
                throw e;
            }
            resets.resetBeforeConnectReturned++;
        }
        return ++connected;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        try
        {
            serverSocket.close();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        acceptor.join(TimeUnit.SECONDS.toMillis(5));
        if (acceptFailure != null)
        {
            throw new IllegalStateException("accept loop failed", acceptFailure);
        }
        if (connected - accepted.get() > inFlight)
        {
            throw new IllegalStateException(connected + " connected but only " + accepted.get() + " accepted");
        }
    }
}
