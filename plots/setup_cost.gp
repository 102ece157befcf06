# setup_cost.gp: starting a process that loads a library, sets up its
# domain and makes one call (scripts/setup-bench, timed by hyperfine), per
# library and mode; median with its 95% CI, in ms; one panel per host and
# target.
name = "setup_cost"
load "plots/common.gp"
sel = v("w", "setup")
panels = query(summary, v("q", "panels") . sel)
if (words(panels) == 0) { eval nothing("setup (scripts/setup-bench)") } else {
set multiplot layout 1, words(panels)
set style fill solid 0.8 border -1
set ylabel "ms per process"
set yrange [0:*]
do for [p in panels] {
	here = sel . v("h", host_of(p)) . v("t", target_of(p))
	series = query(summary, v("q", "series") . here)
	n = words(series)
	set boxwidth 0.8 / n
	set title sprintf("%s (%s)", target_of(p), host_of(p))
	plot rows(summary, v("q", "bars") . here) using 1:(NaN):xtic(2) notitle, \
		for [k = 1:n] rows(summary, v("q", "bars") . here . v("scale", "1e-6") \
			. v("m", mode_of(word(series, k))) . v("p", policy_of(word(series, k)))) \
		using ($1 + (k - (n + 1) / 2.0) * 0.8 / n):3:4:5:(0.8 / n) with boxerrorbars lc k \
		title series_title(word(series, k))
}
unset multiplot
}
