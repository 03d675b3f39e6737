package io.synpipe.tcp;

import org.agrona.DirectBuffer;

/**
 * Application callbacks of a {@link TcpEngine}, all on the engine's thread. Connections are named by
 * {@code long} handles (see {@code ConnectionTable}); every handle the application is shown gets exactly one
 * {@link #onClosed}, after which it is dead.
 */
public interface TcpHandler
{
    /** Answer the SYN now. */
    int ACCEPT = 0;
    /** Answer the SYN with RST now. */
    int REFUSE = 1;
    /** Decide later with {@link TcpEngine#accept} or {@link TcpEngine#refuse} (SYN-ACK is held back until then). */
    int DEFER = 2;

    /**
     * A SYN arrived for a listener. The connection exists in SYN-RECEIVED but nothing was sent yet.
     *
     * @return {@link #ACCEPT}, {@link #REFUSE} or {@link #DEFER}.
     */
    default int onSyn(final long handle, final int listenerId)
    {
        return ACCEPT;
    }

    /** The handshake completed (passive or active open). */
    default void onEstablished(final long handle)
    {
    }

    /** In-order data arrived; the region is valid only during the call. */
    default void onData(final long handle, final DirectBuffer buffer, final int offset, final int length)
    {
    }

    /** Send-buffer space freed up after a {@code send} that could not take everything. */
    default void onWritable(final long handle)
    {
    }

    /** The peer's FIN arrived: no more data will come (the connection can still send). */
    default void onPeerClosed(final long handle)
    {
    }

    /** The connection left the application's view; the handle is dead from now on. */
    default void onClosed(final long handle, final CloseReason reason)
    {
    }
}
