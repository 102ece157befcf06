# invoke_args.gp: the cost of one call by argument count (ubench/invoke_args:
# 0-6 in registers, the rest on the stack), one panel per target and
# run-time policy (the validate and unsafe rows, which have none, in each
# of the target's panels), one line per mode, median with its 95% CI.  The
# counts are categories, evenly spaced, so that the step from registers to
# the stack shows; each mode keeps its line style in every panel and is
# shifted a little sideways, so that equal lines (invoke and full) stay
# visible side by side.  Timed panels come first, then those that count
# instructions; each names its unit and how it was measured, and no two
# units share an axis.  One key for all panels, in a panel of its own.
name = "invoke_args"
load "plots/common.gp"
sel = v("w", "ubench") . v("b", "invoke_args")
panels = ""
do for [u in "ns instructions"] {
	all = query(summary, v("q", "panels") . v("bypolicy", "1") . sel . v("u", u))
	# A target's policy-less rows (unsafe, validate) join its other panels.
	do for [p in all] {
		tp = host_of(p) . "|" . target_of(p) . "|"
		n_t = 0
		do for [o in all] { if (strstrt(o, tp) == 1) { n_t = n_t + 1 } }
		if (panel_policy(p) ne "none" || n_t == 1) { panels = panels . p . " " }
	}
}
np = words(panels)
if (np == 0) { eval nothing("ubench/invoke_args") }
cats = query(summary, v("q", "params") . sel)
nc = words(cats)
modes = "unsafe validate invoke full"
cols = size eq "column" ? 2 : 3
prow = ceil((np + 1) * 1.0 / cols)
h_full = 0.5 + 2.0 * prow
h_column = 0.5 + 2.0 * prow
eval start
# Margins and gaps in inches: tick labels left, two lines of title above
# each panel, tick labels and the axis label below.
W = size eq "column" ? 3.3 : 7.0
H = size eq "column" ? h_column : h_full
set multiplot layout prow, cols margins 0.5 / W, 1 - 0.3 / W, 0.45 / H, 1 - 0.5 / H spacing 0.55 / W, 1.0 / H
set logscale y
set xrange [0.5:nc + 0.5]
# Every count has a tick; the labelled ones say where the stack starts.
set xtics () font tiny
do for [i = 1:nc] {
	c = word(cats, i)
	eval sprintf("set xtics add ('%s' %d %d)", (c == 0 || c == 3 || c == 6 || c == 10 || c == 100) ? c : "", i, \
		(c == 0 || c == 3 || c == 6 || c == 10 || c == 100) ? 0 : 1)
}
set xlabel "integer arguments" font tiny offset 0, 0.5
set ytics font tiny
set grid noxtics ytics
unset key
stack = 0
do for [i = 1:nc] { if (stack == 0 && word(cats, i) > 6) { stack = i - 0.5 } }
if (stack > 0) { set arrow 1 from stack, graph 0 to stack, graph 1 nohead ls 100 }
do for [p in panels] {
	pol = panel_policy(p)
	here = sel . v("h", host_of(p)) . v("t", target_of(p))
	unit = query(summary, v("q", "unit") . here)
	ptitle = target_title(p) . "\n" . per(unit, query(summary, v("q", "cpu") . here), "call")
	set title ptitle font tiny
	# Mode k's rows: of this panel's policy, or none where the mode has none.
	pk(k) = k <= 2 || pol eq "none" ? "none" : pol
	cmd = 'plot for [k = 1:4] rows(summary, v("q", "points") . here . v("m", word(modes, k)) ' . \
		'. v("p", pk(k)) . v("allpolicies", "1") . v("cats", cats) . v("shift", sprintf("%g", (k - 2.5) * 0.09))) ' . \
		'using 1:3:4:5 with yerrorlines lt k title word(modes, k)'
	eval draw
}
# The key, alone in the last slot.
unset title; unset xlabel; unset ylabel; unset arrow 1; unset border; unset tics; unset grid
unset logscale y
set key center center vertical Left reverse font small title "mode" samplen 3
plot [0:1][0:1] for [k = 1:4] NaN with linespoints lt k title word(modes, k)
unset multiplot
