#!/bin/sh
# test_ci_workflow.sh: the GitHub Actions workflow, ci/github/efbench.yml,
# and the A/B entry point it calls, ci/ab.
# The workflow is parsed (PyYAML) and checked: jobs test and ab, both in a
# debian:bookworm container, checkout with the whole history; after the
# checkout, every run step calls only scripts of this checkout that exist
# and are executable (before it, only apt-get installing git); test runs
# ci/run; ab runs only on pull requests, calls ci/ab with the pull
# request's base and uploads the folder ci/ab writes, even when it fails.
# The checker first runs on a planted copy and must find exactly its
# planted problems, so a checker that finds nothing cannot pass.
# ci/ab then runs for real in a clone of this checkout's HEAD, with
# GITHUB_STEP_SUMMARY set: HEAD against a commit of it whose hmac loop
# does three times the work (scripts/ab-inject 200) is a regression
# (exit 1, the table in the summary, the result files kept), HEAD against
# itself is not (exit 0), an unknown base is an error (exit 2).
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=ci_workflow
. "$(dirname "$0")/common.sh"

WF=$TOP/ci/github/efbench.yml
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP $SUITE: python3 not installed"
	exit 0
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
	echo "SKIP $SUITE/workflow_*: PyYAML not installed (Debian's python3-yaml; scripts/install-deps installs it)"
else
cat > check.py <<'EOF'
# check.py ROOT WORKFLOW: one line per problem; exit 0.
import os, re, shlex, sys, yaml

root, path = sys.argv[1], sys.argv[2]
wf = yaml.safe_load(open(path))
# YAML 1.1 reads the key `on` as the boolean true.
on = wf.get("on", wf.get(True)) or {}
jobs = wf.get("jobs") or {}

def commands(script):
    """The commands of a run step: words up to ; && || | or a newline."""
    out = []
    for line in script.splitlines():
        lex = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lex.whitespace_split = True
        cmd = []
        for w in lex:
            if w and set(w) <= set(";&|"):
                if cmd: out.append(cmd)
                cmd = []
            elif cmd or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w):
                cmd.append(w)
        if cmd: out.append(cmd)
    return out

for name in ("test", "ab"):
    if name not in jobs:
        print("job %s: missing" % name)
for name, job in jobs.items():
    c = job.get("container")
    image = c.get("image") if isinstance(c, dict) else c
    if image != "debian:bookworm":
        print("job %s: container %s, not debian:bookworm" % (name, image))
    steps = job.get("steps") or []
    co = [i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("actions/checkout@")]
    if not co:
        print("job %s: no actions/checkout step" % name)
        co = [len(steps)]
    elif str((steps[co[0]].get("with") or {}).get("fetch-depth")) != "0":
        print("job %s: checkout without fetch-depth 0" % name)
    for i, s in enumerate(steps):
        if "run" not in s:
            continue
        for cmd in commands(s["run"]):
            if i < co[0]:
                # Before the checkout, the only thing run is git's installation.
                if cmd[0] != "apt-get" or (cmd[1:2] == ["install"] and "git" not in cmd) \
                        or cmd[1:2] not in (["update"], ["install"]):
                    print("job %s step %d: '%s' before the checkout" % (name, i, " ".join(cmd)))
            else:
                p = os.path.join(root, cmd[0])
                if "/" not in cmd[0] or cmd[0].startswith("/") or not os.path.isfile(p):
                    print("job %s step %d: '%s' is not a script of the checkout" % (name, i, cmd[0]))
                elif not os.access(p, os.X_OK):
                    print("job %s step %d: %s is not executable" % (name, i, cmd[0]))
runs = lambda job: [c for s in (jobs.get(job) or {}).get("steps") or [] if "run" in s for c in commands(s["run"])]
if ["ci/run"] not in runs("test"):
    print("job test: does not run ci/run")
if "pull_request" not in on:
    print("on: no pull_request")
ab = jobs.get("ab") or {}
if not re.fullmatch(r"\s*github\.event_name\s*==\s*'pull_request'\s*", str(ab.get("if", ""))):
    print("job ab: runs on more than pull requests (if: %s)" % ab.get("if"))
abruns = [c for c in runs("ab") if c[0] == "ci/ab"]
out = None
for c in abruns:
    if "--out" in c[:-2]:
        out = c[c.index("--out") + 1]
steps = ab.get("steps") or []
abstep = [s for s in steps if "ci/ab" in str(s.get("run", ""))]
if not abruns or out is None:
    print("job ab: no ci/ab --out DIR step")
elif not any("github.event.pull_request.base.sha" in str(v) for s in abstep for v in (s.get("env") or {}).values()):
    print("job ab: ci/ab not given the pull request's base")
up = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
if not up:
    print("job ab: no actions/upload-artifact step")
elif out is not None and not any(str((s.get("with") or {}).get("path", "")).rstrip("/") == out.rstrip("/")
                                 and "always()" in str(s.get("if", "")) for s in up):
    print("job ab: %s not uploaded with if: always()" % out)
EOF
	# The planted copy: an ubuntu container, a step calling a script that
	# does not exist, the ab job on every event, nothing uploaded, and a
	# command before the checkout.
	sed -e '0,/container: debian:bookworm/s//container: ubuntu:22.04/' \
		-e 's|run: ci/run$|run: ci/run \&\& scripts/no-such-script|' \
		-e "s|if: github.event_name == 'pull_request'|if: true|" \
		-e 's|uses: actions/upload-artifact@v4|uses: actions/cache@v4|' \
		-e '0,/apt-get update -q &&/s//make all \&\&/' "$WF" > planted.yml
	python3 check.py "$TOP" planted.yml > planted.txt 2>&1
	exp="job test: container ubuntu:22.04, not debian:bookworm
job test step 0: 'make all' before the checkout
job test step 2: 'scripts/no-such-script' is not a script of the checkout
job ab: runs on more than pull requests (if: True)
job ab: no actions/upload-artifact step"
	[ "$(cat planted.txt)" = "$exp" ] && pass workflow_checker_finds_planted ||
		fail workflow_checker_finds_planted "$(cat planted.txt | tr '\n' '|')"
	python3 check.py "$TOP" "$WF" > problems.txt 2>&1
	[ ! -s problems.txt ] && pass workflow_valid || fail workflow_valid "$(tr '\n' '|' < problems.txt)"
fi

# ci/ab for real, in a clone of HEAD (its own build/ab worktrees), with
# this checkout's ci/ab.
if ! git -C "$TOP" rev-parse --verify -q HEAD >/dev/null; then
	echo "SKIP $SUITE/ab_*: $TOP is not a git checkout"
	exit 0
fi
git clone -q "$TOP" repo && cp "$TOP/ci/ab" repo/ci/ab && mkdir -p repo/build &&
	{ [ ! -x "$TOP/build/efcompare" ] || cp "$TOP/build/efcompare" repo/build/; } ||
	{ fail ab_setup "cannot clone $TOP"; exit 0; }
cd repo || exit 1
base=$(git rev-parse --short HEAD)
slow=$(scripts/ab-inject 200) || { fail ab_setup "scripts/ab-inject failed"; exit 0; }
AB="--pairs 6 --filter hmac/hmac_sha256/4096 --efbench-flags"
FL="--target host --repetitions 3 --min-time 0.0002"
export GITHUB_STEP_SUMMARY="$PWD/../step-summary.md"
t0=$(date +%s)
ci/ab --no-deps --out ../ab1 --ab-flags "$AB '$FL'" "$base" "$slow" > out1.md 2> err1.txt
rc=$?
t1=$(date +%s)
row='^| host hmac/hmac_sha256/4096 | validate | .* | 6 pairs | \*\*regressed\*\* |$'
[ $rc -eq 1 ] && grep -q "^## efbench A/B run: $base (base) against $(git rev-parse --short "$slow")\$" ../step-summary.md &&
	grep -q '^\*\*Regression\*\*' ../step-summary.md && grep -q "$row" ../step-summary.md &&
	cmp -s ../ab1/summary.md ../step-summary.md && cmp -s ../ab1/report.md out1.md &&
	[ -s ../ab1/runs/base1.csv ] && [ -s ../ab1/runs/cand6.csv ] && [ -s ../ab1/runs/base6.meta ] &&
	grep -q 'pair 6 of 6' ../ab1/ab-run.log && pass ab_regression_exit_1 ||
	fail ab_regression_exit_1 "exit $rc: $(grep '^| host' out1.md | tr '\n' ' ') $(tail -n 2 err1.txt)"

ci/ab --no-deps --out ../ab2 --ab-flags "$AB '$FL'" "$base" > out2.md 2> err2.txt
rc=$?
t2=$(date +%s)
[ $rc -eq 0 ] && [ "$(grep -c '^## efbench A/B run' ../step-summary.md)" -eq 2 ] &&
	grep -q '^No regression' ../ab2/summary.md && ! grep -q 'regressed\*\* |$' ../ab2/summary.md &&
	awk '/^## efbench A\/B run/ { n++ } n == 2' ../step-summary.md | cmp -s - ../ab2/summary.md &&
	pass ab_same_revision_exit_0 ||
	fail ab_same_revision_exit_0 "exit $rc: $(grep '^| host' out2.md | tr '\n' ' ') $(tail -n 2 err2.txt)"

ci/ab --no-deps --out ../ab3 no-such-revision > out3.md 2> err3.txt
rc=$?
[ $rc -eq 2 ] && grep -q "^\*\*Error\*\* (scripts/ab-run exit 2): .*BASE 'no-such-revision' is not a commit here" ../ab3/summary.md &&
	[ "$(grep -c '^## efbench A/B run' ../step-summary.md)" -eq 3 ] && pass ab_error_exit_2 ||
	fail ab_error_exit_2 "exit $rc: $(cat ../ab3/summary.md 2>&1) $(tail -n 2 err3.txt)"

unset GITHUB_STEP_SUMMARY
bad=""
for args in "" "--frob x" "a b c" "--out"; do
	# shellcheck disable=SC2086
	ci/ab --no-deps $args >/dev/null 2>err.txt
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l < err.txt)" -eq 1 ] && grep -q '^ci/ab: ' err.txt || bad="$bad [$args: exit $rc $(cat err.txt)]"
done
[ -z "$bad" ] && pass ab_usage || fail ab_usage "$bad"
echo "# ci/ab here: $((t1 - t0)) s with two builds, $((t2 - t1)) s with none"
