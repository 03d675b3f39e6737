package io.synpipe.tun.load;

import io.synpipe.tun.Cidr;
import io.synpipe.wire.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceTuplesTest
{
    private static final int BASE = (198 << 24) | (18 << 16) | (128 << 8);

    @Test
    void next_oneEngine_changesAddressFirstThenPort()
    {
        final SourceTuples tuples = new SourceTuples(Cidr.parse("198.18.128.0/30"), 0, 1);

        final int[][] expected = {{0, 1024}, {1, 1024}, {2, 1024}, {3, 1024}, {0, 1025}, {1, 1025}};
        for (final int[] tuple : expected)
        {
            tuples.next();
            assertThat(tuples.address()).isEqualTo(BASE + tuple[0]);
            assertThat(tuples.port()).isEqualTo(tuple[1]);
        }
    }

    @Test
    void next_acrossThePeriod_wrapsToTheFirstTupleAndRepeatsNoneBefore()
    {
        final SourceTuples tuples = new SourceTuples(Cidr.parse("198.18.128.0/31"), 0, 1);
        assertThat(tuples.period()).isEqualTo(2L * SourceTuples.PORTS);

        final Set<Long> seen = new HashSet<>();
        for (long i = 0; i < tuples.period(); i++)
        {
            tuples.next();
            assertThat(tuples.port()).isBetween(SourceTuples.FIRST_PORT, 65_535);
            assertThat(seen.add(((long)tuples.address() << 16) | tuples.port())).isTrue();
        }
        tuples.next();
        assertThat(tuples.address()).isEqualTo(BASE);
        assertThat(tuples.port()).isEqualTo(SourceTuples.FIRST_PORT);
    }

    @Test
    void next_twoEnginesStriding_shareTheSpaceWithoutOverlap()
    {
        final SourceTuples even = new SourceTuples(Cidr.parse("198.18.128.0/30"), 0, 2);
        final SourceTuples odd = new SourceTuples(Cidr.parse("198.18.128.0/30"), 1, 2);
        final Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++)
        {
            even.next();
            odd.next();
            assertThat(seen.add(((long)even.address() << 16) | even.port())).isTrue();
            assertThat(seen.add(((long)odd.address() << 16) | odd.port())).isTrue();
        }
        assertThat(seen).hasSize(2000);
        assertThat(even.port() % 2).isZero();
        assertThat(odd.port() % 2).isOne();
    }

    @Test
    void next_threeEngines_eachOnlyItsPortResidueAndTheWholeShareBeforeRepeating()
    {
        for (int k = 0; k < 3; k++)
        {
            final SourceTuples tuples = new SourceTuples(Cidr.parse("198.18.128.0/31"), k, 3);
            final Set<Long> seen = new HashSet<>();
            for (long i = 0; i < tuples.period(); i++)
            {
                tuples.next();
                assertThat(tuples.port() % 3).isEqualTo(k);
                assertThat(tuples.port()).isBetween(SourceTuples.FIRST_PORT, 65_535);
                assertThat(seen.add(((long)tuples.address() << 16) | tuples.port())).isTrue();
            }
            assertThat(seen.size()).isBetween(2 * (SourceTuples.PORTS / 3), 2 * (SourceTuples.PORTS / 3 + 1));
        }
    }

    @Test
    void next_addressNotOnNetworkBoundary_usesTheWholeNetwork()
    {
        final SourceTuples tuples = new SourceTuples(Cidr.parse("198.18.128.77/17"), 0, 1);
        tuples.next();
        assertThat(tuples.address()).isEqualTo(BASE);
        assertThat(tuples.addresses()).isEqualTo(32_768);
    }

    @Test
    void constructor_engineIndexOutOfRange_throwsNamingIt()
    {
        assertThatThrownBy(() -> new SourceTuples(Cidr.parse("198.18.128.0/17"), 2, 2))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("engine 2 of 2");
    }

    @Test
    void parseSources_insideTheTunNetwork_accepted()
    {
        assertThat(LoadSettings.parseSources("198.18.128.0/17", Cidr.parse("198.18.0.1/15")))
            .isEqualTo(Cidr.parse("198.18.128.0/17"));
        assertThat(LoadSettings.parseSources("198.19.0.0/17", Cidr.parse("198.18.0.1/15")).prefixLength()).isEqualTo(17);
    }

    @Test
    void parseSources_containsTheKernelAddress_rejected()
    {
        assertThatThrownBy(() -> LoadSettings.parseSources("198.18.0.0/16", Cidr.parse("198.18.0.1/15")))
            .hasMessage("--sources 198.18.0.0/16 is not allowed: it contains the kernel's address 198.18.0.1; "
                + "e.g. 198.18.128.0/17");
    }

    @Test
    void parseSources_outsideTheTunNetworkOrTooWide_rejected()
    {
        assertThatThrownBy(() -> LoadSettings.parseSources("198.18.128.0/17", Cidr.parse("198.18.0.1/24")))
            .hasMessageStartingWith("--sources 198.18.128.0/17 is not allowed: it must lie inside the TUN network 198.18.0.0/24");
        assertThatThrownBy(() -> LoadSettings.parseSources("10.0.0.0/17", Cidr.parse("198.18.0.1/15")))
            .hasMessageStartingWith("--sources '10.0.0.0/17' is not allowed: 10.0.0.0 is outside the benchmarking ranges");
    }

    @Test
    void parseSources_holdsTheBroadcastAddress_rejected()
    {
        assertThatThrownBy(() -> LoadSettings.parseSources("198.19.255.0/24", Cidr.parse("198.18.0.1/15")))
            .hasMessageContaining("first or last address of the TUN network 198.18.0.0/15");
    }

    @Test
    void next_ipv6Network_changesAddressFirstThenPortFromTheNetworksFirstAddress()
    {
        final SourceTuples tuples = new SourceTuples(Cidr.parse("2001:2::8000:0:0:0/126"), 0, 1);
        final long hi = 0x2001_0002_0000_0000L;
        final long lo = 0x8000_0000_0000_0000L;

        assertThat(tuples.addresses()).isEqualTo(4);
        final long[][] expected = {{0, 1024}, {1, 1024}, {2, 1024}, {3, 1024}, {0, 1025}};
        for (final long[] tuple : expected)
        {
            tuples.next();
            assertThat(tuples.addressHi()).isEqualTo(hi);
            assertThat(tuples.addressLo()).isEqualTo(lo + tuple[0]);
            assertThat(tuples.port()).isEqualTo((int)tuple[1]);
        }
    }

    @Test
    void next_wideIpv6Network_atMost2To20AddressesAndTheQueueRuleKept()
    {
        final SourceTuples tuples = new SourceTuples(Cidr.parse(LoadSettings.DEFAULT_SOURCES_V6), 1, 2);

        assertThat(tuples.addresses()).isEqualTo(SourceTuples.MAX_V6_ADDRESSES);
        assertThat(tuples.period()).isEqualTo((long)SourceTuples.MAX_V6_ADDRESSES * (SourceTuples.PORTS / 2));
        tuples.seek(SourceTuples.MAX_V6_ADDRESSES - 1L);
        tuples.next();
        assertThat(tuples.addressLo()).isEqualTo(0x8000_0000_0000_0000L + SourceTuples.MAX_V6_ADDRESSES - 1);
        assertThat(tuples.port() % 2).isEqualTo(1);
        tuples.next();
        // back to the first address, next port of this engine's residue
        assertThat(tuples.addressLo()).isEqualTo(0x8000_0000_0000_0000L);
        assertThat(tuples.port()).isEqualTo(1027);
    }

    @Test
    void next_ipv4_addressHiAndLoInIpAddressForm()
    {
        final SourceTuples tuples = new SourceTuples(Cidr.parse("198.18.128.0/30"), 0, 1);
        tuples.next();
        tuples.next();

        assertThat(tuples.addressHi()).isZero();
        assertThat(tuples.addressLo()).isEqualTo(IpAddress.v4Lo(BASE + 1));
    }

    @Test
    void parseSources_ipv6InsideTheTunNetwork_accepted()
    {
        assertThat(LoadSettings.parseSources(LoadSettings.DEFAULT_SOURCES_V6, Cidr.parse("2001:2::1/64")))
            .isEqualTo(Cidr.parse(LoadSettings.DEFAULT_SOURCES_V6));
    }

    @Test
    void parseSources_ipv6HoldingTheKernelOrTheSubnetRouterAnycast_rejected()
    {
        assertThatThrownBy(() -> LoadSettings.parseSources("2001:2::/120", Cidr.parse("2001:2::1/64")))
            .hasMessage("--sources 2001:2::/120 is not allowed: it contains the kernel's address 2001:2::1; "
                + "e.g. " + LoadSettings.DEFAULT_SOURCES_V6);
        assertThatThrownBy(() -> LoadSettings.parseSources("2001:2::/127", Cidr.parse("2001:2::1:1/64")))
            .hasMessageContaining("first (subnet-router anycast) address of the TUN network");
    }

    @Test
    void parseSources_otherIpVersionThanTheTunNetwork_rejected()
    {
        assertThatThrownBy(() -> LoadSettings.parseSources("198.18.128.0/17", Cidr.parse("2001:2::1/64")))
            .hasMessageStartingWith("--sources 198.18.128.0/17 is not allowed: it must lie inside the TUN network");
    }

    @Test
    void settings_sourcesAndTargetOfDifferentIpVersions_rejected()
    {
        assertThatThrownBy(() -> LoadSettings.closedLoop(Cidr.parse(LoadSettings.DEFAULT_SOURCES_V6),
            IpAddress.parseLiteral("198.18.0.1"), 80, 4, LoadSettings.Close.RST))
            .hasMessage("--sources " + Cidr.parse(LoadSettings.DEFAULT_SOURCES_V6)
                + " is not allowed with the target 198.18.0.1: both must be IPv4 or both IPv6");
    }
}
