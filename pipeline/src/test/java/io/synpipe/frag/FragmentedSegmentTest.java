package io.synpipe.frag;

import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.wire.DropReason;
import io.synpipe.wire.Segment;
import io.synpipe.wire.TcpSegment;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 1122 §3.3.2: a TCP segment that arrives in IP fragments, in any order, reaches the engine whole. */
class FragmentedSegmentTest
{
    private static final int ISS = 0x7FFF_FFF0;

    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<TcpSegment> sent = new ArrayList<>();
    private final TcpEngine engine = new TcpEngine(
        new TcpConfig().isnGenerator((a, b, c, d, e, f, g) -> ISS),
        new TcpHandler()
        {
            @Override
            public void onData(final long handle, final DirectBuffer buffer, final int offset, final int length)
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                received.writeBytes(bytes);
            }
        },
        (buffer, offset, length) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            sent.add(TcpSegment.parse(bytes));
        },
        0);

    private void feed(final byte[] packet)
    {
        engine.onPacket(new UnsafeBuffer(packet), 0, packet.length, 1_000);
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 6})
    void established_dataInShuffledFragments_deliveredOnceAndAcked(final int ipVersion)
    {
        final TcpSegment peer = ipVersion == 4 ?
            TcpSegment.of("198.18.0.2", 40_000, "198.18.0.1", 80) :
            TcpSegment.of("2001:2::2", 40_000, "2001:2::1", 80);
        engine.listen(null, 80);
        feed(peer.withFlags(Segment.SYN).withSeq(100).withWindow(65_535).encode());
        feed(peer.withFlags(Segment.ACK).withSeq(101).withAck(ISS + 1).withWindow(65_535).encode());
        sent.clear();

        final byte[] payload = new byte[1200];
        new Random(ipVersion).nextBytes(payload);
        final byte[] whole = peer.withFlags(Segment.ACK | Segment.PSH).withSeq(101).withAck(ISS + 1).withWindow(65_535)
            .withPayload(payload).encode();
        final List<FragmentFixtures.Fragment> fragments = new ArrayList<>(ipVersion == 4 ?
            FragmentFixtures.fragmentIpv4(whole, 400) : FragmentFixtures.fragmentIpv6(whole, 77, 400));
        assertThat(fragments).hasSizeGreaterThan(2);
        Collections.shuffle(fragments, new Random(42));
        for (final FragmentFixtures.Fragment fragment : fragments)
        {
            feed(fragment.bytes());
        }

        assertThat(received.toByteArray()).isEqualTo(payload);
        // one segment: its ACK is delayed (at most 40 ms)
        assertThat(sent).isEmpty();
        engine.poll(1_000 + 41_000_000);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).ack()).isEqualTo(101 + 1200);
        assertThat(engine.drops().fragmentsHeld()).isEqualTo(fragments.size() - 1);
        assertThat(engine.drops().get(DropReason.FRAGMENT_OVERLAP)).isZero();
    }
}
