package io.synpipe.table;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.synpipe.table.ConnectionTable.NULL_HANDLE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link ConnectionTable} driven in step with a {@link HashMap} model: every operation's result is checked
 * against the model, and {@link #checkAll()} compares the whole table (every key, every handle ever issued,
 * the slot iteration) with it. Test support.
 */
final class TableModel
{
    private final ConnectionTable table;
    private final List<TableKey> keys;
    private final Map<TableKey, Long> live = new HashMap<>();
    private final Set<Long> liveHandles = new HashSet<>();
    private final List<Long> issued = new ArrayList<>();
    private final Tcb tcb = new Tcb();
    private int fullRefusals;
    private int removes;

    TableModel(final ConnectionTable table, final List<TableKey> keys)
    {
        this.table = table;
        this.keys = keys;
    }

    int fullRefusals()
    {
        return fullRefusals;
    }

    int removes()
    {
        return removes;
    }

    int size()
    {
        return live.size();
    }

    /** Inserts key {@code k} if it is absent (the table's precondition); otherwise checks find. */
    void insert(final int k)
    {
        final TableKey key = keys.get(k);
        final Long existing = live.get(key);
        if (existing != null)
        {
            assertThat(key.findIn(table)).as("find %s", key).isEqualTo(existing.longValue());
            return;
        }
        final long handle = key.insertInto(table);
        if (live.size() == table.capacity())
        {
            assertThat(handle).as("insert into a full table").isEqualTo(NULL_HANDLE);
            assertThat(key.findIn(table)).isEqualTo(NULL_HANDLE);
            fullRefusals++;
        }
        else
        {
            assertThat(handle).as("insert %s with %d live", key, live.size()).isNotEqualTo(NULL_HANDLE);
            assertThat(ConnectionTable.generation(handle) & 1).isEqualTo(1);
            assertThat(liveHandles).as("handle %x already live", handle).doesNotContain(handle);
            assertThat(key.matches(table.wrap(handle, tcb))).isTrue();
            live.put(key, handle);
            liveHandles.add(handle);
            issued.add(handle);
            assertThat(key.findIn(table)).isEqualTo(handle);
        }
        assertThat(table.size()).isEqualTo(live.size());
    }

    /** Removes key {@code k} if present; otherwise tries a stale handle, which must be refused. */
    void remove(final int k, final int staleChoice)
    {
        final TableKey key = keys.get(k);
        final Long handle = live.remove(key);
        if (handle != null)
        {
            assertThat(table.remove(handle)).as("remove %s", key).isTrue();
            assertThat(table.isLive(handle)).isFalse();
            assertThat(table.remove(handle)).isFalse();
            liveHandles.remove(handle);
            removes++;
            assertThat(key.findIn(table)).isEqualTo(NULL_HANDLE);
        }
        else if (!issued.isEmpty())
        {
            final long stale = issued.get(Math.floorMod(staleChoice, issued.size()));
            assertThat(table.remove(stale)).isEqualTo(liveHandles.contains(stale));
            if (liveHandles.remove(stale))
            {
                live.values().remove(stale);
                removes++;
            }
        }
        assertThat(table.size()).isEqualTo(live.size());
    }

    void find(final int k)
    {
        final TableKey key = keys.get(k);
        final Long handle = live.get(key);
        assertThat(key.findIn(table)).as("find %s", key).isEqualTo(handle == null ? NULL_HANDLE : handle);
    }

    /** Every key finds what the model says. */
    void checkKeys()
    {
        for (final TableKey key : keys)
        {
            final Long handle = live.get(key);
            assertThat(key.findIn(table)).as("find %s", key).isEqualTo(handle == null ? NULL_HANDLE : handle);
        }
        assertThat(table.size()).isEqualTo(live.size());
    }

    /** Keys, handles ever issued, and slot iteration: nothing lost, nothing duplicated, nothing stale alive. */
    void checkAll()
    {
        checkKeys();
        for (final long handle : issued)
        {
            assertThat(table.isLive(handle)).as("isLive %x", handle).isEqualTo(liveHandles.contains(handle));
        }
        final Map<TableKey, Long> iterated = new HashMap<>();
        for (int slot = 0; slot < table.capacity(); slot++)
        {
            final long handle = table.handleAtSlot(slot);
            if (handle != NULL_HANDLE)
            {
                final TableKey key = TableKey.of(table.wrap(handle, tcb));
                assertThat(iterated.put(key, handle)).as("key %s in two slots", key).isNull();
            }
        }
        assertThat(iterated).isEqualTo(live);
    }
}
