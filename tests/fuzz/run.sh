#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Run a libFuzzer harness for a while against a copy of its seed corpus.
#
#   tests/fuzz/run.sh BUILD/tests/fuzz/fuzz-request 60
#
# The seeds come from tests/fuzz/corpus/<name>/ (fuzz-request → request) and
# an optional dictionary tests/fuzz/<name>.dict. New inputs and reproducers go
# to a temporary directory, never into the repository. Fails (exit 1) on any
# crash, leak, timeout or out-of-memory and prints the reproducer's path;
# copy that file into the corpus directory to keep it as a regression seed.
#
# Environment: NETD_FUZZ_KEEP=1 keeps the work directory after a clean run;
# extra libFuzzer flags can be passed after SECONDS.

set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 TARGET SECONDS [libFuzzer flags...]" >&2
	exit 2
fi
target=$1
seconds=$2
shift 2

case $seconds in
''|*[!0-9]*) echo "$0: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac
if [ ! -x "$target" ]; then
	echo "$0: $target is not an executable (build with -Dfuzz=true first)" >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$target")
name=${name#fuzz-}
seeds=$here/corpus/$name
dict=$here/$name.dict

work=$(mktemp -d "${TMPDIR:-/tmp}/netd-fuzz-$name.XXXXXX")
mkdir "$work/corpus" "$work/artifacts"
if [ -d "$seeds" ]; then
	cp "$seeds"/* "$work/corpus/" 2>/dev/null || true
else
	echo "$0: no seed corpus at $seeds, starting empty" >&2
fi
if [ -f "$dict" ]; then
	set -- "-dict=$dict" "$@"
fi

# UBSan only reports by default; make every finding a crash libFuzzer sees.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"

echo "fuzzing $target for ${seconds}s (work dir $work)"
status=0
"$target" \
	-max_len=65536 \
	-max_total_time="$seconds" \
	-timeout=25 \
	-rss_limit_mb=2048 \
	-print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" \
	"$@" \
	"$work/corpus" >"$work/log" 2>&1 || status=$?

found=$(find "$work/artifacts" -type f | sort)
if [ "$status" -ne 0 ] || [ -n "$found" ]; then
	# The sanitizer report and libFuzzer's summary are at the end.
	tail -n 80 "$work/log"
	echo
	echo "FAIL: $target exited with status $status"
	if [ -n "$found" ]; then
		echo "reproducer(s):"
		for f in $found; do
			echo "  $f"
		done
		echo "re-run one with: $target <reproducer>"
	fi
	echo "full log: $work/log"
	exit 1
fi

grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::' "$work/log" || true
new=$(($(find "$work/corpus" -type f | wc -l) - $(find "$seeds" -type f 2>/dev/null | wc -l)))
echo
echo "OK: no crash in ${seconds}s ($new new corpus entries)"
if [ "${NETD_FUZZ_KEEP:-0}" = 1 ]; then
	echo "work dir kept: $work"
else
	rm -rf "$work"
fi
