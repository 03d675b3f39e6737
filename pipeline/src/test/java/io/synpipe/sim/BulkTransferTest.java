package io.synpipe.sim;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.wire.IpAddress;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 64 MiB from one engine to another over the in-memory wire, checked by SHA-256 on both ends, with a clean wire,
 * loss, reordering, duplication and a slow reader. The seed of every faulty wire is in the assertion message.
 */
class BulkTransferTest
{
    private static final int MIB = 1 << 20;
    private static final long A_LO = IpAddress.v4Lo(0xC612_0001);
    private static final long B_LO = IpAddress.v4Lo(0xC612_0002);

    /** One transfer: A writes {@code totalBytes} of a seeded stream and closes; B reads it all and closes. */
    static final class Transfer
    {
        final long totalBytes;
        final WireFaults faults;
        final InMemoryWire wire;
        final TcpEngine a;
        final TcpEngine b;
        final MessageDigest sentDigest = sha256();
        final MessageDigest receivedDigest = sha256();
        final byte[] stage = new byte[64 * 1024];
        final UnsafeBuffer stageBuffer = new UnsafeBuffer(stage);
        final byte[] scratch = new byte[256 * 1024];
        final SplittableRandom stream;
        int stageOffset;
        int stageLength;
        long written;
        long received;
        long handleA;
        long handleB;
        boolean closedA;
        boolean closedB;
        CloseReason reasonA;
        CloseReason reasonB;
        boolean manualCredit;
        int creditBurst;
        int creditEveryMs = 1;
        long owedCredit;
        long nowNs = 1_000_000_000L;

        Transfer(final long totalBytes, final WireFaults faults, final Consumer<TcpConfig> tweak)
        {
            this.totalBytes = totalBytes;
            this.faults = faults;
            this.stream = new SplittableRandom(faults.seed() * 31 + 7);
            this.wire = new InMemoryWire(faults, 65_536, 2048);
            final TcpConfig configA = new TcpConfig();
            final TcpConfig configB = new TcpConfig();
            tweak.accept(configA);
            tweak.accept(configB);
            a = new TcpEngine(configA, new TcpHandler()
            {
                @Override
                public void onEstablished(final long handle)
                {
                    handleA = handle;
                }

                @Override
                public void onPeerClosed(final long handle)
                {
                }

                @Override
                public void onClosed(final long handle, final CloseReason reason)
                {
                    closedA = true;
                    reasonA = reason;
                }
            }, wire.sinkFromA(), nowNs);
            b = new TcpEngine(configB, new TcpHandler()
            {
                @Override
                public void onEstablished(final long handle)
                {
                    handleB = handle;
                    if (manualCredit)
                    {
                        b.manualReadCredit(handle);
                    }
                }

                @Override
                public void onData(final long handle, final DirectBuffer buffer, final int offset, final int length)
                {
                    buffer.getBytes(offset, scratch, 0, length);
                    receivedDigest.update(scratch, 0, length);
                    received += length;
                    owedCredit += length;
                }

                @Override
                public void onPeerClosed(final long handle)
                {
                    b.close(handle, nowNs);
                }

                @Override
                public void onClosed(final long handle, final CloseReason reason)
                {
                    closedB = true;
                    reasonB = reason;
                }
            }, wire.sinkFromB(), nowNs);
            wire.attach(a, b);
            wire.nowNs(nowNs);
            b.listen(0, B_LO, 5001);
        }

        void run(final long maxSimMs)
        {
            a.connect(0, A_LO, 40_000, 0, B_LO, 5001, nowNs);
            boolean closing = false;
            for (long ms = 0; ms < maxSimMs && !(closedA && closedB); ms++)
            {
                nowNs += 1_000_000L;
                wire.deliver(nowNs);
                a.poll(nowNs);
                b.poll(nowNs);
                if (manualCredit && handleB != 0 && owedCredit > 0 && ms % creditEveryMs == 0)
                {
                    final int credit = (int)Math.min(owedCredit, creditBurst);
                    owedCredit -= credit;
                    b.consume(handleB, credit, nowNs);
                }
                if (handleA != 0 && !closing)
                {
                    pump();
                    if (written == totalBytes)
                    {
                        a.close(handleA, nowNs);
                        closing = true;
                    }
                }
            }
        }

        private void pump()
        {
            while (written < totalBytes)
            {
                if (stageOffset == stageLength)
                {
                    stageLength = (int)Math.min(stage.length, totalBytes - written);
                    stageOffset = 0;
                    for (int i = 0; i < stageLength; i += 8)
                    {
                        final long v = stream.nextLong();
                        for (int j = 0; j < 8 && i + j < stageLength; j++)
                        {
                            stage[i + j] = (byte)(v >>> (8 * j));
                        }
                    }
                }
                final int n = a.send(handleA, stageBuffer, stageOffset, stageLength - stageOffset, nowNs);
                if (n == 0)
                {
                    return;
                }
                sentDigest.update(stage, stageOffset, n);
                stageOffset += n;
                written += n;
            }
        }

        String describe()
        {
            return "faults=" + faults + " written=" + written + " received=" + received + " closedA=" + closedA
                + "(" + reasonA + ") closedB=" + closedB + "(" + reasonB + ") wire{sent=" + wire.sent() + ", lost="
                + wire.lost() + ", dup=" + wire.duplicated() + ", reordered=" + wire.reordered() + ", overflow="
                + wire.overflowed() + "} A=" + a.counters().eventSnapshot() + " B=" + b.counters().eventSnapshot();
        }

        void assertComplete()
        {
            final String context = describe();
            assertThat(written).as(context).isEqualTo(totalBytes);
            assertThat(received).as(context).isEqualTo(totalBytes);
            assertThat(HexFormat.of().formatHex(receivedDigest.digest())).as(context)
                .isEqualTo(HexFormat.of().formatHex(sentDigest.digest()));
            assertThat(closedA && closedB).as(context).isTrue();
            assertThat(reasonA).as(context).isEqualTo(CloseReason.NORMAL);
            assertThat(reasonB).as(context).isEqualTo(CloseReason.NORMAL);
            assertThat(a.dataBuffersInUse()).as(context).isZero();
            assertThat(b.dataBuffersInUse()).as(context).isZero();
        }

        private static MessageDigest sha256()
        {
            try
            {
                return MessageDigest.getInstance("SHA-256");
            }
            catch (final NoSuchAlgorithmException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }

    private static final long ONE_MS = 1_000_000L;

    @Test
    void transfer64MiB_cleanWire_sha256Equal()
    {
        final Transfer t = new Transfer(64L * MIB, new WireFaults(1, 0, 0, 0, ONE_MS, 0), c -> { });
        t.run(120_000);
        t.assertComplete();
    }

    @Test
    void transfer64MiB_onePercentLoss_sha256Equal()
    {
        final Transfer t = new Transfer(64L * MIB, new WireFaults(2, 0.01, 0, 0, ONE_MS, 0), c -> { });
        t.run(600_000);
        t.assertComplete();
        assertThat(t.a.counters().get(io.synpipe.tcp.EngineEvent.RETRANSMIT_DATA)).isPositive();
    }

    @Test
    void transfer64MiB_fivePercentReordering_sha256Equal()
    {
        final Transfer t = new Transfer(64L * MIB, new WireFaults(3, 0, 0, 0.05, ONE_MS, 3 * ONE_MS), c -> { });
        t.run(600_000);
        t.assertComplete();
        assertThat(t.b.counters().get(io.synpipe.tcp.EngineEvent.OUT_OF_ORDER_QUEUED)).isPositive();
    }

    @Test
    void transfer64MiB_duplication_sha256Equal()
    {
        final Transfer t = new Transfer(64L * MIB, new WireFaults(4, 0, 0.05, 0, ONE_MS, 0), c -> { });
        t.run(600_000);
        t.assertComplete();
    }

    @Test
    void transfer8MiB_stallingReader_zeroWindowProbedAndReopened()
    {
        final Transfer t = new Transfer(8L * MIB, new WireFaults(5, 0, 0, 0, ONE_MS, 0), c -> { });
        t.manualCredit = true;
        // the reader stalls: it releases 128 KiB every 500 ms, so the window shuts to zero and has to reopen
        t.creditBurst = 128 * 1024;
        t.creditEveryMs = 500;
        t.run(600_000);
        t.assertComplete();
        assertThat(t.a.counters().get(io.synpipe.tcp.EngineEvent.ZERO_WINDOW_SEEN)).as(t.describe()).isPositive();
        assertThat(t.a.counters().get(io.synpipe.tcp.EngineEvent.ZERO_WINDOW_PROBE)).as(t.describe()).isPositive();
    }

    @Test
    void transfer16MiB_newReno_onePercentLoss_sha256Equal()
    {
        final Transfer t = new Transfer(16L * MIB, new WireFaults(6, 0.01, 0, 0, ONE_MS, 0),
            c -> c.congestionControl("newreno"));
        t.run(600_000);
        t.assertComplete();
    }

    @Test
    void transfer16MiB_sequenceNumbersCrossTheWrap_sha256Equal()
    {
        // both ISNs just below 2^32: every sequence comparison, ring offset and SACK range crosses the wrap
        final Transfer t = new Transfer(16L * MIB, new WireFaults(7, 0.005, 0, 0.02, ONE_MS, ONE_MS),
            c -> c.isnGenerator((a, b, x, d, e, g, h) -> 0xFFFF_F000));
        t.run(600_000);
        t.assertComplete();
    }
}
