#!/usr/bin/env bash
# A guided tour of netd, entirely inside throwaway network namespaces.
#
# One namespace plays the host, one more stands in for each container. netd
# runs inside the "host" namespace, so the real host's network, and its
# nftables ruleset, are not touched. netd uses its default firewall driver,
# nftables.
#
#   sudo tests/demo.sh                  uses build/netd/netd
#   sudo NETD=/path/to/netd tests/demo.sh
#
# Needs root, ip and ss (iproute2), ping (iputils), nft (nftables), socat and
# jq. Every namespace it creates carries the prefix netd-demo-<pid>- and is
# deleted on exit, on Ctrl-C and on failure, together with the one process it
# starts (a small TCP server inside a container).

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${NETD:-}" ]; then
	NETD=$REPO/build/netd/netd
	# tests/run builds into build-asan; use that when build/ has no netd.
	[ -x "$NETD" ] || [ ! -x "$REPO/build-asan/netd/netd" ] || NETD=$REPO/build-asan/netd/netd
fi

# The demo shows netd's defaults: no firewall driver or DNS port from outside.
unset NETAVARK_FW NETAVARK_DNS_PORT

PREFIX=netd-demo-$$-
HOST=${PREFIX}host
CONFIG=""		# netd's --config directory, made below
SERVER_PID=""		# the TCP server in blue1, once started

# --- output -------------------------------------------------------------

if [ -t 1 ]; then
	B=$'\e[1m' DIM=$'\e[2m' GREEN=$'\e[32m' RED=$'\e[31m' BLUE=$'\e[34m' OFF=$'\e[0m'
else
	B="" DIM="" GREEN="" RED="" BLUE="" OFF=""
fi

STEP=0
step() {
	STEP=$((STEP + 1))
	printf '\n%s%d. %s%s\n' "$B$BLUE" "$STEP" "$*" "$OFF"
}
say() { printf '   %s\n' "$*"; }
ok() { printf '   %s✓ %s%s\n' "$GREEN" "$*" "$OFF"; }
bad() { printf '   %s✗ %s%s\n' "$RED" "$*" "$OFF"; }
# Indent a block (a command's output) under the narration.
show() { sed "s/^/      $DIM/; s/\$/$OFF/"; }
die() {
	printf '%sdemo failed: %s%s\n' "$RED" "$*" "$OFF" >&2
	exit 1
}

# --- clean-up -----------------------------------------------------------

# The names of this demo's namespaces that still exist.
our_namespaces() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep "^$PREFIX" || true
}

cleanup() {
	local rc=$? ns pid
	trap - EXIT INT TERM
	# Stop the TCP server first: a namespace with a process still in it
	# outlives `ip netns delete`. Any process left inside our namespaces was
	# started by this demo (the server's per-connection children).
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	for ns in $(our_namespaces); do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null || true
		done
	done
	# Deleting a container namespace deletes its veth end, and with it the
	# host end; deleting the host namespace deletes the bridges and netd's
	# nftables table, which lives in that namespace only.
	for ns in $(our_namespaces); do
		ip netns delete "$ns" 2>/dev/null || printf 'could not delete namespace %s\n' "$ns" >&2
	done
	[ -z "$CONFIG" ] || rm -rf -- "$CONFIG"
	if [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ]; then
		printf '\nInterrupted; every netd-demo-%d-* namespace has been deleted.\n' "$$" >&2
	elif [ "$rc" -ne 0 ]; then
		printf '\nStopped (exit %d); every netd-demo-%d-* namespace has been deleted.\n' "$rc" "$$" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- checks -------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || die "run me as root (I create network namespaces)"
for tool in ip ss ping nft socat jq; do
	command -v "$tool" >/dev/null ||
		die "'$tool' is missing (apt-get install iproute2 iputils-ping nftables socat jq)"
done
[ -x "$NETD" ] || die "no netd at $NETD: build it (meson setup build && ninja -C build) or set NETD=path"

# --- helpers ------------------------------------------------------------

# inns NS CMD...: run a command inside one of our namespaces.
inns() {
	local ns=$1
	shift
	ip netns exec "$PREFIX$ns" "$@"
}

# A 64-hex-digit id, as Podman uses, derived from a name.
id_of() { printf '%s' "$1" | sha256sum | cut -c1-64; }

# The network definitions, as Podman keeps them in its network config files.
net_blue() {
	jq -n --arg id "$(id_of net-blue)" '{
		name: "blue", id: $id, driver: "bridge", network_interface: "br-blue",
		subnets: [ { subnet: "10.89.1.0/24", gateway: "10.89.1.1" },
			   { subnet: "fd89:1::/64", gateway: "fd89:1::1" } ],
		ipv6_enabled: true, internal: false, dns_enabled: false,
		ipam_options: { driver: "host-local" } }'
}
# An ordinary network too (not internal). Neither sets the option "isolate",
# which means isolate=strict.
net_red() {
	jq -n --arg id "$(id_of net-red)" '{
		name: "red", id: $id, driver: "bridge", network_interface: "br-red",
		subnets: [ { subnet: "10.89.2.0/24", gateway: "10.89.2.1" } ],
		ipv6_enabled: false, internal: false, dns_enabled: false,
		ipam_options: { driver: "host-local" } }'
}

# blue1 publishes its port 80 (TCP) as port 8080 on every host address.
PORTS_BLUE1='[ { "host_ip": "", "container_port": 80, "host_port": 8080, "range": 1, "protocol": "tcp" } ]'

# request CONTAINER NETWORK-JSON PORTS-JSON IP...: the JSON Podman writes to
# netd's stdin.
request() {
	local name=$1 net=$2 ports=$3
	shift 3
	jq -n --arg cid "$(id_of "$name")" --arg name "$name" --argjson net "$net" \
		--argjson ports "$ports" --args '{
		container_id: $cid, container_name: $name,
		networks: { ($net.name): { interface_name: "eth0", static_ips: $ARGS.positional } },
		network_info: { ($net.name): $net } }
		+ (if $ports == [] then {} else { port_mappings: $ports } end)' "$@"
}

# netd COMMAND CONTAINER REQUEST: run netd in the host namespace, on the
# container's namespace, with REQUEST on stdin. Sets OUT to what netd printed.
OUT=""
netd() {
	local cmd=$1 ctr=$2 req=$3 rc=0 errfile
	errfile=$(mktemp)
	OUT=$(printf '%s\n' "$req" | inns host "$NETD" --config "$CONFIG" \
		"$cmd" "/run/netns/$PREFIX$ctr" 2>"$errfile") || rc=$?
	if [ -s "$errfile" ]; then
		say "netd's log (stderr):"
		show <"$errfile"
	fi
	rm -f "$errfile"
	if [ "$rc" -ne 0 ]; then
		bad "netd $cmd $ctr exited with $rc and printed:"
		printf '%s\n' "$OUT" | show
		exit 1
	fi
}

# Part of netd's nftables table, without the "table inet netd {" wrapper
# around it, one indentation level less, tabs as spaces (nft aligns for 8).
nft_part() {
	grep -vE '^(table|\})' | sed 's/^\t//' | expand -t 8
}

# ping_ok NS ADDR: ping must succeed; print ping's summary lines.
ping_ok() {
	local out
	out=$(inns "$1" ping -c 3 -i 0.2 -W 2 "$2" 2>&1) || {
		printf '%s\n' "$out" | show
		die "$1 could not ping $2"
	}
	printf '%s\n' "$out" | grep -E 'packets transmitted|^rtt' | show
}

# ping_fails NS ADDR: ping must fail; print what ping said.
ping_fails() {
	local out
	if out=$(inns "$1" ping -c 2 -i 0.2 -W 1 "$2" 2>&1); then
		printf '%s\n' "$out" | show
		die "$1 reached $2, which it should not"
	fi
	printf '%s\n' "$out" | grep -vE '^(PING|$|---)' | sort -u | show
}

# ======================================================================

printf '%snetd demo%s: container networking in throwaway network namespaces.\n' "$B" "$OFF"
say "netd binary: $NETD"

step "Make a stand-in for the host"
ip netns add "$HOST"
inns host ip link set lo up
CONFIG=$(mktemp -d /tmp/netd-demo.XXXXXX)
say "Network namespace $HOST plays the host. netd runs inside it,"
say "so nothing here touches this machine's real network or its firewall."
say "netd keeps its lock and state files in $CONFIG"
say "(Podman would use /run/containers/networks)."

step "Make three empty containers"
for c in blue1 blue2 red1; do
	ip netns add "$PREFIX$c"
done
say "A container, for networking purposes, is just a network namespace."
say "Here they are blue1, blue2 and red1. Each has only a loopback device:"
inns blue1 ip -br link | show

step "Attach blue1 to network \"blue\" (dual-stack), publishing port 80 as host port 8080"
say "Network \"blue\": bridge br-blue, subnets 10.89.1.0/24 and fd89:1::/64."
say "Podman would now run netd, as it runs netavark, with this request on stdin:"
REQ_BLUE1=$(request blue1 "$(net_blue)" "$PORTS_BLUE1" 10.89.1.2 fd89:1::2)
printf '%s\n' "$REQ_BLUE1" | jq . | show
say "Running: netd --config $CONFIG setup /run/netns/${PREFIX}blue1"
say "(with NETD_LOG=info, so netd says on stderr what it does; the firewall"
say "driver is the default, nftables)"
NETD_LOG=info netd setup blue1 "$REQ_BLUE1"
say "netd printed this result (the same JSON netavark prints), shown with jq:"
printf '%s\n' "$OUT" | jq . | show
ok "blue1 is on network blue"

step "Attach blue2 to the same network"
REQ_BLUE2=$(request blue2 "$(net_blue)" '[]' 10.89.1.3 fd89:1::3)
netd setup blue2 "$REQ_BLUE2"
printf '%s\n' "$OUT" | jq . | show
say "The bridge already existed, so netd reused it and only added a veth pair."

step "Look at what netd built"
say "In the host: a bridge holding the gateways, and one veth end per container."
inns host ip -br addr show br-blue | show
inns host ip -br link show master br-blue | show
say "In blue1: eth0 with its two addresses, and a default route per family."
inns blue1 ip -br addr show eth0 | show
{ inns blue1 ip -4 route; inns blue1 ip -6 route show default; } | show
say "And in the host, netd's firewall: one nftables table, inet netd, with these"
say "sets, maps and chains (parts of it are shown further down):"
inns host nft list table inet netd |
	awk '$1 == "set" || $1 == "map" || $1 == "chain" { n[$1] = n[$1] " " $2 }
	     END { print "sets:" n["set"]; print "maps:" n["map"]; print "chains:" n["chain"] }' | show

step "blue1 and blue2 talk over IPv4 and IPv6"
say "blue1 → blue2 (10.89.1.3):"
ping_ok blue1 10.89.1.3
say "blue1 → blue2 (fd89:1::3):"
ping_ok blue1 fd89:1::3
say "blue2 → blue1 (fd89:1::2):"
ping_ok blue2 fd89:1::2
ok "the two containers reach each other through the bridge br-blue"

step "Reach blue1's port 80 from the host, through host port 8080"
say "blue1 runs a tiny TCP server on port 80 that says where each connection came from:"
# shellcheck disable=SC2016 # socat's child shell expands $SOCAT_PEERADDR
ip netns exec "${PREFIX}blue1" socat TCP-LISTEN:80,fork,reuseaddr \
	SYSTEM:'echo hello from blue1 - you came from $SOCAT_PEERADDR' >/dev/null 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do
	[ -z "$(inns blue1 ss -Hltn 'sport = :80')" ] || break
	sleep 0.1
done
inns blue1 ss -Hltn 'sport = :80' | show
say "In the host, connect to 127.0.0.1 port 8080:"
answer=$(inns host socat -T 3 - TCP:127.0.0.1:8080 </dev/null 2>&1) ||
	die "could not connect to 127.0.0.1:8080: $answer"
[[ $answer == "hello from blue1"* ]] || die "unexpected answer on 127.0.0.1:8080: $answer"
printf '%s\n' "$answer" | show
say "netd's firewall forwarded host port 8080 to 10.89.1.2 port 80. blue1 saw the"
say "connection come from 10.89.1.1, the bridge's address: netd masquerades"
say "connections from 127.0.0.1, because blue1 could not answer the host's loopback."
say "The published port is one element of the map pf4 in table inet netd:"
inns host nft list map inet netd pf4 | nft_part | show
ok "host port 8080 reaches blue1"

step "Attach red1 to a second ordinary network, \"red\""
say "Network \"red\": its own bridge br-red and subnet 10.89.2.0/24. Like blue, it"
say "is not internal, and its options do not mention \"isolate\"."
REQ_RED1=$(request red1 "$(net_red)" '[]' 10.89.2.2)
netd setup red1 "$REQ_RED1"
printf '%s\n' "$OUT" | jq -c . | show
say "red1 can reach its own gateway:"
ping_ok red1 10.89.2.1
say "and it has a default route, so it knows the way to blue through the host:"
inns red1 ip route get 10.89.1.2 | head -1 | show

step "red1 cannot reach the blue containers"
say "red1 → blue1 (10.89.1.2):"
ping_fails red1 10.89.1.2
say "Why: a network without an \"isolate\" option is strictly isolated, so netd's"
say "firewall drops whatever the host would forward from br-red to any other netd bridge."
say "That is this part of nft list table inet netd: the map iso sends packets that"
say "arrive from a bridge to that bridge's chain, and iso_br-red lets them back"
say "onto br-red only; @br_all is the set of all netd bridges."
{
	inns host nft list map inet netd iso
	inns host nft list chain inet netd iso_br-red
} | nft_part | show
say "The same holds the other way, blue1 → red1 (10.89.2.2):"
ping_fails blue1 10.89.2.2
ok "red1 is cut off from blue, and blue from red"

step "Tear everything down"
say "Stop blue1's TCP server first, as the container would stop."
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
for c in blue1 blue2 red1; do
	case $c in
	blue1) req=$REQ_BLUE1 ;;
	blue2) req=$REQ_BLUE2 ;;
	red1) req=$REQ_RED1 ;;
	esac
	say "netd teardown /run/netns/$PREFIX$c (same request on stdin)"
	netd teardown "$c" "$req"
	[ -z "$OUT" ] || die "teardown printed output: $OUT"
done
say "Teardown prints nothing when it succeeds."

step "Check that nothing is left"
left=$(inns host ip -o link | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -vx lo || true)
if [ -n "$left" ]; then
	printf '%s\n' "$left" | show
	die "links left in the host namespace"
fi
ok "the host has only its loopback: both bridges and every veth end are gone"
for c in blue1 blue2 red1; do
	left=$(inns "$c" ip -o link | awk -F': ' '{print $2}' | grep -vx lo || true)
	[ -z "$left" ] || die "links left in $c: $left"
done
ok "each container has only its loopback"
left=$(find "$CONFIG" -name '*.json' | head -5)
[ -z "$left" ] || die "state files left: $left"
ok "no state files left in $CONFIG"
left=$(inns host nft list ruleset)
if [ -n "$left" ]; then
	printf '%s\n' "$left" | show
	die "nftables rules left in the host namespace"
fi
ok "nft list ruleset prints nothing: the last teardown deleted the table inet netd"

step "Delete the namespaces"
for ns in $(our_namespaces); do
	ip netns delete "$ns"
done
rm -rf -- "$CONFIG"
CONFIG=""
if [ -n "$(our_namespaces)" ]; then
	die "namespaces left: $(our_namespaces | tr '\n' ' ')"
fi
ok "ip netns list shows no $PREFIX* namespace"
printf '\n%sDemo complete.%s\n' "$B" "$OFF"
