#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# netd for administrators: netd network create|ls|inspect|rm, attach, detach,
# status (table, JSON, DOT) and check [--repair], in throwaway namespaces.
# Needs root.
#
# Namespaces of one test (prefix "nad<bats pid>t<test number>"):
#   $HOST        plays the host: every netd (and netd-dns) runs inside it, so
#                bridges, host veths and the nftables table `inet netd` live there
#   $C1 $C2 $C3  namespaces to attach (more with ns_add)
# Files: the network directory $NETS and the config directory $CFG, both
# under $BATS_TEST_TMPDIR.
#
# DNS safety: netd-dns runs only when a test asks for it (DNSBIN), inside
# $HOST, under a private mount namespace whose /etc/resolv.conf is $RESOLV
# (a TEST-NET address $HOST has no route to), and with AARDVARK_NO_PROXY set,
# so it never forwards a query anywhere. Otherwise netd gets -a <missing
# path> and runs no DNS server at all.
#
# Environment: NETD (default $REPO/build/netd/netd), NETD_DNS (default:
# netd-dns of the same build).

load helpers

NETD_DNS=${NETD_DNS:-$(cd "$(dirname "$NETD")/.." && pwd)/dns/netd-dns}
unset NETAVARK_FW NETAVARK_DNS_PORT NETD_NETWORK_DIR NETD_LOG RUST_LOG

setup() {
	if [[ $EUID -ne 0 ]]; then
		skip "needs root (network namespaces, nftables)"
	fi
	if [[ ! -x $NETD ]]; then
		echo "netd binary not found at $NETD (build it or set NETD)" >&2
		return 1
	fi
	PFX="nad$$t${BATS_TEST_NUMBER}"
	HOST="${PFX}h"
	C1="${PFX}c1"
	C2="${PFX}c2"
	C3="${PFX}c3"
	CFG="$BATS_TEST_TMPDIR/config"
	NETS="$BATS_TEST_TMPDIR/networks"
	RESOLV="$BATS_TEST_TMPDIR/resolv.conf"
	FW=nftables
	DNSBIN="$BATS_TEST_TMPDIR/no-dns-server"
	NS_CREATED=()
	BG_PIDS=()
	printf 'nameserver 192.0.2.99\n' >"$RESOLV"
	ns_add "$HOST" "$C1" "$C2" "$C3"
	local ns
	for ns in "$HOST" "$C1" "$C2" "$C3"; do
		ip -n "$ns" link set lo up
	done
}

teardown() {
	local i ns pid cmd
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	# a netd-dns this test's netd started (its command line names our config)
	if [[ -n ${CFG:-} && -f $CFG/aardvark-dns/aardvark.pid ]]; then
		pid=$(cat "$CFG/aardvark-dns/aardvark.pid" 2>/dev/null || true)
		cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
		if [[ $pid =~ ^[0-9]+$ && $cmd == *"$CFG/aardvark-dns"* ]]; then
			kill "$pid" 2>/dev/null || true
		fi
	fi
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

# ---------------------------------------------------------------------------
# running netd

# in_host CMD...: CMD in $HOST under a private mount namespace with $RESOLV
# as /etc/resolv.conf (CMD never runs if the bind mount fails).
in_host() {
	# shellcheck disable=SC2016 # expanded by sh -c
	ip netns exec "$HOST" unshare -m --propagation private sh -c \
		'mount --bind "$0" /etc/resolv.conf || exit 99; exec "$@"' "$RESOLV" "$@"
}

# nd ARGS...: `run` netd in $HOST (network directory from NETD_NETWORK_DIR).
nd() {
	run --separate-stderr in_host env NETD_NETWORK_DIR="$NETS" AARDVARK_NO_PROXY=1 \
		"$NETD" --config "$CFG" --firewall-driver "$FW" -a "$DNSBIN" "$@"
}

# nd_ok ARGS...: netd must succeed.
nd_ok() {
	nd "$@"
	if [[ $status -ne 0 ]]; then
		show_run
		die "netd $* failed"
		return 1
	fi
}

# assert_admin_error WANT...: the last `run` failed as an admin command fails:
# exit 1, nothing on stdout, one line "netd COMMAND: MESSAGE" on stderr (besides
# log lines "[level netd] ...") that contains every WANT; the message in $ERRMSG.
assert_admin_error() {
	local s line
	assert_status 1
	line=$(grep -v '^\[[a-z]* *netd\] ' <<<"$stderr" || true)
	if [[ -n $output || $(printf '%s\n' "$line" | wc -l) -ne 1 || $line != "netd "*": "* ]]; then
		show_run
		die "not one line 'netd COMMAND: MESSAGE' on stderr (and nothing on stdout)"
	fi
	ERRMSG=${line#netd *: }
	for s in "$@"; do
		assert_contains "$line" "$s" "error message"
	done
}

# nd_err ARGS...: netd must fail with one error line on stderr (exit 1); message in $ERRMSG.
nd_err() {
	local want=()
	while [[ $1 != -- ]]; do
		want+=("$1")
		shift
	done
	shift
	nd "$@"
	assert_admin_error "${want[@]}"
}

# nd_usage ARGS...: netd must refuse the command line (exit 2, text on stderr).
nd_usage() {
	nd "$@"
	assert_status 2
	[[ -z $output ]] || { show_run; die "usage error printed on stdout"; }
	[[ -n $stderr ]] || die "usage error without a message"
}

hnft() {
	ip netns exec "$HOST" nft "$@"
}

# admin_ping_fails NS ADDR: no answer (one ping, 1 s).
admin_ping_fails() {
	if ip netns exec "$1" ping -4 -c 1 -W 1 "$2" >/dev/null 2>&1; then
		die "ping $2 from $1 got through, it must not"
	fi
}

# ipv4_of NS IFNAME → its global IPv4 address (no prefix length).
ipv4_of() {
	ip -n "$1" -j -4 addr show dev "$2" | jq -r '.[0].addr_info[] | select(.scope == "global") | .local'
}

mac_of() {
	link_get "$1" "$2" .address
}

# att_field NS NETWORK JQ → a field of the attachment in `status --json`.
att_field() {
	in_host env NETD_NETWORK_DIR="$NETS" "$NETD" --config "$CFG" --firewall-driver "$FW" \
		-a "$DNSBIN" status --json |
		jq -r --arg ns "$1" --arg n "$2" ".attachments[] | select(.name == \$ns and .network == \$n) | $3"
}

# admin_records → the container records admin holds (lease owner "admin"), one JSON array.
admin_records() {
	local files=("$CFG"/netd/containers/*.json)
	if [[ ! -e ${files[0]} ]]; then
		echo '[]'
		return
	fi
	jq -s '[.[] | select(.lease.owner == "admin")]' "${files[@]}"
}

records() {
	admin_records | jq length
}

# att_id NS → the container id of the attachment of namespace NS (in /run/netns).
att_id() {
	admin_records | jq -r --arg ns "/run/netns/$1" '.[] | select(.netns == $ns) | .container_id'
}

# serve NS PORT TEXT: a TCP server in NS answering every connection with TEXT.
serve() {
	ip netns exec "$1" socat TCP-LISTEN:"$2",reuseaddr,fork SYSTEM:"echo $3" </dev/null >/dev/null 2>&1 3>&- &
	BG_PIDS+=("$!")
	local n
	for ((n = 0; n < 50; n++)); do
		ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	die "no server on port $2 in $1"
}

# ---------------------------------------------------------------------------
# network create, ls, inspect

@test "network create: automatic subnet and bridge, stored as the Network JSON; ls, inspect" {
	nd_ok network create alpha
	assert_eq "$output" alpha "create prints the name"
	nd_ok network create beta
	[[ -f $NETS/alpha.json && -f $NETS/beta.json ]] || die "network files missing"

	local a
	a=$(cat "$NETS/alpha.json")
	assert_eq "$(jq -r .subnets[0].subnet <<<"$a")" 10.89.0.0/24 "first automatic subnet"
	assert_eq "$(jq -r .subnets[0].gateway <<<"$a")" 10.89.0.1 gateway
	assert_eq "$(jq -r .network_interface <<<"$a")" netd0 bridge
	assert_eq "$(jq -r '.driver, .dns_enabled, .internal, .ipv6_enabled, .ipam_options.driver' <<<"$a" | tr '\n' ' ')" \
		"bridge true false false host-local " "defaults"
	assert_match "$(jq -r .id <<<"$a")" '^[0-9a-f]{64}$' id
	assert_match "$(jq -r .created <<<"$a")" '^20[0-9-]+T' created
	assert_eq "$(jq -r '.subnets[0].subnet + " " + .network_interface' "$NETS/beta.json")" \
		"10.89.1.0/24 netd1" "second network avoids the first's subnet and bridge"

	nd_ok network inspect alpha
	assert_eq "$(jq -S . <<<"$output")" "$(jq -S . "$NETS/alpha.json")" "inspect = the stored file"
	nd_ok network ls
	assert_match "$(sed -n 1p <<<"$output")" '^NAME +BRIDGE +SUBNETS +DNS +INTERNAL +ISOLATE +ATTACHED$' header
	assert_match "$(grep '^alpha ' <<<"$output")" '^alpha +netd0 +10\.89\.0\.0/24 +yes +no +strict +0$' "alpha row"
	nd_ok network ls --json
	assert_eq "$(jq -r '[.[].name] | join(",")' <<<"$output")" alpha,beta "ls --json"
	nd_ok network list
	# a netd create of the same partial definition gives the same shape
	assert_eq "$(jq -c '{driver, ipam_options}' <<<"$a")" \
		"$("$NETD" create <<<'{"network":{"name":"x"}}' | jq -c '{driver, ipam_options}')" "same as netd create"
	# a netd that only reads: ls and inspect do not need the config directory
	[[ ! -e $CFG/netd/containers && ! -e $CFG/netd/attachments.json ]] || die "ls wrote state"
}

@test "network create: every option" {
	nd_ok network create full --subnet 10.60.0.0/24 --subnet fd60::/64 --gateway 10.60.0.254 \
		--ip-range 10.60.0.100-10.60.0.110 --ip-range fd60::1000/120 --internal --isolate true \
		--disable-dns --mtu 1400 --bridge br-full --label team=net --label env=test
	local j
	j=$(cat "$NETS/full.json")
	assert_eq "$(jq -c '[.subnets[] | {subnet, gateway, lease_range}]' <<<"$j")" \
		'[{"subnet":"10.60.0.0/24","gateway":"10.60.0.254","lease_range":{"start_ip":"10.60.0.100","end_ip":"10.60.0.110"}},{"subnet":"fd60::/64","gateway":null,"lease_range":{"start_ip":"fd60::1000","end_ip":"fd60::10ff"}}]' \
		subnets
	assert_eq "$(jq -c '[.internal, .dns_enabled, .ipv6_enabled, .network_interface, .options, .labels]' <<<"$j")" \
		'[true,false,true,"br-full",{"isolate":"true","mtu":"1400"},{"team":"net","env":"test"}]' options

	nd_ok network create six --ipv6
	assert_eq "$(jq -r '.subnets | length' "$NETS/six.json")" 2 "IPv4 and a ULA /64"
	assert_match "$(jq -r '.subnets[1].subnet' "$NETS/six.json")" '^fd[0-9a-f]{2}:.*::/64$' ULA
	assert_eq "$(jq -r '.subnets[0].subnet' "$NETS/six.json")" 10.89.0.0/24 "IPv4 from the pool"
	nd_ok network create v6only --subnet fd61::/64
	assert_eq "$(jq -c '[.subnets[].subnet, .ipv6_enabled]' "$NETS/v6only.json")" '["fd61::/64",true]' "v6 only"

	# the range is honoured by the allocation
	nd_ok network create ranged --subnet 10.61.0.0/24 --ip-range 10.61.0.200/30
	nd_ok attach "$C1" --network ranged
	assert_eq "$(ipv4_of "$C1" eth0)" 10.61.0.200 "first address of the range"
	nd_ok attach "$C2" --network ranged
	assert_eq "$(ipv4_of "$C2" eth0)" 10.61.0.201 "second address of the range"
	# and the internal, MTU 1400 network works as such
	nd_ok attach "$C3" --network full
	assert_eq "$(link_get "$C3" eth0 .mtu)" 1400 "MTU"
	assert_eq "$(ipv4_of "$C3" eth0)" 10.60.0.100 "from the range"
	assert_eq "$(default_routes "$C3" 4)" "[]" "no default route on an internal network"
}

@test "network create: duplicates and bad values refused precisely; usage errors exit 2" {
	nd_ok network create one --subnet 10.70.0.0/24 --bridge br-one
	nd_err 'network "one" already exists' -- network create one
	nd_err 'bridge "br-one" is already used by network "one"' -- network create two --bridge br-one
	nd_err 'subnet 10.70.0.128/25 overlaps subnet 10.70.0.0/24 of network "one"' -- \
		network create two --subnet 10.70.0.128/25
	nd_err 'subnet 10.0.0.0/8 overlaps subnet 10.70.0.0/24 of network "one"' -- \
		network create two --subnet 10.0.0.0/8
	nd_err '--subnet 10.71.0.1/24: host bits are set (the network is 10.71.0.0/24)' -- \
		network create two --subnet 10.71.0.1/24
	nd_err '--gateway 10.9.9.1: not inside any --subnet' -- \
		network create two --subnet 10.71.0.0/24 --gateway 10.9.9.1
	nd_err '--ip-range 10.71.1.0/28: not inside any --subnet' -- \
		network create two --subnet 10.71.0.0/24 --ip-range 10.71.1.0/28
	nd_err 'is not a valid MTU' -- network create two --mtu 12
	nd_err 'netd network create: "-bad" is not a valid network name: it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*' -- network create -- -bad
	nd_err '--bridge averyveryverylongname: an interface name that is longer than 15 characters' -- \
		network create two --bridge averyveryverylongname
	# nothing was written for the refused ones
	assert_eq "$(find "$NETS" -name '*.json' | wc -l)" 1 "network files"

	nd_usage network create
	nd_usage network create two --isolate maybe
	nd_usage network create two --label novalue
	nd_usage network create two --frobnicate
	nd_usage network create two --subnet
	nd_usage network create a b
	nd_usage network create two --ip-range 10.1.0.0/24
	nd_usage network frob
	nd_usage network
}

@test "--network-dir and NETD_NETWORK_DIR choose the network directory" {
	local other=$BATS_TEST_TMPDIR/other
	nd_ok network --network-dir "$other" create inother
	nd_ok network create inenv --network-dir="$other"
	[[ -f $other/inother.json && -f $other/inenv.json ]] || die "not in --network-dir"
	[[ ! -e $NETS/inother.json ]] || die "written to NETD_NETWORK_DIR despite --network-dir"
	nd_ok network create plain
	[[ -f $NETS/plain.json ]] || die "NETD_NETWORK_DIR ignored"
	nd_ok network ls --json
	assert_eq "$(jq -r '[.[].name] | join(",")' <<<"$output")" plain "ls of NETD_NETWORK_DIR"
	nd_ok network ls --json --network-dir "$other"
	assert_eq "$(jq -r '[.[].name] | join(",")' <<<"$output")" inenv,inother "ls of --network-dir"
	nd_ok attach "$C1" --network inother --network-dir "$other"
	nd_ok status --json --network-dir "$other"
	assert_eq "$(jq -r '.attachments[0].network' <<<"$output")" inother "status with --network-dir"
	nd_ok detach "$C1" --network-dir "$other"
}

# ---------------------------------------------------------------------------
# attach, detach

@test "attach and detach: links, addresses, routes, summary, JSON result, persisted" {
	local id id2 mac
	nd_ok network create blue --subnet 10.80.0.0/24 --subnet fd80::/64
	nd_ok attach "$C1" --network blue
	assert_contains "$output" "$C1 attached to network blue"
	assert_contains "$output" "address    10.80.0.2/24, gateway 10.80.0.1"
	assert_contains "$output" "address    fd80::2/64, gateway fd80::1"
	assert_contains "$output" "on bridge netd0"
	assert_addrs "$C1" eth0 10.80.0.2/24 fd80::2/64
	assert_link "$HOST" netd0
	assert_eq "$(default_routes "$C1" 4 | jq -r '.[0].gateway')" 10.80.0.1 "IPv4 default route"
	assert_eq "$(default_routes "$C1" 6 | jq -r '.[0].gateway')" fd80::1 "IPv6 default route"
	ping_ok "$C1" 10.80.0.1

	nd_ok attach "$C2" --network blue --json
	assert_schema netavark-setup-result.schema.json "$output"
	assert_eq "$(jq -r '.blue.interfaces.eth0.subnets | map(.ipnet) | join(" ")' <<<"$output")" \
		"10.80.0.3/24 fd80::3/64" "JSON result: addresses"
	mac=$(jq -r '.blue.interfaces.eth0.mac_address' <<<"$output")
	assert_eq "$mac" "$(mac_of "$C2" eth0)" "JSON result: MAC"
	assert_eq "$(jq -c '.blue.dns_search_domains' <<<"$output")" '["dns.podman"]' "DNS search domain"
	ping_ok "$C1" 10.80.0.3
	ping_ok "$C2" fd80::2

	# persisted: one container record per attachment, with the request setup got and admin's lease
	assert_eq "$(records)" 2 records
	id=$(att_id "$C1")
	assert_match "$id" '^[0-9a-f]{64}$' "container id"
	assert_eq "$(jq -r '[.lease.state, .request.container_name, .request.networks.blue.interface_name,
		(.request.networks.blue.static_ips | join(",")), .links.blue.interface] | join(" ")' \
		"$CFG/netd/containers/$id.json")" "ready $C1 eth0 10.80.0.2,fd80::2 eth0" "record"
	assert_eq "$(jq -r .lease.mac "$CFG/netd/containers/$id.json")" "$(mac_of "$C1" eth0)" "MAC in the lease"
	[[ ! -e $CFG/netd/attachments.json ]] || die "attachments.json written"
	# the requests attach built are netavark requests
	for id2 in $(admin_records | jq -r '.[].container_id'); do
		assert_schema netavark-request.schema.json "$(jq -c '.request' "$CFG/netd/containers/$id2.json")"
	done
	hnft list set inet netd br_all | grep -q '"netd0"' || die "netd0 not in the firewall"

	# a later invocation sees the same state
	nd_ok status --json
	assert_eq "$(jq -r '.attachments | map(.name + "=" + (.addresses | join(","))) | join(" ")' <<<"$output")" \
		"$C1=10.80.0.2/24,fd80::2/64 $C2=10.80.0.3/24,fd80::3/64" "status after restart"

	nd_ok detach "$C1"
	assert_eq "$output" "$C1 detached from network blue"
	assert_no_link "$C1" eth0
	assert_eq "$(records)" 1 "records after one detach"
	[[ ! -f $CFG/netd/containers/$id.json ]] || die "state record left"
	nd_ok detach "$C2" --network blue
	assert_no_link "$HOST" netd0
	assert_eq "$(records)" 0 "records after the last detach"
	run hnft list table inet netd
	[[ $status -ne 0 ]] || die "table inet netd left after the last detach"
	nd_err "namespace $C2 is not attached to any netd network" -- detach "$C2"
}

@test "attachments.json from before (both layouts) is moved into the container records and removed" {
	nd_ok network create old --subnet 10.84.0.0/24
	nd_ok attach "$C1" --network old --alias www --publish 8084:80 --mac 02:00:00:00:00:84
	nd_ok attach "$C2" --network old
	nd_ok attach "$C3" --network old
	nd_ok status --json
	local before id1 id2 id3 f
	before=$(jq -c '.attachments' <<<"$output")
	id1=$(att_id "$C1")
	id2=$(att_id "$C2")
	id3=$(att_id "$C3")
	# What an earlier netd kept: attach's choices ($C1, $C3), or the whole request ($C2,
	# the oldest layout); $C3's attach was interrupted before setup wrote its record.
	admin_records | jq --arg c2 "$id2" --arg c3 "$id3" '{version: 1, attachments: [.[] |
		(.request.networks | keys[0]) as $n | .request.networks[$n] as $a |
		{netns, network: $n, container_id,
		 state: (if .container_id == $c3 then "attaching" else "attached" end),
		 pid: (if .container_id == $c3 then 2147483647 else 0 end),
		 ns_dev: .lease.ns_dev, ns_ino: .lease.ns_ino, mac: .lease.mac} +
		(if .lease.ns_cookie then {ns_cookie: .lease.ns_cookie} else {} end) +
		(if .container_id == $c2 then {request} else
		 {name: .request.container_name, interface: $a.interface_name, addresses: $a.static_ips,
		  aliases: ($a.aliases // []), ports: (.request.port_mappings // [])} +
		 (if $a.static_mac then {static_mac: $a.static_mac} else {} end) end)]}' \
		>"$CFG/netd/attachments.json"
	for f in "$CFG"/netd/containers/*.json; do
		jq -c 'del(.lease)' "$f" >"$BATS_TEST_TMPDIR/r.json"
		mv "$BATS_TEST_TMPDIR/r.json" "$f"
	done
	rm -f "$CFG/netd/containers/$id3.json"
	assert_eq "$(jq -r '[.attachments[] | if has("request") then "request" else "choices" end] | sort | join(",")' \
		"$CFG/netd/attachments.json")" "choices,choices,request" "old layouts"
	assert_eq "$(records)" 0 "no lease before the move"

	nd_ok status --json
	[[ ! -e $CFG/netd/attachments.json ]] || die "attachments.json left after the move"
	assert_eq "$(records)" 3 "a record with a lease per attachment"
	assert_eq "$(jq -c --arg ns "$C3" '[.attachments[] | select(.name != $ns)]' <<<"$output")" \
		"$(jq -c --arg ns "$C3" '[.[] | select(.name != $ns)]' <<<"$before")" "status from the moved records"
	assert_eq "$(jq -r --arg ns "$C3" '.attachments[] | select(.name == $ns) | .state' <<<"$output")" \
		interrupted "the interrupted attach"
	assert_eq "$(jq -r '[.lease.state, .lease.mac, .request.networks.old.static_mac,
		(.request.networks.old.aliases | join(",")), (.request.port_mappings[0] | "\(.host_port):\(.container_port)")] |
		join(" ")' "$CFG/netd/containers/$id1.json")" "ready 02:00:00:00:00:84 02:00:00:00:00:84 www 8084:80" "$C1's record"
	assert_eq "$(jq -r '[.lease.state, .lease.pid, (.request.networks.old.static_ips | join(","))] | join(" ")' \
		"$CFG/netd/containers/$id3.json")" "pending 2147483647 10.84.0.4" "$C3's record, made from the choices"
	nd check
	assert_status 1
	assert_contains "$output" "$C3 on old: the attach was interrupted and never completed"
	# the allocation goes on from the records
	ns_add "${PFX}c4"
	nd_ok attach "${PFX}c4" --network old
	assert_addrs "${PFX}c4" eth0 10.84.0.5/24
	nd_ok detach "$C3"
	assert_no_link "$C3" eth0
	[[ ! -e $CFG/netd/containers/$id3.json ]] || die "record of the interrupted attach left"
	nd_ok detach "$C1"
	assert_no_link "$C1" eth0
	nd_ok detach "$C2"
	nd_ok detach "${PFX}c4"
	assert_eq "$(records)" 0 records
	[[ ! -e $CFG/netd/attachments.json ]] || die "attachments.json written again"
}

@test "a container record without an admin lease (an engine's) is no attachment: not listed, counted, detached or removed" {
	local id pod
	nd_ok network create shared --subnet 10.83.0.0/24
	nd_ok attach "$C1" --network shared
	id=$(att_id "$C1")
	pod=$(printf 'e%.0s' $(seq 64))
	# what setup of an engine's container in namespace $C2 would have written: no lease
	jq -c --arg pod "$pod" --arg ns "/run/netns/$C2" \
		'del(.lease) | .container_id = $pod | .request.container_id = $pod | .netns = $ns' \
		"$CFG/netd/containers/$id.json" >"$CFG/netd/containers/$pod.json"
	nd_ok status --json
	assert_eq "$(jq -r '[.attachments[].name] | join(",")' <<<"$output")" "$C1" "status lists admin's only"
	nd_ok network ls
	assert_match "$(grep '^shared ' <<<"$output")" ' 1$' "counted: admin's only"
	nd_err "namespace $C2 is not attached to any netd network" -- detach "$C2"
	nd_ok detach "$C1"
	nd_ok network rm shared
	[[ -f $CFG/netd/containers/$pod.json ]] || die "the engine's record was removed"
	assert_eq "$(jq -r '.container_id + " " + (has("lease") | tostring)' "$CFG/netd/containers/$pod.json")" \
		"$pod false" "the engine's record unchanged"
	rm -f "$CFG/netd/containers/$pod.json"
}

@test "attach options: --ip, --mac, --alias, --interface, --name, a path, ethN for a second network" {
	nd_ok network create blue --subnet 10.81.0.0/24
	nd_ok network create red --subnet 10.82.0.0/24 --subnet fd82::/64
	nd_ok network create green --subnet 10.83.0.0/24
	nd_ok attach "/run/netns/$C1" --network blue --ip 10.81.0.50 --mac 02:00:00:00:00:50 \
		--alias www --alias web2 --name webserver
	assert_addrs "$C1" eth0 10.81.0.50/24
	assert_eq "$(mac_of "$C1" eth0)" 02:00:00:00:00:50 MAC
	assert_contains "$output" "dns        webserver, www, web2"
	assert_eq "$(att_field "$C1" blue '.container_name + " " + (.dns_names | join(","))')" \
		"webserver webserver,www,web2" "names"
	# a second and third network: the next free ethN, or the name given
	nd_ok attach "$C1" --network red --ip fd82::99
	assert_addrs "$C1" eth1 10.82.0.2/24 fd82::99/64
	nd_ok attach "$C1" --network green --interface lan7
	assert_addrs "$C1" lan7 10.83.0.2/24
	# an interface somebody else made is skipped
	ip -n "$C2" link add eth0 type veth peer name other0
	nd_ok attach "$C2" --network blue
	assert_addrs "$C2" eth1 10.81.0.2/24
	nd_ok network create red2
	nd_err '--interface eth0: namespace' 'uses it for network "blue" already' -- \
		attach "$C1" --network red2 --interface eth0
	nd_err "namespace $C1 is already attached to network \"red\"" -- attach "$C1" --network red

	# detach one network only, then the rest
	nd_ok detach "$C1" --network red
	assert_no_link "$C1" eth1
	assert_link "$C1" eth0
	nd_ok detach "/run/netns/$C1"
	assert_eq "$(sort <<<"$output")" "$(printf '%s detached from network %s\n' "$C1" blue "$C1" green | sort)" \
		"detach of every network"
	assert_no_link "$C1" eth0
	assert_no_link "$C1" lan7
}

@test "a namespace given by /proc path is named pid<N>; it is the same namespace as its /run/netns name" {
	local pid
	nd_ok network create n5 --subnet 10.101.0.0/24
	ip netns exec "$C1" sleep 120 &
	pid=$!
	BG_PIDS+=("$pid")
	nd_ok attach "/proc/$pid/ns/net" --network n5
	assert_contains "$output" "/proc/$pid/ns/net attached to network n5"
	assert_contains "$output" "dns        pid$pid "
	assert_addrs "$C1" eth0 10.101.0.2/24
	nd_err "namespace $C1 is already attached to network \"n5\"" -- attach "$C1" --network n5
	nd_ok network create n6 --subnet 10.102.0.0/24
	nd_ok attach "$C1" --network n6
	assert_addrs "$C1" eth1 10.102.0.2/24
	nd_ok detach "$C1"
	assert_eq "$(sort <<<"$output")" "$(printf '%s detached from network %s\n' "$C1" n5 "$C1" n6 | sort)" detach
	assert_no_link "$C1" eth0
	assert_no_link "$C1" eth1
}

@test "allocation: one address per subnet until it is full, then a clear error; freed ones are reused" {
	local ns
	nd_ok network create small --subnet 10.77.0.0/29 --subnet fd77::/126
	# /29: .1 is the gateway, .2 to .6 for namespaces; /126: ::1 gateway, ::2 and ::3
	ns_add "${PFX}c4" "${PFX}c5" "${PFX}c6"
	nd_ok attach "$C1" --network small
	assert_addrs "$C1" eth0 10.77.0.2/29 fd77::2/126
	nd_ok attach "$C2" --network small
	assert_addrs "$C2" eth0 10.77.0.3/29 fd77::3/126
	nd_err 'network "small": no free IPv6 address left in fd77::/126' -- attach "$C3" --network small

	nd_ok network create v4 --subnet 10.78.0.0/29
	for ns in "$C1" "$C2" "$C3" "${PFX}c4" "${PFX}c5"; do
		nd_ok attach "$ns" --network v4
	done
	assert_eq "$(admin_records | jq -r '[.[] | select(.request.networks.v4)] | sort_by(.netns) |
		map(.request.networks.v4.static_ips[0]) | join(" ")')" \
		"10.78.0.2 10.78.0.3 10.78.0.4 10.78.0.5 10.78.0.6" "allocated in order"
	nd_err 'network "v4": no free IPv4 address left in 10.78.0.0/29' -- attach "${PFX}c6" --network v4
	# a failed attach changes nothing
	assert_no_link "${PFX}c6" eth0
	assert_eq "$(admin_records | jq '[.[] | select(.request.networks.v4)] | length')" 5 records

	nd_ok detach "$C3" --network v4
	nd_ok attach "${PFX}c6" --network v4
	assert_addrs "${PFX}c6" eth0 10.78.0.4/29

	# addresses asked for
	nd_err 'network "v4": address 10.78.0.2 is already used by' -- attach "$C3" --network v4 --ip 10.78.0.2
	nd_ok detach "${PFX}c5" --network v4
	nd_err '--ip 10.78.0.1 is the gateway' -- attach "$C3" --network v4 --ip 10.78.0.1
	nd_err '--ip 10.78.0.7 is the network or broadcast address' -- attach "$C3" --network v4 --ip 10.78.0.7
	nd_err '--ip 10.79.0.2: not inside any subnet of network "v4"' -- attach "$C3" --network v4 --ip 10.79.0.2
	nd_err '--ip nope: not an IP address' -- attach "$C3" --network v4 --ip nope
	nd_ok attach "$C3" --network v4 --ip 10.78.0.6
	assert_addrs "$C3" eth0 10.78.0.6/29
}

@test "concurrent attaches get distinct addresses (the lock)" {
	local i pids=() ns
	nd_ok network create busy --subnet 10.90.0.0/24
	for i in $(seq 1 10); do
		ns_add "${PFX}p$i"
	done
	for i in $(seq 1 10); do
		in_host env NETD_NETWORK_DIR="$NETS" "$NETD" --config "$CFG" --firewall-driver "$FW" \
			-a "$DNSBIN" attach "${PFX}p$i" --network busy --json \
			>"$BATS_TEST_TMPDIR/p$i.out" 2>"$BATS_TEST_TMPDIR/p$i.err" &
		pids+=("$!")
	done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || { cat "$BATS_TEST_TMPDIR/p$((i + 1)).out" "$BATS_TEST_TMPDIR/p$((i + 1)).err" >&2; die "attach $((i + 1)) failed"; }
	done
	assert_eq "$(for i in $(seq 1 10); do ipv4_of "${PFX}p$i" eth0; done | sort -u | wc -l)" 10 "distinct addresses"
	assert_eq "$(for i in $(seq 1 10); do ipv4_of "${PFX}p$i" eth0; done | sort -t. -k4 -n | tr '\n' ' ')" \
		"$(for i in $(seq 2 11); do printf '10.90.0.%s ' "$i"; done)" "the first ten addresses"
	assert_eq "$(records)" 10 records
	assert_eq "$(admin_records | jq -r '[.[].lease.state] | unique | join(",")')" ready states
	ping_ok "${PFX}p1" 10.90.0.11
	nd_ok check
	# and concurrent detaches
	pids=()
	for i in $(seq 1 10); do
		in_host env NETD_NETWORK_DIR="$NETS" "$NETD" --config "$CFG" --firewall-driver "$FW" \
			-a "$DNSBIN" detach "${PFX}p$i" >/dev/null 2>&1 &
		pids+=("$!")
	done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || die "detach $((i + 1)) failed"
	done
	assert_eq "$(records)" 0 records
	assert_no_link "$HOST" netd0
}

@test "--publish: forwarded host ports (localhost to the namespace), ranges, host IPs, UDP" {
	nd_ok network create pub --subnet 10.84.0.0/24 --isolate false
	serve "$C1" 80 from-c1
	nd_ok attach "$C1" --network pub --publish 8080:80 --publish 127.0.0.1:8081:80 \
		-p 9000-9002:7000-7002/udp --publish '[::1]:8082:80/tcp'
	assert_contains "$output" "publish    *:8080 -> 80/tcp"
	assert_contains "$output" "publish    127.0.0.1:8081 -> 80/tcp"
	assert_contains "$output" "publish    *:9000-9002 -> 7000-7002/udp"
	assert_contains "$output" "publish    [::1]:8082 -> 80/tcp"
	run ip netns exec "$HOST" socat -T 3 - TCP:127.0.0.1:8080
	assert_eq "$output" from-c1 "127.0.0.1:8080 → $C1:80"
	run ip netns exec "$HOST" socat -T 3 - TCP:127.0.0.1:8081
	assert_eq "$output" from-c1 "127.0.0.1:8081 → $C1:80"
	assert_contains "$(hnft list map inet netd pf4)" "udp . 9001 : 10.84.0.2 . 7001" "UDP range element"
	assert_eq "$(att_field "$C1" pub '[.ports[] | "\(.host_ip):\(.host_port)/\(.range)/\(.protocol)"] | join(" ")')" \
		":8080/1/tcp 127.0.0.1:8081/1/tcp :9000/3/udp ::1:8082/1/tcp" "status ports"
	nd_ok status
	assert_contains "$output" "8080->80/tcp,127.0.0.1:8081->80/tcp,9000-9002->7000-7002/udp,[::1]:8082->80/tcp"

	# the same host port for another namespace: the firewall refuses it, nothing is left behind
	nd_err "host port 8080/tcp" "is already forwarded to another container" -- \
		attach "$C2" --network pub --publish 8080:80
	assert_eq "$stderr" "netd attach: $ERRMSG" "stderr: the conflict is printed once, as the one error line"
	assert_no_link "$C2" eth0
	assert_eq "$(records)" 1 records

	nd_usage attach "$C2" --network pub --publish 80
	nd_usage attach "$C2" --network pub --publish 8080:80/icmp
	nd_usage attach "$C2" --network pub --publish 8080-8081:80
	nd_usage attach "$C2" --network pub --publish "[::1:8080:80"
	nd_usage attach "$C2" --network pub --publish x:8080:80
	nd_ok detach "$C1"
	run hnft list table inet netd
	[[ $status -ne 0 ]] || die "port elements left"
}

@test "network rm: refused while attached, --force detaches first" {
	nd_ok network create gone --subnet 10.85.0.0/24
	nd_ok network create stays --subnet 10.86.0.0/24
	nd_ok attach "$C1" --network gone
	nd_ok attach "$C2" --network gone
	nd_ok attach "$C3" --network stays
	nd_err 'network "gone" is in use: 2 namespaces are attached' "$C1" "$C2" 'or use --force' -- network rm gone
	[[ -f $NETS/gone.json ]] || die "network file removed anyway"
	assert_link "$C1" eth0
	nd_ok network rm gone --force
	assert_eq "$output" gone
	[[ ! -e $NETS/gone.json ]] || die "network file left"
	assert_no_link "$C1" eth0
	assert_no_link "$C2" eth0
	assert_no_link "$HOST" netd0
	assert_link "$C3" eth0
	assert_eq "$(admin_records | jq -r '[.[].request.networks | keys[]] | join(",")')" stays records
	nd_err 'network "gone" not found' -- network rm gone
	nd_err 'network "gone" not found' -- network inspect gone
	nd_err 'network "gone" not found' -- attach "$C1" --network gone
	nd_ok detach "$C3"
	nd_ok network rm stays
	nd_ok network ls --json
	assert_eq "$output" "[]" "no network left"
}

# ---------------------------------------------------------------------------
# DNS

@test "DNS without a DNS server binary: attach warns, status and check say it is not running" {
	nd_ok network create dnsnet --subnet 10.86.0.0/24
	nd_ok attach "$C1" --network dnsnet
	assert_eq "$stderr" "[warn  netd] network dnsnet has dns_enabled, but the DNS server $DNSBIN cannot be run (No such file or directory): container names on it are not resolved; install netd-dns beside netd or pass --aardvark-binary" "attach warning"
	assert_contains "$output" " (not served: no DNS server runs)" "attach summary"
	nd_ok status
	assert_match "$(grep '^dnsnet ' <<<"$output")" ' yes \(not running\) ' "status table"
	nd_ok status --json
	assert_eq "$(jq -c '.networks[] | select(.name == "dnsnet") | [.dns_enabled, .dns_running]' <<<"$output")" \
		'[true,false]' "status --json"
	nd_ok check
	assert_contains "$output" "note: DNS on dnsnet is not running: the DNS server $DNSBIN cannot be run (No such file or directory)" "check"
}

@test "DNS: names and aliases answered by netd-dns on the gateway, per network" {
	command -v dig >/dev/null || skip "dig is not installed"
	[[ -x $NETD_DNS ]] || skip "netd-dns not found at $NETD_DNS"
	DNSBIN=$NETD_DNS
	nd_ok network create dnsa --subnet 10.87.0.0/24
	nd_ok network create quiet --subnet 10.88.0.0/24 --disable-dns
	nd_ok attach "$C1" --network dnsa --name web --alias www
	nd_ok attach "$C2" --network dnsa
	nd_ok attach "$C3" --network quiet
	local id1
	id1=$(att_id "$C1")
	assert_eq "$(grep -c . "$CFG/aardvark-dns/dnsa")" 3 "header and two lines"
	assert_eq "$(grep "^$id1 " "$CFG/aardvark-dns/dnsa")" "$id1 10.87.0.2  web,www" "line of web"
	[[ ! -e $CFG/aardvark-dns/quiet ]] || die "DNS file for a network without DNS"
	assert_eq "$(ip netns exec "$C2" dig +short +time=2 +tries=2 @10.87.0.1 web)" 10.87.0.2 "web"
	assert_eq "$(ip netns exec "$C2" dig +short +time=2 +tries=2 @10.87.0.1 www.dns.podman)" 10.87.0.2 "www"
	assert_eq "$(ip netns exec "$C1" dig +short +time=2 +tries=2 @10.87.0.1 "$C2")" 10.87.0.3 "by namespace name"
	run ip netns exec "$C1" dig +time=2 +tries=1 @10.87.0.1 nonexistent.example.
	assert_contains "$output" "status: NXDOMAIN" "never forwarded"
	nd_ok status
	assert_match "$(grep "^$C1 " <<<"$output")" ' web,www +ok$' "DNS names in status"
	nd_ok detach "$C1"
	assert_eq "$(grep -c "^$id1 " "$CFG/aardvark-dns/dnsa")" 0 "line removed"
	nd_ok detach "$C2"
	[[ ! -e $CFG/aardvark-dns/dnsa ]] || die "DNS file left after the last detach"
}

# ---------------------------------------------------------------------------
# status

@test "status: table, JSON and DOT (validated by dot); may-talk from the isolate options" {
	command -v dot >/dev/null || skip "graphviz (dot) is not installed"
	nd_ok network create s-strict --subnet 10.91.0.0/24
	nd_ok network create s-true --subnet 10.92.0.0/24 --isolate true
	nd_ok network create s-false --subnet 10.93.0.0/24 --isolate false
	nd_ok network create s-false2 --subnet 10.94.0.0/24 --isolate false
	nd_ok network create s-int --subnet 10.95.0.0/24 --internal --isolate false
	nd_ok attach "$C1" --network s-true --publish 8080:80
	nd_ok attach "$C1" --network s-false
	nd_ok attach "$C2" --network s-strict
	nd_ok attach "$C3" --network s-int

	nd_ok status
	# DNS is enabled, but this test runs no DNS server ($DNSBIN does not exist)
	assert_match "$(grep '^s-true ' <<<"$output")" '^s-true +netd1 +up +10\.92\.0\.0/24 +yes \(not running\) +true +1$' "s-true row"
	assert_match "$(grep '^s-false2 ' <<<"$output")" '^s-false2 +netd3 +absent +10\.94\.0\.0/24 +yes \(not running\) +false +0$' "unused network"
	assert_match "$(grep "^$C1 .* s-true " <<<"$output")" "eth0 +10\.92\.0\.2/24 +veth[0-9a-f]{11} +8080->80/tcp +$C1 +ok$" "attachment row"
	assert_match "$(grep "^$C1 .* s-false " <<<"$output")" "eth1 +10\.93\.0\.2/24" "second attachment row"
	assert_contains "$output" "may talk to each other: s-false <-> s-false2, s-false <-> s-true, s-false2 <-> s-true"

	nd_ok status --json
	assert_eq "$(jq -c '.may_talk' <<<"$output")" '[["s-false","s-false2"],["s-false","s-true"],["s-false2","s-true"]]' may_talk
	assert_eq "$(jq -r '[.networks[] | "\(.name):\(.bridge_present):\(.attachments)"] | join(" ")' <<<"$output")" \
		"s-false:true:1 s-false2:false:0 s-int:true:1 s-strict:true:1 s-true:true:1" networks
	assert_eq "$(jq -r '[.attachments[] | .state] | unique | join(",")' <<<"$output")" ok states
	assert_eq "$(jq -r --arg ns "$C1" '.attachments[] | select(.name == $ns and .network == "s-true") |
		"\(.interface) \(.host_interface | test("^veth")) \(.mac_address | test(":")) \(.ports[0].host_port)"' <<<"$output")" \
		"eth0 true true 8080" "attachment"

	nd_ok status --dot
	local dotfile=$BATS_TEST_TMPDIR/t.dot
	printf '%s\n' "$output" >"$dotfile"
	dot -Tsvg "$dotfile" -o "$BATS_TEST_TMPDIR/t.svg" || die "dot rejected the graph"
	grep -q '<svg' "$BATS_TEST_TMPDIR/t.svg" || die "no SVG"
	assert_eq "$(grep -c 'label="may talk"' "$dotfile")" 3 "may-talk edges"
	assert_eq "$(grep -cE '^  "net:[^"]+" \[shape=box' "$dotfile")" 5 "network nodes"
	assert_eq "$(grep -cE '^  "ns:[0-9]+" \[' "$dotfile")" 3 "one node per namespace"
	assert_eq "$(grep -cE '^  "ns:[0-9]+" -- "net:' "$dotfile")" 4 "one edge per attachment"
	grep -q 'shape=cds.*:8080/tcp' "$dotfile" || die "published port missing"
	if grep -q '"net:s-int" -- outside' "$dotfile"; then die "internal network drawn with outside access"; fi
	grep -q '"net:s-true" -- outside' "$dotfile" || die "outside edge missing"

	# damage is drawn and listed
	ip -n "$HOST" link del "$(att_field "$C2" s-strict .host_interface)"
	nd_ok status --dot
	assert_contains "$output" "veth missing"
	printf '%s\n' "$output" | dot -Tsvg >/dev/null || die "dot rejected the damaged graph"
	nd_ok status
	assert_match "$(grep "^$C2 " <<<"$output")" 'veth missing$' "state column"
	nd_usage status --json --dot
	nd_usage status extra
}

# ---------------------------------------------------------------------------
# check

@test "check: a deleted veth, nft flush ruleset and a removed DNS line are reported; --repair fixes them" {
	command -v dig >/dev/null || skip "dig is not installed"
	[[ -x $NETD_DNS ]] || skip "netd-dns not found at $NETD_DNS"
	DNSBIN=$NETD_DNS
	local id2 mac1 veth1
	nd_ok network create web --subnet 10.96.0.0/24 --subnet fd96::/64 --isolate false
	nd_ok attach "$C1" --network web --publish 8080:80
	nd_ok attach "$C2" --network web --name db
	nd_ok check
	assert_eq "$output" "ok: 1 network, 2 attachments, all as recorded" "clean check"
	mac1=$(mac_of "$C1" eth0)
	veth1=$(att_field "$C1" web .host_interface)
	id2=$(att_id "$C2")

	# damage
	ip -n "$HOST" link del "$veth1"
	hnft flush ruleset
	sed -i "/^$id2 /d" "$CFG/aardvark-dns/web"

	nd check
	assert_status 1
	assert_contains "$output" "$C1 on web: host veth $veth1 is missing"
	assert_contains "$output" "$C1 on web: interface eth0 is missing in the namespace"
	assert_contains "$output" "nftables table inet netd is missing"
	assert_contains "$output" "$C2 on web: no DNS entry for db in $CFG/aardvark-dns/web"
	assert_match "$(tail -1 <<<"$output")" '^[0-9]+ problems found$' summary
	nd_ok status --json
	assert_eq "$(jq -r --arg ns "$C1" '.attachments[] | select(.name == $ns) | .state' <<<"$output")" \
		"veth missing" "status after the damage"

	nd_ok check --repair
	assert_contains "$output" "repair: setting $C1 up again on web"
	assert_contains "$output" "repair: firewall-reload"
	assert_contains "$output" "repair: DNS entries of $C2 on web"
	assert_eq "$(tail -2 <<<"$output")" "after repair:
ok: 1 network, 2 attachments, all as recorded" "after repair"
	assert_addrs "$C1" eth0 10.96.0.2/24 fd96::2/64
	assert_eq "$(mac_of "$C1" eth0)" "$mac1" "MAC kept"
	assert_eq "$(grep -c "^$id2 10.96.0.3 fd96::3 db$" "$CFG/aardvark-dns/web")" 1 "DNS line back"
	hnft list set inet netd br_all | grep -q '"netd0"' || die "firewall not restored"
	assert_contains "$(hnft list map inet netd pf4)" "tcp . 8080 : 10.96.0.2 . 80" "port element back"
	ping_ok "$C2" 10.96.0.2
	assert_eq "$(ip netns exec "$C1" dig +short +time=2 +tries=2 @10.96.0.1 db)" 10.96.0.3 "DNS answers again"
	nd_ok check
}

@test "check: a removed bridge, a lost gateway and a dead DNS server; a deleted namespace is reported, detach cleans up" {
	[[ -x $NETD_DNS ]] || skip "netd-dns not found at $NETD_DNS"
	DNSBIN=$NETD_DNS
	local pid
	nd_ok network create n1 --subnet 10.97.0.0/24
	nd_ok attach "$C1" --network n1
	nd_ok attach "$C2" --network n1

	ip -n "$HOST" link del netd0
	nd check
	assert_status 1
	assert_contains "$output" "network n1: bridge netd0 is missing"
	nd_ok check --repair
	assert_link "$HOST" netd0
	assert_eq "$(ports "$HOST" netd0 | jq length)" 2 "both veths on the new bridge"
	ping_ok "$C1" 10.97.0.3

	ip -n "$HOST" addr del 10.97.0.1/24 dev netd0
	ip -n "$HOST" link set netd0 down
	pid=$(cat "$CFG/aardvark-dns/aardvark.pid")
	kill "$pid"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	nd check
	assert_status 1
	assert_contains "$output" "network n1: bridge netd0 is down"
	assert_contains "$output" "network n1: bridge netd0 lacks gateway address 10.97.0.1/24"
	assert_contains "$output" "the DNS server ($NETD_DNS) for $CFG/aardvark-dns is not running"
	nd_ok check --repair
	ping_ok "$C2" 10.97.0.1
	kill -0 "$(cat "$CFG/aardvark-dns/aardvark.pid")" || die "DNS server not restarted"

	# a namespace deleted behind netd's back cannot be repaired
	ip netns del "$C2"
	nd check --repair
	assert_status 1
	assert_contains "$output" "$C2 on n1: namespace /run/netns/$C2 is gone; 'netd detach $C2' cleans up"
	assert_contains "$output" "1 problem left"
	nd_ok status --json
	assert_eq "$(jq -r --arg ns "$C2" '.attachments[] | select(.name == $ns) | .state' <<<"$output")" \
		"namespace gone" "status"
	nd_ok detach "$C2"
	assert_eq "$(ports "$HOST" netd0 | jq length)" 1 "host veth of the deleted namespace removed"
	nd_ok check
}

@test "failed and interrupted attaches: the reservation is released, or reported and repaired" {
	local id
	nd_ok network create n2 --subnet 10.98.0.0/24
	run --separate-stderr in_host env NETD_NETWORK_DIR="$NETS" NETD_TEST_FAIL_AFTER=firewall \
		"$NETD" --config "$CFG" --firewall-driver "$FW" -a "$DNSBIN" attach "$C1" --network n2
	assert_admin_error "injected failure after step firewall"
	assert_no_link "$C1" eth0
	assert_eq "$(records)" 0 "reservation released"
	nd_ok attach "$C1" --network n2
	assert_addrs "$C1" eth0 10.98.0.2/24

	# an attach that died half-way (a dead pid in the record)
	nd_ok attach "$C2" --network n2
	id=$(att_id "$C2")
	jq '.lease |= (.state = "pending" | .pid = 2147483647)' "$CFG/netd/containers/$id.json" >"$BATS_TEST_TMPDIR/r.json"
	mv "$BATS_TEST_TMPDIR/r.json" "$CFG/netd/containers/$id.json"
	nd_ok status
	assert_match "$(grep "^$C2 " <<<"$output")" 'interrupted$' "status"
	nd check
	assert_status 1
	assert_contains "$output" "$C2 on n2: the attach was interrupted and never completed"
	# its address stays reserved until then
	nd_ok attach "$C3" --network n2
	assert_addrs "$C3" eth0 10.98.0.4/24
	nd_ok check --repair
	assert_eq "$(jq -r .lease.state "$CFG/netd/containers/$id.json")" ready "state after repair"
	assert_addrs "$C2" eth0 10.98.0.3/24
}

@test "a namespace deleted and created again under the same name" {
	nd_ok network create n3 --subnet 10.99.0.0/24
	nd_ok attach "$C1" --network n3
	ip netns del "$C1"
	ip netns add "$C1"
	nd_err "namespace $C1 was deleted and created again since it was attached to network \"n3\"" -- \
		attach "$C1" --network n3
	nd check
	assert_contains "$output" "namespace /run/netns/$C1 was deleted and created again"
	nd_ok detach "$C1"
	assert_no_link "$HOST" netd0
	nd_ok attach "$C1" --network n3
	assert_addrs "$C1" eth0 10.99.0.2/24
}

# ---------------------------------------------------------------------------
# errors, help, completion

@test "errors: unknown network, a path that is not a namespace, firewall driver" {
	nd_ok network create n4
	nd_err 'network "nope" not found in' -- attach "$C1" --network nope
	nd_err "invalid namespace /run/netns/${PFX}missing: No such file or directory" -- \
		attach "${PFX}missing" --network n4
	nd_err "invalid namespace $BATS_TEST_TMPDIR/resolv.conf: not a network namespace" -- \
		attach "$BATS_TEST_TMPDIR/resolv.conf" --network n4
	nd_err "namespace $C1 is not attached to network \"n4\"" -- detach "$C1" --network n4
	nd_err '--mac zz: not a MAC address' -- attach "$C1" --network n4 --mac zz
	nd_err 'netd attach: "01:00:00:00:00:01" is a multicast address' -- \
		attach "$C1" --network n4 --mac 01:00:00:00:00:01
	assert_no_link "$C1" eth0
	FW=bogus
	nd_err "Must provide a valid firewall backend, got bogus" -- status
}

@test "errors of admin commands: one readable line on stderr, JSON only with --json" {
	nd network create "bad name"
	assert_admin_error
	assert_eq "$stderr" "netd network create: \"bad name\" is not a valid network name: it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*" "bad name"
	nd network create "bad name" --json
	assert_netd_error '"bad name" is not a valid network name'
	assert_eq "$stderr" "" "stderr with --json"
	nd network inspect nope
	assert_admin_error
	assert_eq "$stderr" "netd network inspect: network \"nope\" not found in $NETS" "unknown network"
	nd detach "$C1"
	assert_admin_error
	assert_eq "$stderr" "netd detach: namespace $C1 is not attached to any netd network" "detach"
	# a name starting with '-' is a bad name, not an unknown option
	nd network create -bad
	assert_status 2
	assert_eq "$(head -1 <<<"$stderr")" 'netd network create: "-bad" is not a valid name: names start with a letter or digit' "-bad"
	nd attach -x --network n
	assert_status 2
	assert_eq "$(head -1 <<<"$stderr")" 'netd attach: "-x" is not a valid name: names start with a letter or digit' "-x"
	[[ -z $(compgen -G "$NETS/*.json") ]] || die "a network file was written: $(ls "$NETS")"
}

@test "--network-dir: listed in every --help, accepted before and after the command" {
	local other=$BATS_TEST_TMPDIR/other
	# (--help lists it: the test of every command's --help below)
	run --separate-stderr in_host "$NETD" --config "$CFG" --firewall-driver "$FW" -a "$DNSBIN" \
		--network-dir "$other" network create n8 --subnet 10.94.0.0/24
	assert_status 0
	[[ -f $other/n8.json ]] || die "network file not in $other: $(ls "$other")"
	run --separate-stderr in_host "$NETD" --config "$CFG" --firewall-driver "$FW" -a "$DNSBIN" \
		--network-dir "$other" attach "$C1" --network n8
	assert_status 0
	assert_addrs "$C1" eth0 10.94.0.2/24
	run --separate-stderr in_host "$NETD" --config "$CFG" --firewall-driver "$FW" -a "$DNSBIN" \
		detach "$C1" --network-dir "$other"
	assert_status 0
	assert_no_link "$C1" eth0
}

@test "check: a flushed table and a stray element are named; --repair restores them in one transaction" {
	local before mon g
	nd_ok network create a --subnet 10.93.0.0/24
	nd_ok network create b --subnet 10.93.1.0/24
	nd_ok attach "$C1" --network a
	nd_ok attach "$C2" --network b
	admin_ping_fails "$C1" 10.93.1.2
	before=$(hnft list ruleset)
	mon=$BATS_TEST_TMPDIR/monitor.log
	ip netns exec "$HOST" nft monitor >"$mon" 2>&1 3>&- </dev/null &
	BG_PIDS+=($!)
	sleep 0.5

	hnft flush table inet netd
	hnft add element inet netd br_fwd '{ "stray0" }'
	ping_ok "$C1" 10.93.1.2		# isolation gone
	nd check
	assert_status 1
	assert_contains "$output" "nftables: missing rule in chain forward: "
	assert_contains "$output" 'nftables: not expected element "stray0" of br_fwd'
	[[ $output != *"missing chain"* ]] || die "chains were kept: $output"
	g=$(grep -c '^# new generation' "$mon" || true)
	nd_ok check --repair
	assert_contains "$output" "repair: firewall-reload"
	assert_eq "$(tail -1 <<<"$output")" "ok: 2 networks, 2 attachments, all as recorded" "after repair"
	sleep 0.3
	assert_eq "$(($(grep -c '^# new generation' "$mon") - g))" 1 "generations of the repair"
	# the same lines (the nw_ chains come back in the order of the records' names)
	assert_eq "$(hnft list ruleset | sort)" "$(sort <<<"$before")" "ruleset after the repair"
	admin_ping_fails "$C1" 10.93.1.2	# isolation back
	nd_ok check
}

@test "--help of every admin command shows an example; usage errors exit 2" {
	local c
	for c in "network" "network create" "network ls" "network inspect" "network rm" \
		"attach" "detach" "status" "check"; do
		# shellcheck disable=SC2086 # word splitting of the command is wanted
		nd $c --help
		assert_status 0
		assert_contains "$output" "Usage: netd $c"
		assert_contains "$output" "Example:"
		assert_contains "$output" "  --network-dir DIR    network definitions"
		assert_contains "$output" "  --json               errors as JSON"
	done
	nd_usage attach
	nd_usage attach "$C1"
	nd_usage attach "$C1" "$C2" --network x
	nd_usage attach "$C1" --network
	nd_usage detach
	nd_usage detach "$C1" --bogus
	nd_usage check extra
	nd_usage check --repiar
	nd_usage network ls extra
	nd_usage network inspect
	nd_usage network rm
	nd_usage --network-dir
}

@test "bash completion: commands, options, networks and namespaces" {
	local comp=$REPO/netd/completion/netd.bash
	nd_ok network create compl-a
	nd_ok network create compl-b
	run bash -c '
		source "$1"
		t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _netd; echo "${COMPREPLY[*]}"; }
		t netd st
		t netd network ""
		t netd network create x --iso
		t netd network create x --isolate ""
		NETD_NETWORK_DIR=$2 t netd attach x --network compl-
		t netd attach "$3"
		t netd status --d
	' _ "$comp" "$NETS" "${C1%c1}"
	assert_status 0
	assert_eq "${lines[0]}" "status" "command"
	assert_eq "${lines[1]}" "create ls inspect rm --help --network-dir" "network subcommands"
	assert_eq "${lines[2]}" "--isolate" "option"
	assert_eq "${lines[3]}" "strict true false" "isolate values"
	assert_eq "${lines[4]}" "compl-a compl-b" "network names"
	assert_eq "${lines[5]}" "$(printf '%s\n' /run/netns/"${C1%c1}"* | sed 's#.*/##' | tr '\n' ' ' | sed 's/ $//')" "namespaces"
	assert_eq "${lines[6]}" "--dot" "status option"
}
