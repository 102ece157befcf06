# setup_cost.gp: starting a process that loads a library, sets up its
# domain and makes one call (scripts/setup-bench, timed by hyperfine), per
# library and mode; median with its 95% CI, in ms, on an axis from 0; one
# panel per target.  Results without setup rows (a `make bench` run alone)
# give no figure, and scripts/plots says so.
name = "setup_cost"
load "plots/common.gp"
sel = v("w", "setup")
panels = query(summary, v("q", "panels") . sel)
np = words(panels)
if (np == 0) { eval nothing("setup (scripts/setup-bench)") }
h_full = 2.4
h_column = 2.4 * np
eval start
if (size eq "column") { set multiplot layout np, 1 } else { set multiplot layout 1, np }
set style fill solid 0.85 border lc rgb "#333333"
set ylabel "ms per process" font small
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set xtics font small
set ytics font small
set grid noxtics ytics
set key below horizontal font small
do for [p in panels] {
	here = sel . v("h", host_of(p)) . v("t", target_of(p))
	series = query(summary, v("q", "series") . here)
	n = words(series)
	set boxwidth 0.8 / n
	ptitle = target_title(p) . ": time (" . query(summary, v("q", "cpu") . here) . ")"
	set title ptitle font small
	cmd = 'plot rows(summary, v("q", "bars") . here) using 1:(NaN):xtic(2) notitle, ' . \
		'for [k = 1:n] rows(summary, v("q", "bars") . here . v("scale", "1e-6") ' . \
		'. v("m", mode_of(word(series, k))) . v("p", policy_of(word(series, k)))) ' . \
		'using ($1 + (k - (n + 1) / 2.0) * 0.8 / n):3:4:5:(0.8 / n) with boxerrorbars fs pattern fill(k) lc k ' . \
		'title series_title(word(series, k))'
	eval draw
}
unset multiplot
