package io.synpipe.tun;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import org.jctools.queues.MpscArrayQueue;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * First in each queue's pipeline of a multi-queue device: hands a TCP packet that arrived on the wrong queue to the
 * queue whose engine owns its connection.
 * <p>
 * Why packets arrive on the wrong queue: the kernel picks the queue of a packet it sends into the device from its
 * flow table (the queue that last wrote the flow) or, for a flow it has no entry for, from the flow's hash. A
 * connection synpipe opens is written on its engine's queue, but the kernel answers the SYN (SYN-ACK or RST) while
 * that very write is still in the kernel, before the flow entry exists, and it forgets entries of flows idle for
 * a few seconds: those packets go by hash, to any queue. Connections the kernel opens are hashed to one queue from
 * their first packet on and stay there, so they need no steering.
 * <p>
 * The rule: an active open on queue {@code q} of {@code n} takes a local port {@code p >= activePortMin} with
 * {@code p % n == q}; a packet for such a port (its TCP destination port) that arrives elsewhere is queued (a
 * JCTools MPSC queue, no lock) for queue {@code q}'s event loop, which feeds it to its own pipeline. Fragments and
 * IPv6 packets with extension headers are not steered (synpipe's own SYN carries no options that would cause them).
 */
final class QueueSteering extends ChannelInboundHandlerAdapter
{
    /** Packets one queue holds for hand-over before it drops (and counts) more. */
    static final int INBOX_CAPACITY = 4096;

    private final int index;
    private final int activePortMin;
    private QueueSteering[] all;
    private final MpscArrayQueue<ByteBuf> inbox = new MpscArrayQueue<>(INBOX_CAPACITY);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private ChannelHandlerContext ctx;
    private volatile long steeredOut;
    private volatile long steeredIn;
    private volatile long inboxFull;

    QueueSteering(final int index, final int activePortMin)
    {
        this.index = index;
        this.activePortMin = activePortMin;
    }

    /** Joins the queues' steering handlers (every one knows all, in queue order). */
    static void link(final QueueSteering[] all)
    {
        for (final QueueSteering steering : all)
        {
            steering.all = all;
        }
    }

    /** The TCP destination port of an IPv4 or IPv6 packet, or -1 if it is not a steerable TCP packet. */
    static int tcpDestinationPort(final ByteBuf packet)
    {
        final int start = packet.readerIndex();
        final int length = packet.readableBytes();
        if (length < 1)
        {
            return -1;
        }
        final int version = (packet.getByte(start) & 0xf0) >>> 4;
        final int tcp;
        if (version == 4)
        {
            final int ihl = (packet.getByte(start) & 0x0f) * 4;
            final boolean fragment = (packet.getShort(start + 6) & 0x3fff) != 0;
            if (length < 20 || ihl < 20 || packet.getByte(start + 9) != 6 || fragment)
            {
                return -1;
            }
            tcp = ihl;
        }
        else if (version == 6)
        {
            if (length < 40 || packet.getByte(start + 6) != 6)
            {
                return -1;
            }
            tcp = 40;
        }
        else
        {
            return -1;
        }
        return length < tcp + 4 ? -1 : packet.getUnsignedShort(start + tcp + 2);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        for (ByteBuf packet; (packet = inbox.poll()) != null; )
        {
            packet.release();
        }
    }

    @Override
    @SuppressWarnings("NonAtomicOperationOnVolatileField") // written by this queue's event loop only
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (msg instanceof ByteBuf packet)
        {
            final int owner = QueuePorts.owner(tcpDestinationPort(packet), all.length, activePortMin);
            if (owner >= 0 && owner != index)
            {
                steeredOut++;
                all[owner].receive(packet);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** From another queue's loop: queue the packet and make sure this queue's loop drains it. */
    @SuppressWarnings("NonAtomicOperationOnVolatileField") // a lost increment only blurs a diagnostic counter
    private void receive(final ByteBuf packet)
    {
        if (!inbox.offer(packet))
        {
            inboxFull++;
            packet.release();
            return;
        }
        if (drainScheduled.compareAndSet(false, true))
        {
            ctx.executor().execute(drainTask);
        }
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField") // written by this queue's event loop only
    private void drain()
    {
        drainScheduled.set(false);
        final ChannelPipeline pipeline = ctx.pipeline();
        int count = 0;
        for (ByteBuf packet; (packet = inbox.poll()) != null; )
        {
            count++;
            // from the next handler on: this one would only find that the packet is ours
            ctx.fireChannelRead(packet);
        }
        if (count > 0)
        {
            steeredIn += count;
            ctx.fireChannelReadComplete();
        }
        if (pipeline.channel().isOpen() && !inbox.isEmpty() && drainScheduled.compareAndSet(false, true))
        {
            ctx.executor().execute(drainTask);
        }
    }

    /** Packets this queue read that belonged to another queue's connection. */
    long steeredOut()
    {
        return steeredOut;
    }

    /** Packets other queues read for this queue's connections, fed to its engine. */
    long steeredIn()
    {
        return steeredIn;
    }

    /** Packets dropped because this queue's inbox was full. */
    long inboxFull()
    {
        return inboxFull;
    }
}
