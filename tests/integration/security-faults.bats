#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Faults: netd killed with SIGKILL in the middle of setup, teardown and
# firewall-reload, then a teardown (or another reload) must bring the host
# back to exactly the state before: links, addresses, routes, the nftables
# ruleset, the files in the config directory and whether netd-dns runs.
# Two ways to kill:
#   - strace fault injection: SIGKILL on entry of the Nth netlink message
#     (sendmsg, sendto), file write (sysctls, state, DNS files), rename,
#     unlink, kill (SIGHUP to netd-dns) or clone (starting netd-dns), for
#     every N of an uninterrupted run: every step boundary is hit;
#   - `timeout -s KILL` after a random delay within the command's run time.
# Also: a truncated or corrupt state file, and netd-dns killed and restarted
# by the next setup. Needs root; the strace tests need strace.
#
# Knobs (bench/faults.sh sets them for the long run):
#   NETD_FAULT_STRIDE  test every Nth injection point, from a random offset
#                      (default 3; 1 tests them all)
#   NETD_FAULT_RANDOM  random-delay kills per command (default 4)
#   NETD_FAULT_LOG     a file that gets one summary line per campaign

# shellcheck disable=SC2154 # status, output, stderr: set by bats' run
load sec_helpers

STRIDE=${NETD_FAULT_STRIDE:-3}
RANDOM_RUNS=${NETD_FAULT_RANDOM:-4}
KILL_SET=(sendmsg sendto write rename unlink kill clone)

net_json() {
	sec_net fnet fbr0 10.94.0.0/24 fd94::/64 | jq -c '.dns_enabled = true'
}

# freq ID NAME IP4 IP6 [HOSTPORT]: a request with a published port
freq() {
	sec_req "$1" "$2" "$(net_json)" "$3" "$4" |
		jq -c --argjson hp "${5:-8080}" '.port_mappings = [{host_ip: "", container_port: 80,
			host_port: $hp, range: 1, protocol: "tcp"}]'
}

# netd_raw [strace...] -- CMD ARGS: netd in $HOST, optionally under strace;
# stdin passed on; no `run`. Exit status is netd's (137 when killed).
netd_raw() {
	local pre=()
	while [[ $# -gt 0 && $1 != -- ]]; do pre+=("$1"); shift; done
	shift
	in_host env AARDVARK_NO_PROXY=1 "${pre[@]}" "$NETD" --config "$CFG" \
		--firewall-driver nftables -a "$NETD_DNS" "$@" >/dev/null 2>&1
}

# count_calls CMD ARGS <JSON: how often netd makes each call of KILL_SET,
# as "name count" lines.
count_calls() {
	local f=$BATS_TEST_TMPDIR/count.strace
	netd_raw strace -qq -o "$f" -e trace="$(IFS=,; echo "${KILL_SET[*]}")" -- "$@" || true
	local s
	for s in "${KILL_SET[@]}"; do
		echo "$s $(grep -c "^$s(" "$f" || true)"
	done
}

# Results of one fault campaign: KILLS (runs), LANDED (netd died), SIGS
# (distinct leftover states), checked with record_fault.
declare -gA SIGS=()
KILLS=0 LANDED=0 STRAY=0
record_fault() { # RC LEFTOVER_SECTIONS
	KILLS=$((KILLS + 1))
	if [[ $1 -eq 137 ]]; then LANDED=$((LANDED + 1)); fi
	SIGS[$2]=$((${SIGS[$2]:-0} + 1))
}
report() { # WHAT
	local s out=
	for s in "${!SIGS[@]}"; do out+=" [$s]x${SIGS[$s]}"; done
	say "$1: $KILLS runs, $LANDED killed, restored every time; left behind by the kill:$out" \
		"stray temporary files (<file>.tmp.<pid>) found after recovery: $STRAY"
	echo "FAULTS $1: runs=$KILLS killed=$LANDED distinct_leftovers=${#SIGS[@]} stray_tmp_files=$STRAY" \
		>>"${NETD_FAULT_LOG:-/dev/null}"
}

need_strace() {
	command -v strace >/dev/null || skip "strace is not installed"
}

# kill_and_recover BEFORE CMD NS JSON STRACE_OPTS...: run CMD (setup or
# teardown) of JSON killed as the options say, then teardown; the host must
# be back at BEFORE.
kill_and_recover() {
	local before=$1 cmd=$2 ns=$3 json=$4 rc=0 mid after stray
	shift 4
	netd_raw "$@" -- "$cmd" "/run/netns/$ns" <<<"$json" || rc=$?
	mid=$(host_state_dns)
	netd_raw -- teardown "/run/netns/$ns" <<<"$json" || {
		die "teardown after a kill ($*) failed"
		return 1
	}
	after=$(host_state_dns)
	# a kill between writing <file>.tmp.<pid> and renaming it leaves that
	# file: counted and reported (a known problem), then removed
	stray=$(stray_tmp_files)
	if [[ -n $stray ]]; then
		STRAY=$((STRAY + $(wc -l <<<"$stray")))
		# shellcheck disable=SC2086 # one file name per word
		(cd "$CFG" && rm -f $stray)
	fi
	if [[ $after != "$before" ]]; then
		diff -u <(echo "$before") <(echo "$after") | sed 's/^/# /' >&2
		die "after a kill ($*) and a teardown the host differs from before"
		return 1
	fi
	record_fault "$rc" "$(state_sections "$before" "$mid")"
}

# sweep CMD NS JSON BEFORE [PREP]: kill CMD at every injection point; PREP
# runs before each (e.g. a setup before a killed teardown).
sweep() {
	local cmd=$1 ns=$2 json=$3 before=$4 prep=${5:-} s n count
	[[ -n $prep ]] && $prep
	while read -r s count; do
		((count > 0)) || continue
		# a random offset: the short run (STRIDE > 1) hits other points each time
		for ((n = 1 + RANDOM % STRIDE, n = n > count ? count : n; n <= count; n += STRIDE)); do
			[[ -n $prep ]] && $prep
			kill_and_recover "$before" "$cmd" "$ns" "$json" \
				strace -qq -o /dev/null -e trace="$s" -e inject="$s:signal=KILL:when=$n" || return 1
		done
	done < <(count_calls "$cmd" "/run/netns/$ns" <<<"$json")
	[[ -n $prep ]] && netd_raw -- teardown "/run/netns/$ns" <<<"$json"
	return 0
}

# baseline: a container "base" on the same network, set up and working
baseline() {
	sec_ctr base
	BASEJ=$(freq 100 base 10.94.0.100 fd94::100 8100)
	ssetup "${CTR[base]}" "$BASEJ"
}

# baseline_works: base still reaches its gateway and its name resolves
baseline_works() {
	ip netns exec "${CTR[base]}" ping -c 1 -W 2 10.94.0.1 >/dev/null || die "base cannot ping its gateway"
	local a
	a=$(ip netns exec "${CTR[base]}" dig +short +time=2 +tries=2 @10.94.0.1 base A) || true
	assert_eq "$a" 10.94.0.100 "base's own name through netd-dns"
}

@test "SIGKILL at every netlink message, write, rename, kill and clone of a first setup (bridge, table, netd-dns created); teardown restores the host exactly" {
	need_strace
	local before json
	sec_ctr c1
	json=$(freq 1 c1 10.94.0.2 fd94::2)
	# one full cycle first: what the kernel keeps after the first use (ip_forward) is the baseline
	ssetup "${CTR[c1]}" "$json"
	steardown "${CTR[c1]}" "$json"
	before=$(host_state_dns)
	sweep setup "${CTR[c1]}" "$json" "$before"
	report "setup (first container)"
}

@test "SIGKILL at every injection point of a setup next to a running container; teardown restores the host exactly and the other container keeps working" {
	need_strace
	local before json
	baseline
	sec_ctr c1
	json=$(freq 1 c1 10.94.0.2 fd94::2)
	before=$(host_state_dns)
	sweep setup "${CTR[c1]}" "$json" "$before"
	baseline_works
	report "setup (second container)"
}

@test "SIGKILL at every injection point of a teardown; a second teardown restores the host exactly" {
	need_strace
	local before json
	baseline
	sec_ctr c1
	json=$(freq 1 c1 10.94.0.2 fd94::2)
	before=$(host_state_dns)
	prep_setup() { netd_raw -- setup "/run/netns/${CTR[c1]}" <<<"$json" || die "setup failed"; }
	sweep teardown "${CTR[c1]}" "$json" "$before" prep_setup
	baseline_works
	report "teardown"
}

@test "SIGKILL at random moments of setup and teardown (timeout -s KILL); teardown restores the host exactly" {
	local before json i t0 t1 ms d
	baseline
	sec_ctr c1
	json=$(freq 1 c1 10.94.0.2 fd94::2)
	before=$(host_state_dns)
	# how long an uninterrupted setup and teardown take (ms)
	t0=$(date +%s%N)
	netd_raw -- setup "/run/netns/${CTR[c1]}" <<<"$json"
	t1=$(date +%s%N)
	netd_raw -- teardown "/run/netns/${CTR[c1]}" <<<"$json"
	ms=$(((t1 - t0) / 1000000 + 1))
	for ((i = 0; i < RANDOM_RUNS; i++)); do
		d=$(printf '0.%03d' $((RANDOM % ms % 1000)))
		kill_and_recover "$before" setup "${CTR[c1]}" "$json" timeout -s KILL "$d" || return 1
		netd_raw -- setup "/run/netns/${CTR[c1]}" <<<"$json" || die "setup failed"
		kill_and_recover "$before" teardown "${CTR[c1]}" "$json" timeout -s KILL "$d" || return 1
	done
	baseline_works
	report "random delays up to ${ms} ms"
}

@test "SIGKILL during firewall-reload after nft flush ruleset; the next firewall-reload restores the ruleset exactly" {
	need_strace
	local want n s count rc got
	baseline
	sec_ctr c1
	ssetup "${CTR[c1]}" "$(freq 1 c1 10.94.0.2 fd94::2)"
	want=$(ip netns exec "$HOST" nft list ruleset)
	ip netns exec "$HOST" nft flush ruleset
	while read -r s count; do
		((count > 0)) || continue
		for ((n = 1 + RANDOM % STRIDE, n = n > count ? count : n; n <= count; n += STRIDE)); do
			ip netns exec "$HOST" nft flush ruleset
			rc=0
			netd_raw strace -qq -o /dev/null -e trace="$s" -e inject="$s:signal=KILL:when=$n" \
				-- firewall-reload </dev/null || rc=$?
			got=$(ip netns exec "$HOST" nft list ruleset)
			netd_raw -- firewall-reload </dev/null || die "firewall-reload after a kill failed"
			assert_same_text "$want" "$(ip netns exec "$HOST" nft list ruleset)" \
				"ruleset after a killed and a complete firewall-reload" || return 1
			# one transaction: a kill leaves all of it or none of it
			[[ -z $got || $got == "$want" ]] || die "a killed firewall-reload left a partial ruleset:" "$got"
			record_fault "$rc" "$([[ $got == "$want" ]] && echo none || echo nftables)"
		done
	done < <(count_calls firewall-reload </dev/null)
	netd_raw -- firewall-reload </dev/null
	baseline_works
	report "firewall-reload"
}

@test "a truncated or corrupt state file: firewall-reload names it, setup and teardown still work and clean up" {
	local j1 j2 before f
	sec_ctr c1 c2
	j1=$(freq 1 c1 10.94.0.2 fd94::2)
	j2=$(freq 2 c2 10.94.0.3 fd94::3 8081)
	ssetup "${CTR[c1]}" "$j1"
	steardown "${CTR[c1]}" "$j1"
	before=$(host_state_dns)
	ssetup "${CTR[c1]}" "$j1"
	f=$CFG/netd/containers/$(printf '%064x' 1).json
	[[ -f $f ]] || die "no state file $f"
	for mode in truncated corrupt; do
		if [[ $mode == truncated ]]; then
			truncate -s $(($(stat -c %s "$f") / 2)) "$f"
		else
			printf '\x00\xff{"request": [' >"$f"
		fi
		snd firewall-reload </dev/null
		say "firewall-reload with a $mode state file: exit $status: $stderr"
		assert_contains "$stderr" "$(basename "$f")" "firewall-reload's message"
		# another container can still be set up and torn down
		ssetup "${CTR[c2]}" "$j2"
		steardown "${CTR[c2]}" "$j2"
		# and the damaged container's teardown cleans up everything
		steardown "${CTR[c1]}" "$j1"
		assert_same_text "$before" "$(host_state_dns)" "host after the teardown of the container with a $mode state file"
		ssetup "${CTR[c1]}" "$j1"
	done
	steardown "${CTR[c1]}" "$j1"
}

@test "netd-dns killed with SIGKILL is restarted by the next setup and keeps serving every name" {
	local p1 p2 a
	baseline
	sec_ctr c1
	p1=$(our_dns_pids)
	[[ -n $p1 ]] || die "no netd-dns runs"
	kill -9 "$p1"
	for ((i = 0; i < 50; i++)); do proc_running "$p1" || break; sleep 0.05; done
	ssetup "${CTR[c1]}" "$(freq 1 c1 10.94.0.2 fd94::2)"
	p2=$(our_dns_pids)
	[[ -n $p2 && $p2 != "$p1" ]] || die "netd-dns was not restarted (pids: '$p1' then '$p2')"
	a=$(ip netns exec "${CTR[c1]}" dig +short +time=2 +tries=2 @10.94.0.1 base A) || true
	assert_eq "$a" 10.94.0.100 "the earlier container's name after the restart"
	a=$(ip netns exec "${CTR[base]}" dig +short +time=2 +tries=2 @fd94::1 c1 AAAA) || true
	assert_eq "$a" fd94::2 "the new container's name"
	grep -q '^Seccomp:[[:space:]]*2' "/proc/$p2/status" || die "the restarted netd-dns is not sandboxed"
}
