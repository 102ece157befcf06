# validate_throughput.gp: validation throughput against buffer size (log x):
# a foreign buffer upgraded as u8, validated as UTF-8 (ASCII, mixed) and as
# a C string, in validate mode (and full where a target has it); one panel
# per host and target.  bytes / median: GB/s where the unit is ns.
name = "validate_throughput"
load "plots/common.gp"
kinds = "validate_u8 validate_utf8_ascii validate_utf8_mixed validate_cstr"
sel = v("w", "ubench") . v("b", kinds) . v("m", "validate full")
panels = query(summary, v("q", "panels") . sel)
if (words(panels) == 0) { eval nothing("validate throughput") } else {
set multiplot layout 1, words(panels)
set xlabel "bytes"
set logscale xy
set format x "%.0s%cB"
do for [p in panels] {
	here = sel . v("h", host_of(p)) . v("t", target_of(p))
	unit = query(summary, v("q", "unit") . here)
	set title sprintf("%s (%s)", target_of(p), host_of(p))
	set ylabel (unit eq "ns" ? "GB/s" : "bytes per " . singular(unit))
	series = query(summary, v("q", "series") . here)
	plot for [k in kinds] for [s in series] \
		rows(summary, v("q", "points") . v("rate", "1") . v("h", host_of(p)) . v("t", target_of(p)) \
			. v("w", "ubench") . v("b", k) . v("m", mode_of(s)) . v("p", policy_of(s))) \
		using 1:2:3:4 with yerrorlines pt 7 ps 0.5 \
		title (words(series) > 1 ? k[10:] . ", " . series_title(s) : k[10:])
}
unset multiplot
}
