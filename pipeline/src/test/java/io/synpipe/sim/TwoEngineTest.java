package io.synpipe.sim;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpState;
import io.synpipe.wire.IpAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Simultaneous open and simultaneous close between two real engines (RFC 9293 §3.5 Figures 8 and 13). */
class TwoEngineTest
{
    private static final long A_LO = IpAddress.v4Lo(0xC612_0001);
    private static final long B_LO = IpAddress.v4Lo(0xC612_0002);

    private final EnginePair pair = new EnginePair(new WireFaults(1, 0, 0, 0, 1_000_000, 0), c -> c.mslMs(1_000));

    @Test
    void simultaneousOpen_bothSynSent_oneEstablishedConnectionPerSide()
    {
        final long ha = pair.a.connect(0, A_LO, 5000, 0, B_LO, 6000, pair.nowNs);
        final long hb = pair.b.connect(0, B_LO, 6000, 0, A_LO, 5000, pair.nowNs);

        pair.stepMs(10);

        assertThat(pair.a.state(ha)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(pair.b.state(hb)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(pair.a.connectionCount()).isEqualTo(1);
        assertThat(pair.b.connectionCount()).isEqualTo(1);
        for (final var engine : new io.synpipe.tcp.TcpEngine[]{pair.a, pair.b})
        {
            assertThat(engine.counters().transitions(TcpState.SYN_SENT, TcpState.SYN_RECEIVED)).isEqualTo(1);
            assertThat(engine.counters().transitions(TcpState.SYN_RECEIVED, TcpState.ESTABLISHED)).isEqualTo(1);
        }
        assertThat(pair.sideA.established).isEqualTo(1);
        assertThat(pair.sideB.established).isEqualTo(1);
    }

    @Test
    void simultaneousClose_bothFinWait1_bothPassClosingToTimeWaitThenClosed()
    {
        pair.b.listen(0, B_LO, 6000);
        final long ha = pair.a.connect(0, A_LO, 5000, 0, B_LO, 6000, pair.nowNs);
        pair.stepMs(5);
        assertThat(pair.a.state(ha)).isEqualTo(TcpState.ESTABLISHED);
        final long hb = pair.sideB.lastHandle;
        assertThat(pair.b.state(hb)).isEqualTo(TcpState.ESTABLISHED);

        assertThat(pair.a.close(ha, pair.nowNs)).isTrue();
        assertThat(pair.b.close(hb, pair.nowNs)).isTrue();
        pair.stepMs(5);

        for (final var engine : new io.synpipe.tcp.TcpEngine[]{pair.a, pair.b})
        {
            assertThat(engine.counters().transitions(TcpState.FIN_WAIT_1, TcpState.CLOSING)).isEqualTo(1);
            assertThat(engine.counters().transitions(TcpState.CLOSING, TcpState.TIME_WAIT)).isEqualTo(1);
        }
        assertThat(pair.a.state(ha)).isEqualTo(TcpState.TIME_WAIT);
        assertThat(pair.b.state(hb)).isEqualTo(TcpState.TIME_WAIT);
        assertThat(pair.sideA.reasons).containsExactlyEntriesOf(java.util.Map.of(CloseReason.NORMAL, 1));
        assertThat(pair.sideB.reasons).containsExactlyEntriesOf(java.util.Map.of(CloseReason.NORMAL, 1));

        pair.stepMs(2_010);
        assertThat(pair.a.connectionCount()).isZero();
        assertThat(pair.b.connectionCount()).isZero();
        assertThat(pair.a.counters().transitions(TcpState.TIME_WAIT, TcpState.CLOSED)).isEqualTo(1);
    }
}
