#!/bin/sh
# test_campaign.sh: scripts/campaign for real, through Ansible and ssh, on
# two nodes made here (scripts/lib/netns-nodes.sh): a network namespace
# each, joined to this one by a veth pair (addresses in 10.231.X.0/24,
# which exist only inside them), an sshd in each with keys made by the
# test, a host name of its own, and a folder per node.  Node b's
# sshd is not started for the first campaign: a's results come home, b is
# reported, and the exit status is 1.  Then b's sshd starts and the same
# campaign resumes: a is skipped (its files untouched), b runs, and
# efreport reads the two as two machines (hosts a and b).  A short
# bench (QUICK=1's repetitions, ubench/invoke_args/0 on target host, only
# build/efbench built, with the mock runtime alone).  Every namespace, link and process it started is
# removed at the end.  Skipped, with the reason, where this machine cannot
# (not root, no network namespaces, no sshd or ansible-playbook).
SUITE=campaign
. "$(dirname "$0")/common.sh"

skip() { echo "SKIP campaign/all: $*"; exit 0; }
for c in ansible-playbook ansible-inventory python3; do
	command -v $c >/dev/null 2>&1 || skip "$c is not installed (make deps)"
done
NODES_DIR=$tmp NODES_ID=$$
. "$TOP/scripts/lib/netns-nodes.sh"
why=$(nodes_check)
[ -z "$why" ] || skip "$why"

name=test-$$
cleanup() {
	nodes_cleanup
	rm -f "$TOP/build/campaign/$name.tar.gz"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

node_add a && node_add b || { echo "FAIL campaign/nodes: cannot make the nodes"; exit 0; }
nodes_inventory inventory.ini
node_up a || { echo "FAIL campaign/sshd_up: node a's sshd does not answer: $(tail -n 3 sshd-a.log)"; exit 0; }

run() {
	start=$(date +%s)
	"$TOP/scripts/campaign" --inventory inventory.ini --name "$name" --results "$tmp/results" \
		--quick --make 'BENCH_BUILD=build/efbench RUNTIMES=mock' \
		--bench-flags '--target host --filter ubench/invoke_args/0' ${2:+--carry "$2"} \
		>"$1.out" 2>"$1.err"
	rc=$?
	secs=$(( $(date +%s) - start ))
}
R=$tmp/results/$name

# First: b is down.
run first
rows_a=$(awk -F, 'NR > 1 && $14 == "ok"' "$R/a/bench.csv" 2>/dev/null | wc -l)
if [ $rc = 1 ] && [ "$rows_a" -gt 0 ] && grep -qx 'status=complete' "$R/a/bench.meta" &&
   grep -q '^a: ok' "$R/summary.txt" && grep -q '^b: FAILED: .*UNREACHABLE' "$R/summary.txt" &&
   # The revision reaches the sidecar, though the node has no .git.
   grep -qx "git_commit=$(git -C "$TOP" describe --always HEAD)" "$R/a/bench.meta" &&
   [ ! -e "$R/b/bench.csv" ] && grep -q 'campaign-node: done' "$R/a/node.log"; then
	pass one_node_down_others_kept
else
	fail one_node_down_others_kept "exit $rc, $rows_a rows from a: $(cat "$R/summary.txt" 2>/dev/null) $(tail -n 3 first.err)"
fi
echo "# campaign: two nodes, one down: $secs s"

# Then b comes up, and the campaign resumes.
sum_a=$(cksum < "$R/a/bench.csv")
if node_up b; then
	# With a file the checkout does not track, carried along.
	probe=build/campaign-carry-$$
	echo carried > "$TOP/$probe"
	run second "$probe"
	rm -f "$TOP/$probe"
	rows_b=$(awk -F, 'NR > 1 && $14 == "ok"' "$R/b/bench.csv" 2>/dev/null | wc -l)
	if [ $rc = 0 ] && [ "$rows_b" -gt 0 ] && [ "$(cksum < "$R/a/bench.csv")" = "$sum_a" ] &&
	   grep -q 'a: complete .* skipped' second.err && grep -q '^b: ok' "$R/summary.txt" &&
	   [ "$(cat "$tmp/node-b/$name/$probe" 2>/dev/null)" = carried ] &&
	   # What a campaign brings home, make plots takes, each node a
	   # machine of its own name (its UTS namespace's).
	   "$TOP/build/efreport" -o "$tmp/report" "$R"/*/bench.csv >/dev/null 2>&1 &&
	   [ "$(awk -F, 'NR > 1 { print $1 }' "$tmp/report/summary.csv" | sort -u | tr '\n' ' ')" = "a b " ]; then
		pass resume_skips_complete_nodes
	else
		fail resume_skips_complete_nodes "exit $rc, $rows_b rows from b: $(cat "$R/summary.txt") $(tail -n 3 second.err)"
	fi
	echo "# campaign: resumed, one node: $secs s"
else
	fail resume_skips_complete_nodes "node b's sshd does not answer: $(tail -n 3 sshd-b.log)"
fi

# Bad input: one line, exit 2.
"$TOP/scripts/campaign" --inventory nonesuch.ini >/dev/null 2>bad.err
rc=$?
"$TOP/scripts/campaign" --inventory inventory.ini --carry ../etc >/dev/null 2>bad3.err
rc3=$?
# local-campaign makes its own nodes: no inventory, and names it can use.
"$TOP/scripts/local-campaign" --inventory inventory.ini >/dev/null 2>>bad3.err || rc3=$((rc3 + $?))
"$TOP/scripts/local-campaign" --nodes 'a Bad_1' >/dev/null 2>>bad3.err || rc3=$((rc3 + $?))
"$TOP/scripts/campaign" --inventory inventory.ini --revision no-such-rev --results "$tmp/r2" >/dev/null 2>bad2.err
rc2=$?
if [ $rc = 2 ] && [ $rc2 = 2 ] && [ $rc3 = 6 ] && [ "$(wc -l < bad.err)" = 1 ] && grep -q 'no-such-rev: no such revision' bad2.err &&
   grep -q "carry: '../etc': a path inside the checkout" bad3.err && grep -q 'local-campaign: --inventory: the nodes are made here' bad3.err &&
   grep -q "local-campaign: 'Bad_1': a node name is" bad3.err && [ "$(wc -l < bad3.err)" = 3 ]; then
	pass usage_errors
else
	fail usage_errors "exit $rc/$rc2/$rc3: $(cat bad.err bad2.err bad3.err)"
fi
