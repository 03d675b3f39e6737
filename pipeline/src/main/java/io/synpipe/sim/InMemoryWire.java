package io.synpipe.sim;

import io.synpipe.tcp.PacketSink;
import io.synpipe.tcp.TcpEngine;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;

/**
 * Two engines back to back: what side A sends, side B receives and back, with seeded loss, duplication,
 * reordering and delay ({@link WireFaults}). Packets are copied into preallocated slots and delivered in order
 * of their delivery time by {@link #deliver}; nothing is delivered re-entrantly from inside an engine call.
 * No allocation per packet. One thread drives it.
 */
public final class InMemoryWire
{
    private static final int A_TO_B = 0;
    private static final int B_TO_A = 1;

    private final WireFaults faults;
    private final SplittableRandom random;
    private final int slotBytes;
    private final UnsafeBuffer slots;
    private final int[] slotLength;
    private final int[] slotDirection;
    private final long[] slotDeliverNs;
    private final long[] slotOrder;
    private final int[] freeSlots;
    private int freeCount;
    private final int[] heap;
    private int heapSize;
    private long orderCounter;
    private long nowNs;
    private TcpEngine a;
    private TcpEngine b;
    private PacketSink tap;

    private long sent;
    private long delivered;
    private long lost;
    private long duplicated;
    private long reordered;
    private long overflowed;

    private final PacketSink fromA = (buffer, offset, length) -> enqueue(A_TO_B, buffer, offset, length);
    private final PacketSink fromB = (buffer, offset, length) -> enqueue(B_TO_A, buffer, offset, length);

    /**
     * @param faults    what to do to packets.
     * @param capacity  packets in flight at most; more are dropped and counted as overflow.
     * @param slotBytes largest packet carried.
     */
    public InMemoryWire(final WireFaults faults, final int capacity, final int slotBytes)
    {
        if (capacity < 1 || slotBytes < 60)
        {
            throw new IllegalArgumentException(
                "capacity = " + capacity + ", slotBytes = " + slotBytes + ": need capacity >= 1 and slotBytes >= 60");
        }
        this.faults = faults;
        this.random = new SplittableRandom(faults.seed());
        this.slotBytes = slotBytes;
        this.slots = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity * slotBytes, 64));
        this.slotLength = new int[capacity];
        this.slotDirection = new int[capacity];
        this.slotDeliverNs = new long[capacity];
        this.slotOrder = new long[capacity];
        this.freeSlots = new int[capacity];
        this.heap = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeSlots[i] = capacity - 1 - i;
        }
        this.freeCount = capacity;
    }

    public InMemoryWire(final WireFaults faults)
    {
        this(faults, 65_536, 2048);
    }

    /** The sink to give the engine on side A (its packets travel to B). */
    public PacketSink sinkFromA()
    {
        return fromA;
    }

    public PacketSink sinkFromB()
    {
        return fromB;
    }

    public void attach(final TcpEngine sideA, final TcpEngine sideB)
    {
        this.a = sideA;
        this.b = sideB;
    }

    /** Sees every packet as it is sent (before faults), e.g. for a trace. */
    public void tap(final PacketSink tap)
    {
        this.tap = tap;
    }

    /** The wire's idea of now: packets sent from inside engine calls are stamped with it. */
    public void nowNs(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    /**
     * Delivers the packets due at {@code nowNs} that were in flight when the call began, in order; packets the
     * engines send in reply wait for the next call, so every hop sees a fresh clock reading.
     *
     * @return packets delivered.
     */
    public int deliver(final long nowNs)
    {
        this.nowNs = nowNs;
        int count = 0;
        int budget = heapSize;
        while (budget-- > 0 && heapSize > 0 && slotDeliverNs[heap[0]] - nowNs <= 0)
        {
            final int slot = popHeap();
            final TcpEngine to = slotDirection[slot] == A_TO_B ? b : a;
            delivered++;
            count++;
            to.onPacket(slots, slot * slotBytes, slotLength[slot], nowNs);
            freeSlots[freeCount++] = slot;
        }
        return count;
    }

    /** @return when the next packet is due, or {@link Long#MAX_VALUE} if none is in flight. */
    public long nextDeliveryNs()
    {
        return heapSize == 0 ? Long.MAX_VALUE : slotDeliverNs[heap[0]];
    }

    public int inFlight()
    {
        return heapSize;
    }

    public long sent()
    {
        return sent;
    }

    public long delivered()
    {
        return delivered;
    }

    public long lost()
    {
        return lost;
    }

    public long duplicated()
    {
        return duplicated;
    }

    public long reordered()
    {
        return reordered;
    }

    public long overflowed()
    {
        return overflowed;
    }

    public WireFaults faults()
    {
        return faults;
    }

    private void enqueue(final int direction, final DirectBuffer buffer, final int offset, final int length)
    {
        sent++;
        if (tap != null)
        {
            tap.onPacket(buffer, offset, length);
        }
        if (faults.lossRate() > 0 && random.nextDouble() < faults.lossRate())
        {
            lost++;
            return;
        }
        final int copies = faults.duplicateRate() > 0 && random.nextDouble() < faults.duplicateRate() ? 2 : 1;
        if (copies == 2)
        {
            duplicated++;
        }
        for (int i = 0; i < copies; i++)
        {
            long deliverNs = nowNs + faults.delayNs();
            if (faults.reorderRate() > 0 && random.nextDouble() < faults.reorderRate())
            {
                reordered++;
                deliverNs += 1 + (faults.reorderDelayNs() > 0 ? random.nextLong(faults.reorderDelayNs()) : 0);
            }
            put(direction, buffer, offset, length, deliverNs);
        }
    }

    private void put(final int direction, final DirectBuffer buffer, final int offset, final int length, final long deliverNs)
    {
        if (freeCount == 0 || length > slotBytes)
        {
            overflowed++;
            return;
        }
        final int slot = freeSlots[--freeCount];
        slots.putBytes(slot * slotBytes, buffer, offset, length);
        slotLength[slot] = length;
        slotDirection[slot] = direction;
        slotDeliverNs[slot] = deliverNs;
        slotOrder[slot] = orderCounter++;
        pushHeap(slot);
    }

    private boolean before(final int x, final int y)
    {
        final long d = slotDeliverNs[x] - slotDeliverNs[y];
        return d < 0 || (d == 0 && slotOrder[x] < slotOrder[y]);
    }

    private void pushHeap(final int slot)
    {
        int i = heapSize++;
        heap[i] = slot;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!before(heap[i], heap[parent]))
            {
                break;
            }
            final int t = heap[i];
            heap[i] = heap[parent];
            heap[parent] = t;
            i = parent;
        }
    }

    private int popHeap()
    {
        final int top = heap[0];
        heap[0] = heap[--heapSize];
        int i = 0;
        while (true)
        {
            final int left = 2 * i + 1;
            if (left >= heapSize)
            {
                break;
            }
            final int right = left + 1;
            final int child = right < heapSize && before(heap[right], heap[left]) ? right : left;
            if (!before(heap[child], heap[i]))
            {
                break;
            }
            final int t = heap[i];
            heap[i] = heap[child];
            heap[child] = t;
            i = child;
        }
        return top;
    }
}
