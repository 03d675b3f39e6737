package io.synpipe.cc;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Reno window arithmetic (RFC 5681 §3) with the NewReno recovery exit (RFC 6582 §3.2).
 * <ul>
 *     <li>Slow start: cwnd += min(ackedBytes, 2*MSS) per ACK (RFC 3465 §2.2, L = 2), up to ssthresh.</li>
 *     <li>Congestion avoidance: byte counting (RFC 5681 §3.1, RFC 3465 §2.1) spread over the ACKs: each ACK adds
 *     {@code (ackedBytes*MSS + carry) / cwnd} bytes and keeps the remainder as the carry, so a window's worth
 *     of acknowledged bytes adds one MSS whatever the ACK sizes, and nothing is lost to rounding. (RFC 5681's
 *     "round up to 1 byte" rule is for its equation 3, which drops the remainder; here nothing is dropped,
 *     so a stalled window cannot happen and no byte is added beyond the byte count.)</li>
 *     <li>Congestion event: ssthresh = max(FlightSize/2, 2*MSS) (RFC 5681 §3.2 equation 4), cwnd = ssthresh
 *     (no 3*MSS inflation; that is the engine's).</li>
 *     <li>Recovery exit: cwnd = ssthresh.</li>
 *     <li>Timeout: ssthresh = max(FlightSize/2, 2*MSS), cwnd = 1*MSS (RFC 5681 §3.1 equation 4, loss window).</li>
 * </ul>
 * State region (native byte order, {@link #LENGTH} bytes used of {@link CongestionControl#STATE_BYTES}):
 * <pre>
 * | off | sz | field    | meaning |
 * |-----|----|----------|---------|
 * |   0 |  4 | cwnd     | congestion window, bytes |
 * |   4 |  4 | ssthresh | slow start threshold, bytes |
 * |   8 |  4 | carry    | congestion avoidance remainder: (ackedBytes*MSS) not yet turned into cwnd, 0..cwnd-1 |
 * |  12 | 52 | (zero)   | unused, cleared by init |
 * </pre>
 */
public final class NewReno implements CongestionControl
{
    public static final NewReno INSTANCE = new NewReno();

    public static final int CARRY_OFFSET = 8;
    /** Bytes of the region in use. */
    public static final int LENGTH = 12;

    private NewReno()
    {
    }

    public void onAck(
        final MutableDirectBuffer state,
        final int offset,
        final int ackedBytes,
        final int mss,
        final int bytesInFlight,
        final long rttNs,
        final long nowNs)
    {
        if (ackedBytes <= 0)
        {
            return;
        }
        int cwnd = state.getInt(offset + CWND_OFFSET);
        final int ssthresh = state.getInt(offset + SSTHRESH_OFFSET);
        if (!SlowStart.isCwndLimited(cwnd, ssthresh, bytesInFlight, mss))
        {
            return; // RFC 7661: an unused window is not validated by ACKs, so it does not grow
        }

        int avoidanceBytes = ackedBytes;
        if (cwnd < ssthresh)
        {
            avoidanceBytes = SlowStart.grow(state, offset + CWND_OFFSET, cwnd, ssthresh, ackedBytes, mss);
            if (avoidanceBytes == 0)
            {
                return;
            }
            cwnd = state.getInt(offset + CWND_OFFSET);
        }

        // RFC 5681 §3.1: one SMSS per cwnd of acknowledged bytes, counted in units of 1/cwnd byte
        final long total = (long)avoidanceBytes * mss + state.getInt(offset + CARRY_OFFSET);
        final long divisor = Math.max(cwnd, 1);
        final long increase = total / divisor;
        state.putInt(offset + CARRY_OFFSET, (int)(total - increase * divisor));
        state.putInt(offset + CWND_OFFSET, (int)Math.min(Integer.MAX_VALUE, cwnd + increase));
    }

    public void onCongestionEvent(
        final MutableDirectBuffer state, final int offset, final int flightSize, final int mss, final long nowNs)
    {
        final int ssthresh = halfFlight(flightSize, mss);
        state.putInt(offset + SSTHRESH_OFFSET, ssthresh);
        state.putInt(offset + CWND_OFFSET, ssthresh);
        state.putInt(offset + CARRY_OFFSET, 0);
    }

    public void onRecoveryExit(final MutableDirectBuffer state, final int offset, final int mss, final long nowNs)
    {
        // RFC 6582 §3.2 step 3 (2): deflate to the ssthresh set on entry
        state.putInt(offset + CWND_OFFSET, state.getInt(offset + SSTHRESH_OFFSET));
        state.putInt(offset + CARRY_OFFSET, 0);
    }

    public void onRetransmitTimeout(
        final MutableDirectBuffer state, final int offset, final int flightSize, final int mss, final long nowNs)
    {
        state.putInt(offset + SSTHRESH_OFFSET, halfFlight(flightSize, mss));
        state.putInt(offset + CWND_OFFSET, mss); // RFC 5681 §3.1: LW = 1 full-sized segment
        state.putInt(offset + CARRY_OFFSET, 0);
    }

    public int cwnd(final DirectBuffer state, final int offset)
    {
        return state.getInt(offset + CWND_OFFSET);
    }

    public int ssthresh(final DirectBuffer state, final int offset)
    {
        return state.getInt(offset + SSTHRESH_OFFSET);
    }

    public String name()
    {
        return "newreno";
    }

    public String toString()
    {
        return name();
    }

    /** RFC 5681 equation 4: max(FlightSize / 2, 2*SMSS). */
    private static int halfFlight(final int flightSize, final int mss)
    {
        return (int)Math.min(Integer.MAX_VALUE, Math.max(flightSize / 2, 2L * mss));
    }
}
