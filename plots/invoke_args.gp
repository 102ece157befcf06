# invoke_args.gp: the cost of one call by argument count (ubench/invoke_args:
# 0-6 in registers, the rest on the stack), one panel per host and target,
# one line per mode (and runtime policy), median with its 95% CI.
name = "invoke_args"
load "plots/common.gp"
sel = v("w", "ubench") . v("b", "invoke_args")
panels = query(summary, v("q", "panels") . sel)
if (words(panels) == 0) { eval nothing("invoke_args") } else {
set multiplot layout 1, words(panels)
set xlabel "integer arguments"
set logscale y
do for [p in panels] {
	here = sel . v("h", host_of(p)) . v("t", target_of(p))
	series = query(summary, v("q", "series") . here)
	set title sprintf("%s (%s)", target_of(p), host_of(p))
	set ylabel query(summary, v("q", "unit") . here) . " per call"
	plot for [s in series] rows(summary, v("q", "points") . here . v("m", mode_of(s)) . v("allpolicies", "1") . "-v p=" . policy_of(s)) \
		using 1:2:3:4 with yerrorlines pt 7 ps 0.5 title series_title(s)
}
unset multiplot
}
