#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# netd-dns as an attacker sees it: who can get answers, who can make it
# forward, who can stand in for it, and what a large answer looks like over
# UDP. netd-dns serves a query only when its source address is one that the
# file of the network whose gateway got the query lists for a container;
# everyone else gets REFUSED and nothing is forwarded for them. See
# dns_helpers.bash for the namespaces ($HOST, $UP with the dnsmasq
# upstreams, $C1..$C3) and the safety measures (private resolv.conf, no
# default route out of $HOST). Needs root.

load helpers
load dns_helpers

GW4A=10.89.0.1
GW6A=fd10:89::1
GW4B=10.90.0.1

neta() { dnet dnsa ndsbr0 10.89.0.0/24 fd10:89::/64; }

# wire NS HOSTIF ADDR/LEN: a veth from $HOST (HOSTIF) to eth0 in NS with ADDR/LEN, both up.
wire() {
	ip -n "$HOST" link add "$2" type veth peer name eth0 netns "$1"
	ip -n "$1" addr add "$3" dev eth0
	ip -n "$1" link set eth0 up
	ip -n "$HOST" link set "$2" up
}

# expect_refused NS SERVER NAME TYPE [+dig-option...]: REFUSED, no records.
expect_refused() {
	expect_status "$1" "$2" "$3" "$4" REFUSED "${@:5}"
}

# upstream_silent TAG: the upstream got no query at all (after a grace period).
upstream_silent() {
	sleep 0.5
	if [[ -n $(upstream_queries "$1") ]]; then
		upstream_queries "$1" >&2
		die "upstream $1 was asked on behalf of a client netd-dns must refuse"
	fi
}

@test "a host outside every network, routed to a gateway: REFUSED for container names, outside names and PTR; the upstream sees nothing" {
	local j
	upstream "$UP1" up1
	j=$(dreq "$(dcid 1)" web "$(neta)" "$(datt dnsa eth0 10.89.0.2 fd10:89::2)")
	dsetup "$C1" "$j"
	# C3 plays a host on another link of the machine, with a route to the gateways
	wire "$C3" out0 198.51.100.2/24
	ip -n "$HOST" addr add 198.51.100.1/24 dev out0
	ip -n "$C3" route add default via 198.51.100.1
	# the registered container is served
	expect_rr "$C1" "$GW4A" web A 10.89.0.2
	expect_rr "$C1" "$GW4A" www.example.test A 198.51.100.7
	upstream_saw up1 "query[A] www.example.test" || die "the upstream did not see the container's query"
	: >"$BATS_TEST_TMPDIR/up1.log"

	expect_refused "$C3" "$GW4A" web A
	expect_refused "$C3" "$GW4A" web.dns.podman A +tcp
	expect_refused "$C3" "$GW4A" leak.example.test A
	expect_refused "$C3" "$GW4A" leak.example.test A +tcp
	expect_refused "$C3" "$GW4A" 2.0.89.10.in-addr.arpa PTR
	upstream_silent up1
	# the container still is, afterwards
	expect_rr "$C1" "$GW4A" web A 10.89.0.2
	dteardown "$C1" "$j"
}

@test "a container of a network without DNS, and one of another DNS network, asking this network's gateway: REFUSED, nothing forwarded" {
	local ja jn jb
	upstream "$UP1" up1
	ja=$(dreq "$(dcid 1)" web "$(neta)" "$(datt dnsa eth0 10.89.0.2 fd10:89::2)")
	jn=$(dreq "$(dcid 2)" nodns "$(net_json plain ndsbr1 10.90.0.0/24)" "$(att_json plain eth0 10.90.0.2)")
	jb=$(dreq "$(dcid 3)" onb "$(dnet dnsb ndsbr2 10.92.0.0/24)" "$(datt dnsb eth0 10.92.0.2)")
	dsetup "$C1" "$ja"
	dsetup "$C2" "$jn"
	dsetup "$C3" "$jb"
	# no DNS on the plain network's gateway: the only server is another network's
	! listening udp "$GW4B" 53 || die "something listens on $GW4B:53"
	expect_refused "$C2" "$GW4A" web A
	expect_refused "$C2" "$GW4A" leak.example.test A
	expect_refused "$C2" "$GW4A" leak.example.test A +tcp
	expect_refused "$C3" "$GW4A" web A
	expect_refused "$C3" "$GW4A" leak.example.test A
	upstream_silent up1
	# each registered container through its own gateway
	expect_rr "$C3" 10.92.0.1 onb A 10.92.0.2
	expect_rr "$C1" "$GW4A" web A 10.89.0.2
	dteardown "$C3" "$jb"
	dteardown "$C2" "$jn"
	dteardown "$C1" "$ja"
}

@test "internal network: an unregistered address on the bridge gets REFUSED and no query leaves; registered containers resolve, and never forward through it" {
	local n j1 j2
	upstream "$UP1" up1
	n=$(dnet dnsi ndsbr2 10.91.0.0/24 | jq -c --arg s "$UP1" '.internal = true | .network_dns_servers = [$s]')
	j1=$(dreq "$(dcid 1)" i1 "$n" "$(datt dnsi eth0 10.91.0.2)")
	# C2 is on the internal network and on an ordinary one
	j2=$(dreq "$(dcid 2)" i2 "$n" "$(datt dnsi eth0 10.91.0.3)" "$(neta)" "$(datt dnsa eth1 10.89.0.3)")
	dsetup "$C1" "$j1"
	dsetup "$C2" "$j2"
	# C3: an address inside the internal network that no container has,
	# plugged into the bridge by hand
	wire "$C3" hv0 10.91.0.99/24
	ip -n "$HOST" link set hv0 master ndsbr2

	expect_refused "$C3" 10.91.0.1 leak.example.test A
	expect_refused "$C3" 10.91.0.1 leak.example.test TXT +tcp
	expect_refused "$C3" 10.91.0.1 i1 A
	upstream_silent up1

	expect_rr "$C1" 10.91.0.1 i2 A 10.91.0.3
	expect_status "$C1" 10.91.0.1 leak.example.test A NXDOMAIN
	# through the internal gateway nothing leaves, even for a container that
	# also has an ordinary network
	expect_status "$C2" 10.91.0.1 leak.example.test A NXDOMAIN
	expect_status "$C2" 10.91.0.1 leak.example.test A NXDOMAIN +tcp
	upstream_silent up1
	# through its ordinary network's gateway it is forwarded
	expect_rr "$C2" "$GW4A" www.example.test A 198.51.100.7
	upstream_saw up1 "query[A] www.example.test" || die "the upstream did not see the query through dnsa"
	dteardown "$C2" "$j2"
	dteardown "$C1" "$j1"
}

@test "a container publishing 53/udp on all host addresses does not answer other networks' queries to their gateway" {
	local jp jw
	command -v nft >/dev/null || skip "nft is not installed"
	command -v dnsmasq >/dev/null || skip "dnsmasq is not installed"
	FW=nftables
	# netd's nftables driver wants a default route in the host (MTU lookup)
	ip -n "$HOST" route add default via 192.0.2.2
	jp=$(dreq "$(dcid 1)" pub "$(net_json plain ndsbr1 10.90.0.0/24)" "$(att_json plain eth0 10.90.0.2)" |
		jq -c '.port_mappings = [{host_ip: "", container_port: 53, host_port: 53, range: 1, protocol: "udp"}]')
	jw=$(dreq "$(dcid 2)" web "$(neta)" "$(datt dnsa eth0 10.89.0.2 fd10:89::2)")
	dsetup "$C1" "$jp"
	dsetup "$C2" "$jw"
	# the fake resolver in C1 answers every name with 203.0.113.66
	ip netns exec "$C1" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
		--keep-in-foreground --user=root --group=root --pid-file= \
		--listen-address=10.90.0.2 --bind-interfaces --port 53 --address=/#/203.0.113.66 \
		</dev/null >"$BATS_TEST_TMPDIR/fake.out" 2>&1 3>&- &
	BG_PIDS+=("$!")
	local k
	for ((k = 0; k < 50; k++)); do
		ip netns exec "$C1" ss -Hlun "src 10.90.0.2:53" | grep -q . && break
		sleep 0.1
	done
	# the published port is real: from outside, the host's port 53 is C1's resolver
	expect_rr "$UP" 192.0.2.1 anything A 203.0.113.66
	# C2 asks its own gateway: netd-dns answers, not C1
	expect_rr "$C2" "$GW4A" web A 10.89.0.2
	expect_rr "$C2" "$GW6A" web AAAA fd10:89::2
	expect_rr "$C2" "$GW4A" web A 10.89.0.2 +tcp
	dassert_not_contains "$DIG_OUT" 203.0.113.66 "C2's answer"
	dteardown "$C2" "$jw"
	dteardown "$C1" "$jp"
}

@test "UDP answers over the client's limit are cut at a record boundary with TC, forwarded and cached alike; dig then gets all of it over TCP" {
	local j i n1 n2 n3
	for ((i = 1; i <= 100; i++)); do
		printf '198.51.100.%d big.test\n' "$i"
	done >"$BATS_TEST_TMPDIR/up1.hosts"
	upstream "$UP1" up1 --local-ttl=300
	j=$(dreq "$(dcid 1)" web "$(neta)" "$(datt dnsa eth0 10.89.0.2 fd10:89::2)")
	dsetup "$C1" "$j"

	# no EDNS: 512 bytes, header + question (26 bytes) + 30 A records of 16, no OPT record
	dq "$C1" +notcp +ignore +noedns "@$GW4A" big.test A
	dassert_eq "$DIG_STATUS" NOERROR "status without EDNS"
	assert_contains " $DIG_FLAGS " " tc " "flags without EDNS" || { show_dig; return 1; }
	dassert_eq "$(grep -c . <<<"$DIG_ANSWER")" 30 "A records in the 512-byte answer"
	assert_contains "$DIG_OUT" "MSG SIZE  rcvd: 506" "size of the cut answer" || { show_dig; return 1; }
	dassert_not_contains "$DIG_OUT" "OPT PSEUDOSECTION" "an answer to a query without EDNS"
	dassert_not_contains "$DIG_OUT" "malformed" "dig on the cut answer"
	dassert_not_contains "$DIG_OUT" "WARNING" "dig on the cut answer"
	n1=$(upstream_queries up1 | grep -c big.test)

	# EDNS 1232: its own cache entry (the answer carries an OPT record), so the
	# upstream is asked once more; (1232 - 26 - 11) / 16 = 74 records and the
	# 11-byte OPT record, which a cut keeps (RFC 6891, 7)
	dq "$C1" +notcp +ignore +bufsize=1232 "@$GW4A" big.test A
	dassert_eq "$DIG_STATUS" NOERROR "status with EDNS 1232"
	assert_contains " $DIG_FLAGS " " tc " "flags with EDNS 1232" || { show_dig; return 1; }
	dassert_eq "$(grep -c . <<<"$DIG_ANSWER")" 74 "A records in the 1232-byte answer"
	assert_contains "$DIG_OUT" "OPT PSEUDOSECTION" "the cut EDNS answer" || { show_dig; return 1; }
	assert_contains "$DIG_OUT" "MSG SIZE  rcvd: 1221" "size of the cut EDNS answer" || { show_dig; return 1; }
	dassert_not_contains "$DIG_OUT" "malformed" "dig on the cut answer"
	n2=$(upstream_queries up1 | grep -c big.test)
	((n2 > n1)) || { show_dig; die "the EDNS query was answered from the cache entry of the query without EDNS"; }

	# both cached answers are cut the same way again, without asking the upstream
	dq "$C1" +notcp +ignore +bufsize=1232 "@$GW4A" big.test A
	assert_contains " $DIG_FLAGS " " tc " "flags of the cached EDNS answer" || { show_dig; return 1; }
	dassert_eq "$(grep -c . <<<"$DIG_ANSWER")" 74 "A records in the cached 1232-byte answer"
	assert_contains "$DIG_OUT" "OPT PSEUDOSECTION" "the cached EDNS answer" || { show_dig; return 1; }
	dq "$C1" +notcp +ignore +noedns "@$GW4A" big.test A
	assert_contains " $DIG_FLAGS " " tc " "flags of the cached answer" || { show_dig; return 1; }
	dassert_eq "$(grep -c . <<<"$DIG_ANSWER")" 30 "A records in the cached 512-byte answer"
	dassert_not_contains "$DIG_OUT" "OPT PSEUDOSECTION" "the cached answer without EDNS"
	n3=$(upstream_queries up1 | grep -c big.test)
	assert_eq "$n3" "$n2" "upstream queries for big.test (the later answers came from the cache)"

	# plain dig retries over TCP and gets all 100
	dq "$C1" +noedns "@$GW4A" big.test A
	dassert_eq "$DIG_STATUS" NOERROR "status after the TCP retry"
	assert_contains "$DIG_OUT" "Truncated, retrying in TCP mode" "dig output" || { show_dig; return 1; }
	dassert_eq "$(grep -c . <<<"$DIG_ANSWER")" 100 "A records over TCP"
	dq "$C1" "@$GW4A" big.test A
	dassert_eq "$(grep -c . <<<"$DIG_ANSWER")" 100 "A records with dig's defaults"
	dteardown "$C1" "$j"
}
