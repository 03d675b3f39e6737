package io.synpipe.cc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NewRenoTest
{
    private static final int MSS = 1460;
    private static final long RTT_NS = 50_000_000L;

    private CcHarness c = new CcHarness(NewReno.INSTANCE, MSS, 1_000_000_000L);

    @AfterEach
    void regionOnly()
    {
        assertThat(c.guardsIntact()).isTrue();
    }

    @Nested
    class SlowStart
    {
        @Test
        void slowStart_rttOfPerSegmentAcks_doublesCwnd()
        {
            c.round(MSS, RTT_NS);
            assertThat(c.cwnd()).isEqualTo(2 * 14_600);
            c.round(MSS, RTT_NS);
            assertThat(c.cwnd()).isEqualTo(4 * 14_600);
        }

        @Test
        void slowStart_rttOfDelayedAcks_doublesCwnd()
        {
            // RFC 3465 L = 2: an ACK of two segments counts both
            c.round(2 * MSS, RTT_NS);
            assertThat(c.cwnd()).isEqualTo(2 * 14_600);
        }

        @Test
        void slowStart_stretchAck_growsAtMostTwoMss()
        {
            c.ack(10 * MSS);
            assertThat(c.cwnd()).isEqualTo(14_600 + 2 * MSS);
        }

        @Test
        void slowStart_partialAck_growsByAckedBytes()
        {
            c.ack(100);
            assertThat(c.cwnd()).isEqualTo(14_700);
        }

        @Test
        void slowStart_reachingSsthresh_stopsThereAndCountsTheRestAsAvoidance()
        {
            c.timeout(40_000); // ssthresh 20000, cwnd 1460
            c.round(MSS, RTT_NS); // 2920
            c.round(MSS, RTT_NS); // 5840
            c.round(MSS, RTT_NS); // 11680
            assertThat(c.cwnd()).isEqualTo(11_680);
            c.ack(2 * MSS).ack(2 * MSS).ack(2 * MSS); // 14600, 17520, 20000 + leftover 440 bytes
            assertThat(c.cwnd()).isEqualTo(20_000 + 440 * MSS / 20_000);
            assertThat(c.ssthresh()).isEqualTo(20_000);
        }

        @Test
        void slowStart_applicationLimited_doesNotGrow()
        {
            // half or less of the window in use: RFC 7661 says the window is not validated
            c.ack(MSS, 7_300, -1);
            assertThat(c.cwnd()).isEqualTo(14_600);
            c.ack(MSS, 7_301, -1);
            assertThat(c.cwnd()).isEqualTo(14_600 + MSS);
        }
    }

    @Nested
    class CongestionAvoidance
    {
        @Test
        void avoidance_windowOfPerSegmentAcks_addsAboutOneMss()
        {
            c.congestionEvent(100 * MSS).recoveryExit(); // cwnd = ssthresh = 50 MSS
            final int before = c.cwnd();
            assertThat(before).isEqualTo(50 * MSS);
            c.round(MSS, RTT_NS);
            // one MSS per cwnd of bytes; cwnd grows during the round, so a little under one MSS
            assertThat(c.cwnd() - before).isBetween(MSS - MSS / 40, MSS);
        }

        @Test
        void avoidance_tenWindowsOfDelayedAcks_addsAboutTenMss()
        {
            c.congestionEvent(100 * MSS).recoveryExit();
            final int before = c.cwnd();
            for (int i = 0; i < 10; i++)
            {
                c.round(2 * MSS, RTT_NS);
            }
            assertThat(c.cwnd() - before).isBetween(10 * MSS - MSS / 4, 10 * MSS);
        }

        @Test
        void avoidance_windowAboveMssSquared_carriesFractionsAndNeverStalls()
        {
            // 536*536/cwnd is 0.003 byte per ACK here; the carry still adds up to one MSS per window
            c = new CcHarness(NewReno.INSTANCE, 536, 0);
            c.congestionEvent(200_000_000).recoveryExit();
            final int before = c.cwnd();
            assertThat(before).isEqualTo(100_000_000);
            final int acks = before / 536;
            for (int i = 0; i < acks / 2; i++)
            {
                c.ack(536);
            }
            assertThat(c.cwnd() - before).isBetween(267, 268);
            for (int i = acks / 2; i < acks + 1; i++)
            {
                c.ack(536);
            }
            assertThat(c.cwnd() - before).isBetween(535, 536);
        }

        @Test
        void avoidance_unusedWindow_doesNotGrow()
        {
            c.congestionEvent(100 * MSS).recoveryExit();
            final int cwnd = c.cwnd();
            c.ack(MSS, cwnd - MSS, -1); // a full MSS of the window was unused
            assertThat(c.cwnd()).isEqualTo(cwnd);
            c.ack(MSS, cwnd - MSS + 1, -1);
            assertThat(c.cwnd()).isGreaterThan(cwnd);
        }

        @Test
        void ack_nothingAcked_changesNothing()
        {
            c.ack(0).ack(-5);
            assertThat(c.cwnd()).isEqualTo(14_600);
        }
    }

    @Nested
    class Reductions
    {
        @Test
        void congestionEvent_fullWindow_halvesCwndAndSsthresh()
        {
            c.round(MSS, RTT_NS);
            c.round(MSS, RTT_NS);
            final int flight = c.cwnd();
            c.congestionEvent(flight);
            assertThat(c.ssthresh()).isEqualTo(flight / 2);
            assertThat(c.cwnd()).isEqualTo(flight / 2); // no 3*MSS inflation: the engine adds that
        }

        @Test
        void congestionEvent_usesFlightSizeNotCwnd()
        {
            c.congestionEvent(5_000);
            assertThat(c.ssthresh()).isEqualTo(2 * MSS); // max(2500, 2*MSS)
            assertThat(c.cwnd()).isEqualTo(2 * MSS);
        }

        @Test
        void recoveryExit_afterEvent_cwndIsSsthreshAndAvoidanceFollows()
        {
            c.congestionEvent(80 * MSS).recoveryExit();
            assertThat(c.cwnd()).isEqualTo(40 * MSS);
            assertThat(c.ssthresh()).isEqualTo(40 * MSS);
            c.ack(MSS);
            assertThat(c.cwnd()).isEqualTo(40 * MSS + MSS / 40); // avoidance, not slow start
        }

        @Test
        void recoveryExit_anyCwnd_deflatesToSsthresh()
        {
            c.congestionEvent(80 * MSS);
            c.buffer.putInt(CcHarness.OFFSET + NewReno.CWND_OFFSET, 123_456);
            c.recoveryExit();
            assertThat(c.cwnd()).isEqualTo(40 * MSS);
        }

        @Test
        void timeout_setsLossWindowAndEquation4Ssthresh()
        {
            c.round(MSS, RTT_NS);
            c.timeout(50_000);
            assertThat(c.cwnd()).isEqualTo(MSS);
            assertThat(c.ssthresh()).isEqualTo(25_000);
        }

        @Test
        void timeout_smallFlight_ssthreshFloorsAtTwoMss()
        {
            c.timeout(1_000);
            assertThat(c.ssthresh()).isEqualTo(2 * MSS);
            assertThat(c.cwnd()).isEqualTo(MSS);
        }

        @Test
        void timeout_thenAcks_slowStartsAgain()
        {
            c.timeout(50_000);
            c.ack(MSS);
            assertThat(c.cwnd()).isEqualTo(2 * MSS);
        }
    }

    @Test
    void name_isNewreno()
    {
        assertThat(NewReno.INSTANCE.name()).isEqualTo("newreno");
        assertThat(NewReno.INSTANCE).hasToString("newreno");
    }
}
