#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks of the schemas themselves.

usage: check_schemas.py SCHEMA_DIR

1. every schemas/*.schema.json is a valid draft 2020-12 schema (metaschema);
2. lint: $schema, $id, title and description at the top, a description on
   every property and every $defs entry;
3. the hand-written patterns of the request and result schemas behave as
   documented: IP addresses exactly as glibc's inet_pton() (which is what netd
   uses) on a fixed corpus plus seeded random strings, numeric option strings
   by brute force over their ranges, interface names, MAC addresses, and that
   no anchored pattern accepts a trailing newline (Python's '$' quirk).

Prints `ok NAME` or `FAIL NAME: why` per check; exit 1 if any check failed.
"""

import glob
import ipaddress
import json
import os
import random
import socket
import sys

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

DRAFT = "https://json-schema.org/draft/2020-12/schema"
results = []


def report(name, ok, why=""):
    results.append(ok)
    print(f"ok {name}" if ok else f"FAIL {name}: {why}")


# --------------------------------------------------------------------------- 1 + 2
def lint(schema):
    problems = []
    for key in ("$schema", "$id", "title", "description"):
        if key not in schema:
            problems.append(f"top level lacks {key}")
    if schema.get("$schema") != DRAFT:
        problems.append(f"$schema is not {DRAFT}")

    def walk(node, path):
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and "description" not in sub:
                    problems.append(f"{path}/properties/{name} has no description")
            for name, sub in (node.get("$defs") or {}).items():
                if isinstance(sub, dict) and "description" not in sub:
                    problems.append(f"{path}/$defs/{name} has no description")
            for k, v in node.items():
                walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}/{i}")
    walk(schema, "#")
    return problems


def check_files(schema_dir):
    schemas = {}
    files = sorted(glob.glob(os.path.join(schema_dir, "*.schema.json")))
    if not files:
        report("schemas present", False, f"no *.schema.json in {schema_dir}")
    for path in files:
        name = os.path.basename(path)
        try:
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            Draft202012Validator.check_schema(schema)
        except (ValueError, SchemaError) as e:
            report(f"metaschema {name}", False, str(e).splitlines()[0])
            continue
        report(f"metaschema {name}", True)
        problems = lint(schema)
        report(f"lint {name}", not problems, "; ".join(problems[:5]))
        schemas[name] = schema
    return schemas


# --------------------------------------------------------------------------- 3
def sub_validator(schema, pointer):
    """A validator for one part of a schema (its $defs stay resolvable)."""
    return Draft202012Validator({"$defs": schema["$defs"], "$ref": pointer})


def compare(name, validator, cases, expect, wrap=lambda v: v):
    bad = []
    for v in cases:
        want = expect(v)
        got = validator.is_valid(wrap(v))
        if want != got:
            bad.append(f"{v!r} {'should' if want else 'should not'} match")
    report(name, not bad, f"{len(bad)} mismatches, e.g. " + "; ".join(bad[:3]))


def pton(fam, s):
    try:
        socket.inet_pton(fam, s)
        return True
    except (OSError, ValueError):
        return False


FIXED_IPS = [
    "0.0.0.0", "10.88.0.1", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04",
    "1.2.3.4 ", " 1.2.3.4", "1.2.3.4\n", "1.2.3.4/24", "", "::", "::1", "1::", "fd10:88:a::1", "FD10:88:A::1",
    "2001:db8::8a2e:370:7334", "2001:0db8:0000:0000:0000:ff00:0042:8329", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::2:3:4:5:6:7", "1:2:3:4:5:6:7::8", "1::2::3", ":::", "1:::2", ":1::", "::1:",
    "12345::", "::ffff:10.0.0.1", "::10.0.0.1", "1:2:3:4:5:6:10.0.0.1", "1:2:3:4:5:6:7:10.0.0.1", "::ffff:10.0.0.01",
    "1::2:3:4:5:10.0.0.1", "1::2:3:4:5:6:10.0.0.1", "fe80::1%eth0", "[::1]", "::g", "localhost", "1.2.3.4\x00",
]


def random_ip_strings(n, seed=20240917):
    rnd = random.Random(seed)
    hexd = "0123456789abcdefABCDEF"
    out = []
    for _ in range(n):
        if rnd.random() < 0.3:
            octs = [rnd.choice(["0", "1", "9", "10", "99", "100", "199", "249", "250", "255", "256", "300",
                                "01", "00", "1000", "", "a"]) for _ in range(rnd.choice([3, 4, 4, 4, 5]))]
            s = ".".join(octs)
        else:
            parts = []
            for _ in range(rnd.randint(0, 9)):
                t = rnd.random()
                if t < 0.15:
                    parts.append("")
                elif t < 0.25:
                    parts.append(".".join(rnd.choice(["0", "1", "10", "99", "255", "256", "01"])
                                          for _ in range(rnd.choice([3, 4, 4, 5]))))
                else:
                    parts.append("".join(rnd.choice(hexd) for _ in range(rnd.choice([0, 1, 1, 2, 3, 4, 4, 5]))))
            s = ":".join(parts)
        if rnd.random() < 0.03:
            s += rnd.choice(["\n", " ", "%eth0", ":", "."])
        out.append(s)
    return out


def prefix_ok(p, maxlen):
    return p.isascii() and p.isdigit() and 1 <= len(p) <= 3 and int(p) <= maxlen


def check_request_patterns(req):
    d = lambda n: sub_validator(req, f"#/$defs/{n}")
    ips = FIXED_IPS + random_ip_strings(20000)
    compare("pattern ipv4 == inet_pton(AF_INET)", d("ipv4"), ips, lambda s: pton(socket.AF_INET, s))
    compare("pattern ipv6 == inet_pton(AF_INET6)", d("ipv6"), ips, lambda s: pton(socket.AF_INET6, s))
    compare("pattern ip == inet_pton(either)", d("ip"), ips,
            lambda s: pton(socket.AF_INET, s) or pton(socket.AF_INET6, s))

    rnd = random.Random(7)
    prefixes = ["0", "8", "16", "016", "0016", "24", "30", "31", "32", "032", "33", "64", "126", "127", "128",
                "129", "", "x", "-1", "+8", " 8", "1e1"]
    cidrs = [f"{ip}/{rnd.choice(prefixes)}" for ip in ips[:6000] if "\n" not in ip]
    cidrs += ["10.88.0.0/16", "10.88.0.0/16\n", "10.88.0.0", "/16", "10.88.0.0//16", "fd00::/64", "fd00::/064"]

    def cidr_expect(maxv4, maxv6):
        def f(s):
            if s.endswith("\n") or s.count("/") != 1:
                return False
            a, p = s.split("/")
            return ((pton(socket.AF_INET, a) and prefix_ok(p, maxv4)) or
                    (pton(socket.AF_INET6, a) and prefix_ok(p, maxv6)))
        return f
    compare("pattern cidr == netd nd_prefix_parse", d("cidr"), cidrs, cidr_expect(32, 128))
    compare("pattern subnet_cidr (at most /30, /126)", d("subnet_cidr"), cidrs, cidr_expect(30, 126))

    names = ["eth0", "e", "a" * 15, "a" * 16, "", ".", "..", "...", ".a", "a.b", "a:b", "a/b", "a b", "a\tb",
             "a\nb", "eth0\n", "\neth0", "a\x7fb", "a\x01b", "a\x00b", "br-1_x.2@", "veth\u00e9", "podman0"]

    def ifname_ok(s):
        return (0 < len(s) <= 15 and s not in (".", "..") and
                not any(c in "/:" or ord(c) <= 0x20 or ord(c) == 0x7f for c in s))
    compare("pattern ifname == netd ju_ifname_valid (ASCII)", d("ifname"), names, ifname_ok)

    macs = ["02:42:ac:11:00:02", "02-42-AC-11-00-02", "02:42:ac:11:00", "02:42:ac:11:00:02:03", "2:42:ac:11:0:2",
            "02:42-ac:11:00:02", "0242.ac11.0002", "02:42:ac:11:00:0g", "02:42:ac:11:00:02\n", "ff:ff:ff:ff:ff:ff",
            "00:00:00:00:00:00", "01:00:5e:00:00:01"]
    compare("pattern mac (syntax)", d("mac"), macs,
            lambda s: len(s) == 17 and s[2] in ":-" and
            all(s[i * 3 + 2] == s[2] for i in range(5)) and
            all(c in "0123456789abcdefABCDEF" for i in range(6) for c in s[i * 3:i * 3 + 2]))
    att = sub_validator(req, "#/$defs/attachment_options")
    compare("static_mac: unicast, not all-zero", att, macs,
            lambda s: s in ("02:42:ac:11:00:02", "02-42-AC-11-00-02"),
            wrap=lambda s: {"interface_name": "eth0", "static_mac": s})

    opts = sub_validator(req, "#/$defs/network_options")

    def numeric(name, lo_ok, maxv, extra=()):
        values = [str(v) for v in list(range(0, 2000)) + list(range(2000, 70000, 7))] + ["0" + str(v) for v in (0, 1, 68, 1500, 4094, 65535)]
        values += [str(maxv), str(maxv + 1), str(maxv - 1), "0" + str(maxv), "", "+5", "-1", " 5", "5 ", "5\n",
                   "0x10", "1e3", "1.5", "\u0661"] + list(extra)
        compare(f"option {name} range", opts, values,
                lambda s: s.isascii() and s.isdigit() and lo_ok(int(s)) and int(s) <= maxv,
                wrap=lambda s: {name: s})
    numeric("mtu", lambda v: v == 0 or v >= 68, 65535)
    numeric("vlan", lambda v: True, 4094)
    numeric("metric", lambda v: True, 4294967295, extra=["4294967296", "99999999999", "18446744073709551616"])

    net = sub_validator(req, "#/$defs/network")
    base = {"name": "n", "id": "i", "driver": "bridge", "network_interface": "br0",
            "dns_enabled": False, "internal": False, "ipv6_enabled": True,
            "subnets": [{"subnet": "10.1.0.0/24"}, {"subnet": "fd00::/64"}]}
    compare("option mtu with an IPv6 subnet: 0 or >= 1280", net,
            [str(v) for v in (0, 68, 1000, 1279, 1280, 1500, 9000, 65535)],
            lambda s: int(s) == 0 or int(s) >= 1280,
            wrap=lambda s: dict(base, options={"mtu": s}))

    bclims = ["0", "-1", "+1", "2147483647", "2147483648", "-2147483648", "-2147483649", "0002147483647", "", "1.0"]

    def i32(s):
        try:
            return s.strip() == s and -2**31 <= int(s, 10) < 2**31 and "_" not in s
        except ValueError:
            return False
    compare("option bclim == Rust i32", opts, bclims, i32, wrap=lambda s: {"bclim": s})


def check_result_patterns(res):
    rnd = random.Random(11)
    ipv = sub_validator(res, "#/$defs/ip")
    good = []
    for _ in range(3000):
        if rnd.random() < 0.3:
            good.append(str(ipaddress.IPv4Address(rnd.getrandbits(32))))
        else:
            # sparse addresses so that '::' compression shows up often
            words = [rnd.choice([0, 0, 0, 1, 0xfd10, 0xabcd, rnd.getrandbits(16)]) for _ in range(8)]
            good.append(str(ipaddress.IPv6Address(b"".join(w.to_bytes(2, "big") for w in words))))
    bad = ["FD10::1", "fd10:0088::1", "010.1.1.1", "10.1.1.1\n", "fe80::1%eth0", "", "10.1.1.1/24"]
    compare("result ip: canonical lower-case addresses", ipv, good + bad, lambda s: s in good)
    ipnet = sub_validator(res, "#/$defs/ipnet")
    nets = [f"{g}/{rnd.randint(0, 32 if '.' in g and ':' not in g else 128)}" for g in good[:500]]
    compare("result ipnet", ipnet, nets + ["10.88.0.2/016", "10.88.0.2/33", "fd00::2/129", "10.88.0.2"],
            lambda s: s in nets)
    mac = sub_validator(res, "#/$defs/mac")
    compare("result mac: lower-case colon form", mac,
            ["2e:99:06:49:15:4b", "2E:99:06:49:15:4B", "2e-99-06-49-15-4b", "2e:99:06:49:15", "2e:99:06:49:15:4b\n"],
            lambda s: s == "2e:99:06:49:15:4b")


def check_trailing_newline(schemas):
    """Python's re lets '$' match before a final newline, ECMA-262 does not; so
    every anchored pattern must end in '$(?!\\n)'. Exempt: patterns under "not"
    (they only narrow what another pattern accepted) and patterns whose
    character class admits newlines anyway (the NUL-free 'string')."""
    bad = []

    def walk(node, path):
        if isinstance(node, dict):
            p = node.get("pattern")
            if (isinstance(p, str) and p.endswith("$") and "/not" not in path
                    and p != "^[^\\x00]*$"):
                bad.append(path)
            for k, v in node.items():
                walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}/{i}")
    for name, s in schemas.items():
        walk(s, name + "#")
    report("anchored patterns end in $(?!\\n)", not bad, "; ".join(bad[:5]))


def main(argv):
    schema_dir = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "schemas")
    schemas = check_files(schema_dir)
    if "netavark-request.schema.json" in schemas:
        check_request_patterns(schemas["netavark-request.schema.json"])
    if "netavark-setup-result.schema.json" in schemas:
        check_result_patterns(schemas["netavark-setup-result.schema.json"])
    check_trailing_newline(schemas)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
