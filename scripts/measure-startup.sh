#!/usr/bin/env bash
# Start-up figures of the desktop app (issue 4): the time from launch to the first interactive
# screen, and after 10 s idle the memory of all the app's processes (the app and WebKit's
# WebProcess and NetworkProcess), as PSS summed from /proc/PID/smaps_rollup.
#
# Usage: bash scripts/measure-startup.sh [--release | --app PATH] [--runs N]
# Builds the UI and the app (debug with the UI served from the app, like the e2e tests; --release
# for the optimised build), then for each of two data folders — empty (the first-start screen) and
# the demo school (the sign-in screen) — starts the app N times (default 3) under Xvfb through
# tauri-driver + WebKitWebDriver and polls the screen's data-testid. Prints one line per run and
# the medians. --app measures an app binary built already (e.g. target/dist/gradsign-desktop from
# scripts/release.sh) without building. Not part of scripts/test.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

profile=debug
runs=3
app=
while [ $# -gt 0 ]; do
  case "$1" in
    --release) profile=release ;;
    --app) app=$(realpath "$2"); shift ;;
    --runs) runs=$2; shift ;;
    *) echo "usage: $0 [--release | --app PATH] [--runs N]" >&2; exit 2 ;;
  esac
  shift
done

bash scripts/setup.sh test >/dev/null
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export PATH="$CARGO_HOME/bin:$PATH"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked --quiet

if [ -z "$app" ]; then
  echo "measure: building the UI and the app ($profile)"
  [ -d ui/node_modules ] || npm --prefix ui ci --no-audit --no-fund --loglevel=error
  npm --prefix ui run build --silent >/dev/null
  if [ "$profile" = release ]; then
    cargo build --quiet --release -p gradsign-desktop --features custom-protocol
  else
    cargo build --quiet -p gradsign-desktop --features custom-protocol
  fi
  app="$target_dir/$profile/gradsign-desktop"
fi
cargo build --quiet -p gradsign-cli

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/runtime" "$tmp/empty" "$tmp/demo"
chmod 700 "$tmp/runtime"
echo "measure: making the demo school"
"$target_dir/debug/gradsign" --db "$tmp/demo/gradsign.sqlite3" demo >/dev/null

export MEASURE_APP="$app" MEASURE_RUNS="$runs" MEASURE_TMP="$tmp"
export MEASURE_PORT="${MEASURE_PORT:-4460}"  # tauri-driver; WebKitWebDriver gets the next port
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/runtime"
export GRADSIGN_UPDATE_ENDPOINT="http://127.0.0.1:9/latest.json"
unset DBUS_SESSION_BUS_ADDRESS GRADSIGN_DATA_DIR

xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
  set -euo pipefail
  printf pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  keyring_pid=$!
  trap "kill $keyring_pid 2>/dev/null || true" EXIT
  python3 - <<"PY"
import json, os, shutil, signal, statistics, subprocess, time, urllib.error, urllib.request

app = os.environ["MEASURE_APP"]
runs = int(os.environ["MEASURE_RUNS"])
tmp = os.environ["MEASURE_TMP"]
port = int(os.environ["MEASURE_PORT"])
base = f"http://127.0.0.1:{port}"

def http(method, path, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"{}")

def children(pid):
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        if int(stat[stat.rfind(")") + 2:].split()[1]) == pid:
            out.append(int(p))
    return out

def tree(pid):
    found, i = [pid], 0
    while i < len(found):
        found.extend(children(found[i]))
        i += 1
    return found

def name(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"

def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def app_pid(driver_pid):
    target = os.path.realpath(app)
    for p in tree(driver_pid):
        try:
            if os.path.realpath(f"/proc/{p}/exe") == target:
                return p
        except OSError:
            pass
    return None

def one(folder, testid):
    data = os.path.join(tmp, f"run-{time.time_ns()}")
    shutil.copytree(folder, data)
    driver = subprocess.Popen(["tauri-driver", "--port", str(port), "--native-port", str(port + 1),
                               "--native-driver", "/usr/bin/WebKitWebDriver"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                http("GET", "/status", timeout=1)
                break
            except Exception:
                time.sleep(0.05)
        caps = {"capabilities": {"alwaysMatch": {"tauri:options": {"application": app, "args": ["--data-dir", data]}}}}
        t0 = time.monotonic()
        session = http("POST", "/session", caps)["value"]["sessionId"]
        while True:
            try:
                http("POST", f"/session/{session}/element", {"using": "css selector", "value": f"[data-testid={testid}]"}, timeout=5)
                break
            except urllib.error.HTTPError:
                if time.monotonic() - t0 > 60:
                    raise SystemExit(f"no {testid} within 60 s")
                time.sleep(0.02)
        ready = time.monotonic() - t0
        time.sleep(10)
        pid = app_pid(driver.pid)
        procs = tree(pid) if pid else []
        per = {}
        for p in procs:
            per[name(p)] = per.get(name(p), 0) + pss_kb(p)
        total = sum(per.values())
        try:
            http("DELETE", f"/session/{session}")
        except Exception:
            pass
        return ready, total, per
    finally:
        for p in reversed(tree(driver.pid)[1:]):
            try:
                os.kill(p, signal.SIGTERM)
            except OSError:
                pass
        driver.terminate()
        driver.wait()
        shutil.rmtree(data, ignore_errors=True)

print(f"app: {app}")
for label, folder, testid in [("first start (empty data folder)", os.path.join(tmp, "empty"), "first-start"),
                              ("demo school (sign-in screen)", os.path.join(tmp, "demo"), "sign-in")]:
    times, mems = [], []
    for i in range(runs):
        ready, total, per = one(folder, testid)
        times.append(ready)
        mems.append(total)
        detail = ", ".join(f"{k} {v / 1024:.1f} MB" for k, v in sorted(per.items(), key=lambda kv: -kv[1]))
        print(f"{label} run {i + 1}: interactive after {ready * 1000:.0f} ms; PSS after 10 s idle {total / 1024:.1f} MB ({detail})")
    print(f"{label}: median {statistics.median(times) * 1000:.0f} ms to interactive, median PSS {statistics.median(mems) / 1024:.1f} MB")
PY
'
