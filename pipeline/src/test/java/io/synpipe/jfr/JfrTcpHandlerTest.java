package io.synpipe.jfr;

import io.synpipe.sim.InMemoryWire;
import io.synpipe.sim.WireFaults;
import io.synpipe.table.ConnectionTable;
import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.tcp.TcpState;
import io.synpipe.timer.ManualClock;
import io.synpipe.wire.IpAddress;
import jdk.jfr.EventType;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two engines on an {@link InMemoryWire} (1 ms one way, manual clock), both handlers wrapped in a
 * {@link JfrTcpHandler}; the recording is written to a file and read back with {@link RecordingFile}.
 */
class JfrTcpHandlerTest
{
    private static final long A_LO = IpAddress.v4Lo(0xC612_0001);
    private static final long B_LO = IpAddress.v4Lo(0xC612_0002);
    private static final long START_NS = 5_000_000_000L;
    private static final long DELAY_NS = 1_000_000L;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(START_NS);
    private final InMemoryWire wire = new InMemoryWire(new WireFaults(1, 0, 0, 0, DELAY_NS, 0));
    private final Side sideA = new Side();
    private final Side sideB = new Side();
    private final TcpEngine a;
    private final TcpEngine b;

    JfrTcpHandlerTest()
    {
        final JfrTcpHandler jfrA = new JfrTcpHandler(sideA, clock);
        final JfrTcpHandler jfrB = new JfrTcpHandler(sideB, clock);
        a = new TcpEngine(new TcpConfig().mslMs(10), jfrA, wire.sinkFromA(), START_NS);
        b = new TcpEngine(new TcpConfig().mslMs(10), jfrB, wire.sinkFromB(), START_NS);
        jfrA.engine(a);
        jfrB.engine(b);
        sideA.engine = a;
        sideB.engine = b;
        wire.attach(a, b);
        wire.nowNs(START_NS);
    }

    @Test
    void recordingOn_handshakesAndCloses_oneEventEachWithTheEngineFigures() throws IOException
    {
        final Path file = dir.resolve("run.jfr");
        final JfrRecording recording = JfrRecording.start(file);
        final Map<Integer, Long> connectNs = new HashMap<>();

        b.listen(0, B_LO, 80);
        // 5001: 100 bytes out, 50 back, FIN from A, B closes on the peer's FIN
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[100]);
        sideA.onEstablished = h ->
        {
            if (a.tcb(h).localPort() == 5001)
            {
                a.send(h, payload, 0, 100, clock.nanoTime());
            }
            else
            {
                a.abort(h);
            }
        };
        sideB.onEstablished = h -> b.send(h, payload, 0, 50, clock.nanoTime());
        sideA.onData = h ->
        {
            if (a.state(h) == TcpState.ESTABLISHED)
            {
                a.close(h, clock.nanoTime());
            }
        };
        sideB.onPeerClosed = h -> b.close(h, clock.nanoTime());
        connectNs.put(5001, clock.nanoTime());
        a.connect(0, A_LO, 5001, 0, B_LO, 80, clock.nanoTime());
        stepMs(3);
        // 5002: established, then aborted by A (RST)
        connectNs.put(5002, clock.nanoTime());
        a.connect(0, A_LO, 5002, 0, B_LO, 80, clock.nanoTime());
        stepMs(3);
        // 5003: nobody listens on 81, the SYN is answered with RST
        connectNs.put(5003, clock.nanoTime());
        a.connect(0, A_LO, 5003, 0, B_LO, 81, clock.nanoTime());
        stepMs(20);

        assertThat(recording.stop()).isEqualTo(file);
        final List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        final List<RecordedEvent> handshakes = named(events, HandshakeCompletedEvent.NAME);
        final List<RecordedEvent> closes = named(events, ConnectionClosedEvent.NAME);

        assertThat(handshakes).hasSize(4);
        for (final RecordedEvent e : handshakes)
        {
            final boolean passive = e.getInt("localPort") == 80;
            final Side side = passive ? sideB : sideA;
            final int clientPort = passive ? e.getInt("remotePort") : e.getInt("localPort");
            assertThat(e.getString("role")).isEqualTo(passive ? JfrTcpHandler.PASSIVE : JfrTcpHandler.ACTIVE);
            assertThat(e.getLong("handshakeLatency")).isPositive()
                .isEqualTo(side.handshakeNs.get(clientPort)).isEqualTo(2 * DELAY_NS);
            assertThat(e.getDuration("handshakeLatency").toNanos()).isEqualTo(2 * DELAY_NS);
            assertThat(e.getString("localAddress")).isEqualTo(passive ? "198.18.0.2" : "198.18.0.1");
            assertThat(e.getString("remoteAddress")).isEqualTo(passive ? "198.18.0.1" : "198.18.0.2");
            assertThat(e.getInt("ipVersion")).isEqualTo(4);
            assertThat(e.getInt("retransmissions")).isZero();
        }
        assertThat(handshakes).extracting(e -> e.getInt(e.getInt("localPort") == 80 ? "remotePort" : "localPort"))
            .containsExactlyInAnyOrder(5001, 5001, 5002, 5002);

        assertThat(closes).hasSize(5);
        final Map<String, RecordedEvent> byKey = new HashMap<>();
        for (final RecordedEvent e : closes)
        {
            final boolean passive = e.getString("role").equals(JfrTcpHandler.PASSIVE);
            final int clientPort = passive ? e.getInt("remotePort") : e.getInt("localPort");
            byKey.put((passive ? "B" : "A") + clientPort, e);
        }
        assertThat(byKey.keySet()).containsExactlyInAnyOrder("A5001", "B5001", "A5002", "B5002", "A5003");
        expectClose(byKey.get("A5001"), "NORMAL", true, "TIME_WAIT", 100, 50);
        expectClose(byKey.get("B5001"), "NORMAL", true, "CLOSED", 50, 100);
        expectClose(byKey.get("A5002"), "ABORTED", true, "CLOSED", 0, 0);
        expectClose(byKey.get("B5002"), "RESET_BY_PEER", true, "CLOSED", 50, 0);
        expectClose(byKey.get("A5003"), "REFUSED", false, "CLOSED", 0, 0);
        for (final int port : new int[]{5001, 5002, 5003})
        {
            // the active side's lifetime: from connect to the close, by the clock that drove the engine
            assertThat(byKey.get("A" + port).getLong("lifetime"))
                .isEqualTo(sideA.closedNs.get(port) - connectNs.get(port)).isPositive();
        }
        assertThat(byKey.get("A5003").getLong("lifetime")).isEqualTo(2 * DELAY_NS);
        assertThat(byKey.get("B5001").getLong("lifetime")).isEqualTo(sideB.closedNs.get(5001) - (connectNs.get(5001) + DELAY_NS));
        assertThat(sideA.reasons).containsEntry(CloseReason.NORMAL, 1).containsEntry(CloseReason.ABORTED, 1)
            .containsEntry(CloseReason.REFUSED, 1);
    }

    @Test
    void eventsDisabled_handshakesAndCloses_nothingEmittedAndDelegateStillCalled() throws IOException
    {
        final Path file = dir.resolve("off.jfr");
        try (Recording recording = new Recording())
        {
            recording.disable(HandshakeCompletedEvent.class);
            recording.disable(ConnectionClosedEvent.class);
            recording.enable("jdk.ThreadSleep"); // something else is on, so the recording is not empty by design
            recording.start();
            assertThat(EventType.getEventType(HandshakeCompletedEvent.class).isEnabled()).isFalse();
            assertThat(EventType.getEventType(ConnectionClosedEvent.class).isEnabled()).isFalse();

            b.listen(0, B_LO, 80);
            sideA.onEstablished = h -> a.abort(h);
            for (int port = 6000; port < 6010; port++)
            {
                a.connect(0, A_LO, port, 0, B_LO, 80, clock.nanoTime());
            }
            stepMs(10);
            recording.stop();
            recording.dump(file);
        }

        assertThat(sideA.handshakeNs.size()).isEqualTo(10);
        assertThat(sideB.closedNs.size()).isEqualTo(10);
        final List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertThat(events).noneMatch(e -> e.getEventType().getName().startsWith("io.synpipe."));
    }

    @Test
    void start_missingDirectory_oneLineErrorNamingTheFile()
    {
        final Path file = dir.resolve("no-such-dir").resolve("x.jfr");
        assertThatThrownBy(() -> JfrRecording.start(file))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(file + ": directory " + file.getParent() + " does not exist");
        assertThatThrownBy(() -> JfrRecording.start(dir))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(dir + " is a directory, not a file");
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void tcbAtClose_deletedThenSlotReused_fieldsUntilReuseThenNull()
    {
        final long refused = a.connect(0, A_LO, 7000, 0, B_LO, 81, clock.nanoTime());
        assertThat(a.tcbAtClose(refused).localPort()).isEqualTo(7000); // live
        stepMs(3);
        assertThat(sideA.reasons).containsEntry(CloseReason.REFUSED, 1);
        assertThat(a.tcb(refused)).isNull();
        assertThat(a.tcbAtClose(refused).localPort()).isEqualTo(7000);
        assertThat(a.tcbAtClose(refused).state()).isEqualTo(TcpState.S_CLOSED);

        final long next = a.connect(0, A_LO, 7001, 0, B_LO, 81, clock.nanoTime());
        assertThat(ConnectionTable.slot(next)).isEqualTo(ConnectionTable.slot(refused));
        assertThat(a.tcbAtClose(refused)).isNull();
        assertThat(a.tcbAtClose(ConnectionTable.NULL_HANDLE)).isNull();
    }

    private static void expectClose(
        final RecordedEvent e, final String reason, final boolean established, final String state, final long sent,
        final long received)
    {
        assertThat(e.getString("closeReason")).isEqualTo(reason);
        assertThat(e.getBoolean("established")).isEqualTo(established);
        assertThat(e.getString("state")).isEqualTo(state);
        assertThat(e.getLong("bytesSent")).as("bytesSent").isEqualTo(sent);
        assertThat(e.getLong("bytesReceived")).as("bytesReceived").isEqualTo(received);
        assertThat(e.getLong("lifetime")).isPositive();
    }

    private static List<RecordedEvent> named(final List<RecordedEvent> events, final String name)
    {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    private void stepMs(final long ms)
    {
        for (long i = 0; i < ms; i++)
        {
            final long nowNs = clock.advanceMs(1).nanoTime();
            wire.deliver(nowNs);
            a.poll(nowNs);
            b.poll(nowNs);
        }
    }

    /** The application: remembers the engine's handshake figure and the close time per client port. */
    private final class Side implements TcpHandler
    {
        TcpEngine engine;
        final Long2LongHashMap handshakeNs = new Long2LongHashMap(-1);
        final Long2LongHashMap closedNs = new Long2LongHashMap(-1);
        final Map<CloseReason, Integer> reasons = new HashMap<>();
        final Map<Long, Integer> clientPorts = new HashMap<>();
        LongConsumer onEstablished = h -> { };
        LongConsumer onData = h -> { };
        LongConsumer onPeerClosed = h -> { };

        @Override
        public int onSyn(final long handle, final int listenerId)
        {
            clientPorts.put(handle, engine.tcb(handle).remotePort());
            return ACCEPT;
        }

        @Override
        public void onEstablished(final long handle)
        {
            final int clientPort = clientPort(handle);
            clientPorts.put(handle, clientPort);
            handshakeNs.put(clientPort, engine.handshakeNs(handle));
            onEstablished.accept(handle);
        }

        @Override
        public void onData(final long handle, final DirectBuffer buffer, final int offset, final int length)
        {
            onData.accept(handle);
        }

        @Override
        public void onPeerClosed(final long handle)
        {
            onPeerClosed.accept(handle);
        }

        @Override
        public void onClosed(final long handle, final CloseReason reason)
        {
            final Integer port = clientPorts.get(handle);
            closedNs.put(port != null ? port : engine.tcbAtClose(handle).localPort(), clock.nanoTime());
            reasons.merge(reason, 1, Integer::sum);
        }

        private int clientPort(final long handle)
        {
            final var tcb = engine.tcb(handle);
            return tcb.localPort() == 80 ? tcb.remotePort() : tcb.localPort();
        }
    }
}
