# netns-nodes.sh: campaign nodes made on this machine, for trying a
# campaign without a cluster (scripts/local-campaign) and for its test
# (tests/cli/test_campaign.sh).  Each node is a network namespace joined to
# this one by a veth pair, with addresses in 10.231.NET.0/30 blocks that
# exist only on those links, an sshd of its own (keys made here, root
# login by key only) and a host name of its own (a UTS namespace), so that
# efbench's rows from each say which node they came from.  The nodes share
# this machine's CPUs, disk and kernel: they stand in for machines, they
# are not other machines.  Needs root, ip, ssh-keygen and sshd.
# Sourced; the caller sets:
#   NODES_DIR  a folder for keys, configs, logs and the nodes' folders
#   NODES_ID   a number that tells this set of nodes from others running
# and calls nodes_cleanup when it ends (trap).  Functions:
#   nodes_check           why these nodes cannot be made here (empty: they can)
#   node_add NAME         a namespace, its link, key and sshd config;
#                         NODE_ADDR is then its address
#   node_up NAME          its sshd started, and answering (status 1: not)
#   nodes_inventory FILE  an Ansible inventory of the nodes added, each
#                         with efbench_dir in NODES_DIR/node-NAME
#   nodes_cleanup         every namespace, link and process removed
NODES_NAMES="" NODES_PIDS="" NODES_COUNT=0
NODES_NET=$((NODES_ID % 200 + 20))
NODES_SSHD=$(command -v sshd || echo /usr/sbin/sshd)

nodes_check() {
	local c
	[ "$(id -u)" = 0 ] || { echo "needs root for network namespaces"; return; }
	for c in ip ssh ssh-keygen unshare; do
		command -v $c >/dev/null 2>&1 || { echo "$c is not installed (make deps)"; return; }
	done
	[ -x "$NODES_SSHD" ] || { echo "sshd is not installed (openssh-server; make deps)"; return; }
	if ! ip netns add "efbench-$NODES_ID-probe" 2>"$NODES_DIR/netns.err"; then
		echo "cannot create a network namespace: $(cat "$NODES_DIR/netns.err")"
		return
	fi
	ip netns del "efbench-$NODES_ID-probe"
}

# The namespace and link names of node $1 (link names: 15 characters at most).
nodes_ns() { echo "efbench-$NODES_ID-$1"; }
nodes_link() { echo "ef$NODES_ID$2$1" | cut -c1-15; }

node_add() {
	local n ns i h d
	n=$1 ns=$(nodes_ns "$1") i=$NODES_COUNT
	NODES_COUNT=$((NODES_COUNT + 1))
	NODES_NAMES="$NODES_NAMES $n"
	h=$(nodes_link "$i" h) d=$(nodes_link "$i" n)
	NODE_ADDR=10.231.$NODES_NET.$((4 * i + 2))
	[ -s "$NODES_DIR/client" ] || ssh-keygen -q -t ed25519 -N '' -f "$NODES_DIR/client" || return 1
	cp "$NODES_DIR/client.pub" "$NODES_DIR/authorized_keys" && chmod 600 "$NODES_DIR/authorized_keys"
	ip netns add "$ns" || return 1
	ip link add "$h" type veth peer name "$d" &&
		ip link set "$d" netns "$ns" &&
		ip addr add "10.231.$NODES_NET.$((4 * i + 1))/30" dev "$h" &&
		ip link set "$h" up &&
		ip netns exec "$ns" ip addr add "$NODE_ADDR/30" dev "$d" &&
		ip netns exec "$ns" ip link set "$d" up &&
		ip netns exec "$ns" ip link set lo up || return 1
	rm -f "$NODES_DIR/hostkey-$n" "$NODES_DIR/hostkey-$n.pub"
	ssh-keygen -q -t ed25519 -N '' -f "$NODES_DIR/hostkey-$n" || return 1
	mkdir -p "$NODES_DIR/node-$n" /run/sshd
	echo "$NODE_ADDR" > "$NODES_DIR/addr-$n"
	cat > "$NODES_DIR/sshd-$n.conf" <<EOF
ListenAddress $NODE_ADDR
Port 22
HostKey $NODES_DIR/hostkey-$n
PidFile $NODES_DIR/sshd-$n.pid
AuthorizedKeysFile $NODES_DIR/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
EOF
}

node_up() {
	local n addr _
	n=$1 addr=$(cat "$NODES_DIR/addr-$1")
	# Its own host name, for it and every session its sshd forks.
	ip netns exec "$(nodes_ns "$n")" unshare --uts sh -c \
		'echo "$1" > /proc/sys/kernel/hostname && shift && exec "$@"' sh "$n" \
		"$NODES_SSHD" -f "$NODES_DIR/sshd-$n.conf" -E "$NODES_DIR/sshd-$n.log" -D &
	NODES_PIDS="$NODES_PIDS $!"
	# Until it answers.
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
			-o ConnectTimeout=2 -i "$NODES_DIR/client" "root@$addr" true 2>/dev/null && return 0
		sleep 0.5
	done
	return 1
}

nodes_inventory() {
	local n
	{
		echo "[nodes]"
		for n in $NODES_NAMES; do
			echo "$n ansible_host=$(cat "$NODES_DIR/addr-$n") efbench_dir=$NODES_DIR/node-$n"
		done
		cat <<EOF

[all:vars]
ansible_user=root
ansible_ssh_private_key_file=$NODES_DIR/client
ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5'
ansible_python_interpreter=/usr/bin/python3
EOF
	} > "$1"
}

nodes_cleanup() {
	local p i n
	for p in $NODES_PIDS; do kill "$p" 2>/dev/null; done
	i=0
	for n in $NODES_NAMES; do
		# And every session sshd forked for Ansible's connections, which
		# outlive the listening sshd and would keep the namespace alive.
		ip netns pids "$(nodes_ns "$n")" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$(nodes_ns "$n")" 2>/dev/null
		ip link del "$(nodes_link "$i" h)" 2>/dev/null
		i=$((i + 1))
	done
	NODES_NAMES="" NODES_PIDS=""
}
