package io.synpipe.timer;

import org.agrona.DeadlineTimerWheel;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * {@link TimerService} over Agrona's {@link DeadlineTimerWheel}: O(1) schedule and cancel, expiry at tick
 * granularity (never before the deadline), tick by tick in deadline order even after a clock jump of many turns.
 * <p>
 * The wheel reuses a slot as soon as its timer expires or is cancelled, so its own ids are reused too. The ids
 * handed out here are {@code (sequence << 30) | place}, where place is the timer's slot on the wheel: never reused
 * (until the 33-bit sequence wraps), so cancelling a fired timer's id can never cancel a later timer. Id and
 * payload live in arrays indexed by place. Expired timers are collected first, moved out of their place, and handed
 * to the handler after the wheel is done, so handlers may schedule (even into the place just vacated) and cancel
 * freely, including timers of the same batch not yet handed out.
 */
public final class AgronaTimerService implements TimerService
{
    /** Default tick: 2^20 ns, about 1.05 ms. */
    public static final long DEFAULT_TICK_RESOLUTION_NS = 1L << 20;
    /** Default spokes: 1024 ticks, about 1.07 s per turn; later deadlines wait for their turn. */
    public static final int DEFAULT_TICKS_PER_WHEEL = 1024;

    /** A place is {@code slot << spokeBits | spoke}; the wheel holds at most 2^30 slots, so it fits in 30 bits. */
    private static final int PLACE_BITS = 30;
    private static final long PLACE_MASK = (1L << PLACE_BITS) - 1;
    private static final long SEQUENCE_MASK = (1L << (63 - PLACE_BITS)) - 1;
    /** The wheel marks a free slot with {@link DeadlineTimerWheel#NULL_DEADLINE}, so no deadline may equal it. */
    private static final long MAX_DEADLINE_NS = DeadlineTimerWheel.NULL_DEADLINE - 1;
    private static final int NOT_PENDING = -1;

    private final DeadlineTimerWheel wheel;
    private final int spokeBits;
    private final int spokeMask;
    /** Per place: id of the timer scheduled there, or {@link #NULL_TIMER}. */
    private long[] idByPlace;
    private long[] payloadByPlace;
    /** Per place: index in the expired arrays of the collected, not yet dispatched timer from there. */
    private int[] pendingByPlace;
    private final long[] expiredIds;
    private final long[] expiredPayloads;
    private int expiredCount;
    private int dispatchIndex;
    private long nextSequence;
    private int liveCount;
    private int pendingCount;
    private final DeadlineTimerWheel.TimerHandler collector = this::collect;

    /**
     * @param startNs          the clock's value now.
     * @param expectedTimers   how many timers are expected at once (sizes the wheel, which grows if needed).
     */
    public AgronaTimerService(final long startNs, final int expectedTimers)
    {
        this(startNs, expectedTimers, DEFAULT_TICK_RESOLUTION_NS, DEFAULT_TICKS_PER_WHEEL);
    }

    public AgronaTimerService(
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
        if (ticksPerWheel < 2 || Integer.bitCount(ticksPerWheel) != 1)
        {
            throw new IllegalArgumentException("ticksPerWheel = " + ticksPerWheel + ": must be a power of two >= 2");
        }
        final int perTick = Math.max(16, Integer.highestOneBit(Math.max(1, expectedTimers / ticksPerWheel)) << 1);
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, startNs, tickResolutionNs, ticksPerWheel, perTick);
        this.spokeBits = Integer.numberOfTrailingZeros(ticksPerWheel);
        this.spokeMask = ticksPerWheel - 1;
        this.idByPlace = new long[0];
        this.payloadByPlace = new long[0];
        this.pendingByPlace = new int[0];
        ensurePlace(ticksPerWheel * perTick - 1);
        this.expiredIds = new long[1 << 16];
        this.expiredPayloads = new long[1 << 16];
    }

    @Override
    public long schedule(final long deadlineNs, final long payload)
    {
        final long wheelId = wheel.scheduleTimer(Math.min(deadlineNs, MAX_DEADLINE_NS));
        final int place = (int)wheelId << spokeBits | (int)(wheelId >>> 32);
        ensurePlace(place);
        final long id = (nextSequence++ & SEQUENCE_MASK) << PLACE_BITS | place;
        idByPlace[place] = id;
        payloadByPlace[place] = payload;
        liveCount++;
        return id;
    }

    @Override
    public boolean cancel(final long timerId)
    {
        if (timerId < 0 || (timerId & PLACE_MASK) >= idByPlace.length)
        {
            return false;
        }
        final int place = (int)(timerId & PLACE_MASK);
        if (idByPlace[place] == timerId)
        {
            wheel.cancelTimer((long)(place & spokeMask) << 32 | place >>> spokeBits);
            idByPlace[place] = NULL_TIMER;
            liveCount--;
            return true;
        }
        final int pending = pendingByPlace[place];
        if (pending != NOT_PENDING && expiredIds[pending] == timerId)
        {
            // collected in this poll, not yet handed to the handler
            expiredIds[pending] = NULL_TIMER;
            pendingByPlace[place] = NOT_PENDING;
            pendingCount--;
            return true;
        }
        return false;
    }

    @Override
    public int poll(final long nowNs, final TimerHandler handler, final int limit)
    {
        if (dispatchIndex == expiredCount)
        {
            // otherwise a handler threw last time: hand out the rest of that batch first
            dispatchIndex = 0;
            expiredCount = 0;
            collectExpired(nowNs, Math.min(limit, expiredIds.length));
        }
        int fired = 0;
        while (dispatchIndex < expiredCount && fired < limit)
        {
            final int index = dispatchIndex++;
            final long id = expiredIds[index];
            if (id != NULL_TIMER)
            {
                pendingByPlace[(int)(id & PLACE_MASK)] = NOT_PENDING;
                pendingCount--;
                fired++;
                handler.onTimer(id, expiredPayloads[index], nowNs);
            }
        }
        return fired;
    }

    @Override
    public int scheduledCount()
    {
        return liveCount + pendingCount;
    }

    private void collectExpired(final long nowNs, final int max)
    {
        while (expiredCount < max)
        {
            if (wheel.timerCount() == 0)
            {
                if (nowNs - wheel.currentTickTime() >= 0)
                {
                    // nothing scheduled: jump straight to the tick that holds now
                    final long ticks = (nowNs - wheel.startTime()) / wheel.tickResolution();
                    wheel.currentTickTime(wheel.startTime() + ticks * wheel.tickResolution());
                }
                break;
            }
            // one tick at a time: a spoke holds timers of later turns too, which must not overtake earlier ticks
            final long tickEndNs = wheel.currentTickTime();
            final long pollNs = nowNs - tickEndNs < 0 ? nowNs : tickEndNs;
            final int found = wheel.poll(pollNs, collector, max - expiredCount);
            if (found == 0 && wheel.currentTickTime() == tickEndNs)
            {
                break;
            }
        }
    }

    private boolean collect(final TimeUnit timeUnit, final long nowNs, final long wheelId)
    {
        final int place = (int)wheelId << spokeBits | (int)(wheelId >>> 32);
        final int index = expiredCount++;
        expiredIds[index] = idByPlace[place];
        expiredPayloads[index] = payloadByPlace[place];
        idByPlace[place] = NULL_TIMER;
        pendingByPlace[place] = index;
        liveCount--;
        pendingCount++;
        return true;
    }

    private void ensurePlace(final int place)
    {
        final int oldLength = idByPlace.length;
        if (place < oldLength)
        {
            return;
        }
        int length = Math.max(16, oldLength);
        while (length <= place)
        {
            length <<= 1;
        }
        idByPlace = Arrays.copyOf(idByPlace, length);
        payloadByPlace = Arrays.copyOf(payloadByPlace, length);
        pendingByPlace = Arrays.copyOf(pendingByPlace, length);
        Arrays.fill(idByPlace, oldLength, length, NULL_TIMER);
        Arrays.fill(pendingByPlace, oldLength, length, NOT_PENDING);
    }
}
