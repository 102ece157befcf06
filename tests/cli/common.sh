# common.sh: sourced by the shell tests in tests/cli after they set SUITE:
# TOP (the checkout), a private temporary folder as the working directory
# (removed on exit), and pass/fail lines for scripts/run-tests.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "/tmp/efbench-$SUITE-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

pass() { echo "PASS $SUITE/$1"; }
fail() { echo "FAIL $SUITE/$1: $2"; }
