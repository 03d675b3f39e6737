package io.synpipe.wire;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts what the decoder did with each packet: accepted, held as a fragment, or dropped by {@link DropReason}.
 * Single-writer (the engine thread); readers on other threads may see slightly stale values.
 */
public final class DropCounters
{
    private final long[] drops = new long[DropReason.count()];
    private long accepted;
    private long fragmentsHeld;

    public void drop(final DropReason reason)
    {
        drops[reason.ordinal()]++;
    }

    public void accept()
    {
        accepted++;
    }

    public void holdFragment()
    {
        fragmentsHeld++;
    }

    public long get(final DropReason reason)
    {
        return drops[reason.ordinal()];
    }

    public long accepted()
    {
        return accepted;
    }

    public long fragmentsHeld()
    {
        return fragmentsHeld;
    }

    public long totalDropped()
    {
        long sum = 0;
        for (final long d : drops)
        {
            sum += d;
        }
        return sum;
    }

    /** Non-zero drop counts, for reports (allocates). */
    public Map<DropReason, Long> snapshot()
    {
        final Map<DropReason, Long> map = new EnumMap<>(DropReason.class);
        for (final DropReason r : DropReason.values())
        {
            if (drops[r.ordinal()] != 0)
            {
                map.put(r, drops[r.ordinal()]);
            }
        }
        return map;
    }
}
