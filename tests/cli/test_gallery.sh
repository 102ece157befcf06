#!/bin/sh
# test_gallery.sh: scripts/gallery, the page of every figure (DIR/index.html),
# read as text and opened in a headless browser (Debian's chromium).
#   usage            no folder, not a folder, an option without its value
#                    or unknown: exit 2 and one line;
#   crafted_*        a planted checkout (plots/*.gp with known header
#                    comments, a DIR of PNGs written here): one section per
#                    figure, -column files linked, not shown; captions
#                    joined and escaped; a PNG missing or empty listed as
#                    such (exit 1), a --left-out figure as not drawn;
#                    command, result paths and their command= lines
#                    escaped; every link relative and to a file in DIR;
#   real_*           the same page on the figures scripts/plots draws from
#                    results/examples;
#   browser_*        chromium loads each page: on the real figures every
#                    figure loaded (N of M, M the PNGs drawn) and the
#                    screenshot is a real image (the checker first rejects
#                    a one-colour one); on the planted DIR, the missing
#                    PNG and one removed after the page was written are
#                    both reported not loaded.
# Without python3 (it writes and reads the PNGs) all are skipped; without
# gnuplot the real_* ones, without chromium the browser_* ones.
# Prints PASS/FAIL/SKIP lines for scripts/run-tests.
set -u
SUITE=gallery
. "$(dirname "$0")/common.sh"

have() { command -v "$1" >/dev/null 2>&1; }
if ! have python3; then
	echo "SKIP $SUITE: python3 not installed (it writes and reads the PNGs here)"
	exit 0
fi

# png.py make W H stripes|plain FILE...: RGB PNGs of W x H pixels.
# png.py check FILE W H: "ok COLOURS" when FILE is a W x H PNG, else what is
# wrong with it.  Only zlib: no imaging library is needed.
# png.py links PAGE: every href and src of PAGE that is not relative or
# whose file is not beside PAGE, one a line.
cat > png.py <<'EOF'
import html.parser, os, struct, sys, urllib.parse, zlib

def chunk(kind, body):
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))

def make(path, w, h, kind):
    rows = bytearray()
    for y in range(h):
        rows += b'\0'
        if kind == 'plain':
            rows += b'\xff' * (3 * w)
        else:
            rows += bytes(v for x in range(w) for v in (x * 7 % 256, y * 5 % 256, (x + y) % 256))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(bytes(rows))) + chunk(b'IEND', b''))

def unfilter(f, row, prev, bpp):
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1:
            row[i] = (row[i] + a) & 255
        elif f == 2:
            row[i] = (row[i] + b) & 255
        elif f == 3:
            row[i] = (row[i] + ((a + b) >> 1)) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255

def check(path, want_w, want_h):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        return 'not a PNG'
    pos, idat, hdr = 8, [], None
    while pos + 8 <= len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        if kind == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', data[pos + 8:pos + 8 + n])
        elif kind == b'IDAT':
            idat.append(data[pos + 8:pos + 8 + n])
        pos += 12 + n
    if hdr is None:
        return 'no IHDR chunk'
    w, h, depth, colour, _, _, interlace = hdr
    if (w, h) != (want_w, want_h):
        return '%dx%d pixels, not %dx%d' % (w, h, want_w, want_h)
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or bpp is None or interlace:
        return 'bit depth %d, colour type %d, interlace %d: not read here' % (depth, colour, interlace)
    raw = zlib.decompress(b''.join(idat))
    stride = w * bpp
    prev, colours = bytearray(stride), set()
    for y in range(h):
        start = y * (stride + 1)
        f, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if f > 4:
            return 'row %d: filter %d' % (y, f)
        if f:
            unfilter(f, row, prev, bpp)
        colours.update(zip(*(row[i::bpp] for i in range(bpp))))
        prev = row
    return 'ok %d' % len(colours)

class Links(html.parser.HTMLParser):
    def __init__(self, folder):
        super().__init__()
        self.folder, self.bad = folder, []
    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name not in ('href', 'src') or value.startswith('#'):
                continue
            parts = urllib.parse.urlsplit(value)
            path = urllib.parse.unquote(parts.path)
            if parts.scheme or parts.netloc or path.startswith('/') or '..' in path.split('/'):
                self.bad.append('not relative: ' + value)
            elif not os.path.isfile(os.path.join(self.folder, path)):
                self.bad.append('no such file: ' + value)

if sys.argv[1] == 'make':
    for path in sys.argv[5:]:
        make(path, int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
elif sys.argv[1] == 'check':
    print(check(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
else:
    p = Links(os.path.dirname(os.path.abspath(sys.argv[2])))
    p.feed(open(sys.argv[2], encoding='utf-8').read())
    print('\n'.join(p.bad))
EOF

# sections PAGE: "NAME CLASS" for each figure section of a page as written.
# loaded DOM: "NAME yes|no" for each figure of the DOM the browser dumped.
sections() {
	sed -n 's/^<section class="\([^"]*\)" id="[^"]*" data-figure="\([^"]*\)".*/\2 \1/p' "$1"
}
loaded() {
	sed -n 's/^<section class="[^"]*" id="[^"]*" data-figure="\([^"]*\)" data-loaded="\([a-z]*\)".*/\1 \2/p' "$1"
}
# summary DOM: "N M" from the page's "N of M figures loaded".
summary() {
	sed -n 's/.*<p id="loaded"[^>]* data-loaded="\([0-9]*\)" data-figures="\([0-9]*\)".*/\1 \2/p' "$1"
}
# oneline FILE: FILE on one line, for a FAIL line.
oneline() { tr '\n' ' ' < "$1"; }
# noise_less FILE: the last lines chromium wrote to stderr, less what it
# always says in a container (no D-Bus; the Debian wrapper's /dev/shm test).
noise_less() {
	grep -v -e dbus -e 'unexpected operator' -e 'bytes written' "$1" | tail -n 2 | tr '\n' ' '
}
# caption PAGE NAME: the caption line of NAME's section.
caption() {
	awk -v n="$2" '$0 ~ "^<section .* data-figure=\"" n "\"" { s = 1 } s && /^<p class="caption">/ { print; exit }' "$1"
}

# usage: each is refused with exit 2 and one line.
bad=""
mkdir empty
for args in "" "nowhere" "empty --command" "empty --left-out" "empty --colour red"; do
	# shellcheck disable=SC2086
	"$TOP/scripts/gallery" $args >/dev/null 2>err.txt
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l < err.txt)" -eq 1 ] || bad="$bad '$args': exit $rc $(oneline err.txt);"
done
if [ -z "$bad" ] && [ ! -e empty/index.html ]; then
	pass usage
else
	fail usage "$bad"
fi

# A planted checkout: scripts/gallery finds plots/ beside itself.
mkdir -p tree/scripts tree/plots crafted/tables crafted/data
cp "$TOP/scripts/gallery" tree/scripts/
printf '%s\n' '# common.gp: loaded by the others; draws nothing.' 'set grid' > tree/plots/common.gp
printf '%s\n' '# alpha.gp: the first line <b>bold</b> & `code`,' '# and  the second, "quoted".' \
	'name = "alpha"' > tree/plots/alpha.gp
for n in beta gamma delta; do
	printf '%s\n' "# $n.gp: figure $n." "name = \"$n\"" > tree/plots/$n.gp
done
python3 png.py make 40 30 stripes crafted/alpha.png crafted/beta.png crafted/alpha-column.png \
	'crafted/odd "name" <1>.png'
echo %PDF > crafted/alpha.pdf; echo %PDF > crafted/alpha-column.pdf; echo %PDF > crafted/gamma.pdf
: > crafted/empty.png
echo '1 2' > crafted/data/alpha.tab; echo '| a |' > crafted/summary.md; echo '| b |' > crafted/tables/modes.md
# A result file whose name and command carry markup characters.
: > 'crafted/run <x>.csv'
printf 'run_id=r\ncommand=build/efbench --filter "a<b" & more\n' > 'crafted/run <x>.meta'
tree/scripts/gallery crafted --command "make figures <script>alert('x')</script> & \"q\"" \
	--left-out delta 'crafted/run <x>.csv' >out.txt 2>err.txt
rc=$?
page=crafted/index.html
got=$(sections "$page" | tr '\n' ',')
want='alpha figure,beta figure,delta left-out,empty figure missing,gamma figure missing,odd "name" <1> figure,'
# The name is written escaped; sections() reads it as written.
want=$(echo "$want" | sed 's/"name" <1>/\&quot;name\&quot; \&lt;1\&gt;/')
if [ $rc -eq 1 ] && [ "$got" = "$want" ] && grep -q 'gamma.png is missing' err.txt &&
   grep -q 'empty.png is empty' err.txt && ! grep -q 'delta' err.txt; then
	pass crafted_sections
else
	fail crafted_sections "exit $rc, sections '$got', not '$want': $(oneline err.txt)"
fi

c=$(caption "$page" alpha)
want='<p class="caption">The first line &lt;b&gt;bold&lt;/b&gt; &amp; <code>code</code>, and the second, &quot;quoted&quot;.</p>'
if [ "$c" = "$want" ] && caption "$page" beta | grep -qx '<p class="caption">Figure beta.</p>' &&
   caption "$page" empty | grep -q '(no plots/empty.gp)'; then
	pass crafted_captions
else
	fail crafted_captions "alpha: '$c', beta: '$(caption "$page" beta)'"
fi

links=$(grep -o 'href="[^"#][^"]*"' "$page" | tr '\n' ' ')
bad=$(python3 png.py links "$page")
for f in alpha.pdf alpha-column.pdf alpha-column.png data/alpha.tab summary.md tables/modes.md; do
	case "$links" in *"href=\"$f\""*) ;; *) bad="$bad no link to $f;" ;; esac
done
grep -q 'src="odd%20%22name%22%20%3C1%3E.png"' "$page" || bad="$bad odd name not percent-encoded"
sections "$page" | grep -q -- '-column' && bad="$bad a -column file has its own section"
if [ -z "$bad" ]; then
	pass crafted_links_relative
else
	fail crafted_links_relative "$(printf '%s' "$bad" | tr '\n' ' ')"
fi

# Nothing given in the command or read from a .meta reaches the page as
# markup: each is there, escaped.
if ! grep -q -e '<script>alert' -e '<x>' -e 'a<b' -e '"q"' "$page" &&
   grep -qF "make figures &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;" "$page" &&
   grep -qF '<code>crafted/run &lt;x&gt;.csv</code>: <code>build/efbench --filter &quot;a&lt;b&quot; &amp; more</code>' "$page"; then
	pass crafted_escaped
else
	fail crafted_escaped "$(grep -n -e 'script' -e 'run ' "$page" | head -n 5 | tr '\n' ' ')"
fi

# The real figures, as make figures draws them.
real=""
if ! have gnuplot; then
	echo "SKIP $SUITE/real_page: gnuplot not installed (make deps installs it)"
elif ! "$TOP/scripts/plots" -o "$tmp/fig" "$TOP"/results/examples/*.csv >out.txt 2>err.txt; then
	fail real_page "scripts/plots: $(tail -n 3 err.txt | tr '\n' ' ')"
else
	# One machine's examples: no machines figure (the example campaign's
	# is drawn apart, into build/figures/campaign).
	"$TOP/scripts/gallery" fig --command 'make figures' --left-out machines "$TOP"/results/examples/*.csv >out.txt 2>err.txt
	rc=$?
	pngs=""
	for f in fig/*.png; do
		case "$f" in *-column.png) ;; *) f=${f#fig/}; pngs="$pngs${f%.png} " ;; esac
	done
	got=$(sections fig/index.html | grep -v ' left-out$' | sed 's/ figure$//' | tr '\n' ' ')
	bad=$(python3 png.py links fig/index.html)
	for n in $pngs; do
		c=$(caption fig/index.html "$n")
		case "$c" in *'>('*|'') bad="$bad $n: no caption;" ;; esac
	done
	meta=$(sed -n 's/^command=//p' "$TOP/results/examples/dev-host.meta")
	grep -qF "<code>results/examples/dev-host.csv</code>: <code>$meta</code>" fig/index.html ||
		bad="$bad dev-host.meta's command is not listed;"
	if [ $rc -eq 0 ] && [ -n "$pngs" ] && [ "$got" = "$pngs" ] && [ -z "$bad" ]; then
		pass real_page
		real=fig
	else
		fail real_page "exit $rc, sections '$got', PNGs '$pngs': $(printf '%s' "$bad" | tr '\n' ' ') $(oneline err.txt)"
	fi
fi

if ! have chromium; then
	echo "SKIP $SUITE/browser: chromium not installed (make deps installs it)"
	exit 0
fi
# browse PAGE SHOT: the DOM once the page has loaded, on stdout, and a
# screenshot of its top.  The virtual time budget lets the load handler run
# before the DOM is dumped.
W=1280 H=1200
browse() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
		--virtual-time-budget=5000 --window-size=$W,$H --screenshot="$2" --dump-dom "file://$1" \
		2>>chromium.err
}

# shot_problem FILE: what makes FILE no screenshot of a drawn page (not a
# W x H PNG, or fewer than 16 colours: a blank or one-colour page); nothing
# when it is one.
shot_problem() {
	shot=$(python3 png.py check "$1" $W $H 2>&1)
	case "$shot" in
	"ok "*) [ "${shot#ok }" -ge 16 ] || echo "$1 has ${shot#ok } colours" ;;
	*) echo "$1: $shot" ;;
	esac
}
# The check must tell a one-colour image from a drawn one.
python3 png.py make $W $H plain plain.png
why=$(shot_problem plain.png)
if [ -n "$why" ]; then
	pass browser_checker_rejects_plain
else
	fail browser_checker_rejects_plain "a one-colour $W x H PNG passes as a screenshot"
fi

if [ -n "$real" ]; then
	rm -f shot.png
	browse "$tmp/fig/index.html" "$tmp/shot.png" > dom.html
	n=$(echo "$pngs" | wc -w)
	got=$(summary dom.html)
	why=$(shot_problem shot.png)
	if [ "$got" = "$n $n" ] && ! loaded dom.html | grep -qv ' yes$' &&
	   [ "$(loaded dom.html | wc -l)" -eq "$n" ] && [ -z "$why" ]; then
		pass browser_real_all_loaded
	else
		fail browser_real_all_loaded "loaded and figures '$got', $n PNGs; screenshot: $why; $(noise_less chromium.err)"
	fi
else
	echo "SKIP $SUITE/browser_real_all_loaded: no real figures (real_page above says why)"
fi

# Planted: gamma's and empty's PNGs were missing when the page was written;
# beta's goes now.  The left-out figure is not counted.
rm crafted/beta.png
browse "$tmp/crafted/index.html" "$tmp/shot2.png" > dom2.html
got=$(summary dom2.html)
states=$(loaded dom2.html | tr '\n' ',')
want='alpha yes,beta no,empty no,gamma no,odd &quot;name&quot; &lt;1&gt; yes,'
if [ "$got" = "2 5" ] && [ "$states" = "$want" ]; then
	pass browser_missing_not_loaded
else
	fail browser_missing_not_loaded "loaded and figures '$got', '$states' not '$want'; $(noise_less chromium.err)"
fi
