package io.synpipe.tun;

/** Linux errno values (x86_64 and AArch64 share them) the TUN and namespace calls can report, by name. */
public enum Errno
{
    EPERM(1, "operation not permitted"),
    ENOENT(2, "no such file or directory"),
    EINTR(4, "interrupted system call"),
    EIO(5, "input/output error"),
    ENXIO(6, "no such device or address"),
    EBADF(9, "bad file descriptor"),
    EAGAIN(11, "resource temporarily unavailable"),
    ENOMEM(12, "out of memory"),
    EACCES(13, "permission denied"),
    EFAULT(14, "bad address"),
    EBUSY(16, "device or resource busy"),
    EEXIST(17, "file exists"),
    ENODEV(19, "no such device"),
    EINVAL(22, "invalid argument"),
    ENFILE(23, "too many open files in system"),
    EMFILE(24, "too many open files"),
    ENOTTY(25, "inappropriate ioctl for device"),
    ENOSPC(28, "no space left on device"),
    ENAMETOOLONG(36, "file name too long"),
    ENOSYS(38, "function not implemented"),
    EBADFD(77, "file descriptor in bad state"),
    EMSGSIZE(90, "message too long"),
    EOPNOTSUPP(95, "operation not supported"),
    ENOBUFS(105, "no buffer space available"),
    UNKNOWN(-1, "unknown error");

    private static final Errno[] BY_NUMBER = new Errno[128];

    static
    {
        for (final Errno e : values())
        {
            if (e.number > 0)
            {
                BY_NUMBER[e.number] = e;
            }
        }
    }

    private final int number;
    private final String description;

    Errno(final int number, final String description)
    {
        this.number = number;
        this.description = description;
    }

    public int number()
    {
        return number;
    }

    public String description()
    {
        return description;
    }

    /** @return the errno with that number, or {@link #UNKNOWN}. */
    public static Errno of(final int number)
    {
        final Errno e = number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
        return e == null ? UNKNOWN : e;
    }

    /** "EBUSY (device or resource busy)", or "errno 123" for a number not in the table. */
    public static String describe(final int number)
    {
        final Errno e = of(number);
        return e == UNKNOWN ? "errno " + number : e.name() + " (" + e.description + ")";
    }
}
