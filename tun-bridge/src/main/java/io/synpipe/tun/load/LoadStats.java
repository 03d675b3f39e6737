package io.synpipe.tun.load;

/**
 * A snapshot of a {@link LoadGenerator}'s counters, taken on its event loop.
 *
 * @param started          connections opened (SYN sent), all phases.
 * @param established      handshakes completed, all phases.
 * @param handshakes       handshakes completed whose SYN went out in the measured window.
 * @param errorsByKind     errors in the measured window, indexed by {@link LoadError#ordinal()}.
 * @param tuplesBusy       source tuples skipped because the engine still had them (e.g. in TIME-WAIT).
 * @param inFlight         handshakes in flight now.
 * @param connections      connections in the engine's table now, TIME-WAIT included.
 * @param measuredNs       length of the measured window so far (from its start to its end or to now).
 */
public record LoadStats(
    long started, long established, long handshakes, long[] errorsByKind, long tuplesBusy, int inFlight,
    int connections, long measuredNs)
{
    public long errors(final LoadError kind)
    {
        return errorsByKind[kind.ordinal()];
    }

    /** All errors in the measured window. */
    public long errors()
    {
        long sum = 0;
        for (final long n : errorsByKind)
        {
            sum += n;
        }
        return sum;
    }

    /** Adds two engines' snapshots. */
    public LoadStats plus(final LoadStats other)
    {
        final long[] sum = errorsByKind.clone();
        for (int i = 0; i < sum.length; i++)
        {
            sum[i] += other.errorsByKind[i];
        }
        return new LoadStats(started + other.started, established + other.established, handshakes + other.handshakes,
            sum, tuplesBusy + other.tuplesBusy, inFlight + other.inFlight, connections + other.connections,
            Math.max(measuredNs, other.measuredNs));
    }
}
