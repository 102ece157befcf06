# common.gp: loaded by every figure script after it sets `name`.  Run as
#   gnuplot -e "dir='OUT'; term='pdf'" plots/NAME.gp      (or term='png')
# It reads OUT/summary.csv and OUT/overheads.csv (build/efreport -o OUT) and
# writes OUT/NAME.pdf or OUT/NAME.png.
if (!exists("dir")) dir = "build/figures"
if (!exists("term")) term = "pdf"
summary = dir . "/summary.csv"
overheads = dir . "/overheads.csv"
if (!exists("height")) height = 1.0    # times the usual height
if (term eq "png") {
	eval sprintf('set terminal pngcairo size 1400,%d font ",11" noenhanced', int(520 * height))
} else {
	eval sprintf('set terminal pdfcairo size 9in,%.2fin font ",9" noenhanced', 3.4 * height)
}
set output dir . "/" . name . "." . term
set datafile separator whitespace
set key top left box opaque font ",8"
set grid ytics lc rgb "#dddddd"
set border 3
set tics nomirror

# Ask query.awk (see there) about a file; `args` is a string of -v settings.
query(file, args) = system(sprintf("awk -f plots/query.awk %s %s", args, file))
rows(file, args) = sprintf("< awk -f plots/query.awk %s %s", args, file)
v(k, x) = sprintf("-v %s='%s' ", k, x)
# A panel: "host|target", or "host|target|policy" (query.awk's bypolicy).
host_of(p) = p[1:strstrt(p, "|") - 1]
after_host(p) = p[strstrt(p, "|") + 1:]
target_of(p) = strstrt(after_host(p), "|") ? \
	substr(after_host(p), 1, strstrt(after_host(p), "|") - 1) : after_host(p)
panel_policy(p) = strstrt(after_host(p), "|") ? \
	substr(after_host(p), strstrt(after_host(p), "|") + 1, strlen(after_host(p))) : ""
# "target (host)", with its policy where the panel has one other than none.
panel_title(p) = target_of(p) . (panel_policy(p) eq "" || panel_policy(p) eq "none" ? "" : \
	", " . panel_policy(p)) . " (" . host_of(p) . ")"
mode_of(s) = s[1:strstrt(s, ":") - 1]
policy_of(s) = s[strstrt(s, ":") + 1:]
series_title(s) = policy_of(s) eq "none" ? mode_of(s) : mode_of(s) . " (" . policy_of(s) . ")"
# "instructions" -> "instruction", for "bytes per instruction".
singular(u) = u[strlen(u):] eq "s" ? u[1:strlen(u) - 1] : u
# What a figure says when the results hold nothing for it.
nothing(what) = sprintf("set multiplot; unset border; unset tics; set label 1 '%s: no such rows in the results' at screen 0.5, 0.5 center; plot [0:1][0:1] NaN notitle; unset multiplot", what)
