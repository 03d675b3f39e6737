package io.synpipe.table;

import io.synpipe.wire.IpAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table against a {@link java.util.HashMap} model: random insert, remove and find over a small key space, so
 * hits, re-inserts, full-table refusals and back-shift deletes inside long probe runs all happen often.
 */
class ConnectionTableModelTest
{
    /** 128 keys from 7 bits, so many pairs differ in exactly one field. */
    private static final List<TableKey> KEYS = keySpace();

    private static List<TableKey> keySpace()
    {
        final List<TableKey> keys = new ArrayList<>();
        for (int k = 0; k < 128; k++)
        {
            final boolean v6 = (k & 1) != 0;
            final int localPort = (k & 2) != 0 ? 443 : 80;
            final int remotePort = (k & 4) != 0 ? 65_535 : 40_000;
            final int remote = (k >> 3) & 3;
            final int local = (k >> 5) & 1;
            final int extra = (k >> 6) & 1;
            keys.add(v6
                ? new TableKey(
                    TableKey.V6_HI, 1 + local, localPort, TableKey.V6_HI + 1 + extra, 0x10 + remote, remotePort)
                : new TableKey(0, IpAddress.v4Lo(0x0A00_0001 + local), localPort,
                    0, IpAddress.v4Lo(0xC0A8_0000 + remote + (extra << 8)), remotePort));
        }
        assertThat(new HashSet<>(keys)).hasSize(128);
        return keys;
    }

    /** Applies {@code op} = kind + 3 * key (kind 0 insert, 1 remove, 2 find). */
    private static void apply(final TableModel model, final int op, final int staleChoice)
    {
        final int key = op / 3;
        switch (op % 3)
        {
            case 0 -> model.insert(key);
            case 1 -> model.remove(key, staleChoice);
            default -> model.find(key);
        }
    }

    @Provide
    Arbitrary<Integer> capacities()
    {
        return Arbitraries.of(1, 2, 3, 5, 8, 64);
    }

    /** Slab chunks of 1, 2 and 8 TCBs, so consecutive slots sit in different buffers, and the default 2^22. */
    @Provide
    Arbitrary<Integer> chunkShifts()
    {
        return Arbitraries.of(0, 1, 3, 22);
    }

    @Provide
    Arbitrary<List<Integer>> operations()
    {
        return Arbitraries.integers().between(0, 3 * KEYS.size() - 1).list().ofMinSize(1).ofMaxSize(400);
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void randomOperations_matchHashMapModel(
        @ForAll("capacities") final int capacity,
        @ForAll final long seed,
        @ForAll("chunkShifts") final int chunkShift,
        @ForAll("operations") final List<Integer> operations)
    {
        final TableModel model = new TableModel(new ConnectionTable(capacity, seed, chunkShift), KEYS);
        int step = 0;
        for (final int op : operations)
        {
            apply(model, op, step++ * 7919);
            model.checkKeys();
        }
        model.checkAll();
    }

    @Test
    void seeded200kOperations_capacity64_matchHashMapModel()
    {
        final Random random = new Random(20_240_611L);
        final TableModel model = new TableModel(new ConnectionTable(64, random.nextLong()), KEYS);
        int maxSize = 0;
        for (int step = 0; step < 200_000; step++)
        {
            // phases push the table to full, hover around half, then drain
            final int phase = (step / 5_000) % 3;
            final int roll = random.nextInt(100);
            final int kind = roll < (phase == 0 ? 60 : phase == 1 ? 40 : 20) ? 0 : roll < 85 ? 1 : 2;
            apply(model, kind + 3 * random.nextInt(KEYS.size()), random.nextInt());
            maxSize = Math.max(maxSize, model.size());
            if ((step & 63) == 0)
            {
                model.checkKeys();
            }
            if ((step & 4095) == 0)
            {
                model.checkAll();
            }
        }
        model.checkAll();

        assertThat(maxSize).isEqualTo(64);
        assertThat(model.fullRefusals()).isGreaterThan(100);
        assertThat(model.removes()).isGreaterThan(20_000);
    }

    /**
     * Keys chosen through the table's own hash so that all of them land on a few home buckets, including the
     * last buckets of the index: long runs that wrap around its end, where back-shift must compare cyclically.
     */
    @ParameterizedTest(name = "homes at end offset {0}")
    @ValueSource(ints = {0, 1, 3, 64})
    void engineeredCollisions_runsWrappingIndexEnd_matchHashMapModel(final int homesBeforeEnd)
    {
        final long seed = 0x1234_5678_9ABC_DEF0L + homesBeforeEnd;
        final ConnectionTable table = new ConnectionTable(64, seed);
        final int mask = TableKey.indexSize(table) - 1;
        final Set<Integer> homes = new HashSet<>();
        for (int h = -1; h <= 1; h++)
        {
            homes.add((mask - homesBeforeEnd + h) & mask);
        }
        final List<TableKey> colliding = collidingKeys(table, homes, 48, new Random(seed));
        final TableModel model = new TableModel(table, colliding);
        final Random random = new Random(seed);

        for (int step = 0; step < 30_000; step++)
        {
            final int roll = random.nextInt(100);
            final int kind = roll < 50 ? 0 : roll < 90 ? 1 : 2;
            apply(model, kind + 3 * random.nextInt(colliding.size()), random.nextInt());
            if ((step & 15) == 0)
            {
                model.checkKeys();
            }
        }
        model.checkAll();
        assertThat(model.removes()).isGreaterThan(5_000);
    }

    @Test
    void engineeredCollisions_allKeysOneHome_deleteFromEveryPositionOfTheRun()
    {
        final ConnectionTable table = new ConnectionTable(32, 99L);
        final int mask = TableKey.indexSize(table) - 1;
        final List<TableKey> keys = collidingKeys(table, Set.of(mask - 1), 24, new Random(99L));
        for (int position = 0; position < keys.size(); position++)
        {
            final TableModel model = new TableModel(table, keys);
            for (int k = 0; k < keys.size(); k++)
            {
                model.insert(k);
            }
            model.checkAll();
            model.remove(position, 0);
            model.checkAll();
            for (int k = 0; k < keys.size(); k++)
            {
                model.remove(k, 0);
            }
            model.checkAll();
            assertThat(table.size()).isZero();
        }
    }

    private static List<TableKey> collidingKeys(
        final ConnectionTable table, final Set<Integer> homes, final int count, final Random random)
    {
        final List<TableKey> keys = new ArrayList<>();
        while (keys.size() < count)
        {
            final TableKey key = random.nextBoolean()
                ? TableKey.v4(0x0A00_0001, 443, random.nextInt(), random.nextInt(65_536))
                : new TableKey(TableKey.V6_HI, 1, 80, random.nextLong(), random.nextLong(), random.nextInt(65_536));
            if (homes.contains(key.homeIn(table)) && !keys.contains(key))
            {
                keys.add(key);
            }
        }
        return keys;
    }
}
