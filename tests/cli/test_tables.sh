#!/bin/sh
# test_tables.sh: the paper tables (efreport --tables, make tables) and the
# numbers of summary.md: known medians and ratios land in their row and
# column, formatted for people (3 significant digits, µs/k/GB/s, sizes in
# KiB and MiB, never e+ notation); the LaTeX has booktabs' rules and as many
# cells in every row as its column spec; pdflatex compiles it where
# installed; make tables on the committed examples writes both formats with
# a row for each microbenchmark of the paper's table that they hold.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=tables
. "$(dirname "$0")/common.sh"
EFREPORT=$TOP/build/efreport
# The columns of files from before `process` and `cpu_ns`, which the
# readers still take (as process 0).
HEAD=$("$TOP/build/efbench" --schema | sed 's/,process,cpu_ns$//')

# row HOST CPU TARGET POLICY MODE WORKLOAD BENCH PARAM VALUE UNIT: repetition $rep
row() { echo "r-$1,$1,$2,$3,$4,$5,$6,$7,$8,10,$9,${10},${rep:-0},ok,"; }

# Host a (ns): ubench/invoke_args/0 unsafe 1..9 ns (median 5), invoke under
# policy strict 2..18 (median 10); validate_utf8_ascii of 1 MiB in validate
# mode 28674.2 ns (1048576 / 28674.2 = 36.57 bytes a ns: 36.6 GB/s) and in
# unsafe mode 2 ns (no check: not shown); hmac/hmac_sha256/4096 unsafe
# 100·i, validate 85·i (ratio of medians 0.85); sodium/generichash/1048576
# unsafe 10·i, validate 12·i (1.2).  Host q (instructions, under QEMU):
# ubench/invoke_args/0 unsafe 28670 each.
{
	echo "$HEAD"
	for i in 1 2 3 4 5 6 7 8 9; do
		rep=$i
		row a "AMD EPYC" host none unsafe ubench invoke_args 0 "$i" ns
		row a "AMD EPYC" host strict invoke ubench invoke_args 0 $((2 * i)) ns
		row a "AMD EPYC" host none validate ubench validate_utf8_ascii 1048576 28674.2 ns
		row a "AMD EPYC" host none unsafe ubench validate_utf8_ascii 1048576 2 ns
		row a "AMD EPYC" host none unsafe hmac hmac_sha256 4096 $((100 * i)) ns
		row a "AMD EPYC" host none validate hmac hmac_sha256 4096 $((85 * i)) ns
		row a "AMD EPYC" host none unsafe sodium generichash 1048576 $((10 * i)) ns
		row a "AMD EPYC" host none validate sodium generichash 1048576 $((12 * i)) ns
		row q "QEMU TCG" mpk none unsafe ubench invoke_args 0 28670 instructions
	done
} > known.csv

# md_cell FILE TITLE ROW COLUMN: the Markdown cell of the table under the
# heading "## TITLE" in the row whose first cell is ROW, under COLUMN.
md_cell() {
	awk -F' [|] ' -v t="## $2" -v r="| $3" -v c="$4" '
		$0 == t { on = 1; next }
		on && /^## / { exit }
		on && /^\| / && !head { head = 1; for (i = 1; i <= NF; i++) if ($i == c || $i == c " |") k = i; next }
		on && index($0, r " | ") == 1 && k { v = $k; sub(/ \|$/, "", v); print v; exit }' "$1"
}

# tex_cell FILE LABEL ROW COLUMN: the same in the LaTeX table \label{LABEL}.
tex_cell() {
	awk -F' & ' -v t="\\\\label{$2}" -v r="$3" -v c="$4" '
		index($0, t) == 1 { on = 1; next }
		on && /^\\end\{tabular\}/ { exit }
		on && /^\\/ { next }
		on && !head { head = 1; for (i = 1; i <= NF; i++) { sub(/ \\\\$/, "", $i); if ($i == c) k = i }; next }
		on && $1 == r && k { v = $k; sub(/ \\\\$/, "", v); print v; exit }' "$1"
}

# check NAME GOT WANT
check() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

if "$EFREPORT" --tables -o out known.csv 2> err.txt && "$EFREPORT" -o out known.csv 2>> err.txt; then
	check md_count_in_k "$(md_cell out/tables.md 'Microbenchmarks: host q, target mpk' \
		'invoke, no arguments' unsafe)" "28.7 k [28.7, 28.7]"
	check md_time_in_ns "$(md_cell out/tables.md 'Microbenchmarks: host a, target host' \
		'invoke, no arguments' 'invoke (strict)')" "10.0 ns [4.0, 16.0]"
	check md_throughput "$(md_cell out/tables.md 'Microbenchmarks: host a, target host' \
		'check UTF-8, ASCII, 1 MiB' validate)" "36.6 GB/s [36.6, 36.6]"
	check md_no_check_in_unsafe "$(md_cell out/tables.md 'Microbenchmarks: host a, target host' \
		'check UTF-8, ASCII, 1 MiB' unsafe)" "–"
	# The ratio and its interval as overheads.csv has them, to 2 decimals.
	ratio=$(awk -F, '$4 == "hmac" && $7 == "validate/unsafe" {
		printf "%.2f [%.2f, %.2f] m", $9, $10, $11 }' out/overheads.csv)
	case $ratio in 0.85\ \[*) ;; *) fail ratio_known "overheads.csv: '$ratio'" ;; esac
	check md_ratio "$(md_cell out/tables.md 'Library overheads: host a, target host' \
		'hmac' validate/unsafe)" "$ratio"
	check md_size "$(awk -F' [|] ' '$1 == "| sodium" { print $3 }' out/tables.md)" "1 MiB"
	check tex_count_in_k "$(tex_cell out/tables.tex tab:efbench-micro-q-mpk \
		'invoke, no arguments' unsafe)" "28.7 k [28.7, 28.7]"
	check tex_time_in_ns "$(tex_cell out/tables.tex tab:efbench-micro-a-host \
		'invoke, no arguments' 'invoke (strict)')" "10.0 ns [4.0, 16.0]"
	check tex_ratio "$(tex_cell out/tables.tex tab:efbench-overheads-a-host \
		'hmac' validate/unsafe)" "$ratio"
	check tex_escapes "$(grep -c 'hmac\\_sha256 & 4 KiB' out/tables.tex)" 1
	check summary_md_in_us "$(grep -c '^| ubench/validate_utf8_ascii/1048576 | 2.00 ns \[2.00, 2.00\] [^|]*| 28.7 µs \[28.7, 28.7\] ' \
		out/summary.md)" 1
	# The method: wall-clock time on the CPU, or counted under QEMU.
	if grep -q '^Wall-clock time per iteration on AMD EPYC\.' out/tables.md &&
	   grep -q '^Instructions per iteration, counted under QEMU: QEMU TCG\.' out/tables.md; then
		pass method_named
	else
		fail method_named "$(grep -E '^(Wall|Instr)' out/tables.md)"
	fi
else
	fail tables_written "$(cat err.txt)"
fi

# no_e_notation NAME FILES...: no number in e notation anywhere.
no_e_notation() {
	name=$1; shift
	if ! cat "$@" > /dev/null; then
		fail "$name" "no tables to read"
	elif grep -nE '[0-9]e[+-]?[0-9]' "$@" > e.txt; then
		fail "$name" "$(head -n 3 e.txt)"
	else
		pass "$name"
	fi
}

# booktabs NAME FILE: every tabular has \toprule, \midrule and \bottomrule
# in that order, and each row as many cells as its column spec says.
booktabs() {
	awk '/^\\begin\{tabular\}\{/ { spec = $0; sub(/^\\begin\{tabular\}\{/, "", spec); sub(/\}.*/, "", spec)
			n = length(spec); rules = ""; tabs++; next }
		/^\\(top|mid|bottom)rule$/ { rules = rules substr($0, 2, 1); next }
		/^\\end\{tabular\}/ { if (rules != "tmb") { print "rules " rules " in table " tabs; bad = 1 }; n = 0; next }
		n && / \\\\$/ { line = $0; amps = gsub(/(^|[^\\])&/, "", line)
			if (amps != n - 1) { print "row with " amps " & in a table of " n " columns: " $0; bad = 1 }
			rows++ }
		END { if (!tabs || !rows) { print "no tables"; bad = 1 }; exit bad }' "$2" > bt.txt 2>&1 &&
		pass "$1" || fail "$1" "$(head -n 3 bt.txt)"
}

no_e_notation no_e_notation_known out/tables.md out/tables.tex out/summary.md
booktabs booktabs_known out/tables.tex

# With --tables, efreport writes the tables instead of its summaries.
"$EFREPORT" --tables -o paper known.csv 2> /dev/null
"$EFREPORT" -o plain known.csv 2> /dev/null
check tables_instead_of_summaries "$(ls paper | tr '\n' ' '), $(ls plain | tr '\n' ' ')" \
	"tables-standalone.tex tables.md tables.tex , overheads.csv summary.csv summary.md "

# A tables.tex that efreport did not write stops it before it writes.
mkdir foreign && printf '%s\n' '\section{mine}' > foreign/tables.tex
"$EFREPORT" --tables -o foreign known.csv 2> foreign.err
rc=$?
if [ $rc -eq 1 ] && [ "$(ls foreign)" = tables.tex ] && [ "$(cat foreign/tables.tex)" = '\section{mine}' ] &&
   grep -q "foreign/tables.tex exists and is not efreport's output" foreign.err; then
	pass never_overwrites_other_tex
else
	fail never_overwrites_other_tex "exit $rc: $(cat foreign.err); $(ls foreign)"
fi

# make tables on the committed examples: both formats; a row for each
# benchmark of the paper's microbenchmark table that the examples hold, in
# the Markdown (by its id) and as many rows in the LaTeX.
start=$(date +%s.%N)
if make -s -C "$TOP" tables TABLES="$tmp/ex" > make.txt 2>&1; then
	echo "# tables: make tables on the committed examples took $(awk -v a="$start" \
		-v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
	missing=""
	for id in ubench/invoke_args/0 ubench/invoke_args/6 ubench/invoke_args/100 ubench/callback/1 \
		ubench/upgrade/1 ubench/upgrade/64 ubench/validate_u8/1048576 ubench/validate_cstr/1048576 \
		ubench/validate_utf8_ascii/1048576 ubench/validate_utf8_mixed/1048576; do
		held=$(cat "$TOP"/results/examples/*.csv | awk -F, -v id="$id" \
			'$7 "/" $8 "/" $9 == id && $14 == "ok" { n++ } END { print n + 0 }')
		[ "$held" -gt 0 ] || continue
		grep -q "^| [^|]* | $id | " ex/tables.md || missing="$missing $id"
	done
	md_rows=$(awk '/^## Microbenchmarks/ { on = 1; next } /^## / { on = 0 } on && /^\| .* \| ubench\//' ex/tables.md | wc -l)
	tex_rows=$(awk '/\\label\{tab:efbench-micro-/ { on = 1; next } /^\\end\{tabular\}/ { on = 0 }
		on && / \\\\$/ && !/^benchmark &/' ex/tables.tex | wc -l)
	if [ -z "$missing" ] && [ "$md_rows" -gt 0 ] && [ "$md_rows" -eq "$tex_rows" ] &&
	   grep -q '^## Library overheads' ex/tables.md && grep -q 'tab:efbench-overheads-' ex/tables.tex; then
		pass make_tables_examples
	else
		fail make_tables_examples "missing:$missing; $md_rows Markdown rows, $tex_rows LaTeX rows"
	fi
	"$EFREPORT" -o ex "$TOP"/results/examples/*.csv 2> /dev/null
	no_e_notation no_e_notation_examples ex/tables.md ex/tables.tex ex/summary.md
	booktabs booktabs_examples ex/tables.tex
	# Sizes as sizes: no parameter of bytes written out.
	if sed 's#ubench/[a-z_0-9]*/[0-9]*##g' ex/tables.md ex/tables.tex | grep -q 1048576; then
		fail sizes_in_units "$(grep -n 1048576 ex/tables.tex | head -n 2)"
	else
		pass sizes_in_units
	fi
else
	fail make_tables_examples "$(tail -n 3 make.txt)"
fi

# pdflatex compiles the standalone document (texlive-latex-recommended:
# booktabs; not in scripts/install-deps, see README).
if command -v pdflatex > /dev/null 2>&1 && kpsewhich booktabs.sty > /dev/null 2>&1; then
	if [ -f ex/tables.tex ] && (cd ex && pdflatex -interaction=nonstopmode -halt-on-error \
		tables-standalone.tex > latex.txt 2>&1) && head -c 4 ex/tables-standalone.pdf | grep -q '%PDF'; then
		pass pdflatex_compiles
	else
		fail pdflatex_compiles "$(grep -A 2 '^!' ex/latex.txt | head -n 4)"
	fi
else
	echo "SKIP tables/pdflatex_compiles: pdflatex with booktabs is not installed (apt-get install texlive-latex-recommended)"
fi
