package io.synpipe.frag;

import io.synpipe.wire.DropCounters;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * IPv4 and IPv6 fragment reassembly (RFC 791, RFC 8200 §4.5; RFC 1122 §3.3.2 makes it a MUST), bounded in
 * memory and time. Overlapping fragments drop the whole datagram (RFC 5722 style); a first fragment too small to
 * hold the full TCP header drops it too (RFC 1858). One thread owns an instance.
 * <p>
 * SKELETON: the API is fixed; the implementation is being written.
 */
public final class FragmentReassembler
{
    /** Returned by the offer methods while a datagram is still incomplete. */
    public static final int HELD = 0;
    /** Returned by the offer methods when the fragment (and its datagram) was dropped; the reason is counted. */
    public static final int DROPPED = -1;

    /**
     * @param maxBytes     bound on the bytes held across all incomplete datagrams.
     * @param maxDatagrams bound on the number of incomplete datagrams held at once.
     * @param timeoutNs    an incomplete datagram older than this is dropped (RFC 8200: 60 s).
     * @param drops        where drop reasons are counted.
     */
    public FragmentReassembler(final int maxBytes, final int maxDatagrams, final long timeoutNs, final DropCounters drops)
    {
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
        return DROPPED;
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
        return DROPPED;
    }

    /** Where the last complete datagram was written; valid until the next offer. */
    public MutableDirectBuffer reassembledBuffer()
    {
        return null;
    }

    /** Drops incomplete datagrams older than the timeout (counted FRAGMENT_TIMEOUT once each). @return how many. */
    public int expire(final long nowNs)
    {
        return 0;
    }

    public int pendingDatagrams()
    {
        return 0;
    }

    public int pendingBytes()
    {
        return 0;
    }
}
