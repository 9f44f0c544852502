#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The long fault campaign: tests/integration/security-faults.bats with every
# injection point (NETD_FAULT_STRIDE=1: SIGKILL on entry of each netlink
# message, file write, rename, unlink, kill and clone of setup, teardown and
# firewall-reload) and RUNS random-delay kills of setup and of teardown
# (timeout -s KILL), each followed by a teardown (or a reload) that must bring
# the host back to exactly the state before. Everything runs in throwaway
# network namespaces; needs root, bats, strace, python3, dig, dnsmasq.
#
#   bench/faults.sh [RUNS]        (default 100)
#
# Environment: NETD, NETD_DNS (default build/netd/netd, build/dns/netd-dns).
# Prints the bats output and one summary line per campaign. Results of the
# last run are in docs/security.md.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-100}
[[ $runs =~ ^[0-9]+$ ]] || { echo "usage: $0 [RUNS]" >&2; exit 2; }
export NETD=${NETD:-$repo/build/netd/netd}
export NETD_DNS=${NETD_DNS:-$repo/build/dns/netd-dns}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
rc=0
NETD_FAULT_STRIDE=1 NETD_FAULT_RANDOM=$runs NETD_FAULT_LOG=$log \
	bats --tap "$repo/tests/integration/security-faults.bats" || rc=$?
echo
echo "fault campaign ($NETD, $((runs)) random kills per command, every injection point), $(($(date +%s) - start)) s:"
cat "$log"
exit "$rc"
