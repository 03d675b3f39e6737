package io.synpipe.cc;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * One connection's congestion state in a buffer with sentinel guard bytes on both sides, and a sender that keeps
 * its window full: every ACK finds {@code cwnd} bytes in flight unless a test says otherwise. Time moves only
 * when a test moves it.
 */
final class CcHarness
{
    static final int GUARD_BYTES = 24;
    static final int OFFSET = GUARD_BYTES;
    static final byte SENTINEL = (byte)0xA5;

    final CongestionControl cc;
    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[GUARD_BYTES + CongestionControl.STATE_BYTES + GUARD_BYTES]);
    final int mss;
    long nowNs;

    CcHarness(final CongestionControl cc, final int mss, final long startNs)
    {
        this.cc = cc;
        this.mss = mss;
        this.nowNs = startNs;
        buffer.setMemory(0, buffer.capacity(), SENTINEL);
        cc.init(buffer, OFFSET, mss, nowNs);
    }

    int cwnd()
    {
        return cc.cwnd(buffer, OFFSET);
    }

    int ssthresh()
    {
        return cc.ssthresh(buffer, OFFSET);
    }

    double cwndSegments()
    {
        return (double)cwnd() / mss;
    }

    /** An ACK of new data with a full window in flight and no RTT sample. */
    CcHarness ack(final int ackedBytes)
    {
        return ack(ackedBytes, cwnd(), -1);
    }

    CcHarness ack(final int ackedBytes, final int bytesInFlight, final long rttNs)
    {
        cc.onAck(buffer, OFFSET, ackedBytes, mss, bytesInFlight, rttNs, nowNs);
        return this;
    }

    CcHarness advanceNs(final long ns)
    {
        nowNs += ns;
        return this;
    }

    /**
     * One round trip: the window at its start is acknowledged in ACKs of {@code ackBytes} (the last may be
     * smaller) spread evenly over {@code rttNs}, each carrying an RTT sample of {@code rttNs}.
     *
     * @return the number of ACKs.
     */
    int round(final int ackBytes, final long rttNs)
    {
        final int windowBytes = cwnd();
        final int acks = (windowBytes + ackBytes - 1) / ackBytes;
        final long startNs = nowNs;
        int remaining = windowBytes;
        for (int i = 1; i <= acks; i++)
        {
            nowNs = startNs + rttNs * i / acks;
            final int acked = Math.min(ackBytes, remaining);
            remaining -= acked;
            ack(acked, cwnd(), rttNs);
        }
        return acks;
    }

    CcHarness congestionEvent(final int flightSize)
    {
        cc.onCongestionEvent(buffer, OFFSET, flightSize, mss, nowNs);
        return this;
    }

    CcHarness recoveryExit()
    {
        cc.onRecoveryExit(buffer, OFFSET, mss, nowNs);
        return this;
    }

    CcHarness timeout(final int flightSize)
    {
        cc.onRetransmitTimeout(buffer, OFFSET, flightSize, mss, nowNs);
        return this;
    }

    /** @return whether every guard byte before and after the region still holds the sentinel. */
    boolean guardsIntact()
    {
        for (int i = 0; i < GUARD_BYTES; i++)
        {
            if (buffer.getByte(i) != SENTINEL || buffer.getByte(OFFSET + CongestionControl.STATE_BYTES + i) != SENTINEL)
            {
                return false;
            }
        }
        return true;
    }
}
