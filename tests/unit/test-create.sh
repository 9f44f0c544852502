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
refuse "macvlan without subnets" '{"network":{"name":"m","driver":"ipvlan"}}' "needs at least one subnet"
refuse "bad mtu" '{"network":{"name":"a","options":{"mtu":"x"}}}' "MTU"
refuse "not JSON" 'nope' "invalid JSON"

echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
