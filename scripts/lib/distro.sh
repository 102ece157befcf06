# distro.sh: sourced by scripts/install-deps, scripts/fetch-sources and
# scripts/mpk-vm: which distribution release this is, the package names
# each part of efbench needs there, and the source lists fetch-sources
# gives apt.  Supported: Debian 12 (bookworm) and 13 (trixie), Ubuntu 22.04
# (jammy) and 24.04 (noble).
#
#   distro_detect       sets DISTRO_ID, DISTRO_VERSION, DISTRO_CODENAME and
#                       DISTRO ("debian 12") from ${EFBENCH_OS_RELEASE:-
#                       $EFBENCH_APT_ROOT/etc/os-release}; returns 1, with
#                       what is missing and what to do in DISTRO_WHY, where
#                       the release is not one of those (a later Debian or
#                       Ubuntu release is read as the newest one known, with
#                       a note on stderr).
#   distro_map NEED     the packages NEED (one of DISTRO_NEEDS) takes on
#                       this release, on stdout; or, status 1, why it
#                       cannot be had here.
#   distro_left_out NEED  what goes without NEED, for the line that says so.
#   distro_src_lists ROOT OUT   deb-src source lists for this release, made
#                       from the ones apt uses under ROOT (/ or a test's
#                       fake root), into OUT/sources.list (one-line format)
#                       and OUT/sources.list.d/*.sources (deb822).
#
# Where the names come from (checked December 2026): Debian 12 is this
# project's own machine and CI (dpkg, apt-cache); Debian 13 with apt-cache
# against deb.debian.org's trixie lists; Ubuntu from packages.ubuntu.com's
# pages for jammy and noble (no Ubuntu mirror was used).

# Every NEED, in install order; the workloads' own <w>_DEBS go after
# build, gbench and tests (install-deps).
DISTRO_NEEDS="build gbench tests figures hyperfine callgrind fuzz rust browser campaign pmp mpk-vm wasm vm-kernel vm-kernel-612"
# The releases the tables below know, newest last within each family.
DISTRO_KNOWN="debian 12, debian 13, ubuntu 22.04, ubuntu 24.04"

# os_release_field FILE KEY: KEY's value in FILE, quotes removed.  The
# file is read, never sourced.
os_release_field() {
	sed -n "s/^$2=//p" "$1" | tail -n 1 | sed "s/^[\"']//; s/[\"']\$//"
}

distro_detect() {
	f=${EFBENCH_OS_RELEASE:-${EFBENCH_APT_ROOT:-}/etc/os-release}
	[ -r "$f" ] || f=${EFBENCH_APT_ROOT:-}/usr/lib/os-release
	if [ ! -r "$f" ]; then
		DISTRO_ID="" DISTRO_VERSION="" DISTRO_CODENAME="" DISTRO="unknown"
		DISTRO_WHY="no os-release file tells the distribution ($DISTRO_KNOWN are supported; EFBENCH_OS_RELEASE=FILE names one)"
		return 1
	fi
	DISTRO_ID=$(os_release_field "$f" ID)
	DISTRO_VERSION=$(os_release_field "$f" VERSION_ID)
	DISTRO_CODENAME=$(os_release_field "$f" VERSION_CODENAME)
	DISTRO="$DISTRO_ID $DISTRO_VERSION"
	case "$DISTRO" in
	"debian 12") DISTRO_CODENAME=${DISTRO_CODENAME:-bookworm} ;;
	"debian 13") DISTRO_CODENAME=${DISTRO_CODENAME:-trixie} ;;
	"ubuntu 22.04") DISTRO_CODENAME=${DISTRO_CODENAME:-jammy} ;;
	"ubuntu 24.04") DISTRO_CODENAME=${DISTRO_CODENAME:-noble} ;;
	debian\ 1[4-9]*|debian\ [2-9][0-9]*|"debian ")
		# testing and unstable have no VERSION_ID.
		echo "distro: $DISTRO${DISTRO_CODENAME:+ ($DISTRO_CODENAME)} is newer than the releases efbench knows; using debian 13's package names" >&2
		DISTRO_VERSION=13 ;;
	ubuntu\ 2[4-9].1*|ubuntu\ 2[5-9].*|ubuntu\ [3-9][0-9].*)
		echo "distro: $DISTRO is newer than the releases efbench knows; using ubuntu 24.04's package names" >&2
		DISTRO_VERSION=24.04 ;;
	*)
		like=$(os_release_field "$f" ID_LIKE)
		DISTRO_WHY="$DISTRO${like:+ (like $like)} is not a release efbench knows the package names of ($DISTRO_KNOWN are). Install by hand what these Debian 12 packages hold: $(distro_all_debian12). A derivative of a known release can name that release's os-release file in EFBENCH_OS_RELEASE."
		return 1 ;;
	esac
	return 0
}

# distro_all_debian12: every package of every NEED on Debian 12 (the
# reference list for a distribution efbench does not know).
distro_all_debian12() {
	(
		DISTRO_ID=debian DISTRO_VERSION=12
		for n in $DISTRO_NEEDS; do
			case $n in vm-kernel*) continue ;; esac
			distro_map "$n"
		done | tr '\n' ' ' | sed 's/ *$//'
	)
}

distro_map() {
	r="$DISTRO_ID $DISTRO_VERSION"
	case "$1" in
	build) echo "gcc g++ make pkg-config libc6-dev" ;;
	# Google Benchmark: universe on Ubuntu (1.6.1 in jammy, 1.8.3 in noble).
	gbench) echo "libbenchmark-dev" ;;
	# PyYAML: tests/cli/test_ci_workflow.sh parses the CI workflow.
	tests) echo "python3-yaml" ;;
	# gnuplot draws the figures (make figures), poppler-utils checks their
	# PDFs (page size, embedded fonts).
	figures) echo "gnuplot-nox poppler-utils" ;;
	# hyperfine times process set-up (scripts/setup-bench): universe on
	# Ubuntu, 1.12.0 in jammy.
	hyperfine) echo "hyperfine" ;;
	# valgrind (callgrind) counts the host-side paths' instructions.
	callgrind) echo "valgrind" ;;
	# clang and its runtime libraries build the fuzz target of the result
	# readers (libFuzzer).  Jammy's llvm-toolchain-14 (1:14.0.0) predates
	# the libclang-rt-14-dev split and llvm-defaults there has no
	# libclang-rt-dev: its compiler-rt is in libclang-common-14-dev.
	fuzz)
		case "$r" in
		"ubuntu 22.04") echo "clang libclang-common-14-dev" ;;
		*) echo "clang libclang-rt-dev" ;;
		esac ;;
	# rustc builds reference mode's Rust std::str::from_utf8, which ubench's
	# UTF-8 validation is measured beside (workloads/ubench/workload.mk).
	rust) echo "rustc" ;;
	# chromium opens the figure gallery (build/figures/index.html) headless
	# in its test, tests/cli/test_gallery.sh: 122 MB to fetch, 350 MB
	# installed.  Ubuntu's chromium-browser (and the virtual chromium) is a
	# transitional package that installs the snap, which needs snapd and
	# is not what apt-get installs in a container.
	browser)
		case "$DISTRO_ID" in
		ubuntu) echo "not packaged on $r: Ubuntu's chromium is a snap, chromium-browser a transitional package to it"; return 1 ;;
		*) echo "chromium" ;;
		esac ;;
	# ansible-core runs campaigns over many nodes (scripts/campaign); ssh
	# and sshd carry them, and the campaign's test runs an sshd per network
	# namespace (tests/cli/test_campaign.sh), made with iproute2's ip (not
	# in a minimal Debian 13).  Universe on Ubuntu.
	campaign) echo "ansible-core openssh-client openssh-server iproute2" ;;
	# The RISC-V bare-metal toolchain, picolibc and qemu-system-riscv32 for
	# the PMP firmware (scripts/pmp-run); patch and xz-utils unpack the
	# sources it builds libsodium and brotli from (scripts/fetch-sources).
	# QEMU 9.1 moved riscv32 from qemu-system-misc into qemu-system-riscv:
	# trixie has 10.0; jammy (6.2) and noble (8.2) keep it in -misc.
	pmp)
		case "$r" in
		"debian 13") echo "gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-riscv patch xz-utils" ;;
		*) echo "gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc patch xz-utils" ;;
		esac ;;
	# QEMU and cpio for the mpk test VM (scripts/mpk-vm); x86-64 only.
	mpk-vm) echo "qemu-system-x86 cpio" ;;
	# The sfi target: clang's wasm32-wasi target (the compiler-rt builtins),
	# wasi-libc, wasm-ld and wabt's wasm2c.  The builtins are packaged from
	# Debian's llvm-toolchain-14 1:14.0.6 on: bookworm has
	# libclang-rt-14-dev-wasm32, trixie and noble llvm-defaults'
	# libclang-rt-dev-wasm32 (clang 19 and 18); jammy's 1:14.0.0 has none.
	wasm)
		case "$r" in
		"debian 12") echo "wasi-libc lld libclang-rt-14-dev-wasm32 wabt" ;;
		"ubuntu 22.04") echo "not packaged on $r: no compiler-rt builtins for wasm32 (its llvm-toolchain-14 is 1:14.0.0)"; return 1 ;;
		*) echo "wasi-libc lld libclang-rt-dev-wasm32 wabt" ;;
		esac ;;
	# The kernels scripts/mpk-vm boots, fetched with apt-get download and
	# never installed: the release's own, and one of Linux 6.12 or later.
	vm-kernel)
		case "$DISTRO_ID" in
		ubuntu) echo "linux-image-generic" ;;
		*) echo "linux-image-amd64" ;;
		esac ;;
	# Bookworm has 6.12 from bookworm-security; trixie's own kernel is
	# 6.12; noble's hardware-enablement kernel is 6.17 (noble-updates);
	# jammy's newest (linux-image-generic-hwe-22.04) is 6.8.
	vm-kernel-612)
		case "$r" in
		"debian 12") echo "linux-image-6.12-amd64" ;;
		"debian 13") echo "linux-image-amd64" ;;
		"ubuntu 24.04") echo "linux-image-generic-hwe-24.04" ;;
		*) echo "not packaged on $r: no Linux 6.12 or later (its newest kernel is 6.8)"; return 1 ;;
		esac ;;
	*) echo "no such need: $1"; return 1 ;;
	esac
}

distro_left_out() {
	case "$1" in
	build) echo "nothing can be built" ;;
	gbench) echo "the Google Benchmark runner cannot be built" ;;
	tests) echo "the tests that need it fail" ;;
	figures) echo "make figures and the figure tests are left out" ;;
	hyperfine) echo "scripts/setup-bench cannot time process set-up" ;;
	callgrind) echo "the host-side instruction counts are left out" ;;
	fuzz) echo "the result readers' fuzz target is left out" ;;
	rust) echo "reference mode's Rust from_utf8 is left out" ;;
	browser) echo "the gallery's browser checks are skipped" ;;
	campaign) echo "scripts/campaign and its test are left out" ;;
	pmp) echo "the pmp targets are left out" ;;
	mpk-vm) echo "the mpk VM suite is skipped" ;;
	wasm) echo "the sfi target is left out" ;;
	vm-kernel) echo "the mpk VM suite is skipped" ;;
	vm-kernel-612) echo "the mpk VM's Linux 6.12 suites are skipped" ;;
	esac
}

# distro_src_lists ROOT OUT: a deb-src entry for every deb or deb-src entry
# of this release (suite CODENAME or CODENAME-*) that apt reads under ROOT:
# etc/apt/sources.list and sources.list.d/*.list (one-line format) into
# OUT/sources.list, sources.list.d/*.sources (deb822, as Debian 12 and 13
# and Ubuntu 24.04 have them) into OUT/sources.list.d/NAME.sources with
# Types: deb-src and their other fields (Signed-By, ...) as they are.
# Other distributions' and third parties' entries (another suite) are left
# out, and so is a source already listed.  Where nothing of this release
# is configured, the distribution's own archive.  OUT is rewritten whole,
# so running it again gives the same lists.
distro_src_lists() {
	root=${1%/} out=$2
	rm -rf "$out/sources.list" "$out/sources.list.d"
	mkdir -p "$out/sources.list.d"
	: > "$out/seen"
	for f in "$root"/etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v code="$DISTRO_CODENAME" -v seen="$out/seen" '
			function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
			BEGIN {
				RS = ""; FS = "\n"
				while ((getline k < seen) > 0) done[k] = 1
				close(seen)
			}
			{
				types = ""; suites = ""; uris = ""; comps = ""; enabled = "yes"; body = ""
				for (i = 1; i <= NF; i++) {
					line = $i
					if (line ~ /^#/) continue
					key = ""
					if (match(line, /^[A-Za-z][A-Za-z0-9-]*:/)) {
						key = tolower(substr(line, 1, RLENGTH - 1))
						val = trim(substr(line, RLENGTH + 1))
					}
					if (key == "types") { types = val; continue }
					if (key == "suites") { suites = val; continue }
					if (key == "uris") uris = val
					if (key == "components") comps = val
					if (key == "enabled") enabled = tolower(val)
					body = body line "\n"
				}
				if (enabled == "no" || (" " types " ") !~ / deb(-src)? /) next
				n = split(suites, s, /[ \t]+/); kept = ""
				for (j = 1; j <= n; j++) {
					if (s[j] != code && index(s[j], code "-") != 1) continue
					k = uris " " s[j] " " comps
					if (k in done) continue
					done[k] = 1; print k >> seen
					kept = kept (kept == "" ? "" : " ") s[j]
				}
				if (kept == "") next
				printf "Types: deb-src\nSuites: %s\n%s\n", kept, body
			}' "$f" > "$out/sources.list.d/$(basename "$f")"
		[ -s "$out/sources.list.d/$(basename "$f")" ] || rm -f "$out/sources.list.d/$(basename "$f")"
	done
	for f in "$root"/etc/apt/sources.list "$root"/etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		cat "$f"
	done | awk -v code="$DISTRO_CODENAME" -v seen="$out/seen" '
		BEGIN { while ((getline k < seen) > 0) done[k] = 1; close(seen) }
		/^[ \t]*(deb|deb-src)[ \t]/ {
			sub(/^[ \t]+/, ""); sub(/[ \t]*#.*/, "")
			# deb [options] URI SUITE COMPONENT...
			opts = ""
			if (match($0, /\[[^]]*\]/)) { opts = substr($0, RSTART, RLENGTH) " "; $0 = substr($0, 1, RSTART - 1) substr($0, RSTART + RLENGTH) }
			n = split($0, w, /[ \t]+/)
			if (n < 3 || (w[3] != code && index(w[3], code "-") != 1)) next
			comps = w[4]
			for (i = 5; i <= n; i++) comps = comps " " w[i]
			k = w[2] " " w[3] " " comps
			if (k in done) next
			done[k] = 1; print k >> seen
			print "deb-src " opts w[2] " " w[3] " " comps
		}' > "$out/sources.list"
	if [ ! -s "$out/seen" ]; then
		case "$DISTRO_ID" in
		debian) cat > "$out/sources.list" <<-LIST
			deb-src http://deb.debian.org/debian $DISTRO_CODENAME main
			deb-src http://deb.debian.org/debian $DISTRO_CODENAME-updates main
			deb-src http://deb.debian.org/debian-security $DISTRO_CODENAME-security main
			LIST
			;;
		ubuntu) cat > "$out/sources.list" <<-LIST
			deb-src http://archive.ubuntu.com/ubuntu $DISTRO_CODENAME main universe
			deb-src http://archive.ubuntu.com/ubuntu $DISTRO_CODENAME-updates main universe
			deb-src http://security.ubuntu.com/ubuntu $DISTRO_CODENAME-security main universe
			LIST
			;;
		esac
	fi
	rm -f "$out/seen"
}
