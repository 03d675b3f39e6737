package io.synpipe.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IntervalCountsTest
{
    @Test
    void add_manyIntervals_keepsThemInOrderWithRates()
    {
        final IntervalCounts counts = new IntervalCounts();
        for (int i = 0; i < 100; i++)
        {
            counts.add(i * 500_000_000L, (i + 1) * 500_000_000L, i);
        }
        assertThat(counts.size()).isEqualTo(100);
        assertThat(counts.count(99)).isEqualTo(99);
        assertThat(counts.endOffsetNs(99)).isEqualTo(50_000_000_000L);
        assertThat(counts.ratePerSecond(99)).isEqualTo(198.0);
    }

    @Test
    void add_endBeforeStartOrOutOfOrder_throws()
    {
        final IntervalCounts counts = new IntervalCounts().add(0, 10, 1);
        assertThatThrownBy(() -> counts.add(20, 15, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> counts.add(0, 5, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> counts.count(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
