"""rows.py: efbench CSV rows (results/SCHEMA.md) for what other tools
measured; used by scripts/setup-bench.

  rows.py hyperfine RUN_ID TARGET MODE BENCHMARK FILE.json  < "host<TAB>cpu<TAB>policy"
      one row per timed run in hyperfine's --export-json output
  rows.py error RUN_ID HOST TARGET MODE BENCHMARK MESSAGE
      one error row
"""
import csv
import json
import sys


def write(rows):
    out = csv.writer(sys.stdout, lineterminator="\n")
    for r in rows:
        out.writerow(r)


def main(argv):
    if len(argv) == 7 and argv[1] == "hyperfine":
        run_id, target, mode, bench, path = argv[2:]
        host, cpu, policy = sys.stdin.readline().rstrip("\n").split("\t")
        with open(path) as f:
            times = json.load(f)["results"][0]["times"]
        if not times:
            sys.exit("rows.py: %s: no timed runs" % path)
        write([run_id, host, cpu, target, policy, mode, "setup", bench, 0, 1,
               "%.12g" % (t * 1e9), "ns", i, "ok", ""] for i, t in enumerate(times))
    elif len(argv) == 8 and argv[1] == "error":
        run_id, host, target, mode, bench, message = argv[2:]
        write([[run_id, host, "", target, "", mode, "setup", bench, 0, 0, "", "ns", "",
                "error", message.strip().replace("\n", " ")]])
    else:
        sys.exit(__doc__)


main(sys.argv)
