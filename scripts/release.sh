#!/usr/bin/env bash
# Builds the Linux installer (.deb) with the size-tuned `dist` profile and proves it:
# `dpkg-deb --info` shows its dependencies, it installs on this machine, and the installed app
# starts under Xvfb (its database is created in a fresh data folder, its bundled fonts are in
# place). Prints the installer's size. Not part of the test command: the dist build (LTO, one
# codegen unit) takes a long time on 2 cores.
#
# Usage: bash scripts/release.sh [--keep-installed]
# Signing: with TAURI_SIGNING_PRIVATE_KEY_PATH (and TAURI_SIGNING_PRIVATE_KEY_PASSWORD) set, the
# .deb is signed for the updater (a .sig recording the version) and latest.json is written beside
# it. Make the key pair once with
#   ui/node_modules/.bin/tauri signer generate -w ~/.gradsign-release/updater.key
# keep the private key out of the repository, and put the .pub file's content in tauri.conf.json
# (plugins.updater.pubkey).
# AppImage (its bundler downloads linuxdeploy), Windows and macOS installers are built on their
# own machines: see the README's "Installers" section.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
keep=no
[ "${1:-}" = "--keep-installed" ] && keep=yes

bash scripts/setup.sh all
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
fi
target_dir="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TARGET_DIR="$target_dir"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)

echo "release: building GradSign $version (.deb, profile dist)"
# `tauri build` runs the UI build (beforeBuildCommand), compiles with --profile dist and bundles.
ui/node_modules/.bin/tauri build --ci --bundles deb -- --profile dist --package gradsign-desktop
deb=$(ls -t "$target_dir"/dist/bundle/deb/GradSign_"$version"_*.deb | head -n1)
[ -f "$deb" ] || { echo "release: no .deb was produced" >&2; exit 1; }

echo "release: $deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
pkg=$(dpkg-deb --field "$deb" Package)
depends=$(dpkg-deb --field "$deb" Depends)
recommends=$(dpkg-deb --field "$deb" Recommends)
case "$depends" in *libwebkit2gtk-4.1-0*) ;; *) echo "release: Depends lacks WebKitGTK 4.1: $depends" >&2; exit 1 ;; esac
case "$recommends" in *fonts-noto-cjk*) ;; *) echo "release: Recommends lacks fonts-noto-cjk: $recommends" >&2; exit 1 ;; esac
contents=$(dpkg-deb --contents "$deb")
grep -q 'fonts/NotoSerifCJK-Regular.ttc' <<<"$contents" \
  || { echo "release: the bundled font is missing from the .deb" >&2; exit 1; }

if [ -n "${TAURI_SIGNING_PRIVATE_KEY_PATH:-}" ]; then
  cargo build --quiet -p gradsign-e2e --bin sign-update
  sig=$("$target_dir/debug/sign-update" --version "$version" "$deb")
  name=$(basename "$deb")
  python3 - "$version" "$(cat "$sig")" "$name" > "$(dirname "$deb")/latest.json" <<'PY'
import json, sys, datetime
version, signature, name = sys.argv[1:4]
entry = {"signature": signature, "url": f"https://updates.gradsign.org/{name}"}
print(json.dumps({"version": version, "notes": "", "pub_date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "platforms": {"linux-x86_64-deb": entry}}, indent=2))
PY
  echo "release: signed $sig; manifest $(dirname "$deb")/latest.json"
fi

echo "release: installing it on this machine"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$deb" >/dev/null
bin=/usr/bin/gradsign-desktop
[ -x "$bin" ] || { echo "release: $bin is not installed" >&2; exit 1; }
installed=$(dpkg -L "$pkg")
fonts=$(grep 'fonts/NotoSerifCJK-Regular.ttc' <<<"$installed" | head -n1)
[ -f "$fonts" ] || { echo "release: the installed font is missing" >&2; exit 1; }

echo "release: starting the installed app under Xvfb"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(
  export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/runtime" GRADSIGN_UPDATE_ENDPOINT=https://127.0.0.1:9/latest.json
  mkdir -p "$HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
    "$0" --data-dir "$1/data" & pid=$!
    for _ in $(seq 300); do [ -f "$1/data/gradsign.sqlite3" ] && break; sleep 0.1; done
    sleep 3
    alive=no; kill -0 $pid 2>/dev/null && alive=yes
    kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
    [ -f "$1/data/gradsign.sqlite3" ] || { echo "release: the installed app created no database" >&2; exit 1; }
    [ $alive = yes ] || { echo "release: the installed app exited early" >&2; exit 1; }
  ' "$bin" "$tmp"
)
echo "release: the installed app started and created its database"

if [ $keep = no ]; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -q "$pkg" >/dev/null
fi
size=$(stat -c %s "$deb")
echo "release: installer $(basename "$deb"): $size bytes ($(( size / 1024 / 1024 )) MiB)"
