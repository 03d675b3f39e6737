package io.synpipe.wire;

import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable TCP segment with its IP header fields, for tests and slow paths (it allocates): build one with
 * {@link #of} and the {@code with…} copies, turn it into bytes with {@link #encode()}, read bytes back with
 * {@link #parse}. The hot path uses {@link Segment}, {@link PacketDecoder} and {@link PacketEncoder} instead.
 * <p>
 * Addresses are 128-bit pairs as in {@link IpAddress}. {@code mss} and {@code windowScale} are
 * {@link TcpOptions#ABSENT} (-1) when absent; {@code tsVal}/{@code tsEcr} mean something only when
 * {@code timestamps}; {@code sackBlocks} holds (left, right) pairs, at most {@link TcpOptions#MAX_SACK_BLOCKS}.
 * The arrays are copied in and out, so the record stays immutable; equality compares their contents.
 */
public record TcpSegment(
    int ipVersion,
    long srcHi,
    long srcLo,
    long dstHi,
    long dstLo,
    int srcPort,
    int dstPort,
    int seq,
    int ack,
    int flags,
    int window,
    int urgentPointer,
    int hopLimit,
    int mss,
    int windowScale,
    boolean sackPermitted,
    boolean timestamps,
    int tsVal,
    int tsEcr,
    int[] sackBlocks,
    byte[] payload)
{
    public static final int FIN = Segment.FIN;
    public static final int SYN = Segment.SYN;
    public static final int RST = Segment.RST;
    public static final int PSH = Segment.PSH;
    public static final int ACK = Segment.ACK;
    public static final int URG = Segment.URG;
    public static final int ECE = Segment.ECE;
    public static final int CWR = Segment.CWR;

    public static final int ABSENT = TcpOptions.ABSENT;
    public static final int DEFAULT_WINDOW = 65535;
    public static final int DEFAULT_HOP_LIMIT = 64;

    private static final byte[] NO_BYTES = new byte[0];
    private static final int[] NO_BLOCKS = new int[0];

    public TcpSegment
    {
        if (ipVersion != 4 && ipVersion != 6)
        {
            throw new IllegalArgumentException("ipVersion must be 4 or 6, was " + ipVersion);
        }
        final boolean v4 = ipVersion == 4;
        if (IpAddress.isV4(srcHi, srcLo) != v4 || IpAddress.isV4(dstHi, dstLo) != v4)
        {
            throw new IllegalArgumentException("addresses " + IpAddress.toString(srcHi, srcLo) + " and " +
                IpAddress.toString(dstHi, dstLo) + " do not both belong to IPv" + ipVersion);
        }
        checkRange("srcPort", srcPort, 0, 0xffff);
        checkRange("dstPort", dstPort, 0, 0xffff);
        checkRange("flags", flags, 0, 0xff);
        checkRange("window", window, 0, 0xffff);
        checkRange("urgentPointer", urgentPointer, 0, 0xffff);
        checkRange("hopLimit", hopLimit, 0, 0xff);
        checkRange("mss", mss, ABSENT, 0xffff);
        checkRange("windowScale", windowScale, ABSENT, 0xff);
        sackBlocks = sackBlocks == null ? NO_BLOCKS : sackBlocks.clone();
        if ((sackBlocks.length & 1) != 0 || sackBlocks.length > 2 * TcpOptions.MAX_SACK_BLOCKS)
        {
            throw new IllegalArgumentException("sackBlocks must be (left, right) pairs, at most " +
                TcpOptions.MAX_SACK_BLOCKS + ", was " + Arrays.toString(sackBlocks));
        }
        payload = payload == null ? NO_BYTES : payload.clone();
    }

    /**
     * A segment with no flags, seq and ack 0, window 65535, hop limit 64, no options and no payload.
     *
     * @param src a literal IPv4 or IPv6 address (both addresses of the same family).
     */
    public static TcpSegment of(final String src, final int srcPort, final String dst, final int dstPort)
    {
        final InetAddress srcAddress = IpAddress.parseLiteral(src);
        final InetAddress dstAddress = IpAddress.parseLiteral(dst);
        final long srcHi = IpAddress.hi(srcAddress);
        final long srcLo = IpAddress.lo(srcAddress);
        return new TcpSegment(IpAddress.isV4(srcHi, srcLo) ? 4 : 6, srcHi, srcLo,
            IpAddress.hi(dstAddress), IpAddress.lo(dstAddress), srcPort, dstPort, 0, 0, 0, DEFAULT_WINDOW, 0,
            DEFAULT_HOP_LIMIT, ABSENT, ABSENT, false, false, 0, 0, NO_BLOCKS, NO_BYTES);
    }

    /**
     * Decodes an IP packet (no reassembly: fragments are invalid).
     *
     * @throws IllegalArgumentException naming the {@link DropReason} if the decoder drops the packet.
     */
    public static TcpSegment parse(final byte[] packet)
    {
        final Segment segment = new Segment();
        final DropReason reason = decode(packet, segment);
        if (reason != null)
        {
            throw new IllegalArgumentException(
                "invalid packet (" + packet.length + " bytes): " + reason);
        }
        return from(segment);
    }

    /** @return why {@link PacketDecoder} drops {@code packet}, or null if it accepts it. */
    public static DropReason dropReason(final byte[] packet)
    {
        return decode(packet, new Segment());
    }

    /** Copies a decoded (or engine-built) segment, payload bytes included. */
    public static TcpSegment from(final Segment s)
    {
        final TcpOptions o = s.options();
        final int[] blocks = new int[2 * o.sackBlockCount()];
        for (int i = 0; i < o.sackBlockCount(); i++)
        {
            blocks[2 * i] = o.sackLeft(i);
            blocks[2 * i + 1] = o.sackRight(i);
        }
        final byte[] bytes = new byte[s.payloadLength()];
        if (bytes.length > 0)
        {
            s.payloadBuffer().getBytes(s.payloadOffset(), bytes);
        }
        return new TcpSegment(s.ipVersion(), s.srcHi(), s.srcLo(), s.dstHi(), s.dstLo(), s.srcPort(), s.dstPort(),
            s.seq(), s.ack(), s.flags(), s.window(), s.urgentPointer(), s.hopLimit(), o.mss(), o.windowScale(),
            o.sackPermitted(), o.hasTimestamps(), o.hasTimestamps() ? o.tsVal() : 0,
            o.hasTimestamps() ? o.tsEcr() : 0, blocks, bytes);
    }

    /** Fills {@code out} (cleared first); its payload is a view of a fresh copy of this payload. */
    public Segment toSegment(final Segment out)
    {
        out.clear()
            .src(srcHi, srcLo)
            .dst(dstHi, dstLo)
            .ipVersion(ipVersion)
            .srcPort(srcPort)
            .dstPort(dstPort)
            .seq(seq)
            .ack(ack)
            .flags(flags)
            .window(window)
            .urgentPointer(urgentPointer)
            .hopLimit(hopLimit);
        final TcpOptions o = out.options().mss(mss).windowScale(windowScale).sackPermitted(sackPermitted);
        if (timestamps)
        {
            o.timestamps(tsVal, tsEcr);
        }
        for (int i = 0; i < sackBlocks.length; i += 2)
        {
            o.addSackBlock(sackBlocks[i], sackBlocks[i + 1]);
        }
        if (payload.length > 0)
        {
            out.payload(new UnsafeBuffer(payload.clone()), 0, payload.length);
        }
        return out;
    }

    /** @return the IP packet, as {@link PacketEncoder} writes it. */
    public byte[] encode()
    {
        final Segment segment = toSegment(new Segment());
        final byte[] packet = new byte[PacketEncoder.encodedLength(segment)];
        PacketEncoder.encode(segment, new UnsafeBuffer(packet), 0);
        return packet;
    }

    @Override
    public byte[] payload()
    {
        return payload.clone();
    }

    @Override
    public int[] sackBlocks()
    {
        return sackBlocks.clone();
    }

    public int payloadLength()
    {
        return payload.length;
    }

    public String payloadAsString()
    {
        return new String(payload, StandardCharsets.ISO_8859_1);
    }

    public int sackBlockCount()
    {
        return sackBlocks.length / 2;
    }

    public boolean has(final int flag)
    {
        return (flags & flag) != 0;
    }

    /** Sequence space: payload plus one for SYN and one for FIN (RFC 9293 §3.4). */
    public int segmentLength()
    {
        return payload.length + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
    }

    public InetAddress srcAddress()
    {
        return IpAddress.toInetAddress(srcHi, srcLo);
    }

    public InetAddress dstAddress()
    {
        return IpAddress.toInetAddress(dstHi, dstLo);
    }

    /** @return the same segment from the other side: addresses and ports swapped, the rest kept. */
    public TcpSegment reversed()
    {
        return new TcpSegment(ipVersion, dstHi, dstLo, srcHi, srcLo, dstPort, srcPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    /** @param src a literal address of the same family as the destination (use {@link #withAddresses} to switch). */
    public TcpSegment withSrc(final String src, final int port)
    {
        final InetAddress a = IpAddress.parseLiteral(src);
        return new TcpSegment(ipVersion, IpAddress.hi(a), IpAddress.lo(a), dstHi, dstLo, port, dstPort, seq, ack,
            flags, window, urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr,
            sackBlocks, payload);
    }

    public TcpSegment withDst(final String dst, final int port)
    {
        final InetAddress a = IpAddress.parseLiteral(dst);
        return new TcpSegment(ipVersion, srcHi, srcLo, IpAddress.hi(a), IpAddress.lo(a), srcPort, port, seq, ack,
            flags, window, urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr,
            sackBlocks, payload);
    }

    /** Both addresses at once, which may change the IP version. */
    public TcpSegment withAddresses(final String src, final String dst)
    {
        final TcpSegment base = of(src, srcPort, dst, dstPort);
        return new TcpSegment(base.ipVersion, base.srcHi, base.srcLo, base.dstHi, base.dstLo, srcPort, dstPort, seq,
            ack, flags, window, urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr,
            sackBlocks, payload);
    }

    public TcpSegment withPorts(final int srcPort, final int dstPort)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    public TcpSegment withSeq(final int seq)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    public TcpSegment withAck(final int ack)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    public TcpSegment withFlags(final int flags)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    public TcpSegment withWindow(final int window)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    public TcpSegment withUrgentPointer(final int urgentPointer)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    public TcpSegment withHopLimit(final int hopLimit)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    /** @param mss the MSS option value, or {@link #ABSENT}. */
    public TcpSegment withMss(final int mss)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    /** @param windowScale the shift count, or {@link #ABSENT}. */
    public TcpSegment withWindowScale(final int windowScale)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    public TcpSegment withSackPermitted(final boolean sackPermitted)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    public TcpSegment withTimestamps(final int tsVal, final int tsEcr)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, true, tsVal, tsEcr, sackBlocks, payload);
    }

    public TcpSegment withoutTimestamps()
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, false, 0, 0, sackBlocks, payload);
    }

    /** @param leftRightPairs left edge, right edge, left edge, right edge, …; none to remove the SACK option. */
    public TcpSegment withSackBlocks(final int... leftRightPairs)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, leftRightPairs, payload);
    }

    /** Removes every option. */
    public TcpSegment withoutOptions()
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, ABSENT, ABSENT, false, false, 0, 0, NO_BLOCKS, payload);
    }

    public TcpSegment withPayload(final byte[] payload)
    {
        return new TcpSegment(ipVersion, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort, seq, ack, flags, window,
            urgentPointer, hopLimit, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sackBlocks, payload);
    }

    /** @param text the payload as ISO-8859-1 text, one byte per char. */
    public TcpSegment withPayload(final String text)
    {
        return withPayload(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof TcpSegment t &&
            ipVersion == t.ipVersion && srcHi == t.srcHi && srcLo == t.srcLo && dstHi == t.dstHi &&
            dstLo == t.dstLo && srcPort == t.srcPort && dstPort == t.dstPort && seq == t.seq && ack == t.ack &&
            flags == t.flags && window == t.window && urgentPointer == t.urgentPointer && hopLimit == t.hopLimit &&
            mss == t.mss && windowScale == t.windowScale && sackPermitted == t.sackPermitted &&
            timestamps == t.timestamps && tsVal == t.tsVal && tsEcr == t.tsEcr &&
            Arrays.equals(sackBlocks, t.sackBlocks) && Arrays.equals(payload, t.payload);
    }

    @Override
    public int hashCode()
    {
        int h = Long.hashCode(srcHi) * 31 + Long.hashCode(srcLo);
        h = h * 31 + Long.hashCode(dstHi);
        h = h * 31 + Long.hashCode(dstLo);
        h = h * 31 + (srcPort << 16 | dstPort);
        h = h * 31 + seq;
        h = h * 31 + ack;
        h = h * 31 + (flags << 16 | window);
        h = h * 31 + (tsVal ^ tsEcr);
        return h * 31 + Arrays.hashCode(payload);
    }

    /** e.g. {@code 198.18.0.1:40000 > 198.18.0.2:80 [SYN] seq=1 win=64240 ttl=64 [mss=1460 sackOK] len=0}. */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(IpAddress.toString(srcHi, srcLo)).append(':').append(srcPort).append(" > ")
            .append(IpAddress.toString(dstHi, dstLo)).append(':').append(dstPort).append(" [");
        Segment.appendFlags(sb, flags).append("] seq=").append(Integer.toUnsignedString(seq));
        if (has(ACK))
        {
            sb.append(" ack=").append(Integer.toUnsignedString(ack));
        }
        sb.append(" win=").append(window);
        if (urgentPointer != 0)
        {
            sb.append(" urg=").append(urgentPointer);
        }
        sb.append(" ttl=").append(hopLimit).append(' ');
        final Segment options = new Segment();
        toSegment(options);
        return sb.append(options.options()).append(" len=").append(payload.length).toString();
    }

    private static DropReason decode(final byte[] packet, final Segment out)
    {
        final DropCounters counters = new DropCounters();
        if (new PacketDecoder(null, counters).decode(new UnsafeBuffer(packet), 0, packet.length, 0, out))
        {
            return null;
        }
        for (final DropReason reason : DropReason.values())
        {
            if (counters.get(reason) != 0)
            {
                return reason;
            }
        }
        throw new IllegalStateException("decoder neither accepted nor counted a drop for " + packet.length + " bytes");
    }

    private static void checkRange(final String name, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
        }
    }
}
