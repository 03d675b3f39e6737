package io.synpipe.tun;

import java.util.ArrayList;
import java.util.List;

/**
 * The command-line values every TUN command shares ({@code --netns}, {@code --tun}, {@code --tun-address}), checked
 * with one-line errors that name the option, the value and what is allowed.
 */
public final class DeviceArgs
{
    /** The kernel's default address on the device: the first of the IPv4 benchmarking range. */
    public static final String DEFAULT_TUN_ADDRESS = "198.18.0.1/15";

    private DeviceArgs()
    {
    }

    /** Checks {@code --netns} and {@code --tun}. */
    public static void checkNetnsAndDevice(final String netns, final String device)
    {
        try
        {
            Netns.checkName(netns);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--netns: " + ex.getMessage());
        }
        if (device == null || device.isEmpty())
        {
            throw new IllegalArgumentException("--tun: the TUN device name is empty");
        }
        try
        {
            Tun.checkName(device);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--tun: " + ex.getMessage());
        }
    }

    /** Parses {@code --tun-address}: the kernel's addresses on the device, at most one per IP version. */
    public static List<Cidr> parseTunAddresses(final List<String> tunAddresses)
    {
        if (tunAddresses == null || tunAddresses.isEmpty())
        {
            throw new IllegalArgumentException("--tun-address is missing: give one, e.g. " + DEFAULT_TUN_ADDRESS);
        }
        final List<Cidr> networks = new ArrayList<>();
        for (final String text : tunAddresses)
        {
            final Cidr cidr;
            try
            {
                cidr = Cidr.parse(text.strip());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("--tun-address '" + text + "': " + ex.getMessage());
            }
            for (final Cidr other : networks)
            {
                if (other.isV4() == cidr.isV4())
                {
                    throw new IllegalArgumentException("--tun-address " + cidr + ": only one address per IP version ("
                        + other + " given already)");
                }
            }
            networks.add(cidr);
        }
        return networks;
    }
}
