#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# netd-dns's least privilege and robustness: the sandbox (dns/sandbox.c) of
# the daemon netd starts, the refusals of its seccomp filter seen from inside
# (the test hook NETD_DNS_SANDBOX_SELFTEST), and a flood of valid, malformed
# and oversized UDP queries with hundreds of idle and slow TCP connections,
# during which a legitimate client keeps getting answers in time and after
# which memory has not grown without bound. Upstream: a dnsmasq in $OUT
# (203.0.113.2), the only resolver netd-dns may ask. Needs root.
#
# Knobs (bench/dns-flood.sh sets them for the long run):
#   NETD_FLOOD_SECONDS   length of the flood (default 8)
#   NETD_FLOOD_P99_MS    the p99 latency a legitimate TCP client must see
#                        during the flood, and ten times the UDP median
#                        (default 500: sanitizer builds are slow)
#   NETD_FLOOD_MIX       weights of valid, malformed and oversized (60 kB)
#                        datagrams (default 6,3,1)
#   NETD_FLOOD_FORWARD   1: half of the valid queries are for random names
#                        under example.test, which netd-dns forwards to the
#                        upstream (c-ares); 0 (the default here): for random
#                        names under dns.podman, answered NXDOMAIN locally.
#                        bench/dns-flood.sh uses 1. The default stays 0 until
#                        the use-after-free under forwarding load is fixed
#                        (docs/security.md, "Known problems").
#   NETD_FLOOD_LOG       a file that gets the measured numbers

load sec_helpers

FLOOD_SECONDS=${NETD_FLOOD_SECONDS:-8}
export NETD_FLOOD_FORWARD=${NETD_FLOOD_FORWARD:-1}
P99_MS=${NETD_FLOOD_P99_MS:-500}

dns_net() {
	sec_net dnsn dbr0 10.95.0.0/24 fd95::/64 | jq -c '.dns_enabled = true'
}

# two containers: "base" (10.95.0.100) asks, "flood" (10.95.0.200) floods
dns_env() {
	command -v dig >/dev/null || skip "dig is not installed"
	sec_ctr base flood
	# In an AddressSanitizer build, freed memory waits in a quarantine (256 MB
	# by default) before reuse, which VmRSS would count; keep it small.
	# Release builds ignore the variable.
	ssetup "${CTR[base]}" "$(sec_req 100 base "$(dns_net)" 10.95.0.100 fd95::100)" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8:thread_local_quarantine_size_kb=64" \
		NETD_DNS_LOG_FILE="$BATS_TEST_TMPDIR/netd-dns.log"
	ssetup "${CTR[flood]}" "$(sec_req 200 flood "$(dns_net)" 10.95.0.200 fd95::200)"
	DPID=$(our_dns_pids)
	[[ -n $DPID ]] || die "netd did not start netd-dns"
}

# upstream_out: dnsmasq in $OUT on 203.0.113.2:53, answers everything with
# 198.51.100.7, never forwards.
upstream_out() {
	command -v dnsmasq >/dev/null || skip "dnsmasq is not installed"
	ip netns exec "$OUT" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
		--keep-in-foreground --user=root --group=root --pid-file= \
		--listen-address="$OUT4" --bind-interfaces --port 53 --address=/#/198.51.100.7 \
		</dev/null >"$BATS_TEST_TMPDIR/dnsmasq.out" 2>&1 3>&- &
	BG_PIDS+=("$!")
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$OUT" ss -Hlun "src $OUT4:53" | grep -q . && return 0
		sleep 0.1
	done
	die "dnsmasq did not start"
}

status_field() { # PID FIELD
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || {
		echo "# netd-dns (pid $1) is gone; the end of its log:" >&2
		tail -n 40 "$BATS_TEST_TMPDIR/netd-dns.log" 2>/dev/null | sed 's/^/# /' >&2
		return 1
	}
}

@test "netd-dns started by netd runs sandboxed: Seccomp 2, NoNewPrivs 1, only CAP_NET_BIND_SERVICE; it still answers, forwards and binds port 53 for a new network" {
	local a
	upstream_out
	dns_env
	assert_eq "$(status_field "$DPID" Seccomp)" 2 "Seccomp of netd-dns"
	assert_eq "$(status_field "$DPID" NoNewPrivs)" 1 "NoNewPrivs of netd-dns"
	assert_eq "$(status_field "$DPID" CapEff)" 0000000000000400 "CapEff of netd-dns"
	assert_eq "$(status_field "$DPID" CapPrm)" 0000000000000400 "CapPrm of netd-dns"
	assert_eq "$(status_field "$DPID" CapBnd)" 0000000000000400 "CapBnd of netd-dns"
	assert_eq "$(status_field "$DPID" CapInh)" 0000000000000000 "CapInh of netd-dns"
	assert_eq "$(status_field "$DPID" CapAmb)" 0000000000000000 "CapAmb of netd-dns"
	say "netd-dns pid $DPID: $(grep -E '^(Seccomp|NoNewPrivs|CapEff|CapBnd):' "/proc/$DPID/status" | tr '\n\t' '  ')"
	a=$(ip netns exec "${CTR[base]}" dig +short +time=2 +tries=1 @10.95.0.1 flood A) || true
	assert_eq "$a" 10.95.0.200 "a local name"
	a=$(ip netns exec "${CTR[base]}" dig +short +time=3 +tries=1 @fd95::1 www.example.test A) || true
	assert_eq "$a" 198.51.100.7 "a forwarded name (c-ares inside the sandbox)"
	a=$(ip netns exec "${CTR[base]}" dig +short +tcp +time=3 +tries=1 @10.95.0.1 tcp.example.test A) || true
	assert_eq "$a" 198.51.100.7 "a forwarded name over TCP"
	# a reload (SIGHUP) that binds port 53 on a new network's gateway
	sec_ctr other
	ssetup "${CTR[other]}" "$(sec_req 300 other "$(sec_net dnso dbr1 10.96.0.0/24 | jq -c '.dns_enabled = true')" 10.96.0.2)"
	assert_eq "$(our_dns_pids)" "$DPID" "the same netd-dns after the reload"
	a=$(ip netns exec "${CTR[other]}" dig +short +time=2 +tries=1 @10.96.0.1 other A) || true
	assert_eq "$a" 10.96.0.2 "a name on the network added by the reload"
}

@test "inside the sandbox, execve, socket(AF_PACKET), socket(AF_NETLINK), ptrace, mount and opening a file for writing fail with EPERM (NETD_DNS_SANDBOX_SELFTEST)" {
	local what log dir=$BATS_TEST_TMPDIR/dns2 want got
	dns_env
	# a second netd-dns on another port, over a copy of the network file
	mkdir -p "$dir"
	cp "$DNSDIR/dnsn" "$dir/"
	log=$BATS_TEST_TMPDIR/selftest.log
	for what in execve socket-packet socket-netlink ptrace mount unshare "open-write:$CFG/pwned" \
		"chmod:$DNSDIR/dnsn" socket-udp "open-read:$DNSDIR/dnsn"; do
		: >"$log"
		in_host env NETD_DNS_SANDBOX_SELFTEST="$what" NETD_DNS_LOG_FILE="$log" \
			"$NETD_DNS" --config "$dir" -p 5354 run || die "netd-dns with selftest $what did not start"
		kill "$(cat "$dir/aardvark.pid")"
		for ((i = 0; i < 50; i++)); do [[ -e $dir/aardvark.pid ]] || break; sleep 0.05; done
		got=$(grep -o "sandbox selftest .*" "$log" || true)
		case $what in
		socket-udp | open-read:*) want="sandbox selftest $what: allowed (errno 0: none)" ;;
		*) want="sandbox selftest $what: refused (errno 1: Operation not permitted)" ;;
		esac
		say "$got"
		assert_eq "$got" "$want" "selftest $what"
	done
	[[ ! -e $CFG/pwned ]] || die "a file was created from inside the sandbox"
}

@test "flood: valid, malformed and oversized UDP queries and 350 idle or slow TCP connections; a legitimate client keeps its latency and memory stays bounded" {
	local rss0 rss1 rss2 base_udp base_tcp lat_udp lat_tcp fl ans sent p99 p50 a l
	upstream_out
	dns_env
	write_dns_py
	local py=$BATS_TEST_TMPDIR/dns_load.py
	# warm up, then the normal latency
	ip netns exec "${CTR[base]}" dig +short +time=2 @10.95.0.1 flood A >/dev/null || true
	base_udp=$(ip netns exec "${CTR[base]}" python3 "$py" latency 10.95.0.1 53 2 flood udp)
	base_tcp=$(ip netns exec "${CTR[base]}" python3 "$py" latency 10.95.0.1 53 2 flood tcp)
	rss0=$(status_field "$DPID" VmRSS)
	ip netns exec "${CTR[flood]}" python3 "$py" flood 10.95.0.1 53 "$FLOOD_SECONDS" flood \
		>"$BATS_TEST_TMPDIR/flood.json" 2>&1 &
	local fpid=$!
	BG_PIDS+=("$fpid")
	sleep 1
	ip netns exec "${CTR[base]}" python3 "$py" latency 10.95.0.1 53 $((FLOOD_SECONDS - 2)) flood udp \
		>"$BATS_TEST_TMPDIR/lat_udp.json" &
	local lpid=$!
	lat_tcp=$(ip netns exec "${CTR[base]}" python3 "$py" latency fd95::1 53 $((FLOOD_SECONDS - 2)) flood tcp)
	wait "$lpid"
	lat_udp=$(cat "$BATS_TEST_TMPDIR/lat_udp.json")
	rss1=$(status_field "$DPID" VmRSS)
	wait "$fpid" || true
	fl=$(cat "$BATS_TEST_TMPDIR/flood.json")
	sleep 4	# idle TCP connections expire after 3 s
	rss2=$(status_field "$DPID" VmRSS)
	proc_running "$DPID" || die "netd-dns died under the flood"
	say "flood ($FLOOD_SECONDS s, mix ${NETD_FLOOD_MIX:-6,3,1}, forwarding $NETD_FLOOD_FORWARD): $fl" \
		"legitimate client, no flood:   udp $base_udp" \
		"                               tcp $base_tcp" \
		"legitimate client, under flood: udp $lat_udp" \
		"                               tcp $lat_tcp" \
		"netd-dns VmRSS: before ${rss0} kB, during ${rss1} kB, 4 s after ${rss2} kB"
	if [[ -n ${NETD_FLOOD_LOG:-} ]]; then
		printf '%s\n' "flood seconds=$FLOOD_SECONDS forward=$NETD_FLOOD_FORWARD $fl" "baseline $base_udp" "baseline $base_tcp" \
			"flood $lat_udp" "flood $lat_tcp" "rss_kb before=$rss0 during=$rss1 after=$rss2" >>"$NETD_FLOOD_LOG"
	fi
	for l in "$lat_udp" "$lat_tcp"; do
		sent=$(jq .sent <<<"$l")
		ans=$(jq .answered <<<"$l")
		# the legitimate client's queries answered within 1 s (UDP: resent
		# after 250 ms, as a stub resolver does), all but 0.5 %
		((ans * 1000 >= sent * 995)) || die "legitimate client: $ans of $sent answered ($l)"
	done
	# TCP keeps its latency; over UDP the median does, while the tail pays
	# for the datagrams the kernel dropped from the shared socket's full
	# buffer (resends; see "Known problems" in docs/security.md)
	p99=$(jq '.p99 // 1e9 | floor' <<<"$lat_tcp")
	((p99 <= P99_MS)) || die "legitimate TCP client: p99 ${p99} ms > $P99_MS ms ($lat_tcp)"
	p50=$(jq '.p50 // 1e9 | floor' <<<"$lat_udp")
	((p50 <= P99_MS / 10)) || die "legitimate UDP client: p50 ${p50} ms > $((P99_MS / 10)) ms ($lat_udp)"
	# bounded memory: the cache (4096 answers), 256 connections and 2048
	# pending forwards are the limits; allow 64 MB over the start
	((rss1 - rss0 < 65536 && rss2 - rss0 < 65536)) || die "VmRSS grew from $rss0 kB to $rss1 / $rss2 kB"
	# still fine afterwards
	a=$(ip netns exec "${CTR[base]}" dig +short +time=2 +tries=1 @10.95.0.1 flood A) || true
	assert_eq "$a" 10.95.0.200 "a local name after the flood"
}
