package io.synpipe.tcp;

import io.synpipe.buffer.BufferArena;
import io.synpipe.frag.FragmentReassembler;
import io.synpipe.table.ConnectionTable;
import io.synpipe.table.Tcb;
import io.synpipe.timer.TimerService;
import io.synpipe.wire.DropCounters;
import io.synpipe.wire.IpAddress;
import io.synpipe.wire.PacketDecoder;
import io.synpipe.wire.Segment;
import org.agrona.DirectBuffer;

import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;

import static io.synpipe.tcp.TcpState.S_CLOSED;
import static io.synpipe.tcp.TcpState.S_CLOSE_WAIT;
import static io.synpipe.tcp.TcpState.S_ESTABLISHED;
import static io.synpipe.tcp.TcpState.S_FIN_WAIT_1;
import static io.synpipe.tcp.TcpState.S_FIN_WAIT_2;
import static io.synpipe.tcp.TcpState.S_LAST_ACK;
import static io.synpipe.tcp.TcpState.S_LISTEN;
import static io.synpipe.tcp.TcpState.S_SYN_RECEIVED;
import static io.synpipe.tcp.TcpState.S_SYN_SENT;
import static io.synpipe.tcp.TcpState.S_TIME_WAIT;

/**
 * One TCP engine: the RFC 9293 state machine over an off-heap connection table, driven by one thread.
 * <p>
 * Packets come in through {@link #onPacket}, packets go out through the {@link PacketSink}, timers run in
 * {@link #poll}; the engine does no I/O and reads no clock: every call carries {@code nowNs}. The application
 * acts through {@link #listen}, {@link #connect}, {@link #send}, {@link #close}, {@link #abort} and hears back
 * through its {@link TcpHandler}. A handler may call back into the engine, but never {@link #onPacket} or
 * {@link #poll} (queue packets instead).
 */
public final class TcpEngine implements AutoCloseable
{
    /** Timers fired per {@link #poll} at most; the rest fire on the next call. */
    public static final int TIMER_POLL_LIMIT = 4096;

    private final TcpConfig config;
    private final ConnectionTable table;
    private final TimerService timers;
    private final EngineCounters counters = new EngineCounters();
    private final DropCounters drops = new DropCounters();
    private final PacketDecoder decoder;
    private final FragmentReassembler reassembler;
    private final Listeners listeners = new Listeners();
    private final SegmentOutput output;
    private final ConnectionLifecycle lifecycle;
    private final SynchronizedStates synchronizedStates;
    private final OpeningStates opening;
    private final Timeouts timeouts;
    private final DataTransfer data;
    private final DataReceiver receiver;
    private final Segment in = new Segment();
    private final Tcb packetTcb = new Tcb();
    private final Tcb apiTcb = new Tcb();
    private final Tcb closedTcb = new Tcb();
    private boolean closed;

    public TcpEngine(final TcpConfig config, final TcpHandler handler, final PacketSink sink, final long startNs)
    {
        this.config = config;
        this.table = new ConnectionTable(config.maxConnections());
        this.timers = config.timers().create(startNs, config.maxConnections());
        this.reassembler = new FragmentReassembler(
            config.reassemblyMaxBytes(), config.reassemblyMaxDatagrams(), config.reassemblyTimeoutNs(), drops);
        this.decoder = new PacketDecoder(reassembler, drops);
        this.output = new SegmentOutput(sink, config, counters, ThreadLocalRandom.current().nextInt());
        this.lifecycle = new ConnectionLifecycle(config, table, timers, counters, handler);
        final BufferArena arena = new BufferArena(
            config.maxDataConnections(), config.sendBufferBytes(), config.receiveBufferBytes());
        this.data = new DataTransfer(config, table, arena, output, lifecycle, timers, counters, handler);
        lifecycle.dataTransfer(data);
        final DataReceiver receiver = new DataReceiver(config, table, output, timers, counters, handler, data);
        output.sackSource(receiver);
        this.receiver = receiver;
        this.synchronizedStates = new SynchronizedStates(
            config, table, output, lifecycle, counters, handler, data, receiver);
        final IsnGenerator isn = config.isnGenerator() != null ? config.isnGenerator() : new Rfc6528IsnGenerator();
        this.opening = new OpeningStates(
            config, table, listeners, isn, output, lifecycle, counters, handler, synchronizedStates);
        this.timeouts = new Timeouts(config, table, output, lifecycle, opening, counters, data, receiver);
    }

    /** One IP packet in. Malformed packets are counted in {@link #drops()} and never throw. */
    public void onPacket(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        if (decoder.decode(buffer, offset, length, nowNs, in))
        {
            onSegment(in, nowNs);
        }
    }

    /** A decoded segment in (tests and callers that decode themselves); {@code segment} is not kept. */
    public void onSegment(final Segment segment, final long nowNs)
    {
        final long handle = table.find(
            segment.dstHi(), segment.dstLo(), segment.dstPort(), segment.srcHi(), segment.srcLo(), segment.srcPort());
        if (handle == ConnectionTable.NULL_HANDLE)
        {
            opening.onNoConnection(segment, packetTcb, nowNs);
            return;
        }
        final Tcb tcb = table.wrap(handle, packetTcb);
        switch (tcb.state())
        {
            case S_SYN_SENT -> opening.onSynSent(handle, tcb, segment, nowNs);
            case S_TIME_WAIT ->
            {
                if (synchronizedStates.onTimeWait(handle, tcb, segment, nowNs))
                {
                    opening.onNoConnection(segment, packetTcb, nowNs);
                }
            }
            default -> synchronizedStates.onSegment(handle, tcb, segment, nowNs);
        }
    }

    /** Runs due timers and reassembly expiry. @return how much work was done. */
    public int poll(final long nowNs)
    {
        return timers.poll(nowNs, timeouts, TIMER_POLL_LIMIT) + reassembler.expire(nowNs);
    }

    /** Passive OPEN (CLOSED -> LISTEN). The all-zero address and port 0 are wildcards. @return the listener id. */
    public int listen(final long addressHi, final long addressLo, final int port)
    {
        checkOpen();
        final int id = listeners.add(addressHi, addressLo, port);
        counters.transition(S_CLOSED, S_LISTEN);
        return id;
    }

    /** Passive OPEN on an address ({@code null} for any) and port (0 for any). */
    public int listen(final InetAddress address, final int port)
    {
        return address == null ? listen(0, 0, port) : listen(IpAddress.hi(address), IpAddress.lo(address), port);
    }

    /** CLOSE in LISTEN: delete the listener (LISTEN -> CLOSED). Connections it accepted live on. */
    public boolean closeListener(final int listenerId)
    {
        if (!listeners.remove(listenerId))
        {
            return false;
        }
        counters.transition(S_LISTEN, S_CLOSED);
        return true;
    }

    /**
     * Active OPEN (CLOSED -> SYN-SENT) from any local address and port: the engine is not bound to ephemeral
     * ports, so a load generator can pick its own 4-tuples.
     *
     * @return the connection handle, or {@link ConnectionTable#NULL_HANDLE} if the 4-tuple is in use or the table
     * is full (counted as {@link EngineEvent#CONNECT_REFUSED_LOCALLY}).
     */
    public long connect(
        final long localHi, final long localLo, final int localPort,
        final long remoteHi, final long remoteLo, final int remotePort,
        final long nowNs)
    {
        checkOpen();
        checkEndpoint("local", localHi, localLo, localPort);
        checkEndpoint("remote", remoteHi, remoteLo, remotePort);
        if (IpAddress.isV4(localHi, localLo) != IpAddress.isV4(remoteHi, remoteLo))
        {
            throw new IllegalArgumentException("local " + IpAddress.toString(localHi, localLo) + " and remote "
                + IpAddress.toString(remoteHi, remoteLo) + " are of different IP versions");
        }
        return opening.openActive(localHi, localLo, localPort, remoteHi, remoteLo, remotePort, S_CLOSED, apiTcb, nowNs);
    }

    /**
     * SEND in LISTEN (RFC 9293 §3.10.2): the listener becomes an active open towards {@code remote}
     * (LISTEN -> SYN-SENT). The listener must have a specific address and port; it is consumed.
     */
    public long connectFromListener(
        final int listenerId, final long remoteHi, final long remoteLo, final int remotePort, final long nowNs)
    {
        checkOpen();
        if (!listeners.isActive(listenerId))
        {
            throw new IllegalArgumentException("no listener with id " + listenerId);
        }
        final long hi = listeners.addrHi(listenerId);
        final long lo = listeners.addrLo(listenerId);
        final int port = listeners.port(listenerId);
        if (IpAddress.isAny(hi, lo) || port == 0)
        {
            throw new IllegalArgumentException("listener " + listenerId + " is a wildcard ("
                + IpAddress.toString(hi, lo) + ":" + port + "): SEND needs a specific local address and port");
        }
        checkEndpoint("remote", remoteHi, remoteLo, remotePort);
        final long handle = opening.openActive(hi, lo, port, remoteHi, remoteLo, remotePort, S_LISTEN, apiTcb, nowNs);
        if (handle != ConnectionTable.NULL_HANDLE)
        {
            listeners.remove(listenerId);
        }
        return handle;
    }

    /** Accepts a SYN the handler deferred: the SYN-ACK goes out now. @return false if not pending. */
    public boolean accept(final long handle, final long nowNs)
    {
        final Tcb tcb = liveTcb(handle);
        if (tcb == null || tcb.state() != S_SYN_RECEIVED || !tcb.hasFlag(Tcb.F_ACCEPT_PENDING))
        {
            return false;
        }
        tcb.clearFlag(Tcb.F_ACCEPT_PENDING);
        tcb.rtoNs(config.initialRtoNs());
        tcb.retransmitCount(0);
        output.sendSynAck(tcb, nowNs);
        lifecycle.armRetransmit(handle, tcb, nowNs);
        return true;
    }

    /** Refuses a SYN the handler deferred: RST, and the handle is closed. @return false if not pending. */
    public boolean refuse(final long handle)
    {
        final Tcb tcb = liveTcb(handle);
        if (tcb == null || tcb.state() != S_SYN_RECEIVED || !tcb.hasFlag(Tcb.F_ACCEPT_PENDING))
        {
            return false;
        }
        opening.refuse(handle, tcb, CloseReason.REFUSED_BY_APPLICATION);
        return true;
    }

    /**
     * SEND (RFC 9293 §3.10.2): copies as much as the send buffer takes and sends what the windows allow; the rest of
     * the buffer goes out as ACKs arrive, retransmitted as needed. Never blocks; the bytes are copied once.
     * After a short write, {@link TcpHandler#onWritable} says when space frees up.
     *
     * @return the number of bytes accepted (0 if the state allows no sending or no buffers are left).
     */
    public int send(final long handle, final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        final Tcb tcb = liveTcb(handle);
        if (tcb == null || (tcb.state() != S_ESTABLISHED && tcb.state() != S_CLOSE_WAIT)
            || tcb.hasFlag(Tcb.F_APP_CLOSED) || length <= 0)
        {
            return 0;
        }
        return data.write(handle, tcb, buffer, offset, length, nowNs);
    }

    /** @return bytes {@link #send} would accept now (0 for a dead handle). */
    public int writable(final long handle)
    {
        final Tcb tcb = liveTcb(handle);
        return tcb == null ? 0 : data.writable(tcb);
    }

    /** Keep-alive on or off for this connection (RFC 9293 §3.8.4; timing from {@link TcpConfig}). */
    public void keepAlive(final long handle, final boolean enabled, final long nowNs)
    {
        final Tcb tcb = liveTcb(handle);
        if (tcb == null)
        {
            return;
        }
        if (enabled)
        {
            tcb.setFlag(Tcb.F_KEEPALIVE);
            lifecycle.armKeepalive(handle, tcb, nowNs + config.keepAliveIdleNs());
        }
        else
        {
            tcb.clearFlag(Tcb.F_KEEPALIVE);
        }
    }

    /** Nagle's algorithm off ({@code true}) or on for this connection (TCP_NODELAY). */
    public void noDelay(final long handle, final boolean noDelay)
    {
        final Tcb tcb = liveTcb(handle);
        if (tcb != null)
        {
            if (noDelay)
            {
                tcb.setFlag(Tcb.F_NO_DELAY);
            }
            else
            {
                tcb.clearFlag(Tcb.F_NO_DELAY);
            }
        }
    }

    /**
     * From now on the application grants read credit itself with {@link #consume}: bytes it was handed count
     * against the window we offer until it says it is done with them (backpressure for a proxy).
     */
    public void manualReadCredit(final long handle)
    {
        final Tcb tcb = liveTcb(handle);
        if (tcb != null)
        {
            tcb.setFlag(Tcb.F_MANUAL_READ_CREDIT);
        }
    }

    /** Read credit: the application is done with {@code bytes} more received bytes; the window may open. */
    public void consume(final long handle, final int bytes, final long nowNs)
    {
        final Tcb tcb = liveTcb(handle);
        if (tcb != null)
        {
            receiver.consume(handle, tcb, bytes, nowNs);
        }
    }

    /** @return received bytes not yet released with {@link #consume} (0 with automatic read credit). */
    public int unconsumed(final long handle)
    {
        final Tcb tcb = liveTcb(handle);
        return tcb == null ? 0 : receiver.unconsumed(tcb);
    }

    /**
     * Manual read credit: hands the received bytes not yet released to {@link TcpHandler#onData} again, from the
     * first one, e.g. once {@link TcpHandler#onWritable} says an echo or a relay can take more. No copy: views of
     * the receive buffer. A relay that forwards in order stops taking new data after a short {@link #send} and
     * forwards everything on the redelivery (see {@code EchoBackpressureTest} and the serve command's echo).
     */
    public void redeliver(final long handle)
    {
        final Tcb tcb = liveTcb(handle);
        if (tcb != null)
        {
            receiver.redeliver(handle, tcb);
        }
    }

    /** Data buffers in use across the engine's connections (a handshake-only connection holds none). */
    public int dataBuffersInUse()
    {
        return data.arena().blocksInUse();
    }

    /**
     * CLOSE (RFC 9293 §3.10.4): SYN-SENT deletes the TCB; SYN-RECEIVED and ESTABLISHED send FIN and go to
     * FIN-WAIT-1; CLOSE-WAIT sends FIN and goes to LAST-ACK.
     *
     * @return false if the connection is closing already or the handle is dead.
     */
    public boolean close(final long handle, final long nowNs)
    {
        final Tcb tcb = liveTcb(handle);
        if (tcb == null || tcb.hasFlag(Tcb.F_APP_CLOSED))
        {
            return false;
        }
        switch (tcb.state())
        {
            case S_SYN_SENT ->
            {
                // 3.10.4 SYN-SENT: delete the TCB
                lifecycle.delete(handle, tcb, S_CLOSED, CloseReason.CLOSED_BEFORE_ESTABLISHED);
                return true;
            }
            case S_SYN_RECEIVED ->
            {
                if (tcb.hasFlag(Tcb.F_ACCEPT_PENDING))
                {
                    opening.refuse(handle, tcb, CloseReason.REFUSED_BY_APPLICATION);
                    return true;
                }
                // 3.10.4 SYN-RECEIVED: no data queued -> FIN, FIN-WAIT-1
                sendFin(handle, tcb, S_FIN_WAIT_1, nowNs);
                return true;
            }
            case S_ESTABLISHED ->
            {
                sendFin(handle, tcb, S_FIN_WAIT_1, nowNs);
                return true;
            }
            case S_CLOSE_WAIT ->
            {
                sendFin(handle, tcb, S_LAST_ACK, nowNs);
                return true;
            }
            default ->
            {
                return false;
            }
        }
    }

    /** ABORT (RFC 9293 §3.10.5): RST where the state is synchronized, then the TCB is deleted. */
    public boolean abort(final long handle)
    {
        final Tcb tcb = liveTcb(handle);
        if (tcb == null)
        {
            return false;
        }
        abortConnection(handle, tcb, CloseReason.ABORTED);
        return true;
    }

    /** @return the connection's state; {@link TcpState#CLOSED} for a dead or stale handle. */
    public TcpState state(final long handle)
    {
        if (!table.isLive(handle))
        {
            return TcpState.CLOSED;
        }
        return TcpState.of(table.wrap(handle, apiTcb).state());
    }

    /** @return a flyweight over the connection's TCB (read-only use), or null for a dead handle. */
    public Tcb tcb(final long handle)
    {
        return table.isLive(handle) ? table.wrap(handle, apiTcb) : null;
    }

    /**
     * For reading inside {@link TcpHandler#onClosed}, when a deleted connection's handle is already dead: its slot
     * keeps the TCB's fields (state {@link TcpState#CLOSED}) until a new connection takes the slot. Read-only use.
     *
     * @return a flyweight over the TCB of a live connection or of the slot's last, deleted occupant; null if the
     * slot has moved on.
     */
    public Tcb tcbAtClose(final long handle)
    {
        final int slot = ConnectionTable.slot(handle);
        if (handle == ConnectionTable.NULL_HANDLE || slot < 0 || slot >= table.capacity())
        {
            return null;
        }
        final Tcb tcb = table.wrap(handle, closedTcb);
        final int generation = ConnectionTable.generation(handle);
        return tcb.generation() == generation || tcb.generation() == generation + 1 ? tcb : null;
    }

    /** @return nanoseconds from the start of the handshake to ESTABLISHED, or -1 if not established. */
    public long handshakeNs(final long handle)
    {
        final Tcb tcb = tcb(handle);
        return tcb == null || tcb.establishedNs() == 0 ? -1 : tcb.establishedNs() - tcb.openedNs();
    }

    public void userData(final long handle, final long value)
    {
        final Tcb tcb = liveTcb(handle);
        if (tcb != null)
        {
            tcb.userData(value);
        }
    }

    public long userData(final long handle)
    {
        final Tcb tcb = liveTcb(handle);
        return tcb == null ? 0 : tcb.userData();
    }

    public EngineCounters counters()
    {
        return counters;
    }

    public DropCounters drops()
    {
        return drops;
    }

    /** Calls {@code consumer} with the handle of every connection in the table, TIME-WAIT included. */
    public void forEachConnection(final LongConsumer consumer)
    {
        for (int slot = 0; slot < table.capacity(); slot++)
        {
            final long handle = table.handleAtSlot(slot);
            if (handle != ConnectionTable.NULL_HANDLE)
            {
                consumer.accept(handle);
            }
        }
    }

    /** Connections in the table, TIME-WAIT included. */
    public int connectionCount()
    {
        return table.size();
    }

    public int scheduledTimers()
    {
        return timers.scheduledCount();
    }

    public TcpConfig config()
    {
        return config;
    }

    /** Aborts every connection (RST where synchronized; handlers hear {@link CloseReason#ENGINE_CLOSED}). */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        for (int slot = 0; slot < table.capacity(); slot++)
        {
            final long handle = table.handleAtSlot(slot);
            if (handle != ConnectionTable.NULL_HANDLE)
            {
                abortConnection(handle, table.wrap(handle, apiTcb), CloseReason.ENGINE_CLOSED);
            }
        }
        closed = true;
        table.close();
        // every block went back with its connection: give the arena's memory back now, not at GC
        data.arena().close();
    }

    private void abortConnection(final long handle, final Tcb tcb, final CloseReason reason)
    {
        switch (tcb.state())
        {
            case S_SYN_RECEIVED ->
            {
                if (tcb.hasFlag(Tcb.F_ACCEPT_PENDING))
                {
                    output.sendResetForSyn(tcb);
                }
                else
                {
                    output.sendRst(tcb);
                }
            }
            // 3.10.5: SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT -> <SEQ=SND.NXT><CTL=RST>
            case S_ESTABLISHED, S_FIN_WAIT_1, S_FIN_WAIT_2, S_CLOSE_WAIT ->
            {
                if (tcb.hasFlag(Tcb.F_HANDSHAKE_ACK_OWED) && tcb.segmentsUnacked() > 0)
                {
                    // aborted from onEstablished: the peer still completes its handshake first
                    output.sendAck(tcb, tcb.lastHeardNs());
                }
                output.sendRst(tcb);
            }
            default ->
            {
                // SYN-SENT, CLOSING, LAST-ACK, TIME-WAIT: delete without RST
            }
        }
        lifecycle.delete(handle, tcb, S_CLOSED, reason);
    }

    /** CLOSE: the FIN is queued behind buffered data and goes when the buffer has drained (RFC 9293 §3.10.4). */
    private void sendFin(final long handle, final Tcb tcb, final int toState, final long nowNs)
    {
        tcb.setFlag(Tcb.F_APP_CLOSED);
        lifecycle.transition(tcb, toState);
        tcb.retransmitCount(0);
        data.transmit(handle, tcb, nowNs);
    }

    /** A handle the application may act on: live and not yet reported closed. */
    private Tcb liveTcb(final long handle)
    {
        if (!table.isLive(handle))
        {
            return null;
        }
        final Tcb tcb = table.wrap(handle, apiTcb);
        return tcb.hasFlag(Tcb.F_CLOSE_REPORTED) ? null : tcb;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("engine is closed");
        }
    }

    private static void checkEndpoint(final String what, final long hi, final long lo, final int port)
    {
        if (IpAddress.isAny(hi, lo))
        {
            throw new IllegalArgumentException(what + " address may not be the wildcard for connect");
        }
        if (port < 1 || port > 65_535)
        {
            throw new IllegalArgumentException(what + " port " + port + " is out of range: allowed 1..65535");
        }
    }
}
