#!/usr/bin/env bash
# Browser tests of the built starter site (called by tests/run; can be run on its own).
# Installs what is missing (Debian's chromium, nginx, a Java runtime; the npm packages from package-lock.json),
# builds the starter site for http://127.0.0.1:PORT/library/ (and once more with --relative, for the file://
# checks), serves the first with nginx and runs run.mjs,
# whose last line is "N passed, N failed". Exits with run.mjs's exit code.
#   BROWSER_TESTS_TIMEOUT  overall limit for run.mjs in seconds (default 900)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

say() { printf -- '--- %s\n' "$*"; }

# (a) System packages, from Debian. Never a browser download.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"

# (b) npm packages, exactly as locked. --ignore-scripts: vnu-jar's postinstall would try to download a Java runtime
# when none is found; we use Debian's.
if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules" ]; then
  say "npm ci (tests/browser)"
  (cd "$here" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  touch "$here/node_modules"
fi

# (c) A free loopback port, and the starter site built for it under /library/.
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/freda-browser.XXXXXX")"
nginx_pid=""
cleanup() {
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill "$nginx_pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

base="http://127.0.0.1:${port}/library/"
say "building the starter site for $base"
cargo run --locked --quiet -- build --base-url "$base" --output "$tmp/public"
# The same site with relative links, for the file:// checks of search (opened from disk, never served).
say "building the starter site with --relative into $tmp/relative"
cargo run --locked --quiet -- build --relative --output "$tmp/relative"

# (d) nginx, from the template, in the foreground of a background job (daemon off), stopped by the trap.
mkdir -p "$tmp/nginx"
sed -e "s|@PORT@|${port}|g" -e "s|@ROOT@|${tmp}/public|g" -e "s|@PREFIX@|${tmp}/nginx|g" \
  "$here/nginx.conf" > "$tmp/nginx/nginx.conf"
"$nginx_bin" -t -q -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log"
"$nginx_bin" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
nginx_pid=$!
up=""
for _ in $(seq 1 50); do
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))' "$base" 2>/dev/null; then
    up=1; break
  fi
  kill -0 "$nginx_pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$up" ]; then
  echo "nginx did not start on 127.0.0.1:$port" >&2
  cat "$tmp/nginx/error.log" >&2 || true
  echo "0 passed, 1 failed"
  exit 1
fi
say "nginx serving $tmp/public at $base"

# (e) The checks. timeout is a last resort: run.mjs has its own overall watchdog.
limit="${BROWSER_TESTS_TIMEOUT:-900}"
status=0
# TMPDIR: Chromium's throwaway profile (a fresh one per launch) lands in $tmp, which the trap removes.
mkdir -p "$tmp/tmp"
TMPDIR="$tmp/tmp" timeout --kill-after=30 "$((limit + 60))" \
  node "$here/run.mjs" --base "$base" --public "$tmp/public" --relative-dir "$tmp/relative" \
    --access-log "$tmp/nginx/access.log" --timeout "$limit" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "run.mjs was stopped after ${limit}s"
  echo "0 passed, 1 failed"
fi
exit "$status"
