package io.synpipe.frag;

import static io.synpipe.frag.DatagramTable.HEADER_SPACE_BYTES;
import static io.synpipe.frag.DatagramTable.NONE;
import static io.synpipe.frag.DatagramTable.UNIT_BYTES;
import static java.nio.ByteOrder.BIG_ENDIAN;

import java.nio.ByteBuffer;

import io.synpipe.wire.Checksum;
import io.synpipe.wire.DropCounters;
import io.synpipe.wire.DropReason;
import io.synpipe.wire.IpAddress;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * IPv4 and IPv6 fragment reassembly (RFC 791, RFC 8200 §4.5; RFC 1122 §3.3.2 makes it a MUST), bounded in
 * memory and time. Overlapping fragments drop the whole datagram (RFC 5722 style); a first fragment too small to
 * hold the full TCP header drops it too (RFC 1858). One thread owns an instance.
 * <p>
 * Fields read from the fragments (offsets from the packet start, big-endian):
 * <pre>
 *  IPv4 (RFC 791 §3.1)                         IPv6 Fragment header (RFC 8200 §4.5)
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |Type of Service|          Total Length         |  0
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |Flags|      Fragment Offset    |  4
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Time to Live |    Protocol   |         Header Checksum       |  8
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Source Address                          | 12
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination Address                        | 16
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|  0
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Identification                        |  4
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * <b>Memory.</b> One off-heap slab of {@code maxBytes} in {@value BlockSlab#BLOCK_BYTES}-byte blocks, mapped on
 * demand into each datagram's virtual space (see {@link DatagramTable}); {@link #pendingBytes()} counts whole
 * blocks in use, so it is the real memory held and never exceeds {@code maxBytes}. A datagram therefore costs
 * its bytes rounded up to blocks, plus one block for the stored header. Reception is tracked in a bitmap of
 * 8-byte units per datagram, which needs no limit on the number of fragments and allocates nothing. The
 * bookkeeping for the {@code maxDatagrams} slots (about 2.4 KiB of heap each: block table and bitmap) is allocated
 * up front too. Fixed slots of 65,535 bytes were rejected: a few slots would eat the whole bound.
 * <p>
 * <b>Bounds.</b> When a fragment needs blocks the slab no longer has, its datagram is dropped and counted
 * {@code FRAGMENT_MEMORY}; when a fragment would start a new datagram and all {@code maxDatagrams} slots are in
 * use, the fragment is dropped and counted {@code FRAGMENT_MEMORY}. Nothing else is ever evicted to make room:
 * a flood of new datagrams cannot silently destroy one nearly complete.
 * <p>
 * <b>Bad fragments</b> drop the fragment <em>and</em> the datagram in progress with the same identity, counted
 * once under one reason; a later fragment of that identity starts a new datagram (which then normally times out):
 * <ul>
 *   <li>{@code FRAGMENT_OVERLAP}: any byte received twice, including an exact duplicate; RFC 5722 for IPv6, applied
 *   to IPv4 as well (RFC 791 allows overlaps, but they only serve evasion attacks).</li>
 *   <li>{@code FRAGMENT_TOO_SMALL} (TCP only, RFC 1858 §3-4): an offset-0 fragment shorter than 20 bytes or than the
 *   TCP data offset it announces, or any fragment at offset 8 bytes (IPv4 and IPv6 alike). For IPv6 the check
 *   applies when the Fragment header's Next Header is TCP; other header chains are left to the decoder.</li>
 *   <li>{@code FRAGMENT_INVALID}: an empty fragment; a non-final fragment not a multiple of 8 bytes; a reassembled
 *   packet over 65,535 bytes (IPv4 total length, IPv6 payload length); a final fragment disagreeing with an
 *   earlier one; data past the known end; an IPv6 unfragmentable part over 16 KiB; arguments that are not a
 *   well-formed fragment at all.</li>
 * </ul>
 * An unfragmented packet (IPv4 MF clear and offset 0, or an IPv6 atomic fragment, RFC 6946) is returned at once
 * without touching any datagram in progress. This class counts only drops; counting a {@link #HELD} fragment
 * ({@link DropCounters#holdFragment()}) is left to the caller.
 * <p>
 * <b>Time.</b> A datagram expires {@code timeoutNs} after its first fragment; deadlines compare wrap-safe. The
 * offer methods expire old datagrams themselves, so a caller that never calls {@link #expire(long)} stays bounded.
 * Datagrams expire oldest first, which assumes {@code nowNs} does not go backwards; if it does, expiry is only
 * delayed, never skipped for good, and the memory bounds hold regardless.
 */
public final class FragmentReassembler
{
    /** Returned by the offer methods while a datagram is still incomplete. */
    public static final int HELD = 0;
    /** Returned by the offer methods when the fragment (and its datagram) was dropped; the reason is counted. */
    public static final int DROPPED = -1;

    static final int IPV4_MIN_HEADER_BYTES = 20;
    static final int IPV4_VERSION_IHL_OFFSET = 0;
    static final int IPV4_TOTAL_LENGTH_OFFSET = 2;
    static final int IPV4_IDENTIFICATION_OFFSET = 4;
    static final int IPV4_FLAGS_FRAGMENT_OFFSET_OFFSET = 6;
    static final int IPV4_PROTOCOL_OFFSET = 9;
    static final int IPV4_CHECKSUM_OFFSET = 10;
    static final int IPV4_SOURCE_OFFSET = 12;
    static final int IPV4_DESTINATION_OFFSET = 16;
    static final int IPV4_FLAG_DF = 0x4000;
    static final int IPV4_FLAG_MF = 0x2000;
    static final int IPV4_FRAGMENT_OFFSET_MASK = 0x1fff;
    static final int IPV4_MAX_PACKET_BYTES = 65_535;

    static final int IPV6_HEADER_BYTES = 40;
    static final int IPV6_PAYLOAD_LENGTH_OFFSET = 4;
    static final int IPV6_NEXT_HEADER_OFFSET = 6;
    static final int IPV6_SOURCE_OFFSET = 8;
    static final int IPV6_DESTINATION_OFFSET = 24;
    static final int IPV6_MAX_PACKET_BYTES = IPV6_HEADER_BYTES + 65_535;

    static final int FRAGMENT_HEADER_BYTES = 8;
    static final int FRAGMENT_NEXT_HEADER_OFFSET = 0;
    static final int FRAGMENT_OFFSET_FLAGS_OFFSET = 2;
    static final int FRAGMENT_IDENTIFICATION_OFFSET = 4;
    static final int FRAGMENT_FLAG_M = 0x0001;
    static final int NEXT_HEADER_FRAGMENT = 44;

    static final int PROTOCOL_TCP = 6;
    static final int TCP_MIN_HEADER_BYTES = 20;
    static final int TCP_DATA_OFFSET_OFFSET = 12;

    /** Largest packet written to {@link #reassembledBuffer()}: IPv6 fixed header plus a 65,535-byte payload. */
    public static final int REASSEMBLED_CAPACITY = IPV6_MAX_PACKET_BYTES;

    private static final long FAMILY_IPV4 = 4L << 40;
    private static final long FAMILY_IPV6 = 6L << 40;

    private final long timeoutNs;
    private final DropCounters drops;
    private final BlockSlab slab;
    private final DatagramTable table;
    private final UnsafeBuffer reassembled = new UnsafeBuffer(ByteBuffer.allocateDirect(REASSEMBLED_CAPACITY));

    private long keySrcHi;
    private long keySrcLo;
    private long keyDstHi;
    private long keyDstLo;
    private long keyId;

    /**
     * @param maxBytes     bound on the bytes held across all incomplete datagrams.
     * @param maxDatagrams bound on the number of incomplete datagrams held at once.
     * @param timeoutNs    an incomplete datagram older than this is dropped (RFC 8200: 60 s).
     * @param drops        where drop reasons are counted.
     */
    public FragmentReassembler(final int maxBytes, final int maxDatagrams, final long timeoutNs, final DropCounters drops)
    {
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("timeoutNs must be > 0: " + timeoutNs);
        }
        if (drops == null)
        {
            throw new IllegalArgumentException("drops must not be null");
        }
        this.timeoutNs = timeoutNs;
        this.drops = drops;
        this.slab = new BlockSlab(maxBytes);
        this.table = new DatagramTable(maxDatagrams, slab);
    }

    /**
     * Offers one IPv4 fragment: the whole IP packet at {@code buffer[offset, offset + length)}, whose header the
     * caller has already validated (version, IHL, total length trimmed to {@code length}, header checksum), with
     * MF set or a non-zero fragment offset.
     *
     * @return the length of the complete datagram now at offset 0 of {@link #reassembledBuffer()} (an IPv4 packet
     * with MF clear, offset 0, total length and header checksum fixed), or {@link #HELD}, or {@link #DROPPED}.
     */
    public int offerIpv4(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        expire(nowNs);
        if (!inBounds(buffer, offset, length) || length < IPV4_MIN_HEADER_BYTES || length > IPV4_MAX_PACKET_BYTES)
        {
            return drop(NONE, DropReason.FRAGMENT_INVALID);
        }
        final int versionIhl = buffer.getByte(offset + IPV4_VERSION_IHL_OFFSET) & 0xff;
        final int headerBytes = (versionIhl & 0x0f) << 2;
        if ((versionIhl >>> 4) != 4 || headerBytes < IPV4_MIN_HEADER_BYTES || headerBytes > length)
        {
            return drop(NONE, DropReason.FRAGMENT_INVALID);
        }
        final int flagsOffset = buffer.getShort(offset + IPV4_FLAGS_FRAGMENT_OFFSET_OFFSET, BIG_ENDIAN) & 0xffff;
        final boolean more = (flagsOffset & IPV4_FLAG_MF) != 0;
        final int startBytes = (flagsOffset & IPV4_FRAGMENT_OFFSET_MASK) * UNIT_BYTES;
        if (!more && startBytes == 0)
        {
            // Not a fragment at all: the whole datagram, handed back as it is.
            reassembled.putBytes(0, buffer, offset, length);
            return length;
        }
        final int protocol = buffer.getByte(offset + IPV4_PROTOCOL_OFFSET) & 0xff;
        final int identification = buffer.getShort(offset + IPV4_IDENTIFICATION_OFFSET, BIG_ENDIAN) & 0xffff;
        keySrcHi = 0;
        keySrcLo = IpAddress.v4Lo(buffer.getInt(offset + IPV4_SOURCE_OFFSET, BIG_ENDIAN));
        keyDstHi = 0;
        keyDstLo = IpAddress.v4Lo(buffer.getInt(offset + IPV4_DESTINATION_OFFSET, BIG_ENDIAN));
        keyId = FAMILY_IPV4 | ((long)protocol << 32) | identification;
        return offerFragment(
            true, buffer, offset, headerBytes, offset + headerBytes, startBytes, length - headerBytes, more,
            protocol, -1, nowNs);
    }

    /**
     * Offers one IPv6 fragment: the whole IP packet at {@code buffer[offset, offset + length)} (payload length
     * already validated and trimmed).
     *
     * @param fragmentHeaderOffset   absolute offset in {@code buffer} of the Fragment extension header.
     * @param previousNextHeaderOffset absolute offset of the Next Header byte that names the Fragment header
     *                               (byte 6 of the fixed header or inside the preceding extension header).
     * @return the length of the complete packet at offset 0 of {@link #reassembledBuffer()} (the unfragmentable
     * part, with the Fragment header removed, the previous Next Header set to the fragment's Next Header and the
     * payload length fixed), or {@link #HELD}, or {@link #DROPPED}.
     */
    public int offerIpv6(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int fragmentHeaderOffset,
        final int previousNextHeaderOffset,
        final long nowNs)
    {
        expire(nowNs);
        if (!inBounds(buffer, offset, length) || length < IPV6_HEADER_BYTES + FRAGMENT_HEADER_BYTES ||
            length > IPV6_MAX_PACKET_BYTES || ((buffer.getByte(offset) & 0xf0) >>> 4) != 6)
        {
            return drop(NONE, DropReason.FRAGMENT_INVALID);
        }
        final long unfragmentableBytes = (long)fragmentHeaderOffset - offset;
        final long previousNextHeader = (long)previousNextHeaderOffset - offset;
        if (unfragmentableBytes < IPV6_HEADER_BYTES || unfragmentableBytes > length - FRAGMENT_HEADER_BYTES ||
            (previousNextHeader != IPV6_NEXT_HEADER_OFFSET &&
            (previousNextHeader < IPV6_HEADER_BYTES || previousNextHeader >= unfragmentableBytes)) ||
            (buffer.getByte(previousNextHeaderOffset) & 0xff) != NEXT_HEADER_FRAGMENT)
        {
            return drop(NONE, DropReason.FRAGMENT_INVALID);
        }
        final int headerBytes = (int)unfragmentableBytes;
        final int nextHeader = buffer.getByte(fragmentHeaderOffset + FRAGMENT_NEXT_HEADER_OFFSET) & 0xff;
        final int offsetFlags = buffer.getShort(fragmentHeaderOffset + FRAGMENT_OFFSET_FLAGS_OFFSET, BIG_ENDIAN) & 0xffff;
        final boolean more = (offsetFlags & FRAGMENT_FLAG_M) != 0;
        final int startBytes = offsetFlags & ~0x7;
        final int payloadOffset = fragmentHeaderOffset + FRAGMENT_HEADER_BYTES;
        final int payloadBytes = offset + length - payloadOffset;
        if (!more && startBytes == 0)
        {
            // RFC 6946: an atomic fragment is processed in isolation from any datagram in progress.
            reassembled.putBytes(0, buffer, offset, headerBytes);
            reassembled.putBytes(headerBytes, buffer, payloadOffset, payloadBytes);
            return finishIpv6(headerBytes, (int)previousNextHeader, nextHeader, headerBytes + payloadBytes);
        }
        keySrcHi = buffer.getLong(offset + IPV6_SOURCE_OFFSET, BIG_ENDIAN);
        keySrcLo = buffer.getLong(offset + IPV6_SOURCE_OFFSET + 8, BIG_ENDIAN);
        keyDstHi = buffer.getLong(offset + IPV6_DESTINATION_OFFSET, BIG_ENDIAN);
        keyDstLo = buffer.getLong(offset + IPV6_DESTINATION_OFFSET + 8, BIG_ENDIAN);
        final int identification = buffer.getInt(fragmentHeaderOffset + FRAGMENT_IDENTIFICATION_OFFSET, BIG_ENDIAN);
        keyId = FAMILY_IPV6 | (identification & 0xffff_ffffL);
        return offerFragment(
            false, buffer, offset, headerBytes, payloadOffset, startBytes, payloadBytes, more,
            nextHeader, (int)previousNextHeader, nowNs);
    }

    /** Where the last complete datagram was written; valid until the next offer. */
    public MutableDirectBuffer reassembledBuffer()
    {
        return reassembled;
    }

    /** Drops incomplete datagrams older than the timeout (counted FRAGMENT_TIMEOUT once each). @return how many. */
    public int expire(final long nowNs)
    {
        int expired = 0;
        for (int slot = table.oldest(); slot != NONE && (table.deadlineNs(slot) - nowNs) <= 0; slot = table.oldest())
        {
            table.free(slot);
            drops.drop(DropReason.FRAGMENT_TIMEOUT);
            expired++;
        }
        return expired;
    }

    public int pendingDatagrams()
    {
        return table.size();
    }

    /** @return slab bytes in use by incomplete datagrams (whole blocks), never above {@link #capacityBytes()}. */
    public int pendingBytes()
    {
        return slab.usedBytes();
    }

    /** @return the usable reassembly memory: {@code maxBytes} rounded down to whole blocks. */
    public int capacityBytes()
    {
        return slab.capacityBytes();
    }

    private int offerFragment(
        final boolean ipv4,
        final DirectBuffer buffer,
        final int packetOffset,
        final int headerBytes,
        final int payloadOffset,
        final int startBytes,
        final int payloadBytes,
        final boolean more,
        final int protocol,
        final int previousNextHeader,
        final long nowNs)
    {
        final int maxPacketBytes = ipv4 ? IPV4_MAX_PACKET_BYTES : IPV6_MAX_PACKET_BYTES;
        final int found = table.find(keySrcHi, keySrcLo, keyDstHi, keyDstLo, keyId);
        final int endBytes = startBytes + payloadBytes;

        // RFC 791 / RFC 8200 4.5: all but the last fragment carry a multiple of 8 bytes, and the result fits 64 KiB.
        if (payloadBytes == 0 || (more && (payloadBytes & (UNIT_BYTES - 1)) != 0) ||
            headerBytes + endBytes > maxPacketBytes || (startBytes == 0 && headerBytes > HEADER_SPACE_BYTES))
        {
            return drop(found, DropReason.FRAGMENT_INVALID);
        }
        if (protocol == PROTOCOL_TCP)
        {
            // RFC 1858 4: offset 8 can only serve to overwrite the TCP header of the first fragment.
            if (startBytes == UNIT_BYTES)
            {
                return drop(found, DropReason.FRAGMENT_TOO_SMALL);
            }
            // RFC 1858 3: the first fragment must hold the whole TCP header, options included.
            if (startBytes == 0 && payloadBytes < tcpHeaderBytes(buffer, payloadOffset, payloadBytes))
            {
                return drop(found, DropReason.FRAGMENT_TOO_SMALL);
            }
        }

        final int slot = found != NONE ? found :
            table.create(keySrcHi, keySrcLo, keyDstHi, keyDstLo, keyId, nowNs + timeoutNs);
        if (slot == NONE)
        {
            return drop(NONE, DropReason.FRAGMENT_MEMORY);
        }
        final int knownEndBytes = table.knownEndBytes(slot);
        if (!more)
        {
            // A second final fragment must agree with the first; nothing received may lie past the end.
            if ((knownEndBytes >= 0 && knownEndBytes != endBytes) || table.highestEndBytes(slot) > endBytes)
            {
                return drop(slot, DropReason.FRAGMENT_INVALID);
            }
        }
        else if (knownEndBytes >= 0 && endBytes > knownEndBytes)
        {
            return drop(slot, DropReason.FRAGMENT_INVALID);
        }
        // RFC 5722: any overlap, exact duplicates included, drops the whole datagram.
        if (table.overlaps(slot, startBytes, endBytes))
        {
            return drop(slot, DropReason.FRAGMENT_OVERLAP);
        }
        final int finalHeaderBytes = startBytes == 0 ? headerBytes : table.headerBytes(slot);
        final int highestEndBytes = Math.max(endBytes, table.highestEndBytes(slot));
        if (finalHeaderBytes >= 0 && finalHeaderBytes + highestEndBytes > maxPacketBytes)
        {
            return drop(slot, DropReason.FRAGMENT_INVALID);
        }

        final int payloadVirtual = HEADER_SPACE_BYTES + startBytes;
        int blocksNeeded = table.blocksNeeded(slot, payloadVirtual, payloadVirtual + payloadBytes);
        if (startBytes == 0)
        {
            blocksNeeded += table.blocksNeeded(slot, HEADER_SPACE_BYTES - headerBytes, HEADER_SPACE_BYTES);
        }
        if (blocksNeeded > slab.freeCount())
        {
            return drop(slot, DropReason.FRAGMENT_MEMORY);
        }
        if (startBytes == 0)
        {
            final int fragmentNextHeader = ipv4 ? -1 : protocol;
            table.copyIn(slot, HEADER_SPACE_BYTES - headerBytes, buffer, packetOffset, headerBytes);
            table.header(slot, headerBytes, previousNextHeader, fragmentNextHeader);
        }
        table.copyIn(slot, payloadVirtual, buffer, payloadOffset, payloadBytes);
        table.markReceived(slot, startBytes, endBytes);
        if (!more)
        {
            table.knownEndBytes(slot, endBytes);
        }

        final int datagramEndBytes = table.knownEndBytes(slot);
        if (datagramEndBytes < 0 || table.receivedUnits(slot) != (datagramEndBytes + UNIT_BYTES - 1) / UNIT_BYTES)
        {
            return HELD;
        }
        return complete(ipv4, slot);
    }

    private int complete(final boolean ipv4, final int slot)
    {
        final int headerBytes = table.headerBytes(slot);
        final int packetBytes = headerBytes + table.knownEndBytes(slot);
        table.copyOut(slot, HEADER_SPACE_BYTES - headerBytes, packetBytes, reassembled, 0);
        final int previousNextHeader = table.previousNextHeader(slot);
        final int nextHeader = table.fragmentNextHeader(slot);
        table.free(slot);
        return ipv4 ?
            finishIpv4(headerBytes, packetBytes) :
            finishIpv6(headerBytes, previousNextHeader, nextHeader, packetBytes);
    }

    private int finishIpv4(final int headerBytes, final int packetBytes)
    {
        final UnsafeBuffer out = reassembled;
        out.putShort(IPV4_TOTAL_LENGTH_OFFSET, (short)packetBytes, BIG_ENDIAN);
        final int flags = out.getShort(IPV4_FLAGS_FRAGMENT_OFFSET_OFFSET, BIG_ENDIAN) & IPV4_FLAG_DF;
        out.putShort(IPV4_FLAGS_FRAGMENT_OFFSET_OFFSET, (short)flags, BIG_ENDIAN);
        out.putShort(IPV4_CHECKSUM_OFFSET, (short)0, BIG_ENDIAN);
        out.putShort(IPV4_CHECKSUM_OFFSET, (short)Checksum.compute(out, 0, headerBytes), BIG_ENDIAN);
        return packetBytes;
    }

    private int finishIpv6(
        final int headerBytes, final int previousNextHeader, final int nextHeader, final int packetBytes)
    {
        final UnsafeBuffer out = reassembled;
        out.putShort(IPV6_PAYLOAD_LENGTH_OFFSET, (short)(packetBytes - IPV6_HEADER_BYTES), BIG_ENDIAN);
        out.putByte(previousNextHeader, (byte)nextHeader);
        return packetBytes;
    }

    private int drop(final int slot, final DropReason reason)
    {
        if (slot != NONE)
        {
            table.free(slot);
        }
        drops.drop(reason);
        return DROPPED;
    }

    /** @return the TCP header length the first fragment must hold: 20, or the data offset it announces if larger. */
    private static int tcpHeaderBytes(final DirectBuffer buffer, final int payloadOffset, final int payloadBytes)
    {
        if (payloadBytes < TCP_MIN_HEADER_BYTES)
        {
            return TCP_MIN_HEADER_BYTES;
        }
        final int dataOffsetBytes = ((buffer.getByte(payloadOffset + TCP_DATA_OFFSET_OFFSET) & 0xf0) >>> 4) * 4;
        return Math.max(TCP_MIN_HEADER_BYTES, dataOffsetBytes);
    }

    private static boolean inBounds(final DirectBuffer buffer, final int offset, final int length)
    {
        return buffer != null && offset >= 0 && length >= 0 && offset <= buffer.capacity() - length;
    }
}
