# query.awk: what the figure scripts read from efreport's summary.csv and
# overheads.csv, as whitespace-separated columns gnuplot plots directly.
# Chosen with -v q=...; every other -v narrows the rows (empty: any):
#   h host, t target, p policy, w workload, b benchmark (several: space-separated),
#   m modes (space-separated), r ratio (overheads.csv), ids benchmark ids
#   (workload/benchmark/parameter, space-separated).
#   q=panels   distinct "host|target" of the matching rows ("host|target|policy"
#              with bypolicy=1: a figure of bars draws each policy apart)
#   q=workloads distinct workloads of the matching rows
#   q=series   distinct "mode:policy" of the matching rows
#   q=unit     the unit of the first matching row
#   q=points   "parameter median lo hi", per-byte rates ("bytes per unit")
#              instead when rate=1; a missing interval is the median itself
#   q=bars     "index label value lo hi", index counting the matching
#              benchmarks in order, whatever the ratio, so that every ratio's
#              bars line up (with ids: the id's place in that list); value
#              from column v (default: the ratio, or the median), times scale
# The run-time policies a figure does not show (cold PMP entries, mpk's
# foreign-read-host) are left out unless allpolicies=1.
BEGIN { FS = "," }
function any(list, x,   n, a, i) {
	if (list == "") return 1
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) if (a[i] == x) return 1
	return 0
}
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
	if (h != "" && $col["host"] != h) next
	if (t != "" && $col["target"] != t) next
	if (p != "" && $col["policy"] != p) next
	if (!allpolicies && ($col["policy"] == "cold" || $col["policy"] == "foreign-read-host")) next
	if (!any(w, $col["workload"])) next
	if (!any(b, $col["workload"] "/" $col["benchmark"]) && !any(b, $col["benchmark"])) next
	if ("mode" in col && !any(m, $col["mode"])) next
	if ("ratio" in col && r != "" && $col["ratio"] != r) next
	id = $col["workload"] "/" $col["benchmark"] "/" $col["parameter"]
	if (!any(ids, id)) next
}
q == "panels" {
	k = $col["host"] "|" $col["target"] (bypolicy ? "|" $col["policy"] : "")
	if (!(k in seen)) { seen[k]; printf "%s ", k }
}
q == "workloads" { k = $col["workload"]; if (!(k in seen)) { seen[k]; printf "%s ", k } }
q == "series" { k = $col["mode"] ":" $col["policy"]; if (!(k in seen)) { seen[k]; printf "%s ", k } }
q == "unit" { print $col["unit"]; exit }
q == "points" {
	med = $col["median"]; lo = $col["ci_lo"] == "" ? med : $col["ci_lo"]
	hi = $col["ci_hi"] == "" ? med : $col["ci_hi"]
	if (rate) print $col["parameter"], $col["parameter"] / med, $col["parameter"] / hi, $col["parameter"] / lo
	else print $col["parameter"], med, lo, hi
}
q == "bars" {
	if (!(id in index_of)) index_of[id] = ids != "" ? position(ids, id) : ++nbars
	val = v == "" ? ("value" in col ? $col["value"] : $col["median"]) : $col[v]
	lo = v != "" ? val : ("ci_lo" in col ? $col["ci_lo"] : "")
	hi = v != "" ? val : ("ci_hi" in col ? $col["ci_hi"] : "")
	if (lo == "") lo = val
	if (hi == "") hi = val
	label = $col["workload"] == "setup" ? $col["benchmark"] : id
	print index_of[id], label, val * scale1(), lo * scale1(), hi * scale1()
}
function position(list, x,   n, a, i) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) if (a[i] == x) return i
	return 0
}
function scale1() { return scale == "" ? 1 : scale }
