#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Hostile teardowns (issue 12, "Teardown removes only what this container's
# setup made"): a teardown request is written as a confused or hostile caller
# would, naming another container's host veth, its published ports, an
# admin's bridge, or a link an admin put in place of netd's veth. netd must
# remove only objects its container record names and that still carry netd's
# mark (IFLA_IFALIAS "netd: veth" / "netd: bridge"), and each case shows with
# world_snapshot.bash that nothing outside the container's own objects
# changed. Namespaces as in firewall.bats (fw_helpers.bash): netd runs in
# $HOST, containers are per-test namespaces. Needs root.

load fw_helpers
load world_snapshot

net1() { fw_net n1 htbr0 10.97.0.0/24 fd97::/64; }
att1() { fw_att n1 eth0 "10.97.0.$1" "fd97::$1"; }

# with_host_if ATT NAME → the attachment with options.host_interface_name NAME.
with_host_if() {
	jq -c --arg h "$2" '.options.host_interface_name = $h' <<<"$1"
}

# pf4: the map of published IPv4 ports, protocols as numbers (nft prints
# "tcp" or "6" depending on /etc/protocols).
pf4() {
	hnft list map inet netd pf4 | sed 's/\btcp \./6 ./g'
}

# host_veth_of CID NET: the host veth netd recorded for container CID.
host_veth_of() {
	jq -r --arg n "$2" '.links[$n].host_interface' "$(state_file "$1")"
}

# world: everything in $HOST (netd's table included), the given container
# namespaces, and the config directory.
world() {
	local a=(--ns "$HOST") ns
	for ns in "$@"; do a+=(--ns "$ns"); done
	world_snapshot "${a[@]}" --dir "$CFG"
}

# world_but_netd: as world, but without $HOST's table inet netd and $CFG.
world_but_netd() {
	local a=(--ns-no-netd "$HOST") ns
	for ns in "$@"; do a+=(--ns "$ns"); done
	world_snapshot "${a[@]}"
}

@test "teardown without a record naming another container's host_interface_name leaves that container's veth, network and bridge" {
	local ja jb va before after
	mkctr C1 C2
	ja=$(fw_req 1 '[]' "$(net1)" "$(att1 2)")
	fw_setup "$C1" "$ja"
	va=$(host_veth_of 1 n1)
	assert_eq "$(ip -n "$HOST" -j link show dev "$va" | jq -r '.[0].ifalias')" "netd: veth" "mark of A's host veth"
	assert_eq "$(ip -n "$HOST" -j link show dev htbr0 | jq -r '.[0].ifalias')" "netd: bridge" "mark of the bridge"

	# B was never set up; its empty namespace has no eth0
	jb=$(fw_req 2 '[]' "$(net1)" "$(with_host_if "$(att1 3)" "$va")")
	before=$(world "$C1" "$C2")
	nd --firewall-driver nftables teardown "/run/netns/$C2" <<<"$jb"
	assert_status 0
	assert_eq "$output" "" "stdout of the teardown"
	assert_eq "$stderr" "[warn  netd] container $(printf '%064x' 2) has no state record: removing only its interfaces inside its namespace; left host interfaces $va, published ports and bridges as they are" "stderr of the teardown"
	after=$(world "$C1" "$C2")
	world_assert_same "$before" "$after"
	# A still talks to its gateway over its veth
	ip netns exec "$C1" ping -c1 -W2 10.97.0.1 >/dev/null || die "A lost its network"

	fw_teardown "$C1" "$ja"
	! ip -n "$HOST" link show dev "$va" >/dev/null 2>&1 || die "A's veth left"
	! ip -n "$HOST" link show dev htbr0 >/dev/null 2>&1 || die "netd's bridge left after the last teardown"
}

@test "teardown of B's request with A's port mappings leaves A's published port and its map element" {
	local pa ja jb jb2 before after elem
	mkctr C1 C2
	pa="[$(pm "" 8080 80 1 tcp)]"
	ja=$(fw_req 1 "$pa" "$(net1)" "$(att1 2)")
	fw_setup "$C1" "$ja"
	elem='6 . 8080 : 10.97.0.2 . 80'
	assert_contains "$(pf4)" "$elem" "A's element"
	serve "$C1" tcp 4 80 c1

	# 1. B never set up: no record, its request claims A's port (and even A's address)
	jb=$(fw_req 2 "$pa" "$(net1)" "$(att1 2)")
	before=$(world "$C1" "$C2")
	nd --firewall-driver nftables teardown "/run/netns/$C2" <<<"$jb"
	assert_status 0
	assert_contains "$stderr" "has no state record" "the warning"
	after=$(world "$C1" "$C2")
	world_assert_same "$before" "$after"
	assert_contains "$(pf4)" "$elem" "A's element after B's teardown"
	expect_tcp "$OUT" "$HOST4" 8080 "c1 $OUT4"

	# 2. B set up on another network with a port of its own; its teardown lists A's port too
	local n2 ab
	n2=$(fw_net n2 htbr1 10.98.0.0/24)
	ab=$(fw_att n2 eth0 10.98.0.2)
	# (B's life as a whole, setup to teardown, leaves the world as it was:
	# its bridge htbr1 is netd's own and goes with B)
	before=$(world_but_netd "$C1")
	fw_setup "$C2" "$(fw_req 2 "[$(pm "" 9090 90 1 tcp)]" "$n2" "$ab")"
	assert_contains "$(pf4)" "6 . 9090 : 10.98.0.2 . 90" "B's element"
	fw_teardown "$C2" "$(fw_req 2 "[$(pm "" 8080 80 1 tcp),$(pm "" 9090 90 1 tcp)]" "$n2" "$ab")"
	after=$(world_but_netd "$C1")
	world_assert_same "$before" "$after"
	assert_contains "$(pf4)" "$elem" "A's element after B's teardown with A's port"
	assert_not_contains "$(pf4)" "9090" "B's own element"
	expect_tcp "$OUT" "$HOST4" 8080 "c1 $OUT4"

	# 3. B's recorded port 7070 was taken over by A (B's element lost, A re-published it):
	# B's teardown sees the element forwards to A, not to B, and leaves it
	fw_setup "$C2" "$(fw_req 2 "[$(pm "" 7070 80 1 tcp)]" "$n2" "$ab")"
	hnft delete element inet netd pf4 "{ 6 . 7070 }"
	hnft add element inet netd pf4 "{ 6 . 7070 : 10.97.0.2 . 80 }"
	jb2=$(fw_req 2 "[$(pm "" 7070 80 1 tcp)]" "$n2" "$ab")
	fw_teardown "$C2" "$jb2"
	assert_contains "$stderr" "published port in map pf4 forwards to another container; left it" "the warning"
	assert_contains "$(pf4)" "6 . 7070 : 10.97.0.2 . 80" "the element forwarding to A"
	expect_tcp "$OUT" "$HOST4" 7070 "c1 $OUT4"

	fw_teardown "$C1" "$ja"
}

@test "an admin's pre-existing bridge with an address survives teardowns, with and without a record" {
	local ja jb before after n
	mkctr C1 C2
	# the admin's bridge already holds the gateway and an address of its own
	ip -n "$HOST" link add htbr0 type bridge
	ip -n "$HOST" addr add 10.97.0.1/24 dev htbr0
	ip -n "$HOST" addr add 192.0.2.1/24 dev htbr0
	ip -n "$HOST" link set htbr0 up
	n=$(fw_net n1 htbr0 10.97.0.0/24)

	# a teardown without a record, for a network on the empty admin bridge
	jb=$(fw_req 2 '[]' "$n" "$(fw_att n1 eth0 10.97.0.3)")
	before=$(world_snapshot --ns "$HOST" --ns "$C2")
	nd --firewall-driver nftables teardown "/run/netns/$C2" <<<"$jb"
	assert_status 0
	assert_contains "$stderr" "has no state record" "the warning"
	after=$(world_snapshot --ns "$HOST" --ns "$C2")
	world_assert_same "$before" "$after"
	[[ ! -e $(state_file 2) ]] || die "a record was written"

	# a container's full life on it: the bridge and both addresses stay (the
	# admin's own port keeps its carrier, so that the kernel's state compares)
	ip -n "$HOST" link add htadm0 type veth peer name htadm1
	ip -n "$HOST" link set htadm0 master htbr0 up
	ip -n "$HOST" link set htadm1 up
	wait_oper_up "$HOST" htadm0
	ja=$(fw_req 1 '[]' "$n" "$(fw_att n1 eth0 10.97.0.2)")
	before=$(world_snapshot --ns-no-netd "$HOST" --dir "$CFG" --skip "$CFG/netd")
	fw_setup "$C1" "$ja"
	ip netns exec "$C1" ping -c1 -W2 10.97.0.1 >/dev/null || die "no traffic over the admin's bridge"
	fw_teardown "$C1" "$ja"
	after=$(world_snapshot --ns-no-netd "$HOST" --dir "$CFG" --skip "$CFG/netd")
	world_assert_same "$before" "$after"
	assert_eq "$(ip -n "$HOST" -j addr show dev htbr0 | jq -r '[.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(" ")')" \
		"10.97.0.1/24 192.0.2.1/24" "addresses of the admin's bridge"
}

@test "a link an admin put in place of netd's veth under the same name is not deleted" {
	local ja jc va old before after
	mkctr C1 C3
	ja=$(fw_req 1 '[]' "$(net1)" "$(att1 2)")
	jc=$(fw_req 3 '[]' "$(net1)" "$(att1 3)")
	fw_setup "$C1" "$ja"
	fw_setup "$C3" "$jc"
	va=$(host_veth_of 1 n1)
	old=$(jq -r '.links.n1.host_ifindex' "$(state_file 1)")
	assert_eq "$(ip -n "$HOST" -j link show dev "$va" | jq -r '.[0].ifindex')" "$old" "recorded ifindex"

	# A's namespace goes (its veth pair with it); the admin creates a veth of that name
	ip netns del "$C1"
	# the kernel frees a deleted namespace (and the veth pair in it) asynchronously
	local i
	for i in $(seq 100); do
		ip -n "$HOST" link show dev "$va" >/dev/null 2>&1 || break
		sleep 0.1
	done
	! ip -n "$HOST" link show dev "$va" >/dev/null 2>&1 || die "$va still there 10 s after its namespace was deleted"
	ip -n "$HOST" link add "$va" type veth peer name "${va:0:10}adm"
	ip -n "$HOST" link set "$va" master htbr0
	before=$(world_but_netd "$C3")
	nd --firewall-driver nftables teardown "/run/netns/$C1" <<<"$ja"
	assert_status 0
	assert_contains "$stderr" "host interface $va (ifindex $(ip -n "$HOST" -j link show dev "$va" | jq -r '.[0].ifindex')) is not the veth netd created (ifindex $old, alias \"netd: veth\"); left it" "the warning"
	after=$(world_but_netd "$C3")
	world_assert_same "$before" "$after"
	[[ ! -e $(state_file 1) ]] || die "A's record left"

	# the same with an admin's link that took over the name while A's namespace still runs
	mkctr C4
	ja=$(fw_req 4 '[]' "$(net1)" "$(att1 4)")
	fw_setup "$C4" "$ja"
	va=$(host_veth_of 4 n1)
	ip -n "$HOST" link set "$va" name htrenamed
	ip netns exec "$C4" ip link set eth0 name eth9
	ip -n "$HOST" link add "$va" type bridge
	before=$(world_but_netd "$C3" "$C4")
	nd --firewall-driver nftables teardown "/run/netns/$C4" <<<"$ja"
	assert_status 0
	after=$(world_but_netd "$C3" "$C4")
	world_assert_same "$before" "$after"
	ip netns exec "$C3" ping -c1 -W2 10.97.0.1 >/dev/null || die "the other container lost its network"
	fw_teardown "$C3" "$jc"
}
