package io.synpipe.table;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.security.SecureRandom;

/**
 * The connections of one engine, off-heap: TCBs of {@link Tcb#LENGTH} bytes in a slab, found by their 4-tuple
 * through an open-addressing index with linear probing and back-shift deletion (no tombstones). Capacity is fixed
 * at construction; a full table refuses inserts and keeps working.
 * <p>
 * The slab is cut into chunks of {@value #CHUNK_TCBS} TCBs (1 GiB), each one int-addressed buffer, so a table can
 * hold more than the 8 M TCBs one buffer addresses: slot {@code s} lives in chunk {@code s >>> 22} at
 * {@code (s & (2^22 - 1)) * Tcb.LENGTH}. A TCB never straddles two chunks.
 * <p>
 * A connection is named by a handle, {@code (generation << 32) | slot}. A slot's generation is odd while it is
 * live and changes on every insert and remove, so a handle kept past its connection is detected, and
 * {@link #NULL_HANDLE} ({@code 0}) is never a handle. TCBs never move, so handles stay valid while live.
 * <p>
 * Index entry (8 bytes): {@code (hash32 << 32) | (slot + 1)}, 0 = empty; the low 32 bits of the keyed hash
 * both place the entry and filter key comparisons. The TCB keeps its hash ({@link Tcb#keyHash()}) for removal. The hash is keyed with a random seed per table, since the
 * remote side chooses the 4-tuple. One thread owns a table.
 */
public final class ConnectionTable implements AutoCloseable
{
    public static final long NULL_HANDLE = 0;
    /**
     * The most connections: 2^26 (67,108,864), so the index (a power of two of at least twice as many 8-byte
     * entries, 2^27 at most) stays one int-addressed buffer of 1 GiB. The slab would be 16 GiB.
     */
    public static final int MAX_CAPACITY = 1 << 26;
    /** TCBs per slab chunk: 2^22, 1 GiB of 256-byte TCBs. */
    public static final int CHUNK_TCBS = 1 << 22;
    private static final int CHUNK_SHIFT = 22;

    private static final int ENTRY_BYTES = 8;
    private static final long K1 = 0x9E37_79B9_7F4A_7C15L;
    private static final long K2 = 0xC2B2_AE3D_27D4_EB4FL;
    private static final long K3 = 0x1656_67B1_9E37_79F9L;
    private static final long M2 = 0x94D0_49BB_1331_11EBL;
    private static final int NO_MISS = -1;

    private final int capacity;
    private final int mask;
    private final long seed;
    private final UnsafeBuffer[] chunks;
    private final int chunkShift;
    private final int chunkMask;
    private final UnsafeBuffer index;
    private final UnsafeBuffer freeSlots;
    private final Tcb probe = new Tcb();
    private int freeCount;
    private int size;
    /** The last find that missed: where its probe ended ({@link #NO_MISS} once the index changed) and its key. */
    private int missIndex = NO_MISS;
    private int missHash;
    private long missLocalHi;
    private long missLocalLo;
    private long missRemoteHi;
    private long missRemoteLo;
    private long missPorts;
    private boolean closed;

    public ConnectionTable(final int maxConnections)
    {
        this(maxConnections, new SecureRandom().nextLong());
    }

    /** With a fixed hash seed, for tests. */
    public ConnectionTable(final int maxConnections, final long seed)
    {
        this(maxConnections, seed, CHUNK_SHIFT);
    }

    /** With a fixed hash seed and chunks of {@code 2^chunkShift} TCBs: tests cross chunks without gigabytes. */
    ConnectionTable(final int maxConnections, final long seed, final int chunkShift)
    {
        if (maxConnections < 1 || maxConnections > MAX_CAPACITY)
        {
            throw new IllegalArgumentException(
                "maxConnections = " + maxConnections + " is out of range: allowed 1.." + MAX_CAPACITY);
        }
        if (chunkShift < 0 || chunkShift > CHUNK_SHIFT)
        {
            throw new IllegalArgumentException("chunkShift = " + chunkShift + " is out of range: allowed 0.." + CHUNK_SHIFT);
        }
        this.capacity = maxConnections;
        this.seed = seed;
        final int indexSize = Integer.highestOneBit(Math.max(2, maxConnections * 2 - 1)) << 1;
        this.mask = indexSize - 1;
        this.chunkShift = chunkShift;
        this.chunkMask = (1 << chunkShift) - 1;
        final int chunkCount = ((maxConnections - 1) >>> chunkShift) + 1;
        this.chunks = new UnsafeBuffer[chunkCount];
        for (int c = 0; c < chunkCount; c++)
        {
            final int tcbs = Math.min(1 << chunkShift, maxConnections - (c << chunkShift));
            chunks[c] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(tcbs * Tcb.LENGTH, 64));
        }
        this.index = new UnsafeBuffer(BufferUtil.allocateDirectAligned(indexSize * ENTRY_BYTES, 64));
        this.freeSlots = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxConnections * 4, 64));
        for (int i = 0; i < maxConnections; i++)
        {
            chunk(i).putInt(base(i) + Tcb.GENERATION_OFFSET, 2);
            freeSlots.putInt(i * 4, maxConnections - 1 - i);
        }
        this.freeCount = maxConnections;
    }

    public static int slot(final long handle)
    {
        return (int)handle;
    }

    public static int generation(final long handle)
    {
        return (int)(handle >>> 32);
    }

    public int capacity()
    {
        return capacity;
    }

    public int size()
    {
        return size;
    }

    /**
     * @return the handle of the connection with this 4-tuple, or {@link #NULL_HANDLE}. A miss is remembered (key,
     * hash and the empty index entry that ended the probe) so that inserting that key next, as a SYN to a listener
     * or an active open does, neither hashes nor probes again.
     */
    public long find(
        final long localHi, final long localLo, final int localPort,
        final long remoteHi, final long remoteLo, final int remotePort)
    {
        final int hash = hash(localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        final UnsafeBuffer index = this.index;
        final int mask = this.mask;
        int i = hash & mask;
        while (true)
        {
            final long entry = index.getLong(i * ENTRY_BYTES);
            if (entry == 0)
            {
                missIndex = i;
                missHash = hash;
                missLocalHi = localHi;
                missLocalLo = localLo;
                missRemoteHi = remoteHi;
                missRemoteLo = remoteLo;
                missPorts = ports(localPort, remotePort);
                return NULL_HANDLE;
            }
            if ((int)(entry >>> 32) == hash)
            {
                final int slot = (int)entry - 1;
                probe.wrap(chunk(slot), base(slot));
                if (probe.keyEquals(localHi, localLo, localPort, remoteHi, remoteLo, remotePort))
                {
                    return handle(slot, probe.generation());
                }
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Adds a connection; the 4-tuple must not be in the table. The TCB comes zeroed but for its key, its
     * generation, and -1 in its timer ids, listener id and data block.
     *
     * @return its handle, or {@link #NULL_HANDLE} when the table is full.
     */
    public long insert(
        final long localHi, final long localLo, final int localPort,
        final long remoteHi, final long remoteLo, final int remotePort)
    {
        if (freeCount == 0 || closed)
        {
            return NULL_HANDLE;
        }
        final int slot = freeSlots.getInt(--freeCount * 4);
        final UnsafeBuffer slab = chunk(slot);
        final int base = base(slot);
        final int generation = slab.getInt(base + Tcb.GENERATION_OFFSET) + 1;
        slab.setMemory(base, Tcb.LENGTH, (byte)0);
        slab.putInt(base + Tcb.GENERATION_OFFSET, generation);
        slab.putLong(base + Tcb.LOCAL_HI_OFFSET, localHi);
        slab.putLong(base + Tcb.LOCAL_LO_OFFSET, localLo);
        slab.putLong(base + Tcb.REMOTE_HI_OFFSET, remoteHi);
        slab.putLong(base + Tcb.REMOTE_LO_OFFSET, remoteLo);
        slab.putShort(base + Tcb.LOCAL_PORT_OFFSET, (short)localPort);
        slab.putShort(base + Tcb.REMOTE_PORT_OFFSET, (short)remotePort);
        slab.putLong(base + Tcb.RETRANSMIT_TIMER_ID_OFFSET, -1);
        slab.putLong(base + Tcb.CLOSE_TIMER_ID_OFFSET, -1);
        slab.putLong(base + Tcb.KEEPALIVE_TIMER_ID_OFFSET, -1);
        slab.putInt(base + Tcb.LISTENER_ID_OFFSET, -1);
        slab.putInt(base + Tcb.DATA_BLOCK_OFFSET, -1);
        slab.putLong(base + Tcb.DELAYED_ACK_TIMER_ID_OFFSET, -1);
        slab.putLong(base + Tcb.PERSIST_TIMER_ID_OFFSET, -1);

        final int hash;
        int i;
        if (missIndex != NO_MISS && missLocalLo == localLo && missRemoteLo == remoteLo
            && missPorts == ports(localPort, remotePort) && missLocalHi == localHi && missRemoteHi == remoteHi)
        {
            // the last find missed this key and the index has not changed since: its probe ended here
            hash = missHash;
            i = missIndex;
        }
        else
        {
            hash = hash(localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
            i = hash & mask;
            while (index.getLong(i * ENTRY_BYTES) != 0)
            {
                i = (i + 1) & mask;
            }
        }
        missIndex = NO_MISS;
        slab.putInt(base + Tcb.KEY_HASH_OFFSET, hash);
        index.putLong(i * ENTRY_BYTES, ((long)hash << 32) | ((slot + 1) & 0xFFFF_FFFFL));
        size++;
        return handle(slot, generation);
    }

    /** Removes a live connection. @return false for a stale or null handle. */
    public boolean remove(final long handle)
    {
        if (!isLive(handle))
        {
            return false;
        }
        final int slot = slot(handle);
        final UnsafeBuffer slab = chunk(slot);
        final int base = base(slot);
        final int hash = slab.getInt(base + Tcb.KEY_HASH_OFFSET);
        int i = hash & mask;
        while ((int)index.getLong(i * ENTRY_BYTES) != slot + 1)
        {
            i = (i + 1) & mask;
        }
        deleteAt(i);
        missIndex = NO_MISS;
        slab.putInt(base + Tcb.GENERATION_OFFSET, generation(handle) + 1);
        freeSlots.putInt(freeCount++ * 4, slot);
        size--;
        return true;
    }

    public boolean isLive(final long handle)
    {
        final int slot = slot(handle);
        if (slot < 0 || slot >= capacity || handle == NULL_HANDLE)
        {
            return false;
        }
        final int generation = chunk(slot).getInt(base(slot) + Tcb.GENERATION_OFFSET);
        return (generation & 1) == 1 && generation == generation(handle);
    }

    /** Positions {@code tcb} on the connection's TCB; the handle must be live. */
    public Tcb wrap(final long handle, final Tcb tcb)
    {
        final int slot = slot(handle);
        return tcb.wrap(chunk(slot), base(slot));
    }

    /** @return the handle of the live connection in {@code slot}, or {@link #NULL_HANDLE}: iteration without allocation. */
    public long handleAtSlot(final int slot)
    {
        if (slot < 0 || slot >= capacity)
        {
            return NULL_HANDLE;
        }
        final int generation = chunk(slot).getInt(base(slot) + Tcb.GENERATION_OFFSET);
        return (generation & 1) == 1 ? handle(slot, generation) : NULL_HANDLE;
    }

    @Override
    public void close()
    {
        closed = true;
    }

    /** The slab chunk that holds {@code slot}'s TCB. */
    private UnsafeBuffer chunk(final int slot)
    {
        return chunks[slot >>> chunkShift];
    }

    /** Where {@code slot}'s TCB starts in its chunk. */
    private int base(final int slot)
    {
        return (slot & chunkMask) * Tcb.LENGTH;
    }

    private static long handle(final int slot, final int generation)
    {
        return ((long)generation << 32) | (slot & 0xFFFF_FFFFL);
    }

    /** Back-shift deletion (Knuth 6.4 Algorithm R): move later entries of the run into the hole. */
    private void deleteAt(final int start)
    {
        int hole = start;
        int i = start;
        while (true)
        {
            i = (i + 1) & mask;
            final long entry = index.getLong(i * ENTRY_BYTES);
            if (entry == 0)
            {
                break;
            }
            final int home = (int)(entry >>> 32) & mask;
            // the entry may fill the hole unless its home lies cyclically in (hole, i]
            final boolean homeInRange = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!homeInRange)
            {
                index.putLong(hole * ENTRY_BYTES, entry);
                hole = i;
            }
        }
        index.putLong(hole * ENTRY_BYTES, 0);
    }

    /**
     * Keyed with the table's seed, since the remote side chooses the 4-tuple: three independent multiplications
     * (they run in parallel) and one xor-shift-multiply finalizer, so every input bit reaches the low bits that
     * place the entry.
     */
    private int hash(
        final long localHi, final long localLo, final int localPort,
        final long remoteHi, final long remoteLo, final int remotePort)
    {
        final long ports = ports(localPort, remotePort);
        long h = (localLo ^ seed) * K1
            + (remoteLo ^ Long.rotateLeft(seed, 32)) * K2
            + (localHi ^ Long.rotateLeft(remoteHi, 29) ^ ports << 32 ^ ports) * K3;
        h = (h ^ (h >>> 32)) * M2;
        h ^= h >>> 29;
        return (int)h ^ (int)(h >>> 32);
    }

    private static long ports(final int localPort, final int remotePort)
    {
        return (long)localPort << 16 | remotePort;
    }
}
