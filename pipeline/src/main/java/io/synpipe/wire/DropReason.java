package io.synpipe.wire;

/**
 * Why a received packet was dropped before it reached the state machine. Every packet the decoder sees is
 * either accepted, held for reassembly, or counted under exactly one of these.
 */
public enum DropReason
{
    /** Shorter than the smallest IP header, or empty. */
    PACKET_TRUNCATED,
    /** IP version nibble is neither 4 nor 6. */
    IP_VERSION,
    /** IPv4 IHL below 5, or the header runs past the packet. */
    IPV4_HEADER_LENGTH,
    /** IPv4 total length larger than the bytes received or smaller than the header. */
    IPV4_TOTAL_LENGTH,
    /** IPv4 header checksum does not verify. */
    IPV4_CHECKSUM,
    /** IPv6 payload length larger than the bytes received. */
    IPV6_PAYLOAD_LENGTH,
    /** IPv6 extension header truncated, malformed or of a kind synpipe does not process. */
    IPV6_EXTENSION_HEADER,
    /** Source or destination is multicast, broadcast or unspecified (RFC 9293 §3.10.7.2: never answer these). */
    IP_ADDRESS,
    /** The IP payload is not TCP. */
    NOT_TCP,
    /** Fragment offset/length invalid: reassembled size over 65,535, or a non-final fragment not a multiple of 8. */
    FRAGMENT_INVALID,
    /** Fragments overlap: the whole datagram is dropped (RFC 5722). */
    FRAGMENT_OVERLAP,
    /** First fragment too small to hold the full TCP header (RFC 1858). */
    FRAGMENT_TOO_SMALL,
    /** Reassembly memory bound reached. */
    FRAGMENT_MEMORY,
    /** Datagram not complete before the reassembly timeout (counted once per datagram). */
    FRAGMENT_TIMEOUT,
    /** TCP header shorter than 20 bytes. */
    TCP_TRUNCATED,
    /** TCP data offset below 5 or past the end of the segment. */
    TCP_DATA_OFFSET,
    /** A TCP option with length 0 or 1, or running past the header. */
    TCP_OPTION_LENGTH,
    /** TCP checksum (with pseudo-header) does not verify. */
    TCP_CHECKSUM,
    /** Source or destination port is 0. */
    TCP_PORT_ZERO;

    private static final DropReason[] VALUES = values();

    public static DropReason fromOrdinal(final int ordinal)
    {
        return VALUES[ordinal];
    }

    public static int count()
    {
        return VALUES.length;
    }
}
