package io.synpipe.table;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Flyweight over one transmission control block (RFC 9293 §3.3.1) in the {@link ConnectionTable} slab.
 * Native byte order (the memory is ours alone). {@link #LENGTH} bytes per connection, no data buffers.
 * <pre>
 * | off | sz | field             | meaning |
 * |-----|----|-------------------|---------|
 * |   0 |  4 | generation        | odd while the slot is live; changes on every insert and remove (stale-handle check) |
 * |   4 |  4 | state             | TcpState code |
 * |   8 |  8 | localHi           | local address, high 64 bits (IPv4-mapped for IPv4) |
 * |  16 |  8 | localLo           | local address, low 64 bits |
 * |  24 |  8 | remoteHi          | remote address, high 64 bits |
 * |  32 |  8 | remoteLo          | remote address, low 64 bits |
 * |  40 |  2 | localPort         | local port |
 * |  42 |  2 | remotePort        | remote port |
 * |  44 |  4 | flags             | F_* bits |
 * |  48 |  4 | iss               | ISS: initial send sequence number |
 * |  52 |  4 | irs               | IRS: initial receive sequence number |
 * |  56 |  4 | sndUna            | SND.UNA: oldest unacknowledged sequence number |
 * |  60 |  4 | sndNxt            | SND.NXT: next sequence number to send |
 * |  64 |  4 | sndWnd            | SND.WND in bytes, already scaled |
 * |  68 |  4 | sndWl1            | SND.WL1: segment sequence number of the last window update |
 * |  72 |  4 | sndWl2            | SND.WL2: segment acknowledgment number of the last window update |
 * |  76 |  4 | sndUp             | SND.UP: send urgent pointer |
 * |  80 |  4 | rcvNxt            | RCV.NXT: next sequence number expected |
 * |  84 |  4 | rcvWnd            | RCV.WND in bytes |
 * |  88 |  4 | rcvUp             | RCV.UP: receive urgent pointer |
 * |  92 |  4 | finSeq            | sequence number of our FIN once sent |
 * |  96 |  4 | tsRecent          | TS.Recent (RFC 7323) |
 * | 100 |  4 | retransmitCount   | retransmissions of the current SYN, SYN-ACK or FIN |
 * | 104 |  4 | listenerId        | listener that accepted the connection, -1 for active opens |
 * | 108 |  4 | closeReason       | CloseReason code once reported |
 * | 112 |  2 | sndMss            | SND.MSS: largest segment the peer accepts |
 * | 114 |  1 | sndWindowShift    | shift applied to the peer's window (RFC 7323 Snd.Wind.Shift) |
 * | 115 |  1 | rcvWindowShift    | shift applied to our window (RFC 7323 Rcv.Wind.Shift) |
 * | 120 |  8 | tsRecentAgeNs     | when TS.Recent was set |
 * | 128 |  8 | rtoNs             | RTO (RFC 6298) |
 * | 136 |  8 | srttNs            | SRTT (RFC 6298) |
 * | 144 |  8 | rttvarNs          | RTTVAR (RFC 6298) |
 * | 152 |  8 | retransmitTimerId | retransmission timer id, -1 if none |
 * | 160 |  8 | closeTimerId      | TIME-WAIT / FIN-WAIT-2 timer id, -1 if none |
 * | 168 |  8 | keepaliveTimerId  | keep-alive timer id, -1 if none (reserved for keep-alive) |
 * | 176 |  8 | openedNs          | when the handshake started (SYN sent or received) |
 * | 184 |  8 | establishedNs     | when ESTABLISHED was reached, 0 before |
 * | 192 |  8 | userData          | the application's value |
 * | 200 |  4 | dataBlock         | BufferArena block holding buffers and transfer state, -1 until data flows |
 * | 204 |  4 | segmentsUnacked   | in-order segments received since our last ACK (delayed ACK) |
 * | 208 |  8 | delayedAckTimerId | delayed-ACK timer id, -1 if none |
 * | 216 |  8 | persistTimerId    | zero-window probe timer id, -1 if none |
 * | 224 |  8 | lastHeardNs       | when the peer last sent an acceptable segment (keep-alive idle time) |
 * | 232 |  4 | keepaliveProbes   | keep-alive probes sent without an answer |
 * | 236 |  4 | keyHash           | the table's hash of the 4-tuple, so removal need not hash it again |
 * | 240 | 16 | (reserved)        | free |
 * </pre>
 */
public final class Tcb
{
    /** Bytes per TCB. */
    public static final int LENGTH = 256;
    /** First byte not used by a field. */
    public static final int USED_LENGTH = 240;

    public static final int GENERATION_OFFSET = 0;
    public static final int STATE_OFFSET = 4;
    public static final int LOCAL_HI_OFFSET = 8;
    public static final int LOCAL_LO_OFFSET = 16;
    public static final int REMOTE_HI_OFFSET = 24;
    public static final int REMOTE_LO_OFFSET = 32;
    public static final int LOCAL_PORT_OFFSET = 40;
    public static final int REMOTE_PORT_OFFSET = 42;
    public static final int FLAGS_OFFSET = 44;
    public static final int ISS_OFFSET = 48;
    public static final int IRS_OFFSET = 52;
    public static final int SND_UNA_OFFSET = 56;
    public static final int SND_NXT_OFFSET = 60;
    public static final int SND_WND_OFFSET = 64;
    public static final int SND_WL1_OFFSET = 68;
    public static final int SND_WL2_OFFSET = 72;
    public static final int SND_UP_OFFSET = 76;
    public static final int RCV_NXT_OFFSET = 80;
    public static final int RCV_WND_OFFSET = 84;
    public static final int RCV_UP_OFFSET = 88;
    public static final int FIN_SEQ_OFFSET = 92;
    public static final int TS_RECENT_OFFSET = 96;
    public static final int RETRANSMIT_COUNT_OFFSET = 100;
    public static final int LISTENER_ID_OFFSET = 104;
    public static final int CLOSE_REASON_OFFSET = 108;
    public static final int SND_MSS_OFFSET = 112;
    public static final int SND_WINDOW_SHIFT_OFFSET = 114;
    public static final int RCV_WINDOW_SHIFT_OFFSET = 115;
    public static final int TS_RECENT_AGE_NS_OFFSET = 120;
    public static final int RTO_NS_OFFSET = 128;
    public static final int SRTT_NS_OFFSET = 136;
    public static final int RTTVAR_NS_OFFSET = 144;
    public static final int RETRANSMIT_TIMER_ID_OFFSET = 152;
    public static final int CLOSE_TIMER_ID_OFFSET = 160;
    public static final int KEEPALIVE_TIMER_ID_OFFSET = 168;
    public static final int OPENED_NS_OFFSET = 176;
    public static final int ESTABLISHED_NS_OFFSET = 184;
    public static final int USER_DATA_OFFSET = 192;
    public static final int DATA_BLOCK_OFFSET = 200;
    public static final int SEGMENTS_UNACKED_OFFSET = 204;
    public static final int DELAYED_ACK_TIMER_ID_OFFSET = 208;
    public static final int PERSIST_TIMER_ID_OFFSET = 216;
    public static final int LAST_HEARD_NS_OFFSET = 224;
    public static final int KEEPALIVE_PROBES_OFFSET = 232;
    public static final int KEY_HASH_OFFSET = 236;

    /** Connection opened by a passive OPEN (a listener). */
    public static final int F_PASSIVE_OPEN = 1;
    /** SACK-permitted negotiated (RFC 2018). */
    public static final int F_SACK_OK = 1 << 1;
    /** Timestamps negotiated (RFC 7323 §3). */
    public static final int F_TIMESTAMPS_OK = 1 << 2;
    /** Window scaling negotiated (RFC 7323 §2). */
    public static final int F_WINDOW_SCALE_OK = 1 << 3;
    /** Our FIN was sent (its sequence number is {@link #finSeq()}). */
    public static final int F_FIN_SENT = 1 << 4;
    /** The peer's FIN was received. */
    public static final int F_FIN_RECEIVED = 1 << 5;
    /** The application called close. */
    public static final int F_APP_CLOSED = 1 << 6;
    /** A SYN waits for the application's accept decision. */
    public static final int F_ACCEPT_PENDING = 1 << 7;
    /** The application was told the connection closed; the handle is dead to it. */
    public static final int F_CLOSE_REPORTED = 1 << 8;
    /** Nagle off (TCP_NODELAY). */
    public static final int F_NO_DELAY = 1 << 9;
    /** The application grants read credit itself ({@code TcpEngine.consume}). */
    public static final int F_MANUAL_READ_CREDIT = 1 << 10;
    /** The application asked to hear when send space frees up. */
    public static final int F_WANT_WRITABLE = 1 << 11;
    /** Keep-alive probes enabled (RFC 9293 §3.8.4). */
    public static final int F_KEEPALIVE = 1 << 12;
    /**
     * The ACK of the peer's SYN-ACK is owed while the application's {@code onEstablished} runs: it rides on the
     * first segment the application sends, and an abort sends it before the RST.
     */
    public static final int F_HANDSHAKE_ACK_OWED = 1 << 13;

    private UnsafeBuffer buffer;
    private int offset;

    public Tcb wrap(final UnsafeBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int offset()
    {
        return offset;
    }

    public boolean hasFlag(final int flag)
    {
        return (flags() & flag) != 0;
    }

    public Tcb setFlag(final int flag)
    {
        return flags(flags() | flag);
    }

    public Tcb clearFlag(final int flag)
    {
        return flags(flags() & ~flag);
    }

    public boolean keyEquals(
        final long localHi, final long localLo, final int localPort,
        final long remoteHi, final long remoteLo, final int remotePort)
    {
        return buffer.getLong(offset + LOCAL_LO_OFFSET) == localLo
            && buffer.getLong(offset + REMOTE_LO_OFFSET) == remoteLo
            && (buffer.getShort(offset + LOCAL_PORT_OFFSET) & 0xFFFF) == localPort
            && (buffer.getShort(offset + REMOTE_PORT_OFFSET) & 0xFFFF) == remotePort
            && buffer.getLong(offset + LOCAL_HI_OFFSET) == localHi
            && buffer.getLong(offset + REMOTE_HI_OFFSET) == remoteHi;
    }

    public int generation()
    {
        return buffer.getInt(offset + GENERATION_OFFSET);
    }

    public Tcb generation(final int value)
    {
        buffer.putInt(offset + GENERATION_OFFSET, value);
        return this;
    }

    public int state()
    {
        return buffer.getInt(offset + STATE_OFFSET);
    }

    public Tcb state(final int value)
    {
        buffer.putInt(offset + STATE_OFFSET, value);
        return this;
    }

    public long localHi()
    {
        return buffer.getLong(offset + LOCAL_HI_OFFSET);
    }

    public Tcb localHi(final long value)
    {
        buffer.putLong(offset + LOCAL_HI_OFFSET, value);
        return this;
    }

    public long localLo()
    {
        return buffer.getLong(offset + LOCAL_LO_OFFSET);
    }

    public Tcb localLo(final long value)
    {
        buffer.putLong(offset + LOCAL_LO_OFFSET, value);
        return this;
    }

    public long remoteHi()
    {
        return buffer.getLong(offset + REMOTE_HI_OFFSET);
    }

    public Tcb remoteHi(final long value)
    {
        buffer.putLong(offset + REMOTE_HI_OFFSET, value);
        return this;
    }

    public long remoteLo()
    {
        return buffer.getLong(offset + REMOTE_LO_OFFSET);
    }

    public Tcb remoteLo(final long value)
    {
        buffer.putLong(offset + REMOTE_LO_OFFSET, value);
        return this;
    }

    public int localPort()
    {
        return buffer.getShort(offset + LOCAL_PORT_OFFSET) & 0xFFFF;
    }

    public Tcb localPort(final int value)
    {
        buffer.putShort(offset + LOCAL_PORT_OFFSET, (short)value);
        return this;
    }

    public int remotePort()
    {
        return buffer.getShort(offset + REMOTE_PORT_OFFSET) & 0xFFFF;
    }

    public Tcb remotePort(final int value)
    {
        buffer.putShort(offset + REMOTE_PORT_OFFSET, (short)value);
        return this;
    }

    public int flags()
    {
        return buffer.getInt(offset + FLAGS_OFFSET);
    }

    public Tcb flags(final int value)
    {
        buffer.putInt(offset + FLAGS_OFFSET, value);
        return this;
    }

    public int iss()
    {
        return buffer.getInt(offset + ISS_OFFSET);
    }

    public Tcb iss(final int value)
    {
        buffer.putInt(offset + ISS_OFFSET, value);
        return this;
    }

    public int irs()
    {
        return buffer.getInt(offset + IRS_OFFSET);
    }

    public Tcb irs(final int value)
    {
        buffer.putInt(offset + IRS_OFFSET, value);
        return this;
    }

    public int sndUna()
    {
        return buffer.getInt(offset + SND_UNA_OFFSET);
    }

    public Tcb sndUna(final int value)
    {
        buffer.putInt(offset + SND_UNA_OFFSET, value);
        return this;
    }

    public int sndNxt()
    {
        return buffer.getInt(offset + SND_NXT_OFFSET);
    }

    public Tcb sndNxt(final int value)
    {
        buffer.putInt(offset + SND_NXT_OFFSET, value);
        return this;
    }

    public int sndWnd()
    {
        return buffer.getInt(offset + SND_WND_OFFSET);
    }

    public Tcb sndWnd(final int value)
    {
        buffer.putInt(offset + SND_WND_OFFSET, value);
        return this;
    }

    public int sndWl1()
    {
        return buffer.getInt(offset + SND_WL1_OFFSET);
    }

    public Tcb sndWl1(final int value)
    {
        buffer.putInt(offset + SND_WL1_OFFSET, value);
        return this;
    }

    public int sndWl2()
    {
        return buffer.getInt(offset + SND_WL2_OFFSET);
    }

    public Tcb sndWl2(final int value)
    {
        buffer.putInt(offset + SND_WL2_OFFSET, value);
        return this;
    }

    public int sndUp()
    {
        return buffer.getInt(offset + SND_UP_OFFSET);
    }

    public Tcb sndUp(final int value)
    {
        buffer.putInt(offset + SND_UP_OFFSET, value);
        return this;
    }

    public int rcvNxt()
    {
        return buffer.getInt(offset + RCV_NXT_OFFSET);
    }

    public Tcb rcvNxt(final int value)
    {
        buffer.putInt(offset + RCV_NXT_OFFSET, value);
        return this;
    }

    public int rcvWnd()
    {
        return buffer.getInt(offset + RCV_WND_OFFSET);
    }

    public Tcb rcvWnd(final int value)
    {
        buffer.putInt(offset + RCV_WND_OFFSET, value);
        return this;
    }

    public int rcvUp()
    {
        return buffer.getInt(offset + RCV_UP_OFFSET);
    }

    public Tcb rcvUp(final int value)
    {
        buffer.putInt(offset + RCV_UP_OFFSET, value);
        return this;
    }

    public int finSeq()
    {
        return buffer.getInt(offset + FIN_SEQ_OFFSET);
    }

    public Tcb finSeq(final int value)
    {
        buffer.putInt(offset + FIN_SEQ_OFFSET, value);
        return this;
    }

    public int tsRecent()
    {
        return buffer.getInt(offset + TS_RECENT_OFFSET);
    }

    public Tcb tsRecent(final int value)
    {
        buffer.putInt(offset + TS_RECENT_OFFSET, value);
        return this;
    }

    public int retransmitCount()
    {
        return buffer.getInt(offset + RETRANSMIT_COUNT_OFFSET);
    }

    public Tcb retransmitCount(final int value)
    {
        buffer.putInt(offset + RETRANSMIT_COUNT_OFFSET, value);
        return this;
    }

    public int listenerId()
    {
        return buffer.getInt(offset + LISTENER_ID_OFFSET);
    }

    public Tcb listenerId(final int value)
    {
        buffer.putInt(offset + LISTENER_ID_OFFSET, value);
        return this;
    }

    public int closeReason()
    {
        return buffer.getInt(offset + CLOSE_REASON_OFFSET);
    }

    public Tcb closeReason(final int value)
    {
        buffer.putInt(offset + CLOSE_REASON_OFFSET, value);
        return this;
    }

    public int sndMss()
    {
        return buffer.getShort(offset + SND_MSS_OFFSET) & 0xFFFF;
    }

    public Tcb sndMss(final int value)
    {
        buffer.putShort(offset + SND_MSS_OFFSET, (short)value);
        return this;
    }

    public int sndWindowShift()
    {
        return buffer.getByte(offset + SND_WINDOW_SHIFT_OFFSET) & 0xFF;
    }

    public Tcb sndWindowShift(final int value)
    {
        buffer.putByte(offset + SND_WINDOW_SHIFT_OFFSET, (byte)value);
        return this;
    }

    public int rcvWindowShift()
    {
        return buffer.getByte(offset + RCV_WINDOW_SHIFT_OFFSET) & 0xFF;
    }

    public Tcb rcvWindowShift(final int value)
    {
        buffer.putByte(offset + RCV_WINDOW_SHIFT_OFFSET, (byte)value);
        return this;
    }

    public long tsRecentAgeNs()
    {
        return buffer.getLong(offset + TS_RECENT_AGE_NS_OFFSET);
    }

    public Tcb tsRecentAgeNs(final long value)
    {
        buffer.putLong(offset + TS_RECENT_AGE_NS_OFFSET, value);
        return this;
    }

    public long rtoNs()
    {
        return buffer.getLong(offset + RTO_NS_OFFSET);
    }

    public Tcb rtoNs(final long value)
    {
        buffer.putLong(offset + RTO_NS_OFFSET, value);
        return this;
    }

    public long srttNs()
    {
        return buffer.getLong(offset + SRTT_NS_OFFSET);
    }

    public Tcb srttNs(final long value)
    {
        buffer.putLong(offset + SRTT_NS_OFFSET, value);
        return this;
    }

    public long rttvarNs()
    {
        return buffer.getLong(offset + RTTVAR_NS_OFFSET);
    }

    public Tcb rttvarNs(final long value)
    {
        buffer.putLong(offset + RTTVAR_NS_OFFSET, value);
        return this;
    }

    public long retransmitTimerId()
    {
        return buffer.getLong(offset + RETRANSMIT_TIMER_ID_OFFSET);
    }

    public Tcb retransmitTimerId(final long value)
    {
        buffer.putLong(offset + RETRANSMIT_TIMER_ID_OFFSET, value);
        return this;
    }

    public long closeTimerId()
    {
        return buffer.getLong(offset + CLOSE_TIMER_ID_OFFSET);
    }

    public Tcb closeTimerId(final long value)
    {
        buffer.putLong(offset + CLOSE_TIMER_ID_OFFSET, value);
        return this;
    }

    public long keepaliveTimerId()
    {
        return buffer.getLong(offset + KEEPALIVE_TIMER_ID_OFFSET);
    }

    public Tcb keepaliveTimerId(final long value)
    {
        buffer.putLong(offset + KEEPALIVE_TIMER_ID_OFFSET, value);
        return this;
    }

    public long openedNs()
    {
        return buffer.getLong(offset + OPENED_NS_OFFSET);
    }

    public Tcb openedNs(final long value)
    {
        buffer.putLong(offset + OPENED_NS_OFFSET, value);
        return this;
    }

    public long establishedNs()
    {
        return buffer.getLong(offset + ESTABLISHED_NS_OFFSET);
    }

    public Tcb establishedNs(final long value)
    {
        buffer.putLong(offset + ESTABLISHED_NS_OFFSET, value);
        return this;
    }

    public long userData()
    {
        return buffer.getLong(offset + USER_DATA_OFFSET);
    }

    public Tcb userData(final long value)
    {
        buffer.putLong(offset + USER_DATA_OFFSET, value);
        return this;
    }

    public int dataBlock()
    {
        return buffer.getInt(offset + DATA_BLOCK_OFFSET);
    }

    public Tcb dataBlock(final int value)
    {
        buffer.putInt(offset + DATA_BLOCK_OFFSET, value);
        return this;
    }

    public int segmentsUnacked()
    {
        return buffer.getInt(offset + SEGMENTS_UNACKED_OFFSET);
    }

    public Tcb segmentsUnacked(final int value)
    {
        buffer.putInt(offset + SEGMENTS_UNACKED_OFFSET, value);
        return this;
    }

    public long delayedAckTimerId()
    {
        return buffer.getLong(offset + DELAYED_ACK_TIMER_ID_OFFSET);
    }

    public Tcb delayedAckTimerId(final long value)
    {
        buffer.putLong(offset + DELAYED_ACK_TIMER_ID_OFFSET, value);
        return this;
    }

    public long persistTimerId()
    {
        return buffer.getLong(offset + PERSIST_TIMER_ID_OFFSET);
    }

    public Tcb persistTimerId(final long value)
    {
        buffer.putLong(offset + PERSIST_TIMER_ID_OFFSET, value);
        return this;
    }

    public long lastHeardNs()
    {
        return buffer.getLong(offset + LAST_HEARD_NS_OFFSET);
    }

    public Tcb lastHeardNs(final long value)
    {
        buffer.putLong(offset + LAST_HEARD_NS_OFFSET, value);
        return this;
    }

    public int keepaliveProbes()
    {
        return buffer.getInt(offset + KEEPALIVE_PROBES_OFFSET);
    }

    public Tcb keepaliveProbes(final int value)
    {
        buffer.putInt(offset + KEEPALIVE_PROBES_OFFSET, value);
        return this;
    }

    public int keyHash()
    {
        return buffer.getInt(offset + KEY_HASH_OFFSET);
    }

    public Tcb keyHash(final int value)
    {
        buffer.putInt(offset + KEY_HASH_OFFSET, value);
        return this;
    }
}
