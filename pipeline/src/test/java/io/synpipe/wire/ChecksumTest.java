package io.synpipe.wire;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.synpipe.wire.WireTestSupport.hex;
import static io.synpipe.wire.WireTestSupport.naiveChecksum;
import static org.assertj.core.api.Assertions.assertThat;

class ChecksumTest
{
    @Test
    void rfc1071Example_sumsToDdf2()
    {
        // RFC 1071 §3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2, so the checksum is 220d
        final UnsafeBuffer buffer = new UnsafeBuffer(hex("0001 f203 f4f5 f6f7"));

        assertThat(Checksum.fold(Checksum.sum(buffer, 0, 8))).isEqualTo(0xddf2);
        assertThat(Checksum.compute(buffer, 0, 8)).isEqualTo(0x220d);
    }

    @Test
    void ipv4Header_knownCapture_checksumB861()
    {
        // the IPv4 header used as the worked example on Wikipedia's "Internet checksum" / IPv4 pages
        final byte[] header = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
        final UnsafeBuffer buffer = new UnsafeBuffer(header);

        assertThat(Checksum.verify(buffer, 0, 20)).isTrue();
        header[10] = 0;
        header[11] = 0;
        assertThat(Checksum.compute(buffer, 0, 20)).isEqualTo(0xb861);
    }

    @Test
    void oddLength_lastBytePaddedOnTheRight()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex("0102 03"));

        assertThat(Checksum.fold(Checksum.sum(buffer, 0, 3))).isEqualTo(0x0102 + 0x0300);
    }

    @Test
    void emptyRegion_checksumAllOnes()
    {
        assertThat(Checksum.compute(new UnsafeBuffer(new byte[4]), 2, 0)).isEqualTo(0xffff);
    }

    @Test
    void carries_manyAllOnesWords_foldToAllOnes()
    {
        final byte[] data = new byte[65_536];
        Arrays.fill(data, (byte)0xff);

        assertThat(Checksum.fold(Checksum.sum(new UnsafeBuffer(data), 0, data.length))).isEqualTo(0xffff);
        assertThat(Checksum.compute(new UnsafeBuffer(data), 1, 65_533)).isEqualTo(naiveChecksum(data, 1, 65_533, 0));
    }

    @Test
    void ipv4PseudoHeader_fromBufferAndFromValues_agree()
    {
        final byte[] packet = GoldenPackets.LINUX_SYN_V4;
        final UnsafeBuffer buffer = new UnsafeBuffer(packet);
        final long fromValues = Checksum.ipv4PseudoHeaderSum(0xc6120002, 0xc6130050, 6, 40);

        assertThat(Checksum.fold(Checksum.ipv4PseudoHeaderSum(buffer, 0, 6, 40))).isEqualTo(Checksum.fold(fromValues));
        assertThat(Checksum.verify(buffer, 20, 40, fromValues)).isTrue();
    }

    @Test
    void ipv6PseudoHeader_fromBufferAndFromValues_agree()
    {
        final byte[] packet = GoldenPackets.LINUX_SYN_V6;
        final UnsafeBuffer buffer = new UnsafeBuffer(packet);
        final long fromValues = Checksum.ipv6PseudoHeaderSum(
            0x2001000200000000L, 1L, 0x2001000200000001L, 0x80L, 6, 40);

        assertThat(Checksum.fold(Checksum.ipv6PseudoHeaderSum(buffer, 0, 6, 40))).isEqualTo(Checksum.fold(fromValues));
        assertThat(Checksum.verify(buffer, 40, 40, fromValues)).isTrue();
    }

    @Test
    void verify_oneBitFlipped_fails()
    {
        final byte[] packet = GoldenPackets.LINUX_PSH_ACK_V4.clone();
        final UnsafeBuffer buffer = new UnsafeBuffer(packet);
        final long pseudo = Checksum.ipv4PseudoHeaderSum(buffer, 0, 6, packet.length - 20);
        assertThat(Checksum.verify(buffer, 20, packet.length - 20, pseudo)).isTrue();

        packet[packet.length - 1] ^= 0x10;

        assertThat(Checksum.verify(buffer, 20, packet.length - 20, pseudo)).isFalse();
    }

    @Property(tries = 2000)
    void compute_anyRegion_matchesNaiveReference(
        @ForAll @Size(max = 300) final byte[] data,
        @ForAll @IntRange(max = 300) final int rawOffset,
        @ForAll @IntRange(max = 300) final int rawLength,
        @ForAll @IntRange(max = 0xffff) final int initial)
    {
        final int offset = Math.min(rawOffset, data.length);
        final int length = Math.min(rawLength, data.length - offset);
        final UnsafeBuffer buffer = new UnsafeBuffer(data);

        assertThat(Checksum.finish(Checksum.sum(buffer, offset, length, initial)))
            .isEqualTo(naiveChecksum(data, offset, length, initial));
    }

    @Property(tries = 1000)
    void verify_regionWithItsChecksumInserted_holds(
        @ForAll @Size(min = 2, max = 200) final byte[] data,
        @ForAll @IntRange(max = 199) final int rawChecksumAt)
    {
        final int at = Math.min(rawChecksumAt, data.length - 2) & ~1;
        data[at] = 0;
        data[at + 1] = 0;
        final UnsafeBuffer buffer = new UnsafeBuffer(data);
        final int checksum = Checksum.compute(buffer, 0, data.length);
        data[at] = (byte)(checksum >>> 8);
        data[at + 1] = (byte)checksum;

        assertThat(Checksum.verify(buffer, 0, data.length)).isTrue();
    }
}
