#!/usr/bin/env python3
"""Builds the packets of GoldenPackets.java with struct, independently of the Java code: checksums computed here
byte by byte, layouts copied from what Linux sends. Run: python3 golden_packets.py (prints the Java constants)."""
import ipaddress
import struct


def csum(data: bytes) -> int:
    """RFC 1071, the plain way: 16-bit words, odd byte padded on the right, end-around carry."""
    if len(data) % 2:
        data += b"\0"
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, tcp, ttl=64, ident=0, df=True):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ident, 0x4000 if df else 0, ttl, 6, 0,
                      ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    pseudo = hdr[12:20] + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    return hdr + tcp


def ipv6(src, dst, tcp, hop=64):
    s = ipaddress.IPv6Address(src).packed
    d = ipaddress.IPv6Address(dst).packed
    hdr = struct.pack("!IHBB", 6 << 28, len(tcp), 6, hop) + s + d
    pseudo = s + d + struct.pack("!IxxxB", len(tcp), 6)
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    return hdr + tcp


def tcp(sport, dport, seq, ack, flags, win, options=b"", payload=b""):
    assert len(options) % 4 == 0
    doff = (20 + len(options)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, win, 0, 0) + options + payload


SYN, ACK, PSH = 0x02, 0x10, 0x08
# Linux SYN options: MSS 1460, SACK_PERM, TS, NOP, WS 7 (tcp_options_write order)
SYN_OPTS = struct.pack("!BBH", 2, 4, 1460) + struct.pack("!BBBBII", 4, 2, 8, 10, 0x0A1B2C3D, 0) + bytes([1, 3, 3, 7])

packets = {
    "LINUX_SYN_V4": ipv4("198.18.0.2", "198.19.0.80",
                         tcp(54321, 80, 0x5A3C1E2F, 0, SYN, 64240, SYN_OPTS)),
    "LINUX_SYN_ACK_V4": ipv4("198.19.0.80", "198.18.0.2",
                             tcp(80, 54321, 0xC0FFEE00, 0x5A3C1E30, SYN | ACK, 65160,
                                 struct.pack("!BBH", 2, 4, 1460)
                                 + struct.pack("!BBBBII", 4, 2, 8, 10, 0x76543210, 0x0A1B2C3D)
                                 + bytes([1, 3, 3, 7])), ttl=56),
    "LINUX_SYN_V6": ipv6("2001:2::1", "2001:2:0:1::80",
                         tcp(40000, 443, 0xFFFFFF00, 0, SYN, 64800,
                             struct.pack("!BBH", 2, 4, 1440)
                             + struct.pack("!BBBBII", 4, 2, 8, 10, 0xDEADBEEF, 0) + bytes([1, 3, 3, 7]))),
    "LINUX_PSH_ACK_V4": ipv4("198.18.0.2", "198.19.0.80",
                             tcp(54321, 80, 0x5A3C1E30, 0xC0FFEE01, PSH | ACK, 502,
                                 bytes([1, 1, 8, 10]) + struct.pack("!II", 0x0A1B2C51, 0x76543210),
                                 b"GET / HTTP/1.1\r\nHost: 198.19.0.80\r\n\r\n")),
}

for name, raw in packets.items():
    if raw[0] >> 4 == 4:
        assert csum(raw[:20]) == 0, name
    words = [raw[i:i + 2].hex() for i in range(0, len(raw), 2)]
    lines = ['            "' + " ".join(words[i:i + 8]) + '"' for i in range(0, len(words), 8)]
    print("    static final byte[] %s = hex(\n%s);" % (name, " +\n".join(lines)))
