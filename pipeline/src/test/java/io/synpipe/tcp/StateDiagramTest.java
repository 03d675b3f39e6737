package io.synpipe.tcp;

import io.synpipe.table.ConnectionTable;
import io.synpipe.wire.Segment;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.synpipe.tcp.EngineFixture.LOCAL_HI;
import static io.synpipe.tcp.EngineFixture.LOCAL_ISS;
import static io.synpipe.tcp.EngineFixture.LOCAL_LO;
import static io.synpipe.tcp.EngineFixture.LOCAL_PORT;
import static io.synpipe.tcp.EngineFixture.REMOTE_HI;
import static io.synpipe.tcp.EngineFixture.REMOTE_ISS;
import static io.synpipe.tcp.EngineFixture.REMOTE_LO;
import static io.synpipe.tcp.EngineFixture.REMOTE_PORT;
import static io.synpipe.tcp.EngineFixture.WINDOW;
import static io.synpipe.wire.Segment.ACK;
import static io.synpipe.wire.Segment.FIN;
import static io.synpipe.wire.Segment.RST;
import static io.synpipe.wire.Segment.SYN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per arrow of the RFC 9293 §3.3.2 state diagram, each checking the exact segments sent.
 * Our ISS is 2^32 - 1 and the peer's 2^32 - 2, so every exchange crosses the sequence number wrap.
 */
class StateDiagramTest
{
    private final EngineFixture f = new EngineFixture();

    @Nested
    class Closed
    {
        @Test
        void closed_passiveOpen_entersListen()
        {
            f.listening();
            assertThat(f.transitions(TcpState.CLOSED, TcpState.LISTEN)).isEqualTo(1);
            f.send(SYN, REMOTE_ISS, 0);
            f.expect(SYN | ACK, LOCAL_ISS, REMOTE_ISS + 1);
        }

        @Test
        void closed_activeOpen_sendsSynAndEntersSynSent()
        {
            f.synSent();
            assertThat(f.transitions(TcpState.CLOSED, TcpState.SYN_SENT)).isEqualTo(1);
        }

        @Test
        void closed_activeOpenSyn_carriesAllOptionsWithUnscaledWindow()
        {
            final long h = f.engine.connect(LOCAL_HI, LOCAL_LO, LOCAL_PORT, REMOTE_HI, REMOTE_LO, REMOTE_PORT, f.nowNs);
            assertThat(h).isNotEqualTo(ConnectionTable.NULL_HANDLE);
            final Segment syn = f.expect(SYN, LOCAL_ISS, 0);
            assertThat(syn.window()).isEqualTo(WINDOW);
            assertThat(syn.options().mss()).isEqualTo(1460);
            assertThat(syn.options().windowScale()).isEqualTo(7);
            assertThat(syn.options().sackPermitted()).isTrue();
            assertThat(syn.options().hasTimestamps()).isTrue();
            assertThat(syn.options().tsEcr()).isZero();
        }
    }

    @Nested
    class Listen
    {
        @Test
        void listen_syn_sendsSynAckAndEntersSynReceived()
        {
            f.listening();
            f.send(SYN, REMOTE_ISS, 0);
            final Segment synAck = f.expect(SYN | ACK, LOCAL_ISS, REMOTE_ISS + 1);
            // the peer offered no options: we answer with our MSS only, window unscaled
            assertThat(synAck.window()).isEqualTo(WINDOW);
            assertThat(synAck.options().mss()).isEqualTo(1460);
            assertThat(synAck.options().windowScale()).isEqualTo(-1);
            assertThat(synAck.options().sackPermitted()).isFalse();
            assertThat(synAck.options().hasTimestamps()).isFalse();
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
            assertThat(f.transitions(TcpState.LISTEN, TcpState.SYN_RECEIVED)).isEqualTo(1);
        }

        @Test
        void listen_send_sendsSynAndEntersSynSent()
        {
            f.listening();
            f.handle = f.engine.connectFromListener(f.listenerId, REMOTE_HI, REMOTE_LO, REMOTE_PORT, f.nowNs);
            f.expect(SYN, LOCAL_ISS, 0);
            assertThat(f.state()).isEqualTo(TcpState.SYN_SENT);
            assertThat(f.transitions(TcpState.LISTEN, TcpState.SYN_SENT)).isEqualTo(1);
            // the listener became the connection: another peer's SYN now meets a closed port
            final Segment other = EngineFixture.fromPeer(SYN, 1000, 0).srcPort(REMOTE_PORT + 1);
            f.send(other);
            final Segment rst = f.sent.poll();
            assertThat(rst.flags()).isEqualTo(RST | ACK);
            assertThat(rst.ack()).isEqualTo(1001);
        }

        @Test
        void listen_close_deletesListenerAndEntersClosed()
        {
            f.listening();
            assertThat(f.engine.closeListener(f.listenerId)).isTrue();
            assertThat(f.transitions(TcpState.LISTEN, TcpState.CLOSED)).isEqualTo(1);
            f.send(SYN, REMOTE_ISS, 0);
            f.expectPlain(RST | ACK, 0, REMOTE_ISS + 1, 0);
        }
    }

    @Nested
    class SynReceived
    {
        @Test
        void synReceived_rstOfPassiveOpen_returnsToListen()
        {
            f.synReceived();
            f.send(RST, REMOTE_ISS + 1, 0);
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.CLOSED);
            assertThat(f.transitions(TcpState.SYN_RECEIVED, TcpState.LISTEN)).isEqualTo(1);
            assertThat(f.closeReason).isEqualTo(CloseReason.RESET_BEFORE_ESTABLISHED);
            assertThat(f.engine.connectionCount()).isZero();
            // still listening: a new SYN is answered
            f.send(SYN, 5000, 0);
            f.expect(SYN | ACK, LOCAL_ISS, 5001);
        }

        @Test
        void synReceived_rstOfActiveOpen_closesAsRefused()
        {
            // simultaneous open: SYN-SENT -> SYN-RECEIVED, then the peer resets (RFC 9293 §3.10.7.4 second)
            f.synSent();
            f.send(SYN, REMOTE_ISS, 0);
            f.expect(SYN | ACK, LOCAL_ISS, REMOTE_ISS + 1);
            f.send(RST, REMOTE_ISS + 1, 0);
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.CLOSED);
            assertThat(f.transitions(TcpState.SYN_RECEIVED, TcpState.CLOSED)).isEqualTo(1);
            assertThat(f.transitions(TcpState.SYN_RECEIVED, TcpState.LISTEN)).isZero();
            assertThat(f.closeReason).isEqualTo(CloseReason.REFUSED);
        }

        @Test
        void synReceived_ackOfSyn_entersEstablished()
        {
            f.synReceived();
            f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(f.transitions(TcpState.SYN_RECEIVED, TcpState.ESTABLISHED)).isEqualTo(1);
            assertThat(f.events).containsExactly("syn", "established");
        }

        @Test
        void synReceived_close_sendsFinAndEntersFinWait1()
        {
            f.synReceived();
            assertThat(f.engine.close(f.handle, f.nowNs)).isTrue();
            f.expectPlain(FIN | ACK, LOCAL_ISS + 1, REMOTE_ISS + 1, WINDOW);
            assertThat(f.state()).isEqualTo(TcpState.FIN_WAIT_1);
            assertThat(f.transitions(TcpState.SYN_RECEIVED, TcpState.FIN_WAIT_1)).isEqualTo(1);
        }
    }

    @Nested
    class SynSent
    {
        @Test
        void synSent_syn_sendsSynAckAndEntersSynReceived()
        {
            f.synSent();
            f.send(SYN, REMOTE_ISS, 0);
            final Segment synAck = f.expect(SYN | ACK, LOCAL_ISS, REMOTE_ISS + 1);
            assertThat(synAck.options().mss()).isEqualTo(1460);
            assertThat(f.state()).isEqualTo(TcpState.SYN_RECEIVED);
            assertThat(f.transitions(TcpState.SYN_SENT, TcpState.SYN_RECEIVED)).isEqualTo(1);
        }

        @Test
        void synSent_synAck_sendsAckAndEntersEstablished()
        {
            f.synSent();
            f.send(SYN | ACK, REMOTE_ISS, LOCAL_ISS + 1);
            f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1, WINDOW);
            assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(f.transitions(TcpState.SYN_SENT, TcpState.ESTABLISHED)).isEqualTo(1);
            assertThat(f.events).containsExactly("established");
        }

        @Test
        void synSent_close_deletesTcbAndEntersClosed()
        {
            f.synSent();
            assertThat(f.engine.close(f.handle, f.nowNs)).isTrue();
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.CLOSED);
            assertThat(f.transitions(TcpState.SYN_SENT, TcpState.CLOSED)).isEqualTo(1);
            assertThat(f.closeReason).isEqualTo(CloseReason.CLOSED_BEFORE_ESTABLISHED);
            assertThat(f.engine.connectionCount()).isZero();
        }
    }

    @Nested
    class Established
    {
        @Test
        void established_close_sendsFinAndEntersFinWait1()
        {
            f.finWait1();
            assertThat(f.transitions(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1)).isEqualTo(1);
        }

        @Test
        void established_fin_sendsAckAndEntersCloseWait()
        {
            f.closeWait();
            assertThat(f.transitions(TcpState.ESTABLISHED, TcpState.CLOSE_WAIT)).isEqualTo(1);
            assertThat(f.events).endsWith("peerClosed");
        }
    }

    @Nested
    class FinWait1
    {
        @Test
        void finWait1_ackOfFin_entersFinWait2()
        {
            f.finWait2();
            assertThat(f.transitions(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2)).isEqualTo(1);
        }

        @Test
        void finWait1_fin_sendsAckAndEntersClosing()
        {
            f.closing();
            assertThat(f.transitions(TcpState.FIN_WAIT_1, TcpState.CLOSING)).isEqualTo(1);
        }

        @Test
        void finWait1_finWithAckOfFin_sendsAckAndEntersTimeWait()
        {
            f.finWait1();
            f.send(FIN | ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
            f.expectPlain(ACK, LOCAL_ISS + 2, REMOTE_ISS + 2, WINDOW);
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
            assertThat(f.transitions(TcpState.FIN_WAIT_1, TcpState.TIME_WAIT)).isEqualTo(1);
            assertThat(f.transitions(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2)).isZero();
            assertThat(f.closeReason).isEqualTo(CloseReason.NORMAL);
        }
    }

    @Nested
    class FinWait2
    {
        @Test
        void finWait2_fin_sendsAckAndEntersTimeWait()
        {
            f.timeWait();
            assertThat(f.transitions(TcpState.FIN_WAIT_2, TcpState.TIME_WAIT)).isEqualTo(1);
            assertThat(f.events).endsWith("peerClosed", "closed NORMAL");
        }
    }

    @Nested
    class Closing
    {
        @Test
        void closing_ackOfFin_entersTimeWait()
        {
            f.closing();
            f.send(ACK, REMOTE_ISS + 2, LOCAL_ISS + 2);
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
            assertThat(f.transitions(TcpState.CLOSING, TcpState.TIME_WAIT)).isEqualTo(1);
        }
    }

    @Nested
    class CloseWait
    {
        @Test
        void closeWait_close_sendsFinAndEntersLastAck()
        {
            f.lastAck();
            assertThat(f.transitions(TcpState.CLOSE_WAIT, TcpState.LAST_ACK)).isEqualTo(1);
        }
    }

    @Nested
    class LastAck
    {
        @Test
        void lastAck_ackOfFin_deletesTcbAndEntersClosed()
        {
            f.lastAck();
            f.send(ACK, REMOTE_ISS + 2, LOCAL_ISS + 2);
            f.expectNothing();
            assertThat(f.state()).isEqualTo(TcpState.CLOSED);
            assertThat(f.transitions(TcpState.LAST_ACK, TcpState.CLOSED)).isEqualTo(1);
            assertThat(f.closeReason).isEqualTo(CloseReason.NORMAL);
            assertThat(f.engine.connectionCount()).isZero();
        }
    }

    @Nested
    class TimeWait
    {
        @Test
        void timeWait_twoMslTimeout_deletesTcbAndEntersClosed()
        {
            f.timeWait();
            f.advanceMs(59_998);
            assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
            f.advanceMs(4);
            assertThat(f.state()).isEqualTo(TcpState.CLOSED);
            assertThat(f.transitions(TcpState.TIME_WAIT, TcpState.CLOSED)).isEqualTo(1);
            assertThat(f.engine.connectionCount()).isZero();
            f.expectNothing();
        }
    }
}
