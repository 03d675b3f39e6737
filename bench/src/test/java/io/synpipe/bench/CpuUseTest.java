package io.synpipe.bench;

import io.synpipe.bench.CpuUse.Role;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CpuUseTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void role_threadNames_classifiedByWhatTheThreadDoes()
    {
        assertThat(Role.of("multiThreadIoEventLoopGroup-2-1")).isEqualTo(Role.SYNPIPE_LOOP);
        assertThat(Role.of("kernel-client-3")).isEqualTo(Role.KERNEL_CLIENTS);
        assertThat(Role.of("launch-kernel-client-3")).isEqualTo(Role.OTHER);
        assertThat(Role.of("kernel-server-0")).isEqualTo(Role.KERNEL_SERVER);
        assertThat(Role.of("main")).isEqualTo(Role.OTHER);
    }

    @Test
    void until_twoSnapshots_deltaPerRoleAndThreadsStartedInBetweenCountFromZero()
    {
        final CpuUse.Snapshot start = new CpuUse.Snapshot(0, Map.of(
            1L, new CpuUse.ThreadTimes(Role.SYNPIPE_LOOP, 5 * SECOND, 1 * SECOND),
            2L, new CpuUse.ThreadTimes(Role.KERNEL_SERVER, 1 * SECOND, 0),
            3L, new CpuUse.ThreadTimes(Role.KERNEL_SERVER, 7 * SECOND, 7 * SECOND)),
            new long[]{100, 0, 100, 1000, 0, 0, 10, 0});
        final CpuUse.Snapshot end = new CpuUse.Snapshot(2 * SECOND, Map.of(
            1L, new CpuUse.ThreadTimes(Role.SYNPIPE_LOOP, 6 * SECOND + SECOND / 2, 1 * SECOND + SECOND / 10),
            2L, new CpuUse.ThreadTimes(Role.KERNEL_SERVER, 1 * SECOND + SECOND / 4, SECOND / 20),
            4L, new CpuUse.ThreadTimes(Role.KERNEL_SERVER, SECOND / 4, SECOND / 20)),
            // 2 s on 2 cores = 400 ticks: 150 user, 50 system, 150 idle, 50 softirq
            new long[]{250, 0, 150, 1150, 0, 0, 60, 0});

        final CpuUse use = start.until(end);

        assertThat(use.windowNs()).isEqualTo(2 * SECOND);
        // thread 3 is gone (not counted); thread 4 started in the window
        assertThat(use.cpuNs()).containsEntry(Role.SYNPIPE_LOOP, 3 * SECOND / 2)
            .containsEntry(Role.KERNEL_SERVER, SECOND / 2);
        assertThat(use.cores(Role.SYNPIPE_LOOP)).isCloseTo(0.75, within(1e-9));
        assertThat(use.kernelShare(Role.SYNPIPE_LOOP)).isCloseTo(1.4 / 1.5, within(1e-9));
        assertThat(use.kernelShare(Role.KERNEL_SERVER)).isCloseTo(0.8, within(1e-9));
        // 1.5 s of CPU in 2 s at 1,000 handshakes/s: 750 µs each
        assertThat(use.microsPerHandshake(Role.SYNPIPE_LOOP, 1_000)).isCloseTo(750, within(1e-6));
        assertThat(use.microsPerHandshake(Role.KERNEL_CLIENTS, 1_000)).isZero();
        assertThat(use.machineBusy()).isCloseTo(1.25, within(1e-9));
        assertThat(use.softirq()).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void line_rolesUnderOnePercentOfACore_leftOut()
    {
        final CpuUse use = new CpuUse(SECOND, Map.of(Role.SYNPIPE_LOOP, SECOND / 2, Role.OTHER, SECOND / 1000),
            Map.of(Role.SYNPIPE_LOOP, SECOND / 10, Role.OTHER, 0L), 1.5, 0.1, 2);

        assertThat(use.line(10_000)).isEqualTo(
            "cpu µs/handshake: synpipe event loop 50.0 (kernel 80 %); machine 1.50 of 2 cores busy, softirq 0.10");
        assertThat(use.json(10_000)).startsWith("{\"window_s\":1.000,\"machine_busy_cores\":1.500,")
            .contains("\"synpipe event loop\":{\"cores\":0.5000,\"us_per_handshake\":50.000,\"kernel_share\":0.8000}")
            .contains("\"kernel clients\":{\"cores\":0.0000,\"us_per_handshake\":0.000,\"kernel_share\":0.0000}")
            .endsWith("}}");
    }

    @Test
    void until_noProcStat_machineFiguresUnknown()
    {
        final CpuUse.Snapshot start = new CpuUse.Snapshot(0, Map.of(), null);
        final CpuUse.Snapshot end = new CpuUse.Snapshot(SECOND, Map.of(), null);

        final CpuUse use = start.until(end);

        assertThat(use.machineBusy()).isEqualTo(-1);
        assertThat(use.line(1)).isEqualTo("cpu µs/handshake:");
    }

    @Test
    void parseProcStat_aggregateLine_firstEightFields()
    {
        assertThat(CpuUse.parseProcStat("cpu  4705 150 1120 16250 520 30 45 7 0 0"))
            .containsExactly(4705, 150, 1120, 16250, 520, 30, 45, 7);
        assertThat(CpuUse.parseProcStat("cpu0 1 2 3 4 5 6 7 8")).isNull();
        assertThat(CpuUse.parseProcStat("cpu 1 2 3")).isNull();
    }

    @Test
    void snapshot_thisProcess_seesTheCallingThreadBurnCpu()
    {
        final CpuUse.Snapshot start = CpuUse.Snapshot.take();
        long x = 0;
        for (int i = 0; i < 20_000_000; i++)
        {
            x += i * 31L ^ x >>> 3;
        }
        final CpuUse use = start.until(CpuUse.Snapshot.take());

        assertThat(x).isNotZero();
        assertThat(use.cpuNs().getOrDefault(Role.OTHER, 0L)).isPositive();
    }
}
