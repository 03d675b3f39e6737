package io.synpipe.tcp;

import io.synpipe.wire.Segment;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.synpipe.tcp.EngineFixture.LOCAL_ISS;
import static io.synpipe.tcp.EngineFixture.REMOTE_ISS;
import static io.synpipe.tcp.EngineFixture.WINDOW;
import static io.synpipe.wire.Segment.ACK;
import static io.synpipe.wire.Segment.FIN;
import static io.synpipe.wire.Segment.PSH;
import static io.synpipe.wire.Segment.RST;
import static io.synpipe.wire.Segment.SYN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An ACK owed for the peer's SYN-ACK (RFC 9293 §3.10.7.3) or FIN (§3.10.7.4, eighth) rides on the first segment the
 * application sends from the callback that reports it — its data or its own FIN carry ACK = RCV.NXT — and goes out
 * bare only when the application sends nothing. A connect-then-close is five packets, not seven.
 */
class AckPiggybackTest
{
    private static final UnsafeBuffer HELLO = new UnsafeBuffer("hello".getBytes(StandardCharsets.US_ASCII));

    private final EngineFixture f = new EngineFixture();

    @Test
    void synSent_synAckAndNothingSentFromOnEstablished_bareAck()
    {
        f.synSent();
        f.send(SYN | ACK, REMOTE_ISS, LOCAL_ISS + 1);

        f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1, WINDOW);
        f.expectNothing();
        assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void synSent_synAckAndCloseFromOnEstablished_finCarriesTheAckOfTheSynAck()
    {
        f.onEstablished = h -> f.engine.close(h, f.nowNs);
        f.synSent();
        f.send(SYN | ACK, REMOTE_ISS, LOCAL_ISS + 1);

        f.expectPlain(FIN | ACK, LOCAL_ISS + 1, REMOTE_ISS + 1, WINDOW);
        f.expectNothing();
        assertThat(f.state()).isEqualTo(TcpState.FIN_WAIT_1);
    }

    @Test
    void synSent_synAckAndSendFromOnEstablished_dataCarriesTheAckOfTheSynAck()
    {
        f.onEstablished = h -> assertThat(f.engine.send(h, HELLO, 0, 5, f.nowNs)).isEqualTo(5);
        f.synSent();
        f.send(SYN | ACK, REMOTE_ISS, LOCAL_ISS + 1);

        final Segment data = f.expect(ACK | PSH, LOCAL_ISS + 1, REMOTE_ISS + 1);
        assertThat(data.payloadLength()).isEqualTo(5);
        f.expectNothing();
    }

    @Test
    void synSent_synAckAndAbortFromOnEstablished_ackThenRstSoThePeerCompletesItsHandshake()
    {
        f.onEstablished = h -> f.engine.abort(h);
        f.synSent();
        f.send(SYN | ACK, REMOTE_ISS, LOCAL_ISS + 1);

        f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1, WINDOW);
        f.expect(RST, LOCAL_ISS + 1, 0);
        f.expectNothing();
        assertThat(f.closeReason).isEqualTo(CloseReason.ABORTED);
    }

    @Test
    void established_finAndNothingSentFromOnPeerClosed_bareAck()
    {
        f.established();
        f.send(FIN | ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);

        f.expectPlain(ACK, LOCAL_ISS + 1, REMOTE_ISS + 2, WINDOW);
        f.expectNothing();
        assertThat(f.state()).isEqualTo(TcpState.CLOSE_WAIT);
    }

    @Test
    void established_finAndCloseFromOnPeerClosed_finAcknowledgesTheFin()
    {
        f.onPeerClosed = h -> f.engine.close(h, f.nowNs);
        f.established();
        f.send(FIN | ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);

        f.expectPlain(FIN | ACK, LOCAL_ISS + 1, REMOTE_ISS + 2, WINDOW);
        f.expectNothing();
        assertThat(f.state()).isEqualTo(TcpState.LAST_ACK);
        assertThat(f.transitions(TcpState.CLOSE_WAIT, TcpState.LAST_ACK)).isEqualTo(1);

        f.send(ACK, REMOTE_ISS + 2, LOCAL_ISS + 2);
        assertThat(f.closeReason).isEqualTo(CloseReason.NORMAL);
    }

    @Test
    void established_finAndLastDataThenCloseFromOnPeerClosed_dataAcknowledgesTheFinAndFinFollows()
    {
        f.onPeerClosed = h ->
        {
            f.engine.send(h, HELLO, 0, 5, f.nowNs);
            f.engine.close(h, f.nowNs);
        };
        f.established();
        f.send(FIN | ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);

        final Segment data = f.expect(ACK | PSH, LOCAL_ISS + 1, REMOTE_ISS + 2);
        assertThat(data.payloadLength()).isEqualTo(5);
        f.expect(FIN | ACK, LOCAL_ISS + 6, REMOTE_ISS + 2);
        f.expectNothing();
    }

    @Test
    void established_finAndAbortFromOnPeerClosed_onlyTheRst()
    {
        f.onPeerClosed = h -> f.engine.abort(h);
        f.established();
        f.send(FIN | ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);

        f.expect(RST, LOCAL_ISS + 1, 0);
        f.expectNothing();
        assertThat(f.closeReason).isEqualTo(CloseReason.ABORTED);
    }

    @Test
    void finWait2_finFromThePeer_bareAckAndTimeWait()
    {
        f.finWait2();
        f.send(FIN | ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);

        f.expectPlain(ACK, LOCAL_ISS + 2, REMOTE_ISS + 2, WINDOW);
        f.expectNothing();
        assertThat(f.state()).isEqualTo(TcpState.TIME_WAIT);
    }
}
