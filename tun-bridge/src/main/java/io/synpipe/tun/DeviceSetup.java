package io.synpipe.tun;

import java.io.IOException;

/** The steps that make a TUN device usable in a namespace: open a queue there, address it, bring it up. */
final class DeviceSetup
{
    private DeviceSetup()
    {
    }

    /** Opens one queue of {@code device} from a thread inside {@code ns}, so the device is created there. */
    static Tun openQueue(final String ns, final String device, final boolean multiQueue) throws IOException
    {
        try
        {
            return Netns.call(ns, () -> Tun.open(device, multiQueue));
        }
        catch (final IOException | RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IOException(ex.getMessage(), ex);
        }
    }

    /**
     * Switches IPv6 off (or router solicitations and RAs off when IPv6 is used), gives the kernel its addresses,
     * sets a non-default MTU and brings the device and {@code lo} up.
     */
    static void configure(final TunStack.Options options) throws IOException
    {
        final String ns = options.netns();
        final String dev = options.device();
        if (!options.usesIpv6())
        {
            // before the link goes up, so the kernel sends no router solicitations into the TUN
            sysctlQuietly(ns, "net/ipv6/conf/" + dev + "/disable_ipv6=1");
        }
        else
        {
            sysctlQuietly(ns, "net/ipv6/conf/" + dev + "/router_solicitations=0");
            sysctlQuietly(ns, "net/ipv6/conf/" + dev + "/accept_ra=0");
        }
        for (final Cidr network : options.kernelAddresses())
        {
            if (network.isV4())
            {
                Netns.ip(ns, "addr", "add", network.toString(), "dev", dev);
            }
            else
            {
                Netns.ip(ns, "-6", "addr", "add", network.toString(), "dev", dev, "nodad");
            }
        }
        if (options.mtu() != TunStack.DEFAULT_MTU)
        {
            Netns.ip(ns, "link", "set", dev, "mtu", Integer.toString(options.mtu()));
        }
        Netns.ip(ns, "link", "set", dev, "up");
        Netns.ip(ns, "link", "set", "lo", "up");
    }

    private static void sysctlQuietly(final String ns, final String assignment)
    {
        try
        {
            Netns.exec(ns, "sysctl", "-q", "-w", assignment);
        }
        catch (final IOException ex)
        {
            // a kernel without IPv6 has no such keys: nothing to switch off then
        }
    }
}
