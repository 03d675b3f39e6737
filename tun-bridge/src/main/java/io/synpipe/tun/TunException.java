package io.synpipe.tun;

import java.io.IOException;

/**
 * A system call on a TUN device or a network namespace failed: the message is one line naming the call, the
 * errno by name and what a user can do about it (e.g. "needs CAP_NET_ADMIN").
 */
public final class TunException extends IOException
{
    private final int errno;

    public TunException(final String message, final int errno)
    {
        super(message);
        this.errno = errno;
    }

    /** The errno number, or 0 when the error did not come from a system call. */
    public int errno()
    {
        return errno;
    }

    public Errno errnoName()
    {
        return Errno.of(errno);
    }
}
