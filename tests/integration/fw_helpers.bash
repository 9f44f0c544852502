# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Helpers for firewall.bats: netd's nftables driver tested with real traffic
# (bats >= 1.5, root). Loads helpers.bash for the shared assertions and the
# namespace clean-up; its own setup/teardown (defined below) replace those.
#
# Every test gets its own namespaces, named after a prefix unique per bats
# process and test number ("nfw<pid>t<n>"):
#   $HOST  plays the host: `lo` up, netd runs inside it (so its nftables
#          table `inet netd` lives there), bridges and host veths live there;
#   $OUT   an "outside" host, connected to $HOST by a veth pair:
#            $HOST up0  203.0.113.1/24  2001:db8:99::1/64
#            $OUT  eth0 203.0.113.2/24  2001:db8:99::2/64
#          each namespace's default route points at the other one (netd needs
#          a default route for its MTU lookup, masquerade needs an egress);
#   containers, created with `mkctr C1 C2 ...` ($C1 = "<prefix>c1", ...).
# teardown() stops the background processes the test started and deletes
# every namespace with the prefix. Nothing here touches the root namespace.
#
# Environment: NETD (path to the binary, default $REPO/build/netd/netd).

bats_require_minimum_version 1.5.0

load helpers

REPO=${REPO:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
NETD=${NETD:-$REPO/build/netd/netd}
# The tests choose the firewall driver and DNS port themselves.
unset NETAVARK_FW NETAVARK_DNS_PORT

HOST4=203.0.113.1
OUT4=203.0.113.2
HOST6=2001:db8:99::1
OUT6=2001:db8:99::2

# ---------------------------------------------------------------------------
# setup / teardown

NS_CREATED=()
BG_PIDS=()

ns_new() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || { echo "# ip netns add $ns failed" >&3; return 1; }
		NS_CREATED+=("$ns")
	done
}

# mkctr VAR...: create a container namespace "<prefix><var in lower case>"
# for each VAR and store its name in $VAR.
mkctr() {
	local v
	for v in "$@"; do
		printf -v "$v" '%s' "${PFX}${v,,}"
		ns_new "${!v}"
	done
}

setup() {
	if [[ $EUID -ne 0 ]]; then
		skip "needs root (network namespaces, nftables)"
	fi
	if [[ ! -x $NETD ]]; then
		echo "netd binary not found at $NETD (build it or set NETD)" >&2
		return 1
	fi
	PFX="nfw$$t${BATS_TEST_NUMBER}"
	HOST="${PFX}h"
	OUT="${PFX}o"
	CFG="$BATS_TEST_TMPDIR/config"
	mkdir -p "$CFG"
	NS_CREATED=()
	BG_PIDS=()
	ns_new "$HOST" "$OUT"
	ip -n "$HOST" link set lo up
	ip -n "$OUT" link set lo up
	ip -n "$HOST" link add up0 type veth peer name eth0 netns "$OUT"
	# no DAD on the link-local addresses either: nothing should be waiting
	# for it when a "must not get through" check runs
	ip netns exec "$HOST" sh -c 'echo 0 >/proc/sys/net/ipv6/conf/up0/accept_dad'
	ip netns exec "$OUT" sh -c 'echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad'
	ip -n "$HOST" addr add "$HOST4/24" dev up0
	ip -n "$HOST" addr add "$HOST6/64" dev up0 nodad
	ip -n "$OUT" addr add "$OUT4/24" dev eth0
	ip -n "$OUT" addr add "$OUT6/64" dev eth0 nodad
	ip -n "$HOST" link set up0 up
	ip -n "$OUT" link set eth0 up
	ip -n "$HOST" route add default via "$OUT4"
	ip -n "$HOST" -6 route add default via "$OUT6"
	ip -n "$OUT" route add default via "$HOST4"
	ip -n "$OUT" -6 route add default via "$HOST6"
	# The kernel activates a link's queue (and reports it UP) only when its
	# link watch runs, up to a second later; packets sent before are lost.
	wait_oper_up "$HOST" up0
	wait_oper_up "$OUT" eth0
}

# wait_oper_up NS IFNAME: until the link's operstate is UP (max ~3 s).
wait_oper_up() {
	local i
	for ((i = 0; i < 60; i++)); do
		[[ $(ip -n "$1" -j link show dev "$2" | jq -r '.[0].operstate') == UP ]] && return 0
		sleep 0.05
	done
	die "link $2 in $1 does not come up"
}

teardown() {
	local i
	for i in "${BG_PIDS[@]}"; do
		kill "$i" 2>/dev/null || true
	done
	for i in "${BG_PIDS[@]}"; do
		wait "$i" 2>/dev/null || true
	done
	ns_cleanup
}

# ---------------------------------------------------------------------------
# assertions

# die, show_run, assert_eq: from helpers.bash.

assert_contains() {
	if [[ "$1" != *"$2"* ]]; then
		die "${3:-value}: '$1' does not contain '$2'"
	fi
}

assert_not_contains() {
	if [[ "$1" == *"$2"* ]]; then
		die "${3:-value}: '$1' contains '$2'"
	fi
}

# assert_same_text BEFORE AFTER WHAT: byte-identical, else print a diff.
assert_same_text() {
	if [[ "$1" != "$2" ]]; then
		diff -u <(printf '%s\n' "$1") <(printf '%s\n' "$2") | sed 's/^/# /' >&2
		die "$3 differs (diff above: - expected, + actual)"
	fi
}

# say TEXT...: print to the bats output (shown also for passing tests).
say() {
	printf '%s\n' "$@" | sed 's/^/# /' >&3
}

# ---------------------------------------------------------------------------
# netd (always inside $HOST)

# nd [VAR=VAL...] ARGS...: `run` netd in $HOST with --config $CFG; stdin is
# passed on. Result in $status, $output (stdout) and $stderr. No DNS server
# is started for dns_enabled networks (the tests listen on the gateways
# themselves): --aardvark-binary names a file that does not exist.
nd() {
	local envs=()
	while [[ $# -gt 0 && $1 == [A-Z_]*=* ]]; do
		envs+=("$1")
		shift
	done
	run --separate-stderr env "${envs[@]}" ip netns exec "$HOST" "$NETD" --config "$CFG" \
		--aardvark-binary "$BATS_TEST_TMPDIR/no-dns-server" "$@"
}

# fw_setup CTR_NS JSON [VAR=VAL...]: setup with the nftables driver must succeed.
fw_setup() {
	local ns=$1 json=$2
	shift 2
	nd "$@" --firewall-driver nftables setup "/run/netns/$ns" <<<"$json"
	if [[ $status -ne 0 ]]; then
		show_run
		die "netd setup for $ns failed"
		return 1
	fi
	# let the kernel finish bringing the new links up (see setup())
	local ifname
	for ifname in $(ip -n "$ns" -j link show | jq -r '.[] | select(.ifname != "lo") | .ifname'); do
		wait_oper_up "$ns" "$ifname"
	done
}

fw_teardown() {
	local ns=$1 json=$2
	shift 2
	nd "$@" --firewall-driver nftables teardown "/run/netns/$ns" <<<"$json"
	if [[ $status -ne 0 ]]; then
		show_run
		die "netd teardown for $ns failed"
		return 1
	fi
}

fw_reload() {
	nd "$@" --firewall-driver nftables firewall-reload </dev/null
	if [[ $status -ne 0 ]]; then
		show_run
		die "netd firewall-reload failed"
		return 1
	fi
}

# nft in the host namespace
hnft() {
	ip netns exec "$HOST" nft "$@"
}

ruleset() {
	ip netns exec "$HOST" nft list ruleset
}

has_netd_table() {
	ip netns exec "$HOST" nft list table inet netd >/dev/null 2>&1
}

# ---------------------------------------------------------------------------
# request JSON

# fw_net NAME BRIDGE SUBNET... → a bridge Network object (gateway = first host
# address). Adjust it with jq afterwards or with net_opt.
fw_net() {
	local name=$1 br=$2 cidr gw base subnets='[]' v6=false id a b c d
	shift 2
	id=$(printf '%s' "$name" | sha256sum | cut -c1-64)
	for cidr in "$@"; do
		base=${cidr%/*}
		if [[ $base == *:* ]]; then
			gw="${base}1"
			v6=true
		else
			IFS=. read -r a b c d <<<"$base"
			gw="$a.$b.$c.$((d + 1))"
		fi
		subnets=$(jq -c --arg s "$cidr" --arg g "$gw" '. + [{subnet: $s, gateway: $g}]' <<<"$subnets")
	done
	jq -nc --arg n "$name" --arg id "$id" --arg br "$br" --argjson subnets "$subnets" \
		--argjson v6 "$v6" '{
		name: $n, id: $id, driver: "bridge", network_interface: $br,
		subnets: $subnets, ipv6_enabled: $v6, internal: false, dns_enabled: false,
		ipam_options: {driver: "host-local"}
	}'
}

# net_opt NETJSON KEY VALUE → the network with options[KEY] = VALUE.
net_opt() {
	jq -c --arg k "$2" --arg v "$3" '.options[$k] = $v' <<<"$1"
}

# fw_att NETNAME IFNAME IP... → per-network options (with "name").
fw_att() {
	local name=$1 ifname=$2
	shift 2
	jq -nc --arg n "$name" --arg i "$ifname" '{name: $n, interface_name: $i,
		static_ips: $ARGS.positional}' --args "$@"
}

# pm HOST_IP HOST_PORT CONTAINER_PORT RANGE PROTO → one port mapping.
pm() {
	jq -nc --arg hip "$1" --argjson hp "$2" --argjson cp "$3" --argjson r "$4" --arg p "$5" \
		'{host_ip: $hip, container_port: $cp, host_port: $hp, range: $r, protocol: $p}'
}

# fw_req CID PORTS_JSON_ARRAY NET ATT [NET ATT]... → a setup/teardown request.
fw_req() {
	local cid ports nets='[]' atts='[]'
	cid=$(printf '%064x' "$1")
	ports=$2
	shift 2
	while (($# >= 2)); do
		nets=$(jq -c --argjson n "$1" '. + [$n]' <<<"$nets")
		atts=$(jq -c --argjson a "$2" '. + [$a]' <<<"$atts")
		shift 2
	done
	jq -nc --arg cid "$cid" --argjson nets "$nets" --argjson atts "$atts" \
		--argjson ports "$ports" '{
		container_id: $cid,
		container_name: ("name-" + $cid[56:]),
		networks: (reduce $atts[] as $a ({}; .[$a.name] = ($a | del(.name)))),
		network_info: (reduce $nets[] as $n ({}; .[$n.name] = $n)),
		port_mappings: $ports
	}'
}

state_file() {
	printf '%s/netd/containers/%064x.json' "$CFG" "$1"
}

# ---------------------------------------------------------------------------
# traffic

# peer ADDR: an address the way socat's $SOCAT_PEERADDR shows it (IPv6 fully
# expanded, in brackets).
peer() {
	local a=$1 head tail g out=
	local -a h=() t=() all=()
	if [[ $a != *:* ]]; then
		echo "$a"
		return
	fi
	if [[ $a == *::* ]]; then head=${a%%::*}; tail=${a#*::}; else head=$a; tail=; fi
	[[ -n $head ]] && IFS=: read -ra h <<<"$head"
	[[ -n $tail ]] && IFS=: read -ra t <<<"$tail"
	all=("${h[@]}")
	for ((g = ${#h[@]} + ${#t[@]}; g < 8; g++)); do all+=(0); done
	all+=("${t[@]}")
	for g in "${all[@]}"; do out+=$(printf '%04x:' "0x$g"); done
	echo "[${out%:}]"
}

# bg NS CMD...: run CMD inside NS in the background, output to a log file;
# teardown() stops it. The pid is in $BG_PID.
bg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" >>"$BATS_TEST_TMPDIR/bg.log" 2>&1 3>&- </dev/null &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# wait_listen NS tcp|udp 4|6 PORT: until a socket listens there (max ~3 s).
wait_listen() {
	local ns=$1 proto=$2 fam=$3 port=$4 i flag=-t
	[[ $proto == udp ]] && flag=-u
	for ((i = 0; i < 60; i++)); do
		if [[ -n $(ip netns exec "$ns" ss -H -"$fam" -ln "$flag" "sport = :$port") ]]; then
			return 0
		fi
		sleep 0.05
	done
	die "nothing listens on $proto/$port (IPv$fam) in $ns"
}

# serve NS tcp|udp 4|6 PORT TAG [BIND_ADDR]: a server answering every TCP
# connection / UDP datagram with one line "TAG <peer address>". TAG must not
# contain ':' or ',' (socat's address syntax).
serve() {
	local ns=$1 proto=$2 fam=$3 port=$4 tag=$5 bind=${6:-} addr opts cmd
	opts="reuseaddr,fork"
	[[ $fam == 6 ]] && opts+=",ipv6only=1"
	if [[ -n $bind && $fam == 6 ]]; then opts+=",bind=[$bind]"; elif [[ -n $bind ]]; then opts+=",bind=$bind"; fi
	if [[ $proto == tcp ]]; then
		addr="TCP$fam-LISTEN:$port,$opts"
		cmd="echo $tag \$SOCAT_PEERADDR"
	else
		addr="UDP$fam-RECVFROM:$port,$opts"
		# read the datagram first: were the answer out and the shell gone
		# before socat hands the datagram over, socat would die of EPIPE
		# before sending the answer
		cmd="read -r x; echo $tag \$SOCAT_PEERADDR"
	fi
	bg "$ns" socat "$addr" SYSTEM:"$cmd"
	wait_listen "$ns" "$proto" "$fam" "$port"
}

# tcp_get NS ADDR PORT [CONNECT_TIMEOUT]: connect and print what the server
# sends (fails on timeout).
tcp_get() {
	local ns=$1 addr=$2 port=$3 wait=${4:-2} a
	if [[ $addr == *:* ]]; then a="TCP6:[$addr]:$port"; else a="TCP4:$addr:$port"; fi
	timeout $((wait + 1)) ip netns exec "$ns" socat -u "$a,connect-timeout=$wait" STDOUT 2>/dev/null
}

# udp_get NS ADDR PORT [WAIT]: send one datagram, print the first line of the
# answer; fails if none comes within WAIT s. Returns as soon as the answer is
# there (the client, which waits for more, ends on its own after WAIT s).
udp_get() {
	local ns=$1 addr=$2 port=$3 wait=${4:-1} a fd line rc=1
	if [[ $addr == *:* ]]; then a="UDP6:[$addr]:$port"; else a="UDP4:$addr:$port"; fi
	exec {fd}< <(echo probe | timeout $((${wait%.*} + 2)) \
		ip netns exec "$ns" socat -t "$wait" - "$a" 2>/dev/null 3>&-)
	if read -r -t "$wait" -u "$fd" line; then
		echo "$line"
		rc=0
	fi
	exec {fd}<&-
	return $rc
}

# expect_tcp NS ADDR PORT EXPECTED: what the server answers, retried once.
expect_tcp() {
	local got
	got=$(tcp_get "$1" "$2" "$3") || got=$(tcp_get "$1" "$2" "$3") || true
	assert_eq "$got" "$4" "tcp from $1 to $2 port $3"
}

# expect_no_tcp NS ADDR PORT: the connection gets no answer.
expect_no_tcp() {
	local got
	got=$(tcp_get "$1" "$2" "$3" 1) || true
	assert_eq "$got" "" "tcp from $1 to $2 port $3 (must not get through)"
}

expect_udp() {
	local got
	got=$(udp_get "$1" "$2" "$3") || got=$(udp_get "$1" "$2" "$3" 2) || true
	assert_eq "$got" "$4" "udp from $1 to $2 port $3"
}

expect_no_udp() {
	local got
	got=$(udp_get "$1" "$2" "$3" 1) || true
	assert_eq "$got" "" "udp from $1 to $2 port $3 (must not get through)"
}

# pings NS ADDR: 0 if a ping gets an answer (1 s, retried once).
pings() {
	local fam=-4
	[[ $2 == *:* ]] && fam=-6
	ip netns exec "$1" ping "$fam" -c 1 -W 1 "$2" >/dev/null 2>&1 ||
		ip netns exec "$1" ping "$fam" -c 1 -W 1 "$2" >/dev/null 2>&1
}

ping_ok() {
	pings "$1" "$2" || die "ping $2 from $1 failed"
}

ping_fails() {
	local fam=-4
	[[ $2 == *:* ]] && fam=-6
	if ip netns exec "$1" ping "$fam" -c 1 -W 1 "$2" >/dev/null 2>&1; then
		die "ping $2 from $1 got through, it must not"
	fi
}

# ping_fails_all "NS ADDR"...: none of these pings gets an answer (run at once).
ping_fails_all() {
	local pair ns addr fam bad=() i=0
	local -a pids=()
	for pair in "$@"; do
		read -r ns addr <<<"$pair"
		fam=-4
		[[ $addr == *:* ]] && fam=-6
		ip netns exec "$ns" ping "$fam" -c 1 -W 1 "$addr" >/dev/null 2>&1 3>&- &
		pids+=($!)
	done
	for pair in "$@"; do
		if wait "${pids[i]}"; then bad+=("ping $pair got through, it must not"); fi
		i=$((i + 1))
	done
	((${#bad[@]} == 0)) || die "${bad[@]}"
}
