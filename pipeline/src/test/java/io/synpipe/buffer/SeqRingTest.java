package io.synpipe.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class SeqRingTest
{
    private static final int CAPACITY = 4096;
    private static final byte JUNK = (byte)0x5A;

    private final UnsafeBuffer ring = new UnsafeBuffer(filled(CAPACITY, JUNK));

    /** The byte a stream carries at sequence number {@code seq}: a function of seq, so any read can be checked. */
    private static byte streamByte(final int seq)
    {
        return (byte)(((seq ^ (seq >>> 13)) * 0x9E37_79B1) >>> 24);
    }

    private static UnsafeBuffer stream(final int seq, final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = streamByte(seq + i);
        }
        return new UnsafeBuffer(bytes);
    }

    private static byte[] filled(final int length, final byte value)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }

    @Test
    void write_acrossTheRingEnd_splitsAtCapacity()
    {
        final int seq = 0x1000_0000 + 4000;
        final UnsafeBuffer src = stream(seq, 200);

        SeqRing.write(ring, seq, src, 0, 200);

        assertThat(ring.getByte(3999)).isEqualTo(JUNK);
        for (int i = 0; i < 96; i++)
        {
            assertThat(ring.getByte(4000 + i)).isEqualTo(src.getByte(i));
        }
        for (int i = 0; i < 104; i++)
        {
            assertThat(ring.getByte(i)).isEqualTo(src.getByte(96 + i));
        }
        assertThat(ring.getByte(104)).isEqualTo(JUNK);
    }

    @Test
    void read_acrossTheRingEnd_returnsBytesInSequenceOrder()
    {
        final int seq = 0x7FFF_FFFF - 20;
        SeqRing.write(ring, seq, stream(seq, 100), 0, 100);
        final UnsafeBuffer dst = new UnsafeBuffer(filled(120, JUNK));

        SeqRing.read(ring, seq, dst, 10, 100);

        assertThat(dst.getByte(9)).isEqualTo(JUNK);
        for (int i = 0; i < 100; i++)
        {
            assertThat(dst.getByte(10 + i)).as("byte %d", i).isEqualTo(streamByte(seq + i));
        }
        assertThat(dst.getByte(110)).isEqualTo(JUNK);
    }

    @Test
    void write_acrossTheSequenceWrap_byteZeroLandsAtOffsetZero()
    {
        final int seq = -100;
        final UnsafeBuffer src = stream(seq, 300);

        SeqRing.write(ring, seq, src, 0, 300);

        assertThat(SeqRing.offsetOf(ring, seq)).isEqualTo(CAPACITY - 100);
        assertThat(ring.getByte(0)).isEqualTo(streamByte(0));
        assertThat(ring.getByte(CAPACITY - 1)).isEqualTo(streamByte(-1));
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[150]);
        SeqRing.read(ring, -50, dst, 0, 150);
        for (int i = 0; i < 150; i++)
        {
            assertThat(dst.getByte(i)).isEqualTo(streamByte(-50 + i));
        }
    }

    @Test
    void write_wholeCapacityFromMidRing_roundTrips()
    {
        final int seq = 0xFFFF_F800 + 1;
        SeqRing.write(ring, seq, stream(seq, CAPACITY), 0, CAPACITY);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[CAPACITY]);

        SeqRing.read(ring, seq, dst, 0, CAPACITY);

        assertThat(dst.byteArray()).isEqualTo(stream(seq, CAPACITY).byteArray());
    }

    @Test
    void offsetOfAndContiguousBytes_nearTheEnd_countToTheRingEnd()
    {
        assertThat(SeqRing.offsetOf(ring, -1)).isEqualTo(CAPACITY - 1);
        assertThat(SeqRing.offsetOf(ring, CAPACITY * 7 + 5)).isEqualTo(5);
        assertThat(SeqRing.contiguousBytes(ring, -1, 10)).isEqualTo(1);
        assertThat(SeqRing.contiguousBytes(ring, 0, 10)).isEqualTo(10);
        assertThat(SeqRing.contiguousBytes(ring, 0, CAPACITY)).isEqualTo(CAPACITY);
        assertThat(SeqRing.contiguousBytes(ring, 100, CAPACITY)).isEqualTo(CAPACITY - 100);
        assertThat(SeqRing.contiguousBytes(ring, 100, 0)).isZero();
    }

    @Test
    void write_moreThanCapacityOrNegative_throws()
    {
        final UnsafeBuffer src = new UnsafeBuffer(new byte[CAPACITY + 1]);

        assertThatThrownBy(() -> SeqRing.write(ring, 0, src, 0, CAPACITY + 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("length = 4097 is out of range: allowed 0..4096");
        assertThatThrownBy(() -> SeqRing.read(ring, 0, src, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void write_ringNotPowerOfTwo_throws()
    {
        final UnsafeBuffer odd = new UnsafeBuffer(new byte[3000]);

        assertThatThrownBy(() -> SeqRing.write(odd, 0, stream(0, 10), 0, 10))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("3000");
    }

    @Test
    void write_arenaSendRing_acrossItsEnd_leavesNeighbouringRingsAlone()
    {
        try (BufferArena arena = new BufferArena(3, CAPACITY, CAPACITY))
        {
            final int a = arena.allocate();
            final int b = arena.allocate();
            final int c = arena.allocate();
            final UnsafeBuffer view = new UnsafeBuffer();
            arena.wrapSendRing(a, view).setMemory(0, CAPACITY, JUNK);
            arena.wrapSendRing(c, view).setMemory(0, CAPACITY, JUNK);
            final int seq = -10;

            SeqRing.write(arena.wrapSendRing(b, view), seq, stream(seq, 1000), 0, 1000);

            final UnsafeBuffer dst = new UnsafeBuffer(new byte[1000]);
            SeqRing.read(arena.wrapSendRing(b, view), seq, dst, 0, 1000);
            assertThat(dst.byteArray()).isEqualTo(stream(seq, 1000).byteArray());
            assertThat(arena.wrapSendRing(a, view).getByte(CAPACITY - 1)).isEqualTo(JUNK);
            assertThat(arena.wrapSendRing(c, view).getByte(0)).isEqualTo(JUNK);
        }
    }

    /**
     * A stream written in random pieces from just below the 2^32 wrap, several laps of the ring: any run of the
     * last {@code capacity} bytes written reads back as the stream.
     */
    @Property(tries = 200)
    void writeRead_randomPiecesOverSeveralLaps_lastCapacityBytesReadBack(
        @ForAll final long seed, @ForAll @IntRange(min = 12, max = 14) final int capacityShift)
    {
        final Random random = new Random(seed);
        final int capacity = 1 << capacityShift;
        final UnsafeBuffer target = new UnsafeBuffer(new byte[capacity]);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[capacity]);
        final int startSeq = -(2 * capacity) - random.nextInt(capacity);
        int nextSeq = startSeq;
        while (nextSeq - startSeq < 5 * capacity)
        {
            final int length = random.nextInt(10) == 0 ? capacity : random.nextInt(capacity / 3 + 1);
            SeqRing.write(target, nextSeq, stream(nextSeq, length), 0, length);
            nextSeq += length;

            final int held = Math.min(nextSeq - startSeq, capacity);
            final int readLength = random.nextInt(held + 1);
            final int readSeq = nextSeq - held + random.nextInt(held - readLength + 1);
            SeqRing.read(target, readSeq, dst, 0, readLength);
            for (int i = 0; i < readLength; i++)
            {
                if (dst.getByte(i) != streamByte(readSeq + i))
                {
                    assertThat(dst.getByte(i)).as("seq %d", Integer.toUnsignedLong(readSeq + i))
                        .isEqualTo(streamByte(readSeq + i));
                }
            }
            final int contiguous = SeqRing.contiguousBytes(target, readSeq, readLength);
            final int offset = SeqRing.offsetOf(target, readSeq);
            assertThat(offset + contiguous).isLessThanOrEqualTo(capacity);
            assertThat(contiguous == readLength || offset + contiguous == capacity).isTrue();
        }
    }
}
