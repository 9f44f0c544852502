# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # RESULT, ERRMSG, C2, ... are used by the .bats files
#
# Helpers for the netd integration tests (bats >= 1.5).
#
# Every test gets its own network namespaces, named after a prefix that is
# unique per bats process and test number:
#   $HOST  plays the host: netd runs inside it, bridges and host veths live there
#   $C1, $C2  container namespaces (more with ns_add)
# and a fresh config directory $CFG under $BATS_TEST_TMPDIR. teardown() deletes
# every namespace the test created, also when the test failed. Nothing here
# touches the root namespace's links, addresses or routes.
#
# Environment: NETD (path to the binary, default $REPO/build/netd/netd).

bats_require_minimum_version 1.5.0

REPO=${REPO:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
NETD=${NETD:-$REPO/build/netd/netd}

# ---------------------------------------------------------------------------
# setup / teardown

NS_CREATED=()

ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || { echo "# ip netns add $ns failed" >&3; return 1; }
		NS_CREATED+=("$ns")
	done
}

setup() {
	if [[ $EUID -ne 0 ]]; then
		skip "needs root (network namespaces)"
	fi
	if [[ ! -x $NETD ]]; then
		echo "netd binary not found at $NETD (build it or set NETD)" >&2
		return 1
	fi
	PFX="ndt$$t${BATS_TEST_NUMBER}"
	HOST="${PFX}h"
	C1="${PFX}c1"
	C2="${PFX}c2"
	CFG="$BATS_TEST_TMPDIR/config"
	NS_CREATED=()
	ns_add "$HOST" "$C1" "$C2"
}

# ns_cleanup: delete every namespace the test made (newest first, so containers
# go before the host), and anything else carrying the test's prefix $PFX.
# Shared by the other helper files' teardown().
ns_cleanup() {
	local i ns
	for ((i = ${#NS_CREATED[@]} - 1; i >= 0; i--)); do
		ns=${NS_CREATED[i]}
		if [[ -e /run/netns/$ns ]]; then ip netns del "$ns" 2>/dev/null || true; fi
	done
	if [[ -n ${PFX:-} ]]; then
		for ns in /run/netns/"$PFX"*; do
			if [[ -e $ns ]]; then ip netns del "${ns##*/}" 2>/dev/null || true; fi
		done
	fi
	return 0
}

teardown() {
	local i
	# Background jobs a test may have left (only our own children).
	for i in $(jobs -p); do
		kill "$i" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	ns_cleanup
}

# ---------------------------------------------------------------------------
# assertions

die() {
	printf '# %s\n' "$@" >&2
	return 1
}

show_run() {
	printf '# status: %s\n# stdout: %s\n# stderr: %s\n' "${status:-}" "${output:-}" \
		"${stderr:-}" >&2
}

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	if [[ "$1" != "$2" ]]; then
		die "${3:-value}: expected '$2'" "${3:-value}: actual   '$1'"
	fi
}

# assert_match STRING REGEX [WHAT]
assert_match() {
	if ! [[ "$1" =~ $2 ]]; then
		die "${3:-value}: '$1' does not match /$2/"
	fi
}

# assert_contains STRING SUBSTRING [WHAT]
assert_contains() {
	if [[ "$1" != *"$2"* ]]; then
		die "${3:-value}: '$1' does not contain '$2'"
	fi
}

assert_status() {
	if [[ "$status" != "$1" ]]; then
		show_run
		die "expected exit status $1, got $status"
	fi
}

# The last run failed the netd way: exit 1, exactly one JSON line
# {"error": "<non-empty>"} on stdout. Optional substrings must appear in it.
assert_netd_error() {
	local msg s
	assert_status 1
	if [[ $(printf '%s\n' "$output" | wc -l) -ne 1 ]]; then
		show_run
		die "error output is not exactly one line"
	fi
	msg=$(jq -er '.error | strings' <<<"$output") || {
		show_run
		die "stdout is not {\"error\": \"...\"}"
	}
	assert_eq "$(jq -r 'keys | join(",")' <<<"$output")" "error" "error object keys"
	[[ -n $msg ]] || die "empty error message"
	assert_schema error.schema.json "$output"
	for s in "$@"; do
		assert_contains "$msg" "$s" "error message"
	done
	ERRMSG=$msg
}

# ---------------------------------------------------------------------------
# running netd (always inside $HOST)

netd_cmd() {
	ip netns exec "$HOST" "$NETD" --config "$CFG" --firewall-driver none "$@"
}

# netd_setup CTR_NS JSON [ENV=VAL...]: `run` netd setup; result in $status/$output/$stderr.
netd_setup() {
	local ns=$1 json=$2
	shift 2
	run --separate-stderr env "$@" ip netns exec "$HOST" "$NETD" --config "$CFG" \
		--firewall-driver none setup "/run/netns/$ns" <<<"$json"
}

netd_teardown() {
	local ns=$1 json=$2
	shift 2
	run --separate-stderr env "$@" ip netns exec "$HOST" "$NETD" --config "$CFG" \
		--firewall-driver none teardown "/run/netns/$ns" <<<"$json"
}

# assert_schema SCHEMA JSON: JSON must validate against schemas/SCHEMA (the
# single truth of what netd accepts and prints).
assert_schema() {
	local why
	why=$(printf '%s\n' "$2" | python3 "$REPO/tests/schema/validate.py" "$REPO/schemas/$1" - 2>&1) ||
		die "does not match schemas/$1: $why"$'\n'"$2"
}

# setup_ok CTR_NS JSON: setup must succeed with one JSON object on stdout ($RESULT).
# Both the request and netd's result are checked against the JSON Schemas.
setup_ok() {
	assert_schema netavark-request.schema.json "$2"
	netd_setup "$1" "$2"
	assert_status 0
	[[ $(printf '%s\n' "$output" | wc -l) -eq 1 ]] || { show_run; die "setup printed more than one line"; }
	jq -e 'type == "object"' <<<"$output" >/dev/null || { show_run; die "setup result is not a JSON object"; }
	assert_schema netavark-setup-result.schema.json "$output"
	RESULT=$output
}

teardown_ok() {
	netd_teardown "$1" "$2"
	assert_status 0
	assert_eq "$output" "" "teardown stdout"
}

# ---------------------------------------------------------------------------
# request JSON

# gateway_of CIDR: the first host address of a subnet (x.y.z.0/n → x.y.z.1, p::/n → p::1).
gateway_of() {
	local base=${1%/*}
	if [[ $base == *:* ]]; then
		echo "${base}1"
	else
		local a b c d
		IFS=. read -r a b c d <<<"$base"
		echo "$a.$b.$c.$((d + 1))"
	fi
}

# net_json NAME BRIDGE [SUBNET[,GATEWAY|,nogw]]...  → a Network object (network_info value).
# Adjust it with jq afterwards, e.g. | jq '.options.mtu = "1400"'.
net_json() {
	local name=$1 br=$2 spec cidr gw subnets='[]' v6=false id
	shift 2
	id=$(printf '%s' "$name" | sha256sum | cut -c1-64)
	for spec in "$@"; do
		cidr=${spec%%,*}
		if [[ $spec == *,* ]]; then gw=${spec#*,}; else gw=$(gateway_of "$cidr"); fi
		[[ $cidr == *:* ]] && v6=true
		if [[ $gw == nogw ]]; then
			subnets=$(jq -c --arg s "$cidr" '. + [{subnet: $s}]' <<<"$subnets")
		else
			subnets=$(jq -c --arg s "$cidr" --arg g "$gw" '. + [{subnet: $s, gateway: $g}]' <<<"$subnets")
		fi
	done
	jq -nc --arg n "$name" --arg id "$id" --arg br "$br" --argjson subnets "$subnets" \
		--argjson v6 "$v6" '{
		name: $n,
		id: $id,
		driver: "bridge",
		network_interface: $br,
		subnets: $subnets,
		ipv6_enabled: $v6,
		internal: false,
		dns_enabled: false,
		ipam_options: {driver: "host-local"}
	}'
}

# att_json NETNAME IFNAME [IP...] → per-network options, with the network name in "name".
att_json() {
	local name=$1 ifname=$2
	shift 2
	jq -nc --arg n "$name" --arg i "$ifname" '{name: $n, interface_name: $i,
		static_ips: $ARGS.positional}' --args "$@"
}

# req_json [--array] CONTAINER_ID NET ATT [NET ATT]...
# Builds a setup/teardown request; "networks" is a map unless --array.
req_json() {
	local array=false cid nets='[]' atts='[]'
	if [[ $1 == --array ]]; then array=true; shift; fi
	cid=$1
	shift
	while (($# >= 2)); do
		nets=$(jq -c --argjson n "$1" '. + [$n]' <<<"$nets")
		atts=$(jq -c --argjson a "$2" '. + [$a]' <<<"$atts")
		shift 2
	done
	jq -nc --arg cid "$cid" --argjson nets "$nets" --argjson atts "$atts" --argjson array "$array" '{
		container_id: $cid,
		container_name: ("name-" + $cid),
		networks: (if $array then $atts
			   else (reduce $atts[] as $a ({}; .[$a.name] = ($a | del(.name)))) end),
		network_info: (reduce $nets[] as $n ({}; .[$n.name] = $n))
	}'
}

# cid N: a 64-hex container id.
cid() {
	printf '%064x' "$1"
}

# ---------------------------------------------------------------------------
# kernel state (always through `ip -n NS -j` + jq)

nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

link_exists() {
	ip -n "$1" link show dev "$2" >/dev/null 2>&1
}

assert_link() {
	link_exists "$1" "$2" || { ip -n "$1" -br link >&2; die "link $2 missing in namespace $1"; }
}

assert_no_link() {
	if link_exists "$1" "$2"; then
		ip -n "$1" -br link >&2
		die "link $2 still exists in namespace $1"
	fi
}

# link_json NS IFNAME → the `ip -d -j link` object of the link.
link_json() {
	ip -n "$1" -d -j link show dev "$2" | jq -c '.[0]'
}

# link_get NS IFNAME JQ → a field of the link.
link_get() {
	link_json "$1" "$2" | jq -r "$3"
}

link_is_up() {
	[[ $(link_get "$1" "$2" '.flags | index("UP") != null') == true ]]
}

# addrs NS IFNAME → global addresses "a/len", sorted, one per line.
addrs() {
	ip -n "$1" -j addr show dev "$2" |
		jq -r '.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"' | sort
}

# assert_addrs NS IFNAME [ADDR/LEN...]: exactly these global addresses.
assert_addrs() {
	local ns=$1 dev=$2 want
	shift 2
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
	assert_eq "$(addrs "$ns" "$dev")" "$want" "global addresses of $dev in $ns"
}

# routes NS 4|6 → main-table routes as a JSON array.
routes() {
	ip -n "$1" -"$2" -j route show table main
}

# default_routes NS 4|6 → JSON array of the default routes.
default_routes() {
	routes "$1" "$2" | jq -c '[.[] | select(.dst == "default")]'
}

# ports NS BRIDGE → JSON array of the links enslaved to BRIDGE.
ports() {
	ip -n "$1" -d -j link show master "$2" | jq -c .
}

# peer_of CTR_NS IFNAME → name of the host-side veth peer of a container interface
# (the host link whose ifindex is the container link's link_index).
peer_of() {
	local idx
	idx=$(link_get "$1" "$2" '.link_index')
	ip -n "$HOST" -j link show | jq -r --argjson i "$idx" '.[] | select(.ifindex == $i) | .ifname'
}

sysctl_get() {
	ip netns exec "$1" cat "/proc/sys/$2"
}

# snapshot NS [--no-sysctls] → normalized dump of links, addresses and routes
# (main table, both families) and the forwarding sysctls, for before/after
# comparison. --no-sysctls leaves the sysctls out (teardown, like netavark's,
# leaves ip_forward on).
# Normalization: the "qdisc" field is dropped (the kernel attaches a default
# qdisc the first time a link goes up and never takes it away; netd sets no
# qdisc), and so is the 127.0.0.1/8 the kernel adds to "lo" the first time it
# goes up, as long as lo is down again (a down loopback with it behaves like a
# pristine one; netd cannot undo the kernel's own address without deleting it).
snapshot() {
	local ns=$1 sysctls=${2:-}
	echo "links:"
	ip -n "$ns" -j link show | jq -S 'map(del(.qdisc))'
	echo "addresses:"
	ip -n "$ns" -j addr show | jq -S 'map(del(.qdisc)
		| if .ifname == "lo" and ((.flags | index("UP")) == null)
		  then .addr_info |= map(select(.local != "127.0.0.1")) else . end)'
	echo "routes4:"
	ip -n "$ns" -4 -j route show table main | jq -S .
	echo "routes6:"
	ip -n "$ns" -6 -j route show table main | jq -S .
	if [[ $sysctls != --no-sysctls ]]; then
		echo "sysctls:"
		sysctl_get "$ns" net/ipv4/ip_forward
		sysctl_get "$ns" net/ipv6/conf/all/forwarding
	fi
}

# snapshot_all [--no-sysctls] NS... → snapshots of several namespaces.
snapshot_all() {
	local ns opt=
	if [[ $1 == --no-sysctls ]]; then opt=$1; shift; fi
	for ns in "$@"; do
		echo "== $ns"
		snapshot "$ns" ${opt:+"$opt"}
	done
}

# assert_same_snapshot BEFORE AFTER: identical, else print a diff.
assert_same_snapshot() {
	if [[ "$1" != "$2" ]]; then
		diff -u <(echo "$1") <(echo "$2") | sed 's/^/# /' >&2
		die "namespace state differs from before (diff above: - before, + after)"
	fi
}

# state files netd keeps for containers
state_file() {
	echo "$CFG/netd/containers/$1.json"
}

assert_no_state_files() {
	local left
	left=$(find "$CFG" -path "$CFG/netd/containers/*" -type f 2>/dev/null || true)
	[[ -z $left ]] || die "state files left behind:" "$left"
}

# ping_ok NS ADDR: one ping must get through (IPv6 when ADDR has a colon).
ping_ok() {
	local fam=-4
	[[ $2 == *:* ]] && fam=-6
	ip netns exec "$1" ping "$fam" -c 1 -W 2 "$2" >/dev/null 2>&1 ||
		ip netns exec "$1" ping "$fam" -c 2 -W 3 "$2" >&2 ||
		die "ping $2 from $1 failed"
}

# cni_leases RUNDIR NETWORK: CNI's leases on NETWORK, as the container records
# in RUNDIR/netd/containers hold them (records whose lease is CNI's, in
# container id order): [{containerID, ifname, ips, state}], state "ready"
# when the record has the network's link (its setup finished), else "adding".
cni_leases() {
	local f
	for f in "$1"/netd/containers/*.json; do
		[[ -f $f ]] && cat "$f"
	done | jq -cs --arg n "$2" '[.[] | select(.lease.owner == "cni" and (.request.networks | has($n)))
		| {containerID: .container_id, ifname: .request.networks[$n].interface_name,
		   ips: (.request.networks[$n].static_ips // []),
		   state: (if (.links | has($n)) then "ready" else "adding" end)}] | sort_by(.containerID)'
}
