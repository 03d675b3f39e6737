package io.synpipe.tun;

import java.io.IOException;

/**
 * Two network namespaces joined by a veth pair, for kernel-to-kernel baselines: the client side gets
 * {@link #CLIENT_ADDRESS}, the server side {@link #SERVER_ADDRESS} (198.18.1.0/24, inside the benchmarking range).
 * {@link #create} makes both namespaces (deleting what it made if a step fails); {@link #close} deletes them, which
 * removes the veth pair too.
 */
public final class VethPair implements AutoCloseable
{
    public static final String CLIENT_ADDRESS = "198.18.1.1";
    public static final String SERVER_ADDRESS = "198.18.1.2";
    private static final String PREFIX = "/24";

    private final String clientNs;
    private final String serverNs;

    private VethPair(final String clientNs, final String serverNs)
    {
        this.clientNs = clientNs;
        this.serverNs = serverNs;
    }

    /** Creates namespaces {@code clientNs} and {@code serverNs} (both must not exist) and the veth pair between them. */
    public static VethPair create(final String clientNs, final String serverNs) throws IOException
    {
        Netns.add(clientNs);
        try
        {
            Netns.add(serverNs);
        }
        catch (final IOException ex)
        {
            Netns.delete(clientNs);
            throw ex;
        }
        final VethPair pair = new VethPair(clientNs, serverNs);
        try
        {
            Netns.ip(clientNs, "link", "add", "spveth0", "type", "veth", "peer", "name", "spveth1", "netns", serverNs);
            Netns.ip(clientNs, "addr", "add", CLIENT_ADDRESS + PREFIX, "dev", "spveth0");
            Netns.ip(serverNs, "addr", "add", SERVER_ADDRESS + PREFIX, "dev", "spveth1");
            for (final String[] link : new String[][]{{clientNs, "spveth0"}, {serverNs, "spveth1"}, {clientNs, "lo"},
                {serverNs, "lo"}})
            {
                Netns.ip(link[0], "link", "set", link[1], "up");
            }
            return pair;
        }
        catch (final IOException ex)
        {
            pair.close();
            throw ex;
        }
    }

    public String clientNs()
    {
        return clientNs;
    }

    public String serverNs()
    {
        return serverNs;
    }

    @Override
    public void close() throws IOException
    {
        try
        {
            Netns.delete(serverNs);
        }
        finally
        {
            Netns.delete(clientNs);
        }
    }
}
