#!/usr/bin/env bash
# End-to-end tests of the desktop app in its real window (WebKitGTK under Xvfb, driven through
# WebDriver: tauri-driver + WebKitWebDriver), plus the keychain test against a real Secret Service
# (gnome-keyring, unlocked, on a private D-Bus session bus).
#
# Usage: bash scripts/e2e.sh [extra args for the e2e test binary, e.g. a test name]
# Installs what it needs: system packages (scripts/setup.sh), tauri-driver, the UI's npm packages.
# Honours CARGO_TARGET_DIR. HOME and the XDG folders point into a temporary folder while the app
# runs, so nothing is written to the user's own profile or keychain.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/setup.sh

# Cargo and rustup keep working after HOME moves.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export PATH="$CARGO_HOME/bin:$PATH"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TARGET_DIR="$target_dir"

if ! command -v tauri-driver >/dev/null; then
  echo "e2e: installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

echo "e2e: building the UI, the app and the tests (scripts/build.sh: the selection every script shares)"
bash scripts/build.sh
source scripts/build.sh --set
# The e2e crate's test targets: selecting targets (not packages) keeps the features, so nothing rebuilds.
e2e_targets=()
for f in tests/tests/*.rs; do e2e_targets+=(--test "$(basename "$f" .rs)"); done
# The set without its targets: the keychain test is the desktop's lib test, the rest the e2e crate's.
export E2E_KEYCHAIN_ARGS="--workspace --features gradsign-desktop/custom-protocol --lib"
export E2E_TEST_ARGS="--workspace --features gradsign-desktop/custom-protocol ${e2e_targets[*]}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"

export GRADSIGN_APP_BIN="$target_dir/debug/gradsign-desktop"
export TAURI_DRIVER="$(command -v tauri-driver)"
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime"
unset DBUS_SESSION_BUS_ADDRESS GRADSIGN_DATA_DIR
# The start-up update check asks a closed local port, never the internet (the update test serves
# its own manifest).
export GRADSIGN_UPDATE_ENDPOINT="${GRADSIGN_UPDATE_ENDPOINT:-http://127.0.0.1:9/latest.json}"

# Inside: an unlocked gnome-keyring on the private bus (its pid kept, ended at the end), then the
# keychain test, then the e2e tests one at a time (each app gets free driver ports of its own, but
# two windows at once compete for Xvfb's keyboard focus and these two cores), every test binary run
# even when an earlier one fails (--no-fail-fast), so one failure does not hide the others.
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
  set -euo pipefail
  printf pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  keyring_pid=$!
  trap "kill $keyring_pid 2>/dev/null || true" EXIT
  for _ in $(seq 50); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true && break
    sleep 0.1
  done
  GRADSIGN_KEYCHAIN_TEST=1 cargo test --quiet $E2E_KEYCHAIN_ARGS session_store
  cargo test $E2E_TEST_ARGS --no-fail-fast -- --ignored --test-threads=1 "$@"
' e2e "$@"
