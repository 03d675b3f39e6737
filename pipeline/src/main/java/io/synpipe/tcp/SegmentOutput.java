package io.synpipe.tcp;

import io.synpipe.buffer.SeqRing;
import io.synpipe.table.Tcb;
import io.synpipe.wire.PacketEncoder;
import io.synpipe.wire.Segment;
import io.synpipe.wire.TcpOptions;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Builds the segments the state machine sends, encodes them into one reusable buffer and hands each to the
 * {@link PacketSink}. The forms follow RFC 9293 §3.10.7 (written there as {@code <SEQ=..><ACK=..><CTL=..>}).
 */
final class SegmentOutput
{
    private static final int MAX_PACKET = 65_535 + 120;
    private static final int MAX_UNSCALED_WINDOW = 65_535;
    private static final int TIMESTAMP_OPTION_BYTES = 12;

    private final Segment out = new Segment();
    private final UnsafeBuffer tx = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_PACKET, 64));
    /** A segment's payload that wraps around the end of the send ring, joined (the one copy such a segment costs). */
    private final UnsafeBuffer joined = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_PACKET, 64));
    private final PacketSink sink;
    private final TcpConfig config;
    private final EngineCounters counters;
    private final int tsOffset;
    private DataReceiver sackSource;

    SegmentOutput(final PacketSink sink, final TcpConfig config, final EngineCounters counters, final int tsOffset)
    {
        this.sink = sink;
        this.config = config;
        this.counters = counters;
        this.tsOffset = tsOffset;
    }

    void sackSource(final DataReceiver source)
    {
        this.sackSource = source;
    }

    /** RFC 7323 §4.1: a clock ticking in milliseconds, offset per engine. */
    int tsVal(final long nowNs)
    {
        return (int)(nowNs / 1_000_000L) + tsOffset;
    }

    /** Largest payload per segment on this connection, after the options every segment carries. */
    int payloadMss(final Tcb tcb)
    {
        return tcb.sndMss() - (tcb.hasFlag(Tcb.F_TIMESTAMPS_OK) ? TIMESTAMP_OPTION_BYTES : 0);
    }

    /** Active open: {@code <SEQ=ISS><CTL=SYN>} with every option we support. */
    void sendSyn(final Tcb tcb, final long nowNs)
    {
        final Segment s = header(tcb, tcb.iss(), 0, Segment.SYN);
        s.window(Math.min(tcb.rcvWnd(), MAX_UNSCALED_WINDOW));
        final TcpOptions o = s.options();
        o.mss(config.mss());
        if (config.windowScaling())
        {
            o.windowScale(tcb.rcvWindowShift());
        }
        o.sackPermitted(config.sack());
        if (config.timestamps())
        {
            o.timestamps(tsVal(nowNs), 0);
        }
        emit(s);
    }

    /** {@code <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>} with the options negotiated from the peer's SYN. */
    void sendSynAck(final Tcb tcb, final long nowNs)
    {
        final Segment s = header(tcb, tcb.iss(), tcb.rcvNxt(), Segment.SYN | Segment.ACK);
        s.window(Math.min(tcb.rcvWnd(), MAX_UNSCALED_WINDOW));
        final TcpOptions o = s.options();
        o.mss(config.mss());
        if (tcb.hasFlag(Tcb.F_WINDOW_SCALE_OK))
        {
            o.windowScale(tcb.rcvWindowShift());
        }
        o.sackPermitted(tcb.hasFlag(Tcb.F_SACK_OK));
        if (tcb.hasFlag(Tcb.F_TIMESTAMPS_OK))
        {
            o.timestamps(tsVal(nowNs), tcb.tsRecent());
        }
        emit(s);
    }

    /** {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>}. */
    void sendAck(final Tcb tcb, final long nowNs)
    {
        emit(synchronizedHeader(tcb, tcb.sndNxt(), Segment.ACK, nowNs));
    }

    /** Zero-window probe: {@code <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK>}, an old sequence number the peer must ACK. */
    void sendProbe(final Tcb tcb, final long nowNs)
    {
        emit(synchronizedHeader(tcb, tcb.sndUna() - 1, Segment.ACK, nowNs));
    }

    /** {@code <SEQ=FIN seq><ACK=RCV.NXT><CTL=FIN,ACK>}: the FIN occupies {@code finSeq}. */
    void sendFin(final Tcb tcb, final long nowNs)
    {
        emit(synchronizedHeader(tcb, tcb.finSeq(), Segment.FIN | Segment.ACK, nowNs));
    }

    /** Data at {@code seq} with ACK (and PSH when {@code push}). */
    void sendData(
        final Tcb tcb, final int seq, final DirectBuffer buffer, final int offset, final int length, final boolean push,
        final long nowNs)
    {
        final Segment s = synchronizedHeader(tcb, seq, Segment.ACK | (push ? Segment.PSH : 0), nowNs);
        s.payload(buffer, offset, length);
        emit(s);
    }

    /**
     * Data from the send ring: {@code length} bytes from sequence number {@code seq}, in one segment even where they
     * wrap around the end of the ring (a segment cut there would leave a small tail that Nagle holds back).
     */
    void sendFromRing(
        final Tcb tcb, final int seq, final DirectBuffer ring, final int length, final boolean push, final long nowNs)
    {
        final int offset = SeqRing.offsetOf(ring, seq);
        final int first = SeqRing.contiguousBytes(ring, seq, length);
        if (first == length)
        {
            sendData(tcb, seq, ring, offset, length, push, nowNs);
            return;
        }
        joined.putBytes(0, ring, offset, first);
        joined.putBytes(first, ring, 0, length - first);
        sendData(tcb, seq, joined, 0, length, push, nowNs);
    }

    /** Abort from a synchronized state: {@code <SEQ=SND.NXT><CTL=RST>} (RFC 9293 §3.10.5). */
    void sendRst(final Tcb tcb)
    {
        final Segment s = header(tcb, tcb.sndNxt(), 0, Segment.RST);
        emit(s);
        counters.increment(EngineEvent.RST_SENT);
    }

    /**
     * Reset answering {@code in} (RFC 9293 §3.10.7.1): {@code <SEQ=SEG.ACK><CTL=RST>} if it had ACK,
     * else {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}.
     */
    void sendResetFor(final Segment in)
    {
        if (in.has(Segment.ACK))
        {
            replyRst(in, in.ack(), 0, Segment.RST);
        }
        else
        {
            replyRst(in, 0, in.seq() + in.segmentLength(), Segment.RST | Segment.ACK);
        }
    }

    /** Refusing a SYN held in SYN-RECEIVED: {@code <SEQ=0><ACK=IRS+1><CTL=RST,ACK>}, as a closed port would. */
    void sendResetForSyn(final Tcb tcb)
    {
        final Segment s = header(tcb, 0, tcb.irs() + 1, Segment.RST | Segment.ACK);
        emit(s);
        counters.increment(EngineEvent.RST_SENT);
    }

    /** {@code <SEQ=SEG.ACK><CTL=RST>} answering an unacceptable ACK. */
    void sendRstWithSeq(final Segment in, final int seq)
    {
        replyRst(in, seq, 0, Segment.RST);
    }

    private void replyRst(final Segment in, final int seq, final int ack, final int flags)
    {
        final Segment s = out.clear();
        s.src(in.dstHi(), in.dstLo()).dst(in.srcHi(), in.srcLo())
            .srcPort(in.dstPort()).dstPort(in.srcPort())
            .seq(seq).ack(ack).flags(flags).window(0).hopLimit(config.hopLimit());
        emit(s);
        counters.increment(EngineEvent.RST_SENT);
    }

    private Segment synchronizedHeader(final Tcb tcb, final int seq, final int flags, final long nowNs)
    {
        final Segment s = header(tcb, seq, tcb.rcvNxt(), flags);
        s.window(Math.min(tcb.rcvWnd() >>> tcb.rcvWindowShift(), MAX_UNSCALED_WINDOW));
        if (tcb.hasFlag(Tcb.F_TIMESTAMPS_OK))
        {
            s.options().timestamps(tsVal(nowNs), tcb.tsRecent());
        }
        if (sackSource != null)
        {
            sackSource.fillSackBlocks(tcb, s.options());
        }
        // every segment we send carries ACK = RCV.NXT: nothing is owed any more
        tcb.segmentsUnacked(0);
        return s;
    }

    private Segment header(final Tcb tcb, final int seq, final int ack, final int flags)
    {
        final Segment s = out.clear();
        s.src(tcb.localHi(), tcb.localLo()).dst(tcb.remoteHi(), tcb.remoteLo())
            .srcPort(tcb.localPort()).dstPort(tcb.remotePort())
            .seq(seq).ack(ack).flags(flags).hopLimit(config.hopLimit());
        return s;
    }

    private void emit(final Segment s)
    {
        final int length = PacketEncoder.encode(s, tx, 0);
        counters.increment(EngineEvent.SEGMENT_SENT);
        sink.onPacket(tx, 0, length);
    }
}
