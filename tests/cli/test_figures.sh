#!/bin/sh
# test_figures.sh: what reaches each figure.  scripts/plots draws crafted
# results whose numbers are known, and the tests read what gnuplot put on
# the axes (DIR/data/NAME.tab: every point of every plot, marked i inside
# the range, o outside, u undefined, after a "# panel: TITLE" line per
# panel), the PDFs' page sizes and fonts, and the PNGs' sizes.
SUITE=figures
. "$(dirname "$0")/common.sh"

command -v gnuplot >/dev/null 2>&1 || { echo "SKIP figures/all: gnuplot is not installed (make deps)"; exit 0; }
[ -x "$TOP/build/efreport" ] && [ -x "$TOP/build/efbench" ] || { echo "FAIL figures/all: build/efreport or efbench is missing (make all)"; exit 0; }

HEAD=$("$TOP/build/efbench" --schema | sed 's/,process,cpu_ns$//')
# gen HOST CPU TARGET POLICY MODE WORKLOAD BENCH PARAM VALUE UNIT: nine
# samples of VALUE, each scaled by the same factor of its repetition in
# every series (1.00, 1.01 ... 1.08), so that a paired ratio is exact.
gen() {
	for r in 0 1 2 3 4 5 6 7 8; do
		awk -v r=$r -v v="${9}" 'BEGIN { printf "%.6f", v * (1 + r / 100) }' | {
			read -r x
			echo "run-$1,$1,\"$2\",$3,$4,$5,$6,$7,$8,1000,$x,${10},$r,ok,"
		}
	done
}
XEON="Intel(R) Xeon(R) Gold 6142 CPU @ 2.60GHz"
RV="QEMU rv32imac"
{
	echo "$HEAD"
	# Library overheads: mpk timed on protection-key hardware, 0.85, 1.2
	# and 40 (one bar far beyond the others); PMP counted.
	gen lab "$XEON" mpk none unsafe sodium generichash 64 100 ns
	gen lab "$XEON" mpk strict full sodium generichash 64 85 ns
	gen lab "$XEON" mpk none unsafe sodium generichash 1048576 1000 ns
	gen lab "$XEON" mpk strict full sodium generichash 1048576 1200 ns
	gen lab "$XEON" mpk none unsafe brotli round_trip 1024 100 ns
	gen lab "$XEON" mpk strict full brotli round_trip 1024 4000 ns
	gen lab "$XEON" host none unsafe sodium generichash 64 100 ns
	gen lab "$XEON" host none validate sodium generichash 64 103 ns
	gen lab "$RV" pmp-virt none unsafe sodium generichash 64 1000 instructions
	gen lab "$RV" pmp-virt warm invoke sodium generichash 64 1100 instructions
	gen lab "$RV" pmp-virt warm full sodium generichash 64 1150 instructions
	# A call by argument count: invoke and full alike on mpk.
	for a in "0 2 30 115 18" "1 3 31 120 22" "6 4 32 140 30" "7 5 40 160 35" "100 50 80 2600 1700"; do
		set -- $a
		gen lab "$XEON" mpk none unsafe ubench invoke_args $1 $2 ns
		gen lab "$XEON" mpk strict invoke ubench invoke_args $1 $3 ns
		gen lab "$XEON" mpk strict full ubench invoke_args $1 $3 ns
		gen lab "$RV" pmp-virt none unsafe ubench invoke_args $1 $5 instructions
		gen lab "$RV" pmp-virt warm invoke ubench invoke_args $1 $4 instructions
	done
	gen lab "$XEON" mpk none unsafe ubench callback 1 10 ns
	# Process start-up (scripts/setup-bench): 1.7 ms and 1.76 ms.
	gen lab "$XEON" host none unsafe setup sodium 0 1700000 ns
	gen lab "$XEON" host none validate setup sodium 0 1760000 ns
	# Validation: UTF-8 at 64 B and 1 MiB, and the u8 check, O(1).
	for s in 64 1048576; do
		gen lab "$XEON" host none validate ubench validate_utf8_ascii $s $((s / 16)) ns
		gen lab "$XEON" host none validate ubench validate_u8 $s 3 ns
	done
	# Upgrade: unsafe grows (an empty loop whose count it is not); the
	# validate and full series are flat.
	for n in "1 1 10 20" "8 50 10 20" "64 5000 10 21"; do
		set -- $n
		gen lab "$XEON" host none unsafe ubench upgrade $1 $2 ns
		gen lab "$XEON" host none validate ubench upgrade $1 $3 ns
		gen lab "$XEON" mpk strict full ubench upgrade $1 $4 ns
		gen lab "$XEON" mpk strict full ubench callback $1 $((100 + $1)) ns
	done
} > crafted.csv

if ! "$TOP/scripts/plots" -o fig crafted.csv >out.txt 2>err.txt; then
	echo "FAIL figures/all: scripts/plots failed: $(tail -n 3 err.txt)"
	exit 0
fi

[ -n "${EFBENCH_KEEP:-}" ] && cp -r fig crafted.csv "$EFBENCH_KEEP"
# panels FIGURE: the panel titles of a figure's table, one per line (the
# lines of a title of several joined by " / ").
panels() {
	awk '/^# panel: / { if (t != "") print t; t = substr($0, 10); next }
		t != "" && NF && !/^[# ]/ { t = t " / " $0; next }
		{ if (t != "") print t; t = "" }' "fig/data/$1.tab"
}
# curve FIGURE TITLE: the rows of the curves titled TITLE (all panels).
curve() {
	awk -v t="# Curve title: \"$2\"" '$0 == t { on = 1; next } /^# Curve title/ { on = 0 } /^# panel/ { on = 0 } on && /^ /' "fig/data/$1.tab"
}
# outside FIGURE [DIR]: the points not drawn inside the axes, less the NaN
# rows the figures use to place tick labels and the guard rows of empty
# queries (common.gp's rows()).
outside() { grep -v -e NaN -e 1e-300 "${2:-fig}/data/$1.tab" | grep -c ' [ou]$'; }

# A figure without rows is not drawn blank: scripts/plots says so.  Here
# a run of one benchmark, which only invoke_args has rows for.
{
	echo "$HEAD"
	gen lab "$XEON" host none unsafe ubench invoke_args 0 2 ns
} > tiny.csv
"$TOP/scripts/plots" -o tiny tiny.csv >/dev/null 2>tiny.err
rc=$?
nd=$(sed -n 's/.*not drawn: *//p' tiny.err)
if [ $rc = 0 ] && [ -s tiny/invoke_args.png ] && [ ! -e tiny/setup_cost.png ] && [ ! -e tiny/setup_cost.pdf ] &&
   [ "$nd" = "isolation library_overhead machines mpk_vs_pmp setup_cost upgrade_callback validate_throughput" ]; then
	pass figure_without_rows_not_drawn
else
	fail figure_without_rows_not_drawn "exit $rc, not drawn '$nd': $(ls tiny | tr '\n' ' ')"
fi

# machines: a campaign's figure, machines as series.  Two machines under
# one host name (node0, CPUs A and B: efreport keeps them apart as node0
# and node0/2) and a third, node1, that ran proc alone; PMP counted on
# node1 too (instructions: never in this figure).  Every bar per machine
# from 1.0, 0.85 included; the gate a point per machine and target.
{
	echo "$HEAD"
	gen node0 "CPU A" sfi none unsafe hmac hmac_sha256 4096 1000 ns
	gen node0 "CPU A" sfi wasm2c full hmac hmac_sha256 4096 1200 ns
	gen node0 "CPU A" proc none unsafe hmac hmac_sha256 4096 1000 ns
	gen node0 "CPU A" proc seccomp full hmac hmac_sha256 4096 3000 ns
	gen node0 "CPU A" sfi none unsafe ubench invoke_args 0 2 ns
	gen node0 "CPU A" sfi wasm2c invoke ubench invoke_args 0 7 ns
	gen node0 "CPU A" proc none unsafe ubench invoke_args 0 2 ns
	gen node0 "CPU A" proc seccomp invoke ubench invoke_args 0 702 ns
} > m-a.csv
{
	echo "$HEAD"
	gen node0 "CPU B" sfi none unsafe hmac hmac_sha256 4096 1000 ns
	gen node0 "CPU B" sfi wasm2c full hmac hmac_sha256 4096 850 ns
	gen node0 "CPU B" proc none unsafe hmac hmac_sha256 4096 1000 ns
	gen node0 "CPU B" proc seccomp full hmac hmac_sha256 4096 2500 ns
	gen node0 "CPU B" sfi none unsafe ubench invoke_args 0 2 ns
	gen node0 "CPU B" sfi wasm2c invoke ubench invoke_args 0 12 ns
	gen node0 "CPU B" proc none unsafe ubench invoke_args 0 2 ns
	gen node0 "CPU B" proc seccomp invoke ubench invoke_args 0 902 ns
} | sed 's/^run-node0,/run-node0b,/' > m-b.csv
{
	echo "$HEAD"
	gen node1 "CPU A" proc none unsafe hmac hmac_sha256 4096 1000 ns
	gen node1 "CPU A" proc seccomp full hmac hmac_sha256 4096 4000 ns
	gen node1 "$RV" pmp-virt none unsafe hmac hmac_sha256 4096 1000 instructions
	gen node1 "$RV" pmp-virt warm full hmac hmac_sha256 4096 1100 instructions
} > m-c.csv
"$TOP/scripts/plots" -o mfig m-a.csv m-b.csv m-c.csv >/dev/null 2>m.err
rc=$?
# bars PANEL: "x value ylow yhigh" of the bars in the panel whose title
# starts with PANEL, guard rows left out.
bars() {
	awk -v t="# panel: $1" 'index($0, t) == 1 { on = 1; next } /^# panel/ { on = 0 }
		on && /^ / && NF == 7 && !/1e-300/ { print $1, $2, $5, $6 }' mfig/data/machines.tab | tr '\n' ' '
}
sfi=$(bars "sfi, wasm2c") proc=$(bars "proc, seccomp")
p=$(awk '/^# panel: / { printf "%s|", substr($0, 10) }' mfig/data/machines.tab 2>/dev/null)
keys=$(sed -n 's/^# Curve title: "\(node.*\)"$/\1/p' mfig/data/machines.tab | tr '\n' '|')
# The gate's points: x, ns beyond a direct call (the medians, times 1.04).
g=$(awk '/^# panel: empty call/ { on = 1 } on && /^ / && NF == 3 && $3 !~ /"/ && !/1e-300/ { print $1, $2 }' mfig/data/machines.tab | sort -n | tr '\n' ' ')
want_p="sfi, wasm2c: full / unsafe|proc, seccomp: full / unsafe|empty call beyond a direct one|"
if [ $rc = 0 ] && grep -q "kept apart: this file's rows as host 'node0/2'" m.err &&
   [ "$sfi" = "0.733333 1.2 1 1.2 1 0.85 0.85 1 " ] && [ "$proc" = "0.733333 3 1 3 1 2.5 1 2.5 1.26667 4 1 4 " ] &&
   [ "$keys" = "node0 (CPU A)|node0/2 (CPU B)|node1 (CPU A)|" ] &&
   [ "$p" = "$want_p" ] && [ "$g" = "0.833333 5.2 1 10.4 1.83333 728 2 936 " ] &&
   [ "$(outside machines mfig)" = 0 ] && ! grep -q 'pmp' mfig/data/machines.tab; then
	pass machines_as_series
else
	fail machines_as_series "exit $rc: sfi '$sfi' proc '$proc' keys '$keys' gate '$g' panels '$p': $(grep -v warning m.err | head -n 3)"
fi

# setup_cost: ms per process from 0, a bar per mode at its median
# (1.7 ms times the median scale, 1.04: 1.768).
su=$(curve setup_cost unsafe | awk '$2 > 1.767 && $2 < 1.769 && $NF == "i"' | wc -l)
if [ "$su" = 1 ] && [ "$(outside setup_cost)" = 0 ]; then
	pass setup_cost_in_ms
else
	fail setup_cost_in_ms "unsafe bars at 1.768 ms: $su, outside: $(outside setup_cost)"
fi

# Every figure in both sizes, PDF and PNG; the PDFs 7 and 3.3 inches wide
# with every font embedded, the PNGs 150 dpi.
bad=""
for n in invoke_args isolation library_overhead mpk_vs_pmp upgrade_callback validate_throughput; do
	for f in "$n.pdf" "$n-column.pdf"; do
		head -c 4 "fig/$f" 2>/dev/null | grep -q '%PDF' || { bad="$bad $f"; continue; }
		command -v pdfinfo >/dev/null 2>&1 || continue
		w=$(pdfinfo "fig/$f" | awk '/^Page size/ { print $3 }')
		case $f in *-column.pdf) want=237 ;; *) want=504 ;; esac
		[ "${w%.*}" = $want ] || bad="$bad $f:width=$w"
		pdffonts "fig/$f" | awk 'NR > 2 && $(NF - 4) != "yes" { exit 1 }' || bad="$bad $f:font-not-embedded"
	done
	for f in "$n.png" "$n-column.png"; do
		# The width: bytes 17-20 of the PNG header, big-endian.
		w=$(od -An -tu1 -j16 -N4 "fig/$f" 2>/dev/null | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
		case $f in *-column.png) want=495 ;; *) want=1050 ;; esac
		[ "$w" = $want ] || bad="$bad $f:width=$w"
	done
done
if [ -z "$bad" ]; then pass two_sizes_pdf_png; else fail two_sizes_pdf_png "$bad"; fi

# Series told apart in black and white: each of common.gp's line types
# has a dash pattern and a marker of its own.
lts=$(grep -c '^set linetype [0-9]' "$TOP/plots/common.gp")
dts=$(sed -n 's/^set linetype [0-9].* dt \(.*\) pt .*/\1/p' "$TOP/plots/common.gp" | sort -u | wc -l)
pts=$(sed -n 's/^set linetype [0-9].* pt \([0-9]*\).*/\1/p' "$TOP/plots/common.gp" | sort -u | wc -l)
if [ "$lts" -ge 6 ] && [ "$dts" = "$lts" ] && [ "$pts" = "$lts" ]; then
	pass series_apart_in_black_and_white
else
	fail series_apart_in_black_and_white "$lts line types, $dts dash patterns, $pts markers"
fi

# No font under 7 pt at print size: the sizes common.gp gives, at both
# widths, and no script that names a size of its own.
small=$(cd "$TOP" && for s in full column; do
	gnuplot -e "size='$s'; name='x'; dir='$tmp/fig'" -e 'load "plots/common.gp"; set print "-"; print tiny . small . normal' 2>/dev/null
done | tr -dc '0-9,\n' | tr ',' '\n' | awk 'NF && $1 < 7' | wc -l)
literal=$(grep -n 'font *"[^"]*,[0-6]"' "$TOP"/plots/*.gp | wc -l)
if [ "$small" = 0 ] && [ "$literal" = 0 ]; then
	pass fonts_at_least_7pt
else
	fail fonts_at_least_7pt "$small sizes under 7 pt, $literal literal sizes"
fi

# library_overhead: every bar is drawn, from 1.0 (0.85 runs from 0.85 to
# 1, 40 from 1 to 40), none outside the axes; ratios of time and of
# instruction counts in panels of their own, each titled with how.
b85=$(curve library_overhead "mpk, strict" | awk '$1 == 0.85 && $3 == 0.85 && $4 == 1 && $7 == "i"' | wc -l)
b40=$(curve library_overhead "mpk, strict" | awk '$1 == 40 && $3 == 1 && $4 == 40 && $7 == "i"' | wc -l)
b12=$(curve library_overhead "mpk, strict" | awk '$1 == 1.2 && $7 == "i"' | wc -l)
pmp=$(curve library_overhead "pmp-virt, warm (rv32)" | awk '$7 == "i"' | wc -l)
p=$(panels library_overhead | tr '\n' '|')
case "$p" in
*"ratio of times"*"Xeon"*"|"*"ratio of instruction counts"*) ptitles=ok ;;
*) ptitles="$p" ;;
esac
if [ "$b85" = 1 ] && [ "$b40" = 1 ] && [ "$b12" = 1 ] && [ "$pmp" = 1 ] && [ "$(outside library_overhead)" = 0 ] && [ "$ptitles" = ok ]; then
	pass library_overhead_every_bar_from_one
else
	fail library_overhead_every_bar_from_one "0.85: $b85, 40: $b40, 1.2: $b12, pmp: $pmp, outside: $(outside library_overhead), panels: $ptitles"
fi
# Sizes as a person writes them, in the labels the bars are drawn with.
lab=$(cd "$TOP" && awk -f plots/query.awk -v q=bars -v r=full/unsafe -v w=sodium "$tmp/fig/overheads.csv" | cut -d'"' -f2 | sort -u | tr '\n' '|')
if [ "$lab" = "generichash 1 MiB|generichash 64 B|" ]; then
	pass sizes_in_binary_units
else
	fail sizes_in_binary_units "labels: $lab"
fi

# Bars sit on their labels whatever series a benchmark lacks: every bar
# within 0.4 of its benchmark's place.
off=$(awk '/^# Curve title/ { on = 1 } /^# panel/ { on = 0 } on && /^ / && NF == 7 { d = $2 - int($2 + 0.5); if (d < -0.4 || d > 0.4) n++ } END { print n + 0 }' fig/data/library_overhead.tab)
if [ "$off" = 0 ]; then pass bars_on_their_labels; else fail bars_on_their_labels "$off bars beyond 0.4 of their label"; fi
# Tick labels of sizes in binary units.
b=$(cd "$TOP" && gnuplot -e "name='x'; dir='$tmp/fig'" -e 'load "plots/common.gp"; set print "-"; print bytes(64) . "|" . bytes(8192) . "|" . bytes(1048576)' 2>/dev/null)
if [ "$b" = "64 B|8 KiB|1 MiB" ]; then pass size_ticks_binary; else fail size_ticks_binary "'$b'"; fi

# isolation: the same bars from 1.0 in the time panel (mpk at 0.85 and
# 40), the gate of an empty call beyond a direct one (29.12 ns), and the
# published gates beside it.
i85=$(awk '/^# panel: full \/ unsafe/ { p = $0 } /^# panel: empty/ { p = "" } /Curve title: "mpk, strict"/ && p != "" { on = 1; next } /^# Curve/ { on = 0 }
	on && /^ / && $2 == 0.85 && $5 == 0.85 && $6 == 1 && $7 == "i" { n++ } END { print n + 0 }' fig/data/isolation.tab)
i40=$(grep -c '^ [0-9.]*  40  [0-9.]*  [0-9.]*  1  40  i$' fig/data/isolation.tab)
ig=$(awk '/^# panel: empty call/ { on = 1 } on && /^ / && $2 > 29.11 && $2 < 29.13 && $NF == "i" { n++ } END { print n + 0 }' fig/data/isolation.tab)
ip=$(panels isolation | tr '\n' '|')
case "$ip" in *"ratio of times (Intel(R) Xeon"*"empty call beyond a direct one / ns (Intel"*"ratio of instruction counts"*) ipo=ok ;; *) ipo=$ip ;; esac
if [ "$i85" = 1 ] && [ "$i40" = 1 ] && [ "$ig" -ge 1 ] && [ "$ipo" = ok ] && [ "$(outside isolation)" = 0 ]; then
	pass isolation_bars_and_gates
else
	fail isolation_bars_and_gates "0.85: $i85, 40: $i40, gate 29.12: $ig, outside: $(outside isolation), panels: $ipo"
fi

# invoke_args: counts are evenly spaced categories (100 is the fifth),
# and invoke and full, equal, are drawn side by side, not on each other.
pos=$(curve invoke_args "full" | awk 'NR <= 5 { printf "%d ", $1 + 0.5 }')
inv=$(panels invoke_args | grep -c 'mpk, strict')
apart=$(awk '/^# panel: mpk, strict/ { on = 1; next } /^# panel/ { on = 0 }
	on && /^# Curve title: "invoke"/ { c = "i"; next } on && /^# Curve title: "full"/ { c = "f"; next }
	on && /^# Curve title/ { c = ""; next }
	on && c != "" && /^ / { x[c, n[c]++] = $1 }
	END { for (k = 0; k < n["i"]; k++) if (x["i", k] == x["f", k]) same++; print n["i"] + 0, same + 0 }' fig/data/invoke_args.tab)
unitpanels=$(panels invoke_args | tr '\n' '|')
case "$unitpanels" in *"ns per call, Intel(R) Xeon"*"rv32 instructions per call, QEMU"*) up=ok ;; *) up="$unitpanels" ;; esac
if [ "$pos" = "1 2 3 4 5 " ] && [ "$inv" = 1 ] && [ "$apart" = "5 0" ] && [ "$up" = ok ]; then
	pass invoke_args_categories_and_series_apart
else
	fail invoke_args_categories_and_series_apart "places '$pos', mpk panels $inv, invoke points/at full's place '$apart', panels '$up'"
fi

# mpk_vs_pmp: ns and instructions never share an axis; the key names the
# instruction set of each count; bars start at 0 on a linear axis.
mixed=$(awk '/^# panel/ { p++ } /^# Curve title/ { if (/\((rv32|x86-64)\)"$/) ins[p]++; else tim[p]++ }
	END { for (i in ins) if (i in tim) m++; for (i in ins) ni++; for (i in tim) nt++; print m + 0, ni + 0, nt + 0 }' fig/data/mpk_vs_pmp.tab)
# 28 ns: the medians' difference, 30 - 2 times the median scale, 1.04.
gate=$(curve mpk_vs_pmp "mpk, strict" | awk '$1 == 1 && $2 > 29.11 && $2 < 29.13' | wc -l | awk '{ print ($1 >= 1) }')
omni=$(awk '/^# panel: time/ { on = 1 } /^# panel: instr/ { on = 0 } on && /Curve title: "Omniglot MPK gate/ { print "yes" }' fig/data/mpk_vs_pmp.tab)
if [ "$mixed" = "0 1 1" ] && [ "$gate" = 1 ] && [ "$omni" = yes ] && ! grep -q logscale "$TOP/plots/mpk_vs_pmp.gp"; then
	pass mpk_vs_pmp_one_unit_per_axis
else
	fail mpk_vs_pmp_one_unit_per_axis "panels mixing units, with instructions, with time: '$mixed'; gate 28 ns at 0 args: $gate; Omniglot's gate on the time panel: '$omni'"
fi

# validate_throughput: GB/s of UTF-8 (1 MiB in 65536 ns times 1.04:
# 15.38), never the O(1) u8 check; Omniglot's published 0.1 GB/s drawn on
# the timed panel.
rate=$(curve validate_throughput "UTF-8, ascii" | awk '$1 > 1e6 { print $2 }')
u8=$(grep -c 'Curve title: ".*u8' fig/data/validate_throughput.tab)
omni=$(awk '/Curve title: "Omniglot/ { on = 1; next } on && /^ / { print $2; exit }' fig/data/validate_throughput.tab)
if [ "$rate" = 15.3846 ] && [ "$u8" = 0 ] && [ "$omni" = 0.1 ]; then
	pass validate_throughput_utf8_not_u8
else
	fail validate_throughput_utf8_not_u8 "1 MiB ascii rate '$rate', u8 curves $u8, Omniglot line '$omni'"
fi

# upgrade_callback: two panels; upgrade's growth relative to one
# allocation, flat here (unsafe's empty loop, which grows 5000-fold, is
# not drawn); Omniglot's 34x at 64 as the reference.
np=$(panels upgrade_callback | wc -l)
upg=$(awk '/^# panel: upgrade/ { on = 1; next } /^# panel/ { on = 0 } on && /^ / && $2 != "" { print $1, $2 }' fig/data/upgrade_callback.tab)
flat=$(echo "$upg" | awk '$2 >= 0.99 && $2 <= 1.06' | wc -l)
grow=$(echo "$upg" | awk '$2 > 40' | wc -l)
omni=$(echo "$upg" | awk '$1 == 64 && $2 == 34' | wc -l)
if [ "$np" = 2 ] && [ "$flat" -ge 6 ] && [ "$grow" = 0 ] && [ "$omni" = 1 ]; then
	pass upgrade_callback_growth_apart
else
	fail upgrade_callback_growth_apart "panels $np, flat points $flat, beyond 40x $grow, Omniglot at 64: $omni"
fi
