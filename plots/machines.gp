# machines.gp: one figure for a campaign, with the machines as series:
# what each kind of isolation costs on each machine, side by side.  Top:
# one panel per isolating target and policy that two or more machines
# timed, full / unsafe per library workload (one benchmark each), a bar
# per machine from 1.0 (no overhead) on a log axis, with its interval and
# value.  Bottom: the gate alone, an empty function's call beyond a direct
# one (invoke - unsafe of ubench/invoke_args/0), a point per machine for
# each of those targets, in ns on a log axis.  Times only: a machine's
# instruction counts under QEMU are the emulator's, not the machine's.
# Each machine keeps one colour, marker and fill in every panel; the key
# names it and its CPU model.  Drawn where two or more machines (hosts, as
# efreport keys them: two machines under one name become NAME and NAME/2)
# timed the same isolating target; else left out.
name = "machines"
load "plots/common.gp"
work = "hmac/hmac_sha256/4096 sodium/generichash/64 sodium/secretbox/4096 brotli/round_trip/1024"
full = v("ids", work) . v("r", "full/unsafe") . v("u", "ns") . v("x", "host")
gate = v("ids", "ubench/invoke_args/0") . v("r", "invoke/unsafe") . v("u", "ns") . v("x", "host") . v("v", "difference")
# The isolating targets (target|policy) two or more machines timed.
shared = query(overheads, v("q", "shared") . full)
ns = words(shared)
if (ns == 0) { eval nothing("isolating target timed on two machines, full mode of a library workload,") }
machines = query(overheads, v("q", "hosts") . full)
nm = words(machines)
# At full width the ratio panels two to a row, the gate's below them
# across the width; in a column, every panel one above the other.  Each
# panel's slot is `slot` inches tall, tick labels included; the key at the
# bottom, a line per machine in a column.
slot = 2.3
pcols = ns == 1 ? 1 : 2
prows = size eq "column" ? ns + 1 : int((ns + 1) / 2) + 1
key_h = size eq "column" ? 0.17 * nm + 0.1 : 0.17 * int((nm + 2) / 3) + 0.1
h_full = prows * slot + key_h
h_column = (ns + 1) * slot + key_h
eval start
W = size eq "column" ? 3.3 : 7.0
H = size eq "column" ? h_column : h_full
tp_target(tp) = tp[1:strstrt(tp, "|") - 1]
tp_policy(tp) = tp[strstrt(tp, "|") + 1:]
tp_title(tp) = tp_target(tp) . (tp_policy(tp) eq "none" ? "" : ", " . tp_policy(tp))
here(m, tp) = v("h", m) . v("t", tp_target(tp)) . v("p", tp_policy(tp))
machine_label(m) = m . " (" . query(overheads, v("q", "cpu") . v("h", m) . full) . ")"
# Panel i (ns + 1: the gate's): its row and column, and its margins (a
# title's two lines above, two lines of tick labels below).
prow(i) = size eq "column" ? i : (i > ns ? prows : int((i - 1) / pcols) + 1)
pcol(i) = size eq "column" || i > ns ? 1 : (i - 1) % pcols + 1
pncols(i) = size eq "column" || i > ns ? 1 : pcols
panel_at(i) = sprintf("set lmargin at screen %g; set rmargin at screen %g; set tmargin at screen %g; set bmargin at screen %g", \
	(pcol(i) - 1.0) / pncols(i) + 0.5 / W, pcol(i) * 1.0 / pncols(i) - 0.15 / W, \
	1 - ((prow(i) - 1) * slot + 0.6) / H, 1 - (prow(i) * slot - 0.5) / H)
# Tick labels: the library and the size of each of `work`, on two lines.
# (libsodium's generichash is BLAKE2b; its name is too wide for a tick.)
tick(j) = j == 1 ? "hmac\n4 KiB" : j == 2 ? "blake2b\n64 B" : j == 3 ? "secretbox\n4 KiB" : "brotli\n1 KiB"
set style fill solid 0.85 border lc rgb "#333333"
set grid noxtics ytics
set ytics font tiny
unset key
set multiplot
# One range for every ratio panel, so that machines and targets compare
# by eye.
lo = 1e300; hi = -1e300
do for [tp in shared] {
	do for [m in machines] {
		r = query(overheads, v("q", "range") . full . here(m, tp))
		if (words(r) == 2) {
			lo = (real(word(r, 1)) < lo ? real(word(r, 1)) : lo)
			hi = (real(word(r, 2)) > hi ? real(word(r, 2)) : hi)
		}
	}
}
cpu_note = int(query(overheads, v("q", "ncpus") . full)) == 1 ? \
	" (" . query(overheads, v("q", "cpu") . full) . ")" : " (each machine's CPU)"
w = 0.8 / nm
do for [i = 1:ns] {
	tp = word(shared, i)
	eval panel_at(i)
	narrow = 1
	# Room above the highest interval for its value, printed upwards.
	eval ratio_axis("y", lo, hi * 1.8)
	set ytics font tiny
	set xrange [0.4:words(work) + 0.6]
	set xtics () norotate font tiny
	do for [j = 1:words(work)] { set xtics add (tick(j) j) }
	ptitle = tp_title(tp) . ": full / unsafe\nratio of times" . cpu_note
	set title ptitle font small
	set ylabel (pcol(i) == 1 ? "ratio (log)" : "") font tiny
	set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#000000" lw 1
	# The key, once: below the figure at full width, below the last panel
	# in a column.
	if (i == 1) {
		if (size eq "column") { set key at screen 0.05, 0.03 / H left bottom vertical maxrows nm font tiny samplen 1.5 } \
		else { set key at screen 0.01, 0.03 / H left bottom horizontal maxcols 3 font tiny samplen 1.5 }
	} else { unset key }
	cmd = 'plot for [k = 1:nm] rows(overheads, v("q", "bars") . full . here(word(machines, k), tp)) ' . \
		'using ($1 + (k - (nm + 1) / 2.0) * w):3:($1 + (k - (nm + 1) / 2.0) * w - w / 2):($1 + (k - (nm + 1) / 2.0) * w + w / 2):' . \
		'($3 < 1 ? $3 : 1):($3 < 1 ? 1 : $3) with boxxyerror fs pattern fill(k) lc k title (i == 1 ? machine_label(word(machines, k)) : ""), ' . \
		'for [k = 1:nm] rows(overheads, v("q", "bars") . full . here(word(machines, k), tp)) ' . \
		'using ($1 + (k - (nm + 1) / 2.0) * w):4:(0):($5 - $4) with vectors nohead lc rgb "#333333" lw 0.8 dt 1 notitle, ' . \
		'for [k = 1:nm] rows(overheads, v("q", "bars") . full . here(word(machines, k), tp)) ' . \
		'using ($1 + (k - (nm + 1) / 2.0) * w):($5 * 1.04):(sprintf("%.2f", $3)) with labels rotate by 90 left font tiny notitle'
	eval draw
	unset arrow 1
}
unset key
# Bottom: the gate of an empty call, a point per machine per target.
eval panel_at(ns + 1)
glo = 1e300; ghi = -1e300
do for [tp in shared] {
	do for [m in machines] {
		r = query(overheads, v("q", "range") . gate . here(m, tp))
		if (words(r) == 2) {
			glo = (real(word(r, 1)) < glo ? real(word(r, 1)) : glo)
			ghi = (real(word(r, 2)) > ghi ? real(word(r, 2)) : ghi)
		}
	}
}
if (glo > ghi) { glo = 1.0; ghi = 10.0 }
set logscale y
set format y "%g"
set yrange [glo / 3:ghi * 3]
set ytics auto font tiny
if (ghi / glo < 50) { set ytics (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000) }
set xrange [0.4:ns + 0.6]
set xtics () norotate font tiny
do for [i = 1:ns] { set xtics add (tp_title(word(shared, i)) i) }
ptitle = "empty call beyond a direct one\nns" . cpu_note
set title ptitle font small
set ylabel "ns (log)" font tiny
gw = 0.5 / nm
cmd = 'plot for [k = 1:nm] for [i = 1:ns] rows(overheads, v("q", "bars") . gate . here(word(machines, k), word(shared, i))) ' . \
	'using (i + (k - (nm + 1) / 2.0) * gw):3 with points lt k ps 1.1 notitle, ' . \
	'for [k = 1:nm] for [i = 1:ns] rows(overheads, v("q", "bars") . gate . here(word(machines, k), word(shared, i))) ' . \
	'using (i + (k - (nm + 1) / 2.0) * gw):3:(sprintf("%.3g", $3)) with labels offset 0, 0.8 font tiny notitle'
eval draw
unset logscale y
unset multiplot
