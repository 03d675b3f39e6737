package io.synpipe.netty;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpHandler;
import org.agrona.DirectBuffer;

/** Forwards engine callbacks to an application set after the engine exists (the application needs the engine). */
final class ForwardingTcpHandler implements TcpHandler
{
    private TcpHandler delegate = new TcpHandler()
    {
    };

    void delegate(final TcpHandler delegate)
    {
        this.delegate = delegate;
    }

    @Override
    public int onSyn(final long handle, final int listenerId)
    {
        return delegate.onSyn(handle, listenerId);
    }

    @Override
    public void onEstablished(final long handle)
    {
        delegate.onEstablished(handle);
    }

    @Override
    public void onData(final long handle, final DirectBuffer buffer, final int offset, final int length)
    {
        delegate.onData(handle, buffer, offset, length);
    }

    @Override
    public void onWritable(final long handle)
    {
        delegate.onWritable(handle);
    }

    @Override
    public void onPeerClosed(final long handle)
    {
        delegate.onPeerClosed(handle);
    }

    @Override
    public void onClosed(final long handle, final CloseReason reason)
    {
        delegate.onClosed(handle, reason);
    }
}
