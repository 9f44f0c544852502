#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Rootless: netd and netd-dns inside a user + network namespace made by an
# unprivileged user (uid 65534 here, through `setpriv ... unshare -rnm`),
# the way Podman's rootless mode runs them in its rootless network namespace.
# The container namespaces are `unshare -n` processes inside it, addressed as
# /proc/PID/ns/net. netd runs with --rootless true; with --firewall-driver
# none it writes no firewall state, and with the nftables driver the ruleset
# exists only inside the user's namespace. Checked from inside: links and
# addresses, ping between the containers and to the gateway, DNS through
# netd-dns (which never forwards: AARDVARK_NO_PROXY, and its own resolv.conf
# bind-mounted in the private mount namespace), and that teardown leaves
# nothing. The machine's own network namespace is never touched.
# Needs root only to prepare a directory the unprivileged user can read.

load sec_helpers

UNPRIV=65534

setup() {
	if [[ $EUID -ne 0 ]]; then
		skip "needs root (to prepare the unprivileged user's files)"
	fi
	local b
	for b in setpriv unshare nsenter dig jq; do
		command -v "$b" >/dev/null || skip "$b is not installed"
	done
	for b in "$NETD" "$NETD_DNS"; do
		[[ -x $b ]] || { echo "binary not found at $b" >&2; return 1; }
	done
	# a world-readable directory: the binaries (the checkout may not be
	# readable by uid 65534), the requests and the inner script
	W=$(mktemp -d /tmp/netd-rootless.XXXXXX)
	chmod 755 "$W"
	cp "$NETD" "$W/netd"
	cp "$NETD_DNS" "$W/netd-dns"
	printf 'nameserver 203.0.113.53\n' >"$W/resolv.conf"
	mkdir "$W/cfg"
	chown "$UNPRIV:$UNPRIV" "$W/cfg"
	write_inner
	if ! setpriv --reuid=$UNPRIV --regid=$UNPRIV --clear-groups unshare -rn true 2>/dev/null; then
		skip "unprivileged user namespaces are not available here"
	fi
}

teardown() {
	# the unprivileged processes die with their namespaces when the inner
	# script exits; nothing of theirs is left to stop
	[[ -n ${W:-} && -d $W ]] && rm -rf "$W"
	return 0
}

write_inner() {
	cat >"$W/inner.sh" <<'EOF'
#!/bin/bash
# Runs as uid 0 of a user namespace owned by an unprivileged user, in new
# network and mount namespaces. Prints "ok: ..." per check; exits non-zero
# at the first failure.
set -eu
W=$1 FW=$2
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
mount --bind "$W/resolv.conf" /etc/resolv.conf || fail "bind mount of resolv.conf"
export AARDVARK_NO_PROXY=1
ip link set lo up
[[ $(id -u) == 0 && $(awk '{print $2; exit}' /proc/self/uid_map) != 0 ]] ||
	fail "not in a user namespace of an unprivileged user"
ok "uid 0 in a user namespace mapped to uid $(awk '{print $2; exit}' /proc/self/uid_map)"

net='{"name":"rl","id":"'$(printf 'a%.0s' {1..64})'","driver":"bridge","network_interface":"rlbr0",
  "subnets":[{"subnet":"10.92.0.0/24","gateway":"10.92.0.1"},{"subnet":"fd92::/64","gateway":"fd92::1"}],
  "ipv6_enabled":true,"internal":false,"dns_enabled":true,"ipam_options":{"driver":"host-local"}}'
req() { # ID NAME IP4 IP6
	printf '{"container_id":"%064x","container_name":"%s","networks":{"rl":{"interface_name":"eth0","static_ips":["%s","%s"]}},"network_info":{"rl":%s}}' "$1" "$2" "$3" "$4" "$net"
}
nd() { "$W/netd" --config "$W/cfg" --rootless true --firewall-driver "$FW" -a "$W/netd-dns" "$@"; }

unshare -n sleep 600 & P1=$!
unshare -n sleep 600 & P2=$!
for p in $P1 $P2; do
	for ((i = 0; i < 50; i++)); do
		[[ $(readlink /proc/$p/ns/net) != "$(readlink /proc/self/ns/net)" ]] && break
		sleep 0.05
	done
done
trap 'kill $P1 $P2 2>/dev/null; [[ -f $W/cfg/aardvark-dns/aardvark.pid ]] && kill $(cat $W/cfg/aardvark-dns/aardvark.pid) 2>/dev/null; true' EXIT
N1=/proc/$P1/ns/net N2=/proc/$P2/ns/net
c1() { nsenter --net=$N1 "$@"; }
c2() { nsenter --net=$N2 "$@"; }

r=$(req 1 web 10.92.0.2 fd92::2 | nd setup $N1) || fail "setup web: $r"
[[ $(jq -r '.rl.interfaces.eth0.subnets[0].ipnet' <<<"$r") == 10.92.0.2/24 ]] || fail "result: $r"
r=$(req 2 db 10.92.0.3 fd92::3 | nd setup $N2) || fail "setup db: $r"
ok "setup of two containers"

ip -j link show rlbr0 | jq -e '.[0].linkinfo.info_kind // "bridge"' >/dev/null || fail "no bridge"
[[ $(ip -j -d link show rlbr0 | jq -r '.[0].linkinfo.info_kind') == bridge ]] || fail "rlbr0 is not a bridge"
[[ $(ip -j link show master rlbr0 | jq length) == 2 ]] || fail "bridge has not 2 ports"
c1 ip -j addr show eth0 | jq -e '[.[0].addr_info[].local] | index("10.92.0.2") and index("fd92::2")' >/dev/null ||
	fail "addresses of web"
c1 ip -j route show default | jq -e '.[0].gateway == "10.92.0.1"' >/dev/null || fail "default route of web"
ok "bridge with two ports, addresses and default route in the container"

for ((i = 0; i < 30; i++)); do
	[[ $(c1 ip -j link show eth0 | jq -r '.[0].operstate') == UP ]] &&
		[[ $(c2 ip -j link show eth0 | jq -r '.[0].operstate') == UP ]] && break
	sleep 0.1
done
c1 ping -c 1 -W 2 10.92.0.1 >/dev/null || fail "ping gateway"
c1 ping -c 1 -W 2 10.92.0.3 >/dev/null || fail "ping db over IPv4"
c1 ping -6 -c 1 -W 2 fd92::3 >/dev/null || fail "ping db over IPv6"
ok "ping: web to the gateway, web to db over IPv4 and IPv6"

pid=$(cat "$W/cfg/aardvark-dns/aardvark.pid")
grep -q '^Seccomp:[[:space:]]*2' /proc/$pid/status || fail "netd-dns is not sandboxed"
[[ $(awk '/^CapEff/ {print $2}' /proc/$pid/status) == 0000000000000400 ]] ||
	fail "netd-dns CapEff $(awk '/^CapEff/ {print $2}' /proc/$pid/status)"
a=$(c1 dig +short +time=2 +tries=2 @10.92.0.1 db A) || true
[[ $a == 10.92.0.3 ]] || fail "dig db A: '$a'"
a=$(c2 dig +short +time=2 +tries=2 @fd92::1 web AAAA) || true
[[ $a == fd92::2 ]] || fail "dig web AAAA: '$a'"
a=$(c2 dig +time=2 +tries=2 @10.92.0.1 example.org A) || true
grep -q 'status: NXDOMAIN' <<<"$a" || fail "an outside name was not NXDOMAIN: $a"
ok "DNS: netd-dns (pid $pid, Seccomp 2, CapEff 0x400) answers A and AAAA; nothing is forwarded"

if [[ $FW == none ]]; then
	[[ -z $(nft list ruleset 2>/dev/null) ]] || fail "firewall state written: $(nft list ruleset)"
	ok "no firewall state (nft list ruleset is empty)"
else
	nft list table inet netd >/dev/null || fail "no table inet netd in the rootless namespace"
	ok "table inet netd exists inside the rootless namespace"
fi

req 2 db 10.92.0.3 fd92::3 | nd teardown $N2 || fail "teardown db"
req 1 web 10.92.0.2 fd92::2 | nd teardown $N1 || fail "teardown web"
! ip link show rlbr0 >/dev/null 2>&1 || fail "bridge left"
[[ $(c1 ip -j link show | jq length) == 1 ]] || fail "links left in web"
[[ -z $(find "$W/cfg/netd" -type f 2>/dev/null) ]] || fail "state files left"
[[ -z $(nft list ruleset 2>/dev/null) ]] || fail "ruleset left: $(nft list ruleset)"
for ((i = 0; i < 50; i++)); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
! kill -0 "$pid" 2>/dev/null || fail "netd-dns still runs after the last teardown"
ok "teardown: no bridge, no links, no state files, no ruleset, netd-dns gone"
EOF
	chmod 755 "$W/inner.sh"
}

# run_unpriv FW: the inner script as uid 65534 in its own user, network and mount namespaces
run_unpriv() {
	run setpriv --reuid=$UNPRIV --regid=$UNPRIV --clear-groups \
		unshare -rnm --propagation private bash "$W/inner.sh" "$W" "$1"
	say "${lines[@]}"
	if [[ $status -ne 0 ]]; then
		die "exit status $status"
	fi
}

@test "rootless: netd setup and teardown with --rootless true and no firewall, as an unprivileged user in unshare -rn; links, ping, DNS" {
	run_unpriv none
	# the machine's own namespace saw nothing of it
	if ip link show rlbr0 >/dev/null 2>&1; then die "rlbr0 appeared in the root namespace"; fi
}

@test "rootless: with the nftables driver, the ruleset lives only in the user's network namespace" {
	local before
	before=$(nft list ruleset 2>/dev/null | sha256sum)
	run_unpriv nftables
	assert_eq "$(nft list ruleset 2>/dev/null | sha256sum)" "$before" "the root namespace's ruleset"
}
