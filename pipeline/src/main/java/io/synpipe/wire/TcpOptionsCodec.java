package io.synpipe.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

import static io.synpipe.wire.TcpOptions.KIND_EOL;
import static io.synpipe.wire.TcpOptions.KIND_MSS;
import static io.synpipe.wire.TcpOptions.KIND_NOP;
import static io.synpipe.wire.TcpOptions.KIND_SACK;
import static io.synpipe.wire.TcpOptions.KIND_SACK_PERMITTED;
import static io.synpipe.wire.TcpOptions.KIND_TIMESTAMPS;
import static io.synpipe.wire.TcpOptions.KIND_WINDOW_SCALE;

/**
 * Reads and writes the TCP options area (RFC 9293 §3.1 and §3.2; MSS RFC 9293 §3.7.1, window scale and
 * timestamps RFC 7323, SACK RFC 2018).
 * <p>
 * Each option is a kind byte; kinds 0 (EOL) and 1 (NOP) are alone, every other kind has a length byte counting
 * kind and length:
 * <pre>
 *   kind  length  meaning
 *   0     -       End of Option List
 *   1     -       No-Operation
 *   2     4       Maximum Segment Size (16 bits)
 *   3     3       Window Scale (shift count, 8 bits)
 *   4     2       SACK-Permitted
 *   5     2+8n    SACK: n blocks of (left edge, right edge), 32 bits each
 *   8     10      Timestamps: TSval, TSecr (32 bits each)
 * </pre>
 * The writer lays options out as Linux does, so that every option starts at the offset Linux uses and the area
 * is a multiple of four bytes without trailing padding:
 * <pre>
 *   MSS                 02 04 mm mm
 *   SACK-Permitted+TS   04 02 08 0a vv vv vv vv ee ee ee ee     (both present)
 *   TS                  01 01 08 0a vv vv vv vv ee ee ee ee     (TS only)
 *   SACK-Permitted      01 01 04 02                             (SACK-Permitted only)
 *   Window Scale        01 03 03 ss
 *   SACK blocks         01 01 05 ll (left right)*n              (as many as fit in 40 bytes)
 * </pre>
 */
public final class TcpOptionsCodec
{
    /** The options area holds at most 40 bytes (data offset 15). */
    public static final int MAX_LENGTH = 40;

    public static final int MSS_LENGTH = 4;
    public static final int WINDOW_SCALE_LENGTH = 3;
    public static final int SACK_PERMITTED_LENGTH = 2;
    public static final int TIMESTAMPS_LENGTH = 10;
    public static final int SACK_BLOCK_LENGTH = 8;
    public static final int SACK_BASE_LENGTH = 2;

    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final int NOP_NOP = 0x0101;
    private static final long LOW_32 = 0xFFFF_FFFFL;

    private TcpOptionsCodec()
    {
    }

    /**
     * Parses the options area {@code buffer[offset, offset + length)} into {@code out} (cleared first).
     * Unknown kinds are skipped by their length; a known kind with the wrong length is ignored; parsing stops at
     * EOL. At most {@link TcpOptions#MAX_SACK_BLOCKS} SACK blocks are kept.
     *
     * @return false if the area is malformed: an option with a length of 0 or 1, or a length (or the length byte
     * itself) running past the end of the area. {@code out} then holds what was parsed before.
     */
    public static boolean parse(final DirectBuffer buffer, final int offset, final int length, final TcpOptions out)
    {
        out.clear();
        final int end = offset + length;
        int i = offset;
        while (i < end)
        {
            final int kind = buffer.getByte(i) & 0xff;
            if (kind == KIND_EOL)
            {
                break;
            }
            if (kind == KIND_NOP)
            {
                i++;
                continue;
            }
            if (i + 1 >= end)
            {
                return false;
            }
            final int optionLength = buffer.getByte(i + 1) & 0xff;
            if (optionLength < 2 || optionLength > end - i)
            {
                return false;
            }
            switch (kind)
            {
                case KIND_MSS ->
                {
                    if (optionLength == MSS_LENGTH)
                    {
                        out.mss(buffer.getShort(i + 2, BE) & 0xffff);
                    }
                }
                case KIND_WINDOW_SCALE ->
                {
                    if (optionLength == WINDOW_SCALE_LENGTH)
                    {
                        out.windowScale(buffer.getByte(i + 2) & 0xff);
                    }
                }
                case KIND_SACK_PERMITTED ->
                {
                    if (optionLength == SACK_PERMITTED_LENGTH)
                    {
                        out.sackPermitted(true);
                    }
                }
                case KIND_TIMESTAMPS ->
                {
                    if (optionLength == TIMESTAMPS_LENGTH)
                    {
                        out.timestamps(buffer.getInt(i + 2, BE), buffer.getInt(i + 6, BE));
                    }
                }
                case KIND_SACK ->
                {
                    final int blockBytes = optionLength - SACK_BASE_LENGTH;
                    if (blockBytes > 0 && (blockBytes & (SACK_BLOCK_LENGTH - 1)) == 0)
                    {
                        for (int b = i + SACK_BASE_LENGTH; b < i + optionLength; b += SACK_BLOCK_LENGTH)
                        {
                            out.addSackBlock(buffer.getInt(b, BE), buffer.getInt(b + 4, BE));
                        }
                    }
                }
                default ->
                {
                    // unknown kind: skipped by its length (RFC 9293 §3.1, "must be prepared to handle")
                }
            }
            i += optionLength;
        }
        return true;
    }

    /** @return the number of bytes {@link #write} writes for {@code options}: a multiple of 4, at most 40. */
    public static int length(final TcpOptions options)
    {
        final int fixed = fixedLength(options);
        final int blocks = sackBlocksThatFit(options, fixed);
        return blocks == 0 ? fixed : fixed + 4 + blocks * SACK_BLOCK_LENGTH;
    }

    /**
     * Writes {@code options} at {@code buffer[offset]} in Linux's order and padding. MSS, window scale and
     * SACK-Permitted are written whenever present (the caller sets them only on SYNs); SACK blocks that do not fit
     * in 40 bytes are left out, the first ones kept.
     *
     * @return the number of bytes written, as {@link #length}.
     */
    public static int write(final TcpOptions options, final MutableDirectBuffer buffer, final int offset)
    {
        writeSummed(options, buffer, offset);
        return length(options);
    }

    /**
     * Writes {@code options} as {@link #write} does, one 32-bit word at a time, and sums the words as it goes, so an
     * encoder need not read the bytes back for the checksum (reading back right after narrower stores would stall
     * on store-to-load forwarding).
     *
     * @return the unfolded one's complement sum of the {@link #length} bytes written ({@link Checksum#sum} of them).
     */
    public static long writeSummed(final TcpOptions options, final MutableDirectBuffer buffer, final int offset)
    {
        long sum = 0;
        int i = offset;
        if (options.mss() != TcpOptions.ABSENT)
        {
            final int word = KIND_MSS << 24 | MSS_LENGTH << 16 | (options.mss() & 0xFFFF);
            buffer.putInt(i, word, BE);
            sum += word & LOW_32;
            i += 4;
        }
        if (options.hasTimestamps())
        {
            final int head = options.sackPermitted() ? KIND_SACK_PERMITTED << 8 | SACK_PERMITTED_LENGTH : NOP_NOP;
            final int word = head << 16 | KIND_TIMESTAMPS << 8 | TIMESTAMPS_LENGTH;
            buffer.putInt(i, word, BE);
            buffer.putInt(i + 4, options.tsVal(), BE);
            buffer.putInt(i + 8, options.tsEcr(), BE);
            sum += (word & LOW_32) + (options.tsVal() & LOW_32) + (options.tsEcr() & LOW_32);
            i += 12;
        }
        else if (options.sackPermitted())
        {
            final int word = NOP_NOP << 16 | KIND_SACK_PERMITTED << 8 | SACK_PERMITTED_LENGTH;
            buffer.putInt(i, word, BE);
            sum += word & LOW_32;
            i += 4;
        }
        if (options.windowScale() != TcpOptions.ABSENT)
        {
            final int word = KIND_NOP << 24 | KIND_WINDOW_SCALE << 16 | WINDOW_SCALE_LENGTH << 8
                | (options.windowScale() & 0xFF);
            buffer.putInt(i, word, BE);
            sum += word & LOW_32;
            i += 4;
        }
        final int blocks = sackBlocksThatFit(options, i - offset);
        if (blocks > 0)
        {
            final int word = NOP_NOP << 16 | KIND_SACK << 8 | (SACK_BASE_LENGTH + blocks * SACK_BLOCK_LENGTH);
            buffer.putInt(i, word, BE);
            sum += word & LOW_32;
            i += 4;
            for (int b = 0; b < blocks; b++)
            {
                buffer.putInt(i, options.sackLeft(b), BE);
                buffer.putInt(i + 4, options.sackRight(b), BE);
                sum += (options.sackLeft(b) & LOW_32) + (options.sackRight(b) & LOW_32);
                i += SACK_BLOCK_LENGTH;
            }
        }
        return sum;
    }

    private static int fixedLength(final TcpOptions options)
    {
        int length = 0;
        if (options.mss() != TcpOptions.ABSENT)
        {
            length += 4;
        }
        if (options.hasTimestamps())
        {
            length += 12;
        }
        else if (options.sackPermitted())
        {
            length += 4;
        }
        if (options.windowScale() != TcpOptions.ABSENT)
        {
            length += 4;
        }
        return length;
    }

    private static int sackBlocksThatFit(final TcpOptions options, final int usedLength)
    {
        final int room = (MAX_LENGTH - usedLength - 4) / SACK_BLOCK_LENGTH;
        return Math.max(0, Math.min(options.sackBlockCount(), room));
    }
}
