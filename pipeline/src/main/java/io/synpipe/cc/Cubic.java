package io.synpipe.cc;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * CUBIC (RFC 9438) with C = 0.4, beta_cubic = 0.7 and fast convergence. Windows in the CUBIC formulas are in
 * segments (bytes / MSS, as doubles), times in seconds; cwnd and ssthresh are kept in bytes for the engine.
 * <ul>
 *     <li>Slow start below ssthresh exactly as {@link NewReno} (RFC 5681 §3.1, RFC 3465 L = 2).</li>
 *     <li>Congestion avoidance (§4.2): an epoch starts on the first ACK of the stage, at {@code cwnd_epoch} =
 *     cwnd; {@code K = cbrt((W_max - cwnd_epoch) / C)} (Figure 2), which is {@code cbrt(W_max*(1-beta)/C)}
 *     after a reduction from a full window; if {@code W_max <= cwnd_epoch} (after a timeout, §4.8, or leaving
 *     slow start without loss, §4.10) then {@code W_max = cwnd_epoch} and {@code K = 0}. On each ACK, with
 *     {@code t} = now - epoch start, {@code W_cubic(t) = C*(t-K)^3 + W_max}:
 *     <ul>
 *         <li>§4.3 Reno-friendly: {@code W_est += alpha*segmentsAcked/cwnd}, alpha = 3(1-beta)/(1+beta), or 1
 *         once {@code W_est >= cwnd_prior}; if {@code W_cubic(t) < W_est}, cwnd = W_est (never lowered by an
 *         ACK).</li>
 *         <li>§4.4 concave (cwnd &lt; W_max) and §4.5 convex (cwnd &gt;= W_max) regions alike:
 *         {@code target = W_cubic(t + SRTT)} clamped to [cwnd, 1.5*cwnd], and
 *         {@code cwnd += (target - cwnd)/cwnd} per segment acknowledged; fractions of a byte carry over.</li>
 *     </ul></li>
 *     <li>Congestion event (§4.6, §4.7): fast convergence {@code W_max = cwnd*(1+beta)/2} if cwnd &lt; the
 *     previous W_max, else {@code W_max = cwnd}; {@code cwnd_prior = cwnd};
 *     {@code ssthresh = max(FlightSize*beta, 2*MSS)} (in whole bytes: FlightSize*7/10);
 *     {@code cwnd = ssthresh}; K recomputed for a stage that starts at that cwnd; the epoch ends (a new one
 *     starts on the first ACK after recovery).</li>
 *     <li>Recovery exit: cwnd = ssthresh (RFC 6582 §3.2 step 3 (2)); the epoch starts on the next ACK.</li>
 *     <li>Timeout (§4.8): ssthresh as for a congestion event, {@code cwnd_prior = cwnd}, cwnd = 1*MSS, W_max
 *     forgotten so the first congestion avoidance stage afterwards has {@code W_max = cwnd_epoch}, K = 0.</li>
 *     <li>Application-limited (§5.8): an ACK that finds the sender not cwnd-limited (see
 *     {@link CongestionControl#onAck}) grows nothing, and in congestion avoidance ends the epoch, so the idle
 *     time does not count in {@code t}; the next cwnd-limited ACK starts an epoch at the current cwnd with the
 *     same W_max.</li>
 * </ul>
 * SRTT for the target is kept here from the {@code rttNs} samples (RFC 6298 §2.3 gain 1/8); with no sample
 * yet the target is {@code W_cubic(t)}.
 * <p>
 * State region (native byte order, {@link CongestionControl#STATE_BYTES} bytes):
 * <pre>
 * | off | sz | field        | type   | meaning |
 * |-----|----|--------------|--------|---------|
 * |   0 |  4 | cwnd         | int    | congestion window, bytes |
 * |   4 |  4 | ssthresh     | int    | slow start threshold, bytes |
 * |   8 |  4 | flags        | int    | F_EPOCH_STARTED: a congestion avoidance epoch is running |
 * |  12 |  4 | cwndPrior    | int    | cwnd before the last reduction (§4.6 cwnd_prior), bytes; 0 before any |
 * |  16 |  8 | epochStartNs | long   | when the current epoch started (valid with F_EPOCH_STARTED) |
 * |  24 |  8 | wMax         | double | W_max, segments: the window before the last reduction, lowered by fast |
 * |     |    |              |        | convergence; doubles as the "last max" the next event compares with; |
 * |     |    |              |        | 0 when forgotten (initially and after a timeout) |
 * |  32 |  8 | k            | double | K, seconds: the time from the epoch start to W_cubic = W_max |
 * |  40 |  8 | wEst         | double | W_est, segments: the Reno-friendly estimate (§4.3) |
 * |  48 |  8 | srttNs       | long   | smoothed RTT for the target, 0 before the first sample |
 * |  56 |  4 | growthCarry  | float  | bytes of cwnd growth below one byte, not yet added (0 &lt;= x &lt; 1) |
 * |  60 |  4 | (zero)       |        | unused, cleared by init |
 * </pre>
 */
public final class Cubic implements CongestionControl
{
    public static final Cubic INSTANCE = new Cubic();

    /** C, segments per second cubed (§5.1). */
    public static final double C = 0.4;
    /** beta_cubic: the fraction of the window kept on a congestion event (§4.6). */
    public static final double BETA = 0.7;
    /** alpha_cubic of the Reno-friendly region (§4.3): 3(1-beta)/(1+beta). */
    public static final double ALPHA = 3.0 * (1.0 - BETA) / (1.0 + BETA);
    /** Upper clamp of the target as a multiple of cwnd (§4.2). */
    public static final double MAX_TARGET_RATIO = 1.5;

    public static final int FLAGS_OFFSET = 8;
    public static final int CWND_PRIOR_OFFSET = 12;
    public static final int EPOCH_START_NS_OFFSET = 16;
    public static final int W_MAX_OFFSET = 24;
    public static final int K_OFFSET = 32;
    public static final int W_EST_OFFSET = 40;
    public static final int SRTT_NS_OFFSET = 48;
    public static final int GROWTH_CARRY_OFFSET = 56;
    /** Bytes of the region in use. */
    public static final int LENGTH = 60;

    /** A congestion avoidance epoch is running: epochStartNs, K and W_est are valid. */
    public static final int F_EPOCH_STARTED = 1;

    private static final double NS_PER_SECOND = 1e9;

    private Cubic()
    {
    }

    /** §4.2 Figure 1: {@code W_cubic(t) = C*(t-K)^3 + W_max}, in segments. */
    public static double wCubic(final double tSeconds, final double kSeconds, final double wMaxSegments)
    {
        final double d = tSeconds - kSeconds;
        return C * d * d * d + wMaxSegments;
    }

    public void onAck(
        final MutableDirectBuffer state,
        final int offset,
        final int ackedBytes,
        final int mss,
        final int bytesInFlight,
        final long rttNs,
        final long nowNs)
    {
        if (ackedBytes <= 0)
        {
            return;
        }
        if (rttNs > 0)
        {
            final long srttNs = state.getLong(offset + SRTT_NS_OFFSET);
            state.putLong(offset + SRTT_NS_OFFSET, srttNs == 0 ? rttNs : srttNs + ((rttNs - srttNs) >> 3));
        }

        int cwnd = state.getInt(offset + CWND_OFFSET);
        final int ssthresh = state.getInt(offset + SSTHRESH_OFFSET);
        if (!SlowStart.isCwndLimited(cwnd, ssthresh, bytesInFlight, mss))
        {
            if (cwnd >= ssthresh)
            {
                endEpoch(state, offset); // §5.8: application-limited time is not part of t
            }
            return;
        }

        int avoidanceBytes = ackedBytes;
        if (cwnd < ssthresh)
        {
            avoidanceBytes = SlowStart.grow(state, offset + CWND_OFFSET, cwnd, ssthresh, ackedBytes, mss);
            if (avoidanceBytes == 0)
            {
                return;
            }
            cwnd = state.getInt(offset + CWND_OFFSET);
        }
        congestionAvoidance(state, offset, cwnd, avoidanceBytes, Math.max(mss, 1), nowNs);
    }

    public void onCongestionEvent(
        final MutableDirectBuffer state, final int offset, final int flightSize, final int mss, final long nowNs)
    {
        final int smss = Math.max(mss, 1);
        final int cwnd = state.getInt(offset + CWND_OFFSET);
        final double cwndSegments = (double)cwnd / smss;

        // §4.7: a W_max below the last one means the share is shrinking: release bandwidth sooner
        final double lastMax = state.getDouble(offset + W_MAX_OFFSET);
        final double wMax = cwndSegments < lastMax ? cwndSegments * (1.0 + BETA) / 2.0 : cwndSegments;

        // §4.6: multiplicative decrease
        final int ssthresh = reducedSsthresh(flightSize, smss);
        state.putInt(offset + CWND_PRIOR_OFFSET, cwnd);
        state.putInt(offset + SSTHRESH_OFFSET, ssthresh);
        state.putInt(offset + CWND_OFFSET, ssthresh);
        state.putDouble(offset + W_MAX_OFFSET, wMax);

        // §4.2 Figure 2 for the stage that will start at cwnd_epoch = ssthresh (recomputed when it starts)
        final double epochSegments = (double)ssthresh / smss;
        state.putDouble(offset + K_OFFSET, wMax > epochSegments ? Math.cbrt((wMax - epochSegments) / C) : 0.0);
        state.putDouble(offset + W_EST_OFFSET, epochSegments);
        endEpoch(state, offset);
    }

    public void onRecoveryExit(final MutableDirectBuffer state, final int offset, final int mss, final long nowNs)
    {
        // RFC 6582 §3.2 step 3 (2): deflate to the ssthresh set on entry; the CUBIC epoch starts on the next ACK
        state.putInt(offset + CWND_OFFSET, state.getInt(offset + SSTHRESH_OFFSET));
        endEpoch(state, offset);
    }

    public void onRetransmitTimeout(
        final MutableDirectBuffer state, final int offset, final int flightSize, final int mss, final long nowNs)
    {
        final int smss = Math.max(mss, 1);
        // §4.8: ssthresh by beta_cubic as in §4.6, cwnd by Reno (RFC 5681 loss window)
        state.putInt(offset + CWND_PRIOR_OFFSET, state.getInt(offset + CWND_OFFSET));
        state.putInt(offset + SSTHRESH_OFFSET, reducedSsthresh(flightSize, smss));
        state.putInt(offset + CWND_OFFSET, smss);
        // §4.8: the next stage takes W_max = cwnd_epoch and K = 0
        state.putDouble(offset + W_MAX_OFFSET, 0.0);
        state.putDouble(offset + K_OFFSET, 0.0);
        state.putDouble(offset + W_EST_OFFSET, 0.0);
        endEpoch(state, offset);
    }

    public int cwnd(final DirectBuffer state, final int offset)
    {
        return state.getInt(offset + CWND_OFFSET);
    }

    public int ssthresh(final DirectBuffer state, final int offset)
    {
        return state.getInt(offset + SSTHRESH_OFFSET);
    }

    /** @return W_max in segments, 0 if none (before the first congestion event and after a timeout). */
    public double wMaxSegments(final DirectBuffer state, final int offset)
    {
        return state.getDouble(offset + W_MAX_OFFSET);
    }

    /** @return K in seconds. */
    public double kSeconds(final DirectBuffer state, final int offset)
    {
        return state.getDouble(offset + K_OFFSET);
    }

    /** @return W_est in segments (§4.3). */
    public double wEstSegments(final DirectBuffer state, final int offset)
    {
        return state.getDouble(offset + W_EST_OFFSET);
    }

    /** @return cwnd before the last reduction in bytes, 0 before any. */
    public int cwndPrior(final DirectBuffer state, final int offset)
    {
        return state.getInt(offset + CWND_PRIOR_OFFSET);
    }

    public boolean isEpochStarted(final DirectBuffer state, final int offset)
    {
        return (state.getInt(offset + FLAGS_OFFSET) & F_EPOCH_STARTED) != 0;
    }

    /** @return when the current epoch started; meaningful only while {@link #isEpochStarted}. */
    public long epochStartNs(final DirectBuffer state, final int offset)
    {
        return state.getLong(offset + EPOCH_START_NS_OFFSET);
    }

    /** @return the smoothed RTT used for the target, 0 before the first sample. */
    public long srttNs(final DirectBuffer state, final int offset)
    {
        return state.getLong(offset + SRTT_NS_OFFSET);
    }

    public String name()
    {
        return "cubic";
    }

    public String toString()
    {
        return name();
    }

    private static void congestionAvoidance(
        final MutableDirectBuffer state,
        final int offset,
        final int cwnd,
        final int ackedBytes,
        final int mss,
        final long nowNs)
    {
        final double cwndSegments = (double)cwnd / mss;
        if ((state.getInt(offset + FLAGS_OFFSET) & F_EPOCH_STARTED) == 0)
        {
            startEpoch(state, offset, cwnd, cwndSegments, nowNs);
        }
        final double wMax = state.getDouble(offset + W_MAX_OFFSET);
        final double k = state.getDouble(offset + K_OFFSET);
        final double tSeconds = (nowNs - state.getLong(offset + EPOCH_START_NS_OFFSET)) / NS_PER_SECOND;
        final double segmentsAcked = (double)ackedBytes / mss;

        // §4.3: W_est grows like Reno with alpha_cubic; alpha = 1 once W_est reaches cwnd_prior
        final double cwndPriorSegments = (double)state.getInt(offset + CWND_PRIOR_OFFSET) / mss;
        double wEst = state.getDouble(offset + W_EST_OFFSET);
        wEst += (wEst >= cwndPriorSegments ? 1.0 : ALPHA) * segmentsAcked / cwndSegments;
        state.putDouble(offset + W_EST_OFFSET, wEst);

        if (wCubic(tSeconds, k, wMax) < wEst)
        {
            // §4.3: Reno-friendly region: cwnd follows W_est
            final double estBytes = wEst * mss;
            if (estBytes > cwnd)
            {
                state.putInt(offset + CWND_OFFSET, (int)Math.min(Integer.MAX_VALUE, estBytes));
                state.putFloat(offset + GROWTH_CARRY_OFFSET, 0.0f);
            }
            return;
        }

        // §4.4 / §4.5: move towards W_cubic one RTT ahead, within [cwnd, 1.5*cwnd]
        final double rttSeconds = state.getLong(offset + SRTT_NS_OFFSET) / NS_PER_SECOND;
        final double target = Math.min(
            Math.max(wCubic(tSeconds + rttSeconds, k, wMax), cwndSegments), MAX_TARGET_RATIO * cwndSegments);
        final double growthBytes = ackedBytes * (target - cwndSegments) / cwndSegments +
            state.getFloat(offset + GROWTH_CARRY_OFFSET);
        final double wholeBytes = Math.floor(growthBytes);
        state.putFloat(offset + GROWTH_CARRY_OFFSET, (float)(growthBytes - wholeBytes));
        state.putInt(offset + CWND_OFFSET, (int)Math.min(Integer.MAX_VALUE, cwnd + wholeBytes));
    }

    /** §4.2: a congestion avoidance stage begins at cwnd_epoch = cwnd. */
    private static void startEpoch(
        final MutableDirectBuffer state, final int offset, final int cwnd, final double cwndSegments, final long nowNs)
    {
        state.putLong(offset + EPOCH_START_NS_OFFSET, nowNs);
        state.putInt(offset + FLAGS_OFFSET, state.getInt(offset + FLAGS_OFFSET) | F_EPOCH_STARTED);
        if (state.getInt(offset + CWND_PRIOR_OFFSET) == 0)
        {
            state.putInt(offset + CWND_PRIOR_OFFSET, cwnd); // §4.10: slow start left without a congestion event
        }
        final double wMax = state.getDouble(offset + W_MAX_OFFSET);
        if (wMax <= cwndSegments)
        {
            // §4.8 / §4.10: no W_max above us: the curve starts flat at cwnd_epoch
            state.putDouble(offset + W_MAX_OFFSET, cwndSegments);
            state.putDouble(offset + K_OFFSET, 0.0);
        }
        else
        {
            state.putDouble(offset + K_OFFSET, Math.cbrt((wMax - cwndSegments) / C)); // Figure 2
        }
        state.putDouble(offset + W_EST_OFFSET, cwndSegments);
        state.putFloat(offset + GROWTH_CARRY_OFFSET, 0.0f);
    }

    private static void endEpoch(final MutableDirectBuffer state, final int offset)
    {
        state.putInt(offset + FLAGS_OFFSET, state.getInt(offset + FLAGS_OFFSET) & ~F_EPOCH_STARTED);
        state.putFloat(offset + GROWTH_CARRY_OFFSET, 0.0f);
    }

    /** §4.6: ssthresh = max(flight_size * beta_cubic, 2 segments), as flightSize*7/10 in whole bytes. */
    private static int reducedSsthresh(final int flightSize, final int mss)
    {
        return (int)Math.min(Integer.MAX_VALUE, Math.max(flightSize * 7L / 10, 2L * mss));
    }
}
