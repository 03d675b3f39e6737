package io.synpipe.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.tcp.TcpState;
import io.synpipe.timer.ManualClock;
import io.synpipe.wire.DropReason;
import io.synpipe.wire.Segment;
import io.synpipe.wire.TcpSegment;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine inside a Netty pipeline: IP packets in as ByteBufs, IP packets out as ByteBufs. */
class TcpEngineHandlerTest
{
    private static final int ISS = 0xFFFF_FFF0;
    private final ManualClock clock = new ManualClock(5_000_000_000L);
    private final List<String> events = new ArrayList<>();
    private final TcpEngineHandler handler = new TcpEngineHandler(
        new TcpConfig().isnGenerator((a, b, c, d, e, f, g) -> ISS).mslMs(100), this::application, clock);
    private final EmbeddedChannel channel = new EmbeddedChannel(handler);
    private final TcpSegment peer = TcpSegment.of("198.18.0.2", 40_000, "198.18.0.1", 7).withWindow(1000);

    private TcpHandler application(final TcpEngine engine)
    {
        return new TcpHandler()
        {
            @Override
            public void onEstablished(final long handle)
            {
                events.add("established");
            }

            @Override
            public void onData(final long handle, final DirectBuffer buffer, final int offset, final int length)
            {
                events.add("data " + buffer.getStringWithoutLengthAscii(offset, length));
                engine.send(handle, buffer, offset, length, clock.nanoTime());
            }

            @Override
            public void onPeerClosed(final long handle)
            {
                engine.close(handle, clock.nanoTime());
            }

            @Override
            public void onClosed(final long handle, final CloseReason reason)
            {
                events.add("closed " + reason);
            }
        };
    }

    @AfterEach
    void finish()
    {
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private TcpSegment writeAndRead(final TcpSegment in)
    {
        channel.writeInbound(Unpooled.wrappedBuffer(in.encode()));
        return readOutbound();
    }

    private TcpSegment readOutbound()
    {
        final ByteBuf out = channel.readOutbound();
        assertThat(out).as("an outbound packet").isNotNull();
        try
        {
            return TcpSegment.parse(ByteBufUtil.getBytes(out));
        }
        finally
        {
            out.release();
        }
    }

    @Test
    void echo_handshakeDataAndClose_throughPipeline()
    {
        handler.engine().listen(null, 7);

        final TcpSegment synAck = writeAndRead(peer.withFlags(Segment.SYN).withSeq(100));
        assertThat(synAck.flags()).isEqualTo(Segment.SYN | Segment.ACK);
        assertThat(synAck.seq()).isEqualTo(ISS);
        assertThat(synAck.ack()).isEqualTo(101);

        channel.writeInbound(Unpooled.wrappedBuffer(peer.withFlags(Segment.ACK).withSeq(101).withAck(ISS + 1).encode()));
        assertThat(events).containsExactly("established");
        assertThat((Object)channel.readOutbound()).isNull();

        channel.writeInbound(Unpooled.wrappedBuffer(
            peer.withFlags(Segment.ACK | Segment.PSH).withSeq(101).withAck(ISS + 1).withPayload("ping").encode()));
        // the echo carries the ACK: no separate ACK is owed
        final TcpSegment echo = readOutbound();
        assertThat(echo.payloadAsString()).isEqualTo("ping");
        assertThat(echo.seq()).isEqualTo(ISS + 1);
        assertThat(echo.ack()).isEqualTo(105);
        assertThat((Object)channel.readOutbound()).isNull();

        channel.writeInbound(Unpooled.wrappedBuffer(
            peer.withFlags(Segment.ACK | Segment.FIN).withSeq(105).withAck(ISS + 5).encode()));
        // the echo closes when it sees the FIN: its own FIN acknowledges the peer's, no bare ACK before it
        final TcpSegment fin = readOutbound();
        assertThat(fin.flags()).isEqualTo(Segment.FIN | Segment.ACK);
        assertThat(fin.ack()).isEqualTo(106);
        assertThat((Object)channel.readOutbound()).isNull();
        channel.writeInbound(Unpooled.wrappedBuffer(peer.withFlags(Segment.ACK).withSeq(106).withAck(ISS + 6).encode()));
        assertThat(handler.engine().connectionCount()).isZero();
        assertThat(events).containsExactly("established", "data ping", "closed NORMAL");
    }

    @Test
    void timers_runOnTheChannelsEventLoop_synAckRetransmitted()
    {
        handler.engine().listen(null, 0);
        writeAndRead(peer.withFlags(Segment.SYN).withSeq(100));
        clock.advanceMs(1_001);
        channel.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        final TcpSegment again = readOutbound();
        assertThat(again.flags()).isEqualTo(Segment.SYN | Segment.ACK);
        assertThat(again.seq()).isEqualTo(ISS);
    }

    @Test
    void malformedPacket_droppedAndCounted_neverThrows()
    {
        final byte[] bytes = peer.withFlags(Segment.SYN).encode();
        bytes[bytes.length - 1] ^= 0x55;
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{0x45, 0}));
        assertThat((Object)channel.readOutbound()).isNull();
        assertThat(handler.engine().drops().get(DropReason.TCP_CHECKSUM)).isEqualTo(1);
        assertThat(handler.engine().drops().get(DropReason.PACKET_TRUNCATED)).isEqualTo(1);
        assertThat(handler.engine().state(0)).isEqualTo(TcpState.CLOSED);
    }

    @Test
    void directPooledBuffers_readWithoutCopy()
    {
        handler.engine().listen(null, 7);
        final byte[] syn = peer.withFlags(Segment.SYN).withSeq(100).encode();
        final ByteBuf direct = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(syn.length);
        direct.writeBytes(syn);
        channel.writeInbound(direct);
        assertThat(direct.refCnt()).isZero();
        assertThat(readOutbound().flags()).isEqualTo(Segment.SYN | Segment.ACK);
    }
}
