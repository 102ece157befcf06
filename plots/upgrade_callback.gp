# upgrade_callback.gp: upgrading a foreign pointer with 1, 8 and 64 live
# allocations, and calling one of 1, 8 and 64 registered host callbacks,
# against that count (log x); one panel per host and target, one line per
# benchmark and mode, median with its 95% CI.
name = "upgrade_callback"
load "plots/common.gp"
sel = v("w", "ubench") . v("b", "upgrade callback")
panels = query(summary, v("q", "panels") . sel)
if (words(panels) == 0) { eval nothing("upgrade and callback") } else {
set multiplot layout 1, words(panels)
set xlabel "count: live allocations, or registered callbacks"
set logscale xy
set xrange [0.7:100]
do for [p in panels] {
	here = v("h", host_of(p)) . v("t", target_of(p)) . v("w", "ubench")
	set title sprintf("%s (%s)", target_of(p), host_of(p))
	set ylabel query(summary, v("q", "unit") . here . v("b", "upgrade callback")) . " per operation"
	plot for [k in "upgrade callback"] \
		for [s in query(summary, v("q", "series") . here . v("b", k))] \
		rows(summary, v("q", "points") . here . v("b", k) . v("m", mode_of(s)) . v("p", policy_of(s))) \
		using 1:2:3:4 with yerrorlines pt 7 ps 0.5 \
		title (k . ", " . series_title(s))
}
unset multiplot
}
