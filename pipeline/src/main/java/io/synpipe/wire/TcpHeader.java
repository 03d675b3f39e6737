package io.synpipe.wire;

import org.agrona.DirectBuffer;


/**
 * Flyweight over a TCP header (RFC 9293 §3.1):
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Source Port          |       Destination Port        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Sequence Number                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Acknowledgment Number                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Data |       |C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *   |       |       |R|E|G|K|H|T|N|N|                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Checksum            |         Urgent Pointer        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                           [Options]                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               :
 *   :                             Data                              :
 *   :                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The data offset counts 32-bit words (5..15); the control bits are the whole byte at {@link #FLAGS_OFFSET} with
 * the values {@link Segment#FIN} .. {@link Segment#CWR}. Big-endian throughout. The caller checks the region
 * holds {@link #MIN_LENGTH} bytes (and {@link #headerLength()}) before reading.
 */
public final class TcpHeader extends HeaderFlyweight
{
    public static final int MIN_LENGTH = 20;
    public static final int MAX_LENGTH = 60;
    public static final int MAX_OPTIONS_LENGTH = MAX_LENGTH - MIN_LENGTH;
    public static final int MIN_DATA_OFFSET = 5;

    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_NUMBER_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_NUMBER_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;

    public static final int FIN = Segment.FIN;
    public static final int SYN = Segment.SYN;
    public static final int RST = Segment.RST;
    public static final int PSH = Segment.PSH;
    public static final int ACK = Segment.ACK;
    public static final int URG = Segment.URG;
    public static final int ECE = Segment.ECE;
    public static final int CWR = Segment.CWR;


    /**
     * Wraps a segment (header and data); the setters work only if {@code buffer} is a {@link org.agrona.MutableDirectBuffer}.
     */
    public TcpHeader wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapRegion(buffer, offset, length);
        return this;
    }

    public int sourcePort()
    {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET, BE) & 0xffff;
    }

    public TcpHeader sourcePort(final int port)
    {
        mutable().putShort(offset + SOURCE_PORT_OFFSET, (short)port, BE);
        return this;
    }

    public int destinationPort()
    {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET, BE) & 0xffff;
    }

    public TcpHeader destinationPort(final int port)
    {
        mutable().putShort(offset + DESTINATION_PORT_OFFSET, (short)port, BE);
        return this;
    }

    /** @return the raw 32-bit sequence number. */
    public int sequenceNumber()
    {
        return buffer.getInt(offset + SEQUENCE_NUMBER_OFFSET, BE);
    }

    public TcpHeader sequenceNumber(final int seq)
    {
        mutable().putInt(offset + SEQUENCE_NUMBER_OFFSET, seq, BE);
        return this;
    }

    public int acknowledgmentNumber()
    {
        return buffer.getInt(offset + ACKNOWLEDGMENT_NUMBER_OFFSET, BE);
    }

    public TcpHeader acknowledgmentNumber(final int ack)
    {
        mutable().putInt(offset + ACKNOWLEDGMENT_NUMBER_OFFSET, ack, BE);
        return this;
    }

    /** @return the data offset in 32-bit words. */
    public int dataOffset()
    {
        return (buffer.getByte(offset + DATA_OFFSET_OFFSET) & 0xff) >>> 4;
    }

    /** Sets the data offset in 32-bit words; the four reserved bits are written as zero. */
    public TcpHeader dataOffset(final int words)
    {
        mutable().putByte(offset + DATA_OFFSET_OFFSET, (byte)(words << 4));
        return this;
    }

    /** @return the header length in bytes, {@code dataOffset() * 4}. */
    public int headerLength()
    {
        return dataOffset() << 2;
    }

    /** @return the four reserved bits after the data offset (zero when sent, RFC 9293 §3.1). */
    public int reserved()
    {
        return buffer.getByte(offset + DATA_OFFSET_OFFSET) & 0x0f;
    }

    /** @return the eight control bits, {@link #FIN} .. {@link #CWR}. */
    public int flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xff;
    }

    public TcpHeader flags(final int flags)
    {
        mutable().putByte(offset + FLAGS_OFFSET, (byte)flags);
        return this;
    }

    public boolean has(final int flag)
    {
        return (flags() & flag) != 0;
    }

    /** @return the raw 16-bit window field (not scaled). */
    public int window()
    {
        return buffer.getShort(offset + WINDOW_OFFSET, BE) & 0xffff;
    }

    public TcpHeader window(final int window)
    {
        mutable().putShort(offset + WINDOW_OFFSET, (short)window, BE);
        return this;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, BE) & 0xffff;
    }

    public TcpHeader checksum(final int checksum)
    {
        mutable().putShort(offset + CHECKSUM_OFFSET, (short)checksum, BE);
        return this;
    }

    public int urgentPointer()
    {
        return buffer.getShort(offset + URGENT_POINTER_OFFSET, BE) & 0xffff;
    }

    public TcpHeader urgentPointer(final int urgentPointer)
    {
        mutable().putShort(offset + URGENT_POINTER_OFFSET, (short)urgentPointer, BE);
        return this;
    }

    /** @return the length of the options area, {@code headerLength() - 20}. */
    public int optionsLength()
    {
        return headerLength() - MIN_LENGTH;
    }

    public int optionsOffset()
    {
        return offset + OPTIONS_OFFSET;
    }

    /** @return the absolute offset of the data in {@link #buffer()}. */
    public int payloadOffset()
    {
        return offset + headerLength();
    }

    /** @return the data length: the wrapped length minus the header length. */
    public int payloadLength()
    {
        return length - headerLength();
    }

    /** @return true if the wrapped segment sums with the pseudo-header sum to all ones. */
    public boolean isChecksumValid(final long pseudoHeaderSum)
    {
        return Checksum.verify(buffer, offset, length, pseudoHeaderSum);
    }

    /** Zeroes the checksum field, then writes the checksum over the wrapped length and the pseudo-header sum. */
    public TcpHeader updateChecksum(final long pseudoHeaderSum)
    {
        checksum(0);
        return checksum(Checksum.finish(Checksum.sum(buffer, offset, length, pseudoHeaderSum)));
    }

}
