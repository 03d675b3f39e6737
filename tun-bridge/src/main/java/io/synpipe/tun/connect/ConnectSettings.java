package io.synpipe.tun.connect;

import io.synpipe.tun.Cidr;
import io.synpipe.tun.DeviceArgs;
import io.synpipe.wire.IpAddress;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * What {@code synpipe connect} runs, checked as a whole: every bad value gives an {@link IllegalArgumentException}
 * with a one-line message that names the option and the value and says what is allowed.
 *
 * @param netns       the network namespace (created if missing, then deleted on exit).
 * @param device      the TUN device name.
 * @param tunNetworks the kernel's addresses on the TUN, at most one per IP version, inside 198.18.0.0/15 or
 *                    2001:2::/48.
 * @param from        synpipe's address: in a TUN network, not the kernel's own; the port is an ephemeral one.
 * @param to          the kernel server's address, in the same TUN network (normally the kernel's own address).
 * @param toPort      the kernel server's port, 1..65535.
 * @param queues      TUN device queues: one connection needs one, so 1.
 * @param mslMs       MSL for TIME-WAIT (2 x MSL), or 0 for the engine's default.
 */
public record ConnectSettings(
    String netns,
    String device,
    List<Cidr> tunNetworks,
    InetAddress from,
    InetAddress to,
    int toPort,
    int queues,
    long mslMs)
{
    public static final String DEFAULT_NETNS = "synpipe";
    public static final String DEFAULT_DEVICE = "synpipe0";
    public static final String DEFAULT_TUN_ADDRESS = DeviceArgs.DEFAULT_TUN_ADDRESS;
    public static final String DEFAULT_FROM = "198.18.0.2";
    public static final long MAX_MSL_MS = 3_600_000;
    /** Ephemeral ports synpipe picks its local port from (Linux's default ip_local_port_range). */
    public static final int EPHEMERAL_PORT_FIRST = 32_768;
    public static final int EPHEMERAL_PORT_LAST = 60_999;

    private static final String TO_FORM = "expected ADDRESS:PORT, e.g. 198.18.0.1:9000 or [2001:2::1]:9000";

    public ConnectSettings
    {
        tunNetworks = List.copyOf(tunNetworks);
    }

    /**
     * Parses and checks the command line's values.
     *
     * @param from  an address without port, e.g. {@code 198.18.0.2} or {@code 2001:2::2}.
     * @param to    {@code ADDRESS:PORT}, IPv6 as {@code [ADDRESS]:PORT}.
     * @param mslMs 0 for the engine's default.
     */
    public static ConnectSettings parse(
        final String netns,
        final String device,
        final List<String> tunAddresses,
        final String from,
        final String to,
        final int queues,
        final long mslMs)
    {
        if (queues != 1)
        {
            throw new IllegalArgumentException("--queues " + queues
                + " is not allowed for connect: its one connection runs on one queue (allowed: 1)");
        }
        DeviceArgs.checkNetnsAndDevice(netns, device);
        if (mslMs < 0 || mslMs > MAX_MSL_MS)
        {
            throw new IllegalArgumentException("--msl-ms " + mslMs + " is out of range: allowed 1.." + MAX_MSL_MS
                + " (or 0 for the default)");
        }
        final List<Cidr> networks = DeviceArgs.parseTunAddresses(tunAddresses);
        final InetAddress fromAddress = parseFrom(from, networks);
        final Endpoint target = parseTo(to);
        if ((fromAddress instanceof Inet4Address) != (target.address instanceof Inet4Address))
        {
            throw new IllegalArgumentException("--from " + from + " and --to " + to
                + " are of different IP versions: give both IPv4 or both IPv6");
        }
        final Cidr network = networkOf(target.address, networks);
        if (network == null)
        {
            throw new IllegalArgumentException("--to '" + to + "': " + Cidr.format(target.address)
                + " is outside the TUN network " + names(networks) + " (set by --tun-address)");
        }
        if (target.address.equals(fromAddress))
        {
            throw new IllegalArgumentException("--to '" + to + "': " + Cidr.format(target.address)
                + " is synpipe's own address (--from): connect to the kernel's address, here " + Cidr.format(
                network.address()));
        }
        return new ConnectSettings(netns, device, networks, fromAddress, target.address, target.port, queues, mslMs);
    }

    /** Whether the connection is IPv4. */
    public boolean isV4()
    {
        return from instanceof Inet4Address;
    }

    /** {@code ADDRESS:PORT}, IPv6 in brackets. */
    public static String endpoint(final InetAddress address, final int port)
    {
        final String host = Cidr.format(address);
        return (address instanceof Inet4Address ? host : "[" + host + "]") + ":" + port;
    }

    private record Endpoint(InetAddress address, int port)
    {
    }


    private static InetAddress parseFrom(final String from, final List<Cidr> networks)
    {
        if (from == null || from.isBlank())
        {
            throw new IllegalArgumentException("--from is missing: give synpipe's address in the TUN network, e.g. "
                + DEFAULT_FROM);
        }
        final InetAddress address;
        try
        {
            address = IpAddress.parseLiteral(from.strip());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--from '" + from + "': " + ex.getMessage()
                + "; give an address without port, the local port is an ephemeral one");
        }
        final String host = Cidr.format(address);
        final Cidr network = networkOf(address, networks);
        if (network == null)
        {
            throw new IllegalArgumentException("--from '" + from + "': " + host + " is outside the TUN network "
                + names(networks) + " (set by --tun-address)");
        }
        if (network.address().equals(address))
        {
            throw new IllegalArgumentException("--from '" + from + "': " + host
                + " is the kernel's own address on the TUN (--tun-address " + network
                + "): synpipe needs another address of that network");
        }
        if (network.isV4() && network.prefixLength() < 31
            && (address.equals(network.network()) || address.equals(network.last())))
        {
            throw new IllegalArgumentException("--from '" + from + "': " + host
                + " is the network or broadcast address of " + Cidr.format(network.network()) + "/"
                + network.prefixLength() + ": the kernel would not route it into the TUN");
        }
        return address;
    }

    private static Endpoint parseTo(final String to)
    {
        if (to == null || to.isBlank())
        {
            throw new IllegalArgumentException("--to is missing: " + TO_FORM);
        }
        final String text = to.strip();
        final String host;
        final String port;
        if (text.startsWith("["))
        {
            final int close = text.indexOf("]:");
            if (close < 0)
            {
                throw new IllegalArgumentException("--to '" + to + "': " + TO_FORM);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        }
        else
        {
            final int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon)
            {
                throw new IllegalArgumentException("--to '" + to + "': " + TO_FORM);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        try
        {
            final InetAddress address = IpAddress.parseLiteral(host);
            final int portNumber = Cidr.parseInt(port, "port");
            if (portNumber < 1 || portNumber > 65_535)
            {
                throw new IllegalArgumentException("port " + portNumber + " is out of range: allowed 1..65535");
            }
            return new Endpoint(address, portNumber);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--to '" + to + "': " + ex.getMessage());
        }
    }

    private static Cidr networkOf(final InetAddress address, final List<Cidr> networks)
    {
        for (final Cidr network : networks)
        {
            if (network.contains(address))
            {
                return network;
            }
        }
        return null;
    }

    private static String names(final List<Cidr> networks)
    {
        final StringBuilder names = new StringBuilder();
        for (final Cidr network : networks)
        {
            names.append(names.isEmpty() ? "" : " or ").append(Cidr.format(network.network())).append('/')
                .append(network.prefixLength());
        }
        return names.toString();
    }
}
