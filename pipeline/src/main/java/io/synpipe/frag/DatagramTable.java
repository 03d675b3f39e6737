package io.synpipe.frag;

import static io.synpipe.frag.BlockSlab.BLOCK_BYTES;
import static io.synpipe.frag.BlockSlab.BLOCK_MASK;
import static io.synpipe.frag.BlockSlab.BLOCK_SHIFT;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The incomplete datagrams: a fixed number of slots, each with its identity, its reassembly state, a block table
 * into the {@link BlockSlab} and a bitmap of the 8-byte units received. All arrays are sized in the constructor;
 * nothing here allocates afterwards.
 * <p>
 * Each datagram has a <em>virtual space</em> of {@link #VIRTUAL_BYTES}, mapped block by block onto the slab only
 * where bytes arrive. The header (the IPv4 header or the IPv6 unfragmentable part, taken from the offset-0
 * fragment) ends exactly at {@link #HEADER_SPACE_BYTES} and the fragmentable payload starts there, so the
 * finished packet is one contiguous virtual range:
 * <pre>
 *   0                      HEADER_SPACE_BYTES - h    HEADER_SPACE_BYTES                    VIRTUAL_BYTES
 *   |  unused               | header (h bytes)       | payload [0, end)  ...                |
 * </pre>
 * <p>
 * Per-slot state (one entry per slot in each array):
 * <pre>
 *   srcHi, srcLo, dstHi, dstLo, idKey  identity (addresses as in IpAddress; idKey = family, protocol, id)
 *   deadlineNs                         first fragment time + timeout
 *   knownEndBytes                      payload end announced by the final fragment, or -1
 *   highestEndBytes                    highest payload end received so far
 *   receivedUnits                      8-byte units received (fragments never overlap, so this is exact)
 *   headerBytes                        length of the stored header, or -1 until the offset-0 fragment arrives
 *   previousNextHeader                 IPv6: offset in the header of the Next Header byte naming the Fragment header
 *   fragmentNextHeader                 IPv6: Next Header of the offset-0 fragment's Fragment header
 *   highestWord                        highest bitmap word written, so a free clears only what was used
 *   blockTable[TABLE_ENTRIES]          slab block per virtual block, or NONE
 *   bitmap[BITMAP_WORDS]               one bit per 8-byte payload unit
 * </pre>
 * Lookup is an open-addressing index (power-of-two capacity, linear probing, back-shift delete) of slot numbers;
 * the slots also form a doubly-linked list in creation order, oldest first, for expiry.
 */
final class DatagramTable
{
    static final int NONE = -1;
    /** Room for the IPv4 header (at most 60 bytes) or the IPv6 unfragmentable part (RFC 8200 allows ~6 KiB). */
    static final int HEADER_SPACE_BYTES = 16 * 1024;
    static final int PAYLOAD_SPACE_BYTES = 64 * 1024;
    static final int VIRTUAL_BYTES = HEADER_SPACE_BYTES + PAYLOAD_SPACE_BYTES;
    static final int TABLE_ENTRIES = VIRTUAL_BYTES >>> BLOCK_SHIFT;
    static final int UNIT_BYTES = 8;
    static final int BITMAP_WORDS = PAYLOAD_SPACE_BYTES / UNIT_BYTES / Long.SIZE;
    /** Each slot costs about 2.4 KiB of heap (block table and bitmap), so the count is capped. */
    static final int MAX_DATAGRAMS = 1 << 16;

    private final BlockSlab slab;
    private final UnsafeBuffer slabBuffer;
    private final int capacity;

    private final long[] srcHi;
    private final long[] srcLo;
    private final long[] dstHi;
    private final long[] dstLo;
    private final long[] idKey;
    private final int[] hash;

    private final long[] deadlineNs;
    private final int[] knownEndBytes;
    private final int[] highestEndBytes;
    private final int[] receivedUnits;
    private final int[] headerBytes;
    private final int[] previousNextHeader;
    private final int[] fragmentNextHeader;
    private final int[] highestWord;
    private final int[] blockTable;
    private final long[] bitmap;

    private final int[] older;
    private final int[] newer;
    private int oldest = NONE;
    private int newest = NONE;

    private final int[] freeSlots;
    private int freeSlotCount;

    private final int[] index;
    private final int indexMask;
    private int size;

    DatagramTable(final int maxDatagrams, final BlockSlab slab)
    {
        if (maxDatagrams < 0 || maxDatagrams > MAX_DATAGRAMS)
        {
            throw new IllegalArgumentException("maxDatagrams must be in [0, " + MAX_DATAGRAMS + "]: " + maxDatagrams);
        }
        this.slab = slab;
        this.slabBuffer = slab.buffer();
        this.capacity = maxDatagrams;
        srcHi = new long[maxDatagrams];
        srcLo = new long[maxDatagrams];
        dstHi = new long[maxDatagrams];
        dstLo = new long[maxDatagrams];
        idKey = new long[maxDatagrams];
        hash = new int[maxDatagrams];
        deadlineNs = new long[maxDatagrams];
        knownEndBytes = new int[maxDatagrams];
        highestEndBytes = new int[maxDatagrams];
        receivedUnits = new int[maxDatagrams];
        headerBytes = new int[maxDatagrams];
        previousNextHeader = new int[maxDatagrams];
        fragmentNextHeader = new int[maxDatagrams];
        highestWord = new int[maxDatagrams];
        blockTable = new int[maxDatagrams * TABLE_ENTRIES];
        Arrays.fill(blockTable, NONE);
        bitmap = new long[maxDatagrams * BITMAP_WORDS];
        older = new int[maxDatagrams];
        newer = new int[maxDatagrams];
        freeSlots = new int[maxDatagrams];
        for (int i = 0; i < maxDatagrams; i++)
        {
            freeSlots[i] = maxDatagrams - 1 - i;
        }
        freeSlotCount = maxDatagrams;
        final int indexCapacity = Math.max(2, Integer.highestOneBit(Math.max(1, maxDatagrams)) << 2);
        index = new int[indexCapacity];
        Arrays.fill(index, NONE);
        indexMask = indexCapacity - 1;
    }

    int size()
    {
        return size;
    }

    int capacity()
    {
        return capacity;
    }

    /** @return the slot holding this datagram, or {@link #NONE}. */
    int find(final long sHi, final long sLo, final long dHi, final long dLo, final long id)
    {
        final int h = hash(sHi, sLo, dHi, dLo, id);
        final int[] index = this.index;
        final int mask = indexMask;
        for (int i = h & mask; ; i = (i + 1) & mask)
        {
            final int slot = index[i];
            if (slot == NONE)
            {
                return NONE;
            }
            if (hash[slot] == h && idKey[slot] == id && srcLo[slot] == sLo && dstLo[slot] == dLo &&
                srcHi[slot] == sHi && dstHi[slot] == dHi)
            {
                return slot;
            }
        }
    }

    /** @return a new slot for this (absent) datagram, or {@link #NONE} when every slot is in use. */
    int create(final long sHi, final long sLo, final long dHi, final long dLo, final long id, final long deadline)
    {
        if (freeSlotCount == 0)
        {
            return NONE;
        }
        final int slot = freeSlots[--freeSlotCount];
        final int h = hash(sHi, sLo, dHi, dLo, id);
        srcHi[slot] = sHi;
        srcLo[slot] = sLo;
        dstHi[slot] = dHi;
        dstLo[slot] = dLo;
        idKey[slot] = id;
        hash[slot] = h;
        deadlineNs[slot] = deadline;
        knownEndBytes[slot] = -1;
        highestEndBytes[slot] = 0;
        receivedUnits[slot] = 0;
        headerBytes[slot] = -1;
        previousNextHeader[slot] = -1;
        fragmentNextHeader[slot] = -1;
        highestWord[slot] = -1;

        int i = h & indexMask;
        while (index[i] != NONE)
        {
            i = (i + 1) & indexMask;
        }
        index[i] = slot;

        older[slot] = newest;
        newer[slot] = NONE;
        if (newest == NONE)
        {
            oldest = slot;
        }
        else
        {
            newer[newest] = slot;
        }
        newest = slot;
        size++;
        return slot;
    }

    /** Releases the slot's blocks, clears its bitmap, and removes it from the index and the age list. */
    void free(final int slot)
    {
        final int tableBase = slot * TABLE_ENTRIES;
        for (int i = tableBase, end = tableBase + TABLE_ENTRIES; i < end; i++)
        {
            final int block = blockTable[i];
            if (block != NONE)
            {
                slab.release(block);
                blockTable[i] = NONE;
            }
        }
        final int bitmapBase = slot * BITMAP_WORDS;
        for (int w = 0, last = highestWord[slot]; w <= last; w++)
        {
            bitmap[bitmapBase + w] = 0;
        }
        removeFromIndex(slot);

        final int o = older[slot];
        final int n = newer[slot];
        if (o == NONE)
        {
            oldest = n;
        }
        else
        {
            newer[o] = n;
        }
        if (n == NONE)
        {
            newest = o;
        }
        else
        {
            older[n] = o;
        }
        freeSlots[freeSlotCount++] = slot;
        size--;
    }

    /** @return the datagram created first among those still held, or {@link #NONE}. */
    int oldest()
    {
        return oldest;
    }

    long deadlineNs(final int slot)
    {
        return deadlineNs[slot];
    }

    int knownEndBytes(final int slot)
    {
        return knownEndBytes[slot];
    }

    void knownEndBytes(final int slot, final int endBytes)
    {
        knownEndBytes[slot] = endBytes;
    }

    int highestEndBytes(final int slot)
    {
        return highestEndBytes[slot];
    }

    int receivedUnits(final int slot)
    {
        return receivedUnits[slot];
    }

    int headerBytes(final int slot)
    {
        return headerBytes[slot];
    }

    int previousNextHeader(final int slot)
    {
        return previousNextHeader[slot];
    }

    int fragmentNextHeader(final int slot)
    {
        return fragmentNextHeader[slot];
    }

    /** Records the header of the offset-0 fragment (its bytes go in with {@link #copyIn}). */
    void header(final int slot, final int bytes, final int previousNextHeaderInHeader, final int nextHeader)
    {
        headerBytes[slot] = bytes;
        previousNextHeader[slot] = previousNextHeaderInHeader;
        fragmentNextHeader[slot] = nextHeader;
    }

    /** @return whether any 8-byte unit of payload range [startBytes, endBytes) has been received already. */
    boolean overlaps(final int slot, final int startBytes, final int endBytes)
    {
        final int firstUnit = startBytes >>> 3;
        final int lastUnit = (endBytes - 1) >>> 3;
        final int base = slot * BITMAP_WORDS;
        final int firstWord = firstUnit >>> 6;
        final int lastWord = lastUnit >>> 6;
        for (int w = firstWord; w <= lastWord; w++)
        {
            if ((bitmap[base + w] & unitMask(w, firstWord, lastWord, firstUnit, lastUnit)) != 0)
            {
                return true;
            }
        }
        return false;
    }

    /** Marks payload range [startBytes, endBytes) received; the caller has checked it does not overlap. */
    void markReceived(final int slot, final int startBytes, final int endBytes)
    {
        final int firstUnit = startBytes >>> 3;
        final int lastUnit = (endBytes - 1) >>> 3;
        final int base = slot * BITMAP_WORDS;
        final int firstWord = firstUnit >>> 6;
        final int lastWord = lastUnit >>> 6;
        for (int w = firstWord; w <= lastWord; w++)
        {
            bitmap[base + w] |= unitMask(w, firstWord, lastWord, firstUnit, lastUnit);
        }
        receivedUnits[slot] += lastUnit - firstUnit + 1;
        highestEndBytes[slot] = Math.max(highestEndBytes[slot], endBytes);
        highestWord[slot] = Math.max(highestWord[slot], lastWord);
    }

    /** @return how many slab blocks copying into virtual range [virtualStart, virtualEnd) would allocate. */
    int blocksNeeded(final int slot, final int virtualStart, final int virtualEnd)
    {
        final int base = slot * TABLE_ENTRIES;
        int needed = 0;
        for (int b = virtualStart >>> BLOCK_SHIFT, last = (virtualEnd - 1) >>> BLOCK_SHIFT; b <= last; b++)
        {
            if (blockTable[base + b] == NONE)
            {
                needed++;
            }
        }
        return needed;
    }

    /** Copies {@code length} bytes into the virtual space, allocating blocks (the caller checked there are enough). */
    void copyIn(final int slot, final int virtualStart, final DirectBuffer src, final int srcOffset, final int length)
    {
        final int base = slot * TABLE_ENTRIES;
        int virtual = virtualStart;
        int from = srcOffset;
        int remaining = length;
        while (remaining > 0)
        {
            final int entry = base + (virtual >>> BLOCK_SHIFT);
            int block = blockTable[entry];
            if (block == NONE)
            {
                block = slab.allocate();
                blockTable[entry] = block;
            }
            final int within = virtual & BLOCK_MASK;
            final int chunk = Math.min(remaining, BLOCK_BYTES - within);
            slabBuffer.putBytes(BlockSlab.blockOffset(block) + within, src, from, chunk);
            virtual += chunk;
            from += chunk;
            remaining -= chunk;
        }
    }

    /** Copies a fully received virtual range out to {@code dst}. */
    void copyOut(
        final int slot, final int virtualStart, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        final int base = slot * TABLE_ENTRIES;
        int virtual = virtualStart;
        int to = dstOffset;
        int remaining = length;
        while (remaining > 0)
        {
            final int block = blockTable[base + (virtual >>> BLOCK_SHIFT)];
            final int within = virtual & BLOCK_MASK;
            final int chunk = Math.min(remaining, BLOCK_BYTES - within);
            dst.putBytes(to, slabBuffer, BlockSlab.blockOffset(block) + within, chunk);
            virtual += chunk;
            to += chunk;
            remaining -= chunk;
        }
    }

    private static long unitMask(
        final int word, final int firstWord, final int lastWord, final int firstUnit, final int lastUnit)
    {
        long mask = -1L;
        if (word == firstWord)
        {
            mask &= -1L << (firstUnit & 63);
        }
        if (word == lastWord)
        {
            mask &= -1L >>> (63 - (lastUnit & 63));
        }
        return mask;
    }

    private void removeFromIndex(final int slot)
    {
        final int[] index = this.index;
        final int mask = indexMask;
        int hole = hash[slot] & mask;
        while (index[hole] != slot)
        {
            hole = (hole + 1) & mask;
        }
        index[hole] = NONE;
        // Back-shift: pull later entries of the probe chain into the hole unless their home lies in (hole, i].
        for (int i = (hole + 1) & mask; index[i] != NONE; i = (i + 1) & mask)
        {
            final int moved = index[i];
            final int home = hash[moved] & mask;
            if (((i - home) & mask) >= ((i - hole) & mask))
            {
                index[hole] = moved;
                index[i] = NONE;
                hole = i;
            }
        }
    }

    private static int hash(final long sHi, final long sLo, final long dHi, final long dLo, final long id)
    {
        long h = id * 0x9E37_79B9_7F4A_7C15L;
        h = (h ^ sLo) * 0xBF58_476D_1CE4_E5B9L;
        h = (h ^ dLo) * 0x94D0_49BB_1331_11EBL;
        h = (h ^ sHi) * 0x9E37_79B9_7F4A_7C15L;
        h = (h ^ dHi) * 0xBF58_476D_1CE4_E5B9L;
        return (int)(h ^ (h >>> 32));
    }
}
