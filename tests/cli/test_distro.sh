#!/bin/sh
# test_distro.sh: the package names and source lists of each distribution
# release efbench supports (scripts/lib/distro.sh), as tables: for Debian
# 12 and 13 and Ubuntu 22.04 and 24.04 (fake os-release files), what each
# part maps to, and what scripts/install-deps asks apt-get for and says it
# leaves out (dpkg-query, apt-get and sudo are stand-ins on PATH); an
# unknown distribution, told what is needed and how to go on; the deb-src
# lists scripts/fetch-sources gives apt, from a fake root's one-line and
# deb822 sources (never the real /etc), and that making them again adds
# nothing.  Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=distro
. "$(dirname "$0")/common.sh"

mkdir -p repo/scripts/lib bin
cp "$TOP/scripts/install-deps" "$TOP/scripts/fetch-sources" repo/scripts/
cp "$TOP"/scripts/lib/*.sh repo/scripts/lib/
cp "$TOP/Makefile" repo/
for f in "$TOP"/workloads/*/workload.mk; do
	w=$(basename "$(dirname "$f")")
	mkdir -p "repo/workloads/$w"
	cp "$f" "repo/workloads/$w/"
done

# os_release ID VERSION CODENAME: a fake os-release file; prints its path.
os_release() {
	printf 'PRETTY_NAME="%s %s"\nID=%s\nVERSION_ID="%s"\nVERSION_CODENAME=%s\n' \
		"$1" "$2" "$1" "$2" "$3" > "osr-$1-$2"
	echo "$tmp/osr-$1-$2"
}

# The tables: part, then its packages, or "-" and the start of the reason.
# Sources: Debian 12 (this machine), Debian 13 (apt-cache on trixie's
# lists), Ubuntu (packages.ubuntu.com), as scripts/lib/distro.sh says.
table_debian_12='build gcc g++ make pkg-config libc6-dev
gbench libbenchmark-dev
tests python3-yaml
figures gnuplot-nox poppler-utils
hyperfine hyperfine
callgrind valgrind
fuzz clang libclang-rt-dev
rust rustc
browser chromium
campaign ansible-core openssh-client openssh-server iproute2
pmp gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc patch xz-utils
mpk-vm qemu-system-x86 cpio
wasm wasi-libc lld libclang-rt-14-dev-wasm32 wabt
vm-kernel linux-image-amd64
vm-kernel-612 linux-image-6.12-amd64'
table_debian_13='build gcc g++ make pkg-config libc6-dev
gbench libbenchmark-dev
tests python3-yaml
figures gnuplot-nox poppler-utils
hyperfine hyperfine
callgrind valgrind
fuzz clang libclang-rt-dev
rust rustc
browser chromium
campaign ansible-core openssh-client openssh-server iproute2
pmp gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-riscv patch xz-utils
mpk-vm qemu-system-x86 cpio
wasm wasi-libc lld libclang-rt-dev-wasm32 wabt
vm-kernel linux-image-amd64
vm-kernel-612 linux-image-amd64'
table_ubuntu_22_04='build gcc g++ make pkg-config libc6-dev
gbench libbenchmark-dev
tests python3-yaml
figures gnuplot-nox poppler-utils
hyperfine hyperfine
callgrind valgrind
fuzz clang libclang-common-14-dev
rust rustc
browser - not packaged on ubuntu 22.04: Ubuntu'"'"'s chromium is a snap
campaign ansible-core openssh-client openssh-server iproute2
pmp gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc patch xz-utils
mpk-vm qemu-system-x86 cpio
wasm - not packaged on ubuntu 22.04: no compiler-rt builtins for wasm32
vm-kernel linux-image-generic
vm-kernel-612 - not packaged on ubuntu 22.04: no Linux 6.12 or later'
table_ubuntu_24_04='build gcc g++ make pkg-config libc6-dev
gbench libbenchmark-dev
tests python3-yaml
figures gnuplot-nox poppler-utils
hyperfine hyperfine
callgrind valgrind
fuzz clang libclang-rt-dev
rust rustc
browser - not packaged on ubuntu 24.04: Ubuntu'"'"'s chromium is a snap
campaign ansible-core openssh-client openssh-server iproute2
pmp gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc patch xz-utils
mpk-vm qemu-system-x86 cpio
wasm wasi-libc lld libclang-rt-dev-wasm32 wabt
vm-kernel linux-image-generic
vm-kernel-612 linux-image-generic-hwe-24.04'

# mapped OSRELEASE: the table distro_map gives, reasons cut as the tables
# above cut them (to their length).
mapped() {
	(cd repo && . scripts/lib/distro.sh && EFBENCH_OS_RELEASE=$1 distro_detect &&
	 for n in $DISTRO_NEEDS; do
		if p=$(distro_map "$n"); then echo "$n $p"; else echo "$n - $p"; fi
	 done)
}
# cut_like WANT GOT: GOT with each "part - reason" line cut to the length
# of WANT's line for that part.
cut_like() {
	echo "$2" | while read -r part rest; do
		case "$rest" in
		"- "*)
			w=$(echo "$1" | sed -n "s/^$part - //p")
			r=${rest#- }
			echo "$part - $(printf '%s' "$r" | cut -c1-${#w})" ;;
		*) echo "$part $rest" ;;
		esac
	done
}

# The workloads' libraries, read from their workload.mk files as
# install-deps reads them (named alike on every release).
libs=$(for f in repo/workloads/*/workload.mk; do sed -n 's/^[a-z0-9_]*_DEBS[ 	]*:=[ 	]*//p' "$f"; done |
	tr -s ' \n' '\n\n' | awk 'NF' | sort -u | tr '\n' ' ')

printf '#!/bin/sh\nexit 1\n' > bin/dpkg-query
printf '#!/bin/sh\necho "$*" >> "$APTLOG"\n' > bin/apt-get
printf '#!/bin/sh\nexec "$@"\n' > bin/sudo
chmod +x bin/*
arch=$(uname -m)

for rel in "debian 12 bookworm" "debian 13 trixie" "ubuntu 22.04 jammy" "ubuntu 24.04 noble"; do
	set -- $rel
	name=$(echo "$1_$2" | tr . _)
	eval "want=\$table_$name"
	osr=$(os_release "$1" "$2" "$3")
	got=$(mapped "$osr" 2>&1)
	got=$(cut_like "$want" "$got")
	if [ "$got" = "$want" ]; then
		pass "map_$name"
	else
		printf '%s\n' "$want" > want.txt
		printf '%s\n' "$got" > got.txt
		fail "map_$name" "$(diff want.txt got.txt | tr '\n' ' ')"
	fi

	# install-deps on that release: apt-get is asked for every package of
	# the table's parts that this machine's architecture takes, and the
	# workloads' libraries, once; one line for each part left out.
	rm -f apt.txt
	(cd / && APTLOG=$tmp/apt.txt EFBENCH_OS_RELEASE=$osr PATH=$tmp/bin:$PATH \
		sh "$tmp/repo/scripts/install-deps") > out.txt 2>&1
	rc=$?
	asked=$(grep '^install ' apt.txt 2>/dev/null | head -n 1 | tr ' ' '\n' | grep -v '^-' | grep -v '^install$' | sort | tr '\n' ' ')
	expect=$(echo "$want" | while read -r part rest; do
		case "$part" in vm-kernel*) continue ;; esac
		case "$part:$arch" in mpk-vm:x86_64|wasm:x86_64) ;; mpk-vm:*|wasm:*) continue ;; esac
		case "$rest" in "- "*) continue ;; esac
		echo "$rest"
	done | tr ' ' '\n'; echo "$libs" | tr ' ' '\n'; echo python3 git bc | tr ' ' '\n')
	# python3, git and bc are asked for only where they are not on PATH.
	for c in python3 git bc; do
		command -v $c >/dev/null 2>&1 && expect=$(echo "$expect" | grep -v "^$c\$")
	done
	expect=$(echo "$expect" | awk 'NF' | sort -u | tr '\n' ' ')
	left=$(echo "$want" | while read -r part rest; do
		case "$part" in vm-kernel*) continue ;; esac
		case "$part:$arch" in mpk-vm:x86_64|wasm:x86_64) ;; mpk-vm:*|wasm:*) continue ;; esac
		case "$rest" in "- "*) echo "$part" ;; esac
	done | tr '\n' ' ')
	said=$(sed -n 's/^install-deps: \([a-z0-9-]*\): not packaged on .*; .*/\1/p' out.txt | tr '\n' ' ')
	if [ $rc -eq 0 ] && [ "$asked" = "$expect" ] && [ "$said" = "$left" ]; then
		pass "install_deps_$name (${left:-nothing }left out)"
	else
		fail "install_deps_$name" "exit $rc; asked '$asked', want '$expect'; left out '$said', want '$left': $(tr '\n' ' ' < out.txt)"
	fi
done

# A distribution efbench does not know: status 1, what is needed and how
# to go on, and apt-get never run.
osr=$(os_release fedora 40 "")
rm -f apt.txt
(cd / && APTLOG=$tmp/apt.txt EFBENCH_OS_RELEASE=$osr PATH=$tmp/bin:$PATH \
	sh "$tmp/repo/scripts/install-deps") > out.txt 2>&1
rc=$?
msg=$(cat out.txt)
case "$msg" in
"install-deps: fedora 40 is not a release efbench knows"*"debian 12, debian 13, ubuntu 22.04, ubuntu 24.04"*"Install by hand what these Debian 12 packages hold: gcc g++ "*" libbenchmark-dev "*" wabt."*"EFBENCH_OS_RELEASE"*"The workloads' libraries (Debian's names): "*)
	if [ $rc -eq 1 ] && [ ! -e apt.txt ] && [ "$(wc -l < out.txt)" -eq 1 ]; then
		pass unknown_distribution
	else
		fail unknown_distribution "exit $rc, apt-get run: $(cat apt.txt 2>/dev/null); $msg"
	fi ;;
*) fail unknown_distribution "exit $rc: $msg" ;;
esac

# A later release of a known distribution: the newest known one's names,
# with a note.
osr=$(os_release debian 14 forky)
got=$(mapped "$osr" 2> note.txt | sed -n 's/^pmp //p')
if [ "$got" = "$(echo "$table_debian_13" | sed -n 's/^pmp //p')" ] &&
   grep -q "debian 14 (forky) is newer than the releases efbench knows; using debian 13's package names" note.txt; then
	pass later_release
else
	fail later_release "pmp '$got': $(cat note.txt)"
fi

# deb-src lists from a fake root.  Ubuntu 24.04 as it ships (deb822, with
# a stanza already asking for deb-src too, and a disabled one), a one-line
# list of the same release with an entry the deb822 file has, an entry of
# another release, a third party and a deb-src already there; and a file
# apt does not read.
fake=root-noble
mkdir -p $fake/etc/apt/sources.list.d
cat > $fake/etc/apt/sources.list.d/ubuntu.sources <<'EOF'
# Ubuntu sources have moved to /etc/apt/sources.list.d/ubuntu.sources
Types: deb
URIs: http://archive.ubuntu.com/ubuntu/
Suites: noble noble-updates noble-backports
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb deb-src
URIs: http://security.ubuntu.com/ubuntu/
Suites: noble-security
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb
URIs: http://ppa.example/ubuntu/
Suites: noble
Components: main
Enabled: no
EOF
cat > $fake/etc/apt/sources.list <<'EOF'
# See sources.list.d/ubuntu.sources
deb http://archive.ubuntu.com/ubuntu/ noble main restricted universe multiverse
deb [arch=amd64 signed-by=/usr/share/keyrings/mirror.gpg] http://mirror.example/ubuntu noble-updates main universe # a mirror
deb http://archive.ubuntu.com/ubuntu/ jammy main
deb https://packages.example.com/apt stable main
deb-src http://mirror.example/ubuntu noble main
EOF
echo 'deb http://archive.ubuntu.com/ubuntu/ noble main' > $fake/etc/apt/sources.list.d/old.list.disabled
cat > want.sources <<'EOF'
Types: deb-src
Suites: noble noble-updates noble-backports
URIs: http://archive.ubuntu.com/ubuntu/
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb-src
Suites: noble-security
URIs: http://security.ubuntu.com/ubuntu/
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

EOF
cat > want.list <<'EOF'
deb-src [arch=amd64 signed-by=/usr/share/keyrings/mirror.gpg] http://mirror.example/ubuntu noble-updates main universe
deb-src http://mirror.example/ubuntu noble main
EOF
osr=$(os_release ubuntu 24.04 noble)
src_lists() {
	(cd repo && . scripts/lib/distro.sh && EFBENCH_OS_RELEASE=$osr distro_detect &&
	 distro_src_lists "$tmp/$fake" "$tmp/$1")
}
src_lists out1
if cmp -s want.sources out1/sources.list.d/ubuntu.sources && cmp -s want.list out1/sources.list &&
   [ "$(ls out1/sources.list.d)" = ubuntu.sources ]; then
	pass deb_src_both_formats
else
	fail deb_src_both_formats "$(diff want.sources out1/sources.list.d/ubuntu.sources | tr '\n' ' ') $(diff want.list out1/sources.list | tr '\n' ' ') [$(ls out1/sources.list.d | tr '\n' ' ')]"
fi
# Again into the same place: nothing added.
src_lists out1
src_lists out1
if cmp -s want.sources out1/sources.list.d/ubuntu.sources && cmp -s want.list out1/sources.list; then
	pass deb_src_idempotent
else
	fail deb_src_idempotent "$(wc -l out1/sources.list out1/sources.list.d/* | tr '\n' ' ')"
fi
# Nothing of this release configured (a Debian 13 root with no lists):
# the distribution's own archive.
mkdir -p root-empty/etc/apt
osr=$(os_release debian 13 trixie)
(cd repo && . scripts/lib/distro.sh && EFBENCH_OS_RELEASE=$osr distro_detect &&
 distro_src_lists "$tmp/root-empty" "$tmp/out2")
if [ "$(cat out2/sources.list)" = "deb-src http://deb.debian.org/debian trixie main
deb-src http://deb.debian.org/debian trixie-updates main
deb-src http://deb.debian.org/debian-security trixie-security main" ]; then
	pass deb_src_default_archive
else
	fail deb_src_default_archive "$(cat out2/sources.list 2>&1 | tr '\n' ' ')"
fi

# fetch-sources gives apt those lists: an apt-get stand-in records its
# options and fails, so that the tree is missing with the reason.
printf '#!/bin/sh\ncase "$*" in *libbrotli1*) echo 1.1.0-2build2 ;; *) exit 1 ;; esac\n' > bin/dpkg-query
printf '#!/bin/sh\necho "$*" >> "$APTLOG"\nexit 100\n' > bin/apt-get
printf '#!/bin/sh\nexit 0\n' > bin/apt-cache
chmod +x bin/*
osr=$(os_release ubuntu 24.04 noble)
rm -f apt.txt
(cd repo && APTLOG=$tmp/apt.txt EFBENCH_APT_ROOT=$tmp/$fake EFBENCH_OS_RELEASE=$osr \
	PATH=$tmp/bin:$PATH sh scripts/fetch-sources libbrotli1:brotli:brotli) > out.txt 2>&1
rc=$?
if [ $rc -eq 0 ] && cmp -s want.sources repo/build/apt/sources.list.d/ubuntu.sources &&
   cmp -s want.list repo/build/apt/sources.list &&
   grep -q "Dir::Etc::SourceParts=$tmp/repo/build/apt/sources.list.d .*update" apt.txt &&
   grep -q '^cannot fetch the source of brotli 1.1.0-2build2' repo/build/src/brotli.missing; then
	pass fetch_sources_uses_lists
else
	fail fetch_sources_uses_lists "exit $rc: $(head -n 2 apt.txt 2>&1 | tr '\n' ' ') $(cat repo/build/src/brotli.missing 2>&1)"
fi
