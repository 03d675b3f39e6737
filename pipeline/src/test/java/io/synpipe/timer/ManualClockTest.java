package io.synpipe.timer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The manual clock moves only when told, by exactly what it is told. */
class ManualClockTest
{
    @Test
    void clock_setAndAdvance_movesExactly()
    {
        final ManualClock clock = new ManualClock(-5L);
        assertThat(clock.nanoTime()).isEqualTo(-5L);
        assertThat(clock.nanoTime()).isEqualTo(-5L);

        assertThat(clock.advanceNs(7)).isSameAs(clock);
        assertThat(clock.nanoTime()).isEqualTo(2L);
        assertThat(clock.advanceMs(3)).isSameAs(clock);
        assertThat(clock.nanoTime()).isEqualTo(3_000_002L);
        assertThat(clock.setNs(Long.MAX_VALUE - 1)).isSameAs(clock);
        assertThat(clock.advanceNs(2).nanoTime()).as("wraps like System.nanoTime").isEqualTo(Long.MIN_VALUE);
    }
}
