package io.synpipe.tcp;

import java.util.concurrent.TimeUnit;

/**
 * Engine settings, validated when set: a bad value throws {@link IllegalArgumentException} naming the value
 * and what is allowed. Defaults follow the RFCs (and Linux where an RFC leaves the value open).
 */
public final class TcpConfig
{
    private int maxConnections = 65_536;
    private long mslNs = TimeUnit.SECONDS.toNanos(30);
    private long initialRtoNs = TimeUnit.SECONDS.toNanos(1);
    private long minRtoNs = TimeUnit.MILLISECONDS.toNanos(200);
    private long maxRtoNs = TimeUnit.SECONDS.toNanos(60);
    private int synRetries = 6;
    private int synAckRetries = 5;
    private int finRetries = 8;
    private int mss = 1460;
    private int receiveWindowBytes = 65_535;
    private int windowShift = 7;
    private boolean timestamps = true;
    private boolean sack = true;
    private boolean windowScaling = true;
    private int challengeAckLimitPerSecond = 1000;
    private long finWait2TimeoutNs = TimeUnit.SECONDS.toNanos(60);
    private long acceptTimeoutNs = TimeUnit.SECONDS.toNanos(10);
    private int hopLimit = 64;
    private int reassemblyMaxBytes = 4 << 20;
    private int reassemblyMaxDatagrams = 64;
    private long reassemblyTimeoutNs = TimeUnit.SECONDS.toNanos(30);
    private IsnGenerator isnGenerator;

    public int maxConnections()
    {
        return maxConnections;
    }

    public TcpConfig maxConnections(final int maxConnections)
    {
        this.maxConnections = check("maxConnections", maxConnections, 1, 1 << 24);
        return this;
    }

    /** Maximum segment lifetime; TIME-WAIT lasts 2 × MSL (RFC 9293 §3.4.2). */
    public long mslNs()
    {
        return mslNs;
    }

    public TcpConfig mslMs(final long mslMs)
    {
        this.mslNs = TimeUnit.MILLISECONDS.toNanos(check("mslMs", mslMs, 1, 3_600_000));
        return this;
    }

    /** RFC 6298 §2.1: 1 second before any RTT sample. */
    public long initialRtoNs()
    {
        return initialRtoNs;
    }

    public TcpConfig initialRtoMs(final long ms)
    {
        this.initialRtoNs = TimeUnit.MILLISECONDS.toNanos(check("initialRtoMs", ms, 1, 600_000));
        return this;
    }

    public long minRtoNs()
    {
        return minRtoNs;
    }

    public TcpConfig minRtoMs(final long ms)
    {
        this.minRtoNs = TimeUnit.MILLISECONDS.toNanos(check("minRtoMs", ms, 1, 600_000));
        return this;
    }

    public long maxRtoNs()
    {
        return maxRtoNs;
    }

    public TcpConfig maxRtoMs(final long ms)
    {
        this.maxRtoNs = TimeUnit.MILLISECONDS.toNanos(check("maxRtoMs", ms, 1, 3_600_000));
        return this;
    }

    public int synRetries()
    {
        return synRetries;
    }

    public TcpConfig synRetries(final int retries)
    {
        this.synRetries = check("synRetries", retries, 0, 255);
        return this;
    }

    public int synAckRetries()
    {
        return synAckRetries;
    }

    public TcpConfig synAckRetries(final int retries)
    {
        this.synAckRetries = check("synAckRetries", retries, 0, 255);
        return this;
    }

    public int finRetries()
    {
        return finRetries;
    }

    public TcpConfig finRetries(final int retries)
    {
        this.finRetries = check("finRetries", retries, 0, 255);
        return this;
    }

    /** The MSS we announce: the largest segment we accept (RFC 9293 §3.7.1). */
    public int mss()
    {
        return mss;
    }

    public TcpConfig mss(final int mss)
    {
        this.mss = check("mss", mss, 88, 65_495);
        return this;
    }

    /** The receive window we offer, in bytes (after scaling). */
    public int receiveWindowBytes()
    {
        return receiveWindowBytes;
    }

    public TcpConfig receiveWindowBytes(final int bytes)
    {
        this.receiveWindowBytes = check("receiveWindowBytes", bytes, 1, 1 << 30);
        return this;
    }

    /** Our window scale shift when the peer offers window scaling (RFC 7323 §2.3: at most 14). */
    public int windowShift()
    {
        return windowShift;
    }

    public TcpConfig windowShift(final int shift)
    {
        this.windowShift = check("windowShift", shift, 0, 14);
        return this;
    }

    public boolean timestamps()
    {
        return timestamps;
    }

    public TcpConfig timestamps(final boolean enabled)
    {
        this.timestamps = enabled;
        return this;
    }

    public boolean sack()
    {
        return sack;
    }

    public TcpConfig sack(final boolean enabled)
    {
        this.sack = enabled;
        return this;
    }

    public boolean windowScaling()
    {
        return windowScaling;
    }

    public TcpConfig windowScaling(final boolean enabled)
    {
        this.windowScaling = enabled;
        return this;
    }

    /** RFC 5961 §7: challenge ACKs sent per second, across the engine. */
    public int challengeAckLimitPerSecond()
    {
        return challengeAckLimitPerSecond;
    }

    public TcpConfig challengeAckLimitPerSecond(final int limit)
    {
        this.challengeAckLimitPerSecond = check("challengeAckLimitPerSecond", limit, 1, 1_000_000_000);
        return this;
    }

    /** How long FIN-WAIT-2 may wait for the peer's FIN once the application has closed (Linux tcp_fin_timeout). */
    public long finWait2TimeoutNs()
    {
        return finWait2TimeoutNs;
    }

    public TcpConfig finWait2TimeoutMs(final long ms)
    {
        this.finWait2TimeoutNs = TimeUnit.MILLISECONDS.toNanos(check("finWait2TimeoutMs", ms, 1, 3_600_000));
        return this;
    }

    /** How long a deferred SYN waits for the application's decision before it is refused. */
    public long acceptTimeoutNs()
    {
        return acceptTimeoutNs;
    }

    public TcpConfig acceptTimeoutMs(final long ms)
    {
        this.acceptTimeoutNs = TimeUnit.MILLISECONDS.toNanos(check("acceptTimeoutMs", ms, 1, 3_600_000));
        return this;
    }

    public int hopLimit()
    {
        return hopLimit;
    }

    public TcpConfig hopLimit(final int hopLimit)
    {
        this.hopLimit = check("hopLimit", hopLimit, 1, 255);
        return this;
    }

    public int reassemblyMaxBytes()
    {
        return reassemblyMaxBytes;
    }

    public TcpConfig reassemblyMaxBytes(final int bytes)
    {
        this.reassemblyMaxBytes = check("reassemblyMaxBytes", bytes, 65_536, 1 << 30);
        return this;
    }

    public int reassemblyMaxDatagrams()
    {
        return reassemblyMaxDatagrams;
    }

    public TcpConfig reassemblyMaxDatagrams(final int count)
    {
        this.reassemblyMaxDatagrams = check("reassemblyMaxDatagrams", count, 1, 65_536);
        return this;
    }

    public long reassemblyTimeoutNs()
    {
        return reassemblyTimeoutNs;
    }

    public TcpConfig reassemblyTimeoutMs(final long ms)
    {
        this.reassemblyTimeoutNs = TimeUnit.MILLISECONDS.toNanos(check("reassemblyTimeoutMs", ms, 1, 3_600_000));
        return this;
    }

    /** @return the ISN generator, or null for a fresh {@link Rfc6528IsnGenerator} per engine. */
    public IsnGenerator isnGenerator()
    {
        return isnGenerator;
    }

    public TcpConfig isnGenerator(final IsnGenerator generator)
    {
        this.isnGenerator = generator;
        return this;
    }

    private static int check(final String name, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + " = " + value + " is out of range: allowed " + min + ".." + max);
        }
        return value;
    }

    private static long check(final String name, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + " = " + value + " is out of range: allowed " + min + ".." + max);
        }
        return value;
    }
}
