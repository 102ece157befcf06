#!/bin/sh
# test_campaign.sh: scripts/campaign for real, through Ansible and ssh, on
# two nodes made here: a network namespace each, joined to this one by a
# veth pair (addresses in 10.231.X.0/24, which exist only inside them), an
# sshd in each with keys made by the test, and a folder per node.  Node b's
# sshd is not started for the first campaign: a's results come home, b is
# reported, and the exit status is 1.  Then b's sshd starts and the same
# campaign resumes: a is skipped (its files untouched), b runs.  A short
# bench (QUICK=1's repetitions, ubench/invoke_args/0 on target host, only
# build/efbench built, with the mock runtime alone).  Every namespace, link and process it started is
# removed at the end.  Skipped, with the reason, where this machine cannot
# (not root, no network namespaces, no sshd or ansible-playbook).
SUITE=campaign
. "$(dirname "$0")/common.sh"

skip() { echo "SKIP campaign/all: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
for c in ip ssh ssh-keygen ansible-playbook ansible-inventory python3; do
	command -v $c >/dev/null 2>&1 || skip "$c is not installed (make deps)"
done
SSHD=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || skip "sshd is not installed (openssh-server; make deps)"

id=$$
ns_a=efbench-$id-a ns_b=efbench-$id-b
net=$((id % 200 + 20))
name=test-$id
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	# And every session sshd forked for Ansible's connections, which
	# outlive the listening sshd and would keep the namespace alive.
	for ns in "$ns_a" "$ns_b"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
	done
	ip netns del "$ns_a" 2>/dev/null
	ip netns del "$ns_b" 2>/dev/null
	ip link del "efh$id"a 2>/dev/null
	ip link del "efh$id"b 2>/dev/null
	rm -f "$TOP/build/campaign/$name.tar.gz"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$ns_a" 2>ns.err || skip "cannot create a network namespace: $(cat ns.err)"
ip netns add "$ns_b"
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f client
cat client.pub > authorized_keys
chmod 600 authorized_keys
# node N: a namespace, its link, its address 10.231.$net.(2 or 6), an
# sshd config (started by up N).
node() {
	n=$1 ns=$2 host=$3 addr=$4
	ip link add "efh$id$n" type veth peer name "efn$id$n"
	ip link set "efn$id$n" netns "$ns"
	ip addr add "10.231.$net.$host/30" dev "efh$id$n"
	ip link set "efh$id$n" up
	ip netns exec "$ns" ip addr add "10.231.$net.$addr/30" dev "efn$id$n"
	ip netns exec "$ns" ip link set "efn$id$n" up
	ip netns exec "$ns" ip link set lo up
	ssh-keygen -q -t ed25519 -N '' -f "hostkey-$n"
	mkdir -p "node-$n"
	cat > "sshd-$n.conf" <<EOF
ListenAddress 10.231.$net.$addr
Port 22
HostKey $tmp/hostkey-$n
PidFile $tmp/sshd-$n.pid
AuthorizedKeysFile $tmp/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
EOF
}
up() {
	ip netns exec "$2" "$SSHD" -f "$tmp/sshd-$1.conf" -E "$tmp/sshd-$1.log" -D &
	pids="$pids $!"
	# Until it answers.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=2 \
			-i "$tmp/client" "root@10.231.$net.$3" true 2>/dev/null && return 0
		sleep 0.5
	done
	return 1
}
node a "$ns_a" 1 2
node b "$ns_b" 5 6
cat > inventory.ini <<EOF
[nodes]
a ansible_host=10.231.$net.2 efbench_dir=$tmp/node-a
b ansible_host=10.231.$net.6 efbench_dir=$tmp/node-b

[all:vars]
ansible_user=root
ansible_ssh_private_key_file=$tmp/client
ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5'
ansible_python_interpreter=/usr/bin/python3
EOF
up a "$ns_a" 2 || { echo "FAIL campaign/sshd_up: node a's sshd does not answer: $(tail -n 3 sshd-a.log)"; exit 0; }

run() {
	start=$(date +%s)
	"$TOP/scripts/campaign" --inventory inventory.ini --name "$name" --results "$tmp/results" \
		--quick --make 'BENCH_BUILD=build/efbench RUNTIMES=mock' \
		--bench-flags '--target host --filter ubench/invoke_args/0' \
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
   [ ! -e "$R/b/bench.csv" ] && grep -q 'campaign-node: done' "$R/a/node.log"; then
	pass one_node_down_others_kept
else
	fail one_node_down_others_kept "exit $rc, $rows_a rows from a: $(cat "$R/summary.txt" 2>/dev/null) $(tail -n 3 first.err)"
fi
echo "# campaign: two nodes, one down: $secs s"

# Then b comes up, and the campaign resumes.
sum_a=$(cksum < "$R/a/bench.csv")
if up b "$ns_b" 6; then
	run second
	rows_b=$(awk -F, 'NR > 1 && $14 == "ok"' "$R/b/bench.csv" 2>/dev/null | wc -l)
	if [ $rc = 0 ] && [ "$rows_b" -gt 0 ] && [ "$(cksum < "$R/a/bench.csv")" = "$sum_a" ] &&
	   grep -q 'a: complete .* skipped' second.err && grep -q '^b: ok' "$R/summary.txt" &&
	   # What a campaign brings home, make plots takes.
	   "$TOP/build/efreport" -o "$tmp/report" "$R"/*/bench.csv >/dev/null 2>&1; then
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
"$TOP/scripts/campaign" --inventory inventory.ini --revision no-such-rev --results "$tmp/r2" >/dev/null 2>bad2.err
rc2=$?
if [ $rc = 2 ] && [ $rc2 = 2 ] && [ "$(wc -l < bad.err)" = 1 ] && grep -q 'no-such-rev: no such revision' bad2.err; then
	pass usage_errors
else
	fail usage_errors "exit $rc/$rc2: $(cat bad.err bad2.err)"
fi
