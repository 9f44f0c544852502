# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# Shared by the bench scripts (sourced, not run). Each script sets PREFIX, the
# start of the name of every network namespace it creates, before calling.

# delete_namespaces [PATTERN]: every namespace of ours whose name matches
# ^PREFIX.PATTERN (all of ours without PATTERN), in one ip batch; never fails.
delete_namespaces() {
	local list
	list=$(ip netns list 2>/dev/null | awk -v p="^${PREFIX:?}${1:-}" '$1 ~ p {print "netns delete " $1}')
	[ -z "$list" ] || printf '%s\n' "$list" | ip -force -batch - >/dev/null 2>&1 || true
}
