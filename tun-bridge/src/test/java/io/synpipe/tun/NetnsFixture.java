package io.synpipe.tun;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace of the test's own, named {@code synpipe-test-<random>}, deleted on {@link #close()}.
 * Everything the tests create (TUN devices, kernel sockets) lives in it and uses only 198.18.0.0/15, so no packet
 * reaches any other network.
 * <p>
 * {@link #requireNetworkPrivileges()} decides whether such tests can run: they need root (or CAP_NET_ADMIN and
 * CAP_SYS_ADMIN), {@code /dev/net/tun} and the {@code ip} command. Without them the test is skipped with the reason,
 * except on CI ({@code CI=true}) where it fails: CI must run them for real.
 */
public final class NetnsFixture implements AutoCloseable
{
    /** The kernel side of the TUN (the address the kernel owns). */
    public static final String KERNEL_ADDRESS = "198.18.0.1";
    /** An address synpipe answers for (routed into the TUN, not owned by the kernel). */
    public static final String SYNPIPE_ADDRESS = "198.18.0.2";
    public static final String TUN_CIDR = KERNEL_ADDRESS + "/15";

    private final String name;
    private boolean deleted;

    private NetnsFixture(final String name)
    {
        this.name = name;
    }

    /** Creates a fresh namespace with lo up and IPv6 off (no router solicitations on the TUN). */
    public static NetnsFixture create() throws IOException
    {
        requireNetworkPrivileges();
        final String name = "synpipe-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Netns.add(name);
        final NetnsFixture fixture = new NetnsFixture(name);
        try
        {
            Netns.ip(name, "link", "set", "lo", "up");
            Netns.exec(name, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
            Netns.exec(name, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        }
        catch (final IOException | RuntimeException ex)
        {
            fixture.close();
            throw ex;
        }
        return fixture;
    }

    public String name()
    {
        return name;
    }

    /** Gives {@code device} the kernel address 198.18.0.1/15 and brings it up. */
    public void configure(final String device) throws IOException
    {
        Netns.ip(name, "addr", "add", TUN_CIDR, "dev", device);
        Netns.ip(name, "link", "set", device, "up");
    }

    public boolean hasLink(final String device)
    {
        try
        {
            Netns.ip(name, "link", "show", "dev", device);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    @Override
    public void close() throws IOException
    {
        if (!deleted)
        {
            deleted = true;
            Netns.delete(name);
            Assertions.assertFalse(Netns.exists(name), "namespace " + name + " was not deleted");
        }
    }

    /** Skips (or on CI fails) the calling test when it cannot create namespaces and TUN devices. */
    public static void requireNetworkPrivileges()
    {
        final String missing = missingPrivilege();
        if (missing == null)
        {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI")))
        {
            Assertions.fail("TUN/namespace integration test cannot run: " + missing
                + ". CI=true, so this fails instead of skipping: run the tests as root on Linux with /dev/net/tun");
        }
        Assumptions.abort("TUN/namespace integration test skipped: " + missing + " (run as root to include it)");
    }

    private static String missingPrivilege()
    {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux"))
        {
            return "not Linux (" + System.getProperty("os.name") + ")";
        }
        if (!Files.exists(Path.of("/dev/net/tun")))
        {
            return "no /dev/net/tun";
        }
        if (!isRoot())
        {
            return "not root (needs CAP_NET_ADMIN and CAP_SYS_ADMIN)";
        }
        if (findIp() == null)
        {
            return "no 'ip' command (install iproute2)";
        }
        return null;
    }

    private static boolean isRoot()
    {
        try
        {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("Uid:"))
                .anyMatch(line -> line.split("\\s+")[2].equals("0"));
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static Path findIp()
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/sbin:/usr/bin:/bin").split(":"))
        {
            final Path candidate = Path.of(dir, "ip");
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
