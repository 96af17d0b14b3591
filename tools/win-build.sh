#!/bin/sh
# Cross-builds npsdiag.exe for Windows x64 on Debian 12 (docs/windows.md):
#   tools/win-build.sh [BUILD_DIR]    default build-win; the program is BUILD_DIR/npsdiag.exe
# The dependencies come from tools/win-deps.sh (built once, then cached). Needs mingw-w64, tcl and
# perl (tools/setup.sh win installs them).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build-win}
root=$("$top/tools/win-deps.sh" | tail -n 1)
cmake -S "$top" -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$top/cmake/mingw-w64-x86_64.cmake" -DNPSDIAG_WIN_ROOT="$root" \
	-DCMAKE_BUILD_TYPE=Release -DNPSDIAG_WERROR=ON >/dev/null
cmake --build "$dir" --target npsdiag -j"$(nproc 2>/dev/null || echo 2)"
echo "$dir/npsdiag.exe"
