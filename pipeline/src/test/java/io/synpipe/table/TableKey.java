package io.synpipe.table;

import io.synpipe.wire.IpAddress;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/** A 4-tuple as a value, with shorthands to apply it to a {@link ConnectionTable}. Test support. */
record TableKey(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort)
{
    static final long V6_HI = 0x2001_0db8_0000_0001L;

    /** IPv4-mapped key: {@code hi == 0}, {@code lo == ::ffff:a.b.c.d}. */
    static TableKey v4(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        return new TableKey(0, IpAddress.v4Lo(localIp), localPort, 0, IpAddress.v4Lo(remoteIp), remotePort);
    }

    long insertInto(final ConnectionTable table)
    {
        return table.insert(localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
    }

    long findIn(final ConnectionTable table)
    {
        return table.find(localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
    }

    boolean matches(final Tcb tcb)
    {
        return tcb.keyEquals(localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
    }

    static TableKey of(final Tcb tcb)
    {
        return new TableKey(
            tcb.localHi(), tcb.localLo(), tcb.localPort(), tcb.remoteHi(), tcb.remoteLo(), tcb.remotePort());
    }

    /** This key with field {@code field} (0..5, in constructor order) replaced by another value. */
    TableKey withFieldChanged(final int field)
    {
        return switch (field)
        {
            case 0 -> new TableKey(localHi ^ 1, localLo, localPort, remoteHi, remoteLo, remotePort);
            case 1 -> new TableKey(localHi, localLo ^ 1, localPort, remoteHi, remoteLo, remotePort);
            case 2 -> new TableKey(localHi, localLo, localPort ^ 0x8001, remoteHi, remoteLo, remotePort);
            case 3 -> new TableKey(localHi, localLo, localPort, remoteHi ^ 1, remoteLo, remotePort);
            case 4 -> new TableKey(localHi, localLo, localPort, remoteHi, remoteLo ^ 1, remotePort);
            case 5 -> new TableKey(localHi, localLo, localPort, remoteHi, remoteLo, remotePort ^ 0x8001);
            default -> throw new IllegalArgumentException("field = " + field);
        };
    }

    /**
     * The table's home bucket for this key, through its private hash and mask, so tests can build keys that
     * collide on purpose. White-box: reflection, test only.
     */
    int homeIn(final ConnectionTable table)
    {
        try
        {
            final Method hash = ConnectionTable.class.getDeclaredMethod(
                "hash", long.class, long.class, int.class, long.class, long.class, int.class);
            hash.setAccessible(true);
            final Field mask = ConnectionTable.class.getDeclaredField("mask");
            mask.setAccessible(true);
            final int h = (int)hash.invoke(table, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
            return h & mask.getInt(table);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new AssertionError("ConnectionTable internals changed: " + ex, ex);
        }
    }

    /** Size of the table's index (mask + 1). White-box, test only. */
    static int indexSize(final ConnectionTable table)
    {
        try
        {
            final Field mask = ConnectionTable.class.getDeclaredField("mask");
            mask.setAccessible(true);
            return mask.getInt(table) + 1;
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new AssertionError("ConnectionTable internals changed: " + ex, ex);
        }
    }
}
