package io.synpipe.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Takes a {@link CpuUse.Snapshot} at two instants on its own thread, so the window can sit inside a measured
 * interval that other threads are busy running.
 */
final class CpuWindow
{
    private final Thread thread;
    private CpuUse use;

    private CpuWindow(final long fromNs, final long toNs)
    {
        thread = Thread.ofPlatform().daemon().name("cpu-window").start(() ->
        {
            parkUntil(fromNs);
            final CpuUse.Snapshot start = CpuUse.Snapshot.take();
            parkUntil(toNs);
            use = start.until(CpuUse.Snapshot.take());
        });
    }

    /**
     * Snapshots at {@code fromNs} and a little before {@code toNs} ({@link System#nanoTime} instants): the end is
     * moved in by a tenth of the window, at most 200 ms, so threads that stop at {@code toNs} are still there.
     */
    static CpuWindow inside(final long fromNs, final long toNs)
    {
        final long marginNs = Math.min(200_000_000L, (toNs - fromNs) / 10);
        return new CpuWindow(fromNs, toNs - marginNs);
    }

    /** Waits for the second snapshot. */
    CpuUse await() throws InterruptedException
    {
        thread.join();
        return use;
    }

    private static void parkUntil(final long deadlineNs)
    {
        for (long leftNs = deadlineNs - System.nanoTime(); leftNs > 0; leftNs = deadlineNs - System.nanoTime())
        {
            LockSupport.parkNanos(leftNs);
        }
    }
}
