package io.synpipe.wire;

import org.agrona.DirectBuffer;

/**
 * One TCP segment with its IP addresses, as a reusable mutable value: {@link PacketDecoder} fills it from a
 * received packet, the engine fills it before {@link PacketEncoder} writes a packet.
 * <p>
 * Addresses are 128-bit pairs as in {@link IpAddress}; sequence numbers are raw 32-bit values (compare them
 * with {@code io.synpipe.tcp.SeqNum}); {@code window} is the raw 16-bit header field, not scaled.
 * The payload is a view of a region of some buffer, valid until that buffer is reused.
 */
public final class Segment
{
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private int ipVersion = 4;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int srcPort;
    private int dstPort;
    private int seq;
    private int ack;
    private int flags;
    private int window;
    private int urgentPointer;
    private int hopLimit = 64;
    private final TcpOptions options = new TcpOptions();
    private DirectBuffer payloadBuffer;
    private int payloadOffset;
    private int payloadLength;

    public Segment clear()
    {
        ipVersion = 4;
        srcHi = srcLo = dstHi = dstLo = 0;
        srcPort = dstPort = 0;
        seq = ack = flags = window = urgentPointer = 0;
        hopLimit = 64;
        options.clear();
        payloadBuffer = null;
        payloadOffset = payloadLength = 0;
        return this;
    }

    public int ipVersion()
    {
        return ipVersion;
    }

    public Segment ipVersion(final int ipVersion)
    {
        this.ipVersion = ipVersion;
        return this;
    }

    public long srcHi()
    {
        return srcHi;
    }

    public long srcLo()
    {
        return srcLo;
    }

    public long dstHi()
    {
        return dstHi;
    }

    public long dstLo()
    {
        return dstLo;
    }

    /** Sets the source address; also sets {@link #ipVersion()} from the address family. */
    public Segment src(final long hi, final long lo)
    {
        this.srcHi = hi;
        this.srcLo = lo;
        this.ipVersion = IpAddress.isV4(hi, lo) ? 4 : 6;
        return this;
    }

    public Segment dst(final long hi, final long lo)
    {
        this.dstHi = hi;
        this.dstLo = lo;
        return this;
    }

    public int srcPort()
    {
        return srcPort;
    }

    public Segment srcPort(final int srcPort)
    {
        this.srcPort = srcPort;
        return this;
    }

    public int dstPort()
    {
        return dstPort;
    }

    public Segment dstPort(final int dstPort)
    {
        this.dstPort = dstPort;
        return this;
    }

    public int seq()
    {
        return seq;
    }

    public Segment seq(final int seq)
    {
        this.seq = seq;
        return this;
    }

    public int ack()
    {
        return ack;
    }

    public Segment ack(final int ack)
    {
        this.ack = ack;
        return this;
    }

    public int flags()
    {
        return flags;
    }

    public Segment flags(final int flags)
    {
        this.flags = flags;
        return this;
    }

    public boolean has(final int flag)
    {
        return (flags & flag) != 0;
    }

    public int window()
    {
        return window;
    }

    public Segment window(final int window)
    {
        this.window = window;
        return this;
    }

    public int urgentPointer()
    {
        return urgentPointer;
    }

    public Segment urgentPointer(final int urgentPointer)
    {
        this.urgentPointer = urgentPointer;
        return this;
    }

    public int hopLimit()
    {
        return hopLimit;
    }

    public Segment hopLimit(final int hopLimit)
    {
        this.hopLimit = hopLimit;
        return this;
    }

    public TcpOptions options()
    {
        return options;
    }

    public DirectBuffer payloadBuffer()
    {
        return payloadBuffer;
    }

    public int payloadOffset()
    {
        return payloadOffset;
    }

    public int payloadLength()
    {
        return payloadLength;
    }

    public Segment payload(final DirectBuffer buffer, final int offset, final int length)
    {
        this.payloadBuffer = buffer;
        this.payloadOffset = offset;
        this.payloadLength = length;
        return this;
    }

    public Segment noPayload()
    {
        this.payloadBuffer = null;
        this.payloadOffset = 0;
        this.payloadLength = 0;
        return this;
    }

    /** Sequence space the segment occupies: payload plus one for SYN and one for FIN (RFC 9293 §3.4). */
    public int segmentLength()
    {
        return payloadLength + (flags & SYN) / SYN + (flags & FIN);
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(IpAddress.toString(srcHi, srcLo)).append(':').append(srcPort).append(" > ")
            .append(IpAddress.toString(dstHi, dstLo)).append(':').append(dstPort).append(" [");
        appendFlags(sb, flags);
        sb.append("] seq=").append(Integer.toUnsignedString(seq));
        if ((flags & ACK) != 0)
        {
            sb.append(" ack=").append(Integer.toUnsignedString(ack));
        }
        sb.append(" win=").append(window).append(" len=").append(payloadLength).append(' ').append(options);
        return sb.toString();
    }

    public static StringBuilder appendFlags(final StringBuilder sb, final int flags)
    {
        final String names = "FSRPAUEC";
        final int start = sb.length();
        for (int i = 0; i < 8; i++)
        {
            if ((flags & (1 << i)) != 0)
            {
                if (sb.length() > start)
                {
                    sb.append('|');
                }
                sb.append(switch (names.charAt(i))
                {
                    case 'F' -> "FIN";
                    case 'S' -> "SYN";
                    case 'R' -> "RST";
                    case 'P' -> "PSH";
                    case 'A' -> "ACK";
                    case 'U' -> "URG";
                    case 'E' -> "ECE";
                    default -> "CWR";
                });
            }
        }
        return sb;
    }
}
