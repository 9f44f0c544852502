#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# netd's macvlan and ipvlan drivers, in throwaway network namespaces. $HOST
# plays the host (netd runs there); a veth pair stands in as the parent
# device: "mvpar" in $HOST, its other end "mvout" in $OUT, a namespace
# playing the rest of the LAN (10.93.0.1, fd93::1: the gateway). Containers
# are $C1 and $C2. Needs root.

load helpers

SUB4=10.93.0.0/24
SUB6=fd93::/64
OUT4=10.93.0.1
OUT6=fd93::1

setup() {
	if [[ $EUID -ne 0 ]]; then
		skip "needs root (network namespaces)"
	fi
	PFX="ndm$$t${BATS_TEST_NUMBER}"
	HOST="${PFX}h"
	C1="${PFX}c1"
	C2="${PFX}c2"
	OUT="${PFX}o"
	CFG="$BATS_TEST_TMPDIR/config"
	NS_CREATED=()
	ns_add "$HOST" "$C1" "$C2" "$OUT"
	ip -n "$HOST" link add mvpar type veth peer name mvout netns "$OUT"
	# no DAD on the parent: its link-local address must not change under a snapshot
	ip netns exec "$HOST" sysctl -qw net.ipv6.conf.mvpar.accept_dad=0
	ip -n "$HOST" link set mvpar up
	ip -n "$OUT" link set mvout up
	ip -n "$OUT" link set lo up
	ip -n "$OUT" addr add "$OUT4/24" dev mvout
	ip -n "$OUT" addr add "$OUT6/64" dev mvout nodad
}

# mv_net NAME [SUBNET[,GW|,nogw]]... → a macvlan Network on parent mvpar.
mv_net() {
	local name=$1
	shift
	net_json "$name" mvpar "$@" | jq -c '.driver = "macvlan"'
}

# mv_req CID NETJSON IP... → request for one container on that network, interface eth0.
mv_req() {
	local cid=$1 net=$2 name
	shift 2
	name=$(jq -r .name <<<"$net")
	req_json "$(cid "$cid")" "$net" "$(att_json "$name" eth0 "$@")"
}

# The IFLA_INFO_DATA of a link as "mode=<u32> bclim=<s32 or none>", read over
# rtnetlink (iproute2 6.1 does not print the broadcast cutoff).
macvlan_info() {
	ip netns exec "$1" python3 - "$2" <<'EOF'
import socket, struct, sys
name = sys.argv[1].encode() + b"\0"
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
attr = struct.pack("HH", 4 + len(name), 3) + name           # IFLA_IFNAME
attr += b"\0" * ((4 - len(attr) % 4) % 4)
body = struct.pack("BxHiII", 0, 0, 0, 0, 0) + attr
s.send(struct.pack("IHHII", 16 + len(body), 18, 1, 1, 0) + body)  # RTM_GETLINK
msg = s.recv(65536)
length, typ = struct.unpack_from("IH", msg)
if typ != 16:
    sys.exit("no RTM_NEWLINK answer")
def attrs(buf, off, end):
    while off + 4 <= end:
        alen, atype = struct.unpack_from("HH", buf, off)
        if alen < 4:
            break
        yield atype & 0x3fff, off + 4, off + alen
        off += (alen + 3) & ~3
mode = bclim = None
for t, a, b in attrs(msg, 32, length):
    if t == 18:                                                # IFLA_LINKINFO
        for t2, a2, b2 in attrs(msg, a, b):
            if t2 == 2:                                        # IFLA_INFO_DATA
                for t3, a3, b3 in attrs(msg, a2, b2):
                    if t3 == 1:
                        mode = struct.unpack_from("I", msg, a3)[0]
                    if t3 == 9:                                # IFLA_MACVLAN_BC_CUTOFF
                        bclim = struct.unpack_from("i", msg, a3)[0]
print("mode=%s bclim=%s" % (mode, "none" if bclim is None else bclim))
EOF
}

# Whether this kernel can create links of KIND on a veth (in a throwaway namespace).
kernel_has() {
	local ns="${PFX}probe" rc=0
	ns_add "$ns"
	ip -n "$ns" link add pa type veth peer name pb
	case $1 in
	vlan) ip -n "$ns" link add link pa name pa.5 type vlan id 5 2>/dev/null || rc=1 ;;
	*) ip -n "$ns" link add link pa name p1 type "$1" 2>/dev/null || rc=1 ;;
	esac
	ip netns del "$ns"
	return $rc
}

# ---------------------------------------------------------------------------
# basics

@test "macvlan: two containers reach each other and the LAN; result, routes, teardown" {
	local j1 j2 mac p
	j1=$(mv_req 1 "$(mv_net m1 "$SUB4" "$SUB6")" 10.93.0.2 fd93::2)
	j2=$(mv_req 2 "$(mv_net m1 "$SUB4" "$SUB6")" 10.93.0.3 fd93::3)
	setup_ok "$C1" "$j1"
	local r1=$RESULT
	setup_ok "$C2" "$j2"

	assert_eq "$(link_get "$C1" eth0 .linkinfo.info_kind)" macvlan "kind of eth0"
	assert_eq "$(link_get "$C1" eth0 .linkinfo.info_data.mode)" bridge "default mode"
	link_is_up "$C1" eth0 || die "eth0 is not up"
	link_is_up "$C1" lo || die "lo is not up"
	assert_addrs "$C1" eth0 10.93.0.2/24 fd93::2/64
	assert_eq "$(default_routes "$C1" 4 | jq -c 'map({gateway, dev, metric})')" \
		'[{"gateway":"10.93.0.1","dev":"eth0","metric":99}]' "IPv4 default route (metric 99)"
	assert_eq "$(default_routes "$C1" 6 | jq -c 'map({gateway, dev, metric})')" \
		'[{"gateway":"fd93::1","dev":"eth0","metric":99}]' "IPv6 default route"
	assert_eq "$(sysctl_get "$C1" net/ipv6/conf/eth0/autoconf)" 0 "autoconf in the container"

	# the parent is mvpar in the host namespace; nothing else appeared there
	p=$(ip -n "$HOST" -j link show dev mvpar | jq '.[0].ifindex')
	assert_eq "$(link_get "$C1" eth0 .link_index)" "$p" "parent ifindex"
	assert_eq "$(ip -n "$HOST" -j link show | jq -r '[.[].ifname] | sort | join(",")')" "lo,mvpar" \
		"host links"

	# the result
	mac=$(link_get "$C1" eth0 .address)
	assert_eq "$(jq -c . <<<"$r1")" \
		"{\"m1\":{\"dns_search_domains\":[],\"dns_server_ips\":[],\"interfaces\":{\"eth0\":{\"mac_address\":\"$mac\",\"subnets\":[{\"gateway\":\"10.93.0.1\",\"ipnet\":\"10.93.0.2/24\"},{\"gateway\":\"fd93::1\",\"ipnet\":\"fd93::2/64\"}]}}}}" \
		"result"

	# traffic: container to container (mode bridge), to the LAN, and back
	ping_ok "$C1" 10.93.0.3
	ping_ok "$C2" 10.93.0.2
	ping_ok "$C1" "$OUT4"
	ping_ok "$C2" "$OUT6"
	ping_ok "$OUT" 10.93.0.2

	teardown_ok "$C1" "$j1"
	assert_no_link "$C1" eth0
	assert_link "$C2" eth0
	ping_ok "$C2" "$OUT4"
	teardown_ok "$C2" "$j2"
	assert_no_link "$C2" eth0
	assert_link "$HOST" mvpar
	assert_no_state_files
}

@test "macvlan: no firewall table, no DNS server, even with dns_enabled and nftables" {
	local j
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.dns_enabled = true')" 10.93.0.2)
	run --separate-stderr ip netns exec "$HOST" "$NETD" --config "$CFG" \
		--firewall-driver nftables setup "/run/netns/$C1" <<<"$j"
	assert_status 0
	assert_eq "$(jq -c '.m1.dns_search_domains, .m1.dns_server_ips' <<<"$output" | tr -d '\n')" \
		'[][]' "no DNS in the result"
	assert_eq "$(ip netns exec "$HOST" nft -j list tables | jq -c '[.nftables[] | select(.table) | .table.name]')" \
		'[]' "nftables tables in the host"
	[[ ! -e $CFG/aardvark-dns ]] || die "a DNS directory was created"
	run --separate-stderr ip netns exec "$HOST" "$NETD" --config "$CFG" \
		--firewall-driver nftables teardown "/run/netns/$C1" <<<"$j"
	assert_status 0
	assert_no_link "$C1" eth0
}

@test "macvlan: a rolled-back setup leaves every namespace as it was" {
	local j before
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.routes = [{destination: "10.200.0.0/16", gateway: "10.93.0.1"}]')" 10.93.0.2)
	before=$(snapshot_all --no-sysctls "$HOST" "$C1")
	netd_setup "$C1" "$j" NETD_TEST_FAIL_AFTER=routes
	assert_netd_error "injected failure after step routes"
	assert_same_snapshot "$before" "$(snapshot_all --no-sysctls "$HOST" "$C1")"
	assert_no_state_files
}

# ---------------------------------------------------------------------------
# options

@test "macvlan: modes private, vepa, passthru, source; private containers do not see each other" {
	local mode j1 j2 kmode
	for mode in private vepa passthru source; do
		j1=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c --arg m "$mode" '.options.mode = $m')" 10.93.0.2)
		setup_ok "$C1" "$j1"
		assert_eq "$(link_get "$C1" eth0 .linkinfo.info_data.mode)" "$mode" "mode $mode"
		teardown_ok "$C1" "$j1"
		assert_no_link "$C1" eth0
	done
	# the kernel's numbers too: private=1 vepa=2 bridge=4 passthru=8 source=16
	j1=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.options.mode = "private"')" 10.93.0.2)
	j2=$(mv_req 2 "$(mv_net m1 "$SUB4" | jq -c '.options.mode = "private"')" 10.93.0.3)
	setup_ok "$C1" "$j1"
	setup_ok "$C2" "$j2"
	kmode=$(macvlan_info "$C1" eth0)
	assert_match "$kmode" '^mode=1 ' "kernel mode of private"
	ping_ok "$C1" "$OUT4"
	ping_ok "$C2" "$OUT4"
	if ip netns exec "$C1" ping -c 1 -W 1 10.93.0.3 >/dev/null 2>&1; then
		die "private macvlans reached each other"
	fi
	teardown_ok "$C1" "$j1"
	teardown_ok "$C2" "$j2"
}

@test "macvlan/ipvlan: an invalid mode is refused before anything changes" {
	local j before
	before=$(snapshot_all --no-sysctls "$HOST" "$C1")
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.options.mode = "l2"')" 10.93.0.2)
	netd_setup "$C1" "$j"
	assert_netd_error 'invalid macvlan mode "l2"'
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.driver = "ipvlan" | .options.mode = "bridge"')" 10.93.0.2)
	netd_setup "$C1" "$j"
	assert_netd_error 'invalid ipvlan mode "bridge"'
	assert_same_snapshot "$before" "$(snapshot_all --no-sysctls "$HOST" "$C1")"
}

@test "macvlan: bclim sets the broadcast cutoff; a bad value is a parse error" {
	local j
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.options.bclim = "7"')" 10.93.0.2)
	setup_ok "$C1" "$j"
	assert_eq "$(macvlan_info "$C1" eth0)" "mode=4 bclim=7" "IFLA_INFO_DATA"
	teardown_ok "$C1" "$j"

	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.options.bclim = "-1"')" 10.93.0.2)
	setup_ok "$C1" "$j"
	assert_eq "$(macvlan_info "$C1" eth0)" "mode=4 bclim=-1" "negative bclim"
	teardown_ok "$C1" "$j"

	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.options.bclim = "many"')" 10.93.0.2)
	netd_setup "$C1" "$j"
	assert_netd_error 'options.bclim: "many" is not a valid broadcast cutoff'
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.options.bclim = "2147483648"')" 10.93.0.2)
	netd_setup "$C1" "$j"
	assert_netd_error "is not a valid broadcast cutoff"
	assert_no_link "$C1" eth0
}

@test "macvlan: mtu option, else the parent's MTU" {
	local j
	ip -n "$HOST" link set mvpar mtu 1450
	j=$(mv_req 1 "$(mv_net m1 "$SUB4")" 10.93.0.2)
	setup_ok "$C1" "$j"
	assert_eq "$(link_get "$C1" eth0 .mtu)" 1450 "MTU without the option"
	teardown_ok "$C1" "$j"
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.options.mtu = "1400"')" 10.93.0.2)
	setup_ok "$C1" "$j"
	assert_eq "$(link_get "$C1" eth0 .mtu)" 1400 "MTU with mtu=1400"
	teardown_ok "$C1" "$j"
}

@test "macvlan: metric, no_default_route, static routes (removed on teardown)" {
	local j net
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" "$SUB6" | jq -c '.options.metric = "250"')" 10.93.0.2 fd93::2)
	setup_ok "$C1" "$j"
	assert_eq "$(default_routes "$C1" 4 | jq -c 'map({gateway, metric})')" \
		'[{"gateway":"10.93.0.1","metric":250}]' "IPv4 default route with metric 250"
	assert_eq "$(default_routes "$C1" 6 | jq -c 'map({gateway, metric})')" \
		'[{"gateway":"fd93::1","metric":250}]' "IPv6 default route with metric 250"
	teardown_ok "$C1" "$j"

	net=$(mv_net m1 "$SUB4" | jq -c '.options.no_default_route = "true" | .routes = [
		{destination: "10.200.0.0/16", gateway: "10.93.0.1"},
		{destination: "10.201.0.0/16", gateway: "10.93.0.1", metric: 7},
		{destination: "10.202.0.0/16", route_type: "blackhole"}]')
	j=$(mv_req 1 "$net" 10.93.0.2)
	setup_ok "$C1" "$j"
	assert_eq "$(default_routes "$C1" 4)" "[]" "no default route"
	assert_eq "$(routes "$C1" 4 | jq -c '[.[] | select(.dst != "10.93.0.0/24") | {dst, gateway, metric, type}] | sort_by(.dst)')" \
		'[{"dst":"10.200.0.0/16","gateway":"10.93.0.1","metric":99,"type":null},{"dst":"10.201.0.0/16","gateway":"10.93.0.1","metric":7,"type":null},{"dst":"10.202.0.0/16","gateway":null,"metric":99,"type":"blackhole"}]' \
		"static routes"
	ping_ok "$C1" "$OUT4"
	teardown_ok "$C1" "$j"
	assert_eq "$(routes "$C1" 4)" "[]" "routes after teardown (the blackhole too)"
}

@test "macvlan: internal network without gateways: addresses, no default route, gateway null" {
	local j
	j=$(mv_req 1 "$(mv_net m1 "$SUB4,nogw" "$SUB6,nogw" | jq -c '.internal = true')" 10.93.0.2 fd93::2)
	setup_ok "$C1" "$j"
	assert_addrs "$C1" eth0 10.93.0.2/24 fd93::2/64
	assert_eq "$(default_routes "$C1" 4)$(default_routes "$C1" 6)" "[][]" "default routes"
	assert_eq "$(jq -c '[.m1.interfaces.eth0.subnets[].gateway]' <<<"$RESULT")" '[null,null]' \
		"gateways in the result"
	ping_ok "$C1" "$OUT4"
	teardown_ok "$C1" "$j"

	# internal with gateways: the gateways are kept in the result but get no route
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.internal = true')" 10.93.0.2)
	setup_ok "$C1" "$j"
	assert_eq "$(default_routes "$C1" 4)" "[]" "no default route on an internal network"
	teardown_ok "$C1" "$j"
}

@test "macvlan: static MAC" {
	local j
	j=$(req_json "$(cid 1)" "$(mv_net m1 "$SUB4")" \
		"$(att_json m1 eth0 10.93.0.2 | jq -c '.static_mac = "02:42:AC:5D:00:02"')")
	setup_ok "$C1" "$j"
	assert_eq "$(link_get "$C1" eth0 .address)" 02:42:ac:5d:00:02 "MAC of eth0"
	assert_eq "$(jq -r '.m1.interfaces.eth0.mac_address' <<<"$RESULT")" 02:42:ac:5d:00:02 "MAC in the result"
	ping_ok "$C1" "$OUT4"
	teardown_ok "$C1" "$j"
}

# ---------------------------------------------------------------------------
# the parent

@test "macvlan: without network_interface the parent is the default route's interface" {
	local j p
	ip -n "$HOST" addr add 10.93.0.254/24 dev mvpar
	ip -n "$HOST" route add default via "$OUT4" dev mvpar
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c 'del(.network_interface)')" 10.93.0.2)
	setup_ok "$C1" "$j"
	p=$(ip -n "$HOST" -j link show dev mvpar | jq '.[0].ifindex')
	assert_eq "$(link_get "$C1" eth0 .link_index)" "$p" "parent is mvpar"
	ping_ok "$C1" "$OUT4"
	teardown_ok "$C1" "$j"
}

@test "macvlan: no parent (no network_interface, no default route), or a missing one: clear errors" {
	local j
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c 'del(.network_interface)')" 10.93.0.2)
	netd_setup "$C1" "$j"
	assert_netd_error "network_interface is not set and the host has no default route"
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.network_interface = "nosuch0"')" 10.93.0.2)
	netd_setup "$C1" "$j"
	assert_netd_error 'parent interface "nosuch0" (network_interface) does not exist on the host'
	assert_no_link "$C1" eth0
}

# ---------------------------------------------------------------------------
# names

@test "macvlan: the container's name taken in the host namespace; teardown removes only netd's link" {
	local j
	# a host interface called like the container's interface
	ip -n "$HOST" link add eth0 type veth peer name eth0p
	j=$(mv_req 1 "$(mv_net m1 "$SUB4")" 10.93.0.2)
	setup_ok "$C1" "$j"
	assert_eq "$(link_get "$C1" eth0 .linkinfo.info_kind)" macvlan "container eth0"
	assert_eq "$(link_get "$HOST" eth0 .linkinfo.info_kind)" veth "host eth0"
	teardown_ok "$C1" "$j"
	assert_no_link "$C1" eth0
	assert_link "$HOST" eth0
	assert_link "$HOST" eth0p
}

@test "macvlan: EEXIST from an older kernel: temporary name mv-XXXXXXXXXX, renamed in the container" {
	local j before
	ip -n "$HOST" link add eth0 type veth peer name eth0p
	j=$(mv_req 1 "$(mv_net m1 "$SUB4")" 10.93.0.2)
	# NETD_TEST_LINK_EEXIST=1: the first attempt (the real name) fails with EEXIST
	netd_setup "$C1" "$j" NETD_TEST_LINK_EEXIST=1 NETD_LOG=info
	assert_status 0
	assert_match "$stderr" 'created macvlan as mv-[A-Za-z0-9]{10}, renamed to eth0 in the container' "log"
	assert_eq "$(link_get "$C1" eth0 .linkinfo.info_kind)" macvlan "container eth0"
	assert_eq "$(ip -n "$C1" -j link show | jq -r '[.[].ifname] | sort | join(",")')" "eth0,lo" \
		"container links (no temporary name left)"
	ping_ok "$C1" "$OUT4"
	teardown_ok "$C1" "$j"
	assert_link "$HOST" eth0

	# three temporary names taken too: an error, nothing left behind
	before=$(snapshot_all --no-sysctls "$HOST" "$C1")
	netd_setup "$C1" "$j" NETD_TEST_LINK_EEXIST=4
	assert_netd_error 'create macvlan interface "eth0"' "3 temporary names"
	assert_same_snapshot "$before" "$(snapshot_all --no-sysctls "$HOST" "$C1")"
}

@test "macvlan: the name taken inside the container is an error; teardown leaves a foreign link alone" {
	local j
	ip -n "$C1" link add eth0 type veth peer name other0
	j=$(mv_req 1 "$(mv_net m1 "$SUB4")" 10.93.0.2)
	netd_setup "$C1" "$j"
	assert_netd_error 'interface "eth0" already exists in container namespace'
	# teardown of a network the container is not on: eth0 is not netd's macvlan
	netd_teardown "$C1" "$j"
	assert_status 0
	assert_link "$C1" eth0
	assert_link "$C1" other0
}

@test "macvlan: teardown with the container namespace gone" {
	local j
	j=$(mv_req 1 "$(mv_net m1 "$SUB4")" 10.93.0.2)
	setup_ok "$C1" "$j"
	ip netns del "$C1"
	teardown_ok "$C1" "$j"
	assert_link "$HOST" mvpar
	assert_no_state_files
}

@test "macvlan next to a bridge network in one request" {
	local j
	j=$(req_json "$(cid 1)" "$(net_json b1 ndbr9 10.94.0.0/24)" "$(att_json b1 eth0 10.94.0.2)" \
		"$(mv_net m1 "$SUB4")" "$(att_json m1 eth1 10.93.0.2)")
	setup_ok "$C1" "$j"
	assert_eq "$(link_get "$C1" eth0 .linkinfo.info_kind)" veth "eth0"
	assert_eq "$(link_get "$C1" eth1 .linkinfo.info_kind)" macvlan "eth1"
	assert_eq "$(jq -c 'keys' <<<"$RESULT")" '["b1","m1"]' "result networks"
	ping_ok "$C1" 10.94.0.1
	ping_ok "$C1" "$OUT4"
	teardown_ok "$C1" "$j"
	assert_no_link "$HOST" ndbr9
	assert_no_link "$C1" eth1
}

# ---------------------------------------------------------------------------
# vlan option and ipvlan: what the kernel has

@test "macvlan with the vlan option: sub-interface <parent>.<id> (needs 802.1Q in the kernel)" {
	local j before
	j=$(mv_req 1 "$(mv_net m1 "$SUB4" | jq -c '.options.vlan = "5"')" 10.93.0.2)
	if ! kernel_has vlan; then
		before=$(snapshot_all --no-sysctls "$HOST" "$C1")
		netd_setup "$C1" "$j"
		assert_netd_error "this kernel does not support vlan interfaces" '"mvpar.5"'
		assert_same_snapshot "$before" "$(snapshot_all --no-sysctls "$HOST" "$C1")"
		skip "this kernel cannot create vlan links (ip link add ... type vlan: Unknown device type); checked that netd says so"
	fi
	setup_ok "$C1" "$j"
	assert_eq "$(link_get "$HOST" mvpar.5 .linkinfo.info_kind)" vlan "mvpar.5"
	assert_eq "$(link_get "$HOST" mvpar.5 .linkinfo.info_data.id)" 5 "vlan id"
	setup_ok "$C2" "$(mv_req 2 "$(mv_net m1 "$SUB4" | jq -c '.options.vlan = "5"')" 10.93.0.3)"
	ping_ok "$C1" 10.93.0.3
	teardown_ok "$C1" "$j"
	assert_link "$HOST" mvpar.5	# still used by C2
	teardown_ok "$C2" "$(mv_req 2 "$(mv_net m1 "$SUB4" | jq -c '.options.vlan = "5"')" 10.93.0.3)"
	assert_no_link "$HOST" mvpar.5
}

@test "ipvlan: this kernel's answer (l2, l3, l3s when it has ipvlan)" {
	local j before mode
	j=$(mv_req 1 "$(mv_net i1 "$SUB4" | jq -c '.driver = "ipvlan"')" 10.93.0.2)
	if ! kernel_has ipvlan; then
		before=$(snapshot_all --no-sysctls "$HOST" "$C1")
		netd_setup "$C1" "$j"
		assert_netd_error "this kernel does not support ipvlan" 'ipvlan link "eth0" on "mvpar"'
		assert_same_snapshot "$before" "$(snapshot_all --no-sysctls "$HOST" "$C1")"
		assert_no_state_files
		skip "this kernel has no ipvlan (ip link add ... type ipvlan: Unknown device type); checked that netd says so"
	fi
	for mode in l2 l3 l3s; do
		j=$(mv_req 1 "$(mv_net i1 "$SUB4" | jq -c --arg m "$mode" '.driver = "ipvlan" | .options.mode = $m')" 10.93.0.2)
		setup_ok "$C1" "$j"
		assert_eq "$(link_get "$C1" eth0 .linkinfo.info_kind)" ipvlan "kind"
		assert_eq "$(link_get "$C1" eth0 .linkinfo.info_data.mode)" "$mode" "mode"
		assert_eq "$(link_get "$C1" eth0 .address)" "$(link_get "$HOST" mvpar .address)" "parent's MAC"
		teardown_ok "$C1" "$j"
		assert_no_link "$C1" eth0
	done
}

@test "ipvlan: two containers and the LAN (needs ipvlan in the kernel)" {
	local j1 j2
	if ! kernel_has ipvlan; then
		skip "this kernel has no ipvlan (ip link add ... type ipvlan: Unknown device type)"
	fi
	j1=$(mv_req 1 "$(mv_net i1 "$SUB4" | jq -c '.driver = "ipvlan" | .options.mtu = "1400" | .options.metric = "42"')" 10.93.0.2)
	j2=$(mv_req 2 "$(mv_net i1 "$SUB4" | jq -c '.driver = "ipvlan" | .options.mtu = "1400" | .options.metric = "42"')" 10.93.0.3)
	setup_ok "$C1" "$j1"
	setup_ok "$C2" "$j2"
	assert_eq "$(link_get "$C1" eth0 .mtu)" 1400 "MTU"
	assert_eq "$(default_routes "$C1" 4 | jq -c 'map(.metric)')" '[42]' "metric"
	ping_ok "$C1" 10.93.0.3
	ping_ok "$C1" "$OUT4"
	teardown_ok "$C1" "$j1"
	teardown_ok "$C2" "$j2"
}
