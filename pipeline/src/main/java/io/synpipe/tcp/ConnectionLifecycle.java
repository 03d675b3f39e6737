package io.synpipe.tcp;

import io.synpipe.table.ConnectionTable;
import io.synpipe.table.Tcb;
import io.synpipe.timer.TimerService;

import static io.synpipe.tcp.TcpState.S_CLOSED;
import static io.synpipe.tcp.TcpState.S_TIME_WAIT;

/**
 * What every part of the state machine does to a connection: change its state (counted), arm and cancel its
 * timers, take RTT samples, hand it to TIME-WAIT, delete it and tell the application exactly once.
 */
final class ConnectionLifecycle
{
    static final int TIMER_RETRANSMIT = 1;
    static final int TIMER_CLOSE = 2;
    static final int TIMER_DELAYED_ACK = 3;
    static final int TIMER_PERSIST = 4;
    static final int TIMER_KEEPALIVE = 5;

    private static final int KIND_BITS = 8;
    private static final long RTO_AFTER_SYN_RETRANSMIT_NS = 3_000_000_000L;
    private static final long CLOCK_GRANULARITY_NS = 1_000_000L;

    private final TcpConfig config;
    private final ConnectionTable table;
    private final TimerService timers;
    private final EngineCounters counters;
    private final TcpHandler handler;
    private DataTransfer data;

    ConnectionLifecycle(
        final TcpConfig config,
        final ConnectionTable table,
        final TimerService timers,
        final EngineCounters counters,
        final TcpHandler handler)
    {
        this.config = config;
        this.table = table;
        this.timers = timers;
        this.counters = counters;
        this.handler = handler;
    }

    void dataTransfer(final DataTransfer data)
    {
        this.data = data;
    }

    static long timerPayload(final long handle, final int kind)
    {
        return ((long)ConnectionTable.slot(handle) << KIND_BITS) | kind;
    }

    static int timerSlot(final long payload)
    {
        return (int)(payload >>> KIND_BITS);
    }

    static int timerKind(final long payload)
    {
        return (int)(payload & ((1 << KIND_BITS) - 1));
    }

    void transition(final Tcb tcb, final int toState)
    {
        counters.transition(tcb.state(), toState);
        tcb.state(toState);
    }

    /** (Re)arms the retransmission timer at now + RTO (RFC 6298 §5). */
    void armRetransmit(final long handle, final Tcb tcb, final long nowNs)
    {
        armRetransmitAt(handle, tcb, nowNs + tcb.rtoNs());
    }

    void armRetransmitAt(final long handle, final Tcb tcb, final long deadlineNs)
    {
        timers.cancel(tcb.retransmitTimerId());
        tcb.retransmitTimerId(timers.schedule(deadlineNs, timerPayload(handle, TIMER_RETRANSMIT)));
    }

    /** Keep-alive: (re)arm the probe timer at {@code deadlineNs} if the connection asked for keep-alive. */
    void armKeepalive(final long handle, final Tcb tcb, final long deadlineNs)
    {
        if (tcb.hasFlag(Tcb.F_KEEPALIVE))
        {
            timers.cancel(tcb.keepaliveTimerId());
            tcb.keepaliveTimerId(timers.schedule(deadlineNs, timerPayload(handle, TIMER_KEEPALIVE)));
        }
    }

    void cancelRetransmit(final Tcb tcb)
    {
        timers.cancel(tcb.retransmitTimerId());
        tcb.retransmitTimerId(TimerService.NULL_TIMER);
        tcb.retransmitCount(0);
    }

    void armCloseTimer(final long handle, final Tcb tcb, final long deadlineNs)
    {
        timers.cancel(tcb.closeTimerId());
        tcb.closeTimerId(timers.schedule(deadlineNs, timerPayload(handle, TIMER_CLOSE)));
    }

    /** RFC 6298 §5.5: back off the timer, RTO = min(2 × RTO, max). */
    void backOff(final Tcb tcb)
    {
        tcb.retransmitCount(tcb.retransmitCount() + 1);
        tcb.rtoNs(Math.min(tcb.rtoNs() * 2, config.maxRtoNs()));
    }

    /**
     * The handshake completed: first RTT sample (RFC 6298 §2.2) unless the SYN or SYN-ACK was retransmitted
     * (Karn's rule), in which case RFC 6298 §5.7 sets RTO to 3 s.
     */
    void onHandshakeRtt(final Tcb tcb, final long nowNs)
    {
        if (tcb.retransmitCount() == 0)
        {
            final long rttNs = Math.max(nowNs - tcb.openedNs(), 0);
            tcb.srttNs(rttNs);
            tcb.rttvarNs(rttNs / 2);
            final long rto = rttNs + Math.max(CLOCK_GRANULARITY_NS, 4 * (rttNs / 2));
            tcb.rtoNs(Math.min(Math.max(rto, config.minRtoNs()), config.maxRtoNs()));
        }
        else
        {
            tcb.rtoNs(Math.max(RTO_AFTER_SYN_RETRANSMIT_NS, tcb.rtoNs()));
        }
    }

    /** FIN-WAIT-2/CLOSING/FIN-WAIT-1 → TIME-WAIT: 2 × MSL timer, other timers off, application told. */
    void enterTimeWait(final long handle, final Tcb tcb, final long nowNs)
    {
        transition(tcb, S_TIME_WAIT);
        cancelRetransmit(tcb);
        timers.cancel(tcb.keepaliveTimerId());
        tcb.keepaliveTimerId(TimerService.NULL_TIMER);
        // TIME-WAIT keeps only the TCB: the data buffers go back to the arena now
        data.release(tcb);
        armCloseTimer(handle, tcb, nowNs + 2 * config.mslNs());
        reportClosed(handle, tcb, CloseReason.NORMAL);
    }

    /** Restart the 2 MSL wait (RFC 9293 §3.10.7.4, eighth, TIME-WAIT). */
    void restartTimeWait(final long handle, final Tcb tcb, final long nowNs)
    {
        armCloseTimer(handle, tcb, nowNs + 2 * config.mslNs());
    }

    /** Deletes the TCB; the application is told {@code reason} unless it was told already. */
    void delete(final long handle, final Tcb tcb, final int toState, final CloseReason reason)
    {
        timers.cancel(tcb.retransmitTimerId());
        timers.cancel(tcb.closeTimerId());
        timers.cancel(tcb.keepaliveTimerId());
        tcb.retransmitTimerId(TimerService.NULL_TIMER);
        tcb.closeTimerId(TimerService.NULL_TIMER);
        tcb.keepaliveTimerId(TimerService.NULL_TIMER);
        data.release(tcb);
        counters.transition(tcb.state(), toState);
        tcb.state(S_CLOSED);
        final boolean tell = !tcb.hasFlag(Tcb.F_CLOSE_REPORTED);
        tcb.setFlag(Tcb.F_CLOSE_REPORTED);
        table.remove(handle);
        if (tell)
        {
            handler.onClosed(handle, reason);
        }
    }

    /** Tells the application the connection is closed for it, once; the TCB may live on (TIME-WAIT). */
    void reportClosed(final long handle, final Tcb tcb, final CloseReason reason)
    {
        if (!tcb.hasFlag(Tcb.F_CLOSE_REPORTED))
        {
            tcb.setFlag(Tcb.F_CLOSE_REPORTED);
            tcb.closeReason(reason.ordinal());
            handler.onClosed(handle, reason);
        }
    }
}
