package io.synpipe.frag;

import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * One off-heap slab of {@code maxBytes}, cut into blocks of {@link #BLOCK_BYTES}, handed out from a stack of free
 * block numbers. Everything is allocated in the constructor; {@link #allocate()} and {@link #release(int)} are
 * O(1) and allocate nothing.
 * <p>
 * The slab holds {@code floor(maxBytes / BLOCK_BYTES)} blocks, so the bytes in use never exceed {@code maxBytes}.
 */
final class BlockSlab
{
    /** Block size: small enough that a tiny fragment wastes little, large enough that a table entry covers much. */
    static final int BLOCK_BYTES = 256;
    static final int BLOCK_SHIFT = 8;
    static final int BLOCK_MASK = BLOCK_BYTES - 1;

    private final UnsafeBuffer slab;
    private final int[] freeBlocks;
    private final int blockCount;
    private int freeCount;

    BlockSlab(final int maxBytes)
    {
        if (maxBytes < 0)
        {
            throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
        }
        blockCount = maxBytes >>> BLOCK_SHIFT;
        slab = new UnsafeBuffer(ByteBuffer.allocateDirect(blockCount << BLOCK_SHIFT));
        freeBlocks = new int[blockCount];
        for (int i = 0; i < blockCount; i++)
        {
            freeBlocks[i] = blockCount - 1 - i;
        }
        freeCount = blockCount;
    }

    /** @return a free block number; the caller has checked {@link #freeCount()} first. */
    int allocate()
    {
        return freeBlocks[--freeCount];
    }

    void release(final int block)
    {
        freeBlocks[freeCount++] = block;
    }

    int freeCount()
    {
        return freeCount;
    }

    int usedBytes()
    {
        return (blockCount - freeCount) << BLOCK_SHIFT;
    }

    int capacityBytes()
    {
        return blockCount << BLOCK_SHIFT;
    }

    UnsafeBuffer buffer()
    {
        return slab;
    }

    static int blockOffset(final int block)
    {
        return block << BLOCK_SHIFT;
    }
}
