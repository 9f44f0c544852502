#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Hostile input: the host is never a container (issue 12, docs/security.md
# "The host namespace is never a container"). As an attacker, or a confused
# engine, would: hand setup, teardown, netd attach/detach and CNI ADD/DEL/CHECK
# the host's own network namespace under every name it has, and point a CNI
# DEL/CHECK at a namespace the container was never added in. Each case
# asserts the exact refusal and that a snapshot of everything outside netd's
# own objects (world_snapshot.bash) is identical before and after.
#
# Namespaces of one test (prefix "ndt<bats pid>t<test number>", helpers.bash):
#   $HOST   plays the host: every netd runs inside it. It has an uplink named
#           eth0 (a veth pair eth0/uplink0 with an address), named like the
#           container interface, which must survive every teardown
#   $ALIAS  /run/netns/$ALIAS, a bind mount of $HOST's namespace under another name
#   $C1     a real container; $C2 a victim namespace with an eth0 of its own
# netd's own files: $CFG (netavark --config), $NETS (admin networks), $DATA
# and $RUN (CNI dataDir and runtimeDir), all under $W (bats keeps files of
# its own in $BATS_TEST_TMPDIR). A refusal comes before netd takes its lock,
# so not even those change: the snapshot holds all of $W.
#
# No DNS server runs (-a names a missing binary, dnsEnabled is false):
# nothing here can forward a query. Needs root, ip, jq, nft.

# shellcheck disable=SC2154 # status, output, stderr: set by bats' run

load helpers
load world_snapshot

eval "$(declare -f setup | sed '1s/^setup/helpers_setup/')"

NETS_NAME=hnet
BR=ndhostile0
CNIBR=ndhostcni0

setup() {
	helpers_setup
	W=$BATS_TEST_TMPDIR/w
	CFG=$W/config
	NETS=$W/networks
	DATA=$W/data
	RUN=$W/run
	NODNS=$W/no-dns-server
	mkdir -p "$W"
	ALIAS=${PFX}alias
	local ns
	for ns in "$HOST" "$C1" "$C2"; do
		ip -n "$ns" link set lo up
	done
	# the host's namespace under a name of its own (ns_cleanup unmounts it)
	touch "/run/netns/$ALIAS"
	mount --bind "/run/netns/$HOST" "/run/netns/$ALIAS"
	NS_CREATED+=("$ALIAS")
	# the host's uplink, named like the container interface
	ip -n "$HOST" link add eth0 type veth peer name uplink0
	ip -n "$HOST" addr add 192.0.2.10/24 dev eth0
	ip -n "$HOST" link set eth0 up
	ip -n "$HOST" link set uplink0 up
	# the victim's own eth0
	ip -n "$C2" link add eth0 type veth peer name peer0
	ip -n "$C2" addr add 198.51.100.7/24 dev eth0
	ip -n "$C2" link set eth0 up
	# the netavark request of one container on one bridge network
	REQ=$(req_json "$(cid 1)" "$(net_json "$NETS_NAME" "$BR" 10.66.0.0/24)" \
		"$(att_json "$NETS_NAME" eth0 10.66.0.2)")
}

# host_paths: every name of $HOST's namespace as netd (running in $HOST) sees it.
host_paths() {
	printf '%s\n' /proc/self/ns/net "/run/netns/$HOST" "/run/netns/$ALIAS"
}

# snap: everything outside netd's objects, and netd's files too.
snap() {
	world_snapshot --ns "$HOST" --ns "$C1" --ns "$C2" --dir "$W" --file /etc/resolv.conf
}

# refused_host PATH [PREFIX]: the last run was refused because PATH is the host.
refused_host() {
	assert_netd_error
	assert_eq "$ERRMSG" "${2:-}namespace path $1 is the host's own network namespace, not a container's" \
		"error message"
}

# refused_host_admin CMD PATH: the last admin command CMD was refused because
# PATH is the host: exit 1, nothing on stdout, the one error line on stderr.
refused_host_admin() {
	assert_status 1
	assert_eq "$output" "" "stdout of netd $1"
	assert_eq "$stderr" "netd $1: namespace path $2 is the host's own network namespace, not a container's" \
		"error line of netd $1"
}

# nv CMD PATH: `run` netd's netavark command CMD (setup, teardown) on PATH, request $REQ.
nv() {
	run --separate-stderr ip netns exec "$HOST" "$NETD" --config "$CFG" \
		--firewall-driver nftables "$1" "$2" <<<"$REQ"
}

# nv_refused CMD: CMD (setup, teardown) given each name of the host's
# namespace, /proc/<netd's own pid>/ns/net included: each is refused, nothing changes.
nv_refused() {
	local before path
	before=$(snap)
	for path in $(host_paths); do
		nv "$1" "$path"
		refused_host "$path"
	done
	# shellcheck disable=SC2016 # $$ of the inner shell, which execs netd: netd's pid
	run --separate-stderr ip netns exec "$HOST" sh -c \
		'exec "$0" --config "$1" --firewall-driver nftables "$2" "/proc/$$/ns/net"' \
		"$NETD" "$CFG" "$1" <<<"$REQ"
	assert_netd_error
	assert_match "$ERRMSG" "^namespace path /proc/[0-9]+/ns/net is the host's own network namespace, not a container's\$"
	world_assert_same "$before" "$(snap)"
	assert_uplink
}

# adm ARGS...: `run` an admin command of netd in $HOST.
adm() {
	run --separate-stderr ip netns exec "$HOST" env NETD_NETWORK_DIR="$NETS" \
		"$NETD" --config "$CFG" --firewall-driver nftables -a "$NODNS" "$@"
}

# cni_conf [JQ-FILTER]: the CNI network config.
cni_conf() {
	jq -nc --arg data "$DATA" --arg run "$RUN" --arg br "$CNIBR" '{
		cniVersion: "1.0.0", name: "hostilecni", type: "netd", bridge: $br,
		subnets: [{subnet: "10.67.0.0/24"}], dataDir: $data, runtimeDir: $run,
		firewallDriver: "nftables", dnsEnabled: false
	}' | jq -c "${1:-.}"
}

# cni_run COMMAND CONF CID NETNS: the plugin in $HOST as a runtime runs it.
cni_run() {
	run --separate-stderr ip netns exec "$HOST" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		CNI_COMMAND="$1" CNI_CONTAINERID="$3" CNI_NETNS="$4" CNI_IFNAME=eth0 \
		CNI_PATH=/usr/lib/cni "$NETD" <<<"$2"
}

# cni_refused CODE MSG: the last plugin run failed with exactly this CNI error.
cni_refused() {
	if [[ $status -eq 0 ]]; then
		show_run
		die "expected a failure with code $1"
	fi
	[[ $(printf '%s\n' "$output" | wc -l) -eq 1 ]] || { show_run; die "error is not one line on stdout"; }
	assert_eq "$(jq -c '{code, msg, keys: keys}' <<<"$output")" \
		"$(jq -nc --argjson c "$1" --arg m "$2" '{code: $c, msg: $m, keys: ["cniVersion", "code", "msg"]}')" \
		"CNI error"
}

# cni_added CID NETNS: ADD must succeed; the result is in $RESULT.
cni_added() {
	cni_run ADD "$(cni_conf)" "$1" "$2"
	if [[ $status -ne 0 ]]; then
		show_run
		die "ADD failed"
	fi
	RESULT=$output
}

assert_uplink() {
	assert_eq "$(ip -n "$HOST" -j addr show dev eth0 | jq -r '.[0].addr_info[0].local')" 192.0.2.10 \
		"the host's eth0 and its address"
}

# ---------------------------------------------------------------------------
# netavark: setup and teardown

@test "setup: the host's namespace under any name is refused, nothing changes" {
	nv_refused setup
	assert_no_link "$HOST" "$BR"
}

@test "setup: PID 1's namespace is refused when it can be read" {
	python3 -c 'import os; os.open("/proc/1/ns/net", os.O_RDONLY)' 2>/dev/null ||
		skip "/proc/1/ns/net cannot be opened here (sandbox)"
	local before
	before=$(snap)
	nv setup /proc/1/ns/net
	refused_host /proc/1/ns/net
	world_assert_same "$before" "$(snap)"
}

@test "teardown: the host's namespace is refused; the host's eth0 and the real container survive" {
	setup_ok "$C1" "$REQ"
	assert_link "$C1" eth0
	nv_refused teardown
	# the real teardown still works, and still leaves the host's eth0 alone
	run --separate-stderr ip netns exec "$HOST" "$NETD" --config "$CFG" --firewall-driver nftables \
		teardown "/run/netns/$C1" <<<"$REQ"
	assert_status 0
	assert_no_link "$C1" eth0
	assert_no_link "$HOST" "$BR"
	assert_uplink
}

# ---------------------------------------------------------------------------
# netd attach / detach

@test "attach and detach: the host's namespace under any name is refused, nothing changes" {
	local before path
	adm network create "$NETS_NAME" --disable-dns --subnet 10.68.0.0/24
	assert_status 0
	adm attach "$C1" --network "$NETS_NAME"
	assert_status 0
	before=$(snap)
	for path in $(host_paths); do
		adm attach "$path" --network "$NETS_NAME"
		refused_host_admin attach "$path"
		adm detach "$path"
		refused_host_admin detach "$path"
		adm detach "$path" --network "$NETS_NAME"
		refused_host_admin detach "$path"
	done
	# by name in /run/netns
	adm attach "$ALIAS" --network "$NETS_NAME"
	refused_host_admin attach "/run/netns/$ALIAS"
	adm detach "$HOST"
	refused_host_admin detach "/run/netns/$HOST"
	world_assert_same "$before" "$(snap)"
	assert_uplink
	assert_eq "$(jq -s '[.[] | select(.lease.owner == "admin")] | length' "$CFG"/netd/containers/*.json)" 1 "attachments"
}

# ---------------------------------------------------------------------------
# CNI

@test "CNI ADD, DEL, CHECK: CNI_NETNS naming the host's namespace is refused, nothing changes" {
	local before path c
	cni_added c1 "/run/netns/$C1"
	c=$(cni_conf ". + {prevResult: $RESULT}")
	before=$(snap)
	for path in $(host_paths); do
		# a new container, and the one that exists
		cni_run ADD "$(cni_conf)" c2 "$path"
		cni_refused 4 "CNI_NETNS: namespace path $path is the host's own network namespace, not a container's"
		cni_run ADD "$(cni_conf)" c1 "$path"
		cni_refused 4 "CNI_NETNS: namespace path $path is the host's own network namespace, not a container's"
		cni_run CHECK "$c" c1 "$path"
		cni_refused 4 "CNI_NETNS: namespace path $path is the host's own network namespace, not a container's"
		cni_run DEL "$c" c1 "$path"
		cni_refused 4 "CNI_NETNS: namespace path $path is the host's own network namespace, not a container's"
	done
	world_assert_same "$before" "$(snap)"
	assert_uplink
	cni_run CHECK "$c" c1 "/run/netns/$C1"
	assert_status 0
}

@test "CNI DEL and CHECK act on the namespace recorded at ADD, never on another CNI_NETNS" {
	local before c hv
	cni_added c1 "/run/netns/$C1"
	hv=$(jq -r '.interfaces[1].name' <<<"$RESULT")
	assert_link "$HOST" "$hv"
	c=$(cni_conf ". + {prevResult: $RESULT}")
	# CHECK naming the victim fails and looks at nothing there
	before=$(snap)
	cni_run CHECK "$c" c1 "/run/netns/$C2"
	cni_refused 101 "CNI_NETNS /run/netns/$C2 is not the namespace container c1 was added in (/run/netns/$C1)"
	world_assert_same "$before" "$(snap)"

	# DEL naming the victim: the victim's eth0 survives, the host side of c1 goes
	before=$(world_snapshot --ns "$C2" --file /etc/resolv.conf)
	cni_run DEL "$c" c1 "/run/netns/$C2"
	assert_status 0
	assert_eq "$output" "" "DEL stdout"
	assert_contains "$stderr" "CNI_NETNS /run/netns/$C2 is not the namespace container c1 was added in (/run/netns/$C1); nothing inside it is touched, cleaning up the host side only"
	world_assert_same "$before" "$(world_snapshot --ns "$C2" --file /etc/resolv.conf)"
	assert_no_link "$HOST" "$hv"
	assert_eq "$(cni_leases "$RUN" hostilecni)" "[]" "address released"
	assert_uplink

	# a DEL without a record never enters the namespace it names either
	before=$(world_snapshot --ns "$C2" --file /etc/resolv.conf)
	cni_run DEL "$(cni_conf)" ghost "/run/netns/$C2"
	assert_status 0
	world_assert_same "$before" "$(world_snapshot --ns "$C2" --file /etc/resolv.conf)"
}

@test "CNI DEL on the recorded namespace (by another path to it) still removes the container's interface" {
	local c hv
	cni_added c1 "/run/netns/$C1"
	hv=$(jq -r '.interfaces[1].name' <<<"$RESULT")
	touch "/run/netns/${PFX}c1b"
	mount --bind "/run/netns/$C1" "/run/netns/${PFX}c1b"
	NS_CREATED+=("${PFX}c1b")
	c=$(cni_conf ". + {prevResult: $RESULT}")
	cni_run CHECK "$c" c1 "/run/netns/${PFX}c1b"
	assert_status 0
	cni_run DEL "$c" c1 "/run/netns/${PFX}c1b"
	assert_status 0
	assert_no_link "$C1" eth0
	assert_no_link "$HOST" "$hv"
	assert_eq "$(link_get "$C2" eth0 .ifname)" eth0 "the victim's eth0"
}
