package io.synpipe.wire;

/**
 * The TCP options synpipe understands (RFC 9293 §3.1, RFC 7323, RFC 2018), as a reusable mutable value:
 * filled by the decoder from a received header, or set by the engine before encoding.
 * Absent numeric options are {@link #ABSENT}.
 */
public final class TcpOptions
{
    public static final int ABSENT = -1;
    public static final int MAX_SACK_BLOCKS = 4;

    public static final int KIND_EOL = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WINDOW_SCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMPS = 8;

    private int mss = ABSENT;
    private int windowScale = ABSENT;
    private boolean sackPermitted;
    private boolean timestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlockCount;
    private final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    private final int[] sackRight = new int[MAX_SACK_BLOCKS];

    public TcpOptions clear()
    {
        mss = ABSENT;
        windowScale = ABSENT;
        sackPermitted = false;
        timestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        return this;
    }

    public int mss()
    {
        return mss;
    }

    public TcpOptions mss(final int mss)
    {
        this.mss = mss;
        return this;
    }

    /** @return the shift count as sent (0..255 on the wire; RFC 7323 §2.3 caps its use at 14), or ABSENT. */
    public int windowScale()
    {
        return windowScale;
    }

    public TcpOptions windowScale(final int shift)
    {
        this.windowScale = shift;
        return this;
    }

    public boolean sackPermitted()
    {
        return sackPermitted;
    }

    public TcpOptions sackPermitted(final boolean sackPermitted)
    {
        this.sackPermitted = sackPermitted;
        return this;
    }

    public boolean hasTimestamps()
    {
        return timestamps;
    }

    public int tsVal()
    {
        return tsVal;
    }

    public int tsEcr()
    {
        return tsEcr;
    }

    public TcpOptions timestamps(final int tsVal, final int tsEcr)
    {
        this.timestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    public TcpOptions noTimestamps()
    {
        this.timestamps = false;
        return this;
    }

    public int sackBlockCount()
    {
        return sackBlockCount;
    }

    public int sackLeft(final int i)
    {
        return sackLeft[i];
    }

    public int sackRight(final int i)
    {
        return sackRight[i];
    }

    /** Adds a SACK block; blocks past {@link #MAX_SACK_BLOCKS} are ignored. */
    public TcpOptions addSackBlock(final int left, final int right)
    {
        if (sackBlockCount < MAX_SACK_BLOCKS)
        {
            sackLeft[sackBlockCount] = left;
            sackRight[sackBlockCount] = right;
            sackBlockCount++;
        }
        return this;
    }

    public TcpOptions clearSackBlocks()
    {
        sackBlockCount = 0;
        return this;
    }

    public TcpOptions copyFrom(final TcpOptions other)
    {
        mss = other.mss;
        windowScale = other.windowScale;
        sackPermitted = other.sackPermitted;
        timestamps = other.timestamps;
        tsVal = other.tsVal;
        tsEcr = other.tsEcr;
        sackBlockCount = other.sackBlockCount;
        System.arraycopy(other.sackLeft, 0, sackLeft, 0, MAX_SACK_BLOCKS);
        System.arraycopy(other.sackRight, 0, sackRight, 0, MAX_SACK_BLOCKS);
        return this;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("[");
        if (mss != ABSENT)
        {
            sb.append("mss=").append(mss).append(' ');
        }
        if (windowScale != ABSENT)
        {
            sb.append("ws=").append(windowScale).append(' ');
        }
        if (sackPermitted)
        {
            sb.append("sackOK ");
        }
        if (timestamps)
        {
            sb.append("ts=").append(Integer.toUnsignedString(tsVal)).append('/').append(Integer.toUnsignedString(tsEcr)).append(' ');
        }
        for (int i = 0; i < sackBlockCount; i++)
        {
            sb.append("sack=").append(Integer.toUnsignedString(sackLeft[i])).append('-')
                .append(Integer.toUnsignedString(sackRight[i])).append(' ');
        }
        if (sb.length() > 1)
        {
            sb.setLength(sb.length() - 1);
        }
        return sb.append(']').toString();
    }
}
