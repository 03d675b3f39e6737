package io.synpipe.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SeqRangeSetTest
{
    /** Every test works just below the 2^32 wrap: {@code B + 1000} is sequence number 0. */
    private static final int B = -1000;
    private static final int REGION_OFFSET = 16;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[REGION_OFFSET + SeqRangeSet.bytesFor(64) + 16]);
    private final SeqRangeSet set = new SeqRangeSet();

    private SeqRangeSet set(final int maxRanges)
    {
        return set.wrap(buffer, REGION_OFFSET, maxRanges).clear();
    }

    /** @return the ranges as offsets from {@link #B}: {s0, e0, s1, e1, ...} */
    private static int[] ranges(final SeqRangeSet set)
    {
        final int[] offsets = new int[set.count() * 2];
        for (int i = 0; i < set.count(); i++)
        {
            offsets[2 * i] = set.start(i) - B;
            offsets[2 * i + 1] = set.end(i) - B;
        }
        return offsets;
    }

    @Nested
    class Layout
    {
        @Test
        void bytesFor_countsHeaderAndPairs()
        {
            assertThat(SeqRangeSet.bytesFor(1)).isEqualTo(16);
            assertThat(SeqRangeSet.bytesFor(4)).isEqualTo(40);
        }

        @Test
        void add_writesCountMostRecentAndPairsAtTheirOffsets()
        {
            buffer.setMemory(0, buffer.capacity(), (byte)0x77);
            set(4).add(B + 100, B + 200);
            set.add(B + 10, B + 20);

            assertThat(buffer.getInt(REGION_OFFSET + SeqRangeSet.COUNT_OFFSET)).isEqualTo(2);
            assertThat(buffer.getInt(REGION_OFFSET + SeqRangeSet.MOST_RECENT_OFFSET)).isEqualTo(0);
            assertThat(buffer.getInt(REGION_OFFSET + 8)).isEqualTo(B + 10);
            assertThat(buffer.getInt(REGION_OFFSET + 12)).isEqualTo(B + 20);
            assertThat(buffer.getInt(REGION_OFFSET + 16)).isEqualTo(B + 100);
            assertThat(buffer.getInt(REGION_OFFSET + 20)).isEqualTo(B + 200);
            assertThat(buffer.getInt(REGION_OFFSET + 24)).isEqualTo(0x7777_7777);
            assertThat(buffer.getInt(REGION_OFFSET - 4)).isEqualTo(0x7777_7777);
        }

        @Test
        void wrap_zeroedMemory_isAnEmptySet()
        {
            buffer.setMemory(0, buffer.capacity(), (byte)0);
            set.wrap(buffer, REGION_OFFSET, 4);

            assertThat(set.count()).isZero();
            assertThat(set.isEmpty()).isTrue();
            assertThat(set.mostRecentIndex()).isEqualTo(-1);
            assertThat(set.contains(0)).isFalse();
            assertThat(set.advance(B)).isEqualTo(B);
            assertThat(set.add(B, B + 1)).isTrue();
            assertThat(ranges(set)).containsExactly(0, 1);
        }

        @Test
        void wrap_badMaxRangesOrRegion_throws()
        {
            assertThatThrownBy(() -> set.wrap(buffer, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRanges = 0");
            assertThatThrownBy(() -> set.wrap(buffer, buffer.capacity() - 8, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset = ");
        }

        @Test
        void startAndEnd_indexNotHeld_throw()
        {
            set(4).add(B, B + 10);

            assertThatThrownBy(() -> set.start(1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> set.end(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Nested
    class Add
    {
        @Test
        void add_disjointAcrossTheWrap_keptSortedInSequenceSpace()
        {
            set(8);
            assertThat(set.add(B + 1500, B + 1600)).isTrue();
            assertThat(set.add(B + 100, B + 200)).isTrue();
            assertThat(set.add(B + 900, B + 1100)).isTrue();

            assertThat(ranges(set)).containsExactly(100, 200, 900, 1100, 1500, 1600);
            assertThat(set.start(2)).isEqualTo(500);
            assertThat(set.end(1)).isEqualTo(100);
            assertThat(set.mostRecentIndex()).isEqualTo(1);
            assertThat(set.coveredBytes()).isEqualTo(400);
        }

        @Test
        void add_touchingOnEitherSide_merges()
        {
            set(8).add(B + 10, B + 20);

            set.add(B + 20, B + 30);
            assertThat(ranges(set)).containsExactly(10, 30);
            set.add(B, B + 10);
            assertThat(ranges(set)).containsExactly(0, 30);
            assertThat(set.mostRecentIndex()).isZero();
        }

        @Test
        void add_bridgingSeveralRanges_mergesThemIntoOne()
        {
            set(8);
            set.add(B + 10, B + 20);
            set.add(B + 30, B + 40);
            set.add(B + 50, B + 60);
            set.add(B + 70, B + 80);

            set.add(B + 15, B + 55);

            assertThat(ranges(set)).containsExactly(10, 60, 70, 80);
            assertThat(set.mostRecentIndex()).isZero();
        }

        @Test
        void add_coveringEverything_leavesOneRange()
        {
            set(8);
            set.add(B + 10, B + 20);
            set.add(B + 30, B + 40);

            set.add(B, B + 2000);

            assertThat(ranges(set)).containsExactly(0, 2000);
        }

        @Test
        void add_duplicateInsideARange_changesNothingButMostRecent()
        {
            set(8);
            set.add(B + 10, B + 20);
            set.add(B + 30, B + 40);
            assertThat(set.mostRecentIndex()).isEqualTo(1);

            assertThat(set.add(B + 12, B + 18)).isTrue();

            assertThat(ranges(set)).containsExactly(10, 20, 30, 40);
            assertThat(set.mostRecentIndex()).isZero();
        }

        @Test
        void add_emptyOrReversedRange_changesNothing()
        {
            set(8).add(B + 10, B + 20);

            assertThat(set.add(B + 50, B + 50)).isTrue();
            assertThat(set.add(B + 60, B + 55)).isTrue();

            assertThat(ranges(set)).containsExactly(10, 20);
            assertThat(set.mostRecentIndex()).isZero();
        }

        @Test
        void add_fullAndNewRangeHighest_refusesAndChangesNothing()
        {
            set(3);
            set.add(B + 10, B + 20);
            set.add(B + 50, B + 60);
            set.add(B + 30, B + 40);

            assertThat(set.add(B + 70, B + 80)).isFalse();

            assertThat(ranges(set)).containsExactly(10, 20, 30, 40, 50, 60);
            assertThat(set.mostRecentIndex()).isEqualTo(1);
        }

        @Test
        void add_fullAndNewRangeLower_dropsTheHighestRange()
        {
            set(3);
            set.add(B + 10, B + 20);
            set.add(B + 30, B + 40);
            set.add(B + 50, B + 60);

            assertThat(set.add(B + 22, B + 25)).isTrue();

            assertThat(ranges(set)).containsExactly(10, 20, 22, 25, 30, 40);
            assertThat(set.mostRecentIndex()).isEqualTo(1);
        }

        @Test
        void add_fullButMerging_dropsNothing()
        {
            set(2);
            set.add(B + 10, B + 20);
            set.add(B + 30, B + 40);

            assertThat(set.add(B + 40, B + 45)).isTrue();

            assertThat(ranges(set)).containsExactly(10, 20, 30, 45);
            assertThat(set.mostRecentIndex()).isEqualTo(1);
        }

        @Test
        void add_singleRangeSetFull_keepsTheLowerRange()
        {
            set(1).add(B + 30, B + 40);

            assertThat(set.add(B + 50, B + 60)).isFalse();
            assertThat(set.add(B + 10, B + 20)).isTrue();

            assertThat(ranges(set)).containsExactly(10, 20);
        }
    }

    @Nested
    class AdvanceAndRemoveBelow
    {
        @Test
        void advance_gapBeforeFirstRange_returnsSeqAndKeepsRanges()
        {
            set(8).add(B + 10, B + 20);

            assertThat(set.advance(B)).isEqualTo(B);

            assertThat(ranges(set)).containsExactly(10, 20);
        }

        @Test
        void advance_gapFilled_returnsEndOfTheRangeAndRemovesIt()
        {
            set(8);
            set.add(B + 10, B + 20);
            set.add(B + 30, B + 40);

            assertThat(set.advance(B + 10)).isEqualTo(B + 20);
            assertThat(ranges(set)).containsExactly(30, 40);
            assertThat(set.advance(B + 25)).isEqualTo(B + 25);
            assertThat(set.advance(B + 30)).isEqualTo(B + 40);
            assertThat(set.count()).isZero();
        }

        @Test
        void advance_seqInsideARangeAcrossTheWrap_returnsItsEnd()
        {
            set(8).add(B + 990, B + 1010);

            final int rcvNxt = set.advance(B + 995);

            assertThat(rcvNxt).isEqualTo(10);
            assertThat(set.isEmpty()).isTrue();
            assertThat(set.mostRecentIndex()).isEqualTo(-1);
        }

        @Test
        void advance_seqJustPastARange_returnsSeqAndDropsTheRange()
        {
            set(8);
            set.add(B + 10, B + 20);
            set.add(B + 30, B + 40);

            assertThat(set.advance(B + 20)).isEqualTo(B + 20);

            assertThat(ranges(set)).containsExactly(30, 40);
        }

        @Test
        void removeBelow_acrossARange_trimsIt()
        {
            set(8);
            set.add(B + 10, B + 20);
            set.add(B + 30, B + 40);

            set.removeBelow(B + 15);
            assertThat(ranges(set)).containsExactly(15, 20, 30, 40);
            set.removeBelow(B + 20);
            assertThat(ranges(set)).containsExactly(30, 40);
            set.removeBelow(B + 5);
            assertThat(ranges(set)).containsExactly(30, 40);
            set.removeBelow(B + 100);
            assertThat(set.count()).isZero();
        }

        @Test
        void removeBelow_mostRecentShiftsOrGoes()
        {
            set(8);
            set.add(B + 10, B + 20);
            set.add(B + 50, B + 60);
            set.add(B + 30, B + 40);
            assertThat(set.mostRecentIndex()).isEqualTo(1);

            set.removeBelow(B + 35);
            assertThat(set.mostRecentIndex()).isZero();
            assertThat(ranges(set)).containsExactly(35, 40, 50, 60);

            set.removeBelow(B + 40);
            assertThat(set.mostRecentIndex()).isEqualTo(-1);
            assertThat(set.count()).isEqualTo(1);
        }

        @Test
        void contains_atTheBounds_isHalfOpen()
        {
            set(8);
            set.add(B + 10, B + 20);
            set.add(B + 995, B + 1005);

            assertThat(set.contains(B + 9)).isFalse();
            assertThat(set.contains(B + 10)).isTrue();
            assertThat(set.contains(B + 19)).isTrue();
            assertThat(set.contains(B + 20)).isFalse();
            assertThat(set.contains(-1)).isTrue();
            assertThat(set.contains(0)).isTrue();
            assertThat(set.contains(5)).isFalse();
        }
    }

    /**
     * Random adds, advances and trims from just below the 2^32 wrap, checked after every step against a bit-per-
     * sequence-number model: the same ranges, return values, coverage and most recent range.
     */
    @Property(tries = 150)
    void randomOperations_matchABitSetModel(
        @ForAll final long seed, @ForAll @IntRange(min = 1, max = 12) final int maxRanges)
    {
        final Random random = new Random(seed);
        final int window = 1 + random.nextInt(2048);
        final BitSet model = new BitSet();
        int recentEnd = -1;
        set(maxRanges);

        for (int step = 0; step < 300; step++)
        {
            final int op = random.nextInt(10);
            final String what;
            if (op < 7)
            {
                final int start = random.nextInt(window);
                final int length = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(Math.max(1, window / 8));
                what = "add [" + start + ", " + (start + length) + ")";
                final BitSet union = (BitSet)model.clone();
                union.set(start, start + length);
                final List<int[]> runs = runs(union);
                if (runs.size() > maxRanges)
                {
                    final int[] last = runs.get(runs.size() - 1);
                    union.clear(last[0], last[1]);
                }
                final boolean kept = length == 0 || union.get(start, start + length).cardinality() == length;

                assertThat(set.add(B + start, B + start + length)).as(what).isEqualTo(kept);
                if (kept)
                {
                    model.clear();
                    model.or(union);
                    if (length > 0)
                    {
                        recentEnd = model.nextClearBit(start);
                    }
                }
            }
            else if (op < 9)
            {
                final int seq = random.nextInt(window + 10);
                what = "advance " + seq;
                final int expected = model.get(seq) ? model.nextClearBit(seq) : seq;
                model.clear(0, expected);

                assertThat(set.advance(B + seq)).as(what).isEqualTo(B + expected);
            }
            else
            {
                final int seq = random.nextInt(window + 10);
                what = "removeBelow " + seq;
                model.clear(0, seq);

                set.removeBelow(B + seq);
            }
            if (recentEnd >= 0 && !model.get(recentEnd - 1))
            {
                recentEnd = -1;
            }
            assertMatches(model, recentEnd, window, random, what + " at step " + step);
        }
    }

    private void assertMatches(
        final BitSet model, final int recentEnd, final int window, final Random random, final String context)
    {
        final List<int[]> runs = runs(model);
        final int[] expected = new int[runs.size() * 2];
        int expectedRecent = -1;
        for (int i = 0; i < runs.size(); i++)
        {
            expected[2 * i] = runs.get(i)[0];
            expected[2 * i + 1] = runs.get(i)[1];
            if (runs.get(i)[1] == recentEnd)
            {
                expectedRecent = i;
            }
        }
        assertThat(ranges(set)).as(context).containsExactly(expected);
        assertThat(set.coveredBytes()).as(context).isEqualTo(model.cardinality());
        assertThat(set.mostRecentIndex()).as(context + " most recent").isEqualTo(expectedRecent);
        for (int probe = 0; probe < 8; probe++)
        {
            final int offset = random.nextInt(window + 2);
            assertThat(set.contains(B + offset)).as(context + " contains " + offset).isEqualTo(model.get(offset));
        }
    }

    private static List<int[]> runs(final BitSet bits)
    {
        final List<int[]> runs = new ArrayList<>();
        for (int start = bits.nextSetBit(0); start >= 0; start = bits.nextSetBit(start))
        {
            final int end = bits.nextClearBit(start);
            runs.add(new int[] {start, end});
            start = end;
        }
        return runs;
    }
}
