package io.synpipe.tcp;

import io.synpipe.table.ConnectionTable;
import io.synpipe.table.Tcb;
import io.synpipe.wire.Segment;
import io.synpipe.wire.TcpOptions;
import org.agrona.DirectBuffer;

import static io.synpipe.tcp.TcpState.S_CLOSED;
import static io.synpipe.tcp.TcpState.S_CLOSE_WAIT;
import static io.synpipe.tcp.TcpState.S_CLOSING;
import static io.synpipe.tcp.TcpState.S_ESTABLISHED;
import static io.synpipe.tcp.TcpState.S_FIN_WAIT_1;
import static io.synpipe.tcp.TcpState.S_FIN_WAIT_2;
import static io.synpipe.tcp.TcpState.S_LAST_ACK;
import static io.synpipe.tcp.TcpState.S_LISTEN;
import static io.synpipe.tcp.TcpState.S_SYN_RECEIVED;

/**
 * SEGMENT ARRIVES in SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK and
 * TIME-WAIT (RFC 9293 §3.10.7.4), with PAWS (RFC 7323 §5), the blind-attack defences of RFC 5961 and RFC 1337
 * in TIME-WAIT. The steps keep the RFC's order: sequence number, RST, SYN, ACK, text, FIN.
 */
final class SynchronizedStates
{
    /** RFC 7323 §5.5: TS.Recent older than 24 days is no longer trusted. */
    private static final long PAWS_IDLE_NS = 24L * 24 * 3600 * 1_000_000_000L;
    private static final int MAX_UNSCALED_WINDOW = 65_535;

    private final TcpConfig config;
    private final ConnectionTable table;
    private final SegmentOutput output;
    private final ConnectionLifecycle lifecycle;
    private final EngineCounters counters;
    private final TcpHandler handler;
    private final ChallengeAckLimiter challengeAcks;
    private final DataTransfer data;
    private final DataReceiver receiver;

    SynchronizedStates(
        final TcpConfig config,
        final ConnectionTable table,
        final SegmentOutput output,
        final ConnectionLifecycle lifecycle,
        final EngineCounters counters,
        final TcpHandler handler,
        final DataTransfer data,
        final DataReceiver receiver)
    {
        this.data = data;
        this.receiver = receiver;
        this.config = config;
        this.table = table;
        this.output = output;
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.handler = handler;
        this.challengeAcks = new ChallengeAckLimiter(config.challengeAckLimitPerSecond());
    }

    /** RFC 9293 §3.10.7.4 first check: the four cases of the acceptability test. */
    static boolean acceptable(final int seq, final int segLen, final int rcvNxt, final int rcvWnd)
    {
        if (segLen == 0)
        {
            return rcvWnd == 0 ? seq == rcvNxt : SeqNum.inRange(seq, rcvNxt, rcvNxt + rcvWnd);
        }
        if (rcvWnd == 0)
        {
            return false;
        }
        return SeqNum.inRange(seq, rcvNxt, rcvNxt + rcvWnd) || SeqNum.inRange(seq + segLen - 1, rcvNxt, rcvNxt + rcvWnd);
    }

    void onSegment(final long handle, final Tcb tcb, final Segment in, final long nowNs)
    {
        int state = tcb.state();
        int flags = in.flags();
        int seq = in.seq();
        int dataOffset = in.payloadOffset();
        int dataLength = in.payloadLength();

        if (state == S_SYN_RECEIVED && seq == tcb.irs() && (flags & Segment.SYN) != 0)
        {
            if ((flags & (Segment.ACK | Segment.RST)) == 0)
            {
                // the peer retransmitted its SYN: our SYN-ACK was lost, send it again (as Linux does)
                if (!tcb.hasFlag(Tcb.F_ACCEPT_PENDING))
                {
                    output.sendSynAck(tcb, nowNs);
                    counters.increment(EngineEvent.SYN_ACK_RESENT_FOR_DUPLICATE_SYN);
                }
                return;
            }
            if ((flags & (Segment.ACK | Segment.RST)) == Segment.ACK)
            {
                // simultaneous open, RFC 9293 Figure 8 line 6: the peer's SYN,ACK -> trim the SYN we hold already
                flags &= ~Segment.SYN;
                seq++;
            }
        }

        final TcpOptions options = in.options();
        if (tcb.hasFlag(Tcb.F_TIMESTAMPS_OK) && (flags & Segment.RST) == 0)
        {
            if (!options.hasTimestamps())
            {
                // RFC 7323 §3.2: a non-RST segment without TSopt SHOULD be silently dropped
                counters.increment(EngineEvent.MISSING_TIMESTAMP_DROPPED);
                return;
            }
            if (SeqNum.lt(options.tsVal(), tcb.tsRecent()) && nowNs - tcb.tsRecentAgeNs() < PAWS_IDLE_NS)
            {
                // RFC 7323 §5.3 R1: PAWS -> treat as unacceptable: <ACK>, drop
                output.sendAck(tcb, nowNs);
                counters.increment(EngineEvent.PAWS_REJECTED);
                return;
            }
        }

        // first: sequence number check
        final int rcvNxt = tcb.rcvNxt();
        final int rcvWnd = tcb.rcvWnd();
        final int segLen = dataLength + ((flags & Segment.SYN) != 0 ? 1 : 0) + ((flags & Segment.FIN) != 0 ? 1 : 0);
        if (!acceptable(seq, segLen, rcvNxt, rcvWnd))
        {
            // 3.10.7.4: unacceptable -> <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> unless RST
            if ((flags & Segment.RST) == 0)
            {
                output.sendAck(tcb, nowNs);
            }
            counters.increment(EngineEvent.SEGMENT_UNACCEPTABLE);
            if (rcvWnd == 0 && (flags & (Segment.ACK | Segment.RST | Segment.SYN)) == Segment.ACK
                && state != S_SYN_RECEIVED && SeqNum.ge(seq, rcvNxt))
            {
                // 3.10.7.4: with a zero receive window no segment is acceptable, but valid ACKs must still be
                // taken, or two peers with full buffers never learn that the other has drained
                counters.increment(EngineEvent.ZERO_WINDOW_ACK_ACCEPTED);
                ackStep(handle, tcb, in, state, seq, in.ack(), rcvNxt, 0, false, nowNs);
            }
            return;
        }
        // the peer is alive: keep-alive counts idle time from here (RFC 9293 §3.8.4)
        tcb.lastHeardNs(nowNs);
        tcb.keepaliveProbes(0);
        if (SeqNum.lt(seq, rcvNxt))
        {
            // 3.10.7.4: trim what lies before RCV.NXT (SYN first, then text)
            int excess = rcvNxt - seq;
            if ((flags & Segment.SYN) != 0)
            {
                flags &= ~Segment.SYN;
                excess--;
                seq++;
            }
            final int cut = Math.min(excess, dataLength);
            dataOffset += cut;
            dataLength -= cut;
            seq += cut;
        }
        final int windowEnd = rcvNxt + rcvWnd;
        if (SeqNum.gt(seq + dataLength, windowEnd))
        {
            // 3.10.7.4: trim what lies beyond the window, FIN included
            dataLength = windowEnd - seq;
            flags &= ~Segment.FIN;
        }

        // second: RST (RFC 5961 §3.2)
        if ((flags & Segment.RST) != 0)
        {
            if (in.seq() == rcvNxt)
            {
                onReset(handle, tcb, state);
            }
            else
            {
                // RFC 5961 §3.2: in window but not exact -> challenge ACK
                counters.increment(EngineEvent.RST_IN_WINDOW_NOT_EXACT);
                challengeAck(tcb, nowNs);
            }
            return;
        }

        // fourth: SYN
        if ((flags & Segment.SYN) != 0)
        {
            if (state == S_SYN_RECEIVED && tcb.hasFlag(Tcb.F_PASSIVE_OPEN))
            {
                // 3.10.7.4 fourth: SYN-RECEIVED from a passive OPEN -> return to LISTEN
                lifecycle.delete(handle, tcb, S_LISTEN, CloseReason.RESET_BEFORE_ESTABLISHED);
                return;
            }
            // RFC 5961 §4: SYN in a synchronized state -> challenge ACK, drop
            counters.increment(EngineEvent.SYN_IN_SYNCHRONIZED_STATE);
            challengeAck(tcb, nowNs);
            return;
        }

        // fifth: ACK
        if ((flags & Segment.ACK) == 0)
        {
            // 3.10.7.4 fifth: if the ACK bit is off, drop the segment
            counters.increment(EngineEvent.NO_ACK_DROPPED);
            return;
        }
        final int ack = in.ack();
        if (state == S_SYN_RECEIVED)
        {
            if (tcb.hasFlag(Tcb.F_ACCEPT_PENDING) || !SeqNum.inRangeExclusiveInclusive(ack, tcb.sndUna(), tcb.sndNxt()))
            {
                // 3.10.7.4 fifth, SYN-RECEIVED: unacceptable ACK -> <SEQ=SEG.ACK><CTL=RST>
                output.sendRstWithSeq(in, ack);
                counters.increment(EngineEvent.SYN_RECEIVED_BAD_ACK);
                return;
            }
            // SYN-RECEIVED -> ESTABLISHED: SND.WND = SEG.WND, SND.WL1 = SEG.SEQ, SND.WL2 = SEG.ACK
            lifecycle.onHandshakeRtt(tcb, nowNs);
            lifecycle.cancelRetransmit(tcb);
            lifecycle.transition(tcb, S_ESTABLISHED);
            tcb.sndWnd(in.window() << tcb.sndWindowShift());
            tcb.sndWl1(seq);
            tcb.sndWl2(ack);
            tcb.establishedNs(nowNs);
            lifecycle.armKeepalive(handle, tcb, nowNs + config.keepAliveIdleNs());
            handler.onEstablished(handle);
            if (!table.isLive(handle))
            {
                return;
            }
            state = tcb.state();
        }

        final boolean finInOrder = (flags & Segment.FIN) != 0 && seq == rcvNxt;
        if (!ackStep(handle, tcb, in, state, seq, ack, rcvNxt, dataLength, finInOrder, nowNs))
        {
            return;
        }

        // seventh and eighth: text and FIN
        state = tcb.state();
        final boolean textAllowed = state == S_ESTABLISHED || state == S_FIN_WAIT_1 || state == S_FIN_WAIT_2;
        if (!textAllowed)
        {
            // 3.10.7.4 seventh: CLOSE-WAIT, CLOSING, LAST-ACK ignore text (a FIN was received already)
            dataLength = 0;
        }
        acceptTextAndFin(handle, tcb, in.payloadBuffer(), dataOffset, dataLength, seq, (flags & Segment.FIN) != 0, nowNs);
    }

    /**
     * 3.10.7.4 fifth, for ESTABLISHED and the states after it: check SEG.ACK (RFC 5961 §5.2), update the send
     * window, hand the acknowledgment to the data transfer, and move the state when our FIN is acknowledged.
     *
     * @return true if text and FIN processing should follow.
     */
    private boolean ackStep(
        final long handle, final Tcb tcb, final Segment in, final int state, final int seq, final int ack,
        final int rcvNxt, final int dataLength, final boolean finInOrder, final long nowNs)
    {
        final TcpOptions options = in.options();
            final int sndNxt = tcb.sndNxt();
            if (SeqNum.gt(ack, sndNxt))
            {
                // 3.10.7.4 fifth: the ACK acks something not yet sent -> <ACK>, drop
                counters.increment(EngineEvent.ACK_UNACCEPTABLE);
                output.sendAck(tcb, nowNs);
                return false;
            }
            if (SeqNum.lt(ack, tcb.sndUna() - Math.max(tcb.sndWnd(), MAX_UNSCALED_WINDOW)))
            {
                // RFC 5961 §5.2: SEG.ACK below SND.UNA - MAX.SND.WND -> discard and send an ACK
                counters.increment(EngineEvent.ACK_UNACCEPTABLE);
                challengeAck(tcb, nowNs);
                return false;
            }
            final int newWindow = in.window() << tcb.sndWindowShift();
            final boolean windowChanged = newWindow != tcb.sndWnd();
            if (SeqNum.le(tcb.sndUna(), ack)
                && (SeqNum.lt(tcb.sndWl1(), seq) || (tcb.sndWl1() == seq && SeqNum.le(tcb.sndWl2(), ack))))
            {
                // 3.10.7.4 fifth: update the send window from the newest segment
                if (newWindow == 0 && windowChanged)
                {
                    counters.increment(EngineEvent.ZERO_WINDOW_SEEN);
                }
                tcb.sndWnd(newWindow);
                tcb.sndWl1(seq);
                tcb.sndWl2(ack);
            }
            if (tcb.hasFlag(Tcb.F_TIMESTAMPS_OK) && SeqNum.ge(options.tsVal(), tcb.tsRecent()) && SeqNum.le(seq, rcvNxt))
            {
                // RFC 7323 §4.3: TS.Recent follows the segment that covers RCV.NXT
                tcb.tsRecent(options.tsVal());
                tcb.tsRecentAgeNs(nowNs);
            }
            // 3.10.7.4 fifth: SND.UNA < SEG.ACK =< SND.NXT -> SND.UNA = SEG.ACK (with retransmission and recovery)
            data.onAck(handle, tcb, in, ack, dataLength, windowChanged, nowNs);
            if (!table.isLive(handle))
            {
                return false;
            }

            final boolean finAcked = tcb.hasFlag(Tcb.F_FIN_SENT) && SeqNum.gt(tcb.sndUna(), tcb.finSeq());
            switch (state)
            {
                case S_FIN_WAIT_1:
                    if (finAcked)
                    {
                        lifecycle.cancelRetransmit(tcb);
                        if (!finInOrder)
                        {
                            // 3.10.7.4 fifth: our FIN is acknowledged -> FIN-WAIT-2
                            lifecycle.transition(tcb, S_FIN_WAIT_2);
                            lifecycle.armCloseTimer(handle, tcb, nowNs + config.finWait2TimeoutNs());
                        }
                    }
                    break;
                case S_CLOSING:
                    if (finAcked)
                    {
                        // 3.10.7.4 fifth: CLOSING, our FIN acknowledged -> TIME-WAIT
                        lifecycle.enterTimeWait(handle, tcb, nowNs);
                    }
                    return false;
                case S_LAST_ACK:
                    if (finAcked)
                    {
                        // 3.10.7.4 fifth: LAST-ACK, our FIN acknowledged -> delete TCB, CLOSED
                        lifecycle.delete(handle, tcb, S_CLOSED, CloseReason.NORMAL);
                    }
                    return false;
                default:
                    break;
            }
        return true;
    }

    /** 3.10.7.3: a SYN,ACK that also carried text or FIN continues here once ESTABLISHED. */
    void onTextAfterSyn(final long handle, final Tcb tcb, final Segment in, final long nowNs)
    {
        if (!table.isLive(handle) || tcb.state() != S_ESTABLISHED)
        {
            return;
        }
        final int dataLength = Math.min(in.payloadLength(), tcb.rcvWnd());
        final boolean fin = in.has(Segment.FIN) && dataLength == in.payloadLength();
        acceptTextAndFin(handle, tcb, in.payloadBuffer(), in.payloadOffset(), dataLength, tcb.rcvNxt(), fin, nowNs);
    }

    /**
     * Text (3.10.7.4 seventh) goes to the receive buffer, in order or not; the application hears of in-order bytes.
     * A FIN (eighth) counts only once everything before it has arrived; it moves the state. One ACK covers both,
     * sent at once when owed or delayed within the bound (RFC 5681 §4.2), then the application hears end of stream.
     */
    private void acceptTextAndFin(
        final long handle, final Tcb tcb, final DirectBuffer buffer, final int dataOffset, final int dataLength,
        final int seq, final boolean finFlag, final long nowNs)
    {
        final int deliverFrom = tcb.rcvNxt();
        boolean inOrder = seq == deliverFrom;
        if (dataLength > 0)
        {
            inOrder = receiver.receive(tcb, buffer, dataOffset, dataLength, seq, nowNs);
        }
        final int deliverTo = tcb.rcvNxt();
        final boolean fin = finFlag && inOrder && seq + dataLength == deliverTo;
        if (finFlag && !fin)
        {
            // a FIN beyond a gap waits for its retransmission; say where we are
            counters.increment(EngineEvent.OUT_OF_ORDER_FIN_DROPPED);
            tcb.segmentsUnacked(Math.max(tcb.segmentsUnacked(), 2));
        }
        if (deliverTo != deliverFrom)
        {
            receiver.deliver(handle, tcb, deliverFrom, deliverTo);
            if (!table.isLive(handle))
            {
                return;
            }
        }
        boolean toTimeWait = false;
        if (fin)
        {
            final int state = tcb.state();
            tcb.rcvNxt(tcb.rcvNxt() + 1);
            tcb.setFlag(Tcb.F_FIN_RECEIVED);
            tcb.segmentsUnacked(tcb.segmentsUnacked() + 1);
            final boolean ourFinAcked = tcb.hasFlag(Tcb.F_FIN_SENT) && SeqNum.gt(tcb.sndUna(), tcb.finSeq());
            switch (state)
            {
                case S_SYN_RECEIVED, S_ESTABLISHED -> lifecycle.transition(tcb, S_CLOSE_WAIT);
                // 3.10.7.4 eighth, FIN-WAIT-1: FIN acknowledged -> TIME-WAIT, else CLOSING
                case S_FIN_WAIT_1 ->
                {
                    toTimeWait = ourFinAcked;
                    if (!toTimeWait)
                    {
                        lifecycle.transition(tcb, S_CLOSING);
                    }
                }
                case S_FIN_WAIT_2 -> toTimeWait = true;
                default ->
                {
                }
            }
        }
        if (!fin)
        {
            receiver.acknowledge(handle, tcb, false, nowNs);
            return;
        }
        // 3.10.7.4 eighth: the FIN is acknowledged now, by the first segment the application sends from the callback
        // (its last data or its own FIN carry ACK = RCV.NXT), else by a bare ACK
        handler.onPeerClosed(handle);
        if (!table.isLive(handle))
        {
            return;
        }
        receiver.acknowledge(handle, tcb, true, nowNs);
        if (toTimeWait)
        {
            final int now = tcb.state();
            if (now == S_FIN_WAIT_1 || now == S_FIN_WAIT_2)
            {
                lifecycle.enterTimeWait(handle, tcb, nowNs);
            }
        }
    }

    /**
     * TIME-WAIT (RFC 9293 §3.10.7.4 with RFC 1337 and RFC 6191).
     *
     * @return true if the TIME-WAIT connection was closed to let a new SYN open the 4-tuple again: the caller
     * then processes the segment as for no connection.
     */
    boolean onTimeWait(final long handle, final Tcb tcb, final Segment in, final long nowNs)
    {
        if (in.has(Segment.RST))
        {
            // RFC 1337: ignore RST in TIME-WAIT (no assassination)
            counters.increment(EngineEvent.TIME_WAIT_RST_IGNORED);
            return false;
        }
        if (in.has(Segment.SYN) && !in.has(Segment.ACK))
        {
            final boolean timestamps = tcb.hasFlag(Tcb.F_TIMESTAMPS_OK) && in.options().hasTimestamps();
            final boolean newer = timestamps ?
                SeqNum.gt(in.options().tsVal(), tcb.tsRecent()) : SeqNum.gt(in.seq(), tcb.rcvNxt());
            if (newer)
            {
                // RFC 9293 §3.6.1 / RFC 6191: a SYN beyond the old connection may reopen the 4-tuple
                counters.increment(EngineEvent.TIME_WAIT_REOPENED);
                lifecycle.delete(handle, tcb, S_CLOSED, CloseReason.NORMAL);
                return true;
            }
            counters.increment(EngineEvent.TIME_WAIT_SYN_ACKED);
            output.sendAck(tcb, nowNs);
            return false;
        }
        if (in.has(Segment.FIN) && in.seq() + in.payloadLength() + 1 == tcb.rcvNxt())
        {
            // 3.10.7.4 eighth, TIME-WAIT: the remote FIN again -> ACK it and restart the 2 MSL timeout
            counters.increment(EngineEvent.TIME_WAIT_FIN_REACKED);
            output.sendAck(tcb, nowNs);
            lifecycle.restartTimeWait(handle, tcb, nowNs);
            return false;
        }
        if (!acceptable(in.seq(), in.segmentLength(), tcb.rcvNxt(), tcb.rcvWnd()))
        {
            counters.increment(EngineEvent.SEGMENT_UNACCEPTABLE);
            output.sendAck(tcb, nowNs);
        }
        return false;
    }

    /** 3.10.7.4 second, RST at exactly RCV.NXT. */
    private void onReset(final long handle, final Tcb tcb, final int state)
    {
        if (state == S_SYN_RECEIVED)
        {
            if (tcb.hasFlag(Tcb.F_PASSIVE_OPEN))
            {
                // passive OPEN -> return to LISTEN
                lifecycle.delete(handle, tcb, S_LISTEN, CloseReason.RESET_BEFORE_ESTABLISHED);
            }
            else
            {
                // active OPEN (simultaneous open) -> "connection refused", CLOSED
                lifecycle.delete(handle, tcb, S_CLOSED, CloseReason.REFUSED);
            }
            return;
        }
        // ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT: "connection reset"; CLOSING, LAST-ACK: CLOSED
        lifecycle.delete(handle, tcb, S_CLOSED, CloseReason.RESET_BY_PEER);
    }

    /** RFC 5961 §3.2, §4.2, §5.2: {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>}, rate limited (§7). */
    private void challengeAck(final Tcb tcb, final long nowNs)
    {
        if (challengeAcks.tryAcquire(nowNs))
        {
            counters.increment(EngineEvent.CHALLENGE_ACK_SENT);
            output.sendAck(tcb, nowNs);
        }
        else
        {
            counters.increment(EngineEvent.CHALLENGE_ACK_RATE_LIMITED);
        }
    }
}
