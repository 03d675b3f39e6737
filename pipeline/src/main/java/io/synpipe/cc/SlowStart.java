package io.synpipe.cc;

import org.agrona.MutableDirectBuffer;

/** Window arithmetic shared by the controllers: slow start and the cwnd-limited test. */
final class SlowStart
{
    /** RFC 3465 §2.2 limit L on the increase per ACK, in MSS. */
    static final int ABC_LIMIT_MSS = 2;

    private SlowStart()
    {
    }

    /**
     * Whether the sender used its window (RFC 7661 §2 "cwnd-limited"), so an ACK may grow it: in slow start more
     * than half of cwnd was in flight, in congestion avoidance less than one MSS of cwnd was unused.
     */
    static boolean isCwndLimited(final int cwnd, final int ssthresh, final int bytesInFlight, final int mss)
    {
        if (cwnd < ssthresh)
        {
            return 2L * bytesInFlight > cwnd;
        }
        return (long)bytesInFlight + mss > cwnd;
    }

    /**
     * One ACK of slow start (RFC 5681 §3.1, RFC 3465 §2.2): cwnd += min(ackedBytes, L*MSS), not beyond ssthresh.
     * Writes cwnd at {@code cwndIndex}.
     *
     * @return the acknowledged bytes left for congestion avoidance once cwnd reaches ssthresh, else 0.
     */
    static int grow(
        final MutableDirectBuffer state,
        final int cwndIndex,
        final int cwnd,
        final int ssthresh,
        final int ackedBytes,
        final int mss)
    {
        final long increase = Math.min(ackedBytes, (long)ABC_LIMIT_MSS * mss);
        final long grown = Math.min(cwnd + increase, ssthresh);
        state.putInt(cwndIndex, (int)grown);
        if (grown < ssthresh)
        {
            return 0;
        }
        return (int)(ackedBytes - (grown - cwnd));
    }
}
