#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Rootless Podman end to end: an unprivileged user (made by
# tests/e2e/rootless-setup.sh, in a private mount namespace) runs Podman 4.3
# with runc, slirp4netns and rootlessport; Podman runs netd and netd-dns as
# that user, with --rootless=true, inside its rootless network namespace.
# Run through tests/e2e/rootless.sh (as root: the tests look into the
# user's namespaces from outside; every podman command runs as the user).

load rootless_helpers

@test "podman runs netd and netd-dns as the user, rootless, in the rootless network namespace" {
	expect_eq "rootless" "$(pm info --format '{{.Host.Security.Rootless}}')" true
	expect_eq "network backend" "$(pm info --format '{{.Host.NetworkBackend}}')" netavark
	expect_eq "podman runs as" "$(podman unshare cat /proc/self/uid_map | awk 'NR==1 {print $2}')" "$RL_UID"
	expect_eq "helper netavark" "$(readlink -f "$NETD_HELPERS/netavark")" "$(readlink -f "$NETD_BIN")"

	pm network create --subnet 10.211.1.0/24 r1 >/dev/null
	run_ctr c1 --network r1
	# netd's own log line among Podman's stderr (NETD_LOG=info from the user's containers.conf).
	grep -q "^\[info  netd\] container $CID set up on 1 network(s)" "$PMLOG" ||
		{ echo "no netd log line for $CID in podman's stderr" >&2; false; }

	# netd's state under $XDG_RUNTIME_DIR, owned by the user.
	[[ -f $STATE_DIR/$CID.json ]] || { echo "no state file $STATE_DIR/$CID.json" >&2; ls -laR "$NETD_RUN" >&2; false; }
	expect_eq "state file owner" "$(stat -c %u "$STATE_DIR/$CID.json")" "$RL_UID"
	expect_eq "state file links" "$(jq -r '.links | keys | join(",")' "$STATE_DIR/$CID.json")" r1
	[[ ! -e /run/containers/networks/netd/containers/$CID.json ]]

	# netd-dns: the user's process, netd's binary, in the rootless network namespace.
	local pid
	pid=$(dns_pid) || { echo "no DNS server (pid file $DNS_DIR/aardvark.pid)" >&2; false; }
	expect_eq "DNS server executable" "$(readlink "/proc/$pid/exe")" "$(readlink -f "$NETD_DNS_BIN")"
	expect_eq "DNS server uid" "$(proc_uid "$pid")" "$RL_UID"
	expect_eq "DNS server network namespace" "$(readlink "/proc/$pid/ns/net")" "$(rlns_id)"
	[[ $(readlink "/proc/$pid/ns/net") != "$(readlink /proc/self/ns/net)" ]]
	grep -q "^$CID 10\.211\.1\." "$DNS_DIR/r1"
	expect_eq "c1 by name" "$(dq c1 10.211.1.1 c1)" "$(ctr_ip c1 r1)"

	# The bridge and netd's ruleset are in the rootless namespace, not in the machine's.
	in_rlns ip link show podman1 >/dev/null
	in_rlns nft list table inet netd >/dev/null
	run ! ip link show podman1
	run ! nft list table inet netd
	# No netavark/aardvark-dns of Debian's, no process of netd running as root.
	local p
	while read -r p _; do
		[[ -n $p ]] || continue
		expect_eq "uid of netd process $p" "$(proc_uid "$p")" "$RL_UID"
	done < <(netd_procs)
	[[ -z $(netd_procs | grep -v -e " $(readlink -f "$NETD_DNS_BIN")$" -e " $(readlink -f "$NETD_BIN")$") ]]
}

@test "rootless: names, aliases, search domain, PTR and short ids" {
	pm network create --subnet 10.211.2.0/24 r2 >/dev/null
	run_ctr a2 --network r2
	run_ctr b2 --network r2 --network-alias web2 -- httpd -f -p 80 -h /www
	local ida ipa ipb ptr
	ida=$(ctr_id a2)
	ipa=$(ctr_ip a2 r2)
	ipb=$(ctr_ip b2 r2)
	pings a2 "$ipb"
	expect_eq "A b2" "$(dq a2 10.211.2.1 b2)" "$ipb"
	expect_eq "A web2" "$(dq a2 10.211.2.1 web2)" "$ipb"
	expect_eq "A b2.dns.podman" "$(dq a2 10.211.2.1 b2.dns.podman)" "$ipb"
	expect_eq "A a2 short id" "$(dq b2 10.211.2.1 "${ida:0:12}")" "$ipa"
	ptr=$(dptr a2 10.211.2.1 "$ipb" | sort | tr '\n' ' ')
	expect_match "PTR $ipb" "$ptr" '(^| )b2\. '
	expect_match "PTR $ipb" "$ptr" '(^| )web2\. '
	expect_match "resolv.conf" "$(pm exec a2 cat /etc/resolv.conf)" $'(^|\n)nameserver 10\\.211\\.2\\.1(\n|$)'
	expect_eq "http://web2/" "$(wget_in a2 http://web2/)" netd-e2e
}

@test "rootless: dual stack, A, AAAA and PTR over both families" {
	pm network create --ipv6 --subnet 10.211.3.0/24 --subnet fd00:211:3::/64 r3 >/dev/null
	run_ctr a3 --network r3
	run_ctr b3 --network r3
	local ipb ipb6
	ipb=$(ctr_ip b3 r3)
	ipb6=$(ctr_ip b3 r3 6)
	expect_match "b3 IPv6" "$ipb6" '^fd00:211:3:'
	pings6 a3 "$ipb6"
	expect_eq "A b3" "$(dq a3 10.211.3.1 b3)" "$ipb"
	expect_eq "AAAA b3 over IPv6" "$(dq a3 fd00:211:3::1 b3 AAAA)" "$ipb6"
	expect_match "PTR of the IPv6 address" "$(dptr a3 fd00:211:3::1 "$ipb6")" '(^|'$'\n'')b3\.'
}

@test "rootless: networks are isolated, names included; -o isolate=true too" {
	pm network create --subnet 10.211.4.0/24 r4a >/dev/null
	pm network create --subnet 10.211.40.0/24 -o isolate=true r4b >/dev/null
	run_ctr a4 --network r4a
	run_ctr b4 --network r4b
	local ipa ipb
	ipa=$(ctr_ip a4 r4a)
	ipb=$(ctr_ip b4 r4b)
	run ! pings a4 "$ipb"
	run ! pings b4 "$ipa"
	expect_eq "b4 from a4" "$(dstatus a4 10.211.4.1 b4)" NXDOMAIN
	expect_eq "a4 from b4" "$(dstatus b4 10.211.40.1 a4)" NXDOMAIN
	expect_eq "b4 from a4 via r4b's gateway" "$(dq a4 10.211.40.1 b4 || true)" ""
	expect_eq "isolate option" "$(pm network inspect -f '{{index .Options "isolate"}}' r4b)" true
}

@test "rootless: a container on two networks; network connect and disconnect" {
	pm network create --subnet 10.211.5.0/24 r5a >/dev/null
	pm network create --subnet 10.211.50.0/24 r5b >/dev/null
	run_ctr a5 --network r5a
	run_ctr b5 --network r5b
	run_ctr m5 --network r5a --network r5b
	local ipa ipb mb ida ipa2
	ipa=$(ctr_ip a5 r5a)
	ipb=$(ctr_ip b5 r5b)
	mb=$(ctr_ip m5 r5b)
	expect_eq "m5 interfaces" "$(in_ctr m5 ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | tr '\n' ' ')" "eth0 eth1 lo "
	pings m5 "$ipa"
	pings m5 "$ipb"
	expect_eq "b5 from m5 @r5a" "$(dq m5 10.211.5.1 b5)" "$ipb"
	expect_eq "m5 from b5" "$(dq b5 10.211.50.1 m5)" "$mb"
	run ! pings a5 "$ipb"

	ida=$(ctr_id a5)
	pm network connect --alias a5alias r5b a5
	ipa2=$(ctr_ip a5 r5b)
	expect_match "a5 on r5b" "$ipa2" '^10\.211\.50\.'
	expect_eq "a5alias from b5" "$(dq b5 10.211.50.1 a5alias)" "$ipa2"
	pings b5 "$ipa2"
	expect_eq "a5 links after connect" "$(jq -r '.links | keys | sort | join(",")' "$STATE_DIR/$ida.json")" r5a,r5b
	pm network disconnect r5b a5
	expect_eq "a5 from b5 after disconnect" "$(dstatus b5 10.211.50.1 a5)" NXDOMAIN
	run ! pings b5 "$ipa2"
	expect_eq "a5 links after disconnect" "$(jq -r '.links | keys | join(",")' "$STATE_DIR/$ida.json")" r5a
}

@test "rootless: published TCP and UDP ports through rootlessport, from the namespace Podman runs in" {
	pm network create --subnet 10.211.7.0/24 r7 >/dev/null
	run_ctr w7 --network r7 -p 8180:80 -p 5354:5353/udp -- \
		sh -c 'socat UDP4-RECVFROM:5353,fork EXEC:/bin/cat & exec httpd -f -p 80 -h /www'
	wait_until 10 http_get - 127.0.0.1 8180
	expect_eq "127.0.0.1:8180" "$(http_get - 127.0.0.1 8180)" netd-e2e
	expect_eq "$E2E_HOST4:8180" "$(http_get - "$E2E_HOST4" 8180)" netd-e2e
	expect_eq "udp 127.0.0.1:5354" "$(udp_echo - 127.0.0.1 5354 hello-rootless)" hello-rootless
	# The listener on :8180 in the namespace Podman runs in is rootlessport,
	# a process of the user; nothing of netd's in this namespace's ruleset.
	local ss pid
	ss=$(ss -Hltnp 'sport = :8180')
	expect_match "listener of :8180" "$ss" '"rootlessport",pid=[0-9]+'
	pid=$(grep -oE 'pid=[0-9]+' <<<"$ss" | head -1)
	expect_eq "uid of rootlessport" "$(proc_uid "${pid#pid=}")" "$RL_UID"
	run ! nft list table inet netd
	pm stop -t 0 w7 >/dev/null
	run ! http_get - 127.0.0.1 8180
}

@test "rootless: internal network: peers by name, no egress, no forwarding of outside names" {
	pm network create --internal --subnet 10.211.9.0/24 r9 >/dev/null
	run_ctr a9 --network r9
	run_ctr b9 --network r9
	local name=rlint-$RANDOM$RANDOM.e2e.test
	expect_eq "b9 from a9" "$(dq a9 10.211.9.1 b9)" "$(ctr_ip b9 r9)"
	expect_eq "$name from a9" "$(dstatus a9 10.211.9.1 "$name")" NXDOMAIN
	expect_eq "outside.e2e.test from a9" "$(dstatus a9 10.211.9.1 outside.e2e.test)" NXDOMAIN
	run ! grep -q "$name" "$E2E_DNSMASQ_LOG"
	run in_ctr a9 ip route show default
	expect_eq "default route" "$output" ""
	run ! pings a9 "$E2E_OUT4"
	expect_eq "straight to the machine's resolver" "$(dstatus a9 "$E2E_HOST4" outside.e2e.test)" timeout
}

@test "rootless: a non-internal network reaches outside through slirp4netns and forwards outside names" {
	pm network create --subnet 10.211.10.0/24 r10 >/dev/null
	run_ctr a10 --network r10
	expect_eq "outside.e2e.test" "$(dq a10 10.211.10.1 outside.e2e.test)" "$E2E_OUT4"
	# Straight to the machine's resolver, through slirp4netns (no ICMP there).
	expect_eq "outside.e2e.test @$E2E_HOST4" "$(dq a10 "$E2E_HOST4" outside.e2e.test)" "$E2E_OUT4"
}

@test "rootless: podman network reload restores netd's ruleset in the rootless namespace" {
	pm network create --subnet 10.211.13.0/24 r13 >/dev/null
	run_ctr w13 --network r13 -- httpd -f -p 80 -h /www
	run_ctr a13 --network r13
	local ipw
	ipw=$(ctr_ip w13 r13)
	in_rlns nft delete table inet netd
	pm network reload --all >/dev/null
	in_rlns nft list table inet netd >/dev/null
	expect_eq "w13 after reload" "$(dq a13 10.211.13.1 w13)" "$ipw"
	expect_eq "http://w13/ after reload" "$(wget_in a13 http://w13/)" netd-e2e
	expect_eq "egress after reload" "$(dq a13 "$E2E_HOST4" outside.e2e.test)" "$E2E_OUT4"
}

@test "rootless: podman restart keeps DNS working" {
	pm network create --subnet 10.211.12.0/24 r12 >/dev/null
	run_ctr a12 --network r12
	run_ctr b12 --network r12
	local idb
	idb=$(ctr_id b12)
	pm restart -t 0 b12 >/dev/null
	expect_eq "b12 from a12 after restart" "$(dq a12 10.211.12.1 b12)" "$(ctr_ip b12 r12)"
	expect_eq "a12 from b12 after restart" "$(dq b12 10.211.12.1 a12)" "$(ctr_ip a12 r12)"
	expect_eq "lines of b12 in the DNS file" "$(grep -c "^$idb " "$DNS_DIR/r12")" 1
}

@test "rootless: after rm -af, network rm and system migrate nothing of netd nor of the user is left" {
	pm network create --subnet 10.211.14.0/24 r14 >/dev/null
	run_ctr a14 --network r14 -p 8184:80 -- httpd -f -p 80 -h /www
	pm rm -af -t 0 >/dev/null
	pm network rm r14 >/dev/null
	expect_eq "networks" "$(pm network ls --format '{{.Name}}' | tr '\n' ' ')" "podman "
	# The rootless namespace, while it is there: only lo and tap0, no ruleset, no DNS listener.
	if rlns_exists; then
		expect_eq "links in the rootless namespace" "$(rlns_extra_links | tr '\n' ' ')" ""
		run ! in_rlns nft list table inet netd
		expect_eq "DNS listeners" "$(in_rlns ss -Hlnu 'sport = :53' ; in_rlns ss -Hlnt 'sport = :53')" ""
	fi
	expect_eq "state files" "$(ls -A "$STATE_DIR" 2>/dev/null | tr '\n' ' ')" ""
	expect_eq "DNS files" "$(ls -A "$DNS_DIR" 2>/dev/null | tr '\n' ' ')" ""
	pm system migrate >/dev/null
	wait_until 10 no_user_procs || { user_procs >&2; false; }
	run ! http_get - 127.0.0.1 8184
}

@test "the machine's /etc/passwd, group, subuid and subgid are unchanged; the user exists only here" {
	local fd i=0 f sums=
	for f in passwd group subuid subgid; do
		sums+="$(sha256sum <"/proc/$RL_SETUP_PID/fd/$((20 + i))" | awk '{print $1}')  /etc/$f"$'\n'
		i=$((i + 1))
	done
	expect_eq "checksums of the real files" "${sums%$'\n'}" "$RL_ETC_SUMS"
	grep -q "^$RL_USER:" /etc/subuid
	run ! grep -q "^$RL_USER:" "/proc/$RL_SETUP_PID/fd/20"
}
