package io.synpipe.tun.load;

import io.synpipe.tun.Cidr;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * What a {@link LoadGenerator} does.
 *
 * @param sources     source addresses the connections come from, IPv4 or IPv6 as the target; inside the TUN network,
 *                    without the kernel's address and the network's first (and for IPv4 last) address.
 * @param target      the kernel's listening address.
 * @param targetPort  the listening port.
 * @param concurrency closed loop: handshakes in flight per engine (1..{@link #MAX_CONCURRENCY}); open loop: unused.
 * @param ratePerS    open loop: connections started per second per engine at a constant schedule; 0 for closed loop.
 * @param close       how each connection ends once established.
 * @param maxInFlight open loop: most handshakes in flight; a scheduled start beyond it counts as
 *                    {@link LoadError#BEHIND}.
 */
public record LoadSettings(
    Cidr sources, InetAddress target, int targetPort, int concurrency, long ratePerS, Close close, int maxInFlight)
{
    /** Most handshakes in flight per engine. */
    public static final int MAX_CONCURRENCY = 65_536;
    /** The default sources: the upper half of 198.18.0.0/16, 32,768 addresses. */
    public static final String DEFAULT_SOURCES = "198.18.128.0/17";
    /** The default IPv6 sources: 2^20 addresses of 2001:2::8000:0:0:0/65 are used (see {@link SourceTuples}). */
    public static final String DEFAULT_SOURCES_V6 = "2001:2::8000:0:0:0/65";

    /** How an established connection is closed. */
    public enum Close
    {
        /** CLOSE: FIN, the kernel answers with its FIN; TIME-WAIT stays with the generator (RFC 9293 §3.10.4). */
        FIN,
        /** ABORT: RST, the connection is gone at once (RFC 9293 §3.10.5). */
        RST;

        /** Parses {@code fin} or {@code rst} (any case), with a one-line error naming the value. */
        public static Close parse(final String text)
        {
            return switch (text.toLowerCase(java.util.Locale.ROOT))
            {
                case "fin" -> FIN;
                case "rst" -> RST;
                default -> throw new IllegalArgumentException("--close '" + text + "' is not allowed: use rst or fin");
            };
        }
    }

    public LoadSettings
    {
        if ((target instanceof Inet4Address) != sources.isV4())
        {
            throw new IllegalArgumentException("--sources " + sources + " is not allowed with the target "
                + Cidr.format(target) + ": both must be IPv4 or both IPv6");
        }
        if (targetPort < 1 || targetPort > 65_535)
        {
            throw new IllegalArgumentException("target port " + targetPort + " is out of range: allowed 1..65535");
        }
        if (ratePerS == 0 && (concurrency < 1 || concurrency > MAX_CONCURRENCY))
        {
            throw new IllegalArgumentException(
                "--concurrency " + concurrency + " is out of range: allowed 1.." + MAX_CONCURRENCY);
        }
        if (ratePerS < 0 || ratePerS > OpenLoopSchedule.MAX_RATE_PER_S)
        {
            throw new IllegalArgumentException(
                "--rate " + ratePerS + " is out of range: allowed 1.." + OpenLoopSchedule.MAX_RATE_PER_S);
        }
        if (maxInFlight < 1 || maxInFlight > MAX_CONCURRENCY)
        {
            throw new IllegalArgumentException("maxInFlight " + maxInFlight + " is out of range: allowed 1.."
                + MAX_CONCURRENCY);
        }
    }

    /** Closed loop: {@code concurrency} handshakes in flight. */
    public static LoadSettings closedLoop(
        final Cidr sources, final InetAddress target, final int targetPort, final int concurrency, final Close close)
    {
        return new LoadSettings(sources, target, targetPort, concurrency, 0, close, MAX_CONCURRENCY);
    }

    /** Open loop: {@code ratePerS} starts per second, at most {@code maxInFlight} handshakes in flight. */
    public static LoadSettings openLoop(
        final Cidr sources, final InetAddress target, final int targetPort, final long ratePerS, final Close close,
        final int maxInFlight)
    {
        return new LoadSettings(sources, target, targetPort, 1, ratePerS, close, maxInFlight);
    }

    public boolean openLoop()
    {
        return ratePerS > 0;
    }

    /**
     * Parses {@code --sources} and checks it against the TUN network the kernel's address {@code kernel} lies in:
     * the sources must be inside it (so the kernel routes its answers into the TUN) and must not hold the kernel's
     * address nor the network's first or last address (the kernel takes those as its own or as broadcast).
     */
    public static Cidr parseSources(final String text, final Cidr tunNetwork)
    {
        final Cidr sources;
        try
        {
            sources = Cidr.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--sources '" + text + "' is not allowed: " + ex.getMessage());
        }
        final InetAddress kernel = tunNetwork.address();
        final Cidr network = new Cidr(tunNetwork.network(), tunNetwork.prefixLength());
        if (sources.prefixLength() < tunNetwork.prefixLength() || !network.contains(sources.network()))
        {
            throw new IllegalArgumentException("--sources " + text + " is not allowed: it must lie inside the TUN network "
                + network + ", e.g. " + example(network));
        }
        if (sources.contains(kernel))
        {
            throw new IllegalArgumentException("--sources " + text + " is not allowed: it contains the kernel's address "
                + Cidr.format(kernel) + "; e.g. " + example(network));
        }
        if (sources.contains(network.network()) || (network.isV4() && sources.contains(network.last())))
        {
            throw new IllegalArgumentException("--sources " + text + " is not allowed: it contains the "
                + (network.isV4() ? "first or last" : "first (subnet-router anycast)") + " address of the TUN network "
                + network + "; e.g. " + example(network));
        }
        return sources;
    }

    private static String example(final Cidr tunNetwork)
    {
        return tunNetwork.isV4() ? DEFAULT_SOURCES : DEFAULT_SOURCES_V6;
    }
}
