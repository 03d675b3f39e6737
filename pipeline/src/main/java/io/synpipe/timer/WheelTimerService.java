package io.synpipe.timer;

import java.util.Arrays;

/**
 * {@link TimerService} as a hashed timing wheel with intrusive lists: O(1) schedule and cancel, and a poll whose
 * cost is the timers it fires plus the few not yet due that share their sub-tick, however many timers are
 * scheduled. Expiry is exact (a timer fires at the first poll at or after its deadline, never before), tick by
 * tick in deadline order even after a clock jump of many turns.
 * <p>
 * Two levels. The wheel has {@code ticksPerWheel} spokes of {@code tickResolutionNs}; a spoke holds, unsorted, the
 * timers of its tick in this turn and in later turns. When a tick becomes the current one, its timers of this
 * turn move to the sub-wheel: {@value #SUB_TICKS} sub-ticks that split the current tick, so a poll walks only the
 * current sub-tick's list (to fire what is due in it), never the whole tick. Timers scheduled into the current
 * tick, or in the past, go straight to the sub-wheel (past ones into the current sub-tick: they fire on the next
 * poll).
 * <p>
 * Timers are nodes in parallel arrays (deadline, payload, id, next, prev, list), linked into circular
 * doubly-linked lists whose sentinels are the first nodes: one per spoke, one per sub-tick, one for the expired
 * batch. The arrays grow by doubling when every node is in use (the only allocation, amortized). Ids are
 * {@code (sequence << 30) | node}: a node is reused, an id is not (until the 33-bit sequence wraps), so
 * cancelling a fired timer's id can never cancel a later timer. A poll first moves the due timers to the expired
 * list, then hands them to the handler one by one, so handlers may schedule and cancel freely, including timers of
 * the same batch not yet handed out.
 */
public final class WheelTimerService implements TimerService
{
    /** Default tick: 2^20 ns, about 1.05 ms. */
    public static final long DEFAULT_TICK_RESOLUTION_NS = 1L << 20;
    /** Default spokes: 1024 ticks, about 1.07 s per turn; later deadlines wait for their turn. */
    public static final int DEFAULT_TICKS_PER_WHEEL = 1024;
    /** Sub-ticks per tick (fewer if the tick has fewer nanoseconds). */
    public static final int SUB_TICKS = 256;

    private static final int NODE_BITS = 30;
    private static final long NODE_MASK = (1L << NODE_BITS) - 1;
    private static final long SEQUENCE_MASK = (1L << (63 - NODE_BITS)) - 1;
    private static final int NIL = -1;

    private final long startNs;
    private final int tickShift;
    private final int spokeMask;
    private final int subBits;
    private final int subShift;
    private final int subMask;
    /** First sentinel of the sub-ticks; the spokes' sentinels are 0 .. ticksPerWheel - 1. */
    private final int subBase;
    /** Sentinel of the expired list: collected, not yet handed to the handler. */
    private final int expired;
    private final int firstTimerNode;

    /** Per node: deadline relative to {@link #startNs}. */
    private long[] deadlineRel;
    private long[] payloads;
    /** Per node: the id of the timer in it, or {@link #NULL_TIMER} for a free node or a sentinel. */
    private long[] ids;
    private int[] next;
    private int[] prev;
    /** Per node: the sentinel of the list it is in. */
    private int[] listOf;

    private int freeHead = NIL;
    private long nextSequence;
    /** The tick being worked through, counted from {@link #startNs}; the sub-wheel holds its timers. */
    private long currentTick;
    /** The first sub-tick of the current tick not yet fully expired (global sub-tick count). */
    private long currentSub;
    /** Timers on the spokes and the sub-wheel. */
    private int wheelCount;
    /** Timers on the sub-wheel. */
    private int subCount;
    /** Timers in the expired list. */
    private int pendingCount;

    /**
     * @param startNs          the clock's value now.
     * @param expectedTimers   how many timers are expected at once (sizes the node arrays, which grow if needed).
     */
    public WheelTimerService(final long startNs, final int expectedTimers)
    {
        this(startNs, expectedTimers, DEFAULT_TICK_RESOLUTION_NS, DEFAULT_TICKS_PER_WHEEL);
    }

    public WheelTimerService(
        final long startNs, final int expectedTimers, final long tickResolutionNs, final int ticksPerWheel)
    {
        if (expectedTimers < 1)
        {
            throw new IllegalArgumentException("expectedTimers = " + expectedTimers + ": must be >= 1");
        }
        if (tickResolutionNs < 1 || Long.bitCount(tickResolutionNs) != 1)
        {
            throw new IllegalArgumentException("tickResolutionNs = " + tickResolutionNs + ": must be a power of two");
        }
        if (ticksPerWheel < 2 || Integer.bitCount(ticksPerWheel) != 1 || ticksPerWheel > 1 << 20)
        {
            throw new IllegalArgumentException(
                "ticksPerWheel = " + ticksPerWheel + ": must be a power of two in 2..2^20");
        }
        this.startNs = startNs;
        this.tickShift = Long.numberOfTrailingZeros(tickResolutionNs);
        this.spokeMask = ticksPerWheel - 1;
        this.subBits = Math.min(Integer.numberOfTrailingZeros(SUB_TICKS), tickShift);
        this.subShift = tickShift - subBits;
        this.subMask = (1 << subBits) - 1;
        this.subBase = ticksPerWheel;
        this.expired = subBase + (1 << subBits);
        this.firstTimerNode = expired + 1;
        final int capacity = firstTimerNode + Math.min(Math.max(16, expectedTimers), (int)NODE_MASK - firstTimerNode);
        this.deadlineRel = new long[0];
        this.payloads = new long[0];
        this.ids = new long[0];
        this.next = new int[0];
        this.prev = new int[0];
        this.listOf = new int[0];
        grow(capacity);
        for (int sentinel = 0; sentinel <= expired; sentinel++)
        {
            next[sentinel] = sentinel;
            prev[sentinel] = sentinel;
            listOf[sentinel] = sentinel;
        }
    }

    @Override
    public long schedule(final long deadlineNs, final long payload)
    {
        if (freeHead == NIL)
        {
            grow(Math.min(2 * ids.length, (int)NODE_MASK + 1));
        }
        final int node = freeHead;
        freeHead = next[node];
        final long rel = relative(deadlineNs);
        final long id = (nextSequence++ & SEQUENCE_MASK) << NODE_BITS | node;
        deadlineRel[node] = rel;
        payloads[node] = payload;
        ids[node] = id;
        place(node, rel);
        wheelCount++;
        return id;
    }

    @Override
    public boolean cancel(final long timerId)
    {
        if (timerId < 0 || (timerId & NODE_MASK) >= ids.length)
        {
            return false;
        }
        final int node = (int)(timerId & NODE_MASK);
        if (ids[node] != timerId)
        {
            return false;
        }
        final int list = listOf[node];
        unlink(node);
        if (list == expired)
        {
            // collected in this poll, not yet handed to the handler
            pendingCount--;
        }
        else
        {
            wheelCount--;
            if (list >= subBase)
            {
                subCount--;
            }
        }
        free(node);
        return true;
    }

    @Override
    public int poll(final long nowNs, final TimerHandler handler, final int limit)
    {
        if (next[expired] == expired)
        {
            // otherwise a handler threw last time: hand out the rest of that batch first
            collect(relative(nowNs), limit);
        }
        int fired = 0;
        while (fired < limit)
        {
            final int node = next[expired];
            if (node == expired)
            {
                break;
            }
            final long id = ids[node];
            final long payload = payloads[node];
            unlink(node);
            free(node);
            pendingCount--;
            fired++;
            handler.onTimer(id, payload, nowNs);
        }
        return fired;
    }

    @Override
    public int scheduledCount()
    {
        return wheelCount + pendingCount;
    }

    /** Moves up to {@code max} timers due at {@code nowRel} to the expired list, tick by tick, sub-tick by sub-tick. */
    private void collect(final long nowRel, final int max)
    {
        if (wheelCount == 0)
        {
            // nothing scheduled: jump straight to now
            if (nowRel >> subShift > currentSub)
            {
                currentTick = nowRel >> tickShift;
                currentSub = nowRel >> subShift;
            }
            return;
        }
        int collected = 0;
        while (collected < max)
        {
            final int sentinel = subBase + (int)(currentSub & subMask);
            final long subEndRel = (currentSub + 1) << subShift;
            if (subEndRel - 1 > nowRel)
            {
                // the sub-tick holding now: only what is due in it
                int node = next[sentinel];
                while (node != sentinel && collected < max)
                {
                    final int following = next[node];
                    if (deadlineRel[node] <= nowRel)
                    {
                        expire(node);
                        collected++;
                    }
                    node = following;
                }
                return;
            }
            // the whole sub-tick is due
            while (collected < max && next[sentinel] != sentinel)
            {
                expire(next[sentinel]);
                collected++;
            }
            if (next[sentinel] != sentinel)
            {
                return;
            }
            currentSub++;
            if (subCount == 0 || (currentSub & subMask) == 0)
            {
                enterNextTick();
                if (wheelCount == 0)
                {
                    return;
                }
            }
        }
    }

    /** The sub-wheel is empty: the next tick becomes current and its timers of this turn move to the sub-wheel. */
    private void enterNextTick()
    {
        currentTick++;
        currentSub = currentTick << subBits;
        final int spoke = (int)(currentTick & spokeMask);
        int node = next[spoke];
        while (node != spoke)
        {
            final int following = next[node];
            final long rel = deadlineRel[node];
            if (rel >> tickShift <= currentTick)
            {
                unlink(node);
                linkLast(subBase + (int)((rel >> subShift) & subMask), node);
                subCount++;
            }
            node = following;
        }
    }

    private void expire(final int node)
    {
        unlink(node);
        linkLast(expired, node);
        wheelCount--;
        subCount--;
        pendingCount++;
    }

    /** Links a new timer into its spoke, or into the sub-wheel if it is due in the current tick or earlier. */
    private void place(final int node, final long rel)
    {
        final long tick = rel >> tickShift;
        if (tick > currentTick)
        {
            linkLast((int)(tick & spokeMask), node);
        }
        else
        {
            final long sub = Math.max(rel >> subShift, currentSub);
            linkLast(subBase + (int)(sub & subMask), node);
            subCount++;
        }
    }

    /** The deadline as nanoseconds after {@link #startNs}, saturated (a deadline before the start is due). */
    private long relative(final long deadlineNs)
    {
        if (deadlineNs < startNs)
        {
            return -1;
        }
        final long rel = deadlineNs - startNs;
        return rel < 0 ? Long.MAX_VALUE : rel;
    }

    private void linkLast(final int sentinel, final int node)
    {
        final int last = prev[sentinel];
        next[last] = node;
        prev[node] = last;
        next[node] = sentinel;
        prev[sentinel] = node;
        listOf[node] = sentinel;
    }

    private void unlink(final int node)
    {
        final int before = prev[node];
        final int after = next[node];
        next[before] = after;
        prev[after] = before;
    }

    private void free(final int node)
    {
        ids[node] = NULL_TIMER;
        listOf[node] = NIL;
        next[node] = freeHead;
        freeHead = node;
    }

    private void grow(final int length)
    {
        final int oldLength = ids.length;
        if (length <= oldLength)
        {
            throw new IllegalStateException("timer wheel full: " + oldLength + " nodes");
        }
        deadlineRel = Arrays.copyOf(deadlineRel, length);
        payloads = Arrays.copyOf(payloads, length);
        ids = Arrays.copyOf(ids, length);
        next = Arrays.copyOf(next, length);
        prev = Arrays.copyOf(prev, length);
        listOf = Arrays.copyOf(listOf, length);
        Arrays.fill(ids, oldLength, length, NULL_TIMER);
        // new nodes join the free list, lowest index first
        for (int node = length - 1; node >= Math.max(oldLength, firstTimerNode); node--)
        {
            listOf[node] = NIL;
            next[node] = freeHead;
            freeHead = node;
        }
    }
}
