#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The unprivileged user of the rootless Podman tier. tests/e2e/rootless.sh
# runs this, as root, inside the private mount + network namespace that
# tests/e2e/setup.sh built (own /run, own resolver, outside namespace, the
# busybox image in root's storage); it adds, inside that mount namespace only:
#
#   * a user $RL_USER (uid $RL_UID) with subordinate uid/gid ranges:
#     modified copies of /etc/passwd, /etc/group, /etc/subuid, /etc/subgid
#     bind-mounted over the real files, which stay as they were (read-only
#     descriptors on the real ones stay open in this process for the check:
#     /proc/$RL_SETUP_PID/fd/20..23; no second view of /etc is mounted
#     anywhere, so no removal of the scratch directory can reach it);
#   * /dev/net/tun usable by everyone (mode 0666 as on a normal Debian 12),
#     a device node on a private tmpfs bind-mounted over the real one;
#   * a home directory and a private XDG_RUNTIME_DIR (0700) in $E2E_TMP,
#     ~/.config/containers/containers.conf with netd's helper directory
#     first, vfs storage under ~/.local/share/containers;
#   * $E2E_TMP/bin/podman first in PATH: Podman as the user (setpriv, the
#     user's own environment only);
#   * the busybox image, loaded into the user's storage;
#
# then runs the command given (bats), and afterwards removes what the user
# left: containers, networks, the pause process (podman system migrate),
# ends any process of the user that remains (by pid; the uid is unique to
# this run), and undoes its mounts.
#
#   rootless-setup.sh BATS [BATS ARGS...]
set -euo pipefail

say() { printf '# rootless-setup: %s\n' "$*" >&2; }

[[ -n ${E2E_TMP:-} && -n ${NETD_HELPERS:-} && -n ${E2E_IMAGE:-} ]] ||
	{ echo "rootless-setup.sh: run it through tests/e2e/rootless.sh" >&2; exit 2; }
for f in /etc/passwd /etc/group /etc/subuid /etc/subgid; do
	[[ -f $f ]] || { echo "rootless-setup.sh: $f does not exist (it is bind-mounted over)" >&2; exit 1; }
done

# A uid/gid no one else uses, unique per run (two runs at once stay apart).
export RL_UID=$((3000000 + $$ % 100000))
export RL_USER=netd-rl$$
export RL_HOME=$E2E_TMP/home
export RL_XDG=$E2E_TMP/xdg
export RL_SUB_START=$((100000000 + ($$ % 10000) * 65536))
export RL_SETUP_PID=$$
export RL_PODMAN=/usr/bin/podman

MOUNTED=()
cleanup() {
	local rc=$? p i
	set +e
	if [[ -x $E2E_TMP/bin/podman ]]; then
		timeout 120 "$E2E_TMP/bin/podman" rm -af -t 0 >/dev/null 2>&1
		timeout 60 "$E2E_TMP/bin/podman" network prune -f >/dev/null 2>&1
		timeout 60 "$E2E_TMP/bin/podman" system migrate >/dev/null 2>&1
	fi
	for p in /proc/[0-9]*; do
		[[ $(stat -c %u "$p" 2>/dev/null) == "$RL_UID" ]] && kill -9 "${p#/proc/}" 2>/dev/null
	done
	# Undo the mounts, newest first, before anything below $E2E_TMP goes.
	for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
		umount -l "${MOUNTED[i]}"
	done
	# The user's vfs layers belong to subordinate ids: root removes them,
	# never crossing into a mount.
	rm -rf --one-file-system "${RL_HOME:?}" "${RL_XDG:?}" "${E2E_TMP:?}/bin" "${E2E_TMP:?}/etc" "${E2E_TMP:?}/dev"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- the user, in this mount namespace only ---------------------------------------
exec 20</etc/passwd 21</etc/group 22</etc/subuid 23</etc/subgid
mkdir -p "$E2E_TMP/etc"
cp /etc/passwd /etc/group /etc/subuid /etc/subgid "$E2E_TMP/etc/"
echo "$RL_USER:x:$RL_UID:$RL_UID:netd rootless e2e:$RL_HOME:/bin/sh" >>"$E2E_TMP/etc/passwd"
echo "$RL_USER:x:$RL_UID:" >>"$E2E_TMP/etc/group"
echo "$RL_USER:$RL_SUB_START:65536" >>"$E2E_TMP/etc/subuid"
echo "$RL_USER:$RL_SUB_START:65536" >>"$E2E_TMP/etc/subgid"
chmod 644 "$E2E_TMP"/etc/*
for f in passwd group subuid subgid; do
	mount --bind "$E2E_TMP/etc/$f" "/etc/$f"
	MOUNTED+=("/etc/$f")
done

# --- /dev/net/tun, 0666 (slirp4netns opens it as the user) ------------------------
mkdir -p "$E2E_TMP/dev"
mount -t tmpfs -o mode=755 netd-e2e-dev "$E2E_TMP/dev"
MOUNTED+=("$E2E_TMP/dev")
mknod -m 0666 "$E2E_TMP/dev/tun" c 10 200
[[ -e /dev/net/tun ]] || { echo "rootless-setup.sh: no /dev/net/tun" >&2; exit 1; }
mount --bind "$E2E_TMP/dev/tun" /dev/net/tun
MOUNTED+=(/dev/net/tun)

# --- home, runtime directory, Podman configuration -------------------------------------
mkdir -p "$RL_HOME/.config/containers" "$RL_XDG"
cat >"$RL_HOME/.config/containers/containers.conf" <<EOF
# Written by tests/e2e/rootless-setup.sh. See docs/podman.md, "Rootless".
[containers]
default_ulimits = []
log_driver = "k8s-file"

[network]
network_backend = "netavark"

[engine]
helper_binaries_dir = ["$NETD_HELPERS", "/usr/lib/podman", "/usr/libexec/podman"]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
env = ["NETD_LOG=info", "NETD_DNS_LOG_FILE=$RL_HOME/netd-dns.log"]
EOF
cat >"$RL_HOME/.config/containers/storage.conf" <<EOF
[storage]
driver = "vfs"
EOF
: >"$RL_HOME/.config/containers/registries.conf"
chown -R "$RL_UID:$RL_UID" "$RL_HOME" "$RL_XDG"
chmod 700 "$RL_XDG"

# --- podman as the user, first in PATH ------------------------------------------------
mkdir -p "$E2E_TMP/bin"
{
	echo '#!/bin/sh'
	echo "# Written by tests/e2e/rootless-setup.sh: Podman as $RL_USER, never as root."
	echo "exec setpriv --reuid=$RL_UID --regid=$RL_UID --init-groups env -i \\"
	echo "	HOME='$RL_HOME' USER='$RL_USER' LOGNAME='$RL_USER' XDG_RUNTIME_DIR='$RL_XDG' \\"
	echo "	PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \\"
	echo "	sh -c 'cd \"\$HOME\" && exec $RL_PODMAN \"\$@\"' sh \"\$@\""
} >"$E2E_TMP/bin/podman"
chmod 755 "$E2E_TMP/bin/podman"

# --- the image, from root's storage into the user's ----------------------------------------
"$RL_PODMAN" save -o "$E2E_TMP/image.tar" "$E2E_IMAGE" >/dev/null
chmod 644 "$E2E_TMP/image.tar"
"$E2E_TMP/bin/podman" load -q -i "$E2E_TMP/image.tar" >/dev/null
rm -f "$E2E_TMP/image.tar"
export PATH=$E2E_TMP/bin:$PATH

say "user $RL_USER (uid $RL_UID, subordinate ids $RL_SUB_START+65536), home $RL_HOME, XDG_RUNTIME_DIR $RL_XDG"
set +e
"$@"
rc=$?
set -e
exit "$rc"
