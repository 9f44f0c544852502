#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A tiny DHCP server for dhcp.bats: answers what dnsmasq would not.

Usage: dhcp_fake_server.py IFACE MODE
  offer:ADDR        OFFER and ACK ADDR (/24, router and server 10.93.0.1)
  garbage           answer every DISCOVER with malformed replies only
  move:ADDR1,ADDR2  lease ADDR1 with T1 = 2 s; every renewal ACKs ADDR2
Runs until killed; one line per message handled on stdout.
"""
import socket
import struct
import sys

SERVER = socket.inet_aton("10.93.0.1")
ETH_P_IP = 0x0800


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def opt(code, val):
    return bytes([code, len(val)]) + val


def frame(xid, chaddr, yiaddr, opts, magic=b"\x63\x82\x53\x63", ip_ok=True):
    bootp = bytearray(236)
    bootp[0:3] = b"\x02\x01\x06"
    bootp[4:8] = xid
    bootp[16:20] = yiaddr
    bootp[28:34] = chaddr
    payload = bytes(bootp) + magic + opts
    udp = struct.pack("!HHHH", 67, 68, 8 + len(payload), 0) + payload
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                               SERVER, b"\xff\xff\xff\xff"))
    ip[10:12] = struct.pack("!H", csum(bytes(ip)) ^ (0 if ip_ok else 1))
    return bytes(ip) + udp


def lease_opts(mtype, t1=None):
    o = opt(53, bytes([mtype])) + opt(54, SERVER) + opt(1, socket.inet_aton("255.255.255.0"))
    o += opt(3, SERVER) + opt(6, SERVER) + opt(51, struct.pack("!I", 120))
    if t1:
        o += opt(58, struct.pack("!I", t1)) + opt(59, struct.pack("!I", t1 * 2))
    return o + b"\xff"


def parse(pkt):
    """(xid, chaddr, type, ciaddr) of a client message, or None."""
    if len(pkt) < 28 + 240 or pkt[9] != 17:
        return None
    ihl = (pkt[0] & 0xF) * 4
    if struct.unpack("!H", pkt[ihl + 2:ihl + 4])[0] != 67:
        return None
    b = pkt[ihl + 8:]
    if b[0] != 1 or b[236:240] != b"\x63\x82\x53\x63":
        return None
    p, mtype = 240, None
    while p + 1 < len(b) and b[p] != 255:
        if b[p] == 0:
            p += 1
            continue
        if b[p] == 53:
            mtype = b[p + 2]
        p += 2 + b[p + 1]
    return b[4:8], b[28:34], mtype, b[12:16]


def main():
    iface, mode = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    s.bind((iface, ETH_P_IP))
    dst = (iface, ETH_P_IP, 0, 0, b"\xff" * 6)
    print("ready", flush=True)
    while True:
        pkt, addr = s.recvfrom(4096)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        m = parse(pkt)
        if not m or m[2] is None:
            continue
        xid, chaddr, mtype, ciaddr = m
        print("got", mtype, socket.inet_ntoa(ciaddr), flush=True)
        if mode.startswith("offer:"):
            a = socket.inet_aton(mode[6:])
            if mtype in (1, 3):
                s.sendto(frame(xid, chaddr, a, lease_opts(2 if mtype == 1 else 5)), dst)
        elif mode == "garbage" and mtype == 1:
            a = socket.inet_aton("10.93.0.60")
            good = lease_opts(2)
            for f in (
                frame(xid, chaddr, a, good, ip_ok=False),                  # IP checksum
                frame(xid, chaddr, a, good, magic=b"\0\0\0\0"),             # cookie
                frame(xid, chaddr, a, good[:-1]),                           # no END
                frame(xid, chaddr, a, opt(53, b"\x02") + b"\x06\xc8\x0a"),  # length past end
                frame(xid, chaddr, a, opt(53, b"\x02") + opt(1, b"\xff\x00\xff\x00") + b"\xff"),
                frame(xid, chaddr, a, opt(53, b"\x02") + opt(119, b"\x01a\xc0\x00") + b"\xff"),
                frame(xid, chaddr, a, good)[:60],                           # truncated
            ):
                s.sendto(f, dst)
        elif mode.startswith("move:"):
            a1, a2 = (socket.inet_aton(x) for x in mode[5:].split(","))
            if mtype == 1:
                s.sendto(frame(xid, chaddr, a1, lease_opts(2, t1=2)), dst)
            elif mtype == 3:
                renewing = ciaddr != b"\0\0\0\0"
                s.sendto(frame(xid, chaddr, a2 if renewing else a1, lease_opts(5, t1=2)), dst)


if __name__ == "__main__":
    main()
