package io.synpipe.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.ReferenceCountUtil;

import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

/**
 * A Netty {@link io.netty.channel.Channel} over one queue of a TUN device, for an epoll event loop
 * ({@code new MultiThreadIoEventLoopGroup(n, EpollIoHandler.newFactory())}). Each message in either direction is one
 * whole IP packet in a {@link ByteBuf}, so an ordinary {@link ChannelPipeline} can run on it, e.g. the
 * {@code TcpEngineHandler}:
 * <pre>
 *   TunChannel channel = new TunChannel(Netns.call("ns", () -> Tun.open("synpipe0")));
 *   channel.pipeline().addLast(new TcpEngineHandler(config, app, clock));
 *   channel.register(group.next()).sync();
 * </pre>
 * <b>Reads.</b> The channel registers the TUN fd through Netty 4.2's {@link IoEventLoop#register} (its unsafe is
 * the {@link EpollIoHandle}) and arms level-triggered {@code EPOLLIN}. Each wakeup reads at most
 * {@link TunChannelConfig#readBudget()} packets (default {@value TunChannelConfig#DEFAULT_READ_BUDGET}) into pooled
 * direct buffers of
 * {@link TunChannelConfig#packetBufferBytes()} and fires one {@code channelRead} per packet, then one
 * {@code channelReadComplete}; a queue still holding packets wakes the loop again after its other work.
 * <p>
 * <b>Writes.</b> A flush writes the queued packets one {@code write(2)} each until the queue is empty or the kernel
 * says EAGAIN; then the rest waits, {@code EPOLLOUT} is armed, and further flushes do nothing until the device is
 * writable again. A packet the kernel refuses (e.g. EINVAL, not IPv4 or IPv6) fails its own promise only; the
 * others still go. Outbound messages must be {@link ByteBuf}s; heap or composite buffers are copied into a direct
 * one first.
 * <p>
 * <b>Close.</b> Closing the channel removes the fd from epoll and closes the TUN queue; the device goes away with
 * its last queue. The channel is active from creation (a TUN queue needs no bind or connect); {@code bind},
 * {@code connect} and {@code disconnect} are refused.
 */
public final class TunChannel extends AbstractChannel
{
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, TunChannelConfig.DEFAULT_READ_BUDGET);

    private final Tun tun;
    private final TunFileDescriptor fd;
    private final TunAddress address;
    private final TunChannelConfig config;
    private final TunChannelStats stats = new TunChannelStats();
    private IoRegistration registration;
    private boolean readInterest;
    private boolean writeParked;
    private int submittedOps = -1;
    private boolean readPending;
    private final Runnable flushTask = () -> ((TunUnsafe)unsafe()).flush0();
    private boolean flushTaskScheduled;

    /** Wraps an open TUN queue; the channel owns it from now on and closes it on close. */
    public TunChannel(final Tun tun)
    {
        super(null);
        if (!tun.isOpen())
        {
            throw new IllegalArgumentException(tun + " is closed");
        }
        this.tun = tun;
        this.fd = new TunFileDescriptor(tun);
        this.address = new TunAddress(tun.name());
        this.config = new TunChannelConfig(this);
    }

    /** Registers the channel with {@code loop} (an epoll {@link IoEventLoop}); reading starts once registered. */
    public ChannelFuture register(final EventLoop loop)
    {
        final ChannelPromise promise = new DefaultChannelPromise(this, loop);
        unsafe().register(loop, promise);
        return promise;
    }

    /** The TUN queue under this channel. */
    public Tun tun()
    {
        return tun;
    }

    /** Packet and error counters (written by the event loop). */
    public TunChannelStats stats()
    {
        return stats;
    }

    @Override
    public TunChannelConfig config()
    {
        return config;
    }

    @Override
    public boolean isOpen()
    {
        return fd.isOpen();
    }

    @Override
    public boolean isActive()
    {
        return fd.isOpen();
    }

    @Override
    public ChannelMetadata metadata()
    {
        return METADATA;
    }

    @Override
    public TunAddress localAddress()
    {
        return (TunAddress)super.localAddress();
    }

    @Override
    protected AbstractUnsafe newUnsafe()
    {
        return new TunUnsafe();
    }

    @Override
    protected boolean isCompatible(final EventLoop loop)
    {
        return loop instanceof IoEventLoop ioLoop && ioLoop.isCompatible(TunUnsafe.class);
    }

    @Override
    protected SocketAddress localAddress0()
    {
        return address;
    }

    @Override
    protected SocketAddress remoteAddress0()
    {
        return null;
    }

    @Override
    protected void doRegister(final ChannelPromise promise)
    {
        ((IoEventLoop)eventLoop()).register((TunUnsafe)unsafe()).addListener(f ->
        {
            if (f.isSuccess())
            {
                registration = (IoRegistration)f.getNow();
                submittedOps = -1;
                if (writeParked)
                {
                    updateInterest();
                }
                promise.setSuccess();
            }
            else
            {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doBind(final SocketAddress localAddress)
    {
        throw new UnsupportedOperationException("a TUN channel is bound to its device when opened");
    }

    @Override
    protected void doDisconnect()
    {
        throw new UnsupportedOperationException("a TUN channel has no peer to disconnect from");
    }

    @Override
    protected void doClose() throws Exception
    {
        cancelRegistration();
        fd.close();
    }

    @Override
    protected void doDeregister()
    {
        cancelRegistration();
    }

    @Override
    protected void doBeginRead()
    {
        readPending = true;
        if (!readInterest)
        {
            readInterest = true;
            updateInterest();
        }
    }

    @Override
    protected Object filterOutboundMessage(final Object msg)
    {
        if (!(msg instanceof ByteBuf buf))
        {
            throw new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName()
                + " (a TUN channel writes IP packets in ByteBufs)");
        }
        if (buf.isDirect() && buf.nioBufferCount() == 1)
        {
            return buf;
        }
        final ByteBuf direct = alloc().directBuffer(buf.readableBytes());
        direct.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
        ReferenceCountUtil.safeRelease(buf);
        return direct;
    }

    @Override
    protected void doWrite(final ChannelOutboundBuffer in) throws Exception
    {
        final int limit = maxMessagesPerWrite();
        int written = 0;
        while (true)
        {
            final Object msg = in.current();
            if (msg == null)
            {
                if (writeParked)
                {
                    writeParked = false;
                    updateInterest();
                }
                return;
            }
            if (written == limit)
            {
                scheduleFlush();
                return;
            }
            final ByteBuf packet = (ByteBuf)msg;
            final int length = packet.readableBytes();
            if (length == 0)
            {
                in.remove();
                continue;
            }
            final int n;
            try
            {
                n = tun.write(addressOf(packet, length), length);
            }
            catch (final TunException ex)
            {
                stats.writeErrors++;
                in.remove(ex);
                continue;
            }
            if (n == 0)
            {
                stats.writeParked++;
                if (!writeParked)
                {
                    writeParked = true;
                    updateInterest();
                }
                return;
            }
            stats.packetsWritten++;
            stats.bytesWritten += n;
            written++;
            in.remove();
        }
    }

    private void scheduleFlush()
    {
        if (!flushTaskScheduled)
        {
            flushTaskScheduled = true;
            eventLoop().execute(flushTask);
        }
    }

    /** Reads up to the budget; called on EPOLLIN (or EPOLLERR, whose read then reports the error). */
    private void readReady()
    {
        if (!readPending && !config.isAutoRead())
        {
            // no read() asked for: stop watching EPOLLIN until one is
            readInterest = false;
            updateInterest();
            return;
        }
        final ChannelPipeline pipeline = pipeline();
        final ByteBufAllocator allocator = config.getAllocator();
        final int budget = config.readBudget();
        final int bufferBytes = config.packetBufferBytes();
        int count = 0;
        TunException failure = null;
        while (count < budget && fd.isOpen())
        {
            final ByteBuf buffer = allocator.directBuffer(bufferBytes, bufferBytes);
            final int n;
            try
            {
                n = tun.read(addressOf(buffer, bufferBytes), bufferBytes);
            }
            catch (final TunException ex)
            {
                buffer.release();
                failure = ex;
                break;
            }
            if (n == 0)
            {
                buffer.release();
                break;
            }
            buffer.writerIndex(n);
            count++;
            stats.packetsRead++;
            stats.bytesRead += n;
            readPending = false;
            pipeline.fireChannelRead(buffer);
        }
        if (count > 0)
        {
            stats.readWakeups++;
            if (count == budget)
            {
                stats.readBudgetExhausted++;
            }
            pipeline.fireChannelReadComplete();
        }
        if (failure != null)
        {
            stats.readErrors++;
            pipeline.fireExceptionCaught(failure);
            unsafe().close(voidPromise());
            return;
        }
        if (!readPending && !config.isAutoRead() && readInterest && fd.isOpen())
        {
            readInterest = false;
            updateInterest();
        }
    }

    private void updateInterest()
    {
        final IoRegistration current = registration;
        if (current == null || !current.isValid())
        {
            return;
        }
        EpollIoOps ops = EpollIoOps.EPOLLERR;
        if (readInterest)
        {
            ops = ops.with(EpollIoOps.EPOLLIN);
        }
        if (writeParked)
        {
            ops = ops.with(EpollIoOps.EPOLLOUT);
        }
        if (ops.value() == submittedOps)
        {
            return;
        }
        submittedOps = ops.value();
        current.submit(ops);
    }

    private void cancelRegistration()
    {
        final IoRegistration current = registration;
        if (current != null)
        {
            registration = null;
            readInterest = false;
            current.cancel();
        }
    }

    /** The native address of a buffer's readable bytes (direct, single NIO buffer: see filterOutboundMessage). */
    private static long addressOf(final ByteBuf buffer, final int length)
    {
        if (buffer.hasMemoryAddress())
        {
            return buffer.memoryAddress() + buffer.readerIndex();
        }
        return MemorySegment.ofBuffer(buffer.nioBuffer(buffer.readerIndex(), length)).address();
    }

    /** The unsafe is the epoll handle: the event loop calls {@link #handle} with the ready events. */
    private final class TunUnsafe extends AbstractUnsafe implements EpollIoHandle
    {
        @Override
        public FileDescriptor fd()
        {
            return fd;
        }

        @Override
        public void handle(final IoRegistration registration, final IoEvent event)
        {
            final EpollIoOps ops = ((EpollIoEvent)event).ops();
            if (ops.contains(EpollIoOps.EPOLLOUT) && writeParked)
            {
                writeParked = false;
                updateInterest();
                super.flush0();
            }
            if (ops.contains(EpollIoOps.EPOLLIN) || ops.contains(EpollIoOps.EPOLLERR))
            {
                readReady();
            }
        }

        @Override
        public void connect(final SocketAddress remote, final SocketAddress local, final ChannelPromise promise)
        {
            promise.setFailure(new UnsupportedOperationException("a TUN channel does not connect"));
        }

        @Override
        protected void flush0()
        {
            flushTaskScheduled = false;
            if (!writeParked)
            {
                super.flush0();
            }
        }

        @Override
        public void close()
        {
            close(voidPromise());
        }
    }

    /**
     * Netty's view of the TUN fd: {@link #isOpen()} is what epoll deregistration checks, and {@link #close()}
     * closes the {@link Tun} (through FFM) exactly once.
     */
    private static final class TunFileDescriptor extends FileDescriptor
    {
        private final Tun tun;

        TunFileDescriptor(final Tun tun)
        {
            super(tun.fd());
            this.tun = tun;
        }

        @Override
        public void close()
        {
            if (markClosed())
            {
                tun.close();
            }
        }
    }
}
