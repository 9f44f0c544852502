#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# netd bridge driver: real setup/teardown in throwaway network namespaces.
# netd runs inside $HOST (the namespace that plays the host); containers are
# $C1, $C2, ... (see helpers.bash). Needs root.

load helpers

BR=ndbr0
SUB4=10.89.0.0/24
SUB6=fd10:89::/64

net4() { net_json n1 "$BR" "$SUB4"; }
net46() { net_json n1 "$BR" "$SUB4" "$SUB6"; }

# ---------------------------------------------------------------------------
# basic setups

@test "ipv4 network: bridge, container interface, address, default route, result" {
	local json mac hostveth p
	json=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	setup_ok "$C1" "$json"

	# bridge in the host namespace, up, with the gateway
	assert_link "$HOST" "$BR"
	assert_eq "$(link_get "$HOST" "$BR" .linkinfo.info_kind)" bridge "kind of $BR"
	link_is_up "$HOST" "$BR" || die "$BR is not up"
	assert_addrs "$HOST" "$BR" 10.89.0.1/24

	# container interface
	assert_link "$C1" eth0
	assert_eq "$(link_get "$C1" eth0 .linkinfo.info_kind)" veth "kind of eth0"
	link_is_up "$C1" eth0 || die "eth0 is not up"
	assert_addrs "$C1" eth0 10.89.0.2/24
	assert_eq "$(default_routes "$C1" 4 | jq -c 'map({gateway, dev, metric})')" \
		'[{"gateway":"10.89.0.1","dev":"eth0","metric":100}]' "IPv4 default route"
	assert_eq "$(default_routes "$C1" 6)" "[]" "IPv6 default routes"

	# loopback up in the container
	link_is_up "$C1" lo || die "lo is not up in the container"

	# exactly one host veth, named veth+11 hex, enslaved to the bridge, up, peer of eth0
	p=$(ports "$HOST" "$BR")
	assert_eq "$(jq length <<<"$p")" 1 "number of bridge ports"
	hostveth=$(jq -r '.[0].ifname' <<<"$p")
	assert_match "$hostveth" '^veth[0-9a-f]{11}$' "host veth name"
	assert_eq "$(jq -r '.[0].linkinfo.info_kind' <<<"$p")" veth "host port kind"
	link_is_up "$HOST" "$hostveth" || die "$hostveth is not up"
	assert_eq "$(peer_of "$C1" eth0)" "$hostveth" "peer of the container's eth0"

	# the result: {"n1": StatusBlock}
	mac=$(link_get "$C1" eth0 .address)
	assert_eq "$(jq -c 'keys' <<<"$RESULT")" '["n1"]' "result networks"
	assert_eq "$(jq -c '.n1 | keys_unsorted' <<<"$RESULT")" \
		'["dns_search_domains","dns_server_ips","interfaces"]' "status block keys"
	assert_eq "$(jq -c '.n1.dns_search_domains' <<<"$RESULT")" '[]' dns_search_domains
	assert_eq "$(jq -c '.n1.dns_server_ips' <<<"$RESULT")" '[]' dns_server_ips
	assert_eq "$(jq -c '.n1.interfaces | keys' <<<"$RESULT")" '["eth0"]' "result interfaces"
	assert_eq "$(jq -r '.n1.interfaces.eth0.mac_address' <<<"$RESULT")" "$mac" "mac_address"
	assert_match "$mac" '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' "mac format"
	assert_eq "$(jq -c '.n1.interfaces.eth0.subnets' <<<"$RESULT")" \
		'[{"gateway":"10.89.0.1","ipnet":"10.89.0.2/24"}]' "result subnets"

	# state, traffic
	[[ -f $(state_file "$(cid 1)") ]] || die "no state file"
	ping_ok "$C1" 10.89.0.1

	teardown_ok "$C1" "$json"
}

@test "dual stack network" {
	local json
	json=$(req_json "$(cid 1)" "$(net46)" "$(att_json n1 eth0 10.89.0.2 fd10:89::2)")
	setup_ok "$C1" "$json"

	assert_addrs "$HOST" "$BR" 10.89.0.1/24 fd10:89::1/64
	assert_addrs "$C1" eth0 10.89.0.2/24 fd10:89::2/64
	assert_eq "$(default_routes "$C1" 4 | jq -c 'map({gateway, dev, metric})')" \
		'[{"gateway":"10.89.0.1","dev":"eth0","metric":100}]' "IPv4 default route"
	assert_eq "$(default_routes "$C1" 6 | jq -c 'map({gateway, dev, metric})')" \
		'[{"gateway":"fd10:89::1","dev":"eth0","metric":100}]' "IPv6 default route"
	assert_eq "$(jq -c '.n1.interfaces.eth0.subnets' <<<"$RESULT")" \
		'[{"gateway":"10.89.0.1","ipnet":"10.89.0.2/24"},{"gateway":"fd10:89::1","ipnet":"fd10:89::2/64"}]' \
		"result subnets"
	ping_ok "$C1" 10.89.0.1
	ping_ok "$C1" fd10:89::1

	teardown_ok "$C1" "$json"
}

@test "two containers ping each other over IPv4 and IPv6" {
	local j1 j2
	j1=$(req_json "$(cid 1)" "$(net46)" "$(att_json n1 eth0 10.89.0.2 fd10:89::2)")
	j2=$(req_json "$(cid 2)" "$(net46)" "$(att_json n1 eth0 10.89.0.3 fd10:89::3)")
	setup_ok "$C1" "$j1"
	setup_ok "$C2" "$j2"

	assert_eq "$(ports "$HOST" "$BR" | jq length)" 2 "number of bridge ports"
	ping_ok "$C1" 10.89.0.3
	ping_ok "$C2" 10.89.0.2
	ping_ok "$C1" fd10:89::3
	ping_ok "$C2" fd10:89::2

	teardown_ok "$C1" "$j1"
	teardown_ok "$C2" "$j2"
}

@test "multi-network attach: one request, two networks" {
	local n1 n2 json
	n1=$(net_json n1 ndbr0 10.89.0.0/24 fd10:89::/64)
	n2=$(net_json n2 ndbr1 10.90.0.0/24)
	json=$(req_json "$(cid 1)" "$n1" "$(att_json n1 eth0 10.89.0.2 fd10:89::2)" \
		"$n2" "$(att_json n2 eth1 10.90.0.2)")
	setup_ok "$C1" "$json"

	assert_addrs "$HOST" ndbr0 10.89.0.1/24 fd10:89::1/64
	assert_addrs "$HOST" ndbr1 10.90.0.1/24
	assert_eq "$(ports "$HOST" ndbr0 | jq length)" 1 "ports of ndbr0"
	assert_eq "$(ports "$HOST" ndbr1 | jq length)" 1 "ports of ndbr1"
	assert_addrs "$C1" eth0 10.89.0.2/24 fd10:89::2/64
	assert_addrs "$C1" eth1 10.90.0.2/24
	assert_eq "$(default_routes "$C1" 4 | jq -c 'map({gateway, dev, metric}) | sort_by(.dev)')" \
		'[{"gateway":"10.89.0.1","dev":"eth0","metric":100},{"gateway":"10.90.0.1","dev":"eth1","metric":100}]' \
		"IPv4 default routes"
	assert_eq "$(default_routes "$C1" 6 | jq -c 'map({gateway, dev, metric})')" \
		'[{"gateway":"fd10:89::1","dev":"eth0","metric":100}]' "IPv6 default routes"

	# two status blocks, each with its own interface
	assert_eq "$(jq -c 'keys' <<<"$RESULT")" '["n1","n2"]' "result networks"
	assert_eq "$(jq -c '.n1.interfaces | keys' <<<"$RESULT")" '["eth0"]' "n1 interfaces"
	assert_eq "$(jq -c '.n2.interfaces | keys' <<<"$RESULT")" '["eth1"]' "n2 interfaces"
	assert_eq "$(jq -r '.n1.interfaces.eth0.mac_address' <<<"$RESULT")" \
		"$(link_get "$C1" eth0 .address)" "eth0 mac"
	assert_eq "$(jq -r '.n2.interfaces.eth1.mac_address' <<<"$RESULT")" \
		"$(link_get "$C1" eth1 .address)" "eth1 mac"
	assert_eq "$(jq -c '.n2.interfaces.eth1.subnets' <<<"$RESULT")" \
		'[{"gateway":"10.90.0.1","ipnet":"10.90.0.2/24"}]' "n2 subnets"
	ping_ok "$C1" 10.89.0.1
	ping_ok "$C1" 10.90.0.1

	teardown_ok "$C1" "$json"
	assert_no_link "$HOST" ndbr0
	assert_no_link "$HOST" ndbr1
	assert_no_link "$C1" eth0
	assert_no_link "$C1" eth1
}

@test "static MAC address" {
	local json
	json=$(req_json "$(cid 1)" "$(net4)" \
		"$(att_json n1 eth0 10.89.0.2 | jq -c '.static_mac = "02:42:AC:11:00:99"')")
	setup_ok "$C1" "$json"
	assert_eq "$(link_get "$C1" eth0 .address)" 02:42:ac:11:00:99 "container MAC"
	assert_eq "$(jq -r '.n1.interfaces.eth0.mac_address' <<<"$RESULT")" 02:42:ac:11:00:99 \
		"mac_address in the result"
	ping_ok "$C1" 10.89.0.1
	teardown_ok "$C1" "$json"
}

@test "static MAC address with dashes" {
	local json
	json=$(req_json "$(cid 1)" "$(net4)" \
		"$(att_json n1 eth0 10.89.0.2 | jq -c '.static_mac = "02-42-ac-11-00-9a"')")
	setup_ok "$C1" "$json"
	assert_eq "$(link_get "$C1" eth0 .address)" 02:42:ac:11:00:9a "container MAC"
	assert_eq "$(jq -r '.n1.interfaces.eth0.mac_address' <<<"$RESULT")" 02:42:ac:11:00:9a \
		"mac_address in the result"
	teardown_ok "$C1" "$json"
}

@test "static routes: unicast, blackhole, unreachable, prohibit, with metrics" {
	local net json r4 r6
	net=$(net46 | jq -c '.routes = [
		{destination: "10.200.0.0/24", gateway: "10.89.0.254", metric: 50},
		{destination: "10.204.0.0/16", gateway: "10.89.0.253", route_type: "unicast"},
		{destination: "10.201.0.0/24", route_type: "blackhole", metric: 60},
		{destination: "10.202.0.0/24", route_type: "unreachable", metric: 70},
		{destination: "10.203.0.0/24", route_type: "prohibit", metric: 80},
		{destination: "fd99::/64", gateway: "fd10:89::fe", metric: 55},
		{destination: "fd98::/64", route_type: "blackhole", metric: 65}
	]')
	json=$(req_json "$(cid 1)" "$net" "$(att_json n1 eth0 10.89.0.2 fd10:89::2)")
	setup_ok "$C1" "$json"

	r4=$(routes "$C1" 4)
	r6=$(routes "$C1" 6)
	rt() { jq -c --arg d "$2" '[.[] | select(.dst == $d) | {type: (.type // "unicast"), gateway, dev, metric}]' <<<"$1"; }
	assert_eq "$(rt "$r4" 10.200.0.0/24)" '[{"type":"unicast","gateway":"10.89.0.254","dev":"eth0","metric":50}]' "route 10.200.0.0/24"
	assert_eq "$(rt "$r4" 10.204.0.0/16)" '[{"type":"unicast","gateway":"10.89.0.253","dev":"eth0","metric":100}]' "route 10.204.0.0/16 (default metric)"
	assert_eq "$(rt "$r4" 10.201.0.0/24)" '[{"type":"blackhole","gateway":null,"dev":null,"metric":60}]' "blackhole route"
	assert_eq "$(rt "$r4" 10.202.0.0/24)" '[{"type":"unreachable","gateway":null,"dev":null,"metric":70}]' "unreachable route"
	assert_eq "$(rt "$r4" 10.203.0.0/24)" '[{"type":"prohibit","gateway":null,"dev":null,"metric":80}]' "prohibit route"
	assert_eq "$(rt "$r6" fd99::/64)" '[{"type":"unicast","gateway":"fd10:89::fe","dev":"eth0","metric":55}]' "route fd99::/64"
	assert_eq "$(jq -c '[.[] | select(.dst == "fd98::/64") | {type, metric}]' <<<"$r6")" \
		'[{"type":"blackhole","metric":65}]' "IPv6 blackhole route"
	# the default routes are still there
	assert_eq "$(default_routes "$C1" 4 | jq -c 'map({gateway, metric})')" \
		'[{"gateway":"10.89.0.1","metric":100}]' "IPv4 default route"

	# the kernel enforces the route types
	run ip netns exec "$C1" ping -c 1 -W 1 10.202.0.1
	assert_match "$output" "No route to host|[Uu]nreachable" "ping into the unreachable route"

	teardown_ok "$C1" "$json"
	# every route is gone, also those without a device
	assert_eq "$(jq -sc add <(routes "$C1" 4) <(routes "$C1" 6))" "[]" \
		"routes left in the container (IPv4 and IPv6)"
}

@test "metric option sets the default route metric" {
	local json
	json=$(req_json "$(cid 1)" "$(net46 | jq -c '.options.metric = "250"')" \
		"$(att_json n1 eth0 10.89.0.2 fd10:89::2)")
	setup_ok "$C1" "$json"
	assert_eq "$(default_routes "$C1" 4 | jq -c 'map({gateway, metric})')" \
		'[{"gateway":"10.89.0.1","metric":250}]' "IPv4 default route"
	assert_eq "$(default_routes "$C1" 6 | jq -c 'map({gateway, metric})')" \
		'[{"gateway":"fd10:89::1","metric":250}]' "IPv6 default route"
	teardown_ok "$C1" "$json"
}

@test "no_default_route option" {
	local json
	json=$(req_json "$(cid 1)" \
		"$(net46 | jq -c '.options.no_default_route = "true"
			| .routes = [{destination: "10.200.0.0/24", gateway: "10.89.0.254", metric: 50}]')" \
		"$(att_json n1 eth0 10.89.0.2 fd10:89::2)")
	setup_ok "$C1" "$json"
	assert_addrs "$C1" eth0 10.89.0.2/24 fd10:89::2/64
	assert_eq "$(default_routes "$C1" 4)" "[]" "IPv4 default routes"
	assert_eq "$(default_routes "$C1" 6)" "[]" "IPv6 default routes"
	# static routes and the subnet route are still there
	assert_eq "$(routes "$C1" 4 | jq -c '[.[] | select(.dst == "10.200.0.0/24") | .gateway]')" \
		'["10.89.0.254"]' "static route"
	assert_eq "$(routes "$C1" 4 | jq -c '[.[] | select(.dst == "10.89.0.0/24") | .dev]')" \
		'["eth0"]' "subnet route"
	assert_eq "$(jq -c '.n1.interfaces.eth0.subnets[0]' <<<"$RESULT")" \
		'{"gateway":"10.89.0.1","ipnet":"10.89.0.2/24"}' "result subnet"
	ping_ok "$C1" 10.89.0.1
	teardown_ok "$C1" "$json"
}

@test "internal network: no default route, no forwarding" {
	local json fwd_before
	fwd_before=$(sysctl_get "$HOST" net/ipv4/ip_forward)
	json=$(req_json "$(cid 1)" "$(net4 | jq -c '.internal = true')" \
		"$(att_json n1 eth0 10.89.0.2)")
	setup_ok "$C1" "$json"
	assert_addrs "$C1" eth0 10.89.0.2/24
	assert_eq "$(default_routes "$C1" 4)" "[]" "IPv4 default routes"
	assert_eq "$(default_routes "$C1" 6)" "[]" "IPv6 default routes"
	assert_eq "$(sysctl_get "$HOST" "net/ipv4/conf/$BR/forwarding")" 0 "forwarding on $BR"
	assert_eq "$(sysctl_get "$HOST" net/ipv4/ip_forward)" "$fwd_before" "ip_forward (untouched)"
	assert_eq "$(ports "$HOST" "$BR" | jq length)" 1 "bridge ports"
	teardown_ok "$C1" "$json"
	assert_no_link "$HOST" "$BR"
}

@test "mtu option: bridge and both veth ends" {
	local json hostveth
	json=$(req_json "$(cid 1)" "$(net4 | jq -c '.options.mtu = "1400"')" \
		"$(att_json n1 eth0 10.89.0.2)")
	setup_ok "$C1" "$json"
	hostveth=$(peer_of "$C1" eth0)
	[[ -n $hostveth ]] || die "no host veth"
	assert_eq "$(link_get "$HOST" "$BR" .mtu)" 1400 "bridge MTU"
	assert_eq "$(link_get "$HOST" "$hostveth" .mtu)" 1400 "host veth MTU"
	assert_eq "$(link_get "$C1" eth0 .mtu)" 1400 "container eth0 MTU"
	run ip netns exec "$C1" ping -c 1 -W 2 -M "do" -s 1372 10.89.0.1
	assert_status 0
	teardown_ok "$C1" "$json"
}

@test "host_interface_name option names the host veth" {
	local json
	json=$(req_json "$(cid 1)" "$(net4)" \
		"$(att_json n1 eth0 10.89.0.2 | jq -c '.options.host_interface_name = "ndhost0"')")
	setup_ok "$C1" "$json"
	assert_link "$HOST" ndhost0
	assert_eq "$(link_get "$HOST" ndhost0 .linkinfo.info_kind)" veth "kind"
	assert_eq "$(link_get "$HOST" ndhost0 .master)" "$BR" "master of ndhost0"
	assert_eq "$(peer_of "$C1" eth0)" ndhost0 "peer of eth0"
	assert_eq "$(ports "$HOST" "$BR" | jq -c 'map(.ifname)')" '["ndhost0"]' "bridge ports"
	ping_ok "$C1" 10.89.0.1
	teardown_ok "$C1" "$json"
	assert_no_link "$HOST" ndhost0
	assert_no_link "$HOST" "$BR"
}

# ---------------------------------------------------------------------------
# existing bridges

@test "unmanaged mode: error when the bridge does not exist" {
	local json before
	json=$(req_json "$(cid 1)" "$(net4 | jq -c '.options.mode = "unmanaged"')" \
		"$(att_json n1 eth0 10.89.0.2)")
	before=$(snapshot_all "$HOST" "$C1")
	netd_setup "$C1" "$json"
	assert_netd_error "$BR" unmanaged
	assert_same_snapshot "$before" "$(snapshot_all "$HOST" "$C1")"
	assert_no_state_files
}

@test "unmanaged mode: dns_enabled on a bridge without an address is refused before anything starts" {
	local json
	ip -n "$HOST" link add "$BR" type bridge
	# no DAD on the admin's bridge: its link-local address would turn from
	# tentative to valid between the two snapshots, by itself
	ip netns exec "$HOST" sysctl -qw "net.ipv6.conf.$BR.accept_dad=0"
	ip -n "$HOST" link set "$BR" up
	json=$(req_json "$(cid 1)" "$(net4 | jq -c '.options.mode = "unmanaged" | .dns_enabled = true')" \
		"$(att_json n1 eth0 10.89.0.2)")
	fails_cleanly "has no address for the DNS server to bind" netd_setup "$C1" "$json"
	assert_eq "$ERRMSG" "network \"n1\": dns_enabled, but the unmanaged bridge \"$BR\" has no address for the DNS server to bind; add an IP address to \"$BR\" or disable DNS for the network" "error"
	[[ ! -e $CFG/aardvark-dns ]] || die "a DNS configuration was written: $(ls -R "$CFG/aardvark-dns")"
}

@test "unmanaged mode: existing bridge is used and left unchanged" {
	local json before_link before_sys hostveth
	ip -n "$HOST" link add "$BR" address 02:00:00:00:aa:01 type bridge
	ip -n "$HOST" addr add 10.89.0.254/24 dev "$BR"
	ip -n "$HOST" link set "$BR" up
	before_link=$(link_json "$HOST" "$BR" | jq -c '{ifindex, address, mtu, up: (.flags | index("UP") != null)}')
	before_sys=$(for k in "net/ipv4/conf/$BR/rp_filter" "net/ipv4/conf/$BR/route_localnet" \
		"net/ipv4/conf/$BR/forwarding" net/ipv4/ip_forward; do
		echo "$k=$(sysctl_get "$HOST" "$k")"; done)

	json=$(req_json "$(cid 1)" "$(net4 | jq -c '.options.mode = "unmanaged"')" \
		"$(att_json n1 eth0 10.89.0.2)")
	setup_ok "$C1" "$json"

	# the bridge: same link, no address added, no sysctl changed
	assert_eq "$(link_json "$HOST" "$BR" | jq -c '{ifindex, address, mtu, up: (.flags | index("UP") != null)}')" \
		"$before_link" "bridge link"
	assert_addrs "$HOST" "$BR" 10.89.0.254/24
	assert_eq "$(for k in "net/ipv4/conf/$BR/rp_filter" "net/ipv4/conf/$BR/route_localnet" \
		"net/ipv4/conf/$BR/forwarding" net/ipv4/ip_forward; do
		echo "$k=$(sysctl_get "$HOST" "$k")"; done)" "$before_sys" "host sysctls"
	# the container is attached to it
	hostveth=$(peer_of "$C1" eth0)
	assert_eq "$(link_get "$HOST" "$hostveth" .master)" "$BR" "master of the host veth"
	assert_addrs "$C1" eth0 10.89.0.2/24
	ping_ok "$C1" 10.89.0.254

	teardown_ok "$C1" "$json"
	# unmanaged bridges are never deleted
	assert_link "$HOST" "$BR"
	assert_addrs "$HOST" "$BR" 10.89.0.254/24
	assert_eq "$(ports "$HOST" "$BR")" "[]" "bridge ports after teardown"
	assert_no_link "$C1" eth0
}

@test "managed mode reuses an existing bridge" {
	local j1 j2 idx
	ip -n "$HOST" link add "$BR" type bridge
	ip -n "$HOST" addr add 10.89.0.1/24 dev "$BR"
	ip -n "$HOST" link set "$BR" up
	idx=$(link_get "$HOST" "$BR" .ifindex)

	j1=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	j2=$(req_json "$(cid 2)" "$(net4)" "$(att_json n1 eth0 10.89.0.3)")
	setup_ok "$C1" "$j1"
	setup_ok "$C2" "$j2"
	assert_eq "$(link_get "$HOST" "$BR" .ifindex)" "$idx" "bridge ifindex (not recreated)"
	assert_addrs "$HOST" "$BR" 10.89.0.1/24
	assert_eq "$(ports "$HOST" "$BR" | jq length)" 2 "bridge ports"
	ping_ok "$C1" 10.89.0.1
	ping_ok "$C1" 10.89.0.3

	teardown_ok "$C1" "$j1"
	assert_eq "$(link_get "$HOST" "$BR" .ifindex)" "$idx" "bridge still there after the first teardown"
	ping_ok "$C2" 10.89.0.1
	# unlike netavark: a bridge netd did not create is never deleted (issue 12),
	# it stays with its address after the last container
	teardown_ok "$C2" "$j2"
	assert_eq "$(link_get "$HOST" "$BR" .ifindex)" "$idx" "the admin's bridge after the last teardown"
	assert_addrs "$HOST" "$BR" 10.89.0.1/24
	assert_eq "$(ports "$HOST" "$BR" | jq length)" 0 "bridge ports after the last teardown"
}

@test "a non-bridge interface with the bridge's name is an error" {
	local json before
	ip -n "$HOST" link add "$BR" type veth peer name ndbr0peer
	json=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	before=$(snapshot_all "$HOST" "$C1")
	netd_setup "$C1" "$json"
	assert_netd_error "$BR"
	assert_match "$ERRMSG" "bridge" "error message"
	assert_match "$ERRMSG" "veth" "error message names the kind found"
	assert_same_snapshot "$before" "$(snapshot_all "$HOST" "$C1")"
	assert_no_state_files
}

@test "rollback on a pre-existing managed bridge restores it" {
	local json before
	# a bridge that is down and has no address: setup adds the gateway and sets it up
	ip -n "$HOST" link add "$BR" address 02:00:00:00:aa:02 type bridge
	json=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	br_sysctls() {
		local k
		for k in rp_filter route_localnet forwarding; do
			echo "$k=$(sysctl_get "$HOST" "net/ipv4/conf/$BR/$k")"
		done
	}
	before=$(snapshot_all "$HOST" "$C1"; br_sysctls)
	netd_setup "$C1" "$json" NETD_TEST_FAIL_AFTER=veth
	assert_netd_error "injected failure"
	assert_same_snapshot "$before" "$(snapshot_all "$HOST" "$C1"; br_sysctls)"
	assert_no_state_files
}

# fails_cleanly WANT CMD...: CMD (which `run`s netd) fails the netd way with WANT
# in the message, prints nothing on stderr, and leaves $HOST, $C1 and the
# state directory as they were.
fails_cleanly() {
	local want=$1 before
	shift
	before=$(snapshot_all "$HOST" "$C1")
	"$@"
	assert_netd_error "$want"
	assert_eq "$stderr" "" "stderr"
	assert_same_snapshot "$before" "$(snapshot_all "$HOST" "$C1")"
	assert_no_state_files
}

# netd_ro_sysctl CTR_NS JSON: setup with /proc/sys mounted read-only (a private
# mount namespace, as netavark's suite runs containers).
netd_ro_sysctl() {
	run --separate-stderr unshare -m sh -c 'mount --bind /proc/sys /proc/sys &&
		mount -o remount,bind,ro /proc/sys && exec "$@"' sh \
		ip netns exec "$HOST" "$NETD" --config "$CFG" --firewall-driver none \
		setup "/run/netns/$1" <<<"$2"
}

@test "read-only /proc/sys: setup writes only sysctls whose value differs" {
	local json
	json=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	# a value that must change cannot: a clean error, nothing left behind
	fails_cleanly "Read-only file system" netd_ro_sysctl "$C1" "$json"

	# every value netd wants is already there (new interfaces inherit "default")
	ip netns exec "$HOST" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.default.route_localnet=1 net.ipv4.conf.default.rp_filter=2
	ip netns exec "$C1" sysctl -qw net.ipv4.conf.default.arp_notify=1 \
		net.ipv4.conf.default.rp_filter=2 net.ipv6.conf.default.autoconf=0
	netd_ro_sysctl "$C1" "$json"
	assert_status 0
	assert_eq "$stderr" "" "stderr"
	assert_addrs "$C1" eth0 10.89.0.2/24
	assert_eq "$(sysctl_get "$C1" net/ipv4/conf/eth0/arp_notify)" 1 "arp_notify"
	assert_eq "$(sysctl_get "$C1" net/ipv4/conf/eth0/rp_filter)" 2 "rp_filter"
	teardown_ok "$C1" "$json"
}

@test "netd --help names every command, option and environment variable; every netavark command has --help" {
	local help w c
	run --separate-stderr "$NETD" --help
	assert_status 0
	help=$output
	for w in setup teardown create validate firewall-reload update version help network attach \
		detach status check "-c, --config DIR" "-r, --rootless BOOL" "-a, --aardvark-binary PATH" \
		"--firewall-driver NAME" "--plugin-directory DIR" "-f, --file PATH" "-h, --help" \
		"-V, --version" NETD_LOG RUST_LOG NETAVARK_FW NETAVARK_DNS_PORT NETD_NETWORK_DIR \
		NETD_PLUGIN_TIMEOUT CNI_COMMAND; do
		assert_contains "$help" "$w" "netd --help" || return 1
	done
	# every long option netd's parser knows is in the help
	for w in $(grep -o '{ "[a-z-]*", [a-z_]*_argument' "$REPO/netd/cli/main.c" | cut -d'"' -f2); do
		assert_contains "$help" "--$w" "netd --help" || return 1
	done
	for c in setup teardown create validate firewall-reload update version; do
		run --separate-stderr "$NETD" "$c" --help
		assert_status 0
		assert_contains "$output" "Usage: netd" "netd $c --help" || return 1
		assert_contains "$output" " $c" "netd $c --help" || return 1
		assert_eq "$stderr" "" "stderr of netd $c --help" || return 1
	done
	run --separate-stderr "$NETD" update --help
	assert_contains "$output" "--network-dns-servers IP" "update --help"
}

# ---------------------------------------------------------------------------
# request forms

@test "networks given as an array" {
	local n1 n2 json
	n1=$(net_json n1 ndbr0 10.89.0.0/24)
	n2=$(net_json n2 ndbr1 10.90.0.0/24)
	json=$(req_json --array "$(cid 1)" "$n1" "$(att_json n1 eth0 10.89.0.2)" \
		"$n2" "$(att_json n2 eth1 10.90.0.2)")
	assert_eq "$(jq -r '.networks | type' <<<"$json")" array "request form"
	setup_ok "$C1" "$json"
	assert_eq "$(jq -c 'keys' <<<"$RESULT")" '["n1","n2"]' "result networks"
	assert_addrs "$C1" eth0 10.89.0.2/24
	assert_addrs "$C1" eth1 10.90.0.2/24
	assert_eq "$(jq -c '.n2.interfaces | keys' <<<"$RESULT")" '["eth1"]' "n2 interfaces"
	assert_eq "$(link_get "$HOST" "$(peer_of "$C1" eth1)" .master)" ndbr1 "eth1's bridge"
	teardown_ok "$C1" "$json"
	assert_no_link "$HOST" ndbr0
	assert_no_link "$HOST" ndbr1
	assert_no_link "$C1" eth0
	assert_no_link "$C1" eth1
}

# ---------------------------------------------------------------------------
# teardown

# The container namespace after teardown: only lo, no global address, no route.
assert_container_clean() {
	assert_eq "$(ip -n "$1" -j link show | jq -c 'map(.ifname)')" '["lo"]' "links in $1"
	assert_eq "$(ip -n "$1" -j addr show | jq -c '[.[].addr_info[] | select(.scope != "host")]')" \
		"[]" "non-loopback addresses in $1"
	assert_eq "$(routes "$1" 4)" "[]" "IPv4 routes in $1"
	assert_eq "$(routes "$1" 6)" "[]" "IPv6 routes in $1"
}

@test "teardown leaves nothing; the bridge goes with the last container" {
	local j1 j2 host_before
	host_before=$(snapshot "$HOST" --no-sysctls)
	j1=$(req_json "$(cid 1)" "$(net46)" "$(att_json n1 eth0 10.89.0.2 fd10:89::2)")
	j2=$(req_json "$(cid 2)" "$(net46)" "$(att_json n1 eth0 10.89.0.3 fd10:89::3)")
	setup_ok "$C1" "$j1"
	setup_ok "$C2" "$j2"

	teardown_ok "$C1" "$j1"
	assert_container_clean "$C1"
	[[ ! -e $(state_file "$(cid 1)") ]] || die "state file of container 1 left behind"
	[[ -e $(state_file "$(cid 2)") ]] || die "state file of container 2 is gone"
	# the bridge stays for container 2, which still works
	assert_link "$HOST" "$BR"
	assert_addrs "$HOST" "$BR" 10.89.0.1/24 fd10:89::1/64
	assert_eq "$(ports "$HOST" "$BR" | jq length)" 1 "bridge ports"
	ping_ok "$C2" 10.89.0.1
	ping_ok "$C2" fd10:89::1

	teardown_ok "$C2" "$j2"
	assert_container_clean "$C2"
	assert_no_link "$HOST" "$BR"
	assert_same_snapshot "$host_before" "$(snapshot "$HOST" --no-sysctls)"
	assert_no_state_files
}

@test "teardown after the container namespace was deleted" {
	local json hostveth
	json=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	setup_ok "$C1" "$json"
	hostveth=$(peer_of "$C1" eth0)
	ip netns del "$C1"
	teardown_ok "$C1" "$json"
	assert_no_link "$HOST" "$hostveth"
	assert_no_link "$HOST" "$BR"
	assert_no_state_files
}

@test "teardown twice succeeds" {
	local json
	json=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	setup_ok "$C1" "$json"
	teardown_ok "$C1" "$json"
	teardown_ok "$C1" "$json"
	assert_container_clean "$C1"
	assert_no_link "$HOST" "$BR"
	assert_no_state_files
}

# ---------------------------------------------------------------------------
# sysctls

@test "sysctls in the host and the container namespace" {
	local json
	json=$(req_json "$(cid 1)" "$(net46)" "$(att_json n1 eth0 10.89.0.2 fd10:89::2)")
	setup_ok "$C1" "$json"
	assert_eq "$(sysctl_get "$HOST" net/ipv4/ip_forward)" 1 "host net/ipv4/ip_forward"
	assert_eq "$(sysctl_get "$HOST" net/ipv6/conf/all/forwarding)" 1 "host net/ipv6/conf/all/forwarding"
	assert_eq "$(sysctl_get "$HOST" "net/ipv4/conf/$BR/rp_filter")" 2 "host $BR rp_filter"
	assert_eq "$(sysctl_get "$HOST" "net/ipv4/conf/$BR/route_localnet")" 1 "host $BR route_localnet"
	assert_eq "$(sysctl_get "$C1" net/ipv4/conf/eth0/arp_notify)" 1 "container eth0 arp_notify"
	assert_eq "$(sysctl_get "$C1" net/ipv6/conf/eth0/autoconf)" 0 "container eth0 ipv6 autoconf"
	assert_eq "$(sysctl_get "$C1" net/ipv4/conf/eth0/rp_filter)" 2 "container eth0 rp_filter"
	teardown_ok "$C1" "$json"
}

# ---------------------------------------------------------------------------
# vrf and vlan (kernel features that may be missing)

@test "vrf option" {
	local json before
	json=$(req_json "$(cid 1)" "$(net4 | jq -c '.options.vrf = "ndvrf0"')" \
		"$(att_json n1 eth0 10.89.0.2)")
	if ! ip -n "$HOST" link add ndvrf0 type vrf table 10 2>/dev/null; then
		before=$(snapshot_all "$HOST" "$C1")
		netd_setup "$C1" "$json"
		assert_netd_error ndvrf0
		assert_match "$ERRMSG" vrf "error message"
		assert_same_snapshot "$before" "$(snapshot_all "$HOST" "$C1")"
		assert_no_state_files
		skip "kernel lacks vrf"
	fi
	ip -n "$HOST" link set ndvrf0 up
	setup_ok "$C1" "$json"
	assert_eq "$(link_get "$HOST" "$BR" .master)" ndvrf0 "master of $BR"
	assert_addrs "$C1" eth0 10.89.0.2/24
	ping_ok "$C1" 10.89.0.1
	teardown_ok "$C1" "$json"
	assert_no_link "$HOST" "$BR"
	assert_link "$HOST" ndvrf0
}

@test "vlan option" {
	local json before hostveth
	json=$(req_json "$(cid 1)" "$(net4 | jq -c '.options.vlan = "10"')" \
		"$(att_json n1 eth0 10.89.0.2)")
	if ! ip -n "$HOST" link add ndvlprobe type bridge vlan_filtering 1 2>/dev/null; then
		before=$(snapshot_all "$HOST" "$C1")
		netd_setup "$C1" "$json"
		assert_netd_error "$BR"
		assert_match "$ERRMSG" "[Vv][Ll][Aa][Nn]" "error message"
		assert_same_snapshot "$before" "$(snapshot_all "$HOST" "$C1")"
		assert_no_state_files
		skip "kernel lacks bridge vlan filtering"
	fi
	ip -n "$HOST" link del ndvlprobe
	setup_ok "$C1" "$json"
	assert_eq "$(link_get "$HOST" "$BR" .linkinfo.info_data.vlan_filtering)" 1 "vlan_filtering of $BR"
	hostveth=$(peer_of "$C1" eth0)
	assert_eq "$(bridge -n "$HOST" -j vlan show dev "$hostveth" |
		jq -c '[.[0].vlans[] | select(.vlan == 10) | .flags | sort]')" \
		'[["Egress Untagged","PVID"]]' "vlan 10 on $hostveth"
	teardown_ok "$C1" "$json"
	assert_no_link "$HOST" "$BR"
}

# ---------------------------------------------------------------------------
# concurrency

@test "8 concurrent first setups, then 8 concurrent teardowns" {
	local i ns json rc d=$BATS_TEST_TMPDIR
	local -a nss
	ns_add "${PFX}c3" "${PFX}c4" "${PFX}c5" "${PFX}c6" "${PFX}c7" "${PFX}c8"
	nss=("$C1" "$C2" "${PFX}c3" "${PFX}c4" "${PFX}c5" "${PFX}c6" "${PFX}c7" "${PFX}c8")
	for i in 1 2 3 4 5 6 7 8; do
		req_json "$(cid "$i")" "$(net46)" \
			"$(att_json n1 eth0 "10.89.0.$((i + 1))" "fd10:89::$((i + 1))")" >"$d/req$i"
	done

	for i in 1 2 3 4 5 6 7 8; do
		( netd_cmd setup "/run/netns/${nss[i - 1]}" <"$d/req$i" >"$d/out$i" 2>"$d/err$i"
		  echo $? >"$d/rc$i" ) &
	done
	wait
	for i in 1 2 3 4 5 6 7 8; do
		rc=$(cat "$d/rc$i")
		[[ $rc == 0 ]] || die "setup $i exited $rc: $(cat "$d/out$i") $(cat "$d/err$i")"
		assert_eq "$(jq -c ".n1.interfaces.eth0.subnets[0].ipnet" "$d/out$i")" "\"10.89.0.$((i + 1))/24\"" "result $i"
	done
	assert_eq "$(ports "$HOST" "$BR" | jq length)" 8 "bridge ports"
	assert_addrs "$HOST" "$BR" 10.89.0.1/24 fd10:89::1/64
	for i in 1 2 3 4 5 6 7 8; do
		ns=${nss[i - 1]}
		assert_addrs "$ns" eth0 "10.89.0.$((i + 1))/24" "fd10:89::$((i + 1))/64"
		assert_eq "$(link_get "$HOST" "$(peer_of "$ns" eth0)" .master)" "$BR" "bridge of container $i"
		ping_ok "$ns" 10.89.0.1
	done
	ping_ok "${nss[7]}" 10.89.0.2

	for i in 1 2 3 4 5 6 7 8; do
		( netd_cmd teardown "/run/netns/${nss[i - 1]}" <"$d/req$i" >"$d/tout$i" 2>"$d/terr$i"
		  echo $? >"$d/trc$i" ) &
	done
	wait
	for i in 1 2 3 4 5 6 7 8; do
		rc=$(cat "$d/trc$i")
		[[ $rc == 0 ]] || die "teardown $i exited $rc: $(cat "$d/tout$i") $(cat "$d/terr$i")"
		assert_container_clean "${nss[i - 1]}"
	done
	assert_no_link "$HOST" "$BR"
	assert_eq "$(ip -n "$HOST" -j link show | jq -c 'map(.ifname)')" '["lo"]' "host links"
	assert_no_state_files
}

# ---------------------------------------------------------------------------
# failure injection: setup fails right after a step and rolls everything back

# fail_after SPEC REQUEST: setup with NETD_TEST_FAIL_AFTER=SPEC fails cleanly.
fail_after() {
	local spec=$1 json=$2
	# (the error printed once: nothing on stderr at the default log level)
	fails_cleanly "injected failure after step ${spec%%:*}" \
		netd_setup "$C1" "$json" NETD_TEST_FAIL_AFTER="$spec"
	# and a normal setup works afterwards
	setup_ok "$C1" "$json"
	teardown_ok "$C1" "$json"
}

@test "a failed setup prints its error once; the rollback story is for NETD_LOG=info" {
	local json msg
	json=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	netd_setup "$C1" "$json" NETD_TEST_FAIL_AFTER=veth
	assert_netd_error "injected failure after step veth"
	assert_eq "$stderr" "" "stderr at the default log level"
	msg=$ERRMSG
	netd_setup "$C1" "$json" NETD_TEST_FAIL_AFTER=veth NETD_LOG=info
	assert_netd_error "injected failure after step veth"
	assert_contains "$stderr" "[info  netd] setup of container $(cid 1) failed, rolling back: $msg" "stderr at info"
}

# Every malformed request of the unit table (tests/unit/test-request.c, dumped
# by test-request --dump) and every tests/data/invalid file, through the real
# binary: exit 1, exactly one {"error": ...} line on stdout, nothing on stderr.
@test "every malformed request: exactly one JSON error on stdout, stderr empty" {
	local unit dir f n=0
	unit=$(dirname "$(dirname "$NETD")")/tests/unit/test-request
	[[ -x $unit ]] || die "$unit not built (meson -Dtests=true)"
	dir=$BATS_TEST_TMPDIR/cases
	mkdir "$dir"
	"$unit" --dump "$dir"
	for f in "$dir"/*.json "$REPO"/tests/data/invalid/*.json; do
		run --separate-stderr ip netns exec "$HOST" "$NETD" --config "$CFG" \
			--firewall-driver none setup "/run/netns/$C1" <"$f"
		# (assert_netd_error's schema check costs a python start per case)
		assert_status 1 || die "request $f"
		[[ $output != *$'\n'* ]] || die "$f: more than one line: $output"
		jq -e 'keys == ["error"] and (.error | type == "string" and length > 0)' \
			<<<"$output" >/dev/null || die "$f: not one {\"error\": ...} object: $output"
		assert_eq "$stderr" "" "stderr for $f" || return 1
		n=$((n + 1))
	done
	((n > 100)) || die "only $n requests tried"
	assert_no_state_files
}

one_net_request() {
	req_json "$(cid 1)" \
		"$(net46 | jq -c '.routes = [{destination: "10.200.0.0/24", gateway: "10.89.0.254", metric: 50}]')" \
		"$(att_json n1 eth0 10.89.0.2 fd10:89::2)"
}

two_net_request() {
	req_json "$(cid 1)" \
		"$(net46)" "$(att_json n1 eth0 10.89.0.2 fd10:89::2)" \
		"$(net_json n2 ndbr1 10.90.0.0/24 | jq -c '.routes = [{destination: "10.200.0.0/24", gateway: "10.90.0.254"}]')" \
		"$(att_json n2 eth1 10.90.0.2)"
}

@test "failure injection after step loopback rolls back" {
	fail_after loopback "$(one_net_request)"
}

@test "failure injection after step bridge rolls back" {
	fail_after bridge "$(one_net_request)"
}

@test "failure injection after step veth rolls back" {
	fail_after veth "$(one_net_request)"
}

@test "failure injection after step addresses rolls back" {
	fail_after addresses "$(one_net_request)"
}

@test "failure injection after step routes rolls back" {
	fail_after routes "$(one_net_request)"
}

@test "failure injection after step firewall rolls back" {
	fail_after firewall "$(one_net_request)"
}

@test "failure injection after step state rolls back" {
	fail_after state "$(one_net_request)"
}

@test "failure injection after step routes rolls back blackhole/unreachable routes" {
	fail_after routes "$(req_json "$(cid 1)" \
		"$(net46 | jq -c '.routes = [
			{destination: "10.201.0.0/24", route_type: "blackhole"},
			{destination: "10.202.0.0/24", route_type: "unreachable", metric: 70},
			{destination: "fd98::/64", route_type: "prohibit"}]')" \
		"$(att_json n1 eth0 10.89.0.2 fd10:89::2)")"
}

@test "failure injection at attachment 1 of 2 after step bridge rolls back both" {
	fail_after bridge:1 "$(two_net_request)"
}

@test "failure injection at attachment 1 of 2 after step veth rolls back both" {
	fail_after veth:1 "$(two_net_request)"
}

@test "failure injection at attachment 1 of 2 after step addresses rolls back both" {
	fail_after addresses:1 "$(two_net_request)"
}

@test "failure injection at attachment 1 of 2 after step routes rolls back both" {
	fail_after routes:1 "$(two_net_request)"
}

# The firewall and the state are one step for the whole request (after every
# attachment is set up), so with two networks they are injected without index.
@test "failure injection with 2 networks after step firewall rolls back both" {
	fail_after firewall "$(two_net_request)"
}

@test "failure injection with 2 networks after step state rolls back both" {
	fail_after state "$(two_net_request)"
}

@test "failure injection: the error names the step and the attachment" {
	local before json
	json=$(two_net_request)
	before=$(snapshot_all "$HOST" "$C1")
	# the first network's steps run, then the failure hits the second one
	netd_setup "$C1" "$json" NETD_TEST_FAIL_AFTER=veth:1
	assert_netd_error "injected failure after step veth (attachment 1)"
	assert_same_snapshot "$before" "$(snapshot_all "$HOST" "$C1")"
}

# ---------------------------------------------------------------------------
# real failures

@test "container interface name already taken: error, nothing left" {
	local json before
	ip -n "$C1" link add eth0 type veth peer name ndpeer0
	json=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	before=$(snapshot_all "$HOST" "$C1")
	netd_setup "$C1" "$json"
	assert_netd_error eth0
	assert_contains "$ERRMSG" "exists" "error message"
	assert_same_snapshot "$before" "$(snapshot_all "$HOST" "$C1")"
	assert_no_state_files
	# the interface that was there is untouched
	assert_link "$C1" eth0
	assert_link "$C1" ndpeer0
}

@test "invalid netns path" {
	local json
	json=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	netd_setup "${PFX}doesnotexist" "$json"
	assert_netd_error "/run/netns/${PFX}doesnotexist"
	assert_no_link "$HOST" "$BR"
	assert_no_state_files
}

@test "netns path that is not a network namespace" {
	local json f=$BATS_TEST_TMPDIR/not-a-netns
	echo hello >"$f"
	json=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	run --separate-stderr netd_cmd setup "$f" <<<"$json"
	assert_netd_error "$f"
	assert_contains "$ERRMSG" "namespace" "error message"
	assert_no_link "$HOST" "$BR"
	assert_no_state_files
}

@test "missing --config is an error" {
	local json
	json=$(req_json "$(cid 1)" "$(net4)" "$(att_json n1 eth0 10.89.0.2)")
	run --separate-stderr ip netns exec "$HOST" "$NETD" --firewall-driver none \
		setup "/run/netns/$C1" <<<"$json"
	assert_netd_error "--config"
	assert_no_link "$HOST" "$BR"
	assert_no_link "$C1" eth0
	run --separate-stderr ip netns exec "$HOST" "$NETD" --firewall-driver none \
		teardown "/run/netns/$C1" <<<"$json"
	assert_netd_error "--config"
}

@test "usage errors exit 2 with a message on stderr" {
	run --separate-stderr netd_cmd frobnicate
	assert_status 2
	assert_eq "$output" "" "stdout"
	assert_contains "$stderr" frobnicate "stderr"

	run --separate-stderr netd_cmd setup </dev/null
	assert_status 2
	assert_eq "$output" "" "stdout"
	[[ -n $stderr ]] || die "no message on stderr"

	run --separate-stderr netd_cmd teardown </dev/null
	assert_status 2
	assert_eq "$output" "" "stdout"
	[[ -n $stderr ]] || die "no message on stderr"

	run --separate-stderr netd_cmd
	assert_status 2
	assert_eq "$output" "" "stdout"
}
