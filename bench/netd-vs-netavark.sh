#!/usr/bin/env bash
# netd vs netavark: setup/teardown latency, side by side, in the same run.
#
# Everything happens inside throwaway network namespaces. For every tool and
# every scenario a fresh namespace plays the host (lo up, a default route via
# a veth to a peer namespace); each container is a namespace of its own made
# with `ip netns add`. Both tools get the very same request JSON. Namespace
# creation is never timed: a small timer (bench/ntime.c, compiled on the fly)
# runs inside the host namespace and times only the tool's process.
#
#   sudo bench/netd-vs-netavark.sh
#   sudo NETD=/tmp/build-bench/netd/netd BENCH_CONTAINERS=1000 bench/netd-vs-netavark.sh
#
# Environment (defaults in brackets):
#   NETD                  netd binary [build/netd/netd of this checkout]
#   NETAVARK              netavark binary [/usr/lib/podman/netavark]
#   BENCH_OUT             machine-readable results (JSON) [/tmp/netd-bench.json]
#   BENCH_SCENARIOS       which scenarios to run, letters out of "abcd" [abcd]
#   BENCH_RUNS            (a) setup+teardown runs [30]
#   BENCH_CONTAINERS      (b) containers on one network [1000]
#   BENCH_PORTS           (c) ports of the big container [200]
#   BENCH_PORT_RUNS       (c) runs per variant [10]
#   BENCH_PARALLEL        (d) concurrent first setups [8]
#   BENCH_PARALLEL_RUNS   (d) repetitions [5]
#   BENCH_BUDGET          seconds the whole script may take; scenario (b) of
#                         netavark stops early to fit, and says so [600]
#   BENCH_TOOLS           "netd netavark", or just one of them [netd netavark]
#   BENCH_CONFIG_BASE     where the --config directories go; Podman uses
#                         /run/containers/networks, a tmpfs [/dev/shm]
#
# Needs root, iproute2, jq, a C compiler, and for netavark 1.4.0 iptables.
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"	# delete_namespaces
NETD=${NETD:-$REPO/build/netd/netd}
NETAVARK=${NETAVARK:-/usr/lib/podman/netavark}
BENCH_OUT=${BENCH_OUT:-/tmp/netd-bench.json}
BENCH_SCENARIOS=${BENCH_SCENARIOS:-abcd}
BENCH_RUNS=${BENCH_RUNS:-30}
BENCH_CONTAINERS=${BENCH_CONTAINERS:-1000}
BENCH_PORTS=${BENCH_PORTS:-200}
BENCH_PORT_RUNS=${BENCH_PORT_RUNS:-10}
BENCH_PARALLEL=${BENCH_PARALLEL:-8}
BENCH_PARALLEL_RUNS=${BENCH_PARALLEL_RUNS:-5}
BENCH_BUDGET=${BENCH_BUDGET:-600}
BENCH_CONFIG_BASE=${BENCH_CONFIG_BASE:-/dev/shm}
read -r -a TOOLS <<<"${BENCH_TOOLS:-netd netavark}"

START=$SECONDS
PREFIX=nvb$$-		# every namespace this run creates starts with this
WORK=""			# temp dir: requests, job files, logs
CFGBASE=""		# temp dir under BENCH_CONFIG_BASE: the tools' --config directories
JOB=""			# pid of the running timer, if any

die() { printf 'netd-vs-netavark: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*" >&2; }

# --- clean-up (also on Ctrl-C) -----------------------------------------

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$JOB" ]; then
		kill "$JOB" 2>/dev/null || true
		wait "$JOB" 2>/dev/null || true
		sleep 1		# let a tool that was mid-command finish it
	fi
	delete_namespaces ""
	[ -z "$WORK" ] || rm -rf --one-file-system -- "${WORK:?}"
	[ -z "$CFGBASE" ] || rm -rf --one-file-system -- "${CFGBASE:?}"
	[ "$rc" -eq 0 ] || note "stopped (exit $rc); all ${PREFIX}* namespaces deleted"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- checks ---------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || die "run me as root (I create network namespaces)"
for t in ip jq cc awk sort; do
	command -v "$t" >/dev/null || die "'$t' is missing"
done
[ -x "$NETD" ] || die "no netd at $NETD (build it, or set NETD=path)"
[ -x "$NETAVARK" ] || die "no netavark at $NETAVARK (apt-get install podman iptables, or set NETAVARK=path)"
command -v iptables >/dev/null || die "'iptables' is missing: netavark 1.4.0 needs it (apt-get install iptables)"
case $BENCH_CONTAINERS in ''|*[!0-9]*) die "BENCH_CONTAINERS must be a number";; esac
[ "$BENCH_CONTAINERS" -ge 1 ] && [ "$BENCH_CONTAINERS" -le 5000 ] || die "BENCH_CONTAINERS: 1..5000"
[ "$BENCH_PORTS" -ge 1 ] && [ "$BENCH_PORTS" -le 10000 ] || die "BENCH_PORTS: 1..10000"

WORK=$(mktemp -d /tmp/netd-bench.XXXXXX)
CFGBASE=$(mktemp -d "$BENCH_CONFIG_BASE/netd-bench.XXXXXX")
cc -O2 -Wall -o "$WORK/ntime" "$REPO/bench/ntime.c" || die "cannot compile bench/ntime.c"
NTIME=$WORK/ntime
RESULTS=$WORK/results.tsv	# scenario metric tool value unit n note
ERRORS=$WORK/errors.tsv	# scenario tool message
SERIES=$WORK/series.tsv	# scenario tool index ms
: >"$RESULTS"; : >"$ERRORS"; : >"$SERIES"

record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

# --- namespaces -----------------------------------------------------------

# new_host NAME: a fresh "host" namespace NAME, with lo up and a default
# route (v4 and v6) through a veth to the peer namespace NAME-up.
new_host() {
	local h=$PREFIX$1 p=$PREFIX$1-up
	ip netns add "$h"
	ip netns add "$p"
	ip -n "$h" link set lo up
	ip -n "$p" link set lo up
	ip link add nvb-up netns "$h" type veth peer name nvb-dn netns "$p"
	ip -n "$h" addr add 192.0.2.2/24 dev nvb-up
	ip -n "$p" addr add 192.0.2.1/24 dev nvb-dn
	ip -n "$h" -6 addr add 2001:db8:ffff::2/64 dev nvb-up nodad
	ip -n "$p" -6 addr add 2001:db8:ffff::1/64 dev nvb-dn nodad
	ip -n "$h" link set nvb-up up
	ip -n "$p" link set nvb-dn up
	ip -n "$h" route add default via 192.0.2.1
	ip -n "$h" -6 route add default via 2001:db8:ffff::1
}

# new_containers NAME FIRST LAST: namespaces NAME-cFIRST .. NAME-cLAST
new_containers() {
	local i
	for ((i = $2; i <= $3; i++)); do
		printf 'netns add %sc%d\n' "$PREFIX$1-" "$i"
	done | ip -batch -
}

# Wait until the kernel is quiet again: deleting namespaces with many links
# keeps it (and the RTNL lock) busy for a while after `ip netns del`. Only
# kernel time counts (system, irq, softirq), so that another program burning
# CPU in user space does not hold us up; we give up after 15 s.
settle() {
	local n a b c d e f g h t0 k0 t1 k1
	for ((n = 0; n < 30; n++)); do
		read -r _ a b c d e f g h _ </proc/stat
		t0=$((a + b + c + d + e + f + g + h)) k0=$((c + f + g))
		sleep 0.5
		read -r _ a b c d e f g h _ </proc/stat
		t1=$((a + b + c + d + e + f + g + h)) k1=$((c + f + g))
		[ $(( (k1 - k0) * 100 / (t1 - t0 > 0 ? t1 - t0 : 1) )) -ge 10 ] || return 0
	done
}

# --- requests -------------------------------------------------------------
#
# One dual-stack bridge network, isolate=true; every container gets static
# IPv4 and IPv6 addresses and tcp port mappings. The same file is given to
# both tools (a map under "networks", options only mtu/isolate: netavark
# 1.4.0 understands nothing newer).

NET_ID=$(printf '%064x' 0xbe0c4)
NETWORK_INFO='"bench":{"name":"bench","id":"'$NET_ID'","driver":"bridge","network_interface":"nvb0","subnets":[{"subnet":"10.90.0.0/16","gateway":"10.90.0.1"},{"subnet":"fd90::/64","gateway":"fd90::1"}],"ipv6_enabled":true,"internal":false,"dns_enabled":false,"options":{"isolate":"true"},"ipam_options":{"driver":"host-local"}}'

# request INDEX NPORTS FIRST_HOST_PORT: container INDEX (1..), NPORTS tcp
# ports host FIRST_HOST_PORT+k -> container 1000+k.
request() {
	local i=$1 n=$2 hp=$3 k ports="" sep=""
	for ((k = 0; k < n; k++)); do
		ports+=$sep'{"host_ip":"","container_port":'$((1000 + k))',"host_port":'$((hp + k))',"range":1,"protocol":"tcp"}'
		sep=,
	done
	printf '{"container_id":"%064x","container_name":"bench-%d","networks":{"bench":{"interface_name":"eth0","static_ips":["10.90.%d.%d","fd90::%x"]}},"network_info":{%s},"port_mappings":[%s]}\n' \
		"$((0xc0 << 32 | i))" "$i" "$(((i + 1) / 250))" "$(((i + 1) % 250 + 2))" "$((i + 1))" \
		"$NETWORK_INFO" "$ports"
}

# --- running jobs -----------------------------------------------------------

# tool_cmd TOOL CONFIG: the command line of TOOL with its --config
tool_cmd() {
	case $1 in
	netd) printf '%s --config %s' "$NETD" "$2" ;;
	netavark) printf '%s --config %s' "$NETAVARK" "$2" ;;
	esac
}

# run_jobs HOST OUT NTIME-OPTIONS... JOBFILE: run a job file inside HOST
# (ntime prints "tag ns status" lines into OUT). Failed jobs' output is kept.
run_jobs() {
	local host=$PREFIX$1 out=$2
	shift 2
	mkdir -p "$WORK/logs"
	rm -f "$WORK"/logs/*.log
	# In the background, so that Ctrl-C or a TERM reaches our trap at once.
	ip netns exec "$host" "$NTIME" -l "$WORK/logs" "$@" >"$out" &
	JOB=$!
	wait "$JOB" || true
	JOB=""
}

# report_failures SCENARIO TOOL OUT: note failed jobs (first 3 messages)
report_failures() {
	local scen=$1 tool=$2 out=$3 nfail line msg
	nfail=$(awk '$1 != "wall" && $1 != "deadline" && $3 != 0' "$out" | wc -l)
	[ "$nfail" -gt 0 ] || return 0
	note "  !! $tool: $nfail command(s) failed in scenario $scen"
	for line in $(ls -v "$WORK"/logs/*.log 2>/dev/null | head -3); do
		msg=$(tr '\n' ' ' <"$line" | cut -c1-400)
		note "     $(basename "$line" .log): $msg"
		printf '%s\t%s\t%s\n' "$scen" "$tool" "$msg" >>"$ERRORS"
	done
	return 0
}

# Statistics over the ms values on stdin.
stat_median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
stat_p95() { sort -g | awk '{v[NR]=$1} END {if (NR==0) {print "nan"; exit} i=int(NR*0.95); if (i<NR*0.95) i++; print v[i]}'; }
# ms_of OUT TAG-REGEX: elapsed ms of successful jobs whose tag matches
ms_of() { awk -v re="$2" '$1 ~ re && $3 == 0 {printf "%.3f\n", $2/1e6}' "$1"; }

fmt() { [ "$1" = nan ] && printf '%10s' '-' || printf '%10.2f' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a=="nan"||b=="nan"||b==0) print "nan"; else printf "%.2f\n", a/b}'; }
row() {	# row LABEL NETD_MS NETAVARK_MS
	local r
	r=$(ratio "$3" "$2")
	printf '  %-30s %s %s %10s\n' "$1" "$(fmt "$2")" "$(fmt "$3")" "$([ "$r" = nan ] && echo - || echo "${r}x")"
}
header() {
	printf '\n%s\n' "$1"
	printf '  %-30s %10s %10s %10s\n' "" "netd ms" "netavark" "nv/netd"
}

# --- scenario a: one container, setup and teardown, N runs -------------------

scenario_a() {
	local tool cfg jobs out i
	declare -A v
	note "(a) one dual-stack container, 1 published port: $BENCH_RUNS setup+teardown runs per tool"
	request 1 1 8080 >"$WORK/a.json"
	for tool in "${TOOLS[@]}"; do
		new_host "a-$tool"
		new_containers "a-$tool" 0 "$BENCH_RUNS"
		cfg=$CFGBASE/cfg-a-$tool jobs=$WORK/a-$tool.jobs out=$WORK/a-$tool.out
		: >"$jobs"
		for ((i = 0; i <= BENCH_RUNS; i++)); do	# run 0: warm-up, not counted
			echo "s$i $WORK/a.json $(tool_cmd "$tool" "$cfg") setup /run/netns/${PREFIX}a-$tool-c$i" >>"$jobs"
			echo "t$i $WORK/a.json $(tool_cmd "$tool" "$cfg") teardown /run/netns/${PREFIX}a-$tool-c$i" >>"$jobs"
		done
		run_jobs "a-$tool" "$out" -k "$jobs"
		report_failures a "$tool" "$out"
		v[$tool,sm]=$(ms_of "$out" '^s([1-9]|[1-9][0-9]+)$' | stat_median)
		v[$tool,sp]=$(ms_of "$out" '^s([1-9]|[1-9][0-9]+)$' | stat_p95)
		v[$tool,tm]=$(ms_of "$out" '^t([1-9]|[1-9][0-9]+)$' | stat_median)
		v[$tool,tp]=$(ms_of "$out" '^t([1-9]|[1-9][0-9]+)$' | stat_p95)
		ms_of "$out" '^s([1-9]|[1-9][0-9]+)$' | awk -v t="$tool" '{print "a-setup\t" t "\t" NR "\t" $1}' >>"$SERIES"
		ms_of "$out" '^t([1-9]|[1-9][0-9]+)$' | awk -v t="$tool" '{print "a-teardown\t" t "\t" NR "\t" $1}' >>"$SERIES"
		record a setup_median "$tool" "${v[$tool,sm]:-nan}" ms "$BENCH_RUNS" ""
		record a setup_p95 "$tool" "${v[$tool,sp]:-nan}" ms "$BENCH_RUNS" ""
		record a teardown_median "$tool" "${v[$tool,tm]:-nan}" ms "$BENCH_RUNS" ""
		record a teardown_p95 "$tool" "${v[$tool,tp]:-nan}" ms "$BENCH_RUNS" ""
		delete_namespaces "a-$tool"
		settle
	done
	header "(a) one dual-stack container, 1 published port ($BENCH_RUNS runs, after 1 warm-up run)"
	row "setup median" "${v[netd,sm]:-nan}" "${v[netavark,sm]:-nan}"
	row "setup p95" "${v[netd,sp]:-nan}" "${v[netavark,sp]:-nan}"
	row "teardown median" "${v[netd,tm]:-nan}" "${v[netavark,tm]:-nan}"
	row "teardown p95" "${v[netd,tp]:-nan}" "${v[netavark,tp]:-nan}"
}

# --- scenario b: container #1, #10, #100, #1000 on one network ----------------

B_IDX=(1 10 100 1000 2000 5000)

scenario_b() {
	local tool cfg jobs out i k done_n deadline reserve ports attached note_txt
	declare -A v
	note "(b) $BENCH_CONTAINERS containers with 10 published ports each on one network"
	for ((i = 1; i <= BENCH_CONTAINERS; i++)); do
		request "$i" 10 $((10000 + (i - 1) * 10)) >"$WORK/b-$i.json"
	done
	for tool in "${TOOLS[@]}"; do
		new_host "b-$tool"
		new_containers "b-$tool" 1 "$BENCH_CONTAINERS"
		cfg=$CFGBASE/cfg-b-$tool jobs=$WORK/b-$tool.jobs out=$WORK/b-$tool.out
		for ((i = 1; i <= BENCH_CONTAINERS; i++)); do
			echo "$i $WORK/b-$i.json $(tool_cmd "$tool" "$cfg") setup /run/netns/${PREFIX}b-$tool-c$i"
		done >"$jobs"
		# Whatever the budget has left, keeping 30 s for cleaning up.
		reserve=30
		deadline=$((BENCH_BUDGET - (SECONDS - START) - reserve))
		[ "$deadline" -ge 10 ] || deadline=10
		note "  $tool: setting up $BENCH_CONTAINERS containers (stops after ${deadline}s to fit BENCH_BUDGET=$BENCH_BUDGET)"
		run_jobs "b-$tool" "$out" -d "$deadline" "$jobs"
		report_failures b "$tool" "$out"
		done_n=$(awk '$3 == 0 && $1 ~ /^[0-9]+$/' "$out" | wc -l)
		attached=$(ip -n "$PREFIX""b-$tool" -o link show master nvb0 2>/dev/null | wc -l)
		v[$tool,n]=$done_n
		note_txt=""
		if [ "$(awk '$1 ~ /^[0-9]+$/ && $3 != 0' "$out" | wc -l)" -gt 0 ]; then
			note_txt="stopped at a failed setup after $done_n containers"
		elif [ "$done_n" -lt "$BENCH_CONTAINERS" ]; then
			note_txt="only $done_n of $BENCH_CONTAINERS containers set up within the time budget"
		fi
		[ -z "$note_txt" ] || note "  !! $tool: $note_txt"
		note "  $tool: $done_n containers set up, $attached veths on the bridge, $(awk '$1 ~ /^[0-9]+$/ {s+=$2} END {printf "%.1f", s/1e9}' "$out") s in setups"
		awk '$1 ~ /^[0-9]+$/ && $3 == 0 {printf "b-setup\t%s\t%s\t%.3f\n", t, $1, $2/1e6}' t="$tool" "$out" >>"$SERIES"
		for i in "${B_IDX[@]}"; do
			[ "$i" -le "$BENCH_CONTAINERS" ] || continue
			v[$tool,$i]=$(ms_of "$out" "^$i\$" | stat_median)
			record b "setup_container_$i" "$tool" "${v[$tool,$i]:-nan}" ms 1 "$note_txt"
		done
		v[$tool,first]=$(ms_of "$out" '^([2-9]|1[01])$' | stat_median)
		v[$tool,last]=$(awk '$1 ~ /^[0-9]+$/ && $3 == 0 {printf "%.3f\n", $2/1e6}' "$out" | tail -10 | stat_median)
		v[$tool,total]=$(awk '$1 ~ /^[0-9]+$/ && $3 == 0 {s+=$2} END {printf "%.1f", s/1e6}' "$out")
		record b setup_median_2_11 "$tool" "${v[$tool,first]:-nan}" ms 10 ""
		record b setup_median_last10 "$tool" "${v[$tool,last]:-nan}" ms 10 "last 10 of $done_n"
		record b containers_set_up "$tool" "$done_n" count 1 "$note_txt"
		record b total_setup_time "$tool" "${v[$tool,total]:-nan}" ms_total "$done_n" "all $done_n setups"
		delete_namespaces "b-$tool"
		settle
	done
	header "(b) setup of container #k on one network, 10 published ports each (containers stay up)"
	for i in "${B_IDX[@]}"; do
		[ "$i" -le "$BENCH_CONTAINERS" ] || continue
		row "container #$i" "${v[netd,$i]:-nan}" "${v[netavark,$i]:-nan}"
	done
	row "median of #2..#11" "${v[netd,first]:-nan}" "${v[netavark,first]:-nan}"
	# Compare at the same container numbers: up to the last one both tools got to.
	k=$BENCH_CONTAINERS
	for tool in "${TOOLS[@]}"; do [ "${v[$tool,n]}" -ge "$k" ] || k=${v[$tool,n]}; done
	for tool in "${TOOLS[@]}"; do
		v[$tool,kmed]=$(awk -v k="$k" '$1 ~ /^[0-9]+$/ && $1 > k - 10 && $1 <= k && $3 == 0 {printf "%.3f\n", $2/1e6}' "$WORK/b-$tool.out" | stat_median)
		v[$tool,ktotal]=$(awk -v k="$k" '$1 ~ /^[0-9]+$/ && $1 <= k && $3 == 0 {s+=$2} END {printf "%.1f", s/1e6}' "$WORK/b-$tool.out")
		record b "setup_median_$((k > 10 ? k - 9 : 1))_$k" "$tool" "${v[$tool,kmed]}" ms 10 ""
		record b "total_setup_time_first_$k" "$tool" "${v[$tool,ktotal]}" ms "$k" ""
	done
	[ "$k" -le 11 ] || row "median of #$((k - 9))..#$k" "${v[netd,kmed]:-nan}" "${v[netavark,kmed]:-nan}"
	row "setups #1..#$k, total" "${v[netd,ktotal]:-nan}" "${v[netavark,ktotal]:-nan}"
	for tool in "${TOOLS[@]}"; do
		[ "${v[$tool,n]}" -gt "$k" ] || continue
		printf '  %-30s %s ms\n' "$tool, median of last 10" "${v[$tool,last]}"
	done
	printf '  %-30s %10s %10s\n' "containers set up" "${v[netd,n]:--}" "${v[netavark,n]:--}"
	for tool in "${TOOLS[@]}"; do
		i=$BENCH_CONTAINERS
		[ -n "${v[$tool,$i]:-}" ] && [ "${v[$tool,$i]:-nan}" != nan ] || continue
		printf '  %-30s %s\n' "$tool #$i / #1" "$(ratio "${v[$tool,$i]:-nan}" "${v[$tool,1]:-nan}")x"
	done
	for tool in "${TOOLS[@]}"; do
		[ "${v[$tool,n]:-nan}" -ge "$BENCH_CONTAINERS" ] ||
			printf '  NOTE: %s set up only %s of %s containers (time budget %ss or failure)\n' \
				"$tool" "${v[$tool,n]:-nan}" "$BENCH_CONTAINERS" "$BENCH_BUDGET"
	done
}

# --- scenario c: 200 ports vs 1 port -----------------------------------------

scenario_c() {
	local tool cfg jobs out i n kind f
	declare -A v
	note "(c) one container with $BENCH_PORTS vs 1 published port: $BENCH_PORT_RUNS setups each"
	request 1 1 20000 >"$WORK/c-1.json"
	request 1 "$BENCH_PORTS" 20000 >"$WORK/c-many.json"
	for tool in "${TOOLS[@]}"; do
		out=$WORK/c-$tool.out
		: >"$out"
		n=0
		# Every setup gets a fresh host namespace (so no teardown is needed in
		# between, which for netavark takes as long as the setup): a warm-up
		# (1 port, not counted), then 1 port and many ports in turn.
		for ((i = 0; i <= BENCH_PORT_RUNS; i++)); do
			for kind in one many; do
				[ "$i" -gt 0 ] || [ "$kind" = one ] || continue
				f=$WORK/c-1.json
				[ "$kind" = one ] || f=$WORK/c-many.json
				n=$((n + 1))
				new_host "c-$tool-$n"
				new_containers "c-$tool-$n" 1 1
				cfg=$CFGBASE/cfg-c-$tool-$n jobs=$WORK/c-$tool-$n.jobs
				echo "$kind$i $f $(tool_cmd "$tool" "$cfg") setup /run/netns/${PREFIX}c-$tool-$n-c1" >"$jobs"
				run_jobs "c-$tool-$n" "$WORK/c-$tool-$n.out" "$jobs"
				report_failures c "$tool" "$WORK/c-$tool-$n.out"
				cat "$WORK/c-$tool-$n.out" >>"$out"
			done
		done
		ms_of "$out" '^one([1-9]|[1-9][0-9]+)$' | awk -v t="$tool" '{print "c-1-port\t" t "\t" NR "\t" $1}' >>"$SERIES"
		ms_of "$out" '^many[0-9]+$' | awk -v t="$tool" -v n="$BENCH_PORTS" '{print "c-" n "-ports\t" t "\t" NR "\t" $1}' >>"$SERIES"
		v[$tool,1]=$(ms_of "$out" '^one([1-9]|[1-9][0-9]+)$' | stat_median)
		v[$tool,n]=$(ms_of "$out" '^many[0-9]+$' | stat_median)
		record c setup_median_1_port "$tool" "${v[$tool,1]:-nan}" ms "$BENCH_PORT_RUNS" ""
		record c "setup_median_${BENCH_PORTS}_ports" "$tool" "${v[$tool,n]:-nan}" ms "$BENCH_PORT_RUNS" ""
		delete_namespaces "c-$tool"
		settle
	done
	header "(c) one container, $BENCH_PORTS published ports vs 1 (setup, median of $BENCH_PORT_RUNS)"
	row "1 port" "${v[netd,1]:-nan}" "${v[netavark,1]:-nan}"
	row "$BENCH_PORTS ports" "${v[netd,n]:-nan}" "${v[netavark,n]:-nan}"
	for tool in "${TOOLS[@]}"; do
		printf '  %-30s %s\n' "$tool $BENCH_PORTS ports / 1 port" "$(ratio "${v[$tool,n]:-nan}" "${v[$tool,1]:-nan}")x"
	done
}

# --- scenario d: 8 concurrent first setups -----------------------------------

scenario_d() {
	local tool cfg jobs out r i fails lock
	declare -A v
	note "(d) $BENCH_PARALLEL concurrent first setups on an empty network: $BENCH_PARALLEL_RUNS repetitions"
	for ((i = 1; i <= BENCH_PARALLEL; i++)); do
		request "$i" 1 $((8080 + i)) >"$WORK/d-$i.json"
	done
	# netavark 1.4.0 has no lock of its own (podman serialises its calls), so
	# it also runs a third time with each call under flock(1), as an engine would.
	local dtools=("${TOOLS[@]}")
	[[ " ${TOOLS[*]} " != *" netavark "* ]] || dtools+=(netavark-flock)
	for tool in "${dtools[@]}"; do
		: >"$WORK/d-$tool.walls"
		fails=0
		for ((r = 1; r <= BENCH_PARALLEL_RUNS; r++)); do
			# a fresh host per repetition: a failed concurrent setup may leave debris
			new_host "d-$tool-$r"
			new_containers "d-$tool-$r" 1 "$BENCH_PARALLEL"
			cfg=$CFGBASE/cfg-d-$tool-$r jobs=$WORK/d-$tool-$r.jobs out=$WORK/d-$tool-$r.out
			mkdir -p "$cfg"
			lock=""
			[ "$tool" != netavark-flock ] || lock="flock $cfg/engine.lock "
			for ((i = 1; i <= BENCH_PARALLEL; i++)); do
				echo "$i $WORK/d-$i.json $lock$(tool_cmd "${tool%-flock}" "$cfg") setup /run/netns/${PREFIX}d-$tool-$r-c$i"
			done >"$jobs"
			run_jobs "d-$tool-$r" "$out" -p "$jobs"
			report_failures d "$tool" "$out"
			fails=$((fails + $(awk '$1 ~ /^[0-9]+$/ && $3 != 0' "$out" | wc -l)))
			awk '$1 == "wall" {printf "%.3f\n", $2/1e6}' "$out" >>"$WORK/d-$tool.walls"
			delete_namespaces "d-$tool-$r"
		done
		settle
		v[$tool,med]=$(stat_median <"$WORK/d-$tool.walls")
		v[$tool,max]=$(sort -g "$WORK/d-$tool.walls" | tail -1)
		v[$tool,fails]=$fails
		awk -v t="$tool" '{print "d-wall\t" t "\t" NR "\t" $1}' "$WORK/d-$tool.walls" >>"$SERIES"
		record d wall_median "$tool" "${v[$tool,med]:-nan}" ms "$BENCH_PARALLEL_RUNS" "$BENCH_PARALLEL concurrent setups"
		record d wall_max "$tool" "${v[$tool,max]:-nan}" ms "$BENCH_PARALLEL_RUNS" ""
		record d failed_setups "$tool" "$fails" count $((BENCH_PARALLEL * BENCH_PARALLEL_RUNS)) ""
	done
	header "(d) $BENCH_PARALLEL concurrent first setups on an empty network (wall time, $BENCH_PARALLEL_RUNS repetitions)"
	row "wall time, median" "${v[netd,med]:-nan}" "${v[netavark,med]:-nan}"
	row "wall time, max" "${v[netd,max]:-nan}" "${v[netavark,max]:-nan}"
	printf '  %-30s %10s %10s   (of %d)\n' "failed setups" "${v[netd,fails]:--}" "${v[netavark,fails]:--}" \
		$((BENCH_PARALLEL * BENCH_PARALLEL_RUNS))
	[[ " ${TOOLS[*]} " == *" netavark "* ]] || return 0
	printf '  netavark with every call under flock (serialised, as an engine runs it):\n'
	row "wall time, median" "${v[netd,med]:-nan}" "${v[netavark-flock,med]:-nan}"
	row "wall time, max" "${v[netd,max]:-nan}" "${v[netavark-flock,max]:-nan}"
	printf '  %-30s %10s %10s   (of %d)\n' "failed setups" "${v[netd,fails]:--}" "${v[netavark-flock,fails]:--}" \
		$((BENCH_PARALLEL * BENCH_PARALLEL_RUNS))
}

# --- main -----------------------------------------------------------------------

NETD_VERSION=$("$NETD" --version 2>/dev/null || echo "?")
NETD_COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo "?")
# Uncommitted changes under netd/ mean the binary may not be exactly HEAD.
[ -z "$(git -C "$REPO" status --porcelain -- netd meson.build 2>/dev/null)" ] || NETD_COMMIT+="+dirty"
NETD_BUILT=$("$NETD" version 2>/dev/null | jq -r '.commit + " " + .build_time' 2>/dev/null || echo "?")
NETAVARK_VERSION=$("$NETAVARK" --version 2>/dev/null || echo "?")
IPTABLES_VERSION=$(iptables -V 2>/dev/null || echo "?")
printf 'netd-vs-netavark: %s (checkout %s, binary says %s, %s)\n' "$NETD_VERSION" "$NETD_COMMIT" \
	"$NETD_BUILT" "$NETD"
printf '             vs %s (%s, %s)\n' "$NETAVARK_VERSION" "$IPTABLES_VERSION" "$NETAVARK"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'machine: %s CPUs, kernel %s, load average %s; scenarios %s, budget %ss\n' "$(nproc)" \
	"$(uname -r)" "$LOAD_START" "$BENCH_SCENARIOS" "$BENCH_BUDGET"

# (b) runs last: it is the only one that shrinks to fit the budget.
for s in a c d b; do
	case $BENCH_SCENARIOS in *$s*) "scenario_$s" ;; esac
done

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
printf '\ntotal time: %ss; load average at the end: %s\n' "$((SECONDS - START))" "$LOAD_END"

jq -n \
	--arg netd "$NETD" --arg netd_version "$NETD_VERSION" --arg netd_commit "$NETD_COMMIT" \
	--arg netd_built "$NETD_BUILT" \
	--arg netavark "$NETAVARK" --arg netavark_version "$NETAVARK_VERSION" \
	--arg iptables "$IPTABLES_VERSION" --arg kernel "$(uname -r)" --argjson nproc "$(nproc)" \
	--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --argjson seconds "$((SECONDS - START))" \
	--argjson runs "$BENCH_RUNS" --argjson containers "$BENCH_CONTAINERS" \
	--argjson ports "$BENCH_PORTS" --argjson port_runs "$BENCH_PORT_RUNS" \
	--argjson parallel "$BENCH_PARALLEL" --argjson parallel_runs "$BENCH_PARALLEL_RUNS" \
	--argjson budget "$BENCH_BUDGET" --arg scenarios "$BENCH_SCENARIOS" \
	--arg load_start "$LOAD_START" --arg load_end "$LOAD_END" \
	--rawfile results "$RESULTS" --rawfile errors "$ERRORS" --rawfile series "$SERIES" '
	def num: if . == "nan" or . == "" then null else tonumber end;
	def lines: split("\n") | map(select(length > 0) | split("\t"));
	{
	  date: $date, seconds: $seconds,
	  machine: { nproc: $nproc, kernel: $kernel, loadavg_start: $load_start, loadavg_end: $load_end },
	  netd: { path: $netd, version: $netd_version, commit: $netd_commit, binary: $netd_built },
	  netavark: { path: $netavark, version: $netavark_version, iptables: $iptables },
	  config: { scenarios: $scenarios, runs: $runs, containers: $containers, ports: $ports,
	            port_runs: $port_runs, parallel: $parallel, parallel_runs: $parallel_runs,
	            budget_seconds: $budget },
	  results: ($results | lines | map({ scenario: .[0], metric: .[1], tool: .[2],
	            value: (.[3] | num), unit: .[4], n: (.[5] | num), note: .[6] })),
	  # tool/netd for every ms metric, e.g. ratios["a/setup_median"].netavark
	  ratios: ($results | lines | map(select(.[4] == "ms")) | group_by(.[0] + "/" + .[1])
	           | map((map({ (.[2]): (.[3] | num) }) | add) as $m
	                 | { key: (.[0][0] + "/" + .[0][1]),
	                     value: ($m | to_entries | map(select(.key != "netd"))
	                             | map({ key, value: (if $m.netd and .value and $m.netd > 0
	                                                  then (.value / $m.netd * 100 | round / 100)
	                                                  else null end) }) | from_entries) })
	           | from_entries),
	  errors: ($errors | lines | map({ scenario: .[0], tool: .[1], message: .[2] })),
	  series: ($series | lines | group_by(.[0] + "/" + .[1])
	           | map({ key: (.[0][0] + "/" + .[0][1]), value: map(.[3] | tonumber) }) | from_entries)
	}' >"$BENCH_OUT"
printf 'results: %s\n' "$BENCH_OUT"
if [ -s "$ERRORS" ]; then
	printf '\nFAILURES (first lines of each failed command):\n'
	sed 's/^/  /' "$ERRORS"
fi
