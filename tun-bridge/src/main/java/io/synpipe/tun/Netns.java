package io.synpipe.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Named network namespaces as {@code ip netns} keeps them (bind mounts under {@code /run/netns}).
 * <p>
 * {@link #call} runs a task on a fresh platform thread that first joins the namespace with
 * {@code setns(open("/run/netns/NAME"), CLONE_NEWNET)}: only that thread moves, the rest of the JVM stays where it
 * is, and every TUN device or socket the task creates belongs to the namespace for life (a socket's namespace is
 * fixed when it is created), so the task may hand them to other threads. The thread ends with the task, so no
 * pooled thread is ever left in a foreign namespace.
 * <p>
 * {@link #add}, {@link #delete} and {@link #ip} run the {@code ip} command (iproute2), bounded in time.
 */
public final class Netns
{
    /** Where {@code ip netns add} mounts named namespaces. */
    public static final Path RUN_NETNS = Path.of("/run/netns");
    /** How long an {@code ip} command may run. */
    public static final long IP_COMMAND_TIMEOUT_MS = 10_000;

    private static final int MAX_NAME_LENGTH = 64;
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;

    private Netns()
    {
    }

    /** A task run inside a namespace. */
    @FunctionalInterface
    public interface Task<T>
    {
        T run() throws Exception;
    }

    /**
     * Checks that this process may create namespaces and TUN devices: effective CAP_NET_ADMIN and CAP_SYS_ADMIN
     * (root has both), read from {@code /proc/self/status}.
     *
     * @throws TunException (EPERM) naming what is missing.
     */
    public static void checkPrivileges() throws TunException
    {
        final long effective = effectiveCapabilities();
        final boolean netAdmin = (effective & (1L << CAP_NET_ADMIN)) != 0;
        final boolean sysAdmin = (effective & (1L << CAP_SYS_ADMIN)) != 0;
        if (!netAdmin || !sysAdmin)
        {
            throw new TunException("not permitted: creating network namespaces and TUN devices needs root (missing "
                + (netAdmin ? "" : "CAP_NET_ADMIN") + (!netAdmin && !sysAdmin ? " and " : "")
                + (sysAdmin ? "" : "CAP_SYS_ADMIN") + "): run as root, e.g. with sudo", Errno.EPERM.number());
        }
    }

    private static long effectiveCapabilities()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("CapEff:"))
                {
                    return Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            // unknown: let the system calls report what they refuse
            return -1L;
        }
        return -1L;
    }

    /** Checks a namespace name: 1..64 of [A-Za-z0-9_.-], not "." or "..". */
    public static String checkName(final String name)
    {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH
            || !name.matches("[A-Za-z0-9_.-]+") || name.equals(".") || name.equals(".."))
        {
            throw new IllegalArgumentException("network namespace name '" + name
                + "' is not allowed: use 1.." + MAX_NAME_LENGTH + " characters of A-Z a-z 0-9 _ . -");
        }
        return name;
    }

    public static boolean exists(final String name)
    {
        return Files.exists(RUN_NETNS.resolve(checkName(name)));
    }

    /** {@code ip netns add NAME}. */
    public static void add(final String name) throws IOException
    {
        run(List.of("ip", "netns", "add", checkName(name)));
    }

    /** {@code ip netns delete NAME}; devices and sockets still open in it live on until closed. */
    public static void delete(final String name) throws IOException
    {
        run(List.of("ip", "netns", "delete", checkName(name)));
    }

    /** {@code ip -n NAME args...}, e.g. {@code ip(ns, "link", "set", "lo", "up")}. */
    public static void ip(final String name, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of("ip", "-n", checkName(name)));
        command.addAll(List.of(args));
        run(command);
    }

    /** {@code ip netns exec NAME command...}, for what has no {@code ip} form (e.g. sysctl). */
    public static void exec(final String name, final String... command) throws IOException
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", checkName(name)));
        full.addAll(List.of(command));
        run(full);
    }

    /**
     * Runs {@code task} on a new platform thread inside namespace {@code name} and returns its result; the task's
     * exception is rethrown as it is.
     */
    public static <T> T call(final String name, final Task<T> task) throws Exception
    {
        final Path path = RUN_NETNS.resolve(checkName(name));
        final Object[] result = new Object[1];
        final Throwable[] failure = new Throwable[1];
        final Thread thread = Thread.ofPlatform().name("netns-" + name).unstarted(() ->
        {
            try
            {
                enter(path);
                result[0] = task.run();
            }
            catch (final Throwable t)
            {
                failure[0] = t;
            }
        });
        thread.start();
        thread.join();
        if (failure[0] instanceof Exception e)
        {
            throw e;
        }
        if (failure[0] instanceof Error e)
        {
            throw e;
        }
        @SuppressWarnings("unchecked")
        final T value = (T)result[0];
        return value;
    }

    /** Moves the calling thread into the namespace at {@code path} (setns with CLONE_NEWNET). */
    static void enter(final Path path) throws TunException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment callState = LibC.newCallState(arena);
            final int fd = LibC.open(callState, arena.allocateFrom(path.toString()), LibC.O_RDONLY | LibC.O_CLOEXEC);
            if (fd < 0)
            {
                final int errno = LibC.errno(callState);
                throw new TunException("cannot open network namespace " + path + ": " + Errno.describe(errno)
                    + (errno == Errno.ENOENT.number() ? ": no such namespace (ip netns add)" : ""), errno);
            }
            try
            {
                if (LibC.setns(callState, fd, LibC.CLONE_NEWNET) < 0)
                {
                    final int errno = LibC.errno(callState);
                    throw new TunException("cannot enter network namespace " + path + ": " + Errno.describe(errno)
                        + (errno == Errno.EPERM.number() ? ": needs CAP_SYS_ADMIN (run as root)" : ""), errno);
                }
            }
            finally
            {
                LibC.close(callState, fd);
            }
        }
    }

    private static void run(final List<String> command) throws IOException
    {
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot run '" + command.get(0) + "' (is iproute2 installed?): " + ex.getMessage(), ex);
        }
        try
        {
            process.getOutputStream().close();
            if (!process.waitFor(IP_COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                throw new IOException("'" + String.join(" ", command) + "' did not finish in " + IP_COMMAND_TIMEOUT_MS + " ms");
            }
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0)
            {
                final String firstLine = output.isEmpty() ? "exit code " + process.exitValue() : output.lines().findFirst().orElse("");
                throw new IOException("'" + String.join(" ", command) + "' failed: " + firstLine);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running '" + String.join(" ", command) + "'", ex);
        }
    }
}
