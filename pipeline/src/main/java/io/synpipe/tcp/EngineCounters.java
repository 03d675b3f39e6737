package io.synpipe.tcp;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-engine counters: every {@link EngineEvent} and every state transition (from, to).
 * Written by the engine thread only.
 */
public final class EngineCounters
{
    private static final int STATES = TcpState.count();

    private final long[] events = new long[EngineEvent.count()];
    private final long[] transitions = new long[STATES * STATES];

    public void increment(final EngineEvent event)
    {
        events[event.ordinal()]++;
    }

    public void transition(final int fromState, final int toState)
    {
        transitions[fromState * STATES + toState]++;
    }

    public long get(final EngineEvent event)
    {
        return events[event.ordinal()];
    }

    public long transitions(final TcpState from, final TcpState to)
    {
        return transitions[from.ordinal() * STATES + to.ordinal()];
    }

    /** Non-zero event counts (allocates: for reports). */
    public Map<EngineEvent, Long> eventSnapshot()
    {
        final Map<EngineEvent, Long> map = new EnumMap<>(EngineEvent.class);
        for (final EngineEvent e : EngineEvent.values())
        {
            if (events[e.ordinal()] != 0)
            {
                map.put(e, events[e.ordinal()]);
            }
        }
        return map;
    }

    /** Non-zero transitions as "FROM->TO" (allocates: for reports). */
    public Map<String, Long> transitionSnapshot()
    {
        final Map<String, Long> map = new LinkedHashMap<>();
        for (int from = 0; from < STATES; from++)
        {
            for (int to = 0; to < STATES; to++)
            {
                final long n = transitions[from * STATES + to];
                if (n != 0)
                {
                    map.put(TcpState.of(from) + "->" + TcpState.of(to), n);
                }
            }
        }
        return map;
    }
}
