package io.synpipe.cc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CubicTest
{
    private static final int MSS = 1460;
    private static final long MS = 1_000_000L;
    private static final long SECOND_NS = 1_000_000_000L;
    private static final Cubic CUBIC = Cubic.INSTANCE;

    private CcHarness c = new CcHarness(CUBIC, MSS, 7 * SECOND_NS);

    @AfterEach
    void regionOnly()
    {
        assertThat(c.guardsIntact()).isTrue();
    }

    /** Slow start from IW = 10 MSS doubles per round; a loss with a full window in flight then reduces. */
    private void lossAtSegments(final int segments, final long rttNs)
    {
        while (c.cwnd() < segments * MSS)
        {
            c.round(MSS, rttNs);
        }
        assertThat(c.cwnd()).isEqualTo(segments * MSS);
        c.congestionEvent(c.cwnd());
    }

    private double wMax()
    {
        return CUBIC.wMaxSegments(c.buffer, CcHarness.OFFSET);
    }

    private double k()
    {
        return CUBIC.kSeconds(c.buffer, CcHarness.OFFSET);
    }

    private double wEst()
    {
        return CUBIC.wEstSegments(c.buffer, CcHarness.OFFSET);
    }

    private double secondsSinceEpoch()
    {
        return (c.nowNs - CUBIC.epochStartNs(c.buffer, CcHarness.OFFSET)) / 1e9;
    }

    @Nested
    class Reductions
    {
        @Test
        void congestionEvent_fullWindow_keepsSeventyPercentAndSetsWMax()
        {
            lossAtSegments(80, 100 * MS);
            assertThat(c.ssthresh()).isEqualTo(56 * MSS);
            assertThat(c.cwnd()).isEqualTo(56 * MSS);
            assertThat(wMax()).isEqualTo(80.0);
            assertThat(CUBIC.cwndPrior(c.buffer, CcHarness.OFFSET)).isEqualTo(80 * MSS);
            assertThat(CUBIC.isEpochStarted(c.buffer, CcHarness.OFFSET)).isFalse();
            // K = cbrt(W_max*(1-beta)/C) when the whole window was in flight
            assertThat(k()).isCloseTo(Math.cbrt(80 * (1 - Cubic.BETA) / Cubic.C), within(1e-9));
        }

        @Test
        void congestionEvent_smallFlight_floorsAtTwoMss()
        {
            c.congestionEvent(MSS);
            assertThat(c.ssthresh()).isEqualTo(2 * MSS);
            assertThat(c.cwnd()).isEqualTo(2 * MSS);
        }

        @Test
        void fastConvergence_newMaxBelowLast_lowersWMax()
        {
            lossAtSegments(80, 100 * MS);
            c.recoveryExit();
            for (int i = 0; i < 5; i++)
            {
                c.round(2 * MSS, 100 * MS);
            }
            final double cwndAtLoss = c.cwndSegments();
            assertThat(cwndAtLoss).isBetween(57.0, 80.0);

            c.congestionEvent(c.cwnd());
            assertThat(wMax()).isCloseTo(cwndAtLoss * (1 + Cubic.BETA) / 2, within(1e-9));
            assertThat(k()).isCloseTo(Math.cbrt((wMax() - c.cwndSegments()) / Cubic.C), within(1e-9));
            assertThat(c.cwndSegments()).isCloseTo(cwndAtLoss * 0.7, within(1.0 / MSS));
        }

        @Test
        void fastConvergence_newMaxAboveLast_takesCwnd()
        {
            lossAtSegments(20, 100 * MS);
            c.recoveryExit();
            while (secondsSinceEpochOrZero() < 2 * k())
            {
                c.round(2 * MSS, 100 * MS);
            }
            final double cwndAtLoss = c.cwndSegments();
            assertThat(cwndAtLoss).isGreaterThan(20.0);

            c.congestionEvent(c.cwnd());
            assertThat(wMax()).isEqualTo(cwndAtLoss);
        }

        private double secondsSinceEpochOrZero()
        {
            return CUBIC.isEpochStarted(c.buffer, CcHarness.OFFSET) ? secondsSinceEpoch() : 0.0;
        }

        @Test
        void recoveryExit_afterEvent_cwndIsSsthreshAndEpochStartsOnNextAck()
        {
            lossAtSegments(80, 100 * MS);
            c.advanceNs(30 * MS).recoveryExit();
            assertThat(c.cwnd()).isEqualTo(c.ssthresh());
            assertThat(CUBIC.isEpochStarted(c.buffer, CcHarness.OFFSET)).isFalse();

            c.advanceNs(10 * MS).ack(MSS);
            assertThat(CUBIC.isEpochStarted(c.buffer, CcHarness.OFFSET)).isTrue();
            assertThat(CUBIC.epochStartNs(c.buffer, CcHarness.OFFSET)).isEqualTo(c.nowNs);
            assertThat(wMax()).isEqualTo(80.0);
            assertThat(k()).isCloseTo(Math.cbrt((80.0 - 56.0) / Cubic.C), within(1e-9));
        }

        @Test
        void timeout_lossWindowBetaSsthresh_thenNextStageHasKZeroAndWMaxAtEpoch()
        {
            lossAtSegments(80, 100 * MS);
            c.recoveryExit();
            final int cwndBefore = c.cwnd();
            c.timeout(100 * MSS);
            assertThat(c.cwnd()).isEqualTo(MSS);
            assertThat(c.ssthresh()).isEqualTo(70 * MSS);
            assertThat(CUBIC.cwndPrior(c.buffer, CcHarness.OFFSET)).isEqualTo(cwndBefore);
            assertThat(wMax()).isZero();

            while (c.cwnd() < c.ssthresh())
            {
                assertThat(CUBIC.isEpochStarted(c.buffer, CcHarness.OFFSET)).isFalse();
                c.round(MSS, 100 * MS);
            }
            assertThat(CUBIC.isEpochStarted(c.buffer, CcHarness.OFFSET)).isTrue();
            assertThat(k()).isZero();
            assertThat(wMax()).isEqualTo(70.0); // cwnd_epoch: slow start stopped at ssthresh
        }

        @Test
        void timeout_smallFlight_ssthreshFloorsAtTwoMss()
        {
            c.timeout(100);
            assertThat(c.ssthresh()).isEqualTo(2 * MSS);
            assertThat(c.cwnd()).isEqualTo(MSS);
        }
    }

    @Nested
    class CubicFunction
    {
        @Test
        void wCubic_atK_equalsWMax()
        {
            lossAtSegments(80, 100 * MS);
            assertThat(Cubic.wCubic(k(), k(), wMax())).isEqualTo(wMax());
            assertThat(Cubic.wCubic(0, k(), wMax())).isCloseTo(56.0, within(1e-9)); // starts at cwnd_epoch
        }

        @Test
        void wCubic_concaveBeforeKConvexAfter()
        {
            final double k = 4.0;
            for (double t = 0.1; t < 8.0; t += 0.1)
            {
                final double secondDifference =
                    Cubic.wCubic(t + 0.05, k, 100) - 2 * Cubic.wCubic(t, k, 100) + Cubic.wCubic(t - 0.05, k, 100);
                if (t < k - 0.05)
                {
                    assertThat(secondDifference).isNegative();
                }
                else if (t > k + 0.05)
                {
                    assertThat(secondDifference).isPositive();
                }
            }
        }

        @Test
        void avoidance_longRtt_tracksWCubicConcaveToWMaxThenConvex()
        {
            final long rttNs = 100 * MS;
            lossAtSegments(1280, rttNs);
            c.recoveryExit();
            final double k = Math.cbrt((1280 - 896) / Cubic.C);

            final int rounds = (int)(2 * k * 10);
            final double[] cwnd = new double[rounds];
            final double[] t = new double[rounds];
            for (int i = 0; i < rounds; i++)
            {
                c.round(2 * MSS, rttNs);
                cwnd[i] = c.cwndSegments();
                t[i] = secondsSinceEpoch();
                assertThat(k()).isCloseTo(k, within(1e-9));
                // cwnd moves towards W_cubic(t + RTT) with a lag of about one RTT: it follows W_cubic(t)
                assertThat(cwnd[i]).isCloseTo(Cubic.wCubic(t[i], k, 1280), within(0.02 * 1280));
                assertThat(cwnd[i]).isGreaterThan(wEst()); // the CUBIC region, not the Reno-friendly one
            }

            double lastGrowth = Double.MAX_VALUE;
            for (int i = 5; i + 5 < rounds && t[i + 5] < k - 0.5; i += 5)
            {
                final double growth = cwnd[i + 5] - cwnd[i];
                assertThat(growth).as("concave at t=%.1f", t[i]).isPositive().isLessThan(lastGrowth);
                assertThat(cwnd[i + 5]).isLessThan(1280.0);
                lastGrowth = growth;
            }
            lastGrowth = 0;
            for (int i = 0; i + 5 < rounds; i++)
            {
                if (t[i] > k + 0.5 && (i % 5) == 0)
                {
                    final double growth = cwnd[i + 5] - cwnd[i];
                    assertThat(growth).as("convex at t=%.1f", t[i]).isGreaterThan(lastGrowth);
                    lastGrowth = growth;
                }
            }
            final int atK = (int)Math.round(k * 10) - 1;
            assertThat(cwnd[atK]).isCloseTo(1280.0, within(0.01 * 1280));
            assertThat(cwnd[rounds - 1]).isGreaterThan(1280 + 0.5 * 0.4 * k * k * k);
        }

        @Test
        void avoidance_oneAck_growsTowardsWCubicOneSrttAhead()
        {
            lossAtSegments(1280, 100 * MS); // every sample 100 ms: SRTT = 100 ms
            c.recoveryExit();
            c.ack(2 * MSS); // t = 0: W_cubic(0) = cwnd_epoch, so this ACK is Reno-friendly
            final double cwndSegments = c.cwndSegments();
            final int before = c.cwnd();

            c.advanceNs(50 * MS).ack(2 * MSS);
            final double target = Cubic.wCubic(0.05 + 0.1, k(), wMax());
            final double expected = 2 * MSS * (target - cwndSegments) / cwndSegments;
            assertThat(expected).isGreaterThan(50.0);
            assertThat((double)(c.cwnd() - before)).isCloseTo(expected, within(1.0));
        }

        @Test
        void renoFriendly_shortRttSmallWindow_cwndFollowsWEst()
        {
            final long rttNs = MS;
            lossAtSegments(20, rttNs);
            c.recoveryExit();
            assertThat(c.cwnd()).isEqualTo(14 * MSS);

            double before = c.cwndSegments();
            for (int i = 0; i < 40; i++)
            {
                c.round(MSS, rttNs);
                final double cwnd = c.cwndSegments();
                assertThat(c.cwnd()).isEqualTo((int)(wEst() * MSS));
                assertThat(cwnd).isGreaterThan(Cubic.wCubic(secondsSinceEpoch(), k(), wMax()) + 0.4 * i);
                final double growth = cwnd - before;
                if (cwnd < 19.0)
                {
                    // alpha_cubic = 0.53 segment per RTT below cwnd_prior
                    assertThat(growth).isBetween(0.95 * Cubic.ALPHA, Cubic.ALPHA * 1.001);
                }
                else if (before > 21.0)
                {
                    // Reno's one segment per RTT once W_est reached cwnd_prior
                    assertThat(growth).isBetween(0.95, 1.001);
                }
                before = cwnd;
            }
            assertThat(before).isGreaterThan(40.0);
        }

        @ParameterizedTest
        @ValueSource(longs = {0L, Long.MAX_VALUE - 500_000_000L, -1_000_000_000_000L})
        void target_farAboveCwnd_clampedToOneAndHalfCwnd(final long startNs)
        {
            c = new CcHarness(CUBIC, MSS, startNs);
            lossAtSegments(80, 100 * MS);
            c.recoveryExit();
            c.ack(2 * MSS); // starts the epoch
            final int before = c.cwnd();

            c.advanceNs(1_000 * SECOND_NS).ack(2 * MSS, before, 100 * MS); // W_cubic(1000 s) is 4e8 segments
            assertThat(secondsSinceEpoch()).isCloseTo(1_000.0, within(1e-6));
            // target = 1.5*cwnd: (target - cwnd)/cwnd per segment = 0.5 segment per segment acknowledged
            assertThat(c.cwnd() - before).isBetween(MSS - 1, MSS);
        }

        @Test
        void target_belowCwnd_noGrowthAndNoShrink()
        {
            lossAtSegments(80, 100 * MS);
            c.recoveryExit();
            c.ack(2 * MSS);
            // put cwnd far above the curve and W_est (as after a window the curve has not reached yet)
            c.buffer.putInt(CcHarness.OFFSET + Cubic.CWND_OFFSET, 100 * MSS);
            c.advanceNs(100 * MS).ack(2 * MSS);
            assertThat(c.cwnd()).isEqualTo(100 * MSS);
        }
    }

    @Nested
    class Acks
    {
        @Test
        void avoidance_applicationLimited_noGrowthAndEpochRestartsLater()
        {
            lossAtSegments(80, 100 * MS);
            c.recoveryExit();
            c.round(2 * MSS, 100 * MS);
            final int cwnd = c.cwnd();
            final double kBefore = k();

            c.advanceNs(100 * MS).ack(2 * MSS, cwnd - MSS, 100 * MS);
            assertThat(c.cwnd()).isEqualTo(cwnd);
            assertThat(CUBIC.isEpochStarted(c.buffer, CcHarness.OFFSET)).isFalse();

            c.advanceNs(5 * SECOND_NS).ack(2 * MSS);
            assertThat(CUBIC.epochStartNs(c.buffer, CcHarness.OFFSET)).isEqualTo(c.nowNs);
            assertThat(wMax()).isEqualTo(80.0);
            assertThat(k()).isCloseTo(Math.cbrt((80.0 - (double)cwnd / MSS) / Cubic.C), within(1e-9));
            assertThat(k()).isLessThan(kBefore);
        }

        @Test
        void onAck_rttSamples_smoothedWithGainOneEighth()
        {
            c.ack(MSS, c.cwnd(), 100 * MS);
            assertThat(CUBIC.srttNs(c.buffer, CcHarness.OFFSET)).isEqualTo(100 * MS);
            c.ack(MSS, c.cwnd(), 200 * MS);
            assertThat(CUBIC.srttNs(c.buffer, CcHarness.OFFSET)).isEqualTo(112_500_000L);
            c.ack(MSS, c.cwnd(), -1);
            assertThat(CUBIC.srttNs(c.buffer, CcHarness.OFFSET)).isEqualTo(112_500_000L);
        }

        @Test
        void slowStart_beforeAnyLoss_growsLikeReno()
        {
            c.round(2 * MSS, 10 * MS);
            assertThat(c.cwnd()).isEqualTo(2 * 14_600);
            assertThat(c.ssthresh()).isEqualTo(Integer.MAX_VALUE);
            assertThat(CUBIC.isEpochStarted(c.buffer, CcHarness.OFFSET)).isFalse();
        }
    }

    @Test
    void name_isCubic()
    {
        assertThat(CUBIC.name()).isEqualTo("cubic");
        assertThat(CUBIC).hasToString("cubic");
    }
}
