#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The world the Podman end-to-end tests run in. run.sh starts this script in a
# private mount + network namespace (unshare -m -n); it builds, inside that:
#
#   * a tmpfs over /run (Podman's fixed /run/containers/networks, /run/netns,
#     runc's state: all private and gone with the namespace), a fresh /sys for
#     this network namespace (with the host's cgroup mounts moved under it);
#   * /etc/resolv.conf bind-mounted to a file naming the upstream resolver
#     below, so no query ever leaves these namespaces;
#   * lo up, and a veth pair to a second namespace "$E2E_OUT" (the outside
#     host, 198.18.0.2 / fd00:e2e::2) that is also the default gateway;
#   * dnsmasq on 198.18.0.1 as the upstream resolver (answers
#     outside.e2e.test, NXDOMAIN for everything else, logs every query);
#   * containers.conf / storage.conf in a temporary directory pointing Podman
#     at the freshly installed netd (helper_binaries_dir), runc, cgroupfs,
#     vfs storage, file event logger;
#   * a busybox image imported from busybox-static ($E2E_IMAGE);
#
# then runs bats with the arguments given, and cleans everything up again.
#
#   setup.sh PREFIX BATS [BATS ARGS...]
set -euo pipefail

if [[ $# -lt 2 ]]; then
	echo "usage: setup.sh NETD_PREFIX BATS [ARGS...] (run it through tests/e2e/run.sh)" >&2
	exit 2
fi
prefix=$1
shift

E2E_TMP=$(mktemp -d /tmp/netd-e2e.XXXXXX)
chmod 755 "$E2E_TMP"
DNSMASQ_PID=

say() { printf '# setup: %s\n' "$*" >&2; }

cleanup() {
	local rc=$?
	set +e
	# Podman first: containers, pods, networks (each removal runs netd teardown).
	if [[ -n ${CONTAINERS_CONF:-} ]]; then
		timeout 120 podman pod rm -af -t 0 >/dev/null 2>&1
		timeout 120 podman rm -af -t 0 >/dev/null 2>&1
		timeout 60 podman network prune -f >/dev/null 2>&1
	fi
	if [[ -n $DNSMASQ_PID ]]; then
		kill "$DNSMASQ_PID" 2>/dev/null
		wait "$DNSMASQ_PID" 2>/dev/null
	fi
	# Whatever still runs in this network namespace was started by this run
	# (netd-dns, conmon): end it by pid.
	local me p pid
	me=$(readlink /proc/self/ns/net)
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
		[[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "$me" ]] || continue
		grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && continue
		kill "$pid" 2>/dev/null
	done
	ip netns del "$E2E_OUT" 2>/dev/null
	umount -l /etc/resolv.conf 2>/dev/null
	rm -rf --one-file-system "$E2E_TMP"
	# The (empty) cgroups Podman's cgroupfs manager made, if this run made them.
	local d
	for d in /sys/fs/cgroup/*/libpod_parent; do
		[[ -d $d && " $CGROUPS_BEFORE " != *" $d "* ]] || continue
		find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
	exit "$rc"
}
CGROUPS_BEFORE=$(echo /sys/fs/cgroup/*/libpod_parent)
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- mounts ------------------------------------------------------------------
mount --make-rprivate /
mount -t tmpfs -o mode=755 netd-e2e-run /run
mkdir -p /run/netns /run/lock /run/user
# A sysfs of this network namespace; keep the cgroup hierarchies.
mkdir -p "$E2E_TMP/cgroup"
if mount --rbind /sys/fs/cgroup "$E2E_TMP/cgroup" 2>/dev/null; then
	if umount -l /sys && mount -t sysfs netd-e2e-sys /sys; then
		mount --move "$E2E_TMP/cgroup" /sys/fs/cgroup ||
			{ say "cannot move the cgroup mounts back under /sys"; exit 1; }
	else
		say "cannot remount /sys; using the host's"
	fi
fi

# --- network -----------------------------------------------------------------
export E2E_OUT=netd-e2e-out
export E2E_HOST4=198.18.0.1 E2E_OUT4=198.18.0.2
export E2E_HOST6=fd00:e2e::1 E2E_OUT6=fd00:e2e::2
ip link set lo up
ip netns add "$E2E_OUT"
ip netns exec "$E2E_OUT" ip link set lo up
ip link add e2e-up type veth peer name eth0 netns "$E2E_OUT"
ip addr add "$E2E_HOST4/24" dev e2e-up
ip addr add "$E2E_HOST6/64" dev e2e-up nodad
ip link set e2e-up up
ip netns exec "$E2E_OUT" ip addr add "$E2E_OUT4/24" dev eth0
ip netns exec "$E2E_OUT" ip addr add "$E2E_OUT6/64" dev eth0 nodad
ip netns exec "$E2E_OUT" ip link set eth0 up
ip route add default via "$E2E_OUT4"
ip -6 route add default via "$E2E_OUT6"

# --- upstream resolver -----------------------------------------------------------
printf 'nameserver %s\n' "$E2E_HOST4" >"$E2E_TMP/resolv.conf"
mount --bind "$E2E_TMP/resolv.conf" /etc/resolv.conf
export E2E_DNSMASQ_LOG=$E2E_TMP/dnsmasq.log
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --user=root \
	--listen-address="$E2E_HOST4" --bind-interfaces --port=53 \
	--host-record="outside.e2e.test,$E2E_OUT4,$E2E_OUT6" \
	--address=/#/ --log-queries --log-facility="$E2E_DNSMASQ_LOG" \
	--pid-file="$E2E_TMP/dnsmasq.pid" &
DNSMASQ_PID=$!
for _ in $(seq 50); do
	dig +time=1 +tries=1 +short "@$E2E_HOST4" outside.e2e.test 2>/dev/null | grep -qx "$E2E_OUT4" && break
	sleep 0.1
done
dig +time=1 +tries=1 +short "@$E2E_HOST4" outside.e2e.test | grep -qx "$E2E_OUT4" ||
	{ say "dnsmasq did not come up"; exit 1; }

# --- Podman configuration ------------------------------------------------------------
export NETD_PREFIX=$prefix
export NETD_HELPERS=$prefix/libexec/netd/podman
mkdir -p "$E2E_TMP"/{graph,runroot,tmp,volumes,networks}
cat >"$E2E_TMP/containers.conf" <<EOF
# Written by tests/e2e/setup.sh. See docs/podman.md.
[containers]
default_ulimits = []
log_driver = "k8s-file"

[network]
network_backend = "netavark"
network_config_dir = "$E2E_TMP/networks"

[engine]
helper_binaries_dir = ["$NETD_HELPERS"]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$E2E_TMP/events.log"
tmp_dir = "$E2E_TMP/tmp"
volume_path = "$E2E_TMP/volumes"
# No static_dir: conmon's exit command ("podman container cleanup") gets --root
# and then looks for the database in <graphroot>/libpod, the default.
env = ["NETD_LOG=info", "NETD_DNS_LOG_FILE=$E2E_TMP/netd-dns.log"]
EOF
cat >"$E2E_TMP/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$E2E_TMP/graph"
runroot = "$E2E_TMP/runroot"
EOF
export CONTAINERS_CONF=$E2E_TMP/containers.conf
export CONTAINERS_STORAGE_CONF=$E2E_TMP/storage.conf
export CONTAINERS_REGISTRIES_CONF=$E2E_TMP/registries.conf
: >"$CONTAINERS_REGISTRIES_CONF"

# --- image -----------------------------------------------------------------------------
export E2E_IMAGE=localhost/netd-e2e-busybox:latest
rootfs=$E2E_TMP/rootfs
mkdir -p "$rootfs"/{bin,etc,tmp,www,proc,sys,dev,run}
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for t in sh ash ping ping6 nslookup nc wget httpd ip cat sleep hostname echo ls grep \
	sed awk head tail true false kill ps ifconfig route timeout printf seq wc tr cut \
	mkdir rm touch sort id env uname date; do
	ln -s busybox "$rootfs/bin/$t"
done
# socat with its libraries: the UDP server of the port tests.
if socat=$(command -v socat); then
	mkdir -p "$rootfs/usr/bin"
	cp "$socat" "$rootfs/usr/bin/socat"
	for lib in $(ldd "$socat" | grep -oE '/[^ ]+'); do
		mkdir -p "$rootfs$(dirname "$lib")"
		cp -L "$lib" "$rootfs$lib"
	done
fi
echo 'root:x:0:0:root:/:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"
echo 'netd-e2e' >"$rootfs/www/index.html"
tar -C "$rootfs" -cf "$E2E_TMP/rootfs.tar" .
podman import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin:/usr/bin' \
	"$E2E_TMP/rootfs.tar" "$E2E_IMAGE" >/dev/null
rm -rf "$rootfs" "$E2E_TMP/rootfs.tar"

export E2E_TMP
# `podman exec` enters the container's mount namespace, and runc relies on the
# namespace's root being the container's. In a chroot (as
# ../shared/tools/fresh-machine-check runs us) it is not: the exec'd command
# lands in the machine's root, with the machine's tools and /etc/resolv.conf.
# Find out with a probe container; where it is so, helpers.bash's pm() runs
# `exec` through nsenter into the container's init process, whose root is
# the container's.
export E2E_EXEC_VIA_NSENTER=0
if podman run -d --pull=never --name netd-e2e-probe --network none "$E2E_IMAGE" sleep 60 >/dev/null 2>&1; then
	if ! podman exec netd-e2e-probe test -f /www/index.html 2>/dev/null; then
		E2E_EXEC_VIA_NSENTER=1
		say "podman exec does not enter the container's root here (runc in a chroot); exec goes through nsenter"
	fi
	podman rm -f -t 0 netd-e2e-probe >/dev/null 2>&1
fi
say "tmp $E2E_TMP, netd from $NETD_PREFIX"
set +e
"$@"
rc=$?
set -e
exit "$rc"
