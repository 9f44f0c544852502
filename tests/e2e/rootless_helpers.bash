# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034
#
# Helpers for tests/e2e/rootless.bats, on top of helpers.bash (pm, run_ctr,
# dq, ...). rootless.sh -> setup.sh -> rootless-setup.sh have built the world
# and exported, besides what helpers.bash lists:
#   RL_USER, RL_UID        the unprivileged user (unique per run)
#   RL_HOME, RL_XDG        its home and XDG_RUNTIME_DIR (in $E2E_TMP)
#   RL_SETUP_PID           rootless-setup.sh; fds 20..23: the real /etc/passwd,
#                          group, subuid, subgid
#   RL_ETC_SUMS            sha256sum of those four, taken before the run
# "podman" in PATH is Podman as that user; the tests themselves run as root
# (to look into the user's namespaces from outside).

load helpers

# netd's directories when Podman runs it rootless: under XDG_RUNTIME_DIR.
NETD_RUN=$RL_XDG/containers/networks
DNS_DIR=$NETD_RUN/aardvark-dns
STATE_DIR=$NETD_RUN/netd/containers

# in_rlns CMD...: CMD in the rootless network namespace, run by the user
# through Podman (podman unshare --rootless-netns). (The namespace file under
# $RL_XDG/netns is a bind mount in the user's own mount namespace only.)
in_rlns() { podman unshare --rootless-netns "$@"; }

# Whether Podman's rootless network namespace exists now.
rlns_exists() { compgen -G "$RL_XDG/netns/rootless-netns-*" >/dev/null; }

# The rootless network namespace as "net:[INODE]".
rlns_id() { in_rlns readlink /proc/self/ns/net; }

# pings CTR ADDR: one ping from the container's network namespace (the
# machine's iputils ping through nsenter: the rootless container has no
# CAP_NET_RAW for busybox's raw socket).
pings() { in_ctr "$1" ping -c 1 -W 2 "$2" >/dev/null; }
pings6() { in_ctr "$1" ping -6 -c 1 -W 2 "$2" >/dev/null; }

# Live processes of the user: "PID EXE" per line.
user_procs() {
	local p
	for p in /proc/[0-9]*; do
		[[ $(stat -c %u "$p" 2>/dev/null) == "$RL_UID" ]] || continue
		alive "${p#/proc/}" && echo "${p#/proc/} $(readlink "$p/exe" 2>/dev/null)"
	done
	return 0
}

no_user_procs() { [[ -z $(user_procs) ]]; }

# proc_uid PID: the real uid of PID as the machine sees it.
proc_uid() { awk '/^Uid:/ {print $2}' "/proc/$1/status"; }

# Links of the rootless network namespace other than lo and slirp4netns's tap0.
rlns_extra_links() {
	in_rlns ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -vxE 'lo|tap0' || true
}
