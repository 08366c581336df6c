#!/usr/bin/env bash
# Browser tests of the built starter site (called by tests/run; can be run on its own).
# Installs what is missing (Debian's chromium, nginx, a Java runtime; the npm packages from package-lock.json),
# builds the starter site for http://127.0.0.1:PORT/library/ (and once more with --relative and --zip, for the
# file:// checks), serves the first with nginx and runs run.mjs; then builds the XSS fixture (tests/sites/xss), serves
# it with a second nginx server and runs xss.mjs; then runs serve.mjs, which starts `freda serve` on a copy of the
# starter site and checks live reload; then offline.mjs, which unzips the zip and browses it from disk, offline. Each
# script ends with "N passed, N failed"; the last line of this one is their sum, in the same form. Exits non-zero
# when any script failed.
#   BROWSER_TESTS_TIMEOUT  overall limit for run.mjs in seconds (default 900)
#   XSS_TESTS_TIMEOUT      overall limit for xss.mjs in seconds (default 300)
#   SERVE_TESTS_TIMEOUT    overall limit for serve.mjs in seconds (default 300)
#   OFFLINE_TESTS_TIMEOUT  overall limit for offline.mjs in seconds (default 120)
#   CMS_TESTS_TIMEOUT      overall limit for cms.mjs in seconds (default 120)
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
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
port="$(free_port)"
xss_port="$(free_port)"
while [ "$xss_port" = "$port" ]; do xss_port="$(free_port)"; done
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
# The same site with relative links, for the file:// checks of search (opened from disk, never served), and as a zip
# for offline.mjs.
say "building the starter site with --relative into $tmp/relative and $tmp/library.zip"
cargo run --locked --quiet -- build --relative --output "$tmp/relative" --zip "$tmp/library.zip"
# The XSS fixture, for xss.mjs: it builds with many warnings (every removed link), kept in a log.
freda_bin="${CARGO_TARGET_DIR:-$repo/target}/debug/freda"
xss_base="http://127.0.0.1:${xss_port}/xss/"
say "building the XSS fixture for $xss_base (and with --relative); warnings in $tmp/xss-build.log"
"$freda_bin" --root "$repo/tests/sites/xss" build --base-url "$xss_base" --output "$tmp/xss" 2> "$tmp/xss-build.log" \
  || { cat "$tmp/xss-build.log" >&2; exit 1; }
"$freda_bin" --root "$repo/tests/sites/xss" build --relative --output "$tmp/xss-relative" 2>> "$tmp/xss-build.log" \
  || { cat "$tmp/xss-build.log" >&2; exit 1; }
tail -n 1 "$tmp/xss-build.log"

# (d) nginx, from the template, in the foreground of a background job (daemon off), stopped by the trap.
mkdir -p "$tmp/nginx"
sed -e "s|@PORT@|${port}|g" -e "s|@ROOT@|${tmp}/public|g" -e "s|@PREFIX@|${tmp}/nginx|g" \
  -e "s|@XSS_PORT@|${xss_port}|g" -e "s|@XSS_ROOT@|${tmp}/xss|g" \
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

# (e) The checks. timeout is a last resort: each script has its own overall watchdog.
# run_checks NAME LIMIT COMMAND…: runs one script with its output on screen and in a log, and adds the counts of
# its last "N passed, N failed" line to the totals (a script stopped before it could count is 1 failure).
passed=0
failed=0
status=0
run_checks() {
  local name="$1" limit="$2"
  shift 2
  local log="$tmp/$name.log" st=0 line
  timeout --kill-after=30 "$((limit + 60))" "$@" 2>&1 | tee "$log" || st=$?
  if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
    echo "$name was stopped after ${limit}s"
  fi
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
  if [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | awk '{print $1}')))
    failed=$((failed + $(echo "$line" | awk '{print $3}')))
  fi
  if [ "$st" -ne 0 ]; then
    status="$st"
    if [ -z "$line" ] || [ "$(echo "$line" | awk '{print $3}')" -eq 0 ]; then failed=$((failed + 1)); fi
  fi
}

limit="${BROWSER_TESTS_TIMEOUT:-900}"
# TMPDIR: Chromium's throwaway profile (a fresh one per launch) lands in $tmp, which the trap removes.
mkdir -p "$tmp/tmp"
TMPDIR="$tmp/tmp" run_checks run.mjs "$limit" \
  node "$here/run.mjs" --base "$base" --public "$tmp/public" --relative-dir "$tmp/relative" \
    --access-log "$tmp/nginx/access.log" --timeout "$limit"

# (f) The XSS fixture: no payload may run or even be blocked by the policy.
say "XSS payloads (xss.mjs)"
xss_limit="${XSS_TESTS_TIMEOUT:-300}"
TMPDIR="$tmp/tmp" run_checks xss.mjs "$xss_limit" \
  node "$here/xss.mjs" --base "$xss_base" --public "$tmp/xss" --relative-dir "$tmp/xss-relative" --timeout "$xss_limit"

# (g) freda serve: live reload in the browser, on the debug binary that `cargo run` above built.
say "freda serve: live reload (serve.mjs)"
serve_limit="${SERVE_TESTS_TIMEOUT:-300}"
TMPDIR="$tmp/tmp" run_checks serve.mjs "$serve_limit" \
  node "$here/serve.mjs" --freda "$freda_bin" --timeout "$serve_limit"

# (h) The offline copy: the zip, unzipped by node (unzip.mjs) and browsed from disk with the network off.
say "the zip, offline (offline.mjs)"
offline_limit="${OFFLINE_TESTS_TIMEOUT:-120}"
TMPDIR="$tmp/tmp" run_checks offline.mjs "$offline_limit" \
  node "$here/offline.mjs" --zip "$tmp/library.zip" --dir "$tmp/offline" --timeout "$offline_limit"

# (i) The web CMS: tests/sites/cms ([cms] enabled, Decap's test-repo backend), served by cms.mjs itself.
say "the web CMS (cms.mjs)"
"$freda_bin" --root "$repo/tests/sites/cms" build --output "$tmp/cms" 2>> "$tmp/cms-build.log" \
  || { cat "$tmp/cms-build.log" >&2; exit 1; }
cms_limit="${CMS_TESTS_TIMEOUT:-120}"
TMPDIR="$tmp/tmp" run_checks cms.mjs "$cms_limit" \
  node "$here/cms.mjs" --dir "$tmp/cms" --timeout "$cms_limit" \
    --screenshots "$repo/target/screenshots/cms" --guide "$repo/static/images/editors-guide"

echo "${passed} passed, ${failed} failed"
exit "$status"
