package io.synpipe.frag;

import static io.synpipe.frag.FragmentFixtures.checksum;
import static io.synpipe.frag.FragmentFixtures.fragmentIpv4;
import static io.synpipe.frag.FragmentFixtures.fragmentIpv6;
import static io.synpipe.frag.FragmentFixtures.ipv4Fragment;
import static io.synpipe.frag.FragmentFixtures.ipv4TcpPacket;
import static io.synpipe.frag.FragmentFixtures.ipv6TcpPacket;
import static io.synpipe.frag.FragmentFixtures.reassembledBytes;
import static io.synpipe.frag.FragmentFixtures.reversed;
import static io.synpipe.frag.FragmentFixtures.setIpv4Checksum;
import static io.synpipe.frag.FragmentReassembler.DROPPED;
import static io.synpipe.frag.FragmentReassembler.HELD;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.synpipe.frag.FragmentFixtures.Fragment;
import io.synpipe.wire.DropReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FragmentReassemblerTest extends ReassemblerTestBase
{
    @Nested
    class Ipv4
    {
        @Test
        void ipv4_inOrder_reassemblesOriginalPacket()
        {
            final byte[] packet = ipv4TcpPacket(0x1234, 0, 12, 3000, 1);
            final List<Fragment> fragments = fragmentIpv4(packet, 1480);
            assertThat(fragments).hasSize(3);

            assertReassembled(offerAll(fragments), packet);
            assertThat(checksum(reassembledBytes(reassembler, 20), 0, 20)).isZero();
            assertThat(drops.totalDropped()).isZero();
        }

        @Test
        void ipv4_reverseOrder_reassemblesOriginalPacket()
        {
            final byte[] packet = ipv4TcpPacket(7, 0, 0, 5000, 2);

            assertReassembled(offerAll(reversed(fragmentIpv4(packet, 1000))), packet);
        }

        @Test
        void ipv4_optionsOnlyInFirstFragment_outputKeepsFirstHeaderWithValidChecksum()
        {
            final byte[] packet = ipv4TcpPacket(9, 8, 0, 2000, 3);
            final List<Fragment> fragments = fragmentIpv4(packet, 512);
            assertThat(fragments.get(1).bytes()[0]).isEqualTo((byte)0x45);

            assertReassembled(offerAll(reversed(fragments)), packet);
            assertThat(checksum(reassembledBytes(reassembler, 28), 0, 28)).isZero();
        }

        @Test
        void ipv4_largestDatagram_reassemblesAll65535Bytes()
        {
            final byte[] packet = ipv4TcpPacket(11, 0, 0, 65_535 - 40, 4);

            assertReassembled(offerAll(fragmentIpv4(packet, 1480)), packet);
        }

        @Test
        void ipv4_dfBitInFirstFragment_keptAndMfCleared()
        {
            final byte[] packet = ipv4TcpPacket(12, 0, 0, 100, 5);
            packet[6] = 0x40;
            setIpv4Checksum(packet, 0, 20);
            final List<Fragment> fragments = fragmentIpv4(packet, 64);
            fragments.set(0, fragments.get(0).withByte(6, 0x60));
            setIpv4Checksum(fragments.get(0).bytes(), 0, 20);

            assertReassembled(offerAll(fragments), packet);
        }

        @Test
        void ipv4_unfragmentedPacket_returnedAsItIs()
        {
            final byte[] packet = ipv4TcpPacket(13, 0, 0, 10, 6);

            assertReassembled(offer(new Fragment(packet, false, -1, -1)), packet);
        }
    }

    @Nested
    class Ipv6
    {
        @Test
        void ipv6_inOrder_reassemblesOriginalPacket()
        {
            final byte[] packet = ipv6TcpPacket(false, 0, 3000, 7);
            final List<Fragment> fragments = fragmentIpv6(packet, 0xdead_beef, 1232);
            assertThat(fragments).hasSize(3);

            assertReassembled(offerAll(fragments), packet);
            assertThat(drops.totalDropped()).isZero();
        }

        @Test
        void ipv6_reverseOrder_reassemblesOriginalPacket()
        {
            final byte[] packet = ipv6TcpPacket(false, 20, 4000, 8);

            assertReassembled(offerAll(reversed(fragmentIpv6(packet, 1, 808))), packet);
        }

        @Test
        void ipv6_hopByHopBeforeFragmentHeader_restoresNextHeaderChain()
        {
            final byte[] packet = ipv6TcpPacket(true, 0, 2500, 9);
            final List<Fragment> fragments = fragmentIpv6(packet, 77, 1000);
            assertThat(fragments.get(0).bytes()[40]).isEqualTo((byte)44);

            assertReassembled(offerAll(reversed(fragments)), packet);
        }

        @Test
        void ipv6_largestPayload_reassemblesAll65535Bytes()
        {
            final byte[] packet = ipv6TcpPacket(false, 0, 65_535 - 20, 10);

            assertReassembled(offerAll(fragmentIpv6(packet, 3, 1448)), packet);
        }

        @Test
        void ipv6_atomicFragment_returnedAtOnceWithoutFragmentHeader()
        {
            final byte[] packet = ipv6TcpPacket(true, 0, 100, 11);
            final List<Fragment> fragments = fragmentIpv6(packet, 5, 4096);
            assertThat(fragments).hasSize(1);
            final Fragment held = fragmentIpv6(ipv6TcpPacket(true, 0, 500, 12), 5, 256).get(1);
            assertThat(offer(held)).isEqualTo(HELD);

            assertThat(offer(fragments.get(0))).isEqualTo(packet.length);
            assertThat(reassembledBytes(reassembler, packet.length)).isEqualTo(packet);
            assertThat(reassembler.pendingDatagrams()).as("datagram with the same id untouched").isEqualTo(1);
        }
    }

    @Nested
    class Identity
    {
        @Test
        void interleaved_twoIpv4AndOneIpv6Datagram_allReassemble()
        {
            final byte[] a = ipv4TcpPacket(100, 0, 0, 3000, 13);
            final byte[] b = ipv4TcpPacket(101, 4, 0, 2000, 14);
            final byte[] c = ipv6TcpPacket(false, 0, 2000, 15);
            final List<Fragment> fa = fragmentIpv4(a, 1016);
            final List<Fragment> fb = fragmentIpv4(b, 1000);
            final List<Fragment> fc = fragmentIpv6(c, 100, 1000);

            assertThat(offer(fa.get(2))).isEqualTo(HELD);
            assertThat(offer(fb.get(0))).isEqualTo(HELD);
            assertThat(offer(fc.get(1))).isEqualTo(HELD);
            assertThat(offer(fa.get(0))).isEqualTo(HELD);
            assertThat(offer(fc.get(0))).isEqualTo(HELD);
            assertThat(offer(fb.get(2))).isEqualTo(HELD);
            assertThat(reassembler.pendingDatagrams()).isEqualTo(3);

            assertThat(offer(fa.get(1))).isEqualTo(a.length);
            assertThat(reassembledBytes(reassembler, a.length)).isEqualTo(a);
            assertThat(offer(fc.get(2))).isEqualTo(c.length);
            assertThat(reassembledBytes(reassembler, c.length)).isEqualTo(c);
            assertThat(offer(fb.get(1))).isEqualTo(b.length);
            assertThat(reassembledBytes(reassembler, b.length)).isEqualTo(b);
            assertNothingPending();
            assertThat(drops.totalDropped()).isZero();
        }

        @Test
        void sameIdentificationDifferentProtocol_separateDatagrams()
        {
            final byte[] tcp = ipv4TcpPacket(200, 0, 0, 100, 16);
            final byte[] udp = ipv4TcpPacket(200, 0, 0, 100, 16);
            udp[9] = 17;
            setIpv4Checksum(udp, 0, 20);
            final List<Fragment> ft = fragmentIpv4(tcp, 64);
            final List<Fragment> fu = fragmentIpv4(udp, 64);

            assertThat(offer(ft.get(0))).isEqualTo(HELD);
            assertThat(offer(fu.get(0))).as("same bytes, other protocol: no overlap").isEqualTo(HELD);
            assertThat(offer(fu.get(1))).isEqualTo(udp.length);
            assertThat(reassembledBytes(reassembler, udp.length)).isEqualTo(udp);
            assertThat(offer(ft.get(1))).isEqualTo(tcp.length);
            assertThat(reassembledBytes(reassembler, tcp.length)).isEqualTo(tcp);
            assertThat(drops.totalDropped()).isZero();
        }
    }

    @Nested
    class Overlap
    {
        @Test
        void partialOverlap_dropsDatagramCountedOnce()
        {
            final byte[] packet = ipv4TcpPacket(300, 0, 0, 3000, 17);
            final List<Fragment> fragments = fragmentIpv4(packet, 1480);
            assertThat(offer(fragments.get(0))).isEqualTo(HELD);

            assertThat(offer(ipv4Fragment(packet, 1472, 16, true, 20))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_OVERLAP)).isEqualTo(1);
            assertNothingPending();

            assertThat(offer(fragments.get(1))).as("later fragments start a new datagram").isEqualTo(HELD);
            assertThat(drops.get(DropReason.FRAGMENT_OVERLAP)).isEqualTo(1);
            assertThat(drops.totalDropped()).isEqualTo(1);
        }

        @Test
        void duplicateFragment_countedAsOverlap()
        {
            final List<Fragment> fragments = fragmentIpv6(ipv6TcpPacket(false, 0, 3000, 18), 301, 1000);
            assertThat(offer(fragments.get(1))).isEqualTo(HELD);

            assertThat(offer(fragments.get(1))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_OVERLAP)).isEqualTo(1);
            assertNothingPending();
        }

        @Test
        void overlapWithFinalFragment_dropsDatagram()
        {
            final byte[] packet = ipv4TcpPacket(302, 0, 0, 1000, 19);
            final List<Fragment> fragments = fragmentIpv4(packet, 512);
            assertThat(offer(fragments.get(1))).isEqualTo(HELD);

            assertThat(offer(ipv4Fragment(packet, 504, 16, true, 20))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_OVERLAP)).isEqualTo(1);
        }

        @Test
        void overlapInOneDatagram_otherDatagramUndisturbed()
        {
            final byte[] a = ipv4TcpPacket(303, 0, 0, 2000, 20);
            final byte[] b = ipv4TcpPacket(304, 0, 0, 2000, 21);
            final List<Fragment> fa = fragmentIpv4(a, 1024);
            final List<Fragment> fb = fragmentIpv4(b, 1024);
            assertThat(offer(fa.get(0))).isEqualTo(HELD);
            assertThat(offer(fb.get(0))).isEqualTo(HELD);

            assertThat(offer(fb.get(0))).isEqualTo(DROPPED);
            assertThat(offer(fa.get(1))).isEqualTo(a.length);
            assertThat(reassembledBytes(reassembler, a.length)).isEqualTo(a);
            assertNothingPending();
        }
    }

    @Nested
    class Rfc1858
    {
        @Test
        void ipv4_firstFragmentShorterThan20Bytes_droppedTooSmall()
        {
            final byte[] packet = ipv4TcpPacket(400, 0, 0, 100, 22);
            final List<Fragment> fragments = fragmentIpv4(packet, 16);

            assertThat(offer(fragments.get(0))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_TOO_SMALL)).isEqualTo(1);
            assertNothingPending();
        }

        @Test
        void ipv4_firstFragmentShorterThanDataOffset_droppedTooSmall()
        {
            final byte[] packet = ipv4TcpPacket(401, 0, 40, 100, 23);
            final List<Fragment> fragments = fragmentIpv4(packet, 56);
            assertThat(offer(fragments.get(2))).isEqualTo(HELD);

            assertThat(offer(fragments.get(0))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_TOO_SMALL)).isEqualTo(1);
            assertNothingPending();
        }

        @Test
        void ipv4_firstFragmentHoldingWholeTcpHeader_accepted()
        {
            final byte[] packet = ipv4TcpPacket(402, 0, 40, 100, 24);

            assertReassembled(offerAll(fragmentIpv4(packet, 64)), packet);
        }

        @Test
        void ipv4_tcpFragmentAtOffsetOne_droppedTooSmall()
        {
            final byte[] packet = ipv4TcpPacket(403, 0, 0, 100, 25);

            assertThat(offer(ipv4Fragment(packet, 8, 16, true, 20))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_TOO_SMALL)).isEqualTo(1);
            assertNothingPending();
        }

        @Test
        void ipv4_nonTcpTinyFirstFragment_held()
        {
            final byte[] packet = ipv4TcpPacket(404, 0, 0, 100, 26);
            packet[9] = 17;
            setIpv4Checksum(packet, 0, 20);

            assertThat(offer(fragmentIpv4(packet, 8).get(0))).isEqualTo(HELD);
        }

        @Test
        void ipv6_firstFragmentShorterThan20Bytes_droppedTooSmall()
        {
            final List<Fragment> fragments = fragmentIpv6(ipv6TcpPacket(false, 0, 100, 27), 405, 16);

            assertThat(offer(fragments.get(0))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_TOO_SMALL)).isEqualTo(1);
            assertNothingPending();
        }
    }

    @Nested
    class Invalid
    {
        @Test
        void nonFinalFragmentNotMultipleOf8_droppedInvalid()
        {
            final byte[] packet = ipv4TcpPacket(500, 0, 0, 200, 28);

            assertThat(offer(ipv4Fragment(packet, 0, 100, true, 20))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_INVALID)).isEqualTo(1);
        }

        @Test
        void ipv4_reassembledOver65535Bytes_droppedInvalid()
        {
            final byte[] big = new byte[20 + 24];
            System.arraycopy(ipv4TcpPacket(501, 0, 0, 4, 29), 0, big, 0, 44);
            FragmentFixtures.putShort(big, 2, big.length);
            FragmentFixtures.putShort(big, 6, 8189);
            setIpv4Checksum(big, 0, 20);

            assertThat(offer(new Fragment(big, false, -1, -1))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_INVALID)).isEqualTo(1);
        }

        @Test
        void ipv6_reassembledPayloadOver65535Bytes_droppedInvalid()
        {
            final List<Fragment> fragments = fragmentIpv6(ipv6TcpPacket(false, 0, 100, 30), 502, 64);
            final Fragment last = fragments.get(fragments.size() - 1);
            FragmentFixtures.putShort(last.bytes(), 42, 65_528);

            assertThat(offer(last)).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_INVALID)).isEqualTo(1);
        }

        @Test
        void secondFinalFragmentWithOtherEnd_dropsDatagramInvalid()
        {
            final byte[] packet = ipv4TcpPacket(503, 0, 0, 300, 31);
            assertThat(offer(ipv4Fragment(packet, 0, 64, true, 20))).isEqualTo(HELD);
            assertThat(offer(ipv4Fragment(packet, 256, 64, false, 20))).isEqualTo(HELD);

            assertThat(offer(ipv4Fragment(packet, 128, 64, false, 20))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_INVALID)).isEqualTo(1);
            assertNothingPending();
        }

        @Test
        void dataBeyondKnownEnd_dropsDatagramInvalid()
        {
            final byte[] packet = ipv4TcpPacket(504, 0, 0, 300, 32);
            assertThat(offer(ipv4Fragment(packet, 128, 64, false, 20))).isEqualTo(HELD);

            assertThat(offer(ipv4Fragment(packet, 192, 64, true, 20))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_INVALID)).isEqualTo(1);
            assertNothingPending();
        }

        @Test
        void finalFragmentBelowDataAlreadyReceived_dropsDatagramInvalid()
        {
            final byte[] packet = ipv4TcpPacket(505, 0, 0, 300, 33);
            assertThat(offer(ipv4Fragment(packet, 192, 64, true, 20))).isEqualTo(HELD);

            assertThat(offer(ipv4Fragment(packet, 64, 64, false, 20))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_INVALID)).isEqualTo(1);
            assertNothingPending();
        }

        @Test
        void emptyFragment_droppedInvalid()
        {
            final byte[] packet = ipv4TcpPacket(506, 0, 0, 300, 34);

            assertThat(offer(ipv4Fragment(packet, 64, 0, false, 20))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_INVALID)).isEqualTo(1);
        }

        @Test
        void argumentsOutsideBuffer_droppedInvalidWithoutThrowing()
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            buffer.putByte(0, (byte)0x60);

            assertThat(reassembler.offerIpv4(buffer, -1, 40, START_NS)).isEqualTo(DROPPED);
            assertThat(reassembler.offerIpv4(buffer, 30, 40, START_NS)).isEqualTo(DROPPED);
            assertThat(reassembler.offerIpv4(buffer, Integer.MAX_VALUE, Integer.MAX_VALUE, START_NS)).isEqualTo(DROPPED);
            assertThat(reassembler.offerIpv6(buffer, 0, 64, Integer.MIN_VALUE, 6, START_NS)).isEqualTo(DROPPED);
            assertThat(reassembler.offerIpv6(buffer, 0, 64, 40, Integer.MAX_VALUE, START_NS)).isEqualTo(DROPPED);
            assertThat(reassembler.offerIpv4(null, 0, 0, START_NS)).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_INVALID)).isEqualTo(6);
        }

        @Test
        void ipv6_previousNextHeaderNotNamingFragment_droppedInvalid()
        {
            final Fragment fragment = fragmentIpv6(ipv6TcpPacket(false, 0, 100, 35), 507, 64).get(0);

            assertThat(offer(new Fragment(fragment.bytes(), true, 40, 7))).isEqualTo(DROPPED);
            assertThat(drops.get(DropReason.FRAGMENT_INVALID)).isEqualTo(1);
        }
    }
}
