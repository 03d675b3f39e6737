package io.synpipe.tun;

import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;

import java.util.Map;

/**
 * Settings of a {@link TunChannel}. Besides Netty's own options it has {@link #PACKET_BUFFER_BYTES}: the size of the
 * pooled direct buffer each packet is read into (a packet longer than it is truncated by the kernel, and the
 * decoder then drops it as malformed), and {@link #READ_BUDGET}: packets read per epoll wakeup at most, so one
 * busy queue cannot starve timers and other tasks of the event loop.
 */
public final class TunChannelConfig extends DefaultChannelConfig
{
    /** Read buffer size per packet; at least the device MTU. */
    public static final ChannelOption<Integer> PACKET_BUFFER_BYTES = ChannelOption.valueOf("TUN_PACKET_BUFFER_BYTES");

    /** Packets read per epoll wakeup at most. */
    public static final ChannelOption<Integer> READ_BUDGET = ChannelOption.valueOf("TUN_READ_BUDGET");

    /** Fits a 1500-byte MTU in a pooled size class. */
    public static final int DEFAULT_PACKET_BUFFER_BYTES = 2048;
    /** Packets read per wakeup at most. */
    public static final int DEFAULT_READ_BUDGET = 128;

    private volatile int packetBufferBytes = DEFAULT_PACKET_BUFFER_BYTES;
    private volatile int readBudget = DEFAULT_READ_BUDGET;

    TunChannelConfig(final TunChannel channel)
    {
        super(channel);
    }

    public int packetBufferBytes()
    {
        return packetBufferBytes;
    }

    /** @param bytes 576..65535 (IPv4's minimum datagram size to the largest IP packet). */
    public TunChannelConfig setPacketBufferBytes(final int bytes)
    {
        if (bytes < 576 || bytes > 65_535)
        {
            throw new IllegalArgumentException("packetBufferBytes = " + bytes + " is out of range: allowed 576..65535");
        }
        this.packetBufferBytes = bytes;
        return this;
    }

    public int readBudget()
    {
        return readBudget;
    }

    /** @param packets 1..65536 packets per wakeup. */
    public TunChannelConfig setReadBudget(final int packets)
    {
        if (packets < 1 || packets > 65_536)
        {
            throw new IllegalArgumentException("readBudget = " + packets + " is out of range: allowed 1..65536");
        }
        this.readBudget = packets;
        return this;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions()
    {
        return getOptions(super.getOptions(), PACKET_BUFFER_BYTES, READ_BUDGET);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(final ChannelOption<T> option)
    {
        if (option == PACKET_BUFFER_BYTES)
        {
            return (T)Integer.valueOf(packetBufferBytes);
        }
        if (option == READ_BUDGET)
        {
            return (T)Integer.valueOf(readBudget);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(final ChannelOption<T> option, final T value)
    {
        validate(option, value);
        if (option == PACKET_BUFFER_BYTES)
        {
            setPacketBufferBytes((Integer)value);
            return true;
        }
        if (option == READ_BUDGET)
        {
            setReadBudget((Integer)value);
            return true;
        }
        return super.setOption(option, value);
    }
}
