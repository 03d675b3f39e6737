package io.synpipe.tun;

import java.io.Serial;
import java.net.SocketAddress;

/** The local address of a {@link TunChannel}: the name of its TUN device. */
public final class TunAddress extends SocketAddress
{
    @Serial
    private static final long serialVersionUID = 1L;

    private final String device;

    public TunAddress(final String device)
    {
        this.device = device;
    }

    public String device()
    {
        return device;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof TunAddress other && other.device.equals(device);
    }

    @Override
    public int hashCode()
    {
        return device.hashCode();
    }

    @Override
    public String toString()
    {
        return "tun:" + device;
    }
}
