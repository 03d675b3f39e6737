package io.synpipe.tcp;

/** Why a connection left the application's view ({@link TcpHandler#onClosed}). */
public enum CloseReason
{
    /** Both sides sent FIN and ours was acknowledged (the TCB may linger in TIME-WAIT). */
    NORMAL,
    /** The peer sent an acceptable RST in a synchronized state. */
    RESET_BY_PEER,
    /** The peer answered our SYN with RST (RFC 9293 §3.10.7.3: "connection refused"). */
    REFUSED,
    /** A passive connection was reset before it was established (RFC 9293 §3.10.7.4: back to LISTEN). */
    RESET_BEFORE_ESTABLISHED,
    /** Retransmissions of SYN, SYN-ACK or FIN ran out (RFC 9293 §3.8.3, R2). */
    TIMEOUT,
    /** The application aborted the connection (RST sent where the state calls for one). */
    ABORTED,
    /** The application closed before the handshake completed (SYN-SENT CLOSE: delete TCB). */
    CLOSED_BEFORE_ESTABLISHED,
    /** The application refused a deferred SYN, or did not decide in time. */
    REFUSED_BY_APPLICATION,
    /** FIN-WAIT-2 lasted longer than the configured bound without the peer's FIN. */
    FIN_WAIT_2_TIMEOUT,
    /** The engine was closed with the connection still open. */
    ENGINE_CLOSED;

    private static final CloseReason[] VALUES = values();

    public static CloseReason of(final int code)
    {
        return VALUES[code];
    }
}
