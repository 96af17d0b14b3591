# bash completion for npsdiag. The options come from `npsdiag COMMAND
# --help` and the cause ids from `npsdiag causes`, so this file cannot
# drift from the program. Installed as
# share/bash-completion/completions/npsdiag.

_npsdiag()
{
	local cur prev cmd words
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "ingest explain causes diagnose tail report cert version help" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	case $prev in
	--db | --output | -o)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--rules)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--cause)
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" causes --format tsv 2>/dev/null | cut -f1 | tail -n +2)" -- "$cur"))
		return ;;
	--format)
		case $cmd in
		diagnose) words="text json jsonl ecs" ;;
		report) words="html md csv json" ;;
		tail) words="text jsonl" ;;
		causes) words="text tsv" ;;
		cert) words="text json" ;;
		esac
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return ;;
	--decoder)
		COMPREPLY=($(compgen -W "fast libevtx" -- "$cur"))
		return ;;
	--tz)
		# ingest takes the NPS servers' offset; the others a zone to show times in.
		if [ "$cmd" = ingest ]; then
			COMPREPLY=($(compgen -W "UTC" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "UTC $(cd /usr/share/zoneinfo 2>/dev/null && compgen -f -- "$cur")" -- "$cur"))
		fi
		return ;;
	--user | --user-regex | --host | --since | --until | --window | --skew | --gap | --interval | --timeout | --at)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		words=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null | grep -o -- '^  --[a-z-]*')
		COMPREPLY=($(compgen -W "$words --help" -- "$cur"))
		return
	fi
	case $cmd in
	explain)
		[ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "reason event" -- "$cur")) ;;
	help)
		COMPREPLY=($(compgen -W "ingest explain causes diagnose tail report cert version" -- "$cur")) ;;
	ingest | tail | cert)
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}
complete -F _npsdiag npsdiag
