package io.synpipe.wire;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.synpipe.wire.WireTestSupport.hex;
import static io.synpipe.wire.WireTestSupport.toHex;
import static org.assertj.core.api.Assertions.assertThat;

class TcpOptionsCodecTest
{
    private final TcpOptions options = new TcpOptions();

    private boolean parse(final String hexText)
    {
        final byte[] bytes = hex(hexText);
        return TcpOptionsCodec.parse(new UnsafeBuffer(bytes), 0, bytes.length, options);
    }

    private String write(final TcpOptions in)
    {
        final byte[] out = new byte[48];
        Arrays.fill(out, (byte)0xA5);
        final int written = TcpOptionsCodec.write(in, new UnsafeBuffer(out), 4);
        assertThat(written).isEqualTo(TcpOptionsCodec.length(in));
        assertThat(written % 4).isZero();
        assertThat(out[3]).isEqualTo((byte)0xA5);
        assertThat(out[4 + written]).isEqualTo((byte)0xA5);
        return toHex(Arrays.copyOfRange(out, 4, 4 + written));
    }

    @Test
    void parse_linuxSynOptions_allFields()
    {
        assertThat(parse("0204 05b4 0402 080a 0a1b 2c3d 0000 0000 0103 0307")).isTrue();

        assertThat(options.mss()).isEqualTo(1460);
        assertThat(options.sackPermitted()).isTrue();
        assertThat(options.hasTimestamps()).isTrue();
        assertThat(options.tsVal()).isEqualTo(0x0a1b2c3d);
        assertThat(options.tsEcr()).isZero();
        assertThat(options.windowScale()).isEqualTo(7);
    }

    @Test
    void parse_emptyArea_nothingSet()
    {
        options.mss(1).windowScale(2).sackPermitted(true).timestamps(1, 2).addSackBlock(1, 2);

        assertThat(parse("")).isTrue();

        assertThat(options.mss()).isEqualTo(TcpOptions.ABSENT);
        assertThat(options.windowScale()).isEqualTo(TcpOptions.ABSENT);
        assertThat(options.sackPermitted()).isFalse();
        assertThat(options.hasTimestamps()).isFalse();
        assertThat(options.sackBlockCount()).isZero();
    }

    @Test
    void parse_sackBlocks_keptInOrder()
    {
        assertThat(parse("0101 0512 0000 0064 0000 00c8 ffff fff0 0000 0010 0000")).isTrue();

        assertThat(options.sackBlockCount()).isEqualTo(2);
        assertThat(options.sackLeft(0)).isEqualTo(100);
        assertThat(options.sackRight(0)).isEqualTo(200);
        assertThat(options.sackLeft(1)).isEqualTo(0xfffffff0);
        assertThat(options.sackRight(1)).isEqualTo(0x10);
    }

    @Test
    void parse_eol_stopsParsing()
    {
        // EOL, then what would be a malformed option: never read
        assertThat(parse("0204 05b4 0001 0000")).isTrue();

        assertThat(options.mss()).isEqualTo(1460);
    }

    @Test
    void parse_unknownKind_skippedByLength()
    {
        // kind 30 (MPTCP) of length 6, then window scale
        assertThat(parse("1e06 0102 0304 0103 030e")).isTrue();

        assertThat(options.windowScale()).isEqualTo(14);
    }

    @Test
    void parse_lengthZero_malformed()
    {
        assertThat(parse("0101 1e00 0000 0000")).isFalse();
    }

    @Test
    void parse_lengthOne_malformed()
    {
        assertThat(parse("0204 05b4 0201 0000")).isFalse();
    }

    @Test
    void parse_lengthPastArea_malformed()
    {
        assertThat(parse("0101 080a 0000 0001 0000")).isFalse();
    }

    @Test
    void parse_kindWithoutLengthByteAtEnd_malformed()
    {
        assertThat(parse("0101 0102")).isFalse();
    }

    @Test
    void parse_wrongLengthForKnownKind_optionIgnored()
    {
        // MSS of length 3, window scale of length 4, SACK-permitted of length 3, timestamps of length 6,
        // SACK of length 6 (not 2+8n): each skipped by its length, the rest still read
        assertThat(parse("020305 03040000 040300 080600000000 050600000000 020405b4")).isTrue();

        assertThat(options.mss()).isEqualTo(1460);
        assertThat(options.windowScale()).isEqualTo(TcpOptions.ABSENT);
        assertThat(options.sackPermitted()).isFalse();
        assertThat(options.hasTimestamps()).isFalse();
        assertThat(options.sackBlockCount()).isZero();
    }

    @Test
    void write_synAllOptions_linuxLayout()
    {
        options.mss(1460).sackPermitted(true).timestamps(0x01020304, 0).windowScale(7);

        assertThat(write(options)).isEqualTo("020405b4" + "0402080a0102030400000000" + "01030307");
    }

    @Test
    void write_synTimestampsWithoutSack_nopNopTs()
    {
        options.mss(536).timestamps(5, 6).windowScale(0);

        assertThat(write(options)).isEqualTo("02040218" + "0101080a0000000500000006" + "01030300");
    }

    @Test
    void write_synSackWithoutTimestamps_nopNopSackOk()
    {
        options.mss(1460).sackPermitted(true).windowScale(9);

        assertThat(write(options)).isEqualTo("020405b4" + "01010402" + "01030309");
    }

    @Test
    void write_mssOnly_fourBytes()
    {
        options.mss(1220);

        assertThat(write(options)).isEqualTo("020404c4");
    }

    @Test
    void write_nothing_empty()
    {
        assertThat(write(options)).isEmpty();
    }

    @Test
    void write_timestampsAndSackBlocks_tsThenNopNopSack()
    {
        options.timestamps(7, 8).addSackBlock(100, 200).addSackBlock(300, 400);

        assertThat(write(options)).isEqualTo("0101080a0000000700000008" + "01010512" +
            "00000064000000c8" + "0000012c00000190");
    }

    @Test
    void write_fourSackBlocksWithTimestamps_onlyThreeFit()
    {
        options.timestamps(1, 2).addSackBlock(1, 2).addSackBlock(3, 4).addSackBlock(5, 6).addSackBlock(7, 8);

        assertThat(TcpOptionsCodec.length(options)).isEqualTo(40);
        assertThat(write(options)).isEqualTo("0101080a0000000100000002" + "0101051a" +
            "0000000100000002" + "0000000300000004" + "0000000500000006");
    }

    @Test
    void write_fourSackBlocksWithoutTimestamps_allFour()
    {
        options.addSackBlock(1, 2).addSackBlock(3, 4).addSackBlock(5, 6).addSackBlock(7, 8);

        assertThat(TcpOptionsCodec.length(options)).isEqualTo(36);
        assertThat(write(options)).startsWith("01010522");
    }

    @Test
    void write_synOptionsAndSackBlocks_twoFit()
    {
        options.mss(1460).sackPermitted(true).timestamps(1, 2).windowScale(7)
            .addSackBlock(1, 2).addSackBlock(3, 4).addSackBlock(5, 6);

        assertThat(TcpOptionsCodec.length(options)).isEqualTo(40);
        assertThat(write(options)).endsWith("01010512" + "0000000100000002" + "0000000300000004");
    }

    @Property(tries = 2000)
    void writeThenParse_anyOptions_sameOptions(@ForAll("options") final TcpOptions in)
    {
        final byte[] out = new byte[TcpOptionsCodec.MAX_LENGTH];
        final int written = TcpOptionsCodec.write(in, new UnsafeBuffer(out), 0);

        assertThat(written).isLessThanOrEqualTo(TcpOptionsCodec.MAX_LENGTH);
        assertThat(TcpOptionsCodec.parse(new UnsafeBuffer(out), 0, written, options)).isTrue();
        assertThat(options.mss()).isEqualTo(in.mss());
        assertThat(options.windowScale()).isEqualTo(in.windowScale());
        assertThat(options.sackPermitted()).isEqualTo(in.sackPermitted());
        assertThat(options.hasTimestamps()).isEqualTo(in.hasTimestamps());
        if (in.hasTimestamps())
        {
            assertThat(options.tsVal()).isEqualTo(in.tsVal());
            assertThat(options.tsEcr()).isEqualTo(in.tsEcr());
        }
        assertThat(options.sackBlockCount()).isLessThanOrEqualTo(in.sackBlockCount());
        for (int i = 0; i < options.sackBlockCount(); i++)
        {
            assertThat(options.sackLeft(i)).isEqualTo(in.sackLeft(i));
            assertThat(options.sackRight(i)).isEqualTo(in.sackRight(i));
        }
    }

    @Property(tries = 2000)
    void parse_randomBytes_neverThrowsNorReadsPastArea(@ForAll @Size(max = 40) final byte[] area)
    {
        // the buffer is exactly the area: a read past it would throw IndexOutOfBoundsException
        TcpOptionsCodec.parse(new UnsafeBuffer(area), 0, area.length, options);

        assertThat(options.sackBlockCount()).isBetween(0, TcpOptions.MAX_SACK_BLOCKS);
    }

    @Provide
    Arbitrary<TcpOptions> options()
    {
        final Arbitrary<Integer> mss = Arbitraries.oneOf(Arbitraries.just(-1), Arbitraries.integers().between(0, 0xffff));
        final Arbitrary<Integer> ws = Arbitraries.oneOf(Arbitraries.just(-1), Arbitraries.integers().between(0, 255));
        final Arbitrary<Boolean> sackOk = Arbitraries.of(true, false);
        final Arbitrary<Boolean> ts = Arbitraries.of(true, false);
        final Arbitrary<int[]> blocks = Arbitraries.integers().array(int[].class).ofMaxSize(8);
        return Combinators.combine(mss, ws, sackOk, ts, Arbitraries.integers(), Arbitraries.integers(), blocks)
            .as((m, w, s, t, val, ecr, b) ->
            {
                final TcpOptions o = new TcpOptions().mss(m).windowScale(w).sackPermitted(s);
                if (t)
                {
                    o.timestamps(val, ecr);
                }
                for (int i = 0; i + 1 < b.length; i += 2)
                {
                    o.addSackBlock(b[i], b[i + 1]);
                }
                return o;
            });
    }

    @Test
    void writeSummed_everyCombination_writesWhatWriteWritesAndReturnsTheChecksumSumOfIt()
    {
        for (int combination = 0; combination < 2 * 2 * 2 * 2 * 6; combination++)
        {
            final TcpOptions in = new TcpOptions();
            if ((combination & 1) != 0)
            {
                in.mss(0xFFAB);
            }
            if ((combination & 2) != 0)
            {
                in.sackPermitted(true);
            }
            if ((combination & 4) != 0)
            {
                in.timestamps(0xFEDC_BA98, -1);
            }
            if ((combination & 8) != 0)
            {
                in.windowScale(14);
            }
            for (int b = 0; b < combination >>> 4; b++)
            {
                in.addSackBlock(0xFFFF_0000 + b, 0x8000_0001 + b);
            }
            final byte[] summed = new byte[48];
            final byte[] written = new byte[48];
            Arrays.fill(summed, (byte)0xA5);
            Arrays.fill(written, (byte)0xA5);

            final long sum = TcpOptionsCodec.writeSummed(in, new UnsafeBuffer(summed), 4);
            TcpOptionsCodec.write(in, new UnsafeBuffer(written), 4);

            assertThat(toHex(summed)).as("combination %d", combination).isEqualTo(toHex(written));
            assertThat(Checksum.fold(sum)).as("combination %d", combination)
                .isEqualTo(Checksum.fold(Checksum.sum(new UnsafeBuffer(written), 4, TcpOptionsCodec.length(in))));
        }
    }
}
