#!/usr/bin/env bash
# Compares, in one run on the same inputs:
#   1. scan compression of a 12-MP phone photo of an A4 page: GradSign (compress_scan) vs
#      vipsthumbnail vs ImageMagick — wall time (median of N runs, one process per run, as a
#      CLI would), peak memory (/usr/bin/time -v), output bytes and SSIM against a Lanczos3
#      downscale of the upright original to the same size;
#   2. the agreement PDF: render_agreement (cold process incl. font parsing, and warm) vs
#      headless Chromium --print-to-pdf of the same agreement as HTML — time and bytes.
# Prints ratios (GradSign / other). Needs: bash scripts/setup.sh (libvips-tools, imagemagick,
# poppler-utils, chromium, fonts-noto-cjk).
# Usage: bash scripts/bench-documents.sh [RUNS]   (default 5)
#        PHOTO=/path/to/real-photo.jpg bash scripts/bench-documents.sh   (use a real photo)
set -euo pipefail
runs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
# ImageMagick 6's own binary (a stand-in `convert` may come first on PATH).
magick=/usr/bin/convert
for tool in vipsthumbnail "$magick" chromium pdftoppm /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool: bash scripts/setup.sh" >&2; exit 2; }
done

echo "building release examples…" >&2
cargo build -q --release --manifest-path "$root/crates/documents/Cargo.toml" --examples
ex=$CARGO_TARGET_DIR/release/examples
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The input: our sample agreement, printed at 300 DPI, photographed (see examples/make_photo.rs).
"$ex/render" sample.pdf 2>/dev/null
if [ -n "${PHOTO:-}" ]; then
  cp "$PHOTO" photo.jpg
else
  pdftoppm -r 300 -gray -png -singlefile -f 1 -l 1 sample.pdf page
  "$ex/make_photo" page.png photo.jpg
fi

now_ms() { date +%s%N | awk '{printf "%.1f", $1/1e6}'; }
# median wall time in ms of running "$@" $runs times
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(now_ms); "$@" >/dev/null 2>&1; t1=$(now_ms)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}
peak_kb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/{gsub(/ /,"",$2); print $2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b == 0) print "n/a"; else printf "%.2f", a/b }'; }

ours=("$ex/compress" photo.jpg ours.jpg)
vips=(vipsthumbnail photo.jpg -s 2339 -o "$work/vips.jpg[Q=75,strip]")
im=("$magick" photo.jpg -auto-orient -resize 2339x2339 -sampling-factor 4:2:0 -quality 75 -strip im.jpg)

# Runs are interleaved (ours, vips, im, ours, …) so that load from other processes on the
# machine falls on every tool alike.
declare -A t m b s all
for _ in $(seq "$runs"); do
  for name in ours vips im; do
    declare -n cmd=$name
    t0=$(now_ms); "${cmd[@]}" >/dev/null 2>&1; t1=$(now_ms)
    all[$name]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') "
    unset -n cmd
  done
done
for name in ours vips im; do
  declare -n cmd=$name
  t[$name]=$(printf '%s\n' ${all[$name]} | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  m[$name]=$(peak_kb "${cmd[@]}")
  unset -n cmd
done
b[ours]=$(stat -c %s ours.jpg); b[vips]=$(stat -c %s vips.jpg); b[im]=$(stat -c %s im.jpg)
while read -r file value; do s[${file%.jpg}]=$value; done < <("$ex/ssim" photo.jpg ours.jpg vips.jpg im.jpg)

echo
echo "== Scan compression: $(identify -format '%wx%h' photo.jpg 2>/dev/null || echo 12-MP) JPEG, $(stat -c %s photo.jpg) bytes, median of $runs runs =="
printf '%-14s %10s %12s %10s %8s %10s\n' tool "time ms" "peak KB" bytes SSIM size
for name in ours vips im; do
  printf '%-14s %10s %12s %10s %8s %10s\n' "$name" "${t[$name]}" "${m[$name]}" "${b[$name]}" "${s[$name]}" \
    "$(identify -format '%wx%h' "$name.jpg" 2>/dev/null || echo ?)"
done
for other in vips im; do
  echo "ours/$other: time $(ratio "${t[ours]}" "${t[$other]}")  memory $(ratio "${m[ours]}" "${m[$other]}")  bytes $(ratio "${b[ours]}" "${b[$other]}")  SSIM $(ratio "${s[ours]}" "${s[$other]}")"
done

# The PDF.
"$ex/agreement_html" agreement.html
chrome=(chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --no-pdf-header-footer)
chrome_run() { rm -rf "$work/chrome-profile"; "${chrome[@]}" --user-data-dir="$work/chrome-profile" --print-to-pdf="$work/chrome.pdf" "file://$work/agreement.html"; }
ours_pdf=("$ex/render" ours.pdf)
t_ours_pdf=$(median_ms "${ours_pdf[@]}")
m_ours_pdf=$(peak_kb "${ours_pdf[@]}")
t_chrome=$(median_ms chrome_run)
warm=$("$ex/render" warm.pdf --repeat 50 2>&1 | sed -n 's/.*render \([0-9.]*\) ms\/doc.*/\1/p')
b_ours_pdf=$(stat -c %s ours.pdf); b_chrome=$(stat -c %s chrome.pdf)
echo
echo "== Agreement PDF (sample agreement), median of $runs runs =="
printf '%-26s %10s %10s %s\n' renderer "time ms" bytes fonts
printf '%-26s %10s %10s %s\n' "ours, cold process" "$t_ours_pdf" "$b_ours_pdf" "$(pdffonts ours.pdf | tail -n +3 | awk '{print $2"/"$(NF-4)"/"$(NF-3)}' | sort | uniq -c | tr -s ' ' | paste -sd, -)"
printf '%-26s %10s %10s\n' "ours, warm (fonts parsed)" "$warm" "$b_ours_pdf"
printf '%-26s %10s %10s %s\n' "chromium --print-to-pdf" "$t_chrome" "$b_chrome" "$(pdffonts chrome.pdf | tail -n +3 | awk '{print $2"/"$(NF-4)"/"$(NF-3)}' | sort | uniq -c | tr -s ' ' | paste -sd, -)"
echo "ours peak memory (cold): ${m_ours_pdf} KB"
echo "ours/chromium: time cold $(ratio "$t_ours_pdf" "$t_chrome")  time warm $(ratio "$warm" "$t_chrome")  bytes $(ratio "$b_ours_pdf" "$b_chrome")"
