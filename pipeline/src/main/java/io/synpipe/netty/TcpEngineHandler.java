package io.synpipe.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.synpipe.tcp.PacketSink;
import io.synpipe.tcp.DelegatingTcpHandler;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs a {@link TcpEngine} in a {@code ChannelPipeline} whose messages are whole IP packets in {@link ByteBuf}s
 * (a TUN queue, or an {@code EmbeddedChannel} in tests). Inbound packets go to the engine without a copy when the
 * buffer exposes its memory; packets the engine sends are copied into buffers from the channel's allocator and
 * written, flushed once per read batch and once per timer tick. The engine is created when the handler is added,
 * on the channel's event loop thread, which then owns it.
 */
public final class TcpEngineHandler extends ChannelInboundHandlerAdapter implements PacketSink
{
    /** How often timers are polled. */
    public static final long TIMER_TICK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final TcpConfig config;
    private final Function<TcpEngine, TcpHandler> applicationFactory;
    private final NanoClock clock;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer outView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(65_536 + 128, 64));
    private ChannelHandlerContext ctx;
    private TcpEngine engine;
    private ScheduledFuture<?> timerTask;
    private boolean pendingFlush;

    /**
     * @param config             engine settings.
     * @param applicationFactory builds the application's callbacks for the new engine.
     * @param clock              the time source (a manual clock in tests).
     */
    public TcpEngineHandler(
        final TcpConfig config, final Function<TcpEngine, TcpHandler> applicationFactory, final NanoClock clock)
    {
        this.config = config;
        this.applicationFactory = applicationFactory;
        this.clock = clock;
    }

    /** The engine, once the handler is in a pipeline; use it only on the channel's event loop. */
    public TcpEngine engine()
    {
        return engine;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        final DelegatingTcpHandler forwarding = new DelegatingTcpHandler();
        this.engine = new TcpEngine(config, forwarding, this, clock.nanoTime());
        forwarding.delegate(applicationFactory.apply(engine));
        timerTask = ctx.executor().scheduleAtFixedRate(this::onTimerTick, TIMER_TICK_NS, TIMER_TICK_NS, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        if (timerTask != null)
        {
            timerTask.cancel(false);
        }
        if (engine != null)
        {
            engine.close();
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof ByteBuf packet))
        {
            ctx.fireChannelRead(msg);
            return;
        }
        try
        {
            final int length = packet.readableBytes();
            final DirectBuffer buffer;
            if (packet.hasMemoryAddress())
            {
                view.wrap(packet.memoryAddress() + packet.readerIndex(), length);
                buffer = view;
            }
            else if (packet.hasArray())
            {
                view.wrap(packet.array(), packet.arrayOffset() + packet.readerIndex(), length);
                buffer = view;
            }
            else
            {
                final int copied = Math.min(length, scratch.capacity());
                packet.getBytes(packet.readerIndex(), scratch.byteBuffer().duplicate().clear().limit(copied));
                view.wrap(scratch, 0, copied);
                buffer = view;
            }
            engine.onPacket(buffer, 0, buffer.capacity(), clock.nanoTime());
        }
        finally
        {
            ReferenceCountUtil.release(packet);
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        flushIfPending();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void onPacket(final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuf out = ctx.alloc().directBuffer(length);
        if (out.hasMemoryAddress())
        {
            outView.wrap(out.memoryAddress() + out.writerIndex(), length);
            outView.putBytes(0, buffer, offset, length);
            out.writerIndex(out.writerIndex() + length);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                out.writeByte(buffer.getByte(offset + i));
            }
        }
        ctx.write(out, ctx.voidPromise());
        pendingFlush = true;
    }

    private void onTimerTick()
    {
        engine.poll(clock.nanoTime());
        flushIfPending();
    }

    /**
     * Flushes what the engine wrote outside a read (after an application's {@code connect}, {@code send} or
     * {@code close} from a task on the event loop); the 1 ms timer tick would flush it otherwise.
     */
    public void flush()
    {
        flushIfPending();
    }

    private void flushIfPending()
    {
        if (pendingFlush)
        {
            pendingFlush = false;
            ctx.flush();
        }
    }
}
