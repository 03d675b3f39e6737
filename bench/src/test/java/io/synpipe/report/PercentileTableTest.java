package io.synpipe.report;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The terminal table: one row per figure, one column per scenario, figures from the histograms. */
class PercentileTableTest
{
    private static LatencyScenario scenario(final String name, final long fromNs, final long toNs, final long errors)
    {
        final Histogram h = new Histogram(3_600_000_000_000L, 3);
        for (long v = fromNs; v <= toNs; v += 1_000)
        {
            h.recordValue(v);
        }
        return new LatencyScenario(name, h, 2_000_000_000L, errors, new IntervalCounts());
    }

    @Test
    void render_twoScenarios_hasTheCountRatePercentileMaxAndErrorRowsInOrder()
    {
        final PercentileTable table = new PercentileTable(List.of(
            scenario("client", 1_000, 1_000_000, 0), scenario("server", 2_000, 1_001_000, 7)));
        final List<String> lines = table.render().lines().toList();

        assertThat(lines).hasSize(10);
        assertThat(lines.get(0).strip()).matches("client\\s+server");
        assertThat(lines.subList(1, 10)).extracting(line -> line.split("\\s{2,}")[0]).containsExactly(
            "count", "rate (/s)", "p50 (µs)", "p90 (µs)", "p99 (µs)", "p99.9 (µs)", "p99.99 (µs)", "max (µs)", "errors");
        assertThat(lines.get(1)).matches("count\\s+1,000\\s+1,000");
        assertThat(lines.get(2)).matches("rate \\(/s\\)\\s+500\\s+500");
        assertThat(lines.get(9)).matches("errors\\s+0\\s+7");
    }

    @Test
    void rows_percentiles_areTheHistogramsValuesInMicroseconds()
    {
        final LatencyScenario s = scenario("only", 1_000, 1_000_000, 0);
        final Histogram h = s.latencyNs();
        final List<List<String>> rows = new PercentileTable(List.of(s)).rows();

        assertThat(rows.get(2)).containsExactly("p50 (µs)", String.format("%,.2f", h.getValueAtPercentile(50) / 1e3));
        assertThat(rows.get(6)).containsExactly("p99.99 (µs)",
            String.format("%,.2f", h.getValueAtPercentile(99.99) / 1e3));
        assertThat(rows.get(7)).containsExactly("max (µs)", String.format("%,.2f", h.getMaxValue() / 1e3));
        assertThat(rows.get(2).get(1)).isEqualTo("500.22");
    }

    @Test
    void render_columns_areRightAlignedUnderTheirScenario()
    {
        final String text = new PercentileTable(List.of(
            scenario("a-long-scenario-name", 1_000, 10_000, 0), scenario("b", 1_000, 1_000_000, 0))).render();
        final List<String> lines = text.lines().toList();
        final int end = lines.get(0).length();
        for (final String line : lines)
        {
            assertThat(line).hasSize(end);
        }
    }

    @Test
    void emptyHistogram_showsZeros()
    {
        final LatencyScenario empty = new LatencyScenario("none", new Histogram(3), 1, 0, new IntervalCounts());
        assertThat(new PercentileTable(List.of(empty)).rows().get(2)).containsExactly("p50 (µs)", "0.00");
    }

    @Test
    void noScenario_throws()
    {
        assertThatThrownBy(() -> new PercentileTable(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
