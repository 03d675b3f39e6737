package io.synpipe.tcp;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeqNumTest
{
    @Test
    void compare_acrossTheWrap_ordersByDistance()
    {
        assertThat(SeqNum.lt(0xFFFF_FFFF, 0)).isTrue();
        assertThat(SeqNum.gt(0, 0xFFFF_FFFF)).isTrue();
        assertThat(SeqNum.le(5, 5)).isTrue();
        assertThat(SeqNum.inRange(0xFFFF_FFFF, 0xFFFF_FFF0, 10)).isTrue();
        assertThat(SeqNum.inRange(10, 0xFFFF_FFF0, 10)).isFalse();
        assertThat(SeqNum.inRangeExclusiveInclusive(10, 0xFFFF_FFF0, 10)).isTrue();
    }

    @Property(tries = 2000)
    void lt_isOffsetInvariant(@ForAll final int base, @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) final int delta)
    {
        assertThat(SeqNum.lt(base, base + delta)).isTrue();
        assertThat(SeqNum.gt(base + delta, base)).isTrue();
    }
}
