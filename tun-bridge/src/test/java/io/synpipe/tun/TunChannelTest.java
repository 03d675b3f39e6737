package io.synpipe.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.synpipe.wire.TcpSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Netty channel over a TUN queue, against the kernel on the other side of the device. */
class TunChannelTest
{
    private static final String DEVICE = "sp0";

    private NetnsFixture ns;
    private MultiThreadIoEventLoopGroup group;
    private TunChannel channel;
    private final List<byte[]> received = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception
    {
        ns = NetnsFixture.create();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        channel = new TunChannel(Netns.call(ns.name(), () -> Tun.open(DEVICE)));
        ns.configure(DEVICE);
    }

    @AfterEach
    void tearDown() throws Exception
    {
        try
        {
            if (channel != null && channel.isRegistered())
            {
                channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            else if (channel != null)
            {
                channel.tun().close();
            }
            if (group != null)
            {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
        finally
        {
            if (ns != null)
            {
                ns.close();
            }
        }
    }

    /** Records every packet read (copied) and releases it. */
    private final class Recorder extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf packet = (ByteBuf)msg;
            final byte[] bytes = new byte[packet.readableBytes()];
            packet.readBytes(bytes);
            packet.release();
            received.add(bytes);
        }
    }

    private void register() throws Exception
    {
        channel.pipeline().addLast(new Recorder());
        assertThat(channel.register(group.next()).await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(channel.isRegistered()).isTrue();
    }

    @Test
    void read_packetsQueuedBeforeRegistration_readInBudgetSizedBatches() throws Exception
    {
        final int packets = 300;
        channel.config().setReadBudget(64);
        sendUdp(packets);
        register();

        assertThat(Await.until(channel.eventLoop(), () -> received.size() == packets, 5_000)).as("all read").isTrue();
        final TunChannelStats stats = channel.eventLoop().submit(channel::stats).get();
        assertThat(stats.packetsRead()).isEqualTo(packets);
        assertThat(stats.bytesRead()).isEqualTo(packets * (20L + 8 + 32));
        // 300 packets at 64 per wakeup: four full batches and one of 44
        assertThat(stats.readBudgetExhausted()).isEqualTo(4);
        assertThat(stats.readWakeups()).isEqualTo(5);
        assertThat(received.get(packets - 1)[20 + 8]).isEqualTo((byte)(packets - 1));
    }

    @Test
    void read_autoReadOff_nothingReadUntilReadIsCalled() throws Exception
    {
        channel.config().setAutoRead(false);
        sendUdp(10);
        register();

        // the queued packets stay in the device while nobody asked to read (checked for 200 ms)
        assertThat(Await.until(channel.eventLoop(), () -> !received.isEmpty(), 200)).isFalse();
        channel.read();
        assertThat(Await.until(channel.eventLoop(), () -> received.size() == 10, 5_000)).isTrue();
        assertThat(channel.eventLoop().submit(() -> channel.stats().readWakeups()).get()).isEqualTo(1);
    }

    private void sendUdp(final int packets) throws Exception
    {
        Netns.call(ns.name(), () ->
        {
            try (DatagramSocket socket = new DatagramSocket())
            {
                final byte[] payload = new byte[32];
                for (int i = 0; i < packets; i++)
                {
                    payload[0] = (byte)i;
                    socket.send(new DatagramPacket(payload, payload.length, InetAddress.getByName(NetnsFixture.SYNPIPE_ADDRESS), 9));
                }
            }
            return null;
        });
    }

    @Test
    void write_synToKernelListener_kernelAnswersSynAckThroughTheChannel() throws Exception
    {
        register();
        try (ServerSocket listener = Netns.call(ns.name(), () ->
            new ServerSocket(7000, 8, InetAddress.getByName(NetnsFixture.KERNEL_ADDRESS))))
        {
            final byte[] syn = TcpSegment.of(NetnsFixture.SYNPIPE_ADDRESS, 40_000, NetnsFixture.KERNEL_ADDRESS, 7000)
                .withFlags(TcpSegment.SYN).withSeq(1000).withMss(1460).encode();
            final ChannelFuture written = channel.writeAndFlush(Unpooled.wrappedBuffer(syn));
            assertThat(written.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(written.isSuccess()).as(String.valueOf(written.cause())).isTrue();

            assertThat(Await.until(channel.eventLoop(), () -> received.stream().anyMatch(p ->
                TcpSegment.dropReason(p) == null && TcpSegment.parse(p).dstPort() == 40_000), 5_000)).isTrue();
            final TcpSegment synAck = received.stream().filter(p -> TcpSegment.dropReason(p) == null)
                .map(TcpSegment::parse).filter(s -> s.dstPort() == 40_000).findFirst().orElseThrow();
            assertThat(synAck.has(TcpSegment.SYN) && synAck.has(TcpSegment.ACK)).isTrue();
            assertThat(synAck.ack()).isEqualTo(1001);
            assertThat(listener.getLocalSocketAddress()).isEqualTo(new InetSocketAddress(NetnsFixture.KERNEL_ADDRESS, 7000));
            assertThat(channel.stats().packetsWritten()).isEqualTo(1);
        }
    }

    @Test
    void write_notAnIpPacket_failsThatWriteOnlyAndCountsIt() throws Exception
    {
        register();
        final byte[] garbage = new byte[40];
        garbage[0] = 0x15;
        final byte[] syn = TcpSegment.of(NetnsFixture.SYNPIPE_ADDRESS, 40_001, NetnsFixture.KERNEL_ADDRESS, 7001)
            .withFlags(TcpSegment.SYN).withSeq(1).encode();
        final ChannelFuture bad = channel.write(Unpooled.wrappedBuffer(garbage));
        final ChannelFuture good = channel.writeAndFlush(Unpooled.wrappedBuffer(syn));
        assertThat(good.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.isSuccess()).isFalse();
        assertThat(bad.cause()).isInstanceOf(TunException.class).hasMessageContaining("EINVAL");
        assertThat(good.isSuccess()).isTrue();
        final TunChannelStats stats = channel.eventLoop().submit(channel::stats).get();
        assertThat(stats.writeErrors()).isEqualTo(1);
        assertThat(stats.packetsWritten()).isEqualTo(1);
    }

    @Test
    void close_registeredChannel_deviceGoneAndWritesRefused() throws Exception
    {
        register();
        assertThat(ns.hasLink(DEVICE)).isTrue();
        assertThat(channel.close().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.tun().isOpen()).isFalse();
        assertThat(ns.hasLink(DEVICE)).isFalse();
        final ChannelFuture late = channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[20]));
        assertThat(late.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(late.cause()).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void localAddress_isTheDeviceName()
    {
        assertThat(channel.localAddress()).isEqualTo(new TunAddress(DEVICE));
        assertThat(channel.isActive()).isTrue();
    }
}
