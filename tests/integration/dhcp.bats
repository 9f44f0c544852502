#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# ipam "dhcp": netd's own DHCPv4 client and lease keeper (netd dhcp-proxy)
# against dnsmasq. $HOST plays the host (netd runs there); a veth pair is the
# macvlan parent: "mvpar" in $HOST, "mvout" in $LAN, a namespace playing the
# LAN with dnsmasq on 10.93.0.1 (DHCP server, router option, DNS server).
# Containers are $C1 and $C2. Needs root and dnsmasq.

load helpers
load world_snapshot

LAN4=10.93.0.1

setup() {
	if [[ $EUID -ne 0 ]]; then
		skip "needs root (network namespaces)"
	fi
	command -v dnsmasq >/dev/null || [[ -x /usr/sbin/dnsmasq ]] || skip "dnsmasq not installed"
	PFX="ndd$$t${BATS_TEST_NUMBER}"
	HOST="${PFX}h"
	C1="${PFX}c1"
	C2="${PFX}c2"
	LAN="${PFX}l"
	CFG="$BATS_TEST_TMPDIR/config"
	NS_CREATED=()
	ns_add "$HOST" "$C1" "$C2" "$LAN"
	ip -n "$HOST" link add mvpar type veth peer name mvout netns "$LAN"
	# No IPv6 DAD on the parent: its link-local address would otherwise turn
	# from tentative to valid between a test's world snapshots.
	echo 0 | ip netns exec "$HOST" tee /proc/sys/net/ipv6/conf/mvpar/accept_dad >/dev/null
	ip -n "$HOST" link set mvpar up
	ip -n "$LAN" link set mvout up
	ip -n "$LAN" link set lo up
	ip -n "$LAN" addr add "$LAN4/24" dev mvout
	# setup brings the container's loopback up (and 127.0.0.1 with it): do it
	# first, so that snapshots compare what a failed DHCP setup leaves.
	ip -n "$C1" link set lo up
}

teardown() {
	local pid
	# The keeper this test's netd started (pid in its instance lock file).
	if [[ -s $CFG/netd/dhcp-proxy.lock ]]; then
		pid=$(cat "$CFG/netd/dhcp-proxy.lock")
		[[ $pid =~ ^[0-9]+$ ]] && kill "$pid" 2>/dev/null || true
	fi
	stop_dnsmasq
	local i
	for i in $(jobs -p); do kill "$i" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ns_cleanup
}

# start_dnsmasq [EXTRA ARGS...]: DHCP on 10.93.0.50-99/24, 2 min leases,
# router and DNS 10.93.0.1, domain lan.test; answers DNS for lan.test.
start_dnsmasq() {
	LEASES="$BATS_TEST_TMPDIR/dnsmasq.leases"
	DNSMASQ_PID="$BATS_TEST_TMPDIR/dnsmasq.pid"
	: >"$LEASES"
	ip netns exec "$LAN" /usr/sbin/dnsmasq --conf-file=/dev/null --no-resolv --no-hosts \
		--user=root --group=root \
		--interface=mvout --bind-interfaces --pid-file="$DNSMASQ_PID" \
		--dhcp-range=10.93.0.50,10.93.0.99,255.255.255.0,2m --dhcp-authoritative \
		--dhcp-leasefile="$LEASES" --dhcp-option=option:router,$LAN4 \
		--dhcp-option=option:dns-server,$LAN4 --domain=lan.test \
		--host-record=gw.lan.test,$LAN4 --log-facility="$BATS_TEST_TMPDIR/dnsmasq.log" \
		--log-dhcp "$@" || die "dnsmasq did not start"
	for _ in $(seq 50); do [[ -s $DNSMASQ_PID ]] && return 0; sleep 0.1; done
	die "dnsmasq wrote no pid file"
}

stop_dnsmasq() {
	if [[ -s ${DNSMASQ_PID:-/nonexistent} ]]; then
		kill "$(cat "$DNSMASQ_PID")" 2>/dev/null || true
		rm -f "$DNSMASQ_PID"
	fi
}

# dhcp_net NAME → a macvlan Network on mvpar with ipam dhcp, no subnets.
dhcp_net() {
	net_json "$1" mvpar | jq -c '.driver = "macvlan" | .ipam_options.driver = "dhcp"'
}

# dhcp_req N NETJSON → request for container N on that network, interface eth0.
dhcp_req() {
	req_json "$(cid "$1")" "$2" "$(att_json "$(jq -r .name <<<"$2")" eth0)" |
		jq -c --arg n "web$1" '.container_name = $n'
}

# leased_addr NS: the IPv4 address/len on eth0.
leased_addr() {
	ip -n "$1" -j addr show dev eth0 | jq -r '.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"'
}

lease_count() {
	grep -c . "$LEASES" || true
}

keeper_pid() {
	cat "$CFG/netd/dhcp-proxy.lock" 2>/dev/null
}

# lease_one [DNSMASQ ARGS...]: dnsmasq up, container 1 set up on network
# "lan"; sets $net, $req, $addr (address/len on eth0).
lease_one() {
	start_dnsmasq "$@"
	net=$(dhcp_net lan)
	req=$(dhcp_req 1 "$net")
	setup_ok "$C1" "$req"
	addr=$(leased_addr "$C1")
	[[ -n $addr ]] || die "no address leased"
}

# start_fake MODE: dhcp_fake_server.py in $LAN (see its header for MODE).
start_fake() {
	mkdir -p "$BATS_TEST_TMPDIR/fake"
	FAKE_LOG="$BATS_TEST_TMPDIR/fake/log"
	ip netns exec "$LAN" python3 "$BATS_TEST_DIRNAME/dhcp_fake_server.py" mvout "$1" >"$FAKE_LOG" 2>&1 &
	FAKE_PID=$!
	for _ in $(seq 50); do grep -q ready "$FAKE_LOG" && return 0; sleep 0.1; done
	die "fake DHCP server did not start:" "$(cat "$FAKE_LOG")"
}

stop_fake() {
	kill "$FAKE_PID" 2>/dev/null || true
	wait "$FAKE_PID" 2>/dev/null || true
}

snap() {
	world_snapshot --ns "$HOST" --ns "$C1"
}

@test "dhcp: setup leases an address, gateway and DNS from dnsmasq; teardown releases it" {
	start_dnsmasq
	net=$(dhcp_net lan)
	req=$(dhcp_req 1 "$net")
	setup_ok "$C1" "$req"
	addr=$(leased_addr "$C1")
	[[ $addr =~ ^10\.93\.0\.(5[0-9]|[6-9][0-9])/24$ ]] || die "unexpected lease: '$addr'"
	# The result reports the lease as netavark does.
	assert_eq "$(jq -r '.lan.interfaces.eth0.subnets[0].ipnet' <<<"$RESULT")" "$addr" "result ipnet"
	assert_eq "$(jq -r '.lan.interfaces.eth0.subnets[0].gateway' <<<"$RESULT")" "$LAN4" "result gateway"
	assert_eq "$(jq -c '.lan.dns_server_ips' <<<"$RESULT")" "[\"$LAN4\"]" "result dns servers"
	assert_eq "$(jq -c '.lan.dns_search_domains' <<<"$RESULT")" '["lan.test"]' "result domains"
	mac=$(jq -r '.lan.interfaces.eth0.mac_address' <<<"$RESULT")
	# The default route goes via the leased router.
	assert_eq "$(ip -n "$C1" -j route show default | jq -r '.[0].gateway')" "$LAN4" "default route"
	# dnsmasq holds the lease for the container's MAC, with its name.
	grep -q " $mac ${addr%/*} web1 " "$LEASES" ||
		die "lease not in dnsmasq's file:" "$(cat "$LEASES")"
	ping_ok "$C1" "$LAN4"
	# DNS through the leased server.
	run ip netns exec "$C1" python3 -c 'import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(3)
q=b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x02gw\x03lan\x04test\x00\x00\x01\x00\x01"
s.sendto(q,(sys.argv[1],53)); r=s.recv(512); print(".".join(str(b) for b in r[-4:]))' "$LAN4"
	assert_status 0
	assert_eq "$output" "$LAN4" "gw.lan.test through the leased DNS server"
	# The keeper runs and holds the lease on disk.
	[[ -n $(keeper_pid) ]] && kill -0 "$(keeper_pid)" || die "netd dhcp-proxy is not running"
	[[ -S $CFG/netd/dhcp-proxy.sock ]] || die "no keeper socket"
	[[ -f $CFG/netd/dhcp/$(cid 1).eth0.json ]] || die "no lease record"

	teardown_ok "$C1" "$req"
	# RELEASE: dnsmasq forgets the lease.
	for _ in $(seq 30); do [[ $(lease_count) == 0 ]] && break; sleep 0.1; done
	assert_eq "$(lease_count)" 0 "dnsmasq leases after teardown"
	grep -q "DHCPRELEASE(mvout) ${addr%/*} $mac" "$BATS_TEST_TMPDIR/dnsmasq.log" ||
		die "no DHCPRELEASE in dnsmasq's log"
	[[ ! -e $CFG/netd/dhcp/$(cid 1).eth0.json ]] || die "lease record left"
	assert_no_state_files
	# No lease left: the keeper exits.
	pid=$(keeper_pid)
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$pid" 2>/dev/null || die "netd dhcp-proxy still runs without leases"
}

@test "dhcp: no DHCP server: a clear error within 5 s and nothing left behind" {
	net=$(dhcp_net lan)
	req=$(dhcp_req 1 "$net")
	t0=$(date +%s%N)
	netd_setup "$C1" "$req"
	ms=$((($(date +%s%N) - t0) / 1000000))
	assert_netd_error 'network "lan": no DHCP lease for "eth0" within 5 s (no DHCP server answered)'
	((ms >= 4500 && ms < 9000)) || die "setup took ${ms} ms, expected about 5 s"
	! link_exists "$C1" eth0 || die "eth0 left in the container"
	assert_eq "$(ip -n "$HOST" -j link show type macvlan | jq length)" 0 "macvlans on the host"
	assert_no_state_files
	[[ -z $(ls -A "$CFG/netd/dhcp" 2>/dev/null) ]] || die "lease records left"
	[[ ! -e $CFG/netd/dhcp-proxy.sock ]] || die "a keeper was started"
}

@test "dhcp: two containers lease different addresses and reach each other and the LAN" {
	start_dnsmasq
	net=$(dhcp_net lan)
	req1=$(dhcp_req 1 "$net")
	req2=$(dhcp_req 2 "$net")
	setup_ok "$C1" "$req1"
	setup_ok "$C2" "$req2"
	a1=$(leased_addr "$C1")
	a2=$(leased_addr "$C2")
	[[ -n $a1 && -n $a2 && $a1 != "$a2" ]] || die "leases: '$a1' '$a2'"
	assert_eq "$(lease_count)" 2 "dnsmasq leases"
	ping_ok "$C1" "${a2%/*}"
	ping_ok "$C2" "${a1%/*}"
	ping_ok "$C2" "$LAN4"
	teardown_ok "$C1" "$req1"
	for _ in $(seq 30); do [[ $(lease_count) == 1 ]] && break; sleep 0.1; done
	assert_eq "$(lease_count)" 1 "dnsmasq leases after one teardown"
	grep -q " ${a2%/*} web2 " "$LEASES" || die "the other lease went too"
	# The keeper stays for the remaining lease.
	kill -0 "$(keeper_pid)" || die "keeper gone with a lease left"
	teardown_ok "$C2" "$req2"
	for _ in $(seq 30); do [[ $(lease_count) == 0 ]] && break; sleep 0.1; done
	assert_eq "$(lease_count)" 0 "dnsmasq leases after both teardowns"
}

# dnsmasq_requests ADDR: how many DHCPREQUESTs for ADDR dnsmasq has logged.
dnsmasq_requests() {
	grep -c "DHCPREQUEST(mvout) $1 " "$BATS_TEST_TMPDIR/dnsmasq.log" || true
}

# wait_renewals ADDR N SECONDS: until dnsmasq has seen N requests for ADDR.
wait_renewals() {
	for _ in $(seq $(($3 * 10))); do
		(($(dnsmasq_requests "$1") >= $2)) && return 0
		sleep 0.1
	done
	die "dnsmasq saw $(dnsmasq_requests "$1") DHCPREQUESTs for $1 in $3 s, expected $2"
}

@test "dhcp: the keeper renews at T1 (dnsmasq options 58/59) and the lease record follows" {
	lease_one --dhcp-option=option:T1,3 --dhcp-option=option:T2,6
	rec="$CFG/netd/dhcp/$(cid 1).eth0.json"
	acq=$(jq .acquired "$rec")
	assert_eq "$(jq -c '[.t1, .t2, .lease]' "$rec")" "[3,6,120]" "T1, T2, lease in the record"
	# One REQUEST at setup, then one every ~3 s.
	wait_renewals "${addr%/*}" 3 12
	(($(jq .acquired "$rec") > acq)) || die "lease record not renewed"
	assert_eq "$(leased_addr "$C1")" "$addr" "address after renewals"
	grep -q "renewed ${addr%/*} for eth0" "$CFG/netd/dhcp-proxy.log" || die "no renewal in the keeper's log"
	teardown_ok "$C1" "$req"
}

@test "dhcp: the keeper killed and started again keeps and renews the leases" {
	lease_one --dhcp-option=option:T1,3 --dhcp-option=option:T2,6
	pid=$(keeper_pid)
	kill -KILL "$pid"
	for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	n=$(dnsmasq_requests "${addr%/*}")
	sleep 4
	assert_eq "$(dnsmasq_requests "${addr%/*}")" "$n" "requests while no keeper runs"
	assert_eq "$(leased_addr "$C1")" "$addr" "address without a keeper"
	# A new keeper reloads the record from disk and renews (T1 is past).
	ip netns exec "$HOST" "$NETD" --config "$CFG" dhcp-proxy 2>"$BATS_TEST_TMPDIR/keeper2.log" &
	wait_renewals "${addr%/*}" $((n + 1)) 5
	kill -0 "$(keeper_pid)" || die "the new keeper is not running"
	[[ $(keeper_pid) != "$pid" ]] || die "keeper pid unchanged"
	# A second keeper for the same config refuses to run next to it.
	run ip netns exec "$HOST" "$NETD" --config "$CFG" dhcp-proxy
	assert_status 0
	teardown_ok "$C1" "$req"
	for _ in $(seq 30); do [[ $(lease_count) == 0 ]] && break; sleep 0.1; done
	assert_eq "$(lease_count)" 0 "dnsmasq leases after teardown"
	wait
}

@test "dhcp: the server stopped mid-lease: the address stays, renewal resumes when it is back" {
	lease_one --dhcp-option=option:T1,3 --dhcp-option=option:T2,20
	stop_dnsmasq
	sleep 8
	grep -q "no answer renewing eth0" "$CFG/netd/dhcp-proxy.log" || die "the keeper did not notice"
	assert_eq "$(leased_addr "$C1")" "$addr" "address while the server is away"
	[[ -f $CFG/netd/dhcp/$(cid 1).eth0.json ]] || die "lease record dropped"
	kill -0 "$(keeper_pid)" || die "keeper gone"
	# Back, with the same lease file: the next retry renews.
	mv "$BATS_TEST_TMPDIR/dnsmasq.log" "$BATS_TEST_TMPDIR/dnsmasq.log.1"
	cp "$LEASES" "$BATS_TEST_TMPDIR/leases.keep"
	start_dnsmasq --dhcp-option=option:T1,3 --dhcp-option=option:T2,20
	cp "$BATS_TEST_TMPDIR/leases.keep" "$LEASES"
	wait_renewals "${addr%/*}" 1 20
	assert_eq "$(leased_addr "$C1")" "$addr" "address after the server came back"
	teardown_ok "$C1" "$req"
}

@test "dhcp: offers of 0.0.0.0, 255.255.255.255, 127.0.0.5 and 224.0.0.9 are refused; nothing changes" {
	net=$(dhcp_net lan)
	req=$(dhcp_req 1 "$net")
	# One world snapshot around all four (snapshots are slow on a busy machine).
	before=$(snap)
	for a in 0.0.0.0 255.255.255.255 127.0.0.5 224.0.0.9; do
		start_fake "offer:$a"
		netd_setup "$C1" "$req"
		assert_netd_error "network \"lan\": no DHCP lease for \"eth0\" within 5 s: the server offered the unusable address $a"
		! link_exists "$C1" eth0 || die "eth0 left in the container after the offer of $a"
		grep -q "^got 1 " "$FAKE_LOG" || die "the fake server heard no DISCOVER"
		! grep -q "^got 3 " "$FAKE_LOG" || die "netd requested the unusable $a"
		stop_fake
	done
	after=$(snap)
	world_assert_same "$before" "$after"
	assert_no_state_files
	[[ -z $(ls -A "$CFG/netd/dhcp" 2>/dev/null) ]] || die "lease records left"
}

@test "dhcp: malformed replies are ignored, the error says so, nothing changes" {
	net=$(dhcp_net lan)
	req=$(dhcp_req 1 "$net")
	start_fake garbage
	before=$(snap)
	netd_setup "$C1" "$req"
	assert_netd_error 'network "lan": no DHCP lease for "eth0" within 5 s: a malformed DHCP reply was ignored'
	after=$(snap)
	world_assert_same "$before" "$after"
	(($(grep -c "^got 1 " "$FAKE_LOG") >= 2)) || die "DISCOVER was not retransmitted:" "$(cat "$FAKE_LOG")"
	assert_no_state_files
}

@test "dhcp: a renewal that hands out another address moves the container to it" {
	start_fake "move:10.93.0.70,10.93.0.71"
	net=$(dhcp_net lan)
	req=$(dhcp_req 1 "$net")
	setup_ok "$C1" "$req"
	# The result shows the first lease (the renewal may already have moved it).
	assert_eq "$(jq -r '.lan.interfaces.eth0.subnets[0].ipnet' <<<"$RESULT")" "10.93.0.70/24" "first lease"
	for _ in $(seq 80); do [[ $(leased_addr "$C1") == 10.93.0.71/24 ]] && break; sleep 0.1; done
	assert_eq "$(leased_addr "$C1")" "10.93.0.71/24" "address after the renewal"
	assert_eq "$(ip -n "$C1" -j route show default | jq -r '.[0].gateway')" "$LAN4" "default route after the move"
	assert_eq "$(jq -r .address "$CFG/netd/dhcp/$(cid 1).eth0.json")" 10.93.0.71 "lease record"
	teardown_ok "$C1" "$req"
	grep -q "^got 7 10.93.0.71" "$FAKE_LOG" || die "no RELEASE of the new address:" "$(cat "$FAKE_LOG")"
}

@test "dhcp: an offered address someone on the LAN already uses is declined" {
	# dnsmasq does not ping before a fixed dhcp-host address; the LAN holds it.
	ip -n "$LAN" addr add 10.93.0.77/24 dev mvout
	start_dnsmasq --dhcp-host=02:00:00:00:00:77,10.93.0.77
	net=$(dhcp_net lan)
	req=$(req_json "$(cid 1)" "$net" "$(att_json lan eth0 | jq -c '.static_mac = "02:00:00:00:00:77"')")
	netd_setup "$C1" "$req"
	assert_netd_error 'network "lan": DHCP lease 10.93.0.77 for "eth0" is already in use on the link (declined)'
	grep -q "DHCPDECLINE(mvout) 10.93.0.77 02:00:00:00:00:77" "$BATS_TEST_TMPDIR/dnsmasq.log" ||
		die "no DHCPDECLINE in dnsmasq's log:" "$(cat "$BATS_TEST_TMPDIR/dnsmasq.log")"
	! link_exists "$C1" eth0 || die "eth0 left in the container"
	assert_no_state_files
}

@test "dhcp: a managed bridge refuses dhcp with netavark's message; an unmanaged one leases" {
	net=$(net_json lanbr br0 | jq -c '.ipam_options.driver = "dhcp"')
	req=$(req_json "$(cid 1)" "$net" "$(att_json lanbr eth0)")
	netd_setup "$C1" "$req"
	assert_netd_error 'networks.lanbr: network "lanbr": cannot use dhcp ipam driver without using the option mode=unmanaged'

	# Unmanaged: the bridge exists with the LAN's veth in it.
	ip -n "$HOST" link add br0 type bridge
	ip -n "$HOST" link set mvpar master br0
	ip -n "$HOST" link set br0 up
	start_dnsmasq
	net=$(jq -c '.options.mode = "unmanaged"' <<<"$net")
	req=$(req_json "$(cid 1)" "$net" "$(att_json lanbr eth0)" | jq -c '.container_name = "web1"')
	setup_ok "$C1" "$req"
	addr=$(leased_addr "$C1")
	[[ $addr =~ ^10\.93\.0\.[0-9]+/24$ ]] || die "unexpected lease: '$addr'"
	assert_eq "$(jq -r '.lanbr.interfaces.eth0.subnets[0].ipnet' <<<"$RESULT")" "$addr" "result ipnet"
	ping_ok "$C1" "$LAN4"
	teardown_ok "$C1" "$req"
	for _ in $(seq 30); do [[ $(lease_count) == 0 ]] && break; sleep 0.1; done
	assert_eq "$(lease_count)" 0 "dnsmasq leases after teardown"
	link_exists "$HOST" br0 || die "the unmanaged bridge was removed"
}

@test "dhcp: the keeper takes its socket from systemd (LISTEN_FDS, fd 3) and leaves it in place" {
	command -v systemd-socket-activate >/dev/null || skip "systemd-socket-activate not installed"
	start_dnsmasq --dhcp-option=option:T1,3 --dhcp-option=option:T2,6
	mkdir -p "$CFG/netd"
	sock=$CFG/netd/dhcp-proxy.sock
	# As netd-dhcp-proxy.socket does: the listener exists before any keeper;
	# the first connection (setup's "rescan") starts the keeper with it as fd 3.
	ip netns exec "$HOST" systemd-socket-activate --seqpacket -l "$sock" \
		"$NETD" --config "$CFG" dhcp-proxy 2>"$BATS_TEST_TMPDIR/keeper.log" &
	act=$!
	for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
	[[ -S $sock ]] || die "systemd-socket-activate did not listen"
	net=$(dhcp_net lan)
	req=$(dhcp_req 1 "$net")
	setup_ok "$C1" "$req"
	addr=$(leased_addr "$C1")
	[[ -n $addr ]] || die "no address leased"
	# The keeper is the activated process (exec'd in place), it said so, and
	# it renews.
	for _ in $(seq 50); do [[ -n $(keeper_pid) ]] && break; sleep 0.1; done
	assert_eq "$(keeper_pid)" "$act" "keeper pid"
	grep -q "socket from systemd" "$BATS_TEST_TMPDIR/keeper.log" ||
		die "keeper did not take the socket:" "$(cat "$BATS_TEST_TMPDIR/keeper.log")"
	[[ $(readlink "/proc/$act/fd/3") == socket:* ]] || die "fd 3 of the keeper is not a socket"
	n=$(dnsmasq_requests "${addr%/*}")
	wait_renewals "${addr%/*}" $((n + 1)) 5
	# No second keeper was spawned next to it.
	assert_eq "$(grep -c 'keeping the leases' "$CFG/netd/dhcp-proxy.log" 2>/dev/null || echo 0)" 0 \
		"keepers spawned by setup"

	teardown_ok "$C1" "$req"
	for _ in $(seq 30); do [[ $(lease_count) == 0 ]] && break; sleep 0.1; done
	assert_eq "$(lease_count)" 0 "dnsmasq leases after teardown"
	# No lease left: the keeper exits, and the socket (systemd's) stays.
	for _ in $(seq 50); do kill -0 "$act" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$act" 2>/dev/null || die "the activated keeper still runs without leases"
	wait "$act" || die "the activated keeper exited with status $?"
	[[ -S $sock ]] || die "the keeper removed systemd's socket"
}

@test "dhcp: the keeper refuses a LISTEN_FDS socket that is not a listening SOCK_SEQPACKET one" {
	mkdir -p "$CFG/netd"
	# A datagram socket as fd 3, LISTEN_PID = the keeper (exec keeps the pid).
	run ip netns exec "$HOST" python3 -c 'import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
os.dup2(s.fileno(), 3, inheritable=True)
os.environ["LISTEN_PID"] = str(os.getpid()); os.environ["LISTEN_FDS"] = "1"
os.execv(sys.argv[1], sys.argv[1:])' "$NETD" --config "$CFG" dhcp-proxy
	assert_status 1
	assert_contains "$output" "LISTEN_FDS: expected one listening SOCK_SEQPACKET unix socket as fd 3: Protocol wrong type for socket"
	[[ ! -e $CFG/netd/dhcp-proxy.sock ]] || die "the keeper made a socket of its own"
	# LISTEN_PID of another process: not ours, the keeper listens itself (and
	# exits at once: no lease).
	run ip netns exec "$HOST" env LISTEN_PID=1 LISTEN_FDS=1 "$NETD" --config "$CFG" dhcp-proxy
	assert_status 0
	assert_contains "$output" "no lease left, exiting"
}

@test "dhcp: admin commands handle bridges only: a macvlan dhcp network file is skipped, attach says so" {
	nets=$BATS_TEST_TMPDIR/networks
	mkdir -p "$nets"
	# netd create completes a macvlan network without subnets to ipam dhcp ...
	"$NETD" create <<<'{"network":{"name":"lan","driver":"macvlan","network_interface":"mvpar"}}' >"$nets/lan.json"
	assert_eq "$(jq -r .ipam_options.driver "$nets/lan.json")" dhcp "ipam driver"
	before=$(snapshot_all "$HOST" "$C1")
	# ... but netd attach does not take it (docs/dhcp.md, "CNI and admin commands").
	run --separate-stderr ip netns exec "$HOST" "$NETD" --config "$CFG" attach "$C1" \
		--network lan --network-dir "$nets"
	assert_status 1
	assert_eq "$output" "" "stdout"
	assert_eq "$stderr" "[warn  netd] skipping network file $nets/lan.json: driver \"macvlan\" is not supported here
netd attach: network \"lan\" not found in $nets" "stderr"
	assert_same_snapshot "$before" "$(snapshot_all "$HOST" "$C1")"
	[[ ! -e $CFG/netd/dhcp ]] || [[ -z $(ls -A "$CFG/netd/dhcp") ]] || die "a lease record was written"
}
