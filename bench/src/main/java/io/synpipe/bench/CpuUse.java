package io.synpipe.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the CPU went during a measured window, so a handshake rate comes with its cost: CPU time per role of thread
 * in this process (each split into user and kernel time) and the machine's busy cores and softirq time from
 * {@code /proc/stat}. A role's kernel time is the system calls its threads made and the kernel work done inside them
 * — for synpipe's event loop that includes the kernel's own TCP processing of every packet written to the TUN, which
 * runs inside {@code write(2)}. Softirq time outside any thread (e.g. {@code ksoftirqd}) shows only in the machine
 * figure.
 *
 * @param windowNs    the length of the window.
 * @param cpuNs       CPU time per role in the window.
 * @param userNs      the user-mode part of {@code cpuNs} per role.
 * @param machineBusy the machine's busy time in the window, in core-seconds per second (0..cores), or -1 if
 *                    {@code /proc/stat} could not be read.
 * @param softirq     the machine's softirq time, same unit, or -1.
 * @param cores       the machine's cores.
 */
public record CpuUse(
    long windowNs, Map<Role, Long> cpuNs, Map<Role, Long> userNs, double machineBusy, double softirq, int cores)
{
    /** What a thread does, from its name. */
    public enum Role
    {
        SYNPIPE_LOOP("synpipe event loop"),
        KERNEL_CLIENTS("kernel clients"),
        KERNEL_SERVER("kernel server"),
        OTHER("other threads");

        private final String label;

        Role(final String label)
        {
            this.label = label;
        }

        public String label()
        {
            return label;
        }

        /** The role of a thread named {@code name}: Netty's event loop threads, {@code kernel-client-N}, {@code kernel-server-N}. */
        public static Role of(final String name)
        {
            if (name.startsWith("multiThreadIoEventLoopGroup"))
            {
                return SYNPIPE_LOOP;
            }
            if (name.startsWith(KernelClients.THREAD_PREFIX))
            {
                return KERNEL_CLIENTS;
            }
            if (name.startsWith("kernel-server-"))
            {
                return KERNEL_SERVER;
            }
            return OTHER;
        }
    }

    /** CPU microseconds per handshake for {@code role}, given the handshake rate of the same window. */
    public double microsPerHandshake(final Role role, final double handshakesPerSecond)
    {
        final long ns = cpuNs.getOrDefault(role, 0L);
        return handshakesPerSecond <= 0 || windowNs <= 0 ? 0 : ns / 1e3 / (windowNs / 1e9) / handshakesPerSecond;
    }

    /** The kernel-mode share of {@code role}'s CPU time, 0..1. */
    public double kernelShare(final Role role)
    {
        final long ns = cpuNs.getOrDefault(role, 0L);
        return ns <= 0 ? 0 : Math.max(0, ns - userNs.getOrDefault(role, 0L)) / (double)ns;
    }

    /** Cores {@code role} kept busy on average in the window. */
    public double cores(final Role role)
    {
        return windowNs <= 0 ? 0 : cpuNs.getOrDefault(role, 0L) / (double)windowNs;
    }

    /** One line, e.g. {@code cpu µs/handshake: synpipe event loop 17.2 (kernel 93 %), ...; machine 1.98 of 2 cores busy}. */
    public String line(final double handshakesPerSecond)
    {
        final StringBuilder sb = new StringBuilder("cpu µs/handshake:");
        String separator = " ";
        for (final Role role : Role.values())
        {
            // a role counts when it used at least 1 % of a core
            if (cores(role) >= 0.01)
            {
                sb.append(separator).append(String.format(Locale.ROOT, "%s %.1f (kernel %.0f %%)", role.label(),
                    microsPerHandshake(role, handshakesPerSecond), 100 * kernelShare(role)));
                separator = ", ";
            }
        }
        if (machineBusy >= 0)
        {
            sb.append(String.format(Locale.ROOT, "; machine %.2f of %d cores busy, softirq %.2f", machineBusy, cores,
                softirq));
        }
        return sb.toString();
    }

    /** The JSON object of {@link #line}. */
    public String json(final double handshakesPerSecond)
    {
        final StringBuilder sb = new StringBuilder("{");
        sb.append(String.format(Locale.ROOT, "\"window_s\":%.3f,\"machine_busy_cores\":%.3f,\"softirq_cores\":%.3f,"
            + "\"cores\":%d,\"roles\":{", windowNs / 1e9, machineBusy, softirq, cores));
        String separator = "";
        for (final Role role : Role.values())
        {
            sb.append(separator).append(String.format(Locale.ROOT,
                "\"%s\":{\"cores\":%.4f,\"us_per_handshake\":%.3f,\"kernel_share\":%.4f}", role.label(), cores(role),
                microsPerHandshake(role, handshakesPerSecond), kernelShare(role)));
            separator = ",";
        }
        return sb.append("}}").toString();
    }

    /** What the threads of this process and the machine had used at one instant. */
    public static final class Snapshot
    {
        private final long atNs;
        private final Map<Long, ThreadTimes> threads;
        private final long[] machineTicks;

        Snapshot(final long atNs, final Map<Long, ThreadTimes> threads, final long[] machineTicks)
        {
            this.atNs = atNs;
            this.threads = threads;
            this.machineTicks = machineTicks;
        }

        /** Reads every live thread's CPU times and {@code /proc/stat} now. Allocates; not for a hot path. */
        public static Snapshot take()
        {
            final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            final Map<Long, ThreadTimes> threads = new HashMap<>();
            for (final Thread thread : Thread.getAllStackTraces().keySet())
            {
                final long id = thread.threadId();
                final long cpu = mx.getThreadCpuTime(id);
                final long user = mx.getThreadUserTime(id);
                if (cpu >= 0 && user >= 0)
                {
                    threads.put(id, new ThreadTimes(Role.of(thread.getName()), cpu, user));
                }
            }
            return new Snapshot(System.nanoTime(), threads, readProcStat());
        }

        /**
         * The use between this snapshot and a later one. A thread counts from its time here (or from zero if it
         * started in between); a thread gone by {@code later} is not counted.
         */
        public CpuUse until(final Snapshot later)
        {
            final Map<Role, Long> cpu = new EnumMap<>(Role.class);
            final Map<Role, Long> user = new EnumMap<>(Role.class);
            for (final Map.Entry<Long, ThreadTimes> e : later.threads.entrySet())
            {
                final ThreadTimes end = e.getValue();
                final ThreadTimes start = threads.getOrDefault(e.getKey(), new ThreadTimes(end.role(), 0, 0));
                cpu.merge(end.role(), Math.max(0, end.cpuNs() - start.cpuNs()), Long::sum);
                user.merge(end.role(), Math.max(0, end.userNs() - start.userNs()), Long::sum);
            }
            final long windowNs = later.atNs - atNs;
            double busy = -1;
            double softirq = -1;
            if (machineTicks != null && later.machineTicks != null && windowNs > 0)
            {
                final long[] d = new long[machineTicks.length];
                for (int i = 0; i < d.length; i++)
                {
                    d[i] = later.machineTicks[i] - machineTicks[i];
                }
                final double secondsPerTick = 1.0 / TICKS_PER_SECOND;
                final long idle = d[IDLE] + d[IOWAIT];
                long all = 0;
                for (final long ticks : d)
                {
                    all += ticks;
                }
                busy = (all - idle) * secondsPerTick / (windowNs / 1e9);
                softirq = d[SOFTIRQ] * secondsPerTick / (windowNs / 1e9);
            }
            return new CpuUse(windowNs, cpu, user, busy, softirq, Runtime.getRuntime().availableProcessors());
        }
    }

    record ThreadTimes(Role role, long cpuNs, long userNs)
    {
    }

    /** USER_HZ, the unit of {@code /proc/stat}: 100 on every Linux architecture synpipe runs on. */
    static final int TICKS_PER_SECOND = 100;
    // the first eight fields of the "cpu" line: user nice system idle iowait irq softirq steal
    private static final int IDLE = 3;
    private static final int IOWAIT = 4;
    private static final int SOFTIRQ = 6;
    private static final int FIELDS = 8;

    /** The aggregate "cpu" line's first eight fields, or null when it cannot be read. */
    static long[] readProcStat()
    {
        try
        {
            return parseProcStat(Files.readAllLines(Path.of("/proc/stat")).getFirst());
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    static long[] parseProcStat(final String cpuLine)
    {
        final String[] parts = cpuLine.trim().split("\\s+");
        if (!parts[0].equals("cpu") || parts.length < FIELDS + 1)
        {
            return null;
        }
        final long[] ticks = new long[FIELDS];
        for (int i = 0; i < FIELDS; i++)
        {
            ticks[i] = Long.parseLong(parts[i + 1]);
        }
        return ticks;
    }
}
