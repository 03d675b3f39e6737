package io.synpipe.tcp;

import io.synpipe.table.ConnectionTable;
import io.synpipe.table.Tcb;
import io.synpipe.wire.IpAddress;
import io.synpipe.wire.Segment;
import io.synpipe.wire.TcpOptions;

import static io.synpipe.tcp.TcpState.S_CLOSED;
import static io.synpipe.tcp.TcpState.S_ESTABLISHED;
import static io.synpipe.tcp.TcpState.S_LISTEN;
import static io.synpipe.tcp.TcpState.S_SYN_RECEIVED;
import static io.synpipe.tcp.TcpState.S_SYN_SENT;

/**
 * SEGMENT ARRIVES for the states before synchronization: no connection (RFC 9293 §3.10.7.1), LISTEN
 * (§3.10.7.2) and SYN-SENT (§3.10.7.3); also option negotiation on the SYN exchange (RFC 7323, RFC 2018).
 */
final class OpeningStates
{
    private static final int RFC_MAX_WINDOW_SHIFT = 14;
    private static final int DEFAULT_MSS_V4 = 536;
    private static final int DEFAULT_MSS_V6 = 1220;

    private final TcpConfig config;
    private final ConnectionTable table;
    private final Listeners listeners;
    private final IsnGenerator isn;
    private final SegmentOutput output;
    private final ConnectionLifecycle lifecycle;
    private final EngineCounters counters;
    private final TcpHandler handler;
    private final SynchronizedStates synchronizedStates;

    OpeningStates(
        final TcpConfig config,
        final ConnectionTable table,
        final Listeners listeners,
        final IsnGenerator isn,
        final SegmentOutput output,
        final ConnectionLifecycle lifecycle,
        final EngineCounters counters,
        final TcpHandler handler,
        final SynchronizedStates synchronizedStates)
    {
        this.config = config;
        this.table = table;
        this.listeners = listeners;
        this.isn = isn;
        this.output = output;
        this.lifecycle = lifecycle;
        this.counters = counters;
        this.handler = handler;
        this.synchronizedStates = synchronizedStates;
    }

    /** A segment that matched no TCB: a listener's, or the CLOSED state's. */
    void onNoConnection(final Segment in, final Tcb tcb, final long nowNs)
    {
        final int listenerId = listeners.find(in.dstHi(), in.dstLo(), in.dstPort());
        if (listenerId == Listeners.NONE)
        {
            onClosed(in);
        }
        else
        {
            onListen(listenerId, in, tcb, nowNs);
        }
    }

    /** 3.10.7.1: CLOSED. */
    private void onClosed(final Segment in)
    {
        if (in.has(Segment.RST))
        {
            // 3.10.7.1: an incoming segment containing a RST is discarded
            counters.increment(EngineEvent.CLOSED_RST_IGNORED);
            return;
        }
        // 3.10.7.1: anything else draws RST (seq/ack chosen from the offending segment)
        output.sendResetFor(in);
        counters.increment(EngineEvent.CLOSED_RST_SENT);
    }

    /** 3.10.7.2: LISTEN. */
    private void onListen(final int listenerId, final Segment in, final Tcb tcb, final long nowNs)
    {
        if (in.has(Segment.RST))
        {
            // 3.10.7.2 first: an incoming RST should be ignored
            counters.increment(EngineEvent.LISTEN_RST_IGNORED);
            return;
        }
        if (in.has(Segment.ACK))
        {
            // 3.10.7.2 second: any acknowledgment is bad in LISTEN -> <SEQ=SEG.ACK><CTL=RST>
            output.sendRstWithSeq(in, in.ack());
            counters.increment(EngineEvent.LISTEN_ACK_RESET);
            return;
        }
        if (!in.has(Segment.SYN))
        {
            // 3.10.7.2 fourth: other control or text-bearing segments are dropped
            counters.increment(EngineEvent.LISTEN_OTHER_DROPPED);
            return;
        }
        if (in.has(Segment.FIN))
        {
            // SYN+FIN is no valid opening segment: a listener drops it (as Linux does)
            counters.increment(EngineEvent.SYN_DROPPED_SYN_FIN);
            return;
        }
        openPassive(listenerId, in, tcb, nowNs);
    }

    /** 3.10.7.2 third: SYN to a listener -> SYN-RECEIVED, SYN-ACK (unless the application defers or refuses). */
    void openPassive(final int listenerId, final Segment in, final Tcb tcb, final long nowNs)
    {
        final long handle = table.insert(in.dstHi(), in.dstLo(), in.dstPort(), in.srcHi(), in.srcLo(), in.srcPort());
        if (handle == ConnectionTable.NULL_HANDLE)
        {
            counters.increment(EngineEvent.SYN_DROPPED_TABLE_FULL);
            return;
        }
        counters.increment(EngineEvent.SYN_TO_LISTENER);
        table.wrap(handle, tcb);
        counters.transition(S_LISTEN, S_SYN_RECEIVED);
        tcb.state(S_SYN_RECEIVED);
        tcb.setFlag(Tcb.F_PASSIVE_OPEN);
        tcb.listenerId(listenerId);
        final int iss = isn.isn(in.dstHi(), in.dstLo(), in.dstPort(), in.srcHi(), in.srcLo(), in.srcPort(), nowNs);
        initSendSequence(tcb, iss, nowNs);
        tcb.rcvWnd(config.receiveWindowBytes());
        // 3.10.7.2: RCV.NXT = SEG.SEQ + 1, IRS = SEG.SEQ; data on the SYN is not queued (it will be resent)
        tcb.irs(in.seq());
        tcb.rcvNxt(in.seq() + 1);
        negotiate(tcb, in.options(), in.ipVersion(), true, nowNs);
        // RFC 7323 §2.2: the window field of a SYN is never scaled
        tcb.sndWnd(in.window());
        tcb.sndWl1(in.seq());
        tcb.sndWl2(iss);

        final int decision = handler.onSyn(handle, listenerId);
        if (!table.isLive(handle))
        {
            return;
        }
        table.wrap(handle, tcb);
        if (decision == TcpHandler.ACCEPT)
        {
            output.sendSynAck(tcb, nowNs);
            lifecycle.armRetransmit(handle, tcb, nowNs);
        }
        else if (decision == TcpHandler.DEFER)
        {
            counters.increment(EngineEvent.ACCEPT_DEFERRED);
            tcb.setFlag(Tcb.F_ACCEPT_PENDING);
            lifecycle.armRetransmitAt(handle, tcb, nowNs + config.acceptTimeoutNs());
        }
        else
        {
            refuse(handle, tcb, CloseReason.REFUSED_BY_APPLICATION);
        }
    }

    /** Answers a pending SYN with {@code <SEQ=0><ACK=IRS+1><CTL=RST,ACK>} and deletes the TCB. */
    void refuse(final long handle, final Tcb tcb, final CloseReason reason)
    {
        counters.increment(EngineEvent.ACCEPT_REFUSED);
        output.sendResetForSyn(tcb);
        lifecycle.delete(handle, tcb, S_CLOSED, reason);
    }

    /** Active OPEN (3.10.1): create the TCB in SYN-SENT and send {@code <SEQ=ISS><CTL=SYN>}. */
    long openActive(
        final long localHi, final long localLo, final int localPort,
        final long remoteHi, final long remoteLo, final int remotePort,
        final int fromState, final Tcb tcb, final long nowNs)
    {
        if (table.find(localHi, localLo, localPort, remoteHi, remoteLo, remotePort) != ConnectionTable.NULL_HANDLE)
        {
            counters.increment(EngineEvent.CONNECT_REFUSED_LOCALLY);
            return ConnectionTable.NULL_HANDLE;
        }
        final long handle = table.insert(localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        if (handle == ConnectionTable.NULL_HANDLE)
        {
            counters.increment(EngineEvent.CONNECT_REFUSED_LOCALLY);
            return ConnectionTable.NULL_HANDLE;
        }
        table.wrap(handle, tcb);
        counters.transition(fromState, S_SYN_SENT);
        tcb.state(S_SYN_SENT);
        tcb.listenerId(Listeners.NONE);
        initSendSequence(tcb, isn.isn(localHi, localLo, localPort, remoteHi, remoteLo, remotePort, nowNs), nowNs);
        tcb.rcvWnd(config.receiveWindowBytes());
        tcb.rcvWindowShift(config.windowScaling() ? config.windowShift() : 0);
        tcb.sndMss(defaultMss(IpAddress.isV4(remoteHi, remoteLo) ? 4 : 6));
        output.sendSyn(tcb, nowNs);
        lifecycle.armRetransmit(handle, tcb, nowNs);
        return handle;
    }

    /** 3.10.7.3: SYN-SENT. */
    void onSynSent(final long handle, final Tcb tcb, final Segment in, final long nowNs)
    {
        final boolean ack = in.has(Segment.ACK);
        if (ack && (SeqNum.le(in.ack(), tcb.iss()) || SeqNum.gt(in.ack(), tcb.sndNxt())))
        {
            // 3.10.7.3 first: SEG.ACK =< ISS or > SND.NXT -> <SEQ=SEG.ACK><CTL=RST> unless it is a RST
            if (!in.has(Segment.RST))
            {
                output.sendRstWithSeq(in, in.ack());
            }
            counters.increment(EngineEvent.SYN_SENT_BAD_ACK);
            return;
        }
        if (in.has(Segment.RST))
        {
            if (ack)
            {
                // 3.10.7.3 second: RST with an acceptable ACK -> "connection reset", CLOSED (RFC 5961 §3 holds)
                lifecycle.delete(handle, tcb, S_CLOSED, CloseReason.REFUSED);
            }
            else
            {
                counters.increment(EngineEvent.SYN_SENT_DROPPED);
            }
            return;
        }
        if (!in.has(Segment.SYN))
        {
            // 3.10.7.3 fifth: neither SYN nor RST -> drop
            counters.increment(EngineEvent.SYN_SENT_DROPPED);
            return;
        }
        // 3.10.7.3 fourth: RCV.NXT = SEG.SEQ + 1, IRS = SEG.SEQ
        tcb.irs(in.seq());
        tcb.rcvNxt(in.seq() + 1);
        negotiate(tcb, in.options(), in.ipVersion(), false, nowNs);
        tcb.sndWnd(in.window());
        tcb.sndWl1(in.seq());
        if (ack)
        {
            // SND.UNA > ISS: our SYN is acknowledged -> ESTABLISHED, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
            tcb.sndUna(in.ack());
            tcb.sndWl2(in.ack());
            lifecycle.onHandshakeRtt(tcb, nowNs);
            lifecycle.cancelRetransmit(tcb);
            lifecycle.transition(tcb, S_ESTABLISHED);
            tcb.establishedNs(nowNs);
            tcb.lastHeardNs(nowNs);
            lifecycle.armKeepalive(handle, tcb, nowNs + config.keepAliveIdleNs());
            // the ACK of the SYN-ACK rides on the first segment the application sends from the callback (data or
            // FIN), else it goes out bare
            tcb.segmentsUnacked(1);
            tcb.setFlag(Tcb.F_HANDSHAKE_ACK_OWED);
            handler.onEstablished(handle);
            if (!table.isLive(handle))
            {
                return;
            }
            tcb.clearFlag(Tcb.F_HANDSHAKE_ACK_OWED);
            if (tcb.segmentsUnacked() > 0)
            {
                output.sendAck(tcb, nowNs);
            }
            if (in.payloadLength() > 0 || in.has(Segment.FIN))
            {
                // 3.10.7.3: other controls or text continue at the sixth step
                synchronizedStates.onTextAfterSyn(handle, tcb, in, nowNs);
            }
        }
        else
        {
            // simultaneous open: SYN-SENT -> SYN-RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
            tcb.sndWl2(tcb.iss());
            lifecycle.transition(tcb, S_SYN_RECEIVED);
            output.sendSynAck(tcb, nowNs);
            lifecycle.armRetransmit(handle, tcb, nowNs);
        }
    }

    private void initSendSequence(final Tcb tcb, final int iss, final long nowNs)
    {
        if (config.noDelay())
        {
            tcb.setFlag(Tcb.F_NO_DELAY);
        }
        if (config.keepAlive())
        {
            tcb.setFlag(Tcb.F_KEEPALIVE);
        }
        tcb.iss(iss);
        tcb.sndUna(iss);
        tcb.sndNxt(iss + 1);
        tcb.rtoNs(config.initialRtoNs());
        tcb.retransmitCount(0);
        tcb.openedNs(nowNs);
    }

    /**
     * Options on the SYN exchange: MSS (RFC 9293 §3.7.1), window scale (RFC 7323 §2), timestamps (RFC 7323 §3),
     * SACK-permitted (RFC 2018). For an active open an option holds only if we offered it too.
     */
    private void negotiate(final Tcb tcb, final TcpOptions peer, final int ipVersion, final boolean passive, final long nowNs)
    {
        final int peerMss = peer.mss() > 0 ? peer.mss() : defaultMss(ipVersion);
        tcb.sndMss(Math.min(peerMss, config.mss()));
        if (config.windowScaling() && peer.windowScale() != TcpOptions.ABSENT)
        {
            tcb.setFlag(Tcb.F_WINDOW_SCALE_OK);
            // RFC 7323 §2.3: a shift over 14 is used as 14
            tcb.sndWindowShift(Math.min(peer.windowScale(), RFC_MAX_WINDOW_SHIFT));
            tcb.rcvWindowShift(config.windowShift());
        }
        else
        {
            tcb.clearFlag(Tcb.F_WINDOW_SCALE_OK);
            tcb.sndWindowShift(0);
            tcb.rcvWindowShift(0);
        }
        if (config.sack() && peer.sackPermitted())
        {
            tcb.setFlag(Tcb.F_SACK_OK);
        }
        if (config.timestamps() && peer.hasTimestamps())
        {
            tcb.setFlag(Tcb.F_TIMESTAMPS_OK);
            tcb.tsRecent(peer.tsVal());
            tcb.tsRecentAgeNs(nowNs);
        }
    }

    private static int defaultMss(final int ipVersion)
    {
        // RFC 9293 §3.7.1: 536 for IPv4, RFC 8200 §5: 1280 - 60 for IPv6
        return ipVersion == 6 ? DEFAULT_MSS_V6 : DEFAULT_MSS_V4;
    }
}
