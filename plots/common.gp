# common.gp: loaded by every figure script after it sets `name`; the
# script then sets `h_full` and `h_column`, its heights in inches at each
# width, if it needs other than the usual, and runs `eval start`.  Run as
#   gnuplot -e "dir='OUT'; term='pdf'; size='full'" plots/NAME.gp
# term is pdf or png; size is full (7 in, a paper's full width: OUT/NAME.pdf)
# or column (3.3 in, one column: OUT/NAME-column.pdf).  Fonts are 9, 8 and
# 7 pt at full width and 8 and 7 pt in a column, at print size, never
# smaller; PNGs are the same drawing at 150 dpi.  With tabfile='FILE', every plot is also written to
# FILE as gnuplot's `set table` sees it (scripts/plots keeps them in
# OUT/data/NAME.tab): what reached the axes, point by point, each marked
# i (inside the range), o (outside) or u (undefined), which the tests read.
# It reads OUT/summary.csv and OUT/overheads.csv (build/efreport -o OUT).
if (!exists("dir")) dir = "build/figures"
if (!exists("term")) term = "pdf"
if (!exists("size")) size = "full"
summary = dir . "/summary.csv"
overheads = dir . "/overheads.csv"
# The terminal and output, once the figure knows its heights: `eval start`.
start = 'eval terminal_for(size eq "column" ? 3.3 : 7.0, size eq "column" ? h_column : h_full); ' . \
	'set output dir . "/" . name . (size eq "column" ? "-column." : ".") . term'
points = size eq "column" ? 8 : 9
# Fonts a point or two smaller, for tick and value labels; 7 pt at least.
smallest = 7
small = sprintf(",%d", points - 1)
tiny = sprintf(",%d", points - 2 < smallest ? smallest : points - 2)
normal = sprintf(",%d", points)
dpi = 150
terminal_for(w, h) = term eq "png" ? \
	sprintf('set terminal pngcairo size %d,%d font "DejaVu Sans,%d" fontscale %.4f linewidth %.4f noenhanced', \
		int(w * dpi), int(h * dpi), points, dpi / 72.0, dpi / 72.0) : \
	sprintf('set terminal pdfcairo size %.2fin,%.2fin font "DejaVu Sans,%d" noenhanced', w, h, points)
if (!exists("h_full")) h_full = 2.6
if (!exists("h_column")) h_column = 2.4
set datafile separator whitespace
set grid lc rgb "#dddddd"
set border 3
set tics nomirror scale 0.5
set key below horizontal Left reverse noopaque nobox samplen 2.5 spacing 1 width 1
set bars small
set errorbars lw 0.8
set pointsize (size eq "column" ? 0.5 : 0.6)
# Series told apart in black and white too: colour (Okabe and Ito's
# palette, safe for colour blindness), dash pattern, marker and, for
# bars, fill pattern all change from one series to the next.
set linetype 1 lc rgb "#0072B2" lw 1.2 dt 1 pt 7
set linetype 2 lc rgb "#D55E00" lw 1.2 dt 2 pt 5
set linetype 3 lc rgb "#009E73" lw 1.2 dt 4 pt 9
set linetype 4 lc rgb "#CC79A7" lw 1.2 dt 5 pt 11
set linetype 5 lc rgb "#E69F00" lw 1.2 dt 3 pt 13
set linetype 6 lc rgb "#56B4E9" lw 1.2 dt (6, 3, 1, 3) pt 6
set linetype 7 lc rgb "#000000" lw 1.2 dt (1, 2) pt 4
set linetype 8 lc rgb "#999999" lw 1.2 dt (8, 2, 2, 2) pt 8
set linetype cycle 8
fills = "3 4 5 1 0 6 7 2"
fill(k) = int(word(fills, (int(k) - 1) % 8 + 1))
# The reference points other publications give, drawn in grey and named.
set style line 100 lc rgb "#555555" lw 1 dt 2

# Ask query.awk (see there) about a file; `args` is a string of -v settings.
query(file, args) = system(sprintf("awk -f plots/query.awk %s %s", args, file))
# In the table pass (draw, below), a query of bars that matches nothing
# gives one guard row far outside every axis: gnuplot 5.4 crashes writing
# a table of a `with labels` curve without a point.
rows(file, args) = sprintf("< awk -f plots/query.awk %s%s %s", args, \
	exists("tabling") && tabling ? "-v guard=1 " : "", file)
v(k, x) = sprintf("-v %s='%s' ", k, x)
# Draw the plot command in `cmd`: `eval draw`.  With tabfile, the same
# command is first drawn into it as a table, after a line "# panel: " and
# the panel's title, `ptitle` (each figure sets its title through it).
draw = 'if (exists("tabfile")) { set print tabfile append; print "# panel: " . (exists("ptitle") ? ptitle : ""); ' . \
	'unset print; tabling = 1; set table tabfile append; eval cmd; unset table; tabling = 0 }; eval cmd'
if (exists("tabfile")) { set print tabfile; print "# " . name; unset print }
# A panel or series: "host|target", or "host|target|policy".
host_of(p) = p[1:strstrt(p, "|") - 1]
after_host(p) = p[strstrt(p, "|") + 1:]
target_of(p) = strstrt(after_host(p), "|") ? \
	substr(after_host(p), 1, strstrt(after_host(p), "|") - 1) : after_host(p)
panel_policy(p) = strstrt(after_host(p), "|") ? \
	substr(after_host(p), strstrt(after_host(p), "|") + 1, strlen(after_host(p))) : ""
# The host is named only where the results hold more than one.
multihost = " " . query(summary, "-v q=multihost")
host_note(p) = strstrt(multihost, " " . target_of(p) . " ") ? " on " . host_of(p) : ""
# "mpk, strict": the target, and its policy where it has one.
target_title(p) = target_of(p) . (panel_policy(p) eq "" || panel_policy(p) eq "none" ? "" : \
	", " . panel_policy(p)) . host_note(p)
# What a sample is, from the unit and the CPU model: time on which CPU, or
# instructions of which instruction set, counted how.
how(unit, cpu) = unit eq "instructions" ? \
	(strstrt(cpu, "rv32") ? "rv32 instructions (QEMU)" : \
	 strstrt(cpu, "QEMU") ? "x86-64 instructions (QEMU)" : "instructions (" . cpu . ")") : \
	unit eq "ns" ? "time (" . cpu . ")" : unit . " (" . cpu . ")"
# "mpk, strict (x86-64 instructions, QEMU -icount)" for a panel or series p
# of file f, whose rows `sel` narrows.
where(f, sel, p) = sprintf("-v h='%s' -v t='%s' %s ", host_of(p), target_of(p), \
	panel_policy(p) eq "" ? "" : "-v p='" . panel_policy(p) . "'") . sel
panel_title(f, sel, p) = target_title(p) . " (" . how(query(f, "-v q=unit " . where(f, sel, p)), \
	query(f, "-v q=cpu " . where(f, sel, p))) . ")"
# "ns per call, AMD EPYC" or "rv32 instructions per call, QEMU": a panel's
# unit, for `what`, and where it was measured ("rv32 instr., QEMU" in a
# column, where the figure's caption says what).
per(unit, cpu, what) = size eq "column" ? \
	(unit eq "instructions" ? isa(cpu) . " instr." : unit) . ", " . (unit eq "instructions" && strstrt(cpu, "QEMU") ? "QEMU" : cpu[1:16]) : \
	(unit eq "instructions" ? isa(cpu) . " instructions" : unit) . " per " . what . ", " . \
	(unit eq "instructions" && strstrt(cpu, "QEMU") ? "QEMU" : cpu)
# The instruction set of a CPU model that counts instructions.
isa(cpu) = strstrt(cpu, "rv32") ? "rv32" : strstrt(cpu, "QEMU") ? "x86-64" : cpu
# A series in a panel of one unit: "mpk, strict (x86-64)" where the unit is
# instructions, "proc, seccomp" where it is time.
series_label(f, sel, s) = target_title(s) . \
	(query(f, "-v q=unit " . where(f, sel, s)) eq "instructions" ? " (" . isa(query(f, "-v q=cpu " . where(f, sel, s))) . ")" : "")
# A panel's title of ratios: what was divided by what, and where.
ratio_panel(u, cpu) = u eq "instructions" ? "ratio of instruction counts\n(QEMU -icount)" : \
	u eq "ns" ? "ratio of times\n(" . cpu . ")" : "ratio of " . u
mode_of(s) = s[1:strstrt(s, ":") - 1]
policy_of(s) = s[strstrt(s, ":") + 1:]
series_title(s) = policy_of(s) eq "none" ? mode_of(s) : mode_of(s) . " (" . policy_of(s) . ")"
# "instructions" -> "instruction", for "bytes per instruction".
singular(u) = u[strlen(u):] eq "s" ? u[1:strlen(u) - 1] : u
# Bytes as a tick label: 64 B, 4 KiB, 1 MiB.
bytes(n) = n >= 2**20 ? sprintf("%g MiB", n / 2**20) : n >= 1024 ? sprintf("%g KiB", n / 1024) : sprintf("%g B", n)
# An axis of ratios on a log scale, from lo to hi widened to take in 1
# (no overhead) and room for a printed value: `eval ratio_axis("x", lo, hi)`.
# Its ticks are round ratios, fewer the wider the range, and fewer still
# where the figure sets narrow=1 (an axis an inch or two long).
ratio_axis(a, lo, hi) = sprintf('set logscale %s; set %srange [%g:%g]; set %stics (%s) font small', \
	a, a, (lo < 1 ? lo : 1) / 1.06, (hi > 1 ? hi : 1) * 1.3, a, \
	system(sprintf("awk -v lo=%g -v hi=%g -v narrow=%d -f plots/ticks.awk", (lo < 1 ? lo : 1) / 1.06, \
		(hi > 1 ? hi : 1) * 1.3, exists("narrow") ? narrow : 0)))
# Where the results hold nothing for a figure, it is not drawn: gnuplot
# exits with status 3 and scripts/plots reports the figure as skipped.
nothing(what) = sprintf("print '%s: no %s rows in the results'; exit status 3", name, what)
