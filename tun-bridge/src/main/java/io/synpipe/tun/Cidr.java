package io.synpipe.tun;

import io.synpipe.wire.IpAddress;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An interface address with its prefix, e.g. {@code 198.18.0.1/15}, limited to the benchmarking ranges
 * 198.18.0.0/15 (RFC 2544) and 2001:2::/48 (RFC 5180): whatever synpipe serves on a TUN can never be confused with
 * a real network.
 */
public record Cidr(InetAddress address, int prefixLength)
{
    public static final Cidr BENCHMARK_V4 = new Cidr(literal("198.18.0.0"), 15);
    public static final Cidr BENCHMARK_V6 = new Cidr(literal("2001:2::"), 48);

    /**
     * Parses {@code ADDRESS/PREFIX}; IPv4 prefixes 15..31 and IPv6 prefixes 48..127 keep the network inside the
     * benchmarking range and leave room for addresses other than the interface's own.
     */
    public static Cidr parse(final String text)
    {
        final int slash = text.indexOf('/');
        if (slash < 0)
        {
            throw new IllegalArgumentException("expected ADDRESS/PREFIX, e.g. 198.18.0.1/15");
        }
        final InetAddress address = IpAddress.parseLiteral(text.substring(0, slash));
        final boolean v4 = address instanceof Inet4Address;
        final int prefix = parseInt(text.substring(slash + 1), "prefix");
        final int min = v4 ? BENCHMARK_V4.prefixLength : BENCHMARK_V6.prefixLength;
        final int max = v4 ? 31 : 127;
        final Cidr range = v4 ? BENCHMARK_V4 : BENCHMARK_V6;
        if (!range.contains(address))
        {
            throw new IllegalArgumentException(format(address)
                + " is outside the benchmarking ranges " + BENCHMARK_V4 + " and " + BENCHMARK_V6
                + " (synpipe uses no other addresses)");
        }
        if (prefix < min || prefix > max)
        {
            throw new IllegalArgumentException("prefix " + prefix + " is out of range for IPv"
                + (v4 ? 4 : 6) + ": allowed " + min + ".." + max);
        }
        return new Cidr(address, prefix);
    }

    public boolean isV4()
    {
        return address instanceof Inet4Address;
    }

    /** Whether {@code other} (of the same family) lies in this network. */
    public boolean contains(final InetAddress other)
    {
        final byte[] a = address.getAddress();
        final byte[] b = other.getAddress();
        if (a.length != b.length)
        {
            return false;
        }
        int bits = prefixLength;
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8)
        {
            final int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (b[i] & mask))
            {
                return false;
            }
        }
        return true;
    }

    /** The first address of the network (host bits zero). */
    public InetAddress network()
    {
        return withHostBits(false);
    }

    /** The last address of the network (host bits one): IPv4's broadcast address. */
    public InetAddress last()
    {
        return withHostBits(true);
    }

    @Override
    public String toString()
    {
        return format(address) + "/" + prefixLength;
    }

    /** Text form of an address, IPv6 compressed as RFC 5952 recommends (the longest run of zero groups as "::"). */
    public static String format(final InetAddress address)
    {
        if (address instanceof Inet4Address)
        {
            return address.getHostAddress();
        }
        final byte[] b = address.getAddress();
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++)
        {
            int j = i;
            while (j < 8 && groups[j] == 0)
            {
                j++;
            }
            if (j - i > bestLength)
            {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        final StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':')
            {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private InetAddress withHostBits(final boolean ones)
    {
        final byte[] bytes = address.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++)
        {
            final int mask = 0x80 >>> (bit & 7);
            bytes[bit >>> 3] = (byte)(ones ? bytes[bit >>> 3] | mask : bytes[bit >>> 3] & ~mask);
        }
        try
        {
            return InetAddress.getByAddress(bytes);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    public static int parseInt(final String text, final String what)
    {
        if (!text.matches("\\d{1,9}"))
        {
            throw new IllegalArgumentException(what + " '" + text + "' is not a number");
        }
        return Integer.parseInt(text);
    }

    private static InetAddress literal(final String text)
    {
        return IpAddress.parseLiteral(text);
    }
}
