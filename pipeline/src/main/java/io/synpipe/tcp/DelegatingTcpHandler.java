package io.synpipe.tcp;

import org.agrona.DirectBuffer;

/**
 * A {@link TcpHandler} that hands every callback to a delegate; subclasses override the callbacks they add to and
 * call {@code super}. The delegate may be set after construction (an application that needs the engine it serves).
 */
public class DelegatingTcpHandler implements TcpHandler
{
    private static final TcpHandler NONE = new TcpHandler()
    {
    };

    private TcpHandler delegate;

    /** With a delegate that accepts every SYN and ignores everything else, until {@link #delegate(TcpHandler)}. */
    public DelegatingTcpHandler()
    {
        this(NONE);
    }

    public DelegatingTcpHandler(final TcpHandler delegate)
    {
        this.delegate = delegate;
    }

    public TcpHandler delegate()
    {
        return delegate;
    }

    public void delegate(final TcpHandler delegate)
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
