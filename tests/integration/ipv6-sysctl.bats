#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The IPv6 settings netd gives a container interface and its host veth on a
# managed bridge, by their effect: no SLAAC address from a router
# advertisement another container sends (autoconf=0), addresses usable at once
# (accept_dad=0 and nodad), the host veth keeping its link-local address
# without duplicate address detection (accept_dad=0, as netavark). netd writes
# them through a proc instance of its own (netd/sys/sysctl.h); these tests
# hold whatever way they are written. Needs root.

load helpers

BR=ndbr0
SUB4=10.89.0.0/24
SUB6=fd10:89::/64

net46() { net_json n1 "$BR" "$SUB4" "$SUB6"; }

# send_ra NS IFNAME PREFIX: one router advertisement (router lifetime 0, so
# no default route) with PREFIX/64 on-link and autonomous, to ff02::1.
send_ra() {
	ip netns exec "$1" python3 - "$2" "$3" <<'PY'
import ipaddress, socket, struct, sys
ifname, prefix = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 0, 0, 0)
pio = struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0) + ipaddress.IPv6Address(prefix).packed
s.sendto(ra + pio, ("ff02::1", 0, 0, socket.if_nametoindex(ifname)))
PY
}

# wait_for CMD...: up to 5 s for CMD to print something
wait_for() {
	local i out
	for ((i = 0; i < 50; i++)); do
		out=$("$@")
		[[ -n $out ]] && { echo "$out"; return 0; }
		sleep 0.1
	done
	return 1
}

@test "ipv6 sysctls: container autoconf and accept_dad 0, host veth accept_dad 0" {
	local json hv
	json=$(req_json "$(cid 1)" "$(net46)" "$(att_json n1 eth0 10.89.0.2 fd10:89::2)")
	setup_ok "$C1" "$json"
	hv=$(peer_of "$C1" eth0)
	assert_eq "$(sysctl_get "$C1" net/ipv6/conf/eth0/autoconf)" 0 "container eth0 autoconf"
	assert_eq "$(sysctl_get "$C1" net/ipv6/conf/eth0/accept_dad)" 0 "container eth0 accept_dad"
	assert_eq "$(sysctl_get "$HOST" "net/ipv6/conf/$hv/accept_dad")" 0 "host veth accept_dad"
	# only the container's interface was changed, not the namespace's defaults
	assert_eq "$(sysctl_get "$C1" net/ipv6/conf/default/autoconf)" \
		"$(sysctl_get "$HOST" net/ipv6/conf/default/autoconf)" "container default autoconf"
	teardown_ok "$C1" "$json"
}

@test "ipv6: addresses usable at once, the host veth keeps a link-local address" {
	local json hv
	json=$(req_json "$(cid 1)" "$(net46)" "$(att_json n1 eth0 10.89.0.2 fd10:89::2)")
	setup_ok "$C1" "$json"
	hv=$(peer_of "$C1" eth0)
	# right after setup: nothing tentative, static and link-local alike
	assert_eq "$(ip -n "$C1" -6 addr show dev eth0 tentative)" "" "tentative addresses of eth0"
	assert_eq "$(ip -n "$C1" -6 -j addr show dev eth0 | jq '[.[0].addr_info[] | select(.scope == "link")] | length')" 1 \
		"link-local addresses of eth0"
	assert_eq "$(ip -n "$HOST" -6 -j addr show dev "$hv" | jq '[.[0].addr_info[] | select(.scope == "link")] | length')" 1 \
		"link-local addresses of the host veth"
	assert_eq "$(ip -n "$HOST" -6 addr show dev "$hv" tentative)" "" "tentative addresses of the host veth"
	ping_ok "$C1" fd10:89::1
	teardown_ok "$C1" "$json"
}

@test "ipv6: no SLAAC address from another container's router advertisement" {
	local j1 j2
	j1=$(req_json "$(cid 1)" "$(net46)" "$(att_json n1 eth0 10.89.0.2 fd10:89::2)")
	setup_ok "$C1" "$j1"
	# the advertiser: another container on the same bridge
	j2=$(req_json "$(cid 2)" "$(net46)" "$(att_json n1 eth0 10.89.0.3 fd10:89::3)")
	setup_ok "$C2" "$j2"
	send_ra "$C2" eth0 2001:db8:77::
	# the advertisement arrived (its on-link prefix became a route) ...
	wait_for ip -n "$C1" -6 route show 2001:db8:77::/64 >/dev/null ||
		die "the router advertisement did not reach $C1"
	# ... and gave no address
	sleep 0.5
	assert_eq "$(ip -n "$C1" -6 addr show dev eth0 to 2001:db8:77::/64)" "" "SLAAC address in $C1"
	# control: with autoconf on, the same advertisement does give one
	ip netns exec "$C1" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/eth0/autoconf'
	send_ra "$C2" eth0 2001:db8:77::
	wait_for ip -n "$C1" -6 addr show dev eth0 to 2001:db8:77::/64 >/dev/null ||
		die "control: no SLAAC address with autoconf=1, the test cannot see SLAAC"
	teardown_ok "$C1" "$j1"
	teardown_ok "$C2" "$j2"
}
