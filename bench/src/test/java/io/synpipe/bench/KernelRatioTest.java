package io.synpipe.bench;

import io.synpipe.bench.KernelRatio.Score;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KernelRatioTest
{
    private static final Score KERNEL_1 = new Score("KernelHandshakeBaselineBenchmark.connectAcceptClose", "inFlight=1",
        12_000, "ops/s");
    private static final Score KERNEL_64 = new Score("KernelHandshakeBaselineBenchmark.connectAcceptClose",
        "inFlight=64", 30_000, "ops/s");
    private static final Score HANDSHAKE = new Score("HandshakeBenchmark.handshake", "ipVersion=4, occupancy=1000",
        5_400_000, "ops/s");
    private static final Score LIFECYCLE = new Score("ConnectionLifecycleBenchmark.lifecycle", "", 1_050_000, "ops/s");

    @Test
    void lines_synpipeAndKernelInOneRun_eachSynpipeFigureOverTheBestKernelFigure()
    {
        final List<String> lines = KernelRatio.lines(List.of(KERNEL_1, HANDSHAKE, KERNEL_64, LIFECYCLE));

        assertThat(lines).containsExactly(
            "synpipe ÷ kernel, against the best kernel figure of this run: "
                + "KernelHandshakeBaselineBenchmark.connectAcceptClose (inFlight=64) 30,000 ops/s",
            "  HandshakeBenchmark.handshake (ipVersion=4, occupancy=1000)      5,400,000 ops/s    180.0×",
            "  ConnectionLifecycleBenchmark.lifecycle                          1,050,000 ops/s     35.0×");
    }

    @Test
    void lines_noKernelFigure_nothing()
    {
        assertThat(KernelRatio.lines(List.of(HANDSHAKE, LIFECYCLE))).isEmpty();
    }

    @Test
    void lines_onlyOtherBenchmarks_nothing()
    {
        assertThat(KernelRatio.lines(List.of(KERNEL_64,
            new Score("SegmentCodecBenchmark.decode", "payload=bare", 9e6, "ops/s")))).isEmpty();
    }

    @Test
    void lines_otherUnits_notCompared()
    {
        final Score averageTime = new Score("HandshakeBenchmark.handshake", "", 0.2, "us/op");

        assertThat(KernelRatio.lines(List.of(KERNEL_64, averageTime))).isEmpty();
        assertThat(KernelRatio.lines(List.of(new Score(KERNEL_64.benchmark(), "", 5, "ms/op"), HANDSHAKE))).isEmpty();
    }
}
