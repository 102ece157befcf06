# isolation.gp: what each kind of isolation costs on the same work.  Top:
# full / unsafe per workload (one benchmark each), a bar per isolating
# target and policy (a sandbox process, software fault isolation,
# protection keys, PMP, where the results have them), from 1.0 (no
# overhead) on a log axis, with its interval and value.  Bottom: the gate
# alone, an empty function's call beyond a direct one (invoke - unsafe of
# ubench/invoke_args/0), a point per target with its value, on a log axis
# (the kinds differ by orders of magnitude).  One column per unit: what was
# timed (ns) on the left, what was counted under QEMU (instructions, of
# two instruction sets, which the key says) on the right; a ratio of times
# and a ratio of instruction counts never share an axis.
name = "isolation"
load "plots/common.gp"
work = "hmac/hmac_sha256/4096 sodium/generichash/64 sodium/secretbox/4096 brotli/round_trip/1024"
full = v("ids", work) . v("r", "full/unsafe")
gate = v("ids", "ubench/invoke_args/0") . v("r", "invoke/unsafe")
units = ""
do for [u in "ns instructions"] {
	if (words(query(overheads, v("q", "targets") . full . v("u", u) . v("x", "host"))) > 0) {
		units = units . u . " "
	}
}
nu = words(units)
if (nu == 0) { eval nothing("full mode on an isolating target") }
h_full = 5.8
h_column = 10.0
eval start
W = size eq "column" ? 3.3 : 7.0
H = size eq "column" ? h_column : h_full
set style fill solid 0.85 border lc rgb "#333333"
set grid noxtics ytics
set xtics () font tiny
set ytics font tiny
unset key
set multiplot
# A panel's place: column c of nu, row r (1 top, 2 bottom) at full width;
# in a column, the panels one above the other.
panel_at(c, r) = size eq "column" ? \
	sprintf("set lmargin at screen %g; set rmargin at screen %g; set tmargin at screen %g; set bmargin at screen %g", \
		0.5 / W, 1 - 0.1 / W, 1 - ((r - 1) * nu + c - 1) * (H / (2 * nu)) / H - 0.35 / H, \
		1 - ((r - 1) * nu + c) * (H / (2 * nu)) / H + (r == 1 ? 1.25 : 0.8) / H) : \
	sprintf("set lmargin at screen %g; set rmargin at screen %g; set tmargin at screen %g; set bmargin at screen %g", \
		(c - 1) * 1.0 / nu + 0.5 / W, c * 1.0 / nu - 0.2 / W, r == 1 ? 1 - 0.6 / H : 0.45 - 0.5 / H, \
		r == 1 ? 0.55 + 0.45 / H : 1.35 / H)
do for [c = 1:nu] {
	u = word(units, c)
	list = query(overheads, v("q", "targets") . full . v("u", u) . v("x", "host"))
	n = words(list)
	here(p) = v("h", host_of(p)) . v("t", target_of(p)) . v("p", panel_policy(p))
	cpu = query(overheads, v("q", "cpu") . full . v("u", u))
	# Top: full / unsafe per workload.
	eval panel_at(c, 1)
	range = ""
	do for [s in list] { range = range . query(overheads, v("q", "range") . full . here(s)) . " " }
	lo = 1e300; hi = -1e300
	do for [r in range] { lo = (real(r) < lo ? real(r) : lo); hi = (real(r) > hi ? real(r) : hi) }
	if (lo > hi) { lo = 1.0; hi = 1.0 }
	narrow = 1
	eval ratio_axis("y", lo, hi)
	set ytics font tiny
	set xrange [0.4:words(work) + 0.6]
	set xtics () norotate font tiny
	do for [i = 1:words(work)] { set xtics add (system("awk -f plots/query.awk -v q=bars -v ids='" . word(work, i) . "' " . overheads . " | head -1 | cut -d'\"' -f2 | sed 's/_/\\n/; s/ /\\n/'") i) }
	ptitle = "full / unsafe\n" . (u eq "ns" ? "ratio of times (" . cpu . ")" : "ratio of instruction counts (QEMU)")
	set title ptitle font small
	set ylabel "ratio (log)" font tiny offset (c > 1 ? 1 : 0), 0
	set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#000000" lw 1
	w = 0.8 / n
	# The key: below the panel in a column, below the figure at full width.
	if (size eq "column") { set key at screen 0.05, 1 - (c * (H / (2 * nu)) - 0.25) / H left bottom vertical maxrows 4 font tiny samplen 2 } \
	else { set key at screen (c - 1.0) / nu + 0.01, 0.05 / H left bottom vertical maxrows 4 font tiny samplen 1.5 }
	cmd = 'plot for [k = 1:n] rows(overheads, v("q", "bars") . full . here(word(list, k))) ' . \
		'using ($1 + (k - (n + 1) / 2.0) * w):3:($1 + (k - (n + 1) / 2.0) * w - w / 2):($1 + (k - (n + 1) / 2.0) * w + w / 2):' . \
		'($3 < 1 ? $3 : 1):($3 < 1 ? 1 : $3) with boxxyerror fs pattern fill(k) lc k title series_label(overheads, full, word(list, k)), ' . \
		'for [k = 1:n] rows(overheads, v("q", "bars") . full . here(word(list, k))) ' . \
		'using ($1 + (k - (n + 1) / 2.0) * w):4:(0):($5 - $4) with vectors nohead lc rgb "#333333" lw 0.8 dt 1 notitle, ' . \
		'for [k = 1:n] rows(overheads, v("q", "bars") . full . here(word(list, k))) ' . \
		'using ($1 + (k - (n + 1) / 2.0) * w):($5 * 1.04):(sprintf("%.2f", $3)) with labels rotate by 90 left font tiny notitle'
	eval draw
	unset arrow 1
	unset key
	# Bottom: the gate of an empty call, one point per target.
	eval panel_at(c, 2)
	set logscale y
	set format y "%g"
	set ytics auto font tiny
	range = ""
	do for [s in list] { range = range . query(overheads, v("q", "range") . gate . here(s) . v("v", "difference")) . " " }
	lo = 1e300; hi = -1e300
	do for [r in range] { lo = (real(r) < lo ? real(r) : lo); hi = (real(r) > hi ? real(r) : hi) }
	# No gate measured in this unit (results of library workloads alone).
	if (lo > hi) { lo = 1.0; hi = 10.0 }
	if (u eq "ns" && hi < 10700) { hi = 10700 }
	if (u eq "ns" && lo > 91) { lo = 91 }
	set yrange [lo / 4:hi * 4]
	if (hi / lo < 50) { set ytics (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000) }
	set xrange [0.4:n + 0.6]
	set xtics () rotate by 20 right font tiny
	do for [k = 1:n] { set xtics add (target_title(word(list, k)) k) }
	ptitle = "empty call beyond a direct one\n" . (u eq "ns" ? "ns (" . cpu . ")" : "instructions (QEMU)")
	set title ptitle font small
	set ylabel (u eq "ns" ? "ns" : "instructions") . " (log)" font tiny offset (c > 1 ? 1 : 0), 0
	cmd = 'plot for [k = 1:n] rows(overheads, v("q", "bars") . gate . here(word(list, k)) . v("v", "difference")) ' . \
		'using (k):3 with points lt k pt 7 ps 1.2 notitle, ' . \
		'for [k = 1:n] rows(overheads, v("q", "bars") . gate . here(word(list, k)) . v("v", "difference")) ' . \
		'using (k):3:(sprintf("%.3g ", $3)) with labels right offset -0.8, 0 font tiny notitle'
	# What others published for the same call, where the unit is time.
	if (u eq "ns") {
		cmd = cmd . ', 91 with lines ls 100 notitle, 10700 with lines ls 100 notitle'
		set label 11 "Omniglot MPK gate (paper): ~91 ns" at graph 0.98, first 91 right offset 0, -0.6 font tiny tc rgb "#555555"
		set label 12 "Sandcrust (paper): 10.7 us" at graph 0.98, first 10700 right offset 0, -0.6 font tiny tc rgb "#555555"
	}
	eval draw
	unset label 11; unset label 12
	unset logscale y
}
unset multiplot
