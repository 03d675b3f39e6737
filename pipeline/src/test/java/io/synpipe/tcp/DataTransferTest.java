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

    @Test
    void established_keepAliveOffByDefault_silentForHours()
    {
        established();
        for (int i = 0; i < 4 * 60; i++)
        {
            f.advanceMs(60_000);
        }
        f.expectNothing();
        assertThat(f.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void established_keepAliveIdle_probesThenDropsUnansweredConnection()
    {
        final EngineFixture g = new EngineFixture(c -> c.keepAlive(true).keepAliveIdleMs(10_000)
            .keepAliveIntervalMs(1_000).keepAliveProbes(2));
        g.established();
        g.advanceMs(9_990);
        g.expectNothing();
        g.advanceMs(15);
        g.expectPlain(ACK, LOCAL_ISS, REMOTE_ISS + 1, EngineFixture.WINDOW);
        // an answer resets the idle clock
        g.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        g.advanceMs(9_000);
        g.expectNothing();
        g.advanceMs(1_020);
        g.expectPlain(ACK, LOCAL_ISS, REMOTE_ISS + 1, EngineFixture.WINDOW);
        g.advanceMs(1_005);
        g.expectPlain(ACK, LOCAL_ISS, REMOTE_ISS + 1, EngineFixture.WINDOW);
        g.advanceMs(1_005);
        g.expectPlain(Segment.RST, LOCAL_ISS + 1, 0, 0);
        assertThat(g.closeReason).isEqualTo(CloseReason.TIMEOUT);
        assertThat(g.engine.counters().get(EngineEvent.KEEPALIVE_PROBE)).isEqualTo(3);
    }

    @Test
    void established_nagle_smallSegmentHeldWhileDataUnacknowledged()
    {
        final EngineFixture g = new EngineFixture();
        g.established();
        g.engine.send(g.handle, new UnsafeBuffer(data), 0, 100, g.nowNs);
        assertThat(g.expect(ACK | PSH, LOCAL_ISS + 1, REMOTE_ISS + 1).payloadLength()).isEqualTo(100);
        g.engine.send(g.handle, new UnsafeBuffer(data), 0, 50, g.nowNs);
        g.expectNothing();
        g.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 101);
        assertThat(g.expect(ACK | PSH, LOCAL_ISS + 101, REMOTE_ISS + 1).payloadLength()).isEqualTo(50);
        g.engine.noDelay(g.handle, true);
        g.engine.send(g.handle, new UnsafeBuffer(data), 0, 10, g.nowNs);
        assertThat(g.expect(ACK | PSH, LOCAL_ISS + 151, REMOTE_ISS + 1).payloadLength()).isEqualTo(10);
    }

    @Test
    void established_smallWriteAcrossTheSendRingsEnd_oneSegmentNotATailHeldByNagle()
    {
        // a 100-byte request whose bytes wrap around the 8 KiB send ring: cut at the ring's end, its 58-byte tail would
        // wait for the ACK of the first 42 bytes, which the peer delays (40 ms per request/response exchange)
        final EngineFixture g = new EngineFixture(c -> c.sendBufferBytes(8192));
        g.established();
        g.engine.noDelay(g.handle, true);
        final int fill = 8192 - 42;
        int sent = 0;
        while (sent < fill)
        {
            final int n = g.engine.send(g.handle, new UnsafeBuffer(data), 0, Math.min(fill - sent, 1460), g.nowNs);
            sent += n;
            g.sent.clear();
            g.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1 + sent);
        }
        g.sent.clear();
        g.engine.noDelay(g.handle, false);
        for (int i = 0; i < 100; i++)
        {
            data[i] = (byte)(i + 1);
        }

        assertThat(g.engine.send(g.handle, new UnsafeBuffer(data), 0, 100, g.nowNs)).isEqualTo(100);

        final Segment s = g.expect(ACK | PSH, LOCAL_ISS + 1 + fill, REMOTE_ISS + 1);
        final byte[] payload = new byte[s.payloadLength()];
        s.payloadBuffer().getBytes(s.payloadOffset(), payload);
        assertThat(payload).hasSize(100).isEqualTo(java.util.Arrays.copyOf(data, 100));
        g.expectNothing();
    }

    @Test
    void established_windowScale_ourWindowShiftedDownAndPeersShiftedUp()
    {
        final EngineFixture g = new EngineFixture();
        g.listening();
        final Segment syn = fromPeer(Segment.SYN, REMOTE_ISS, 0).window(65_535);
        syn.options().windowScale(4);
        g.send(syn);
        final Segment synAck = g.expect(Segment.SYN | ACK, LOCAL_ISS, REMOTE_ISS + 1);
        // RFC 7323 §2.2: never scaled on the SYN-ACK; our shift is 7
        assertThat(synAck.window()).isEqualTo(65_535);
        assertThat(synAck.options().windowScale()).isEqualTo(7);
        g.send(fromPeer(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1).window(100));
        assertThat(g.engine.tcb(g.handle).sndWnd()).isEqualTo(100 << 4);
        final byte[] bytes = "x".getBytes(StandardCharsets.US_ASCII);
        g.send(fromPeer(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1).window(100).payload(new UnsafeBuffer(bytes), 0, 1));
        g.advanceMs(41);
        // 256 KiB buffer, 1 byte held until the application's credit moves the edge: (262144 - 1) >> 7
        assertThat(g.expect(ACK, LOCAL_ISS + 1, REMOTE_ISS + 2).window()).isEqualTo(262_143 >> 7);
    }

    @Test
    void established_twoHolesInRecovery_eachRetransmittedOnceFromTheScoreboard()
    {
        final EngineFixture g = new EngineFixture(c -> c.noDelay(true));
        g.listening();
        final Segment syn = fromPeer(Segment.SYN, REMOTE_ISS, 0);
        syn.options().sackPermitted(true);
        g.send(syn);
        g.send(ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        g.sent.clear();
        g.engine.send(g.handle, new UnsafeBuffer(data), 0, 6 * MSS, g.nowNs);
        assertThat(g.sent).hasSize(6);
        g.sent.clear();
        final int una = LOCAL_ISS + 1;
        // segment 1 and segment 3 are lost; the peer SACKs 2, then 4, 5, 6
        final int[][] sacks = {
            {una + MSS, una + 2 * MSS},
            {una + 3 * MSS, una + 4 * MSS, una + MSS, una + 2 * MSS},
            {una + 3 * MSS, una + 5 * MSS, una + MSS, una + 2 * MSS},
            {una + 3 * MSS, una + 6 * MSS, una + MSS, una + 2 * MSS}};
        for (final int[] blocks : sacks)
        {
            final Segment dup = fromPeer(ACK, REMOTE_ISS + 1, una);
            for (int i = 0; i < blocks.length; i += 2)
            {
                dup.options().addSackBlock(blocks[i], blocks[i + 1]);
            }
            g.send(dup);
        }
        // third duplicate ACK: fast retransmit of the first hole; fourth: the next hole, skipping SACKed segment 2
        assertThat(g.expect(ACK, una, REMOTE_ISS + 1).payloadLength()).isEqualTo(MSS);
        assertThat(g.expect(ACK, una + 2 * MSS, REMOTE_ISS + 1).payloadLength()).isEqualTo(MSS);
        g.expectNothing();
        assertThat(g.engine.counters().get(EngineEvent.FAST_RETRANSMIT)).isEqualTo(1);
        assertThat(g.engine.counters().get(EngineEvent.RETRANSMIT_DATA)).isEqualTo(2);
        // the full ACK ends recovery
        g.send(ACK, REMOTE_ISS + 1, una + 6 * MSS);
        g.advanceMs(1_000);
        g.expectNothing();
    }
}
