package io.synpipe.tcp;

import io.synpipe.buffer.BufferArena;
import io.synpipe.buffer.SeqRing;
import io.synpipe.table.ConnectionTable;
import io.synpipe.table.Tcb;
import io.synpipe.timer.TimerService;
import io.synpipe.wire.TcpOptions;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The receiving half of reliable data transfer (RFC 9293 §3.8, §3.10.7.4 seventh): text into the receive ring at
 * its sequence number, out-of-order ranges held until the gap fills, in-order bytes handed to the application,
 * the offered window from free buffer space with receiver SWS avoidance and read credit, delayed ACKs
 * (RFC 5681 §4.2) and the SACK blocks we send (RFC 2018).
 */
final class DataReceiver
{
    private static final int MAX_SACK_BLOCKS_WITH_TIMESTAMPS = 3;

    private final TcpConfig config;
    private final ConnectionTable table;
    private final BufferArena arena;
    private final SegmentOutput output;
    private final TimerService timers;
    private final EngineCounters counters;
    private final TcpHandler handler;
    private final DataTransfer sender;
    private final TransferState state = new TransferState();
    private final UnsafeBuffer stateView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer receiveRing = new UnsafeBuffer(0, 0);

    DataReceiver(
        final TcpConfig config,
        final ConnectionTable table,
        final SegmentOutput output,
        final TimerService timers,
        final EngineCounters counters,
        final TcpHandler handler,
        final DataTransfer sender)
    {
        this.config = config;
        this.table = table;
        this.arena = sender.arena();
        this.output = output;
        this.timers = timers;
        this.counters = counters;
        this.handler = handler;
        this.sender = sender;
    }

    private TransferState bind(final Tcb tcb)
    {
        arena.wrapReceiveRing(tcb.dataBlock(), receiveRing);
        return state.wrap(arena.wrapState(tcb.dataBlock(), stateView));
    }

    /**
     * Text in the window (already trimmed to it): into the receive ring at its sequence number; in order, RCV.NXT
     * advances over it and over any out-of-order data it joins.
     *
     * @return true if RCV.NXT now covers the whole segment (so a FIN after it is in order).
     */
    boolean receive(final Tcb tcb, final DirectBuffer buffer, final int offset, final int length, final int seq,
        final long nowNs)
    {
        if (!sender.ensureBlock(tcb, nowNs))
        {
            return false;
        }
        final TransferState s = bind(tcb);
        SeqRing.write(receiveRing, seq, buffer, offset, length);
        final int rcvNxt = tcb.rcvNxt();
        tcb.segmentsUnacked(tcb.segmentsUnacked() + 1);
        if (seq == rcvNxt)
        {
            final int heldBefore = s.received.count();
            final int newNxt = s.received.advance(seq + length);
            tcb.rcvNxt(newNxt);
            if (heldBefore > 0)
            {
                // RFC 5681 §4.2: a segment that fills a gap is ACKed at once
                tcb.segmentsUnacked(Math.max(tcb.segmentsUnacked(), 2));
            }
        }
        else
        {
            // out of order: keep it, ACK at once with SACK (RFC 5681 §4.2, RFC 2018)
            s.received.add(seq, seq + length);
            counters.increment(EngineEvent.OUT_OF_ORDER_QUEUED);
            tcb.segmentsUnacked(Math.max(tcb.segmentsUnacked(), 2));
        }
        updateReceiveWindow(tcb, s);
        return tcb.rcvNxt() == seq + length || SeqNum.ge(tcb.rcvNxt(), seq + length);
    }

    /** Hands the in-order bytes [from, to) to the application, then releases them unless it credits itself. */
    void deliver(final long handle, final Tcb tcb, final int from, final int to)
    {
        if (from == to || tcb.dataBlock() == BufferArena.NO_BLOCK)
        {
            return;
        }
        bind(tcb);
        int seq = from;
        while (seq != to)
        {
            final int len = SeqRing.contiguousBytes(receiveRing, seq, to - seq);
            handler.onData(handle, receiveRing, SeqRing.offsetOf(receiveRing, seq), len);
            if (!table.isLive(handle) || tcb.dataBlock() == BufferArena.NO_BLOCK)
            {
                return;
            }
            bind(tcb);
            seq += len;
        }
        if (!tcb.hasFlag(Tcb.F_MANUAL_READ_CREDIT))
        {
            final TransferState s = bind(tcb);
            s.putInt(TransferState.RCV_READ, to);
            updateReceiveWindow(tcb, s);
        }
    }

    /** @return received bytes the application has not released yet (always 0 with automatic credit). */
    int unconsumed(final Tcb tcb)
    {
        if (tcb.dataBlock() == BufferArena.NO_BLOCK)
        {
            return 0;
        }
        return receivedDataEnd(tcb) - bind(tcb).getInt(TransferState.RCV_READ);
    }

    /** RCV.NXT less the peer's FIN, which takes a sequence number but is no data. */
    private static int receivedDataEnd(final Tcb tcb)
    {
        return tcb.hasFlag(Tcb.F_FIN_RECEIVED) ? tcb.rcvNxt() - 1 : tcb.rcvNxt();
    }

    /** Hands the received bytes not yet released to {@link TcpHandler#onData} again (manual read credit). */
    void redeliver(final long handle, final Tcb tcb)
    {
        if (tcb.dataBlock() != BufferArena.NO_BLOCK && tcb.hasFlag(Tcb.F_MANUAL_READ_CREDIT))
        {
            deliver(handle, tcb, bind(tcb).getInt(TransferState.RCV_READ), receivedDataEnd(tcb));
        }
    }

    /** The application is done with {@code bytes} more received bytes: the window may open (read credit). */
    void consume(final long handle, final Tcb tcb, final int bytes, final long nowNs)
    {
        if (tcb.dataBlock() == BufferArena.NO_BLOCK || bytes <= 0)
        {
            return;
        }
        final TransferState s = bind(tcb);
        final int read = s.getInt(TransferState.RCV_READ);
        final int end = receivedDataEnd(tcb);
        final int newRead = SeqNum.gt(read + bytes, end) ? end : read + bytes;
        s.putInt(TransferState.RCV_READ, newRead);
        final int before = tcb.rcvWnd();
        updateReceiveWindow(tcb, s);
        if (tcb.rcvWnd() > before && before < 2 * output.payloadMss(tcb))
        {
            // the window reopened from (nearly) closed: tell the peer now
            output.sendAck(tcb, nowNs);
        }
    }

    /**
     * RCV.WND from free receive-buffer space; the right edge moves only by at least min(buffer / 2, MSS)
     * (receiver SWS avoidance, RFC 9293 §3.8.6.2.2) and never to the left.
     */
    private void updateReceiveWindow(final Tcb tcb, final TransferState s)
    {
        final int rcvNxt = tcb.rcvNxt();
        final int edge = s.getInt(TransferState.RCV_ADV_EDGE);
        final int possible = s.getInt(TransferState.RCV_READ) + arena.receiveBufferBytes();
        final int threshold = Math.min(arena.receiveBufferBytes() / 2, output.payloadMss(tcb));
        int newEdge = edge;
        if (possible - edge >= threshold)
        {
            newEdge = possible;
            s.putInt(TransferState.RCV_ADV_EDGE, newEdge);
        }
        tcb.rcvWnd(Math.max(newEdge - rcvNxt, 0));
    }

    /** After text or FIN: ACK now if owed (every second segment, gaps, FIN), else within the delayed-ACK bound. */
    void acknowledge(final long handle, final Tcb tcb, final boolean immediately, final long nowNs)
    {
        final int owed = tcb.segmentsUnacked();
        if (owed == 0)
        {
            return;
        }
        if (immediately || owed >= 2)
        {
            output.sendAck(tcb, nowNs);
        }
        else if (tcb.delayedAckTimerId() == TimerService.NULL_TIMER)
        {
            tcb.delayedAckTimerId(timers.schedule(nowNs + config.delayedAckNs(),
                ConnectionLifecycle.timerPayload(handle, ConnectionLifecycle.TIMER_DELAYED_ACK)));
        }
    }

    void onDelayedAckTimeout(final Tcb tcb, final long nowNs)
    {
        tcb.delayedAckTimerId(TimerService.NULL_TIMER);
        if (tcb.segmentsUnacked() > 0)
        {
            counters.increment(EngineEvent.DELAYED_ACK_SENT);
            output.sendAck(tcb, nowNs);
        }
    }

    /** SACK blocks for an outgoing ACK: the held out-of-order ranges, most recent first (RFC 2018 §4). */
    void fillSackBlocks(final Tcb tcb, final TcpOptions options)
    {
        if (!tcb.hasFlag(Tcb.F_SACK_OK) || tcb.dataBlock() == BufferArena.NO_BLOCK)
        {
            return;
        }
        final TransferState s = state.wrap(arena.wrapState(tcb.dataBlock(), stateView));
        final int count = s.received.count();
        if (count == 0)
        {
            return;
        }
        final int max = tcb.hasFlag(Tcb.F_TIMESTAMPS_OK) ? MAX_SACK_BLOCKS_WITH_TIMESTAMPS : TcpOptions.MAX_SACK_BLOCKS;
        final int first = s.received.mostRecentIndex();
        if (first >= 0 && first < count)
        {
            options.addSackBlock(s.received.start(first), s.received.end(first));
        }
        for (int i = 0; i < count && options.sackBlockCount() < max; i++)
        {
            if (i != first)
            {
                options.addSackBlock(s.received.start(i), s.received.end(i));
            }
        }
    }
}
