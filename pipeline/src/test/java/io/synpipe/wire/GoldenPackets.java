package io.synpipe.wire;

import static io.synpipe.wire.WireTestSupport.hex;

/**
 * Reference packets, built with Python's {@code struct} by
 * {@code src/test/resources/io/synpipe/wire/golden_packets.py}, which computes every checksum with its own
 * byte-by-byte RFC 1071 code (independent of {@link Checksum}) and asserts the IPv4 header checksums verify.
 * They copy the layout of packets a Linux 6.x host sends (options in {@code tcp_options_write} order, DF set,
 * IP ID 0 as Linux uses on SYN-ACKs and {@link PacketEncoder} always writes); they are not captures: the one
 * public hex capture found (a SYN/SYN-ACK pair quoted on techgenix.com) has edited addresses and fails both
 * checksums, so it was not used. Real kernel captures are in {@link KernelCaptureGoldenTest}.
 */
final class GoldenPackets
{
    /** 198.18.0.2:54321 > 198.19.0.80:80 SYN seq 0x5a3c1e2f win 64240 [mss 1460,sackOK,TS 0x0a1b2c3d/0,nop,wscale 7]. */
    static final byte[] LINUX_SYN_V4 = hex(
            "4500 003c 0000 4000 4006 ae44 c612 0002" +
            "c613 0050 d431 0050 5a3c 1e2f 0000 0000" +
            "a002 faf0 3d52 0000 0204 05b4 0402 080a" +
            "0a1b 2c3d 0000 0000 0103 0307");

    /** 198.19.0.80:80 > 198.18.0.2:54321 SYN|ACK seq 0xc0ffee00 ack 0x5a3c1e30 win 65160 ttl 56 [mss 1460,sackOK,TS 0x76543210/0x0a1b2c3d,nop,wscale 7]. */
    static final byte[] LINUX_SYN_ACK_V4 = hex(
            "4500 003c 0000 4000 3806 b644 c613 0050" +
            "c612 0002 0050 d431 c0ff ee00 5a3c 1e30" +
            "a012 fe88 e243 0000 0204 05b4 0402 080a" +
            "7654 3210 0a1b 2c3d 0103 0307");

    /** [2001:2::1]:40000 > [2001:2:0:1::80]:443 SYN seq 0xffffff00 win 64800 [mss 1440,sackOK,TS 0xdeadbeef/0,nop,wscale 7]. */
    static final byte[] LINUX_SYN_V6 = hex(
            "6000 0000 0028 0640 2001 0002 0000 0000" +
            "0000 0000 0000 0001 2001 0002 0000 0001" +
            "0000 0000 0000 0080 9c40 01bb ffff ff00" +
            "0000 0000 a002 fd20 cfd1 0000 0204 05a0" +
            "0402 080a dead beef 0000 0000 0103 0307");

    /** 198.18.0.2:54321 > 198.19.0.80:80 PSH|ACK seq 0x5a3c1e30 ack 0xc0ffee01 win 502 [nop,nop,TS 0x0a1b2c51/0x76543210] "GET / HTTP/1.1...". */
    static final byte[] LINUX_PSH_ACK_V4 = hex(
            "4500 0059 0000 4000 4006 ae27 c612 0002" +
            "c613 0050 d431 0050 5a3c 1e30 c0ff ee01" +
            "8018 01f6 0aa4 0000 0101 080a 0a1b 2c51" +
            "7654 3210 4745 5420 2f20 4854 5450 2f31" +
            "2e31 0d0a 486f 7374 3a20 3139 382e 3139" +
            "2e30 2e38 300d 0a0d 0a");

    private GoldenPackets()
    {
    }
}
