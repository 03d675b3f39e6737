package io.synpipe.frag;

import io.synpipe.frag.FragmentFixtures.Fragment;
import io.synpipe.wire.DropCounters;

import java.util.List;

import static io.synpipe.frag.FragmentFixtures.reassembledBytes;
import static io.synpipe.frag.FragmentReassembler.HELD;
import static org.assertj.core.api.Assertions.assertThat;

/** A reassembler with a 60 s timeout whose clock starts just before the 64-bit wrap, and the helpers around it. */
abstract class ReassemblerTestBase
{
    static final long TIMEOUT_NS = 60_000_000_000L;
    /** Every test starts one second before the signed 64-bit wrap, so each deadline crosses it. */
    static final long START_NS = Long.MAX_VALUE - 1_000_000_000L;

    final DropCounters drops = new DropCounters();
    FragmentReassembler reassembler = new FragmentReassembler(1 << 20, 64, TIMEOUT_NS, drops);

    int offer(final Fragment fragment)
    {
        return FragmentFixtures.offer(reassembler, fragment, START_NS);
    }

    /** Offers all fragments; all but the last must be held; @return the last result. */
    int offerAll(final List<Fragment> fragments)
    {
        for (int i = 0; i < fragments.size() - 1; i++)
        {
            assertThat(offer(fragments.get(i))).as("fragment %d", i).isEqualTo(HELD);
        }
        return offer(fragments.get(fragments.size() - 1));
    }

    void assertReassembled(final int result, final byte[] expected)
    {
        assertThat(result).isEqualTo(expected.length);
        assertThat(reassembledBytes(reassembler, result)).isEqualTo(expected);
        assertNothingPending();
    }

    void assertNothingPending()
    {
        assertThat(reassembler.pendingDatagrams()).isZero();
        assertThat(reassembler.pendingBytes()).isZero();
    }
}
