package io.synpipe.cc;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link CongestionControl} does alike. */
class CongestionControlContractTest
{
    static Stream<CongestionControl> controllers()
    {
        return Stream.of(NewReno.INSTANCE, Cubic.INSTANCE);
    }

    static Stream<Arguments> initialWindows()
    {
        // RFC 6928 §2: min(10*MSS, max(2*MSS, 14600))
        return controllers().flatMap(cc -> Stream.of(
            Arguments.of(cc, 536, 5_360),
            Arguments.of(cc, 1460, 14_600),
            Arguments.of(cc, 9000, 18_000)));
    }

    @ParameterizedTest
    @MethodSource("initialWindows")
    void init_mss_rfc6928InitialWindowAndUnboundedSsthresh(final CongestionControl cc, final int mss, final int iw)
    {
        final CcHarness c = new CcHarness(cc, mss, 0);
        assertThat(c.cwnd()).isEqualTo(iw);
        assertThat(CongestionControl.initialWindow(mss)).isEqualTo(iw);
        assertThat(c.ssthresh()).isEqualTo(Integer.MAX_VALUE);
    }

    @ParameterizedTest
    @MethodSource("controllers")
    void init_dirtyRegion_writesEveryByteAndNoOther(final CongestionControl cc)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CongestionControl.STATE_BYTES + 2]);
        buffer.setMemory(0, buffer.capacity(), (byte)0x77);
        cc.init(buffer, 1, 1460, 5);
        final UnsafeBuffer clean = new UnsafeBuffer(new byte[CongestionControl.STATE_BYTES]);
        cc.init(clean, 0, 1460, 5);
        for (int i = 0; i < CongestionControl.STATE_BYTES; i++)
        {
            assertThat(buffer.getByte(1 + i)).as("byte %d", i).isEqualTo(clean.getByte(i));
        }
        assertThat(buffer.getByte(0)).isEqualTo((byte)0x77);
        assertThat(buffer.getByte(CongestionControl.STATE_BYTES + 1)).isEqualTo((byte)0x77);
    }

    @ParameterizedTest
    @MethodSource("controllers")
    void slowStart_rttsOfAcks_doubleCwndEachRtt(final CongestionControl cc)
    {
        final CcHarness c = new CcHarness(cc, 1460, 0);
        for (int rtt = 1; rtt <= 6; rtt++)
        {
            c.round(1460, 20_000_000L);
            assertThat(c.cwnd()).isEqualTo(14_600 << rtt);
        }
        assertThat(c.guardsIntact()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("controllers")
    void timeout_anyWindow_lossWindowOfOneMss(final CongestionControl cc)
    {
        final CcHarness c = new CcHarness(cc, 1460, 0);
        c.round(1460, 20_000_000L);
        c.timeout(c.cwnd());
        assertThat(c.cwnd()).isEqualTo(1460);
        assertThat(c.ssthresh()).isLessThan(2 * 14_600).isGreaterThanOrEqualTo(2 * 1460);
    }

    /** One engine call: kind 0..4 (ack, ack app-limited, congestion event, recovery exit, timeout). */
    record Op(int kind, int bytes, long advanceNs)
    {
    }

    @Provide
    Arbitrary<Op> op()
    {
        return Combinators.combine(
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(-10, 200_000),
            Arbitraries.longs().between(0, 3_000_000_000L)).as(Op::new);
    }

    @Property(tries = 300)
    void anyEventSequence_staysInRegionAndKeepsWindowsSane(
        @ForAll @Size(max = 400) final List<@From("op") Op> ops,
        @ForAll final boolean cubic,
        @ForAll final long startNs,
        @ForAll @IntRange(min = 1, max = 65_535) final int mss)
    {
        final CongestionControl cc = cubic ? Cubic.INSTANCE : NewReno.INSTANCE;
        final CcHarness c = new CcHarness(cc, mss, startNs);
        for (final Op op : ops)
        {
            c.advanceNs(op.advanceNs());
            switch (op.kind())
            {
                case 0 -> c.ack(op.bytes(), c.cwnd(), op.advanceNs() > 0 ? op.advanceNs() : -1);
                case 1 -> c.ack(op.bytes(), op.bytes(), -1);
                case 2 -> c.congestionEvent(op.bytes());
                case 3 -> c.recoveryExit();
                default -> c.timeout(op.bytes());
            }
            assertThat(c.cwnd()).isGreaterThanOrEqualTo(mss);
            assertThat(c.ssthresh()).isGreaterThanOrEqualTo(2 * mss);
            if (cubic)
            {
                assertThat(Cubic.INSTANCE.wMaxSegments(c.buffer, CcHarness.OFFSET)).isNotNaN().isNotNegative();
                assertThat(Cubic.INSTANCE.kSeconds(c.buffer, CcHarness.OFFSET)).isNotNaN().isNotNegative();
                assertThat(Cubic.INSTANCE.wEstSegments(c.buffer, CcHarness.OFFSET)).isNotNaN().isNotNegative();
            }
        }
        assertThat(c.guardsIntact()).isTrue();
    }
}
