package io.synpipe.tun.load;

import io.synpipe.tcp.TcpConfig;
import io.synpipe.tun.Await;
import io.synpipe.tun.Cidr;
import io.synpipe.tun.NetnsFixture;
import io.synpipe.wire.IpAddress;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generator on a real TUN device against a kernel listening socket, in a namespace of the test's own: bounded
 * runs in closed loop (FIN and RST) and open loop.
 */
class TunLoadTest
{
    private static final int PORT = 8080;
    private static final long WAIT_MS = 20_000;
    private static final Cidr SOURCES = Cidr.parse(LoadSettings.DEFAULT_SOURCES);

    private record Outcome(LoadStats stats, Histogram latencyNs, long accepted, int remotes, int connectionsLeft)
    {
    }

    private static Outcome run(final LoadSettings settings, final long connections) throws Exception
    {
        try (NetnsFixture ns = NetnsFixture.create())
        {
            KernelServer.tuneNamespace(ns.name());
            final TcpConfig config = new TcpConfig().maxConnections(1 << 14).mslMs(50);
            try (TunLoad load = TunLoad.start(ns.name(), "load0", Cidr.parse(NetnsFixture.TUN_CIDR), 1, config, settings);
                 KernelServer server = KernelServer.start(ns.name(),
                     new InetSocketAddress(NetnsFixture.KERNEL_ADDRESS, PORT), 2, true))
            {
                load.run(0, 60_000_000_000L, connections);
                assertThat(load.awaitFinished(WAIT_MS)).as("every handshake ended").isTrue();
                final var loop = load.stack().queue(0).eventLoop();
                final var engine = load.stack().queue(0).engine();
                // TIME-WAIT (2 MSL = 100 ms) and the closing handshakes end: the table empties
                final boolean empty = Await.until(loop, () -> engine.connectionCount() == 0, WAIT_MS);
                final boolean allAccepted = Await.until(loop, () -> server.accepted() >= connections, WAIT_MS);
                final LoadStats stats = load.stats();
                return new Outcome(stats, load.generator(0).recorder().getIntervalHistogram(), server.accepted(),
                    server.remoteAddresses().size(), empty && allAccepted ? 0 : stats.connections());
            }
        }
    }

    @Test
    void closedLoop_fin_everyConnectionCompletesFromManySourcesAndTimeWaitEmpties() throws Exception
    {
        final Outcome o = run(LoadSettings.closedLoop(SOURCES, IpAddress.parseLiteral(NetnsFixture.KERNEL_ADDRESS), PORT,
            32, LoadSettings.Close.FIN), 2_000);

        assertThat(o.stats().started()).isEqualTo(2_000);
        assertThat(o.stats().handshakes()).isEqualTo(2_000);
        assertThat(o.stats().errors()).as("errors by kind %s", java.util.Arrays.toString(o.stats().errorsByKind()))
            .isZero();
        assertThat(o.latencyNs().getTotalCount()).isEqualTo(2_000);
        assertThat(o.latencyNs().getMinValue()).isPositive();
        assertThat(o.accepted()).isEqualTo(2_000);
        // address first, port second: 2,000 connections from 2,000 of the 32,768 sources
        assertThat(o.remotes()).isEqualTo(2_000);
        assertThat(o.connectionsLeft()).isZero();
    }

    @Test
    void closedLoop_rst_everyConnectionCompletesAndNothingLingers() throws Exception
    {
        final Outcome o = run(LoadSettings.closedLoop(SOURCES, IpAddress.parseLiteral(NetnsFixture.KERNEL_ADDRESS), PORT,
            32, LoadSettings.Close.RST), 2_000);

        assertThat(o.stats().handshakes()).isEqualTo(2_000);
        assertThat(o.stats().errors()).as("errors by kind %s", java.util.Arrays.toString(o.stats().errorsByKind()))
            .isZero();
        assertThat(o.latencyNs().getTotalCount()).isEqualTo(2_000);
        assertThat(o.remotes()).isGreaterThan(1_000);
        assertThat(o.connectionsLeft()).isZero();
    }

    @Test
    void openLoop_boundedCount_everyScheduledConnectionCompletes() throws Exception
    {
        final Outcome o = run(LoadSettings.openLoop(SOURCES, IpAddress.parseLiteral(NetnsFixture.KERNEL_ADDRESS), PORT,
            5_000, LoadSettings.Close.FIN, 4_096), 500);

        assertThat(o.stats().started()).isEqualTo(500);
        assertThat(o.stats().handshakes()).isEqualTo(500);
        assertThat(o.stats().errors()).as("errors by kind %s", java.util.Arrays.toString(o.stats().errorsByKind()))
            .isZero();
        // the recorder holds the latencies as measured; the correction for coordinated omission adds values to them
        assertThat(o.latencyNs().getTotalCount()).isEqualTo(500);
        assertThat(LoadGenerator.correctForCoordinatedOmission(o.latencyNs(), 200_000).getTotalCount())
            .isGreaterThanOrEqualTo(500);
        assertThat(o.connectionsLeft()).isZero();
    }

    @Test
    void noListener_everyAttemptRefused() throws Exception
    {
        try (NetnsFixture ns = NetnsFixture.create())
        {
            final LoadSettings settings = LoadSettings.closedLoop(SOURCES,
                IpAddress.parseLiteral(NetnsFixture.KERNEL_ADDRESS), PORT, 4, LoadSettings.Close.RST);
            try (TunLoad load = TunLoad.start(ns.name(), "load0", Cidr.parse(NetnsFixture.TUN_CIDR), 1,
                new TcpConfig(), settings))
            {
                load.run(0, 60_000_000_000L, 50);
                assertThat(load.awaitFinished(WAIT_MS)).isTrue();
                final LoadStats stats = load.stats();
                assertThat(stats.handshakes()).isZero();
                assertThat(stats.errors(LoadError.REFUSED)).isEqualTo(50);
            }
        }
    }
}
