package io.synpipe.tun;

import io.netty.channel.EventLoop;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Waits for a condition checked on an event loop, without sleeping: one scheduled check per tick, bounded. */
public final class Await
{
    public static final long TICK_MS = 5;

    private Await()
    {
    }

    /** @return true once {@code condition} held, false if it did not within {@code timeoutMs}. */
    public static boolean until(final EventLoop loop, final Callable<Boolean> condition, final long timeoutMs)
        throws Exception
    {
        final long ticks = Math.max(1, timeoutMs / TICK_MS);
        for (long i = 0; i < ticks; i++)
        {
            if (loop.schedule(condition, i == 0 ? 0 : TICK_MS, TimeUnit.MILLISECONDS).get(timeoutMs, TimeUnit.MILLISECONDS))
            {
                return true;
            }
        }
        return false;
    }
}
