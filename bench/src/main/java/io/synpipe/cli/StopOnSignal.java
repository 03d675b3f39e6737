package io.synpipe.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A long-running command's stop-and-report, run exactly once: by the main thread when the command ends, or by the
 * JVM's shutdown hook on Ctrl-C or SIGTERM. Then the exit status is the stop's (0 when it went well), not 128 + the
 * signal, and the hook waits for a stop the main thread already began.
 */
final class StopOnSignal
{
    /** Stops and reports; returns the exit status. */
    @FunctionalInterface
    interface Stop
    {
        int run();
    }

    /** How long the hook waits for a stop the main thread began. */
    private static final long HOOK_WAIT_MS = 30_000;

    private final Stop stop;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;
    private volatile int exitCode;

    private StopOnSignal(final String name, final Stop stop)
    {
        this.stop = stop;
        this.hook = Thread.ofPlatform().name(name).unstarted(() ->
        {
            if (claimed.compareAndSet(false, true))
            {
                exitCode = stop.run();
                stopped.countDown();
            }
            else
            {
                awaitQuietly(stopped);
            }
            Runtime.getRuntime().halt(exitCode);
        });
    }

    /** Registers the shutdown hook that stops on Ctrl-C or SIGTERM. */
    static StopOnSignal install(final String name, final Stop stop)
    {
        final StopOnSignal s = new StopOnSignal(name, stop);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /**
     * The command ended on its own: stops and reports unless a signal's hook is doing it (then waits for it).
     *
     * @param failedBefore the exit status so far (1 if the command failed before the stop).
     * @return the exit status.
     */
    int stopAndExitCode(final int failedBefore) throws InterruptedException
    {
        if (!claimed.compareAndSet(false, true))
        {
            // a signal arrived: the hook stops, reports and ends the JVM
            stopped.await();
            return exitCode;
        }
        exitCode = Math.max(stop.run(), failedBefore);
        stopped.countDown();
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ex)
        {
            // the JVM is shutting down already: the hook waits for the stop above and exits
        }
        return exitCode;
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(HOOK_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
