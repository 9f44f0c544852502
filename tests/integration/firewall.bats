#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# netd's nftables firewall driver, tested with real traffic between throwaway
# network namespaces: $HOST plays the host (netd runs there, so the table
# `inet netd` lives there), $OUT is a host outside, containers are created per
# test (see fw_helpers.bash). Needs root.

load fw_helpers

# The usual network: dual stack, bridge nfbr0.
net1() { fw_net n1 nfbr0 10.91.0.0/24 fd91::/64; }
att1() { fw_att n1 eth0 "10.91.0.$1" "fd91::$1"; }

# ---------------------------------------------------------------------------
# outbound NAT

@test "masquerade: the outside sees the host's address, IPv4 and IPv6" {
	local j
	mkctr C1
	j=$(fw_req 1 '[]' "$(net1)" "$(att1 2)")
	fw_setup "$C1" "$j"
	assert_eq "$(hnft list set inet netd masq4 | grep -c '"nfbr0"')" 1 "nfbr0 in masq4"
	assert_eq "$(hnft list set inet netd masq6 | grep -c '"nfbr0"')" 1 "nfbr0 in masq6"

	serve "$OUT" tcp 4 9000 out
	serve "$OUT" tcp 6 9000 out
	serve "$OUT" udp 4 9001 out
	serve "$OUT" udp 6 9001 out
	expect_tcp "$C1" "$OUT4" 9000 "out $HOST4"
	expect_tcp "$C1" "$OUT6" 9000 "out $(peer "$HOST6")"
	expect_udp "$C1" "$OUT4" 9001 "out $HOST4"
	expect_udp "$C1" "$OUT6" 9001 "out $(peer "$HOST6")"

	fw_teardown "$C1" "$j"
}

@test "SNAT to outbound_addr4 / outbound_addr6" {
	local n1 n2 j1 j2
	mkctr C1 C2
	ip -n "$HOST" addr add 203.0.113.20/24 dev up0
	# deprecated (preferred_lft 0), so that IPv6 source address selection,
	# and with it the masquerade of the other network, keeps using ::1
	ip -n "$HOST" addr add 2001:db8:99::20/64 dev up0 nodad preferred_lft 0
	n1=$(net1)
	n1=$(net_opt "$n1" outbound_addr4 203.0.113.20)
	n1=$(net_opt "$n1" outbound_addr6 2001:db8:99::20)
	# a second network without the options: still masqueraded
	n2=$(fw_net n2 nfbr1 10.92.0.0/24 fd92::/64)
	j1=$(fw_req 1 '[]' "$n1" "$(att1 2)")
	j2=$(fw_req 2 '[]' "$n2" "$(fw_att n2 eth0 10.92.0.2 fd92::2)")
	fw_setup "$C1" "$j1"
	fw_setup "$C2" "$j2"
	assert_contains "$(hnft list map inet netd snat4)" '"nfbr0" : 203.0.113.20' "snat4"
	assert_contains "$(hnft list map inet netd snat6)" '"nfbr0" : 2001:db8:99::20' "snat6"
	assert_not_contains "$(hnft list set inet netd masq4)" '"nfbr0"' "masq4"

	serve "$OUT" tcp 4 9000 out
	serve "$OUT" tcp 6 9000 out
	expect_tcp "$C1" "$OUT4" 9000 "out 203.0.113.20"
	expect_tcp "$C1" "$OUT6" 9000 "out $(peer 2001:db8:99::20)"
	expect_tcp "$C2" "$OUT4" 9000 "out $HOST4"
	expect_tcp "$C2" "$OUT6" 9000 "out $(peer "$HOST6")"

	fw_teardown "$C1" "$j1"
	fw_teardown "$C2" "$j2"
	! has_netd_table || die "table inet netd left after the last teardown"
}

# ---------------------------------------------------------------------------
# isolation

# Ping every ordered pair of containers at once (one ping each way is a
# round trip, so "src → dst" needs both the request and the reply to pass).
# Prints the matrix, one row per source: "<from> <to strict> <to true> ...",
# "ok" = reached, "--" = blocked, "." = itself.
iso_matrix() {
	local fam=$1 s d ip row
	local -a pids=()
	local dir=$BATS_TEST_TMPDIR/iso$fam
	mkdir -p "$dir"
	for s in "${!ISO_NS[@]}"; do
		for d in "${!ISO_NS[@]}"; do
			[[ $s == "$d" ]] && continue
			if [[ $fam == 4 ]]; then ip=10.93.$((d + 1)).2; else ip=fd93:$((d + 1))::2; fi
			(
				if ip netns exec "${ISO_NS[s]}" ping -"$fam" -c 2 -i 0.2 -W 1 "$ip" >/dev/null 2>&1; then
					echo ok >"$dir/$s-$d"
				else
					echo -- >"$dir/$s-$d"
				fi
			) 3>&- &
			pids+=($!)
		done
	done
	for s in "${pids[@]}"; do wait "$s"; done
	printf "%s\n" "from\\to ${ISO_NAMES[*]}"
	for s in "${!ISO_NS[@]}"; do
		row=${ISO_NAMES[s]}
		for d in "${!ISO_NS[@]}"; do
			if [[ $s == "$d" ]]; then row+=" ."; else row+=" $(cat "$dir/$s-$d")"; fi
		done
		echo "$row"
	done
}

@test "isolation matrix: strict, true, false, absent (= strict); IPv4 and IPv6" {
	local i net expected got4 got6
	ISO_NAMES=(strict true false absent)
	ISO_NS=()
	mkctr CS CT CF CA
	ISO_NS=("$CS" "$CT" "$CF" "$CA")
	for i in 0 1 2 3; do
		net=$(fw_net "n$i" "nfbr$i" "10.93.$((i + 1)).0/24" "fd93:$((i + 1))::/64")
		[[ ${ISO_NAMES[i]} != absent ]] && net=$(net_opt "$net" isolate "${ISO_NAMES[i]}")
		fw_setup "${ISO_NS[i]}" "$(fw_req $((i + 1)) '[]' "$net" \
			"$(fw_att "n$i" eth0 "10.93.$((i + 1)).2" "fd93:$((i + 1))::2")")"
	done
	# every container reaches its own gateway and the outside
	for i in 0 1 2 3; do
		ping_ok "${ISO_NS[i]}" "10.93.$((i + 1)).1"
		ping_ok "${ISO_NS[i]}" "$OUT4"
		ping_ok "${ISO_NS[i]}" "$OUT6"
	done

	# netavark 2.x semantics: strict reaches no other network; true reaches
	# no isolated (true/strict) network; false is not restricted itself, but
	# a strict network refuses it (the strict side drops its replies); true
	# and false reach each other.
	expected=$(cat <<-'EOF'
		from\to strict true false absent
		strict . -- -- --
		true -- . ok --
		false -- ok . --
		absent -- -- -- .
	EOF
	)
	got4=$(iso_matrix 4)
	got6=$(iso_matrix 6)
	say "isolation, IPv4 (rows: from, columns: to):" "$(column -t <<<"$got4" 2>/dev/null || echo "$got4")"
	say "isolation, IPv6:" "$(column -t <<<"$got6" 2>/dev/null || echo "$got6")"
	assert_same_text "$expected" "$got4" "IPv4 isolation matrix"
	assert_same_text "$expected" "$got6" "IPv6 isolation matrix"

	# between netd networks there is no NAT: the "false" container sees the
	# "true" container's own address
	serve "$CF" tcp 4 80 cf
	serve "$CF" tcp 6 80 cf
	expect_tcp "$CT" 10.93.3.2 80 "cf 10.93.2.2"
	expect_tcp "$CT" fd93:3::2 80 "cf $(peer fd93:2::2)"
}

# ---------------------------------------------------------------------------
# internal networks

@test "internal network: no way out, none to or from another network; DNS to the gateway works" {
	local ni nx ji jx
	mkctr CI CX
	# both isolate=false, so that it is "internal" that keeps them apart
	ni=$(fw_net ni nfbr0 10.94.0.0/24 fd94::/64 | jq -c '.internal = true | .options.isolate = "false"')
	nx=$(fw_net nx nfbr1 10.95.0.0/24 fd95::/64 | jq -c '.options.isolate = "false"')
	ji=$(fw_req 1 '[]' "$ni" "$(fw_att ni eth0 10.94.0.2 fd94::2)")
	jx=$(fw_req 2 '[]' "$nx" "$(fw_att nx eth0 10.95.0.2 fd95::2)")
	fw_setup "$CI" "$ji"
	fw_setup "$CX" "$jx"
	assert_contains "$(hnft list set inet netd br_internal)" '"nfbr0"' "br_internal"
	# netd gives an internal container no default route; add one by hand so
	# that it is the firewall (and the bridge's sysctls) that stop the traffic.
	ip -n "$CI" route replace default via 10.94.0.1
	ip -n "$CI" -6 route replace default via fd94::1

	serve "$OUT" tcp 4 9000 out
	serve "$OUT" tcp 6 9000 out
	expect_tcp "$CX" "$OUT4" 9000 "out $HOST4"	# the normal network does get out
	expect_no_tcp "$CI" "$OUT4" 9000
	expect_no_tcp "$CI" "$OUT6" 9000
	# no way out, not to the other network, and not from it
	ping_fails_all "$CI $OUT4" "$CI $OUT6" "$CI 10.95.0.2" "$CI fd95::2" \
		"$CX 10.94.0.2" "$CX fd94::2"

	# DNS: listeners on the gateway, port 53, in the host namespace
	serve "$HOST" tcp 4 53 dns 10.94.0.1
	serve "$HOST" udp 4 53 dns 10.94.0.1
	serve "$HOST" tcp 6 53 dns fd94::1
	serve "$HOST" udp 6 53 dns fd94::1
	serve "$HOST" tcp 4 54 notdns 10.94.0.1
	expect_tcp "$CI" 10.94.0.1 53 "dns 10.94.0.2"
	expect_udp "$CI" 10.94.0.1 53 "dns 10.94.0.2"
	expect_tcp "$CI" fd94::1 53 "dns $(peer fd94::2)"
	expect_udp "$CI" fd94::1 53 "dns $(peer fd94::2)"

	# With an admin input chain that drops everything except connections
	# netd accepted (ct mark 0x4000) and ICMPv6 (neighbour discovery), DNS
	# still gets through, and only DNS.
	hnft -f - <<-'EOF'
		table inet admin {
			chain input {
				type filter hook input priority filter; policy drop;
				ct mark & 0x4000 == 0x4000 accept
				meta l4proto ipv6-icmp accept
			}
		}
	EOF
	expect_tcp "$CI" 10.94.0.1 53 "dns 10.94.0.2"
	expect_udp "$CI" 10.94.0.1 53 "dns 10.94.0.2"
	expect_tcp "$CI" fd94::1 53 "dns $(peer fd94::2)"
	expect_udp "$CI" fd94::1 53 "dns $(peer fd94::2)"
	expect_no_tcp "$CI" 10.94.0.1 54
	hnft delete table inet admin

	fw_teardown "$CI" "$ji"
	fw_teardown "$CX" "$jx"
}

# ---------------------------------------------------------------------------
# port forwarding

@test "port forwarding: tcp/udp, IPv4/IPv6, single/range, host_ip all/0.0.0.0/::/one, outside/host/localhost/hairpin" {
	local ports j1 j2 j3 p f
	mkctr C1 C2 C3
	ip -n "$HOST" addr add 203.0.113.10/24 dev up0
	ip -n "$HOST" addr add 2001:db8:99::10/64 dev up0 nodad
	ports=$(jq -sc . <<<"$(pm "" 8080 80 1 tcp)
		$(pm "" 8080 80 1 udp)
		$(pm "" 8000 80 3 tcp)
		$(pm "" 8010 80 2 udp)
		$(pm 0.0.0.0 8100 80 1 tcp)
		$(pm 0.0.0.0 8100 81 1 udp)
		$(pm :: 8200 80 1 tcp)
		$(pm 203.0.113.10 8300 81 1 tcp)
		$(pm 2001:db8:99::10 8300 82 1 tcp)")
	j1=$(fw_req 1 "$ports" "$(net1)" "$(att1 2)")
	j2=$(fw_req 2 '[]' "$(net1)" "$(att1 3)")
	j3=$(fw_req 3 '[]' "$(fw_net n2 nfbr1 10.92.0.0/24 fd92::/64)" \
		"$(fw_att n2 eth0 10.92.0.2 fd92::2)")
	fw_setup "$C1" "$j1"
	fw_setup "$C2" "$j2"
	fw_setup "$C3" "$j3"
	for p in 80 81 82; do
		for f in 4 6; do serve "$C1" tcp "$f" "$p" "c1-tcp$p"; done
	done
	for p in 80 81; do
		for f in 4 6; do serve "$C1" udp "$f" "$p" "c1-udp$p"; done
	done
	local o4=$OUT4 o6 h6
	o6=$(peer "$OUT6")
	h6=$(peer "$HOST6")

	# --- from the outside
	# host_ip "": both families, tcp and udp
	expect_tcp "$OUT" "$HOST4" 8080 "c1-tcp80 $o4"
	expect_tcp "$OUT" "$HOST6" 8080 "c1-tcp80 $o6"
	expect_udp "$OUT" "$HOST4" 8080 "c1-udp80 $o4"
	expect_udp "$OUT" "$HOST6" 8080 "c1-udp80 $o6"
	# ranges: 8000-8002 → 80-82 (tcp), 8010-8011 → 80-81 (udp)
	for p in 0 1 2; do
		expect_tcp "$OUT" "$HOST4" $((8000 + p)) "c1-tcp$((80 + p)) $o4"
		expect_tcp "$OUT" "$HOST6" $((8000 + p)) "c1-tcp$((80 + p)) $o6"
	done
	expect_no_tcp "$OUT" "$HOST4" 8003
	for p in 0 1; do
		expect_udp "$OUT" "$HOST4" $((8010 + p)) "c1-udp$((80 + p)) $o4"
		expect_udp "$OUT" "$HOST6" $((8010 + p)) "c1-udp$((80 + p)) $o6"
	done
	# 0.0.0.0: IPv4 only
	expect_tcp "$OUT" "$HOST4" 8100 "c1-tcp80 $o4"
	expect_no_tcp "$OUT" "$HOST6" 8100
	expect_udp "$OUT" "$HOST4" 8100 "c1-udp81 $o4"
	expect_no_udp "$OUT" "$HOST6" 8100
	# ::: IPv6 only
	expect_tcp "$OUT" "$HOST6" 8200 "c1-tcp80 $o6"
	expect_no_tcp "$OUT" "$HOST4" 8200
	# one host IP: only that address
	expect_tcp "$OUT" 203.0.113.10 8300 "c1-tcp81 $o4"
	expect_no_tcp "$OUT" "$HOST4" 8300
	expect_tcp "$OUT" 2001:db8:99::10 8300 "c1-tcp82 $o6"
	expect_no_tcp "$OUT" "$HOST6" 8300
	# a port nobody published
	expect_no_tcp "$OUT" "$HOST4" 8081

	# --- from the host itself, to its outside addresses and to localhost
	expect_tcp "$HOST" "$HOST4" 8080 "c1-tcp80 $HOST4"
	expect_tcp "$HOST" "$HOST6" 8080 "c1-tcp80 $h6"
	expect_tcp "$HOST" 127.0.0.1 8080 "c1-tcp80 10.91.0.1"
	expect_udp "$HOST" "$HOST4" 8080 "c1-udp80 $HOST4"
	expect_udp "$HOST" 127.0.0.1 8080 "c1-udp80 10.91.0.1"
	expect_tcp "$HOST" "$HOST4" 8001 "c1-tcp81 $HOST4"
	expect_tcp "$HOST" 127.0.0.1 8002 "c1-tcp82 10.91.0.1"
	expect_tcp "$HOST" 127.0.0.1 8100 "c1-tcp80 10.91.0.1"
	expect_tcp "$HOST" "$HOST6" 8200 "c1-tcp80 $h6"
	expect_no_tcp "$HOST" "$HOST4" 8200
	# (203.0.113.10 is a secondary address: the kernel's local route for it
	# has the primary address as its source)
	expect_tcp "$HOST" 203.0.113.10 8300 "c1-tcp81 $HOST4"
	expect_tcp "$HOST" 2001:db8:99::10 8300 "c1-tcp82 $(peer 2001:db8:99::10)"
	expect_no_tcp "$HOST" 127.0.0.1 8300

	# --- hairpin: another container on the same network, through host_ip:port;
	# masqueraded, so the first container answers via the host (gateway).
	expect_tcp "$C2" "$HOST4" 8080 "c1-tcp80 10.91.0.1"
	expect_tcp "$C2" "$HOST6" 8080 "c1-tcp80 $(peer fd91::1)"
	expect_udp "$C2" "$HOST4" 8080 "c1-udp80 10.91.0.1"
	expect_tcp "$C2" "$HOST4" 8002 "c1-tcp82 10.91.0.1"
	expect_tcp "$C2" 203.0.113.10 8300 "c1-tcp81 10.91.0.1"
	expect_tcp "$C2" 2001:db8:99::10 8300 "c1-tcp82 $(peer fd91::1)"
	expect_tcp "$C2" "$HOST6" 8200 "c1-tcp80 $(peer fd91::1)"
	expect_no_tcp "$C2" "$HOST6" 8100

	# --- a container of another network: both networks are isolated
	# (strict), but published ports are reachable from everywhere (netavark
	# 2.1: DNATed traffic is accepted before the isolation rules)
	expect_tcp "$C3" "$HOST4" 8080 "c1-tcp80 10.91.0.1"
	expect_tcp "$C3" "$HOST6" 8080 "c1-tcp80 $(peer fd91::1)"
	ping_fails "$C3" 10.91.0.2

	fw_teardown "$C1" "$j1"
	# the mappings are gone with the container
	expect_no_tcp "$OUT" "$HOST4" 8080
	assert_eq "$(hnft -j list map inet netd pf4 | jq -c '[.nftables[].map.elem // empty]')" '[]' \
		"pf4 after the teardown"
	fw_teardown "$C2" "$j2"
	fw_teardown "$C3" "$j3"
	assert_eq "$(ruleset)" "" "ruleset after the last teardown"
}

# sctp_supported NS: whether an SCTP socket can be made in NS.
sctp_supported() {
	local rc=0
	if command -v modprobe >/dev/null; then modprobe sctp 2>/dev/null || true; fi
	timeout 0.5 ip netns exec "$1" socat -u SCTP4-LISTEN:19999 STDOUT >/dev/null 2>&1 || rc=$?
	[[ $rc -eq 124 ]]
}

@test "port forwarding: sctp" {
	local j got
	mkctr C1
	j=$(fw_req 1 "[$(pm "" 9000 90 1 sctp),$(pm "" 9100 90 2 sctp)]" "$(net1)" "$(att1 2)")
	fw_setup "$C1" "$j"
	assert_contains "$(hnft list map inet netd pf4)" "sctp . 9000 : 10.91.0.2 . 90" "pf4"
	assert_contains "$(hnft list map inet netd pf4)" "sctp . 9101 : 10.91.0.2 . 91" "pf4"
	assert_contains "$(hnft list map inet netd pf6)" "sctp . 9000 : fd91::2 . 90" "pf6"

	if ! sctp_supported "$C1"; then
		fw_teardown "$C1" "$j"
		skip "kernel lacks sctp"
	fi
	bg "$C1" socat SCTP4-LISTEN:90,reuseaddr,fork SYSTEM:"echo c1-sctp90"
	sleep 0.3
	got=$(timeout 3 ip netns exec "$OUT" socat -u "SCTP4:$HOST4:9000,connect-timeout=2" STDOUT) || true
	assert_eq "$got" "c1-sctp90" "sctp from the outside to $HOST4:9000"
	fw_teardown "$C1" "$j"
}

# ---------------------------------------------------------------------------
# conflicts, teardown, reload, transactions

# expect_refused CTR_NS JSON PORT: setup must fail the netd way (exit 1, one
# {"error": ...} naming PORT) and leave the ruleset ($BEFORE), the container
# namespace and the state directory as they were.
expect_refused() {
	local ns=$1 json=$2 port=$3 cid msg
	cid=$(jq -r .container_id <<<"$json")
	nd --firewall-driver nftables setup "/run/netns/$ns" <<<"$json"
	[[ $status -eq 1 ]] || { show_run; die "expected exit 1, got $status"; }
	msg=$(jq -er .error <<<"$output") || { show_run; die "stdout is not {\"error\": ...}"; }
	assert_contains "$msg" "$port" "error message"
	assert_same_text "$BEFORE" "$(ruleset)" "nft list ruleset after the refused setup"
	assert_eq "$(ip -n "$ns" -j link show | jq -c '[.[].ifname]')" '["lo"]' "links in $ns"
	[[ ! -e $CFG/netd/containers/$cid.json ]] || die "state file left for the refused container"
}

@test "conflicting host port: exit 1, error names the port, ruleset and links unchanged" {
	local j1 j2 j3
	mkctr C1 C2 C3
	j1=$(fw_req 1 "[$(pm "" 8080 80 1 tcp),$(pm 203.0.113.1 9090 80 1 udp)]" "$(net1)" "$(att1 2)")
	fw_setup "$C1" "$j1"
	serve "$C1" tcp 4 80 c1
	BEFORE=$(ruleset)

	# same network (existing bridge), same port and protocol
	expect_refused "$C2" "$(fw_req 2 "[$(pm "" 8080 80 1 tcp)]" "$(net1)" "$(att1 3)")" 8080
	assert_eq "$(ip -n "$HOST" -j link show master nfbr0 | jq length)" 1 "ports of nfbr0"
	[[ -e $(state_file 1) ]] || die "state file of the first container is gone"

	# a new network (the bridge would be created), same port
	j3=$(fw_req 3 "[$(pm "" 8080 80 1 tcp)]" "$(fw_net n2 nfbr1 10.92.0.0/24)" \
		"$(fw_att n2 eth0 10.92.0.2)")
	expect_refused "$C3" "$j3" 8080
	! ip -n "$HOST" link show nfbr1 >/dev/null 2>&1 || die "bridge nfbr1 left behind"

	# a range overlapping in one port, after a port that is free
	expect_refused "$C2" "$(fw_req 2 "[$(pm "" 7000 80 1 tcp),$(pm "" 8078 80 3 tcp)]" \
		"$(net1)" "$(att1 3)")" 8080
	# "::" (IPv6 only) against "" (both families)
	expect_refused "$C2" "$(fw_req 2 "[$(pm :: 8080 80 1 tcp)]" "$(net1)" "$(att1 3)")" 8080
	# the same host IP
	expect_refused "$C2" "$(fw_req 2 "[$(pm 203.0.113.1 9090 90 1 udp)]" "$(net1)" "$(att1 3)")" 9090

	# the first container's mapping still works
	expect_tcp "$OUT" "$HOST4" 8080 "c1 $OUT4"

	# the same port with the other protocol is no conflict
	j2=$(fw_req 2 "[$(pm "" 8080 80 1 udp),$(pm 203.0.113.1 9090 90 1 tcp)]" "$(net1)" "$(att1 3)")
	fw_setup "$C2" "$j2"
	fw_teardown "$C2" "$j2"
	fw_teardown "$C1" "$j1"
	assert_eq "$(ruleset)" "" "ruleset after the last teardown"
}

# Two containers: C1 on n1 with ports; C2 on n1 and n2 (isolate=true) with
# ports. Teardown of C1 keeps the table; teardown of C2 removes it.
two_containers() {
	local n2
	n2=$(net_opt "$(fw_net n2 nfbr1 10.92.0.0/24 fd92::/64)" isolate true)
	J1=$(fw_req 1 "[$(pm "" 8080 80 1 tcp),$(pm 0.0.0.0 8081 81 1 udp)]" "$(net1)" "$(att1 2)")
	J2=$(fw_req 2 "[$(pm "" 9080 80 2 tcp),$(pm 203.0.113.1 9090 90 1 tcp)]" \
		"$(net1)" "$(att1 3)" "$n2" "$(fw_att n2 eth1 10.92.0.3 fd92::3)")
}

@test "teardown restores an empty ruleset exactly" {
	local r1 r2
	mkctr C1 C2
	two_containers
	assert_eq "$(ruleset)" "" "ruleset before"

	# C2 alone, then C1 comes and goes: back to C2's ruleset
	fw_setup "$C2" "$J2"
	r2=$(ruleset)
	fw_setup "$C1" "$J1"
	fw_teardown "$C1" "$J1"
	assert_same_text "$r2" "$(ruleset)" "ruleset after C1 came and went"
	fw_teardown "$C2" "$J2"
	assert_eq "$(ruleset)" "" "ruleset after the last teardown"

	# C1 alone, then C2 comes and goes (its network n2, with its isolation
	# chain, goes with it; n1 stays): back to C1's ruleset
	fw_setup "$C1" "$J1"
	r1=$(ruleset)
	fw_setup "$C2" "$J2"
	assert_contains "$(hnft list map inet netd pf4)" 9081 "pf4 with C2"
	fw_teardown "$C2" "$J2"
	assert_same_text "$r1" "$(ruleset)" "ruleset after C2 came and went"
	fw_teardown "$C1" "$J1"
	assert_eq "$(ruleset)" "" "ruleset after the last teardown"
}

@test "teardown restores the ruleset with an admin table; netd never touches it" {
	local before admin
	mkctr C1 C2
	two_containers
	hnft -f - <<-'EOF'
		table inet admin {
			set blocked { type ipv4_addr; elements = { 192.0.2.7 } }
			chain input {
				type filter hook input priority filter; policy accept;
				ip saddr @blocked drop
			}
			chain forward {
				type filter hook forward priority filter; policy accept;
				ct state established,related accept
			}
		}
	EOF
	before=$(ruleset)
	admin=$(hnft list table inet admin)
	fw_setup "$C1" "$J1"
	assert_same_text "$admin" "$(hnft list table inet admin)" "table inet admin after setup 1"
	fw_setup "$C2" "$J2"
	assert_same_text "$admin" "$(hnft list table inet admin)" "table inet admin after setup 2"
	fw_teardown "$C1" "$J1"
	assert_same_text "$admin" "$(hnft list table inet admin)" "table inet admin after teardown 1"
	fw_teardown "$C2" "$J2"
	assert_same_text "$before" "$(ruleset)" "nft list ruleset after the last teardown"
}

# two_with_ports: C1 on n1 (strict, nfbr0) publishing 8080, C2 on n2 (nfbr1,
# isolate false) publishing 8090, both serving port 80; requests in $j1 $j2.
two_with_ports() {
	local n2
	mkctr C1 C2
	n2=$(net_opt "$(fw_net n2 nfbr1 10.92.0.0/24 fd92::/64)" isolate false)
	j1=$(fw_req 1 "[$(pm "" 8080 80 1 tcp)]" "$(net1)" "$(att1 2)")
	j2=$(fw_req 2 "[$(pm "" 8090 80 1 tcp)]" "$n2" "$(fw_att n2 eth0 10.92.0.2 fd92::2)")
	fw_setup "$C1" "$j1"
	fw_setup "$C2" "$j2"
	serve "$C1" tcp 4 80 c1
	serve "$C1" tcp 6 80 c1
	serve "$C2" tcp 4 80 c2
}

@test "firewall-reload: re-creates the rules after nft flush ruleset; no-op when nothing is lost" {
	local before
	two_with_ports
	serve "$OUT" tcp 4 9000 out
	expect_tcp "$OUT" "$HOST4" 8080 "c1 $OUT4"
	expect_tcp "$OUT" "$HOST6" 8080 "c1 $(peer "$OUT6")"
	expect_tcp "$OUT" "$HOST4" 8090 "c2 $OUT4"
	expect_tcp "$C1" "$OUT4" 9000 "out $HOST4"
	before=$(ruleset)

	# nothing lost: the ruleset stays byte-identical
	fw_reload
	assert_same_text "$before" "$(ruleset)" "ruleset after a reload with nothing lost"

	hnft flush ruleset
	assert_eq "$(ruleset)" "" "ruleset after the flush"
	expect_no_tcp "$OUT" "$HOST4" 8080
	expect_no_tcp "$OUT" "$HOST6" 8080
	expect_no_tcp "$OUT" "$HOST4" 8090

	fw_reload
	assert_same_text "$before" "$(ruleset)" "ruleset after firewall-reload"
	expect_tcp "$OUT" "$HOST4" 8080 "c1 $OUT4"
	expect_tcp "$OUT" "$HOST6" 8080 "c1 $(peer "$OUT6")"
	expect_tcp "$OUT" "$HOST4" 8090 "c2 $OUT4"
	expect_tcp "$C1" "$OUT4" 9000 "out $HOST4"
	# the isolation is back too (n1 is strict)
	ping_fails "$C1" 10.92.0.2

	fw_reload
	assert_same_text "$before" "$(ruleset)" "ruleset after a second reload"

	fw_teardown "$C1" "$j1"
	fw_teardown "$C2" "$j2"
	assert_eq "$(ruleset)" "" "ruleset after the last teardown"
}

# drift_repaired WHAT BEFORE: netd check reports nothing, the ruleset is BEFORE again
# and one firewall-reload made exactly one generation.
reload_one_gen() {
	local g
	g=$(gens)
	fw_reload
	wait_gens $((g + 1))
	assert_eq "$(($(gens) - g))" 1 "generations for firewall-reload after: $1"
	assert_same_text "$2" "$(ruleset)" "ruleset after firewall-reload after: $1"
	nd check
	assert_eq "$status" 0 "netd check after the reload after: $1 ($output)"
}

# traffic_ok: ports of C1 and C2 published, n1 (strict) isolated from n2.
traffic_ok() {
	expect_tcp "$OUT" "$HOST4" 8080 "c1 $OUT4"
	expect_tcp "$OUT" "$HOST6" 8080 "c1 $(peer "$OUT6")"
	expect_tcp "$OUT" "$HOST4" 8090 "c2 $OUT4"
	ping_fails "$C1" 10.92.0.2
}

@test "drift: netd check names every difference; firewall-reload restores in one transaction" {
	local before h
	two_with_ports
	traffic_ok
	before=$(ruleset)
	start_monitor
	nd check
	assert_eq "$status" 0 "netd check before any damage ($output)"

	# 1. the table flushed: chains kept, every rule gone
	hnft flush table inet netd
	expect_no_tcp "$OUT" "$HOST4" 8080
	nd check
	assert_status 1
	assert_contains "$output" "nftables: missing rule in chain forward: "
	assert_contains "$output" "nftables: missing rule in chain prerouting: "
	assert_contains "$output" "nftables: missing rule in chain nw_nfbr0: "
	assert_not_contains "$output" "missing chain" "flushed table"
	assert_not_contains "$output" "missing element" "flushed table"
	assert_eq "$(tail -1 <<<"$output")" "$(grep -c '^nftables: missing rule in chain ' <<<"$output") problems found" "only missing rules"
	reload_one_gen "nft flush table inet netd" "$before"
	traffic_ok

	# 2. one rule deleted (the first of chain prerouting: its jump to hostports)
	h=$(hnft -a list chain inet netd prerouting | grep 'jump hostports' | grep -m1 -o 'handle [0-9]*$' | cut -d' ' -f2)
	hnft delete rule inet netd prerouting handle "$h"
	expect_no_tcp "$OUT" "$HOST4" 8080
	nd check
	assert_status 1
	assert_match "$output" $'^nftables: missing rule in chain prerouting: [^\n]*immediate reg 0 jump -> hostports[^\n]*\n1 problem found$'
	reload_one_gen "a deleted rule" "$before"
	traffic_ok

	# 3. a chain deleted (after flushing it)
	hnft flush chain inet netd input
	hnft delete chain inet netd input
	nd check
	assert_status 1
	assert_contains "$output" "nftables: missing chain input (type filter hook input priority -1 policy accept)"
	reload_one_gen "a deleted chain" "$before"

	# 4. a published port's map element deleted
	hnft delete element inet netd pf4 '{ tcp . 8080 }'
	expect_no_tcp "$OUT" "$HOST4" 8080
	nd check
	assert_status 1
	assert_match "$output" $'^nftables: missing element [0-9a-f]+ : [0-9a-f]+ of pf4\n1 problem found$'
	reload_one_gen "a deleted map element" "$before"
	traffic_ok

	# 5. a stray element added: it must go
	hnft add element inet netd br_fwd '{ "stray0" }'
	nd check
	assert_status 1
	assert_eq "$output" 'nftables: not expected element "stray0" of br_fwd
1 problem found' "stray element"
	reload_one_gen "a stray element" "$before"

	# nothing differs: firewall-reload makes no generation at all
	local g
	g=$(gens)
	fw_reload
	sleep 0.3
	assert_eq "$(gens)" "$g" "generations for a reload with nothing lost"

	fw_teardown "$C1" "$j1"
	fw_teardown "$C2" "$j2"
	assert_eq "$(ruleset)" "" "ruleset after the last teardown"
}

@test "teardown after the rules were lost (elements deleted, ruleset flushed) succeeds" {
	local j1 j2
	mkctr C1 C2
	j1=$(fw_req 1 "[$(pm "" 8080 80 1 tcp)]" "$(net1)" "$(att1 2)")
	j2=$(fw_req 2 '[]' "$(fw_net n2 nfbr1 10.92.0.0/24)" "$(fw_att n2 eth0 10.92.0.2)")
	fw_setup "$C1" "$j1"
	fw_setup "$C2" "$j2"
	# an admin removed some of C1's elements by hand
	hnft delete element inet netd pf4 '{ tcp . 8080 }'
	hnft delete element inet netd br_dns '{ "nfbr0" }'
	fw_teardown "$C1" "$j1"
	# nothing of n1 (nfbr0) is left: no element, no per-network chain
	assert_not_contains "$(hnft list table inet netd)" nfbr0 "table inet netd after C1's teardown"
	assert_contains "$(hnft list table inet netd)" nfbr1 "table inet netd after C1's teardown"
	# everything flushed: teardown neither fails nor re-creates anything
	hnft flush ruleset
	fw_teardown "$C2" "$j2"
	assert_eq "$(ruleset)" "" "ruleset after the last teardown"
}

# gens: "# new generation" lines nft monitor has printed so far.
# start_monitor: nft monitor of $HOST into $MON, listening when this returns.
start_monitor() {
	local i
	MON=$BATS_TEST_TMPDIR/monitor.log
	ip netns exec "$HOST" nft monitor >"$MON" 2>&1 3>&- </dev/null &
	BG_PIDS+=($!)
	# wait until the monitor listens: a probe table it must report
	for ((i = 0; i < 20; i++)); do
		hnft add table inet nfwprobe
		hnft delete table inet nfwprobe
		sleep 0.1
		grep -q 'delete table inet nfwprobe' "$MON" && break
	done
	grep -q 'delete table inet nfwprobe' "$MON" || die "nft monitor reports nothing"
	sleep 0.1
}

gens() {
	grep -c '^# new generation' "$MON" || true
}

# wait_gens N: until the monitor has printed N generations (max ~3 s), then
# a little longer so that a late extra one would be seen too.
wait_gens() {
	local i
	for ((i = 0; i < 60; i++)); do
		(($(gens) >= $1)) && break
		sleep 0.05
	done
	sleep 0.3
}

@test "one nftables transaction per setup and per teardown (nft monitor)" {
	local n2 j1 j2 g
	mkctr C1 C2
	start_monitor

	n2=$(net_opt "$(fw_net n2 nfbr1 10.92.0.0/24 fd92::/64)" isolate true)
	j1=$(fw_req 1 "[$(pm "" 8080 80 1 tcp),$(pm "" 8000 80 3 udp),$(pm :: 8100 81 1 tcp)]" \
		"$(net1)" "$(att1 2)" "$n2" "$(fw_att n2 eth1 10.92.0.2 fd92::2)")
	j2=$(fw_req 2 "[$(pm "" 9080 80 1 tcp)]" "$(net1)" "$(att1 3)")

	g=$(gens)
	fw_setup "$C1" "$j1"	# creates the table: two networks, ports
	wait_gens $((g + 1))
	assert_eq "$(($(gens) - g))" 1 "generations for setup 1 (2 networks, ports, new table)"
	g=$(gens)
	fw_setup "$C2" "$j2"	# table exists: elements only
	wait_gens $((g + 1))
	assert_eq "$(($(gens) - g))" 1 "generations for setup 2"
	g=$(gens)
	fw_teardown "$C1" "$j1"	# n2 goes, n1 stays
	wait_gens $((g + 1))
	assert_eq "$(($(gens) - g))" 1 "generations for teardown 1"
	g=$(gens)
	fw_teardown "$C2" "$j2"	# the last one: the table goes
	wait_gens $((g + 1))
	assert_eq "$(($(gens) - g))" 1 "generations for teardown 2"
	assert_eq "$(grep '^# new generation' "$MON" | grep -vc '(nft)$')" 4 \
		"generations made by netd"
	assert_eq "$(ruleset)" "" "ruleset at the end"

	# firewall-reload after a flush: one transaction as well
	fw_setup "$C1" "$j1"
	g=$(gens)
	hnft flush ruleset
	wait_gens $((g + 1))
	g=$(gens)
	fw_reload
	wait_gens $((g + 1))
	assert_eq "$(($(gens) - g))" 1 "generations for firewall-reload"
	fw_teardown "$C1" "$j1"
}

@test "admin forward chain with policy drop: netd's accept needs the admin's ct mark rule" {
	local j admin
	mkctr C1
	# An admin table with a drop-policy forward chain at priority 0. netd's
	# own forward chain (priority filter-1) runs first, but nftables cannot
	# override another table's drop: an accept in one base chain only ends
	# that chain, and the packet still goes through every other base chain
	# on the hook. So without the admin's consent nothing is forwarded.
	hnft -f - <<-'EOF'
		table inet admin {
			chain forward {
				type filter hook forward priority 0; policy drop;
			}
		}
	EOF
	admin=$(hnft list table inet admin)
	j=$(fw_req 1 "[$(pm "" 8080 80 1 tcp)]" "$(net1)" "$(att1 2)")
	fw_setup "$C1" "$j"
	assert_same_text "$admin" "$(hnft list table inet admin)" "table inet admin after setup"
	serve "$OUT" tcp 4 9000 out
	serve "$OUT" tcp 6 9000 out
	serve "$C1" tcp 4 80 c1
	serve "$C1" tcp 6 80 c1

	expect_no_tcp "$C1" "$OUT4" 9000
	expect_no_tcp "$C1" "$OUT6" 9000
	expect_no_tcp "$OUT" "$HOST4" 8080
	expect_no_tcp "$OUT" "$HOST6" 8080

	# the documented one-liner: pass what netd accepted
	hnft add rule inet admin forward ct mark and 0x4000 == 0x4000 accept
	admin=$(hnft list table inet admin)
	expect_tcp "$C1" "$OUT4" 9000 "out $HOST4"
	expect_tcp "$C1" "$OUT6" 9000 "out $(peer "$HOST6")"
	expect_tcp "$OUT" "$HOST4" 8080 "c1 $OUT4"
	expect_tcp "$OUT" "$HOST6" 8080 "c1 $(peer "$OUT6")"
	assert_same_text "$admin" "$(hnft list table inet admin)" "table inet admin after traffic"

	fw_teardown "$C1" "$j"
	assert_same_text "$admin" "$(hnft list table inet admin)" "table inet admin after teardown"
	! has_netd_table || die "table inet netd left after the last teardown"
}

@test "NETAVARK_DNS_PORT=5353: DNS to gateway:53 goes to gateway:5353" {
	local n j
	mkctr C1
	n=$(fw_net n1 nfbr0 10.96.0.0/24 fd96::/64 | jq -c '.dns_enabled = true')
	j=$(fw_req 1 '[]' "$n" "$(fw_att n1 eth0 10.96.0.2 fd96::2)")
	fw_setup "$C1" "$j" NETAVARK_DNS_PORT=5353
	assert_contains "$(hnft list map inet netd dnsgw4)" "10.96.0.1 : 10.96.0.1 . 5353" "dnsgw4"
	assert_contains "$(hnft list map inet netd dnsgw6)" "fd96::1 : fd96::1 . 5353" "dnsgw6"

	serve "$HOST" udp 4 5353 dns5353 10.96.0.1
	serve "$HOST" tcp 4 5353 dns5353 10.96.0.1
	serve "$HOST" udp 6 5353 dns5353 fd96::1
	expect_udp "$C1" 10.96.0.1 53 "dns5353 10.96.0.2"
	expect_tcp "$C1" 10.96.0.1 53 "dns5353 10.96.0.2"
	expect_udp "$C1" fd96::1 53 "dns5353 $(peer fd96::2)"

	# an admin input chain that drops all but what netd accepted (and ICMPv6
	# for neighbour discovery): the redirected DNS still gets in, port 5353
	# itself does not
	hnft -f - <<-'EOF'
		table inet admin {
			chain input {
				type filter hook input priority filter; policy drop;
				ct mark & 0x4000 == 0x4000 accept
				meta l4proto ipv6-icmp accept
			}
		}
	EOF
	expect_udp "$C1" 10.96.0.1 53 "dns5353 10.96.0.2"
	expect_tcp "$C1" 10.96.0.1 53 "dns5353 10.96.0.2"
	expect_udp "$C1" fd96::1 53 "dns5353 $(peer fd96::2)"
	expect_no_tcp "$C1" 10.96.0.1 5353
	hnft delete table inet admin

	# the port is remembered for firewall-reload
	hnft flush ruleset
	fw_reload
	assert_contains "$(hnft list map inet netd dnsgw4)" "10.96.0.1 : 10.96.0.1 . 5353" \
		"dnsgw4 after firewall-reload"
	expect_udp "$C1" 10.96.0.1 53 "dns5353 10.96.0.2"

	fw_teardown "$C1" "$j" NETAVARK_DNS_PORT=5353
	! has_netd_table || die "table inet netd left after the last teardown"
}

@test "a network's DNS redirect goes with its last container, whatever NETAVARK_DNS_PORT says then" {
	local n1 n2 j1 j2
	mkctr C1 C2
	n1=$(fw_net n1 nfbr0 10.96.0.0/24 | jq -c '.dns_enabled = true')
	n2=$(fw_net n2 nfbr1 10.92.0.0/24)
	j1=$(fw_req 1 '[]' "$n1" "$(fw_att n1 eth0 10.96.0.2)")
	j2=$(fw_req 2 '[]' "$n2" "$(fw_att n2 eth0 10.92.0.2)")
	fw_setup "$C2" "$j2"	# keeps the table
	fw_setup "$C1" "$j1" NETAVARK_DNS_PORT=5353
	assert_contains "$(hnft list map inet netd dnsgw4)" "10.96.0.1 : 10.96.0.1 . 5353" "dnsgw4"
	# the DNS port setting changed (or is not passed) by the time of the teardown
	fw_teardown "$C1" "$j1"
	assert_not_contains "$(hnft list map inet netd dnsgw4)" 10.96.0.1 \
		"dnsgw4 after the network's last container left"
	# so that the network can come back with the DNS server on port 53
	# (a stale 10.96.0.1 → 10.96.0.1:5353 would still send its DNS to 5353)
	fw_setup "$C1" "$j1"
	serve "$HOST" udp 4 53 dns53 10.96.0.1
	expect_udp "$C1" 10.96.0.1 53 "dns53 10.96.0.2"
	fw_teardown "$C1" "$j1"
	fw_teardown "$C2" "$j2"
	assert_eq "$(ruleset)" "" "ruleset after the last teardown"
}

@test "--firewall-driver none and NETAVARK_FW=none: no table" {
	local j
	mkctr C1
	j=$(fw_req 1 "[$(pm "" 8080 80 1 tcp)]" "$(net1)" "$(att1 2)")

	nd --firewall-driver none setup "/run/netns/$C1" <<<"$j"
	[[ $status -eq 0 ]] || { show_run; die "setup with --firewall-driver none failed"; }
	assert_eq "$(ruleset)" "" "ruleset with --firewall-driver none"
	# no masquerade: the outside (whose default route is the host) sees the container
	serve "$OUT" tcp 4 9000 out
	expect_tcp "$C1" "$OUT4" 9000 "out 10.91.0.2"
	nd --firewall-driver none teardown "/run/netns/$C1" <<<"$j"
	[[ $status -eq 0 ]] || { show_run; die "teardown with --firewall-driver none failed"; }
	assert_eq "$(ruleset)" "" "ruleset after teardown"

	nd NETAVARK_FW=none setup "/run/netns/$C1" <<<"$j"
	[[ $status -eq 0 ]] || { show_run; die "setup with NETAVARK_FW=none failed"; }
	assert_eq "$(ruleset)" "" "ruleset with NETAVARK_FW=none"
	nd NETAVARK_FW=none firewall-reload </dev/null
	[[ $status -eq 0 ]] || { show_run; die "firewall-reload with NETAVARK_FW=none failed"; }
	assert_eq "$(ruleset)" "" "ruleset after firewall-reload with NETAVARK_FW=none"
	nd NETAVARK_FW=none teardown "/run/netns/$C1" <<<"$j"
	[[ $status -eq 0 ]] || { show_run; die "teardown with NETAVARK_FW=none failed"; }
	assert_eq "$(ruleset)" "" "ruleset after teardown"

	# the flag wins over the environment
	nd NETAVARK_FW=none --firewall-driver nftables setup "/run/netns/$C1" <<<"$j"
	[[ $status -eq 0 ]] || { show_run; die "setup failed"; }
	has_netd_table || die "--firewall-driver nftables did not win over NETAVARK_FW=none"
	nd NETAVARK_FW=none --firewall-driver nftables teardown "/run/netns/$C1" <<<"$j"
	[[ $status -eq 0 ]] || { show_run; die "teardown failed"; }
	assert_eq "$(ruleset)" "" "ruleset after teardown"
}
