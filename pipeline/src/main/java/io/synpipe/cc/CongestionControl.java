package io.synpipe.cc;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A sender's congestion window arithmetic, as a stateless singleton over a per-connection region of
 * {@link #STATE_BYTES} bytes at {@code (state, offset)} (no heap object per connection). The engine owns loss
 * detection and the recovery state machine (RFC 6582 "recover", RFC 6675 pipe, retransmission timer) and calls
 * the controller at these events:
 * <pre>
 * | event                                                      | call                |
 * |------------------------------------------------------------|---------------------|
 * | the connection is ESTABLISHED (SND.MSS known)              | init                |
 * | an ACK of new data arrives outside fast recovery           | onAck               |
 * | loss detected: 3 duplicate ACKs, or RFC 6675 (SACK) loss   | onCongestionEvent   |
 * | a full ACK (covering "recover") ends fast recovery         | onRecoveryExit      |
 * | the retransmission timer expires (first time for a segment)| onRetransmitTimeout |
 * </pre>
 * Sizes are bytes, times nanoseconds from one monotonic clock; {@code mss} is the sender MSS (SND.MSS) and must
 * be positive. No method allocates, and none throws for any byte count or time: a non-positive
 * {@code ackedBytes} changes nothing, and times may wrap (only differences of {@code nowNs} are used). The
 * region layout is each implementation's own and is documented there; {@link #cwnd} and {@link #ssthresh} read
 * it for the engine. The region's memory is the connection's alone, so fields are in native byte order.
 * <p>
 * Repeated timeouts: RFC 5681 §3.1 holds ssthresh constant when a segment already retransmitted by the timer
 * times out again. The engine does that by calling {@link #onRetransmitTimeout} only on the first timeout of a
 * segment; cwnd is still the loss window then (no ACK of new data came between the two timeouts).
 */
public interface CongestionControl
{
    /** Bytes of state every implementation fits in. */
    int STATE_BYTES = 64;
    /** Where every implementation keeps cwnd (bytes) in its state. */
    int CWND_OFFSET = 0;
    /** Where every implementation keeps ssthresh (bytes) in its state. */
    int SSTHRESH_OFFSET = 4;

    /**
     * Initial window, RFC 6928 §2: {@code min(10*MSS, max(2*MSS, 14600))}.
     *
     * @param mss sender MSS in bytes.
     * @return the initial congestion window in bytes.
     */
    static int initialWindow(final int mss)
    {
        final long tenMss = 10L * mss;
        final long floor = Math.max(2L * mss, 14_600L);
        return (int)Math.min(Integer.MAX_VALUE, Math.min(tenMss, floor));
    }

    /**
     * Sets up the region for a new connection: every one of its {@link #STATE_BYTES} bytes is written,
     * cwnd = {@link #initialWindow(int)}, ssthresh = {@link Integer#MAX_VALUE} ("arbitrarily high",
     * RFC 5681 §3.1).
     */
    default void init(final MutableDirectBuffer state, final int offset, final int mss, final long nowNs)
    {
        state.setMemory(offset, STATE_BYTES, (byte)0);
        state.putInt(offset + CWND_OFFSET, initialWindow(mss));
        state.putInt(offset + SSTHRESH_OFFSET, Integer.MAX_VALUE);
    }

    /**
     * New data was acknowledged outside fast recovery: slow start while cwnd &lt; ssthresh (RFC 5681 §3.1 with
     * appropriate byte counting, RFC 3465, L = 2*MSS), congestion avoidance from there on.
     * <p>
     * The window grows only while the sender is cwnd-limited (RFC 7661 §2 / RFC 9438 §5.8): in slow start when
     * {@code 2 * bytesInFlight > cwnd}, in congestion avoidance when {@code bytesInFlight + mss > cwnd}.
     *
     * @param ackedBytes    bytes newly acknowledged by this ACK (SND.UNA advance, SYN/FIN not counted).
     * @param bytesInFlight bytes that were outstanding when this ACK arrived, before it is applied: SND.NXT
     *                      minus the old SND.UNA, or the RFC 6675 pipe; so it includes {@code ackedBytes}.
     * @param rttNs         an RTT sample taken from this ACK (RFC 6298, Karn's rule), or -1 if none.
     */
    void onAck(MutableDirectBuffer state, int offset, int ackedBytes, int mss, int bytesInFlight, long rttNs,
        long nowNs);

    /**
     * Entering fast recovery (fast retransmit after 3 duplicate ACKs, or RFC 6675 loss detection): sets ssthresh
     * and cwnd once for the event. cwnd is left at the reduced window itself; an engine that follows RFC 5681
     * §3.2 step 4 adds the 3*MSS inflation (and later per-duplicate inflation) on its own copy, and an RFC 6675
     * engine uses cwnd as is against pipe.
     *
     * @param flightSize bytes outstanding when the loss was detected (RFC 5681 FlightSize).
     */
    void onCongestionEvent(MutableDirectBuffer state, int offset, int flightSize, int mss, long nowNs);

    /** A full ACK ended fast recovery: cwnd = ssthresh ("deflating", RFC 6582 §3.2 step 3, choice (2)). */
    void onRecoveryExit(MutableDirectBuffer state, int offset, int mss, long nowNs);

    /**
     * The retransmission timer expired: ssthresh per the algorithm (RFC 5681 §3.1 equation 4 for Reno),
     * cwnd = 1*MSS, the loss window.
     *
     * @param flightSize bytes outstanding when the timer expired (RFC 5681 FlightSize).
     */
    void onRetransmitTimeout(MutableDirectBuffer state, int offset, int flightSize, int mss, long nowNs);

    /** @return the congestion window in bytes. */
    int cwnd(DirectBuffer state, int offset);

    /** @return the slow start threshold in bytes; {@link Integer#MAX_VALUE} until the first reduction. */
    int ssthresh(DirectBuffer state, int offset);

    /** @return the name {@link CongestionControls#byName(String)} knows this controller by. */
    String name();
}
