#!/bin/sh
# Builds the Windows release: npsdiag-<version>-win64.zip (npsdiag.exe, rules\, docs\, README.md):
#   tools/win-zip.sh [OUT_DIR]    default: the checkout; prints the zip's path
# Cross-builds first (tools/win-build.sh, dependencies from tools/win-deps.sh); needs zip. The zip's
# file times are SOURCE_DATE_EPOCH's (default: the last commit's), so two runs give the same zip.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "${1:-$top}" && pwd)
exe=$("$top/tools/win-build.sh" "$top/build-win" | tail -n 1)
version=$(sed -n 's/^project(npsdiag VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
name=npsdiag-$version-win64
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/docs"
x86_64-w64-mingw32-strip -o "$stage/$name/npsdiag.exe" "$exe"
cp -R "$top/rules" "$stage/$name/rules"
cp "$top"/docs/*.md "$top"/docs/*.png "$stage/$name/docs/"
cp "$top/README.md" "$stage/$name/"
find "$stage/$name" -exec touch -h -d "@$epoch" {} +
rm -f "$out/$name.zip"
(cd "$stage" && find "$name" | LC_ALL=C sort | zip -q -X -D "$out/$name.zip" -@)
echo "$out/$name.zip"
