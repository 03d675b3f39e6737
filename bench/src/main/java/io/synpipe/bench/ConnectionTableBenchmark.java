package io.synpipe.bench;

import io.synpipe.table.ConnectionTable;
import io.synpipe.wire.IpAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The off-heap {@link ConnectionTable} with {@code connections} live entries (IPv4 4-tuples to one server address
 * and port, as a busy listener sees them), keys visited in a scattered order so most lookups miss the CPU caches:
 * <ul>
 *     <li>{@code hit}: find a connection that is in the table;</li>
 *     <li>{@code miss}: find a 4-tuple that is not (what every SYN to a listener costs first);</li>
 *     <li>{@code insertRemove}: remove one live connection and insert a fresh 4-tuple in its place, so the
 *     population stays constant and every slot of the index sees churn.</li>
 * </ul>
 * The sizes are 1 M and 10 M. The table's capacity is {@code connections} + 1,024 and its index holds a power of two
 * of at least twice that many entries (2 M and 32 M), so the index is about 48 % and 30 % full. 10 M needs about
 * 2.9 GB of direct memory: 2.56 GB of TCBs in three slab chunks (1 GiB each at most), a 256 MB index and 40 MB of
 * free-slot list.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true",
    "-XX:MaxDirectMemorySize=4g"})
public class ConnectionTableBenchmark
{
    private static final long LOCAL_LO = IpAddress.v4Lo(0xC612_0001);
    private static final int LOCAL_PORT = 443;
    /** A key id is split into a remote IPv4 address (high bits) and a remote port (low 16 bits). */
    private static final int PORT_BITS = 16;
    private static final int FIRST_REMOTE = 0x0A00_0000;
    /** Ids from here on are never inserted by {@code hit} and {@code miss}: the miss keys. */
    private static final long MISS_BASE = 1L << 40;
    private static final long STRIDE = 0x9E37_79B9L;

    @Param({"1000000", "10000000"})
    public int connections;

    private ConnectionTable table;
    /** The handle at each position; position i was inserted with key id i until {@code insertRemove} replaces it. */
    private long[] handles;
    private long nextId;
    private int strideModConnections;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp()
    {
        table = new ConnectionTable(connections + 1024, 0x5EED_5EEDL);
        handles = new long[connections];
        for (int i = 0; i < connections; i++)
        {
            handles[i] = table.insert(0, LOCAL_LO, LOCAL_PORT, 0, remoteLo(i), remotePort(i));
        }
        nextId = connections;
        strideModConnections = (int)(STRIDE % connections);
        if (table.size() != connections)
        {
            throw new IllegalStateException("table holds " + table.size() + " of " + connections + " connections");
        }
    }

    /**
     * Positions out of order: p, p + STRIDE, ... mod connections (STRIDE is odd and not a multiple of 5, so coprime
     * to both sizes): consecutive lookups land on unrelated TCBs and index entries.
     */
    private int nextPosition()
    {
        int c = cursor + strideModConnections;
        if (c >= connections)
        {
            c -= connections;
        }
        cursor = c;
        return c;
    }

    private static long remoteLo(final long id)
    {
        return IpAddress.v4Lo(FIRST_REMOTE + (int)(id >>> PORT_BITS));
    }

    private static int remotePort(final long id)
    {
        return (int)(id & 0xFFFF);
    }

    /** Key id = position: {@code insertRemove} runs in its own trial, so the table still holds ids 0..n-1. */
    @Benchmark
    public long hit()
    {
        final int id = nextPosition();
        return table.find(0, LOCAL_LO, LOCAL_PORT, 0, remoteLo(id), remotePort(id));
    }

    @Benchmark
    public long miss()
    {
        final long id = MISS_BASE + nextPosition();
        return table.find(0, LOCAL_LO, LOCAL_PORT, 0, remoteLo(id), remotePort(id));
    }

    /** Also reads and writes {@code handles[position]}, as an application keeping its handles would. */
    @Benchmark
    public long insertRemove()
    {
        final int position = nextPosition();
        table.remove(handles[position]);
        final long id = nextId++;
        final long handle = table.insert(0, LOCAL_LO, LOCAL_PORT, 0, remoteLo(id), remotePort(id));
        handles[position] = handle;
        return handle;
    }

    /** A lookup that found nothing, or a refused insert, would make the figures meaningless. */
    @TearDown(Level.Trial)
    public void check()
    {
        final boolean churned = nextId != connections;
        for (int i = 0; i < connections; i += 4099)
        {
            final boolean hitOk = churned ? table.isLive(handles[i])
                : table.find(0, LOCAL_LO, LOCAL_PORT, 0, remoteLo(i), remotePort(i)) == handles[i];
            final boolean missOk = table.find(0, LOCAL_LO, LOCAL_PORT, 0, remoteLo(MISS_BASE + i),
                remotePort(MISS_BASE + i)) == ConnectionTable.NULL_HANDLE;
            if (!hitOk || !missOk)
            {
                throw new IllegalStateException("position " + i + ": hit " + hitOk + ", miss " + missOk);
            }
        }
        if (table.size() != connections)
        {
            throw new IllegalStateException("table holds " + table.size() + " of " + connections + " connections");
        }
        table.close();
    }
}
