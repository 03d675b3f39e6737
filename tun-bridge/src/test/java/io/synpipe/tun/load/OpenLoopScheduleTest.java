package io.synpipe.tun.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenLoopScheduleTest
{
    private static final long T0 = Long.MAX_VALUE - 50_000_000L;

    @Test
    void take_eachMillisecondAtOneThousandPerSecond_oneStartPerTick()
    {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(1_000);
        schedule.begin(T0);

        assertThat(schedule.take(T0)).isEqualTo(1);
        for (int ms = 1; ms <= 100; ms++)
        {
            assertThat(schedule.take(T0 + ms * 1_000_000L - 1)).isZero();
            assertThat(schedule.take(T0 + ms * 1_000_000L)).isEqualTo(1);
        }
        assertThat(schedule.taken()).isEqualTo(101);
    }

    @Test
    void take_lateTick_startsEverythingDueSinceTheLastOneAndDoesNotDrift()
    {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(30_000);
        schedule.begin(T0);

        assertThat(schedule.take(T0)).isEqualTo(1);
        assertThat(schedule.take(T0 + 10_000_000L)).isEqualTo(300);
        assertThat(schedule.take(T0 + 10_500_000L)).isEqualTo(15);
        // a tick 3 ms late catches up on exactly the starts due meanwhile
        assertThat(schedule.take(T0 + 13_500_000L)).isEqualTo(90);
        assertThat(schedule.taken()).isEqualTo(schedule.dueBy(T0 + 13_500_000L)).isEqualTo(406);
    }

    @Test
    void take_rateNotDividingASecond_averagesExactly()
    {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(7);
        schedule.begin(T0);
        long sum = 0;
        for (int ms = 0; ms <= 3_000; ms++)
        {
            sum += schedule.take(T0 + ms * 1_000_000L);
        }
        assertThat(sum).isEqualTo(3 * 7 + 1);
        assertThat(schedule.intervalNs()).isEqualTo(142_857_142L);
    }

    @Test
    void dueBy_longRunAtMaximumRate_doesNotOverflow()
    {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(OpenLoopSchedule.MAX_RATE_PER_S);
        schedule.begin(0);
        assertThat(schedule.dueBy(3_600_000_000_000L)).isEqualTo(3_600L * OpenLoopSchedule.MAX_RATE_PER_S + 1);
        assertThat(schedule.dueBy(-1)).isZero();
    }

    @Test
    void constructor_rateOutOfRange_throwsNamingIt()
    {
        assertThatThrownBy(() -> new OpenLoopSchedule(0)).hasMessage("--rate 0 is out of range: allowed 1..10000000");
    }
}
