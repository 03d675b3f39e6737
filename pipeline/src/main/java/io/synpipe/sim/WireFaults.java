package io.synpipe.sim;

/**
 * What the {@link InMemoryWire} does to packets, all driven by one seed so a failing run can be replayed.
 *
 * @param seed           seed of the wire's random generator.
 * @param lossRate       probability that a packet is dropped, 0..1.
 * @param duplicateRate  probability that a packet is delivered twice, 0..1.
 * @param reorderRate    probability that a packet is held back by an extra random delay (so later ones overtake it).
 * @param delayNs        one-way delay of every packet.
 * @param reorderDelayNs upper bound of the extra delay of a reordered packet.
 */
public record WireFaults(
    long seed, double lossRate, double duplicateRate, double reorderRate, long delayNs, long reorderDelayNs)
{
    public WireFaults
    {
        checkRate("lossRate", lossRate);
        checkRate("duplicateRate", duplicateRate);
        checkRate("reorderRate", reorderRate);
        if (delayNs < 0 || reorderDelayNs < 0)
        {
            throw new IllegalArgumentException(
                "delayNs = " + delayNs + ", reorderDelayNs = " + reorderDelayNs + ": delays must be >= 0");
        }
    }

    /** A perfect wire: no loss, no duplication, no reordering, no delay. */
    public static WireFaults none()
    {
        return new WireFaults(0, 0, 0, 0, 0, 0);
    }

    public WireFaults withSeed(final long seed)
    {
        return new WireFaults(seed, lossRate, duplicateRate, reorderRate, delayNs, reorderDelayNs);
    }

    private static void checkRate(final String name, final double rate)
    {
        if (!(rate >= 0 && rate <= 1))
        {
            throw new IllegalArgumentException(name + " = " + rate + " is out of range: allowed 0..1");
        }
    }
}
