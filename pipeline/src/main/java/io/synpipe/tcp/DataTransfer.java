package io.synpipe.tcp;

import io.synpipe.buffer.BufferArena;
import io.synpipe.buffer.SeqRing;
import io.synpipe.cc.CongestionControl;
import io.synpipe.table.ConnectionTable;
import io.synpipe.table.Tcb;
import io.synpipe.timer.TimerService;
import io.synpipe.wire.Segment;
import io.synpipe.wire.TcpOptions;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reliable data transfer (RFC 9293 §3.8, RFC 6298, RFC 5681/6582, RFC 2018/6675, RFC 7323): send and receive
 * rings taken from the {@link BufferArena} when a connection first carries data, the sliding window with SWS
 * avoidance, retransmission on timeout (go-back-N that skips SACKed data) and on three duplicate ACKs (NewReno
 * recovery), out-of-order reassembly, delayed ACKs, Nagle, zero-window probes.
 */
final class DataTransfer
{
    private static final long MAX_PERSIST_NS = 60_000_000_000L;
    private static final long CLOCK_GRANULARITY_NS = 1_000_000L;
    private static final int DUP_ACK_THRESHOLD = 3;
    private static final int MAX_SACK_BLOCKS_WITH_TIMESTAMPS = 3;

    private final TcpConfig config;
    private final ConnectionTable table;
    private final BufferArena arena;
    private final SegmentOutput output;
    private final ConnectionLifecycle lifecycle;
    private final TimerService timers;
    private final EngineCounters counters;
    private final TcpHandler handler;
    private final CongestionControl cc;
    private final TransferState state = new TransferState();
    private final UnsafeBuffer stateView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer sendRing = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer receiveRing = new UnsafeBuffer(0, 0);

    DataTransfer(
        final TcpConfig config,
        final ConnectionTable table,
        final BufferArena arena,
        final SegmentOutput output,
        final ConnectionLifecycle lifecycle,
        final TimerService timers,
        final EngineCounters counters,
        final TcpHandler handler)
    {
        this.config = config;
        this.table = table;
        this.arena = arena;
        this.output = output;
        this.lifecycle = lifecycle;
        this.timers = timers;
        this.counters = counters;
        this.handler = handler;
        this.cc = io.synpipe.cc.CongestionControls.byName(config.congestionControl());
    }

    BufferArena arena()
    {
        return arena;
    }

    /** Positions the state flyweight and both rings on the connection's block. */
    TransferState bind(final Tcb tcb)
    {
        final int block = tcb.dataBlock();
        arena.wrapSendRing(block, sendRing);
        arena.wrapReceiveRing(block, receiveRing);
        return state.wrap(arena.wrapState(block, stateView));
    }

    /** Gives the connection its buffers on first use. @return false if the arena is exhausted. */
    boolean ensureBlock(final Tcb tcb, final long nowNs)
    {
        if (tcb.dataBlock() != BufferArena.NO_BLOCK)
        {
            return true;
        }
        final int block = arena.allocate();
        if (block == BufferArena.NO_BLOCK)
        {
            counters.increment(EngineEvent.DATA_BUFFERS_EXHAUSTED);
            return false;
        }
        tcb.dataBlock(block);
        final TransferState s = bind(tcb);
        s.putInt(TransferState.SND_BUF_END, tcb.hasFlag(Tcb.F_FIN_SENT) ? tcb.finSeq() : tcb.sndNxt());
        s.putInt(TransferState.RCV_READ, tcb.rcvNxt());
        s.putInt(TransferState.RCV_ADV_EDGE, tcb.rcvNxt() + tcb.rcvWnd());
        s.putInt(TransferState.RECOVER, tcb.iss());
        s.putInt(TransferState.MAX_SND_WND, tcb.sndWnd());
        s.received.clear();
        s.sacked.clear();
        cc.init(s.buffer(), s.ccOffset(), output.payloadMss(tcb), nowNs);
        return true;
    }

    /** Returns the connection's buffers to the arena (the TCB is going away). */
    void release(final Tcb tcb)
    {
        timers.cancel(tcb.delayedAckTimerId());
        timers.cancel(tcb.persistTimerId());
        tcb.delayedAckTimerId(TimerService.NULL_TIMER);
        tcb.persistTimerId(TimerService.NULL_TIMER);
        if (tcb.dataBlock() != BufferArena.NO_BLOCK)
        {
            arena.free(tcb.dataBlock());
            tcb.dataBlock(BufferArena.NO_BLOCK);
        }
    }

    /** Bytes the application may still write. */
    int writable(final Tcb tcb)
    {
        if (tcb.dataBlock() == BufferArena.NO_BLOCK)
        {
            return arena.sendBufferBytes();
        }
        final TransferState s = bind(tcb);
        return arena.sendBufferBytes() - (s.getInt(TransferState.SND_BUF_END) - tcb.sndUna());
    }

    /** Copies what fits into the send ring and sends what the windows allow. @return bytes accepted. */
    int write(final long handle, final Tcb tcb, final DirectBuffer src, final int offset, final int length, final long nowNs)
    {
        if (!ensureBlock(tcb, nowNs))
        {
            return 0;
        }
        final TransferState s = bind(tcb);
        final int end = s.getInt(TransferState.SND_BUF_END);
        final int free = arena.sendBufferBytes() - (end - tcb.sndUna());
        final int n = Math.min(length, free);
        if (n > 0)
        {
            SeqRing.write(sendRing, end, src, offset, n);
            s.putInt(TransferState.SND_BUF_END, end + n);
        }
        if (n < length)
        {
            tcb.setFlag(Tcb.F_WANT_WRITABLE);
        }
        transmit(handle, tcb, nowNs);
        return n;
    }

    /**
     * Sends what may go now: retransmissions first, then new data within min(SND.WND, cwnd) with Nagle and SWS
     * avoidance (RFC 9293 §3.8.6.2.1), then the FIN once the buffer has drained.
     */
    void transmit(final long handle, final Tcb tcb, final long nowNs)
    {
        if (tcb.dataBlock() == BufferArena.NO_BLOCK)
        {
            maybeSendFin(handle, tcb, tcb.sndNxt(), nowNs);
            return;
        }
        final TransferState s = bind(tcb);
        final int mss = output.payloadMss(tcb);
        while (true)
        {
            final int sndUna = tcb.sndUna();
            final int sndNxt = tcb.sndNxt();
            final int bufEnd = s.getInt(TransferState.SND_BUF_END);
            final int dataEnd = tcb.hasFlag(Tcb.F_FIN_SENT) ? tcb.finSeq() : bufEnd;
            if (s.has(TransferState.S_IN_RECOVERY) && tcb.hasFlag(Tcb.F_SACK_OK))
            {
                transmitInSackRecovery(handle, tcb, s, mss, nowNs);
                return;
            }
            int window = Math.min(tcb.sndWnd(), cc.cwnd(s.buffer(), s.ccOffset()));
            if (s.has(TransferState.S_IN_RECOVERY))
            {
                // RFC 6582 §3.2 step 4: each further duplicate ACK inflates the window by one segment
                window += s.getInt(TransferState.DUP_ACKS) * mss;
            }
            if (s.has(TransferState.S_RETRANSMITTING))
            {
                int rtx = s.getInt(TransferState.SND_RTX);
                while (SeqNum.lt(rtx, sndNxt) && s.sacked.contains(rtx))
                {
                    rtx = SackScoreboard.endOfSackedRangeAt(s.sacked, rtx);
                }
                if (SeqNum.ge(rtx, sndNxt))
                {
                    s.clear(TransferState.S_RETRANSMITTING);
                    continue;
                }
                if (rtx - sndUna >= Math.max(window, mss))
                {
                    return;
                }
                if (tcb.hasFlag(Tcb.F_FIN_SENT) && rtx == tcb.finSeq())
                {
                    output.sendFin(tcb, nowNs);
                    s.putInt(TransferState.SND_RTX, rtx + 1);
                    continue;
                }
                final int len = Math.min(mss, dataEnd - rtx);
                output.sendFromRing(tcb, rtx, sendRing, len, false, nowNs);
                counters.increment(EngineEvent.RETRANSMIT_DATA);
                s.putInt(TransferState.SND_RTX, rtx + len);
                continue;
            }
            final int available = bufEnd - sndNxt;
            if (available <= 0 || tcb.hasFlag(Tcb.F_FIN_SENT))
            {
                maybeSendFin(handle, tcb, bufEnd, nowNs);
                return;
            }
            final int usable = sndUna + window - sndNxt;
            int len = Math.min(mss, available);
            if (usable < len)
            {
                if (usable <= 0 || sndNxt != sndUna)
                {
                    if (tcb.sndWnd() == 0 && sndNxt == sndUna)
                    {
                        armPersist(handle, tcb, s, nowNs);
                    }
                    return;
                }
                // nothing in flight: send what the window holds rather than stall
                len = usable;
            }
            if (len < mss && sndNxt != sndUna && !tcb.hasFlag(Tcb.F_NO_DELAY) && len == available)
            {
                // Nagle (RFC 9293 §3.7.4): hold a small segment while data is unacknowledged
                return;
            }
            output.sendFromRing(tcb, sndNxt, sendRing, len, sndNxt + len == bufEnd, nowNs);
            if (!s.has(TransferState.S_RTT_TIMING))
            {
                s.set(TransferState.S_RTT_TIMING);
                s.putInt(TransferState.RTT_SEQ, sndNxt);
                s.rttStartNs(nowNs);
            }
            tcb.sndNxt(sndNxt + len);
            if (tcb.retransmitTimerId() == TimerService.NULL_TIMER)
            {
                lifecycle.armRetransmit(handle, tcb, nowNs);
            }
        }
    }

    /** The FIN goes once the application closed and every byte before it was sent (RFC 9293 §3.10.4). */
    private void maybeSendFin(final long handle, final Tcb tcb, final int bufEnd, final long nowNs)
    {
        if (tcb.hasFlag(Tcb.F_APP_CLOSED) && !tcb.hasFlag(Tcb.F_FIN_SENT) && tcb.sndNxt() == bufEnd)
        {
            tcb.setFlag(Tcb.F_FIN_SENT);
            tcb.finSeq(tcb.sndNxt());
            tcb.sndNxt(tcb.sndNxt() + 1);
            output.sendFin(tcb, nowNs);
            if (tcb.retransmitTimerId() == TimerService.NULL_TIMER)
            {
                lifecycle.armRetransmit(handle, tcb, nowNs);
            }
        }
    }

    /**
     * RFC 9293 §3.10.7.4 fifth, ESTABLISHED: an acceptable ACK ({@code SND.UNA - MAX.SND.WND <= ack <= SND.NXT}).
     * Advances SND.UNA, samples RTT, drives congestion control and loss recovery, then sends what it allows.
     *
     * @param dataLength    payload of the acknowledging segment (duplicate ACKs carry none).
     * @param windowChanged whether the segment changed the offered window (then it is no duplicate ACK).
     */
    void onAck(
        final long handle, final Tcb tcb, final Segment in, final int ack, final int dataLength,
        final boolean windowChanged, final long nowNs)
    {
        final int sndUna = tcb.sndUna();
        if (tcb.dataBlock() == BufferArena.NO_BLOCK)
        {
            if (SeqNum.gt(ack, sndUna))
            {
                tcb.sndUna(ack);
                if (ack == tcb.sndNxt())
                {
                    lifecycle.cancelRetransmit(tcb);
                }
            }
            return;
        }
        final TransferState s = bind(tcb);
        final int mss = output.payloadMss(tcb);
        final TcpOptions options = in.options();
        if (tcb.hasFlag(Tcb.F_SACK_OK))
        {
            for (int i = 0; i < options.sackBlockCount(); i++)
            {
                final int left = options.sackLeft(i);
                final int right = options.sackRight(i);
                if (SeqNum.lt(left, right) && SeqNum.gt(left, ack) && SeqNum.le(right, tcb.sndNxt()))
                {
                    s.sacked.add(left, right);
                }
            }
        }
        if (SeqNum.gt(ack, sndUna))
        {
            final boolean finAcked = tcb.hasFlag(Tcb.F_FIN_SENT) && SeqNum.gt(ack, tcb.finSeq());
            final int ackedBytes = ack - sndUna - (finAcked ? 1 : 0);
            tcb.sndUna(ack);
            s.sacked.removeBelow(ack);
            if (s.has(TransferState.S_RETRANSMITTING) && SeqNum.lt(s.getInt(TransferState.SND_RTX), ack))
            {
                s.putInt(TransferState.SND_RTX, ack);
            }
            long rttNs = -1;
            if (s.has(TransferState.S_RTT_TIMING) && SeqNum.gt(ack, s.getInt(TransferState.RTT_SEQ)))
            {
                rttNs = nowNs - s.rttStartNs();
                s.clear(TransferState.S_RTT_TIMING);
                updateRto(tcb, rttNs);
            }
            tcb.retransmitCount(0);
            if (ack == tcb.sndNxt())
            {
                lifecycle.cancelRetransmit(tcb);
            }
            else
            {
                // RFC 6298 §5.3: restart the timer when new data is acknowledged
                lifecycle.armRetransmit(handle, tcb, nowNs);
            }
            if (s.has(TransferState.S_IN_RECOVERY))
            {
                if (SeqNum.ge(ack, s.getInt(TransferState.RECOVER)))
                {
                    // RFC 6582 §3.2 step 3: full acknowledgment ends recovery
                    s.clear(TransferState.S_IN_RECOVERY);
                    cc.onRecoveryExit(s.buffer(), s.ccOffset(), mss, nowNs);
                }
                else if (!tcb.hasFlag(Tcb.F_SACK_OK))
                {
                    // RFC 6582 §3.2 step 5: partial acknowledgment -> retransmit the first unacknowledged segment
                    retransmitFirst(tcb, s, mss, nowNs);
                }
            }
            else
            {
                // the flight before this ACK says whether the window was in use (RFC 7661 §2)
                cc.onAck(s.buffer(), s.ccOffset(), ackedBytes, mss, tcb.sndNxt() - sndUna, rttNs, nowNs);
            }
            s.putInt(TransferState.DUP_ACKS, 0);
            timers.cancel(tcb.persistTimerId());
            tcb.persistTimerId(TimerService.NULL_TIMER);
            s.putInt(TransferState.PERSIST_SHIFT, 0);
        }
        else if (ack == sndUna && dataLength == 0 && !windowChanged && tcb.sndNxt() != sndUna)
        {
            final int dupAcks = s.getInt(TransferState.DUP_ACKS) + 1;
            s.putInt(TransferState.DUP_ACKS, dupAcks);
            if (dupAcks == DUP_ACK_THRESHOLD && !s.has(TransferState.S_IN_RECOVERY)
                && SeqNum.gt(ack, s.getInt(TransferState.RECOVER) - 1))
            {
                // RFC 6582 §3.2 steps 1-2: fast retransmit and enter fast recovery
                counters.increment(EngineEvent.FAST_RETRANSMIT);
                s.putInt(TransferState.RECOVER, tcb.sndNxt());
                s.set(TransferState.S_IN_RECOVERY);
                s.clear(TransferState.S_RTT_TIMING);
                cc.onCongestionEvent(s.buffer(), s.ccOffset(), tcb.sndNxt() - sndUna, mss, nowNs);
                // RFC 6675 §5 step 4.3 / RFC 6582: the first unacknowledged segment goes again at once
                s.putInt(TransferState.SND_RTX, sndUna + retransmitFirst(tcb, s, mss, nowNs));
            }
        }
        if (tcb.sndWnd() > s.getInt(TransferState.MAX_SND_WND))
        {
            s.putInt(TransferState.MAX_SND_WND, tcb.sndWnd());
        }
        transmit(handle, tcb, nowNs);
        if (tcb.hasFlag(Tcb.F_WANT_WRITABLE) && writable(tcb) >= arena.sendBufferBytes() / 2)
        {
            tcb.clearFlag(Tcb.F_WANT_WRITABLE);
            handler.onWritable(handle);
        }
    }

    /**
     * RFC 6675 §5: while cwnd - pipe allows a segment, send NextSeg: first the lowest lost byte above HighRxt
     * (kept in sndRtx), else new data the peer's window takes. The connection leaves this mode on the ACK that
     * reaches the recovery point.
     */
    private void transmitInSackRecovery(
        final long handle, final Tcb tcb, final TransferState s, final int mss, final long nowNs)
    {
        final int cwnd = cc.cwnd(s.buffer(), s.ccOffset());
        final int sndUna = tcb.sndUna();
        final int bufEnd = s.getInt(TransferState.SND_BUF_END);
        final int dataEnd = tcb.hasFlag(Tcb.F_FIN_SENT) ? tcb.finSeq() : bufEnd;
        int pipe = SackScoreboard.pipe(s.sacked, sndUna, tcb.sndNxt(), s.getInt(TransferState.SND_RTX), mss);
        final int lost = SackScoreboard.lostBoundary(s.sacked, sndUna, mss);
        while (cwnd - pipe >= mss)
        {
            int seq = s.getInt(TransferState.SND_RTX);
            if (SeqNum.lt(seq, sndUna))
            {
                seq = sndUna;
            }
            while (SeqNum.lt(seq, lost) && s.sacked.contains(seq))
            {
                seq = SackScoreboard.endOfSackedRangeAt(s.sacked, seq);
            }
            if (SeqNum.lt(seq, lost) && SeqNum.lt(seq, dataEnd))
            {
                int holeEnd = lost;
                for (int i = 0; i < s.sacked.count(); i++)
                {
                    final int start = s.sacked.start(i);
                    if (SeqNum.gt(start, seq) && SeqNum.lt(start, holeEnd))
                    {
                        holeEnd = start;
                    }
                }
                final int len = Math.min(Math.min(mss, holeEnd - seq), dataEnd - seq);
                output.sendFromRing(tcb, seq, sendRing, len, false, nowNs);
                counters.increment(EngineEvent.RETRANSMIT_DATA);
                s.putInt(TransferState.SND_RTX, seq + len);
                pipe += len;
                continue;
            }
            final int sndNxt = tcb.sndNxt();
            final int available = bufEnd - sndNxt;
            final int len = Math.min(mss, available);
            if (tcb.hasFlag(Tcb.F_FIN_SENT) || len <= 0 || sndUna + tcb.sndWnd() - sndNxt < len)
            {
                return;
            }
            output.sendFromRing(tcb, sndNxt, sendRing, len, sndNxt + len == bufEnd, nowNs);
            tcb.sndNxt(sndNxt + len);
            pipe += len;
        }
    }

    /** @return the sequence space it covered. */
    private int retransmitFirst(final Tcb tcb, final TransferState s, final int mss, final long nowNs)
    {
        final int una = tcb.sndUna();
        if (tcb.hasFlag(Tcb.F_FIN_SENT) && una == tcb.finSeq())
        {
            output.sendFin(tcb, nowNs);
            return 1;
        }
        final int dataEnd = tcb.hasFlag(Tcb.F_FIN_SENT) ? tcb.finSeq() : tcb.sndNxt();
        final int len = Math.min(mss, dataEnd - una);
        if (len > 0)
        {
            output.sendFromRing(tcb, una, sendRing, len, false, nowNs);
            counters.increment(EngineEvent.RETRANSMIT_DATA);
        }
        return Math.max(len, 0);
    }

    /** RFC 6298 §2.2-2.4: SRTT, RTTVAR and RTO from a sample, clamped to [min, max]. */
    private void updateRto(final Tcb tcb, final long rttNs)
    {
        final long r = Math.max(rttNs, 0);
        long srtt = tcb.srttNs();
        long rttvar = tcb.rttvarNs();
        if (srtt == 0)
        {
            srtt = r;
            rttvar = r / 2;
        }
        else
        {
            rttvar = rttvar - (rttvar >> 2) + (Math.abs(srtt - r) >> 2);
            srtt = srtt - (srtt >> 3) + (r >> 3);
        }
        tcb.srttNs(srtt);
        tcb.rttvarNs(rttvar);
        final long rto = srtt + Math.max(CLOCK_GRANULARITY_NS, 4 * rttvar);
        tcb.rtoNs(Math.min(Math.max(rto, config.minRtoNs()), config.maxRtoNs()));
    }

    /** @return true if the connection has data or a FIN outstanding (retransmission is ours to run). */
    boolean hasOutstanding(final Tcb tcb)
    {
        return tcb.dataBlock() != BufferArena.NO_BLOCK && tcb.sndUna() != tcb.sndNxt();
    }

    /** RFC 6298 §5.4-5.6 with RFC 5681 §3.1: collapse cwnd, go back to SND.UNA, back off. */
    void onRetransmitTimeout(final long handle, final Tcb tcb, final long nowNs)
    {
        final TransferState s = bind(tcb);
        final int mss = output.payloadMss(tcb);
        counters.increment(EngineEvent.RETRANSMIT_TIMEOUT);
        if (tcb.retransmitCount() == 0)
        {
            // RFC 5681 §3.1: ssthresh is set once per loss episode, not again for each backed-off retransmission
            cc.onRetransmitTimeout(s.buffer(), s.ccOffset(), tcb.sndNxt() - tcb.sndUna(), mss, nowNs);
        }
        s.clear(TransferState.S_IN_RECOVERY | TransferState.S_RTT_TIMING);
        s.putInt(TransferState.RECOVER, tcb.sndNxt());
        s.putInt(TransferState.DUP_ACKS, 0);
        s.sacked.clear();
        s.set(TransferState.S_RETRANSMITTING);
        s.putInt(TransferState.SND_RTX, tcb.sndUna());
        lifecycle.backOff(tcb);
        lifecycle.armRetransmit(handle, tcb, nowNs);
        transmit(handle, tcb, nowNs);
    }

    private void armPersist(final long handle, final Tcb tcb, final TransferState s, final long nowNs)
    {
        if (tcb.persistTimerId() != TimerService.NULL_TIMER)
        {
            return;
        }
        final int shift = Math.min(s.getInt(TransferState.PERSIST_SHIFT), 20);
        final long delayNs = Math.min(tcb.rtoNs() << shift, MAX_PERSIST_NS);
        tcb.persistTimerId(timers.schedule(nowNs + delayNs,
            ConnectionLifecycle.timerPayload(handle, ConnectionLifecycle.TIMER_PERSIST)));
    }

    /** RFC 9293 §3.8.6.1: probe a zero window; the ACK it draws carries the current window. */
    void onPersistTimeout(final long handle, final Tcb tcb, final long nowNs)
    {
        tcb.persistTimerId(TimerService.NULL_TIMER);
        if (tcb.dataBlock() == BufferArena.NO_BLOCK)
        {
            return;
        }
        final TransferState s = bind(tcb);
        if (tcb.sndWnd() != 0 || s.getInt(TransferState.SND_BUF_END) == tcb.sndNxt())
        {
            transmit(handle, tcb, nowNs);
            return;
        }
        counters.increment(EngineEvent.ZERO_WINDOW_PROBE);
        output.sendProbe(tcb, nowNs);
        s.putInt(TransferState.PERSIST_SHIFT, s.getInt(TransferState.PERSIST_SHIFT) + 1);
        armPersist(handle, tcb, s, nowNs);
    }
}
