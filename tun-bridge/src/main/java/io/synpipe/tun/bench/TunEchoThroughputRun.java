package io.synpipe.tun.bench;

import io.synpipe.tun.Netns;
import io.synpipe.tun.TunStack;
import io.synpipe.tun.VethPair;
import io.synpipe.tun.serve.ServeSettings;
import io.synpipe.tun.serve.TunServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Single-stream echo throughput against real Linux TCP, in namespaces the run creates and deletes (198.18.0.0/15
 * only), both scenarios in one run:
 * <ol>
 * <li>a kernel client → synpipe {@code serve --mode echo} on a TUN device (one queue), with MTU 1500 and 65535;</li>
 * <li>a kernel client → a kernel echo server (a Java thread copying its socket's input to its output) over a veth
 * pair between two namespaces.</li>
 * </ol>
 * The client writes 64 KiB chunks for the given time on one thread, half-closes, and reads the echo on another;
 * the figure is payload bytes echoed back per second (each byte crossed the link twice). Run as root:
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *       -cp bench/target/synpipe.jar io.synpipe.tun.bench.TunEchoThroughputRun [seconds]
 * </pre>
 */
public final class TunEchoThroughputRun
{
    private static final int PORT = 7;
    private static final int CHUNK = 64 * 1024;
    private static final int TIMEOUT_MS = 10_000;

    private TunEchoThroughputRun()
    {
    }

    /** One scenario's figures. */
    public record Result(String name, long bytesEchoed, double seconds)
    {
        public double gbitPerSecond()
        {
            return bytesEchoed * 8 / seconds / 1e9;
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
        if (seconds < 1 || seconds > 120)
        {
            throw new IllegalArgumentException("seconds " + seconds + " is out of range: allowed 1..120");
        }
        Netns.checkPrivileges();
        final String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        System.out.printf(Locale.ROOT, "synpipe echo throughput: one stream, %d s each, %d KiB writes, %d cores, JDK %s%n",
            seconds, CHUNK / 1024, Runtime.getRuntime().availableProcessors(), Runtime.version());
        for (final Result r : List.of(againstSynpipe("synpipe-echo-" + tag, seconds, TunStack.DEFAULT_MTU),
            againstSynpipe("synpipe-echo-" + tag, seconds, 65_535),
            againstKernel("synpipe-ec-" + tag, "synpipe-es-" + tag, seconds)))
        {
            System.out.printf(Locale.ROOT, "%-40s %6.2f Gbit/s echoed (%,d bytes in %.2f s)%n",
                r.name(), r.gbitPerSecond(), r.bytesEchoed(), r.seconds());
        }
    }

    static Result againstSynpipe(final String ns, final long seconds, final int mtu) throws Exception
    {
        final ServeSettings settings = ServeSettings.parse(ns, "specho0", List.of("198.18.0.1/15"),
            List.of("198.18.0.2:" + PORT + "=echo"), "echo", 100, 0).withMtu(mtu);
        try (TunServer server = TunServer.start(settings))
        {
            try
            {
                return client("kernel <-> synpipe (TUN, MTU " + mtu + ")", ns, new InetSocketAddress("198.18.0.2", PORT), seconds);
            }
            finally
            {
                server.snapshot().lines().forEach(line -> System.out.println("  synpipe " + line));
            }
        }
    }

    static Result againstKernel(final String clientNs, final String serverNs, final long seconds) throws Exception
    {
        try (VethPair veth = VethPair.create(clientNs, serverNs))
        {
            final ServerSocket server = Netns.call(serverNs, () ->
            {
                final ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(VethPair.SERVER_ADDRESS, PORT), 16);
                return s;
            });
            final Thread echo = Thread.ofPlatform().daemon().name("kernel-echo").start(() ->
            {
                try (server; Socket accepted = server.accept())
                {
                    accepted.getInputStream().transferTo(accepted.getOutputStream());
                    accepted.shutdownOutput();
                }
                catch (final IOException ex)
                {
                    // the client reports a short echo
                }
            });
            try
            {
                return client("kernel <-> kernel (veth)", veth.clientNs(),
                    new InetSocketAddress(VethPair.SERVER_ADDRESS, PORT), seconds);
            }
            finally
            {
                server.close();
                echo.join(TIMEOUT_MS);
            }
        }
    }

    /** Writes for {@code seconds}, half-closes, and reads the echo to its end; throughput = echoed bytes / time. */
    private static Result client(final String name, final String ns, final InetSocketAddress target, final long seconds)
        throws Exception
    {
        // java.net.Socket makes its file descriptor at connect: connect on the thread inside the namespace
        try (Socket socket = Netns.call(ns, () ->
        {
            final Socket s = new Socket();
            s.connect(target, TIMEOUT_MS);
            return s;
        }))
        {
            socket.setSoTimeout(TIMEOUT_MS);
            final long[] written = new long[1];
            final long startNs = System.nanoTime();
            final long endNs = startNs + TimeUnit.SECONDS.toNanos(seconds);
            final Thread writer = Thread.ofPlatform().name("echo-writer").start(() ->
            {
                final byte[] chunk = new byte[CHUNK];
                ThreadLocalRandom.current().nextBytes(chunk);
                try
                {
                    final OutputStream out = socket.getOutputStream();
                    while (System.nanoTime() - endNs < 0)
                    {
                        out.write(chunk);
                        written[0] += CHUNK;
                    }
                    socket.shutdownOutput();
                }
                catch (final IOException ex)
                {
                    System.err.println(name + ": writing failed: " + ex);
                }
            });
            final byte[] in = new byte[CHUNK];
            long read = 0;
            final InputStream input = socket.getInputStream();
            for (int n; (n = input.read(in)) >= 0; )
            {
                read += n;
            }
            final double elapsedS = (System.nanoTime() - startNs) / 1e9;
            writer.join();
            if (read != written[0])
            {
                throw new IOException(name + ": wrote " + written[0] + " bytes but " + read + " came back");
            }
            return new Result(name, read, elapsedS);
        }
    }
}
