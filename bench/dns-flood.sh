#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# netd-dns under a flood, longer than in CI: the flood test of
# tests/integration/security-dns.bats for SECONDS, with three mixes of UDP
# datagrams (valid, malformed, 60 kB oversized; weights "valid,malformed,
# oversized") plus 350 idle or slow TCP connections each time. A legitimate
# client measures its latency over UDP and TCP before and during the flood;
# netd-dns's VmRSS is read before, during and after. All traffic stays in
# throwaway network namespaces (the flooder is a container on the same
# bridge; the only upstream is a dnsmasq in a namespace of the test).
#
#   bench/dns-flood.sh [SECONDS]      (default 60)
#
# Environment: NETD, NETD_DNS (default build/netd/netd, build/dns/netd-dns);
# NETD_FLOOD_FORWARD=0 keeps every query local (the default, 1, forwards half
# of the valid ones to the upstream through c-ares).
# Prints the measured numbers per mix; results of the last run are in
# docs/security.md.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
secs=${1:-60}
[[ $secs =~ ^[0-9]+$ && $secs -ge 5 ]] || { echo "usage: $0 [SECONDS >= 5]" >&2; exit 2; }
export NETD=${NETD:-$repo/build/netd/netd}
export NETD_DNS=${NETD_DNS:-$repo/build/dns/netd-dns}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
for mix in 6,3,1 1,0,0 0,0,1; do
	echo "== mix valid,malformed,oversized = $mix" >>"$log"
	NETD_FLOOD_SECONDS=$secs NETD_FLOOD_MIX=$mix NETD_FLOOD_FORWARD=${NETD_FLOOD_FORWARD:-1} \
		NETD_FLOOD_LOG=$log \
		bats --tap -f '^flood' "$repo/tests/integration/security-dns.bats" || rc=$?
done
echo
echo "netd-dns flood ($NETD_DNS, $secs s per mix):"
cat "$log"
exit "$rc"
