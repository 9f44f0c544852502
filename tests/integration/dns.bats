#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# netd + netd-dns: name resolution for dns_enabled bridge networks, with real
# queries (dig) from container namespaces to the gateways, and dnsmasq
# instances in a separate namespace as the upstream resolvers. netd writes
# <config>/aardvark-dns/<network> and starts netd-dns (-a) or sends it
# SIGHUP. See dns_helpers.bash for the namespace layout and the safety
# measures (netd-dns never sees the machine's own resolv.conf). Needs root.

load helpers
load dns_helpers

GW4A=10.89.0.1
GW6A=fd10:89::1
GW4B=10.90.0.1
GW6B=fd10:90::1

neta() { dnet dnsa ndsbr0 10.89.0.0/24 fd10:89::/64; }
netb() { dnet dnsb ndsbr1 10.90.0.0/24 fd10:90::/64; }

# The usual pair on network dnsa:
#   C1: "web", aliases "www" and its short id (as Podman passes them),
#       10.89.0.2 + fd10:89::2
#   C2: "db", no aliases, IPv4 only, 10.89.0.3
two_on_a() {
	ID1=$(dcid 1)
	ID2=$(dcid 2)
	SHORT1=${ID1:0:12}
	SHORT2=${ID2:0:12}
	J1=$(dreq "$ID1" web "$(neta)" "$(datt dnsa eth0 10.89.0.2 fd10:89::2 -- www "$SHORT1")")
	J2=$(dreq "$ID2" db "$(neta)" "$(datt dnsa eth0 10.89.0.3)")
	dsetup "$C1" "$J1"
	dsetup "$C2" "$J2"
}

# ---------------------------------------------------------------------------
# local answers
@test "upstream on an IPv6 link-local address with a zone (nameserver fe80::53%up0) is used through that interface" {
	local n
	command -v dnsmasq >/dev/null || skip "dnsmasq is not installed (apt-get install dnsmasq-base)"
	ip -n "$UP" addr add fe80::53/64 dev eth0 nodad
	: >"$BATS_TEST_TMPDIR/ll.log"
	ip netns exec "$UP" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
		--keep-in-foreground --user=root --group=root --pid-file= \
		--interface=eth0 --bind-dynamic --port 53 \
		--address=/example.test/198.51.100.7 --address=/#/ \
		--log-queries --log-facility="$BATS_TEST_TMPDIR/ll.log" \
		</dev/null >"$BATS_TEST_TMPDIR/ll.out" 2>&1 3>&- &
	BG_PIDS+=("$!")
	for ((n = 0; n < 50; n++)); do
		ip netns exec "$UP" ss -Hlun | grep -qF '[fe80::53]%eth0:53' && break
		sleep 0.1
	done
	((n < 50)) || { cat "$BATS_TEST_TMPDIR/ll.out" >&2; die "dnsmasq did not listen on fe80::53"; }
	# the only upstream: link-local, with the zone of $HOST's side of the link
	printf 'nameserver fe80::53%%up0\n' >"$RESOLV"
	ID1=$(dcid 1)
	dsetup "$C1" "$(dreq "$ID1" web "$(neta)" "$(datt dnsa eth0 10.89.0.2)")"
	expect_rr "$C1" "$GW4A" example.test A 198.51.100.7 || { show_dns_log; return 1; }
	upstream_saw ll "query[A] example.test" || die "the link-local upstream saw no query"
}


@test "network_info key differs from the network's name: accepted; DNS file and result use the name" {
	local id j
	id=$(dcid 1)
	# as netavark's own test files write it: key "k1", name "dnsa"
	j=$(dreq "$id" web "$(neta)" "$(datt dnsa eth0 10.89.0.2)" |
		jq -c '.network_info = {k1: .network_info.dnsa} | .networks = {k1: .networks.dnsa}')
	dsetup "$C1" "$j"
	assert_eq "$(jq -c 'keys' <<<"$RESULT")" '["dnsa"]' "result keys"
	assert_eq "$(ls "$DNSDIR" | grep -v '^aardvark.pid$' | tr '\n' ' ')" "dnsa " "DNS files"
	expect_rr "$C1" "$GW4A" web A 10.89.0.2
	dteardown "$C1" "$j"
	assert_eq "$(sed 1d "$DNSDIR/dnsa" 2>/dev/null)" "" "entries after teardown"
}

@test "A and AAAA: names, aliases, short id, any case, with and without dns.podman, TTL 0, NODATA" {
	two_on_a

	# what netd wrote and reported
	assert_eq "$(cat "$DNSDIR/dnsa")" \
		"$GW4A,$GW6A
$ID1 10.89.0.2 fd10:89::2 web,www,$SHORT1
$ID2 10.89.0.3  db" "aardvark-dns/dnsa"
	assert_eq "$(jq -c '.dnsa.dns_search_domains' <<<"$RESULT")" '["dns.podman"]' dns_search_domains
	assert_eq "$(jq -c '.dnsa.dns_server_ips' <<<"$RESULT")" "[\"$GW4A\",\"$GW6A\"]" dns_server_ips
	dns_pid >/dev/null

	local srv
	for srv in "$GW4A" "$GW6A"; do
		# C1 has both families; C2 (IPv4 only) asks through the IPv4 gateway below
		expect_rr "$C1" "$srv" db A 10.89.0.3
		expect_rr "$C1" "$srv" DB.dns.podman A 10.89.0.3
		expect_rr "$C1" "$srv" Db.Dns.Podman. A 10.89.0.3
		# a container asks for itself
		expect_rr "$C1" "$srv" web A 10.89.0.2
		expect_rr "$C1" "$srv" web AAAA fd10:89::2
		# db has no IPv6 address: NOERROR without records (not forwarded: no upstream runs)
		expect_status "$C1" "$srv" db AAAA NOERROR
		expect_status "$C1" "$srv" db.dns.podman AAAA NOERROR
	done
	expect_rr "$C2" "$GW4A" web A 10.89.0.2
	expect_rr "$C2" "$GW4A" web AAAA fd10:89::2
	expect_rr "$C2" "$GW4A" www A 10.89.0.2
	expect_rr "$C2" "$GW4A" www AAAA fd10:89::2
	expect_rr "$C2" "$GW4A" web.dns.podman A 10.89.0.2
	expect_rr "$C2" "$GW4A" www.dns.podman. AAAA fd10:89::2
	expect_rr "$C2" "$GW4A" WEB A 10.89.0.2
	expect_rr "$C2" "$GW4A" Web.Dns.Podman A 10.89.0.2
	expect_rr "$C2" "$GW4A" WWW.DNS.PODMAN AAAA fd10:89::2
	# the 12-character short id (db's was not passed as an alias)
	expect_rr "$C1" "$GW4A" "$SHORT2" A 10.89.0.3
	expect_rr "$C1" "$GW6A" "${SHORT2^^}.dns.podman" A 10.89.0.3

	dteardown "$C2" "$J2"
	dteardown "$C1" "$J1"
}

@test "short id passed as an alias too (as Podman does): one record per address" {
	two_on_a
	expect_rr "$C2" "$GW4A" "$SHORT1" A 10.89.0.2
	expect_rr "$C1" "$GW6A" "$SHORT1.dns.podman" AAAA fd10:89::2
	expect_rr "$C2" "$GW4A" "${SHORT1^^}" A 10.89.0.2 +tcp
	dteardown "$C2" "$J2"
	dteardown "$C1" "$J1"
}

@test "TCP: single queries, and several queries on one connection (+keepopen)" {
	two_on_a

	expect_rr "$C2" "$GW4A" web A 10.89.0.2 +tcp
	expect_rr "$C1" "$GW6A" Web.Dns.Podman AAAA fd10:89::2 +tcp
	expect_status "$C1" "$GW4A" db AAAA NOERROR +tcp

	# three queries, one TCP connection
	dq "$C2" +tcp +keepopen "@$GW4A" web A www AAAA db A
	if [[ $DIG_RC -ne 0 ]] || [[ $(grep -c 'status: NOERROR' <<<"$DIG_OUT") -ne 3 ]]; then
		show_dig
		die "three queries over one TCP connection did not all get NOERROR"
	fi
	dassert_eq "$DIG_DATA" "10.89.0.2 10.89.0.3 fd10:89::2" "answers on the kept-open connection"

	# the same pipelined by hand: three length-prefixed queries written at
	# once on one connection, three replies in order
	if command -v python3 >/dev/null; then
		run ip netns exec "$C2" python3 - "$GW4A" <<'EOF'
import socket, struct, sys
def q(i, name, qtype):
    msg = struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0)
    for l in name.split("."):
        msg += bytes([len(l)]) + l.encode()
    return msg + b"\0" + struct.pack(">HH", qtype, 1)
s = socket.create_connection((sys.argv[1], 53), timeout=3)
s.sendall(b"".join(struct.pack(">H", len(m)) + m
                   for m in (q(11, "web", 1), q(12, "www", 28), q(13, "db", 1))))
buf = b""
out = []
while len(out) < 3:
    while len(buf) >= 2 and len(buf) >= 2 + struct.unpack(">H", buf[:2])[0]:
        n = struct.unpack(">H", buf[:2])[0]
        m, buf = buf[2:2 + n], buf[2 + n:]
        i, fl, qd, an = struct.unpack(">HHHH", m[:8])
        out.append("%d:%d:%d" % (i, fl & 0xf, an))
    if len(out) >= 3:
        break
    d = s.recv(4096)
    if not d:
        break
    buf += d
print(" ".join(out))
EOF
		assert_status 0
		assert_eq "$output" "11:0:1 12:0:1 13:0:1" "pipelined replies (id:rcode:answers)"
	fi

	dteardown "$C2" "$J2"
	dteardown "$C1" "$J1"
}

@test "TCP: an idle connection does not block other clients and is closed after a few seconds" {
	two_on_a

	ip netns exec "$C1" bash -c "exec 5<>/dev/tcp/$GW4A/53; sleep 10" 3>&- &
	BG_PIDS+=("$!")
	sleep 0.3
	expect_rr "$C2" "$GW4A" web A 10.89.0.2 +tcp
	expect_rr "$C2" "$GW4A" web A 10.89.0.2
	# a half-sent length prefix is not a reason to hang either
	ip netns exec "$C1" bash -c "exec 6<>/dev/tcp/$GW4A/53; printf '\\000' >&6; sleep 10" 3>&- &
	BG_PIDS+=("$!")
	sleep 0.3
	expect_rr "$C2" "$GW4A" www A 10.89.0.2 +tcp
	# the server drops idle connections (3 s in aardvark-dns)
	sleep 5
	run ip netns exec "$HOST" ss -Htn state established "sport = :53"
	assert_eq "$output" "" "established TCP connections to port 53 after 5 s idle"

	dteardown "$C2" "$J2"
	dteardown "$C1" "$J1"
}

@test "PTR for IPv4 and IPv6 (dig -x): every name of the container, TTL 0" {
	two_on_a

	dq "$C2" "@$GW4A" -x 10.89.0.2
	dassert_eq "$DIG_STATUS" NOERROR "PTR 10.89.0.2 status"
	dassert_eq "$DIG_ANSWER" "2.0.89.10.in-addr.arpa. 0 IN PTR web.
2.0.89.10.in-addr.arpa. 0 IN PTR www.
2.0.89.10.in-addr.arpa. 0 IN PTR $SHORT1." "PTR 10.89.0.2"

	dq "$C1" "@$GW6A" -x fd10:89::2
	dassert_eq "$DIG_STATUS" NOERROR "PTR fd10:89::2 status"
	local rev6
	rev6=2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.9.8.0.0.0.1.d.f.ip6.arpa.
	dassert_eq "$DIG_ANSWER" "$rev6 0 IN PTR web.
$rev6 0 IN PTR www.
$rev6 0 IN PTR $SHORT1." "PTR fd10:89::2"

	dq "$C1" +tcp "@$GW6A" -x 10.89.0.3
	dassert_eq "$DIG_STATUS" NOERROR "PTR 10.89.0.3 status"
	dassert_eq "$DIG_ANSWER" "3.0.89.10.in-addr.arpa. 0 IN PTR db." "PTR 10.89.0.3 over TCP"

	dteardown "$C2" "$J2"
	dteardown "$C1" "$J1"
}

# ---------------------------------------------------------------------------
# networks

@test "two networks: names isolated; a container on both resolves both; unknown *.dns.podman is NXDOMAIN locally" {
	local ja jb jab
	upstream "$UP1" up1
	ja=$(dreq "$(dcid 1)" ona "$(neta)" "$(datt dnsa eth0 10.89.0.2 fd10:89::2)")
	jb=$(dreq "$(dcid 2)" onb "$(netb)" "$(datt dnsb eth0 10.90.0.2 fd10:90::2)")
	jab=$(dreq "$(dcid 3)" both "$(neta)" "$(datt dnsa eth0 10.89.0.3 fd10:89::3)" \
		"$(netb)" "$(datt dnsb eth1 10.90.0.3 fd10:90::3)")
	dsetup "$C1" "$ja"
	dsetup "$C2" "$jb"
	dsetup "$C3" "$jab"
	assert_listening "$GW4A" 53
	assert_listening "$GW6A" 53
	assert_listening "$GW4B" 53
	assert_listening "$GW6B" 53

	# same network
	expect_rr "$C1" "$GW4A" both A 10.89.0.3
	expect_rr "$C2" "$GW4B" both A 10.90.0.3
	expect_rr "$C2" "$GW6B" both AAAA fd10:90::3

	# the other network's names are not visible: forwarded, the upstream says NXDOMAIN
	expect_status "$C1" "$GW4A" onb A NXDOMAIN
	upstream_saw up1 "query[A] onb from 192.0.2.1" || die "upstream did not see the query for onb"
	expect_status "$C2" "$GW4B" ona AAAA NXDOMAIN
	upstream_saw up1 "query[AAAA] ona from 192.0.2.1" || die "upstream did not see the query for ona"
	# not even through the other network's gateway (the bridges are routed in $HOST)
	dq "$C1" "@$GW4B" onb A
	dassert_not_contains "$DIG_ANSWER" 10.90.0.2 "onb asked by ona through dnsb's gateway"
	# nor by reverse lookup
	dq "$C1" "@$GW4A" -x 10.90.0.2
	dassert_not_contains "$DIG_ANSWER" "onb." "PTR of onb's address asked by ona"

	# the container on both networks sees both, through either gateway
	expect_rr "$C3" "$GW4A" ona A 10.89.0.2
	expect_rr "$C3" "$GW4A" onb A 10.90.0.2
	expect_rr "$C3" "$GW4B" ona.dns.podman AAAA fd10:89::2
	expect_rr "$C3" "$GW6B" onb.dns.podman AAAA fd10:90::2
	dq "$C3" "@$GW4A" -x 10.90.0.2
	dassert_eq "$DIG_DATA" "onb." "PTR 10.90.0.2 asked by both"
	# itself on both networks: one address per network
	expect_rr "$C1" "$GW4A" both A 10.89.0.3
	expect_rr "$C3" "$GW4A" both A 10.89.0.3 10.90.0.3

	# unknown names in the search domain: NXDOMAIN without asking the upstream
	expect_status "$C1" "$GW4A" nosuch.dns.podman A NXDOMAIN
	expect_status "$C3" "$GW4B" onb.nosuch.dns.podman AAAA NXDOMAIN +tcp
	sleep 0.5
	if upstream_queries up1 | grep -q nosuch; then
		upstream_queries up1 >&2
		die "names under dns.podman were forwarded"
	fi

	dteardown "$C3" "$jab"
	dteardown "$C2" "$jb"
	dteardown "$C1" "$ja"
}

# ---------------------------------------------------------------------------
# forwarding

@test "forwarding: names only the upstream knows, over UDP and TCP; other types for container names" {
	two_on_a
	upstream "$UP1" up1

	dq "$C1" "@$GW4A" foo.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.7" "forwarded A over UDP"
	assert_contains " $DIG_FLAGS " " ra " "flags of a forwarded reply"
	upstream_saw up1 "query[A] foo.example.test from 192.0.2.1" || die "upstream did not see foo (UDP)"

	dq "$C1" +tcp "@$GW6A" bar.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.7" "forwarded A over TCP"
	upstream_saw up1 "query[A] bar.example.test from 192.0.2.1" || die "upstream did not see bar (TCP)"

	# the upstream's NXDOMAIN is relayed
	expect_status "$C1" "$GW4A" nothing.invalid A NXDOMAIN
	expect_status "$C1" "$GW4A" nothing.invalid A NXDOMAIN +tcp
	# single-label names are forwarded too
	expect_status "$C1" "$GW4A" someshortname A NXDOMAIN
	upstream_saw up1 "query[A] someshortname from" || die "upstream did not see someshortname"

	# a type other than A/AAAA/PTR is never answered locally, even for a container name
	dq "$C1" "@$GW4A" web MX
	upstream_saw up1 "query[MX] web from 192.0.2.1" || { show_dig; die "MX web was not forwarded"; }

	dteardown "$C2" "$J2"
	dteardown "$C1" "$J1"
}

@test "upstream choice: container dns_servers, then network_dns_servers, then resolv.conf" {
	local ja jb jc
	printf '198.51.100.1 pick.example.test\n' >"$BATS_TEST_TMPDIR/up1.hosts"
	printf '198.51.100.2 pick.example.test\n' >"$BATS_TEST_TMPDIR/up2.hosts"
	printf '198.51.100.3 pick.example.test\n' >"$BATS_TEST_TMPDIR/up3.hosts"
	upstream "$UP1" up1
	upstream "$UP2" up2
	upstream "$UP3" up3

	# dnsa has network servers; C1 has its own; C2 has none; C3 is on dnsb (no network servers)
	ja=$(dreq "$(dcid 1)" c1 "$(neta | jq -c --arg s "$UP2" '.network_dns_servers = [$s]')" \
		"$(datt dnsa eth0 10.89.0.2)" | jq -c --arg s "$UP3" '.dns_servers = [$s]')
	jb=$(dreq "$(dcid 2)" c2 "$(neta | jq -c --arg s "$UP2" '.network_dns_servers = [$s]')" \
		"$(datt dnsa eth0 10.89.0.3)")
	jc=$(dreq "$(dcid 3)" c3 "$(netb)" "$(datt dnsb eth0 10.90.0.2)")
	dsetup "$C1" "$ja"
	assert_eq "$(jq -c '.dnsa.dns_server_ips' <<<"$RESULT")" "[\"$GW4A\",\"$GW6A\"]" \
		"dns_server_ips of C1"
	dsetup "$C2" "$jb"
	dsetup "$C3" "$jc"

	assert_eq "$(cat "$DNSDIR/dnsa")" "$GW4A,$GW6A $UP2
$(dcid 1) 10.89.0.2  c1 $UP3
$(dcid 2) 10.89.0.3  c2" "aardvark-dns/dnsa"

	local t
	for t in "" +tcp; do
		dq "$C1" $t "@$GW4A" pick.example.test A
		dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.3" "C1 (own servers) $t"
		dq "$C2" $t "@$GW4A" pick.example.test A
		dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.2" "C2 (network servers) $t"
		dq "$C3" $t "@$GW4B" pick.example.test A
		dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.1" "C3 (resolv.conf) $t"
	done
	upstream_saw up3 "query[A] pick.example.test from 192.0.2.1" || die "up3 saw nothing"
	upstream_saw up2 "query[A] pick.example.test from 192.0.2.1" || die "up2 saw nothing"
	upstream_saw up1 "query[A] pick.example.test from 192.0.2.1" || die "up1 saw nothing"

	# a second container-server list on the same network: each container its own
	dteardown "$C2" "$jb"
	jb=$(dreq "$(dcid 2)" c2 "$(neta | jq -c --arg s "$UP2" '.network_dns_servers = [$s]')" \
		"$(datt dnsa eth0 10.89.0.3)" | jq -c --arg s "$UP1" '.dns_servers = [$s]')
	dsetup "$C2" "$jb"
	dq "$C2" "@$GW4A" pick.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.1" "C2 with its own server"
	dq "$C1" "@$GW4A" pick.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.3" "C1 still with its own"

	dteardown "$C3" "$jc"
	dteardown "$C2" "$jb"
	dteardown "$C1" "$ja"
}

@test "internal network: container names resolve, anything else is NXDOMAIN and never forwarded" {
	local n j1 j2
	upstream "$UP1" up1
	n=$(dnet dnsi ndsbr2 10.91.0.0/24 | jq -c --arg s "$UP1" '.internal = true | .network_dns_servers = [$s]')
	j1=$(dreq "$(dcid 1)" i1 "$n" "$(datt dnsi eth0 10.91.0.2)" | jq -c --arg s "$UP1" '.dns_servers = [$s]')
	j2=$(dreq "$(dcid 2)" i2 "$n" "$(datt dnsi eth0 10.91.0.3)")
	dsetup "$C1" "$j1"
	dsetup "$C2" "$j2"
	[[ -f $DNSDIR/dnsi%int ]] || { ls -la "$DNSDIR" >&2; die "no aardvark-dns/dnsi%int"; }
	[[ ! -e $DNSDIR/dnsi ]] || die "a plain aardvark-dns/dnsi exists too"

	expect_rr "$C1" 10.91.0.1 i2 A 10.91.0.3
	expect_rr "$C2" 10.91.0.1 i1.dns.podman A 10.91.0.2
	expect_status "$C1" 10.91.0.1 foo.example.test A NXDOMAIN
	expect_status "$C2" 10.91.0.1 foo.example.test A NXDOMAIN +tcp
	expect_status "$C2" 10.91.0.1 i1 MX NXDOMAIN
	expect_status "$C2" 10.91.0.1 someshortname A NXDOMAIN
	sleep 0.5
	if [[ -n $(upstream_queries up1) ]]; then
		upstream_queries up1 >&2
		die "the upstream was asked on behalf of an internal network"
	fi

	dteardown "$C2" "$j2"
	dteardown "$C1" "$j1"
	[[ ! -e $DNSDIR/dnsi%int ]] || die "aardvark-dns/dnsi%int left after the last teardown"
}

@test "AARDVARK_NO_PROXY: unknown names are NXDOMAIN, nothing is forwarded" {
	upstream "$UP1" up1
	ID1=$(dcid 1)
	J1=$(dreq "$ID1" web "$(neta)" "$(datt dnsa eth0 10.89.0.2)")
	dsetup "$C1" "$J1" AARDVARK_NO_PROXY=1
	expect_rr "$C1" "$GW4A" web A 10.89.0.2
	expect_status "$C1" "$GW4A" foo.example.test A NXDOMAIN
	sleep 0.5
	[[ -z $(upstream_queries up1) ]] || die "forwarded despite AARDVARK_NO_PROXY"
	dteardown "$C1" "$J1"
}

@test "resolv.conf change is picked up without a restart or SIGHUP" {
	local pid
	printf '198.51.100.1 pick.example.test\n' >"$BATS_TEST_TMPDIR/up1.hosts"
	printf '198.51.100.2 pick.example.test\n' >"$BATS_TEST_TMPDIR/up2.hosts"
	upstream "$UP1" up1
	upstream "$UP2" up2
	ID1=$(dcid 1)
	J1=$(dreq "$ID1" web "$(neta)" "$(datt dnsa eth0 10.89.0.2)")
	dsetup "$C1" "$J1"
	pid=$(dns_pid)

	dq "$C1" "@$GW4A" pick.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.1" "before the change"

	# rewrite the file in place (the same inode is bind-mounted over /etc/resolv.conf)
	printf '# changed by the test\nnameserver %s\n' "$UP2" >"$RESOLV"
	sleep 2
	dq "$C1" "@$GW4A" pick.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.2" "after the change"
	assert_eq "$(dns_pid)" "$pid" "netd-dns pid"

	dteardown "$C1" "$J1"
}

@test "cache: an answer with a TTL is served after the upstream is gone; a TTL 1 answer expires" {
	printf '198.51.100.30 long.example.test\n' >"$BATS_TEST_TMPDIR/up1.hosts"
	upstream "$UP1" up1 --local-ttl=30
	ID1=$(dcid 1)
	J1=$(dreq "$ID1" web "$(neta)" "$(datt dnsa eth0 10.89.0.2)")
	dsetup "$C1" "$J1"

	dq "$C1" "@$GW4A" long.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.30" "first query"
	upstream_stop up1
	dq "$C1" "@$GW4A" long.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.30" "from the cache"
	dq "$C1" "@$GW4A" LONG.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.30" "from the cache, other case"
	# never asked before: nobody to answer it
	expect_no_reply "$C1" "$GW4A" other.example.test A

	# TTL 1
	printf '198.51.100.31 short.example.test\n' >"$BATS_TEST_TMPDIR/up1b.hosts"
	upstream "$UP1" up1b --local-ttl=1
	dq "$C1" "@$GW4A" short.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.31" "TTL 1 answer"
	upstream_stop up1b
	sleep 2.5
	expect_no_reply "$C1" "$GW4A" short.example.test A
	# the long one is still cached
	dq "$C1" "@$GW4A" long.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.30" "long TTL still cached"

	dteardown "$C1" "$J1"
}

@test "cache: answers from different upstreams are not mixed up" {
	local ja jb
	# Same last byte of the address, different upstreams: 192.0.2.53 and 198.18.0.53.
	ip -n "$UP" addr add 198.18.0.53/24 dev eth0
	ip -n "$HOST" addr add 198.18.0.1/24 dev up0
	printf '198.51.100.1 pick.example.test\n' >"$BATS_TEST_TMPDIR/up1.hosts"
	printf '198.51.100.2 pick.example.test\n' >"$BATS_TEST_TMPDIR/upx.hosts"
	upstream "$UP1" up1 --local-ttl=60
	upstream 198.18.0.53 upx --local-ttl=60
	ja=$(dreq "$(dcid 1)" c1 "$(neta)" "$(datt dnsa eth0 10.89.0.2)" | jq -c --arg s "$UP1" '.dns_servers = [$s]')
	jb=$(dreq "$(dcid 2)" c2 "$(neta)" "$(datt dnsa eth0 10.89.0.3)" | jq -c '.dns_servers = ["198.18.0.53"]')
	dsetup "$C1" "$ja"
	dsetup "$C2" "$jb"

	dq "$C1" "@$GW4A" pick.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.1" "C1 via $UP1"
	dq "$C2" "@$GW4A" pick.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.2" "C2 via 198.18.0.53"

	dteardown "$C2" "$jb"
	dteardown "$C1" "$ja"
}

@test "EDNS: a truncated answer keeps its OPT record; a client without EDNS never gets one from the cache" {
	local i
	# 60 A records: about 1 kB, more than 512 bytes.
	for ((i = 1; i <= 60; i++)); do
		printf '198.51.100.%d big.example.test\n' "$i"
	done >"$BATS_TEST_TMPDIR/up1.hosts"
	upstream "$UP1" up1 --local-ttl=60
	ID1=$(dcid 1)
	J1=$(dreq "$ID1" web "$(neta)" "$(datt dnsa eth0 10.89.0.2)")
	dsetup "$C1" "$J1"

	dq "$C1" "@$GW4A" +bufsize=4096 big.example.test A
	dassert_eq "$DIG_STATUS/$(wc -w <<<"$DIG_DATA")" "NOERROR/60" "all 60 records with EDNS 4096"
	[[ $DIG_OUT == *"OPT PSEUDOSECTION"* ]] || { show_dig; die "the EDNS answer has no OPT record"; }

	# Without EDNS: not the cached EDNS answer (it carries an OPT record), but the upstream's own.
	dq "$C1" "@$GW4A" +noedns +ignore big.example.test A
	dassert_eq "$DIG_STATUS" "NOERROR" "no EDNS"
	dassert_not_contains "$DIG_OUT" "OPT PSEUDOSECTION" "an answer to a query without EDNS"
	(($(upstream_queries up1 | grep -c 'big.example.test') >= 2)) ||
		{ show_dig; die "the query without EDNS was answered from the EDNS cache entry"; }

	# From the cache to a 512-byte EDNS client: netd-dns truncates, whole records, OPT kept.
	upstream_stop up1
	dq "$C1" "@$GW4A" +bufsize=512 +ignore big.example.test A
	dassert_eq "$DIG_STATUS" "NOERROR" "truncated from the cache"
	[[ " $DIG_FLAGS " == *" tc "* ]] || { show_dig; die "TC not set: $DIG_FLAGS"; }
	[[ $DIG_OUT == *"OPT PSEUDOSECTION"* ]] || { show_dig; die "the truncated answer lost its OPT record"; }
	(($(wc -w <<<"$DIG_DATA") > 0 && $(wc -w <<<"$DIG_DATA") < 60)) ||
		{ show_dig; die "expected some but not all records, got: $DIG_DATA"; }
	[[ $DIG_OUT =~ MSG\ SIZE\ +rcvd:\ ([0-9]+) ]] && ((BASH_REMATCH[1] <= 512)) ||
		{ show_dig; die "the truncated answer is larger than 512 bytes"; }

	dteardown "$C1" "$J1"
}

# ---------------------------------------------------------------------------
# life cycle

@test "SIGHUP: a new network gets listeners, a network's last teardown closes them, the last teardown stops netd-dns" {
	local ja jb pid pid2
	ja=$(dreq "$(dcid 1)" ona "$(neta)" "$(datt dnsa eth0 10.89.0.2 fd10:89::2)")
	jb=$(dreq "$(dcid 2)" onb "$(netb)" "$(datt dnsb eth0 10.90.0.2 fd10:90::2)")

	dsetup "$C1" "$ja"
	pid=$(dns_pid)
	assert_listening "$GW4A" 53
	assert_listening "$GW6A" 53
	! listening udp "$GW4B" 53 || die "$GW4B:53 listened on before dnsb exists"
	run cat "/proc/$pid/cmdline"
	assert_eq "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "$NETD_DNS --config $DNSDIR -p 53 run " \
		"netd-dns command line"

	dsetup "$C2" "$jb"
	assert_eq "$(dns_pid)" "$pid" "netd-dns pid after the second network (SIGHUP, no restart)"
	assert_listening "$GW4B" 53
	assert_listening "$GW6B" 53
	expect_rr "$C2" "$GW4B" onb A 10.90.0.2
	expect_rr "$C2" "$GW6B" onb AAAA fd10:90::2
	expect_rr "$C1" "$GW4A" ona A 10.89.0.2

	dteardown "$C2" "$jb"
	[[ ! -e $DNSDIR/dnsb ]] || die "aardvark-dns/dnsb left after its last container"
	wait_not_listening "$GW4B" 53
	wait_not_listening "$GW6B" 53
	assert_eq "$(dns_pid)" "$pid" "netd-dns pid after dnsb's last teardown"
	assert_listening "$GW4A" 53
	expect_rr "$C1" "$GW4A" ona A 10.89.0.2

	dteardown "$C1" "$ja"
	[[ ! -e $DNSDIR/dnsa ]] || die "aardvark-dns/dnsa left after its last container"
	wait_gone "$pid" 5 || die "netd-dns (pid $pid) still runs after the last teardown"
	[[ ! -e $DNSDIR/aardvark.pid ]] || die "aardvark.pid left after netd-dns exited"
	wait_not_listening "$GW4A" 53

	# and the next setup starts a new one
	dsetup "$C1" "$ja"
	pid2=$(dns_pid)
	[[ $pid2 != "$pid" ]] || die "same pid as the old server"
	expect_rr "$C1" "$GW4A" ona A 10.89.0.2
	dteardown "$C1" "$ja"
	wait_gone "$pid2" 5 || die "netd-dns (pid $pid2) still runs after the last teardown"
}

@test "SIGHUP: a broken network file is skipped, the other networks keep answering" {
	local ja jb pid
	ja=$(dreq "$(dcid 1)" ona "$(neta)" "$(datt dnsa eth0 10.89.0.2)")
	jb=$(dreq "$(dcid 2)" onb "$(netb)" "$(datt dnsb eth0 10.90.0.2)")
	dsetup "$C1" "$ja"
	pid=$(dns_pid)

	printf 'this is not an address\nfoo bar\n' >"$DNSDIR/garbage"
	printf '10.99.0.1\nabc 10.99.0.2\n' >"$DNSDIR/tooshort"
	kill -HUP "$pid"
	sleep 0.5
	proc_running "$pid" || { show_dns_log; die "netd-dns died on SIGHUP with broken files"; }
	expect_rr "$C1" "$GW4A" ona A 10.89.0.2

	# netd's own SIGHUP while the garbage is there: the new network comes up
	dsetup "$C2" "$jb"
	assert_eq "$(dns_pid)" "$pid" "netd-dns pid"
	expect_rr "$C2" "$GW4B" onb A 10.90.0.2
	expect_rr "$C1" "$GW4A" ona A 10.89.0.2
	grep -q garbage "$DNSLOG" || { show_dns_log; die "the broken file is not mentioned in the log"; }

	rm -f "$DNSDIR/garbage" "$DNSDIR/tooshort"
	dteardown "$C2" "$jb"
	dteardown "$C1" "$ja"
	wait_gone "$pid" 5 || die "netd-dns still runs after the last teardown"
}

@test "bind failure: setup exits 1 with \"failed to bind udp listener\" and leaves nothing behind" {
	local j before after n
	j=$(dreq "$(dcid 1)" web "$(neta)" "$(datt dnsa eth0 10.89.0.2 fd10:89::2)")
	command -v socat >/dev/null || skip "socat is not installed"
	ip netns exec "$HOST" socat -u UDP4-LISTEN:53 /dev/null </dev/null >/dev/null 2>&1 3>&- &
	BG_PIDS+=("$!")
	for ((n = 0; n < 50; n++)); do
		listening udp 0.0.0.0 53 && break
		sleep 0.1
	done
	listening udp 0.0.0.0 53 || die "socat did not bind 0.0.0.0:53"

	before=$(snapshot_all --no-sysctls "$HOST" "$C1")
	DNSLOG_OFF=1 dnetd setup "/run/netns/$C1" <<<"$j"
	assert_netd_error "failed to bind udp listener on $GW4A:53"
	after=$(snapshot_all --no-sysctls "$HOST" "$C1")
	assert_same_snapshot "$before" "$after"
	assert_no_state_files
	[[ ! -e $DNSDIR/dnsa ]] || die "aardvark-dns/dnsa left after the failed setup"
	if [[ -f $DNSDIR/aardvark.pid ]]; then
		! proc_running "$(cat "$DNSDIR/aardvark.pid")" || die "a netd-dns runs after the failed setup"
	fi
}

@test "bind failure with NETD_DNS_LOG_FILE set: the error still reaches netd, and the log" {
	local j n
	j=$(dreq "$(dcid 1)" web "$(neta)" "$(datt dnsa eth0 10.89.0.2)")
	command -v socat >/dev/null || skip "socat is not installed"
	ip netns exec "$HOST" socat -u UDP4-LISTEN:53 /dev/null </dev/null >/dev/null 2>&1 3>&- &
	BG_PIDS+=("$!")
	for ((n = 0; n < 50; n++)); do
		listening udp 0.0.0.0 53 && break
		sleep 0.1
	done
	dnetd setup "/run/netns/$C1" <<<"$j"
	grep -q "failed to bind udp listener on $GW4A:53" "$DNSLOG" ||
		{ show_dns_log; die "the bind error is not in NETD_DNS_LOG_FILE"; }
	assert_netd_error "failed to bind udp listener on $GW4A:53"
	assert_no_state_files
}

@test "NETAVARK_DNS_PORT=5353: netd-dns listens on port 5353" {
	local j
	j=$(dreq "$(dcid 1)" web "$(neta)" "$(datt dnsa eth0 10.89.0.2 fd10:89::2)")
	dsetup "$C1" "$j" NETAVARK_DNS_PORT=5353
	assert_listening "$GW4A" 5353
	assert_listening "$GW6A" 5353
	! listening udp "$GW4A" 53 || die "something listens on $GW4A:53"
	assert_contains "$(tr '\0' ' ' <"/proc/$(dns_pid)/cmdline")" " -p 5353 run" "netd-dns command line"
	expect_rr "$C1" "$GW4A" web A 10.89.0.2 -p5353
	expect_rr "$C1" "$GW6A" web AAAA fd10:89::2 -p5353 +tcp
	# no firewall driver, no redirect: nothing answers on 53
	expect_no_reply "$C1" "$GW4A" web A
	dteardown "$C1" "$j" NETAVARK_DNS_PORT=5353
}

@test "NETAVARK_DNS_PORT=5353 with nftables: queries to gateway:53 reach netd-dns on 5353" {
	local j
	command -v nft >/dev/null || skip "nft is not installed"
	FW=nftables
	# netd's nftables driver wants a default route in the host (MTU lookup)
	ip -n "$HOST" route add default via 192.0.2.2
	ip -n "$HOST" -6 route add default dev up0 2>/dev/null || true
	j=$(dreq "$(dcid 1)" web "$(neta)" "$(datt dnsa eth0 10.89.0.2 fd10:89::2)")
	dsetup "$C1" "$j" NETAVARK_DNS_PORT=5353
	assert_listening "$GW4A" 5353
	! listening udp "$GW4A" 53 || die "something listens on $GW4A:53"
	expect_rr "$C1" "$GW4A" web A 10.89.0.2
	expect_rr "$C1" "$GW4A" web A 10.89.0.2 +tcp
	expect_rr "$C1" "$GW6A" web AAAA fd10:89::2
	expect_rr "$C1" "$GW6A" web AAAA fd10:89::2 +tcp
	expect_rr "$C1" "$GW4A" web A 10.89.0.2 -p5353
	dteardown "$C1" "$j" NETAVARK_DNS_PORT=5353
}

@test "netd update --network-dns-servers rewrites line 1 and takes effect" {
	local pid
	printf '198.51.100.1 pick.example.test\n' >"$BATS_TEST_TMPDIR/up1.hosts"
	printf '198.51.100.2 pick.example.test\n' >"$BATS_TEST_TMPDIR/up2.hosts"
	upstream "$UP1" up1
	upstream "$UP2" up2
	two_on_a
	pid=$(dns_pid)
	dq "$C1" "@$GW4A" pick.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.1" "before the update"

	dnetd update dnsa --network-dns-servers "$UP2" </dev/null
	assert_status 0
	assert_eq "$output" "" "update stdout"
	assert_eq "$(cat "$DNSDIR/dnsa")" \
		"$GW4A,$GW6A $UP2
$ID1 10.89.0.2 fd10:89::2 web,www,$SHORT1
$ID2 10.89.0.3  db" "aardvark-dns/dnsa after update"
	sleep 0.3
	dq "$C1" "@$GW4A" pick.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.2" "after the update"
	expect_rr "$C2" "$GW4A" web A 10.89.0.2
	assert_eq "$(dns_pid)" "$pid" "netd-dns pid"

	# two servers, then clear
	dnetd update dnsa --network-dns-servers "$UP3" --network-dns-servers "$UP2" </dev/null
	assert_status 0
	assert_eq "$(head -n 1 "$DNSDIR/dnsa")" "$GW4A,$GW6A $UP3,$UP2" "line 1 with two servers"
	dnetd update dnsa --network-dns-servers "" </dev/null
	assert_status 0
	assert_eq "$(head -n 1 "$DNSDIR/dnsa")" "$GW4A,$GW6A" "line 1 after clearing"
	assert_eq "$(sed 1d "$DNSDIR/dnsa")" "$ID1 10.89.0.2 fd10:89::2 web,www,$SHORT1
$ID2 10.89.0.3  db" "entries after clearing"
	sleep 0.3
	dq "$C1" "@$GW4A" pick.example.test A
	dassert_eq "$DIG_STATUS/$DIG_DATA" "NOERROR/198.51.100.1" "after clearing"

	# a network without a file: nothing to do
	dnetd update nosuchnet --network-dns-servers "$UP2" </dev/null
	assert_status 0

	dteardown "$C2" "$J2"
	dteardown "$C1" "$J1"
}

# ---------------------------------------------------------------------------
# netd-dns on its own

@test "netd-dns run with an empty or missing config directory exits 1 with a message" {
	local empty=$BATS_TEST_TMPDIR/empty
	mkdir -p "$empty"
	run --separate-stderr in_host timeout 10 "$NETD_DNS" --config "$empty" -p 53 run
	assert_status 1
	[[ -n $stderr ]] || die "no message on stderr"
	assert_contains "$stderr" "$empty" "message"
	[[ ! -e $empty/aardvark.pid ]] || die "aardvark.pid left behind"

	run --separate-stderr timeout 10 "$NETD_DNS" --config "$BATS_TEST_TMPDIR/missing" -p 53 run
	assert_status 1
	assert_contains "$stderr" "must exist and be a directory" "message"
}

@test "netd-dns version prints JSON" {
	run --separate-stderr "$NETD_DNS" version
	assert_status 0
	assert_eq "$(jq -c 'keys_unsorted' <<<"$output")" '["version","commit","build_time","target"]' \
		"version keys"
	jq -e 'all(.[]; type == "string" and length > 0)' <<<"$output" >/dev/null ||
		die "version values are not non-empty strings: $output"
	run --separate-stderr "$NETD_DNS" --version
	assert_status 0
	assert_match "$output" '^netd-dns [0-9]' "--version"
}

@test "netd-dns closes descriptors inherited from netd" {
	local pid fds
	ID1=$(dcid 1)
	J1=$(dreq "$ID1" web "$(neta)" "$(datt dnsa eth0 10.89.0.2)")
	exec 7>"$BATS_TEST_TMPDIR/inherited"
	dsetup "$C1" "$J1"
	exec 7>&-
	pid=$(dns_pid)
	# (fd 7 itself may be reused by netd-dns for a socket: look at the targets)
	fds=$(ls -l "/proc/$pid/fd" 2>&1)
	assert_not_contains "$fds" "$BATS_TEST_TMPDIR/inherited" "netd-dns descriptors"
	# stdin/stdout/stderr are /dev/null or the log file, not netd's pipes
	assert_not_contains "$(readlink "/proc/$pid/fd/0" "/proc/$pid/fd/1")" "pipe:" "netd-dns stdin/stdout"
	expect_rr "$C1" "$GW4A" web A 10.89.0.2
	dteardown "$C1" "$J1"
}
