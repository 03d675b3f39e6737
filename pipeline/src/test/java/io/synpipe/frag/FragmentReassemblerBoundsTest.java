package io.synpipe.frag;

import static io.synpipe.frag.FragmentFixtures.fragmentIpv4;
import static io.synpipe.frag.FragmentFixtures.fragmentIpv6;
import static io.synpipe.frag.FragmentFixtures.ipv4TcpPacket;
import static io.synpipe.frag.FragmentFixtures.ipv6TcpPacket;
import static io.synpipe.frag.FragmentFixtures.reversed;
import static io.synpipe.frag.FragmentReassembler.DROPPED;
import static io.synpipe.frag.FragmentReassembler.HELD;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.synpipe.frag.FragmentFixtures.Fragment;
import io.synpipe.wire.DropReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FragmentReassemblerBoundsTest extends ReassemblerTestBase
{
    @Nested
    class Timeout
    {
        @Test
        void expire_afterTimeout_countsOnceEachAndFreesEverything()
        {
            assertThat(offer(fragmentIpv4(ipv4TcpPacket(600, 0, 0, 3000, 36), 1480).get(0))).isEqualTo(HELD);
            assertThat(offer(fragmentIpv6(ipv6TcpPacket(false, 0, 3000, 37), 601, 1480).get(1))).isEqualTo(HELD);
            assertThat(reassembler.pendingBytes()).isPositive();

            assertThat(reassembler.expire(START_NS + TIMEOUT_NS)).isEqualTo(2);
            assertThat(drops.get(DropReason.FRAGMENT_TIMEOUT)).isEqualTo(2);
            assertNothingPending();
            assertThat(reassembler.expire(START_NS + 2 * TIMEOUT_NS)).isZero();
            assertThat(drops.get(DropReason.FRAGMENT_TIMEOUT)).isEqualTo(2);
        }

        @Test
        void expire_oneNanosecondBeforeDeadline_keepsDatagramAcrossLongWrap()
        {
            assertThat(offer(fragmentIpv4(ipv4TcpPacket(602, 0, 0, 3000, 38), 1480).get(0))).isEqualTo(HELD);

            assertThat(reassembler.expire(START_NS + TIMEOUT_NS - 1)).isZero();
            assertThat(reassembler.pendingDatagrams()).isEqualTo(1);
            assertThat(reassembler.expire(START_NS + TIMEOUT_NS)).isEqualTo(1);
        }

        @Test
        void expire_onlyOlderDatagramsDropped()
        {
            final List<Fragment> young = fragmentIpv4(ipv4TcpPacket(604, 0, 0, 2000, 40), 1024);
            assertThat(offer(fragmentIpv4(ipv4TcpPacket(603, 0, 0, 2000, 39), 1024).get(0))).isEqualTo(HELD);
            assertThat(FragmentFixtures.offer(reassembler, young.get(0), START_NS + TIMEOUT_NS / 2)).isEqualTo(HELD);

            assertThat(reassembler.expire(START_NS + TIMEOUT_NS)).isEqualTo(1);
            assertThat(FragmentFixtures.offer(reassembler, young.get(1), START_NS + TIMEOUT_NS))
                .isEqualTo(ipv4TcpPacket(604, 0, 0, 2000, 40).length);
            assertNothingPending();
        }

        @Test
        void offer_afterTimeoutWithoutExpire_expiresLazily()
        {
            final List<Fragment> fragments = fragmentIpv4(ipv4TcpPacket(605, 0, 0, 2000, 41), 1024);
            assertThat(offer(fragments.get(0))).isEqualTo(HELD);

            final int result = FragmentFixtures.offer(reassembler, fragments.get(1), START_NS + TIMEOUT_NS);

            assertThat(result).as("the late fragment starts a new datagram").isEqualTo(HELD);
            assertThat(drops.get(DropReason.FRAGMENT_TIMEOUT)).isEqualTo(1);
            assertThat(reassembler.pendingDatagrams()).isEqualTo(1);
        }
    }

    @Nested
    class Memory
    {
        @Test
        void byteBound_fragmentBeyondIt_droppedMemoryAndOthersKept()
        {
            final int maxBytes = 4096;
            reassembler = new FragmentReassembler(maxBytes, 64, TIMEOUT_NS, drops);
            int held = 0;
            for (int id = 0; id < 10; id++)
            {
                final int result = offer(fragmentIpv4(ipv4TcpPacket(700 + id, 0, 0, 1000, id), 504).get(0));
                assertThat(result).isIn(HELD, DROPPED);
                held += result == HELD ? 1 : 0;
                assertThat(reassembler.pendingBytes()).isLessThanOrEqualTo(maxBytes);
            }

            // each first fragment takes a header block and two payload blocks of 256 bytes
            assertThat(held).isEqualTo(5);
            assertThat(reassembler.pendingDatagrams()).isEqualTo(5);
            assertThat(drops.get(DropReason.FRAGMENT_MEMORY)).isEqualTo(5);
            assertThat(drops.totalDropped()).isEqualTo(5);
        }

        @Test
        void byteBound_datagramOutgrowingIt_droppedAndMemoryFreed()
        {
            reassembler = new FragmentReassembler(2048, 4, TIMEOUT_NS, drops);
            final List<Fragment> fragments = fragmentIpv4(ipv4TcpPacket(710, 0, 0, 3000, 42), 1024);
            assertThat(offer(fragments.get(0))).isEqualTo(HELD);

            assertThat(offer(fragments.get(1))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_MEMORY)).isEqualTo(1);
            assertNothingPending();
        }

        @Test
        void byteBound_largestDatagramFitsExactly()
        {
            final byte[] packet = ipv4TcpPacket(711, 0, 0, 65_535 - 40, 43);
            reassembler = new FragmentReassembler(65_536 + 256, 1, TIMEOUT_NS, drops);

            assertReassembled(offerAll(reversed(fragmentIpv4(packet, 1480))), packet);
            assertThat(drops.totalDropped()).isZero();
        }

        @Test
        void datagramBound_newDatagramBeyondIt_droppedMemoryAndOthersKept()
        {
            reassembler = new FragmentReassembler(1 << 20, 2, TIMEOUT_NS, drops);
            final List<Fragment> a = fragmentIpv4(ipv4TcpPacket(720, 0, 0, 2000, 44), 1024);
            final List<Fragment> b = fragmentIpv4(ipv4TcpPacket(721, 0, 0, 2000, 45), 1024);
            final List<Fragment> c = fragmentIpv4(ipv4TcpPacket(722, 0, 0, 2000, 46), 1024);
            assertThat(offer(a.get(0))).isEqualTo(HELD);
            assertThat(offer(b.get(0))).isEqualTo(HELD);

            assertThat(offer(c.get(0))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_MEMORY)).isEqualTo(1);
            assertThat(offer(a.get(1))).isPositive();
            assertThat(offer(c.get(0))).as("a slot is free again").isEqualTo(HELD);
            assertThat(reassembler.pendingDatagrams()).isEqualTo(2);
        }

        @Test
        void zeroCapacity_everyFragmentDroppedMemory()
        {
            reassembler = new FragmentReassembler(0, 0, TIMEOUT_NS, drops);

            assertThat(offer(fragmentIpv4(ipv4TcpPacket(730, 0, 0, 2000, 47), 1024).get(0))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_MEMORY)).isEqualTo(1);
            assertNothingPending();
        }

        @Test
        void steadyPath_reassemblingThousandsOfDatagrams_allocatesNothingPerFragment()
        {
            final int datagrams = 16;
            final UnsafeBuffer[] buffers = new UnsafeBuffer[datagrams * 3];
            for (int d = 0; d < datagrams; d++)
            {
                final List<Fragment> fragments = fragmentIpv4(ipv4TcpPacket(800 + d, 0, 0, 2500, d), 1024);
                for (int i = 0; i < 3; i++)
                {
                    buffers[d * 3 + (2 - i)] = new UnsafeBuffer(fragments.get(i).bytes());
                }
            }
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
            long completed = runRounds(buffers, 200);
            threads.getCurrentThreadAllocatedBytes();
            final long before = threads.getCurrentThreadAllocatedBytes();
            completed += runRounds(buffers, 2000);
            final long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(completed).isEqualTo(2200L * datagrams);
            // 96,000 offers: any per-fragment object would show as megabytes; allow a few one-off bytes of JIT noise.
            assertThat(allocatedBytes).isLessThan(1024);
            assertNothingPending();
        }

        private long runRounds(final UnsafeBuffer[] buffers, final int rounds)
        {
            long completed = 0;
            for (int r = 0; r < rounds; r++)
            {
                for (final UnsafeBuffer buffer : buffers)
                {
                    if (reassembler.offerIpv4(buffer, 0, buffer.capacity(), START_NS + r) > 0)
                    {
                        completed++;
                    }
                }
            }
            return completed;
        }
    }
}
