package io.synpipe.tcp;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class Rfc6528IsnGeneratorTest
{
    private static final long K0 = 0x0706_0504_0302_0100L;
    private static final long K1 = 0x0f0e_0d0c_0b0a_0908L;

    /** SipHash-2-4 written byte by byte from the paper, to check the word-wise version in the generator. */
    private static long referenceSipHash(final long k0, final long k1, final byte[] message)
    {
        final long[] v = {k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL, k0 ^ 0x6c7967656e657261L, k1 ^ 0x7465646279746573L};
        final int blocks = message.length / 8;
        for (int b = 0; b <= blocks; b++)
        {
            long m = 0;
            if (b < blocks)
            {
                for (int i = 7; i >= 0; i--)
                {
                    m = (m << 8) | (message[b * 8 + i] & 0xff);
                }
            }
            else
            {
                m = (long)(message.length & 0xff) << 56;
                for (int i = message.length % 8 - 1; i >= 0; i--)
                {
                    m |= (long)(message[b * 8 + i] & 0xff) << (8 * i);
                }
            }
            v[3] ^= m;
            round(v);
            round(v);
            v[0] ^= m;
        }
        v[2] ^= 0xff;
        for (int i = 0; i < 4; i++)
        {
            round(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void round(final long[] v)
    {
        v[0] += v[1];
        v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
        v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3];
        v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
        v[0] += v[3];
        v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
        v[2] += v[1];
        v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
        v[2] = Long.rotateLeft(v[2], 32);
    }

    @Test
    void reference_emptyMessage_matchesPublishedVector()
    {
        // SipHash paper, Appendix A / reference vectors: key 00..0f, empty input
        assertThat(referenceSipHash(K0, K1, new byte[0])).isEqualTo(0x726fdb47dd0e0e31L);
    }

    @Test
    void sipHash24_fortyBytes_matchesByteWiseReference()
    {
        final byte[] message = new byte[40];
        for (int i = 0; i < 40; i++)
        {
            message[i] = (byte)i;
        }
        final long expected = referenceSipHash(K0, K1, message);
        final long actual = Rfc6528IsnGenerator.sipHash24(K0, K1,
            0x0706050403020100L, 0x0f0e0d0c0b0a0908L, 0x1716151413121110L, 0x1f1e1d1c1b1a1918L, 0x2726252423222120L);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void isn_sameTupleLater_advancesWithTheFourMicrosecondClock()
    {
        final Rfc6528IsnGenerator isn = new Rfc6528IsnGenerator(1, 2);
        final int first = isn.isn(0, 10, 80, 0, 20, 40_000, 0);
        final int later = isn.isn(0, 10, 80, 0, 20, 40_000, 4_000_000);
        assertThat(later - first).isEqualTo(1_000);
    }

    @Test
    void isn_differentTuplesOrSecrets_unpredictablyDifferent()
    {
        final Rfc6528IsnGenerator isn = new Rfc6528IsnGenerator(1, 2);
        final Set<Integer> seen = new HashSet<>();
        for (int port = 1; port <= 10_000; port++)
        {
            seen.add(isn.isn(0, 10, 80, 0, 20, port, 0));
        }
        assertThat(seen).hasSizeGreaterThan(9_990);
        assertThat(new Rfc6528IsnGenerator(3, 4).isn(0, 10, 80, 0, 20, 1, 0)).isNotEqualTo(isn.isn(0, 10, 80, 0, 20, 1, 0));
    }
}
