package io.synpipe.tun;

import io.synpipe.wire.TcpSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The FFM TUN device: names checked like the kernel does, errors by errno name, packets in and out. */
class TunTest
{
    @Nested
    class Names
    {
        @Test
        void checkName_sixteenBytes_oneLineNamingLengthAndLimit()
        {
            assertThatThrownBy(() -> Tun.checkName("synpipe-tun-0123"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TUN device name 'synpipe-tun-0123' is 16 bytes long: at most 15 allowed");
        }

        @Test
        void open_nameTooLong_throwsBeforeAnySystemCall()
        {
            assertThatThrownBy(() -> Tun.open("a-name-much-too-long-for-ifnamsiz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is 33 bytes long: at most 15 allowed");
        }

        @Test
        void checkName_fifteenBytes_accepted()
        {
            assertThat(Tun.checkName("synpipe-tun-012")).hasSize(15);
        }

        @Test
        void checkName_slashColonSpaceOrDots_refused()
        {
            for (final String bad : new String[] {"a/b", "a:b", "a b", ".", "..", "tün"})
            {
                assertThatThrownBy(() -> Tun.checkName(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("TUN device name '" + bad + "'");
            }
        }
    }

    @Nested
    class InNamespace
    {
        private NetnsFixture ns;

        @BeforeEach
        void createNamespace() throws Exception
        {
            ns = NetnsFixture.create();
        }

        @AfterEach
        void deleteNamespace() throws Exception
        {
            if (ns != null)
            {
                ns.close();
            }
        }

        @Test
        void open_newName_createsDeviceThatGoesAwayOnClose() throws Exception
        {
            final Tun tun = Netns.call(ns.name(), () -> Tun.open("sp0"));
            try
            {
                assertThat(tun.name()).isEqualTo("sp0");
                assertThat(tun.fd()).isPositive();
                assertThat(ns.hasLink("sp0")).isTrue();
            }
            finally
            {
                tun.close();
            }
            assertThat(tun.isOpen()).isFalse();
            assertThat(ns.hasLink("sp0")).isFalse();
        }

        @Test
        void open_emptyName_kernelPicksOne() throws Exception
        {
            try (Tun tun = Netns.call(ns.name(), () -> Tun.open("")))
            {
                assertThat(tun.name()).startsWith("tun");
                assertThat(ns.hasLink(tun.name())).isTrue();
            }
        }

        @Test
        void open_sameNameTwiceSingleQueue_ebusyOneLine() throws Exception
        {
            try (Tun first = Netns.call(ns.name(), () -> Tun.open("sp0")))
            {
                assertThat(first.isOpen()).isTrue();
                assertThatThrownBy(() -> Netns.call(ns.name(), () -> Tun.open("sp0")))
                    .isInstanceOf(TunException.class)
                    .hasMessage("cannot create TUN device 'sp0': EBUSY (device or resource busy): "
                        + "the name is in use by another TUN device (or a queue of it)")
                    .extracting(e -> ((TunException)e).errnoName()).isEqualTo(Errno.EBUSY);
            }
        }

        @Test
        void open_nameOfLoopback_einvalOneLine() throws Exception
        {
            assertThatThrownBy(() -> Netns.call(ns.name(), () -> Tun.open("lo")))
                .isInstanceOf(TunException.class)
                .hasMessageStartingWith("cannot create TUN device 'lo': EINVAL (invalid argument): the name is in use")
                .extracting(e -> ((TunException)e).errnoName()).isEqualTo(Errno.EINVAL);
        }

        @Test
        void open_multiQueueTwice_twoQueuesOfOneDevice() throws Exception
        {
            try (Tun q0 = Netns.call(ns.name(), () -> Tun.open("spmq", true));
                Tun q1 = Netns.call(ns.name(), () -> Tun.open("spmq", true)))
            {
                assertThat(q0.multiQueue()).isTrue();
                assertThat(q1.fd()).isNotEqualTo(q0.fd());
                assertThat(q1.name()).isEqualTo("spmq");
            }
            assertThat(ns.hasLink("spmq")).isFalse();
        }

        @Test
        void open_singleQueueNameAsMultiQueue_einval() throws Exception
        {
            try (Tun single = Netns.call(ns.name(), () -> Tun.open("sp0")))
            {
                assertThat(single.isOpen()).isTrue();
                assertThatThrownBy(() -> Netns.call(ns.name(), () -> Tun.open("sp0", true)))
                    .isInstanceOf(TunException.class)
                    .extracting(e -> ((TunException)e).errnoName()).isIn(Errno.EINVAL, Errno.EBUSY);
            }
        }

        @Test
        void read_nothingWaiting_returnsZero() throws Exception
        {
            try (Tun tun = Netns.call(ns.name(), () -> Tun.open("sp0"));
                Arena arena = Arena.ofConfined())
            {
                final MemorySegment buffer = arena.allocate(2048);
                assertThat(tun.read(buffer.address(), 2048)).isZero();
            }
        }

        @Test
        void writeSyn_kernelListener_readsSynAckFromTheKernel() throws Exception
        {
            try (Tun tun = Netns.call(ns.name(), () -> Tun.open("sp0"));
                Arena arena = Arena.ofConfined())
            {
                ns.configure("sp0");
                final ServerSocket listener = Netns.call(ns.name(), () ->
                    new ServerSocket(7000, 8, InetAddress.getByName(NetnsFixture.KERNEL_ADDRESS)));
                final byte[] syn = TcpSegment.of(NetnsFixture.SYNPIPE_ADDRESS, 40_000, NetnsFixture.KERNEL_ADDRESS, 7000)
                    .withFlags(TcpSegment.SYN).withSeq(0x1234_5678).withMss(1460).encode();
                final MemorySegment out = arena.allocate(syn.length);
                MemorySegment.copy(syn, 0, out, ValueLayout.JAVA_BYTE, 0, syn.length);
                assertThat(tun.write(out.address(), syn.length)).isEqualTo(syn.length);

                final TcpSegment synAck = readTcp(tun, arena, 40_000);
                assertThat(synAck.has(TcpSegment.SYN)).isTrue();
                assertThat(synAck.has(TcpSegment.ACK)).isTrue();
                assertThat(synAck.ack()).isEqualTo(0x1234_5679);
                assertThat(synAck.srcPort()).isEqualTo(7000);
                assertThat(listener.getLocalSocketAddress()).isEqualTo(
                    new InetSocketAddress(NetnsFixture.KERNEL_ADDRESS, 7000));
                listener.close();
            }
        }

        /** Reads packets until a TCP segment to {@code dstPort} arrives, for at most a second (bounded). */
        private TcpSegment readTcp(final Tun tun, final Arena arena, final int dstPort) throws Exception
        {
            final MemorySegment in = arena.allocate(2048);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() - deadlineNs < 0)
            {
                final int n = tun.read(in.address(), 2048);
                if (n == 0)
                {
                    Thread.onSpinWait();
                    continue;
                }
                final byte[] packet = in.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                if (TcpSegment.dropReason(packet) == null)
                {
                    final TcpSegment segment = TcpSegment.parse(packet);
                    if (segment.dstPort() == dstPort)
                    {
                        return segment;
                    }
                }
            }
            throw new AssertionError("no TCP segment to port " + dstPort + " read from the TUN within 1 s");
        }
    }
}
