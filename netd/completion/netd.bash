# SPDX-License-Identifier: Apache-2.0
# bash completion for netd: commands, their options, network names (from the
# network directory) and namespace names (from /run/netns).
# shellcheck shell=bash disable=SC2207

_netd_network_dir() {
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		--network-dir) printf '%s\n' "${COMP_WORDS[i + 1]}"; return ;;
		--network-dir=*) printf '%s\n' "${COMP_WORDS[i]#--network-dir=}"; return ;;
		esac
	done
	printf '%s\n' "${NETD_NETWORK_DIR:-/etc/netd/networks}"
}

_netd_networks() {
	local dir f
	dir=$(_netd_network_dir)
	for f in "$dir"/*.json; do
		[[ -e $f ]] || continue
		f=${f##*/}
		printf '%s\n' "${f%.json}"
	done
}

_netd_namespaces() {
	local f
	for f in /run/netns/*; do
		[[ -e $f ]] && printf '%s\n' "${f##*/}"
	done
}

_netd() {
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion -s || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	local global_opts="--config --rootless --aardvark-binary --firewall-driver --plugin-directory --file --help --version"
	local commands="setup teardown create validate firewall-reload update version network attach detach status check"
	local cmd="" sub="" i
	# The command is the first word that is not a global option or its value.
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-c | --config | -r | --rootless | -a | --aardvark-binary | --firewall-driver | \
			--plugin-directory | -f | --file)
			((i++))
			;;
		-*) ;;
		*)
			if [[ -z $cmd ]]; then
				cmd=${words[i]}
			elif [[ $cmd == network && -z $sub ]]; then
				sub=${words[i]}
			fi
			;;
		esac
	done

	case $prev in
	-c | --config | --plugin-directory | --network-dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	-a | --aardvark-binary | -f | --file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--firewall-driver)
		COMPREPLY=($(compgen -W "nftables none" -- "$cur"))
		return
		;;
	-r | --rootless)
		COMPREPLY=($(compgen -W "true false" -- "$cur"))
		return
		;;
	--network)
		COMPREPLY=($(compgen -W "$(_netd_networks)" -- "$cur"))
		return
		;;
	--isolate)
		COMPREPLY=($(compgen -W "strict true false" -- "$cur"))
		return
		;;
	--subnet | --gateway | --ip-range | --mtu | --bridge | --label | --ip | --mac | --alias | \
		--publish | -p | --interface | --name | --network-dns-servers)
		return
		;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	local opts="" args=""
	case $cmd in
	network)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "create ls inspect rm --help --network-dir" -- "$cur"))
			return
		fi
		case $sub in
		create) opts="--subnet --gateway --ip-range --ipv6 --internal --isolate --disable-dns --mtu --bridge --label" ;;
		ls | list) opts="--json" ;;
		inspect) args=$(_netd_networks) ;;
		rm | remove) opts="--force"; args=$(_netd_networks) ;;
		esac
		;;
	attach)
		opts="--network --ip --mac --alias --publish --interface --name --json"
		args=$(_netd_namespaces)
		;;
	detach)
		opts="--network"
		args=$(_netd_namespaces)
		;;
	status) opts="--json --dot" ;;
	check) opts="--repair" ;;
	setup | teardown)
		[[ $cur == -* ]] || COMPREPLY=($(compgen -f -- "${cur:-/run/netns/}"))
		return
		;;
	update) opts="--network-dns-servers" ;;
	esac
	case $cmd in
	network | attach | detach | status | check) opts="$opts --network-dir --help" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	else
		COMPREPLY=($(compgen -W "$args" -- "$cur"))
	fi
}

complete -F _netd netd
