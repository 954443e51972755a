#!/usr/bin/env bash
# Starts the GradSign desktop app on this machine with its embedded SQLite database (in the OS
# app-data folder; an empty one offers the demo school). Installs what it needs first.
# Usage: bash scripts/run.sh [--data-dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
fi
npm --prefix ui run build --silent >/dev/null
exec cargo run --release -p gradsign-desktop --features custom-protocol -- "$@"
