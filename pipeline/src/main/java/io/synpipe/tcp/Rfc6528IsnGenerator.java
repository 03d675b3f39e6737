package io.synpipe.tcp;

import java.security.SecureRandom;

/**
 * RFC 6528 §3: {@code ISN = M + F(localip, localport, remoteip, remoteport, secretkey)} where M is a clock
 * ticking every 4 microseconds and F is SipHash-2-4 keyed with a random 128-bit secret (one per engine).
 */
public final class Rfc6528IsnGenerator implements IsnGenerator
{
    private static final long FOUR_MICROS_NS = 4_000;

    private final long k0;
    private final long k1;

    public Rfc6528IsnGenerator()
    {
        final SecureRandom random = new SecureRandom();
        this.k0 = random.nextLong();
        this.k1 = random.nextLong();
    }

    public Rfc6528IsnGenerator(final long k0, final long k1)
    {
        this.k0 = k0;
        this.k1 = k1;
    }

    @Override
    public int isn(
        final long localHi,
        final long localLo,
        final int localPort,
        final long remoteHi,
        final long remoteLo,
        final int remotePort,
        final long nowNs)
    {
        final long m = nowNs / FOUR_MICROS_NS;
        final long f = sipHash24(k0, k1, localHi, localLo, remoteHi, remoteLo, ((long)localPort << 16) | remotePort);
        return (int)(m + f);
    }

    /** SipHash-2-4 of five 64-bit words (a 40-byte message). */
    static long sipHash24(final long k0, final long k1, final long m0, final long m1, final long m2, final long m3, final long m4)
    {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        long m;
        for (int i = 0; i < 6; i++)
        {
            m = switch (i)
            {
                case 0 -> m0;
                case 1 -> m1;
                case 2 -> m2;
                case 3 -> m3;
                case 4 -> m4;
                default -> 40L << 56;
            };
            v3 ^= m;
            for (int r = 0; r < 2; r++)
            {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++)
        {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
