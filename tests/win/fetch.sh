#!/bin/sh
# `cert --fetch` in npsdiag.exe under wine: WinHTTP (nd_http_win.c) where the Linux build has libcurl.
# tests/cert/fetch.py as is, with npsdiag.exe as its program: CRLs from a server on 127.0.0.1 fresh,
# listing the leaf, expired, missing (404), of another issuer and not a CRL; a redirect to file:// not
# followed; a silent server given up on within --timeout.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/win/lib.sh"
OPENSSL=$(command -v openssl) || { echo "SKIP: no openssl command"; exit 77; }
printf '#!/bin/sh\nexec "$WINE" "$NPSDIAG_WIN_EXE" "$@"\n' >"$T/npsdiag-wine" && chmod +x "$T/npsdiag-wine" || exit 1
export WINE NPSDIAG_WIN_EXE
NPSDIAG="$T/npsdiag-wine" OPENSSL="$OPENSSL" PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$SRC/tests/cert" CERT_TMP="$T/cert" \
	python3 "$SRC/tests/cert/fetch.py" >"$T/out" 2>&1
rc=$?
cat "$T/out"
eq "fetch.py with npsdiag.exe" "$rc" 0
contains "the CRLs were fetched over HTTP" "$T/out" "ok   leaf CRLs: HTTP fetched, LDAP not"
finish
