package io.synpipe.buffer;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A pool of per-connection data-transfer blocks, off-heap. A block is a STATE region of {@link #STATE_BYTES}
 * (laid out by the engine), a send ring of {@link #sendBufferBytes()} and a receive ring of
 * {@link #receiveBufferBytes()}; a connection holds a block id (an int in its TCB), never a heap object.
 * <p>
 * Memory is reserved lazily, one chunk at a time, up to {@link #maxBlocks()} blocks, and is given back only by
 * {@link #close()}. A chunk holds {@link #blocksPerChunk()} blocks (the last chunk fewer, so that no more than
 * {@code maxBlocks} are ever reserved) as three separate 64-byte aligned direct regions:
 * <pre>
 *  chunk c, k = blocksPerChunk, block b = c * k + i
 *  +---------+---------+-----+-----------+    state of b   = states[c]   + i * STATE_BYTES
 *  | state 0 | state 1 | ... | state k-1 |    send ring    = sends[c]    + i * sendBufferBytes
 *  +---------+---------+-----+-----------+    receive ring = receives[c] + i * receiveBufferBytes
 *  | send ring 0 | send ring 1 | ...     |
 *  +-------------+-------------+---------+    (every size is a power of two >= 512, so every region
 *  | receive ring 0 | receive ring 1 | ...    of every block starts 64-byte aligned)
 *  +----------------+----------------+---+
 * </pre>
 * Three regions rather than one per chunk because a block may exceed 2 GiB (two 1 GiB rings), more than one
 * {@link ByteBuffer} holds; and the states of a chunk sit together, which is kind to the cache since the engine
 * touches a state on every segment but a ring only when it moves data.
 * <p>
 * {@link #allocate()} reuses freed blocks first (last freed first, still warm), then fresh blocks of the newest
 * chunk, then reserves a new chunk; it returns {@link #NO_BLOCK} when {@code maxBlocks} are in use. Once the
 * chunk exists, allocate, free and the {@code wrap*} methods allocate nothing. Freeing a block that is not
 * allocated, and wrapping one, are bugs in the caller and throw {@link IllegalStateException}. One thread owns an
 * arena.
 */
public final class BufferArena implements AutoCloseable
{
    /** Returned by {@link #allocate()} when every block is in use. */
    public static final int NO_BLOCK = -1;
    /** Bytes of the per-connection state region of a block, zeroed by {@link #allocate()}. */
    public static final int STATE_BYTES = 512;
    public static final int MAX_BLOCKS = 1 << 20;
    public static final int MIN_BUFFER_BYTES = 4096;
    public static final int MAX_BUFFER_BYTES = 1 << 30;
    /** A chunk holds enough blocks for at least this many bytes (or one block, if a block is larger). */
    public static final int TARGET_CHUNK_BYTES = 16 << 20;
    public static final int ALIGNMENT = 64;

    private final int maxBlocks;
    private final int sendBufferBytes;
    private final int receiveBufferBytes;
    private final int chunkShift;
    private final int chunkMask;
    private final long[] allocatedBits;
    private final UnsafeBuffer stateZeroer = new UnsafeBuffer();

    private ByteBuffer[] chunkMemory = new ByteBuffer[0];
    private long[] stateAddresses = new long[0];
    private long[] sendAddresses = new long[0];
    private long[] receiveAddresses = new long[0];
    private int chunkCount;
    private int[] freeStack = new int[0];
    private int freeCount;
    private int reservedBlocks;
    private int nextFreshBlock;
    private int blocksInUse;
    private long bytesReserved;
    private boolean closed;

    public BufferArena(final int maxBlocks, final int sendBufferBytes, final int receiveBufferBytes)
    {
        if (maxBlocks < 1 || maxBlocks > MAX_BLOCKS)
        {
            throw new IllegalArgumentException(
                "maxBlocks = " + maxBlocks + " is out of range: allowed 1.." + MAX_BLOCKS);
        }
        checkBufferBytes("sendBufferBytes", sendBufferBytes);
        checkBufferBytes("receiveBufferBytes", receiveBufferBytes);
        this.maxBlocks = maxBlocks;
        this.sendBufferBytes = sendBufferBytes;
        this.receiveBufferBytes = receiveBufferBytes;

        final long blockBytes = (long)STATE_BYTES + sendBufferBytes + receiveBufferBytes;
        final long blocksForTarget = (TARGET_CHUNK_BYTES + blockBytes - 1) / blockBytes;
        // a power of two so that block -> (chunk, index) is a shift and a mask
        this.chunkShift = 64 - Long.numberOfLeadingZeros(blocksForTarget - 1);
        this.chunkMask = (1 << chunkShift) - 1;
        this.allocatedBits = new long[(maxBlocks + 63) >>> 6];
    }

    /**
     * @return a block id whose STATE region is zeroed (the rings hold whatever the last owner left), or
     * {@link #NO_BLOCK} when {@link #maxBlocks()} blocks are in use or the arena is closed.
     */
    public int allocate()
    {
        final int block;
        if (freeCount > 0)
        {
            block = freeStack[--freeCount];
        }
        else if (nextFreshBlock < reservedBlocks)
        {
            block = nextFreshBlock++;
        }
        else if (reservedBlocks < maxBlocks && !closed)
        {
            addChunk();
            block = nextFreshBlock++;
        }
        else
        {
            return NO_BLOCK;
        }
        allocatedBits[block >>> 6] |= 1L << block;
        blocksInUse++;
        stateZeroer.wrap(stateAddress(block), STATE_BYTES);
        stateZeroer.setMemory(0, STATE_BYTES, (byte)0);
        return block;
    }

    /**
     * Gives a block back. After {@link #close()} this does nothing (the memory is gone already).
     *
     * @throws IllegalStateException if the block is not allocated: a double free or a made-up id.
     */
    public void free(final int block)
    {
        if (closed)
        {
            return;
        }
        checkAllocated(block);
        allocatedBits[block >>> 6] &= ~(1L << block);
        freeStack[freeCount++] = block;
        blocksInUse--;
    }

    public boolean isAllocated(final int block)
    {
        return block >= 0 && block < reservedBlocks && (allocatedBits[block >>> 6] & (1L << block)) != 0;
    }

    public int blocksInUse()
    {
        return blocksInUse;
    }

    public int maxBlocks()
    {
        return maxBlocks;
    }

    /** @return blocks in a full chunk, a power of two. */
    public int blocksPerChunk()
    {
        return 1 << chunkShift;
    }

    /** @return bytes of the regions reserved so far (not counting up to 63 bytes of alignment slack per region). */
    public long bytesReserved()
    {
        return bytesReserved;
    }

    public int sendBufferBytes()
    {
        return sendBufferBytes;
    }

    public int receiveBufferBytes()
    {
        return receiveBufferBytes;
    }

    /** Positions {@code view} on the block's {@link #STATE_BYTES} state region. @return {@code view} */
    public UnsafeBuffer wrapState(final int block, final UnsafeBuffer view)
    {
        checkAllocated(block);
        view.wrap(stateAddress(block), STATE_BYTES);
        return view;
    }

    /** Positions {@code view} on the block's send ring of {@link #sendBufferBytes()}. @return {@code view} */
    public UnsafeBuffer wrapSendRing(final int block, final UnsafeBuffer view)
    {
        checkAllocated(block);
        view.wrap(sendAddresses[block >>> chunkShift] + (long)(block & chunkMask) * sendBufferBytes, sendBufferBytes);
        return view;
    }

    /** Positions {@code view} on the block's receive ring of {@link #receiveBufferBytes()}. @return {@code view} */
    public UnsafeBuffer wrapReceiveRing(final int block, final UnsafeBuffer view)
    {
        checkAllocated(block);
        view.wrap(
            receiveAddresses[block >>> chunkShift] + (long)(block & chunkMask) * receiveBufferBytes,
            receiveBufferBytes);
        return view;
    }

    /**
     * Frees all memory at once. Views positioned earlier must not be used afterwards. {@link #allocate()} then
     * returns {@link #NO_BLOCK}, {@link #free(int)} does nothing and the {@code wrap*} methods throw. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final ByteBuffer memory : chunkMemory)
        {
            BufferUtil.free(memory);
        }
        chunkMemory = new ByteBuffer[0];
        stateAddresses = new long[0];
        sendAddresses = new long[0];
        receiveAddresses = new long[0];
        Arrays.fill(allocatedBits, 0);
        chunkCount = 0;
        freeCount = 0;
        reservedBlocks = 0;
        nextFreshBlock = 0;
        blocksInUse = 0;
        bytesReserved = 0;
    }

    private long stateAddress(final int block)
    {
        return stateAddresses[block >>> chunkShift] + (long)(block & chunkMask) * STATE_BYTES;
    }

    private void checkAllocated(final int block)
    {
        if (!isAllocated(block))
        {
            throw new IllegalStateException(closed ?
                "block " + block + ": the arena is closed" :
                "block " + block + " is not allocated (reserved blocks 0.." + (reservedBlocks - 1) + ")");
        }
    }

    private void addChunk()
    {
        final int blocks = Math.min(1 << chunkShift, maxBlocks - reservedBlocks);
        if (chunkCount == stateAddresses.length)
        {
            final int maxChunks = ((maxBlocks - 1) >>> chunkShift) + 1;
            final int newLength = Math.min(maxChunks, Math.max(4, chunkCount * 2));
            stateAddresses = Arrays.copyOf(stateAddresses, newLength);
            sendAddresses = Arrays.copyOf(sendAddresses, newLength);
            receiveAddresses = Arrays.copyOf(receiveAddresses, newLength);
            chunkMemory = Arrays.copyOf(chunkMemory, newLength * 3);
        }
        stateAddresses[chunkCount] = reserve(chunkCount * 3, blocks * STATE_BYTES);
        sendAddresses[chunkCount] = reserve(chunkCount * 3 + 1, blocks * sendBufferBytes);
        receiveAddresses[chunkCount] = reserve(chunkCount * 3 + 2, blocks * receiveBufferBytes);
        chunkCount++;
        reservedBlocks += blocks;
        if (freeStack.length < reservedBlocks)
        {
            freeStack = Arrays.copyOf(freeStack, reservedBlocks);
        }
    }

    /**
     * A zeroed direct region of {@code bytes}, 64-byte aligned. Aligned by hand over a plain direct buffer rather
     * than with {@link BufferUtil#allocateDirectAligned}, whose result is a slice the cleaner refuses to free: this
     * way {@link #close()} returns the memory at once instead of whenever the GC gets to it.
     */
    private long reserve(final int memoryIndex, final int bytes)
    {
        final ByteBuffer memory = ByteBuffer.allocateDirect(bytes + ALIGNMENT - 1);
        chunkMemory[memoryIndex] = memory;
        bytesReserved += bytes;
        final long address = BufferUtil.address(memory);
        return (address + ALIGNMENT - 1) & -ALIGNMENT;
    }

    private static void checkBufferBytes(final String name, final int bytes)
    {
        if (bytes < MIN_BUFFER_BYTES || bytes > MAX_BUFFER_BYTES || Integer.bitCount(bytes) != 1)
        {
            throw new IllegalArgumentException(name + " = " + bytes + " is not allowed: a power of two "
                + MIN_BUFFER_BYTES + ".." + MAX_BUFFER_BYTES);
        }
    }
}
