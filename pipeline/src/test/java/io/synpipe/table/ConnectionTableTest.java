package io.synpipe.table;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.synpipe.table.ConnectionTable.NULL_HANDLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Insert, find, remove, handles and their staleness, a full table, iteration, fresh TCBs, construction. */
class ConnectionTableTest
{
    private static final long SEED = 0x5EED_CAFE_F00DL;
    private static final TableKey V4 = TableKey.v4(0xC0A8_010A, 443, 0x5DB8_D822, 51_234);
    private static final TableKey V6 = new TableKey(
        TableKey.V6_HI, 0x0000_0000_0000_0002L, 80, 0xFE80_0000_0000_0000L, 0x0211_22FF_FE33_4455L, 65_535);

    private final Tcb tcb = new Tcb();

    private static TableKey v4Key(final int i)
    {
        return TableKey.v4(0x0A00_0001, 8080, 0x0A01_0000 + i, 40_000 + i);
    }

    private static UnsafeBuffer rawBuffer(final Tcb tcb)
    {
        try
        {
            final Field buffer = Tcb.class.getDeclaredField("buffer");
            buffer.setAccessible(true);
            return (UnsafeBuffer)buffer.get(tcb);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void insert_ipv4MappedKey_findReturnsItsHandleAndTcbHoldsKey()
    {
        final ConnectionTable table = new ConnectionTable(16, SEED);

        final long handle = V4.insertInto(table);

        assertThat(handle).isNotEqualTo(NULL_HANDLE);
        assertThat(V4.localHi()).isZero();
        assertThat(V4.localLo() >>> 32).isEqualTo(0x0000_ffffL);
        assertThat(V4.findIn(table)).isEqualTo(handle);
        assertThat(table.isLive(handle)).isTrue();
        assertThat(TableKey.of(table.wrap(handle, tcb))).isEqualTo(V4);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void insert_ipv6Key_findReturnsItsHandleAndTcbHoldsKey()
    {
        final ConnectionTable table = new ConnectionTable(16, SEED);

        final long handle = V6.insertInto(table);

        assertThat(V6.findIn(table)).isEqualTo(handle);
        assertThat(TableKey.of(table.wrap(handle, tcb))).isEqualTo(V6);
        assertThat(tcb.remotePort()).isEqualTo(65_535);
    }

    @Test
    void find_absentKey_returnsNullHandle()
    {
        final ConnectionTable table = new ConnectionTable(16, SEED);

        assertThat(V4.findIn(table)).isEqualTo(NULL_HANDLE);
        V6.insertInto(table);
        assertThat(V4.findIn(table)).isEqualTo(NULL_HANDLE);
    }

    @Test
    void remove_liveHandle_returnsTrueOnceAndKeyIsGone()
    {
        final ConnectionTable table = new ConnectionTable(16, SEED);
        final long v4 = V4.insertInto(table);
        final long v6 = V6.insertInto(table);

        assertThat(table.remove(v4)).isTrue();
        assertThat(table.remove(v4)).isFalse();

        assertThat(table.isLive(v4)).isFalse();
        assertThat(V4.findIn(table)).isEqualTo(NULL_HANDLE);
        assertThat(V6.findIn(table)).isEqualTo(v6);
        assertThat(table.size()).isEqualTo(1);
    }

    @ParameterizedTest(name = "field {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void keysDifferingInOneField_areDistinct(final int field)
    {
        for (final TableKey base : List.of(V4, V6))
        {
            final ConnectionTable table = new ConnectionTable(4, SEED);
            final TableKey other = base.withFieldChanged(field);
            assertThat(other).isNotEqualTo(base);

            final long baseHandle = base.insertInto(table);
            assertThat(other.findIn(table)).isEqualTo(NULL_HANDLE);
            final long otherHandle = other.insertInto(table);

            assertThat(otherHandle).isNotIn(NULL_HANDLE, baseHandle);
            assertThat(base.findIn(table)).isEqualTo(baseHandle);
            assertThat(other.findIn(table)).isEqualTo(otherHandle);

            assertThat(table.remove(baseHandle)).isTrue();
            assertThat(base.findIn(table)).isEqualTo(NULL_HANDLE);
            assertThat(other.findIn(table)).isEqualTo(otherHandle);
            assertThat(TableKey.of(table.wrap(otherHandle, tcb))).isEqualTo(other);
        }
    }

    @Test
    void staleHandle_afterReinsertIntoSameSlot_isNotLiveAndCannotRemove()
    {
        final ConnectionTable table = new ConnectionTable(1, SEED);
        final long first = V4.insertInto(table);
        table.remove(first);

        final long second = V6.insertInto(table);

        assertThat(ConnectionTable.slot(second)).isEqualTo(ConnectionTable.slot(first));
        assertThat(ConnectionTable.generation(second)).isNotEqualTo(ConnectionTable.generation(first));
        assertThat(second).isNotEqualTo(first);
        assertThat(table.isLive(first)).isFalse();
        assertThat(table.remove(first)).isFalse();
        assertThat(table.isLive(second)).isTrue();
        assertThat(V6.findIn(table)).isEqualTo(second);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void staleHandle_sameKeyReinserted_isNotLive()
    {
        final ConnectionTable table = new ConnectionTable(1, SEED);
        final long first = V4.insertInto(table);
        table.remove(first);

        final long second = V4.insertInto(table);

        assertThat(second).isNotEqualTo(first);
        assertThat(table.isLive(first)).isFalse();
        assertThat(table.remove(first)).isFalse();
        assertThat(V4.findIn(table)).isEqualTo(second);
    }

    @Test
    void insertRemoveCycles_handlesAreNeverNullAndGenerationsOddAndFresh()
    {
        final ConnectionTable table = new ConnectionTable(1, SEED);
        final Set<Long> issued = new HashSet<>();
        for (int i = 0; i < 20_000; i++)
        {
            final long handle = v4Key(i & 7).insertInto(table);

            assertThat(handle).isNotEqualTo(NULL_HANDLE);
            assertThat(ConnectionTable.generation(handle) & 1).isEqualTo(1);
            assertThat(ConnectionTable.slot(handle)).isZero();
            assertThat(issued.add(handle)).as("handle reissued: %x", handle).isTrue();
            assertThat(table.remove(handle)).isTrue();
        }
    }

    @Test
    void isLive_garbageHandles_false()
    {
        final ConnectionTable table = new ConnectionTable(4, SEED);
        final long handle = V4.insertInto(table);
        final int slot = ConnectionTable.slot(handle);
        final long generationBits = handle & 0xFFFF_FFFF_0000_0000L;

        assertThat(table.isLive(NULL_HANDLE)).isFalse();
        assertThat(table.isLive(generationBits | 0xFFFF_FFFFL)).isFalse();
        assertThat(table.isLive(generationBits | 4)).isFalse();
        assertThat(table.isLive(generationBits + (1L << 32) | slot)).isFalse();
        assertThat(table.isLive(generationBits + (2L << 32) | slot)).isFalse();
        assertThat(table.remove(generationBits | 4)).isFalse();
        assertThat(table.remove(NULL_HANDLE)).isFalse();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void insert_fullTable_returnsNullHandleAndKeepsWorkingAfterRemoves()
    {
        final int capacity = 8;
        final ConnectionTable table = new ConnectionTable(capacity, SEED);
        final List<Long> handles = new ArrayList<>();
        for (int i = 0; i < capacity; i++)
        {
            handles.add(v4Key(i).insertInto(table));
        }

        assertThat(v4Key(100).insertInto(table)).isEqualTo(NULL_HANDLE);
        assertThat(V6.insertInto(table)).isEqualTo(NULL_HANDLE);
        assertThat(table.size()).isEqualTo(capacity);
        assertThat(v4Key(100).findIn(table)).isEqualTo(NULL_HANDLE);
        for (int i = 0; i < capacity; i++)
        {
            assertThat(v4Key(i).findIn(table)).isEqualTo(handles.get(i));
        }

        for (final int i : new int[] {0, 3, 7})
        {
            assertThat(table.remove(handles.get(i))).isTrue();
        }
        final long a = v4Key(100).insertInto(table);
        final long b = V6.insertInto(table);
        final long c = V4.insertInto(table);

        assertThat(List.of(a, b, c)).doesNotContain(NULL_HANDLE);
        assertThat(v4Key(101).insertInto(table)).isEqualTo(NULL_HANDLE);
        assertThat(table.size()).isEqualTo(capacity);
        assertThat(v4Key(100).findIn(table)).isEqualTo(a);
        assertThat(V6.findIn(table)).isEqualTo(b);
        assertThat(V4.findIn(table)).isEqualTo(c);
        assertThat(v4Key(3).findIn(table)).isEqualTo(NULL_HANDLE);
        assertThat(v4Key(5).findIn(table)).isEqualTo(handles.get(5));
    }

    @Test
    void handleAtSlot_iteration_visitsExactlyTheLiveConnections()
    {
        final int capacity = 20;
        final ConnectionTable table = new ConnectionTable(capacity, SEED);
        final Set<Long> live = new HashSet<>();
        for (int i = 0; i < capacity; i++)
        {
            live.add(v4Key(i).insertInto(table));
        }
        int removed = 0;
        for (final long handle : List.copyOf(live))
        {
            if (removed++ % 3 == 0)
            {
                table.remove(handle);
                live.remove(handle);
            }
        }
        live.add(V6.insertInto(table));

        final Set<Long> visited = new HashSet<>();
        for (int slot = 0; slot < table.capacity(); slot++)
        {
            final long handle = table.handleAtSlot(slot);
            if (handle != NULL_HANDLE)
            {
                assertThat(ConnectionTable.slot(handle)).isEqualTo(slot);
                assertThat(table.isLive(handle)).isTrue();
                assertThat(visited.add(handle)).isTrue();
            }
        }

        assertThat(visited).isEqualTo(live);
        assertThat(visited).hasSize(table.size());
        assertThat(table.handleAtSlot(-1)).isEqualTo(NULL_HANDLE);
        assertThat(table.handleAtSlot(capacity)).isEqualTo(NULL_HANDLE);
        assertThat(table.handleAtSlot(Integer.MAX_VALUE)).isEqualTo(NULL_HANDLE);
    }

    @Test
    void handleAtSlot_emptyTable_visitsNothing()
    {
        final ConnectionTable table = new ConnectionTable(5, SEED);
        table.remove(V4.insertInto(table));

        for (int slot = 0; slot < table.capacity(); slot++)
        {
            assertThat(table.handleAtSlot(slot)).isEqualTo(NULL_HANDLE);
        }
    }

    @Test
    void insert_reusedDirtySlot_tcbIsZeroedButKeyGenerationTimerIdsAndListener()
    {
        final ConnectionTable table = new ConnectionTable(1, SEED);
        final long first = V4.insertInto(table);
        final UnsafeBuffer slab = rawBuffer(table.wrap(first, tcb));
        final int base = tcb.offset();
        final int keyEnd = Tcb.REMOTE_PORT_OFFSET + 2;
        slab.setMemory(base + Tcb.STATE_OFFSET, 4, (byte)0xA5);
        slab.setMemory(base + keyEnd, Tcb.LENGTH - keyEnd, (byte)0xA5);
        assertThat(table.remove(first)).isTrue();
        slab.setMemory(base + Tcb.STATE_OFFSET, keyEnd - Tcb.STATE_OFFSET, (byte)0xA5);

        final long handle = V6.insertInto(table);
        table.wrap(handle, tcb);

        assertThat(tcb.generation()).isEqualTo(ConnectionTable.generation(handle));
        assertThat(TableKey.of(tcb)).isEqualTo(V6);
        assertThat(tcb.retransmitTimerId()).isEqualTo(-1);
        assertThat(tcb.closeTimerId()).isEqualTo(-1);
        assertThat(tcb.keepaliveTimerId()).isEqualTo(-1);
        assertThat(tcb.listenerId()).isEqualTo(-1);
        assertThat(tcb.dataBlock()).isEqualTo(-1);
        assertThat(tcb.delayedAckTimerId()).isEqualTo(-1);
        assertThat(tcb.persistTimerId()).isEqualTo(-1);
        final Set<Integer> nonZeroAllowed = new HashSet<>();
        addRange(nonZeroAllowed, Tcb.GENERATION_OFFSET, 4);
        addRange(nonZeroAllowed, Tcb.LOCAL_HI_OFFSET, 8 * 4 + 2 + 2);
        addRange(nonZeroAllowed, Tcb.RETRANSMIT_TIMER_ID_OFFSET, 8);
        addRange(nonZeroAllowed, Tcb.CLOSE_TIMER_ID_OFFSET, 8);
        addRange(nonZeroAllowed, Tcb.KEEPALIVE_TIMER_ID_OFFSET, 8);
        addRange(nonZeroAllowed, Tcb.LISTENER_ID_OFFSET, 4);
        addRange(nonZeroAllowed, Tcb.DATA_BLOCK_OFFSET, 4);
        addRange(nonZeroAllowed, Tcb.DELAYED_ACK_TIMER_ID_OFFSET, 8);
        addRange(nonZeroAllowed, Tcb.PERSIST_TIMER_ID_OFFSET, 8);
        addRange(nonZeroAllowed, Tcb.KEY_HASH_OFFSET, 4);
        for (int i = 0; i < Tcb.LENGTH; i++)
        {
            if (!nonZeroAllowed.contains(i))
            {
                assertThat(slab.getByte(base + i)).as("byte %d of a fresh TCB", i).isZero();
            }
        }
        assertThat(tcb.state()).isZero();
        assertThat(tcb.flags()).isZero();
        assertThat(tcb.userData()).isZero();
    }

    private static void addRange(final Set<Integer> set, final int offset, final int length)
    {
        for (int i = offset; i < offset + length; i++)
        {
            set.add(i);
        }
    }

    @Test
    void tcbs_ofDifferentConnections_doNotShareBytes()
    {
        final ConnectionTable table = new ConnectionTable(3, SEED);
        final long a = V4.insertInto(table);
        final long b = V6.insertInto(table);
        final Tcb other = new Tcb();

        table.wrap(a, tcb).userData(-1L).state(7).rcvWindowShift(14);
        table.wrap(b, other).userData(42L);

        assertThat(Math.abs(tcb.offset() - other.offset())).isGreaterThanOrEqualTo(Tcb.LENGTH);
        assertThat(table.wrap(a, tcb).userData()).isEqualTo(-1L);
        assertThat(tcb.state()).isEqualTo(7);
        assertThat(table.wrap(b, other).userData()).isEqualTo(42L);
        assertThat(other.state()).isZero();
        assertThat(TableKey.of(other)).isEqualTo(V6);
    }

    @ParameterizedTest(name = "maxConnections = {0}")
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE, ConnectionTable.MAX_CAPACITY + 1, Integer.MAX_VALUE})
    void constructor_outOfRange_throwsNamingTheValue(final int maxConnections)
    {
        assertThatThrownBy(() -> new ConnectionTable(maxConnections, SEED))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("maxConnections")
            .hasMessageContaining(Integer.toString(maxConnections));
    }

    @Test
    void maxCapacity_indexAndEverySlabChunkFitAnIntIndexedBuffer()
    {
        final long indexEntries = (long)Integer.highestOneBit(ConnectionTable.MAX_CAPACITY * 2 - 1) << 1;
        assertThat(indexEntries * 8).isLessThanOrEqualTo(Integer.MAX_VALUE);
        assertThat((long)ConnectionTable.CHUNK_TCBS * Tcb.LENGTH).isLessThanOrEqualTo(Integer.MAX_VALUE);
        // more than one int-addressed slab holds, as a 10 M-connection server needs
        assertThat(ConnectionTable.MAX_CAPACITY).isGreaterThan(10_000_000);
    }

    @ParameterizedTest(name = "chunkShift = {0}")
    @ValueSource(ints = {-1, 23, 31})
    void constructor_chunkShiftOutOfRange_throwsNamingTheValue(final int chunkShift)
    {
        assertThatThrownBy(() -> new ConnectionTable(16, SEED, chunkShift))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("chunkShift = " + chunkShift + " is out of range: allowed 0..22");
    }

    @Test
    void chunks_tableSpanningThirteenChunks_everyTcbItsOwnBytesAndChunkEdgesApart()
    {
        // 8 TCBs per chunk: 100 connections take 12 full chunks and 4 TCBs of a 13th
        final ConnectionTable table = new ConnectionTable(100, SEED, 3);
        final long[] handles = new long[100];
        for (int i = 0; i < 100; i++)
        {
            handles[i] = v4Key(i).insertInto(table);
            assertThat(handles[i]).isNotEqualTo(NULL_HANDLE);
            // the first and the last bytes of the TCB
            table.wrap(handles[i], tcb).state(i + 1);
            rawBuffer(tcb).putLong(tcb.offset() + Tcb.LENGTH - 8, ~(long)i);
        }
        assertThat(v4Key(100).insertInto(table)).isEqualTo(NULL_HANDLE);

        final Set<UnsafeBuffer> buffers = new HashSet<>();
        for (int i = 0; i < 100; i++)
        {
            assertThat(v4Key(i).findIn(table)).isEqualTo(handles[i]);
            table.wrap(handles[i], tcb);
            assertThat(tcb.state()).isEqualTo(i + 1);
            assertThat(rawBuffer(tcb).getLong(tcb.offset() + Tcb.LENGTH - 8)).isEqualTo(~(long)i);
            assertThat(TableKey.of(tcb)).isEqualTo(v4Key(i));
            assertThat(tcb.offset() + Tcb.LENGTH).isLessThanOrEqualTo(rawBuffer(tcb).capacity());
            buffers.add(rawBuffer(tcb));
        }
        assertThat(buffers).hasSize(13);
        final int lastOfChunk = ConnectionTable.slot(handles[0]) | 7;
        final int firstOfNext = lastOfChunk + 1;
        assertThat(table.wrap(table.handleAtSlot(lastOfChunk), tcb).offset()).isEqualTo(7 * Tcb.LENGTH);
        final UnsafeBuffer lastChunk = rawBuffer(tcb);
        assertThat(table.wrap(table.handleAtSlot(firstOfNext), tcb).offset()).isZero();
        assertThat(rawBuffer(tcb)).isNotSameAs(lastChunk);

        for (int i = 0; i < 100; i += 2)
        {
            assertThat(table.remove(handles[i])).isTrue();
        }
        for (int i = 0; i < 100; i++)
        {
            assertThat(table.isLive(handles[i])).isEqualTo(i % 2 == 1);
            assertThat(v4Key(i).findIn(table)).isEqualTo(i % 2 == 1 ? handles[i] : NULL_HANDLE);
        }
        assertThat(table.size()).isEqualTo(50);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 3, 5, 64, 100})
    void sizeAndCapacity_trackInsertsRemovesAndFailures(final int capacity)
    {
        final ConnectionTable table = new ConnectionTable(capacity);
        assertThat(table.capacity()).isEqualTo(capacity);
        assertThat(table.size()).isZero();
        assertThat(TableKey.indexSize(table)).isGreaterThanOrEqualTo(2 * capacity);

        final List<Long> handles = new ArrayList<>();
        for (int i = 0; i < capacity; i++)
        {
            handles.add(v4Key(i).insertInto(table));
            assertThat(table.size()).isEqualTo(i + 1);
        }
        assertThat(V6.insertInto(table)).isEqualTo(NULL_HANDLE);
        assertThat(table.size()).isEqualTo(capacity);

        table.remove(handles.get(0));
        table.remove(handles.get(0));
        assertThat(table.size()).isEqualTo(capacity - 1);
        assertThat(table.capacity()).isEqualTo(capacity);
    }

    @Test
    void close_refusesInsertsButFindStillWorks()
    {
        final ConnectionTable table = new ConnectionTable(4, SEED);
        final long handle = V4.insertInto(table);

        table.close();

        assertThat(V6.insertInto(table)).isEqualTo(NULL_HANDLE);
        assertThat(V4.findIn(table)).isEqualTo(handle);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void differentSeeds_sameBehaviour()
    {
        for (final long seed : new long[] {0, -1, 1, Long.MIN_VALUE, SEED})
        {
            final ConnectionTable table = new ConnectionTable(8, seed);
            final long v4 = V4.insertInto(table);
            final long v6 = V6.insertInto(table);

            assertThat(V4.findIn(table)).isEqualTo(v4);
            assertThat(V6.findIn(table)).isEqualTo(v6);
            assertThat(table.remove(v4)).isTrue();
            assertThat(V6.findIn(table)).isEqualTo(v6);
        }
    }

    @Test
    void insert_afterFindMissAndOtherChangesToTheIndex_everyKeyStaysFindableAndRemovable()
    {
        final ConnectionTable table = new ConnectionTable(64, SEED);
        final List<TableKey> live = new ArrayList<>();
        final List<Long> handles = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            final TableKey key = v4Key(i);
            assertThat(key.findIn(table)).isEqualTo(NULL_HANDLE);
            if (i % 3 == 1)
            {
                // the miss is stale once another key goes in
                final TableKey other = v4Key(1_000 + i);
                live.add(other);
                handles.add(other.insertInto(table));
            }
            else if (i % 3 == 2 && !handles.isEmpty())
            {
                // ... or one comes out (back-shift may move entries into the empty entry the miss ended on)
                assertThat(table.remove(handles.remove(0))).isTrue();
                live.remove(0);
            }
            live.add(key);
            handles.add(key.insertInto(table));
        }
        // a miss of one key followed by the insert of another uses neither the memo's hash nor its position
        final TableKey missed = v4Key(5_000);
        final TableKey inserted = v4Key(5_001);
        assertThat(missed.findIn(table)).isEqualTo(NULL_HANDLE);
        live.add(inserted);
        handles.add(inserted.insertInto(table));

        assertThat(table.size()).isEqualTo(live.size());
        assertThat(missed.findIn(table)).isEqualTo(NULL_HANDLE);
        for (int i = 0; i < live.size(); i++)
        {
            assertThat(live.get(i).findIn(table)).as("key %d", i).isEqualTo(handles.get(i));
        }
        for (final long handle : handles)
        {
            assertThat(table.remove(handle)).isTrue();
        }
        assertThat(table.size()).isZero();
        for (final TableKey key : live)
        {
            assertThat(key.findIn(table)).isEqualTo(NULL_HANDLE);
        }
    }
}
