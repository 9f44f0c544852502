#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Podman end-to-end tests: real Podman using netd and netd-dns. Run as root.
#
#   tests/e2e/run.sh [bats options, e.g. -f REGEX]
#   tests/e2e/rootless.sh [bats options]   the rootless tier (NETD_E2E_SUITE=rootless)
#
# Builds netd from this tree and installs it into a private prefix (or uses
# NETD_E2E_PREFIX, an existing install), then runs tests/e2e/podman.bats in a
# private mount + network namespace (tests/e2e/setup.sh): no link, rule,
# mount or DNS query of the machine is touched, and nothing leaves it.
#
# Installs no package. Without podman it prints a TAP skip and exits 0; other
# missing tools are an error (tests/run installs them: podman runc
# busybox-static uidmap slirp4netns dnsmasq-base socat dnsutils jq nftables bats).
#
# Environment:
#   NETD_E2E_PREFIX     use this install (<prefix>/libexec/netd/...); no build
#   NETD_E2E_BUILD_DIR  build directory (default build-e2e in this checkout)
#   NETD_E2E_INSTALL    prefix to install into (default
#                       /tmp/netd-e2e-prefix.<checksum of this checkout's path>,
#                       so two checkouts on one machine never share a build or
#                       an install; it is outside the checkout because the
#                       rootless tier's unprivileged user must reach it)
#
# Output: TAP, then "# N tests, F failures, S skipped" and a plain
# "N passed, F failed, S skipped" line. Exit status: bats's.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

skip_all() {
	echo "1..1"
	echo "ok 1 podman end-to-end tests # skip $*"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

if [[ $(id -u) -ne 0 ]]; then
	echo "run.sh: the Podman tests need root (rootful Podman, namespaces)" >&2
	exit 1
fi
command -v podman >/dev/null || skip_all "podman is not installed (apt-get install podman runc)"
# Rootless Podman needs user namespaces. The kernel refuses to create one
# from a chroot (as ../shared/tools/fresh-machine-check runs us) or where
# they are disabled; the tier cannot run there at all.
if [[ ${NETD_E2E_SUITE:-} == rootless ]] && ! userns_err=$(unshare --user --map-root-user true 2>&1); then
	skip_all "rootless Podman needs user namespaces, and this machine cannot create one (${userns_err:-unshare --user failed}; a chroot, or user namespaces disabled)"
fi
missing=()
for tool in bats runc busybox dnsmasq socat dig jq nft ip nsenter unshare; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
	echo "run.sh: missing: ${missing[*]}" >&2
	echo "        (Debian: apt-get install runc busybox-static dnsmasq-base socat dnsutils jq nftables bats)" >&2
	exit 1
fi
# The image is made of this one binary: it must be the static, full build.
if [[ $(ldd "$(command -v busybox)" 2>&1) != *"not a dynamic executable"* ]] ||
	! busybox --list | grep -qx httpd; then
	echo "run.sh: busybox is not the static build (apt-get install busybox-static)" >&2
	exit 1
fi

if [[ -n ${NETD_E2E_PREFIX:-} ]]; then
	prefix=$NETD_E2E_PREFIX
else
	build=${NETD_E2E_BUILD_DIR:-$repo/build-e2e}
	prefix=${NETD_E2E_INSTALL:-/tmp/netd-e2e-prefix.$(printf '%s' "$repo" | cksum | cut -d' ' -f1)}
	# A build directory configured from another source tree (a moved or
	# re-cloned checkout) cannot be regenerated: start it afresh.
	if [[ -f $build/build.ninja ]] &&
		! grep -qsF "\"source\": \"$repo\"" "$build/meson-info/meson-info.json" &&
		! grep -qsF "\"source\": \"$(realpath "$repo")\"" "$build/meson-info/meson-info.json"; then
		echo "# $build was configured for another source tree; setting it up again" >&2
		rm -rf --one-file-system "${build:?}"
	fi
	echo "# building netd into $prefix (build dir $build)" >&2
	{
		if [[ ! -f $build/build.ninja ]]; then
			meson setup "$build" "$repo" --prefix="$prefix" -Dtests=false
		else
			meson configure "$build" --prefix="$prefix"
		fi && ninja -C "$build" && meson install -C "$build" --no-rebuild
	} >"$prefix.build.log" 2>&1 || {
		echo "run.sh: build or install failed; see $prefix.build.log" >&2
		tail -n 30 "$prefix.build.log" >&2
		exit 1
	}
fi
for f in libexec/netd/netd libexec/netd/netd-dns libexec/netd/podman/netavark libexec/netd/podman/aardvark-dns; do
	[[ -x $prefix/$f ]] || { echo "run.sh: $prefix/$f missing" >&2; exit 1; }
done

echo "# netd under test: $prefix ($("$prefix/libexec/netd/netd" version | jq -r '"version " + .version + ", commit " + .commit'))" >&2
echo "# podman: $(podman --version)" >&2

# The rootless tier adds its unprivileged user on top (rootless-setup.sh).
suite=(podman.bats)
[[ ${NETD_E2E_SUITE:-} != rootless ]] || suite=(rootless.bats "$here/rootless-setup.sh")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$SECONDS
unshare --mount --net --propagation private -- \
	"$here/setup.sh" "$prefix" "${suite[@]:1}" bats --tap "$@" "$here/${suite[0]}" | tee "$log"
rc=${PIPESTATUS[0]}

total=$(grep -cE '^(not )?ok ' "$log")
failed=$(grep -cE '^not ok ' "$log")
skipped=$(grep -ciE '^ok .* # skip' "$log")
echo "# $total tests, $failed failures, $skipped skipped in $((SECONDS - start)) s (exit status $rc)"
echo "$((total - failed - skipped)) passed, $failed failed, $skipped skipped"
exit "$rc"
