#!/bin/sh
# Builds one layer probe target. Usage: build_probe.sh BUILD_DIR TARGET HEADER expect-fail|expect-ok
# expect-fail passes only when the build fails because HEADER is not on the
# layer's include path (not for any other reason); expect-ok when it builds.
set -u
dir=$1 target=$2 header=$3 expect=$4
out=$(cmake --build "$dir" --target "$target" 2>&1)
rc=$?
case $expect in
expect-fail)
	if [ $rc -eq 0 ]; then
		echo "FAIL: $target compiled an include of $header: the layer sees a higher layer's header"
		exit 1
	fi
	if ! printf "%s\n" "$out" | grep -Eq "$header: No such file|'$header' file not found"; then
		printf '%s\n' "$out"
		echo "FAIL: $target failed for another reason than the missing $header"
		exit 1
	fi
	echo "ok: $target cannot include $header"
	;;
expect-ok)
	if [ $rc -ne 0 ]; then
		printf '%s\n' "$out"
		echo "FAIL: $target could not include $header from a lower layer"
		exit 1
	fi
	echo "ok: $target includes $header"
	;;
esac
