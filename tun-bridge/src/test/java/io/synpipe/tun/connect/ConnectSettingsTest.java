package io.synpipe.tun.connect;

import io.synpipe.tun.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code synpipe connect}'s values: good ones parsed, each bad one refused in one line naming option and value. */
class ConnectSettingsTest
{
    private static ConnectSettings parse(final String tunAddress, final String from, final String to)
    {
        return ConnectSettings.parse("synpipe", "synpipe0", List.of(tunAddress.split(",")), from, to, 1, 0);
    }

    private static void assertRefused(final String tunAddress, final String from, final String to, final String message)
    {
        assertThatThrownBy(() -> parse(tunAddress, from, to))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(message)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void parse_ipv4_fromAndTo() throws Exception
    {
        final ConnectSettings s = parse("198.18.0.1/15", "198.18.0.2", "198.18.0.1:9000");
        assertThat(s.from()).isEqualTo(InetAddress.getByName("198.18.0.2"));
        assertThat(s.to()).isEqualTo(InetAddress.getByName("198.18.0.1"));
        assertThat(s.toPort()).isEqualTo(9000);
        assertThat(s.isV4()).isTrue();
        assertThat(s.tunNetworks()).containsExactly(Cidr.parse("198.18.0.1/15"));
        assertThat(s.queues()).isEqualTo(1);
    }

    @Test
    void parse_ipv6InBrackets_fromAndTo() throws Exception
    {
        final ConnectSettings s = parse("198.18.0.1/15,2001:2::1/64", "2001:2::2", "[2001:2::1]:80");
        assertThat(s.isV4()).isFalse();
        assertThat(s.to()).isEqualTo(InetAddress.getByName("2001:2::1"));
        assertThat(ConnectSettings.endpoint(s.to(), s.toPort())).isEqualTo("[2001:2::1]:80");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "198.18.0.2|198.18.0.1:0|--to '198.18.0.1:0': port 0 is out of range: allowed 1..65535",
        "198.18.0.2|198.18.0.1:65536|--to '198.18.0.1:65536': port 65536 is out of range: allowed 1..65535",
        "198.18.0.2|198.18.0.1:http|--to '198.18.0.1:http': port 'http' is not a number",
        "198.18.0.2|198.18.0.1|--to '198.18.0.1': expected ADDRESS:PORT, e.g. 198.18.0.1:9000 or [2001:2::1]:9000",
        "198.18.0.2|2001:2::1:80|--to '2001:2::1:80': expected ADDRESS:PORT, e.g. 198.18.0.1:9000 or [2001:2::1]:9000",
        "198.18.0.2|198.18.0.300:80|--to '198.18.0.300:80': not an IPv4 address: '198.18.0.300' (each part 0..255)",
        "198.18.0.2|10.0.0.1:80|--to '10.0.0.1:80': 10.0.0.1 is outside the TUN network 198.18.0.0/15 (set by --tun-address)",
        "198.18.0.2|198.18.0.2:80|--to '198.18.0.2:80': 198.18.0.2 is synpipe's own address (--from): connect to the kernel's address, here 198.18.0.1",
        "10.1.2.3|198.18.0.1:80|--from '10.1.2.3': 10.1.2.3 is outside the TUN network 198.18.0.0/15 (set by --tun-address)",
        "198.18.0.1|198.18.0.1:80|--from '198.18.0.1': 198.18.0.1 is the kernel's own address on the TUN (--tun-address 198.18.0.1/15): synpipe needs another address of that network",
        "198.19.255.255|198.18.0.1:80|--from '198.19.255.255': 198.19.255.255 is the network or broadcast address of 198.18.0.0/15: the kernel would not route it into the TUN",
        "198.18.0.2:5000|198.18.0.1:80|--from '198.18.0.2:5000': not an IP address: '198.18.0.2:5000'; give an address without port, the local port is an ephemeral one",
        "2001:2::2|198.18.0.1:80|--from '2001:2::2': 2001:2::2 is outside the TUN network 198.18.0.0/15 (set by --tun-address)",
    })
    void parse_badFromOrTo_oneLineNamingTheValue(final String from, final String to, final String message)
    {
        assertRefused("198.18.0.1/15", from, to, message);
    }

    @Test
    void parse_ipv4FromIpv6To_refusedAsMix()
    {
        assertRefused("198.18.0.1/15,2001:2::1/64", "198.18.0.2", "[2001:2::1]:80",
            "--from 198.18.0.2 and --to [2001:2::1]:80 are of different IP versions: give both IPv4 or both IPv6");
    }

    @Test
    void parse_badTunAddress_oneLine()
    {
        assertRefused("10.0.0.1/8", "198.18.0.2", "198.18.0.1:80",
            "--tun-address '10.0.0.1/8': 10.0.0.1 is outside the benchmarking ranges 198.18.0.0/15 and 2001:2::/48 (synpipe uses no other addresses)");
        assertRefused("198.18.0.1", "198.18.0.2", "198.18.0.1:80",
            "--tun-address '198.18.0.1': expected ADDRESS/PREFIX, e.g. 198.18.0.1/15");
    }

    @Test
    void parse_missingFromOrTo_saysWhatToGive()
    {
        assertRefused("198.18.0.1/15", "", "198.18.0.1:80",
            "--from is missing: give synpipe's address in the TUN network, e.g. 198.18.0.2");
        assertRefused("198.18.0.1/15", "198.18.0.2", null,
            "--to is missing: expected ADDRESS:PORT, e.g. 198.18.0.1:9000 or [2001:2::1]:9000");
    }

    @Test
    void parse_queuesOtherThanOne_refused()
    {
        assertThatThrownBy(() -> ConnectSettings.parse("synpipe", "synpipe0", List.of("198.18.0.1/15"), "198.18.0.2",
            "198.18.0.1:80", 2, 0))
            .hasMessage("--queues 2 is not allowed for connect: its one connection runs on one queue (allowed: 1)");
    }

    @Test
    void parse_badMslOrNames_oneLine()
    {
        assertThatThrownBy(() -> ConnectSettings.parse("synpipe", "synpipe0", List.of("198.18.0.1/15"), "198.18.0.2",
            "198.18.0.1:80", 1, -1))
            .hasMessage("--msl-ms -1 is out of range: allowed 1..3600000 (or 0 for the default)");
        assertThatThrownBy(() -> ConnectSettings.parse("bad/ns", "synpipe0", List.of("198.18.0.1/15"), "198.18.0.2",
            "198.18.0.1:80", 1, 0))
            .hasMessageStartingWith("--netns: network namespace name 'bad/ns' is not allowed");
        assertThatThrownBy(() -> ConnectSettings.parse("synpipe", "", List.of("198.18.0.1/15"), "198.18.0.2",
            "198.18.0.1:80", 1, 0))
            .hasMessage("--tun: the TUN device name is empty");
    }
}
