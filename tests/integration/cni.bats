#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# netd as a CNI plugin (type "netd", docs/cni.md). The plugin runs inside
# $HOST, the namespace that plays the host, exactly as a runtime runs it: a
# clean environment with CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME,
# CNI_ARGS and CNI_PATH, the configuration on stdin, the result or error on
# stdout. Containers are $C1, $C2, ... Traffic stays inside these namespaces.
# State (IPAM dataDir, netd runtimeDir) lives under $BATS_TEST_TMPDIR.
#
# The firewall driver is "none" unless a test needs the firewall (published
# ports, CHECK of the firewall); nftables then works on $HOST's own ruleset.
# DNS is off except in the DNS test, where netd (and the netd-dns it starts)
# run in a private mount namespace whose /etc/resolv.conf points at an
# address nothing answers on.
#
# Runtime imitation beyond the plugin itself: the Debian reference plugins
# (/usr/lib/cni, containernetworking-plugins) as chain neighbours, and, when
# Go and Debian's libcni sources (golang-github-appc-cni-dev) are installed,
# a 60-line runtime built from libcni at test time (cnitool itself is not
# packaged by Debian; see docs/cni.md).
#
# Needs root, ip, jq, ping, socat; dig for the DNS test.

# shellcheck disable=SC2034 # ERRMSG is for the tests' use
# shellcheck disable=SC2154 # status, output, stderr: set by bats' run
# shellcheck disable=SC2016 # jq programs and socat commands are single-quoted on purpose

load helpers

eval "$(declare -f setup | sed '1s/^setup/helpers_setup/')"
eval "$(declare -f teardown | sed '1s/^teardown/helpers_teardown/')"

NETD_DNS=${NETD_DNS:-$REPO/build/dns/netd-dns}
REF_PLUGINS=/usr/lib/cni
NETNAME=cninet
BR=ndcni0
GW4=10.91.0.1
VERSIONS=(0.3.0 0.3.1 0.4.0 1.0.0 1.1.0)

setup_file() {
	# A libcni-based runtime, built offline from Debian's sources, if possible.
	export LIBCNI_RUN=""
	local src=/usr/share/gocode/src/github.com/containernetworking/cni/libcni
	if command -v go >/dev/null && [[ -d $src ]]; then
		local gp=$BATS_FILE_TMPDIR/go
		mkdir -p "$gp/src/cnirun"
		write_libcni_runtime >"$gp/src/cnirun/main.go"
		if GOPATH=$gp:/usr/share/gocode GO111MODULE=off GOFLAGS='' GOCACHE=$gp/cache \
			GOPROXY=off CGO_ENABLED=0 go build -o "$gp/cnirun" cnirun >"$gp/build.log" 2>&1; then
			LIBCNI_RUN=$gp/cnirun
		fi
	fi
}

setup() {
	helpers_setup
	DATA=$BATS_TEST_TMPDIR/data
	RUN=$BATS_TEST_TMPDIR/run
	FW=none
	unset NETD_LOG
	for ns in "$HOST" "$C1" "$C2"; do ip -n "$ns" link set lo up; done
}

teardown() {
	local pid
	# A netd-dns this test's netd started (its command line names our runtime dir).
	if [[ -n ${RUN:-} && -f $RUN/aardvark-dns/aardvark.pid ]]; then
		pid=$(cat "$RUN/aardvark-dns/aardvark.pid" 2>/dev/null || true)
		if [[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$RUN"; then
			kill "$pid" 2>/dev/null || true
		fi
	fi
	helpers_teardown
}

# ---------------------------------------------------------------------------
# configuration and invocation

# conf VERSION [JQ-FILTER [JQ-ARGS...]]: the network config as the plugin gets it on stdin.
conf() {
	jq -nc --arg v "$1" --arg data "$DATA" --arg run "$RUN" --arg br "$BR" --arg fw "$FW" \
		--arg net "$NETNAME" '{
		cniVersion: $v, name: $net, type: "netd", bridge: $br,
		subnets: [{subnet: "10.91.0.0/24"}, {subnet: "fd91::/64"}],
		dataDir: $data, runtimeDir: $run, firewallDriver: $fw
	}' | jq -c "${@:3}" "${2:-.}"
}

# cni COMMAND CONF [VAR=VAL...]: run the plugin in $HOST with a clean
# environment (CNI_COMMAND, CNI_PATH and the given variables), CONF on stdin.
cni() {
	local cmd=$1 conf=$2
	shift 2
	run --separate-stderr ip netns exec "$HOST" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		CNI_COMMAND="$cmd" CNI_PATH="$REF_PLUGINS" ${NETD_LOG:+NETD_LOG=$NETD_LOG} "$@" \
		"$NETD" <<<"$conf"
}

# cnic COMMAND CONF CTR_NS CID [IFNAME] [VAR=VAL...]: with the container's variables.
cnic() {
	local cmd=$1 conf=$2 ns=$3 cid=$4 ifname=${5:-eth0}
	shift $(($# < 5 ? $# : 5))
	cni "$cmd" "$conf" CNI_CONTAINERID="$cid" CNI_NETNS="/run/netns/$ns" CNI_IFNAME="$ifname" "$@"
}

# with_prev CONF RESULT: CONF with prevResult.
with_prev() {
	jq -c --argjson p "$2" '. + {prevResult: $p}' <<<"$1"
}

# cni_ok: the last run succeeded; stdout is empty or one JSON object.
cni_ok() {
	if [[ $status -ne 0 ]]; then
		show_run
		die "plugin failed (exit $status)"
	fi
	if [[ -n $output ]]; then
		jq -se 'length == 1 and (.[0] | type == "object")' <<<"$output" >/dev/null ||
			{ show_run; die "stdout is not one JSON object"; }
	fi
}

# add_ok CTR_NS CID [IFNAME] [CONF] [VAR=VAL...]: ADD must succeed (and CONF
# match the schema); the result is in $RESULT.
add_ok() {
	local ns=$1 cid=$2 ifname=${3:-eth0} c=${4:-$(conf 1.0.0)}
	shift $(($# < 4 ? $# : 4))
	assert_schema cni-netd.schema.json "$c"
	cnic ADD "$c" "$ns" "$cid" "$ifname" "$@"
	cni_ok
	[[ -n $output ]] || die "ADD printed no result"
	[[ $(printf '%s\n' "$output" | wc -l) -eq 1 ]] || { show_run; die "more than one line on stdout"; }
	RESULT=$output
}

# del_ok CTR_NS CID [IFNAME] [CONF]
del_ok() {
	cnic DEL "${4:-$(conf 1.0.0)}" "$1" "$2" "${3:-eth0}"
	cni_ok
	assert_eq "$output" "" "DEL stdout"
}

# assert_cni_error CODE [SUBSTRING...]: the last run failed the CNI way: exit
# status not 0, one JSON object on stdout with cniVersion, code CODE, msg
# containing each SUBSTRING, and no other keys than details.
assert_cni_error() {
	local code=$1 msg s
	shift
	if [[ $status -eq 0 ]]; then
		show_run
		die "expected a failure with code $code"
	fi
	[[ $(printf '%s\n' "$output" | wc -l) -eq 1 ]] || { show_run; die "error is not one line on stdout"; }
	jq -e '(.cniVersion | type == "string") and (.code | type == "number") and (.msg | type == "string")
		and (keys - ["cniVersion", "code", "msg", "details"] == [])' <<<"$output" >/dev/null ||
		{ show_run; die "stdout is not a CNI error object"; }
	assert_eq "$(jq -r .code <<<"$output")" "$code" "error code (msg: $(jq -r .msg <<<"$output"))"
	msg=$(jq -r .msg <<<"$output")
	for s in "$@"; do
		assert_contains "$msg" "$s" "error message"
	done
	ERRMSG=$msg
}

# ip_of RESULT FAMILY(4|6): the container's address of that family, without the prefix.
ip_of() {
	jq -r --arg f "$2" '.ips[] | select((.address | contains(":")) == ($f == "6")) | .address' <<<"$1" |
		head -n 1 | cut -d/ -f1
}

# allocations: the network's address pool as {last, attachments}: the
# round-robin position of its allocations.json, the leases of the container
# records (cni_leases).
allocations() {
	jq -c --argjson a "$(cni_leases "$RUN" "$NETNAME")" '{last, attachments: $a}' \
		"$DATA/$NETNAME/allocations.json"
}

# assert_no_cni_state: netd keeps no container record in the runtime dir.
assert_no_cni_state() {
	local left
	left=$(find "$RUN/netd/containers" -type f 2>/dev/null || true)
	[[ -z $left ]] || die "state files left behind:" "$left"
}

# need_ref_plugins NAME...: skip unless the reference plugins are installed.
need_ref_plugins() {
	local p
	for p in "$@"; do
		[[ -x $REF_PLUGINS/$p ]] ||
			skip "$REF_PLUGINS/$p missing (apt-get install containernetworking-plugins)"
	done
}

host_veth_of() {
	jq -r '.interfaces[1].name' <<<"$1"
}

# ---------------------------------------------------------------------------
# VERSION

@test "VERSION: every supported version, answered without other variables" {
	local v
	for v in "${VERSIONS[@]}"; do
		cni VERSION "{\"cniVersion\":\"$v\"}"
		cni_ok
		assert_eq "$(jq -r .cniVersion <<<"$output")" "$v" "cniVersion of the answer"
		assert_eq "$(jq -c .supportedVersions <<<"$output")" \
			'["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]' supportedVersions
	done
	# empty stdin and an unknown version: netd's newest
	cni VERSION ""
	cni_ok
	assert_eq "$(jq -r .cniVersion <<<"$output")" 1.1.0 "cniVersion for empty stdin"
	cni VERSION '{"cniVersion":"0.2.0"}'
	cni_ok
	assert_eq "$(jq -r .cniVersion <<<"$output")" 1.1.0 "cniVersion for 0.2.0"
	cni VERSION '{"cniVersion":"banana"}'
	assert_cni_error 6 "not a version string"
}

# ---------------------------------------------------------------------------
# ADD / CHECK / DEL in every version

@test "ADD, CHECK, DEL in every spec version: result shape, kernel state, idempotent DEL" {
	local v c r mac hv
	for v in "${VERSIONS[@]}"; do
		c=$(conf "$v")
		add_ok "$C1" ctr1 eth0 "$c"
		r=$RESULT
		assert_eq "$(jq -r .cniVersion <<<"$r")" "$v" "result cniVersion"
		# interfaces: bridge, host veth, container interface with sandbox
		assert_eq "$(jq -c '[.interfaces[] | {name, sandbox}]' <<<"$r")" \
			"[{\"name\":\"$BR\",\"sandbox\":null},{\"name\":\"$(host_veth_of "$r")\",\"sandbox\":null},{\"name\":\"eth0\",\"sandbox\":\"/run/netns/$C1\"}]" \
			"interfaces ($v)"
		mac=$(link_get "$C1" eth0 .address)
		assert_eq "$(jq -r '.interfaces[2].mac' <<<"$r")" "$mac" "container MAC ($v)"
		assert_eq "$(jq -r '.interfaces[0].mac' <<<"$r")" "$(link_get "$HOST" "$BR" .address)" "bridge MAC"
		hv=$(host_veth_of "$r")
		assert_eq "$(jq -r '.interfaces[1].mac' <<<"$r")" "$(link_get "$HOST" "$hv" .address)" "host veth MAC"
		# ips: both families on interface 2 with the gateways; "version" only before 1.0.0
		assert_eq "$(jq -c '[.ips[] | {address, gateway, interface}]' <<<"$r")" \
			'[{"address":"10.91.0.2/24","gateway":"10.91.0.1","interface":2},{"address":"fd91::2/64","gateway":"fd91::1","interface":2}]' \
			"ips ($v)"
		if [[ $v == 0.* ]]; then
			assert_eq "$(jq -c '[.ips[].version]' <<<"$r")" '["4","6"]' "ips version ($v)"
		else
			assert_eq "$(jq -c '[.ips[] | has("version")]' <<<"$r")" '[false,false]' "no ips version ($v)"
		fi
		if [[ $v == 1.1.0 ]]; then
			assert_eq "$(jq -r '.interfaces[2].mtu' <<<"$r")" "$(link_get "$C1" eth0 .mtu)" "mtu (1.1.0)"
		else
			assert_eq "$(jq -r '.interfaces[2] | has("mtu")' <<<"$r")" false "no mtu before 1.1.0"
		fi
		assert_eq "$(jq -c .routes <<<"$r")" \
			'[{"dst":"0.0.0.0/0","gw":"10.91.0.1"},{"dst":"::/0","gw":"fd91::1"}]' "routes ($v)"
		assert_eq "$(jq -c .dns <<<"$r")" '{}' "dns ($v)"
		# the kernel agrees
		assert_addrs "$C1" eth0 10.91.0.2/24 fd91::2/64
		assert_addrs "$HOST" "$BR" 10.91.0.1/24 fd91::1/64
		assert_eq "$(default_routes "$C1" 4 | jq -r '.[0].gateway')" 10.91.0.1 "IPv4 default route"
		ping_ok "$C1" 10.91.0.1
		assert_eq "$(allocations | jq -c '[.attachments[] | {containerID, ifname, ips, state}]')" \
			'[{"containerID":"ctr1","ifname":"eth0","ips":["10.91.0.2","fd91::2"],"state":"ready"}]' \
			"IPAM record ($v)"

		# CHECK: from 0.4.0 on
		cnic CHECK "$(with_prev "$c" "$r")" "$C1" ctr1
		if [[ $v == 0.3.* ]]; then
			assert_cni_error 1 "does not allow CHECK"
		else
			cni_ok
			assert_eq "$output" "" "CHECK stdout ($v)"
		fi

		# DEL twice, with and without prevResult
		del_ok "$C1" ctr1 eth0 "$(with_prev "$c" "$r")"
		assert_no_link "$C1" eth0
		assert_no_link "$HOST" "$hv"
		assert_no_link "$HOST" "$BR"
		assert_eq "$(allocations | jq -c .attachments)" '[]' "IPAM record after DEL ($v)"
		del_ok "$C1" ctr1 eth0 "$c"
		# the released address is not handed out right away again (round robin);
		# reset the store so every version sees .2
		rm -rf "$DATA"
	done
	assert_no_cni_state
}

@test "two pods on one network: traffic both ways, IPv4 and IPv6" {
	local r1 r2 a1 a2
	add_ok "$C1" pod1
	r1=$RESULT
	add_ok "$C2" pod2
	r2=$RESULT
	a1=$(ip_of "$r1" 4)
	a2=$(ip_of "$r2" 4)
	assert_eq "$a1 $a2" "10.91.0.2 10.91.0.3" "addresses"
	ping_ok "$C1" "$a2"
	ping_ok "$C2" "$a1"
	ping_ok "$C1" "$(ip_of "$r2" 6)"
	ping_ok "$C2" "$(ip_of "$r1" 6)"
	# one bridge, two ports
	assert_eq "$(ports "$HOST" "$BR" | jq length)" 2 "bridge ports"
	del_ok "$C1" pod1
	del_ok "$C2" pod2
	assert_no_link "$HOST" "$BR"
}

# ---------------------------------------------------------------------------
# errors: versions, variables, configuration

@test "wrong versions: codes 1 and 6, nothing built" {
	cnic ADD "$(conf 0.2.0)" "$C1" c1
	assert_cni_error 1 "incompatible CNI version 0.2.0"
	cnic ADD "$(conf 2.0.0)" "$C1" c1
	assert_cni_error 1 "incompatible"
	cnic ADD "$(conf 1.0.0 'del(.cniVersion)')" "$C1" c1
	assert_cni_error 1 "cniVersion: missing"
	cnic ADD "$(conf 1.0.0 '.cniVersion = "1.0"')" "$C1" c1
	assert_cni_error 6 "not a version string"
	cnic ADD "$(conf 1.0.0 '.cniVersion = 100')" "$C1" c1
	assert_cni_error 6 "expected a string"
	cnic CHECK "$(conf 0.3.1)" "$C1" c1
	assert_cni_error 1 "does not allow CHECK"
	cni GC "$(conf 1.0.0 '."cni.dev/valid-attachments" = []')"
	assert_cni_error 1 "does not allow GC"
	cni STATUS "$(conf 0.4.0)"
	assert_cni_error 1 "does not allow STATUS"
	# errors answer in the version asked for
	cnic ADD "$(conf 0.4.0 '.subnets = []')" "$C1" c1
	assert_cni_error 7
	assert_eq "$(jq -r .cniVersion <<<"$output")" 0.4.0 "cniVersion of the error"
	assert_no_link "$HOST" "$BR"
	assert_no_link "$C1" eth0
}

@test "missing or invalid variables: code 4 naming them, nothing built" {
	local c
	c=$(conf 1.0.0)
	cni ADD "$c"
	assert_cni_error 4 "CNI_CONTAINERID (missing)" "CNI_IFNAME (missing)" "CNI_NETNS (missing)"
	cni ADD "$c" CNI_CONTAINERID=c1 CNI_IFNAME=eth0
	assert_cni_error 4 "CNI_NETNS (missing)"
	cni ADD "$c" CNI_CONTAINERID=c1 CNI_NETNS="/run/netns/$C1"
	assert_cni_error 4 "CNI_IFNAME (missing)"
	cnic ADD "$c" "$C1" "bad/id"
	assert_cni_error 4 "CNI_CONTAINERID"
	cnic ADD "$c" "$C1" c1 "averyveryverylongname"
	assert_cni_error 4 "CNI_IFNAME" "longer than 15 characters"
	cni ADD "$c" CNI_CONTAINERID=c1 CNI_NETNS=relative/path CNI_IFNAME=eth0
	assert_cni_error 4 "CNI_NETNS" "not an absolute path"
	cnic ADD "$c" "$C1" c1 eth0 CNI_ARGS="K8S_POD_NAME=a;COLOR=blue"
	assert_cni_error 4 "CNI_ARGS" "unknown key \"COLOR\""
	cni FROB "$c"
	assert_cni_error 4 "CNI_COMMAND" "unknown command \"FROB\""
	# GC needs CNI_PATH (the runtime always gives it)
	run --separate-stderr ip netns exec "$HOST" env -i CNI_COMMAND=GC "$NETD" \
		<<<"$(conf 1.1.0 '."cni.dev/valid-attachments" = []')"
	assert_cni_error 4 "CNI_PATH (missing)"
	# unknown CNI_ARGS keys pass with IgnoreUnknown
	add_ok "$C1" c1 eth0 "$c" CNI_ARGS="IgnoreUnknown=1;COLOR=blue"
	del_ok "$C1" c1
	assert_no_link "$HOST" "$BR"
	[[ ! -e $RUN/netd/containers/c1.json ]] || die "state left behind"
}

@test "bad configuration: codes 2, 6 and 7, nothing built" {
	cnic ADD '{"cniVersion":"1.0.0","name":' "$C1" c1
	assert_cni_error 6 "failed to decode the network config"
	cnic ADD '[]' "$C1" c1
	assert_cni_error 6 "expected a JSON object"
	run --separate-stderr ip netns exec "$HOST" env -i CNI_COMMAND=ADD CNI_CONTAINERID=c1 \
		CNI_NETNS="/run/netns/$C1" CNI_IFNAME=eth0 "$NETD" </dev/null
	assert_cni_error 6 "stdin is empty"
	cnic ADD "  " "$C1" c1
	assert_cni_error 6 "stdin is empty"
	cnic ADD "$(conf 1.0.0 '.hairpinMode = true')" "$C1" c1
	assert_cni_error 2 "unsupported field in network config: hairpinMode = true"
	cnic ADD "$(conf 1.0.0 '.ipam = {type: "host-local"}')" "$C1" c1
	assert_cni_error 2 "ipam" "netd allocates addresses itself"
	cnic ADD "$(conf 1.0.0 '.ipMasq = false')" "$C1" c1
	assert_cni_error 2 "ipMasq = false"
	cnic ADD "$(conf 1.0.0 'del(.subnets)')" "$C1" c1
	assert_cni_error 7 "subnets: required field is missing"
	cnic ADD "$(conf 1.0.0 '.subnets = [{subnet: "10.91.0.7/24"}]')" "$C1" c1
	assert_cni_error 7 "has host bits set (the network is 10.91.0.0/24)"
	cnic ADD "$(conf 1.0.0 '.subnets[0].gateway = "10.92.0.1"')" "$C1" c1
	assert_cni_error 7 "subnets[0].gateway: 10.92.0.1 is not a host address of subnet 10.91.0.0/24"
	cnic ADD "$(conf 1.0.0 '.bridge = "a-much-too-long-bridge"')" "$C1" c1
	assert_cni_error 7 "bridge" "longer than 15 characters"
	cnic ADD "$(conf 1.0.0 '.name = "../etc"')" "$C1" c1
	assert_cni_error 7 "not a valid network name"
	cnic ADD "$(conf 1.0.0 '.runtimeConfig = {portMappings: [{hostPort: 70000, containerPort: 80}]}')" "$C1" c1
	assert_cni_error 7 "runtimeConfig.portMappings[0].hostPort: 70000 is out of range"
	cnic ADD "$(conf 0.4.0 '.prevResult = {ips: [{version: "6", address: "10.1.0.5/24"}]}')" "$C1" c1
	assert_cni_error 7 "prevResult.ips[0].version: expected \"4\" for address 10.1.0.5/24"
	# the schema refuses what the plugin refuses
	if assert_schema cni-netd.schema.json "$(conf 1.0.0 '.hairpinMode = true')" 2>/dev/null; then
		die "the schema accepts an unknown key"
	fi
	assert_no_link "$HOST" "$BR"
	assert_no_link "$C1" eth0
	[[ ! -e $DATA ]] || die "IPAM state created for an invalid config"
}

@test "ADD errors: interface exists, namespace missing, duplicate ADD, address taken; nothing leaks" {
	local c taken
	c=$(conf 1.0.0)
	ip -n "$C1" link add eth0 type veth peer name eth0p
	cnic ADD "$c" "$C1" c1
	assert_cni_error 100 "interface \"eth0\" already exists in container namespace"
	assert_eq "$(allocations | jq -c .attachments)" '[]' "no reservation after a failed ADD"
	assert_no_link "$HOST" "$BR"
	ip -n "$C1" link del eth0

	cnic ADD "$c" nosuchns c1
	assert_cni_error 100 "invalid namespace path"
	assert_eq "$(allocations | jq -c .attachments)" '[]' "no reservation after a failed ADD"

	add_ok "$C1" c1
	taken=$(ip_of "$RESULT" 4)
	cnic ADD "$c" "$C1" c1
	assert_cni_error 100 "already has interface eth0"
	cnic ADD "$c" "$C1" c1 eth1
	assert_cni_error 100 "attached to network \"$NETNAME\" already"
	# an address that is taken (runtimeConfig.ips, capability "ips")
	cnic ADD "$(conf 1.0.0 '.runtimeConfig = {ips: [$ip + "/24"]}' --arg ip "$taken")" "$C2" c2
	assert_cni_error 102 "requested IP $taken is already allocated to container c1"
	cnic ADD "$(conf 1.0.0 '.runtimeConfig = {ips: ["10.99.0.2"]}')" "$C2" c2
	assert_cni_error 102 "not in any subnet"
	assert_no_link "$C2" eth0
	del_ok "$C1" c1
	assert_eq "$(allocations | jq -c .attachments)" '[]' "reservations"
}

@test "static address and MAC: runtimeConfig.ips/mac, args.cni.ips, CNI_ARGS IP= and MAC=" {
	add_ok "$C1" c1 eth0 "$(conf 1.0.0 '.runtimeConfig = {ips: ["10.91.0.50/24", "fd91::50"], mac: "02:00:00:00:91:50"}')"
	assert_addrs "$C1" eth0 10.91.0.50/24 fd91::50/64
	assert_eq "$(link_get "$C1" eth0 .address)" 02:00:00:00:91:50 "MAC"
	assert_eq "$(jq -r '.interfaces[2].mac' <<<"$RESULT")" 02:00:00:00:91:50 "MAC in the result"
	# args.cni.ips wins over CNI_ARGS IP=
	cnic ADD "$(conf 1.0.0 '.args = {cni: {ips: ["10.91.0.60"]}}')" "$C2" c2 eth0 CNI_ARGS="IP=10.91.0.61"
	cni_ok
	assert_addrs "$C2" eth0 10.91.0.60/24 fd91::2/64
	del_ok "$C2" c2
	cnic ADD "$(conf 1.0.0)" "$C2" c2 eth0 CNI_ARGS="IP=10.91.0.61;MAC=02:00:00:00:91:61"
	cni_ok
	assert_addrs "$C2" eth0 10.91.0.61/24 fd91::3/64
	assert_eq "$(link_get "$C2" eth0 .address)" 02:00:00:00:91:61 "MAC from CNI_ARGS"
	ping_ok "$C1" 10.91.0.61
	del_ok "$C1" c1
	del_ok "$C2" c2
}

# ---------------------------------------------------------------------------
# DEL

@test "DEL: twice, without CNI_NETNS, after the namespace is gone, never added" {
	local c r hv
	c=$(conf 1.0.0)
	add_ok "$C1" c1
	r=$RESULT
	hv=$(host_veth_of "$r")
	del_ok "$C1" c1 eth0 "$(with_prev "$c" "$r")"
	del_ok "$C1" c1 eth0 "$(with_prev "$c" "$r")"
	del_ok "$C1" c1

	# the namespace is deleted before DEL (a crashed container): host side cleaned up
	add_ok "$C2" c2
	hv=$(host_veth_of "$RESULT")
	ip netns del "$C2"
	cnic DEL "$c" "$C2" c2
	cni_ok
	assert_no_link "$HOST" "$hv"
	assert_eq "$(allocations | jq -c .attachments)" '[]' "address released"

	# no CNI_NETNS at all
	ns_add "${PFX}c3"
	add_ok "${PFX}c3" c3
	cni DEL "$c" CNI_CONTAINERID=c3 CNI_IFNAME=eth0
	cni_ok
	assert_no_link "$HOST" "$(host_veth_of "$RESULT")"
	assert_eq "$(allocations | jq -c .attachments)" '[]' "address released"

	# never added; a bad prevResult does not stop DEL
	cnic DEL "$(with_prev "$c" '{"ips":"garbage"}')" "$C1" never-added
	cni_ok
	assert_no_link "$HOST" "$BR"
	assert_no_cni_state
}

@test "an interrupted ADD (record in state 'adding'): DEL cleans it up, a new ADD rebuilds" {
	local c hv
	c=$(conf 1.0.0)
	# an ADD that died after building: its record still says "adding"
	add_ok "$C1" c1
	hv=$(host_veth_of "$RESULT")
	mark_adding
	del_ok "$C1" c1
	assert_no_link "$HOST" "$hv"
	assert_no_link "$C1" eth0
	assert_eq "$(allocations | jq -c .attachments)" '[]' "records"
	# the runtime retries the ADD instead: cleaned up and built anew
	add_ok "$C1" c1
	mark_adding
	add_ok "$C1" c1
	assert_eq "$(allocations | jq -c '[.attachments[] | .state]')" '["ready"]' "record"
	ping_ok "$C1" 10.91.0.1
	del_ok "$C1" c1
	assert_no_link "$HOST" "$BR"
}

# mark_adding [CID]: as an ADD that died after building, before the core
# recorded it: the record without the network's link, its lease pending.
mark_adding() {
	local f=$RUN/netd/containers/${1:-c1}.json
	jq --arg n "$NETNAME" 'del(.links[$n]) | .lease.state = "pending"' <"$f" >"$BATS_TEST_TMPDIR/a"
	cp "$BATS_TEST_TMPDIR/a" "$f"
}

# kill_add CTR_NS CID CONF: an ADD killed (SIGKILL) after it took its
# address (the round-robin position is saved) and before it could record its
# lease: netd's state lock of the runtime dir, which the lease's record
# needs, is held meanwhile. Nothing may be left but the position.
kill_add() {
	local pid n before
	mkdir -p "$RUN"
	before=$(jq -c .last "$DATA/$NETNAME/allocations.json" 2>/dev/null || echo null)
	exec 9>"$RUN/netd.lock"
	flock 9
	ip netns exec "$HOST" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CNI_COMMAND=ADD \
		CNI_PATH="$REF_PLUGINS" CNI_CONTAINERID="$2" CNI_NETNS="/run/netns/$1" CNI_IFNAME=eth0 \
		"$NETD" <<<"$3" >/dev/null 2>&1 9>&- &
	pid=$!
	for ((n = 0; n < 50; n++)); do
		[[ $(jq -c .last "$DATA/$NETNAME/allocations.json" 2>/dev/null || echo null) != "$before" ]] &&
			break
		sleep 0.1
	done
	((n < 50)) || die "the ADD did not take an address"
	sleep 0.2
	kill -KILL "$pid"
	wait "$pid" || true
	exec 9>&-
	assert_eq "$(allocations | jq -c .attachments)" '[]' "no lease of the killed ADD"
	[[ ! -e $RUN/netd/containers/$2.json ]] || die "the killed ADD wrote a container record"
}

# reserved_only CTR_NS CID CONF: the state an ADD leaves when it dies after
# recording its lease and before netd built anything (simulated: an ADD's
# record, with its network's link removed and its lease pending, put back
# after a DEL removed what the ADD built).
reserved_only() {
	local f=$RUN/netd/containers/$2.json
	add_ok "$1" "$2" eth0 "$3"
	jq --arg n "$NETNAME" 'del(.links[$n]) | .lease.state = "pending"' <"$f" >"$BATS_TEST_TMPDIR/r"
	del_ok "$1" "$2" eth0 "$3"
	assert_no_link "$1" eth0
	cp "$BATS_TEST_TMPDIR/r" "$f"
	assert_eq "$(allocations | jq -c --arg c "$2" '[.attachments[] | select(.containerID == $c) | .state]')" \
		'["adding"]' "lease of the interrupted ADD"
}

@test "an ADD killed before netd built anything: the next ADD, or a DEL, cleans up its lease" {
	local c
	c=$(conf 1.0.0)
	kill_add "$C1" c1 "$c"
	# the runtime retries the ADD: the lease is taken, the network built
	add_ok "$C1" c1 eth0 "$c"
	assert_eq "$(allocations | jq -c '[.attachments[] | {containerID, ips, state}]')" \
		'[{"containerID":"c1","ips":["10.91.0.3","fd91::3"],"state":"ready"}]' "lease after the retried ADD"
	assert_eq "$(jq -r .lease.state "$RUN/netd/containers/c1.json")" ready "lease state"
	ping_ok "$C1" 10.91.0.1
	del_ok "$C1" c1
	# or the runtime gives up and DELs
	kill_add "$C2" c2 "$c"
	del_ok "$C2" c2
	assert_eq "$(allocations | jq -c .attachments)" '[]' "leases"
	assert_no_link "$C2" eth0
	assert_no_link "$HOST" "$BR"
	assert_no_cni_state

	# died after recording its lease: the retried ADD cleans it up and builds anew
	reserved_only "$C1" c1 "$c"
	add_ok "$C1" c1 eth0 "$c"
	assert_eq "$(allocations | jq -c '[.attachments[] | {containerID, state}]')" \
		'[{"containerID":"c1","state":"ready"}]' "lease after the retried ADD"
	ping_ok "$C1" 10.91.0.1
	del_ok "$C1" c1
	# or a DEL removes the lease (and the record with it)
	reserved_only "$C2" c2 "$c"
	del_ok "$C2" c2
	assert_eq "$(allocations | jq -c .attachments)" '[]' "leases"
	assert_no_link "$HOST" "$BR"
	assert_no_cni_state
}

@test "address pool: allocations.json keeps the round-robin position; the lease is the container record's; DEL without the record leaves what no record names" {
	local c r hv
	FW=nftables
	c=$(conf 1.0.0 '.runtimeConfig = {portMappings: [{hostPort: 8080, containerPort: 80}]}')
	add_ok "$C1" c1 eth0 "$c"
	r=$RESULT
	hv=$(host_veth_of "$r")
	# the pool file: the round-robin position only
	assert_eq "$(jq -c 'keys' "$DATA/$NETNAME/allocations.json")" '["last","network","version"]' "pool keys"
	assert_eq "$(jq -c '.version' "$DATA/$NETNAME/allocations.json")" 2 "pool version"
	# the one record of the container: the request, what netd built, CNI's lease
	assert_eq "$(jq -c '{owner: .lease.owner, state: .lease.state, ns: (.lease.ns_ino > 0), netns}' \
		"$RUN/netd/containers/c1.json")" \
		"{\"owner\":\"cni\",\"state\":\"ready\",\"ns\":true,\"netns\":\"/run/netns/$C1\"}" "lease"
	assert_eq "$(jq -c '.request.port_mappings | length' "$RUN/netd/containers/c1.json")" 1 \
		"the request is the container record's"
	assert_eq "$(allocations | jq -c '.attachments')" \
		'[{"containerID":"c1","ifname":"eth0","ips":["10.91.0.2","fd91::2"],"state":"ready"}]' "the lease"
	cnic CHECK "$(with_prev "$c" "$r")" "$C1" c1
	cni_ok

	# the container record deleted by hand: the lease went with it
	rm -f "$RUN/netd/containers/c1.json"
	cnic CHECK "$(with_prev "$c" "$r")" "$C1" c1
	assert_cni_error 101 "no address reservation for container c1 interface eth0"
	# DEL succeeds and removes nothing no record names as netd's: the interfaces stay
	del_ok "$C1" c1 eth0 "$c"
	assert_contains "$stderr" "no lease of container c1 interface eth0 on network $NETNAME (its container record is gone), but $hv exists; netd has no record that it built it and leaves it as it is"
	assert_link "$C1" eth0
	assert_link "$HOST" "$hv"
	assert_eq "$(allocations | jq -c .attachments)" '[]' "addresses released"
	ip -n "$HOST" link del "$hv"
	# the ports it cannot tell are the container's stay until the firewall is rebuilt from the records
	ip netns exec "$HOST" nft list table inet netd | grep -q 8080 || die "port 8080 was removed without a record"
	run --separate-stderr ip netns exec "$HOST" "$NETD" --config "$RUN" firewall-reload
	assert_status 0
	if ip netns exec "$HOST" nft list table inet netd 2>/dev/null | grep -q 8080; then
		die "port 8080 still forwarded after firewall-reload"
	fi
	# the address is free again
	add_ok "$C2" c2 eth0 "$(conf 1.0.0 '.runtimeConfig = {ips: ["10.91.0.2"]}')"
	del_ok "$C2" c2
	# an ADD interrupted after building, before the core recorded it (simulated): the next ADD cleans up
	add_ok "$C1" c1 eth0 "$c"
	mark_adding
	add_ok "$C1" c1 eth0 "$c"
	ping_ok "$C1" 10.91.0.1
	del_ok "$C1" c1 eth0 "$c"
	assert_no_link "$C1" eth0
	assert_eq "$(allocations | jq -c .attachments)" '[]' "leases"
	assert_no_cni_state
}

# old_store: allocations.json as an older netd wrote it, from the records of
# the containers given (each lease with a copy of the request), and those
# records as it wrote them (no lease).
old_store() {
	local cid f leases=()
	for cid in "$@"; do
		f=$RUN/netd/containers/$cid.json
		leases+=("$(jq -c --arg n "$NETNAME" '{containerID: .container_id,
			ifname: .request.networks[$n].interface_name, netns, netnsDev: .lease.ns_dev,
			netnsIno: .lease.ns_ino, ips: .request.networks[$n].static_ips, state: "ready",
			request}' "$f")")
		jq 'del(.lease)' <"$f" >"$BATS_TEST_TMPDIR/r"
		cp "$BATS_TEST_TMPDIR/r" "$f"
	done
	printf '%s\n' "${leases[@]}" | jq -s --arg n "$NETNAME" --slurpfile p "$DATA/$NETNAME/allocations.json" \
		'{version: 1, network: $n, last: $p[0].last, attachments: .}' >"$BATS_TEST_TMPDIR/a"
	cp "$BATS_TEST_TMPDIR/a" "$DATA/$NETNAME/allocations.json"
}

@test "allocations.json of an older netd (leases, a request beside each): the leases move into the container records; DEL and GC work" {
	local c hv1 hv2 hv3 r2
	c=$(conf 1.1.0)
	add_ok "$C1" c1 eth0 "$c"
	hv1=$(host_veth_of "$RESULT")
	add_ok "$C2" c2 eth0 "$c"
	hv2=$(host_veth_of "$RESULT")
	r2=$RESULT
	ns_add "${PFX}c3"
	add_ok "${PFX}c3" c3 eth0 "$c"
	hv3=$(host_veth_of "$RESULT")
	old_store c1 c2 c3
	# c3's record was lost: only its lease in allocations.json says it exists
	rm -f "$RUN/netd/containers/c3.json"
	assert_eq "$(jq -c '[.version, [.attachments[] | has("request")]]' "$DATA/$NETNAME/allocations.json")" \
		'[1,[true,true,true]]' "old format"
	assert_eq "$(cni_leases "$RUN" "$NETNAME")" '[]' "no lease in the records yet"

	# the first command on the network moves the leases
	del_ok "$C1" c1 eth0 "$c"
	assert_no_link "$C1" eth0
	assert_no_link "$HOST" "$hv1"
	assert_eq "$(jq -c 'keys' "$DATA/$NETNAME/allocations.json")" '["last","network","version"]' \
		"written back as version 2"
	assert_eq "$(allocations | jq -c '[.attachments[] | {containerID, state}]')" \
		'[{"containerID":"c2","state":"ready"},{"containerID":"c3","state":"adding"}]' \
		"c2's lease in its record; c3's in a record rebuilt from the lease, as an unfinished ADD"
	assert_eq "$(jq -c '[.lease.owner, .lease.state, (.lease.ns_ino > 0)]' "$RUN/netd/containers/c2.json")" \
		'["cni","ready",true]' "c2's lease"
	cnic CHECK "$(with_prev "$c" "$r2")" "$C2" c2
	cni_ok
	# c3: DEL removes what the rebuilt request names, inside its own namespace
	cnic DEL "$c" "${PFX}c3" c3
	cni_ok
	assert_no_link "${PFX}c3" eth0
	assert_no_link "$HOST" "$hv3"
	cni GC "$(jq -c '."cni.dev/valid-attachments" = []' <<<"$c")"
	cni_ok
	assert_no_link "$HOST" "$hv2"
	assert_no_link "$HOST" "$BR"
	assert_eq "$(allocations | jq -c .attachments)" '[]' "leases"
	assert_no_cni_state
}

# ---------------------------------------------------------------------------
# CHECK

@test "CHECK: passes after ADD, fails with a clear error after manual damage" {
	local c r hv cc
	FW=nftables
	# IPv4 only: a link that goes down loses its IPv6 addresses, which CHECK would (rightly) report
	c=$(conf 1.0.0 '.subnets = [{subnet: "10.91.0.0/24"}]')
	add_ok "$C1" c1 eth0 "$c"
	r=$RESULT
	cc=$(with_prev "$c" "$r")
	hv=$(host_veth_of "$r")
	cnic CHECK "$cc" "$C1" c1
	cni_ok

	# CHECK without prevResult
	cnic CHECK "$c" "$C1" c1
	assert_cni_error 7 "CHECK needs prevResult"
	# not added at all
	cnic CHECK "$cc" "$C2" c2
	assert_cni_error 101 "no address reservation for container c2"

	# an address removed
	ip -n "$C1" addr del 10.91.0.2/24 dev eth0
	cnic CHECK "$cc" "$C1" c1
	assert_cni_error 101 "address 10.91.0.2/24 is missing on interface eth0"
	ip -n "$C1" addr add 10.91.0.2/24 dev eth0
	ip -n "$C1" route replace default via 10.91.0.1 dev eth0 metric 100
	cnic CHECK "$cc" "$C1" c1
	cni_ok

	# the default route removed
	ip -n "$C1" route del default via 10.91.0.1
	cnic CHECK "$cc" "$C1" c1
	assert_cni_error 101 "IPv4 default route via 10.91.0.1 on eth0 is missing"
	ip -n "$C1" route replace default via 10.91.0.1 dev eth0 metric 100

	# the container interface down, another MAC
	ip -n "$C1" link set eth0 down
	cnic CHECK "$cc" "$C1" c1
	assert_cni_error 101 "interface eth0 in /run/netns/$C1 is down"
	ip -n "$C1" link set eth0 up
	ip -n "$C1" route replace default via 10.91.0.1 dev eth0 metric 100
	cnic CHECK "$(with_prev "$c" "$(jq -c '.interfaces[2].mac = "02:00:00:00:00:99"' <<<"$r")")" "$C1" c1
	assert_cni_error 101 "has MAC" "the result says 02:00:00:00:00:99"

	# the firewall flushed
	ip netns exec "$HOST" nft flush table inet netd
	ip netns exec "$HOST" nft delete table inet netd
	cnic CHECK "$cc" "$C1" c1
	assert_cni_error 101 "firewall table inet netd is missing"
	# netd's firewall-reload on the CNI runtime dir brings it back
	run --separate-stderr ip netns exec "$HOST" "$NETD" --config "$RUN" firewall-reload
	assert_status 0
	cnic CHECK "$cc" "$C1" c1
	cni_ok

	# the veth deleted: the container interface is gone with it
	ip -n "$HOST" link del "$hv"
	cnic CHECK "$cc" "$C1" c1
	assert_cni_error 101 "interface eth0 is missing in container namespace /run/netns/$C1"

	# DEL still cleans up the rest
	del_ok "$C1" c1 eth0 "$cc"
	assert_no_link "$HOST" "$BR"
}

@test "CHECK: bridge deleted, host veth taken off the bridge" {
	local c r cc hv
	c=$(conf 0.4.0)
	add_ok "$C1" c1 eth0 "$c"
	r=$RESULT
	cc=$(with_prev "$c" "$r")
	hv=$(host_veth_of "$r")
	cnic CHECK "$cc" "$C1" c1
	cni_ok
	# the host side is the bridge driver's check_live op: its words, first drift first
	ip -n "$HOST" addr del 10.91.0.1/24 dev "$BR"
	cnic CHECK "$cc" "$C1" c1
	assert_cni_error 101 "bridge $BR lacks gateway address 10.91.0.1/24"
	ip -n "$HOST" addr add 10.91.0.1/24 dev "$BR"
	ip -n "$HOST" link set "$hv" down
	cnic CHECK "$cc" "$C1" c1
	assert_cni_error 101 "host veth $hv is down"
	ip -n "$HOST" link set "$hv" up
	cnic CHECK "$cc" "$C1" c1
	cni_ok
	ip -n "$HOST" link set "$hv" nomaster
	cnic CHECK "$cc" "$C1" c1
	assert_cni_error 101 "host veth $hv is not a port of bridge $BR"
	ip -n "$HOST" link del "$BR"
	cnic CHECK "$cc" "$C1" c1
	assert_cni_error 101 "bridge $BR of network \"$NETNAME\" is missing"
	assert_eq "$(jq -r .cniVersion <<<"$output")" 0.4.0 "error cniVersion"
	del_ok "$C1" c1 eth0 "$cc"
}

# ---------------------------------------------------------------------------
# GC and STATUS (1.1.0)

@test "a container record of another holder in runtimeDir (an engine's, an attachment's) is never CNI's: ADD refused, DEL and GC leave it" {
	local c rec before
	c=$(conf 1.1.0)
	# a record as Podman's netd setup writes it (no lease), then as netd attach's
	add_ok "$C1" c1 eth0 "$c"
	rec=$(jq -c 'del(.lease)' "$RUN/netd/containers/c1.json")
	del_ok "$C1" c1 eth0 "$c"
	for owner in "" admin; do
		if [[ -n $owner ]]; then
			jq -c --arg o "$owner" '.lease = {owner: $o, state: "ready", ns_dev: 0, ns_ino: 0}' \
				<<<"$rec" >"$RUN/netd/containers/c1.json"
		else
			printf '%s\n' "$rec" >"$RUN/netd/containers/c1.json"
		fi
		before=$(sha256sum <"$RUN/netd/containers/c1.json")
		cnic ADD "$c" "$C1" c1
		assert_cni_error 100 "container c1 has a record in $RUN/netd/containers that is not CNI's"
		assert_no_link "$C1" eth0
		del_ok "$C1" c1 eth0 "$c"
		cni GC "$(jq -c '."cni.dev/valid-attachments" = []' <<<"$c")"
		cni_ok
		assert_eq "$(sha256sum <"$RUN/netd/containers/c1.json")" "$before" "the record (${owner:-engine}) is untouched"
		assert_eq "$(allocations | jq -c .attachments)" '[]' "no CNI lease"
	done
	rm -f "$RUN/netd/containers/c1.json"
}

@test "GC: stale allocations are torn down and released, valid ones kept" {
	local c r1 hv2
	c=$(conf 1.1.0)
	ns_add "${PFX}c3"
	add_ok "$C1" c1 eth0 "$c"
	r1=$RESULT
	add_ok "$C2" c2 eth0 "$c"
	hv2=$(host_veth_of "$RESULT")
	add_ok "${PFX}c3" c3 eth0 "$c"
	# c3's namespace vanishes without a DEL; c2 is forgotten by the runtime
	ip netns del "${PFX}c3"
	# and an ADD that died half way left a lease of its own
	ns_add "${PFX}g"
	reserved_only "${PFX}g" ghost "$c"

	cni GC "$(jq -c '."cni.dev/valid-attachments" = [{containerID: "c1", ifname: "eth0"}, {containerID: "c9", ifname: "eth0"}]' <<<"$c")"
	cni_ok
	assert_eq "$output" "" "GC stdout"
	assert_eq "$(allocations | jq -c '[.attachments[] | .containerID]')" '["c1"]' "records after GC"
	assert_no_link "$HOST" "$hv2"
	assert_no_link "$C2" eth0
	[[ ! -e $RUN/netd/containers/c2.json && ! -e $RUN/netd/containers/c3.json ]] ||
		die "netd state of the stale containers left behind"
	# c1 is untouched
	ping_ok "$C1" 10.91.0.1
	cnic CHECK "$(with_prev "$c" "$r1")" "$C1" c1
	cni_ok
	assert_eq "$(allocations | jq -r '.attachments[0].ips[0]')" "$(ip_of "$r1" 4)" "c1 keeps its address"

	# GC with an empty list removes everything
	cni GC "$(jq -c '."cni.dev/valid-attachments" = []' <<<"$c")"
	cni_ok
	assert_eq "$(allocations | jq -c .attachments)" '[]' "records after GC []"
	assert_no_link "$C1" eth0
	assert_no_link "$HOST" "$BR"
	# GC without the list is refused
	cni GC "$c"
	assert_cni_error 7 "cni.dev/valid-attachments: required for GC"
}

@test "STATUS: ready, then code 50 when the address range is full" {
	local c
	c=$(conf 1.1.0 '.subnets = [{subnet: "10.91.0.0/29", rangeStart: "10.91.0.2", rangeEnd: "10.91.0.3"}]')
	cni STATUS "$c"
	cni_ok
	assert_eq "$output" "" "STATUS stdout"
	add_ok "$C1" c1 eth0 "$c"
	cni STATUS "$c"
	cni_ok
	add_ok "$C2" c2 eth0 "$c"
	cni STATUS "$c"
	assert_cni_error 50 "no free address left in subnet 10.91.0.0/29"
	assert_eq "$(jq -r .cniVersion <<<"$output")" 1.1.0 "error cniVersion"
	ns_add "${PFX}c3"
	cnic ADD "$c" "${PFX}c3" c3
	assert_cni_error 102 "no free address left in range 10.91.0.2-10.91.0.3"
	del_ok "$C1" c1 eth0 "$c"
	cni STATUS "$c"
	cni_ok
	# a DNS server that cannot be run
	cni STATUS "$(jq -c '.dnsEnabled = true | .dnsBinary = "/nonexistent/netd-dns"' <<<"$c")"
	assert_cni_error 50 "/nonexistent/netd-dns cannot be run"
	del_ok "$C2" c2 eth0 "$c"
}

# ---------------------------------------------------------------------------
# parallel calls

@test "parallel: 8 ADDs at once on one network, then 8 DELs at once" {
	local q ns pids=() c addrs
	c=$(conf 1.0.0)
	for q in $(seq 1 8); do ns_add "${PFX}p$q"; done
	for q in $(seq 1 8); do
		ip netns exec "$HOST" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CNI_COMMAND=ADD \
			CNI_CONTAINERID="par$q" CNI_NETNS="/run/netns/${PFX}p$q" CNI_IFNAME=eth0 \
			CNI_PATH="$REF_PLUGINS" "$NETD" <<<"$c" >"$BATS_TEST_TMPDIR/add$q.out" \
			2>"$BATS_TEST_TMPDIR/add$q.err" &
		pids+=("$!")
	done
	for q in $(seq 1 8); do
		wait "${pids[q - 1]}" || { cat "$BATS_TEST_TMPDIR/add$q".* >&2; die "ADD $q failed"; }
	done
	addrs=$(for q in $(seq 1 8); do jq -r '.ips[0].address' "$BATS_TEST_TMPDIR/add$q.out"; done | sort -u)
	assert_eq "$(wc -l <<<"$addrs")" 8 "distinct addresses"
	assert_eq "$(allocations | jq '.attachments | length')" 8 "records"
	assert_eq "$(ports "$HOST" "$BR" | jq length)" 8 "bridge ports"
	for q in $(seq 2 8); do
		ping_ok "${PFX}p1" "$(jq -r '.ips[0].address | split("/")[0]' "$BATS_TEST_TMPDIR/add$q.out")"
	done

	pids=()
	for q in $(seq 1 8); do
		ip netns exec "$HOST" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CNI_COMMAND=DEL \
			CNI_CONTAINERID="par$q" CNI_NETNS="/run/netns/${PFX}p$q" CNI_IFNAME=eth0 \
			CNI_PATH="$REF_PLUGINS" "$NETD" <<<"$c" >"$BATS_TEST_TMPDIR/del$q.out" \
			2>"$BATS_TEST_TMPDIR/del$q.err" &
		pids+=("$!")
	done
	for q in $(seq 1 8); do
		wait "${pids[q - 1]}" || { cat "$BATS_TEST_TMPDIR/del$q".* >&2; die "DEL $q failed"; }
	done
	assert_eq "$(allocations | jq -c .attachments)" '[]' "records after the DELs"
	assert_no_link "$HOST" "$BR"
	assert_no_cni_state
}

@test "parallel: ADDs on two networks at once (one netd state, two IPAM stores)" {
	local q pids=() c1 c2
	c1=$(conf 1.0.0)
	c2=$(conf 1.0.0 '.name = "other" | .bridge = "ndcni1" | .subnets = [{subnet: "10.92.0.0/24"}]')
	for q in 1 2 3 4; do ns_add "${PFX}q$q"; done
	for q in 1 2 3 4; do
		ip netns exec "$HOST" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CNI_COMMAND=ADD \
			CNI_CONTAINERID="q$q" CNI_NETNS="/run/netns/${PFX}q$q" CNI_IFNAME=eth0 \
			CNI_PATH="$REF_PLUGINS" "$NETD" <<<"$c1" >/dev/null 2>"$BATS_TEST_TMPDIR/a$q.err" &
		pids+=("$!")
		ip netns exec "$HOST" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CNI_COMMAND=ADD \
			CNI_CONTAINERID="q$q" CNI_NETNS="/run/netns/${PFX}q$q" CNI_IFNAME=net1 \
			CNI_PATH="$REF_PLUGINS" "$NETD" <<<"$c2" >/dev/null 2>"$BATS_TEST_TMPDIR/b$q.err" &
		pids+=("$!")
	done
	for q in "${pids[@]}"; do
		wait "$q" || { cat "$BATS_TEST_TMPDIR"/*.err >&2; die "an ADD failed"; }
	done
	for q in 1 2 3 4; do
		assert_link "${PFX}q$q" eth0
		assert_link "${PFX}q$q" net1
	done
	assert_eq "$(cni_leases "$RUN" other | jq length)" 4 "leases of other"
	ping_ok "${PFX}q1" "$(cni_leases "$RUN" other | jq -r '.[3].ips[0]')"
	for q in 1 2 3 4; do
		cnic DEL "$c1" "${PFX}q$q" "q$q" eth0
		cni_ok
		cnic DEL "$c2" "${PFX}q$q" "q$q" net1
		cni_ok
	done
	assert_no_link "$HOST" "$BR"
	assert_no_link "$HOST" ndcni1
	assert_no_cni_state
}

# ---------------------------------------------------------------------------
# published ports (capability portMappings) and the firewall

@test "published port: traffic from outside through hostPort reaches the pod; DEL removes it" {
	local c r out
	FW=nftables
	# $OUT is a machine on the host's LAN: 192.0.2.2, the host is 192.0.2.1
	OUT="${PFX}o"
	ns_add "$OUT"
	ip -n "$HOST" link add lan0 type veth peer name eth0 netns "$OUT"
	ip -n "$HOST" addr add 192.0.2.1/24 dev lan0
	ip -n "$OUT" addr add 192.0.2.2/24 dev eth0
	ip -n "$HOST" link set lan0 up
	ip -n "$OUT" link set eth0 up
	ip -n "$OUT" link set lo up

	c=$(conf 1.0.0 '.capabilities = {portMappings: true} | .runtimeConfig = {portMappings: [{hostPort: 8080, containerPort: 80, protocol: "tcp"}]}')
	add_ok "$C1" web eth0 "$c"
	r=$RESULT
	ip netns exec "$C1" socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo hello from pod' \
		</dev/null >/dev/null 2>&1 3>&- &
	wait_port "$C1" 80
	out=$(ip netns exec "$OUT" timeout 5 socat -T 3 - TCP:192.0.2.1:8080 </dev/null 2>&1) ||
		die "connection to 192.0.2.1:8080 failed: $out"
	assert_eq "$out" "hello from pod" "answer through the published port"
	# another pod reaches it through the host address too (hairpin via the bridge)
	add_ok "$C2" other eth0 "$(conf 1.0.0)"
	out=$(ip netns exec "$C2" timeout 5 socat -T 3 - TCP:192.0.2.1:8080 </dev/null 2>&1) ||
		die "pod to published port failed: $out"
	assert_eq "$out" "hello from pod" "answer to the other pod"
	cnic CHECK "$(with_prev "$c" "$r")" "$C1" web
	cni_ok

	del_ok "$C1" web eth0 "$(with_prev "$c" "$r")"
	if ip netns exec "$OUT" timeout 3 socat -T 2 - TCP:192.0.2.1:8080 </dev/null >/dev/null 2>&1; then
		die "port 8080 still forwarded after DEL"
	fi
	del_ok "$C2" other
	assert_no_link "$HOST" "$BR"
}

# wait_port NS PORT: something listens on TCP PORT in NS (up to 3 s).
wait_port() {
	local n
	for ((n = 0; n < 30; n++)); do
		ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	die "nothing listens on port $2 in $1"
}

@test "published port conflict: the second ADD fails, its address is released" {
	local c
	FW=nftables
	c=$(conf 1.0.0 '.runtimeConfig = {portMappings: [{hostPort: 8080, containerPort: 80}]}')
	add_ok "$C1" c1 eth0 "$c"
	cnic ADD "$c" "$C2" c2
	assert_cni_error 100 "host port 8080/tcp on all IPv4 addresses is already forwarded to another container"
	assert_no_link "$C2" eth0
	assert_eq "$(allocations | jq -c '[.attachments[].containerID]')" '["c1"]' "records"
	del_ok "$C1" c1 eth0 "$c"
}

@test "isolation and masquerade: traffic leaves with the host's address; two networks cannot talk" {
	local c1 c2 seen
	FW=nftables
	# $OUT is a machine on the host's LAN, with no route to the pods
	OUT="${PFX}o"
	ns_add "$OUT"
	ip -n "$HOST" link add lan0 type veth peer name eth0 netns "$OUT"
	ip -n "$HOST" addr add 192.0.2.1/24 dev lan0
	ip -n "$OUT" addr add 192.0.2.2/24 dev eth0
	ip -n "$HOST" link set lan0 up
	ip -n "$OUT" link set eth0 up
	ip -n "$OUT" link set lo up
	c1=$(conf 1.0.0)
	c2=$(conf 1.0.0 '.name = "other" | .bridge = "ndcni1" | .subnets = [{subnet: "10.92.0.0/24"}]')
	add_ok "$C1" c1 eth0 "$c1"
	add_ok "$C2" c2 eth0 "$c2"
	# a server on the LAN that answers with the address it sees
	ip netns exec "$OUT" socat TCP-LISTEN:5000,fork,reuseaddr SYSTEM:'echo $SOCAT_PEERADDR' \
		</dev/null >/dev/null 2>&1 3>&- &
	wait_port "$OUT" 5000
	seen=$(ip netns exec "$C1" timeout 5 socat -T 3 - TCP:192.0.2.2:5000 </dev/null 2>&1) ||
		die "pod to LAN failed: $seen"
	assert_eq "$seen" 192.0.2.1 "source address the LAN sees (masquerade)"
	# isolation between the two netd networks (strict by default)
	ping_ok "$C2" 10.92.0.1
	if ip netns exec "$C1" ping -c1 -W1 10.92.0.2 >/dev/null 2>&1; then
		die "network $NETNAME reaches network other"
	fi
	if ip netns exec "$C2" ping -c1 -W1 10.91.0.2 >/dev/null 2>&1; then
		die "network other reaches network $NETNAME"
	fi
	# an internal network: no default route, nothing leaves
	del_ok "$C2" c2 eth0 "$c2"
	c2=$(conf 1.0.0 '.name = "other" | .bridge = "ndcni1" | .internal = true | .ipMasq = false | .subnets = [{subnet: "10.92.0.0/24"}]')
	add_ok "$C2" c2 eth0 "$c2"
	assert_eq "$(default_routes "$C2" 4)" "[]" "default routes on an internal network"
	assert_eq "$(jq -c .routes <<<"$RESULT")" "null" "routes in the result of an internal network"
	if ip netns exec "$C2" timeout 3 socat -T 2 - TCP:192.0.2.2:5000 </dev/null >/dev/null 2>&1; then
		die "an internal network reaches the LAN"
	fi
	del_ok "$C1" c1 eth0 "$c1"
	del_ok "$C2" c2 eth0 "$c2"
}

# ---------------------------------------------------------------------------
# chaining with the reference plugins

@test "chain: loopback, netd, tuning (0.4.0 and 1.0.0): prevResult in and out, CHECK, DEL in reverse" {
	local v c0 c1 c2 r0 r1 r2
	need_ref_plugins loopback tuning
	for v in 0.4.0 1.0.0; do
		c0=$(jq -nc --arg v "$v" --arg n "$NETNAME" '{cniVersion: $v, name: $n, type: "loopback"}')
		c1=$(conf "$v")
		c2=$(jq -nc --arg v "$v" --arg n "$NETNAME" '{cniVersion: $v, name: $n, type: "tuning", mtu: 1400,
			sysctl: {"net.ipv4.conf.eth0.arp_ignore": "1"}}')
		# ADD in order, each plugin gets the previous result
		run --separate-stderr ip netns exec "$HOST" env -i CNI_COMMAND=ADD CNI_CONTAINERID=ch \
			CNI_NETNS="/run/netns/$C1" CNI_IFNAME=eth0 CNI_PATH="$REF_PLUGINS" \
			"$REF_PLUGINS/loopback" <<<"$c0"
		cni_ok
		r0=$output
		cnic ADD "$(with_prev "$c1" "$r0")" "$C1" ch
		cni_ok
		r1=$output
		# netd kept the loopback's entries and added its own after them
		assert_eq "$(jq -c '[.interfaces[].name]' <<<"$r1")" "[\"lo\",\"$BR\",\"$(jq -r '.interfaces[2].name' <<<"$r1")\",\"eth0\"]" "chained interfaces ($v)"
		# (netd prints them in proper $v shape: with "version" for 0.4.0, which the
		# reference loopback plugin leaves out)
		assert_eq "$(jq -c --argjson n "$(jq '.ips | length' <<<"$r0")" '.ips[:$n] | map(del(.version))' <<<"$r1")" \
			"$(jq -c '.ips | map(del(.version))' <<<"$r0")" "the loopback's ips first ($v)"
		if [[ $v == 0.4.0 ]]; then
			assert_eq "$(jq -c '[.ips[].version]' <<<"$r1")" '["4","6","4","6"]' "ips version in 0.4.0"
		fi
		assert_eq "$(jq -c '[.ips[] | select(.address | startswith("10.91.") or startswith("fd91:")) | {address, interface}]' <<<"$r1")" \
			'[{"address":"10.91.0.2/24","interface":3},{"address":"fd91::2/64","interface":3}]' \
			"netd's ips, interface index shifted ($v)"
		assert_eq "$(jq -r .cniVersion <<<"$r1")" "$v" "chained cniVersion"
		run --separate-stderr ip netns exec "$HOST" env -i CNI_COMMAND=ADD CNI_CONTAINERID=ch \
			CNI_NETNS="/run/netns/$C1" CNI_IFNAME=eth0 CNI_PATH="$REF_PLUGINS" \
			"$REF_PLUGINS/tuning" <<<"$(with_prev "$c2" "$r1")"
		cni_ok
		r2=$output
		assert_eq "$(link_get "$C1" eth0 .mtu)" 1400 "MTU set by tuning"
		assert_eq "$(ip netns exec "$C1" cat /proc/sys/net/ipv4/conf/eth0/arp_ignore)" 1 "sysctl by tuning"
		assert_eq "$(jq -c '[.ips[].address]' <<<"$r2")" "$(jq -c '[.ips[].address]' <<<"$r1")" "tuning passed the result on"
		ping_ok "$C1" 10.91.0.1

		# CHECK every plugin with the final result
		run --separate-stderr ip netns exec "$HOST" env -i CNI_COMMAND=CHECK CNI_CONTAINERID=ch \
			CNI_NETNS="/run/netns/$C1" CNI_IFNAME=eth0 CNI_PATH="$REF_PLUGINS" \
			"$REF_PLUGINS/loopback" <<<"$(with_prev "$c0" "$r2")"
		cni_ok
		cnic CHECK "$(with_prev "$c1" "$r2")" "$C1" ch
		cni_ok
		run --separate-stderr ip netns exec "$HOST" env -i CNI_COMMAND=CHECK CNI_CONTAINERID=ch \
			CNI_NETNS="/run/netns/$C1" CNI_IFNAME=eth0 CNI_PATH="$REF_PLUGINS" \
			"$REF_PLUGINS/tuning" <<<"$(with_prev "$c2" "$r2")"
		cni_ok

		# DEL in reverse order
		run --separate-stderr ip netns exec "$HOST" env -i CNI_COMMAND=DEL CNI_CONTAINERID=ch \
			CNI_NETNS="/run/netns/$C1" CNI_IFNAME=eth0 CNI_PATH="$REF_PLUGINS" \
			"$REF_PLUGINS/tuning" <<<"$(with_prev "$c2" "$r2")"
		cni_ok
		del_ok "$C1" ch eth0 "$(with_prev "$c1" "$r2")"
		run --separate-stderr ip netns exec "$HOST" env -i CNI_COMMAND=DEL CNI_CONTAINERID=ch \
			CNI_NETNS="/run/netns/$C1" CNI_IFNAME=eth0 CNI_PATH="$REF_PLUGINS" \
			"$REF_PLUGINS/loopback" <<<"$(with_prev "$c0" "$r2")"
		cni_ok
		assert_no_link "$C1" eth0
		assert_no_link "$HOST" "$BR"
		rm -rf "$DATA"
	done
}

@test "chain: the reference portmap plugin after netd sees netd's result" {
	local c1 c2 r1
	[[ -x $REF_PLUGINS/portmap ]] || skip "no $REF_PLUGINS/portmap"
	c1=$(conf 1.0.0)
	add_ok "$C1" pm eth0 "$c1"
	r1=$RESULT
	c2=$(jq -nc --arg n "$NETNAME" '{cniVersion: "1.0.0", name: $n, type: "portmap",
		capabilities: {portMappings: true}, runtimeConfig: {portMappings: [{hostPort: 9090, containerPort: 90, protocol: "tcp"}]}}')
	run --separate-stderr ip netns exec "$HOST" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		CNI_COMMAND=ADD CNI_CONTAINERID=pm CNI_NETNS="/run/netns/$C1" CNI_IFNAME=eth0 \
		CNI_PATH="$REF_PLUGINS" "$REF_PLUGINS/portmap" <<<"$(with_prev "$c2" "$r1")"
	if [[ $status -ne 0 ]]; then
		# portmap needs iptables; without it the chain stops here, which is not netd's business
		[[ $output == *iptables* || $stderr == *iptables* ]] && skip "portmap: iptables not usable here"
		show_run
		die "portmap failed"
	fi
	assert_eq "$(jq -c '[.ips[].address]' <<<"$output")" "$(jq -c '[.ips[].address]' <<<"$r1")" "portmap passed netd's result on"
	run --separate-stderr ip netns exec "$HOST" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		CNI_COMMAND=DEL CNI_CONTAINERID=pm CNI_NETNS="/run/netns/$C1" CNI_IFNAME=eth0 \
		CNI_PATH="$REF_PLUGINS" "$REF_PLUGINS/portmap" <<<"$(with_prev "$c2" "$r1")"
	cni_ok
	del_ok "$C1" pm eth0 "$(with_prev "$c1" "$r1")"
}

# ---------------------------------------------------------------------------
# DNS through netd-dns

@test "DNS: netd-dns answers pod names on the gateway; the result's dns names it" {
	local c r1 r2 resolv
	command -v dig >/dev/null || skip "dig is not installed (dnsutils)"
	[[ -x $NETD_DNS ]] || skip "netd-dns not found at $NETD_DNS (set NETD_DNS)"
	# netd and the netd-dns it starts see a resolv.conf that points nowhere
	resolv=$BATS_TEST_TMPDIR/resolv.conf
	echo "nameserver 192.0.2.253" >"$resolv"
	c=$(conf 1.1.0 '.dnsEnabled = true | .dnsBinary = $b | .dns = {search: ["corp.example"]}' --arg b "$NETD_DNS")
	assert_schema cni-netd.schema.json "$c"
	dns_cni ADD "$c" "$C1" aaaa1 eth0 CNI_ARGS="K8S_POD_NAME=web;K8S_POD_NAMESPACE=default"
	cni_ok
	r1=$output
	dns_cni ADD "$(jq -c '.runtimeConfig = {aliases: {cninet: ["db-alias"]}}' <<<"$c")" "$C2" bbbb2 eth0 \
		CNI_ARGS="K8S_POD_NAME=db;K8S_POD_NAMESPACE=default"
	cni_ok
	r2=$output
	assert_eq "$(jq -c .dns <<<"$r1")" \
		'{"nameservers":["10.91.0.1","fd91::1"],"search":["dns.podman","corp.example"]}' "result dns"
	# the server runs in $HOST, in the private mount namespace
	[[ -f $RUN/aardvark-dns/aardvark.pid ]] || die "netd-dns was not started"
	dig_ok "$C1" db 10.91.0.3
	dig_ok "$C1" db-alias 10.91.0.3
	dig_ok "$C2" web 10.91.0.2
	dig_ok "$C2" web.dns.podman 10.91.0.2
	dns_cni CHECK "$(with_prev "$c" "$r1")" "$C1" aaaa1
	cni_ok
	# a pod that leaves is no longer resolvable
	dns_cni DEL "$c" "$C2" bbbb2
	cni_ok
	run ip netns exec "$C1" dig +short +time=1 +tries=1 @10.91.0.1 db A
	[[ $output != *10.91.0.3* ]] || die "a deleted pod still resolves: $output"
	# a teardown that fails (the network's DNS file made a directory): DEL
	# fails, and the lease stays in the record for a retry
	mv "$RUN/aardvark-dns/$NETNAME" "$BATS_TEST_TMPDIR/dnsfile"
	mkdir "$RUN/aardvark-dns/$NETNAME"
	dns_cni DEL "$c" "$C1" aaaa1
	assert_cni_error 100 "teardown of container aaaa1 interface eth0 failed" "failed to remove DNS entries"
	assert_eq "$(cni_leases "$RUN" "$NETNAME" | jq -c '[.[] | {containerID, state}]')" \
		'[{"containerID":"aaaa1","state":"adding"}]' "the lease after the failed DEL"
	rmdir "$RUN/aardvark-dns/$NETNAME"
	mv "$BATS_TEST_TMPDIR/dnsfile" "$RUN/aardvark-dns/$NETNAME"
	dns_cni DEL "$c" "$C1" aaaa1
	cni_ok
	assert_eq "$(cni_leases "$RUN" "$NETNAME")" '[]' "no lease after the retried DEL"
	[[ ! -e $RUN/netd/containers/aaaa1.json ]] || die "the record outlived the retried DEL"
	assert_no_link "$C1" eth0
	assert_no_link "$HOST" "$BR"
}

# dns_cni COMMAND CONF CTR_NS CID [IFNAME] [VAR=VAL...]: like cnic, in a private
# mount namespace of $HOST whose /etc/resolv.conf is the test's.
dns_cni() {
	local cmd=$1 conf=$2 ns=$3 cid=$4 ifname=${5:-eth0}
	shift $(($# < 5 ? $# : 5))
	# shellcheck disable=SC2016 # expanded by sh -c
	run --separate-stderr ip netns exec "$HOST" unshare -m --propagation private sh -c \
		'mount --bind "$0" /etc/resolv.conf || exit 99; exec "$@"' "$BATS_TEST_TMPDIR/resolv.conf" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CNI_COMMAND="$cmd" CNI_PATH="$REF_PLUGINS" \
		CNI_CONTAINERID="$cid" CNI_NETNS="/run/netns/$ns" CNI_IFNAME="$ifname" "$@" "$NETD" <<<"$conf"
}

# dig_ok NS NAME ADDR: NAME resolves to ADDR at the gateway, from NS.
dig_ok() {
	local got
	got=$(ip netns exec "$1" dig +short +time=2 +tries=3 "@$GW4" "$2" A 2>&1)
	assert_eq "$got" "$3" "A $2 from $1"
}

# ---------------------------------------------------------------------------
# the example conflists of docs/cni-examples

# plugin_conf LIST INDEX RESULT: element INDEX of conflist LIST as a runtime
# passes it: cniVersion and name inserted, runtimeConfig for the declared
# capabilities, prevResult; netd's directories moved into the test's.
plugin_conf() {
	jq -c --argjson i "$2" --argjson prev "${3:-null}" --arg data "$DATA" --arg run "$RUN" \
		--arg dns "$NETD_DNS" '
		. as $l | $l.plugins[$i] + {cniVersion: $l.cniVersion, name: $l.name}
		| if .type == "netd" then .dataDir = $data | .runtimeDir = $run
			| (if .dnsEnabled then .dnsBinary = $dns else . end) else . end
		| if (.capabilities.portMappings // false) then
			.runtimeConfig.portMappings = [{hostPort: 8080, containerPort: 80, protocol: "tcp"}] else . end
		| if $prev != null then .prevResult = $prev else . end' "$1"
}

# chain_run COMMAND PLUGIN CONF: one plugin of the chain for container ex1 in
# $C1, in a private mount namespace with the test's resolv.conf.
chain_run() {
	# shellcheck disable=SC2016 # expanded by sh -c
	run --separate-stderr ip netns exec "$HOST" unshare -m --propagation private sh -c \
		'mount --bind "$0" /etc/resolv.conf || exit 99; exec "$@"' "$BATS_TEST_TMPDIR/resolv.conf" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CNI_COMMAND="$1" CNI_PATH="$REF_PLUGINS" \
		CNI_CONTAINERID=ex1 CNI_NETNS="/run/netns/$C1" CNI_IFNAME=eth0 \
		CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=ex;K8S_POD_NAMESPACE=default" "$2" <<<"$3"
}

@test "docs/cni-examples: every conflist runs ADD, CHECK, DEL through its whole chain" {
	local list n k type bin result c
	need_ref_plugins tuning
	[[ -x $NETD_DNS ]] || skip "netd-dns not found at $NETD_DNS (set NETD_DNS)"
	echo "nameserver 192.0.2.253" >"$BATS_TEST_TMPDIR/resolv.conf"
	for list in "$REPO"/docs/cni-examples/*.conflist; do
		jq -e . "$list" >/dev/null || die "$list is not JSON"
		n=$(jq '.plugins | length' "$list")
		result=null
		for ((k = 0; k < n; k++)); do
			type=$(jq -r --argjson k "$k" '.plugins[$k].type' "$list")
			bin=$REF_PLUGINS/$type
			[[ $type == netd ]] && bin=$NETD
			c=$(plugin_conf "$list" "$k" "$result")
			[[ $type == netd ]] && assert_schema cni-netd.schema.json "$c"
			chain_run ADD "$bin" "$c"
			[[ $status -eq 0 ]] || { show_run; die "$list: ADD of $type failed"; }
			result=$(jq -c . <<<"$output")
		done
		assert_link "$C1" eth0
		ping_ok "$C1" "$(jq -r '.ips[0].gateway' <<<"$result")"
		if [[ $(jq -r .cniVersion "$list") != 0.3.* ]]; then
			for ((k = 0; k < n; k++)); do
				type=$(jq -r --argjson k "$k" '.plugins[$k].type' "$list")
				bin=$REF_PLUGINS/$type
				[[ $type == netd ]] && bin=$NETD
				chain_run CHECK "$bin" "$(plugin_conf "$list" "$k" "$result")"
				[[ $status -eq 0 ]] || { show_run; die "$list: CHECK of $type failed"; }
			done
		fi
		for ((k = n - 1; k >= 0; k--)); do
			type=$(jq -r --argjson k "$k" '.plugins[$k].type' "$list")
			bin=$REF_PLUGINS/$type
			[[ $type == netd ]] && bin=$NETD
			chain_run DEL "$bin" "$(plugin_conf "$list" "$k" "$result")"
			[[ $status -eq 0 ]] || { show_run; die "$list: DEL of $type failed"; }
		done
		assert_no_link "$C1" eth0
		[[ -z $(ip -n "$HOST" -j link show type bridge | jq -r '.[].ifname') ]] ||
			die "$list: a bridge is left"
		# netd-dns of the list (if any) goes with the test's teardown
	done
}

# ---------------------------------------------------------------------------
# a real runtime library: libcni

@test "libcni (the runtime library of podman 3, CRI-O, containerd): conflist ADD, CHECK, DEL" {
	local list cache out
	[[ -n $LIBCNI_RUN ]] || skip "no Go or no Debian libcni sources (apt-get install golang-go golang-github-appc-cni-dev)"
	need_ref_plugins tuning
	FW=nftables
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$NETD" "$BATS_TEST_TMPDIR/bin/netd"
	cache=$BATS_TEST_TMPDIR/cache
	list=$BATS_TEST_TMPDIR/net.conflist
	jq -n --arg data "$DATA" --arg run "$RUN" --arg br "$BR" '{
		cniVersion: "1.0.0", name: "cninet", plugins: [
			{type: "netd", bridge: $br, subnets: [{subnet: "10.91.0.0/24"}], dataDir: $data,
			 runtimeDir: $run, capabilities: {portMappings: true, ips: true}},
			{type: "tuning", mtu: 1420}
		]}' >"$list"
	run --separate-stderr ip netns exec "$HOST" env CNI_PATH="$BATS_TEST_TMPDIR/bin:$REF_PLUGINS" \
		CNI_CACHE_DIR="$cache" "$LIBCNI_RUN" add "$list" lib1 "/run/netns/$C1" eth0 \
		'{"portMappings":[{"hostPort":8081,"containerPort":80,"protocol":"tcp"}],"ips":["10.91.0.42/24"]}'
	[[ $status -eq 0 ]] || { show_run; die "libcni ADD failed"; }
	out=$output
	assert_eq "$(jq -r '.ips[0].address' <<<"$out")" 10.91.0.42/24 "address through capability ips"
	assert_eq "$(link_get "$C1" eth0 .mtu)" 1420 "MTU (tuning, after netd)"
	assert_eq "$(jq -c '.request.port_mappings' "$RUN/netd/containers/lib1.json")" \
		'[{"host_ip":"","container_port":80,"host_port":8081,"range":1,"protocol":"tcp"}]' \
		"port mapping through capability portMappings (in the container record)"
	run --separate-stderr ip netns exec "$HOST" env CNI_PATH="$BATS_TEST_TMPDIR/bin:$REF_PLUGINS" \
		CNI_CACHE_DIR="$cache" "$LIBCNI_RUN" check "$list" lib1 "/run/netns/$C1" eth0
	[[ $status -eq 0 ]] || { show_run; die "libcni CHECK failed"; }
	ip -n "$C1" addr flush dev eth0
	run --separate-stderr ip netns exec "$HOST" env CNI_PATH="$BATS_TEST_TMPDIR/bin:$REF_PLUGINS" \
		CNI_CACHE_DIR="$cache" "$LIBCNI_RUN" check "$list" lib1 "/run/netns/$C1" eth0
	[[ $status -ne 0 ]] || die "libcni CHECK passed after the addresses were flushed"
	assert_contains "$stderr" "address 10.91.0.42/24 is missing on interface eth0" "libcni's error"
	run --separate-stderr ip netns exec "$HOST" env CNI_PATH="$BATS_TEST_TMPDIR/bin:$REF_PLUGINS" \
		CNI_CACHE_DIR="$cache" "$LIBCNI_RUN" del "$list" lib1 "/run/netns/$C1" eth0
	[[ $status -eq 0 ]] || { show_run; die "libcni DEL failed"; }
	run --separate-stderr ip netns exec "$HOST" env CNI_PATH="$BATS_TEST_TMPDIR/bin:$REF_PLUGINS" \
		CNI_CACHE_DIR="$cache" "$LIBCNI_RUN" del "$list" lib1 "/run/netns/$C1" eth0
	[[ $status -eq 0 ]] || { show_run; die "second libcni DEL failed"; }
	assert_no_link "$C1" eth0
	assert_no_link "$HOST" "$BR"
}

# The runtime used above: libcni's AddNetworkList/CheckNetworkList/DelNetworkList
# with the result cache, as podman 3, CRI-O and containerd call them.
write_libcni_runtime() {
	cat <<'EOF'
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/containernetworking/cni/libcni"
)

func main() {
	if len(os.Args) < 5 {
		fmt.Fprintln(os.Stderr, "usage: cnirun add|check|del CONFLIST CONTAINERID NETNS [IFNAME] [CAPABILITY-ARGS]")
		os.Exit(2)
	}
	list, err := libcni.ConfListFromFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rt := &libcni.RuntimeConf{ContainerID: os.Args[3], NetNS: os.Args[4], IfName: "eth0"}
	if len(os.Args) > 5 {
		rt.IfName = os.Args[5]
	}
	if len(os.Args) > 6 {
		if err := json.Unmarshal([]byte(os.Args[6]), &rt.CapabilityArgs); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	cni := libcni.NewCNIConfigWithCacheDir(strings.Split(os.Getenv("CNI_PATH"), ":"),
		os.Getenv("CNI_CACHE_DIR"), nil)
	ctx := context.Background()
	switch os.Args[1] {
	case "add":
		res, err := cni.AddNetworkList(ctx, list, rt)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_ = res.Print()
		return
	case "check":
		err = cni.CheckNetworkList(ctx, list, rt)
	case "del":
		err = cni.DelNetworkList(ctx, list, rt)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
EOF
}
