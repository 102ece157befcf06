# ticks.awk: round ratios for a log axis from lo to hi (awk -v lo= -v hi=),
# as gnuplot's "set xtics (...)" list: every one of 0.9, 1.1 ... where the
# range is narrow, fewer as it widens, so that labels never overlap (with
# -v narrow=1, as if the range were wider: for a short axis).
BEGIN {
	span = log(hi / lo) / log(10) * (narrow ? 2.5 : 1)
	if (span < 0.25) list = "0.8 0.9 1 1.1 1.2 1.3 1.5"
	else if (span < 0.6) list = "0.5 0.6 0.7 0.8 0.9 1 1.1 1.25 1.5 1.75 2 2.5 3"
	else if (span < 1.2) list = "0.25 0.5 0.75 1 1.5 2 3 5 7 10 15"
	else list = "0.01 0.1 0.2 0.5 1 2 5 10 20 50 100 200 500 1000"
	n = split(list, t, " ")
	for (i = 1; i <= n; i++) if (t[i] >= lo && t[i] <= hi) out = out (out == "" ? "" : ", ") t[i]
	print out == "" ? "1" : out
}
