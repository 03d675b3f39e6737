package io.synpipe.tcp;

/** Things the state machine did or refused, counted per engine (see {@link EngineCounters}). */
public enum EngineEvent
{
    /** A valid SYN reached a listener. */
    SYN_TO_LISTENER,
    /** A SYN was refused because the connection table is full. */
    SYN_DROPPED_TABLE_FULL,
    /** A listener dropped a SYN that also carried FIN. */
    SYN_DROPPED_SYN_FIN,
    /** A listener ignored an RST (RFC 9293 §3.10.7.2). */
    LISTEN_RST_IGNORED,
    /** A listener answered a stray ACK with RST. */
    LISTEN_ACK_RESET,
    /** A listener dropped a segment with neither SYN, ACK nor RST. */
    LISTEN_OTHER_DROPPED,
    /** A segment for no connection and no listener was answered with RST (RFC 9293 §3.10.7.1). */
    CLOSED_RST_SENT,
    /** A segment for no connection carried RST and was ignored. */
    CLOSED_RST_IGNORED,
    /** SYN-SENT: a segment whose ACK does not acknowledge our SYN. */
    SYN_SENT_BAD_ACK,
    /** SYN-SENT: a segment with neither SYN nor RST. */
    SYN_SENT_DROPPED,
    /** A retransmitted SYN in SYN-RECEIVED drew the SYN-ACK again. */
    SYN_ACK_RESENT_FOR_DUPLICATE_SYN,
    /** A segment failed the acceptability test (RFC 9293 §3.10.7.4 first check). */
    SEGMENT_UNACCEPTABLE,
    /** The ACK of a segment that a zero receive window made unacceptable was still processed (RFC 9293 §3.10.7.4). */
    ZERO_WINDOW_ACK_ACCEPTED,
    /** PAWS rejected a segment (RFC 7323 §5). */
    PAWS_REJECTED,
    /** A segment without timestamps on a connection that negotiated them (RFC 7323 §3.2). */
    MISSING_TIMESTAMP_DROPPED,
    /** An RST inside the window but not at RCV.NXT (RFC 5961 §3.2). */
    RST_IN_WINDOW_NOT_EXACT,
    /** A SYN on a synchronized connection (RFC 5961 §4). */
    SYN_IN_SYNCHRONIZED_STATE,
    /** An ACK outside the acceptable range (RFC 5961 §5). */
    ACK_UNACCEPTABLE,
    /** Challenge ACKs sent (RFC 5961). */
    CHALLENGE_ACK_SENT,
    /** Challenge ACKs suppressed by the rate limit (RFC 5961 §7). */
    CHALLENGE_ACK_RATE_LIMITED,
    /** A segment without ACK on a synchronized connection. */
    NO_ACK_DROPPED,
    /** SYN-RECEIVED: an ACK that does not acknowledge our SYN drew an RST. */
    SYN_RECEIVED_BAD_ACK,
    /** Out-of-order data held in the receive buffer until the gap fills. */
    OUT_OF_ORDER_QUEUED,
    /** A FIN beyond a gap, dropped until it is retransmitted in order. */
    OUT_OF_ORDER_FIN_DROPPED,
    /** No data buffers left in the arena: data was dropped (and will be retransmitted by the peer). */
    DATA_BUFFERS_EXHAUSTED,
    /** Data segments sent again (timeout, fast retransmit, partial ACK). */
    RETRANSMIT_DATA,
    /** Three duplicate ACKs started fast retransmit and recovery (RFC 5681 §3.2, RFC 6582). */
    FAST_RETRANSMIT,
    /** The retransmission timer expired with data outstanding (RFC 6298 §5.4). */
    RETRANSMIT_TIMEOUT,
    /** An ACK sent when the delayed-ACK timer expired. */
    DELAYED_ACK_SENT,
    /** The peer offered a zero window. */
    ZERO_WINDOW_SEEN,
    /** Keep-alive probes sent (RFC 9293 §3.8.4). */
    KEEPALIVE_PROBE,
    /** Keep-alive probes went unanswered: the connection was dropped. */
    KEEPALIVE_TIMEOUT,
    /** Zero-window probes sent (RFC 9293 §3.8.6.1). */
    ZERO_WINDOW_PROBE,
    /** RST in TIME-WAIT ignored (RFC 1337). */
    TIME_WAIT_RST_IGNORED,
    /** A SYN reopened a TIME-WAIT connection (RFC 9293 §3.6.1, RFC 6191). */
    TIME_WAIT_REOPENED,
    /** A SYN to a TIME-WAIT connection that may not reopen it was ACKed. */
    TIME_WAIT_SYN_ACKED,
    /** A retransmitted FIN in TIME-WAIT was ACKed and the 2 MSL timer restarted. */
    TIME_WAIT_FIN_REACKED,
    RETRANSMIT_SYN,
    RETRANSMIT_SYN_ACK,
    RETRANSMIT_FIN,
    /** Retransmissions ran out and the connection was dropped. */
    RETRANSMIT_GIVE_UP,
    /** The application deferred a SYN. */
    ACCEPT_DEFERRED,
    /** The application refused a SYN (or did not decide in time). */
    ACCEPT_REFUSED,
    /** A deferred SYN timed out waiting for the application. */
    ACCEPT_TIMEOUT,
    /** FIN-WAIT-2 gave up waiting for the peer's FIN. */
    FIN_WAIT_2_TIMEOUT,
    /** A connect() found its 4-tuple in use or the table full. */
    CONNECT_REFUSED_LOCALLY,
    /** Segments sent. */
    SEGMENT_SENT,
    /** RSTs sent, any reason. */
    RST_SENT;

    private static final EngineEvent[] VALUES = values();

    public static EngineEvent of(final int ordinal)
    {
        return VALUES[ordinal];
    }

    public static int count()
    {
        return VALUES.length;
    }
}
