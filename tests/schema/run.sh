#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Schema test suite: the schemas against the metaschema (plus lint and pattern
# tests), the sample requests/outputs in tests/data against the schemas.
#
# usage: tests/schema/run.sh [-v] [--netd[=BINARY]]
#   -v        also show why the expected-invalid samples are rejected
#   --netd    additionally cross-check a built netd (default: $NETD, else
#             build/netd/netd): `netd -f REQ validate` must accept every
#             tests/data/requests/* and reject every tests/data/invalid/* with
#             an error object that matches schemas/error.schema.json, and
#             `netd version` must match schemas/version.schema.json.
# Environment: PYTHON (default python3) picks the interpreter.
# Runs from any directory. Last line: "N passed, N failed"; exit 1 on failure.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
schemas=$root/schemas
data=$root/tests/data
py=${PYTHON:-python3}
validate=("$py" "$here/validate.py")

verbose=0
netd=""
for arg in "$@"; do
	case $arg in
	-v) verbose=1 ;;
	--netd) netd=${NETD:-$root/build/netd/netd} ;;
	--netd=*) netd=${arg#--netd=} ;;
	-h|--help) sed -n '4,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $arg" >&2; exit 2 ;;
	esac
done

if ! "$py" -c 'import jsonschema' 2>/dev/null; then
	echo "run.sh: $py has no jsonschema module (Debian: apt install python3-jsonschema)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

pass=0
fail=0
skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "PASS $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# Files of DIR matching the glob PATTERNs, sorted; nothing if there are none.
files() {
	local dir=$1; shift
	local p f
	for p in "$@"; do
		for f in "$dir"/$p; do
			[ -e "$f" ] && printf '%s\n' "$f"
		done
	done | LC_ALL=C sort
}

# Run validate.py over one group of files in one go and score every document.
#   group LABEL SCHEMA valid|invalid FILE...
group() {
	local label=$1 schema=$2 expect=$3; shift 3
	if [ $# -eq 0 ]; then
		bad "$label: no sample files found"
		return
	fi
	local out=$tmp/out
	"${validate[@]}" "$schema" "$@" >"$out" 2>&1
	local rc=$?
	if [ $rc -ge 2 ]; then
		bad "$label: validate.py failed (exit $rc)"
		sed 's/^/    /' "$out"
		return
	fi
	# Each document yields one "ok LABEL" or "FAIL LABEL: ..." line, followed
	# by indented explanation lines for failures.
	local line doc why=""
	local -a docs=() verdicts=() reasons=()
	while IFS= read -r line; do
		case $line in
		"ok "*) docs+=("${line#ok }"); verdicts+=(ok); reasons+=("") ;;
		"FAIL "*) doc=${line#FAIL }; doc=${doc%%: *}
			docs+=("$doc"); verdicts+=(fail); reasons+=("${line#FAIL }") ;;
		*) [ ${#reasons[@]} -gt 0 ] && reasons[-1]+=$'\n'"$line" ;;
		esac
	done <"$out"
	local i rel
	for i in "${!docs[@]}"; do
		rel=${docs[$i]#"$root"/}
		if [ "$expect" = valid ]; then
			if [ "${verdicts[$i]}" = ok ]; then
				ok "$label: $rel"
			else
				bad "$label: $rel should be valid"
				printf '%s\n' "${reasons[$i]}" | sed 's/^/    /'
			fi
		else
			if [ "${verdicts[$i]}" = fail ]; then
				ok "$label: $rel rejected"
				[ $verbose = 1 ] && printf '%s\n' "${reasons[$i]}" | tail -n +2 | sed 's/^/    /'
			else
				bad "$label: $rel should be rejected but is valid"
			fi
		fi
	done
}

echo "== schemas: metaschema, lint, patterns"
while IFS= read -r line; do
	case $line in
	"ok "*) ok "${line#ok }" ;;
	"FAIL "*) bad "${line#FAIL }" ;;
	*) echo "    $line" ;;
	esac
done < <("$py" "$here/check_schemas.py" "$schemas" 2>&1 || true)

req=$schemas/netavark-request.schema.json
res=$schemas/netavark-setup-result.schema.json
err=$schemas/error.schema.json
ver=$schemas/version.schema.json

mapfile -t requests < <(files "$data/requests" '*.json' '*.jsonl')
mapfile -t invalid < <(files "$data/invalid" '*.json' '*.jsonl')
mapfile -t results < <(files "$data/results" '*.json' '*.jsonl')
mapfile -t invalid_results < <(files "$data/invalid-results" '*.json' '*.jsonl')
mapfile -t errors < <(files "$data/errors" '*.json' '*.jsonl')
mapfile -t invalid_errors < <(files "$data/invalid-errors" '*.json' '*.jsonl')
mapfile -t versions < <(files "$data/version" '*.json')
mapfile -t invalid_versions < <(files "$data/invalid-version" '*.json')

echo "== requests (must be valid)"
group request "$req" valid "${requests[@]}"
echo "== invalid requests (must be rejected)"
group invalid-request "$req" invalid "${invalid[@]}"
echo "== setup results"
group result "$res" valid "${results[@]}"
group invalid-result "$res" invalid "${invalid_results[@]}"
echo "== error outputs"
group error "$err" valid "${errors[@]}"
group invalid-error "$err" invalid "${invalid_errors[@]}"
echo "== version outputs"
group version "$ver" valid "${versions[@]}"
group invalid-version "$ver" invalid "${invalid_versions[@]}"

if [ -n "$netd" ]; then
	echo "== cross-check with $netd"
	if [ ! -x "$netd" ]; then
		bad "netd binary $netd not found or not executable (build it, or give --netd=PATH)"
	else
		"$netd" version >"$tmp/version.json" 2>"$tmp/stderr"
		if [ $? -eq 0 ] && "${validate[@]}" "$ver" "$tmp/version.json" >"$tmp/v" 2>&1; then
			ok "netd version matches version.schema.json"
		else
			bad "netd version output does not match version.schema.json"
			sed 's/^/    /' "$tmp/v" "$tmp/stderr" 2>/dev/null
		fi
		for f in "${requests[@]}"; do
			rel=${f#"$root"/}
			if "$netd" -f "$f" validate >"$tmp/o" 2>"$tmp/e"; then
				ok "netd accepts $rel"
			elif grep -q 'not supported by this version of netd\|unknown network driver\|not supported by netd yet' "$tmp/o"; then
				# A valid request for a feature netd does not implement yet.
				skip=$((skip + 1))
				echo "SKIP netd does not support $rel yet: $(cat "$tmp/o")"
			else
				bad "netd rejects $rel (schema accepts it)"
				sed 's/^/    /' "$tmp/o" "$tmp/e"
			fi
		done
		for f in "${invalid[@]}"; do
			rel=${f#"$root"/}
			"$netd" -f "$f" validate >"$tmp/o" 2>"$tmp/e"
			rc=$?
			if [ $rc -ne 1 ]; then
				bad "netd exits $rc (not 1) for $rel (schema rejects it)"
				sed 's/^/    /' "$tmp/o" "$tmp/e"
			elif ! "${validate[@]}" "$err" "$tmp/o" >"$tmp/v" 2>&1; then
				bad "netd's error output for $rel does not match error.schema.json"
				sed 's/^/    /' "$tmp/v"
			else
				ok "netd rejects $rel"
				[ $verbose = 1 ] && sed 's/^/    /' "$tmp/o"
			fi
		done
	fi
fi

[ $skip -gt 0 ] && echo "($skip skipped: valid requests for features netd does not implement yet)"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
