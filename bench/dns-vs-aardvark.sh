#!/usr/bin/env bash
# netd-dns vs aardvark-dns: queries per second, latency and memory, side by
# side, in one run, measured with dnsperf. See bench/dns-README.md.
#
# Every server runs in throwaway network namespaces of its own: "host"
# holds the gateway 10.90.0.1/16 on a veth whose peer, in a "client"
# namespace, carries container c0's IP (10.90.0.2), so every query comes from
# a container the server knows. The upstream resolver is a dnsmasq started by
# this script on 127.0.0.53 inside the host namespace; each server runs in a
# private mount namespace whose /etc/resolv.conf names only that dnsmasq. No
# packet leaves the namespaces this script creates.
#
#   sudo bench/dns-vs-aardvark.sh
#   sudo NETD_DNS=/tmp/build-dnsbench/dns/netd-dns bench/dns-vs-aardvark.sh
#   sudo BENCH_DURATION=2 BENCH_REPS=1 BENCH_SIZES="100 10000" bench/dns-vs-aardvark.sh
#
# For each size N both servers are started side by side (separate
# namespaces), and every measurement alternates between them, BENCH_REPS
# times, so drifting load elsewhere on the machine hits both alike:
#   local-max   A queries for random container names, closed loop
#               (dnsperf keeps BENCH_OUTSTANDING in flight)
#   local-lat   the same at a fixed rate both servers sustain, with
#               per-query latencies (dnsperf -v) -> p50/p90/p99/p99.9
#   fwd-cold    unique names only dnsmasq knows (TTL 300), each asked once
#   fwd-warm    the last BENCH_FWD_WARM of those names again, closed loop
#               (netd-dns answers from its cache; aardvark-dns has none)
#   fwd-lat     fwd-warm at a fixed rate, with per-query latencies
#   rss         VmHWM (peak RSS) of each server after all of the above
# The CPU time of the server (user, system) and of dnsperf is recorded for
# every run, and from it the server's CPU time per answered query.
#
# Environment (defaults in brackets):
#   NETD_DNS            netd-dns binary [build/dns/netd-dns of this checkout]
#   NETD_COMMIT         commit to report for it [the one built into the
#                       binary, else HEAD of this checkout]
#   AARDVARK            aardvark-dns binary [/usr/lib/podman/aardvark-dns]
#   BENCH_OUT           machine-readable results (JSON) [/tmp/netd-dns-bench.json]
#   BENCH_SERVERS       which servers ["aardvark netd"]
#   BENCH_SIZES         containers on the network ["100 1000 10000"]
#   BENCH_RUNS          which runs ["local-max local-lat fwd-cold fwd-warm fwd-lat"]
#   BENCH_REPS          repetitions of every run but fwd-cold, alternating
#                       servers; qps is the median, percentiles are taken
#                       over all repetitions' queries together [3]
#   BENCH_DURATION      seconds of each closed-loop run [4]
#   BENCH_LAT_DURATION  seconds of each fixed-rate run [4]
#   BENCH_LAT_QPS       rate of local-lat [auto: half of aardvark's local-max
#                       median at that size, rounded down to 500; 5000
#                       without aardvark]
#   BENCH_FWD_LAT_QPS   rate of fwd-lat [auto: half of aardvark's fwd-warm]
#   BENCH_CLIENTS       dnsperf -c [4]
#   BENCH_OUTSTANDING   dnsperf -q, queries in flight in closed-loop runs [100]
#   BENCH_QUERIES       lines in the local query file [10000]
#   BENCH_FWD_NAMES     unique names in the cold pass [20000]
#   BENCH_FWD_WARM      names in the warm pass [3000]; keep it below
#                       netd-dns's cache (4096 entries, FIFO) or the warm
#                       pass is not warm
#   BENCH_PIN           0: no pinning, everything shares the CPUs; 1: servers
#                       on CPU 1, dnsperf and dnsmasq on CPU 0 [0] (pinning
#                       puts dnsperf's send and receive threads on one CPU,
#                       which adds milliseconds to its latency figures)
#   BENCH_NICE          if set (e.g. -10): nice value of servers, dnsperf and
#                       dnsmasq alike, against other load on the machine [unset]
#   BENCH_PERF_DIR      if set: `perf record` netd-dns during every run and
#                       write flat profiles (per DSO and per symbol) there [unset]
#
# Needs root, iproute2, dnsperf, dnsmasq, dig, jq, util-linux (unshare, taskset).
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"	# delete_namespaces
NETD_DNS=${NETD_DNS:-$REPO/build/dns/netd-dns}
AARDVARK=${AARDVARK:-/usr/lib/podman/aardvark-dns}
BENCH_OUT=${BENCH_OUT:-/tmp/netd-dns-bench.json}
BENCH_SERVERS=${BENCH_SERVERS:-aardvark netd}
BENCH_SIZES=${BENCH_SIZES:-100 1000 10000}
BENCH_RUNS=${BENCH_RUNS:-local-max local-lat fwd-cold fwd-warm fwd-lat}
BENCH_REPS=${BENCH_REPS:-3}
BENCH_DURATION=${BENCH_DURATION:-4}
BENCH_LAT_DURATION=${BENCH_LAT_DURATION:-4}
BENCH_LAT_QPS=${BENCH_LAT_QPS:-}
BENCH_FWD_LAT_QPS=${BENCH_FWD_LAT_QPS:-}
BENCH_CLIENTS=${BENCH_CLIENTS:-4}
BENCH_OUTSTANDING=${BENCH_OUTSTANDING:-100}
BENCH_QUERIES=${BENCH_QUERIES:-10000}
BENCH_FWD_NAMES=${BENCH_FWD_NAMES:-20000}
BENCH_FWD_WARM=${BENCH_FWD_WARM:-3000}
BENCH_PIN=${BENCH_PIN:-0}
BENCH_NICE=${BENCH_NICE:-}
BENCH_PERF_DIR=${BENCH_PERF_DIR:-}

GW=10.90.0.1
CLIENT=10.90.0.2	# container c0
UPSTREAM=127.0.0.53	# dnsmasq, on the host namespace's loopback
PREFIX=dnb$$-		# every namespace this run creates starts with this
WORK=""
declare -A SPID=()	# server -> daemon pid
declare -A UPID=()	# server -> its dnsmasq's pid
PERF_PID=""		# a running dnsperf
PERFREC_PID=""		# a running perf record (BENCH_PERF_DIR)
START=$SECONDS
CLK_TCK=$(getconf CLK_TCK)

die() { printf 'dns-vs-aardvark: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*" >&2; }

# --- clean-up (also on Ctrl-C) ---------------------------------------------

state_of() { awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null || true; }

stop_pid() {	# stop_pid PID: TERM, then KILL; until it is gone or a zombie
	local pid=$1
	[ -n "$pid" ] && [ -d "/proc/$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		[ -d "/proc/$pid" ] && [ "$(state_of "$pid")" != Z ] || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	sleep 0.2
}

cleanup() {
	local rc=$? s
	trap - EXIT INT TERM
	[ -z "$PERFREC_PID" ] || { kill -INT "$PERFREC_PID" 2>/dev/null || true; wait "$PERFREC_PID" 2>/dev/null || true; }
	if [ -n "$PERF_PID" ]; then	# /usr/bin/time, with dnsperf as its child
		pkill -TERM -P "$PERF_PID" 2>/dev/null || true
		kill "$PERF_PID" 2>/dev/null || true
		wait "$PERF_PID" 2>/dev/null || true
	fi
	for s in "${!SPID[@]}"; do stop_pid "${SPID[$s]}"; done
	for s in "${!UPID[@]}"; do stop_pid "${UPID[$s]}"; wait "${UPID[$s]}" 2>/dev/null || true; done
	delete_namespaces ""
	[ -z "$WORK" ] || rm -rf -- "$WORK"
	[ "$rc" -eq 0 ] || note "stopped (exit $rc); servers killed, all ${PREFIX}* namespaces deleted"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- checks -----------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces)"
for t in ip dnsperf dnsmasq dig jq unshare taskset ss /usr/bin/time; do
	command -v "$t" >/dev/null || die "missing tool: $t"
done
for s in $BENCH_SERVERS; do
	case $s in
	netd) [ -x "$NETD_DNS" ] || die "netd-dns not found at $NETD_DNS (set NETD_DNS)" ;;
	aardvark) [ -x "$AARDVARK" ] || die "aardvark-dns not found at $AARDVARK (apt-get install podman)" ;;
	*) die "unknown server '$s' in BENCH_SERVERS" ;;
	esac
done
for r in $BENCH_RUNS; do
	case $r in local-max | local-lat | fwd-cold | fwd-warm | fwd-lat) ;; *) die "unknown run '$r' in BENCH_RUNS" ;; esac
done
[ -e /etc/resolv.conf ] || die "/etc/resolv.conf must exist (it is bind-mounted over, privately)"
[ "$BENCH_FWD_WARM" -le "$BENCH_FWD_NAMES" ] || die "BENCH_FWD_WARM must not exceed BENCH_FWD_NAMES"
[ "$BENCH_REPS" -ge 1 ] || die "BENCH_REPS must be at least 1"
NCPU=$(nproc)
if [ "$BENCH_PIN" = 1 ] && [ "$NCPU" -lt 2 ]; then
	note "only $NCPU CPU: no pinning"
	BENCH_PIN=0
fi
PIN_SRV=()
PIN_CLI=()
if [ "$BENCH_PIN" = 1 ]; then
	PIN_SRV=(taskset -c 1)
	PIN_CLI=(taskset -c 0)
fi
if [ -n "$BENCH_NICE" ]; then
	PIN_SRV=(nice -n "$BENCH_NICE" "${PIN_SRV[@]}")
	PIN_CLI=(nice -n "$BENCH_NICE" "${PIN_CLI[@]}")
fi
[ -z "$BENCH_PERF_DIR" ] || { command -v perf >/dev/null || die "BENCH_PERF_DIR needs perf"; mkdir -p "$BENCH_PERF_DIR"; }

WORK=$(mktemp -d /tmp/dns-vs-aardvark.XXXXXX)
RES=$WORK/results.tsv	# server size key value (aggregated)
REPS=$WORK/reps.tsv	# server size run rep metric value (every repetition)
: >"$RES"
: >"$REPS"
put() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RES"; }
get() { awk -F'\t' -v s="$1" -v n="$2" -v k="$3" '$1==s && $2==n && $3==k {v=$4} END {print v}' "$RES"; }
want() { case " $BENCH_RUNS " in *" $1 "*) return 0 ;; esac; return 1; }

# --- input files ------------------------------------------------------------

ip4_of() {	# ip4_of I: container cI's address (c0 = 10.90.0.2, ...)
	local n=$(($1 + 2))
	printf '10.90.%d.%d' $((n >> 8)) $((n & 255))
}

gen_config() {	# gen_config N DIR: one network file in aardvark-dns's format
	local n=$1 dir=$2
	mkdir -p "$dir"
	{
		echo "$GW"
		head -c $((32 * n)) /dev/urandom | od -An -tx1 -v | tr -d ' \n' | fold -w 64 |
			awk '{ k = NR + 1; printf "%s 10.90.%d.%d  c%d\n", $0, int(k / 256), k % 256, NR - 1 }'
	} >"$dir/bench"
	[ "$(wc -l <"$dir/bench")" -eq $((n + 1)) ] || die "config for $n containers came out wrong"
}

gen_inputs() {
	local n
	for n in $BENCH_SIZES; do
		awk -v n="$n" -v q="$BENCH_QUERIES" 'BEGIN { srand(42); for (i = 0; i < q; i++) printf "c%d A\n", int(rand() * n) }' \
			>"$WORK/local-$n.txt"
	done
	awk -v m="$BENCH_FWD_NAMES" 'BEGIN { for (i = 0; i < m; i++) printf "f%d.example.test A\n", i }' >"$WORK/fwd-cold.txt"
	tail -n "$BENCH_FWD_WARM" "$WORK/fwd-cold.txt" >"$WORK/fwd-warm.txt"
	awk -v m="$BENCH_FWD_NAMES" 'BEGIN { for (i = 0; i < m; i++) printf "198.51.100.%d f%d.example.test\n", i % 250 + 1, i }' \
		>"$WORK/upstream.hosts"
	echo "198.51.100.253 fwdcheck.example.test" >>"$WORK/upstream.hosts"	# in no pass
	printf 'nameserver %s\n' "$UPSTREAM" >"$WORK/resolv.conf"
}

# --- one server's world -----------------------------------------------------

hns() { echo "$PREFIX$1-$N-h"; }	# hns SERVER: its host namespace
cns() { echo "$PREFIX$1-$N-c"; }	# cns SERVER: its client namespace

wait_bound() {	# wait_bound NS IP: until something listens on IP:53/udp (10 s)
	for _ in $(seq 100); do
		[ -z "$(ip netns exec "$1" ss -Hunl "src $2:53")" ] || return 0
		sleep 0.1
	done
	return 1
}

setup_world() {	# setup_world SERVER: namespaces, dnsmasq, the server; checked
	local s=$1 h c bin dir t0
	h=$(hns "$s")
	c=$(cns "$s")
	ip netns add "$h"
	ip netns add "$c"
	ip -n "$h" link set lo up
	ip -n "$c" link set lo up
	ip -n "$h" link add vh type veth peer name vc netns "$c"
	ip -n "$h" addr add "$GW/16" dev vh
	ip -n "$h" link set vh up
	ip -n "$c" addr add "$CLIENT/16" dev vc
	ip -n "$c" link set vc up
	ip -n "$h" addr add "$UPSTREAM/8" dev lo 2>/dev/null || true

	ip netns exec "$h" "${PIN_CLI[@]}" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--conf-file=/dev/null --user=root --group=root \
		--listen-address="$UPSTREAM" --bind-interfaces --port=53 \
		--addn-hosts="$WORK/upstream.hosts" --local-ttl=300 --domain-needed \
		--pid-file="$WORK/dnsmasq-$s-$N.pid" --log-facility=- >"$WORK/dnsmasq-$s-$N.log" 2>&1 &
	UPID[$s]=$!
	wait_bound "$h" "$UPSTREAM" || die "dnsmasq did not start: $(tail -3 "$WORK/dnsmasq-$s-$N.log")"
	[ "$(ip netns exec "$h" dig +short +time=2 +tries=1 @"$UPSTREAM" f1.example.test A)" = 198.51.100.2 ] ||
		die "dnsmasq does not answer f1.example.test"

	case $s in netd) bin=$NETD_DNS ;; aardvark) bin=$AARDVARK ;; esac
	dir=$WORK/conf-$s-$N
	cp -r "$WORK/conf-$N" "$dir"
	t0=$(date +%s%N)
	# A private mount namespace whose resolv.conf names only our dnsmasq; the
	# daemon forks, keeps it, and writes DIR/aardvark.pid (both servers do).
	NETD_DNS_LOG_FILE=$WORK/$s-$N.log ip netns exec "$h" unshare -m --propagation private sh -c \
		'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' sh \
		"$WORK/resolv.conf" "${PIN_SRV[@]}" "$bin" --config "$dir" -p 53 run \
		>"$WORK/$s-$N.out" 2>&1 || die "$s failed to start: $(cat "$WORK/$s-$N.out")"
	# aardvark-dns 1.4.0 reports ready before it binds: wait for the socket.
	wait_bound "$h" "$GW" || die "$s never bound $GW:53: $(cat "$WORK/$s-$N.out")"
	put "$s" "$N" startup_ms $((($(date +%s%N) - t0) / 1000000))
	SPID[$s]=$(cat "$dir/aardvark.pid")
	[ -d "/proc/${SPID[$s]}" ] || die "$s: pid ${SPID[$s]} from aardvark.pid is not running"
	put "$s" "$N" threads "$(awk '/^Threads:/ {print $2}' "/proc/${SPID[$s]}/status")"

	# Both paths answer correctly before anything is timed.
	local a want
	want=$(ip4_of $((N - 1)))
	a=$(ip netns exec "$c" dig +short +time=3 +tries=1 -b "$CLIENT" @"$GW" "c$((N - 1))" A 2>&1 || true)
	[ "$a" = "$want" ] || die "$s: c$((N - 1)) answered '$a', expected $want"
	a=$(ip netns exec "$c" dig +short +time=6 +tries=1 -b "$CLIENT" @"$GW" fwdcheck.example.test A 2>&1 || true)
	[ "$a" = 198.51.100.253 ] || die "$s: forwarded fwdcheck.example.test answered '$a', expected 198.51.100.253"
	# Warm-up, not recorded: first-touch page faults, lazy allocations.
	ip netns exec "$c" "${PIN_CLI[@]}" dnsperf -s "$GW" -a "$CLIENT" -d "$WORK/local-$N.txt" \
		-c "$BENCH_CLIENTS" -l 1 -q "$BENCH_OUTSTANDING" >/dev/null 2>&1 || die "$s: warm-up dnsperf failed"
}

alive_or_die() {	# alive_or_die SERVER WHEN
	local st
	st=$(state_of "${SPID[$1]}")
	[ -n "$st" ] && [ "$st" != Z ] && return 0
	die "$1 (pid ${SPID[$1]}, N=$N) is no longer running $2; its log: $(tail -5 "$WORK/$1-$N.log" 2>/dev/null)"
}

teardown_world() {	# teardown_world SERVER: TERM it, check nothing is left behind
	local s=$1 pid=${SPID[$1]} st=""
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		[ -d "/proc/$pid" ] && [ "$(state_of "$pid")" != Z ] || { st=exited; break; }
		sleep 0.1
	done
	[ -n "$st" ] || { kill -KILL "$pid" 2>/dev/null || true; st=needed-SIGKILL; }
	put "$s" "$N" after_sigterm "$st"
	# The daemon is an orphan: pid 1 reaps it. Wait for that (5 s).
	for _ in $(seq 50); do
		[ -d "/proc/$pid" ] || break
		sleep 0.1
	done
	if [ -d "/proc/$pid" ]; then
		put "$s" "$N" reaped "no (state $(state_of "$pid"), parent $(awk '/^PPid:/ {print $2}' "/proc/$pid/status" 2>/dev/null))"
	else
		put "$s" "$N" reaped yes
	fi
	put "$s" "$N" leftover_processes "$(ip netns pids "$(hns "$s")" 2>/dev/null | grep -vx "${UPID[$s]}" | wc -l)"
	unset "SPID[$s]"
	stop_pid "${UPID[$s]}"
	wait "${UPID[$s]}" 2>/dev/null || true
	unset "UPID[$s]"
	ip netns delete "$(hns "$s")"
	ip netns delete "$(cns "$s")"
}

# --- measuring ----------------------------------------------------------------

proc_ticks() { awk '{ sub(/^.*\) /, ""); split($0, f, " "); print f[12], f[13] }' "/proc/$1/stat"; }	# user sys
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# run_dnsperf SERVER RUN REP FILE [DNSPERF ARGS...]: one dnsperf from the
# client namespace; one row per metric into $REPS.
run_dnsperf() {
	local s=$1 run=$2 rep=$3 file=$4 out pid u0 s0 u1 s1 b0 b1 w0 w1 ms
	shift 4
	pid=${SPID[$s]}
	out=$WORK/$s-$N-$run-$rep
	if [ -n "$BENCH_PERF_DIR" ] && [ "$s" = netd ]; then
		perf record -q -e cpu-clock -F 2999 -p "$pid" -o "$out.perf" >/dev/null 2>&1 &
		PERFREC_PID=$!
	fi
	read -r u0 s0 < <(proc_ticks "$pid")
	b0=$(cpu_busy)
	w0=$(date +%s%N)
	ip netns exec "$(cns "$s")" "${PIN_CLI[@]}" /usr/bin/time -f '%U %S' -o "$out.time" \
		dnsperf -s "$GW" -a "$CLIENT" -d "$file" -c "$BENCH_CLIENTS" "$@" \
		>"$out.txt" 2>"$out.err" &
	PERF_PID=$!
	wait "$PERF_PID" || die "dnsperf failed ($s $run): $(tail -3 "$out.err")"
	PERF_PID=""
	w1=$(date +%s%N)
	alive_or_die "$s" "after $run"
	read -r u1 s1 < <(proc_ticks "$pid")
	b1=$(cpu_busy)
	if [ -n "$PERFREC_PID" ]; then
		kill -INT "$PERFREC_PID" 2>/dev/null || true
		wait "$PERFREC_PID" 2>/dev/null || true
		PERFREC_PID=""
		{
			perf report -i "$out.perf" --stdio --sort dso 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8
			echo
			perf report -i "$out.perf" --stdio --sort sym 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
		} >"$BENCH_PERF_DIR/netd-$N-$run-$rep.txt" || true
		rm -f "$out.perf"
	fi
	ms=$(((w1 - w0) / 1000000))
	{
		awk '
			/Queries sent:/ { print "sent", $3 }
			/Queries completed:/ { print "completed", $3 }
			/Queries lost:/ { print "lost", $3 }
			/Response codes:/ { sub(/.*Response codes: */, ""); gsub(/ \([^)]*\)/, ""); gsub(/, /, ","); gsub(/ /, ":"); print "rcodes", $0 }
			/Run time \(s\):/ { print "runtime_s", $4 }
			/Queries per second:/ { print "qps", $4 }
			/Average Latency \(s\):/ { print "lat_avg_ms", $4 * 1000; gsub(/[(),]/, ""); print "lat_min_ms", $6 * 1000; print "lat_max_ms", $8 * 1000 }
			/Latency StdDev \(s\):/ { print "lat_stddev_ms", $4 * 1000 }
		' "$out.txt"
		awk -v ms="$ms" -v hz="$CLK_TCK" -v su="$((u1 - u0))" -v ss="$((s1 - s0))" \
			-v bt="$((b1 - b0))" -v ncpu="$NCPU" '
			NR == 1 && NF == 2 {
				w = ms / 1000
				print "wall_s", w
				print "server_user_s", su / hz
				print "server_sys_s", ss / hz
				print "dnsperf_s", $1 + $2
				print "machine_busy_s", bt / hz
			}' "$out.time"
	} | awk -v p="$s	$N	$run	$rep" '{ print p "\t" $1 "\t" $2 }' >>"$REPS"
	if grep -q '^> ' "$out.txt"; then	# -v: one line per answer, latency last
		awk '$1 == ">" && $2 != "T" && $2 != "I" {print $NF * 1000}' "$out.txt" >>"$WORK/$s-$N-$run.lat"
	fi
	rm -f "$out.txt"
	note "$(printf '  %-9s N=%-6s %-9s #%s %10.0f q/s  lost %s  server cpu %.2f  dnsperf cpu %.2f' \
		"$s" "$N" "$run" "$rep" "$(rep_get "$s" "$run" "$rep" qps)" "$(rep_get "$s" "$run" "$rep" lost)" \
		"$(awk -v a="$(rep_get "$s" "$run" "$rep" server_user_s)" -v b="$(rep_get "$s" "$run" "$rep" server_sys_s)" -v w="$(rep_get "$s" "$run" "$rep" wall_s)" 'BEGIN {print (a + b) / w}')" \
		"$(awk -v a="$(rep_get "$s" "$run" "$rep" dnsperf_s)" -v w="$(rep_get "$s" "$run" "$rep" wall_s)" 'BEGIN {print a / w}')")"
}

rep_get() {	# rep_get SERVER RUN REP METRIC
	awk -F'\t' -v s="$1" -v n="$N" -v r="$2" -v k="$3" -v m="$4" \
		'$1==s && $2==n && $3==r && $4==k && $5==m {v=$6} END {print v}' "$REPS"
}

# aggregate SERVER RUN: repetitions -> one set of figures in $RES.
#   qps, latencies from dnsperf: median over repetitions (and the list);
#   counts, CPU seconds: summed, then turned into shares and per-query costs;
#   percentiles: over all repetitions' per-query latencies together.
aggregate() {
	local s=$1 run=$2
	awk -F'\t' -v s="$s" -v n="$N" -v r="$run" -v ncpu="$NCPU" '
		function median(list,  a, k, i, j, t) {
			k = split(list, a, ",")
			for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
			return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		}
		function out(k, v) { printf "%s\t%s\t%s.%s\t%s\n", s, n, r, k, v }
		$1 == s && $2 == n && $3 == r {
			m = $5; v = $6
			if (m == "rcodes") { rc = rc (rc == "" ? "" : " ") v; next }
			list[m] = (cnt[m]++ ? list[m] "," : "") v
			sum[m] += v
		}
		END {
			if (!("wall_s" in sum)) exit
			out("reps", split(list["wall_s"], _x, ","))
			out("qps", median(list["qps"])); out("qps_reps", list["qps"])
			out("lat_avg_ms", median(list["lat_avg_ms"])); out("lat_stddev_ms", median(list["lat_stddev_ms"]))
			out("lat_max_ms", median(list["lat_max_ms"]))
			out("sent", sum["sent"]); out("completed", sum["completed"]); out("lost", sum["lost"])
			out("rcodes", rc)
			w = sum["wall_s"]
			out("cpu_server", sprintf("%.3f", (sum["server_user_s"] + sum["server_sys_s"]) / w))
			out("cpu_server_user", sprintf("%.3f", sum["server_user_s"] / w))
			out("cpu_dnsperf", sprintf("%.3f", sum["dnsperf_s"] / w))
			out("cpu_machine", sprintf("%.3f", sum["machine_busy_s"] / w / ncpu))
			if (sum["completed"] > 0) {
				out("server_us_per_query", sprintf("%.2f", (sum["server_user_s"] + sum["server_sys_s"]) / sum["completed"] * 1e6))
				out("server_user_us_per_query", sprintf("%.2f", sum["server_user_s"] / sum["completed"] * 1e6))
				out("dnsperf_us_per_query", sprintf("%.2f", sum["dnsperf_s"] / sum["completed"] * 1e6))
			}
		}' "$REPS" >>"$RES"
	if [ -s "$WORK/$s-$N-$run.lat" ]; then
		sort -g "$WORK/$s-$N-$run.lat" | awk -v p="$s	$N	$run" '
			{ v[NR] = $1 }
			function q(x,  i) { i = int(NR * x + 0.999999); if (i < 1) i = 1; return v[i] }
			END {
				if (!NR) exit
				printf "%s.p50_ms\t%.3f\n%s.p90_ms\t%.3f\n%s.p99_ms\t%.3f\n%s.p999_ms\t%.3f\n", \
					p, q(0.50), p, q(0.90), p, q(0.99), p, q(0.999)
			}' >>"$RES"
		rm -f "$WORK/$s-$N-$run.lat"
	fi
}

rate_for() {	# rate_for RUN-OF-AARDVARK FIXED: the rate of a fixed-rate run
	local a
	if [ -n "$2" ]; then echo "$2"; return; fi
	a=$(get aardvark "$N" "$1.qps")
	if [ -n "$a" ]; then
		awk -v a="$a" 'BEGIN { r = int(a / 2 / 500) * 500; if (r < 500) r = 500; print r }'
	else
		echo 5000
	fi
}

# each RUN REPS ARGS...: every server, REPS times, alternating which goes first
each() {
	local run=$1 reps=$2 r s order
	shift 2
	for r in $(seq "$reps"); do
		order=$BENCH_SERVERS
		[ $((r % 2)) -eq 1 ] || order=$(printf '%s\n' $BENCH_SERVERS | tac | tr '\n' ' ')
		for s in $order; do
			run_dnsperf "$s" "$run" "$r" "$@"
		done
	done
	for s in $BENCH_SERVERS; do aggregate "$s" "$run"; done
}

bench_size() {
	local s lq fq
	gen_config "$N" "$WORK/conf-$N"
	for s in $BENCH_SERVERS; do setup_world "$s"; done

	! want local-max || each local-max "$BENCH_REPS" "$WORK/local-$N.txt" -l "$BENCH_DURATION" -q "$BENCH_OUTSTANDING"
	if want local-lat; then
		lq=$(rate_for local-max "$BENCH_LAT_QPS")
		for s in $BENCH_SERVERS; do put "$s" "$N" local-lat.offered_qps "$lq"; done
		each local-lat "$BENCH_REPS" "$WORK/local-$N.txt" -l "$BENCH_LAT_DURATION" -Q "$lq" -q "$BENCH_OUTSTANDING" -v
	fi
	! want fwd-cold || each fwd-cold 1 "$WORK/fwd-cold.txt" -n 1 -q "$BENCH_OUTSTANDING" -v
	! want fwd-warm || each fwd-warm "$BENCH_REPS" "$WORK/fwd-warm.txt" -l "$BENCH_DURATION" -q "$BENCH_OUTSTANDING"
	if want fwd-lat; then
		fq=$(rate_for fwd-warm "$BENCH_FWD_LAT_QPS")
		for s in $BENCH_SERVERS; do put "$s" "$N" fwd-lat.offered_qps "$fq"; done
		each fwd-lat "$BENCH_REPS" "$WORK/fwd-warm.txt" -l "$BENCH_LAT_DURATION" -Q "$fq" -q "$BENCH_OUTSTANDING" -v
	fi

	for s in $BENCH_SERVERS; do
		alive_or_die "$s" "after all runs"
		put "$s" "$N" rss_peak_kb "$(awk '/^VmHWM:/ {print $2}' "/proc/${SPID[$s]}/status")"
		put "$s" "$N" rss_now_kb "$(awk '/^VmRSS:/ {print $2}' "/proc/${SPID[$s]}/status")"
		put "$s" "$N" lost_total "$(awk -F'\t' -v s="$s" -v n="$N" '$1==s && $2==n && $5=="lost" {t += $6} END {print t + 0}' "$REPS")"
		teardown_world "$s"
	done
	rm -rf "$WORK/conf-$N"
}

# --- run ----------------------------------------------------------------------

gen_inputs
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
note "netd-dns vs aardvark-dns: sizes [$BENCH_SIZES], runs [$BENCH_RUNS] x$BENCH_REPS, ${BENCH_DURATION}s/${BENCH_LAT_DURATION}s each, pinning=$BENCH_PIN, nice=${BENCH_NICE:-0}, load average $LOAD_BEFORE"
for N in $BENCH_SIZES; do
	bench_size
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report -------------------------------------------------------------------

ver() {
	case $1 in
	netd)
		local c
		c=${NETD_COMMIT:-$("$NETD_DNS" version 2>/dev/null | jq -r '.commit // empty' 2>/dev/null || true)}
		[ -n "$c" ] && [ "$c" != unknown ] || c="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown) (HEAD of $REPO)"
		printf '%s (commit %s)' "$("$NETD_DNS" --version 2>/dev/null | head -1)" "$c" ;;
	aardvark) "$AARDVARK" --version 2>/dev/null | head -1 ;;
	esac
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

table() {	# table TITLE KEY: one row per size, netd / aardvark / ratio
	local title=$1 key=$2 n a b
	printf '\n%s\n' "$title"
	printf '  %-10s %12s %14s %10s\n' containers netd-dns aardvark-dns netd/aard
	for n in $BENCH_SIZES; do
		a=$(get netd "$n" "$key")
		b=$(get aardvark "$n" "$key")
		printf '  %-10s %12s %14s %10s\n' "$n" "${a:--}" "${b:--}" "$(ratio "$a" "$b")"
	done
}

report() {
	printf '\nnetd-dns vs aardvark-dns (dnsperf, UDP, one network, client is container c0)\n'
	printf 'machine: %s CPUs, kernel %s; pinning: %s; nice %s\nload average before %s, after %s\n' \
		"$NCPU" "$(uname -r)" "$([ "$BENCH_PIN" = 1 ] && echo 'servers on CPU1, dnsperf+dnsmasq on CPU0' || echo 'none (all share the CPUs)')" \
		"${BENCH_NICE:-0}" "$LOAD_BEFORE" "$LOAD_AFTER"
	for s in $BENCH_SERVERS; do printf '%-9s %s\n' "$s:" "$(ver "$s")"; done
	printf 'each run %s time(s), servers alternating; qps = median\n' "$BENCH_REPS"
	if want local-max; then
		table "local names, closed loop: queries/s" local-max.qps
		table "local names, closed loop: server CPU (1.0 = one core)" local-max.cpu_server
		table "local names, closed loop: dnsperf CPU" local-max.cpu_dnsperf
		table "local names: server CPU per answer, user+sys (us)" local-max.server_us_per_query
		table "local names: server user-space CPU per answer (us)" local-max.server_user_us_per_query
		table "local names: dnsperf CPU per answer (us)" local-max.dnsperf_us_per_query
	fi
	if want local-lat; then
		table "local names, fixed rate: offered queries/s" local-lat.offered_qps
		table "local names, fixed rate: p50 latency (ms)" local-lat.p50_ms
		table "local names, fixed rate: p99 latency (ms)" local-lat.p99_ms
	fi
	if want fwd-cold; then
		table "forwarded, cold (each name once, closed loop): queries/s" fwd-cold.qps
		table "forwarded, cold: p99 latency (ms, closed loop)" fwd-cold.p99_ms
		table "forwarded, cold: server CPU per answer (us)" fwd-cold.server_us_per_query
	fi
	if want fwd-warm; then
		table "forwarded, warm (netd-dns: cache; aardvark-dns: none): queries/s" fwd-warm.qps
		table "forwarded, warm: server CPU per answer (us)" fwd-warm.server_us_per_query
	fi
	if want fwd-lat; then
		table "forwarded, warm, fixed rate: offered queries/s" fwd-lat.offered_qps
		table "forwarded, warm, fixed rate: p99 latency (ms)" fwd-lat.p99_ms
	fi
	table "peak RSS after all runs (VmHWM, KiB)" rss_peak_kb
	table "queries lost, all runs summed" lost_total
	printf '\nafter SIGTERM (exit / reaped by pid 1 / processes left in the namespace):\n'
	for s in $BENCH_SERVERS; do for n in $BENCH_SIZES; do
		printf '  %-9s %-6s %s / %s / %s\n' "$s" "$n" "$(get "$s" "$n" after_sigterm)" \
			"$(get "$s" "$n" reaped)" "$(get "$s" "$n" leftover_processes)"
	done; done
}
report

# --- JSON -----------------------------------------------------------------------

jq -Rn \
	--arg kernel "$(uname -r)" --argjson ncpu "$NCPU" --arg pin "$BENCH_PIN" --arg nice "$BENCH_NICE" \
	--arg netd "$(ver netd 2>/dev/null || true)" --arg aardvark "$(ver aardvark 2>/dev/null || true)" \
	--arg load_before "$LOAD_BEFORE" --arg load_after "$LOAD_AFTER" \
	--arg sizes "$BENCH_SIZES" --arg runs "$BENCH_RUNS" --argjson reps "$BENCH_REPS" \
	--argjson duration "$BENCH_DURATION" --argjson lat_duration "$BENCH_LAT_DURATION" \
	--argjson clients "$BENCH_CLIENTS" --argjson outstanding "$BENCH_OUTSTANDING" \
	--argjson fwd_names "$BENCH_FWD_NAMES" --argjson fwd_warm "$BENCH_FWD_WARM" \
	--argjson elapsed "$((SECONDS - START))" '
	{
		meta: { kernel: $kernel, cpus: $ncpu, pinned: ($pin == "1"), nice: $nice, netd_dns: $netd,
			aardvark_dns: $aardvark, load_before: $load_before, load_after: $load_after,
			sizes: ($sizes | split(" ") | map(tonumber)), runs: ($runs | split(" ")), reps: $reps,
			duration_s: $duration, latency_duration_s: $lat_duration, dnsperf_clients: $clients,
			dnsperf_outstanding: $outstanding, fwd_cold_names: $fwd_names, fwd_warm_names: $fwd_warm,
			elapsed_s: $elapsed },
		results: (reduce ([inputs | split("\t")] | .[]) as $r ({};
			setpath([$r[0], $r[1]] + ($r[2] | split(".")); ($r[3] | tonumber? // $r[3]))))
	}' <"$RES" >"$BENCH_OUT"
note "results: $BENCH_OUT  (elapsed $((SECONDS - START)) s)"
