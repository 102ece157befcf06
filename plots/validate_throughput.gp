# validate_throughput.gp: how fast a foreign buffer is validated, against
# its size: as UTF-8 (ASCII, mostly-ASCII prose where the results have it,
# random mixed text) and as a C string, in validate mode; median with its
# 95% CI, bytes / median (GB/s where the unit is ns).  Upgrading a buffer
# as u8 checks only its bounds, whatever its size, so it is not a
# throughput and is left out (its time per call is in `make tables`).
# Where the run measured Rust's std::str::from_utf8 on the same inputs
# (mode reference), it is drawn in the colour of its input, thin, dotted,
# with hollow circles; on timed panels a grey line marks Omniglot's published string
# validation throughput (~0.1 GB/s).  One panel per target, log-log, sizes
# in B, KiB, MiB.  The proc and sfi targets validate in the host process
# with the host's code, so their rows repeat the host panel and are left out.
name = "validate_throughput"
load "plots/common.gp"
kinds = ""
do for [k in "validate_utf8_ascii validate_utf8_prose validate_utf8_mixed validate_cstr"] {
	if (words(query(summary, v("q", "panels") . v("w", "ubench") . v("b", k))) > 0) { kinds = kinds . k . " " }
}
sel = v("w", "ubench") . v("b", kinds) . v("m", "validate") . v("x", "proc sfi")
panels = ""
do for [u in "ns instructions"] { panels = panels . query(summary, v("q", "panels") . sel . v("u", u)) }
np = words(panels)
if (np == 0 || words(kinds) == 0) { eval nothing("ubench/validate_* in validate mode") }
sizes = query(summary, v("q", "params") . sel)
cols = 2
prow = ceil((np + 1) * 1.0 / cols)
h_full = 0.3 + 2.5 * prow
h_column = 0.3 + 2.1 * prow
eval start
W = size eq "column" ? 3.3 : 7.0
H = size eq "column" ? h_column : h_full
set multiplot layout prow, cols margins 0.45 / W, 1 - 0.1 / W, 0.35 / H, 1 - 0.5 / H spacing 0.5 / W, 1.15 / H
set logscale xy 2
set logscale y 10
set xtics () font tiny
# Every size has a tick; labels where they do not crowd each other.
last = 0
do for [i = 1:words(sizes)] {
	sz = real(word(sizes, i))
	if (last == 0 || sz >= last * (size eq "column" ? 1000 : 64)) { set xtics add (bytes(sz) sz); last = sz } else { set xtics add ("" sz 1) }
}
set xrange [real(word(sizes, 1)) / 1.5:real(word(sizes, words(sizes))) * 1.5]
set ytics font tiny
set format y "%g"
set xlabel "buffer size" font small
unset key
name_of(k) = k eq "validate_cstr" ? "C string" : "UTF-8, " . k[15:]
do for [p in panels] {
	here = sel . v("h", host_of(p)) . v("t", target_of(p))
	unit = query(summary, v("q", "unit") . here)
	cpu = query(summary, v("q", "cpu") . here)
	ptitle = target_title(p) . "\n" . (unit eq "ns" ? "GB/s, " . cpu : \
		unit eq "instructions" ? (size eq "column" ? "bytes/instr. (" . isa(cpu) . ")" : "bytes/instruction (" . isa(cpu) . ", QEMU)") : "bytes per " . singular(unit))
	set title ptitle font small
	nk = words(kinds)
	refs = v("w", "ubench") . v("m", "reference") . v("h", host_of(p)) . v("t", target_of(p))
	cmd = 'plot for [k = 1:nk] rows(summary, v("q", "points") . v("rate", "1") . here . v("b", word(kinds, k))) ' . \
		'using 1:2:3:4 with yerrorlines lt k title name_of(word(kinds, k))'
	if (words(query(summary, v("q", "panels") . refs)) > 0) {
		cmd = cmd . ', for [k = 1:nk] rows(summary, v("q", "points") . v("rate", "1") . refs . v("b", word(kinds, k))) ' . \
			'using 1:2:3:4 with yerrorlines lt k dt (1, 2) lw 0.8 pt 6 notitle'
		has_ref = 1
	}
	if (unit eq "ns") { cmd = cmd . ', 0.1 with lines ls 100 title "Omniglot strings (paper)"'; set yrange [0.05:*] } \
	else { set yrange [*:*] }
	eval draw
	if (unit eq "ns") { has_time = 1 }
}
# The key, alone in the last slot.
unset title; unset xlabel; unset ylabel; unset border; unset tics; unset grid; unset logscale
set key center center vertical Left reverse font small samplen 3
keys = 'plot [0:1][0:1] for [k = 1:words(kinds)] NaN with linespoints lt k title name_of(word(kinds, k))'
if (exists("has_ref")) { keys = keys . ', NaN with linespoints lc rgb "#333333" dt (1, 2) lw 0.8 pt 6 title "Rust from_utf8 (same run)"' }
if (exists("has_time")) { keys = keys . ', NaN with lines ls 100 title "Omniglot ' . (size eq "column" ? "" : "strings ") . '(paper)"' }
eval keys
unset multiplot
