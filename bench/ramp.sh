#!/usr/bin/env bash
# ramp: how netd's setup time grows with the containers on one network, next
# to the kernel floor (the same kernel objects made with ip/nft), in one run.
#
#   sudo NETD=/tmp/build-bench/netd/netd bench/ramp.sh
#   sudo RAMP_POINTS="1 100 1000" RAMP_REPS=7 RAMP_TRACE=1 NETD=... bench/ramp.sh
#
# Containers 1..N are set up by netd on one dual-stack bridge network
# (isolate, 10 published tcp ports each, static IPv4+IPv6), all in a fresh
# host namespace (see new_host). At each probe point P (RAMP_POINTS) the bridge
# has P netd containers and the script times, interleaved, RAMP_REPS times:
#
#   netd   one more container (same request shape), `netd setup`; it is torn
#          down again (untimed) so that the network stays at P containers;
#   floor  the same kernel objects for one more container made by the standard
#          tools, in three processes:
#            1. `ip -batch` in the host: veth pair (peer into the container's
#               namespace), bridge port, host end up;
#            2. `ip -n CONTAINER -batch`: IPv4 and IPv6 (nodad) address, lo
#               and eth0 up, IPv4 and IPv6 default routes via the gateways;
#            3. `nft -f`: the 10 ports as 20 elements (IPv4 and IPv6) of two
#               maps of the same type as netd's pf4/pf6, in a table of the
#               floor's own that holds P*10 elements per map, like netd's.
#          Then removed (untimed).
#
# The floor does not include what netd does besides (sysctls, state file,
# firewall rules per network, the request parsing, lock, process start of one
# process instead of three). Its *growth* from P=1 to P=N is what the kernel
# must do more for a bigger bridge and bigger maps; netd's growth should be no
# more than that (ratio of growths, printed at the end). Wall-clock times on a
# loaded machine follow the load (and the floor has three process starts to
# netd's one), so the CPU time of each side (wait4) is printed too.
#
# Environment [defaults]:
#   NETD          netd binary [build/netd/netd]
#   RAMP_POINTS   probe points, ascending [1 100 250 500 750 1000]
#   RAMP_REPS     interleaved repetitions per probe point [5]
#   NETD_B        optional second netd binary (e.g. a build before a change):
#                 timed at every probe point too, interleaved, columns "b" []
#   RAMP_TRACE    1: also run one untimed netd setup per probe point under
#                 strace and print load-independent counts (syscalls,
#                 netlink messages, bytes received, files opened), and
#                 (strace -T, load-dependent) the time spent in sendmsg, in
#                 opening /proc/sys files (or sys/ files of netd's own proc
#                 instance, and making it: fsopen, fsconfig, fsmount) and in
#                 all system calls [0]
#   RAMP_TRACE_DIR  with RAMP_TRACE=1: keep each strace as trace-P<P>.txt here []
#   RAMP_OUT      results, TSV: P load netd floor ip+ip netd_cpu floor_cpu
#                 b b_cpu (medians, ms) then the trace counts [/tmp/netd-ramp.tsv]
#   RAMP_CONFIG_BASE  where netd's --config goes, a tmpfs [/dev/shm]
#
# Needs root, iproute2, nftables, a C compiler; strace for RAMP_TRACE.
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"	# delete_namespaces
NETD=${NETD:-$REPO/build/netd/netd}
read -r -a POINTS <<<"${RAMP_POINTS:-1 100 250 500 750 1000}"
REPS=${RAMP_REPS:-5}
TRACE=${RAMP_TRACE:-0}
OUT=${RAMP_OUT:-/tmp/netd-ramp.tsv}
CONFIG_BASE=${RAMP_CONFIG_BASE:-/dev/shm}

PREFIX=ramp$$-
HOST=${PREFIX}h
WORK="" CFG=""

die() { printf 'ramp: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*" >&2; }

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	delete_namespaces ""
	[ -z "$WORK" ] || rm -rf --one-file-system -- "${WORK:?}"
	[ -z "$CFG" ] || rm -rf --one-file-system -- "${CFG:?}"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" -eq 0 ] || die "run me as root (I create network namespaces)"
for t in ip nft cc awk sort; do command -v "$t" >/dev/null || die "'$t' is missing"; done
[ "$TRACE" = 0 ] || command -v strace >/dev/null || die "RAMP_TRACE=1 needs strace"
[ -x "$NETD" ] || die "no netd at $NETD"
[ -z "${NETD_B:-}" ] || [ -x "$NETD_B" ] || die "no netd at NETD_B=$NETD_B"
MAXP=${POINTS[-1]}
[ "$MAXP" -le 4000 ] || die "probe points up to 4000"

WORK=$(mktemp -d /tmp/netd-ramp.XXXXXX)
CFG=$(mktemp -d "$CONFIG_BASE/netd-ramp.XXXXXX")
cc -O2 -Wall -o "$WORK/ntime" "$REPO/bench/ntime.c" || die "cannot compile bench/ntime.c"
mkdir -p "$WORK/logs"

# --- the host, the network, the requests ------------------------------------

new_host() {	# the "host": lo up, v4+v6 default routes via a veth to HOST-up
	local p=${HOST}-up
	ip netns add "$HOST"
	ip netns add "$p"
	ip -n "$HOST" link set lo up
	ip -n "$p" link set lo up
	ip link add rup netns "$HOST" type veth peer name rdn netns "$p"
	ip -n "$HOST" addr add 192.0.2.2/24 dev rup
	ip -n "$p" addr add 192.0.2.1/24 dev rdn
	ip -n "$HOST" -6 addr add 2001:db8:ffff::2/64 dev rup nodad
	ip -n "$p" -6 addr add 2001:db8:ffff::1/64 dev rdn nodad
	ip -n "$HOST" link set rup up
	ip -n "$p" link set rdn up
	ip -n "$HOST" route add default via 192.0.2.1
	ip -n "$HOST" -6 route add default via 2001:db8:ffff::1
}

NET_ID=$(printf '%064x' 0x4a3b)
NETWORK_INFO='"ramp":{"name":"ramp","id":"'$NET_ID'","driver":"bridge","network_interface":"rbr0","subnets":[{"subnet":"10.90.0.0/16","gateway":"10.90.0.1"},{"subnet":"fd90::/64","gateway":"fd90::1"}],"ipv6_enabled":true,"internal":false,"dns_enabled":false,"options":{"isolate":"true"},"ipam_options":{"driver":"host-local"}}'

v4() { printf '10.90.%d.%d' "$((($1 + 1) / 250))" "$((($1 + 1) % 250 + 2))"; }
v6() { printf 'fd90::%x' "$(($1 + 1))"; }
hport() { echo $((10000 + ($1 - 1) * 10)); }	# first host port of container i

request() {	# request I: container I, 10 tcp ports
	local i=$1 k ports="" sep="" hp
	hp=$(hport "$i")
	for ((k = 0; k < 10; k++)); do
		ports+=$sep'{"host_ip":"","container_port":'$((1000 + k))',"host_port":'$((hp + k))',"range":1,"protocol":"tcp"}'
		sep=,
	done
	printf '{"container_id":"%064x","container_name":"ramp-%d","networks":{"ramp":{"interface_name":"eth0","static_ips":["%s","%s"]}},"network_info":{%s},"port_mappings":[%s]}\n' \
		"$((0xc0 << 32 | i))" "$i" "$(v4 "$i")" "$(v6 "$i")" "$NETWORK_INFO" "$ports"
}

floor_elems() {	# floor_elems I: the nft elements of container I's 10 ports
	local i=$1 k hp e4="" e6="" sep=""
	hp=$(hport "$i")
	for ((k = 0; k < 10; k++)); do
		e4+="$sep tcp . $((hp + k)) : $(v4 "$i") . $((1000 + k))"
		e6+="$sep tcp . $((hp + k)) : $(v6 "$i") . $((1000 + k))"
		sep=,
	done
	printf 'add element inet rampfloor pf4 {%s }\nadd element inet rampfloor pf6 {%s }\n' "$e4" "$e6"
}

# Files for the floor's probe container I (namespace $PREFIX.cI, host veth rfI)
floor_files() {
	local i=$1 ns=${PREFIX}c$1
	printf 'link add rf%d type veth peer name eth0 netns %s\nlink set rf%d master rbr0\nlink set rf%d up\n' \
		"$i" "$ns" "$i" "$i" >"$WORK/f$i.host"
	printf 'link set lo up\naddr add %s/16 dev eth0\naddr add %s/64 dev eth0 nodad\nlink set eth0 up\nroute add default via 10.90.0.1\nroute add default via fd90::1\n' \
		"$(v4 "$i")" "$(v6 "$i")" >"$WORK/f$i.ctr"
	floor_elems "$i" >"$WORK/f$i.nft"
	printf 'delete element inet rampfloor pf4 {%s }\ndelete element inet rampfloor pf6 {%s }\n' \
		"$(sed -n '1s/^[^{]*{\(.*\) }$/\1/p' "$WORK/f$i.nft" | sed 's/ : [^,]*//g')" \
		"$(sed -n '2s/^[^{]*{\(.*\) }$/\1/p' "$WORK/f$i.nft" | sed 's/ : [^,]*//g')" >"$WORK/f$i.undo"
}

# --- running -----------------------------------------------------------------

# jobs FILE -> ntime output on stdout (tag ns status); failures are fatal
run_jobs() {
	local out=$WORK/jobs.out
	ip netns exec "$HOST" "$WORK/ntime" -l "$WORK/logs" "$1" >"$out" || true
	if awk '$3 != 0 {bad=1} END {exit !bad}' "$out"; then
		note "a job failed:"; awk '$3 != 0' "$out" >&2
		cat "$WORK"/logs/*.log >&2 2>/dev/null || true
		exit 1
	fi
	cat "$out"
}

grow_to() {	# grow_to N: netd containers 1..N (from the current count), floor map too
	local from=$1 to=$2 i
	[ "$to" -gt "$from" ] || return 0
	for ((i = from + 1; i <= to; i++)); do
		printf 'netns add %sc%d\n' "$PREFIX" "$i"
	done | ip -batch -
	for ((i = from + 1; i <= to; i++)); do
		request "$i" >"$WORK/r$i.json"
		echo "g$i $WORK/r$i.json $NETD --config $CFG setup /run/netns/${PREFIX}c$i"
	done >"$WORK/grow.jobs"
	run_jobs "$WORK/grow.jobs" >/dev/null
	for ((i = from + 1; i <= to; i++)); do floor_elems "$i"; done >"$WORK/grow.nft"
	ip netns exec "$HOST" nft -f "$WORK/grow.nft"
	rm -f "$WORK"/r*.json
}

median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "-"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

# trace_one P: one untimed netd setup under strace; prints the counts
trace_one() {
	local i=$((4000 + 99)) t=$WORK/trace
	ip netns add "${PREFIX}c$i"
	request "$i" >"$WORK/t.json"
	ip netns exec "$HOST" strace -f -T -qq -o "$t" -e trace=all -e abbrev=none -s 0 \
		"$NETD" --config "$CFG" setup "/run/netns/${PREFIX}c$i" <"$WORK/t.json" >/dev/null
	ip netns exec "$HOST" "$NETD" --config "$CFG" teardown "/run/netns/${PREFIX}c$i" <"$WORK/t.json" >/dev/null
	ip netns delete "${PREFIX}c$i"
	[ -z "${RAMP_TRACE_DIR:-}" ] || cp "$t" "$RAMP_TRACE_DIR/trace-P$1.txt"
	awk '
		{ n++; if (match($0, /<[0-9.]+>$/)) { d = substr($0, RSTART + 1, RLENGTH - 2) * 1000; tot += d
			if ($0 ~ /^[0-9]+ +sendmsg\(/) tsnd += d; if ($0 ~ /openat\(.*"(\/proc\/)?sys\// || $0 ~ /^[0-9]+ +fs(open|config|mount)\(/) tsys += d } }
		/^[0-9]+ +(sendmsg|sendto)\(/ { snd++ }
		/^[0-9]+ +recvmsg\(/ { rcv++; if (match($0, /= [0-9]+ </)) rb += substr($0, RSTART + 2) + 0 }
		/^[0-9]+ +openat\(/ { op++ }
		/^[0-9]+ +(read|pread64)\(/ { rd++; if (match($0, /= [0-9]+ </)) rdb += substr($0, RSTART + 2) + 0 }
		/^[0-9]+ +(write|pwrite64)\(/ { wr++; if (match($0, /= [0-9]+ </)) wrb += substr($0, RSTART + 2) + 0 }
		END { printf "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\n", n, snd, rcv, rb, op, rd, rdb, wrb, tsnd, tsys, tot }' "$t"
}

# --- main --------------------------------------------------------------------

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'ramp: netd %s (checkout %s), %s CPUs, kernel %s, load average %s\n' \
	"$("$NETD" --version 2>/dev/null || echo '?')" "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')" \
	"$(nproc)" "$(uname -r)" "$LOAD_START"
new_host
ip netns exec "$HOST" nft -f - <<'EOF'
table inet rampfloor {
	map pf4 { type inet_proto . inet_service : ipv4_addr . inet_service; }
	map pf6 { type inet_proto . inet_service : ipv6_addr . inet_service; }
}
EOF
# container 1 makes the bridge; the floor's probes need it
: >"$OUT"
printf '%6s %6s %8s %8s %8s %8s %8s %8s %8s %-22s  %s\n' P load netd floor ip+ip netd_cpu flr_cpu b b_cpu "floor parts: host ctr nft" \
	"trace of one netd setup: syscalls sendmsg recvmsg nl_bytes_in openat reads read_bytes write_bytes ms_in_sendmsg ms_in_procsys_open ms_in_syscalls"
printf '%6s %6s %8s %8s %8s %8s %8s %8s %8s\n' "" "" "ms" "ms" "ms" "ms" "ms" "ms" "ms"
have=0
for p in "${POINTS[@]}"; do
	grow_to "$have" "$p"
	have=$p
	: >"$WORK/probe.jobs"
	for ((r = 1; r <= REPS; r++)); do
		ni=$((4000 + r)) fi=$((4500 + r))
		ip netns add "${PREFIX}c$ni"
		ip netns add "${PREFIX}c$fi"
		[ -z "${NETD_B:-}" ] || ip netns add "${PREFIX}c$((4200 + r))"
		request "$ni" >"$WORK/n$r.json"
		floor_files "$fi"
		netd_job="n$r $WORK/n$r.json $NETD --config $CFG setup /run/netns/${PREFIX}c$ni"
		undo_n="u$r $WORK/n$r.json $NETD --config $CFG teardown /run/netns/${PREFIX}c$ni"
		floor_jobs="fh$r /dev/null ip -batch $WORK/f$fi.host
fc$r /dev/null ip -n ${PREFIX}c$fi -batch $WORK/f$fi.ctr
fn$r /dev/null nft -f $WORK/f$fi.nft"
		undo_f="v$r /dev/null ip link del rf$fi
v$r /dev/null nft -f $WORK/f$fi.undo"
		if [ -n "${NETD_B:-}" ]; then
			request $((4200 + r)) >"$WORK/b$r.json"
			printf 'b%d %s %s --config %s setup /run/netns/%sc%d\n' "$r" "$WORK/b$r.json" "$NETD_B" "$CFG" "$PREFIX" $((4200 + r))
			printf 'w%d %s %s --config %s teardown /run/netns/%sc%d\n' "$r" "$WORK/b$r.json" "$NETD_B" "$CFG" "$PREFIX" $((4200 + r))
		fi >>"$WORK/probe.jobs"
		if ((r % 2)); then
			printf '%s\n%s\n%s\n%s\n' "$netd_job" "$undo_n" "$floor_jobs" "$undo_f"
		else
			printf '%s\n%s\n%s\n%s\n' "$floor_jobs" "$undo_f" "$netd_job" "$undo_n"
		fi >>"$WORK/probe.jobs"
	done
	load=$(cut -d' ' -f1 /proc/loadavg)
	run_jobs "$WORK/probe.jobs" >"$WORK/probe.out"
	for ((r = 1; r <= REPS; r++)); do
		ip netns delete "${PREFIX}c$((4000 + r))"
		ip netns delete "${PREFIX}c$((4500 + r))"
		[ -z "${NETD_B:-}" ] || ip netns delete "${PREFIX}c$((4200 + r))"
	done
	# wall-clock ms and CPU ms (user+system, from wait4) of netd and of the floor
	nmed=$(awk '$1 ~ /^n/ {printf "%.3f\n", $2/1e6}' "$WORK/probe.out" | median)
	ncpu=$(awk '$1 ~ /^n/ {printf "%.3f\n", $4/1e6}' "$WORK/probe.out" | median)
	fmed=$(awk '$1 ~ /^f/ {s[substr($1, 3)] += $2} END {for (k in s) printf "%.3f\n", s[k]/1e6}' "$WORK/probe.out" | median)
	fcpu=$(awk '$1 ~ /^f/ {s[substr($1, 3)] += $4} END {for (k in s) printf "%.3f\n", s[k]/1e6}' "$WORK/probe.out" | median)
	fip=$(awk '$1 ~ /^f[hc]/ {s[substr($1, 3)] += $2} END {for (k in s) printf "%.3f\n", s[k]/1e6}' "$WORK/probe.out" | median)
	bmed=$(awk '$1 ~ /^b/ {printf "%.3f\n", $2/1e6}' "$WORK/probe.out" | median)
	bcpu=$(awk '$1 ~ /^b/ {printf "%.3f\n", $4/1e6}' "$WORK/probe.out" | median)
	parts=""
	for k in fh fc fn; do
		parts+=" $(awk -v k="$k" 'substr($1, 1, 2) == k {printf "%.3f\n", $2/1e6}' "$WORK/probe.out" | median)"
	done
	tr="-"
	[ "$TRACE" = 0 ] || tr=$(trace_one "$p")
	printf '%6d %6s %8.2f %8.2f %8.2f %8.2f %8.2f %8s %8s %-22s  %s\n' "$p" "$load" "$nmed" "$fmed" "$fip" \
		"$ncpu" "$fcpu" "${bmed:--}" "${bcpu:--}" "$parts" "$tr"
	printf '%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$load" "$nmed" "$fmed" "$fip" "$ncpu" "$fcpu" \
		"${bmed:-nan}" "${bcpu:-nan}" "$tr" >>"$OUT"
done
growth() {	# growth LABEL NETD_COLUMN FLOOR_COLUMN
	awk -F'\t' -v l="$1" -v a="$2" -v b="$3" 'NR == 1 {n1 = $a; f1 = $b; p1 = $1} {nl = $a; fl = $b; pl = $1}
		END {printf "  %-34s netd %+8.2f ms, floor %+8.2f ms: netd growth / floor growth = %.2f\n",
			l " P=" p1 "->" pl ":", nl - n1, fl - f1, (fl - f1 != 0 ? (nl - n1) / (fl - f1) : 0)}' "$OUT"
}
printf '\ngrowth of the medians from the first to the last probe point:\n'
growth "wall, floor = ip+ip+nft" 3 4
growth "wall, floor = ip+ip (no nft)" 3 5
growth "CPU time, floor = ip+ip+nft" 6 7
[ -z "${NETD_B:-}" ] || growth "NETD_B wall, floor = ip+ip+nft" 8 4
[ -z "${NETD_B:-}" ] || growth "NETD_B CPU, floor = ip+ip+nft" 9 7
printf 'load average at the start %s, at the end %s; results in %s\n' "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)" "$OUT"
