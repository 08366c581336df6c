# shellcheck shell=bash disable=SC2034
# Shared by tests/deploy/*.sh (sourced, not run): counting, free ports, the freda binary, apt installs, a
# temporary folder removed on exit, and background servers stopped on exit.
# Each script calls `finish` last, which prints "N passed, N failed" and exits 1 when a check failed.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
passed=0
failed=0
skipped=0

say() { printf -- '--- %s\n' "$*"; }

# pass NAME / fail NAME DETAIL…: one check's result.
pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() {
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$1"
  shift
  [ "$#" -eq 0 ] || printf '      %s\n' "$@"
}
# skip NAME REASON: a check that cannot run here counts as neither passed nor failed.
skip() { skipped=$((skipped + 1)); printf 'SKIP  %s: %s\n' "$1" "$2"; }
# check NAME COMMAND…: passes when COMMAND succeeds; its output is shown on failure.
check() {
  local name="$1" out
  shift
  if out="$("$@" 2>&1)"; then pass "$name"; else fail "$name" "$(printf '%s' "$out" | tail -n 5)"; fi
}

finish() {
  [ "$skipped" -eq 0 ] || echo "($skipped skipped)"
  echo "${passed} passed, ${failed} failed"
  [ "$failed" -eq 0 ]
}

# A temporary folder and background processes, both cleaned up on exit (also on Ctrl+C and TERM).
tmp="$(mktemp -d "${TMPDIR:-/tmp}/freda-deploy.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# apt_install PACKAGE…: installs Debian packages that are missing (as root, from Debian's archive only).
apt_install() {
  [ "$#" -gt 0 ] || return 0
  say "installing $* (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# freda: the debug binary, built if needed (cargo is quiet when it is up to date).
freda_bin="${CARGO_TARGET_DIR:-$repo/target}/debug/freda"
build_freda() {
  (cd "$repo" && cargo build --locked --quiet --bin freda)
}

# wait_for_http URL PID: waits up to 10 s for URL to answer; fails early when PID has exited.
wait_for_http() {
  local url="$1" pid="$2"
  for _ in $(seq 1 50); do
    curl -s -o /dev/null --max-time 2 "$url" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# http URL: prints "STATUS CONTENT-TYPE" of a GET, and keeps the headers and body in $tmp/last.{headers,body}.
http() {
  curl -s --max-time 5 -o "$tmp/last.body" -D "$tmp/last.headers" -w '%{http_code} %{content_type}' "$1"
}

# header NAME: the value of a header of the last response (case-insensitive name), without the CR; empty and
# still successful when there is none.
header() {
  tr -d '\r' < "$tmp/last.headers" | sed -n "s/^$1: *//Ip" | head -n 1
}
