package io.synpipe.tcp;

import io.synpipe.wire.Segment;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.synpipe.tcp.EngineFixture.LOCAL_ISS;
import static io.synpipe.tcp.EngineFixture.REMOTE_ISS;
import static io.synpipe.tcp.EngineFixture.fromPeer;
import static io.synpipe.wire.Segment.ACK;
import static io.synpipe.wire.Segment.FIN;
import static io.synpipe.wire.Segment.PSH;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deterministic checks of the sender and receiver against a scripted peer: retransmission timeout and backoff
 * (RFC 6298), Karn's rule, fast retransmit (RFC 5681 §3.2), SACK blocks (RFC 2018), the persist timer, send-buffer
 * wrap. Our ISS is 2^32 - 1, so the first data byte is sequence number 0.
 */
class DataTransferTest
{
    /** The scripted peer offers no MSS option: RFC 9293 §3.7.1 default for IPv4. */
    private static final int MSS = 536;
    private final EngineFixture f = new EngineFixture(c -> c.noDelay(true).sendBufferBytes(8192));
    private final byte[] data = new byte[8 * 1460];

    private int send(final int offset, final int length)
    {
        return f.engine.send(f.handle, new UnsafeBuffer(data), offset, length, f.nowNs);
    }

    private void established()
    {
        for (int i = 0; i < data.length; i++)
        {
            data[i] = (byte)('a' + i % 26);
        }
        f.established();
    }

    @Test
    void established_dataUnacked_retransmittedAfterRtoWithBackoff()
    {
        established();
        assertThat(send(0, 100)).isEqualTo(100);
        f.expect(ACK | PSH, LOCAL_ISS + 1, REMOTE_ISS + 1);
        // RTO after the handshake sample of 0 ns is the 200 ms minimum (RFC 6298 §2.4, configurable)
        f.advanceMs(199);
        f.expectNothing();
        f.advanceMs(3);
        assertThat(f.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1).payloadLength()).isEqualTo(100);
        // RFC 6298 §5.5: the timer backs off to 400 ms
        f.advanceMs(395);
        f.expectNothing();
        f.advanceMs(10);
        assertThat(f.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1).payloadLength()).isEqualTo(100);
        assertThat(f.engine.counters().get(EngineEvent.RETRANSMIT_TIMEOUT)).isEqualTo(2);
        f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 101);
        f.advanceMs(5_000);
        f.expectNothing();
    }

    @Test
    void established_ackOfRetransmittedData_noRttSample_karn()
    {
        established();
        final long rtoBefore = f.engine.tcb(f.handle).rtoNs();
        send(0, 100);
        f.sent.clear();
        f.advanceMs(202);
        f.sent.clear();
        f.advanceMs(50);
        f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 101);
        // Karn: the ACK may be for either transmission, so no sample; SRTT stays as the handshake set it
        assertThat(f.engine.tcb(f.handle).srttNs()).isZero();
        assertThat(f.engine.tcb(f.handle).rtoNs()).isEqualTo(rtoBefore * 2);
    }

    @Test
    void established_ackOfFreshData_sampleSetsSrttAndRto()
    {
        established();
        send(0, 100);
        f.sent.clear();
        f.nowNs += 30_000_000L;
        f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 101);
        assertThat(f.engine.tcb(f.handle).srttNs()).isEqualTo(30_000_000L);
        assertThat(f.engine.tcb(f.handle).rttvarNs()).isEqualTo(15_000_000L);
        // RTO = SRTT + 4 * RTTVAR = 90 ms, below the 200 ms floor
        assertThat(f.engine.tcb(f.handle).rtoNs()).isEqualTo(200_000_000L);
    }

    @Test
    void established_threeDuplicateAcks_fastRetransmitOfFirstUnacked()
    {
        established();
        assertThat(send(0, 4 * MSS)).isEqualTo(4 * MSS);
        for (int i = 0; i < 4; i++)
        {
            f.expect(ACK | (i == 3 ? PSH : 0), LOCAL_ISS + 1 + i * MSS, REMOTE_ISS + 1);
        }
        f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1 + MSS);
        f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1 + MSS);
        f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1 + MSS);
        f.expectNothing();
        f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1 + MSS);
        final Segment rtx = f.expect(ACK, LOCAL_ISS + 1 + MSS, REMOTE_ISS + 1);
        assertThat(rtx.payloadLength()).isEqualTo(MSS);
        assertThat(f.engine.counters().get(EngineEvent.FAST_RETRANSMIT)).isEqualTo(1);
    }

    @Test
    void established_outOfOrderData_ackCarriesSackBlockMostRecentFirst()
    {
        final EngineFixture g = new EngineFixture();
        g.listening();
        final Segment syn = fromPeer(Segment.SYN, REMOTE_ISS, 0);
        syn.options().sackPermitted(true);
        g.send(syn);
        g.expect(Segment.SYN | ACK, LOCAL_ISS, REMOTE_ISS + 1);
        g.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        final byte[] bytes = "0123456789".getBytes(StandardCharsets.US_ASCII);
        g.send(fromPeer(ACK, REMOTE_ISS + 11, LOCAL_ISS + 1).payload(new UnsafeBuffer(bytes), 0, 5));
        Segment ack = g.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1);
        assertThat(ack.options().sackBlockCount()).isEqualTo(1);
        assertThat(ack.options().sackLeft(0)).isEqualTo(REMOTE_ISS + 11);
        assertThat(ack.options().sackRight(0)).isEqualTo(REMOTE_ISS + 16);
        g.send(fromPeer(ACK, REMOTE_ISS + 21, LOCAL_ISS + 1).payload(new UnsafeBuffer(bytes), 0, 5));
        ack = g.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1);
        assertThat(ack.options().sackBlockCount()).isEqualTo(2);
        assertThat(ack.options().sackLeft(0)).isEqualTo(REMOTE_ISS + 21);
        assertThat(ack.options().sackLeft(1)).isEqualTo(REMOTE_ISS + 11);
        // filling the gap delivers everything and clears the blocks
        g.send(fromPeer(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1).payload(new UnsafeBuffer(bytes), 0, 10));
        assertThat(g.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 16).options().sackBlockCount()).isEqualTo(1);
        assertThat(g.receivedText()).isEqualTo("0123456789" + "01234");
    }

    @Test
    void established_sackedSegmentsNotResentAfterTimeout()
    {
        final EngineFixture g = new EngineFixture(c -> c.noDelay(true));
        g.listening();
        final Segment syn = fromPeer(Segment.SYN, REMOTE_ISS, 0);
        syn.options().sackPermitted(true);
        g.send(syn);
        g.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        g.sent.clear();
        g.engine.send(g.handle, new UnsafeBuffer(data), 0, 3 * MSS, g.nowNs);
        assertThat(g.sent).hasSize(3);
        g.sent.clear();
        final Segment sack = fromPeer(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        sack.options().addSackBlock(LOCAL_ISS + 1 + MSS, LOCAL_ISS + 1 + 3 * MSS);
        g.send(sack);
        g.advanceMs(205);
        // go-back-N from SND.UNA skips what the peer SACKed: one segment, not three
        final Segment rtx = g.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 1);
        assertThat(rtx.payloadLength()).isEqualTo(MSS);
        g.advanceMs(1);
        g.expectNothing();
    }

    @Test
    void established_zeroWindow_persistTimerProbesUntilWindowOpens()
    {
        established();
        f.send(fromPeer(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1).window(0));
        assertThat(f.engine.counters().get(EngineEvent.ZERO_WINDOW_SEEN)).isEqualTo(1);
        assertThat(send(0, 5)).isEqualTo(5);
        f.expectNothing();
        f.advanceMs(202);
        // RFC 9293 §3.8.6.1: a probe the peer must answer; ours uses SND.UNA - 1 and carries no data
        f.expectPlain(ACK, LOCAL_ISS, REMOTE_ISS + 1, EngineFixture.WINDOW);
        f.advanceMs(300);
        f.expectNothing();
        f.advanceMs(105);
        f.expectPlain(ACK, LOCAL_ISS, REMOTE_ISS + 1, EngineFixture.WINDOW);
        assertThat(f.engine.counters().get(EngineEvent.ZERO_WINDOW_PROBE)).isEqualTo(2);
        f.send(fromPeer(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1).window(1000));
        assertThat(f.expect(ACK | PSH, LOCAL_ISS + 1, REMOTE_ISS + 1).payloadLength()).isEqualTo(5);
    }

    @Test
    void established_sendBufferWrapsAround_bytesIntactAndSpaceReturned()
    {
        established();
        int offset = 0;
        long total = 0;
        final StringBuilder expected = new StringBuilder();
        for (int round = 0; round < 5; round++)
        {
            final int n = send(offset % 1460, 3000);
            assertThat(n).isEqualTo(3000);
            expected.append(new String(data, offset % 1460, 3000, StandardCharsets.ISO_8859_1));
            offset += 777;
            total += n;
            final StringBuilder got = new StringBuilder();
            Segment s;
            while ((s = f.sent.poll()) != null)
            {
                final byte[] payload = new byte[s.payloadLength()];
                s.payloadBuffer().getBytes(s.payloadOffset(), payload);
                got.append(new String(payload, StandardCharsets.ISO_8859_1));
            }
            assertThat(got.toString()).isEqualTo(expected.toString());
            expected.setLength(0);
            f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1 + (int)total);
            assertThat(f.engine.writable(f.handle)).isEqualTo(8192);
        }
        f.engine.close(f.handle, f.nowNs);
        f.expect(FIN | ACK, LOCAL_ISS + 1 + (int)total, REMOTE_ISS + 1);
    }

    @Test
    void established_sendBufferFull_shortWriteThenWritableCallback()
    {
        established();
        assertThat(send(0, 8 * 1460)).isEqualTo(8192);
        assertThat(f.engine.writable(f.handle)).isZero();
        f.sent.clear();
        assertThat(f.events).doesNotContain("writable");
        f.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1 + 5360);
        assertThat(f.events).endsWith("writable");
        assertThat(f.engine.writable(f.handle)).isEqualTo(5360);
    }
}
