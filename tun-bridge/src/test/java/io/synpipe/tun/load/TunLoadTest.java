package io.synpipe.tun.load;

import io.synpipe.tcp.TcpConfig;
import io.synpipe.tun.Await;
import io.synpipe.tun.Cidr;
import io.synpipe.tun.Netns;
import io.synpipe.tun.NetnsFixture;
import io.synpipe.tun.TunStack;
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

    private record Outcome(
        LoadStats stats, Histogram latencyNs, long accepted, int remotes, int connectionsLeft, long steered)
    {
    }

    private static Outcome run(final LoadSettings settings, final long connections) throws Exception
    {
        return run(settings, connections, 1);
    }

    /** {@code connections} per queue. */
    private static Outcome run(final LoadSettings settings, final long connections, final int queues) throws Exception
    {
        return run(settings, connections, queues, Cidr.parse(NetnsFixture.TUN_CIDR));
    }

    private static Outcome run(
        final LoadSettings settings, final long connections, final int queues, final Cidr tunNetwork) throws Exception
    {
        try (NetnsFixture ns = NetnsFixture.create())
        {
            if (!tunNetwork.isV4())
            {
                // the fixture switches IPv6 off; this run needs it on the TUN device it creates
                Netns.exec(ns.name(), "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=0");
                Netns.exec(ns.name(), "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=0");
            }
            KernelServer.tuneNamespace(ns.name());
            final TcpConfig config = new TcpConfig().maxConnections(1 << 14).mslMs(50);
            try (TunLoad load = TunLoad.start(ns.name(), "load0", tunNetwork, queues, config, settings);
                 KernelServer server = KernelServer.start(ns.name(),
                     new InetSocketAddress(tunNetwork.address(), PORT), 2, true))
            {
                load.run(0, 60_000_000_000L, connections);
                assertThat(load.awaitFinished(WAIT_MS)).as("every handshake ended").isTrue();
                boolean empty = true;
                final Histogram latencyNs = new Histogram(3);
                long steered = 0;
                for (final TunStack.Queue queue : load.stack().queues())
                {
                    // TIME-WAIT (2 MSL = 100 ms) and the closing handshakes end: the table empties
                    empty &= Await.until(queue.eventLoop(), () -> queue.engine().connectionCount() == 0, WAIT_MS);
                    latencyNs.add(load.generator(queue.index()).recorder().getIntervalHistogram());
                    steered += queue.steeredIn();
                }
                final long total = connections * queues;
                final boolean allAccepted = Await.until(load.stack().queue(0).eventLoop(),
                    () -> server.accepted() >= total, WAIT_MS);
                final LoadStats stats = load.stats();
                return new Outcome(stats, latencyNs, server.accepted(), server.remoteAddresses().size(),
                    empty && allAccepted ? 0 : stats.connections(), steered);
            }
        }
    }

    @Test
    void closedLoop_twoQueues_everyConnectionCompletesThoughAnswersLandOnEitherQueue() throws Exception
    {
        final Outcome o = run(LoadSettings.closedLoop(SOURCES, IpAddress.parseLiteral(NetnsFixture.KERNEL_ADDRESS), PORT,
            16, LoadSettings.Close.FIN), 1_000, 2);

        assertThat(o.stats().handshakes()).isEqualTo(2_000);
        assertThat(o.stats().errors()).as("errors by kind %s", java.util.Arrays.toString(o.stats().errorsByKind()))
            .isZero();
        assertThat(o.latencyNs().getTotalCount()).isEqualTo(2_000);
        assertThat(o.accepted()).isEqualTo(2_000);
        assertThat(o.connectionsLeft()).isZero();
        // the kernel answers a SYN by flow hash: about half the SYN-ACKs come in on the other queue
        assertThat(o.steered()).isPositive();
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
    void closedLoop_ipv6Fin_everyConnectionCompletesFromManySourcesAndTimeWaitEmpties() throws Exception
    {
        final Cidr tun = Cidr.parse("2001:2::1/64");
        final Outcome o = run(LoadSettings.closedLoop(Cidr.parse(LoadSettings.DEFAULT_SOURCES_V6), tun.address(), PORT,
            32, LoadSettings.Close.FIN), 1_000, 1, tun);

        assertThat(o.stats().handshakes()).isEqualTo(1_000);
        assertThat(o.stats().errors()).as("errors by kind %s", java.util.Arrays.toString(o.stats().errorsByKind()))
            .isZero();
        assertThat(o.latencyNs().getTotalCount()).isEqualTo(1_000);
        assertThat(o.accepted()).isEqualTo(1_000);
        // address first: 1,000 connections from 1,000 IPv6 sources
        assertThat(o.remotes()).isEqualTo(1_000);
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
