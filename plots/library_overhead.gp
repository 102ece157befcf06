# library_overhead.gp: what isolation costs the library workloads (every
# workload in the results but ubench, whose figures are its own, and setup,
# setup_cost.gp's) at each size: validate/unsafe, invoke/unsafe and
# full/unsafe as grouped bars with their intervals as error bars, the
# value overheads.csv shows (the paired ratio, of CPU time where the rows
# have it, with the interval where 95% of runs would land; the ratio of
# medians where no samples pair); one panel per host, target and policy.
name = "library_overhead"
height = 2.4
load "plots/common.gp"
libraries = ""
do for [w in query(overheads, v("q", "workloads"))] {
	if (w ne "ubench" && w ne "setup") { libraries = libraries . w . " " }
}
sel = v("w", libraries)
panels = libraries eq "" ? "" : query(overheads, v("q", "panels") . v("bypolicy", "1") . sel)
ratios = "validate/unsafe invoke/unsafe full/unsafe"
if (words(panels) == 0) { eval nothing("library overheads") } else {
set multiplot layout words(panels), 1
set style fill solid 0.8 border -1
set boxwidth 0.25
set xtics rotate by 30 right font ",8"
set ylabel "ratio to unsafe\n(paired ratio, 95% of runs)"
set yrange [0.9:*]
set offsets 0, 0, graph 0.2, 0
set lmargin 12
set key top left horizontal
do for [p in panels] {
	here = sel . v("h", host_of(p)) . v("t", target_of(p)) . v("p", panel_policy(p))
	set title panel_title(p)
	plot 1 with lines lc rgb "#888888" dt 2 notitle, \
		rows(overheads, v("q", "bars") . here) using 1:(NaN):xtic(2) notitle, \
		for [i = 1:words(ratios)] rows(overheads, v("q", "bars") . here . v("r", word(ratios, i))) \
		using ($1 + (i - 2) * 0.26):3:4:5:(0.25) with boxerrorbars lc i title word(ratios, i)
}
unset multiplot
}
