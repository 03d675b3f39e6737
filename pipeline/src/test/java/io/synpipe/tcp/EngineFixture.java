package io.synpipe.tcp;

import io.synpipe.table.ConnectionTable;
import io.synpipe.wire.DropCounters;
import io.synpipe.wire.IpAddress;
import io.synpipe.wire.PacketDecoder;
import io.synpipe.wire.PacketEncoder;
import io.synpipe.wire.Segment;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One engine facing a scripted remote peer: the test sends segments as the peer, and checks every segment the
 * engine sends, exactly. Sequence numbers start just below 2^32 so every exchange crosses the wrap. Time is a
 * field that tests advance; nothing sleeps.
 */
final class EngineFixture implements TcpHandler
{
    static final long LOCAL_HI = 0;
    static final long LOCAL_LO = IpAddress.v4Lo(0xC612_0001);   // 198.18.0.1
    static final long REMOTE_HI = 0;
    static final long REMOTE_LO = IpAddress.v4Lo(0xC612_0002);  // 198.18.0.2
    static final int LOCAL_PORT = 80;
    static final int REMOTE_PORT = 49_152;
    /** Our ISS: SYN at 2^32 - 1, the next byte at 0. */
    static final int LOCAL_ISS = 0xFFFF_FFFF;
    /** The peer's ISS: SYN at 2^32 - 2, first data byte at 2^32 - 1. */
    static final int REMOTE_ISS = 0xFFFF_FFFE;
    static final int WINDOW = 65_535;
    static final int REMOTE_WINDOW = 64_240;

    final TcpConfig config = new TcpConfig().isnGenerator((a, b, c, d, e, f, g) -> LOCAL_ISS).mslMs(30_000);
    final TcpEngine engine;
    final ArrayDeque<Segment> sent = new ArrayDeque<>();
    final List<String> events = new ArrayList<>();
    final List<byte[]> received = new ArrayList<>();
    long nowNs = 1_000_000_000L;
    int synDecision = ACCEPT;
    long handle = ConnectionTable.NULL_HANDLE;
    CloseReason closeReason;
    int listenerId = -1;
    Consumer<Long> onEstablished = h -> { };
    Consumer<Long> onPeerClosed = h -> { };

    EngineFixture()
    {
        this(c -> { });
    }

    EngineFixture(final Consumer<TcpConfig> tweak)
    {
        tweak.accept(config);
        engine = new TcpEngine(config, this, this::capture, nowNs);
    }

    // ---------------------------------------------------------------- the peer's segments

    /** A segment from the peer to us, no options, window {@link #REMOTE_WINDOW}. */
    static Segment fromPeer(final int flags, final int seq, final int ack)
    {
        return new Segment().src(REMOTE_HI, REMOTE_LO).dst(LOCAL_HI, LOCAL_LO)
            .srcPort(REMOTE_PORT).dstPort(LOCAL_PORT).seq(seq).ack(ack).flags(flags).window(REMOTE_WINDOW);
    }

    void send(final Segment segment)
    {
        final byte[] bytes = new byte[PacketEncoder.encodedLength(segment)];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int length = PacketEncoder.encode(segment, buffer, 0);
        engine.onPacket(buffer, 0, length, nowNs);
    }

    void send(final int flags, final int seq, final int ack)
    {
        send(fromPeer(flags, seq, ack));
    }

    void advanceMs(final long ms)
    {
        nowNs += ms * 1_000_000L;
        engine.poll(nowNs);
    }

    // ---------------------------------------------------------------- what we sent

    private void capture(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        final Segment s = new Segment();
        final boolean ok = new PacketDecoder(null, new DropCounters()).decode(new UnsafeBuffer(copy), 0, length, nowNs, s);
        assertThat(ok).as("the engine sent a packet that does not decode").isTrue();
        sent.add(s);
    }

    /** Pops the next segment we sent and checks flags, seq, ack and that it went to the peer. */
    Segment expect(final int flags, final int seq, final int ack)
    {
        assertThat(sent).as("expected a segment [%s] seq=%s ack=%s", flagNames(flags),
            Integer.toUnsignedString(seq), Integer.toUnsignedString(ack)).isNotEmpty();
        final Segment s = sent.poll();
        assertThat(flagNames(s.flags())).as("flags of %s", s).isEqualTo(flagNames(flags));
        assertThat(Integer.toUnsignedString(s.seq())).as("seq of %s", s).isEqualTo(Integer.toUnsignedString(seq));
        if ((flags & Segment.ACK) != 0)
        {
            assertThat(Integer.toUnsignedString(s.ack())).as("ack of %s", s).isEqualTo(Integer.toUnsignedString(ack));
        }
        assertThat(s.dstLo()).isEqualTo(REMOTE_LO);
        assertThat(s.dstPort()).isEqualTo(REMOTE_PORT);
        assertThat(s.srcPort()).isEqualTo(LOCAL_PORT);
        return s;
    }

    /** Like {@link #expect} and also checks the window and that no options were sent. */
    Segment expectPlain(final int flags, final int seq, final int ack, final int window)
    {
        final Segment s = expect(flags, seq, ack);
        assertThat(s.window()).as("window of %s", s).isEqualTo(window);
        assertThat(s.options().mss()).isEqualTo(-1);
        assertThat(s.options().windowScale()).isEqualTo(-1);
        assertThat(s.options().hasTimestamps()).isFalse();
        assertThat(s.options().sackPermitted()).isFalse();
        assertThat(s.payloadLength()).isZero();
        return s;
    }

    void expectNothing()
    {
        assertThat(sent).as("no segment expected").isEmpty();
    }

    static String flagNames(final int flags)
    {
        return Segment.appendFlags(new StringBuilder(), flags).toString();
    }

    /** Everything delivered so far, in order (a ring wrap may split one segment into two deliveries). */
    String receivedText()
    {
        final StringBuilder sb = new StringBuilder();
        received.forEach(b -> sb.append(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)));
        return sb.toString();
    }

    TcpState state()
    {
        return engine.state(handle);
    }

    long transitions(final TcpState from, final TcpState to)
    {
        return engine.counters().transitions(from, to);
    }

    // ---------------------------------------------------------------- states, reached through the diagram

    void listening()
    {
        listenerId = engine.listen(LOCAL_HI, LOCAL_LO, LOCAL_PORT);
    }

    /** LISTEN, peer SYN, our SYN-ACK: SYN-RECEIVED (passive). */
    void synReceived()
    {
        listening();
        send(Segment.SYN, REMOTE_ISS, 0);
        expect(Segment.SYN | Segment.ACK, LOCAL_ISS, REMOTE_ISS + 1);
        assertThat(state()).isEqualTo(TcpState.SYN_RECEIVED);
    }

    /** Passive open completed: ESTABLISHED, SND.NXT = ISS+1, RCV.NXT = IRS+1. */
    void established()
    {
        synReceived();
        send(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        expectNothing();
        assertThat(state()).isEqualTo(TcpState.ESTABLISHED);
    }

    /** Active open: SYN-SENT. */
    void synSent()
    {
        handle = engine.connect(LOCAL_HI, LOCAL_LO, LOCAL_PORT, REMOTE_HI, REMOTE_LO, REMOTE_PORT, nowNs);
        assertThat(handle).isNotEqualTo(ConnectionTable.NULL_HANDLE);
        expect(Segment.SYN, LOCAL_ISS, 0);
        assertThat(state()).isEqualTo(TcpState.SYN_SENT);
    }

    void finWait1()
    {
        established();
        assertThat(engine.close(handle, nowNs)).isTrue();
        expectPlain(Segment.FIN | Segment.ACK, LOCAL_ISS + 1, REMOTE_ISS + 1, WINDOW);
        assertThat(state()).isEqualTo(TcpState.FIN_WAIT_1);
    }

    void finWait2()
    {
        finWait1();
        send(Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
        expectNothing();
        assertThat(state()).isEqualTo(TcpState.FIN_WAIT_2);
    }

    void closeWait()
    {
        established();
        send(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        expectPlain(Segment.ACK, LOCAL_ISS + 1, REMOTE_ISS + 2, WINDOW);
        assertThat(state()).isEqualTo(TcpState.CLOSE_WAIT);
    }

    void lastAck()
    {
        closeWait();
        assertThat(engine.close(handle, nowNs)).isTrue();
        expectPlain(Segment.FIN | Segment.ACK, LOCAL_ISS + 1, REMOTE_ISS + 2, WINDOW);
        assertThat(state()).isEqualTo(TcpState.LAST_ACK);
    }

    /** FIN-WAIT-1, then the peer's own FIN that does not yet acknowledge ours: CLOSING. */
    void closing()
    {
        finWait1();
        send(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 1);
        expectPlain(Segment.ACK, LOCAL_ISS + 2, REMOTE_ISS + 2, WINDOW);
        assertThat(state()).isEqualTo(TcpState.CLOSING);
    }

    void timeWait()
    {
        finWait2();
        send(Segment.FIN | Segment.ACK, REMOTE_ISS + 1, LOCAL_ISS + 2);
        expectPlain(Segment.ACK, LOCAL_ISS + 2, REMOTE_ISS + 2, WINDOW);
        assertThat(state()).isEqualTo(TcpState.TIME_WAIT);
    }

    // ---------------------------------------------------------------- TcpHandler

    @Override
    public int onSyn(final long h, final int listener)
    {
        handle = h;
        events.add("syn");
        return synDecision;
    }

    @Override
    public void onEstablished(final long h)
    {
        handle = h;
        events.add("established");
        onEstablished.accept(h);
    }

    @Override
    public void onData(final long h, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] data = new byte[length];
        buffer.getBytes(offset, data);
        received.add(data);
        events.add("data " + length);
    }

    @Override
    public void onWritable(final long h)
    {
        events.add("writable");
    }

    @Override
    public void onPeerClosed(final long h)
    {
        events.add("peerClosed");
        onPeerClosed.accept(h);
    }

    @Override
    public void onClosed(final long h, final CloseReason reason)
    {
        events.add("closed " + reason);
        closeReason = reason;
    }
}
