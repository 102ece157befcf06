# isolation.gp: what each kind of isolation costs on the same work.  Left:
# full/unsafe per workload (one benchmark each), a bar per isolating target
# and policy (protection keys, PMP, a sandbox process, software fault
# isolation where the results have them); right: the gate alone, an empty
# function's call beyond a direct one (invoke - unsafe of
# ubench/invoke_args/0).  Each target keeps its unit, named in the key:
# ns where it was timed, instructions under QEMU -icount and on the PMP
# boards.  Log scales: the kinds differ by orders of magnitude.
name = "isolation"
load "plots/common.gp"
ids = "ubench/invoke_args/0 hmac/hmac_sha256/4096 sodium/generichash/64 sodium/secretbox/4096 brotli/round_trip/1024"
full = v("ids", ids) . v("r", "full/unsafe")
gate = v("ids", "ubench/invoke_args/0") . v("r", "invoke/unsafe")
panels = query(overheads, v("q", "panels") . v("bypolicy", "1") . full)
n = words(panels)
if (n == 0) { eval nothing("full mode on an isolating target") } else {
here(p) = v("h", host_of(p)) . v("t", target_of(p)) . v("p", panel_policy(p))
unit(p) = query(overheads, v("q", "unit") . here(p) . full)
set style fill solid 0.8 border -1
set multiplot layout 1, 2 columnsfirst
set size 0.68, 1
set origin 0, 0
w = 0.8 / n
set boxwidth w
set xrange [0.4:words(ids) + 0.6]
set xtics () font ",8"
do for [i = 1:words(ids)] { set xtics add (word(ids, i) i) }
set ylabel "full / unsafe (log)"
set logscale y
set key top right
plot for [k = 1:n] rows(overheads, v("q", "bars") . full . here(word(panels, k))) \
	using ($1 + (k - (n + 1) / 2.0) * w):3:4:5:(w) with boxerrorbars lc k \
	title sprintf("%s, %s", panel_title(word(panels, k)), unit(word(panels, k)))
set size 0.32, 1
set origin 0.68, 0
unset key
set xrange [0.4:n + 0.6]
set boxwidth 0.7
set xtics () rotate by -30 font ",8"
do for [k = 1:n] { set xtics add (target_of(word(panels, k)) . \
	(panel_policy(word(panels, k)) eq "none" ? "" : "/" . panel_policy(word(panels, k))) . \
	" (" . unit(word(panels, k)) . ")" k) }
set ylabel "empty call: invoke - unsafe (log)"
plot for [k = 1:n] rows(overheads, v("q", "bars") . gate . here(word(panels, k)) . v("v", "difference")) \
	using (k):3 with boxes lc k notitle
unset multiplot
}
