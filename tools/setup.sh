#!/bin/sh
# Sets npsdiag up on a Debian 12 machine and runs it.
#   tools/setup.sh demo   install what is missing, build, ingest, diagnose and report the bundled Error-853 sample
#   tools/setup.sh test   install what is missing, build with ASan+UBSan and -Werror, run every test, then
#                         every test again in a clang ASan+UBSan build (checks gcc lacks), then
#                         build, install, run and remove the Debian package (tools/package-deb.sh; as root);
#                         with NPSDIAG_WIN=1 then the Windows part: cross-build npsdiag.exe, run the wine tests
#   tools/setup.sh build  install what is missing and build (build/)
#   tools/setup.sh win    install what is missing, build build/ and npsdiag.exe (build-win/), run the wine tests
# The Windows dependencies are built once into
# ${NPSDIAG_WIN_CACHE:-/var/cache/npsdiag-win} (tools/win-deps.sh, docs/windows.md).
# Missing Debian packages are installed with apt-get (run as root, or with sudo available).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
what=${1:-demo}

packages="build-essential cmake pkg-config libevtx-dev libbfio-dev libevtx-utils libpcre2-dev libjson-c-dev libarchive-dev libsqlite3-dev sqlite3 libpq-dev postgresql libssl-dev libcurl4-openssl-dev openssl python3 python3-evtx util-linux"

install_missing() {
	missing=""
	for p in $packages; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "setup: installing:$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

build() { # build DIR [cmake options...]
	dir=$1
	shift
	cmake -S . -B "$dir" "$@" >/dev/null
	cmake --build "$dir" -j"$(nproc 2>/dev/null || echo 2)"
}

# The browser test renders the HTML report in Debian's chromium; the tests
# run a second time built by clang.
[ "$what" = test ] && packages="$packages chromium clang"
# The Windows part: the cross compiler, wine, and what building the dependencies from Debian's
# source packages takes (dpkg-source, tclsh for SQLite, perl for OpenSSL). Only the x86-64 C compiler
# (win32 threads, binutils and the headers come with it): the mingw-w64 metapackage adds the i686 and
# C++ compilers: 244 MB of packages instead of 56 MB (wine adds 101 MB).
win_packages="gcc-mingw-w64-x86-64-win32 wine wine64 dpkg-dev tcl perl zip"
{ [ "$what" = test ] && [ "${NPSDIAG_WIN:-0}" != 0 ]; } || [ "$what" = win ] && packages="$packages $win_packages"
install_missing

# wine_tests BUILD_DIR: cross-builds npsdiag.exe into build-win/ and runs the wine tests of BUILD_DIR
# (its npsdiag is the reference the Windows build's output must equal).
wine_tests() {
	start=$(date +%s)
	exe=$(sh tools/win-build.sh "$top/build-win" | tail -n 1)
	echo "setup: $exe built in $(($(date +%s) - start)) s"
	cmake -S . -B "$1" -DNPSDIAG_WIN_EXE="$exe" >/dev/null
	(cd "$1" && ctest --output-on-failure -L wine)
	echo "setup: the Windows part took $(($(date +%s) - start)) s"
}
case "$what" in
demo)
	build build
	db=${NPSDIAG_DB:-$top/build/demo.db}
	rm -f "$db" "$db-wal" "$db-shm"
	./build/npsdiag ingest --db "$db" tests/fixtures/error853
	./build/npsdiag diagnose --db "$db" || true # exit status 1: incidents found
	./build/npsdiag report --db "$db" --format html -o build/demo-report.html
	echo "setup: the HTML report is build/demo-report.html"
	;;
test)
	build build-ci -DNPSDIAG_WERROR=ON -DNPSDIAG_SANITIZE=ON
	cd build-ci
	LSAN_OPTIONS=suppressions=$top/tests/lsan.supp ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j2 -LE wine
	cd "$top"
	# clang's UBSan checks what gcc's does not (arithmetic on a NULL pointer,
	# among others): four fuzz findings and two tail faults were of that
	# kind. Every test again, under ASan+UBSan built by clang.
	build build-ci-clang -DCMAKE_C_COMPILER=clang -DNPSDIAG_WERROR=ON -DNPSDIAG_SANITIZE=ON
	(cd build-ci-clang && LSAN_OPTIONS=suppressions=$top/tests/lsan.supp ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j2 -LE wine)
	# The Debian package from a plain Release build, installed and run from
	# /usr/bin, then removed (about a minute).
	if [ "$(id -u)" -eq 0 ]; then
		tools/package-deb.sh
	else
		echo "setup: not root: skipping the Debian package check (tools/package-deb.sh needs dpkg -i)"
	fi
	if [ "${NPSDIAG_WIN:-0}" != 0 ]; then
		LSAN_OPTIONS=suppressions=$top/tests/lsan.supp ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 wine_tests build-ci
	fi
	;;
build)
	build build
	;;
win)
	build build
	wine_tests build
	;;
*)
	echo "usage: tools/setup.sh demo|test|build|win" >&2
	exit 2
	;;
esac
