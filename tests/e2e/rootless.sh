#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The rootless Podman end-to-end tier: an unprivileged user runs Podman, and
# Podman runs netd and netd-dns as that user inside its rootless network
# namespace (slirp4netns, rootlessport). Run as root:
#
#   tests/e2e/rootless.sh [bats options, e.g. -f REGEX]
#
# The world is the rootful tier's (tests/e2e/run.sh, setup.sh: private mount +
# network namespace, own resolver, nothing leaves the machine) plus the user
# (tests/e2e/rootless-setup.sh), then tests/e2e/rootless.bats. Same
# environment and output as run.sh. Afterwards it checks that the machine's
# /etc/passwd, /etc/group, /etc/subuid and /etc/subgid are unchanged.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
files=(/etc/passwd /etc/group /etc/subuid /etc/subgid)

if [[ $(id -u) -eq 0 ]] && command -v podman >/dev/null; then
	missing=()
	for tool in newuidmap newgidmap slirp4netns setpriv mknod sha256sum; do
		command -v "$tool" >/dev/null || missing+=("$tool")
	done
	[[ -x /usr/lib/podman/rootlessport || -x /usr/libexec/podman/rootlessport ]] || missing+=(rootlessport)
	if ((${#missing[@]})); then
		echo "rootless.sh: missing: ${missing[*]} (Debian: apt-get install podman uidmap slirp4netns)" >&2
		exit 1
	fi
fi

before=$(sha256sum "${files[@]}" 2>&1)
export RL_ETC_SUMS=$before
NETD_E2E_SUITE=rootless "$here/run.sh" "$@"
rc=$?
after=$(sha256sum "${files[@]}" 2>&1)
if [[ $before != "$after" ]]; then
	echo "rootless.sh: the machine's user files changed during the run:" >&2
	diff <(echo "$before") <(echo "$after") >&2
	exit 1
fi
exit "$rc"
