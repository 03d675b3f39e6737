package io.synpipe.tcp;

import io.synpipe.wire.IpAddress;

/**
 * Passive opens (RFC 9293 §3.10.1, LISTEN state): address and port, each possibly a wildcard (any address is
 * the all-zero address, any port is 0). A lookup picks the most specific match: address and port, then any
 * address with the port, then the address with any port, then any address and any port.
 * Few listeners are expected, so the lookup is a scan over primitive arrays.
 */
final class Listeners
{
    static final int NONE = -1;

    private static final int MAX_LISTENERS = 1024;

    private final long[] addrHi = new long[MAX_LISTENERS];
    private final long[] addrLo = new long[MAX_LISTENERS];
    private final int[] port = new int[MAX_LISTENERS];
    private final boolean[] active = new boolean[MAX_LISTENERS];
    private int highWater;
    private int count;

    int add(final long hi, final long lo, final int listenPort)
    {
        if (listenPort < 0 || listenPort > 65_535)
        {
            throw new IllegalArgumentException("listen port " + listenPort + " is out of range: allowed 0 (any) .. 65535");
        }
        for (int i = 0; i < highWater; i++)
        {
            if (active[i] && addrHi[i] == hi && addrLo[i] == lo && port[i] == listenPort)
            {
                throw new IllegalStateException(
                    "already listening on " + IpAddress.toString(hi, lo) + ":" + (listenPort == 0 ? "*" : listenPort));
            }
        }
        int id = NONE;
        for (int i = 0; i < highWater; i++)
        {
            if (!active[i])
            {
                id = i;
                break;
            }
        }
        if (id == NONE)
        {
            if (highWater == MAX_LISTENERS)
            {
                throw new IllegalStateException("too many listeners: at most " + MAX_LISTENERS);
            }
            id = highWater++;
        }
        addrHi[id] = hi;
        addrLo[id] = lo;
        port[id] = listenPort;
        active[id] = true;
        count++;
        return id;
    }

    boolean remove(final int id)
    {
        if (!isActive(id))
        {
            return false;
        }
        active[id] = false;
        count--;
        return true;
    }

    boolean isActive(final int id)
    {
        return id >= 0 && id < highWater && active[id];
    }

    long addrHi(final int id)
    {
        return addrHi[id];
    }

    long addrLo(final int id)
    {
        return addrLo[id];
    }

    int port(final int id)
    {
        return port[id];
    }

    int count()
    {
        return count;
    }

    /** @return the best listener for a segment to {@code (hi, lo):dstPort}, or {@link #NONE}. */
    int find(final long hi, final long lo, final int dstPort)
    {
        int best = NONE;
        int bestScore = -1;
        for (int i = 0; i < highWater; i++)
        {
            if (!active[i])
            {
                continue;
            }
            final boolean anyAddr = addrHi[i] == 0 && addrLo[i] == 0;
            final boolean anyPort = port[i] == 0;
            if ((anyAddr || (addrHi[i] == hi && addrLo[i] == lo)) && (anyPort || port[i] == dstPort))
            {
                final int score = (anyPort ? 0 : 2) + (anyAddr ? 0 : 1);
                if (score > bestScore)
                {
                    best = i;
                    bestScore = score;
                    if (score == 3)
                    {
                        break;
                    }
                }
            }
        }
        return best;
    }
}
