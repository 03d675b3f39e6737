package io.synpipe.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * What every header flyweight shares: the wrapped region of a buffer and write access to it when the buffer is
 * mutable. Subclasses add one offset constant and one accessor pair per field of their header.
 */
abstract class HeaderFlyweight
{
    static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    DirectBuffer buffer;
    MutableDirectBuffer mutableBuffer;
    int offset;
    int length;

    /** Positions the flyweight; the setters work only if {@code buffer} is a {@link MutableDirectBuffer}. */
    final void wrapRegion(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        this.length = length;
    }

    public final DirectBuffer buffer()
    {
        return buffer;
    }

    public final int offset()
    {
        return offset;
    }

    /** @return the length of the wrapped region (the whole packet or segment, usually), not the header length. */
    public final int length()
    {
        return length;
    }

    final MutableDirectBuffer mutable()
    {
        if (mutableBuffer == null)
        {
            throw new IllegalStateException("header wrapped a read-only buffer: " + buffer);
        }
        return mutableBuffer;
    }
}
