package io.synpipe.tun.serve;

import io.synpipe.tun.Await;
import io.synpipe.tun.Netns;
import io.synpipe.tun.NetnsFixture;
import io.synpipe.tun.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code synpipe serve --pcap}: the file holds the packets of a kernel connection, in order. */
class TunServerPcapTest extends ServeTestBase
{
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;

    @TempDir
    Path dir;


    @Test
    void pcap_kernelConnectAndClose_fileHoldsHandshakeInOrderWithRawLinkType() throws Exception
    {
        final Path file = dir.resolve("serve.pcap");
        server = TunServer.start(ServeSettings.parse(ns.name(), "synpipe0", List.of(NetnsFixture.TUN_CIDR),
            List.of(NetnsFixture.SYNPIPE_ADDRESS + ":9=close"), "close", 50, 0), file);
        Netns.call(ns.name(), () ->
        {
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress(NetnsFixture.SYNPIPE_ADDRESS, 9), 2_000);
            }
            return null;
        });
        // the kernel's ACK and FIN may still be unread: stop only once the connection has closed (2 x MSL = 100 ms)
        final boolean closed = Await.until(server.channel().eventLoop(), () -> server.engine().connectionCount() == 0
            && server.responder().established() == 1, 5_000);
        assertThat(closed).as("connection closed in synpipe").isTrue();
        server.stop();

        final ByteBuffer pcap = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.BIG_ENDIAN);
        assertThat(pcap.getInt(0)).isEqualTo(0xa1b2c3d4);
        assertThat(pcap.getShort(4)).isEqualTo((short)2);
        assertThat(pcap.getShort(6)).isEqualTo((short)4);
        assertThat(pcap.getInt(16)).isEqualTo(65_535);
        assertThat(pcap.getInt(20)).isEqualTo(PcapWriter.LINKTYPE_RAW);
        final List<Integer> tcpFlags = new ArrayList<>();
        int offset = PcapWriter.GLOBAL_HEADER_LENGTH;
        while (offset < pcap.limit())
        {
            final int included = pcap.getInt(offset + 8);
            assertThat(pcap.getInt(offset + 12)).isEqualTo(included);
            final int ip = offset + PcapWriter.RECORD_HEADER_LENGTH;
            if ((pcap.get(ip) & 0xf0) == 0x40 && pcap.get(ip + 9) == 6)
            {
                final int tcp = ip + (pcap.get(ip) & 0x0f) * 4;
                tcpFlags.add(pcap.get(tcp + 13) & 0x3f);
            }
            offset = ip + included;
        }
        assertThat(offset).isEqualTo(pcap.limit());
        assertThat(tcpFlags.size()).isGreaterThanOrEqualTo(3);
        assertThat(tcpFlags.subList(0, 3)).containsExactly(SYN, SYN | ACK, ACK);
    }

    @Test
    void checkPath_directoryOrMissingParent_oneLineError()
    {
        assertThatThrownBy(() -> PcapWriter.checkPath(dir.toString())).hasMessageContaining("is a directory");
        assertThatThrownBy(() -> PcapWriter.checkPath(dir.resolve("no/such.pcap").toString()))
            .hasMessageContaining("does not exist");
        assertThat(PcapWriter.checkPath(dir.resolve("ok.pcap").toString())).hasFileName("ok.pcap");
    }
}
