package io.synpipe.wire;

import org.agrona.DirectBuffer;


/**
 * Flyweight over the fixed IPv6 header (RFC 8200 §3):
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version| Traffic Class |           Flow Label                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               |
 *   +                                                               +
 *   |                                                               |
 *   +                         Source Address                        +
 *   |                                                               |
 *   +                                                               +
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               |
 *   +                                                               +
 *   |                                                               |
 *   +                      Destination Address                      +
 *   |                                                               |
 *   +                                                               +
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The payload length counts everything after these 40 bytes, extension headers included. Addresses are read as
 * two big-endian longs, the form {@link IpAddress} uses. The caller checks the region holds {@link #LENGTH} bytes.
 */
public final class Ipv6Header extends HeaderFlyweight
{
    public static final int VERSION = 6;
    public static final int LENGTH = 40;

    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SOURCE_ADDRESS_OFFSET = 8;
    public static final int DESTINATION_ADDRESS_OFFSET = 24;

    public static final int NEXT_HEADER_HOP_BY_HOP = 0;
    public static final int NEXT_HEADER_TCP = 6;
    public static final int NEXT_HEADER_ROUTING = 43;
    public static final int NEXT_HEADER_FRAGMENT = 44;
    public static final int NEXT_HEADER_NONE = 59;
    public static final int NEXT_HEADER_DESTINATION_OPTIONS = 60;

    private static final int FLOW_LABEL_MASK = 0x000f_ffff;

    /** Wraps a region; the setters work only if {@code buffer} is a {@link org.agrona.MutableDirectBuffer}. */
    public Ipv6Header wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapRegion(buffer, offset, length);
        return this;
    }

    private int firstWord()
    {
        return buffer.getInt(offset + VERSION_CLASS_FLOW_OFFSET, BE);
    }

    private void firstWord(final int word)
    {
        mutable().putInt(offset + VERSION_CLASS_FLOW_OFFSET, word, BE);
    }

    public int version()
    {
        return firstWord() >>> 28;
    }

    public Ipv6Header version(final int version)
    {
        firstWord((firstWord() & 0x0fff_ffff) | (version << 28));
        return this;
    }

    public int trafficClass()
    {
        return (firstWord() >>> 20) & 0xff;
    }

    public Ipv6Header trafficClass(final int trafficClass)
    {
        firstWord((firstWord() & 0xf00f_ffff) | ((trafficClass & 0xff) << 20));
        return this;
    }

    public int flowLabel()
    {
        return firstWord() & FLOW_LABEL_MASK;
    }

    public Ipv6Header flowLabel(final int flowLabel)
    {
        firstWord((firstWord() & ~FLOW_LABEL_MASK) | (flowLabel & FLOW_LABEL_MASK));
        return this;
    }

    public int payloadLength()
    {
        return buffer.getShort(offset + PAYLOAD_LENGTH_OFFSET, BE) & 0xffff;
    }

    public Ipv6Header payloadLength(final int payloadLength)
    {
        mutable().putShort(offset + PAYLOAD_LENGTH_OFFSET, (short)payloadLength, BE);
        return this;
    }

    public int nextHeader()
    {
        return buffer.getByte(offset + NEXT_HEADER_OFFSET) & 0xff;
    }

    public Ipv6Header nextHeader(final int nextHeader)
    {
        mutable().putByte(offset + NEXT_HEADER_OFFSET, (byte)nextHeader);
        return this;
    }

    public int hopLimit()
    {
        return buffer.getByte(offset + HOP_LIMIT_OFFSET) & 0xff;
    }

    public Ipv6Header hopLimit(final int hopLimit)
    {
        mutable().putByte(offset + HOP_LIMIT_OFFSET, (byte)hopLimit);
        return this;
    }

    public long sourceHi()
    {
        return buffer.getLong(offset + SOURCE_ADDRESS_OFFSET, BE);
    }

    public long sourceLo()
    {
        return buffer.getLong(offset + SOURCE_ADDRESS_OFFSET + 8, BE);
    }

    public Ipv6Header sourceAddress(final long hi, final long lo)
    {
        mutable().putLong(offset + SOURCE_ADDRESS_OFFSET, hi, BE);
        mutableBuffer.putLong(offset + SOURCE_ADDRESS_OFFSET + 8, lo, BE);
        return this;
    }

    public long destinationHi()
    {
        return buffer.getLong(offset + DESTINATION_ADDRESS_OFFSET, BE);
    }

    public long destinationLo()
    {
        return buffer.getLong(offset + DESTINATION_ADDRESS_OFFSET + 8, BE);
    }

    public Ipv6Header destinationAddress(final long hi, final long lo)
    {
        mutable().putLong(offset + DESTINATION_ADDRESS_OFFSET, hi, BE);
        mutableBuffer.putLong(offset + DESTINATION_ADDRESS_OFFSET + 8, lo, BE);
        return this;
    }

}
