#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Network isolation, proven by trying every path: containers on four
# networks, one of each kind (isolate strict, isolate true, isolate false,
# internal), the host and an outside machine, with ICMP echo, TCP and UDP,
# over IPv4 and IPv6. The matrix the test measures must be exactly the one
# documented in docs/security.md (section "Isolation policy"), which is
# derived from the rules in netd/fw/fw-nft.c. Needs root. See sec_helpers.bash
# for the namespaces.

load sec_helpers

# network kind → subnet number: 10.91.K.0/24 and fd91:K::/64
declare -gA K=([strict]=1 [true]=2 [false]=3 [internal]=4)
KINDS=(strict true false internal)

# The documented matrix: the fenced block after "<!-- isolation-matrix -->".
documented_matrix() {
	awk '/<!-- isolation-matrix -->/ { m = 1; next }
	     m && /^```/ { if (in_block) exit; in_block = 1; next }
	     in_block' "$REPO/docs/security.md"
}

# kind_net KIND → the network JSON of that kind
kind_net() {
	local k=${K[$1]} net
	net=$(sec_net "n$1" "br$1" "10.91.$k.0/24" "fd91:$k::/64")
	case $1 in
	internal) jq -c '.internal = true' <<<"$net" ;;
	*) jq -c --arg i "$1" '.options.isolate = $i' <<<"$net" ;;
	esac
}

# probes SRC_LABEL DST_LABEL ADDR4 ADDR6: the six probe lines of one cell
probes() {
	local p f a
	for f in 4 6; do
		[[ $f == 4 ]] && a=$3 || a=$4
		for p in icmp tcp udp; do
			echo "$1>$2/$p/$f $p $a 7000"
		done
	done
}

@test "isolation matrix: ICMP, TCP and UDP over IPv4 and IPv6 between strict, true, false and internal networks, the host and the outside match docs/security.md" {
	local kind src dst k id r f p cell line ns addr4
	local -A RES=() NETJ=()

	for kind in "${KINDS[@]}"; do
		sec_ctr "${kind}a" "${kind}b"
		NETJ[$kind]=$(kind_net "$kind")
		k=${K[$kind]}
		ssetup "${CTR[${kind}a]}" "$(sec_req $((10 * k + 1)) "${kind}a" "${NETJ[$kind]}" "10.91.$k.2" "fd91:$k::2")"
		ssetup "${CTR[${kind}b]}" "$(sec_req $((10 * k + 2)) "${kind}b" "${NETJ[$kind]}" "10.91.$k.3" "fd91:$k::3")"
		serve_in "${CTR[${kind}b]}" "$kind"
	done
	serve_in "$HOST" host
	serve_in "$OUT" out

	# warm up: every container reaches its gateway (neighbours resolved, links up)
	for kind in "${KINDS[@]}"; do
		k=${K[$kind]}
		for ns in "${CTR[${kind}a]}" "${CTR[${kind}b]}"; do
			for addr4 in "10.91.$k.1" "fd91:$k::1"; do
				for ((r = 0; r < 10; r++)); do
					ip netns exec "$ns" ping -c 1 -W 1 "$addr4" >/dev/null 2>&1 && break
				done
			done
		done
	done

	# the probes, per source namespace, all at once
	local -A SRCNS=()
	for src in "${KINDS[@]}"; do
		SRCNS[$src]=${CTR[${src}a]}
		k=${K[$src]}
		{
			for dst in "${KINDS[@]}"; do
				probes "$src" "$dst" "10.91.${K[$dst]}.3" "fd91:${K[$dst]}::3"
			done
			probes "$src" gateway "10.91.$k.1" "fd91:$k::1"
			probes "$src" uplink "$HOST4" "$HOST6"
			probes "$src" outside "$OUT4" "$OUT6"
		} >"$BATS_TEST_TMPDIR/probes.$src"
	done
	SRCNS[host]=$HOST
	SRCNS[outside]=$OUT
	for src in host outside; do
		for dst in "${KINDS[@]}"; do
			probes "$src" "$dst" "10.91.${K[$dst]}.3" "fd91:${K[$dst]}::3"
		done >"$BATS_TEST_TMPDIR/probes.$src"
	done
	local pids=()
	for src in "${!SRCNS[@]}"; do
		probe_from "${SRCNS[$src]}" <"$BATS_TEST_TMPDIR/probes.$src" >"$BATS_TEST_TMPDIR/results.$src" &
		pids+=("$!")
	done
	for p in "${pids[@]}"; do wait "$p"; done
	sleep 0.2
	while read -r id r; do RES[$id]=$r; done < <(cat "$BATS_TEST_TMPDIR"/results.*)
	# UDP that got no answer but reached the server: one-way ("1")
	for id in "${!RES[@]}"; do
		if [[ $id == */udp/* && ${RES[$id]} == . ]] &&
			cat "$BATS_TEST_TMPDIR"/recv.* 2>/dev/null | grep -qxF "$id"; then
			RES[$id]=1
		fi
	done

	# the matrix: ICMP TCP UDP over IPv4 / the same over IPv6
	local matrix cols=(strict true false internal gateway uplink outside)
	matrix=$(
		line=$(printf '%-10s' 'from\to')
		for dst in "${cols[@]}"; do line+=$(printf ' %-8s' "$dst"); done
		echo "${line%"${line##*[! ]}"}"
		for src in strict true false internal host outside; do
			line=$(printf '%-10s' "$src")
			for dst in "${cols[@]}"; do
				cell=
				for f in 4 6; do
					for p in icmp tcp udp; do cell+=${RES[$src>$dst/$p/$f]:--}; done
					[[ $f == 4 ]] && cell+=/
				done
				[[ $cell == ---/--- ]] && cell=-
				line+=$(printf ' %-8s' "$cell")
			done
			echo "${line%"${line##*[! ]}"}"
		done
	)
	say "measured (Y answered, 1 delivered one way only, . nothing; ICMP TCP UDP IPv4/IPv6):" "$matrix"
	assert_same_text "$(documented_matrix)" "$matrix" "isolation matrix (docs/security.md vs measured)"
}
