package io.synpipe.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * One queue of a Linux TUN device in layer-3 mode without packet information ({@code IFF_TUN | IFF_NO_PI}): each
 * {@link #read} returns one whole IP packet, each {@link #write} injects one. Opened through FFM (no JNI), the file
 * descriptor is non-blocking and close-on-exec. The device is created on first open in the network namespace of
 * the calling thread (see {@link Netns}) and disappears when its last queue closes.
 * <p>
 * {@code struct ifreq} as {@code TUNSETIFF} reads and writes it (x86_64 and AArch64, 40 bytes):
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               |
 *   +             ifr_name: 16 bytes, NUL-terminated                +
 *   |                 (IFNAMSIZ; at most 15 characters)             |
 *   +                                                               +
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |   ifr_flags (native order)    |       union padding ...       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   :                 ... up to 40 bytes in all                     :
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The flags are a host-order {@code short}, unlike the packets, which are big-endian. A {@code Tun} is used by one
 * thread at a time (the call-state segment that captures errno is per instance).
 */
public final class Tun implements AutoCloseable
{
    /** The kernel's IFNAMSIZ is 16 including the terminating NUL. */
    public static final int MAX_NAME_BYTES = 15;

    public static final long TUNSETIFF = 0x4004_54caL;
    public static final int IFF_TUN = 0x0001;
    public static final int IFF_MULTI_QUEUE = 0x0100;
    public static final int IFF_NO_PI = 0x1000;

    static final int IFREQ_LENGTH = 40;
    static final int IFR_NAME_OFFSET = 0;
    static final int IFR_NAME_LENGTH = 16;
    static final int IFR_FLAGS_OFFSET = 16;

    private static final String DEV_NET_TUN = "/dev/net/tun";

    private final String name;
    private final boolean multiQueue;
    private final MemorySegment callState = LibC.newCallState(Arena.ofAuto());
    private volatile int fd;

    private Tun(final int fd, final String name, final boolean multiQueue)
    {
        this.fd = fd;
        this.name = name;
        this.multiQueue = multiQueue;
    }

    /** Opens (creating if needed) the single-queue TUN device {@code name}. */
    public static Tun open(final String name) throws TunException
    {
        return open(name, false);
    }

    /**
     * Opens a queue of the TUN device {@code name}, creating the device if it does not exist. With
     * {@code multiQueue} every call with the same name adds a queue ({@code IFF_MULTI_QUEUE}); the kernel keeps a
     * flow on the queue that last wrote it.
     *
     * @param name the interface name, 1..15 bytes of printable ASCII without '/', ':' or spaces; an empty name
     *             lets the kernel pick one ("tunN", see {@link #name()}).
     * @throws IllegalArgumentException for a name the kernel would refuse.
     * @throws TunException             with a one-line message when the kernel refuses (no /dev/net/tun, not
     *                                  permitted, name in use).
     */
    public static Tun open(final String name, final boolean multiQueue) throws TunException
    {
        final byte[] nameBytes = checkName(name);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment callState = LibC.newCallState(arena);
            final int fd = LibC.open(callState, arena.allocateFrom(DEV_NET_TUN), LibC.O_RDWR | LibC.O_CLOEXEC);
            if (fd < 0)
            {
                throw openFailed(LibC.errno(callState));
            }
            try
            {
                final MemorySegment ifreq = arena.allocate(IFREQ_LENGTH, 8);
                MemorySegment.copy(nameBytes, 0, ifreq, ValueLayout.JAVA_BYTE, IFR_NAME_OFFSET, nameBytes.length);
                final int flags = IFF_TUN | IFF_NO_PI | (multiQueue ? IFF_MULTI_QUEUE : 0);
                ifreq.set(ValueLayout.JAVA_SHORT, IFR_FLAGS_OFFSET, (short)flags);
                if (LibC.ioctl(callState, fd, TUNSETIFF, ifreq) < 0)
                {
                    throw setIffFailed(name, multiQueue, LibC.errno(callState));
                }
                final String actualName = ifreq.asSlice(IFR_NAME_OFFSET, IFR_NAME_LENGTH).getString(0);
                final int fileFlags = LibC.fcntl(callState, fd, LibC.F_GETFL, 0);
                if (fileFlags < 0 || LibC.fcntl(callState, fd, LibC.F_SETFL, fileFlags | LibC.O_NONBLOCK) < 0)
                {
                    throw new TunException("cannot make TUN device '" + actualName + "' non-blocking: "
                        + Errno.describe(LibC.errno(callState)), LibC.errno(callState));
                }
                return new Tun(fd, actualName, multiQueue);
            }
            catch (final TunException | RuntimeException ex)
            {
                LibC.close(callState, fd);
                throw ex;
            }
        }
    }

    /**
     * Checks an interface name as the kernel's {@code dev_valid_name} would, with the reason in one line.
     *
     * @return the name's bytes.
     */
    public static byte[] checkName(final String name)
    {
        if (name == null)
        {
            throw new IllegalArgumentException("TUN device name is missing");
        }
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_NAME_BYTES)
        {
            throw new IllegalArgumentException("TUN device name '" + name + "' is " + bytes.length
                + " bytes long: at most " + MAX_NAME_BYTES + " allowed");
        }
        if (name.equals(".") || name.equals(".."))
        {
            throw new IllegalArgumentException("TUN device name '" + name + "' is not allowed");
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c <= ' ' || c > '~' || c == '/' || c == ':')
            {
                throw new IllegalArgumentException("TUN device name '" + name
                    + "' has a character that is not allowed: use printable ASCII without '/', ':' or spaces");
            }
        }
        return bytes;
    }

    /** The interface name the kernel gave the device. */
    public String name()
    {
        return name;
    }

    public boolean multiQueue()
    {
        return multiQueue;
    }

    /** The file descriptor, or -1 once closed. */
    public int fd()
    {
        return fd;
    }

    public boolean isOpen()
    {
        return fd >= 0;
    }

    /**
     * Reads one packet into native memory.
     *
     * @return the packet's length, or 0 if none is waiting (EAGAIN); a packet longer than {@code length} is
     * truncated by the kernel.
     */
    public int read(final long address, final int length) throws TunException
    {
        final long n = LibC.read(callState, checkOpen(), address, length);
        if (n >= 0)
        {
            return (int)n;
        }
        return ioFailed("read from", LibC.errno(callState));
    }

    /**
     * Writes one packet from native memory.
     *
     * @return the bytes written ({@code length}), or 0 if the queue is full (EAGAIN): retry when writable.
     */
    public int write(final long address, final int length) throws TunException
    {
        final long n = LibC.write(callState, checkOpen(), address, length);
        if (n >= 0)
        {
            return (int)n;
        }
        return ioFailed("write to", LibC.errno(callState));
    }

    /** Closes the queue; the device goes away with its last queue. Idempotent. */
    @Override
    public void close()
    {
        final int toClose = fd;
        if (toClose >= 0)
        {
            fd = -1;
            LibC.close(callState, toClose);
        }
    }

    @Override
    public String toString()
    {
        return "Tun[" + name + (multiQueue ? ", multi-queue" : "") + ", fd " + fd + "]";
    }

    private int checkOpen()
    {
        final int current = fd;
        if (current < 0)
        {
            throw new IllegalStateException("TUN device '" + name + "' is closed");
        }
        return current;
    }

    private int ioFailed(final String what, final int errno) throws TunException
    {
        if (errno == Errno.EAGAIN.number() || errno == Errno.EINTR.number())
        {
            return 0;
        }
        throw new TunException(what + " TUN device '" + name + "' failed: " + Errno.describe(errno)
            + (errno == Errno.EIO.number() ? ": is the device down?" : ""), errno);
    }

    private static TunException openFailed(final int errno)
    {
        final Errno e = Errno.of(errno);
        final String hint = switch (e)
        {
            case ENOENT -> ": no TUN driver here (modprobe tun; in a container, pass the device /dev/net/tun)";
            case ENODEV, ENXIO -> ": the tun module is not loaded (modprobe tun)";
            case EACCES, EPERM -> ": needs root or CAP_NET_ADMIN";
            default -> "";
        };
        return new TunException("cannot open " + DEV_NET_TUN + ": " + Errno.describe(errno) + hint, errno);
    }

    private static TunException setIffFailed(final String name, final boolean multiQueue, final int errno)
    {
        final Errno e = Errno.of(errno);
        final String hint = switch (e)
        {
            case EPERM, EACCES -> ": needs CAP_NET_ADMIN (run as root)";
            case EBUSY -> ": the name is in use by another TUN device" + (multiQueue ? "" : " (or a queue of it)");
            case EINVAL -> ": the name is in use by a device of another kind, or by a TUN device "
                + (multiQueue ? "without" : "with") + " multi-queue";
            default -> "";
        };
        return new TunException("cannot create TUN device '" + name + "': " + Errno.describe(errno) + hint, errno);
    }
}
