#!/usr/bin/env bash
# Renders icons/icon.svg (the one source) into every icon the Tauri bundler asks for:
# 8-bit RGBA PNGs (32, 128, 128@2x, 256, 512, icon.png), icon.ico and icon.icns.
# Needs rsvg-convert (librsvg2-bin) and ImageMagick's convert; `bash scripts/setup.sh` installs both.
# The outputs are committed; run this again only after changing the SVG.
set -euo pipefail
cd "$(dirname "$0")/../icons"
png() { # size output
  rsvg-convert -w "$1" -h "$1" icon.svg -o "$2.tmp.png"
  convert "$2.tmp.png" -define png:color-type=6 -depth 8 "PNG32:$2"
  rm -f "$2.tmp.png"
}
png 32 32x32.png
png 128 128x128.png
png 256 128x128@2x.png
png 256 256x256.png
png 512 512x512.png
png 512 icon.png
# Windows: one .ico holding the usual sizes.
for s in 16 24 48 64; do png "$s" "ico-$s.png"; done
convert ico-16.png ico-24.png 32x32.png ico-48.png ico-64.png 256x256.png icon.ico
rm -f ico-*.png
# macOS: .icns written by hand (ImageMagick cannot write it): big-endian 'icns' + length, then
# one chunk per PNG with its OSType (ic07 128, ic08 256, ic09 512).
python3 - <<'PY'
import struct
chunks = b""
for ostype, name in ((b"ic07", "128x128.png"), (b"ic08", "256x256.png"), (b"ic09", "512x512.png")):
    data = open(name, "rb").read()
    chunks += ostype + struct.pack(">I", 8 + len(data)) + data
open("icon.icns", "wb").write(b"icns" + struct.pack(">I", 8 + len(chunks)) + chunks)
PY
file ./*.png | sed 's/^/icons: /'
