# query.awk: what the figure scripts read from efreport's summary.csv and
# overheads.csv, as whitespace-separated columns gnuplot plots directly.
# Chosen with -v q=...; every other -v narrows the rows (empty: any):
#   h host, t target, p policy, w workload, b benchmark (several: space-separated),
#   m modes (space-separated), r ratio (overheads.csv), u unit, ids benchmark
#   ids (workload/benchmark/parameter, space-separated), x targets to leave out.
#   q=panels   distinct "host|target" of the matching rows ("host|target|policy"
#              with bypolicy=1: a figure of bars draws each policy apart)
#   q=workloads distinct workloads of the matching rows
#   q=series   distinct "mode:policy" of the matching rows
#   q=unit     the unit of the first matching row (q=cpu: its CPU model)
#   q=units    distinct units of the matching rows
#   q=hosts    distinct hosts
#   q=params   distinct parameters, in numeric order
#   q=ids      distinct benchmark ids, by workload, benchmark, then size
#   q=range    "lowest highest" of what q=bars would draw, intervals included
#   q=multihost the targets whose rows come from more than one host
#   q=shared   distinct "target|policy" whose rows come from more than one host
#   q=ncpus    how many distinct CPU models
#   q=targets  distinct "host|target|policy" of the matching rows
#   q=points   "parameter median lo hi", per-byte rates ("bytes per unit")
#              instead when rate=1; a missing interval is the median itself;
#              with cats (parameters, space-separated) "place parameter ...",
#              place the parameter's place in cats plus shift, for a
#              categorical axis; with base (a median) each value divided by it
#   q=bars     "index label value lo hi", index counting the matching
#              benchmarks in order, whatever the ratio, so that every ratio's
#              bars line up (with ids: the id's place in that list); value
#              from column v (default: the ratio, or the median), times scale;
#              labels say sizes in B, KiB, MiB where the parameter is bytes;
#              with guard=1, where no row matches, one row of 1e-300s (see
#              rows() in common.gp)
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
	if (x != "" && any(x, $col["target"])) next
	if (u != "" && $col["unit"] != u) next
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
q == "cpu" { print $col["cpu_model"]; exit }
q == "units" { k = $col["unit"]; if (!(k in seen)) { seen[k]; printf "%s ", k } }
q == "hosts" { k = $col["host"]; if (!(k in seen)) { seen[k]; printf "%s ", k } }
q == "targets" {
	k = $col["host"] "|" $col["target"] "|" $col["policy"]
	if (!(k in seen)) { seen[k]; printf "%s ", k }
}
q == "ids" && !(id in seen) { seen[id]; ida[++nid] = id; idk[nid] = sprintf("%s/%s/%020d", $col["workload"], $col["benchmark"], $col["parameter"]) }
q == "params" { if (!($col["parameter"] in seen)) { seen[$col["parameter"]]; par[++npar] = $col["parameter"] + 0 } }
q == "points" {
	med = $col["median"]; lo = $col["ci_lo"] == "" ? med : $col["ci_lo"]
	hi = $col["ci_hi"] == "" ? med : $col["ci_hi"]
	if (base != "") { med /= base; lo /= base; hi /= base }
	first = cats == "" ? "" : position(cats, $col["parameter"]) + shift " "
	if (rate) print first $col["parameter"], $col["parameter"] / med, $col["parameter"] / hi, $col["parameter"] / lo
	else print first $col["parameter"], med, lo, hi
}
q == "range" { q = "bars"; range = 1 }
q == "shared" { k = $col["target"] "|" $col["policy"]; if (!((k, $col["host"]) in seen)) { seen[k, $col["host"]]; if (++nh[k] == 2) printf "%s ", k } }
q == "ncpus" { k = $col["cpu_model"]; if (!(k in seen)) { seen[k]; ncpus++ } }
q == "multihost" { k = $col["target"]; if (!((k, $col["host"]) in seen)) { seen[k, $col["host"]]; if (++nh[k] == 2) printf "%s ", k } }
q == "bars" {
	if (!(id in index_of)) index_of[id] = ids != "" ? position(ids, id) : ++nbars
	val = v == "" ? ("value" in col ? $col["value"] : $col["median"]) : $col[v]
	lo = v != "" ? val : ("ci_lo" in col ? $col["ci_lo"] : "")
	hi = v != "" ? val : ("ci_hi" in col ? $col["ci_hi"] : "")
	if (lo == "") lo = val
	if (hi == "") hi = val
	label = $col["workload"] == "setup" ? $col["benchmark"] : \
		$col["workload"] == "ubench" ? id : $col["benchmark"] " " size($col["parameter"])
	# Quoted: gnuplot reads a label with spaces as one column.
	if (!range) { print index_of[id], "\"" label "\"", val * scale1(), lo * scale1(), hi * scale1(); nprinted++ }
	if (lo * scale1() < rmin || rmin == "") rmin = lo * scale1()
	if (hi * scale1() > rmax || rmax == "") rmax = hi * scale1()
}
function position(list, x,   n, a, i) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) if (a[i] == x) return i
	return 0
}
END {
	if (range) print rmin, rmax
	if (q == "ncpus") print ncpus + 0
	if (q == "bars" && guard && !nprinted) print "1e-300 \"\" 1e-300 1e-300 1e-300"
	if (q == "params") {
		# Insertion sort: a few dozen parameters at most.
		for (i = 2; i <= npar; i++)
			for (j = i; j > 1 && par[j - 1] > par[j]; j--) { t1 = par[j]; par[j] = par[j - 1]; par[j - 1] = t1 }
		for (i = 1; i <= npar; i++) printf "%s ", par[i]
	}
	if (q == "ids") {
		for (i = 2; i <= nid; i++)
			for (j = i; j > 1 && idk[j - 1] > idk[j]; j--) {
				t1 = idk[j]; idk[j] = idk[j - 1]; idk[j - 1] = t1
				t1 = ida[j]; ida[j] = ida[j - 1]; ida[j - 1] = t1
			}
		for (i = 1; i <= nid; i++) printf "%s ", ida[i]
	}
}
# Bytes as a person writes them: 64 B, 4 KiB, 1 MiB (1.5 KiB where not whole).
function size(n,   units, k) {
	split("B KiB MiB GiB", units, " ")
	for (k = 1; n >= 1024 && k < 4; k++) n /= 1024
	return (n == int(n) ? sprintf("%d", n) : sprintf("%.1f", n)) " " units[k]
}
function scale1() { return scale == "" ? 1 : scale }
