"""rows.py: efbench CSV rows (results/SCHEMA.md) for what other tools
measured; used by scripts/setup-bench.  COLUMNS is the header line
`build/efbench --schema` prints: the rows follow its order.

  rows.py COLUMNS hyperfine RUN_ID TARGET MODE BENCHMARK FILE.json  < "host<TAB>cpu<TAB>policy"
      one row per timed run in hyperfine's --export-json output
  rows.py COLUMNS error RUN_ID HOST TARGET MODE BENCHMARK MESSAGE
      one error row
"""
import csv
import json
import sys


def write(columns, rows):
    out = csv.DictWriter(sys.stdout, columns.split(","), lineterminator="\n")
    for r in rows:
        out.writerow(r)


def main(argv):
    if len(argv) == 8 and argv[2] == "hyperfine":
        columns, run_id, target, mode, bench, path = argv[1], *argv[3:]
        host, cpu, policy = sys.stdin.readline().rstrip("\n").split("\t")
        with open(path) as f:
            times = json.load(f)["results"][0]["times"]
        if not times:
            sys.exit("rows.py: %s: no timed runs" % path)
        write(columns, (dict(run_id=run_id, host=host, cpu_model=cpu, target=target,
                             policy=policy, mode=mode, workload="setup", benchmark=bench,
                             parameter=0, iterations=1, value="%.12g" % (t * 1e9),
                             unit="ns", repetition=i, status="ok", message="")
                        for i, t in enumerate(times)))
    elif len(argv) == 9 and argv[2] == "error":
        columns, run_id, host, target, mode, bench, message = argv[1], *argv[3:]
        write(columns, [dict(run_id=run_id, host=host, cpu_model="", target=target,
                             policy="", mode=mode, workload="setup", benchmark=bench,
                             parameter=0, iterations=0, value="", unit="ns",
                             repetition="", status="error",
                             message=message.strip().replace("\n", " "))])
    else:
        sys.exit(__doc__)


main(sys.argv)
