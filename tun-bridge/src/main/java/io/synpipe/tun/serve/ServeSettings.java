package io.synpipe.tun.serve;

import io.synpipe.tun.Cidr;
import io.synpipe.tun.DeviceArgs;
import io.synpipe.tun.TunStack;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code synpipe serve} runs, checked as a whole: every bad value gives an {@link IllegalArgumentException}
 * with a one-line message that names the option and the value and says what is allowed.
 *
 * @param netns       the network namespace (created if missing).
 * @param device      the TUN device name.
 * @param tunNetworks the kernel's addresses on the TUN, at most one per IP version, inside 198.18.0.0/15 or
 *                    2001:2::/48.
 * @param listeners   what synpipe listens on: addresses in a TUN network, other than the kernel's own.
 * @param mslMs       MSL for TIME-WAIT (2 x MSL), or 0 for the engine's default.
 * @param durationS   how long to run, or 0 until Ctrl-C / SIGTERM.
 * @param queues      TUN device queues, each with its own event loop and engine.
 * @param mtu         the TUN device's MTU.
 */
public record ServeSettings(
    String netns,
    String device,
    List<Cidr> tunNetworks,
    List<ListenSpec> listeners,
    long mslMs,
    long durationS,
    int queues,
    int mtu)
{
    public static final String DEFAULT_NETNS = "synpipe";
    public static final String DEFAULT_DEVICE = "synpipe0";
    public static final String DEFAULT_TUN_ADDRESS = DeviceArgs.DEFAULT_TUN_ADDRESS;
    public static final long MAX_MSL_MS = 3_600_000;
    public static final long MAX_DURATION_S = 31_536_000;

    public ServeSettings
    {
        tunNetworks = List.copyOf(tunNetworks);
        listeners = List.copyOf(listeners);
    }

    /**
     * Parses and checks the command line's values.
     *
     * @param listen entries {@code ADDRESS:PORT[=MODE]}; an entry may hold several separated by commas.
     * @param mode   the mode of entries that name none.
     * @param mslMs  0 for the engine's default.
     */
    public static ServeSettings parse(
        final String netns,
        final String device,
        final List<String> tunAddresses,
        final List<String> listen,
        final String mode,
        final long mslMs,
        final long durationS)
    {
        return parse(netns, device, tunAddresses, listen, mode, mslMs, durationS, 1);
    }

    /** Like the other, with the number of device queues ({@code --queues}). */
    public static ServeSettings parse(
        final String netns,
        final String device,
        final List<String> tunAddresses,
        final List<String> listen,
        final String mode,
        final long mslMs,
        final long durationS,
        final int queues)
    {
        if (queues < 1 || queues > TunStack.MAX_QUEUES)
        {
            throw new IllegalArgumentException("--queues " + queues + " is out of range: allowed 1.." + TunStack.MAX_QUEUES);
        }
        DeviceArgs.checkNetnsAndDevice(netns, device);
        final ServeMode defaultMode;
        try
        {
            defaultMode = ServeMode.parse(mode);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--mode '" + mode + "' is not allowed: use " + ServeMode.ALLOWED);
        }
        final List<Cidr> networks = DeviceArgs.parseTunAddresses(tunAddresses);
        final List<ListenSpec> listeners = parseListeners(listen, defaultMode, networks);
        if (mslMs < 0 || mslMs > MAX_MSL_MS)
        {
            throw new IllegalArgumentException("--msl-ms " + mslMs + " is out of range: allowed 1.." + MAX_MSL_MS
                + " (or 0 for the default)");
        }
        if (durationS < 0 || durationS > MAX_DURATION_S)
        {
            throw new IllegalArgumentException("--duration-s " + durationS + " is out of range: allowed 1.."
                + MAX_DURATION_S + " (or 0 to run until stopped)");
        }
        return new ServeSettings(netns, device, networks, listeners, mslMs, durationS, queues, TunStack.DEFAULT_MTU);
    }

    /** The same settings with the device MTU {@code mtu} ({@code --mtu}), checked. */
    public ServeSettings withMtu(final int mtu)
    {
        return new ServeSettings(netns, device, tunNetworks, listeners, mslMs, durationS, queues, TunStack.checkMtu(mtu));
    }

    /** Whether any address is IPv6 (otherwise IPv6 is switched off on the device). */
    public boolean usesIpv6()
    {
        return tunNetworks.stream().anyMatch(n -> !n.isV4());
    }


    private static List<ListenSpec> parseListeners(
        final List<String> listen, final ServeMode defaultMode, final List<Cidr> networks)
    {
        final List<String> entries = new ArrayList<>();
        if (listen != null)
        {
            for (final String value : listen)
            {
                for (final String entry : value.split(","))
                {
                    if (!entry.isBlank())
                    {
                        entries.add(entry.strip());
                    }
                }
            }
        }
        if (entries.isEmpty())
        {
            throw new IllegalArgumentException("--listen is missing: give ADDRESS:PORT[=MODE], e.g. 198.18.0.2:80=http");
        }
        final List<ListenSpec> listeners = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        for (final String entry : entries)
        {
            final ListenSpec spec;
            try
            {
                spec = ListenSpec.parse(entry, defaultMode);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("--listen '" + entry + "': " + ex.getMessage());
            }
            checkInNetwork(entry, spec.address(), networks);
            if (!seen.add(Cidr.format(spec.address()) + "#" + spec.port()))
            {
                throw new IllegalArgumentException("--listen '" + entry + "': this address and port are listed twice");
            }
            listeners.add(spec);
        }
        return listeners;
    }

    private static void checkInNetwork(final String entry, final InetAddress address, final List<Cidr> networks)
    {
        final String host = Cidr.format(address);
        for (final Cidr network : networks)
        {
            if (!network.contains(address))
            {
                continue;
            }
            if (network.address().equals(address))
            {
                throw new IllegalArgumentException("--listen '" + entry + "': " + host
                    + " is the kernel's own address on the TUN (--tun-address " + network
                    + "): listen on another address of that network");
            }
            if (network.isV4() && network.prefixLength() < 31
                && (address.equals(network.network()) || address.equals(network.last())))
            {
                throw new IllegalArgumentException("--listen '" + entry + "': " + host
                    + " is the network or broadcast address of " + Cidr.format(network.network()) + "/"
                    + network.prefixLength() + ": the kernel would not route it into the TUN");
            }
            return;
        }
        final StringBuilder names = new StringBuilder();
        for (final Cidr network : networks)
        {
            names.append(names.isEmpty() ? "" : " or ").append(Cidr.format(network.network())).append('/')
                .append(network.prefixLength());
        }
        throw new IllegalArgumentException("--listen '" + entry + "': " + host + " is outside the TUN network "
            + names + " (set by --tun-address)");
    }
}
