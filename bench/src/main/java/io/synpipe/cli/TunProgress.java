package io.synpipe.cli;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The live line of {@code bench --tun} on a terminal: once per interval, the scenario, its handshakes/s in that
 * interval and the interval's p50/p99; a new line when the scenario changes.
 */
final class TunProgress
{
    private final PrintStream out;
    private String lastTag;
    private long total;

    TunProgress(final PrintStream out)
    {
        this.out = out;
    }

    void onInterval(final String tag, final Histogram interval)
    {
        if (lastTag != null && !lastTag.equals(tag))
        {
            out.println();
            total = 0;
        }
        lastTag = tag;
        total += interval.getTotalCount();
        final double seconds = Math.max(1e-3, (interval.getEndTimeStamp() - interval.getStartTimeStamp()) / 1e3);
        out.printf(Locale.ROOT, "\r[%-14s] %,10d handshakes  %,10.0f /s  p50 %8.1f µs  p99 %8.1f µs   ", tag, total,
            interval.getTotalCount() / seconds, interval.getValueAtPercentile(50) / 1e3,
            interval.getValueAtPercentile(99) / 1e3);
        out.flush();
    }

    void end()
    {
        if (lastTag != null)
        {
            out.println();
            out.flush();
        }
    }
}
