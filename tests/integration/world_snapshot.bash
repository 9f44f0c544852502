# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# A snapshot of "everything that is not netd's own", for the hostile-input
# suites (hostile-*.bats): each case takes one before an attack, runs the
# attack, takes another and asserts the two are byte-identical.
#
# Self-contained; load it after helpers.bash or sec_helpers.bash:
#     load helpers          # or sec_helpers
#     load world_snapshot
#
# What a snapshot holds (world_snapshot):
#   - the machine's own network namespace (the one bats runs in) and every namespace
#     named with --ns: links (ip -d, without the kernel's default qdisc and the bridge timers),
#     addresses, routes of every table (both families), IPv4/IPv6 rules, the
#     net.ipv4/net.ipv6 sysctls of "all", "default" and every link, and the
#     nftables ruleset;
#     with --ns-no-netd NS the table inet netd of that namespace is left out
#     (netd's own objects; the rest of its ruleset is kept);
#   - every file under each --dir DIR (path, type, mode, size, sha256, symlink
#     target), except under --skip DIR (e.g. the --config directory);
#   - each --file FILE (as with --dir, one file; "absent" when missing);
#   - each --pid PID: whether it still runs (not a zombie) and its start time,
#     so a process that netd must not signal is seen to survive;
#   - the pids of the netd-dns processes started for this test (their command
#     line names a path under $BATS_TEST_TMPDIR), unless --any-dns (a refused
#     request never starts or stops a DNS server).
#
#   before=$(world_snapshot --ns "$HOST" --ns "$C1" --dir "$BATS_TEST_TMPDIR" --skip "$CFG")
#   <attack>
#   after=$(world_snapshot ...same arguments...)
#   world_assert_same "$before" "$after"
#
# The machine's namespace is read but never changed by any test; other tests
# running at the same time do not change it either (they work in namespaces
# of their own), so it is compared like the others.

# _ws_ns NS: dump one namespace. NS "" is the one the tests run in.
_ws_ns() {
	local ns=$1 nonetd=$2 x
	if [[ -z $ns ]]; then
		# the namespace bats runs in: the machine's (PID 1's namespace may
		# not be enterable in a sandbox, so it is not entered)
		x=(env)
		echo "=== namespace of the test runner"
	else
		x=(ip netns exec "$ns")
		echo "=== namespace $ns"
	fi
	echo "--- links"
	# without the bridge timers (gc_timer, hello_timer, ...), which tick by themselves
	"${x[@]}" ip -d -j link show | jq -S 'map(del(.qdisc)) |
		walk(if type == "object" then with_entries(select(.key | endswith("_timer") | not)) else . end)'
	echo "--- addresses"
	# wait (up to 3 s) until duplicate address detection has settled: a
	# link-local address turning from tentative to valid is the kernel's own
	# doing over time, not a change anybody made
	for _ in {1..30}; do
		[[ -z $("${x[@]}" ip -6 addr show tentative) ]] && break
		sleep 0.1
	done
	"${x[@]}" ip -j addr show | jq -S 'map(del(.qdisc)) | map(.addr_info |= map(del(.valid_life_time, .preferred_life_time)))'
	echo "--- routes"
	"${x[@]}" ip -4 route show table all
	"${x[@]}" ip -6 route show table all | grep -v '^ff00::/8\|^fe80::/64 dev .* proto kernel' || true
	echo "--- rules"
	"${x[@]}" ip -4 rule show
	"${x[@]}" ip -6 rule show
	echo "--- sysctls"
	# per-netns /proc/sys/net as seen from inside; stable_secret and the
	# like are not readable and are skipped
	# one grep for all of them (a process per file takes minutes under
	# load); unreadable files such as stable_secret are skipped (-s)
	"${x[@]}" bash -c 'cd /proc/sys/net && grep -rs . ipv4/ip_forward ipv4/conf ipv6/conf | sort'
	echo "--- nftables"
	if [[ -n $nonetd ]]; then
		"${x[@]}" nft -s list ruleset | awk '
			/^table inet netd \{/ {skip=1; next}
			skip && /^\}/ {skip=0; next}
			!skip'
	else
		"${x[@]}" nft -s list ruleset
	fi
}

# _ws_files PATH [SKIP...]: one line per file below PATH.
_ws_files() {
	local top=$1 f t
	shift
	local prune=()
	for t in "$@"; do prune+=(-path "$t" -prune -o); done
	if [[ ! -e $top && ! -L $top ]]; then
		echo "absent $top"
		return
	fi
	find "$top" "${prune[@]}" -print0 2>/dev/null | sort -z | while IFS= read -r -d '' f; do
		if [[ -L $f ]]; then
			printf 'l %s -> %s\n' "$f" "$(readlink "$f")"
		elif [[ -d $f ]]; then
			printf 'd %s %s\n' "$f" "$(stat -c %a "$f")"
		elif [[ -f $f ]]; then
			printf 'f %s %s %s %s\n' "$f" "$(stat -c '%a %s' "$f")" \
				"$(sha256sum <"$f" | cut -c1-64)" ""
		else
			printf '? %s %s\n' "$f" "$(stat -c %F "$f")"
		fi
	done
}

# world_snapshot [--ns NS]... [--ns-no-netd NS]... [--dir D]... [--skip D]...
#                [--file F]... [--pid P]... [--any-dns]
world_snapshot() {
	local nss=() nonetd=() dirs=() skips=() files=() pids=() anydns= ns d p st
	while (($#)); do
		case $1 in
		--ns) nss+=("$2"); shift 2 ;;
		--ns-no-netd) nonetd+=("$2"); shift 2 ;;
		--dir) dirs+=("$2"); shift 2 ;;
		--skip) skips+=("$2"); shift 2 ;;
		--file) files+=("$2"); shift 2 ;;
		--pid) pids+=("$2"); shift 2 ;;
		--any-dns) anydns=1; shift ;;
		*) echo "world_snapshot: unknown argument $1" >&2; return 2 ;;
		esac
	done
	_ws_ns "" ""
	for ns in "${nss[@]}"; do _ws_ns "$ns" ""; done
	for ns in "${nonetd[@]}"; do _ws_ns "$ns" 1; done
	echo "=== files"
	for d in "${dirs[@]}"; do _ws_files "$d" "${skips[@]}"; done
	for d in "${files[@]}"; do _ws_files "$d"; done
	echo "=== processes"
	for p in "${pids[@]}"; do
		st=$(ps -o stat= -p "$p" 2>/dev/null | tr -d ' ')
		if [[ -n $st && $st != Z* && $st != X* ]]; then
			printf 'pid %s running since %s\n' "$p" "$(cut -d' ' -f22 "/proc/$p/stat" 2>/dev/null)"
		else
			printf 'pid %s not running\n' "$p"
		fi
	done
	if [[ -z $anydns ]]; then
		echo "netd-dns: $(for p in $(pgrep -x netd-dns); do
			tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "${BATS_TEST_TMPDIR:-/nonexistent}" && echo "$p"
		done | sort -n | tr '\n' ' ')"
	fi
}

# world_assert_same BEFORE AFTER: identical, else a diff and failure.
world_assert_same() {
	if [[ "$1" != "$2" ]]; then
		diff -u <(printf '%s\n' "$1") <(printf '%s\n' "$2") | sed 's/^/# /' >&2
		printf '# %s\n' "something outside netd's own objects changed (diff above: - before, + after)" >&2
		return 1
	fi
}
