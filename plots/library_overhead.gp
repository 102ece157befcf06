# library_overhead.gp: what isolation costs each library workload at each
# size.  One horizontal bar per target (and policy) per benchmark: full /
# unsafe, the paired ratio of overheads.csv with its interval as an error
# bar; for a target with no full mode (host), validate / unsafe, what the
# checks alone cost.  Bars start at 1.0 (no overhead) and run right for a
# cost, left for a gain, on a log axis so that 0.85 and 1.18 are the same
# length; the axis spans every bar and interval, so no bar is clipped, and
# the value is printed at its end.  Ratios of time and ratios of
# instruction counts are different measures: one panel each.  The
# per-mode breakdown (validate, invoke, full) is in `make tables`; ubench,
# setup and the runner's own empty benchmark are not library workloads.
name = "library_overhead"
load "plots/common.gp"
libraries = ""
do for [w in query(overheads, v("q", "workloads"))] {
	if (w ne "ubench" && w ne "setup" && w ne "runner") { libraries = libraries . w . " " }
}
sel = v("w", libraries)
ids = libraries eq "" ? "" : query(overheads, v("q", "ids") . sel)
if (words(ids) == 0) { eval nothing("library workload") }
# The series: every target and policy with full mode; the checks alone
# where a target has no full mode.
full = query(overheads, v("q", "targets") . sel . v("r", "full/unsafe"))
checks = ""
do for [s in query(overheads, v("q", "targets") . sel . v("r", "validate/unsafe"))] {
	if (!strstrt(full, host_of(s) . "|" . target_of(s) . "|")) { checks = checks . s . " " }
}
units = query(overheads, v("q", "units") . sel)
nu = words(units)
n_ids = words(ids)
# Heights in inches: a row per benchmark as tall as its bars need, a
# title above each panel, tick labels and the key below it.
maxn = words(full . checks)
row = size eq "column" ? 0.03 + 0.035 * (maxn < 3 ? 3 : maxn) : 0.05 + 0.06 * (maxn < 3 ? 3 : maxn)
top = 0.6
bottom = size eq "column" ? 0.6 + 0.17 * maxn : 0.75 + 0.18 * (maxn < 4 ? maxn : 4)
panel_h = n_ids * row
h_full = top + panel_h + bottom
h_column = h_full
eval start
ratio_of(s) = strstrt(full, s) ? "full/unsafe" : "validate/unsafe"
here(s) = sel . v("ids", ids) . v("r", ratio_of(s)) . v("h", host_of(s)) . v("t", target_of(s)) . v("p", panel_policy(s))
series_name(s) = series_label(overheads, sel . v("r", ratio_of(s)), s) . \
	(ratio_of(s) eq "full/unsafe" ? "" : ": checks alone (validate)")
set style fill solid 0.85 border lc rgb "#333333"
set grid noytics xtics
set arrow 1 from 1, graph 0 to 1, graph 1 nohead lc rgb "#000000" lw 1
set yrange [n_ids + 0.6:0.4]
set border 1
set key vertical maxrows 4
set xlabel (size eq "column" ? "÷ unsafe" : "ratio to unsafe (log)")
narrow = size eq "column"
label_of(i) = system(sprintf("awk -f plots/query.awk -v q=bars -v ids='%s' %s | head -1 | cut -d'\"' -f2", word(ids, i), overheads))
# Panels placed by hand, in inches: beside each other at full width,
# sharing the first one's benchmark names.
W = size eq "column" ? 3.3 : 7.0
H = size eq "column" ? h_column : h_full
names = size eq "column" ? 1.4 : 1.7
gap = size eq "column" ? 0.1 : 0.2
pw = (W - names - 0.15 - (nu - 1) * gap) / nu
set multiplot
shown = 0
do for [ui = 1:nu] {
	u = word(units, ui)
	# The series of this panel, each keeping its place in the key.
	list = ""
	do for [s in full . checks] {
		if (query(overheads, v("q", "unit") . here(s)) eq u) { list = list . s . " " }
	}
	n = words(list)
	bh = 0.8 / (n > 0 ? n : 1)
	range = ""
	do for [s in list] { range = range . query(overheads, v("q", "range") . here(s)) . " " }
	lo = 1e300; hi = -1e300
	do for [r in range] { lo = (real(r) < lo ? real(r) : lo); hi = (real(r) > hi ? real(r) : hi) }
	eval ratio_axis("x", lo, hi)
	x0 = names + (ui - 1) * (pw + gap)
	y1 = H - top
	set lmargin at screen x0 / W
	set rmargin at screen (x0 + pw) / W
	set tmargin at screen y1 / H
	set bmargin at screen (y1 - panel_h) / H
	# The keys: beside each other at full width, one above the other in a column.
	if (size eq "column") { set key at screen 0.05 / W, (y1 - panel_h - 0.5 - 0.17 * shown) / H top left } \
	else { set key at screen (x0 - (ui == 1 ? names - 0.05 : 0.35)) / W, (y1 - panel_h - 0.65) / H top left }
	shown = shown + n
	cpu = query(overheads, v("q", "cpu") . here(word(list, 1)))
	ptitle = (size eq "column" ? (u eq "ns" ? "time\n" . cpu[1:18] : u . "\n(QEMU)") : ratio_panel(u, cpu))
	set title ptitle font normal
	# Beside each other, the panels share the first one's benchmark names.
	yfont = size eq "column" ? tiny : small
	set ytics () font yfont
	do for [i = 1:n_ids] { eval sprintf("set ytics add ('%s' %d)", \
		ui > 1 ? "" : label_of(i), i) }
	y(k, i) = i + (k - (n + 1) / 2.0) * bh
	cmd = 'plot for [k = 1:n] rows(overheads, v("q", "bars") . here(word(list, k))) ' . \
		'using 3:(y(k, $1)):($3 < 1 ? $3 : 1):($3 < 1 ? 1 : $3):(y(k, $1) - bh / 2):(y(k, $1) + bh / 2) ' . \
		'with boxxyerror fs pattern fill(k) lc k title series_name(word(list, k)), ' . \
		'for [k = 1:n] rows(overheads, v("q", "bars") . here(word(list, k))) ' . \
		'using 4:(y(k, $1)):($5 - $4):(0) with vectors nohead lc rgb "#333333" lw 0.8 dt 1 notitle'
	# The values, where the bars are tall enough to carry them.
	if (n <= 3 && size ne "column") { cmd = cmd . ', for [k = 1:n] rows(overheads, v("q", "bars") . here(word(list, k))) ' . \
		'using ($5 * 1.02):(y(k, $1)):(sprintf("%.2f", $3)) with labels left font tiny notitle' }
	eval draw
}
unset multiplot
shown = 0
