package io.synpipe.sim;

import io.synpipe.table.ConnectionTable;
import io.synpipe.tcp.CloseReason;
import io.synpipe.wire.IpAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** 10,000 connections each move data both ways and close: every data buffer goes back, both tables empty. */
class NoLeakTest
{
    private static final int CONNECTIONS = 10_000;
    private static final long A_LO = IpAddress.v4Lo(0xC612_0001);
    private static final long B_LO = IpAddress.v4Lo(0xC612_0002);

    @Test
    void tenThousandConnectionsWithData_allBuffersReturnedAndTablesEmpty()
    {
        final EnginePair pair = new EnginePair(new WireFaults(11, 0.01, 0.01, 0.02, 1_000_000, 2_000_000),
            c -> c.mslMs(500).maxConnections(32_768).maxDataConnections(2048).receiveBufferBytes(16_384)
                .sendBufferBytes(16_384));
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[3000]);
        final long[] bytesAtB = {0};
        final long[] bytesAtA = {0};
        pair.b.listen(0, B_LO, 80);
        pair.sideA.onEstablished = h -> pair.a.send(h, payload, 0, 3000, pair.nowNs);
        pair.sideB.onEstablished = h -> pair.b.send(h, payload, 0, 1000, pair.nowNs);
        pair.sideA.onPeerClosed = h -> pair.a.close(h, pair.nowNs);
        pair.sideB.onPeerClosed = h -> pair.b.close(h, pair.nowNs);
        pair.sideA.onData = (h, length) ->
        {
            bytesAtA[0] += length;
            final long got = pair.a.userData(h) + length;
            pair.a.userData(h, got);
            if (got == 1000)
            {
                pair.a.close(h, pair.nowNs);
            }
        };
        pair.sideB.onData = (h, length) -> bytesAtB[0] += length;

        int started = 0;
        long peakBuffers = 0;
        while (started < CONNECTIONS)
        {
            for (int i = 0; i < 20 && started < CONNECTIONS; i++, started++)
            {
                final long h = pair.a.connect(0, A_LO, 1024 + started, 0, B_LO, 80, pair.nowNs);
                assertThat(h).isNotEqualTo(ConnectionTable.NULL_HANDLE);
            }
            pair.stepMs(2);
            peakBuffers = Math.max(peakBuffers, pair.a.dataBuffersInUse() + pair.b.dataBuffersInUse());
        }
        final boolean drained = pair.runUntil(() -> pair.a.connectionCount() == 0 && pair.b.connectionCount() == 0,
            600_000);

        assertThat(drained).as("A=" + pair.sideA + " B=" + pair.sideB).isTrue();
        assertThat(peakBuffers).isPositive();
        assertThat(pair.a.dataBuffersInUse()).isZero();
        assertThat(pair.b.dataBuffersInUse()).isZero();
        assertThat(bytesAtB[0]).isEqualTo(3000L * CONNECTIONS);
        assertThat(bytesAtA[0]).isEqualTo(1000L * CONNECTIONS);
        assertThat(pair.sideA.reasons).containsOnlyKeys(CloseReason.NORMAL);
        assertThat(pair.a.scheduledTimers()).isZero();
        assertThat(pair.b.scheduledTimers()).isZero();
    }
}
