#!/bin/sh
# startup.sh: what a CloudLab node of ci/cloudlab/profile.py runs when it
# boots: clone the repository at a revision, install what it needs
# (scripts/install-deps) and run this node's part of a campaign
# (scripts/campaign-node).  The profile calls it with arguments, so that
# the same script runs here, on a fake repository, in
# tests/cli/test_cloudlab.sh.
#   ci/cloudlab/startup.sh --repo URL --rev REV --out DIR [--dir CHECKOUT]
#       [--log FILE] [--quick] [--bench-flags 'FLAGS'] [--timeout SECONDS]
#   --repo URL          what git clones (a URL or a path)
#   --rev REV           the commit, tag or branch to run
#   --out DIR           where campaign-node writes bench.csv, bench.meta and
#                       node.log
#   --dir CHECKOUT      the clone (default /local/efbench); a clone left
#                       there by an earlier boot is fetched into, not cloned
#   --log FILE          this script's log (default /local/logs/efbench-startup.log)
#   --quick, --bench-flags 'FLAGS'   scripts/campaign-node's
#   --timeout SECONDS   the most the bench may take (default 14400); the
#                       clone and fetch get 900 s, install-deps 3600 s
# CloudLab runs a node's start-up services at every boot: a node whose
# DIR/bench.csv exists has done its part, and the script says so and
# stops.  Not root: it runs itself again through `sudo -n` where that
# works (node-setup needs root), otherwise as it is.
# Everything goes to the log; its last line is "startup: done",
# "startup: already done" or "startup: failed: WHY".
# Exit status: 0 done (or already done), 1 a step failed or timed out
# (the log says which), 2 bad usage.
set -u
REPO="" REV="" OUT="" DIR=/local/efbench LOG=/local/logs/efbench-startup.log
QUICK="" FLAGS="" TIMEOUT=14400
usage() { sed -n '8,19s/^# \{0,1\}//p' "$0"; }
die() { echo "startup.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--repo|--rev|--out|--dir|--log|--bench-flags|--timeout)
		[ $# -ge 2 ] || die "$1 needs a value (ci/cloudlab/startup.sh --help)"
		case $1 in
		--repo) REPO=$2 ;; --rev) REV=$2 ;; --out) OUT=$2 ;; --dir) DIR=$2 ;;
		--log) LOG=$2 ;; --bench-flags) FLAGS=$2 ;; --timeout) TIMEOUT=$2 ;;
		esac
		shift 2 ;;
	--quick) QUICK=--quick; shift ;;
	--help|-h) usage; exit 0 ;;
	*) die "unknown argument '$1' (ci/cloudlab/startup.sh --help)" ;;
	esac
done
[ -n "$REPO" ] && [ -n "$REV" ] && [ -n "$OUT" ] || die "say --repo URL --rev REV --out DIR (ci/cloudlab/startup.sh --help)"
case $TIMEOUT in ''|*[!0-9]*|0) die "--timeout: '$TIMEOUT' is not a number of seconds" ;; esac

if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	exec sudo -n sh "$0" --repo "$REPO" --rev "$REV" --out "$OUT" \
		--dir "$DIR" --log "$LOG" $QUICK --bench-flags "$FLAGS" --timeout "$TIMEOUT"
fi

mkdir -p "$(dirname "$LOG")" && : >> "$LOG" || die "$LOG: cannot write it"
log() { echo "startup: $*" | tee -a "$LOG" >&2; }
fail() { log "failed: $*"; exit 1; }
# step SECONDS WHAT COMMAND...: COMMAND with its output in the log, killed
# after SECONDS (and KILLed a minute later if TERM does not end it).
step() {
	secs=$1 what=$2
	shift 2
	log "$what: $*"
	timeout -k 60 "$secs" "$@" >>"$LOG" 2>&1
	rc=$?
	case $rc in
	0) return 0 ;;
	124|137) fail "$what: timed out after $secs s" ;;
	*) fail "$what: exit $rc (see above)" ;;
	esac
}

log "$(hostname) at $(date -u +%Y-%m-%dT%H:%M:%SZ): $REPO at $REV into $DIR, results in $OUT"
if [ -e "$OUT/bench.csv" ]; then
	log "already done: $OUT/bench.csv exists (remove it to run the bench again)"
	exit 0
fi
if [ -d "$DIR/.git" ]; then
	step 900 fetch git -C "$DIR" fetch -q --tags "$REPO" '+refs/heads/*:refs/remotes/origin/*'
else
	mkdir -p "$(dirname "$DIR")" || fail "cannot create $(dirname "$DIR")"
	step 900 clone git clone -q "$REPO" "$DIR"
fi
# A commit, a tag, or a branch of the repository cloned (origin/REV).
commit=$(git -C "$DIR" rev-parse --verify -q "$REV^{commit}" ||
	git -C "$DIR" rev-parse --verify -q "origin/$REV^{commit}") ||
	fail "revision '$REV' is not in $REPO"
step 120 checkout git -C "$DIR" checkout -q --detach "$commit"
log "checked out $commit"
step 3600 install-deps "$DIR/scripts/install-deps"
mkdir -p "$OUT" || fail "cannot create $OUT"
# shellcheck disable=SC2086
step "$TIMEOUT" bench "$DIR/scripts/campaign-node" --out "$OUT" $QUICK --bench-flags "$FLAGS"
log "done"
