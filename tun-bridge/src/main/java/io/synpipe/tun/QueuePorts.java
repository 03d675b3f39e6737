package io.synpipe.tun;

/**
 * Which queue of a multi-queue device owns a local port of a connection the stack opens: ports from {@code min} up
 * are split by residue, port {@code p} belonging to queue {@code p % queues}. The engine that opens a connection
 * takes its port from its own share, and {@link QueueSteering} hands packets for it that land on another queue to
 * that engine.
 */
public final class QueuePorts
{
    private QueuePorts()
    {
    }

    /** The queue that owns local port {@code port} among {@code queues}; -1 below {@code min}, or for any port if min is 0. */
    public static int owner(final int port, final int queues, final int min)
    {
        return min > 0 && port >= min ? port % queues : -1;
    }

    /** The lowest port from {@code min} up that queue {@code queue} of {@code queues} owns. */
    public static int first(final int queue, final int queues, final int min)
    {
        return min + Math.floorMod(queue - min, queues);
    }

    /** How many ports from {@code min} to 65535 queue {@code queue} of {@code queues} owns. */
    public static int count(final int queue, final int queues, final int min)
    {
        return (65_535 - first(queue, queues, min)) / queues + 1;
    }

    /** The {@code k}-th port (from 0, cycling) that queue {@code queue} of {@code queues} owns from {@code min} up. */
    public static int port(final int queue, final int queues, final int min, final long k)
    {
        return first(queue, queues, min) + (int)Math.floorMod(k, (long)count(queue, queues, min)) * queues;
    }
}
