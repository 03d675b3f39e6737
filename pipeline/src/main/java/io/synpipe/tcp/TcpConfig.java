package io.synpipe.tcp;

import io.synpipe.timer.TimerKind;

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
    private TimerKind timers = TimerKind.WHEEL;
    private int sendBufferBytes = 256 * 1024;
    private int receiveBufferBytes = 256 * 1024;
    private int maxDataConnections = 4096;
    private String congestionControl = "cubic";
    private long delayedAckNs = TimeUnit.MILLISECONDS.toNanos(40);
    private int dataRetries = 15;
    private boolean keepAlive;
    private long keepAliveIdleNs = TimeUnit.SECONDS.toNanos(7200);
    private long keepAliveIntervalNs = TimeUnit.SECONDS.toNanos(75);
    private int keepAliveProbes = 9;
    private boolean noDelay;

    public int maxConnections()
    {
        return maxConnections;
    }

    public TcpConfig maxConnections(final int maxConnections)
    {
        this.maxConnections = check("maxConnections", maxConnections, 1, io.synpipe.table.ConnectionTable.MAX_CAPACITY);
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

    /** The receive window we offer before data flows: the receive buffer size. */
    public int receiveWindowBytes()
    {
        return receiveBufferBytes;
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

    /** The timer service the engine runs on (default {@link TimerKind#WHEEL}). */
    public TimerKind timers()
    {
        return timers;
    }

    public TcpConfig timers(final TimerKind kind)
    {
        this.timers = java.util.Objects.requireNonNull(kind, "timers");
        return this;
    }

    /** Send buffer per connection that carries data (a power of two). */
    public int sendBufferBytes()
    {
        return sendBufferBytes;
    }

    public TcpConfig sendBufferBytes(final int bytes)
    {
        this.sendBufferBytes = checkPowerOfTwo("sendBufferBytes", bytes);
        return this;
    }

    /** Receive buffer per connection that carries data (a power of two); it bounds the window we offer. */
    public int receiveBufferBytes()
    {
        return receiveBufferBytes;
    }

    public TcpConfig receiveBufferBytes(final int bytes)
    {
        this.receiveBufferBytes = checkPowerOfTwo("receiveBufferBytes", bytes);
        return this;
    }

    /** Connections that may hold data buffers at once; the arena grows to this lazily. */
    public int maxDataConnections()
    {
        return maxDataConnections;
    }

    public TcpConfig maxDataConnections(final int count)
    {
        this.maxDataConnections = check("maxDataConnections", count, 1, 1 << 20);
        return this;
    }

    /** "cubic" (RFC 9438, the default) or "newreno" (RFC 5681, 6582). */
    public String congestionControl()
    {
        return congestionControl;
    }

    public TcpConfig congestionControl(final String name)
    {
        io.synpipe.cc.CongestionControls.byName(name);
        this.congestionControl = name;
        return this;
    }

    /** Longest an ACK for in-order data waits (RFC 9293 §3.8.6.3: under 0.5 s; here 40 ms by default). */
    public long delayedAckNs()
    {
        return delayedAckNs;
    }

    public TcpConfig delayedAckMs(final long ms)
    {
        this.delayedAckNs = TimeUnit.MILLISECONDS.toNanos(check("delayedAckMs", ms, 1, 500));
        return this;
    }

    /** Retransmissions of the same data before the connection is dropped (Linux tcp_retries2). */
    public int dataRetries()
    {
        return dataRetries;
    }

    public TcpConfig dataRetries(final int retries)
    {
        this.dataRetries = check("dataRetries", retries, 0, 255);
        return this;
    }

    /** Keep-alive for new connections (RFC 9293 §3.8.4: off unless asked for). */
    public boolean keepAlive()
    {
        return keepAlive;
    }

    public TcpConfig keepAlive(final boolean enabled)
    {
        this.keepAlive = enabled;
        return this;
    }

    /** Idle time before the first probe (RFC 1122 §4.2.3.6: no less than two hours by default). */
    public long keepAliveIdleNs()
    {
        return keepAliveIdleNs;
    }

    public TcpConfig keepAliveIdleMs(final long ms)
    {
        this.keepAliveIdleNs = TimeUnit.MILLISECONDS.toNanos(check("keepAliveIdleMs", ms, 1, 86_400_000L * 30));
        return this;
    }

    public long keepAliveIntervalNs()
    {
        return keepAliveIntervalNs;
    }

    public TcpConfig keepAliveIntervalMs(final long ms)
    {
        this.keepAliveIntervalNs = TimeUnit.MILLISECONDS.toNanos(check("keepAliveIntervalMs", ms, 1, 86_400_000L));
        return this;
    }

    /** Unanswered probes before the connection is dropped. */
    public int keepAliveProbes()
    {
        return keepAliveProbes;
    }

    public TcpConfig keepAliveProbes(final int probes)
    {
        this.keepAliveProbes = check("keepAliveProbes", probes, 1, 255);
        return this;
    }

    /** Nagle's algorithm off for new connections (TCP_NODELAY). */
    public boolean noDelay()
    {
        return noDelay;
    }

    public TcpConfig noDelay(final boolean noDelay)
    {
        this.noDelay = noDelay;
        return this;
    }

    private static int checkPowerOfTwo(final String name, final int value)
    {
        if (value < 4096 || value > (1 << 30) || Integer.bitCount(value) != 1)
        {
            throw new IllegalArgumentException(
                name + " = " + value + " is not allowed: a power of two from 4096 to 1073741824");
        }
        return value;
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
