#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# External driver plugins (docs/plugins.md): netd finds them in
# --plugin-directory, runs them with a timeout, passes their StatusBlock
# through and reports their failures. Plugins used: the C plugin
# plugins/host-device (built next to netd; PLUGINS=<dir> overrides) and the
# small shell plugins in test-plugins/. Namespaces as in helpers.bash, plus
# $OUT, the far end of the device host-device lends. Needs root.

load helpers

TP=$BATS_TEST_DIRNAME/test-plugins
PLUGINS=${PLUGINS:-$(cd "$(dirname "$NETD")/../plugins" 2>/dev/null && pwd)}

setup() {
	if [[ $EUID -ne 0 ]]; then
		skip "needs root (network namespaces)"
	fi
	PFX="ndp$$t${BATS_TEST_NUMBER}"
	HOST="${PFX}h"
	C1="${PFX}c1"
	C2="${PFX}c2"
	OUT="${PFX}o"
	CFG="$BATS_TEST_TMPDIR/config"
	LOG="$BATS_TEST_TMPDIR/plugin.log"
	NS_CREATED=()
	ns_add "$HOST" "$C1" "$OUT"
}

need_host_device() {
	[[ -x $PLUGINS/host-device ]] || die "host-device plugin not built at $PLUGINS (set PLUGINS)"
}

# pl_run setup|teardown CTR_NS JSON [ENV=VAL...]: netd with both plugin directories.
pl_run() {
	local cmd=$1 ns=$2 json=$3
	shift 3
	run --separate-stderr env NETD_TEST_PLUGIN_LOG="$LOG" "$@" ip netns exec "$HOST" "$NETD" \
		--config "$CFG" --firewall-driver none --plugin-directory "$TP" \
		--plugin-directory "${PLUGINS:-/nonexistent}" "$cmd" "/run/netns/$ns" <<<"$json"
}

pl_setup_ok() {
	assert_schema netavark-request.schema.json "$2"
	pl_run setup "$@"
	assert_status 0
	[[ $(printf '%s\n' "$output" | wc -l) -eq 1 ]] || { show_run; die "setup printed more than one line"; }
	assert_schema netavark-setup-result.schema.json "$output"
	RESULT=$output
}

pl_teardown_ok() {
	pl_run teardown "$@"
	assert_status 0
	assert_eq "$output" "" "teardown stdout"
}

# A network of driver DRIVER with one IPv4 subnet: pl_net NAME DRIVER [SUBNET].
pl_net() {
	net_json "$1" "" "${3:-10.96.0.0/24}" | jq -c --arg d "$2" '.driver = $d | del(.network_interface)'
}

# assert_xschema SCHEMA JSON: like assert_schema, resolving references to the
# other schemas in schemas/ (the plugin schemas point into the netavark ones).
assert_xschema() {
	local why
	why=$(python3 -W ignore - "$REPO/schemas" "$1" "$2" 2>&1 <<'EOF'
import json, os, sys
import jsonschema
d, name, text = sys.argv[1], sys.argv[2], sys.argv[3]
store = {}
for f in os.listdir(d):
    if f.endswith(".json"):
        with open(os.path.join(d, f)) as fh:
            s = json.load(fh)
        store[s["$id"]] = s
schema = store["https://netd.invalid/schemas/" + name]
doc = json.loads(text)
try:
    from referencing import Registry, Resource
    reg = Registry().with_resources((k, Resource.from_contents(v)) for k, v in store.items())
    v = jsonschema.Draft202012Validator(schema, registry=reg)
except ImportError:
    v = jsonschema.Draft202012Validator(schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store))
errs = list(v.iter_errors(doc))
for e in errs:
    print("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message))
sys.exit(1 if errs else 0)
EOF
) || die "does not match schemas/$1: $why"$'\n'"$2"
}

# The far end of a device to lend: hd0 in $HOST, hdout (10.96.0.1/24) in $OUT.
lend_veth() {
	ip -n "$HOST" link add hd0 type veth peer name hdout netns "$OUT"
	ip -n "$OUT" link set hdout up
	ip -n "$OUT" addr add 10.96.0.1/24 dev hdout
}

# ---------------------------------------------------------------------------
# the C plugin: host-device

@test "host-device: moves a host interface into the container with its IPs, and back" {
	local j mac
	need_host_device
	lend_veth
	mac=$(link_get "$HOST" hd0 .address)
	j=$(req_json "$(cid 1)" "$(pl_net h1 host-device | jq -c '.options.device = "hd0"')" \
		"$(att_json h1 eth0 10.96.0.2)")
	pl_setup_ok "$C1" "$j"
	assert_no_link "$HOST" hd0
	assert_eq "$(link_get "$C1" eth0 .linkinfo.info_kind)" veth "kind of the lent device"
	assert_eq "$(link_get "$C1" eth0 .address)" "$mac" "same device (MAC)"
	link_is_up "$C1" eth0 || die "eth0 is not up"
	assert_addrs "$C1" eth0 10.96.0.2/24
	assert_eq "$(jq -c . <<<"$RESULT")" \
		"{\"h1\":{\"dns_search_domains\":[],\"dns_server_ips\":[],\"interfaces\":{\"eth0\":{\"mac_address\":\"$mac\",\"subnets\":[{\"gateway\":\"10.96.0.1\",\"ipnet\":\"10.96.0.2/24\"}]}}}}" \
		"result: the plugin's StatusBlock"
	assert_contains "$stderr" "host-device: hd0 is eth0 in /run/netns/$C1" "plugin stderr"
	ping_ok "$C1" 10.96.0.1

	pl_teardown_ok "$C1" "$j"
	assert_no_link "$C1" eth0
	assert_link "$HOST" hd0
	assert_eq "$(link_get "$HOST" hd0 .address)" "$mac" "hd0 is the same device again"
	assert_addrs "$HOST" hd0
	assert_no_state_files
}

@test "host-device: the device from network_interface; a missing device is the plugin's error" {
	local j before
	need_host_device
	lend_veth
	j=$(req_json "$(cid 1)" "$(pl_net h1 host-device | jq -c '.network_interface = "hd0"')" \
		"$(att_json h1 eth1 10.96.0.3)")
	pl_setup_ok "$C1" "$j"
	assert_link "$C1" eth1
	ping_ok "$C1" 10.96.0.1
	pl_teardown_ok "$C1" "$j"
	assert_link "$HOST" hd0

	before=$(snapshot_all --no-sysctls "$HOST" "$C1")
	j=$(req_json "$(cid 1)" "$(pl_net h1 host-device | jq -c '.options.device = "nope0"')" \
		"$(att_json h1 eth0 10.96.0.2)")
	pl_run setup "$C1" "$j"
	assert_netd_error 'plugin "host-device" failed: exit code 1, message: device "nope0" not found on the host'
	assert_same_snapshot "$before" "$(snapshot_all --no-sysctls "$HOST" "$C1")"
	assert_no_state_files
}

@test "host-device: info and create speak the plugin protocol" {
	local out net
	need_host_device
	out=$("$PLUGINS/host-device" info)
	assert_xschema plugin-info.schema.json "$out"
	assert_eq "$(jq -r .api_version <<<"$out")" 1.0.0 "api_version"
	net=$(pl_net h1 host-device | jq -c '.options.device = "hd0"')
	out=$("$PLUGINS/host-device" create <<<"$net")
	assert_eq "$(jq -cS . <<<"$out")" "$(jq -cS . <<<"$net")" "create prints the network back"
	run "$PLUGINS/host-device" create <<<"$(pl_net h1 host-device)"
	assert_status 1
	assert_schema error.schema.json "$output"
	assert_contains "$output" 'no device: set the network option \"device\" or network_interface'
}

@test "host-device: rolled back when a later network fails" {
	local j
	need_host_device
	lend_veth
	j=$(req_json "$(cid 1)" "$(pl_net h1 host-device | jq -c '.options.device = "hd0"')" \
		"$(att_json h1 eth0 10.96.0.2)" "$(pl_net f1 fail 10.97.0.0/24)" "$(att_json f1 eth1 10.97.0.2)")
	pl_run setup "$C1" "$j"
	assert_netd_error 'plugin "fail" failed: exit code 3, message: cannot setup here'
	assert_link "$HOST" hd0
	assert_no_link "$C1" eth0
	assert_no_state_files
}

# ---------------------------------------------------------------------------
# the protocol, with the test plugins

@test "plugin input: setup/teardown NETNS, the documented JSON on stdin; StatusBlock passed through" {
	local j in
	j=$(req_json --array "$(cid 1)" "$(pl_net r1 record | jq -c '.options = {"color": "blue"}')" \
		"$(att_json r1 eth3 10.96.0.9 | jq -c '.aliases = ["web"]')" |
		jq -c '.port_mappings = [{host_ip: "", container_port: 80, host_port: 8080, range: 1, protocol: "tcp"}]')
	pl_setup_ok "$C1" "$j"
	assert_eq "$(jq -c . <<<"$RESULT")" \
		'{"r1":{"dns_search_domains":["plugin.test"],"dns_server_ips":["10.99.0.53"],"interfaces":{"eth3":{"mac_address":"02:00:00:00:00:01","subnets":[{"gateway":null,"ipnet":"10.96.0.9/24"}]}}}}' \
		"result (the plugin's block, unchanged)"
	assert_eq "$(sed -n 1p "$LOG")" "setup /run/netns/$C1" "arguments"
	in=$(sed -n 2p "$LOG")
	assert_xschema plugin-input.schema.json "$in"
	assert_eq "$(jq -c 'keys_unsorted' <<<"$in")" \
		'["container_id","container_name","port_mappings","network","network_options"]' "input keys"
	assert_eq "$(jq -r .container_id <<<"$in")" "$(cid 1)" container_id
	assert_eq "$(jq -c .network <<<"$in")" "$(jq -c '.network_info.r1' <<<"$j")" "network: the network_info entry"
	assert_eq "$(jq -c .network_options <<<"$in")" \
		'{"interface_name":"eth3","static_ips":["10.96.0.9"],"aliases":["web"]}' "network_options (no name)"
	assert_eq "$(jq -c .port_mappings <<<"$in")" "$(jq -c .port_mappings <<<"$j")" port_mappings
	[[ -f $(state_file "$(cid 1)") ]] || die "no state file"

	: >"$LOG"
	pl_teardown_ok "$C1" "$j"
	assert_eq "$(sed -n 1p "$LOG")" "teardown /run/netns/$C1" "teardown arguments"
	assert_eq "$(sed -n 2p "$LOG")" "$in" "teardown input = setup input"
	assert_no_state_files
}

@test "plugin: teardown is called even when the container namespace is gone" {
	local j
	j=$(req_json "$(cid 1)" "$(pl_net r1 record)" "$(att_json r1 eth0 10.96.0.2)")
	pl_setup_ok "$C1" "$j"
	ip netns del "$C1"
	: >"$LOG"
	pl_teardown_ok "$C1" "$j"
	assert_contains "$stderr" "is gone" "netd's warning"
	assert_eq "$(sed -n 1p "$LOG")" "teardown /run/netns/$C1" "the plugin was called"
	assert_no_state_files
}

@test "plugin failure: exit code and message; on teardown too" {
	local j
	j=$(req_json "$(cid 1)" "$(pl_net f1 fail)" "$(att_json f1 eth0 10.96.0.2)")
	pl_run setup "$C1" "$j"
	assert_netd_error 'plugin "fail" failed: exit code 3, message: cannot setup here: this test plugin always fails'
	assert_no_state_files
	pl_run teardown "$C1" "$j"
	assert_netd_error 'plugin "fail" failed: exit code 3, message: cannot teardown here'
}

@test "plugin: a successful setup is torn down on rollback (later network, later step)" {
	local j
	j=$(req_json "$(cid 1)" "$(pl_net r1 record)" "$(att_json r1 eth0 10.96.0.2)" \
		"$(pl_net f1 fail 10.97.0.0/24)" "$(att_json f1 eth1 10.97.0.2)")
	pl_run setup "$C1" "$j"
	assert_netd_error 'plugin "fail" failed'
	assert_eq "$(grep -E '^(setup|teardown) ' "$LOG" | cut -d' ' -f1 | tr '\n' ' ')" "setup teardown " \
		"record's calls"

	: >"$LOG"
	j=$(req_json "$(cid 1)" "$(pl_net r1 record)" "$(att_json r1 eth0 10.96.0.2)")
	pl_run setup "$C1" "$j" NETD_TEST_FAIL_AFTER=state
	assert_netd_error "injected failure after step state"
	assert_eq "$(grep -E '^(setup|teardown) ' "$LOG" | cut -d' ' -f1 | tr '\n' ' ')" "setup teardown " \
		"record's calls"
	assert_no_state_files
}

@test "plugin: a plugin that hangs is killed at the timeout (NETD_PLUGIN_TIMEOUT)" {
	local j start
	j=$(req_json "$(cid 1)" "$(pl_net s1 slow)" "$(att_json s1 eth0 10.96.0.2)")
	start=$SECONDS
	pl_run setup "$C1" "$j" NETD_PLUGIN_TIMEOUT=1
	assert_netd_error 'plugin "slow" failed: no answer to "setup" within 1 s (NETD_PLUGIN_TIMEOUT), killed'
	((SECONDS - start < 10)) || die "netd took $((SECONDS - start)) s"
	pl_run teardown "$C1" "$j" NETD_PLUGIN_TIMEOUT=1
	assert_netd_error 'plugin "slow" failed: no answer to "teardown" within 1 s'
}

@test "plugin: its stderr reaches netd's stderr, stdout stays the result" {
	local j
	j=$(req_json "$(cid 1)" "$(pl_net n1 noisy)" "$(att_json n1 eth0 10.96.0.2)")
	pl_setup_ok "$C1" "$j"
	assert_contains "$stderr" "noisy plugin: setup /run/netns/$C1 (stderr line 1)"
	assert_contains "$stderr" "noisy plugin: stderr line 2"
	assert_eq "$output" '{"n1":{"dns_search_domains":null,"dns_server_ips":null,"interfaces":null}}' "stdout"
	pl_teardown_ok "$C1" "$j"
	assert_contains "$stderr" "noisy plugin: teardown /run/netns/$C1"
}

@test "plugin output: not JSON, not a StatusBlock, killed, too much; partial blocks get nulls" {
	local j
	j=$(req_json "$(cid 1)" "$(pl_net b1 badjson)" "$(att_json b1 eth0 10.96.0.2)")
	pl_run setup "$C1" "$j"
	assert_netd_error 'plugin "badjson" failed: exit code 0, parse error: invalid JSON'
	pl_run teardown "$C1" "$j"
	assert_netd_error 'plugin "badjson" failed: exit code 2, parse error: invalid JSON'

	j=$(req_json "$(cid 1)" "$(pl_net b2 badshape)" "$(att_json b2 eth0 10.96.0.2)")
	pl_run setup "$C1" "$j"
	assert_netd_error 'plugin "badshape" failed: exit code 0, parse error: dns_server_ips[0]: "not-an-ip"'

	j=$(req_json "$(cid 1)" "$(pl_net k1 killed)" "$(att_json k1 eth0 10.96.0.2)")
	pl_run setup "$C1" "$j"
	assert_netd_error 'plugin "killed" failed: killed by signal 9'

	j=$(req_json "$(cid 1)" "$(pl_net g1 bigout)" "$(att_json g1 eth0 10.96.0.2)")
	pl_run setup "$C1" "$j"
	assert_netd_error 'plugin "bigout" failed: more than 4194304 bytes of output, killed'

	j=$(req_json "$(cid 1)" "$(pl_net p1 partial)" "$(att_json p1 eth0 10.96.0.2)")
	pl_setup_ok "$C1" "$j"
	assert_eq "$output" \
		'{"p1":{"dns_search_domains":null,"dns_server_ips":null,"interfaces":{"eth7":{"mac_address":"02:00:00:00:00:07","subnets":[{"gateway":null,"ipnet":"10.98.0.7/24"}]}}}}' \
		"missing keys null, unknown key dropped, values unchanged"
	pl_teardown_ok "$C1" "$j"

	j=$(req_json "$(cid 1)" "$(pl_net x1 nostdin)" "$(att_json x1 eth0 10.96.0.2)")
	pl_setup_ok "$C1" "$j"
	pl_teardown_ok "$C1" "$j"
	assert_no_state_files
}

@test "unknown driver: no plugin, a file that is not executable, a directory" {
	local j d=$BATS_TEST_TMPDIR/plugdir
	j=$(req_json "$(cid 1)" "$(pl_net u1 nosuch)" "$(att_json u1 eth0 10.96.0.2)")
	run --separate-stderr ip netns exec "$HOST" "$NETD" --config "$CFG" --firewall-driver none \
		setup "/run/netns/$C1" <<<"$j"
	assert_netd_error 'unknown network driver "nosuch"' "no --plugin-directory given"
	pl_run setup "$C1" "$j"
	assert_netd_error 'unknown network driver "nosuch"' "$TP"

	mkdir -p "$d/adir"
	printf '#!/bin/sh\nexit 0\n' >"$d/noexec"
	chmod 644 "$d/noexec"
	for drv in noexec adir; do
		j=$(req_json "$(cid 1)" "$(pl_net u1 "$drv")" "$(att_json u1 eth0 10.96.0.2)")
		run --separate-stderr ip netns exec "$HOST" "$NETD" --config "$CFG" --firewall-driver none \
			--plugin-directory "$d" setup "/run/netns/$C1" <<<"$j"
		assert_netd_error "unknown network driver \"$drv\""
	done
	assert_no_state_files
}

@test "plugin directories are searched in order" {
	local d1=$BATS_TEST_TMPDIR/d1 d2=$BATS_TEST_TMPDIR/d2 j dir
	for dir in d1 d2; do
		mkdir -p "$BATS_TEST_TMPDIR/$dir"
		printf '#!/bin/sh\ncat >/dev/null\n[ "$1" = setup ] && echo %s\nexit 0\n' \
			"'{\"dns_search_domains\":[\"$dir\"],\"dns_server_ips\":[],\"interfaces\":{}}'" \
			>"$BATS_TEST_TMPDIR/$dir/who"
		chmod 755 "$BATS_TEST_TMPDIR/$dir/who"
	done
	j=$(req_json "$(cid 1)" "$(pl_net w1 who)" "$(att_json w1 eth0 10.96.0.2)")
	run --separate-stderr ip netns exec "$HOST" "$NETD" --config "$CFG" --firewall-driver none \
		--plugin-directory "$BATS_TEST_TMPDIR/nothere" --plugin-directory "$d2" \
		--plugin-directory "$d1" setup "/run/netns/$C1" <<<"$j"
	assert_status 0
	assert_eq "$(jq -c .w1.dns_search_domains <<<"$output")" '["d2"]' "the plugin of the first directory that has one"
}

@test "netd create hands a plugin's network to '<plugin> create' and prints its answer" {
	local dir out
	dir=$BATS_TEST_TMPDIR/plugdir
	mkdir -p "$dir"
	cp "$TP/record" "$dir/recorder"
	run --separate-stderr "$NETD" --plugin-directory "$dir" create \
		<<<'{"network":{"name":"pnet","id":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","driver":"recorder","dns_enabled":false,"internal":false,"ipv6_enabled":false}}'
	assert_status 0
	assert_eq "$(jq -r '.name + " " + .driver' <<<"$output")" "pnet recorder" "network printed back"
	run --separate-stderr "$NETD" create <<<'{"network":{"name":"pnet","driver":"recorder"}}'
	assert_status 1
	assert_contains "$output" 'unknown network driver \"recorder\"'
}
