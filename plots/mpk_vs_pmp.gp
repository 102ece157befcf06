# mpk_vs_pmp.gp: the gate side by side on every isolating target: what a
# call costs beyond a direct one (the difference of the invoke and unsafe
# medians) for 0, 6 (registers), 7, 25, 100 (stacked) arguments and for a
# call that calls back; each target (and policy) in its own unit
# (instructions under QEMU -icount and on the PMP boards, ns on
# protection-key hardware).
name = "mpk_vs_pmp"
load "plots/common.gp"
ids = "ubench/invoke_args/0 ubench/invoke_args/6 ubench/invoke_args/7 ubench/invoke_args/25 ubench/invoke_args/100 ubench/callback/1"
sel = v("ids", ids) . v("r", "invoke/unsafe")
panels = query(overheads, v("q", "panels") . v("bypolicy", "1") . sel)
n = words(panels)
if (n == 0) { eval nothing("invoke on an isolating target") } else {
set style fill solid 0.8 border -1
w = 0.8 / n
set boxwidth w
set xrange [0.4:words(ids) + 0.6]
set xtics () font ",8"
do for [i = 1:words(ids)] { set xtics add (word(ids, i)[8:] i) }
set ylabel "invoke - unsafe, per call"
set logscale y
set key top left
here(p) = sel . v("h", host_of(p)) . v("t", target_of(p)) . v("p", panel_policy(p))
plot for [k = 1:n] rows(overheads, v("q", "bars") . here(word(panels, k)) . v("v", "difference")) \
	using ($1 + (k - (n + 1) / 2.0) * w):3 with boxes lc k \
	title sprintf("%s, %s", panel_title(word(panels, k)), \
		query(overheads, v("q", "unit") . here(word(panels, k))))
}
