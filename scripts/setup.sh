#!/usr/bin/env bash
# Installs every system package the project needs to build and test, on Debian 12 / Ubuntu.
# Idempotent and quiet: packages already present are not touched; apt-get update runs at most once.
# Usage: bash scripts/setup.sh [build|test|bench|all]   (default: all)
set -euo pipefail
what=${1:-all}

build_pkgs=(build-essential pkg-config libssl-dev nasm cmake
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev file librsvg2-bin
  fonts-noto-cjk)
# fonts-noto-cjk is a build package too: the app bundles its SC faces as resources (tauri.conf.json).
test_pkgs=(postgresql openssl python3-venv curl poppler-utils zbar-tools libvips-tools imagemagick chromium
  xvfb xauth webkit2gtk-driver dbus gnome-keyring libsecret-tools xdotool)
# scripts/bench-server.sh: PostgreSQL with psql and pgbench (Debian ships pgbench in the server package),
# jq for the reports, perf for profiling the server.
bench_pkgs=(postgresql jq linux-perf)

case "$what" in
  build) pkgs=("${build_pkgs[@]}") ;;
  test) pkgs=("${test_pkgs[@]}") ;;
  bench) pkgs=("${bench_pkgs[@]}") ;;
  all) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
