#!/bin/sh
# test_cloudlab.sh: the CloudLab profile and its start-up script, without
# CloudLab.  ci/cloudlab/profile.py runs against a stand-in for geni-lib
# (tests/cli/fake_genilib: the same API, every call recorded) with its
# defaults, three nodes of two types, and bad parameters (an unknown
# type, a type without protection keys, 0 and 17 nodes, a revision that
# is not one), and the recorded request is checked: nodes, types, image,
# each node's start-up command.  ci/cloudlab/startup.sh runs on a
# temporary git repository whose scripts/install-deps and
# scripts/campaign-node record their arguments: it clones at the
# revision, runs both with the right --out, logs, stops at once on a
# second boot, fails on a revision the repository lacks, a failed bench
# and a bench past its time limit.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=cloudlab
. "$(dirname "$0")/common.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP $SUITE: python3 not installed"
	exit 0
fi
FAKE=$TOP/tests/cli/fake_genilib
IMG=urn:publicid:IDN+emulab.net+image+emulab-ops//UBUNTU22-64-STD

# profile NAME ARGS...: the profile run standalone with ARGS, its calls in
# NAME.json, stderr in NAME.err, exit status in NAME.rc.
profile() {
	n=$1
	shift
	FAKE_GENILIB_RECORD=$n.json PYTHONPATH=$FAKE PYTHONDONTWRITEBYTECODE=1 python3 "$TOP/ci/cloudlab/profile.py" "$@" >"$n.out" 2>"$n.err"
	echo $? >"$n.rc"
}
# nodes NAME: one line per node of NAME.json's request, in order:
# "name type image shell command" (empty when the request was not printed).
nodes() {
	python3 - "$1.json" <<'EOF'
import json, sys
calls = json.load(open(sys.argv[1]))
if not any(c["call"] == "printRequestRSpec" for c in calls):
    sys.exit(0)
nodes, order = {}, []
for c in calls:
    if c["call"] == "node":
        order.append(c["name"]); nodes[c["name"]] = {"kind": c["kind"], "svc": []}
    elif c["call"] == "set":
        nodes[c["node"]][c["attr"]] = c["value"]
    elif c["call"] == "addService":
        nodes[c["node"]]["svc"].append("%s %s" % (c["shell"], c["command"]))
for n in order:
    d = nodes[n]
    for s in d["svc"] or ["-"]:
        print(n, d["kind"], d.get("hardware_type", "-"), d.get("disk_image", "-"), s)
EOF
}
# errors NAME: "params: message" per error the profile reported.
errors() {
	python3 - "$1.json" <<'EOF'
import json, sys
for c in json.load(open(sys.argv[1])):
    if c["call"] == "reportError" and c["type"] == "ParameterError":
        print("%s: %s" % (",".join(c["params"]), c["message"]))
EOF
}

profile default
cmd0="sh /local/repository/ci/cloudlab/startup.sh --repo /local/repository --rev HEAD --out /local/results/node0-c220g5 --timeout 14400"
[ "$(cat default.rc)" = 0 ] && [ "$(nodes default)" = "node0-c220g5 RawPC c220g5 $IMG sh $cmd0" ] &&
	[ -z "$(errors default)" ] && pass profile_default ||
	fail profile_default "exit $(cat default.rc): $(nodes default) $(cat default.err)"

profile three --node_count 3 --hardware_types 'c220g5, c6420' --revision v1.2 --quick true \
	--bench_flags '--filter hmac/*' --timeout_hours 2
exp=""
for n in node0-c220g5 node1-c6420 node2-c220g5; do
	exp="$exp$n RawPC ${n#*-} $IMG sh sh /local/repository/ci/cloudlab/startup.sh --repo /local/repository --rev v1.2 --out /local/results/$n --timeout 7200 --quick --bench-flags '--filter hmac/*'
"
done
[ "$(cat three.rc)" = 0 ] && [ "$(nodes three)" = "${exp%?}" ] && pass profile_three_nodes_two_types ||
	fail profile_three_nodes_two_types "exit $(cat three.rc): $(nodes three) $(cat three.err)"

profile image --disk_image urn:publicid:IDN+emulab.net+image+emulab-ops//UBUNTU24-64-STD --hardware_types r6525
[ "$(cat image.rc)" = 0 ] && nodes image | grep '^node0' | grep -q '^node0-r6525 RawPC r6525 urn:publicid:IDN+emulab.net+image+emulab-ops//UBUNTU24-64-STD sh ' &&
	pass profile_image || fail profile_image "exit $(cat image.rc): $(nodes image) $(cat image.err)"

# Bad parameters: reported through reportError with the parameter named,
# the JSON list on stderr, exit 100 + the number of errors, no request.
bad=""
check_bad() {
	n=$1 rc=$2 param=$3 text=$4
	shift 4
	profile "$n" "$@"
	if [ "$(cat "$n.rc")" != "$rc" ] || [ -n "$(nodes "$n")" ] ||
		! errors "$n" | grep -q "^$param: .*$text" ||
		! python3 -c 'import json,sys; assert all(e["errorType"] == "ParameterError" for e in json.load(open(sys.argv[1])))' "$n.err" 2>/dev/null; then
		bad="$bad [$n: exit $(cat "$n.rc"), $(errors "$n") $(nodes "$n") $(cat "$n.err")]"
	fi
}
check_bad badtype 101 hardware_types "unknown hardware type 'nosuch'" --hardware_types c220g5,nosuch
check_bad zero 101 node_count "must be 1 to 16, not 0" --node_count 0
check_bad seventeen 101 node_count "must be 1 to 16, not 17" --node_count 17
check_bad nopku 101 hardware_types,require_pku "m510 .* has no protection keys" --hardware_types c6420,m510
check_bad unknownpku 101 hardware_types,require_pku "c6620 .* has unknown protection keys" --hardware_types c6620
check_bad badrev 101 revision "not a commit" --revision 'main;reboot'
check_bad two 102 node_count "not 0" --node_count 0 --hardware_types nosuch
[ -z "$bad" ] && pass profile_bad_parameters || fail profile_bad_parameters "$bad"

# Without the PKU requirement, a type without protection keys is fine.
profile nopkuok --hardware_types m510 --require_pku false
[ "$(cat nopkuok.rc)" = 0 ] && nodes nopkuok | grep '^node0' | grep -q '^node0-m510 RawPC m510 ' && pass profile_pku_optional ||
	fail profile_pku_optional "exit $(cat nopkuok.rc): $(cat nopkuok.err)"

# The start-up script on a repository of two commits whose install-deps
# and campaign-node record their arguments; campaign-node writes
# OUT/bench.csv, or fails (FAKE_BENCH=fail), or hangs (FAKE_BENCH=hang).
if ! command -v git >/dev/null 2>&1; then
	echo "SKIP $SUITE/startup_*: git not installed"
	exit 0
fi
mkdir -p src/scripts && cd src && git init -q && git config user.email t@t && git config user.name test &&
cat > scripts/install-deps <<'EOF' &&
#!/bin/sh
echo "install-deps $*" >> "$FAKE_CALLS"
EOF
cat > scripts/campaign-node <<'EOF' &&
#!/bin/sh
echo "campaign-node $(cat "$(dirname "$0")/../version") $*" >> "$FAKE_CALLS"
case ${FAKE_BENCH-} in
fail) echo "bench broke"; exit 1 ;;
hang) sleep 600 ;;
esac
out=$2
echo "campaign-node: done" > "$out/node.log"
echo result > "$out/bench.csv"
EOF
chmod +x scripts/* && echo one > version && git add -A && git commit -qm one &&
echo two > version && git commit -qam two && cd .. || { fail startup_setup "cannot make the repository"; exit 0; }
one=$(git -C src rev-parse HEAD~1)
SU=$TOP/ci/cloudlab/startup.sh
export FAKE_CALLS="$PWD/calls"
: > calls
sh "$SU" --repo "$PWD/src" --rev "$one" --dir "$PWD/co" --out "$PWD/res/node0" --log "$PWD/logs/startup.log" \
	--quick --bench-flags '--filter hmac/*' >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(git -C co rev-parse HEAD)" = "$one" ] && [ "$(cat co/version)" = one ] &&
	[ "$(cat calls)" = "install-deps 
campaign-node one --out $PWD/res/node0 --quick --bench-flags --filter hmac/*" ] &&
	[ -f res/node0/bench.csv ] && grep -q "checked out $one" logs/startup.log &&
	[ "$(tail -n 1 logs/startup.log)" = "startup: done" ] && pass startup_clones_at_revision ||
	fail startup_clones_at_revision "exit $rc: $(cat calls) | $(cat logs/startup.log)"

# A second boot: the results are there, nothing runs again.
: > calls
sh "$SU" --repo "$PWD/src" --rev "$one" --dir "$PWD/co" --out "$PWD/res/node0" --log "$PWD/logs/startup.log" >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s calls ] && tail -n 1 logs/startup.log | grep -q '^startup: already done' &&
	pass startup_second_boot || fail startup_second_boot "exit $rc: $(cat calls) | $(tail -n 2 logs/startup.log)"

# A branch name, into the clone an earlier boot left: fetched, not cloned.
: > calls
sh "$SU" --repo "$PWD/src" --rev "$(git -C src symbolic-ref --short HEAD)" --dir "$PWD/co" --out "$PWD/res/node1" \
	--log "$PWD/logs/b.log" >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(cat co/version)" = two ] && grep -q '^startup: fetch: ' logs/b.log &&
	grep -q "^campaign-node two --out $PWD/res/node1 --bench-flags \$" calls &&
	pass startup_branch_refetch || fail startup_branch_refetch "exit $rc: $(cat calls) | $(cat logs/b.log)"

# A revision the repository lacks: exit 1, said in the log, no bench.
: > calls
sh "$SU" --repo "$PWD/src" --rev no-such-rev --dir "$PWD/co2" --out "$PWD/res/node2" --log "$PWD/logs/c.log" >out.txt 2>&1
rc=$?
[ $rc -eq 1 ] && [ ! -s calls ] && [ "$(tail -n 1 logs/c.log)" = "startup: failed: revision 'no-such-rev' is not in $PWD/src" ] &&
	pass startup_bad_revision || fail startup_bad_revision "exit $rc: $(cat calls) | $(cat logs/c.log)"

# A failed bench, and one past --timeout: exit 1, the log says which.
FAKE_BENCH=fail sh "$SU" --repo "$PWD/src" --rev "$one" --dir "$PWD/co" --out "$PWD/res/node3" --log "$PWD/logs/d.log" >out.txt 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q '^bench broke$' logs/d.log && [ "$(tail -n 1 logs/d.log)" = "startup: failed: bench: exit 1 (see above)" ] &&
	pass startup_bench_fails || fail startup_bench_fails "exit $rc: $(cat logs/d.log)"
t0=$(date +%s)
FAKE_BENCH=hang sh "$SU" --repo "$PWD/src" --rev "$one" --dir "$PWD/co" --out "$PWD/res/node4" --log "$PWD/logs/e.log" \
	--timeout 2 >out.txt 2>&1
rc=$?
t=$(($(date +%s) - t0))
[ $rc -eq 1 ] && [ $t -lt 30 ] && [ "$(tail -n 1 logs/e.log)" = "startup: failed: bench: timed out after 2 s" ] &&
	pass startup_timeout || fail startup_timeout "exit $rc after $t s: $(tail -n 2 logs/e.log)"

# Bad usage: exit 2, one line.
bad=""
for args in "" "--repo x --rev y" "--repo x --rev y --out z --timeout 0" "--frob"; do
	# shellcheck disable=SC2086
	sh "$SU" $args >/dev/null 2>err.txt
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l < err.txt)" -eq 1 ] || bad="$bad [$args: exit $rc $(cat err.txt)]"
done
[ -z "$bad" ] && pass startup_usage || fail startup_usage "$bad"
