package io.synpipe.cli;

import io.synpipe.bench.InMemoryHandshakeRun.IntervalListener;
import io.synpipe.report.HlogWriter;
import io.synpipe.report.IntervalCounts;
import org.HdrHistogram.Histogram;

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

    /**
     * @param hlogOrNull where the interval histograms go, or null.
     * @param comment    the hlog's comment line.
     */
    LatencyCapture(final HlogWriter hlogOrNull, final String comment)
    {
        this.hlogOrNull = hlogOrNull;
        this.comment = comment;
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
