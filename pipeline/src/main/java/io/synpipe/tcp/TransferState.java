package io.synpipe.tcp;

import io.synpipe.buffer.SeqRangeSet;
import io.synpipe.cc.CongestionControl;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Flyweight over the data-transfer state of one connection, kept in the STATE region of its
 * {@code BufferArena} block (only connections that carry data have one).
 * <pre>
 * | off | sz | field         | meaning |
 * |-----|----|---------------|---------|
 * |   0 |  4 | sndBufEnd     | sequence number after the last byte the application wrote |
 * |   4 |  4 | rcvRead       | first received byte the application has not released (read credit) |
 * |   8 |  4 | dupAcks       | duplicate ACKs in a row (RFC 5681 §3.2) |
 * |  12 |  4 | recover       | RFC 6582 "recover": SND.NXT when loss recovery began |
 * |  16 |  4 | flags         | S_* bits |
 * |  20 |  4 | rttSeq        | sequence number being timed (RFC 6298, Karn) |
 * |  24 |  8 | rttStartNs    | when rttSeq was sent |
 * |  32 |  4 | sndRtx        | next sequence number to retransmit while S_RETRANSMITTING |
 * |  36 |  4 | rcvAdvEdge    | right edge of the window we last offered (never moves left) |
 * |  40 |  4 | persistShift  | zero-window probe backoff exponent |
 * |  44 |  4 | maxSndWnd     | largest window the peer offered (RFC 5961 §5 MAX.SND.WND) |
 * |  48 | 64 | cc            | congestion control state ({@link CongestionControl#STATE_BYTES}) |
 * | 112 | 72 | received      | out-of-order ranges held beyond RCV.NXT (reassembly, SACK blocks we send) |
 * | 184 | 72 | sacked        | ranges the peer reported with SACK (scoreboard, RFC 6675) |
 * </pre>
 */
final class TransferState
{
    static final int RANGES = 8;
    static final int SND_BUF_END = 0;
    static final int RCV_READ = 4;
    static final int DUP_ACKS = 8;
    static final int RECOVER = 12;
    static final int FLAGS = 16;
    static final int RTT_SEQ = 20;
    static final int RTT_START_NS = 24;
    static final int SND_RTX = 32;
    static final int RCV_ADV_EDGE = 36;
    static final int PERSIST_SHIFT = 40;
    static final int MAX_SND_WND = 44;
    static final int CC = 48;
    static final int RECEIVED = CC + CongestionControl.STATE_BYTES;
    static final int SACKED = RECEIVED + SeqRangeSet.bytesFor(RANGES);
    static final int LENGTH = SACKED + SeqRangeSet.bytesFor(RANGES);

    /** In fast recovery (RFC 6582). */
    static final int S_IN_RECOVERY = 1;
    /** An RTT sample is being timed. */
    static final int S_RTT_TIMING = 1 << 1;
    /** Go-back-N after a retransmission timeout: resend from sndRtx up to SND.NXT. */
    static final int S_RETRANSMITTING = 1 << 2;

    private UnsafeBuffer buffer;
    final SeqRangeSet received = new SeqRangeSet();
    final SeqRangeSet sacked = new SeqRangeSet();

    TransferState wrap(final UnsafeBuffer state)
    {
        this.buffer = state;
        received.wrap(state, RECEIVED, RANGES);
        sacked.wrap(state, SACKED, RANGES);
        return this;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    int ccOffset()
    {
        return CC;
    }

    int getInt(final int field)
    {
        return buffer.getInt(field);
    }

    void putInt(final int field, final int value)
    {
        buffer.putInt(field, value);
    }

    long rttStartNs()
    {
        return buffer.getLong(RTT_START_NS);
    }

    void rttStartNs(final long value)
    {
        buffer.putLong(RTT_START_NS, value);
    }

    boolean has(final int flag)
    {
        return (getInt(FLAGS) & flag) != 0;
    }

    void set(final int flag)
    {
        putInt(FLAGS, getInt(FLAGS) | flag);
    }

    void clear(final int flag)
    {
        putInt(FLAGS, getInt(FLAGS) & ~flag);
    }
}
