package io.synpipe.tun;

/**
 * Counters of one {@link TunChannel}, written by its event loop only; another thread may read slightly stale
 * values (exact once the channel is closed and its loop has run the close).
 */
public final class TunChannelStats
{
    long packetsRead;
    long bytesRead;
    long packetsWritten;
    long bytesWritten;
    long readWakeups;
    long readBudgetExhausted;
    long writeParked;
    long writeErrors;
    long readErrors;

    TunChannelStats()
    {
    }

    /** IP packets read from the device (into the pipeline). */
    public long packetsRead()
    {
        return packetsRead;
    }

    public long bytesRead()
    {
        return bytesRead;
    }

    /** IP packets the kernel accepted from the pipeline. */
    public long packetsWritten()
    {
        return packetsWritten;
    }

    public long bytesWritten()
    {
        return bytesWritten;
    }

    /** Wakeups that read at least one packet. */
    public long readWakeups()
    {
        return readWakeups;
    }

    /** Wakeups that stopped at the read budget with packets possibly still queued. */
    public long readBudgetExhausted()
    {
        return readBudgetExhausted;
    }

    /** Times a write met EAGAIN (device queue full) and the rest waited for EPOLLOUT. */
    public long writeParked()
    {
        return writeParked;
    }

    /** Packets the kernel refused (e.g. EINVAL: not an IPv4/IPv6 packet); each one failed its write promise. */
    public long writeErrors()
    {
        return writeErrors;
    }

    public long readErrors()
    {
        return readErrors;
    }

    /** The sum of several channels' counters (the queues of one device). */
    public record Totals(long packetsRead, long bytesRead, long packetsWritten, long bytesWritten, long writeParked,
        long writeErrors, long readErrors)
    {
        public static Totals of(final java.util.List<TunChannelStats> all)
        {
            long pr = 0, br = 0, pw = 0, bw = 0, parked = 0, we = 0, re = 0;
            for (final TunChannelStats s : all)
            {
                pr += s.packetsRead;
                br += s.bytesRead;
                pw += s.packetsWritten;
                bw += s.bytesWritten;
                parked += s.writeParked;
                we += s.writeErrors;
                re += s.readErrors;
            }
            return new Totals(pr, br, pw, bw, parked, we, re);
        }
    }

    @Override
    public String toString()
    {
        return "packets in " + packetsRead + " (" + bytesRead + " bytes), out " + packetsWritten + " ("
            + bytesWritten + " bytes), read wakeups " + readWakeups + " (budget reached " + readBudgetExhausted
            + "), write parked " + writeParked + ", write errors " + writeErrors + ", read errors " + readErrors;
    }
}
