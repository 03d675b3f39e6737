package io.synpipe.cli;

import io.synpipe.bench.InMemoryHandshakeRun.IntervalListener;
import io.synpipe.report.HlogWriter;
import io.synpipe.report.IntervalCounts;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.Locale;

/**
 * What {@code synpipe bench} keeps of each interval of the measured run: the client and server interval histograms
 * go to the hlog file (tagged {@value #CLIENT} and {@value #SERVER}) if there is one, and their counts to the
 * throughput series of the report. Called once per interval on the driver thread, never per handshake.
 */
final class LatencyCapture implements IntervalListener
{
    static final String CLIENT = "client";
    static final String SERVER = "server";

    private final HlogWriter hlogOrNull;
    private final String comment;
    private final IntervalCounts clientCounts = new IntervalCounts();
    private final IntervalCounts serverCounts = new IntervalCounts();
    private long startNs;
    private PrintStream progress;
    private long totalHandshakes;

    /**
     * @param hlogOrNull where the interval histograms go, or null.
     * @param comment    the hlog's comment line.
     */
    LatencyCapture(final HlogWriter hlogOrNull, final String comment)
    {
        this.hlogOrNull = hlogOrNull;
        this.comment = comment;
    }

    /** Also print a live progress line once per interval on {@code out} (a terminal), or null for none. */
    LatencyCapture progress(final PrintStream out)
    {
        this.progress = out;
        return this;
    }

    /** Ends the progress line, if one was printed. */
    void endProgress()
    {
        if (progress != null && totalHandshakes > 0)
        {
            progress.println();
        }
    }

    @Override
    public void onStart(final long startNs, final long startEpochMs)
    {
        this.startNs = startNs;
        if (hlogOrNull != null)
        {
            hlogOrNull.start(startEpochMs, comment);
        }
    }

    @Override
    public void onInterval(
        final Histogram clientLatencyNs, final Histogram serverLatencyNs, final long intervalStartNs,
        final long intervalEndNs, final long failures)
    {
        if (hlogOrNull != null)
        {
            hlogOrNull.write(CLIENT, clientLatencyNs);
            hlogOrNull.write(SERVER, serverLatencyNs);
        }
        clientCounts.add(intervalStartNs - startNs, intervalEndNs - startNs, clientLatencyNs.getTotalCount());
        if (progress != null)
        {
            totalHandshakes += clientLatencyNs.getTotalCount();
            final double seconds = Math.max(1e-9, (intervalEndNs - intervalStartNs) / 1e9);
            progress.printf(Locale.ROOT,
                "\r[%6.1f s] %,10d handshakes  %,12.0f /s  p50 %7.2f µs  p99 %7.2f µs  errors %d   ",
                (intervalEndNs - startNs) / 1e9, totalHandshakes, clientLatencyNs.getTotalCount() / seconds,
                clientLatencyNs.getValueAtPercentile(50) / 1e3, clientLatencyNs.getValueAtPercentile(99) / 1e3, failures);
            progress.flush();
        }
        serverCounts.add(intervalStartNs - startNs, intervalEndNs - startNs, serverLatencyNs.getTotalCount());
    }

    IntervalCounts clientCounts()
    {
        return clientCounts;
    }

    IntervalCounts serverCounts()
    {
        return serverCounts;
    }
}
