package io.synpipe.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP addresses as two longs, so the hot path carries them without objects.
 * <p>
 * Every address is 128 bits: an IPv6 address as it is, an IPv4 address as its IPv4-mapped form
 * {@code ::ffff:a.b.c.d} (RFC 4291 §2.5.5.2), that is {@code hi == 0} and {@code lo == 0x0000_ffff_aabb_ccdd}.
 * The all-zero address is the wildcard ("any").
 */
public final class IpAddress
{
    /** {@code lo} bits that mark an IPv4-mapped address. */
    public static final long V4_MAPPED_PREFIX = 0x0000_ffff_0000_0000L;

    private IpAddress()
    {
    }

    /** @return the {@code lo} half of the IPv4-mapped form of {@code ipv4} (network order int). */
    public static long v4Lo(final int ipv4)
    {
        return V4_MAPPED_PREFIX | (ipv4 & 0xffff_ffffL);
    }

    public static boolean isV4(final long hi, final long lo)
    {
        return hi == 0 && (lo & 0xffff_ffff_0000_0000L) == V4_MAPPED_PREFIX;
    }

    public static int v4(final long lo)
    {
        return (int)lo;
    }

    public static boolean isAny(final long hi, final long lo)
    {
        return hi == 0 && lo == 0;
    }

    /** Parses a literal IPv4 or IPv6 address (no name lookups). */
    public static InetAddress parseLiteral(final String text)
    {
        final String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        final boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        final boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6)
        {
            throw new IllegalArgumentException("not an IP address: '" + text + "' (expected e.g. 198.18.0.2 or 2001:2::2)");
        }
        if (v4)
        {
            for (final String part : s.split("\\."))
            {
                if (Integer.parseInt(part) > 255)
                {
                    throw new IllegalArgumentException("not an IPv4 address: '" + text + "' (each part 0..255)");
                }
            }
        }
        try
        {
            return InetAddress.getByName(s);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("not an IP address: '" + text + "'", ex);
        }
    }

    public static long hi(final InetAddress address)
    {
        if (address instanceof Inet4Address)
        {
            return 0;
        }
        final byte[] b = address.getAddress();
        return bytesToLong(b, 0);
    }

    public static long lo(final InetAddress address)
    {
        final byte[] b = address.getAddress();
        if (address instanceof Inet4Address)
        {
            return v4Lo(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
        }
        return bytesToLong(b, 8);
    }

    public static InetAddress toInetAddress(final long hi, final long lo)
    {
        try
        {
            if (isV4(hi, lo))
            {
                final int v4 = (int)lo;
                return InetAddress.getByAddress(new byte[]{(byte)(v4 >>> 24), (byte)(v4 >>> 16), (byte)(v4 >>> 8), (byte)v4});
            }
            final byte[] b = new byte[16];
            for (int i = 0; i < 8; i++)
            {
                b[i] = (byte)(hi >>> (56 - 8 * i));
                b[8 + i] = (byte)(lo >>> (56 - 8 * i));
            }
            return Inet6Address.getByAddress(b);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Text form for logs and errors (allocates: never on the hot path). */
    public static String toString(final long hi, final long lo)
    {
        if (isAny(hi, lo))
        {
            return "*";
        }
        return toInetAddress(hi, lo).getHostAddress();
    }

    private static long bytesToLong(final byte[] b, final int offset)
    {
        long v = 0;
        for (int i = 0; i < 8; i++)
        {
            v = (v << 8) | (b[offset + i] & 0xff);
        }
        return v;
    }
}
