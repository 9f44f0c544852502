#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The fuzzing campaign: every libFuzzer harness (tests/fuzz/fuzz-*.c) for
# SECONDS each, built by clang with AddressSanitizer and
# UndefinedBehaviorSanitizer (every UBSan finding aborts, so libFuzzer sees it).
#
#   bench/fuzz.sh SECONDS [NAME...]     e.g. bench/fuzz.sh 600
#                                            bench/fuzz.sh 60 dns-packet
#
# Each harness starts from its seed corpus tests/fuzz/corpus/<name>/ (and the
# dictionary tests/fuzz/<name>.dict if there is one). Afterwards the inputs
# that reach new code are merged back into tests/fuzz/corpus/<name>/
# (libFuzzer -merge=1, so the corpus grows only by what adds coverage), and
# any reproducer (crash-*, leak-*, timeout-*, oom-*) is copied there too, as a
# regression seed, and reported. Harnesses run side by side, as many at once
# as there are cores (NETD_FUZZ_JOBS overrides).
#
# Prints one line per harness and a summary; exits 1 if anything was found.
# Results of the last full campaign are in docs/security.md.
#
# Environment: NETD_FUZZ_BUILD_DIR (default build-fuzz), NETD_FUZZ_JOBS,
# NETD_FUZZ_NO_MERGE=1 (leave the corpus directories alone).
set -euo pipefail

if [[ $# -lt 1 || ! $1 =~ ^[0-9]+$ ]]; then
	echo "usage: $0 SECONDS [HARNESS-NAME...]" >&2
	exit 2
fi
seconds=$1
shift

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
build=${NETD_FUZZ_BUILD_DIR:-build-fuzz}
jobs=${NETD_FUZZ_JOBS:-$(nproc)}

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
	for src in tests/fuzz/fuzz-*.c; do
		n=${src##*/fuzz-}
		names+=("${n%.c}")
	done
fi

if [[ ! -f $build/build.ninja ]]; then
	CC=clang meson setup "$build" -Dfuzz=true -Dtests=true \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
targets=()
for n in "${names[@]}"; do targets+=("tests/fuzz/fuzz-$n"); done
ninja -C "$build" "${targets[@]}" >/dev/null

export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export ASAN_OPTIONS="detect_leaks=1"

work=$(mktemp -d "${TMPDIR:-/tmp}/netd-fuzz-campaign.XXXXXX")
echo "fuzzing ${names[*]} for ${seconds}s each, $jobs at a time (work dir $work)"

# one NAME: fuzz, then merge and collect; writes $work/NAME.result
one() {
	local n=$1
	local bin=$build/tests/fuzz/fuzz-$n seeds=tests/fuzz/corpus/$n d=$work/$n
	local dict=tests/fuzz/$n.dict args=() rc=0 before after line execs speed cov found
	mkdir -p "$d/corpus" "$d/artifacts" "$seeds"
	cp "$seeds"/* "$d/corpus/" 2>/dev/null || true
	[[ -f $dict ]] && args+=("-dict=$dict")
	before=$(find "$seeds" -type f | wc -l)
	"$bin" -max_len=65536 -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$d/artifacts/" "${args[@]}" \
		"$d/corpus" >"$d/log" 2>&1 || rc=$?
	found=$(find "$d/artifacts" -type f | wc -l)
	if [[ ${NETD_FUZZ_NO_MERGE:-0} != 1 ]]; then
		"$bin" -merge=1 "${args[@]}" "$seeds" "$d/corpus" >"$d/merge.log" 2>&1 || true
		for f in "$d"/artifacts/*; do
			[[ -f $f ]] && cp "$f" "$seeds/repro-${f##*/}"
		done
	fi
	after=$(find "$seeds" -type f | wc -l)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$d/log" | tail -1)
	line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$d/log" | tail -1 || true)
	cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1 edges, \2 features/p' <<<"$line")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$seconds" "${execs:-?}" "${speed:-?}" \
		"${cov:-?}" "$before" "$after" "$((found + (rc != 0 && found == 0)))" >"$work/$n.result"
	if ((rc != 0 || found > 0)); then
		tail -n 60 "$d/log" >"$work/$n.failure"
	fi
}

running=0
for n in "${names[@]}"; do
	one "$n" &
	running=$((running + 1))
	if ((running >= jobs)); then
		wait -n || true
		running=$((running - 1))
	fi
done
wait

findings=0
printf '\n%-12s %8s %12s %8s %-28s %s\n' harness seconds executions exec/s coverage \
	"corpus (before → after), findings"
for n in "${names[@]}"; do
	IFS=$'\t' read -r name secs execs speed cov before after found <"$work/$n.result"
	printf '%-12s %8s %12s %8s %-28s %s → %s, %s\n' "$name" "$secs" "$execs" "$speed" "$cov" \
		"$before" "$after" "$found"
	findings=$((findings + found))
	if [[ -f $work/$n.failure ]]; then
		echo "--- $n: end of the log ($work/$n/log); reproducers in tests/fuzz/corpus/$n/repro-*"
		cat "$work/$n.failure"
	fi
done
echo
if ((findings > 0)); then
	echo "FAIL: $findings finding(s); work dir kept: $work"
	exit 1
fi
echo "OK: no finding in ${names[*]} (${seconds}s each)"
rm -rf "$work"
