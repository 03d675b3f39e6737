package io.synpipe.tun.serve;

import io.synpipe.tun.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code synpipe serve}'s values: good ones parsed, each bad one refused in one line naming option and value. */
class ServeSettingsTest
{
    private static ServeSettings parse(final String tunAddress, final String listen, final String mode)
    {
        return ServeSettings.parse("synpipe", "synpipe0", List.of(tunAddress), List.of(listen), mode, 0, 0);
    }

    private static void assertRefused(final String tunAddress, final String listen, final String mode, final String message)
    {
        assertThatThrownBy(() -> parse(tunAddress, listen, mode))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(message)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void parse_listenListWithModes_eachEntryItsModeOrTheDefault() throws Exception
    {
        final ServeSettings s = parse("198.18.0.1/15", "198.18.0.2:80=http,198.18.0.2:7,198.19.0.9:9=DISCARD", "echo");
        assertThat(s.listeners()).containsExactly(
            new ListenSpec(InetAddress.getByName("198.18.0.2"), 80, ServeMode.HTTP),
            new ListenSpec(InetAddress.getByName("198.18.0.2"), 7, ServeMode.ECHO),
            new ListenSpec(InetAddress.getByName("198.19.0.9"), 9, ServeMode.DISCARD));
        assertThat(s.usesIpv6()).isFalse();
        assertThat(s.tunNetworks()).containsExactly(Cidr.parse("198.18.0.1/15"));
    }

    @Test
    void parse_ipv6AndIpv4_bothNetworks()
    {
        final ServeSettings s = ServeSettings.parse("ns1", "tun1", List.of("198.18.0.1/15", "2001:2::1/64"),
            List.of("[2001:2::2]:443=close", "198.18.0.2:80"), "http", 100, 5);
        assertThat(s.usesIpv6()).isTrue();
        assertThat(s.listeners().get(0).toString()).isEqualTo("[2001:2::2]:443=close");
        assertThat(s.listeners().get(1).toString()).isEqualTo("198.18.0.2:80=http");
        assertThat(s.mslMs()).isEqualTo(100);
    }

    @Test
    void parse_unknownMode_oneLine()
    {
        assertRefused("198.18.0.1/15", "198.18.0.2:80", "ftp",
            "--mode 'ftp' is not allowed: use echo, discard, http or close");
    }

    @Test
    void parse_unknownModeInListenEntry_oneLineNamingTheEntry()
    {
        assertRefused("198.18.0.1/15", "198.18.0.2:80=gopher", "echo",
            "--listen '198.18.0.2:80=gopher': mode 'gopher' is not allowed: use echo, discard, http or close");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "198.18.0.2:0|--listen '198.18.0.2:0': port 0 is out of range: allowed 1..65535",
        "198.18.0.2:65536|--listen '198.18.0.2:65536': port 65536 is out of range: allowed 1..65535",
        "198.18.0.2:http|--listen '198.18.0.2:http': port 'http' is not a number",
        "198.18.0.2|--listen '198.18.0.2': expected ADDRESS:PORT[=MODE], e.g. 198.18.0.2:80=http or [2001:2::2]:80",
        "198.18.0.300:80|--listen '198.18.0.300:80': not an IPv4 address: '198.18.0.300' (each part 0..255)",
        "localhost:80|--listen 'localhost:80': not an IP address: 'localhost' (expected e.g. 198.18.0.2 or 2001:2::2)",
        "10.0.0.2:80|--listen '10.0.0.2:80': 10.0.0.2 is outside the TUN network 198.18.0.0/15 (set by --tun-address)",
        "198.18.0.1:80|--listen '198.18.0.1:80': 198.18.0.1 is the kernel's own address on the TUN "
            + "(--tun-address 198.18.0.1/15): listen on another address of that network",
        "198.19.255.255:80|--listen '198.19.255.255:80': 198.19.255.255 is the network or broadcast address of "
            + "198.18.0.0/15: the kernel would not route it into the TUN",
        "[2001:2::2]:80|--listen '[2001:2::2]:80': 2001:2::2 is outside the TUN network 198.18.0.0/15 (set by --tun-address)",
    })
    void parse_badListen_oneLine(final String listen, final String message)
    {
        assertRefused("198.18.0.1/15", listen, "echo", message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.0.1/8|--tun-address '10.0.0.1/8': 10.0.0.1 is outside the benchmarking ranges 198.18.0.0/15 and "
            + "2001:2::/48 (synpipe uses no other addresses)",
        "198.18.0.1/14|--tun-address '198.18.0.1/14': prefix 14 is out of range for IPv4: allowed 15..31",
        "198.18.0.1/32|--tun-address '198.18.0.1/32': prefix 32 is out of range for IPv4: allowed 15..31",
        "198.18.0.1|--tun-address '198.18.0.1': expected ADDRESS/PREFIX, e.g. 198.18.0.1/15",
        "198.18.0.1/x|--tun-address '198.18.0.1/x': prefix 'x' is not a number",
        "2001:db8::1/64|--tun-address '2001:db8::1/64': 2001:db8::1 is outside the benchmarking ranges 198.18.0.0/15 "
            + "and 2001:2::/48 (synpipe uses no other addresses)",
        "2001:2::1/32|--tun-address '2001:2::1/32': prefix 32 is out of range for IPv6: allowed 48..127",
    })
    void parse_badTunAddress_oneLine(final String tunAddress, final String message)
    {
        assertRefused(tunAddress, "198.18.0.2:80", "echo", message);
    }

    @Test
    void parse_twoIpv4TunAddresses_refused()
    {
        assertThatThrownBy(() -> ServeSettings.parse("ns", "tun0", List.of("198.18.0.1/15", "198.19.0.1/16"),
            List.of("198.18.0.2:80"), "echo", 0, 0))
            .hasMessage("--tun-address 198.19.0.1/16: only one address per IP version (198.18.0.1/15 given already)");
    }

    @Test
    void parse_sameListenTwice_refused()
    {
        assertRefused("198.18.0.1/15", "198.18.0.2:80=http,198.18.0.2:80=echo", "echo",
            "--listen '198.18.0.2:80=echo': this address and port are listed twice");
    }

    @Test
    void parse_tunNameTooLong_oneLine()
    {
        assertThatThrownBy(() -> ServeSettings.parse("ns", "synpipe-tun-device", List.of("198.18.0.1/15"),
            List.of("198.18.0.2:80"), "echo", 0, 0))
            .hasMessage("--tun: TUN device name 'synpipe-tun-device' is 18 bytes long: at most 15 allowed");
    }

    @Test
    void parse_badNamespaceName_oneLine()
    {
        assertThatThrownBy(() -> ServeSettings.parse("../etc", "tun0", List.of("198.18.0.1/15"),
            List.of("198.18.0.2:80"), "echo", 0, 0))
            .hasMessage("--netns: network namespace name '../etc' is not allowed: use 1..64 characters of A-Z a-z 0-9 _ . -");
    }

    @Test
    void parse_missingListen_oneLine()
    {
        assertThatThrownBy(() -> ServeSettings.parse("ns", "tun0", List.of("198.18.0.1/15"), List.of(), "echo", 0, 0))
            .hasMessage("--listen is missing: give ADDRESS:PORT[=MODE], e.g. 198.18.0.2:80=http");
    }

    @Test
    void parse_mslAndDurationOutOfRange_oneLine()
    {
        assertThatThrownBy(() -> ServeSettings.parse("ns", "tun0", List.of("198.18.0.1/15"), List.of("198.18.0.2:80"),
            "echo", -1, 0)).hasMessage("--msl-ms -1 is out of range: allowed 1..3600000 (or 0 for the default)");
        assertThatThrownBy(() -> ServeSettings.parse("ns", "tun0", List.of("198.18.0.1/15"), List.of("198.18.0.2:80"),
            "echo", 0, 31_536_001)).hasMessage("--duration-s 31536001 is out of range: allowed 1..31536000 (or 0 to run until stopped)");
    }

    @Test
    void parse_queuesOutOfRange_oneLine()
    {
        assertThatThrownBy(() -> ServeSettings.parse("ns", "tun0", List.of("198.18.0.1/15"), List.of("198.18.0.2:80"),
            "echo", 0, 0, 0)).hasMessage("--queues 0 is out of range: allowed 1..64");
        assertThatThrownBy(() -> ServeSettings.parse("ns", "tun0", List.of("198.18.0.1/15"), List.of("198.18.0.2:80"),
            "echo", 0, 0, 65)).hasMessage("--queues 65 is out of range: allowed 1..64");
        assertThat(ServeSettings.parse("ns", "tun0", List.of("198.18.0.1/15"), List.of("198.18.0.2:80"),
            "echo", 0, 0, 4).queues()).isEqualTo(4);
    }

    @Test
    void withMtu_outOfRange_oneLine()
    {
        final ServeSettings settings = ServeSettings.parse("ns", "tun0", List.of("198.18.0.1/15"),
            List.of("198.18.0.2:80"), "echo", 0, 0);
        assertThat(settings.mtu()).isEqualTo(1500);
        assertThat(settings.withMtu(9000).mtu()).isEqualTo(9000);
        assertThatThrownBy(() -> settings.withMtu(1279)).hasMessage("--mtu 1279 is out of range: allowed 1280..65535");
        assertThatThrownBy(() -> settings.withMtu(65_536)).hasMessage("--mtu 65536 is out of range: allowed 1280..65535");
    }

    @Test
    void cidr_containsAndEnds()
    {
        final Cidr c = Cidr.parse("198.18.7.1/24");
        assertThat(Cidr.format(c.network())).isEqualTo("198.18.7.0");
        assertThat(Cidr.format(c.last())).isEqualTo("198.18.7.255");
        assertThat(c.contains(Cidr.parse("198.18.7.200/24").address())).isTrue();
        assertThat(c.contains(Cidr.parse("198.18.8.1/24").address())).isFalse();
        assertThat(Cidr.format(Cidr.parse("2001:2:0:0:0:0:0:1/64").address())).isEqualTo("2001:2::1");
    }
}
