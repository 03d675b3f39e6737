package io.synpipe.tun.load;

import io.synpipe.tun.Netns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A kernel listening socket for handshake load: a Java {@link ServerSocket} created inside a network namespace
 * (the namespace's own {@code net.core.somaxconn} caps the backlog: see {@link #tuneNamespace}) and a few accept
 * threads that close each accepted socket at once (FIN, or RST if the peer already reset it). It can note the
 * remote address of every accepted connection (a test's check that many sources were used).
 */
public final class KernelServer implements AutoCloseable
{
    /** Listen backlog asked for; the kernel caps it at the namespace's {@code net.core.somaxconn}. */
    public static final int BACKLOG = 65_535;

    private final ServerSocket socket;
    private final List<Thread> acceptors = new ArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private final Set<InetAddress> remotes;
    private volatile boolean stopping;

    private KernelServer(final ServerSocket socket, final boolean trackRemotes)
    {
        this.socket = socket;
        this.remotes = trackRemotes ? ConcurrentHashMap.newKeySet() : null;
    }

    /**
     * Raises the namespace's listen and SYN backlog limits ({@code net.core.somaxconn},
     * {@code net.ipv4.tcp_max_syn_backlog}) so a burst of handshakes is not dropped by the accept queue; inside
     * {@code ns} only.
     */
    public static void tuneNamespace(final String ns) throws IOException
    {
        Netns.exec(ns, "sysctl", "-q", "-w", "net.core.somaxconn=" + BACKLOG);
        Netns.exec(ns, "sysctl", "-q", "-w", "net.ipv4.tcp_max_syn_backlog=" + BACKLOG);
    }

    /**
     * Listens on {@code bind} inside namespace {@code ns} and starts {@code acceptThreads} accept threads.
     *
     * @param trackRemotes whether to note each accepted connection's remote address ({@link #remoteAddresses}).
     */
    public static KernelServer start(
        final String ns, final InetSocketAddress bind, final int acceptThreads, final boolean trackRemotes)
        throws Exception
    {
        if (acceptThreads < 1 || acceptThreads > 64)
        {
            throw new IllegalArgumentException("acceptThreads " + acceptThreads + " is out of range: allowed 1..64");
        }
        final ServerSocket socket = Netns.call(ns, () ->
        {
            final ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(bind, BACKLOG);
            return s;
        });
        final KernelServer server = new KernelServer(socket, trackRemotes);
        for (int t = 0; t < acceptThreads; t++)
        {
            server.acceptors.add(Thread.ofPlatform().daemon().name("kernel-server-" + t).start(server::acceptLoop));
        }
        return server;
    }

    private void acceptLoop()
    {
        while (!stopping)
        {
            try (Socket s = socket.accept())
            {
                accepted.incrementAndGet();
                if (remotes != null)
                {
                    remotes.add(s.getInetAddress());
                }
            }
            catch (final IOException ex)
            {
                // a connection reset before accept, or the socket closed by close(): the loop condition decides
            }
        }
    }

    /** Connections accepted so far. */
    public long accepted()
    {
        return accepted.get();
    }

    /** Remote addresses seen, if tracked (else empty). */
    public Set<InetAddress> remoteAddresses()
    {
        return remotes == null ? Set.of() : Set.copyOf(remotes);
    }

    @Override
    public void close() throws IOException
    {
        stopping = true;
        socket.close();
        for (final Thread t : acceptors)
        {
            try
            {
                t.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
