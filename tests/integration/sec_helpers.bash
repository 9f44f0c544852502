# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # variables are used by the .bats files
# shellcheck disable=SC2154 # status, output, stderr: set by bats' run
#
# Helpers for the security tests (security-isolation.bats,
# security-faults.bats, security-dns.bats) and rootless.bats. Self-contained:
# loads no other helper file.
#
# Namespaces of one test, named after a prefix unique per bats process and
# test number ("nsec<pid>t<n>"):
#   $HOST  plays the host: `lo` up, netd (and netd-dns) run inside it, so the
#          bridges and the nftables table live there;
#   $OUT   an "outside" machine behind the host's uplink:
#            $HOST up0  203.0.113.1/24  2001:db8:99::1/64
#            $OUT  eth0 203.0.113.2/24  2001:db8:99::2/64
#          each one's default route points at the other;
#   containers made with `sec_ctr NAME...` ($PFX<name>).
# Every netd and netd-dns runs in $HOST under a private mount namespace whose
# /etc/resolv.conf is $RESOLV (a file of the test naming only addresses in
# $OUT), so the machine's own resolver is never asked. teardown() stops what
# the test started (our own children and the netd-dns of this test's config
# directory) and deletes every namespace with the prefix.
#
# Environment: NETD, NETD_DNS (default $REPO/build/netd/netd and
# $REPO/build/dns/netd-dns).

bats_require_minimum_version 1.5.0

REPO=${REPO:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
NETD=${NETD:-$REPO/build/netd/netd}
NETD_DNS=${NETD_DNS:-$REPO/build/dns/netd-dns}
unset NETAVARK_FW NETAVARK_DNS_PORT AARDVARK_NO_PROXY NETD_LOG RUST_LOG NETD_DNS_LOG_FILE

HOST4=203.0.113.1
OUT4=203.0.113.2
HOST6=2001:db8:99::1
OUT6=2001:db8:99::2

# ---------------------------------------------------------------------------
# setup / teardown

NS_CREATED=()
BG_PIDS=()

ns_new() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || { echo "# ip netns add $ns failed" >&3; return 1; }
		NS_CREATED+=("$ns")
		ip -n "$ns" link set lo up
	done
}

# sec_ctr NAME...: container namespaces; CTR[NAME] holds each one's name.
declare -gA CTR=()
sec_ctr() {
	local n
	for n in "$@"; do
		CTR[$n]="${PFX}$n"
		ns_new "${CTR[$n]}"
	done
}

setup() {
	if [[ $EUID -ne 0 ]]; then
		skip "needs root (network namespaces, nftables)"
	fi
	local b
	for b in "$NETD" "$NETD_DNS"; do
		[[ -x $b ]] || { echo "binary not found at $b (build it or set NETD / NETD_DNS)" >&2; return 1; }
	done
	for b in python3 jq nft unshare; do
		command -v "$b" >/dev/null || skip "$b is not installed"
	done
	PFX="nsec$$t${BATS_TEST_NUMBER}"
	HOST="${PFX}h"
	OUT="${PFX}o"
	CFG="$BATS_TEST_TMPDIR/config"
	DNSDIR="$CFG/aardvark-dns"
	RESOLV="$BATS_TEST_TMPDIR/resolv.conf"
	NS_CREATED=()
	BG_PIDS=()
	CTR=()
	mkdir -p "$CFG"
	printf 'nameserver %s\n' "$OUT4" >"$RESOLV"
	write_py
	ns_new "$HOST" "$OUT"
	ip -n "$HOST" link add up0 type veth peer name eth0 netns "$OUT"
	ip netns exec "$HOST" sysctl -qw net.ipv6.conf.up0.accept_dad=0
	ip netns exec "$OUT" sysctl -qw net.ipv6.conf.eth0.accept_dad=0
	ip -n "$HOST" addr add "$HOST4/24" dev up0
	ip -n "$HOST" addr add "$HOST6/64" dev up0 nodad
	ip -n "$OUT" addr add "$OUT4/24" dev eth0
	ip -n "$OUT" addr add "$OUT6/64" dev eth0 nodad
	ip -n "$HOST" link set up0 up
	ip -n "$OUT" link set eth0 up
	ip -n "$HOST" route add default via "$OUT4"
	ip -n "$HOST" -6 route add default via "$OUT6"
	ip -n "$OUT" route add default via "$HOST4"
	ip -n "$OUT" -6 route add default via "$HOST6"
	wait_oper_up "$HOST" up0
	wait_oper_up "$OUT" eth0
}

# proc_running PID: exists, not a zombie.
proc_running() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[[ -n $st && $st != Z* && $st != X* ]]
}

# our_dns_pids: netd-dns processes whose command line names this test's $DNSDIR.
our_dns_pids() {
	local p cmd
	for p in $(pgrep -x netd-dns 2>/dev/null); do
		cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) || continue
		[[ $cmd == *"$DNSDIR"* ]] && echo "$p"
	done
	return 0
}

teardown() {
	local i ns pid n
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [[ -n ${DNSDIR:-} ]]; then
		for pid in $(our_dns_pids); do
			kill "$pid" 2>/dev/null || true
			for ((n = 0; n < 30; n++)); do
				proc_running "$pid" || break
				sleep 0.1
			done
			kill -9 "$pid" 2>/dev/null || true
		done
	fi
	for ((i = ${#NS_CREATED[@]} - 1; i >= 0; i--)); do
		ns=${NS_CREATED[i]}
		if [[ -e /run/netns/$ns ]]; then ip netns del "$ns" 2>/dev/null || true; fi
	done
	if [[ -n ${PFX:-} ]]; then
		for ns in /run/netns/"$PFX"*; do
			if [[ -e $ns ]]; then ip netns del "${ns##*/}" 2>/dev/null || true; fi
		done
	fi
	return 0
}

# wait_oper_up NS IFNAME: until the link's operstate is UP (max ~3 s).
wait_oper_up() {
	local i
	for ((i = 0; i < 60; i++)); do
		[[ $(ip -n "$1" -j link show dev "$2" | jq -r '.[0].operstate') == UP ]] && return 0
		sleep 0.05
	done
	die "link $2 in $1 does not come up"
}

# ---------------------------------------------------------------------------
# assertions and output

die() {
	printf '# %s\n' "$@" >&2
	return 1
}

show_run() {
	printf '# status: %s\n# stdout: %s\n# stderr: %s\n' "${status:-}" "${output:-}" \
		"${stderr:-}" >&2
}

assert_eq() {
	if [[ "$1" != "$2" ]]; then
		die "${3:-value}: expected '$2'" "${3:-value}: actual   '$1'"
	fi
}

assert_contains() {
	if [[ "$1" != *"$2"* ]]; then
		die "${3:-value}: '$1' does not contain '$2'"
	fi
}

# assert_same_text EXPECTED ACTUAL WHAT: identical, else a diff.
assert_same_text() {
	if [[ "$1" != "$2" ]]; then
		diff -u <(printf '%s\n' "$1") <(printf '%s\n' "$2") | sed 's/^/# /' >&2
		die "$3 differs (diff above: - expected, + actual)"
	fi
}

# say TEXT...: shown in the bats output, also for passing tests.
say() {
	printf '%s\n' "$@" | sed 's/^/# /' >&3
}

# ---------------------------------------------------------------------------
# netd and netd-dns, inside $HOST

# in_host CMD...: CMD in $HOST, in a private mount namespace whose
# /etc/resolv.conf is $RESOLV. CMD never runs if the bind mount fails.
in_host() {
	# shellcheck disable=SC2016 # expanded by sh -c
	ip netns exec "$HOST" unshare -m --propagation private sh -c \
		'mount --bind "$0" /etc/resolv.conf || exit 99; exec "$@"' "$RESOLV" "$@"
}

# snd [VAR=VAL...] ARGS...: `run` netd in $HOST (nftables firewall, netd-dns
# as the DNS server) with --config $CFG; stdin is passed on.
snd() {
	local envs=()
	while [[ $# -gt 0 && $1 == [A-Z_]*=* ]]; do
		envs+=("$1")
		shift
	done
	run --separate-stderr in_host env "${envs[@]}" "$NETD" --config "$CFG" \
		--firewall-driver nftables -a "$NETD_DNS" "$@"
}

# ssetup NS JSON [VAR=VAL...]: setup must succeed; waits for the links to be up.
ssetup() {
	local ns=$1 json=$2 ifname
	shift 2
	snd "$@" setup "/run/netns/$ns" <<<"$json"
	if [[ $status -ne 0 ]]; then
		show_run
		die "netd setup for $ns failed"
		return 1
	fi
	for ifname in $(ip -n "$ns" -j link show | jq -r '.[] | select(.ifname != "lo") | .ifname'); do
		wait_oper_up "$ns" "$ifname"
	done
}

# steardown NS JSON [VAR=VAL...]: teardown must succeed.
steardown() {
	local ns=$1 json=$2
	shift 2
	snd "$@" teardown "/run/netns/$ns" <<<"$json"
	if [[ $status -ne 0 ]]; then
		show_run
		die "netd teardown for $ns failed"
		return 1
	fi
}

# ---------------------------------------------------------------------------
# request JSON

# sec_net NAME BRIDGE SUBNET... → a bridge network (gateway: first address).
# Adjust with jq, e.g. | jq -c '.options.isolate = "true"'.
sec_net() {
	local name=$1 br=$2 cidr gw base subnets='[]' v6=false id a b c d
	shift 2
	id=$(printf '%s' "$name" | sha256sum | cut -c1-64)
	for cidr in "$@"; do
		base=${cidr%/*}
		if [[ $base == *:* ]]; then
			gw="${base}1"
			v6=true
		else
			IFS=. read -r a b c d <<<"$base"
			gw="$a.$b.$c.$((d + 1))"
		fi
		subnets=$(jq -c --arg s "$cidr" --arg g "$gw" '. + [{subnet: $s, gateway: $g}]' <<<"$subnets")
	done
	jq -nc --arg n "$name" --arg id "$id" --arg br "$br" --argjson subnets "$subnets" \
		--argjson v6 "$v6" '{
		name: $n, id: $id, driver: "bridge", network_interface: $br,
		subnets: $subnets, ipv6_enabled: $v6, internal: false, dns_enabled: false,
		ipam_options: {driver: "host-local"}
	}'
}

# sec_req ID NAME NETJSON IP... → a request attaching container ID (a number)
# named NAME to that network as eth0.
sec_req() {
	local cid name=$2 net=$3
	cid=$(printf '%064x' "$1")
	shift 3
	jq -nc --arg cid "$cid" --arg name "$name" --argjson net "$net" '{
		container_id: $cid, container_name: $name,
		networks: { ($net.name): { interface_name: "eth0", static_ips: $ARGS.positional } },
		network_info: { ($net.name): $net }
	}' --args "$@"
}

# ---------------------------------------------------------------------------
# host state, for before/after comparisons

# host_state: links, addresses, routes of $HOST, its nftables ruleset and the
# files under $CFG (names and sizes; netd.lock and aardvark.lock are kept by
# design and ignored). Normalized like helpers.bash's snapshot (qdisc).
host_state() {
	echo "links:"
	ip -n "$HOST" -j link show | jq -S 'map(del(.qdisc))'
	echo "addresses:"
	ip -n "$HOST" -j addr show | jq -S 'map(del(.qdisc))'
	echo "routes4:"
	ip -n "$HOST" -4 -j route show table main | jq -S .
	echo "routes6:"
	ip -n "$HOST" -6 -j route show table main | jq -S .
	echo "nftables:"
	ip netns exec "$HOST" nft list ruleset
	echo "files:"
	(cd "$CFG" && find . -type f ! -name netd.lock ! -name aardvark.lock ! -name '*.tmp.*' | sort)
}

# stray_tmp_files: temporary files of an interrupted atomic write
# (<file>.tmp.<pid>, netd/sys/state.c) under $CFG. netd never removes them; see
# "Known problems" in docs/security.md.
stray_tmp_files() {
	(cd "$CFG" && find . -type f -name '*.tmp.*' | sort)
}

# ---------------------------------------------------------------------------
# traffic: a Python server and prober (written to $BATS_TEST_TMPDIR)

write_py() {
	cat >"$BATS_TEST_TMPDIR/sec_net.py" <<'EOF'
# serve TAG LOG PORT: TCP and UDP on all addresses, IPv4 and IPv6. TCP: send
#   "TAG\n" and close; UDP: append the datagram to LOG, answer "TAG\n".
# probe: lines "ID PROTO ADDR PORT" on stdin (PROTO icmp|tcp|udp), all tried at
#   once, each twice at most; prints "ID Y" (answered) or "ID ." (not).
import os, socket, subprocess, sys, threading

def serve(tag, log, port):
    def tcp(fam, addr):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((addr, port)); s.listen(64)
        while True:
            c, _ = s.accept()
            try: c.sendall(tag.encode() + b"\n")
            except OSError: pass
            c.close()
    def udp(fam, addr):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((addr, port))
        while True:
            data, peer = s.recvfrom(2048)
            with open(log, "ab") as f:
                f.write(data.strip() + b"\n")
            try: s.sendto(tag.encode() + b"\n", peer)
            except OSError: pass
    ts = [threading.Thread(target=f, args=a, daemon=True) for f, a in
          ((tcp, (socket.AF_INET, "0.0.0.0")), (tcp, (socket.AF_INET6, "::")),
           (udp, (socket.AF_INET, "0.0.0.0")), (udp, (socket.AF_INET6, "::")))]
    for t in ts: t.start()
    print("ready", flush=True)
    for t in ts: t.join()

def once(pid, proto, addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    try:
        if proto == "icmp":
            r = subprocess.run(["ping", "-6" if fam == socket.AF_INET6 else "-4", "-c", "1",
                                "-W", "1", addr], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            return r.returncode == 0
        if proto == "tcp":
            s = socket.socket(fam, socket.SOCK_STREAM); s.settimeout(1.0)
            s.connect((addr, port)); ok = len(s.recv(64)) > 0; s.close(); return ok
        s = socket.socket(fam, socket.SOCK_DGRAM); s.settimeout(1.0)
        s.sendto(pid.encode() + b"\n", (addr, port)); ok = len(s.recv(64)) > 0; s.close()
        return ok
    except OSError:
        return False

def probe():
    jobs = [l.split() for l in sys.stdin if l.strip()]
    res = {}
    def run(j):
        res[j[0]] = once(j[0], j[1], j[2], int(j[3])) or once(j[0], j[1], j[2], int(j[3]))
    ts = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in ts: t.start()
    for t in ts: t.join()
    for j in jobs:
        print(j[0], "Y" if res[j[0]] else ".")

if sys.argv[1] == "serve":
    serve(sys.argv[2], sys.argv[3], int(sys.argv[4]))
else:
    probe()
EOF
}

# serve_in NS TAG [PORT]: start the server in NS (waits until it listens); UDP
# datagrams it receives are logged to $BATS_TEST_TMPDIR/recv.<TAG>.
serve_in() {
	local ns=$1 tag=$2 port=${3:-7000} fifo=$BATS_TEST_TMPDIR/ready.$2 line
	mkfifo "$fifo"
	ip netns exec "$ns" python3 -u "$BATS_TEST_TMPDIR/sec_net.py" serve "$tag" \
		"$BATS_TEST_TMPDIR/recv.$tag" "$port" >"$fifo" 2>>"$BATS_TEST_TMPDIR/serve.err" 3>&- &
	BG_PIDS+=("$!")
	read -r -t 5 line <"$fifo" || true
	rm -f "$fifo"
	[[ $line == ready ]] || die "server $tag in $ns did not start"
}

# probe_from NS <<< "ID PROTO ADDR PORT"...: run the probes in NS, print "ID Y|.".
probe_from() {
	ip netns exec "$1" python3 "$BATS_TEST_TMPDIR/sec_net.py" probe
}

# host_state_dns: host_state, the content of every state and DNS file (the
# pid file's number changes when netd-dns restarts: left out), and whether a
# netd-dns of this test runs.
host_state_dns() {
	local f
	host_state
	echo "contents:"
	(cd "$CFG" && find . -type f ! -name netd.lock ! -name aardvark.lock ! -name aardvark.pid ! -name '*.tmp.*' |
		sort | while read -r f; do printf '%s %s\n' "$(sha256sum <"$f" | cut -c1-16)" "$f"; done)
	echo "netd-dns:"
	[[ -n $(our_dns_pids) ]] && echo running || echo none
}

# state_sections A B: names of the sections of two host_state_dns texts that
# differ ("links addresses nftables ..."), or "none".
state_sections() {
	local s out=
	for s in links addresses routes4 routes6 nftables files contents netd-dns; do
		if [[ $(section "$1" "$s") != "$(section "$2" "$s")" ]]; then out+="$s+"; fi
	done
	if [[ -n $out ]]; then echo "${out%+}"; else echo none; fi
}

section() {
	awk -v s="$2:" '$0 == s { p = 1; next } /^[a-z0-9-]+:$/ { p = 0 } p' <<<"$1"
}

# ---------------------------------------------------------------------------
# DNS load: a flooder and a latency probe (written to $BATS_TEST_TMPDIR)

write_dns_py() {
	cat >"$BATS_TEST_TMPDIR/dns_load.py" <<'EOF2'
# flood SERVER PORT SECONDS NAME: UDP valid/malformed/oversized queries as
#   fast as one process can, 300 idle and 50 slow TCP connections; prints
#   counts as JSON. Bounded in time; only SERVER (a namespace address).
# latency SERVER PORT SECONDS NAME PROTO: one query every 20 ms, waits up to
#   1 s each; prints JSON: sent, answered, p50/p90/p99/max in ms.
import json, os, random, socket, struct, sys, threading, time

def query(qid, name, qtype=1):
    m = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for l in name.split("."):
        m += bytes([len(l)]) + l.encode()
    return m + b"\0" + struct.pack(">HH", qtype, 1)

def fam(a):
    return socket.AF_INET6 if ":" in a else socket.AF_INET

def flood(srv, port, secs, name):
    end = time.time() + secs
    st = {"udp_valid": 0, "udp_malformed": 0, "udp_oversized": 0, "tcp_idle": 0, "tcp_slow": 0}
    conns = []
    def tcp_open(n, key):
        for _ in range(n):
            try:
                c = socket.socket(fam(srv), socket.SOCK_STREAM); c.settimeout(1)
                c.connect((srv, port)); conns.append((key, c)); st[key] += 1
            except OSError:
                pass
    tcp_open(300, "tcp_idle")
    tcp_open(50, "tcp_slow")
    def slow():
        while time.time() < end:
            for k, c in list(conns):
                if k == "tcp_slow":
                    try: c.send(b"\x00")
                    except OSError: pass
            time.sleep(0.5)
            tcp_open(20, "tcp_idle")   # keep replacing the ones the server closed
    t = threading.Thread(target=slow, daemon=True); t.start()
    s = socket.socket(fam(srv), socket.SOCK_DGRAM); s.setblocking(False)
    big = query(1, ".".join(["a" * 63] * 3)) + os.urandom(60000)
    rnd = random.Random(1)
    # the mix of valid, malformed and oversized datagrams, e.g. "6,3,1"
    mix = [int(x) for x in os.environ.get("NETD_FLOOD_MIX", "6,3,1").split(",")]
    kinds = [0] * mix[0] + [6] * mix[1] + [9] * mix[2]
    zone = "example.test" if os.environ.get("NETD_FLOOD_FORWARD", "1") == "1" else "dns.podman"
    i = 0
    while time.time() < end:
        for _ in range(200):
            i += 1
            k = kinds[i % len(kinds)]
            if k == 0:
                k = i % 6
            try:
                if k < 6:
                    # unknown names: forwarded upstream, or NXDOMAIN locally
                    nm = name if k < 3 else "x%d.%s" % (i, zone)
                    s.sendto(query(i & 0xffff, nm, 1 if k % 2 else 28), (srv, port)); st["udp_valid"] += 1
                elif k < 9:
                    s.sendto(bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 600))), (srv, port))
                    st["udp_malformed"] += 1
                else:
                    s.sendto(big, (srv, port)); st["udp_oversized"] += 1
            except (BlockingIOError, OSError):
                pass
            try:
                while True: s.recv(65535)
            except (BlockingIOError, OSError):
                pass
    for _, c in conns: c.close()
    print(json.dumps(st))

def latency(srv, port, secs, name, proto):
    end = time.time() + secs
    lat, sent, retried = [], 0, 0
    while time.time() < end:
        sent += 1
        q = query(sent & 0xffff, name)
        t0 = time.perf_counter()
        s = None
        try:
            if proto == "udp":
                # like a stub resolver: resend after 250 ms, 4 tries (1 s)
                s = socket.socket(fam(srv), socket.SOCK_DGRAM); s.settimeout(0.25)
                for attempt in range(4):
                    s.sendto(q, (srv, port))
                    try:
                        while True:
                            r = s.recv(65535)
                            if r[:2] == q[:2]: break
                        break
                    except socket.timeout:
                        retried += 1
                else:
                    raise OSError("no answer")
            else:
                s = socket.socket(fam(srv), socket.SOCK_STREAM); s.settimeout(1)
                s.connect((srv, port)); s.sendall(struct.pack(">H", len(q)) + q)
                b = b""
                while len(b) < 2 or len(b) < 2 + struct.unpack(">H", b[:2])[0]:
                    d = s.recv(65535)
                    if not d: raise OSError("closed")
                    b += d
            lat.append((time.perf_counter() - t0) * 1000)
        except OSError:
            pass
        finally:
            if s: s.close()
        time.sleep(0.02)
    lat.sort()
    pc = lambda p: round(lat[min(len(lat) - 1, int(p * len(lat)))], 2) if lat else None
    print(json.dumps({"proto": proto, "sent": sent, "answered": len(lat), "resent": retried, "p50": pc(0.5),
                      "p90": pc(0.9), "p99": pc(0.99), "max": round(lat[-1], 2) if lat else None}))

if sys.argv[1] == "flood":
    flood(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
else:
    latency(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6])
EOF2
}
