#!/usr/bin/env bash
# R-OFFSIGN-04 on real pictures: the print copies of two issued offline agreements of the demo
# school, rendered by pdftoppm at 150 dpi, a red stamp drawn over a corner, then made to look like
# phone photos (perspective, page on a grey table, 3000×4000, blur, rotated with the rotation left
# to the EXIF orientation, JPEG at quality 70). Each photo of the first agreement is checked with
# `gradsign agreement check-page --against first.pdf` (the engine's path: compressed image first,
# then the photo as it came); its QR must be read on at least 95% of them, and every photo of the
# second agreement must be refused as another agreement's. Prints the rate and the time per page.
#
#   bash scripts/qr-photos.sh [N]     N photos of each agreement (default 40); the test command
#                                     runs a short form (scripts/test.sh)
# Needs the workspace built (scripts/build.sh) and ImageMagick, poppler (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-40}"
bin="${CARGO_TARGET_DIR:-target}/debug/gradsign"
[ -x "$bin" ] || { echo "qr-photos: $bin is not built (bash scripts/build.sh)" >&2; exit 1; }
for tool in convert pdftoppm python3; do
  command -v "$tool" > /dev/null || { echo "qr-photos: $tool is missing (bash scripts/setup.sh test)" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="$work/demo.sqlite3"
"$bin" --db "$db" demo > /dev/null
# The demo's issued offline agreements (R-OFFSIGN-03), in order: the first two are the subjects.
mapfile -t numbers < <(python3 - "$db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for (n,) in c.execute("SELECT agreement_number FROM items WHERE kind = 'offline_signing' AND state IN ('approved_for_print', 'stamped_submitted', 'stamped_returned') ORDER BY id LIMIT 2"):
    print(n)
EOF
)
[ "${#numbers[@]}" -eq 2 ] || { echo "qr-photos: the demo has no two issued offline agreements" >&2; exit 1; }
for k in 0 1; do
  "$bin" --db "$db" agreement render --number "${numbers[$k]}" --out "$work/agreement$k.pdf" > /dev/null
  pdftoppm -r 150 -png "$work/agreement$k.pdf" "$work/page$k"
done

# Makes photo $3 of page image $2 with the deterministic variation $1.
photo() {
  python3 - "$1" "$2" "$3" <<'EOF'
import random, subprocess, sys
seed, page, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
r = random.Random(seed)
w, h = map(int, subprocess.check_output(["identify", "-format", "%w %h", page]).split())
# A red round stamp over a corner (never the QR's bottom right one).
corner = r.choice([(0.12, 0.1), (0.88, 0.1), (0.14, 0.88), (0.62, 0.86)])
cx, cy, rad = int(corner[0] * w), int(corner[1] * h), int(w * r.uniform(0.08, 0.12))
# The page seen at an angle: each corner moved inwards by up to 6% of the page.
j = lambda s: int(s * r.uniform(0.0, 0.06))
quad = f"0,0 {j(w)},{j(h)}  {w},0 {w - j(w)},{j(h)}  {w},{h} {w - j(w)},{h - j(h)}  0,{h} {j(w)},{h - j(h)}"
blur = r.uniform(0.3, 1.2)
rotation = r.choice([0, 90, 180, 270])
subprocess.check_call([
    "convert", page,
    "-fill", "none", "-stroke", "#c8102e", "-strokewidth", "6",
    "-draw", f"circle {cx},{cy} {cx + rad},{cy}",
    "-draw", f"circle {cx},{cy} {cx + int(rad * 0.8)},{cy}",
    "-virtual-pixel", "background", "-background", "#8a8a84",
    "-distort", "Perspective", quad,
    "-resize", "2800x3800", "-gravity", "center", "-extent", "3000x4000",
    "-blur", f"0x{blur:.2f}",
    "-rotate", str(360 - rotation) if rotation else "0",
    "-strip", "-quality", "70", out,
])
# The camera stored the picture turned and the EXIF orientation says how to turn it back.
orientation = {0: 1, 90: 6, 180: 3, 270: 8}[rotation]
exif = (b"\xFF\xE1\x00\x22Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01"
        + bytes([0, orientation]) + b"\x00\x00\x00\x00\x00\x00")
data = open(out, "rb").read()
open(out, "wb").write(data[:2] + exif + data[2:])
EOF
}

pages0=("$work"/page0-*.png)
pages1=("$work"/page1-*.png)
read_ok=0
refused=0
started=$(date +%s.%N)
for i in $(seq 1 "$n"); do
  photo "$i" "${pages0[$(( (i - 1) % ${#pages0[@]} ))]}" "$work/own$i.jpg"
  photo "$((1000 + i))" "${pages1[$(( (i - 1) % ${#pages1[@]} ))]}" "$work/other$i.jpg"
done
made=$(date +%s.%N)
for i in $(seq 1 "$n"); do
  verdict="$("$bin" agreement check-page --against "$work/agreement0.pdf" "$work/own$i.jpg" || true)"
  case "$verdict" in
    "match ${numbers[0]}") read_ok=$((read_ok + 1)) ;;
    *) echo "qr-photos: photo $i of ${numbers[0]}: $verdict" ;;
  esac
  verdict="$("$bin" agreement check-page --against "$work/agreement0.pdf" "$work/other$i.jpg" || true)"
  case "$verdict" in
    "other agreement"*) refused=$((refused + 1)) ;;
    "no qr found") ;;
    *) echo "qr-photos: photo $i of ${numbers[1]} was not refused: $verdict" >&2; exit 1 ;;
  esac
done
finished=$(date +%s.%N)
python3 - "$n" "$read_ok" "$refused" "$started" "$made" "$finished" <<'EOF'
import math, sys
n, ok, refused = map(int, sys.argv[1:4])
started, made, finished = map(float, sys.argv[4:7])
per_page = (finished - made) / (2 * n)
print(f"qr-photos: QR read on {ok}/{n} photos ({100 * ok / n:.1f}%), another agreement's page refused "
      f"{refused}/{n} (the rest: no QR found, kept and flagged); {per_page:.2f} s per page checked "
      f"(compress + read, debug build), {(made - started) / (2 * n):.2f} s per photo made")
need = math.ceil(0.95 * n)
if ok < need:
    print(f"qr-photos: fewer than 95% read ({ok} < {need})", file=sys.stderr)
    sys.exit(1)
EOF
