# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034
#
# Helpers for tests/e2e/podman.bats. setup.sh has already built the world
# (private /run, upstream dnsmasq, outside namespace, containers.conf, image)
# and exported:
#   CONTAINERS_CONF, CONTAINERS_STORAGE_CONF  Podman pointed at netd
#   NETD_PREFIX, NETD_HELPERS                 the install under test
#   E2E_IMAGE                                 busybox (+ socat) image
#   E2E_OUT                                   the "outside" namespace
#   E2E_HOST4/6, E2E_OUT4/6                   addresses of the link to it
#   E2E_DNSMASQ_LOG                           every query the upstream saw
#   E2E_TMP                                   scratch directory of the run

bats_require_minimum_version 1.5.0

NETD_RUN=/run/containers/networks
DNS_DIR=$NETD_RUN/aardvark-dns
STATE_DIR=$NETD_RUN/netd/containers
NETD_BIN=$NETD_PREFIX/libexec/netd/netd
NETD_DNS_BIN=$NETD_PREFIX/libexec/netd/netd-dns

setup() {
	[[ -n ${CONTAINERS_CONF:-} ]] || skip "run through tests/e2e/run.sh"
	PMLOG=$BATS_TEST_TMPDIR/podman.log
	: >"$PMLOG"
}

teardown() {
	local rc=0
	# Remove what the test made: pods, containers, networks (the default one stays).
	timeout 120 podman pod rm -af -t 0 >>"$PMLOG" 2>&1 || rc=1
	timeout 120 podman rm -af -t 0 >>"$PMLOG" 2>&1 || rc=1
	timeout 60 podman network prune -f >>"$PMLOG" 2>&1 || rc=1
	[[ -z ${LAN_PID:-} ]] || lan_down
	if [[ -n ${BATS_TEST_COMPLETED:-} ]]; then
		return 0
	fi
	# The test failed: show what Podman and netd said (netd logs at info).
	echo "--- podman/netd stderr of this test ---"
	sed 's/^/  /' "$PMLOG"
	if [[ -s $E2E_TMP/netd-dns.log ]]; then
		echo "--- netd-dns log (last 20 lines) ---"
		tail -n 20 "$E2E_TMP/netd-dns.log" | sed 's/^/  /'
	fi
	return 0
}

# pm ARGS...: podman, stderr (netd's log lines among it) to the test's log.
# Fails with the message when podman fails.
pm() {
	local out rc
	echo "\$ podman $*" >>"$PMLOG"
	if [[ $1 == exec && ${E2E_EXEC_VIA_NSENTER:-0} == 1 ]]; then
		out=$(exec_via_nsenter "${@:2}" 2>>"$PMLOG") && rc=0 || rc=$?
	else
		out=$(timeout 120 podman "$@" 2>>"$PMLOG") && rc=0 || rc=$?
	fi
	if [[ $rc -ne 0 ]]; then
		echo "podman $* failed (exit $rc):" >&2
		tail -n 20 "$PMLOG" >&2
		return "$rc"
	fi
	[[ -z $out ]] || printf '%s\n' "$out"
}

# exec_via_nsenter CTR COMMAND...: what `podman exec CTR COMMAND...` does,
# where runc's exec cannot (setup.sh found out: a chroot). Enters every
# namespace of the container's init process and its root and working
# directory, with the image's PATH.
exec_via_nsenter() {
	local pid
	pid=$(podman inspect -f '{{.State.Pid}}' "$1") && [[ $pid -gt 0 ]] ||
		{ echo "exec_via_nsenter: $1 is not running" >&2; return 125; }
	shift
	timeout 120 nsenter -t "$pid" -m -u -i -n -p -r -w -- \
		/bin/env -i PATH=/bin:/usr/bin HOME=/ TERM=dumb "$@"
}

# pm_fails ARGS...: podman must fail; its stderr is left in $PM_ERR.
pm_fails() {
	echo "\$ podman $* (must fail)" >>"$PMLOG"
	if PM_ERR=$(timeout 120 podman "$@" 2>&1 >/dev/null); then
		echo "podman $* succeeded, expected a failure" >&2
		return 1
	fi
	echo "$PM_ERR" >>"$PMLOG"
}

# run_ctr NAME [PODMAN RUN OPTIONS...] -- [COMMAND...]: a detached container
# (default command: sleep). Prints nothing; the id is in $CID.
run_ctr() {
	local name=$1 opts=() cmd=()
	shift
	while [[ $# -gt 0 && $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	[[ ${1:-} != -- ]] || shift
	cmd=("$@")
	((${#cmd[@]})) || cmd=(sleep 3600)
	CID=$(pm run -d --pull=never --name "$name" "${opts[@]}" "$E2E_IMAGE" "${cmd[@]}")
}

ctr_pid() { pm inspect -f '{{.State.Pid}}' "$1"; }
ctr_id() { pm inspect -f '{{.Id}}' "$1"; }

# ctr_ip CTR NETWORK [6]: the container's address on that network.
ctr_ip() {
	if [[ ${3:-} == 6 ]]; then
		pm inspect -f "{{(index .NetworkSettings.Networks \"$2\").GlobalIPv6Address}}" "$1"
	else
		pm inspect -f "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"
	fi
}

# in_ctr CTR CMD...: run a host command inside the container's network namespace.
in_ctr() {
	local pid
	pid=$(ctr_pid "$1") || return 1
	shift
	nsenter -t "$pid" -n -- "$@"
}

# dq CTR SERVER NAME [TYPE]: dig from inside CTR's network namespace, answers
# only (+short). Two tries, two seconds each. (-q/-t: a container named like a
# record type, e.g. "a6", stays a name.)
dq() {
	in_ctr "$1" dig +time=2 +tries=2 +short "@$2" -q "$3" -t "${4:-A}"
}

# dptr CTR SERVER IP: reverse lookup, answers only.
dptr() {
	in_ctr "$1" dig +time=2 +tries=2 +short "@$2" -x "$3"
}

# dq_many CTR SERVER NAME...: one dig process, one A query per name.
dq_many() {
	local c=$1 s=$2 n args=()
	shift 2
	for n in "$@"; do
		args+=(-q "$n" -t A)
	done
	in_ctr "$c" dig +time=2 +tries=2 +short "@$s" "${args[@]}"
}

# dstatus CTR SERVER NAME [TYPE]: the rcode (NOERROR, NXDOMAIN, ...) or "timeout".
dstatus() {
	local out
	out=$(in_ctr "$1" dig +time=2 +tries=1 "@$2" -q "$3" -t "${4:-A}" 2>&1) || true
	if [[ $out =~ status:\ ([A-Z]+) ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo timeout
	fi
}

# wget_in CTR URL: busybox wget inside the container, body on stdout. (No -T:
# this busybox build crashes with it; timeout(1) bounds it instead.)
wget_in() { pm exec "$1" timeout 5 wget -q -O - "$2"; }

# pings CTR ADDR: one ping from inside the container (busybox ping, two seconds).
pings() { pm exec "$1" ping -c 1 -W 2 "$2" >/dev/null; }
pings6() { pm exec "$1" ping6 -c 1 -W 2 "$2" >/dev/null; }

# expect_eq WHAT GOT WANT
expect_eq() {
	if [[ "$2" != "$3" ]]; then
		printf '%s: got [%s], expected [%s]\n' "$1" "$2" "$3" >&2
		return 1
	fi
}

# expect_match WHAT TEXT REGEX
expect_match() {
	if ! [[ "$2" =~ $3 ]]; then
		printf '%s: [%s] does not match /%s/\n' "$1" "$2" "$3" >&2
		return 1
	fi
}

# wait_until SECONDS CMD...: poll (every 0.1 s) until CMD succeeds.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	while ! "$@"; do
		if ((SECONDS >= end)); then
			echo "timed out waiting for: $*" >&2
			return 1
		fi
		sleep 0.1
	done
}

# The netd-dns server: pid from the pid file when that process is alive
# (a zombie does not count).
dns_pid() {
	local pid
	pid=$(cat "$DNS_DIR/aardvark.pid" 2>/dev/null) || return 1
	alive "$pid" && echo "$pid"
}

alive() {
	[[ -e /proc/$1/status ]] && ! grep -qE '^State:\s+[ZX]' "/proc/$1/status" 2>/dev/null
}

# Live processes (not zombies) of this run's network namespace running one of
# netd's programs (or the names Podman knows them by).
netd_procs() {
	local p exe me
	me=$(readlink /proc/self/ns/net)
	for p in /proc/[0-9]*; do
		[[ $(readlink "$p/ns/net" 2>/dev/null) == "$me" ]] || continue
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case $exe in
		"$NETD_DNS_BIN" | "$NETD_BIN" | */aardvark-dns | */netavark)
			alive "${p#/proc/}" && echo "${p#/proc/} $exe"
			;;
		esac
	done
	return 0
}

no_netd_procs() { [[ -z $(netd_procs) ]]; }

# Host side of the outside link and lo are the only links the run itself made.
extra_links() {
	ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -vxE 'lo|e2e-up' || true
}

# http_get NS|- HOST PORT: GET / through socat (from the outside namespace or
# the host); prints the body. (busybox wget is not used on the host side: the
# static build crashes in the host's NSS.)
http_get() {
	local resp addr=$2
	[[ $addr != *:* ]] || addr="[$addr]"
	if [[ $1 == - ]]; then
		resp=$(printf 'GET / HTTP/1.0\r\n\r\n' | timeout 5 socat -T 3 - "TCP:$addr:$3,connect-timeout=3") || return 1
	else
		resp=$(printf 'GET / HTTP/1.0\r\n\r\n' | ip netns exec "$1" timeout 5 socat -T 3 - "TCP:$addr:$3,connect-timeout=3") || return 1
	fi
	[[ $resp == HTTP/1.?\ 200* ]] || return 1
	printf '%s\n' "${resp##*$'\r\n\r\n'}"
}

# udp_echo NS|- HOST PORT TEXT: one datagram to an echo server (from the
# outside namespace or the host); prints the reply.
udp_echo() {
	if [[ $1 == - ]]; then
		printf '%s\n' "$4" | timeout 5 socat -T 2 - "UDP4:$2:$3"
	else
		printf '%s\n' "$4" | ip netns exec "$1" timeout 5 socat -T 2 - "UDP4:$2:$3"
	fi
}

# --- DHCP (the dhcp test) ----------------------------------------------------

LAN_NS=netd-e2e-lan
# lan_up: namespace $LAN_NS with dnsmasq (DHCP 10.202.0.50-99/24, router and
# DNS 10.202.0.1, 2 min leases, lease file $LAN_LEASES) on lan0, the peer of
# e2e-lan here (the macvlan parent).
lan_up() {
	LAN_LEASES=$BATS_TEST_TMPDIR/lan.leases
	LAN_PID=$BATS_TEST_TMPDIR/lan-dnsmasq.pid
	: >"$LAN_LEASES"
	ip netns add "$LAN_NS"
	ip link add e2e-lan type veth peer name lan0 netns "$LAN_NS"
	ip link set e2e-lan up
	ip -n "$LAN_NS" link set lo up
	ip -n "$LAN_NS" link set lan0 up
	ip -n "$LAN_NS" addr add 10.202.0.1/24 dev lan0
	ip netns exec "$LAN_NS" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts \
		--user=root --group=root --interface=lan0 --bind-interfaces --port=0 \
		--pid-file="$LAN_PID" --dhcp-range=10.202.0.50,10.202.0.99,255.255.255.0,2m \
		--dhcp-authoritative --dhcp-leasefile="$LAN_LEASES" \
		--dhcp-option=option:router,10.202.0.1 --dhcp-option=option:dns-server,10.202.0.1 \
		--log-facility="$BATS_TEST_TMPDIR/lan-dnsmasq.log" --log-dhcp
	wait_until 5 test -s "$LAN_PID"
}

lan_down() {
	if [[ -s ${LAN_PID:-/nonexistent} ]]; then
		kill "$(cat "$LAN_PID")" 2>/dev/null || true
		rm -f "$LAN_PID"
	fi
	ip netns del "$LAN_NS" 2>/dev/null || true
	# (Gone with its peer's namespace, normally.)
	ip link del e2e-lan 2>/dev/null || true
}

lease_gone() { ! grep -q " $1 " "$LAN_LEASES"; }

# write_dhcp_network NAME PARENT: a macvlan network with ipam dhcp in Podman's
# network directory (setup.sh's network_config_dir), as docs/dhcp.md tells a
# Podman 4.3 user: the network `netd create` completes.
write_dhcp_network() {
	jq -nc --arg n "$1" --arg p "$2" '{network: {name: $n, driver: "macvlan", network_interface: $p}}' |
		"$NETD_BIN" create >"$E2E_TMP/networks/$1.json"
}
