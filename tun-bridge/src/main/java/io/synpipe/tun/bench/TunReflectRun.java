package io.synpipe.tun.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.synpipe.tun.Netns;
import io.synpipe.tun.Tun;
import io.synpipe.tun.TunChannel;
import io.synpipe.tun.TunChannelStats;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Packets per second through one TUN queue and its {@link TunChannel} on one epoll event loop, in a namespace of the
 * run's own (198.18.0.0/15 only). Two ways to drive it:
 * <ul>
 * <li>{@code udp}: kernel UDP clients send datagrams to 198.18.0.2, which routes them into the TUN; a handler swaps
 * source and destination (address and port: both checksums stay valid) and writes each packet back in the buffer it
 * was read into; the client receives it and sends the next. Bound by the clients' send/receive system calls.</li>
 * <li>{@code forward}: the namespace forwards IPv4 and the handler injects packets to 198.18.0.3, an address the
 * kernel does not own, so the kernel routes each one straight back into the TUN; the handler restores the TTL the
 * kernel decremented (RFC 1624 checksum update) and writes it again. The kernel's forwarding runs inside the
 * event loop's {@code write(2)}, so this shows what one thread moves through one queue.</li>
 * </ul>
 * Every counted packet is one TUN read and one TUN write. Run as root:
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *       -cp bench/target/synpipe.jar io.synpipe.tun.bench.TunReflectRun forward|udp [seconds] [inflight] [budget] [clients] [queues]
 * </pre>
 * With {@code queues} > 1 the device is multi-queue and each queue has its own channel on its own event loop; in
 * {@code forward} mode each queue injects its own flows (UDP source port 1000 + queue), which the kernel hands back
 * to the queue that wrote them.
 */
public final class TunReflectRun
{
    private static final String DEVICE = "reflect0";
    private static final String KERNEL_CIDR = "198.18.0.1/15";
    private static final String KERNEL_ADDRESS = "198.18.0.1";
    private static final String REFLECTOR_ADDRESS = "198.18.0.2";
    private static final int FORWARDED_ADDRESS = (198 << 24) | (18 << 16) | 3;
    private static final int SOURCE_ADDRESS = (198 << 24) | (18 << 16) | 2;
    private static final int PORT = 9;
    private static final int PAYLOAD_BYTES = 32;
    private static final int PACKET_BYTES = 20 + 8 + PAYLOAD_BYTES;
    private static final int TTL = 64;
    private static final int RECEIVE_TIMEOUT_MS = 100;
    private static final long WARMUP_MS = 1_000;

    private TunReflectRun()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final boolean forward = args.length == 0 || args[0].equals("forward");
        if (args.length > 0 && !args[0].equals("forward") && !args[0].equals("udp"))
        {
            throw new IllegalArgumentException("mode '" + args[0] + "' is not allowed: use forward or udp");
        }
        final long seconds = args.length > 1 ? Long.parseLong(args[1]) : 5;
        final int inflight = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        final int budget = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        final int clients = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        final int queues = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        if (seconds < 1 || seconds > 600 || clients < 1 || clients > 16 || inflight < 1 || clients * inflight > 400
            || queues < 1 || queues > 16)
        {
            throw new IllegalArgumentException("seconds 1..600, clients 1..16, clients x inflight 1..400 "
                + "(the TUN queue holds 500 packets), queues 1..16");
        }
        Netns.checkPrivileges();
        final String ns = "synpipe-reflect-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Netns.add(ns);
        MultiThreadIoEventLoopGroup group = null;
        final List<TunChannel> channels = new ArrayList<>();
        try
        {
            Netns.ip(ns, "link", "set", "lo", "up");
            final List<Tun> tuns = new ArrayList<>();
            for (int q = 0; q < queues; q++)
            {
                tuns.add(Netns.call(ns, () -> Tun.open(DEVICE, queues > 1)));
            }
            Netns.exec(ns, "sysctl", "-q", "-w", "net/ipv6/conf/" + DEVICE + "/disable_ipv6=1");
            if (forward)
            {
                Netns.exec(ns, "sysctl", "-q", "-w", "net/ipv4/ip_forward=1");
                Netns.exec(ns, "sysctl", "-q", "-w", "net/ipv4/conf/all/send_redirects=0");
                Netns.exec(ns, "sysctl", "-q", "-w", "net/ipv4/conf/" + DEVICE + "/send_redirects=0");
            }
            Netns.ip(ns, "addr", "add", KERNEL_CIDR, "dev", DEVICE);
            Netns.ip(ns, "link", "set", DEVICE, "up");
            group = new MultiThreadIoEventLoopGroup(queues, EpollIoHandler.newFactory());
            for (final Tun tun : tuns)
            {
                final TunChannel channel = new TunChannel(tun);
                channels.add(channel);
                channel.config().setReadBudget(budget);
                channel.pipeline().addLast(new Reflector(forward));
                channel.register(group.next()).sync();
            }

            System.out.printf(Locale.ROOT, "synpipe TUN reflect (%s): %d s after %d ms warm-up, %d packets in flight%s, "
                    + "read budget %d, %d-byte IPv4/UDP packets, %d queue(s), %d cores, JDK %s%n",
                forward ? "forward" : "udp", seconds, WARMUP_MS, clients * inflight * (forward ? queues : 1),
                forward ? "" : " (" + clients + " client threads)", budget, PACKET_BYTES, queues,
                Runtime.getRuntime().availableProcessors(), Runtime.version());
            if (forward)
            {
                runForward(channels, seconds, inflight);
            }
            else
            {
                runUdp(channels, ns, seconds, inflight, clients);
            }
        }
        finally
        {
            for (final TunChannel channel : channels)
            {
                channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            if (group != null)
            {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            Netns.delete(ns);
        }
    }

    private static void runForward(final List<TunChannel> channels, final long seconds, final int inflight)
        throws Exception
    {
        for (int q = 0; q < channels.size(); q++)
        {
            final TunChannel channel = channels.get(q);
            final int sourcePort = 1000 + q;
            channel.eventLoop().submit(() ->
            {
                for (int i = 0; i < inflight; i++)
                {
                    channel.write(forwardedPacket(channel.alloc().directBuffer(PACKET_BYTES), i, sourcePort),
                        channel.voidPromise());
                }
                channel.flush();
            }).get();
        }
        Thread.sleep(WARMUP_MS);
        final Sample before = Sample.take(channels);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        final Sample after = Sample.take(channels);
        report(before, after, "forwarded");
        perQueue(channels);
    }

    private static void perQueue(final List<TunChannel> channels) throws Exception
    {
        if (channels.size() > 1)
        {
            final StringBuilder line = new StringBuilder("per queue    packets read");
            for (final TunChannel channel : channels)
            {
                line.append(' ').append(String.format(Locale.ROOT, "%,d", Sample.take(List.of(channel)).read));
            }
            System.out.println(line);
        }
    }

    private static void runUdp(
        final List<TunChannel> channels, final String ns, final long seconds, final int inflight, final int clients)
        throws Exception
    {
        final AtomicLong timeouts = new AtomicLong();
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARMUP_MS) + TimeUnit.SECONDS.toNanos(seconds);
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++)
        {
            threads.add(Thread.ofPlatform().name("reflect-client-" + c).start(() ->
            {
                try
                {
                    Netns.call(ns, () -> runClient(endNs, inflight, timeouts));
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            }));
        }
        Thread.sleep(WARMUP_MS);
        final Sample before = Sample.take(channels);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        final Sample after = Sample.take(channels);
        for (final Thread t : threads)
        {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        report(before, after, "reflected");
        perQueue(channels);
        System.out.printf(Locale.ROOT, "clients      %d receive timeouts (a lost packet is resent after %d ms)%n",
            timeouts.get(), RECEIVE_TIMEOUT_MS);
    }

    private static void report(final Sample before, final Sample after, final String what)
    {
        final double seconds = (after.sampledNs - before.sampledNs) / 1e9;
        final long packets = after.read - before.read;
        final long wakeups = after.wakeups - before.wakeups;
        System.out.printf(Locale.ROOT, "%-12s %,.0f packets/s (%,d packets in %.2f s; each one TUN read + one TUN write)%n",
            what, packets / seconds, packets, seconds);
        System.out.printf(Locale.ROOT, "channel      written %,d, read wakeups %,d (%.1f packets each), budget reached %,d, "
                + "writes parked on EAGAIN %,d, write errors %d%n",
            after.written - before.written, wakeups, packets / (double)Math.max(1, wakeups),
            after.budgetReached - before.budgetReached, after.parked - before.parked, after.writeErrors);
    }

    /** Keeps {@code inflight} datagrams in flight until {@code endNs}. */
    private static Void runClient(final long endNs, final int inflight, final AtomicLong timeouts) throws IOException
    {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(KERNEL_ADDRESS, 0)))
        {
            udp.connect(new InetSocketAddress(REFLECTOR_ADDRESS, PORT));
            udp.setSoTimeout(RECEIVE_TIMEOUT_MS);
            final DatagramPacket out = new DatagramPacket(new byte[PAYLOAD_BYTES], PAYLOAD_BYTES);
            final DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
            for (int i = 0; i < inflight; i++)
            {
                udp.send(out);
            }
            while (System.nanoTime() - endNs < 0)
            {
                try
                {
                    in.setLength(2048);
                    udp.receive(in);
                }
                catch (final SocketTimeoutException ex)
                {
                    timeouts.incrementAndGet();
                }
                udp.send(out);
            }
            return null;
        }
    }

    /** An IPv4/UDP packet 198.18.0.2:9 -> 198.18.0.3:9 (UDP checksum 0: none, allowed over IPv4). */
    private static ByteBuf forwardedPacket(final ByteBuf p, final int id, final int sourcePort)
    {
        p.writeByte(0x45).writeByte(0).writeShort(PACKET_BYTES).writeShort(id).writeShort(0)
            .writeByte(TTL).writeByte(17).writeShort(0).writeInt(SOURCE_ADDRESS).writeInt(FORWARDED_ADDRESS);
        long sum = 0;
        for (int i = 0; i < 20; i += 2)
        {
            sum += p.getUnsignedShort(i);
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        p.setShort(10, (int)~sum & 0xffff);
        p.writeShort(sourcePort).writeShort(PORT).writeShort(8 + PAYLOAD_BYTES).writeShort(0);
        p.writeZero(PAYLOAD_BYTES);
        return p;
    }

    /** Counters read on the event loop at one instant. */
    private record Sample(long sampledNs, long read, long written, long wakeups, long budgetReached, long parked,
                          long writeErrors)
    {
        /** The sum over the channels, each read on its own loop (microseconds apart). */
        static Sample take(final List<TunChannel> channels) throws Exception
        {
            Sample sum = new Sample(0, 0, 0, 0, 0, 0, 0);
            for (final TunChannel channel : channels)
            {
                final Sample one = channel.eventLoop().submit(() ->
                {
                    final TunChannelStats s = channel.stats();
                    return new Sample(System.nanoTime(), s.packetsRead(), s.packetsWritten(), s.readWakeups(),
                        s.readBudgetExhausted(), s.writeParked(), s.writeErrors());
                }).get();
                sum = new Sample(one.sampledNs, sum.read + one.read, sum.written + one.written,
                    sum.wakeups + one.wakeups, sum.budgetReached + one.budgetReached, sum.parked + one.parked,
                    sum.writeErrors + one.writeErrors);
            }
            return sum;
        }
    }

    /** Writes each IPv4/UDP packet back: with source and destination swapped ({@code udp}) or TTL restored. */
    private static final class Reflector extends ChannelInboundHandlerAdapter
    {
        private final boolean forward;

        Reflector(final boolean forward)
        {
            this.forward = forward;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf p = (ByteBuf)msg;
            final int start = p.readerIndex();
            if (p.readableBytes() < 28 || (p.getByte(start) & 0xf0) != 0x40 || p.getByte(start + 9) != 17)
            {
                p.release();
                return;
            }
            if (forward)
            {
                restoreTtl(p, start);
            }
            else
            {
                final int src = p.getInt(start + 12);
                p.setInt(start + 12, p.getInt(start + 16));
                p.setInt(start + 16, src);
                final int udp = start + (p.getByte(start) & 0x0f) * 4;
                final short srcPort = p.getShort(udp);
                p.setShort(udp, p.getShort(udp + 2));
                p.setShort(udp + 2, srcPort);
            }
            ctx.write(p, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            ctx.flush();
        }

        /** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), m the 16-bit word holding TTL and protocol. */
        private static void restoreTtl(final ByteBuf p, final int start)
        {
            final int oldWord = p.getUnsignedShort(start + 8);
            final int newWord = (TTL << 8) | (oldWord & 0xff);
            int sum = (~p.getUnsignedShort(start + 10) & 0xffff) + (~oldWord & 0xffff) + newWord;
            sum = (sum & 0xffff) + (sum >>> 16);
            sum = (sum & 0xffff) + (sum >>> 16);
            p.setShort(start + 8, newWord);
            p.setShort(start + 10, ~sum & 0xffff);
        }
    }
}
