package io.synpipe.bench;

import io.synpipe.report.IntervalCounts;
import io.synpipe.tun.load.LoadGenerator;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.locks.LockSupport;

/**
 * Takes interval histograms from an HdrHistogram {@link Recorder} (which other threads write to) once per interval
 * of a measured window, on the calling thread: each one goes to the run's total, to the throughput series and to a
 * {@link Sink} (an hlog writer), and is recycled for the next ({@code getIntervalHistogram(toRecycle)}).
 */
final class IntervalSampler
{
    /** Sees each interval histogram, tagged with its scenario; copy what must be kept. */
    @FunctionalInterface
    interface Sink
    {
        Sink NONE = (tag, interval) -> { };

        void onInterval(String tag, Histogram interval);
    }

    static final long MAX_LATENCY_NS = 60_000_000_000L;
    private static final long INTERVAL_NS = 1_000_000_000L;

    private final Recorder recorder;
    private final long expectedIntervalNs;
    private final String tag;
    private final Sink sink;
    private final Histogram total = new Histogram(MAX_LATENCY_NS, 3);
    private final IntervalCounts counts = new IntervalCounts();
    private Histogram interval;
    private long measureFromNs;
    private long lastNs;

    IntervalSampler(final Recorder recorder, final String tag, final Sink sink)
    {
        this(recorder, 0, tag, sink);
    }

    /**
     * @param expectedIntervalNs open loop: each interval is corrected for coordinated omission with this interval
     *                           ({@link LoadGenerator#correctForCoordinatedOmission}); 0: taken as recorded.
     */
    IntervalSampler(final Recorder recorder, final long expectedIntervalNs, final String tag, final Sink sink)
    {
        this.recorder = recorder;
        this.expectedIntervalNs = expectedIntervalNs;
        this.tag = tag;
        this.sink = sink;
    }

    /** Waits until the window opens at {@code measureFromNs} and drops whatever was recorded before. */
    IntervalSampler openAt(final long measureFromNs)
    {
        parkUntil(measureFromNs);
        interval = recorder.getIntervalHistogram(interval);
        this.measureFromNs = measureFromNs;
        this.lastNs = measureFromNs;
        return this;
    }

    /** Takes an interval every second until {@code endNs}, and one at {@code endNs}. */
    IntervalSampler sampleUntil(final long endNs)
    {
        while (endNs - lastNs > 0)
        {
            final long nextNs = Math.min(lastNs + INTERVAL_NS, endNs);
            parkUntil(nextNs);
            take(System.nanoTime());
        }
        return this;
    }

    /** Takes what was recorded since the last interval (handshakes of the window that ended late). */
    IntervalSampler takeRest()
    {
        take(Math.max(lastNs, System.nanoTime()));
        return this;
    }

    Histogram total()
    {
        return total;
    }

    IntervalCounts counts()
    {
        return counts;
    }

    private void take(final long nowNs)
    {
        interval = recorder.getIntervalHistogram(interval);
        final Histogram corrected = LoadGenerator.correctForCoordinatedOmission(interval, expectedIntervalNs);
        total.add(corrected);
        counts.add(lastNs - measureFromNs, nowNs - measureFromNs, corrected.getTotalCount());
        sink.onInterval(tag, corrected);
        lastNs = nowNs;
    }

    private static void parkUntil(final long deadlineNs)
    {
        long leftNs;
        while ((leftNs = deadlineNs - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(leftNs);
        }
    }
}
