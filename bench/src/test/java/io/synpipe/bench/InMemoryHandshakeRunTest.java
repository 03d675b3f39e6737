package io.synpipe.bench;

import io.synpipe.bench.InMemoryHandshakeRun.CloseMode;
import io.synpipe.bench.InMemoryHandshakeRun.IntervalListener;
import io.synpipe.bench.InMemoryHandshakeRun.Result;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The interval histograms the run hands out add up to the whole run. */
class InMemoryHandshakeRunTest
{
    private static final class Collector implements IntervalListener
    {
        long startNs;
        long startEpochMs;
        final List<long[]> intervals = new ArrayList<>();
        final Histogram client = new Histogram(3_600_000_000_000L, 3);

        @Override
        public void onStart(final long startNs, final long startEpochMs)
        {
            this.startNs = startNs;
            this.startEpochMs = startEpochMs;
        }

        @Override
        public void onInterval(
            final Histogram clientLatencyNs, final Histogram serverLatencyNs, final long startNs, final long endNs,
            final long failures)
        {
            intervals.add(new long[] {startNs, endNs, clientLatencyNs.getTotalCount(), serverLatencyNs.getTotalCount(),
                clientLatencyNs.getStartTimeStamp(), clientLatencyNs.getEndTimeStamp()});
            client.add(clientLatencyNs);
        }
    }

    @Test
    void run_shortIntervals_intervalCountsAddUpToTheMeasuredHandshakes()
    {
        final Collector collector = new Collector();
        final InMemoryHandshakeRun run = new InMemoryHandshakeRun(8, CloseMode.RST, false, 1000, 1_000_000, collector);
        final Result result = run.run(500, 20_000);

        assertThat(result.failures()).isZero();
        assertThat(result.serverFailures()).isZero();
        assertThat(collector.intervals).isNotEmpty();
        long clientSum = 0;
        long serverSum = 0;
        long previousEndNs = collector.startNs;
        for (final long[] interval : collector.intervals)
        {
            assertThat(interval[0]).isEqualTo(previousEndNs);
            assertThat(interval[1]).isGreaterThanOrEqualTo(interval[0]);
            assertThat(interval[4]).isGreaterThanOrEqualTo(collector.startEpochMs);
            assertThat(interval[5]).isGreaterThanOrEqualTo(interval[4]);
            previousEndNs = interval[1];
            clientSum += interval[2];
            serverSum += interval[3];
        }
        assertThat(previousEndNs - collector.startNs).isEqualTo(result.elapsedNs());
        assertThat(clientSum).isEqualTo(20_000);
        assertThat(serverSum).isEqualTo(20_000);
        assertThat(result.clientLatencyNs().getTotalCount()).isEqualTo(20_000);
        assertThat(collector.client).isEqualTo(result.clientLatencyNs());
    }

    @Test
    void run_finClose_noServerFailures()
    {
        final Result result = new InMemoryHandshakeRun(4, CloseMode.FIN, true, 1).run(0, 2_000);
        assertThat(result.failures()).isZero();
        assertThat(result.serverFailures()).isZero();
        assertThat(result.serverLatencyNs().getTotalCount()).isEqualTo(2_000);
    }

    @Test
    void intervalOutOfRange_throwsNamingTheValue()
    {
        assertThatThrownBy(() -> new InMemoryHandshakeRun(4, CloseMode.RST, false, 1000, 999_999, IntervalListener.NONE))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intervalNs = 999999");
    }
}
