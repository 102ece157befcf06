# upgrade_callback.gp: how the cost of two operations grows with a count,
# each in its own panel: upgrading a foreign pointer with 1, 8 and 64 live
# allocations (left), and calling one of 1, 8 and 64 registered host
# callbacks (right).  Each point is a series' median at that count divided
# by its median at count 1 (so every target and unit shares the axis: a
# flat line is constant cost), the bar its 95% CI divided by the same.
# One series per target and policy, in the mode that does the work: for
# upgrade, validate (or full where a run has no validate rows; unsafe and
# invoke do not check, so their loop is empty); for callback, full (or
# validate).  Cold PMP entries and mpk's foreign-read-host are left out.
# A grey line is Omniglot's published upgrade cost, linear in the
# allocations: 34 times at 64.
name = "upgrade_callback"
load "plots/common.gp"
ops = "upgrade callback"
prefer(op) = op eq "upgrade" ? "validate full" : "full validate"
if (words(query(summary, v("q", "panels") . v("w", "ubench") . v("b", ops) . v("m", "validate full"))) == 0) {
	eval nothing("ubench/upgrade or ubench/callback")
}
# The series, the same in both panels so that each keeps its style:
# every policy of a target in the first of the preferred modes it has
# rows in; list holds "host|target|policy", modes the mode, per operation.
list = ""
do for [t in query(summary, v("q", "targets") . v("w", "ubench") . v("b", ops) . v("m", "validate full"))] {
	if (panel_policy(t) ne "none" || words(query(summary, v("q", "targets") . v("w", "ubench") . v("b", ops) . v("m", "full") . v("h", host_of(t)) . v("t", target_of(t)))) == 0) {
		list = list . t . " "
	}
}
n = words(list)
# The mode series k draws for operation op: "" where it has no rows.
mode_for(op, k) = system(sprintf("for m in %s; do awk -f plots/query.awk -v q=unit -v w=ubench -v b=%s -v m=$m -v h='%s' -v t='%s' -v p='%s' %s | grep -q . && { echo $m; break; }; done", \
	prefer(op), op, host_of(word(list, k)), target_of(word(list, k)), \
	(panel_policy(word(list, k)) ne "none" && prefer(op)[1:1] eq "v") ? "" : panel_policy(word(list, k)), summary))
h_full = 3.6
h_column = 6.2
eval start
W = size eq "column" ? 3.3 : 7.0
H = size eq "column" ? h_column : h_full
keyrows = size eq "column" ? n + 1 : ceil((n + 1) / 3.0)
keyh = 0.15 + 0.17 * keyrows
set logscale xy 2
set xrange [0.8:80]
set xtics (1, 8, 64) font small
set ytics (1, 2, 4, 8, 16, 32) font small
set yrange [0.7:45]
set grid xtics ytics
unset key
if (size eq "column") { set multiplot layout 2, 1 margins 0.55 / W, 1 - 0.1 / W, (keyh + 0.55) / H, 1 - 0.3 / H spacing 0, 0.9 / H } \
else { set multiplot layout 1, 2 margins 0.55 / W, 1 - 0.1 / W, (keyh + 0.55) / H, 1 - 0.3 / H spacing 0.6 / W, 0 }
do for [op in ops] {
	modes = ""
	do for [k = 1:n] { m = mode_for(op, k); modes = modes . (m eq "" ? "-" : m) . " " }
	here_of(k) = v("w", "ubench") . v("b", op) . v("h", host_of(word(list, k))) . v("t", target_of(word(list, k))) . \
		v("m", word(modes, k)) . v("p", word(modes, k) eq "validate" ? "none" : panel_policy(word(list, k)))
	base(k) = word(query(summary, v("q", "points") . here_of(k) . v("ids", "ubench/" . op . "/1")), 2)
	ptitle = (op eq "upgrade" ? "upgrade a pointer, N live allocations" : "call back, N registered callbacks")
	set title ptitle font small
	set xlabel (op eq "upgrade" ? "live allocations N" : "registered callbacks N") font small
	set ylabel "cost at N / cost at 1" font small offset 1.5, 0
	# Equal lines (flat ones, above all) are shifted a little sideways.
	cmd = 'plot for [k = 1:n] (word(modes, k) eq "-" ? "< true" : rows(summary, v("q", "points") . here_of(k) . v("base", base(k)))) ' . \
		'using ($1 * 2 ** ((k - (n + 1) / 2.0) * 0.05)):2:3:4 with yerrorlines lt k notitle'
	if (op eq "upgrade") { cmd = cmd . ', [1:64] 1 + (x - 1) * 33 / 63.0 with lines ls 100 notitle' }
	eval draw
}
# One key for both panels, below them.
unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
set lmargin at screen 0.02; set rmargin at screen 0.98; set bmargin at screen 0.01; set tmargin at screen keyh / H
set key at screen 0.03, (keyh - 0.03) / H left top vertical maxrows keyrows font tiny samplen 2 width -2
plot [0:1][0:1] for [k = 1:n] NaN with linespoints lt k title target_title(word(list, k)), \
	NaN with lines ls 100 title "Omniglot (paper)"
unset multiplot
