#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Hostile names: network names, container ids, DNS names and request strings
# written as an attacker would, and symlinks planted where netd and netd-dns
# write their files. Each case asserts the exact refusal (or warning) and
# that nothing outside netd's own objects changed: a world snapshot
# (world_snapshot.bash) of the host and container namespaces, every file of
# the test directory outside --config (victim files included), victim
# processes and this test's netd-dns processes, before and after.
# Layout and safety (private resolv.conf, dnsmasq-free: nothing forwards
# anywhere): dns_helpers.bash. Needs root.

load helpers
load dns_helpers
load world_snapshot

GW4=10.89.0.1
RULE='it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*'

neta() { dnet dnsa ndsbr0 10.89.0.0/24; }

# world: the snapshot a refused request must leave identical: the namespaces
# and every file outside --config (but the DNS log and bats' own stderr files).
world() {
	world_snapshot --ns "$HOST" --ns "$C1" --dir "$BATS_TEST_TMPDIR" \
		--skip "$CFG" --skip "$DNSLOG" --skip "$BATS_TEST_TMPDIR/separate-stderr-*" "$@"
}

# files_world: the part of it a successful request must leave identical too
# (the test runner's namespace, files outside --config, given pids).
files_world() {
	world_snapshot --dir "$BATS_TEST_TMPDIR" --skip "$CFG" --skip "$DNSLOG" \
		--skip "$BATS_TEST_TMPDIR/separate-stderr-*" --any-dns "$@"
}

# named NAME: a request for container 1 on a DNS network called NAME.
named() {
	dreq "$(dcid 1)" web "$(dnet "$1" ndsbr0 10.89.0.0/24)" "$(datt "$1" eth0 10.89.0.2)"
}

# victim PATH: a file netd must never touch (mode 0640, known content).
victim() {
	mkdir -p "$(dirname "$1")"
	printf 'precious\n' >"$1"
	chmod 0640 "$1"
}

# web_on_a: container 1 ("web") on dnsa; netd-dns runs and answers.
web_on_a() {
	dsetup "$C1" "$(dreq "$(dcid 1)" web "$(neta)" "$(datt dnsa eth0 10.89.0.2)")"
	expect_rr "$C1" "$GW4" web A 10.89.0.2
}

# ---------------------------------------------------------------------------
# network names that would be paths

@test "setup and teardown refuse a network named ../../escaped (map and array form); nothing outside --config is written" {
	victim "$BATS_TEST_TMPDIR/escaped"
	mkdir -p "$DNSDIR"
	local before after json
	before=$(world --file "$BATS_TEST_TMPDIR/escaped")
	json=$(named ../../escaped)
	dnetd setup "/run/netns/$C1" <<<"$json"
	assert_netd_error
	assert_eq "$ERRMSG" "network_info: \"../../escaped\" is not a valid network name: $RULE"
	dnetd teardown "/run/netns/$C1" <<<"$json"
	assert_netd_error
	assert_eq "$ERRMSG" "network_info: \"../../escaped\" is not a valid network name: $RULE"
	# the name only in "networks" (array form), pointing at a valid network_info
	json=$(req_json --array "$(dcid 1)" "$(neta)" "$(att_json ../x eth0 10.89.0.2)")
	dnetd setup "/run/netns/$C1" <<<"$json"
	assert_netd_error
	assert_eq "$ERRMSG" "networks[0].name: \"../x\" is not a valid network name: $RULE"
	after=$(world --file "$BATS_TEST_TMPDIR/escaped")
	world_assert_same "$before" "$after"
	assert_eq "$(ls -A "$DNSDIR")" "" "DNS directory"
}

@test "netd update refuses ../../victim; the victim file keeps its content and mode" {
	victim "$BATS_TEST_TMPDIR/victim"
	mkdir -p "$DNSDIR"
	local before after
	before=$(world)
	dnetd update ../../victim --network-dns-servers 192.0.2.53
	assert_netd_error
	assert_eq "$ERRMSG" "\"../../victim\" is not a valid network name: $RULE"
	dnetd update aardvark.pid --network-dns-servers 192.0.2.53
	assert_netd_error
	assert_eq "$ERRMSG" "\"aardvark.pid\" is not a valid network name: it is reserved for the DNS server's pid file"
	after=$(world)
	world_assert_same "$before" "$after"
	assert_eq "$(stat -c %a "$BATS_TEST_TMPDIR/victim")" 640 "victim mode"
}

@test "create refuses path and reserved network names" {
	local before after n
	before=$(world)
	for n in ../../escaped a/b .hidden aardvark.pid "$(printf 'x%.0s' {1..241})"; do
		dnetd create <<<"$(jq -nc --arg n "$n" '{network: {name: $n}}')"
		assert_netd_error
		case $n in
		aardvark.pid) assert_eq "$ERRMSG" "network.name: \"aardvark.pid\" is not a valid network name: it is reserved for the DNS server's pid file" ;;
		x*) assert_eq "$ERRMSG" "network.name: \"$(printf 'x%.0s' {1..64})\"... is not a valid network name: it is longer than 240 characters" ;;
		*) assert_eq "$ERRMSG" "network.name: \"$n\" is not a valid network name: $RULE" ;;
		esac
	done
	# 240 characters is the bound, and still a name
	dnetd create <<<"$(jq -nc --arg n "$(printf 'x%.0s' {1..240})" '{network: {name: $n}}')"
	assert_status 0
	after=$(world)
	world_assert_same "$before" "$after"
}

@test "admin network create/inspect/rm refuse path names; the network directory holds only valid names" {
	local nets=$BATS_TEST_TMPDIR/networks before after sub
	victim "$BATS_TEST_TMPDIR/escaped.json"
	mkdir -p "$nets"
	before=$(world --skip "$nets")
	# an admin command fails with one line on stderr (docs/admin.md), JSON only with --json
	for sub in create inspect rm; do
		dnetd NETD_NETWORK_DIR="$nets" network "$sub" ../escaped
		assert_status 1
		assert_eq "$output" "" "stdout of network $sub"
		assert_eq "$stderr" "netd network $sub: \"../escaped\" is not a valid network name: $RULE" "network $sub"
	done
	dnetd NETD_NETWORK_DIR="$nets" network create aardvark.pid
	assert_status 1
	assert_eq "$output" "" "stdout of network create"
	assert_eq "$stderr" "netd network create: \"aardvark.pid\" is not a valid network name: it is reserved for the DNS server's pid file" "network create aardvark.pid"
	dnetd NETD_NETWORK_DIR="$nets" network create aardvark.pid --json
	assert_netd_error "\"aardvark.pid\" is not a valid network name: it is reserved for the DNS server's pid file"
	after=$(world --skip "$nets")
	world_assert_same "$before" "$after"
	assert_eq "$(ls -A "$nets")" "" "network directory"
}

@test "CNI: network names aardvark.pid and ../x are refused before anything is created" {
	local before after n conf
	before=$(world)
	for n in aardvark.pid ../x; do
		conf=$(jq -nc --arg n "$n" --arg d "$BATS_TEST_TMPDIR/config/data" --arg r "$CFG" \
			'{cniVersion: "1.0.0", name: $n, type: "netd", bridge: "ndsbr0",
			  subnets: [{subnet: "10.89.0.0/24"}], dataDir: $d, runtimeDir: $r, firewallDriver: "none"}')
		run --separate-stderr ip netns exec "$HOST" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			CNI_COMMAND=ADD CNI_CONTAINERID="$(dcid 1)" CNI_NETNS="/run/netns/$C1" \
			CNI_IFNAME=eth0 CNI_PATH=/nonexistent "$NETD" <<<"$conf"
		[[ $status -ne 0 ]] || { show_run; die "CNI ADD with name $n succeeded"; }
		assert_eq "$(jq -r .code <<<"$output")" 7 "CNI error code"
		if [[ $n == aardvark.pid ]]; then
			assert_eq "$(jq -r .msg <<<"$output")" "name: \"aardvark.pid\" is reserved: it is the DNS server's pid file"
		else
			assert_contains "$(jq -r .msg <<<"$output")" "name: \"../x\" is not a valid network name"
		fi
	done
	after=$(world)
	world_assert_same "$before" "$after"
}

@test "a network named aardvark.pid is refused; the pid file and the running netd-dns are untouched" {
	web_on_a
	local before after pid
	pid=$(dns_pid)
	# the live bridge's timers tick between the two snapshots: left out
	before=$(world --ns "$C2" --file "$DNSDIR/aardvark.pid" --pid "$pid" | grep -v '_timer"')
	dnetd setup "/run/netns/$C2" <<<"$(dreq "$(dcid 2)" db "$(dnet aardvark.pid ndsbr1 10.90.0.0/24)" "$(datt aardvark.pid eth0 10.90.0.2)")"
	assert_netd_error
	assert_eq "$ERRMSG" "network_info: \"aardvark.pid\" is not a valid network name: it is reserved for the DNS server's pid file"
	after=$(world --ns "$C2" --file "$DNSDIR/aardvark.pid" --pid "$pid" | grep -v '_timer"')
	world_assert_same "$before" "$after"
	assert_eq "$(cat "$DNSDIR/aardvark.pid")" "$pid" "pid file"
	expect_rr "$C1" "$GW4" web A 10.89.0.2
}

@test "a container id that is a path is refused (setup and teardown)" {
	local before after json
	before=$(world)
	json=$(dreq ../../x web "$(neta)" "$(datt dnsa eth0 10.89.0.2)")
	dnetd setup "/run/netns/$C1" <<<"$json"
	assert_netd_error
	assert_eq "$ERRMSG" "container_id: \"../../x\" is not a valid container id: $RULE"
	dnetd teardown "/run/netns/$C1" <<<"$json"
	assert_netd_error
	assert_eq "$ERRMSG" "container_id: \"../../x\" is not a valid container id: $RULE"
	after=$(world)
	world_assert_same "$before" "$after"
}

# ---------------------------------------------------------------------------
# DNS names and string lengths

@test "invalid DNS names are dropped with one warning each; the container's valid names and the network still resolve" {
	web_on_a
	local long63 long300 id=$(dcid 2) json
	long63=$(printf 'a%.0s' {1..64})
	long300=$(printf 'b%.0s' {1..300})
	json=$(dreq "$id" somename "$(neta)" \
		"$(datt dnsa eth0 10.89.0.3 -- valid "space 1" "comma,1" $'newline\n2' "$long63" "$long300" "a..b")")
	dsetup "$C2" "$json"
	assert_eq "$(grep -c 'invalid network alias' <<<"$stderr")" 6 "warnings (stderr: $stderr)"
	assert_contains "$stderr" 'invalid network alias "space 1": name contains invalid chars, ignoring this name'
	assert_contains "$stderr" 'invalid network alias "comma,1": name contains invalid chars, ignoring this name'
	assert_contains "$stderr" 'invalid network alias "newline\n2": name contains invalid chars, ignoring this name'
	assert_contains "$stderr" "invalid network alias \"$long63\": name has a label longer than 63 characters, ignoring this name"
	assert_contains "$stderr" "invalid network alias \"$(printf 'b%.0s' {1..64})\"...: name is longer than 253 characters, ignoring this name"
	assert_contains "$stderr" 'invalid network alias "a..b": name has an empty label, ignoring this name'
	assert_eq "$(sed -n 3p "$DNSDIR/dnsa")" "$id 10.89.0.3  somename,valid" "DNS line"
	assert_eq "$(wc -l <"$DNSDIR/dnsa")" 3 "DNS file lines"
	expect_rr "$C1" "$GW4" somename A 10.89.0.3
	expect_rr "$C1" "$GW4" valid A 10.89.0.3
	expect_rr "$C2" "$GW4" web A 10.89.0.2
	# an invalid container name: dropped the same way, the aliases stay
	dsetup "$C3" "$(dreq "$(dcid 3)" "bad name" "$(neta)" "$(datt dnsa eth0 10.89.0.4 -- third)")"
	assert_eq "$(grep -c 'invalid network alias' <<<"$stderr")" 1 "warnings"
	assert_contains "$stderr" 'invalid network alias "bad name": name contains invalid chars, ignoring this name'
	expect_rr "$C1" "$GW4" third A 10.89.0.4
}

@test "a 10 MB container_name (and alias, hostname) is refused naming the field; nothing is written" {
	local before after big
	mkdir -p "$DNSDIR"
	big=$BATS_TEST_TMPDIR/big.json
	before=$(world --skip "$big")
	head -c $((10 << 20)) /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/x"
	jq -c --rawfile n "$BATS_TEST_TMPDIR/x" '.container_name = $n' <<<"$(named dnsa)" >"$big"
	dnetd setup "/run/netns/$C1" <"$big"
	assert_netd_error
	assert_eq "$ERRMSG" "container_name: 10485760 bytes, longer than the limit of 4096"
	jq -c --rawfile n "$BATS_TEST_TMPDIR/x" '.container_hostname = $n' <<<"$(named dnsa)" >"$big"
	dnetd setup "/run/netns/$C1" <"$big"
	assert_netd_error
	assert_eq "$ERRMSG" "container_hostname: 10485760 bytes, longer than the limit of 4096"
	jq -c --rawfile n "$BATS_TEST_TMPDIR/x" '.networks.dnsa.aliases = [$n]' <<<"$(named dnsa)" >"$big"
	dnetd setup "/run/netns/$C1" <"$big"
	assert_netd_error
	assert_eq "$ERRMSG" "networks.dnsa.aliases[0]: 10485760 bytes, longer than the limit of 4096"
	rm -f "$BATS_TEST_TMPDIR/x"
	after=$(world --skip "$big")
	world_assert_same "$before" "$after"
	assert_eq "$(ls -A "$DNSDIR")" "" "DNS directory"
}

# ---------------------------------------------------------------------------
# planted symlinks

@test "a symlink planted at netd.lock or aardvark.lock is not followed" {
	local out=$BATS_TEST_TMPDIR/outside before after
	mkdir -p "$out" "$CFG"
	ln -s "$out/netd.lock" "$CFG/netd.lock"
	before=$(world)
	dnetd setup "/run/netns/$C1" <<<"$(named dnsa)"
	assert_netd_error
	assert_eq "$ERRMSG" "failed to open lock file $CFG/netd.lock: Too many levels of symbolic links"
	after=$(world)
	world_assert_same "$before" "$after"

	rm "$CFG/netd.lock"
	ln -s "$out/aardvark.lock" "$CFG/aardvark.lock"
	before=$(world)
	dnetd setup "/run/netns/$C1" <<<"$(named dnsa)"
	assert_netd_error
	assert_eq "$ERRMSG" "failed to open $CFG/aardvark.lock: Too many levels of symbolic links"
	after=$(world)
	world_assert_same "$before" "$after"
	assert_eq "$(ls -A "$out")" "" "outside directory"
}

@test "a symlink planted for netd's directories (aardvark-dns, netd) is not followed" {
	local out=$BATS_TEST_TMPDIR/outside before after
	mkdir -p "$out" "$CFG"
	ln -s "$out" "$DNSDIR"
	before=$(world)
	dnetd setup "/run/netns/$C1" <<<"$(named dnsa)"
	assert_netd_error
	assert_eq "$ERRMSG" "failed to create $DNSDIR: Too many levels of symbolic links"
	after=$(world)
	world_assert_same "$before" "$after"
	rm "$DNSDIR"
	ln -s "$out" "$CFG/netd"
	before=$(world)
	dnetd setup "/run/netns/$C1" <<<"$(req_json "$(dcid 1)" "$(net_json plain ndsbr0 10.89.0.0/24)" "$(att_json plain eth0 10.89.0.2)")"
	assert_status 1
	after=$(world)
	world_assert_same "$before" "$after"
	assert_eq "$(ls -A "$out")" "" "outside directory"
}

@test "symlinks planted at every temporary name of the old scheme are never followed" {
	# netd and netd-dns run in a pid namespace of their own, so the pids the
	# old names carried (<id>.json.tmp.<pid>, <net>.tmp.<pid>) are known.
	local out=$BATS_TEST_TMPDIR/outside before after id p
	id=$(dcid 1)
	mkdir -p "$out" "$CFG/netd/containers" "$DNSDIR"
	for p in $(seq 1 20); do
		ln -s "$out/state.$p" "$CFG/netd/containers/$id.json.tmp.$p"
		ln -s "$out/dns.$p" "$DNSDIR/dnsa.tmp.$p"
		ln -s "$out/att.$p" "$CFG/netd/attachments.json.tmp.$p"
	done
	ln -s "$out/pid" "$DNSDIR/.aardvark.pid.tmp"
	before=$(files_world)
	run --separate-stderr ip netns exec "$HOST" unshare -m -p -f --mount-proc --propagation private sh -c \
		'mount --bind "$0" /etc/resolv.conf || exit 99; exec "$@"' "$RESOLV" \
		env NETD_DNS_LOG_FILE="$DNSLOG" "$NETD" --config "$CFG" --firewall-driver none -a "$NETD_DNS" \
		setup "/run/netns/$C1" <<<"$(named dnsa)"
	assert_status 0
	after=$(files_world)
	world_assert_same "$before" "$after"
	assert_eq "$(ls -A "$out")" "" "outside directory"
	assert_eq "$(sed -n 2p "$DNSDIR/dnsa")" "$id 10.89.0.2  web" "DNS entry written in place"
	[[ -f $CFG/netd/containers/$id.json && ! -L $CFG/netd/containers/$id.json ]] ||
		die "state file not written in place"
	[[ -f $DNSDIR/aardvark.pid && ! -L $DNSDIR/aardvark.pid ]] || die "pid file not written in place"
	# no temporaries left behind
	assert_eq "$(find "$CFG" -name '.netd.tmp.*' -o -name '.aardvark.pid.tmp.*' | wc -l)" 0 "temporaries"
}

@test "a symlink planted as a container's record is never followed: not read, not written through" {
	local out=$BATS_TEST_TMPDIR/outside id req rec
	id=$(dcid 1)
	req=$(req_json "$id" "$(net_json plain ndsbr0 10.89.0.0/24)" "$(att_json plain eth0 10.89.0.2)")
	# a real record of this container, kept outside, then the container gone
	dnetd setup "/run/netns/$C1" <<<"$req"
	assert_status 0
	mkdir -p "$out"
	cp "$CFG/netd/containers/$id.json" "$out/record.json"
	rec=$(sha256sum <"$out/record.json")
	dnetd teardown "/run/netns/$C1" <<<"$req"
	assert_status 0
	# planted in its place: setup does not take it for the record, and replaces the link
	ln -s "$out/record.json" "$CFG/netd/containers/$id.json"
	dnetd NETD_LOG=warn setup "/run/netns/$C1" <<<"$req"
	assert_status 0
	assert_contains "$stderr" "is a symbolic link, which netd never writes; ignoring it"
	[[ -f $CFG/netd/containers/$id.json && ! -L $CFG/netd/containers/$id.json ]] ||
		die "the record was not written in place of the link"
	assert_eq "$(sha256sum <"$out/record.json")" "$rec" "the file the link named"
	# teardown over a planted link: ignored the same way, the target untouched
	dnetd teardown "/run/netns/$C1" <<<"$req"
	assert_status 0
	ln -s "$out/record.json" "$CFG/netd/containers/$id.json"
	dnetd NETD_LOG=warn teardown "/run/netns/$C1" <<<"$req"
	assert_status 0
	assert_contains "$stderr" "is a symbolic link, which netd never writes; ignoring it"
	assert_eq "$(sha256sum <"$out/record.json")" "$rec" "the file the link named"
	assert_eq "$(ls -A "$out")" "record.json" "outside directory"
}

# ---------------------------------------------------------------------------
# stale pid file

@test "a stale pid file naming another process: that process is not signalled, a new netd-dns serves" {
	web_on_a
	local old victim_pid before after new
	old=$(dns_pid)
	kill "$old"
	wait_gone "$old" 5 || die "netd-dns $old did not stop"
	sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	victim_pid=$!
	BG_PIDS+=("$victim_pid")
	printf '%s' "$victim_pid" >"$DNSDIR/aardvark.pid"
	before=$(files_world --pid "$victim_pid")
	dsetup "$C2" "$(dreq "$(dcid 2)" db "$(neta)" "$(datt dnsa eth0 10.89.0.3)")"
	after=$(files_world --pid "$victim_pid")
	world_assert_same "$before" "$after"
	proc_running "$victim_pid" || die "the victim process was killed"
	new=$(dns_pid)
	[[ $new != "$victim_pid" ]] || die "pid file still names the victim"
	is_our_netd_dns "$new" || die "pid $new is not this test's netd-dns"
	expect_rr "$C1" "$GW4" db A 10.89.0.3
	expect_rr "$C2" "$GW4" web A 10.89.0.2
}
