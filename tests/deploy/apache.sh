#!/usr/bin/env bash
# The Apache recipe of the README ("Hosting"): the starter site built for http://127.0.0.1:PORT/hr/ and served by
# Apache httpd (Debian's apache2, installed if missing) from the folder freda wrote, with the .htaccess freda wrote
# and nothing else but tests/deploy/apache.conf (an Alias at /hr/, AllowOverride FileInfo Indexes Options=Indexes).
# Checks with curl: pages, the folder redirect, the 404 page, the headers, the files that are not pages, types.
# Last line: "N passed, N failed".
set -euo pipefail
# shellcheck source=tests/deploy/lib.bash
source "$(dirname "$0")/lib.bash"

# (a) Apache and curl from Debian.
apache_bin=/usr/sbin/apache2
missing=()
[ -x "$apache_bin" ] || missing+=(apache2)
command -v curl >/dev/null 2>&1 || missing+=(curl)
apt_install "${missing[@]+"${missing[@]}"}"

# (b) The starter site, built for the port Apache will listen on.
build_freda
port="$(free_port)"
base="http://127.0.0.1:${port}/hr/"
say "building the starter site for $base"
"$freda_bin" --root "$repo" build --base-url "$base" --output "$tmp/public" 2>&1 | tail -n 1
test -f "$tmp/public/.htaccess"
# A stray .ht* file deeper in the site (an old password file, say) must not be served either.
printf 'user:secret\n' > "$tmp/public/search/.htpasswd"

# (c) Apache in the foreground of a background job. As root it serves as www-data, which must read the site.
mkdir -p "$tmp/apache/empty"
user_lines=""
if [ "$(id -u)" -eq 0 ]; then
  user_lines=$'User www-data\nGroup www-data'
  chmod 755 "$tmp"
  chmod -R a+rX "$tmp/public"
fi
conf="$tmp/apache/apache.conf"
sed -e "s|@PORT@|${port}|g" -e "s|@ROOT@|${tmp}/public|g" -e "s|@PREFIX@|${tmp}/apache|g" "$here/apache.conf" \
  | awk -v user="$user_lines" '{ if ($0 == "@USER@") print user; else print }' > "$conf"
"$apache_bin" -t -f "$conf" 2>&1 | grep -v '^Syntax OK$' || true
"$apache_bin" -f "$conf" -DFOREGROUND >"$tmp/apache/stdout.log" 2>&1 &
pids+=("$!")
if ! wait_for_http "$base" "${pids[0]}"; then
  echo "apache2 did not start on 127.0.0.1:$port" >&2
  cat "$tmp/apache/error.log" >&2 || true
  fail "apache2 starts with freda's .htaccess"
  finish
fi
say "apache2 serving $tmp/public at $base"

# (d) The checks.
want_csp="$(grep -i '^  Content-Security-Policy:' "$tmp/public/_headers" | cut -d: -f2- | sed 's/^ *//')"

# expect_page NAME PATH: 200, HTML in UTF-8, and the three headers of _headers.
expect_page() {
  local got
  got="$(http "${base}$2")"
  local problems=()
  [ "${got%% *}" = 200 ] || problems+=("status ${got%% *}, want 200")
  [ "${got#* }" = "text/html; charset=utf-8" ] || problems+=("Content-Type \"${got#* }\", want text/html; charset=utf-8")
  [ "$(header Content-Security-Policy)" = "$want_csp" ] || problems+=("Content-Security-Policy \"$(header Content-Security-Policy)\"")
  [ "$(header X-Content-Type-Options)" = nosniff ] || problems+=("X-Content-Type-Options \"$(header X-Content-Type-Options)\"")
  [ "$(header Referrer-Policy)" = same-origin ] || problems+=("Referrer-Policy \"$(header Referrer-Policy)\"")
  if [ "${#problems[@]}" -eq 0 ]; then pass "$1"; else fail "$1" "${problems[@]}"; fi
}

expect_page "/hr/ answers 200 with the policy headers" ""
case_study="$(cd "$tmp/public/case-studies" && find . -mindepth 2 -maxdepth 2 -name index.html | sort | head -n 1 | cut -d/ -f2)"
expect_page "a case study (/hr/case-studies/$case_study/) answers 200" "case-studies/$case_study/"

got="$(http "${base}case-studies")"
location="$(header Location)"
if [ "${got%% *}" = 301 ] && [ "$location" = "${base}case-studies/" ]; then
  pass "/hr/case-studies redirects to /hr/case-studies/"
else
  fail "/hr/case-studies redirects to /hr/case-studies/" "status ${got%% *}, Location \"$location\""
fi

got="$(http "${base}no-such-page/")"
if [ "${got%% *}" = 404 ] && cmp -s "$tmp/last.body" "$tmp/public/404.html" \
  && [ "$(header Content-Security-Policy)" = "$want_csp" ]; then
  pass "a missing page answers 404 with freda's 404 page and the policy"
else
  fail "a missing page answers 404 with freda's 404 page and the policy" \
    "status ${got%% *}; body is$(cmp -s "$tmp/last.body" "$tmp/public/404.html" || echo " not") 404.html; CSP \"$(header Content-Security-Policy)\""
fi

for file in _headers freda-headers.conf .htaccess .freda-output search/.htpasswd; do
  got="$(http "${base}${file}")"
  case "${got%% *}" in
    403 | 404) pass "/hr/$file is not served (${got%% *})" ;;
    *) fail "/hr/$file is not served" "status ${got%% *}" ;;
  esac
done

got="$(http "${base}search/en/")"
if [ "${got%% *}" != 200 ] && ! grep -q "Index of" "$tmp/last.body"; then
  pass "a folder without index.html is not listed (${got%% *})"
else
  fail "a folder without index.html is not listed" "status ${got%% *}"
fi

# expect_type NAME PATH TYPE…: 200 and one of the content types.
expect_type() {
  local name="$1" path="$2" got
  shift 2
  got="$(http "${base}${path}")"
  local want
  for want in "$@"; do
    if [ "$got" = "200 $want" ]; then pass "$name ($want)"; return; fi
  done
  fail "$name" "got \"$got\", want 200 and one of: $*"
}
shard="$(cd "$tmp/public" && find search -name 't*.json' | sort | head -n 1)"
expect_type "the search client is served as JavaScript" search.js \
  "text/javascript; charset=utf-8" "application/javascript; charset=utf-8"
expect_type "the search manifest is served as JSON" search/en/manifest.json "application/json; charset=utf-8"
expect_type "a search index shard is served as JSON" "$shard" "application/json; charset=utf-8"
expect_type "the stylesheet is served as CSS" style.css "text/css; charset=utf-8"
expect_type "the sitemap is served as XML" sitemap.xml "application/xml; charset=utf-8" "text/xml; charset=utf-8"

# The form of the redirect lines freda writes for old addresses (src/headers.rs, apache_redirects), in the
# .htaccess's mod_alias block: Apache reads the file on every request, so no restart is needed.
sed -i 's|^    RedirectMatch 404 .*|&\n    Redirect 301 "/hr/old-guide/" "/hr/guides/"|' "$tmp/public/.htaccess"
got="$(http "${base}old-guide/part-1/")"
location="$(header Location)"
if [ "${got%% *}" = 301 ] && [ "$location" = "${base}guides/part-1/" ]; then
  pass "a Redirect 301 line of .htaccess redirects an old address"
else
  fail "a Redirect 301 line of .htaccess redirects an old address" "status ${got%% *}, Location \"$location\""
fi

if grep -E "not allowed here|Invalid command" "$tmp/apache/error.log" >/dev/null; then
  fail "apache2's error log has no .htaccess errors" "$(grep -E "not allowed here|Invalid command" "$tmp/apache/error.log" | head -n 3)"
else
  pass "apache2's error log has no .htaccess errors"
fi

finish
