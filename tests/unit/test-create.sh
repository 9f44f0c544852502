#!/usr/bin/env bash
# netd create: completes partial network definitions like netavark 2.x's create.
# Usage: test-create.sh NETD_BINARY. Needs jq. No root.
set -u
NETD=$1
pass=0 fail=0 n=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
ko() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; echo "# $2"; }

# check NAME INPUT JQ-EXPRESSION: create must succeed and the expression be true.
check() {
	local out
	out=$(printf '%s' "$2" | "$NETD" create 2>/dev/null) || { ko "$1" "exit $?: $out"; return; }
	if echo "$out" | jq -e "$3" >/dev/null 2>&1; then ok "$1"; else ko "$1" "$out"; fi
}
# refuse NAME INPUT SUBSTRING: create must exit 1 with a JSON error containing SUBSTRING.
refuse() {
	local out rc
	out=$(printf '%s' "$2" | "$NETD" create 2>/dev/null); rc=$?
	if [ "$rc" -eq 1 ] && echo "$out" | jq -e --arg s "$3" '.error | contains($s)' >/dev/null 2>&1; then
		ok "$1"
	else
		ko "$1" "rc=$rc out=$out"
	fi
}

check "defaults: bridge, host-local, podman0, a /24 from 10.89.0.0/16 with gateway" \
	'{"network":{"name":"a"}}' \
	'.driver=="bridge" and .ipam_options.driver=="host-local" and .network_interface=="podman0" and .subnets[0].subnet=="10.89.0.0/24" and .subnets[0].gateway=="10.89.0.1" and (.id|test("^[0-9a-f]{64}$")) and (.created|test("^20"))'
check "used interfaces and subnets are skipped" \
	'{"network":{"name":"a"},"used":{"interfaces":["podman0","podman1"],"subnets":["10.89.0.0/24","10.89.1.0/24"]}}' \
	'.network_interface=="podman2" and .subnets[0].subnet=="10.89.2.0/24"'
check "subnet pools are honoured" \
	'{"network":{"name":"a"},"options":{"subnet_pools":[{"base":"10.200.0.0/16","size":26}],"default_interface_name":"nd"}}' \
	'.subnets[0].subnet=="10.200.0.0/26" and .network_interface=="nd0"'
check "ipv6_enabled adds a ULA /64" \
	'{"network":{"name":"a","ipv6_enabled":true}}' \
	'(.subnets|length)==2 and (.subnets[1].subnet|test("^fd[0-9a-f]{2}:.*::/64$")) and .ipv6_enabled'
check "a given v6 subnet sets ipv6_enabled" \
	'{"network":{"name":"a","subnets":[{"subnet":"fd10::/64"}]}}' \
	'.ipv6_enabled and .subnets[0].gateway=="fd10::1" and (.subnets|length)==1'
check "internal without DNS gets no gateway" \
	'{"network":{"name":"a","internal":true,"subnets":[{"subnet":"10.1.0.0/24"}]}}' \
	'(.subnets[0]|has("gateway")|not)'
check "internal with DNS keeps a gateway" \
	'{"network":{"name":"a","internal":true,"dns_enabled":true,"subnets":[{"subnet":"10.1.0.0/24"}]}}' \
	'.subnets[0].gateway=="10.1.0.1"'
check "docker option names are mapped" \
	'{"network":{"name":"a","options":{"com.docker.network.driver.mtu":"1400","com.docker.network.bridge.name":"br9"}}}' \
	'.options.mtu=="1400" and .network_interface=="br9"'
check "ipam none disables DNS and gets no subnet" \
	'{"network":{"name":"a","dns_enabled":true,"ipam_options":{"driver":"none"}}}' \
	'.dns_enabled==false and ((.subnets // [])|length)==0'
check "a given id is kept" \
	'{"network":{"name":"a","id":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}}' \
	'.id=="0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"'
refuse "name missing" '{"network":{}}' "Network name must be supplied"
refuse "bad name" '{"network":{"name":"-x"}}' 'network.name: "-x" is not a valid network name: it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*'
refuse "path in name" '{"network":{"name":"../../escaped"}}' 'network.name: "../../escaped" is not a valid network name: it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*'
refuse "reserved name" '{"network":{"name":"aardvark.pid"}}' "network.name: \"aardvark.pid\" is not a valid network name: it is reserved for the DNS server's pid file"
refuse "name in use" '{"network":{"name":"a"},"used":{"names":{"a":"x"}}}' "already used"
refuse "bridge name in use" '{"network":{"name":"a","network_interface":"br0"},"used":{"interfaces":["br0"]}}' "already in use"
refuse "bad bridge name" '{"network":{"name":"a","network_interface":"a/b"}}' "network_interface"
refuse "unknown bridge option" '{"network":{"name":"a","options":{"color":"red"}}}' "unsupported bridge network option: color"
refuse "dns servers without dns" '{"network":{"name":"a","network_dns_servers":["1.1.1.1"]}}' "DNS is disabled"
refuse "bad id" '{"network":{"name":"a","id":"xyz"}}' "64 lower-case hex"
refuse "bad subnet" '{"network":{"name":"a","subnets":[{"subnet":"10.0.0.1/24"}]}}' "host bits"
refuse "subnet used with check_used_subnets" '{"network":{"name":"a","subnets":[{"subnet":"10.89.0.0/24"}]},"used":{"subnets":["10.89.0.0/16"]},"options":{"check_used_subnets":true}}' "already used"
refuse "pool exhausted" '{"network":{"name":"a"},"used":{"subnets":["10.0.0.0/8"]},"options":{"subnet_pools":[{"base":"10.1.0.0/30","size":30}]}}' "free IPv4 subnet"
refuse "unknown driver without a plugin" '{"network":{"name":"a","driver":"weird"}}' "unknown network driver"
check "macvlan with a subnet: gateway and IPAM filled, no bridge name" \
	'{"network":{"name":"m","driver":"macvlan","network_interface":"eth9","subnets":[{"subnet":"10.5.0.0/24"}]}}' \
	'.driver=="macvlan" and .network_interface=="eth9" and .subnets[0].gateway=="10.5.0.1" and .ipam_options.driver=="host-local"'
check "ipvlan without subnets: dhcp, as in netavark" '{"network":{"name":"m","driver":"ipvlan"}}' \
	'.ipam_options.driver=="dhcp" and (.subnets // []) == []'
check "macvlan without subnets: dhcp" '{"network":{"name":"m","driver":"macvlan","network_interface":"eth9"}}' \
	'.ipam_options.driver=="dhcp" and (.subnets // []) == []'
refuse "macvlan with host-local but no subnets" '{"network":{"name":"m","driver":"macvlan","ipam_options":{"driver":"host-local"}}}' "needs at least one subnet"
refuse "bridge with dhcp, managed" '{"network":{"name":"b","driver":"bridge","ipam_options":{"driver":"dhcp"}}}' \
	"cannot use dhcp ipam driver without using the option mode=unmanaged"
check "bridge with dhcp, unmanaged: no subnet allocated" \
	'{"network":{"name":"b","driver":"bridge","network_interface":"br9","options":{"mode":"unmanaged"},"ipam_options":{"driver":"dhcp"}}}' \
	'.ipam_options.driver=="dhcp" and (.subnets // []) == []'
refuse "bad mtu" '{"network":{"name":"a","options":{"mtu":"x"}}}' "MTU"
refuse "not JSON" 'nope' "invalid JSON"

# --- IPv6 subnet pools (issue 14)
check "ipv6_enabled allocates the IPv6 subnet from an IPv6 pool (default size /64)" \
	'{"network":{"name":"a","ipv6_enabled":true},"options":{"subnet_pools":[{"base":"10.89.0.0/16","size":24},{"base":"fd00:10::/48"}]}}' \
	'.ipv6_enabled and (.subnets|map(.subnet))==["10.89.0.0/24","fd00:10::/64"] and .subnets[1].gateway=="fd00:10::1"'
check "IPv6 pool with size 64 given explicitly; used subnets are skipped" \
	'{"network":{"name":"a","ipv6_enabled":true},"used":{"subnets":["fd00:10::/64","fd00:10:0:1::/64"]},"options":{"subnet_pools":[{"base":"10.89.0.0/16","size":24},{"base":"fd00:10::/48","size":64}]}}' \
	'(.subnets|map(.subnet))==["10.89.0.0/24","fd00:10:0:2::/64"]'
check "IPv6 pool of /120 subnets" \
	'{"network":{"name":"a","ipv6_enabled":true},"used":{"subnets":["fd00:20::/120"]},"options":{"subnet_pools":[{"base":"fd00:20::/112","size":120}]}}' \
	'(.subnets|map(.subnet))==["10.89.0.0/24","fd00:20::100/120"]'
check "IPv6 pool of /126s" \
	'{"network":{"name":"a","ipv6_enabled":true},"used":{"subnets":["fd00:30::/126"]},"options":{"subnet_pools":[{"base":"fd00:30::/120","size":126}]}}' \
	'.subnets[1].subnet=="fd00:30::4/126" and .subnets[1].gateway=="fd00:30::5"'
refuse "IPv6 pool of /128s: allocated, but a /128 cannot hold a gateway and a container" \
	'{"network":{"name":"a","ipv6_enabled":true},"options":{"subnet_pools":[{"base":"fd00:30::/126","size":128}]}}' \
	'"fd00:30::/128" is too small to hold a gateway and a container'
check "IPv6-only pools: IPv4 still comes from the default pool" \
	'{"network":{"name":"a","ipv6_enabled":true},"options":{"subnet_pools":[{"base":"fd00:40::/48"}]}}' \
	'(.subnets|map(.subnet))==["10.89.0.0/24","fd00:40::/64"]'
check "IPv4 pools are not used for IPv6" \
	'{"network":{"name":"a","ipv6_enabled":true},"options":{"subnet_pools":[{"base":"10.200.0.0/16","size":24}]}}' \
	'.subnets[0].subnet=="10.200.0.0/24" and (.subnets[1].subnet|test("^fd[0-9a-f]{2}:.*::/64$"))'
refuse "IPv6 pool exhausted" \
	'{"network":{"name":"a","ipv6_enabled":true},"used":{"subnets":["fd00:50::/127"]},"options":{"subnet_pools":[{"base":"fd00:50::/127","size":128}]}}' \
	"could not find a free IPv6 subnet in the subnet pools"
refuse "IPv6 pool size over 128" \
	'{"network":{"name":"a"},"options":{"subnet_pools":[{"base":"fd00::/48","size":129}]}}' "size"
refuse "IPv4 pool size over 30" \
	'{"network":{"name":"a"},"options":{"subnet_pools":[{"base":"10.0.0.0/8","size":31}]}}' "size"
refuse "pool size shorter than the pool" \
	'{"network":{"name":"a"},"options":{"subnet_pools":[{"base":"fd00::/48","size":40}]}}' "is larger than the pool fd00::/48 itself"

# --- netavark's test/700-create.bats, case by case
check "netavark: basic network create" \
	'{"network":{"name":"testnet1","id":"abc123def4567890123456789012345678901234567890123456789012345678","driver":"bridge"},"used":{"interfaces":[],"names":{},"subnets":[]},"options":{"subnet_pools":[{"base":"10.89.0.0/16","size":24}],"default_interface_name":"podman"}}' \
	'.name=="testnet1" and .driver=="bridge" and .id=="abc123def4567890123456789012345678901234567890123456789012345678" and .dns_enabled==false and .internal==false and .ipv6_enabled==false and (.network_interface|test("^podman[0-9]+$")) and (.subnets[0].subnet|test("^10\\.89\\.[0-9]+\\.0/24$")) and (.subnets[0].gateway|test("^10\\.89\\.[0-9]+\\.1$")) and .ipam_options.driver=="host-local" and .created != null'
check "netavark: explicit subnet" \
	'{"network":{"name":"a","subnets":[{"subnet":"10.100.0.0/24"}]}}' \
	'.subnets[0].subnet=="10.100.0.0/24" and .subnets[0].gateway=="10.100.0.1"'
check "netavark: internal network" '{"network":{"name":"a","internal":true}}' '.internal and (.subnets|length)>=1'
check "netavark: DNS enabled" '{"network":{"name":"a","dns_enabled":true}}' '.dns_enabled and (.subnets[0]|has("gateway"))'
check "netavark: labels" '{"network":{"name":"a","labels":{"key1":"value1","key2":"value2"}}}' '.labels.key1=="value1" and .labels.key2=="value2"'
check "netavark: IPv6 enabled" '{"network":{"name":"a","ipv6_enabled":true}}' '.ipv6_enabled and (.subnets|length)>=1'
check "netavark: check used subnets with a subnet in used.subnets" \
	'{"network":{"name":"a"},"used":{"subnets":["10.89.0.0/24"]},"options":{"check_used_subnets":true,"subnet_pools":[{"base":"10.89.0.0/16","size":24}]}}' \
	'.subnets[0].subnet=="10.89.1.0/24"'
check "netavark: subnet with a custom gateway" \
	'{"network":{"name":"a","subnets":[{"subnet":"10.100.0.0/24","gateway":"10.100.0.50"}]}}' '.subnets[0].gateway=="10.100.0.50"'
refuse "netavark: gateway not in subnet" \
	'{"network":{"name":"a","subnets":[{"subnet":"10.100.0.0/24","gateway":"10.200.0.1"}]}}' "10.200.0.1"
check "netavark: lease range start_ip" \
	'{"network":{"name":"a","subnets":[{"subnet":"10.100.0.0/24","lease_range":{"start_ip":"10.100.0.20"}}]}}' '.subnets[0].lease_range.start_ip=="10.100.0.20"'
check "netavark: lease range start_ip and end_ip" \
	'{"network":{"name":"a","subnets":[{"subnet":"10.100.0.0/24","lease_range":{"start_ip":"10.100.0.20","end_ip":"10.100.0.50"}}]}}' \
	'.subnets[0].lease_range.start_ip=="10.100.0.20" and .subnets[0].lease_range.end_ip=="10.100.0.50"'
refuse "netavark: lease range outside the subnet" \
	'{"network":{"name":"a","subnets":[{"subnet":"10.100.0.0/24","lease_range":{"start_ip":"10.200.0.20"}}]}}' "10.200.0.20"
check "netavark: ipv6_enabled auto-generates dual stack" '{"network":{"name":"a","ipv6_enabled":true}}' \
	'([.subnets[].subnet|select(contains("."))]|length)==1 and ([.subnets[].subnet|select(contains(":"))]|length)==1'
check "netavark: ipv6_enabled with an IPv4 subnet adds IPv6" \
	'{"network":{"name":"a","ipv6_enabled":true,"subnets":[{"subnet":"10.100.0.0/24"}]}}' \
	'(.subnets|length)==2 and .subnets[0].subnet=="10.100.0.0/24" and (.subnets[1].subnet|contains(":"))'
check "netavark: IPv6 subnet sets ipv6_enabled" '{"network":{"name":"a","subnets":[{"subnet":"fdcc::/64"}]}}' \
	'.ipv6_enabled and .subnets[0].subnet=="fdcc::/64"'
check "netavark: network_dns_servers" '{"network":{"name":"a","dns_enabled":true,"network_dns_servers":["8.8.8.8","1.1.1.1"]}}' \
	'.network_dns_servers==["8.8.8.8","1.1.1.1"] and .dns_enabled'
refuse "netavark: invalid IP in network_dns_servers" '{"network":{"name":"a","dns_enabled":true,"network_dns_servers":["8.8.8"]}}' "8.8.8"
check "netavark: mtu option" '{"network":{"name":"a","options":{"mtu":"1500"}}}' '.options.mtu=="1500"'
check "netavark: vlan option" '{"network":{"name":"a","options":{"vlan":"100"}}}' '.options.vlan=="100"'
refuse "netavark: invalid vlan" '{"network":{"name":"a","options":{"vlan":"5000"}}}' "vlan"
check "netavark: isolate=true" '{"network":{"name":"a","options":{"isolate":"true"}}}' '.options.isolate=="true"'
check "netavark: isolate=strict" '{"network":{"name":"a","options":{"isolate":"strict"}}}' '.options.isolate=="strict"'
refuse "netavark: ipam driver none with subnets" \
	'{"network":{"name":"a","ipam_options":{"driver":"none"},"subnets":[{"subnet":"10.100.0.0/24"}]}}' "None ipam driver is set but subnets are given"
check "netavark: macvlan with a subnet" \
	'{"network":{"name":"m","driver":"macvlan","subnets":[{"subnet":"10.200.0.0/24"}]}}' \
	'.ipam_options.driver=="host-local" and .subnets[0].subnet=="10.200.0.0/24" and .dns_enabled==false'
check "netavark: macvlan mode option" \
	'{"network":{"name":"m","driver":"macvlan","options":{"mode":"bridge"},"subnets":[{"subnet":"10.200.0.0/24"}]}}' '.options.mode=="bridge"'
check "netavark: ipvlan with a subnet" \
	'{"network":{"name":"m","driver":"ipvlan","subnets":[{"subnet":"10.200.0.0/24"}]}}' \
	'.driver=="ipvlan" and .ipam_options.driver=="host-local" and .subnets[0].subnet=="10.200.0.0/24" and .dns_enabled==false'
check "netavark: static route" \
	'{"network":{"name":"a","subnets":[{"subnet":"10.100.0.0/24"}],"routes":[{"destination":"192.168.0.0/24","gateway":"10.100.0.254"}]}}' \
	'.routes[0].destination=="192.168.0.0/24" and .routes[0].gateway=="10.100.0.254"'
refuse "netavark: route destination not a CIDR" '{"network":{"name":"a","routes":[{"destination":"192.168.0","gateway":"10.89.0.254"}]}}' "192.168.0"
refuse "netavark: route gateway not an address" '{"network":{"name":"a","routes":[{"destination":"192.168.0.0/24","gateway":"10.89.0"}]}}' "10.89.0"
refuse "netavark: explicit subnet overlaps used.subnets" \
	'{"network":{"name":"a","subnets":[{"subnet":"10.1.3.248/30"}]},"used":{"subnets":["10.1.2.0/23"]},"options":{"check_used_subnets":true}}' "subnet 10.1.3.248/30 is already used"
refuse "netavark: explicit subnet duplicates used.subnets" \
	'{"network":{"name":"a","subnets":[{"subnet":"10.89.0.0/24"}]},"used":{"subnets":["10.89.0.0/24"]},"options":{"check_used_subnets":true}}' "subnet 10.89.0.0/24 is already used"
refuse "netavark: overlapping subnets within one network" \
	'{"network":{"name":"a","subnets":[{"subnet":"10.1.2.0/23"},{"subnet":"10.1.3.248/30"}]}}' "overlap"
refuse "netavark: duplicate subnets within one network" \
	'{"network":{"name":"a","subnets":[{"subnet":"10.100.0.0/24"},{"subnet":"10.100.0.0/24"}]}}' "10.100.0.0/24"
check "netavark: blackhole route" \
	'{"network":{"name":"a","routes":[{"destination":"10.89.0.0/24","route_type":"blackhole"}]},"options":{"subnet_pools":[{"base":"10.90.0.0/16","size":24}]}}' \
	'.routes[0].route_type=="blackhole" and (.routes[0]|has("gateway")|not)'
refuse "netavark: unicast route without a gateway" '{"network":{"name":"a","routes":[{"destination":"10.89.0.0/24"}]}}' "gateway"
refuse "netavark: blackhole route with a gateway" \
	'{"network":{"name":"a","routes":[{"destination":"10.89.0.0/24","gateway":"10.89.0.1","route_type":"blackhole"}]}}' "gateway"

echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
