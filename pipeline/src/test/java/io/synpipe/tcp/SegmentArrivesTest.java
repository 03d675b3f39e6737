package io.synpipe.tcp;

import io.synpipe.wire.Segment;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.synpipe.tcp.EngineFixture.LOCAL_ISS;
import static io.synpipe.tcp.EngineFixture.REMOTE_ISS;
import static io.synpipe.tcp.EngineFixture.WINDOW;
import static io.synpipe.tcp.EngineFixture.fromPeer;
import static io.synpipe.wire.Segment.ACK;
import static io.synpipe.wire.Segment.FIN;
import static io.synpipe.wire.Segment.PSH;
import static io.synpipe.wire.Segment.RST;
import static io.synpipe.wire.Segment.SYN;
import static org.assertj.core.api.Assertions.assertThat;

/** RFC 9293 §3.10.7 beyond the diagram's arrows: resets, odd flags, RFC 5961 defences, TIME-WAIT, options. */
class SegmentArrivesTest
{
    private final EngineFixture f = new EngineFixture();

    @Nested
    class NoConnection
    {
        @Test
        void closed_synFin_rstAckCoversBoth()
        {
            f.send(SYN | FIN, 1000, 0);
            f.expectPlain(RST | ACK, 0, 1002, 0);
            assertThat(f.engine.counters().get(EngineEvent.CLOSED_RST_SENT)).isEqualTo(1);
        }

        @Test
        void closed_noFlags_rstAck()
        {
            f.send(0, 1000, 0);
            f.expectPlain(RST | ACK, 0, 1000, 0);
        }

        @Test
        void closed_ack_rstWithSeqFromAck()
        {
            f.send(ACK, 1000, 0xFFFF_FFFF);
            f.expectPlain(RST, 0xFFFF_FFFF, 0, 0);
        }

        @Test
        void closed_dataWithoutAck_rstAckCoversData()
        {
            final byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
            f.send(fromPeer(PSH, 0xFFFF_FFFE, 0).payload(new UnsafeBuffer(data), 0, data.length));
            f.expectPlain(RST | ACK, 0, 3, 0);
        }

        @Test
        void closed_rst_ignored()
        {
            f.send(RST, 1000, 0);
            f.send(RST | ACK, 1000, 5);
            f.expectNothing();
            assertThat(f.engine.counters().get(EngineEvent.CLOSED_RST_IGNORED)).isEqualTo(2);
        }

        @Test
        void closed_synRst_ignored()
        {
            f.send(SYN | RST, 1000, 0);
            f.expectNothing();
        }

        @Test
        void listen_synFin_dropped()
        {
            f.listening();
            f.send(SYN | FIN, 1000, 0);
            f.expectNothing();
            assertThat(f.engine.connectionCount()).isZero();
            assertThat(f.engine.counters().get(EngineEvent.SYN_DROPPED_SYN_FIN)).isEqualTo(1);
        }

        @Test
        void listen_synRst_ignored()
        {
            f.listening();
            f.send(SYN | RST, 1000, 0);
            f.expectNothing();
            assertThat(f.engine.connectionCount()).isZero();
        }

        @Test
        void listen_ack_rst()
        {
            f.listening();
            f.send(ACK, 1000, 77);
            f.expectPlain(RST, 77, 0, 0);
        }

        @Test
        void listen_finOnly_dropped()
        {
            f.listening();
            f.send(FIN, 1000, 0);
            f.expectNothing();
            assertThat(f.engine.counters().get(EngineEvent.LISTEN_OTHER_DROPPED)).isEqualTo(1);
        }

        @Test
        void listen_wildcardAddressAndPort_acceptsAnyDestination()
        {
            f.engine.listen(0, 0, 0);
            f.send(fromPeer(SYN, 1000, 0).dstPort(12_345));
            final Segment synAck = f.sent.poll();
            assertThat(synAck.flags()).isEqualTo(SYN | ACK);
            assertThat(synAck.srcPort()).isEqualTo(12_345);
        }

        @Test
        void listen_tableFull_synDroppedAndCounted()
        {
            final EngineFixture small = new EngineFixture(c -> c.maxConnections(1));
            small.listening();
            small.send(SYN, 1000, 0);
            small.expect(SYN | ACK, LOCAL_ISS, 1001);
            small.send(fromPeer(SYN, 2000, 0).srcPort(40_000));
            small.expectNothing();
            assertThat(small.engine.counters().get(EngineEvent.SYN_DROPPED_TABLE_FULL)).isEqualTo(1);
        }
    }

    @Nested
    class DeferredAccept
    {
        @Test
        void synReceived_deferredThenAccepted_sendsSynAckOnlyThen()
        {
            f.synDecision = TcpHandler.DEFER;
            f.listening();
            f.send(SYN, REMOTE_ISS, 0);
            f.expectNothing();
            f.send(SYN, REMOTE_ISS, 0);
            f.expectNothing();
            assertThat(f.engine.accept(f.handle, f.nowNs)).isTrue();
            f.expect(SYN | ACK, LOCAL_ISS, REMOTE_ISS + 1);
            f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void synReceived_deferredThenRefused_sendsRstAck()
        {
            f.synDecision = TcpHandler.DEFER;
            f.listening();
            f.send(SYN, REMOTE_ISS, 0);
            assertThat(f.engine.refuse(f.handle)).isTrue();
            f.expectPlain(RST | ACK, 0, REMOTE_ISS + 1, 0);
            assertThat(f.closeReason).isEqualTo(CloseReason.REFUSED_BY_APPLICATION);
            assertThat(f.engine.connectionCount()).isZero();
        }

        @Test
        void synReceived_deferredTooLong_refused()
        {
            f.synDecision = TcpHandler.DEFER;
            f.listening();
            f.send(SYN, REMOTE_ISS, 0);
            f.advanceMs(10_010);
            f.expectPlain(RST | ACK, 0, REMOTE_ISS + 1, 0);
            assertThat(f.engine.counters().get(EngineEvent.ACCEPT_TIMEOUT)).isEqualTo(1);
        }

        @Test
        void synReceived_refusedAtOnce_sendsRstAck()
        {
            f.synDecision = TcpHandler.REFUSE;
            f.listening();
            f.send(SYN, REMOTE_ISS, 0);
            f.expectPlain(RST | ACK, 0, REMOTE_ISS + 1, 0);
        }

        @Test
        void synReceived_blindAckWhileDeferred_rejected()
        {
            f.synDecision = TcpHandler.DEFER;
            f.listening();
            f.send(SYN, REMOTE_ISS, 0);
            f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
            f.expectPlain(RST, LOCAL_ISS + 1, 0, 0);
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
        }
    }

    @Nested
    class SynReceivedEdges
    {
        @Test
        void synReceived_duplicateSyn_resendsSynAck()
        {
            f.synReceived();
            f.send(SYN, REMOTE_ISS, 0);
            f.expect(SYN | ACK, LOCAL_ISS, REMOTE_ISS + 1);
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
        }

        @Test
        void synReceived_ackTooHigh_sendsRst()
        {
            f.synReceived();
            f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 5);
            f.expectPlain(RST, LOCAL_ISS + 5, 0, 0);
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
        }

        @Test
        void synReceived_ackOfIss_sendsRst()
        {
            f.synReceived();
            f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS);
            f.expectPlain(RST, LOCAL_ISS, 0, 0);
        }

        @Test
        void synReceived_newSynInWindowFromPassiveOpen_returnsToListen()
        {
            f.synReceived();
            f.send(SYN, REMOTE_ISS + 10, 0);
            assertThat(f.state()).isEqualTo(TcpState.CLOSED);
            assertThat(f.transitions(TcpState.SYN_RECEIVED, TcpState.LISTEN)).isEqualTo(1);
        }

        @Test
        void synReceived_synAckRetransmitted_resendsSynAckUntilGivingUp()
        {
            final EngineFixture g = new EngineFixture(c -> c.synAckRetries(2));
            g.synReceived();
            g.advanceMs(1_005);
            g.expect(SYN | ACK, LOCAL_ISS, REMOTE_ISS + 1);
            g.advanceMs(2_005);
            g.expect(SYN | ACK, LOCAL_ISS, REMOTE_ISS + 1);
            g.advanceMs(4_005);
            g.expectNothing();
            assertThat(g.closeReason).isEqualTo(CloseReason.TIMEOUT);
            assertThat(g.engine.connectionCount()).isZero();
            assertThat(g.engine.counters().get(EngineEvent.RETRANSMIT_SYN_ACK)).isEqualTo(2);
        }
    }

    @Nested
    class SynSentEdges
    {
        @Test
        void synSent_rstWithAcceptableAck_refused()
        {
            f.synSent();
            f.send(RST | ACK, 0, LOCAL_ISS + 1);
            f.expectNothing();
            assertThat(f.closeReason).isEqualTo(CloseReason.REFUSED);
            assertThat(f.transitions(TcpState.SYN_SENT, TcpState.CLOSED)).isEqualTo(1);
        }

        @Test
        void synSent_rstWithoutAck_ignored()
        {
            f.synSent();
            f.send(RST, 0, 0);
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void synSent_badAck_sendsRstAndStays()
        {
            f.synSent();
            f.send(SYN | ACK, REMOTE_ISS, LOCAL_ISS + 2);
            f.expectPlain(RST, LOCAL_ISS + 2, 0, 0);
            assertThat(f.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void synSent_noAnswer_retransmitsSynWithBackoffThenTimesOut()
        {
            final EngineFixture g = new EngineFixture(c -> c.synRetries(2));
            g.synSent();
            g.advanceMs(999);
            g.expectNothing();
            g.advanceMs(6);
            g.expect(SYN, LOCAL_ISS, 0);
            g.advanceMs(1_990);
            g.expectNothing();
            g.advanceMs(20);
            g.expect(SYN, LOCAL_ISS, 0);
            g.advanceMs(4_010);
            g.expectNothing();
            assertThat(g.closeReason).isEqualTo(CloseReason.TIMEOUT);
            assertThat(g.engine.connectionCount()).isZero();
        }

        @Test
        void synSent_synAckWithOptions_negotiatesWindowScaleTimestampsSack()
        {
            f.synSent();
            final Segment synAck = fromPeer(SYN | ACK, REMOTE_ISS, LOCAL_ISS + 1).window(1000);
            synAck.options().mss(1400).windowScale(3).sackPermitted(true).timestamps(5555, 0);
            f.send(synAck);
            final Segment ack = f.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1);
            assertThat(ack.window()).isEqualTo((256 * 1024) >> 7);
            assertThat(ack.options().hasTimestamps()).isTrue();
            assertThat(ack.options().tsEcr()).isEqualTo(5555);
            assertThat(ack.options().mss()).isEqualTo(-1);
            assertThat(f.engine.tcb(f.handle).sndMss()).isEqualTo(1400);
            assertThat(f.engine.tcb(f.handle).sndWindowShift()).isEqualTo(3);
            assertThat(f.engine.tcb(f.handle).sndWnd()).isEqualTo(1000);
        }
    }

    @Nested
    class BlindAttacks
    {
        @Test
        void established_rstInWindowNotExact_challengeAck()
        {
            f.established();
            f.send(RST, REMOTE_ISS + 100, 0);
            f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1, WINDOW);
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(f.engine.counters().get(EngineEvent.RST_IN_WINDOW_NOT_EXACT)).isEqualTo(1);
        }

        @Test
        void established_rstExact_resets()
        {
            f.established();
            f.send(RST, REMOTE_ISS + 1, 0);
            f.expectNothing();
            assertThat(f.closeReason).isEqualTo(CloseReason.RESET_BY_PEER);
            assertThat(f.transitions(TcpState.ESTABLISHED, TcpState.CLOSED)).isEqualTo(1);
        }

        @Test
        void established_rstOutOfWindow_silentlyDropped()
        {
            f.established();
            f.send(RST, REMOTE_ISS + 1 + 256 * 1024 + 10, 0);
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void established_syn_challengeAck()
        {
            f.established();
            f.send(SYN, REMOTE_ISS + 50, 0);
            f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1, WINDOW);
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(f.engine.counters().get(EngineEvent.SYN_IN_SYNCHRONIZED_STATE)).isEqualTo(1);
        }

        @Test
        void established_challengeAcks_rateLimitedPerSecond()
        {
            final EngineFixture g = new EngineFixture(c -> c.challengeAckLimitPerSecond(2));
            g.established();
            for (int i = 0; i < 5; i++)
            {
                g.send(RST, REMOTE_ISS + 100 + i, 0);
            }
            assertThat(g.sent).hasSize(2);
            assertThat(g.engine.counters().get(EngineEvent.CHALLENGE_ACK_RATE_LIMITED)).isEqualTo(3);
            g.sent.clear();
            g.advanceMs(1_001);
            g.send(RST, REMOTE_ISS + 200, 0);
            assertThat(g.sent).hasSize(1);
        }

        @Test
        void established_ackOfUnsentData_ackedAndDropped()
        {
            f.established();
            f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1000);
            f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1, WINDOW);
            assertThat(f.engine.counters().get(EngineEvent.ACK_UNACCEPTABLE)).isEqualTo(1);
        }

        @Test
        void established_oldSegment_ackedAndDropped()
        {
            f.established();
            f.send(ACK | PSH, REMOTE_ISS - 100, LOCAL_ISS + 1);
            f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1, WINDOW);
            assertThat(f.engine.counters().get(EngineEvent.SEGMENT_UNACCEPTABLE)).isEqualTo(1);
        }

        @Test
        void established_retransmittedSynAck_reAcked()
        {
            f.synSent();
            f.send(SYN | ACK, REMOTE_ISS, LOCAL_ISS + 1);
            f.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1);
            final Segment again = fromPeer(SYN | ACK, REMOTE_ISS, LOCAL_ISS + 1);
            f.send(again);
            f.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1);
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
        }
    }

    @Nested
    class Data
    {
        @Test
        void established_inOrderData_deliveredAndAckDelayedAtMost40ms()
        {
            f.established();
            final byte[] data = "abc".getBytes(StandardCharsets.US_ASCII);
            f.send(fromPeer(ACK | PSH, REMOTE_ISS + 1, LOCAL_ISS + 1).payload(new UnsafeBuffer(data), 0, 3));
            assertThat(f.receivedText()).isEqualTo("abc");
            f.expectNothing();
            f.advanceMs(39);
            f.expectNothing();
            f.advanceMs(3);
            f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 4, WINDOW);
            assertThat(f.engine.counters().get(EngineEvent.DELAYED_ACK_SENT)).isEqualTo(1);
        }

        @Test
        void established_secondSegment_ackedAtOnce()
        {
            f.established();
            final byte[] data = "abc".getBytes(StandardCharsets.US_ASCII);
            f.send(fromPeer(ACK | PSH, REMOTE_ISS + 1, LOCAL_ISS + 1).payload(new UnsafeBuffer(data), 0, 3));
            f.send(fromPeer(ACK | PSH, REMOTE_ISS + 4, LOCAL_ISS + 1).payload(new UnsafeBuffer(data), 0, 3));
            f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 7, WINDOW);
            f.advanceMs(100);
            f.expectNothing();
        }

        @Test
        void established_outOfOrderData_dupAckAtOnceThenDeliveredWhenGapFills()
        {
            f.established();
            final byte[] data = "abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
            f.send(fromPeer(ACK | PSH, REMOTE_ISS + 10, LOCAL_ISS + 1).payload(new UnsafeBuffer(data), 9, 3));
            f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1, WINDOW);
            assertThat(f.received).isEmpty();
            f.send(fromPeer(ACK | PSH, REMOTE_ISS + 1, LOCAL_ISS + 1).payload(new UnsafeBuffer(data), 0, 9));
            f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 13, WINDOW);
            final StringBuilder all = new StringBuilder();
            f.received.forEach(b -> all.append(new String(b, StandardCharsets.US_ASCII)));
            assertThat(all.toString()).isEqualTo("abcdefghijkl");
        }

        @Test
        void established_partlyOldData_trimmedAndOnlyNewDelivered()
        {
            f.established();
            final byte[] data = "abcdef".getBytes(StandardCharsets.US_ASCII);
            f.send(fromPeer(ACK | PSH, REMOTE_ISS + 1, LOCAL_ISS + 1).payload(new UnsafeBuffer(data), 0, 3));
            f.expectNothing();
            f.send(fromPeer(ACK | PSH, REMOTE_ISS + 1, LOCAL_ISS + 1).payload(new UnsafeBuffer(data), 0, 6));
            f.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 7);
            assertThat(f.receivedText()).isEqualTo("abcdef");
        }

        @Test
        void established_send_segmentsAtSndNxt()
        {
            f.established();
            final byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
            assertThat(f.engine.send(f.handle, new UnsafeBuffer(data), 0, 5, f.nowNs)).isEqualTo(5);
            final Segment s = f.expect(ACK | PSH, LOCAL_ISS + 1, REMOTE_ISS + 1);
            assertThat(s.payloadLength()).isEqualTo(5);
        }

        @Test
        void finWait2_dataFromPeer_stillDelivered_halfClose()
        {
            f.finWait2();
            final byte[] data = "late".getBytes(StandardCharsets.US_ASCII);
            f.send(fromPeer(ACK | PSH, REMOTE_ISS + 1, LOCAL_ISS + 2).payload(new UnsafeBuffer(data), 0, 4));
            assertThat(f.receivedText()).isEqualTo("late");
            f.send(FIN | ACK, REMOTE_ISS + 5, LOCAL_ISS + 2);
            f.expect(ACK, LOCAL_ISS + 2, REMOTE_ISS + 6);
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void closeWait_send_stillAllowed_halfClose()
        {
            f.closeWait();
            final byte[] data = "reply".getBytes(StandardCharsets.US_ASCII);
            assertThat(f.engine.send(f.handle, new UnsafeBuffer(data), 0, 5, f.nowNs)).isEqualTo(5);
            f.expect(ACK | PSH, LOCAL_ISS + 1, REMOTE_ISS + 2);
        }

        @Test
        void established_dataWithFin_deliveredThenPeerClosed_oneAck()
        {
            f.established();
            final byte[] data = "bye".getBytes(StandardCharsets.US_ASCII);
            f.send(fromPeer(ACK | PSH | FIN, REMOTE_ISS + 1, LOCAL_ISS + 1).payload(new UnsafeBuffer(data), 0, 3));
            f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 5, WINDOW);
            f.expectNothing();
            assertThat(f.receivedText()).isEqualTo("bye");
            assertThat(f.events).endsWith("peerClosed");
            assertThat(f.state()).isEqualTo(TcpState.CLOSE_WAIT);
        }
    }

    @Nested
    class TimeWait
    {
        @Test
        void timeWait_retransmittedFin_reAckedAndTimerRestarted()
        {
            f.timeWait();
            f.advanceMs(50_000);
            f.send(FIN | ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
            f.expectPlain(ACK, LOCAL_ISS + 2, REMOTE_ISS + 2, WINDOW);
            f.advanceMs(50_000);
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
            f.advanceMs(10_010);
            assertThat(f.state()).isEqualTo(TcpState.CLOSED);
        }

        @Test
        void timeWait_rst_ignored_rfc1337()
        {
            f.timeWait();
            f.send(RST, REMOTE_ISS + 2, 0);
            f.send(RST | ACK, REMOTE_ISS + 2, LOCAL_ISS + 2);
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
            assertThat(f.engine.counters().get(EngineEvent.TIME_WAIT_RST_IGNORED)).isEqualTo(2);
        }

        @Test
        void timeWait_synWithHigherSeq_reopensConnection()
        {
            f.timeWait();
            final long old = f.handle;
            f.send(SYN, REMOTE_ISS + 100_000, 0);
            f.expect(SYN | ACK, LOCAL_ISS, REMOTE_ISS + 100_001);
            assertThat(f.engine.state(old)).isEqualTo(TcpState.CLOSED);
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
            assertThat(f.engine.counters().get(EngineEvent.TIME_WAIT_REOPENED)).isEqualTo(1);
        }

        @Test
        void timeWait_synWithOldSeq_acked()
        {
            f.timeWait();
            f.send(SYN, REMOTE_ISS - 5, 0);
            f.expectPlain(ACK, LOCAL_ISS + 2, REMOTE_ISS + 2, WINDOW);
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void timeWait_msl_isConfigurable()
        {
            final EngineFixture g = new EngineFixture(c -> c.mslMs(100));
            g.timeWait();
            g.advanceMs(195);
            assertThat(g.state()).isEqualTo(TcpState.TIME_WAIT);
            g.advanceMs(10);
            assertThat(g.state()).isEqualTo(TcpState.CLOSED);
        }
    }

    @Nested
    class Closing
    {
        @Test
        void finWait1_finNeverAcked_retransmittedThenGivesUpWithRst()
        {
            final EngineFixture g = new EngineFixture(c -> c.finRetries(1));
            g.finWait1();
            g.advanceMs(1_005);
            g.expect(FIN | ACK, LOCAL_ISS + 1, REMOTE_ISS + 1);
            g.advanceMs(2_005);
            g.expectPlain(RST, LOCAL_ISS + 2, 0, 0);
            assertThat(g.closeReason).isEqualTo(CloseReason.TIMEOUT);
        }

        @Test
        void finWait2_peerSilent_timesOut()
        {
            final EngineFixture g = new EngineFixture(c -> c.finWait2TimeoutMs(5_000));
            g.finWait2();
            g.advanceMs(5_010);
            assertThat(g.state()).isEqualTo(TcpState.CLOSED);
            assertThat(g.closeReason).isEqualTo(CloseReason.FIN_WAIT_2_TIMEOUT);
        }

        @Test
        void established_abort_sendsRst()
        {
            f.established();
            assertThat(f.engine.abort(f.handle)).isTrue();
            f.expectPlain(RST, LOCAL_ISS + 1, 0, 0);
            assertThat(f.closeReason).isEqualTo(CloseReason.ABORTED);
            assertThat(f.engine.abort(f.handle)).isFalse();
        }

        @Test
        void established_closeTwice_secondRefused()
        {
            f.finWait1();
            assertThat(f.engine.close(f.handle, f.nowNs)).isFalse();
        }
    }

    @Nested
    class Timestamps
    {
        @Test
        void established_pawsOldTimestamp_ackedAndDropped()
        {
            f.listening();
            final Segment syn = fromPeer(SYN, REMOTE_ISS, 0);
            syn.options().timestamps(1000, 0);
            f.send(syn);
            final Segment synAck = f.expect(SYN | ACK, LOCAL_ISS, REMOTE_ISS + 1);
            assertThat(synAck.options().tsEcr()).isEqualTo(1000);
            final Segment ack = fromPeer(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
            ack.options().timestamps(1001, synAck.options().tsVal());
            f.send(ack);
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
            final byte[] data = "x".getBytes(StandardCharsets.US_ASCII);
            final Segment old = fromPeer(ACK | PSH, REMOTE_ISS + 1, LOCAL_ISS + 1).payload(new UnsafeBuffer(data), 0, 1);
            old.options().timestamps(999, 0);
            f.send(old);
            final Segment reply = f.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1);
            assertThat(reply.options().tsEcr()).isEqualTo(1001);
            assertThat(f.received).isEmpty();
            assertThat(f.engine.counters().get(EngineEvent.PAWS_REJECTED)).isEqualTo(1);
        }

        @Test
        void established_segmentWithoutTimestampWhenNegotiated_dropped()
        {
            f.listening();
            final Segment syn = fromPeer(SYN, REMOTE_ISS, 0);
            syn.options().timestamps(1000, 0);
            f.send(syn);
            f.sent.clear();
            f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
            assertThat(f.engine.counters().get(EngineEvent.MISSING_TIMESTAMP_DROPPED)).isEqualTo(1);
        }
    }
}
