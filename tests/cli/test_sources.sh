#!/bin/sh
# test_sources.sh: scripts/fetch-sources on a machine whose installed
# library has a version whose source the mirror does not serve (an
# up-to-date Debian: a security update of brotli): it must fetch the nearest
# obtainable version of the same upstream release and say so, and say why
# when none can be had.  dpkg-query is replaced by a stand-in on PATH; the
# script runs on a copy of itself, so build/src is not touched.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=sources
. "$(dirname "$0")/common.sh"

mkdir -p repo/scripts/lib bin
cp "$TOP/scripts/fetch-sources" repo/scripts/
cp "$TOP/scripts/lib/distro.sh" repo/scripts/lib/
# The package lists make deps fetched already, to spare the download.
[ -d "$TOP/build/apt/lists" ] && mkdir -p repo/build/apt && cp -r "$TOP/build/apt/lists" repo/build/apt/

# fetch VERSION: fetch-sources with libbrotli1 at VERSION, libsodium23 absent.
fetch() {
	cat > bin/dpkg-query <<EOF
#!/bin/sh
case "\$*" in *libbrotli1*) echo "$1" ;; *) exit 1 ;; esac
EOF
	chmod +x bin/dpkg-query
	rm -rf repo/build/src
	(cd repo && PATH=$tmp/bin:$PATH sh scripts/fetch-sources libsodium23:libsodium:libsodium \
		libbrotli1:brotli:brotli) > out.txt 2>&1
}

# A version no mirror has: an older one of upstream 1.0.9 instead.
fetch 1.0.9-2+deb12u9
rc=$?
ready=$(cat repo/build/src/brotli/.ready 2>/dev/null)
if ! ls repo/build/apt/lists/*_Sources* >/dev/null 2>&1; then
	echo "SKIP sources/nearest_version: no source package lists (no mirror reachable?)"
else
	# The versions are Debian 12's: another release has another brotli.
	if ! grep -q '^VERSION_CODENAME=bookworm$' /etc/os-release 2>/dev/null; then
		echo "SKIP sources/nearest_version: its versions are Debian 12's (brotli upstream 1.0.9)"
	else
		case "$ready" in
		"brotli 1.0.9-"*"(the installed 1.0.9-2+deb12u9's source cannot be fetched; the nearest of upstream 1.0.9)")
			if [ $rc -eq 0 ] && [ -f repo/build/src/brotli/c/enc/encode.c ]; then
				pass "nearest_version ($ready)"
			else
				fail nearest_version "exit $rc, no unpacked tree: $(tail -n 2 out.txt)"
			fi ;;
		*) fail nearest_version "exit $rc, .ready '$ready': $(tail -n 2 out.txt)" ;;
		esac
	fi
	# No version of that upstream release: the reason, and exit 0.
	fetch 9.9.9-1
	rc=$?
	if [ $rc -eq 0 ] && [ ! -e repo/build/src/brotli ] &&
	   grep -q 'cannot fetch the source of brotli 9.9.9-1 nor of another version of upstream 9.9.9' \
		repo/build/src/brotli.missing; then
		pass no_such_release
	else
		fail no_such_release "exit $rc: $(cat repo/build/src/brotli.missing 2>&1)"
	fi
fi
# A package that is not installed: the reason.
if grep -q '^libsodium23 is not installed' repo/build/src/libsodium.missing 2>/dev/null; then
	pass not_installed
else
	fail not_installed "$(cat repo/build/src/libsodium.missing 2>&1)"
fi
# An argument that is not BINARY:SOURCE:TREE: one line, status 2.
(cd repo && sh scripts/fetch-sources libbrotli1:brotli) > out.txt 2>&1
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l < out.txt)" -eq 1 ]; then
	pass bad_argument
else
	fail bad_argument "exit $rc: $(cat out.txt)"
fi
