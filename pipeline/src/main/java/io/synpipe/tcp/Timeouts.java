package io.synpipe.tcp;

import io.synpipe.table.ConnectionTable;
import io.synpipe.table.Tcb;
import io.synpipe.timer.TimerService;

import static io.synpipe.tcp.TcpState.S_CLOSED;
import static io.synpipe.tcp.TcpState.S_CLOSE_WAIT;
import static io.synpipe.tcp.TcpState.S_ESTABLISHED;
import static io.synpipe.tcp.TcpState.S_CLOSING;
import static io.synpipe.tcp.TcpState.S_FIN_WAIT_1;
import static io.synpipe.tcp.TcpState.S_FIN_WAIT_2;
import static io.synpipe.tcp.TcpState.S_LAST_ACK;
import static io.synpipe.tcp.TcpState.S_SYN_RECEIVED;
import static io.synpipe.tcp.TcpState.S_SYN_SENT;
import static io.synpipe.tcp.TcpState.S_TIME_WAIT;

/**
 * TIMEOUTS (RFC 9293 §3.10.8): retransmission of SYN, SYN-ACK and FIN with exponential backoff (RFC 6298 §5),
 * giving up after the configured number of retries; the 2 MSL TIME-WAIT timeout; the FIN-WAIT-2 bound; the
 * deadline for a deferred accept decision.
 */
final class Timeouts implements TimerService.TimerHandler
{
    private final TcpConfig config;
    private final ConnectionTable table;
    private final Tcb tcb = new Tcb();
    private final SegmentOutput output;
    private final ConnectionLifecycle lifecycle;
    private final OpeningStates opening;
    private final EngineCounters counters;
    private final DataTransfer data;
    private final DataReceiver receiver;

    Timeouts(
        final TcpConfig config,
        final ConnectionTable table,
        final SegmentOutput output,
        final ConnectionLifecycle lifecycle,
        final OpeningStates opening,
        final EngineCounters counters,
        final DataTransfer data,
        final DataReceiver receiver)
    {
        this.data = data;
        this.receiver = receiver;
        this.config = config;
        this.table = table;
        this.output = output;
        this.lifecycle = lifecycle;
        this.opening = opening;
        this.counters = counters;
    }

    @Override
    public void onTimer(final long timerId, final long payload, final long nowNs)
    {
        final long handle = table.handleAtSlot(ConnectionLifecycle.timerSlot(payload));
        if (handle == ConnectionTable.NULL_HANDLE)
        {
            return;
        }
        table.wrap(handle, tcb);
        final int kind = ConnectionLifecycle.timerKind(payload);
        if (kind == ConnectionLifecycle.TIMER_RETRANSMIT && tcb.retransmitTimerId() == timerId)
        {
            tcb.retransmitTimerId(TimerService.NULL_TIMER);
            onRetransmitTimeout(handle, nowNs);
        }
        else if (kind == ConnectionLifecycle.TIMER_CLOSE && tcb.closeTimerId() == timerId)
        {
            tcb.closeTimerId(TimerService.NULL_TIMER);
            onCloseTimeout(handle);
        }
        else if (kind == ConnectionLifecycle.TIMER_DELAYED_ACK && tcb.delayedAckTimerId() == timerId)
        {
            receiver.onDelayedAckTimeout(tcb, nowNs);
        }
        else if (kind == ConnectionLifecycle.TIMER_PERSIST && tcb.persistTimerId() == timerId)
        {
            data.onPersistTimeout(handle, tcb, nowNs);
        }
        else if (kind == ConnectionLifecycle.TIMER_KEEPALIVE && tcb.keepaliveTimerId() == timerId)
        {
            tcb.keepaliveTimerId(TimerService.NULL_TIMER);
            onKeepaliveTimeout(handle, nowNs);
        }
    }

    private void onRetransmitTimeout(final long handle, final long nowNs)
    {
        if (data.hasOutstanding(tcb) && tcb.state() != S_SYN_SENT && tcb.state() != S_SYN_RECEIVED)
        {
            // data (and perhaps the FIN after it) unacknowledged: RFC 6298 §5.4-5.7
            if (!giveUp(handle, config.dataRetries(), true))
            {
                data.onRetransmitTimeout(handle, tcb, nowNs);
            }
            return;
        }
        switch (tcb.state())
        {
            case S_SYN_SENT ->
            {
                if (giveUp(handle, config.synRetries(), false))
                {
                    return;
                }
                counters.increment(EngineEvent.RETRANSMIT_SYN);
                output.sendSyn(tcb, nowNs);
            }
            case S_SYN_RECEIVED ->
            {
                if (tcb.hasFlag(Tcb.F_ACCEPT_PENDING))
                {
                    counters.increment(EngineEvent.ACCEPT_TIMEOUT);
                    opening.refuse(handle, tcb, CloseReason.REFUSED_BY_APPLICATION);
                    return;
                }
                if (giveUp(handle, config.synAckRetries(), false))
                {
                    return;
                }
                counters.increment(EngineEvent.RETRANSMIT_SYN_ACK);
                output.sendSynAck(tcb, nowNs);
            }
            case S_FIN_WAIT_1, S_CLOSING, S_LAST_ACK ->
            {
                if (!tcb.hasFlag(Tcb.F_FIN_SENT) || SeqNum.gt(tcb.sndUna(), tcb.finSeq()))
                {
                    return;
                }
                if (giveUp(handle, config.finRetries(), true))
                {
                    return;
                }
                counters.increment(EngineEvent.RETRANSMIT_FIN);
                output.sendFin(tcb, nowNs);
            }
            default ->
            {
                return;
            }
        }
        lifecycle.backOff(tcb);
        lifecycle.armRetransmit(handle, tcb, nowNs);
    }

    /** RFC 9293 §3.8.3 R2: past the retry bound the connection is closed (with RST when it is synchronized). */
    private boolean giveUp(final long handle, final int retries, final boolean sendRst)
    {
        if (tcb.retransmitCount() < retries)
        {
            return false;
        }
        counters.increment(EngineEvent.RETRANSMIT_GIVE_UP);
        if (sendRst)
        {
            output.sendRst(tcb);
        }
        lifecycle.delete(handle, tcb, S_CLOSED, CloseReason.TIMEOUT);
        return true;
    }

    /** RFC 9293 §3.8.4: after the idle time, probe; after the probe count unanswered, drop the connection. */
    private void onKeepaliveTimeout(final long handle, final long nowNs)
    {
        final int state = tcb.state();
        if (state != S_ESTABLISHED && state != S_CLOSE_WAIT)
        {
            return;
        }
        final long heardNs = tcb.lastHeardNs();
        if (tcb.keepaliveProbes() == 0 && nowNs - heardNs < config.keepAliveIdleNs())
        {
            lifecycle.armKeepalive(handle, tcb, heardNs + config.keepAliveIdleNs());
            return;
        }
        if (tcb.keepaliveProbes() >= config.keepAliveProbes())
        {
            counters.increment(EngineEvent.KEEPALIVE_TIMEOUT);
            output.sendRst(tcb);
            lifecycle.delete(handle, tcb, S_CLOSED, CloseReason.TIMEOUT);
            return;
        }
        counters.increment(EngineEvent.KEEPALIVE_PROBE);
        output.sendProbe(tcb, nowNs);
        tcb.keepaliveProbes(tcb.keepaliveProbes() + 1);
        lifecycle.armKeepalive(handle, tcb, nowNs + config.keepAliveIntervalNs());
    }

    private void onCloseTimeout(final long handle)
    {
        final int state = tcb.state();
        if (state == S_TIME_WAIT)
        {
            // 3.10.8: time-wait timeout -> delete the TCB, CLOSED
            lifecycle.delete(handle, tcb, S_CLOSED, CloseReason.NORMAL);
        }
        else if (state == S_FIN_WAIT_2)
        {
            counters.increment(EngineEvent.FIN_WAIT_2_TIMEOUT);
            lifecycle.delete(handle, tcb, S_CLOSED, CloseReason.FIN_WAIT_2_TIMEOUT);
        }
    }
}
