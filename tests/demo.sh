#!/usr/bin/env bash
# A guided tour of netd's admin commands, entirely inside throwaway network
# namespaces.
#
# One namespace plays the host and every netd command runs inside it, so
# the real host's links, routes and nftables ruleset are not touched. More
# namespaces stand in for containers. netd keeps its state and its network
# definitions in a temporary directory (--config and --network-dir), not in
# /run/netd and /etc/netd/networks.
#
#   sudo tests/demo.sh                  uses build/netd/netd
#   sudo NETD=/path/to/netd tests/demo.sh
#
# DNS is shown only when netd-dns exists beside netd (<build>/dns/netd-dns,
# or NETD_DNS=path) and dig is installed. netd, and so the netd-dns it
# starts, then run in a private mount namespace whose /etc/resolv.conf names
# only 127.0.0.1, with AARDVARK_NO_PROXY=1: netd-dns answers the demo's names
# and never forwards a query anywhere. Without netd-dns, netd gets
# `-a <a path that does not exist>` and starts no DNS server at all.
#
# Needs root, ip and ss (iproute2), ping (iputils), nft (nftables), socat,
# jq and unshare (util-linux); dig (dnsutils) for the DNS step. Every
# namespace it creates carries the prefix netd-demo-<pid>-. They are deleted
# on exit, on Ctrl-C and on failure, together with every process inside them
# (the TCP server, netd-dns) and the temporary directory.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${NETD:-}" ]; then
	NETD=$REPO/build/netd/netd
	# tests/run builds into build-asan; use that when build/ has no netd.
	[ -x "$NETD" ] || [ ! -x "$REPO/build-asan/netd/netd" ] || NETD=$REPO/build-asan/netd/netd
fi
# netd-dns of the same build: <build>/dns/netd-dns beside <build>/netd/netd.
NETD_DNS=${NETD_DNS:-$(dirname "$(dirname "$NETD")")/dns/netd-dns}

# The demo shows netd's defaults, whatever the caller's environment says.
unset NETAVARK_FW NETAVARK_DNS_PORT NETD_NETWORK_DIR NETD_LOG RUST_LOG AARDVARK_NO_PROXY

PREFIX=netd-demo-$$-
HOST=${PREFIX}host
WORK=""		# temporary directory: config, network definitions, resolv.conf
SERVER_PID=""	# the TCP server in blue1, once started

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
# Indent a block (a command's output) under the narration.
show() { sed "s/^/      $DIM/; s/\$/$OFF/"; }
# The command the reader would type, as it is run (minus the demo's plumbing).
cmd() { printf '   %s# %s%s\n' "$B" "$*" "$OFF"; }
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
	# Stop every process first: a namespace with a process still in it
	# outlives `ip netns delete`. Any process inside our namespaces was
	# started by this demo: the TCP server (and its per-connection
	# children) in blue1, netd-dns in the host namespace.
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
	# nftables table, which exist in that namespace only.
	for ns in $(our_namespaces); do
		ip netns delete "$ns" 2>/dev/null || printf 'could not delete namespace %s\n' "$ns" >&2
	done
	[ -z "$WORK" ] || rm -rf -- "$WORK"
	if [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ]; then
		printf '\nInterrupted; every netd-demo-%d-* namespace and %s have been deleted.\n' \
			"$$" "${WORK:-the temporary directory}" >&2
	elif [ "$rc" -ne 0 ]; then
		printf '\nStopped (exit %d); every netd-demo-%d-* namespace and %s have been deleted.\n' \
			"$rc" "$$" "${WORK:-the temporary directory}" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- checks -------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || die "run me as root (I create network namespaces)"
for tool in ip ss ping nft socat jq unshare; do
	command -v "$tool" >/dev/null ||
		die "'$tool' is missing (apt-get install iproute2 iputils-ping nftables socat jq util-linux)"
done
[ -x "$NETD" ] || die "no netd at $NETD: build it (meson setup build && ninja -C build) or set NETD=path"

DNS=yes NO_DNS_WHY=""
if [ ! -x "$NETD_DNS" ]; then
	DNS=no NO_DNS_WHY="there is no netd-dns at $NETD_DNS"
elif ! command -v dig >/dev/null; then
	DNS=no NO_DNS_WHY="dig is missing (apt-get install dnsutils)"
fi

# --- helpers ------------------------------------------------------------

# inns NS CMD...: run a command inside one of our namespaces.
inns() {
	local ns=$1
	shift
	ip netns exec "$PREFIX$ns" "$@"
}

# nd ARGS...: run netd inside the host namespace, in a private mount
# namespace whose /etc/resolv.conf is $WORK/resolv.conf, with the demo's
# --config and --network-dir, and the DNS server $DNSBIN. Prints netd's
# stdout and stderr; returns netd's exit status.
nd() {
	# shellcheck disable=SC2016 # expanded by sh -c
	ip netns exec "$HOST" unshare -m --propagation private sh -c \
		'mount --bind "$0" /etc/resolv.conf || exit 99; exec "$@"' "$WORK/resolv.conf" \
		env AARDVARK_NO_PROXY=1 "$NETD" --config "$CONFIG" -a "$DNSBIN" "$@" --network-dir "$NETDIR" 2>&1
}

# run_nd ARGS...: show the command, run it, show its output; netd must
# succeed. Sets OUT to the output.
OUT=""
run_nd() {
	local rc=0
	cmd "netd $*"
	OUT=$(nd "$@") || rc=$?
	[ -z "$OUT" ] || printf '%s\n' "$OUT" | show
	[ "$rc" -eq 0 ] || die "netd $* exited with $rc"
}

# Part of netd's nftables table, without the "table inet netd {" wrapper
# around it, one indentation level less, tabs as spaces (nft aligns for 8).
nft_part() {
	grep -vE '^(table|\})' | sed 's/^\t//' | expand -t 8
}

# ping_ok NS ADDR: ping must succeed; print ping's summary line.
ping_ok() {
	local out
	out=$(inns "$1" ping -c 3 -i 0.2 -W 2 "$2" 2>&1) || {
		printf '%s\n' "$out" | show
		die "$1 could not ping $2"
	}
	printf '%s\n' "$out" | grep -E 'packets transmitted' | show
}

# ping_fails NS ADDR: ping must fail; print what ping said.
ping_fails() {
	local out
	if out=$(inns "$1" ping -c 2 -i 0.2 -W 1 "$2" 2>&1); then
		printf '%s\n' "$out" | show
		die "$1 reached $2, which it should not"
	fi
	printf '%s\n' "$out" | grep -E 'packets transmitted' | show
}

# ======================================================================

printf '%snetd demo%s: the admin commands, in throwaway network namespaces.\n' "$B" "$OFF"
say "netd binary: $NETD"

step "Make a stand-in for the host, and three empty containers"
WORK=$(mktemp -d /tmp/netd-demo.XXXXXX)
CONFIG=$WORK/config
NETDIR=$WORK/networks
mkdir "$CONFIG" "$NETDIR"
ip netns add "$HOST"
ip -n "$HOST" link set lo up
for c in blue1 blue2 red1; do
	ip netns add "$PREFIX$c"
done
say "Network namespace $HOST plays the host: every netd command below"
say "runs inside it, so nothing here touches this machine's real network or firewall."
say "A container, for networking purposes, is just a network namespace:"
say "${PREFIX}blue1, ${PREFIX}blue2 and ${PREFIX}red1, made with 'ip netns add'."
say "Each has only a loopback device so far."
say "netd keeps its state in $CONFIG (default /run/netd)"
say "and the network definitions in $NETDIR (default /etc/netd/networks)."
say "Each '# netd ...' line below is really run as"
say "  ip netns exec $HOST netd --config $CONFIG ... --network-dir $NETDIR"
if [ "$DNS" = yes ]; then
	DNSBIN=$NETD_DNS
	printf 'nameserver 127.0.0.1\n' >"$WORK/resolv.conf"
	say "with -a $DNSBIN as the DNS server. netd and netd-dns run"
	say "in a private mount namespace whose /etc/resolv.conf says only 'nameserver"
	say "127.0.0.1', and with AARDVARK_NO_PROXY=1: netd-dns never forwards a query."
else
	DNSBIN=$WORK/no-dns-server
	printf 'nameserver 127.0.0.1\n' >"$WORK/resolv.conf"
	say "with -a $DNSBIN, a file that does not exist, so netd starts"
	say "no DNS server: $NO_DNS_WHY. The DNS step is skipped."
fi

step "Define two networks"
say "\"blue\" is dual-stack (an IPv4 and an IPv6 subnet); \"red\" is IPv4 only."
run_nd network create blue --subnet 10.89.1.0/24 --subnet fd89:1::/64
run_nd network create red --subnet 10.89.2.0/24
run_nd network ls
BR_BLUE=$(nd network inspect blue | jq -r .network_interface)
BR_RED=$(nd network inspect red | jq -r .network_interface)
if [ -z "$BR_BLUE" ] || [ -z "$BR_RED" ]; then
	die "could not read the bridge names with netd network inspect"
fi
say "So far a network is only a file, blue.json and red.json in the network directory."
say "netd picked the bridge names $BR_BLUE and $BR_RED (read here from 'netd network inspect');"
say "the bridges appear with the first attach. Neither network was given --isolate,"
say "so both are strictly isolated (the default)."

step "Attach blue1 to blue, publishing its port 80 as host port 8080"
say "netd picks the first free address in each subnet, creates the bridge, a veth pair,"
say "routes and firewall rules. --json prints netavark's result, shown here with jq:"
cmd "netd attach ${PREFIX}blue1 --network blue --name blue1 --publish 8080:80 --json"
OUT=$(nd attach "${PREFIX}blue1" --network blue --name blue1 --publish 8080:80 --json) ||
	{ printf '%s\n' "$OUT" | show; die "netd attach blue1 failed"; }
printf '%s\n' "$OUT" | jq . | show
ok "blue1 is on network blue"

step "Attach blue2 to blue, and red1 to red"
say "Without --json netd prints a summary:"
run_nd attach "${PREFIX}blue2" --network blue --name blue2
run_nd attach "${PREFIX}red1" --network red --name red1
ok "three namespaces attached"

step "What is live: netd status"
run_nd status
say "The same as a Graphviz graph, with netd status --dot:"
run_nd status --dot
if command -v dot >/dev/null; then
	say "Graphviz is installed here; to draw it: netd status --dot | dot -Tsvg > topology.svg"
else
	say "With Graphviz installed: netd status --dot | dot -Tsvg > topology.svg"
fi

step "blue1 and blue2 talk over IPv4 and IPv6"
say "blue1 → blue2 (10.89.1.3):"
ping_ok blue1 10.89.1.3
say "blue1 → blue2 (fd89:1::3):"
ping_ok blue1 fd89:1::3
say "blue2 → blue1 (fd89:1::2):"
ping_ok blue2 fd89:1::2
ok "the two containers reach each other through the bridge $BR_BLUE"

step "Reach blue1's port 80 from the host, through host port 8080"
say "blue1 runs a tiny TCP server on port 80 that says where each connection came from."
# shellcheck disable=SC2016 # socat's child shell expands $SOCAT_PEERADDR
ip netns exec "${PREFIX}blue1" socat TCP-LISTEN:80,fork,reuseaddr \
	SYSTEM:'echo hello from blue1 - you came from $SOCAT_PEERADDR' >/dev/null 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do
	[ -z "$(inns blue1 ss -Hltn 'sport = :80')" ] || break
	sleep 0.1
done
[ -n "$(inns blue1 ss -Hltn 'sport = :80')" ] || die "the TCP server in blue1 did not start"
say "In the host, connect to 127.0.0.1 port 8080:"
answer=$(inns host socat -T 3 - TCP:127.0.0.1:8080 </dev/null 2>&1) ||
	die "could not connect to 127.0.0.1:8080: $answer"
[[ $answer == "hello from blue1"* ]] || die "unexpected answer on 127.0.0.1:8080: $answer"
printf '%s\n' "$answer" | show
say "netd's firewall forwarded host port 8080 to 10.89.1.2 port 80, and masqueraded the"
say "connection to the bridge's address, because blue1 could not answer 127.0.0.1."
say "The published port is one element of the map pf4 in the table inet netd:"
inns host nft list map inet netd pf4 | nft_part | show
ok "host port 8080 reaches blue1"

step "red1 cannot reach the blue containers"
say "red1 has a default route through the host, so it knows the way to blue:"
inns red1 ip route get 10.89.1.2 | head -1 | show
say "red1 → blue1 (10.89.1.2):"
ping_fails red1 10.89.1.2
say "blue1 → red1 (10.89.2.2):"
ping_fails blue1 10.89.2.2
say "Why: both networks are strictly isolated, so netd's forward chain sends every packet"
say "from a netd bridge, through the verdict map nets, to that bridge's chain nw_<bridge>,"
say "which lets it back onto the same bridge and drops it towards any other netd bridge"
say "(the set @br_all). From nft list table inet netd:"
{
	inns host nft list chain inet netd forward |
		awk '/^\tchain/ { print; print "\t\t..." } /vmap @nets/ { print; print "\t\t..."; print "\t}" }'
	inns host nft list map inet netd nets
	inns host nft list chain inet netd "nw_$BR_RED"
} | nft_part | show
ok "red is cut off from blue, and blue from red"

if [ "$DNS" = yes ]; then
	step "Names: blue2 resolves blue1 through blue's gateway"
	say "Both networks have DNS (the default). netd started netd-dns, which answers"
	say "on each network's gateways with the names of that network's containers."
	say "In blue2: dig @10.89.1.1 blue1, and the same over IPv6 for its AAAA record:"
	a=$(inns blue2 dig +short +time=2 +tries=1 @10.89.1.1 blue1 A 2>&1) || true
	aaaa=$(inns blue2 dig +short +time=2 +tries=1 @fd89:1::1 blue1 AAAA 2>&1) || true
	printf 'blue1 A    %s\nblue1 AAAA %s\n' "$a" "$aaaa" | show
	[ "$a" = 10.89.1.2 ] || die "blue1 resolved to '$a', not 10.89.1.2"
	[ "$aaaa" = fd89:1::2 ] || die "blue1 (AAAA) resolved to '$aaaa', not fd89:1::2"
	say "red1 asks red's gateway for blue1 and gets no address: red's DNS knows red's"
	say "containers only, and netd-dns forwards nothing here:"
	st=$(inns red1 dig +time=2 +tries=1 @10.89.2.1 blue1 A 2>&1 | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')
	printf 'status: %s\n' "${st:-no answer}" | show
	[ "$st" = NXDOMAIN ] || die "red1 looking up blue1 got '${st:-no answer}', not NXDOMAIN"
	ok "blue2 finds blue1 by name; red1 does not"
fi

step "netd check: compare the kernel with netd's state"
run_nd check
say "Now break something: delete blue2's host end of the veth pair by hand."
VETH=$(nd status --json | jq -r --arg ns "${PREFIX}blue2" \
	'.attachments[] | select(.name == $ns and .network == "blue") | .host_interface')
if [ -z "$VETH" ] || [ "$VETH" = null ]; then
	die "could not find blue2's host veth in netd status --json"
fi
cmd "ip link del $VETH"
inns host ip link del "$VETH"
say "blue2 has lost its network: blue1 → blue2 (10.89.1.3):"
ping_fails blue1 10.89.1.3
cmd "netd check"
rc=0
OUT=$(nd check) || rc=$?
printf '%s\n' "$OUT" | show
[ "$rc" -eq 1 ] || die "netd check exited with $rc, not 1, after the veth was deleted"
say "netd check exits with 1 when it finds a difference. --repair sets blue2 up again"
say "from the request it stored, with the same address and MAC, and checks again:"
run_nd check --repair
say "blue1 → blue2 (10.89.1.3):"
ping_ok blue1 10.89.1.3
ok "repaired"

step "Tear everything down"
say "Stop blue1's TCP server first, as the container would stop."
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
for c in blue1 blue2 red1; do
	run_nd detach "$PREFIX$c"
done
run_nd network rm blue
run_nd network rm red
run_nd network ls

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
left=$(inns host nft list ruleset)
if [ -n "$left" ]; then
	printf '%s\n' "$left" | show
	die "nftables rules left in the host namespace"
fi
ok "nft list ruleset prints nothing: the last detach deleted the table inet netd"
left=$(find "$CONFIG" -path '*/netd/containers/*' -type f)
[ -z "$left" ] || die "state files left: $left"
if [ -e "$CONFIG/netd/attachments.json" ]; then
	die "attachments.json written: admin keeps its attachments in the container records"
fi
left=$(find "$NETDIR" -name '*.json')
[ -z "$left" ] || die "network definitions left: $left"
ok "no container state, no attachment and no network definition is left"
if [ "$DNS" = yes ]; then
	for _ in $(seq 30); do
		[ -n "$(ip netns pids "$HOST")" ] || break
		sleep 0.1
	done
	left=$(find "$CONFIG/aardvark-dns" -type f 2>/dev/null || true)
	[ -z "$left" ] || die "DNS files left: $left"
	[ -z "$(ip netns pids "$HOST")" ] || die "processes left in the host namespace: $(ip netns pids "$HOST" | tr '\n' ' ')"
	ok "netd-dns exited by itself when its last network went, and left no file"
fi

step "Delete the namespaces"
for ns in $(our_namespaces); do
	ip netns delete "$ns"
done
rm -rf -- "$WORK"
WORK=""
if [ -n "$(our_namespaces)" ]; then
	die "namespaces left: $(our_namespaces | tr '\n' ' ')"
fi
ok "ip netns list shows no $PREFIX* namespace"
printf '\n%sDemo complete.%s\n' "$B" "$OFF"
