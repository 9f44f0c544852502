# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # variables are used by dns.bats
# shellcheck disable=SC2154 # status, output, stderr: set by bats' run
#
# Helpers for dns.bats: netd + netd-dns (the aardvark-dns compatible resolver)
# with real queries, in throwaway namespaces. Load after helpers.bash (whose
# JSON builders and assertions are reused); setup() and teardown() here
# replace the ones from helpers.bash.
#
# Namespaces of one test (prefix "nds<bats pid>t<test number>"):
#   $HOST  plays the host: netd and netd-dns run in it, bridges live there;
#          up0 192.0.2.1/24 is its link to $UP
#   $UP    the "upstream" side: eth0 192.0.2.2/24 plus the resolver addresses
#          $UP1 $UP2 $UP3 (192.0.2.53-55), where the tests run dnsmasq
#   $C1 $C2 $C3 container namespaces
#
# Safety: the only resolvers netd-dns may forward to are the dnsmasq
# instances in $UP. Every netd and netd-dns process runs inside $HOST under
# a private mount namespace in which $RESOLV (a file of this test) is
# bind-mounted over /etc/resolv.conf, so the machine's own resolver is never
# asked; $HOST has no default route either. dig always gets an explicit
# @server address inside these namespaces.
#
# Environment: NETD, NETD_DNS (default $REPO/build/netd/netd and
# $REPO/build/dns/netd-dns).

NETD_DNS=${NETD_DNS:-$REPO/build/dns/netd-dns}
unset NETAVARK_FW NETAVARK_DNS_PORT AARDVARK_NO_PROXY NETD_LOG RUST_LOG

UP1=192.0.2.53
UP2=192.0.2.54
UP3=192.0.2.55

# ---------------------------------------------------------------------------
# setup / teardown

setup() {
	if [[ $EUID -ne 0 ]]; then
		skip "needs root (network namespaces)"
	fi
	local b
	for b in "$NETD" "$NETD_DNS"; do
		if [[ ! -x $b ]]; then
			echo "binary not found at $b (build it or set NETD / NETD_DNS)" >&2
			return 1
		fi
	done
	for b in dig ss unshare; do
		command -v "$b" >/dev/null || skip "$b is not installed"
	done
	PFX="nds$$t${BATS_TEST_NUMBER}"
	HOST="${PFX}h"
	UP="${PFX}u"
	C1="${PFX}c1"
	C2="${PFX}c2"
	C3="${PFX}c3"
	CFG="$BATS_TEST_TMPDIR/config"
	DNSDIR="$CFG/aardvark-dns"
	RESOLV="$BATS_TEST_TMPDIR/resolv.conf"
	DNSLOG="$BATS_TEST_TMPDIR/netd-dns.log"
	FW=none
	NS_CREATED=()
	BG_PIDS=()
	DNS_PIDS=()
	mkdir -p "$CFG"
	printf 'nameserver %s\n' "$UP1" >"$RESOLV"
	ns_add "$HOST" "$UP" "$C1" "$C2" "$C3"
	for b in "$HOST" "$UP" "$C1" "$C2" "$C3"; do
		ip -n "$b" link set lo up
	done
	ip -n "$HOST" link add up0 type veth peer name eth0 netns "$UP"
	# no DAD: the link-local addresses must not change state under a snapshot
	ip netns exec "$HOST" sysctl -qw net.ipv6.conf.up0.accept_dad=0
	ip netns exec "$UP" sysctl -qw net.ipv6.conf.eth0.accept_dad=0
	ip -n "$HOST" addr add 192.0.2.1/24 dev up0
	ip -n "$UP" addr add 192.0.2.2/24 dev eth0
	for b in "$UP1" "$UP2" "$UP3"; do
		ip -n "$UP" addr add "$b/24" dev eth0
	done
	ip -n "$HOST" link set up0 up
	ip -n "$UP" link set eth0 up
}

# proc_running PID: the process exists and is neither a zombie nor dead.
proc_running() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[[ -n $st && $st != Z* && $st != X* ]]
}

# wait_gone PID [SECONDS]: wait until PID is no longer running (gone or zombie).
wait_gone() {
	local pid=$1 n=$((${2:-5} * 10))
	while ((n-- > 0)); do
		proc_running "$pid" || return 0
		sleep 0.1
	done
	return 1
}

# is_our_netd_dns PID: PID is a netd-dns of this test (its command line names $DNSDIR).
is_our_netd_dns() {
	local cmd
	cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
	[[ $cmd == *"$DNSDIR"* ]]
}

teardown() {
	local i ns pid
	# netd-dns daemons this test started (through netd or directly).
	[[ -n ${DNSDIR:-} && -f $DNSDIR/aardvark.pid ]] && DNS_PIDS+=("$(cat "$DNSDIR/aardvark.pid")")
	for pid in "${DNS_PIDS[@]}"; do
		[[ $pid =~ ^[0-9]+$ ]] || continue
		if proc_running "$pid" && is_our_netd_dns "$pid"; then
			kill "$pid" 2>/dev/null || true
			wait_gone "$pid" 5 || kill -9 "$pid" 2>/dev/null || true
		fi
	done
	# dnsmasq, socat, ...: our own children.
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	for ((i = ${#NS_CREATED[@]} - 1; i >= 0; i--)); do
		ns=${NS_CREATED[i]}
		if [[ -e /run/netns/$ns ]]; then ip netns del "$ns" 2>/dev/null || true; fi
	done
	if [[ -n ${PFX:-} ]]; then
		for ns in /run/netns/"$PFX"*; do
			if [[ -e $ns ]]; then ip netns del "${ns##*/}" 2>/dev/null || true; fi
		done
	fi
	return 0
}

# say TEXT...: shown in the bats output.
say() {
	printf '%s\n' "$@" | sed 's/^/# /' >&3
}

assert_not_contains() {
	if [[ "$1" == *"$2"* ]]; then
		die "${3:-value}: '$1' contains '$2'"
	fi
}

# show_dns_log: the netd-dns log file, for failure diagnostics.
show_dns_log() {
	if [[ -s $DNSLOG ]]; then
		echo "# --- netd-dns log:" >&2
		tail -n 40 "$DNSLOG" | sed 's/^/# /' >&2
	fi
}

# ---------------------------------------------------------------------------
# running things in $HOST with the test's resolv.conf

# in_host CMD...: run CMD in $HOST, in a private mount namespace whose
# /etc/resolv.conf is $RESOLV. Never runs CMD if the bind mount fails.
in_host() {
	# shellcheck disable=SC2016 # expanded by sh -c
	ip netns exec "$HOST" unshare -m --propagation private sh -c \
		'mount --bind "$0" /etc/resolv.conf || exit 99; exec "$@"' "$RESOLV" "$@"
}

# dnetd [VAR=VAL...] ARGS...: `run` netd in $HOST with --config $CFG, the test's
# firewall driver ($FW) and netd-dns; stdin is passed on. netd-dns logs to
# $DNSLOG unless DNSLOG_OFF is set (then it runs as under netavark: no log file).
dnetd() {
	local envs=()
	[[ -z ${DNSLOG_OFF:-} ]] && envs+=("NETD_DNS_LOG_FILE=$DNSLOG")
	while [[ $# -gt 0 && $1 == [A-Z_]*=* ]]; do
		envs+=("$1")
		shift
	done
	run --separate-stderr in_host env -u NETD_DNS_LOG_FILE "${envs[@]}" \
		"$NETD" --config "$CFG" --firewall-driver "$FW" -a "$NETD_DNS" "$@"
	remember_dns_pid
}

# remember_dns_pid: note the pid of the running netd-dns for teardown.
remember_dns_pid() {
	local p
	if [[ -f $DNSDIR/aardvark.pid ]]; then
		p=$(cat "$DNSDIR/aardvark.pid" 2>/dev/null || true)
		[[ -n $p ]] && DNS_PIDS+=("$p")
	fi
	return 0
}

# dsetup CTR_NS JSON [VAR=VAL...]: netd setup must succeed; result in $RESULT.
dsetup() {
	local ns=$1 json=$2
	shift 2
	dnetd "$@" setup "/run/netns/$ns" <<<"$json"
	if [[ $status -ne 0 ]]; then
		show_run
		show_dns_log
		die "netd setup for $ns failed"
		return 1
	fi
	RESULT=$output
}

# dteardown CTR_NS JSON [VAR=VAL...]: netd teardown must succeed.
dteardown() {
	local ns=$1 json=$2
	shift 2
	dnetd "$@" teardown "/run/netns/$ns" <<<"$json"
	if [[ $status -ne 0 ]]; then
		show_run
		show_dns_log
		die "netd teardown for $ns failed"
		return 1
	fi
}

# dns_pid: pid of the running netd-dns (from its pid file), or fail.
dns_pid() {
	local p
	p=$(cat "$DNSDIR/aardvark.pid" 2>/dev/null) || { die "no $DNSDIR/aardvark.pid"; return 1; }
	proc_running "$p" || { die "netd-dns (pid $p) is not running"; return 1; }
	echo "$p"
}

# ---------------------------------------------------------------------------
# request JSON

# dcid N: a 64-hex container id whose 12-char short id differs per N.
dcid() {
	printf 'ctr%s' "$1" | sha256sum | cut -c1-64
}

# dnet NAME BRIDGE SUBNET... → a dns_enabled bridge network.
dnet() {
	net_json "$@" | jq -c '.dns_enabled = true'
}

# datt NETNAME IFNAME IP... [-- ALIAS...] → per-network options with aliases.
datt() {
	local name=$1 ifname=$2 ips=() aliases=()
	shift 2
	while [[ $# -gt 0 && $1 != -- ]]; do
		ips+=("$1")
		shift
	done
	[[ ${1:-} == -- ]] && shift
	aliases=("$@")
	att_json "$name" "$ifname" "${ips[@]}" |
		jq -c --args '.aliases = $ARGS.positional' "${aliases[@]}"
}

# dreq ID NAME NET ATT [NET ATT]... → a request for container ID named NAME.
dreq() {
	local id=$1 name=$2
	shift 2
	req_json "$id" "$@" | jq -c --arg n "$name" '.container_name = $n'
}

# ---------------------------------------------------------------------------
# upstream resolvers (dnsmasq in $UP)

# upstream ADDR TAG [dnsmasq options...]: start dnsmasq on ADDR:53 in $UP. It
# answers example.test (and below) with 198.51.100.7, names in
# $BATS_TEST_TMPDIR/TAG.hosts (if any), and NXDOMAIN for everything else; it
# never forwards. Queries are logged to $BATS_TEST_TMPDIR/TAG.log. The pid is
# in UPSTREAM_PID[TAG].
declare -gA UPSTREAM_PID=()
upstream() {
	local addr=$1 tag=$2 hosts=$BATS_TEST_TMPDIR/$2.hosts n
	shift 2
	command -v dnsmasq >/dev/null || skip "dnsmasq is not installed (apt-get install dnsmasq-base)"
	[[ -f $hosts ]] || : >"$hosts"
	: >"$BATS_TEST_TMPDIR/$tag.log"
	ip netns exec "$UP" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
		--keep-in-foreground --user=root --group=root --pid-file= \
		--listen-address="$addr" --bind-interfaces --port 53 \
		--address=/example.test/198.51.100.7 --address=/#/ --addn-hosts="$hosts" \
		--log-queries --log-facility="$BATS_TEST_TMPDIR/$tag.log" "$@" \
		</dev/null >"$BATS_TEST_TMPDIR/$tag.out" 2>&1 3>&- &
	UPSTREAM_PID[$tag]=$!
	BG_PIDS+=("$!")
	for ((n = 0; n < 50; n++)); do
		if ip netns exec "$UP" ss -Hlun "src $addr:53" | grep -q .; then
			return 0
		fi
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/$tag.out" >&2
	die "dnsmasq $tag did not start on $addr"
}

# upstream_stop TAG: kill that dnsmasq and wait for it.
upstream_stop() {
	local pid=${UPSTREAM_PID[$1]}
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# upstream_saw TAG TEXT: the dnsmasq query log contains TEXT (waits up to 2 s).
upstream_saw() {
	local n
	for ((n = 0; n < 20; n++)); do
		grep -qF -- "$2" "$BATS_TEST_TMPDIR/$1.log" && return 0
		sleep 0.1
	done
	return 1
}

# upstream_queries TAG: the "query[...]" lines of its log.
upstream_queries() {
	grep -F 'query[' "$BATS_TEST_TMPDIR/$1.log" || true
}

# ---------------------------------------------------------------------------
# queries

# dq NS ARGS...: dig inside NS (ARGS must contain @SERVER). Sets DIG_RC,
# DIG_OUT (full output), DIG_STATUS (rcode name of the first reply, empty if
# none), DIG_FLAGS (flags of the first reply), DIG_ANSWER (answer records of
# all replies, whitespace squeezed, one per line) and DIG_DATA (the data
# fields of the answer records, sorted, space-separated).
dq() {
	local ns=$1
	shift
	[[ " $* " == *" @"* ]] || { die "dq: no @server given"; return 1; }
	DIG_OUT=$(ip netns exec "$ns" timeout 20 dig +time=1 +tries=1 "$@" 2>&1) && DIG_RC=0 || DIG_RC=$?
	DIG_STATUS=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$DIG_OUT" | head -n 1)
	DIG_FLAGS=$(sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p' <<<"$DIG_OUT" | head -n 1)
	DIG_ANSWER=$(awk '/^;; ANSWER SECTION:/ { a = 1; next } /^$/ { a = 0 } a' <<<"$DIG_OUT" |
		awk '{ $1 = $1; print }')
	DIG_DATA=$(awk '{ print $5 }' <<<"$DIG_ANSWER" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
}

show_dig() {
	printf '# dig exit %s\n' "$DIG_RC" >&2
	sed 's/^/# | /' <<<"$DIG_OUT" >&2
	show_dns_log
}

# dassert_eq / dassert_not_contains: like assert_eq / assert_not_contains,
# and show the last dig on failure.
dassert_eq() {
	assert_eq "$@" || { show_dig; return 1; }
}

dassert_not_contains() {
	assert_not_contains "$@" || { show_dig; return 1; }
}

# expect_rr NS SERVER NAME TYPE DATA... [+dig-option|-pPORT...]: NOERROR, exactly these
# records (data fields, any order), TTL 0, owner name as asked, RA set.
expect_rr() {
	local ns=$1 srv=$2 name=$3 type=$4 want opts=() data=() d ttl owner
	shift 4
	for d in "$@"; do
		if [[ $d == +* || $d == -p* ]]; then opts+=("$d"); else data+=("$d"); fi
	done
	dq "$ns" "${opts[@]}" "@$srv" "$name" "$type"
	want=$(printf '%s\n' "${data[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
	if [[ $DIG_RC -ne 0 || $DIG_STATUS != NOERROR || $DIG_DATA != "$want" ]]; then
		show_dig
		die "$type $name @$srv from $ns: expected NOERROR with [$want]," \
			"got status '$DIG_STATUS' with [$DIG_DATA]"
		return 1
	fi
	while read -r owner ttl _ _ _; do
		[[ -z $owner ]] && continue
		assert_eq "$owner" "${name%.}." "owner name of $type $name" || { show_dig; return 1; }
		assert_eq "$ttl" 0 "TTL of $type $name" || { show_dig; return 1; }
	done <<<"$DIG_ANSWER"
	assert_contains " $DIG_FLAGS " " ra " "flags of the reply to $type $name" || { show_dig; return 1; }
	assert_not_contains "$DIG_OUT" "recursion requested but not available" "dig output" || return 1
}

# expect_status NS SERVER NAME TYPE STATUS [+dig-option...]: that rcode, no answer records.
expect_status() {
	local ns=$1 srv=$2 name=$3 type=$4 st=$5
	shift 5
	dq "$ns" "$@" "@$srv" "$name" "$type"
	if [[ $DIG_RC -ne 0 || $DIG_STATUS != "$st" || -n $DIG_ANSWER ]]; then
		show_dig
		die "$type $name @$srv from $ns: expected $st without answers," \
			"got status '$DIG_STATUS', answers [$DIG_DATA]"
		return 1
	fi
}

# expect_no_reply NS SERVER NAME TYPE [+dig-option...]: dig gets no answer at all.
expect_no_reply() {
	local ns=$1 srv=$2 name=$3 type=$4
	shift 4
	dq "$ns" "$@" "@$srv" "$name" "$type"
	if [[ $DIG_RC -eq 0 || -n $DIG_STATUS ]]; then
		show_dig
		die "$type $name @$srv from $ns: expected no reply, got status '$DIG_STATUS' [$DIG_DATA]"
		return 1
	fi
}

# ---------------------------------------------------------------------------
# sockets in $HOST

# listening PROTO ADDR PORT: netd-dns (or anything) listens on ADDR:PORT in $HOST.
listening() {
	local a=$2
	[[ $a == *:* ]] && a="[$a]"
	if [[ $1 == udp ]]; then
		ip netns exec "$HOST" ss -Hlun "src $a:$3" | grep -q .
	else
		ip netns exec "$HOST" ss -Hltn "src $a:$3" | grep -q .
	fi
}

assert_listening() {
	local p
	for p in udp tcp; do
		listening "$p" "$1" "$2" || {
			ip netns exec "$HOST" ss -lnup >&2
			ip netns exec "$HOST" ss -lntp >&2
			die "nothing listens on $p $1 port $2 in $HOST"
			return 1
		}
	done
}

# wait_not_listening ADDR PORT: within 3 s neither UDP nor TCP listen there.
wait_not_listening() {
	local n
	for ((n = 0; n < 30; n++)); do
		if ! listening udp "$1" "$2" && ! listening tcp "$1" "$2"; then
			return 0
		fi
		sleep 0.1
	done
	ip netns exec "$HOST" ss -lnup >&2
	die "$1 port $2 is still listened on in $HOST"
}
