package io.synpipe.buffer;

import static io.synpipe.buffer.BufferArena.NO_BLOCK;
import static io.synpipe.buffer.BufferArena.STATE_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.Set;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BufferArenaTest
{
    private static final int SEND_BYTES = 4096;
    private static final int RECEIVE_BYTES = 8192;
    private static final long BLOCK_BYTES = STATE_BYTES + SEND_BYTES + RECEIVE_BYTES;

    private final UnsafeBuffer view = new UnsafeBuffer();
    private BufferArena arena;

    private BufferArena arena(final int maxBlocks)
    {
        arena = new BufferArena(maxBlocks, SEND_BYTES, RECEIVE_BYTES);
        return arena;
    }

    @AfterEach
    void closeArena()
    {
        if (arena != null)
        {
            arena.close();
        }
    }

    @Nested
    class Configuration
    {
        @Test
        void constructor_maxBlocksOutOfRange_throwsNamingValueAndRange()
        {
            assertThatThrownBy(() -> new BufferArena(0, SEND_BYTES, RECEIVE_BYTES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBlocks = 0 is out of range: allowed 1..1048576");
            assertThatThrownBy(() -> new BufferArena((1 << 20) + 1, SEND_BYTES, RECEIVE_BYTES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1048577");
        }

        @Test
        void constructor_bufferSizeNotAllowed_throwsNamingValueAndRange()
        {
            assertThatThrownBy(() -> new BufferArena(1, 6000, RECEIVE_BYTES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sendBufferBytes = 6000 is not allowed: a power of two 4096..1073741824");
            assertThatThrownBy(() -> new BufferArena(1, SEND_BYTES, 2048))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("receiveBufferBytes = 2048 is not allowed: a power of two 4096..1073741824");
            assertThatThrownBy(() -> new BufferArena(1, SEND_BYTES, Integer.MIN_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-2147483648");
        }

        @Test
        void constructor_largestSizes_reservesNothingYet()
        {
            final BufferArena huge = new BufferArena(1 << 20, 1 << 30, 1 << 30);

            assertThat(huge.bytesReserved()).isZero();
            assertThat(huge.blocksPerChunk()).isEqualTo(1);
            assertThat(huge.maxBlocks()).isEqualTo(1 << 20);
            assertThat(huge.sendBufferBytes()).isEqualTo(1 << 30);
            assertThat(huge.receiveBufferBytes()).isEqualTo(1 << 30);
            huge.close();
        }

        @Test
        void blocksPerChunk_smallBlocks_coversAtLeastTargetChunkBytes()
        {
            final int blocksPerChunk = arena(1).blocksPerChunk();

            assertThat(Integer.bitCount(blocksPerChunk)).isEqualTo(1);
            assertThat(blocksPerChunk * BLOCK_BYTES).isGreaterThanOrEqualTo(BufferArena.TARGET_CHUNK_BYTES);
            assertThat(blocksPerChunk / 2 * BLOCK_BYTES).isLessThan(BufferArena.TARGET_CHUNK_BYTES);
        }
    }

    @Nested
    class AllocateAndFree
    {
        @Test
        void allocate_fresh_returnsDistinctBlocksAndCountsThem()
        {
            arena(10);
            final Set<Integer> blocks = new HashSet<>();
            for (int i = 0; i < 10; i++)
            {
                final int block = arena.allocate();
                assertThat(block).isBetween(0, 9);
                assertThat(arena.isAllocated(block)).isTrue();
                blocks.add(block);
            }

            assertThat(blocks).hasSize(10);
            assertThat(arena.blocksInUse()).isEqualTo(10);
        }

        @Test
        void free_thenAllocate_reusesTheLastFreedBlock()
        {
            arena(10);
            final int first = arena.allocate();
            final int second = arena.allocate();
            arena.allocate();

            arena.free(first);
            arena.free(second);

            assertThat(arena.isAllocated(first)).isFalse();
            assertThat(arena.blocksInUse()).isEqualTo(1);
            assertThat(arena.allocate()).isEqualTo(second);
            assertThat(arena.allocate()).isEqualTo(first);
            assertThat(arena.blocksInUse()).isEqualTo(3);
        }

        @Test
        void allocate_allInUse_returnsNoBlockUntilOneIsFreed()
        {
            arena(3);
            final int a = arena.allocate();
            final int b = arena.allocate();
            final int c = arena.allocate();

            assertThat(arena.allocate()).isEqualTo(NO_BLOCK);
            assertThat(arena.allocate()).isEqualTo(NO_BLOCK);
            assertThat(arena.blocksInUse()).isEqualTo(3);

            arena.free(b);
            assertThat(arena.allocate()).isEqualTo(b);
            assertThat(arena.allocate()).isEqualTo(NO_BLOCK);
            assertThat(Set.of(a, b, c)).hasSize(3);
        }

        @Test
        void free_twice_throwsIllegalState()
        {
            arena(4);
            final int block = arena.allocate();
            arena.free(block);

            assertThatThrownBy(() -> arena.free(block))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("block " + block + " is not allocated");
            assertThat(arena.blocksInUse()).isZero();
            assertThat(arena.allocate()).isEqualTo(block);
            assertThat(arena.allocate()).isNotEqualTo(block);
        }

        @Test
        void free_blockNeverAllocatedOrOutOfRange_throwsIllegalState()
        {
            arena(4);
            arena.allocate();

            assertThatThrownBy(() -> arena.free(NO_BLOCK)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> arena.free(1 << 20)).isInstanceOf(IllegalStateException.class);
            // reserved (the chunk holds all 4) but never handed out
            assertThatThrownBy(() -> arena.free(3)).isInstanceOf(IllegalStateException.class);
            assertThat(arena.blocksInUse()).isEqualTo(1);
        }

        @Test
        void wrap_freeBlock_throwsIllegalState()
        {
            arena(4);
            final int block = arena.allocate();
            arena.free(block);

            assertThatThrownBy(() -> arena.wrapState(block, view)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> arena.wrapSendRing(block, view)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> arena.wrapReceiveRing(block, view)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> arena.wrapState(NO_BLOCK, view)).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void allocate_reusedBlock_stateIsZeroed()
        {
            arena(4);
            final int block = arena.allocate();
            arena.wrapState(block, view).setMemory(0, STATE_BYTES, (byte)0xA5);
            arena.free(block);

            assertThat(arena.allocate()).isEqualTo(block);
            arena.wrapState(block, view);
            for (int i = 0; i < STATE_BYTES; i += 8)
            {
                assertThat(view.getLong(i)).as("state byte %d", i).isZero();
            }
        }

        @Test
        void allocate_zeroedState_readsAsEmptyRangeSet()
        {
            arena(4);
            final int block = arena.allocate();
            arena.wrapState(block, view).setMemory(0, STATE_BYTES, (byte)0xFF);
            arena.free(block);
            arena.allocate();

            final SeqRangeSet set = new SeqRangeSet().wrap(arena.wrapState(block, view), 64, 8);

            assertThat(set.count()).isZero();
            assertThat(set.mostRecentIndex()).isEqualTo(-1);
        }
    }

    @Nested
    class Growth
    {
        @Test
        void allocate_growsInWholeChunksUpToMaxBlocks()
        {
            final int perChunk = arena(1).blocksPerChunk();
            arena.close();
            final int maxBlocks = perChunk * 2 + 100;
            arena(maxBlocks);
            assertThat(arena.bytesReserved()).isZero();

            arena.allocate();
            assertThat(arena.bytesReserved()).isEqualTo(perChunk * BLOCK_BYTES);
            for (int i = 1; i < perChunk; i++)
            {
                arena.allocate();
            }
            assertThat(arena.bytesReserved()).isEqualTo(perChunk * BLOCK_BYTES);

            arena.allocate();
            assertThat(arena.bytesReserved()).isEqualTo(2 * perChunk * BLOCK_BYTES);

            while (arena.allocate() != NO_BLOCK)
            {
                // fill the last, partial chunk
            }
            assertThat(arena.blocksInUse()).isEqualTo(maxBlocks);
            assertThat(arena.bytesReserved()).isEqualTo(maxBlocks * BLOCK_BYTES);
        }

        @Test
        void allocate_maxBlocksBelowOneChunk_reservesOnlyMaxBlocks()
        {
            arena(3);
            arena.allocate();

            assertThat(arena.bytesReserved()).isEqualTo(3 * BLOCK_BYTES);
        }

        @Test
        void allocate_freedBlocks_reusedBeforeGrowing()
        {
            arena(1 << 16);
            final int perChunk = arena.blocksPerChunk();
            for (int i = 0; i < perChunk; i++)
            {
                arena.allocate();
            }
            for (int round = 0; round < 1000; round++)
            {
                arena.free(round % perChunk);
                assertThat(arena.allocate()).isEqualTo(round % perChunk);
            }

            assertThat(arena.bytesReserved()).isEqualTo(perChunk * BLOCK_BYTES);
        }
    }

    @Nested
    class Memory
    {
        @Test
        void regions_ofEveryBlockAcrossChunks_areAlignedAndDoNotOverlap()
        {
            final int perChunk = arena(1).blocksPerChunk();
            arena.close();
            final int maxBlocks = perChunk + 37;
            arena(maxBlocks);
            for (int i = 0; i < maxBlocks; i++)
            {
                assertThat(arena.allocate()).isEqualTo(i);
            }

            for (int block = 0; block < maxBlocks; block++)
            {
                fill(arena.wrapState(block, view), STATE_BYTES, block, 0);
                fill(arena.wrapSendRing(block, view), SEND_BYTES, block, 1);
                fill(arena.wrapReceiveRing(block, view), RECEIVE_BYTES, block, 2);
            }
            for (int block = 0; block < maxBlocks; block++)
            {
                verify(arena.wrapState(block, view), STATE_BYTES, block, 0);
                verify(arena.wrapSendRing(block, view), SEND_BYTES, block, 1);
                verify(arena.wrapReceiveRing(block, view), RECEIVE_BYTES, block, 2);
            }
        }

        @Test
        void wrapMethods_returnTheGivenView()
        {
            arena(2);
            final int block = arena.allocate();

            assertThat(arena.wrapState(block, view)).isSameAs(view);
            assertThat(arena.wrapSendRing(block, view)).isSameAs(view);
            assertThat(arena.wrapReceiveRing(block, view)).isSameAs(view);
        }

        @Test
        void allocateFreeWrap_afterTheChunkExists_allocateNothing()
        {
            arena(64);
            final UnsafeBuffer state = new UnsafeBuffer();
            final UnsafeBuffer send = new UnsafeBuffer();
            final UnsafeBuffer receive = new UnsafeBuffer();
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            long sink = churn(state, send, receive, 20_000);

            final long before = threads.getCurrentThreadAllocatedBytes();
            sink += churn(state, send, receive, 20_000);
            final long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - before;

            assertThat(allocatedBytes).isZero();
            assertThat(sink).isNotZero();
        }

        private long churn(
            final UnsafeBuffer state, final UnsafeBuffer send, final UnsafeBuffer receive, final int rounds)
        {
            long sink = 0;
            for (int i = 0; i < rounds; i++)
            {
                final int a = arena.allocate();
                final int b = arena.allocate();
                arena.wrapState(a, state).putLong(0, i);
                arena.wrapSendRing(b, send).putLong(0, i);
                arena.wrapReceiveRing(a, receive).putLong(8, i);
                sink += state.getLong(0) + send.getLong(0) + receive.getLong(8) + arena.blocksInUse();
                arena.free(b);
                arena.free(a);
            }
            return sink;
        }

        private void fill(final UnsafeBuffer region, final int expectedBytes, final int block, final int kind)
        {
            assertThat(region.capacity()).isEqualTo(expectedBytes);
            assertThat(region.addressOffset() & 63).as("alignment of block %d kind %d", block, kind).isZero();
            for (int i = 0; i < expectedBytes; i += 8)
            {
                region.putLong(i, pattern(block, kind, i));
            }
        }

        private void verify(final UnsafeBuffer region, final int bytes, final int block, final int kind)
        {
            for (int i = 0; i < bytes; i += 8)
            {
                final long value = region.getLong(i);
                if (value != pattern(block, kind, i))
                {
                    assertThat(value).as("block %d kind %d offset %d", block, kind, i)
                        .isEqualTo(pattern(block, kind, i));
                }
            }
        }

        private long pattern(final int block, final int kind, final int offset)
        {
            return ((long)block << 40) | ((long)kind << 32) | offset;
        }
    }

    @Nested
    class Close
    {
        @Test
        void close_thenUse_allocateRefusesWrapThrowsFreeIgnored()
        {
            arena(4);
            final int block = arena.allocate();
            arena.close();

            assertThat(arena.allocate()).isEqualTo(NO_BLOCK);
            assertThat(arena.bytesReserved()).isZero();
            assertThat(arena.blocksInUse()).isZero();
            assertThatThrownBy(() -> arena.wrapState(block, view))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
            arena.free(block);
            arena.close();
        }
    }
}
