package io.synpipe.report;

import org.HdrHistogram.Histogram;

/**
 * One line of a latency report: a name, the latency histogram of the whole run (values in nanoseconds), how long
 * the run took, how many operations failed, and the counts per interval for the throughput chart.
 *
 * @param name       shown in the table and legend, and the {@code data-scenario} of its curves; not blank.
 * @param latencyNs  all latencies of the run, in nanoseconds.
 * @param elapsedNs  length of the run, for the rate; &gt; 0.
 * @param errors     failed operations (not in the histogram).
 * @param intervals  counts per interval; may be empty.
 */
public record LatencyScenario(String name, Histogram latencyNs, long elapsedNs, long errors, IntervalCounts intervals)
{
    public LatencyScenario
    {
        if (name == null || name.isBlank())
        {
            throw new IllegalArgumentException("scenario name '" + name + "' is not allowed: it must not be blank");
        }
        if (latencyNs == null || intervals == null)
        {
            throw new IllegalArgumentException("scenario '" + name + "' needs a histogram and interval counts");
        }
        if (elapsedNs <= 0 || errors < 0)
        {
            throw new IllegalArgumentException("scenario '" + name + "': elapsedNs = " + elapsedNs + ", errors = "
                + errors + ": need elapsedNs > 0 and errors >= 0");
        }
    }

    /** Recorded values per second over the whole run. */
    public double ratePerSecond()
    {
        return latencyNs.getTotalCount() * 1e9 / elapsedNs;
    }
}
