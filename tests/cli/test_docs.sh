#!/bin/sh
# test_docs.sh: the documentation, where it can rot in a checkable way.
# In every Markdown file of the checkout (README.md, docs/, ci/,
# results/SCHEMA.md; build/ left out):
#   links  every relative link points inside the checkout at a file that
#          exists, and its #anchor at a heading of that file;
#   make   every `make TARGET` in code (inline, or in a sh code block)
#          names a target the Makefile has;
#   paths  every inline code span that starts with a path into one of the
#          checkout's folders, or with a source file's name, names a file
#          or folder that exists.
# The checker first runs on a planted tree and must find exactly its
# planted problems, so a checker that finds nothing cannot pass.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=docs
. "$(dirname "$0")/common.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP $SUITE: python3 not installed"
	exit 0
fi

cat > check.py <<'EOF'
# check.py ROOT: one line per problem, "KIND FILE:LINE: what"; exit 0.
import os, re, shlex, subprocess, sys

root = os.path.realpath(sys.argv[1])

def md_files():
    out = []
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        dirs[:] = [x for x in dirs if not (rel == '.' and x in ('build', '.git'))]
        out += [os.path.join(d, f) for f in files if f.endswith('.md')]
    return sorted(out)

def make_targets():
    # make's database (-p) without running anything (-q) for a goal that
    # does not exist, so that no rule is even considered.
    p = subprocess.run(['make', '-pq', '-f', 'Makefile', '.efbench-docs-no-goal'],
                       cwd=root, capture_output=True, text=True)
    # A target counts when it has a recipe or prerequisites: a name that
    # only .PHONY mentions would make nothing.
    targets, prev, names = set(), '', []
    for line in p.stdout.splitlines():
        m = re.match(r'([^\s#][^=]*?):(?!=)(.*)', line)
        if m and prev != '# Not a target:':
            names = m.group(1).split()
            if m.group(2).split('|')[0].split() or m.group(2).split('|')[-1].split():
                targets.update(names)
        elif line.startswith('\t') and names:
            targets.update(names)
        elif not line:
            names = []
        prev = line
    return targets

def slug(heading):
    s = re.sub(r'[^\w\- ]', '', heading.strip().lower())
    return s.replace(' ', '-')

def anchors(path):
    seen, out, fence = {}, set(), False
    for line in open(path, encoding='utf-8'):
        if line.startswith('```'):
            fence = not fence
        m = None if fence else re.match(r'#{1,6}\s+(.*?)\s*#*\s*$', line)
        if m:
            s = slug(m.group(1))
            n = seen.get(s, 0)
            seen[s] = n + 1
            out.add(s if n == 0 else '%s-%d' % (s, n))
    return out

def make_goals(code):
    # The goals of every `make` command in a piece of shell.
    try:
        words = shlex.split(code, comments=True)
    except ValueError:
        words = code.split()
    goals, after_make = [], False
    for w in words:
        if w in (';', '&', '&&', '||', '|') or w.endswith(';'):
            after_make = False
        elif w == 'make':
            after_make = True
        elif after_make and not w.startswith('-') and '=' not in w:
            goals.append(w)
    return goals

SOURCE = re.compile(r'\.(c|h|S|cc|sh|py|md|mk|gp|awk|ld)$')
PLACEHOLDER = re.compile(r'[<>*?{}$\[\]…]')

def looks_like_path(word, folders):
    if '/' not in word or word.startswith(('/', '~', 'build/', 'http')):
        return False
    if PLACEHOLDER.search(word):
        return False
    return word.split('/')[0] in folders or bool(SOURCE.search(word.rstrip('/')))

targets = make_targets()
folders = {e for e in os.listdir(root)
           if e not in ('build', '.git') and os.path.isdir(os.path.join(root, e))}
for path in md_files():
    rel = os.path.relpath(path, root)
    fence = shell = False
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        where = '%s:%d' % (rel, n)
        if line.startswith('```'):
            fence = not fence
            shell = fence and line[3:].strip() in ('sh', 'shell', 'bash', 'console')
            continue
        if shell:
            for g in make_goals(line):
                if g not in targets:
                    print('make %s: make %s: no such target in the Makefile' % (where, g))
            continue
        spans = re.findall(r'`([^`]+)`', line)
        for code in spans:
            for g in make_goals(code):
                if g not in targets:
                    print('make %s: make %s: no such target in the Makefile' % (where, g))
            first = code.split()[0] if code.split() else ''
            if looks_like_path(first, folders) and not os.path.exists(os.path.join(root, first)):
                print('paths %s: %s: no such file' % (where, first))
        text = re.sub(r'`[^`]*`', '', line)
        for link in re.findall(r'\]\(([^)\s]+)', text):
            if re.match(r'[a-z][a-z0-9+.-]*:', link):
                continue
            file, _, anchor = link.partition('#')
            target = os.path.realpath(os.path.join(os.path.dirname(path), file)) if file else path
            if os.path.commonpath([root, target]) != root:
                print('links %s: %s: outside the checkout' % (where, link))
            elif not os.path.exists(target):
                print('links %s: %s: no such file' % (where, link))
            elif anchor and target.endswith('.md') and anchor not in anchors(target):
                print('links %s: %s: no heading #%s there' % (where, link, anchor))
EOF

# The planted tree: each problem on its own line, and as many look-alikes
# that are fine.
mkdir -p planted/docs planted/scripts
printf '.PHONY: all bench phony-only\nall:\n\techo\nbench: all\n' > planted/Makefile
: > planted/scripts/here
: > outside.md
cat > planted/README.md <<'EOF'
# Top

## Two words

[fine](docs/a.md#a-page) and [fine too](#two-words) and [web](https://example.org/x)
[gone](docs/gone.md)
[outside](../outside.md)
[bad anchor](docs/a.md#no-such-heading)
`make all` and `make bench QUICK=1 BENCH_FLAGS='--filter x y'` and `make` itself
`make nosuch`
`scripts/here --flag` and `ubench/invoke_args/0` and `results/<host>.csv` and `[x](nowhere.md)`
`scripts/gone`
`nohup make bench &` and `make all; make nosuch-after-a-semicolon` and `make phony-only`

```sh
make all      # make nosuch-in-a-comment
make nosuch-in-a-block
```

```
prose in a plain block: make sense of it
```
EOF
printf '# A page\n\n[back](../README.md#top)\n' > planted/docs/a.md
python3 check.py planted > planted.out 2>&1
sort planted.out > got
cat > want <<'EOF'
links README.md:6: docs/gone.md: no such file
links README.md:7: ../outside.md: outside the checkout
links README.md:8: docs/a.md#no-such-heading: no heading #no-such-heading there
make README.md:10: make nosuch: no such target in the Makefile
make README.md:13: make nosuch-after-a-semicolon: no such target in the Makefile
make README.md:13: make phony-only: no such target in the Makefile
make README.md:17: make nosuch-in-a-block: no such target in the Makefile
paths README.md:12: scripts/gone: no such file
EOF
sort -o want want
if cmp -s got want; then
	pass finds_planted_problems
else
	fail finds_planted_problems "expected: $(tr '\n' ';' < want) got: $(tr '\n' ';' < got)"
fi

python3 check.py "$TOP" > top.out 2>&1
for kind in links make paths; do
	if grep -q "^$kind " top.out; then
		fail "$kind" "$(grep "^$kind " top.out | cut -d' ' -f2- | tr '\n' ';')"
	else
		pass "$kind"
	fi
done
if grep -qv '^\(links\|make\|paths\) ' top.out; then
	fail checker "$(grep -v '^\(links\|make\|paths\) ' top.out | tr '\n' ' ')"
fi
