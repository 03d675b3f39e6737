package io.synpipe.tun.load;

import io.synpipe.sim.InMemoryWire;
import io.synpipe.sim.WireFaults;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.timer.ManualClock;
import io.synpipe.tun.Cidr;
import io.synpipe.wire.IpAddress;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generator against a synpipe server engine over the in-memory wire, on a manual clock: closed and open loop,
 * FIN and RST, refusals, and the window that decides what is measured.
 */
class LoadGeneratorTest
{
    private static final long START_NS = -5_000_000_000L;
    private static final long STEP_NS = 20_000;
    private static final Cidr SOURCES = Cidr.parse("198.18.128.0/17");
    private static final int PORT = 80;

    private final ManualClock clock = new ManualClock(START_NS);
    private final InMemoryWire wire = new InMemoryWire(WireFaults.none(), 1 << 14, 256);
    private final Set<Long> serverRemotes = new HashSet<>();
    private int maxInFlight;
    private TcpEngine client;
    private TcpEngine server;
    private LoadGenerator generator;

    private void setUp(final LoadSettings settings, final boolean listen)
    {
        client = new TcpEngine(new TcpConfig().maxConnections(1 << 12).mslMs(1), forward, wire.sinkFromA(), START_NS);
        server = new TcpEngine(new TcpConfig().maxConnections(1 << 12).mslMs(1), new Server(), wire.sinkFromB(), START_NS);
        wire.attach(client, server);
        wire.nowNs(START_NS);
        generator = new LoadGenerator(client, clock, settings, 0, 1);
        forward.generator = generator;
        if (listen)
        {
            server.listen(0, 0, PORT);
        }
    }

    private final Forward forward = new Forward();

    /** Drives wire, timers and ticks until the generator finished, bounded. */
    private void runUntilFinished()
    {
        for (int round = 0; round < 2_000_000 && !generator.finished(); round++)
        {
            step();
        }
        assertThat(generator.finished()).as("generator finished").isTrue();
    }

    private void step()
    {
        final long nowNs = clock.advanceNs(STEP_NS).nanoTime();
        wire.nowNs(nowNs);
        if ((nowNs - START_NS) % 1_000_000 == 0)
        {
            generator.onTick(nowNs);
            maxInFlight = Math.max(maxInFlight, generator.stats(nowNs).inFlight());
        }
        wire.deliver(nowNs);
        client.poll(nowNs);
        server.poll(nowNs);
        maxInFlight = Math.max(maxInFlight, generator.stats(nowNs).inFlight());
    }

    private void drainFor(final long ns)
    {
        final long endNs = clock.nanoTime() + ns;
        while (clock.nanoTime() - endNs < 0)
        {
            step();
        }
    }

    @Test
    void closedLoop_rst_everyConnectionCompletesWithConcurrencyBound()
    {
        setUp(settings(8, 0, LoadSettings.Close.RST), true);

        generator.start(clock.nanoTime(), 0, 60_000_000_000L, 2_000);
        runUntilFinished();
        drainFor(1_000_000);

        final LoadStats stats = generator.stats(clock.nanoTime());
        assertThat(stats.started()).isEqualTo(2_000);
        assertThat(stats.handshakes()).isEqualTo(2_000);
        assertThat(stats.errors()).isZero();
        assertThat(stats.tuplesBusy()).isZero();
        assertThat(generator.recorder().getIntervalHistogram().getTotalCount()).isEqualTo(2_000);
        assertThat(maxInFlight).isEqualTo(8);
        assertThat(serverRemotes).hasSize(2_000);
        assertThat(client.connectionCount()).isZero();
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void closedLoop_fin_timeWaitStaysWithTheGeneratorAndEmpties()
    {
        setUp(settings(16, 0, LoadSettings.Close.FIN), true);

        generator.start(clock.nanoTime(), 0, 60_000_000_000L, 1_000);
        runUntilFinished();

        final LoadStats stats = generator.stats(clock.nanoTime());
        assertThat(stats.handshakes()).isEqualTo(1_000);
        assertThat(stats.errors()).isZero();
        drainFor(10_000_000);
        assertThat(client.connectionCount()).as("TIME-WAIT expired after 2 MSL").isZero();
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void closedLoop_tuplesStillInTimeWait_skippedNotReused()
    {
        client = new TcpEngine(new TcpConfig().maxConnections(1 << 12).mslMs(10_000), forward, wire.sinkFromA(), START_NS);
        server = new TcpEngine(new TcpConfig().maxConnections(1 << 12).mslMs(1), new Server(), wire.sinkFromB(), START_NS);
        wire.attach(client, server);
        wire.nowNs(START_NS);
        server.listen(0, 0, PORT);
        generator = new LoadGenerator(client, clock, settings(1, 0, LoadSettings.Close.FIN), 0, 1);
        forward.generator = generator;

        generator.start(clock.nanoTime(), 0, 60_000_000_000L, 20);
        for (int round = 0; round < 100_000 && generator.stats(clock.nanoTime()).established() < 10; round++)
        {
            step();
        }
        // tuples 0..9 are in TIME-WAIT (20 s here): coming back to tuple 0 must skip them
        generator.tuples().seek(generator.tuples().nextIndex() - 10);
        runUntilFinished();

        final LoadStats stats = generator.stats(clock.nanoTime());
        assertThat(stats.handshakes()).isEqualTo(20);
        assertThat(stats.errors()).isZero();
        assertThat(stats.tuplesBusy()).isEqualTo(10);
        assertThat(serverRemotes).hasSize(20);
    }

    @Test
    void closedLoop_noListener_countsEveryAttemptAsRefused()
    {
        setUp(settings(4, 0, LoadSettings.Close.RST), false);

        generator.start(clock.nanoTime(), 0, 60_000_000_000L, 100);
        runUntilFinished();

        final LoadStats stats = generator.stats(clock.nanoTime());
        assertThat(stats.handshakes()).isZero();
        assertThat(stats.errors(LoadError.REFUSED)).isEqualTo(100);
        assertThat(stats.errors()).isEqualTo(100);
    }

    @Test
    void openLoop_startsAtTheRateAndRecordsWithCoordinatedOmissionCorrection()
    {
        setUp(LoadSettings.openLoop(SOURCES, IpAddress.parseLiteral("198.18.0.1"), PORT, 10_000,
            LoadSettings.Close.RST, 1_000), true);

        generator.start(clock.nanoTime(), 0, 100_000_000L, 0);
        runUntilFinished();

        final LoadStats stats = generator.stats(clock.nanoTime());
        // the start at time 0, then 10 at each tick 1..99 ms; the tick at 100 ms ends the window
        assertThat(stats.started()).isEqualTo(991);
        assertThat(stats.handshakes()).isEqualTo(991);
        assertThat(stats.errors()).isZero();
        assertThat(stats.measuredNs()).isEqualTo(100_000_000L);
        assertThat(generator.expectedIntervalNs()).isEqualTo(100_000);
        final Histogram h = LoadGenerator.correctForCoordinatedOmission(
            generator.recorder().getIntervalHistogram(), generator.expectedIntervalNs());
        // a handshake takes one or two wire steps (20 µs each) here, less than the 100 µs interval: nothing added
        assertThat(h.getTotalCount()).isEqualTo(991);
        assertThat(h.getMaxValue()).isLessThan(100_000);
    }

    @Test
    void correctForCoordinatedOmission_latencyOverTheInterval_standsAlsoForTheStartsDueMeanwhile()
    {
        final Histogram raw = new Histogram(LoadGenerator.MAX_LATENCY_NS, 3);
        raw.setStartTimeStamp(1_000);
        raw.setEndTimeStamp(2_000);
        raw.recordValue(50_000);
        raw.recordValue(1_000_000);

        final Histogram corrected = LoadGenerator.correctForCoordinatedOmission(raw, 100_000);

        // 1 ms at a 100 µs interval: also 900, 800, ..., 100 µs
        assertThat(corrected.getTotalCount()).isEqualTo(11);
        assertThat(corrected.getMaxValue()).isEqualTo(raw.getMaxValue());
        assertThat(corrected.getStartTimeStamp()).isEqualTo(1_000);
        assertThat(corrected.getEndTimeStamp()).isEqualTo(2_000);
        assertThat(LoadGenerator.correctForCoordinatedOmission(raw, 0)).isSameAs(raw);
    }

    @Test
    void openLoop_inFlightBoundReached_countsBehind()
    {
        setUp(LoadSettings.openLoop(SOURCES, IpAddress.parseLiteral("198.18.0.1"), PORT, 10_000,
            LoadSettings.Close.RST, 4), true);

        generator.start(clock.nanoTime(), 0, 10_000_000L, 0);
        runUntilFinished();

        final LoadStats stats = generator.stats(clock.nanoTime());
        assertThat(stats.errors(LoadError.BEHIND)).isPositive();
        assertThat(stats.handshakes()).isEqualTo(stats.started());
        assertThat(stats.handshakes() + stats.errors(LoadError.BEHIND)).as("every scheduled start").isEqualTo(91);
        assertThat(maxInFlight).isEqualTo(4);
    }

    @Test
    void warmup_handshakesBeforeTheWindow_notMeasured()
    {
        setUp(settings(4, 0, LoadSettings.Close.RST), true);

        generator.start(clock.nanoTime(), 5_000_000L, 5_000_000L, 0);
        runUntilFinished();

        final LoadStats stats = generator.stats(clock.nanoTime());
        assertThat(stats.started()).isGreaterThan(stats.handshakes());
        assertThat(stats.handshakes()).isPositive();
        assertThat(generator.recorder().getIntervalHistogram().getTotalCount()).isEqualTo(stats.handshakes());
        assertThat(stats.measuredNs()).isEqualTo(5_000_000L);
    }

    private static LoadSettings settings(final int concurrency, final long rate, final LoadSettings.Close close)
    {
        return new LoadSettings(SOURCES, IpAddress.parseLiteral("198.18.0.1"), PORT, concurrency, rate, close,
            LoadSettings.MAX_CONCURRENCY);
    }

    /** The client engine needs its handler before the generator exists (the generator needs the engine). */
    private static final class Forward implements TcpHandler
    {
        LoadGenerator generator;

        @Override
        public int onSyn(final long handle, final int listenerId)
        {
            return generator.onSyn(handle, listenerId);
        }

        @Override
        public void onEstablished(final long handle)
        {
            generator.onEstablished(handle);
        }

        @Override
        public void onPeerClosed(final long handle)
        {
            generator.onPeerClosed(handle);
        }

        @Override
        public void onClosed(final long handle, final io.synpipe.tcp.CloseReason reason)
        {
            generator.onClosed(handle, reason);
        }
    }

    /** A server that notes each client's address and the connections open at once, and closes on the peer's FIN. */
    private final class Server implements TcpHandler
    {
        @Override
        public int onSyn(final long handle, final int listenerId)
        {
            serverRemotes.add(server.tcb(handle).remoteLo());
            return ACCEPT;
        }

        @Override
        public void onPeerClosed(final long handle)
        {
            server.close(handle, clock.nanoTime());
        }
    }
}
