package io.synpipe.wire;

import org.agrona.DirectBuffer;


/**
 * Flyweight over an IPv4 header (RFC 791 §3.1; the TOS byte as DSCP and ECN per RFC 2474 and RFC 3168):
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Identification        |Flags|      Fragment Offset    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                       Source Address                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Destination Address                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Options                    |    Padding    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Flags: bit 0 reserved, bit 1 DF (don't fragment), bit 2 MF (more fragments). The fragment offset counts
 * 8-byte units. All fields are big-endian. The flyweight does no bounds checking beyond the buffer's own: the
 * caller checks the region holds {@link #MIN_LENGTH} bytes (and {@link #headerLength()}) before reading.
 */
public final class Ipv4Header extends HeaderFlyweight
{
    public static final int VERSION = 4;
    public static final int MIN_LENGTH = 20;
    public static final int MAX_LENGTH = 60;
    public static final int MIN_IHL = 5;

    public static final int VERSION_IHL_OFFSET = 0;
    public static final int DSCP_ECN_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int HEADER_CHECKSUM_OFFSET = 10;
    public static final int SOURCE_ADDRESS_OFFSET = 12;
    public static final int DESTINATION_ADDRESS_OFFSET = 16;
    public static final int OPTIONS_OFFSET = 20;

    /** Don't Fragment, in the 16-bit flags and fragment offset field. */
    public static final int FLAG_DF = 0x4000;
    /** More Fragments. */
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1fff;

    public static final int PROTOCOL_TCP = 6;


    /** Wraps a region; the setters work only if {@code buffer} is a {@link org.agrona.MutableDirectBuffer}. */
    public Ipv4Header wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapRegion(buffer, offset, length);
        return this;
    }

    public int version()
    {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xff) >>> 4;
    }

    public Ipv4Header version(final int version)
    {
        final int old = buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0f;
        mutable().putByte(offset + VERSION_IHL_OFFSET, (byte)((version << 4) | old));
        return this;
    }

    /** @return the Internet Header Length in 32-bit words. */
    public int ihl()
    {
        return buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0f;
    }

    public Ipv4Header ihl(final int ihl)
    {
        final int old = buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xf0;
        mutable().putByte(offset + VERSION_IHL_OFFSET, (byte)(old | (ihl & 0x0f)));
        return this;
    }

    /** @return the header length in bytes, {@code ihl() * 4}. */
    public int headerLength()
    {
        return ihl() << 2;
    }

    public int dscp()
    {
        return (buffer.getByte(offset + DSCP_ECN_OFFSET) & 0xff) >>> 2;
    }

    public Ipv4Header dscp(final int dscp)
    {
        final int old = buffer.getByte(offset + DSCP_ECN_OFFSET) & 0x03;
        mutable().putByte(offset + DSCP_ECN_OFFSET, (byte)((dscp << 2) | old));
        return this;
    }

    public int ecn()
    {
        return buffer.getByte(offset + DSCP_ECN_OFFSET) & 0x03;
    }

    public Ipv4Header ecn(final int ecn)
    {
        final int old = buffer.getByte(offset + DSCP_ECN_OFFSET) & 0xfc;
        mutable().putByte(offset + DSCP_ECN_OFFSET, (byte)(old | (ecn & 0x03)));
        return this;
    }

    public int totalLength()
    {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET, BE) & 0xffff;
    }

    public Ipv4Header totalLength(final int totalLength)
    {
        mutable().putShort(offset + TOTAL_LENGTH_OFFSET, (short)totalLength, BE);
        return this;
    }

    public int identification()
    {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET, BE) & 0xffff;
    }

    public Ipv4Header identification(final int identification)
    {
        mutable().putShort(offset + IDENTIFICATION_OFFSET, (short)identification, BE);
        return this;
    }

    /** @return the 16-bit field holding the three flag bits and the 13-bit fragment offset. */
    public int flagsAndFragmentOffset()
    {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET, BE) & 0xffff;
    }

    public Ipv4Header flagsAndFragmentOffset(final int value)
    {
        mutable().putShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET, (short)value, BE);
        return this;
    }

    public boolean dontFragment()
    {
        return (flagsAndFragmentOffset() & FLAG_DF) != 0;
    }

    public boolean moreFragments()
    {
        return (flagsAndFragmentOffset() & FLAG_MF) != 0;
    }

    /** @return the fragment offset in 8-byte units. */
    public int fragmentOffset()
    {
        return flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK;
    }

    /** @return true if this packet is a fragment: MF set or a non-zero fragment offset. */
    public boolean isFragment()
    {
        return (flagsAndFragmentOffset() & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl()
    {
        return buffer.getByte(offset + TTL_OFFSET) & 0xff;
    }

    public Ipv4Header ttl(final int ttl)
    {
        mutable().putByte(offset + TTL_OFFSET, (byte)ttl);
        return this;
    }

    public int protocol()
    {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xff;
    }

    public Ipv4Header protocol(final int protocol)
    {
        mutable().putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        return this;
    }

    public int headerChecksum()
    {
        return buffer.getShort(offset + HEADER_CHECKSUM_OFFSET, BE) & 0xffff;
    }

    public Ipv4Header headerChecksum(final int checksum)
    {
        mutable().putShort(offset + HEADER_CHECKSUM_OFFSET, (short)checksum, BE);
        return this;
    }

    /** @return the source address, network order in an int. */
    public int sourceAddress()
    {
        return buffer.getInt(offset + SOURCE_ADDRESS_OFFSET, BE);
    }

    public Ipv4Header sourceAddress(final int address)
    {
        mutable().putInt(offset + SOURCE_ADDRESS_OFFSET, address, BE);
        return this;
    }

    public int destinationAddress()
    {
        return buffer.getInt(offset + DESTINATION_ADDRESS_OFFSET, BE);
    }

    public Ipv4Header destinationAddress(final int address)
    {
        mutable().putInt(offset + DESTINATION_ADDRESS_OFFSET, address, BE);
        return this;
    }

    /** @return true if the header ({@link #headerLength()} bytes) sums to all ones. */
    public boolean isChecksumValid()
    {
        return Checksum.verify(buffer, offset, headerLength());
    }

    /** Zeroes the checksum field, then writes the checksum over {@link #headerLength()} bytes. */
    public Ipv4Header updateChecksum()
    {
        headerChecksum(0);
        return headerChecksum(Checksum.compute(buffer, offset, headerLength()));
    }

}
