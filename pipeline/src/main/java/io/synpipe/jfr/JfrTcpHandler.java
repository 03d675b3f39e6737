package io.synpipe.jfr;

import io.synpipe.table.Tcb;
import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.DelegatingTcpHandler;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.tcp.TcpState;
import io.synpipe.wire.IpAddress;
import jdk.jfr.EventType;
import org.agrona.concurrent.NanoClock;

/**
 * A {@link TcpHandler} decorator that commits a {@link HandshakeCompletedEvent} on every
 * {@link #onEstablished} and a {@link ConnectionClosedEvent} on every {@link #onClosed}, then hands the callback
 * to its delegate. Every other callback passes straight through.
 * <p>
 * The events are built only while a recording has them enabled: the check is one field read on the event type
 * (cached here), so with no recording running the decorator allocates nothing and reads no TCB. When enabled,
 * each event allocates (the event and its address strings): that is the cost of recording.
 * <p>
 * The event is committed before the delegate runs, since a delegate may abort or close the connection in the
 * callback (the TCB is read first). The engine is needed to read the TCB; it is given at construction or, when the
 * engine is built with this handler, right after with {@link #engine(TcpEngine)}. The clock must be the one the
 * engine is driven with ({@code nowNs}), since the lifetime is measured from the TCB's handshake start.
 * Single-threaded, like the engine.
 */
public final class JfrTcpHandler extends DelegatingTcpHandler
{
    /** Role of a connection opened by a listener. */
    public static final String PASSIVE = "passive";
    /** Role of a connection opened by {@code connect}. */
    public static final String ACTIVE = "active";

    private static final EventType HANDSHAKE_TYPE = EventType.getEventType(HandshakeCompletedEvent.class);
    private static final EventType CLOSED_TYPE = EventType.getEventType(ConnectionClosedEvent.class);

    private final NanoClock clock;
    private TcpEngine engine;

    /** @param clock the clock that drives the engine; call {@link #engine(TcpEngine)} once the engine exists. */
    public JfrTcpHandler(final TcpHandler delegate, final NanoClock clock)
    {
        super(delegate);
        this.clock = clock;
    }

    public JfrTcpHandler(final TcpEngine engine, final TcpHandler delegate, final NanoClock clock)
    {
        this(delegate, clock);
        this.engine = engine;
    }

    /** The engine this handler serves (built with it); until set, no event is emitted. */
    public JfrTcpHandler engine(final TcpEngine engine)
    {
        this.engine = engine;
        return this;
    }

    @Override
    public void onEstablished(final long handle)
    {
        if (HANDSHAKE_TYPE.isEnabled())
        {
            handshakeCompleted(handle);
        }
        super.onEstablished(handle);
    }

    @Override
    public void onClosed(final long handle, final CloseReason reason)
    {
        if (CLOSED_TYPE.isEnabled())
        {
            connectionClosed(handle, reason);
        }
        super.onClosed(handle, reason);
    }

    private void handshakeCompleted(final long handle)
    {
        final Tcb tcb = engine == null ? null : engine.tcb(handle);
        if (tcb == null)
        {
            return;
        }
        final HandshakeCompletedEvent event = new HandshakeCompletedEvent();
        if (!event.shouldCommit())
        {
            return;
        }
        event.handshakeLatency = tcb.establishedNs() - tcb.openedNs();
        event.role = role(tcb);
        event.localAddress = IpAddress.toString(tcb.localHi(), tcb.localLo());
        event.localPort = tcb.localPort();
        event.remoteAddress = IpAddress.toString(tcb.remoteHi(), tcb.remoteLo());
        event.remotePort = tcb.remotePort();
        event.ipVersion = ipVersion(tcb);
        event.retransmissions = tcb.retransmitCount();
        event.sendMss = tcb.sndMss();
        event.commit();
    }

    private void connectionClosed(final long handle, final CloseReason reason)
    {
        final Tcb tcb = engine == null ? null : engine.tcbAtClose(handle);
        if (tcb == null)
        {
            return;
        }
        final ConnectionClosedEvent event = new ConnectionClosedEvent();
        if (!event.shouldCommit())
        {
            return;
        }
        final boolean established = tcb.establishedNs() != 0;
        event.lifetime = clock.nanoTime() - tcb.openedNs();
        event.closeReason = reason.name();
        event.role = role(tcb);
        event.established = established;
        event.state = TcpState.of(tcb.state()).name();
        event.localAddress = IpAddress.toString(tcb.localHi(), tcb.localLo());
        event.localPort = tcb.localPort();
        event.remoteAddress = IpAddress.toString(tcb.remoteHi(), tcb.remoteLo());
        event.remotePort = tcb.remotePort();
        event.ipVersion = ipVersion(tcb);
        event.bytesSent = established ? bytesSent(tcb) : 0;
        event.bytesReceived = established ? bytesReceived(tcb) : 0;
        event.commit();
    }

    /** Data bytes sent: SND.NXT never moves back, and once our FIN is out it sits at FIN's sequence number. */
    static long bytesSent(final Tcb tcb)
    {
        final int end = tcb.hasFlag(Tcb.F_FIN_SENT) ? tcb.finSeq() : tcb.sndNxt();
        return (end - tcb.iss() - 1) & 0xFFFF_FFFFL;
    }

    /** Data bytes received in order: RCV.NXT less the SYN and, once received, the FIN. */
    static long bytesReceived(final Tcb tcb)
    {
        final int fin = tcb.hasFlag(Tcb.F_FIN_RECEIVED) ? 1 : 0;
        return (tcb.rcvNxt() - tcb.irs() - 1 - fin) & 0xFFFF_FFFFL;
    }

    private static String role(final Tcb tcb)
    {
        return tcb.hasFlag(Tcb.F_PASSIVE_OPEN) ? PASSIVE : ACTIVE;
    }

    private static int ipVersion(final Tcb tcb)
    {
        return IpAddress.isV4(tcb.localHi(), tcb.localLo()) ? 4 : 6;
    }
}
