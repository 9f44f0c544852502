#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Run netd's integration tests (bats) as root.
#
#   tests/integration/run.sh [bats options, e.g. -f REGEX] [FILE.bats...]
#
# Output is TAP, followed by a summary line.
#
# Environment: NETD=/path/to/netd (default: <repo>/build/netd/netd),
#              BATS=/path/to/bats (default: bats in PATH).
# Exit status: bats's (0 when every test passed or was skipped).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
bats=${BATS:-bats}

if [[ $(id -u) -ne 0 ]]; then
	echo "run.sh: the integration tests create network namespaces and must run as root" >&2
	echo "        (try: sudo NETD=$repo/build/netd/netd $0)" >&2
	exit 77
fi
if ! command -v "$bats" >/dev/null; then
	echo "run.sh: bats not found (install bats >= 1.5 or set BATS)" >&2
	exit 1
fi
for tool in ip jq ping; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed" >&2; exit 1; }
done
export NETD=${NETD:-$repo/build/netd/netd}
if [[ ! -x $NETD ]]; then
	echo "run.sh: netd not found at $NETD (build it, or set NETD)" >&2
	exit 1
fi

args=()
files=()
for a in "$@"; do
	case $a in
	--tap) ;;	# always TAP (bats prints it when its output is not a terminal)
	*.bats) files+=("$a") ;;
	*) args+=("$a") ;;
	esac
done
((${#files[@]})) || files=("$here"/*.bats)

echo "# netd: $NETD" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$bats" --tap "${args[@]}" "${files[@]}" | tee "$log"
rc=${PIPESTATUS[0]}

# bats's summary line (its TAP formatter prints none of its own).
total=$(grep -cE '^(not )?ok ' "$log")
failed=$(grep -cE '^not ok ' "$log")
skipped=$(grep -cE '^ok .* # skip' "$log")
echo "# $total tests, $failed failures, $skipped skipped (exit status $rc)"
exit "$rc"
