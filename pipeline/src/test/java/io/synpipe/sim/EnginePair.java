package io.synpipe.sim;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpConfig;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import org.agrona.collections.Long2LongHashMap;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Two engines on an {@link InMemoryWire} with a manual clock stepped in whole milliseconds. Each side records
 * which handles it saw and how each closed; tests add behaviour through the hooks.
 */
final class EnginePair
{
    final InMemoryWire wire;
    final TcpEngine a;
    final TcpEngine b;
    final Side sideA = new Side("A");
    final Side sideB = new Side("B");
    long nowNs = 1_000_000_000L;

    EnginePair(final WireFaults faults, final Consumer<TcpConfig> tweak)
    {
        wire = new InMemoryWire(faults);
        final TcpConfig configA = new TcpConfig();
        final TcpConfig configB = new TcpConfig();
        tweak.accept(configA);
        tweak.accept(configB);
        a = new TcpEngine(configA, sideA, wire.sinkFromA(), nowNs);
        b = new TcpEngine(configB, sideB, wire.sinkFromB(), nowNs);
        sideA.engine = a;
        sideB.engine = b;
        wire.attach(a, b);
        wire.nowNs(nowNs);
    }

    void stepMs(final long ms)
    {
        for (long i = 0; i < ms; i++)
        {
            nowNs += 1_000_000L;
            wire.deliver(nowNs);
            a.poll(nowNs);
            b.poll(nowNs);
        }
    }

    /** Steps until {@code done} holds or {@code maxMs} passed. @return true if it holds. */
    boolean runUntil(final java.util.function.BooleanSupplier done, final long maxMs)
    {
        for (long i = 0; i < maxMs; i++)
        {
            if (done.getAsBoolean())
            {
                return true;
            }
            stepMs(1);
        }
        return done.getAsBoolean();
    }

    @FunctionalInterface
    interface DataListener
    {
        void onData(long handle, int length);
    }

    static final class Side implements TcpHandler
    {
        final String name;
        TcpEngine engine;
        final Long2LongHashMap closedCount = new Long2LongHashMap(0);
        final Map<CloseReason, Integer> reasons = new EnumMap<>(CloseReason.class);
        long established;
        long synsSeen;
        Consumer<Long> onEstablished = h -> { };
        Consumer<Long> onPeerClosed = h -> { };
        DataListener onData = (h, n) -> { };
        long lastHandle;

        Side(final String name)
        {
            this.name = name;
        }

        @Override
        public int onSyn(final long handle, final int listenerId)
        {
            synsSeen++;
            lastHandle = handle;
            return ACCEPT;
        }

        @Override
        public void onEstablished(final long handle)
        {
            established++;
            lastHandle = handle;
            onEstablished.accept(handle);
        }

        @Override
        public void onData(final long handle, final org.agrona.DirectBuffer buffer, final int offset, final int length)
        {
            onData.onData(handle, length);
        }

        @Override
        public void onPeerClosed(final long handle)
        {
            onPeerClosed.accept(handle);
        }

        @Override
        public void onClosed(final long handle, final CloseReason reason)
        {
            closedCount.put(handle, closedCount.get(handle) + 1);
            reasons.merge(reason, 1, Integer::sum);
        }

        long closedOnce()
        {
            long n = 0;
            final Long2LongHashMap.ValueIterator it = closedCount.values().iterator();
            while (it.hasNext())
            {
                if (it.nextValue() == 1)
                {
                    n++;
                }
            }
            return n;
        }

        @Override
        public String toString()
        {
            return name + "{established=" + established + ", closed=" + closedCount.size() + ", reasons=" + reasons + "}";
        }
    }
}
