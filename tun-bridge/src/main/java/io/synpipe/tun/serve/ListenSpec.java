package io.synpipe.tun.serve;

import io.synpipe.tun.Cidr;
import io.synpipe.wire.IpAddress;

import java.net.Inet4Address;
import java.net.InetAddress;

/** One {@code --listen} entry: {@code ADDRESS:PORT[=MODE]}, IPv6 as {@code [ADDRESS]:PORT[=MODE]}. */
public record ListenSpec(InetAddress address, int port, ServeMode mode)
{
    static final String FORM = "expected ADDRESS:PORT[=MODE], e.g. 198.18.0.2:80=http or [2001:2::2]:80";

    /**
     * @param text        the entry.
     * @param defaultMode the mode when the entry names none.
     */
    public static ListenSpec parse(final String text, final ServeMode defaultMode)
    {
        final int equals = text.indexOf('=');
        final String endpoint = equals < 0 ? text : text.substring(0, equals);
        final ServeMode mode = equals < 0 ? defaultMode : ServeMode.parse(text.substring(equals + 1));
        final String host;
        final String port;
        if (endpoint.startsWith("["))
        {
            final int close = endpoint.indexOf("]:");
            if (close < 0)
            {
                throw new IllegalArgumentException(FORM);
            }
            host = endpoint.substring(1, close);
            port = endpoint.substring(close + 2);
        }
        else
        {
            final int colon = endpoint.lastIndexOf(':');
            if (colon < 0 || endpoint.indexOf(':') != colon)
            {
                throw new IllegalArgumentException(FORM);
            }
            host = endpoint.substring(0, colon);
            port = endpoint.substring(colon + 1);
        }
        final InetAddress address = IpAddress.parseLiteral(host);
        final int portNumber = Cidr.parseInt(port, "port");
        if (portNumber < 1 || portNumber > 65_535)
        {
            throw new IllegalArgumentException("port " + portNumber + " is out of range: allowed 1..65535");
        }
        return new ListenSpec(address, portNumber, mode);
    }

    public boolean isV4()
    {
        return address instanceof Inet4Address;
    }

    @Override
    public String toString()
    {
        final String host = Cidr.format(address);
        return (isV4() ? host : "[" + host + "]") + ":" + port + "=" + mode;
    }
}
