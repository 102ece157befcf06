# mpk_vs_pmp.gp: the gate of each hardware isolation target side by side:
# what a call costs beyond a direct one (the difference of the invoke and
# unsafe medians) with 0 and 6 arguments (registers), 7, 25 and 100
# (stacked), and for a call that calls back once; a bar per target and
# policy, its value printed on it, on a linear axis from 0.  One panel per
# unit: instructions (counted under QEMU -icount; the x86-64 counts of mpk
# and the rv32 counts of the PMP boards are different instruction sets,
# which the key says) and, where protection-key hardware timed mpk, ns,
# with Omniglot's published ~91 ns for an empty call over the 0 bars.
name = "mpk_vs_pmp"
load "plots/common.gp"
ids = "ubench/invoke_args/0 ubench/invoke_args/6 ubench/invoke_args/7 ubench/invoke_args/25 ubench/invoke_args/100 ubench/callback/1"
tags = "0 6 7 25 100 callback"
sel = v("ids", ids) . v("r", "invoke/unsafe") . v("x", "host proc sfi")
units = query(overheads, v("q", "units") . sel)
nu = words(units)
if (nu == 0) { eval nothing("mpk or PMP invoke") }
h_full = 0.6 + 2.4 * nu
h_column = 1.0 + 2.6 * nu
eval start
set multiplot layout nu, 1
set style fill solid 0.85 border lc rgb "#333333"
set xrange [0.4:words(ids) + 0.6]
set xtics () font small
do for [i = 1:words(ids)] { set xtics add (word(tags, i) i) }
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set ytics font small
set grid noxtics ytics
if (size eq "column") { set key below vertical maxrows 4 font small } else { set key below vertical maxrows 2 font small }
set xlabel "integer arguments, or a call that calls back once" font small
do for [u in units] {
	list = query(overheads, v("q", "targets") . sel . v("u", u))
	n = words(list)
	w = 0.8 / n
	set boxwidth w
	set ylabel (u eq "instructions" ? "instructions" : u) . " per call beyond\na direct one" font small
	ptitle = (u eq "instructions" ? "instructions counted under QEMU -icount" : "time on " . \
		query(overheads, v("q", "cpu") . sel . v("u", u)))
	set title ptitle font normal
	bar(p) = sel . v("h", host_of(p)) . v("t", target_of(p)) . v("p", panel_policy(p)) . v("v", "difference")
	cmd = 'plot for [k = 1:n] rows(overheads, v("q", "bars") . bar(word(list, k))) ' . \
		'using ($1 + (k - (n + 1) / 2.0) * w):3 with boxes fs pattern fill(k) lc k ' . \
		'title series_label(overheads, sel, word(list, k)), ' . \
		'for [k = 1:n] rows(overheads, v("q", "bars") . bar(word(list, k))) ' . \
		'using ($1 + (k - (n + 1) / 2.0) * w):3:(sprintf("%.0f", $3)) with labels rotate by 90 left offset 0, 0.3 font tiny notitle'
	# Omniglot's published MPK gate, an empty call, where mpk was timed.
	if (u eq "ns") { cmd = cmd . ', [0.6:1.4] 91 with lines ls 100 title "Omniglot MPK gate, empty call (paper): ~91 ns"' }
	eval draw
}
unset multiplot
