package io.synpipe.frag;

import static io.synpipe.frag.FragmentFixtures.fragmentIpv4;
import static io.synpipe.frag.FragmentFixtures.fragmentIpv6;
import static io.synpipe.frag.FragmentFixtures.ipv4TcpPacket;
import static io.synpipe.frag.FragmentFixtures.ipv6TcpPacket;
import static io.synpipe.frag.FragmentFixtures.reassembledBytes;
import static io.synpipe.frag.FragmentReassembler.DROPPED;
import static io.synpipe.frag.FragmentReassembler.HELD;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.synpipe.frag.FragmentFixtures.Fragment;
import io.synpipe.wire.DropCounters;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;

class FragmentReassemblerPropertyTest
{
    private static final long TIMEOUT_NS = 1_000_000L;
    private static final long START_NS = Long.MAX_VALUE - 500_000L;
    private static final int GARBAGE_MAX_BYTES = 12_288;
    private static final int GARBAGE_MAX_DATAGRAMS = 6;
    private static final List<Fragment> POOL = fragmentPool();

    @Property(tries = 80, seed = "791", shrinking = ShrinkingMode.BOUNDED)
    void ipv4_anyArrivalOrder_reassemblesOriginalPacket(
        @ForAll @IntRange(min = 0, max = 6000) final int tcpPayloadBytes,
        @ForAll @IntRange(min = 3, max = 200) final int fragmentUnits,
        @ForAll @IntRange(min = 0, max = 10) final int ipOptionWords,
        @ForAll final long seed)
    {
        final byte[] packet = ipv4TcpPacket((int)seed & 0xffff, ipOptionWords * 4, 0, tcpPayloadBytes, seed);
        final List<Fragment> fragments = new ArrayList<>(fragmentIpv4(packet, fragmentUnits * 8));
        Collections.shuffle(fragments, new Random(seed));

        assertReassemblesInOrderGiven(fragments, packet);
    }

    @Property(tries = 80, seed = "8200", shrinking = ShrinkingMode.BOUNDED)
    void ipv6_anyArrivalOrder_reassemblesOriginalPacket(
        @ForAll @IntRange(min = 0, max = 6000) final int tcpPayloadBytes,
        @ForAll @IntRange(min = 3, max = 200) final int fragmentUnits,
        @ForAll final boolean hopByHop,
        @ForAll final long seed)
    {
        final byte[] packet = ipv6TcpPacket(hopByHop, 0, tcpPayloadBytes, seed);
        final List<Fragment> fragments = new ArrayList<>(fragmentIpv6(packet, (int)seed, fragmentUnits * 8));
        Collections.shuffle(fragments, new Random(seed));

        assertReassemblesInOrderGiven(fragments, packet);
    }

    private static void assertReassemblesInOrderGiven(final List<Fragment> fragments, final byte[] packet)
    {
        final DropCounters drops = new DropCounters();
        final FragmentReassembler reassembler = new FragmentReassembler(1 << 20, 8, 60_000_000_000L, drops);
        for (int i = 0; i < fragments.size() - 1; i++)
        {
            assertThat(FragmentFixtures.offer(reassembler, fragments.get(i), START_NS)).isEqualTo(HELD);
        }

        final int result = FragmentFixtures.offer(reassembler, fragments.get(fragments.size() - 1), START_NS);

        assertThat(result).isEqualTo(packet.length);
        assertThat(reassembledBytes(reassembler, result)).isEqualTo(packet);
        assertThat(drops.totalDropped()).isZero();
        assertThat(reassembler.pendingDatagrams()).isZero();
        assertThat(reassembler.pendingBytes()).isZero();
    }

    /**
     * What to do to one fragment of the pool before offering it (mutation 0 and 7-13: nothing, so datagrams also
     * complete); {@code stepNs} advances the clock.
     */
    record Action(int fragment, int mutation, int position, int value, int stepNs)
    {
    }

    @Provide
    Arbitrary<List<Action>> actions()
    {
        return Combinators.combine(
            Arbitraries.integers().between(0, POOL.size() - 1),
            Arbitraries.integers().between(0, 13),
            Arbitraries.integers().between(0, 100_000),
            Arbitraries.integers().between(-70_000, 70_000),
            Arbitraries.integers().between(0, 80_000))
            .as(Action::new)
            .list().ofMinSize(20).ofMaxSize(120);
    }

    @Property(tries = 300, seed = "1071", shrinking = ShrinkingMode.BOUNDED)
    void garbageFragments_neverThrow_andPendingStateStaysBounded(@ForAll("actions") final List<Action> actions)
    {
        final DropCounters drops = new DropCounters();
        final FragmentReassembler reassembler =
            new FragmentReassembler(GARBAGE_MAX_BYTES, GARBAGE_MAX_DATAGRAMS, TIMEOUT_NS, drops);
        long nowNs = START_NS;
        for (final Action action : actions)
        {
            nowNs += action.stepNs();
            final int result = apply(reassembler, action, nowNs);

            assertThat(result).isBetween(DROPPED, FragmentReassembler.REASSEMBLED_CAPACITY);
            assertThat(reassembler.pendingBytes()).isBetween(0, GARBAGE_MAX_BYTES);
            assertThat(reassembler.pendingDatagrams()).isBetween(0, GARBAGE_MAX_DATAGRAMS);
            assertThat(reassembler.pendingDatagrams() == 0).isEqualTo(reassembler.pendingBytes() == 0);
        }

        final int pending = reassembler.pendingDatagrams();
        assertThat(reassembler.expire(nowNs + TIMEOUT_NS)).isEqualTo(pending);
        assertThat(reassembler.pendingDatagrams()).isZero();
        assertThat(reassembler.pendingBytes()).isZero();
    }

    private static int apply(final FragmentReassembler reassembler, final Action action, final long nowNs)
    {
        final Fragment fragment = POOL.get(action.fragment());
        final byte[] bytes = fragment.bytes().clone();
        int offset = 0;
        int length = bytes.length;
        int fragmentHeaderOffset = fragment.fragmentHeaderOffset();
        int previousNextHeaderOffset = fragment.previousNextHeaderOffset();
        switch (action.mutation())
        {
            case 1, 2 -> bytes[action.position() % bytes.length] = (byte)action.value();
            case 3 -> length = action.position() % (bytes.length + 1);
            case 4 ->
            {
                fragmentHeaderOffset += action.value() % 64;
                previousNextHeaderOffset += action.position() % 64 - 32;
            }
            case 5 ->
            {
                new Random(action.position()).nextBytes(bytes);
                bytes[0] = (byte)((bytes[0] & 0x0f) | (fragment.ipv6() ? 0x60 : 0x40));
            }
            case 6 ->
            {
                offset = action.value();
                length = action.position() - 50_000;
            }
            default ->
            {
            }
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        return fragment.ipv6() ?
            reassembler.offerIpv6(buffer, offset, length, fragmentHeaderOffset, previousNextHeaderOffset, nowNs) :
            reassembler.offerIpv4(buffer, offset, length, nowNs);
    }

    private static List<Fragment> fragmentPool()
    {
        final List<Fragment> pool = new ArrayList<>();
        for (int id = 1; id <= 3; id++)
        {
            pool.addAll(fragmentIpv4(ipv4TcpPacket(id, id == 3 ? 8 : 0, 0, 300 * id, id), 64 * id));
            pool.addAll(fragmentIpv6(ipv6TcpPacket(id == 2, 0, 300 * id, id), id, 64 * id));
        }
        return List.copyOf(pool);
    }
}
