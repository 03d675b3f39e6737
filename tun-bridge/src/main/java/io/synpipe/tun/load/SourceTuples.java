package io.synpipe.tun.load;

import io.synpipe.tun.Cidr;
import io.synpipe.tun.QueuePorts;
import io.synpipe.wire.IpAddress;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The local (source address, source port) pairs a load generator opens its connections from, in a fixed order that
 * changes the address first and the port second: tuple {@code i} is address {@code i mod A} and port
 * {@code FIRST_PORT + (i / A) mod P}, so consecutive connections come from different addresses and a 4-tuple comes
 * back only after {@code A x P} connections (a /17 gives 32,768 x 64,512, about 2.1 billion). The generator is
 * never limited by 64 K ephemeral ports, and by TIME-WAIT only if it cycles through all of them within 2 MSL.
 * An IPv6 network uses its first {@link #MAX_V6_ADDRESSES} addresses at most (all of them from a /108 on).
 * <p>
 * Several engines share the space by port: engine {@code k} of {@code n} takes the ports {@code p} with
 * {@code p % n == k}, with every address — the rule by which a multi-queue {@code TunStack} hands a packet that the
 * kernel put on another queue to the engine that owns its connection ({@code TunStack.Options#withActivePorts}).
 * {@link #next} allocates nothing.
 */
public final class SourceTuples
{
    /** The lowest source port used (below it are the well-known ports). */
    public static final int FIRST_PORT = 1024;
    /** Source ports per address: 1024..65535. */
    public static final int PORTS = 65_536 - FIRST_PORT;
    /** Most addresses taken from an IPv6 network: 2^20, about 67 billion tuples with every port. */
    public static final int MAX_V6_ADDRESSES = 1 << 20;

    private final boolean v4;
    private final int firstAddress;
    private final long networkHi;
    private final long networkLo;
    private final int addresses;
    private final long period;
    private final int stride;
    private final int firstPort;
    private final int ports;
    private long index;
    private int address;
    private long addressLo;
    private int port;

    /**
     * @param sources the source network: IPv4; every address in it is used.
     * @param first   this engine's index among the engines sharing the space: it takes the ports {@code p} with
     *                {@code p % stride == first}.
     * @param stride  how many engines share the space (1 for one engine).
     */
    public SourceTuples(final Cidr sources, final int first, final int stride)
    {
        if (stride < 1 || first < 0 || first >= stride)
        {
            throw new IllegalArgumentException("engine " + first + " of " + stride + " is out of range: allowed 0.."
                + (stride - 1) + " of at least 1");
        }
        this.v4 = sources.isV4();
        if (v4)
        {
            this.firstAddress = toInt(sources.network());
            this.networkHi = 0;
            this.networkLo = 0;
            this.addresses = 1 << (32 - sources.prefixLength());
        }
        else
        {
            this.firstAddress = 0;
            this.networkHi = IpAddress.hi(sources.network());
            this.networkLo = IpAddress.lo(sources.network());
            final int hostBits = 128 - sources.prefixLength();
            this.addresses = hostBits < 20 ? 1 << hostBits : MAX_V6_ADDRESSES;
        }
        this.stride = stride;
        this.firstPort = QueuePorts.first(first, stride, FIRST_PORT);
        this.ports = QueuePorts.count(first, stride, FIRST_PORT);
        this.period = (long)addresses * ports;
    }

    /** Number of source addresses. */
    public int addresses()
    {
        return addresses;
    }

    /** Tuples before this engine's sequence repeats. */
    public long period()
    {
        return period;
    }

    /** Moves to the next tuple; read it with {@link #address()} and {@link #port()}. */
    public void next()
    {
        final long i = index;
        index = (index + 1) % period;
        final int offset = (int)(i % addresses);
        if (v4)
        {
            address = firstAddress + offset;
            addressLo = IpAddress.v4Lo(address);
        }
        else
        {
            // at most 2^20 addresses from the network's first: no carry out of the host bits
            addressLo = networkLo + offset;
        }
        port = firstPort + (int)((i / addresses) % ports) * stride;
    }

    /** The current tuple's source address, IPv4 only, as an int in network order of bits. */
    public int address()
    {
        return address;
    }

    /** The current tuple's source address, high 64 bits ({@link IpAddress} form: 0 for IPv4). */
    public long addressHi()
    {
        return networkHi;
    }

    /** The current tuple's source address, low 64 bits ({@link IpAddress} form). */
    public long addressLo()
    {
        return addressLo;
    }

    /** The current tuple's source port. */
    public int port()
    {
        return port;
    }

    /** The index of the tuple {@link #next} takes next. */
    public long nextIndex()
    {
        return index;
    }

    /** Moves to this engine's tuple {@code index} (tests: come back to tuples still in use). */
    void seek(final long index)
    {
        this.index = Math.floorMod(index, period);
    }

    static int toInt(final InetAddress address)
    {
        if (!(address instanceof Inet4Address))
        {
            throw new IllegalArgumentException(address + " is not IPv4");
        }
        final byte[] b = address.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }
}
