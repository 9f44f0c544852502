#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# CNI ADD and DEL as the number of pods on one node grows. netd's CNI plugin
# finds the addresses in use on a network by reading the container records
# of its runtimeDir, so an ADD reads one record per pod already there; this
# measures what that costs, from the first pod to the last, and beside
# another netd binary (OLD_NETD, e.g. a build of an older commit, which kept
# the leases in one allocations.json per network) when one is given, and
# beside the reference plugins of containernetworking-plugins (bridge with
# host-local IPAM and ipMasq, from REF_PLUGINS, default /usr/lib/cni) when
# they are installed.
#
#   bench/cni-scale.sh [PODS]            (root; PODS default 110, the
#                                         kubelet's default maximum)
#   NETD=build/netd/netd OLD_NETD=/path/to/netd bench/cni-scale.sh
#
# dataDir is made under CNI_SCALE_DATA (default /var/tmp: on disk, as
# /var/lib/netd/cni is), runtimeDir under CNI_SCALE_RUN (default /dev/shm: a
# tmpfs, as /run is).
#
# Everything happens in network namespaces this script makes and deletes:
# one playing the host (bridge, nftables), one per pod. Each ADD, then each
# DEL, runs one after the other as a runtime runs them, timed by ntime
# (bench/ntime.c) inside the host namespace; namespace creation is not timed.
# For each binary it prints the median elapsed and CPU time of the first and
# of the last ten ADDs (made with 0-9, and PODS-10 to PODS-1 pods already
# there) and DELs (PODS to PODS-9 pods there, then 10 to 1), and the
# machine's load.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=ndcs$$
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"

PODS=${1:-110}
NETD=${NETD:-$REPO/build/netd/netd}
OLD_NETD=${OLD_NETD:-}
REF_PLUGINS=${REF_PLUGINS:-/usr/lib/cni}
HOST=${PREFIX}host
WORK=$(mktemp -d /tmp/cni-scale.XXXXXX)
# As on a node: dataDir on disk (/var/lib there), runtimeDir on a tmpfs (/run).
DATA_BASE=$(mktemp -d "${CNI_SCALE_DATA:-/var/tmp}/cni-scale.XXXXXX")
RUN_BASE=$(mktemp -d "${CNI_SCALE_RUN:-/dev/shm}/cni-scale.XXXXXX")

die() {
	echo "cni-scale: $*" >&2
	exit 1
}

cleanup() {
	delete_namespaces
	rm -rf --one-file-system "${WORK:?}" "${DATA_BASE:?}" "${RUN_BASE:?}"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
[ -x "$NETD" ] || die "no netd at $NETD (build it, or set NETD)"
[ -z "$OLD_NETD" ] || [ -x "$OLD_NETD" ] || die "no netd at OLD_NETD=$OLD_NETD"
((PODS >= 20)) || die "PODS must be at least 20 (the first and last ten are compared)"
cc -O2 -Wall -o "$WORK/ntime" "$REPO/bench/ntime.c" || die "cannot compile bench/ntime.c"

ip netns add "$HOST"
ip -n "$HOST" link set lo up
for ((i = 1; i <= PODS; i++)); do
	printf 'netns add %sp%d\n' "$PREFIX" "$i"
done | ip -batch -

# median of the numbers on stdin
median() {
	sort -n | awk '{v[NR] = $1} END {if (NR == 0) print 0; else print v[int((NR + 1) / 2)]}'
}

# ms NS: nanoseconds as milliseconds
ms() {
	awk -v n="$1" 'BEGIN {printf "%.2f", n / 1000000}'
}

# run LABEL BINARY: every ADD, then every DEL, with a fresh dataDir and
# runtimeDir. LABEL "ref" runs the reference bridge plugin with host-local.
run() {
	local label=$1 bin=$2 dir=$WORK/$1 i cmd
	mkdir -p "$dir/log"
	if [ "$label" = ref ]; then
		jq -nc --arg d "$DATA_BASE/$label" '{cniVersion: "1.0.0", name: "scale", type: "bridge",
			bridge: "ndscale0", isGateway: true, ipMasq: true,
			ipam: {type: "host-local", ranges: [[{subnet: "10.77.0.0/16"}]], dataDir: $d}}'
	else
		jq -nc --arg d "$DATA_BASE/$label" --arg r "$RUN_BASE/$label" '{cniVersion: "1.0.0",
			name: "scale", type: "netd", bridge: "ndscale0", subnets: [{subnet: "10.77.0.0/16"}],
			dataDir: $d, runtimeDir: $r, firewallDriver: "nftables"}'
	fi >"$dir/conf.json"
	for cmd in ADD DEL; do
		for ((i = 1; i <= PODS; i++)); do
			printf '%s%d %s env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CNI_COMMAND=%s CNI_CONTAINERID=pod%d CNI_NETNS=/run/netns/%sp%d CNI_IFNAME=eth0 CNI_PATH=%s %s\n' \
				"$cmd" "$i" "$dir/conf.json" "$cmd" "$i" "$PREFIX" "$i" "$REF_PLUGINS" "$bin"
		done
	done >"$dir/jobs"
	ip netns exec "$HOST" "$WORK/ntime" -l "$dir/log" "$dir/jobs" >"$dir/out" ||
		die "$label: a command failed (logs in $dir/log)"
	for cmd in ADD DEL; do
		local first last cfirst clast
		first=$(awk -v c="$cmd" '$1 ~ "^" c && substr($1, 4) + 0 <= 10 {print $2}' "$dir/out" | median)
		last=$(awk -v c="$cmd" -v n="$PODS" '$1 ~ "^" c && substr($1, 4) + 0 > n - 10 {print $2}' "$dir/out" | median)
		cfirst=$(awk -v c="$cmd" '$1 ~ "^" c && substr($1, 4) + 0 <= 10 {print $4}' "$dir/out" | median)
		clast=$(awk -v c="$cmd" -v n="$PODS" '$1 ~ "^" c && substr($1, 4) + 0 > n - 10 {print $4}' "$dir/out" | median)
		if [ "$cmd" = ADD ]; then
			there_first="0-9" there_last="$((PODS - 10))-$((PODS - 1))"
		else
			there_first="$PODS-$((PODS - 9))" there_last="10-1"
		fi
		printf '%-5s %-3s  first ten (%s pods there): %6s ms, cpu %6s   last ten (%s there): %6s ms, cpu %6s\n' \
			"$label" "$cmd" "$there_first" "$(ms "$first")" "$(ms "$cfirst")" "$there_last" \
			"$(ms "$last")" "$(ms "$clast")"
	done
}

echo "cni-scale: $PODS pods, one after the other; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run new "$NETD"
[ -z "$OLD_NETD" ] || run old "$OLD_NETD"
# The reference plugins (containernetworking-plugins): bridge, host-local IPAM, ipMasq by iptables.
if [ -x "$REF_PLUGINS/bridge" ] && [ -x "$REF_PLUGINS/host-local" ]; then
	run ref "$REF_PLUGINS/bridge"
else
	echo "no reference bridge plugin in $REF_PLUGINS (apt-get install containernetworking-plugins); not measured"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
