package io.synpipe.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The port rule of multi-queue steering, and the TCP destination port read off raw packets. */
class QueueSteeringTest
{
    @Test
    void localPort_threeQueues_eachOwnsItsResidueAndCyclesWithinRange()
    {
        for (int q = 0; q < 3; q++)
        {
            final int first = QueuePorts.port(q, 3, 40_000, 0);
            assertThat(first).isBetween(40_000, 40_002);
            for (long k = 0; k < 20_000; k += 7)
            {
                final int port = QueuePorts.port(q, 3, 40_000, k);
                assertThat(port).isBetween(40_000, 65_535);
                assertThat(QueuePorts.owner(port, 3, 40_000)).isEqualTo(q);
            }
        }
        final int count = (65_535 - QueuePorts.port(1, 3, 40_000, 0)) / 3 + 1;
        assertThat(QueuePorts.port(1, 3, 40_000, count)).isEqualTo(QueuePorts.port(1, 3, 40_000, 0));
    }

    @Test
    void ownerOfPort_belowRangeOrNoRange_none()
    {
        assertThat(QueuePorts.owner(39_999, 2, 40_000)).isEqualTo(-1);
        assertThat(QueuePorts.owner(50_000, 2, 0)).isEqualTo(-1);
        assertThat(QueuePorts.owner(50_001, 2, 40_000)).isEqualTo(1);
    }

    /** Headers only, as far as steering reads them: IPv4 (IHL 5) or IPv6, then TCP ports. */
    private static byte[] tcpPacket(final int version, final int destinationPort)
    {
        final int ip = version == 4 ? 20 : 40;
        final byte[] p = new byte[ip + 20];
        p[0] = (byte)(version == 4 ? 0x45 : 0x60);
        p[version == 4 ? 9 : 6] = 6;
        p[ip] = (byte)0xc3;
        p[ip + 1] = 0x50; // source port 50000
        p[ip + 2] = (byte)(destinationPort >>> 8);
        p[ip + 3] = (byte)destinationPort;
        return p;
    }

    @Test
    void tcpDestinationPort_ipv4AndIpv6Tcp_readsPort()
    {
        assertThat(QueueSteering.tcpDestinationPort(Unpooled.wrappedBuffer(tcpPacket(4, 40_001)))).isEqualTo(40_001);
        assertThat(QueueSteering.tcpDestinationPort(Unpooled.wrappedBuffer(tcpPacket(6, 65_535)))).isEqualTo(65_535);
        final ByteBuf offset = Unpooled.buffer().writeZero(3).writeBytes(tcpPacket(4, 80));
        offset.readerIndex(3);
        assertThat(QueueSteering.tcpDestinationPort(offset)).isEqualTo(80);
    }

    @Test
    void tcpDestinationPort_udpFragmentOrTruncated_notSteered()
    {
        final byte[] v4 = tcpPacket(4, 40_001);
        final byte[] udp = v4.clone();
        udp[9] = 17;
        assertThat(QueueSteering.tcpDestinationPort(Unpooled.wrappedBuffer(udp))).isEqualTo(-1);
        final byte[] fragment = v4.clone();
        fragment[7] = 8; // fragment offset 64 bytes
        assertThat(QueueSteering.tcpDestinationPort(Unpooled.wrappedBuffer(fragment))).isEqualTo(-1);
        final ByteBuf truncated = Unpooled.wrappedBuffer(v4, 0, 22);
        assertThat(QueueSteering.tcpDestinationPort(truncated)).isEqualTo(-1);
        assertThat(QueueSteering.tcpDestinationPort(Unpooled.wrappedBuffer(new byte[]{0x20}))).isEqualTo(-1);
    }
}
