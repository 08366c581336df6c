#!/usr/bin/env bash
# The Docker recipe of the README ("Hosting"): Dockerfile, .dockerignore, docs/deploy/docker-site.sh and
# docs/deploy/nginx-docker.conf.
# Without Docker: every path the Dockerfile copies from the build context exists, .dockerignore leaves out what it
# should, and the image's first stage is replayed here (docs/deploy/docker-site.sh with this freda, for a base URL
# under /hr/), then Debian's nginx checks the server block it wrote (nginx -t) and serves it for curl checks.
# With a Docker (or Podman) that answers and has the two base images (or FREDA_DOCKER_PULL=1 to let it pull them):
# also `docker build` and the same curl checks against the container. Otherwise that part prints SKIP and counts
# as neither passed nor failed.
# Last line: "N passed, N failed".
set -euo pipefail
# shellcheck source=tests/deploy/lib.bash
source "$(dirname "$0")/lib.bash"

# (a) nginx and curl from Debian.
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v curl >/dev/null 2>&1 || missing+=(curl)
apt_install "${missing[@]+"${missing[@]}"}"
nginx_bin="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"

# (b) The Dockerfile's context paths and .dockerignore.
copies="$(awk 'toupper($1) == "COPY" && $2 !~ /^--from=/ { for (i = 2; i < NF; i++) print $i }' "$repo/Dockerfile")"
absent=()
while IFS= read -r path; do
  [ -n "$path" ] || continue
  [ -e "$repo/$path" ] || absent+=("$path")
done <<< "$copies"
if [ -n "$copies" ] && [ "${#absent[@]}" -eq 0 ]; then
  pass "every path the Dockerfile copies exists ($(echo "$copies" | tr '\n' ' '))"
else
  fail "every path the Dockerfile copies exists" "missing: ${absent[*]-none listed}"
fi
ignored=()
for entry in target/ public/ node_modules/ .git/; do
  grep -qx "$entry" "$repo/.dockerignore" || ignored+=("$entry")
done
if [ "${#ignored[@]}" -eq 0 ]; then pass ".dockerignore leaves out target/, public/, node_modules/ and .git/"; else fail ".dockerignore leaves out target/, public/, node_modules/ and .git/" "not listed: ${ignored[*]}"; fi
grep -q 'docs/deploy/docker-site.sh' "$repo/Dockerfile" \
  && pass "the Dockerfile builds the site with docs/deploy/docker-site.sh" \
  || fail "the Dockerfile builds the site with docs/deploy/docker-site.sh"

# (c) Stage 1 replayed: docker-site.sh with this freda on PATH, for a base URL under /hr/.
build_freda
mkdir -p "$tmp/bin" "$tmp/nginx"
ln -s "$freda_bin" "$tmp/bin/freda"
port="$(free_port)"
base="http://127.0.0.1:${port}/hr/"
if out="$(PATH="$tmp/bin:$PATH" sh "$repo/docs/deploy/docker-site.sh" "$base" "$repo" "$tmp/www" "$tmp/nginx/default.conf" 2>&1)" \
  && [ -f "$tmp/www/hr/index.html" ]; then
  pass "docker-site.sh builds the site into www/hr/ for $base"
else
  fail "docker-site.sh builds the site into www/hr/ for $base" "$(printf '%s' "$out" | tail -n 5)"
  finish
fi

# (d) Its server block, inside a minimal nginx.conf, on a loopback port instead of 80.
sed -i "s|^    listen 80;|    listen 127.0.0.1:${port};|" "$tmp/nginx/default.conf"
cat > "$tmp/nginx/nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $tmp/nginx/access.log;
    client_body_temp_path $tmp/nginx/client_body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    include $tmp/nginx/default.conf;
}
EOF
nginx_args=(-p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log")
if out="$("$nginx_bin" -t -q "${nginx_args[@]}" 2>&1)"; then
  pass "nginx -t accepts docs/deploy/nginx-docker.conf with the build's freda-headers.conf"
else
  fail "nginx -t accepts docs/deploy/nginx-docker.conf with the build's freda-headers.conf" "$out"
  finish
fi
"$nginx_bin" "${nginx_args[@]}" >"$tmp/nginx/stdout.log" 2>&1 &
pids+=("$!")
if ! wait_for_http "$base" "$!"; then
  fail "nginx serves the site" "$(tail -n 5 "$tmp/nginx/error.log" 2>/dev/null)"
  finish
fi

# check_served WHERE BASE WWW: the checks of a served site (WWW: the folder the site was built into).
check_served() {
  local where="$1" base="$2" www="$3" got want_csp
  want_csp="$(sed -n 's/^  Content-Security-Policy: //p' "$www/_headers")"
  got="$(http "$base")"
  if [ "${got%% *}" = 200 ] && [ "$(header Content-Security-Policy)" = "$want_csp" ] \
    && [ "$(header X-Content-Type-Options)" = nosniff ] && [ "$(header Referrer-Policy)" = same-origin ]; then
    pass "$where: /hr/ answers 200 with the policy headers"
  else
    fail "$where: /hr/ answers 200 with the policy headers" "status ${got%% *}, CSP \"$(header Content-Security-Policy)\""
  fi
  got="$(http "${base}case-studies")"
  if [ "${got%% *}" = 301 ] && [ "$(header Location)" = "/hr/case-studies/" ]; then
    pass "$where: /hr/case-studies redirects to /hr/case-studies/ on the same host and port"
  else
    fail "$where: /hr/case-studies redirects to /hr/case-studies/ on the same host and port" "status ${got%% *}, Location \"$(header Location)\""
  fi
  got="$(http "${base}no-such-page/")"
  if [ "${got%% *}" = 404 ] && cmp -s "$tmp/last.body" "$www/404.html"; then
    pass "$where: a missing page answers 404 with freda's 404 page"
  else
    fail "$where: a missing page answers 404 with freda's 404 page" "status ${got%% *}"
  fi
  got="$(http "${base}style.css")"
  [ "$got" = "200 text/css; charset=utf-8" ] && pass "$where: the stylesheet is served as CSS in UTF-8" \
    || fail "$where: the stylesheet is served as CSS in UTF-8" "got \"$got\""
  local file
  for file in _headers freda-headers.conf .htaccess; do
    got="$(http "${base}${file}")"
    [ "${got%% *}" = 404 ] && pass "$where: /hr/$file answers 404" || fail "$where: /hr/$file answers 404" "status ${got%% *}"
  done
}
check_served "nginx-docker.conf" "$base" "$tmp/www/hr"

# (e) docker build, where an engine answers.
engine=""
for candidate in docker podman; do
  if command -v "$candidate" >/dev/null 2>&1 && timeout 15 "$candidate" info >/dev/null 2>&1; then
    engine="$candidate"
    break
  fi
done
images=(rust:1-slim-bookworm nginx:stable-alpine)
if [ -z "$engine" ]; then
  skip "docker build" "neither docker nor podman answers here (no daemon, or not installed)"
elif [ "${FREDA_DOCKER_PULL:-0}" != 1 ] && ! "$engine" image inspect "${images[@]}" >/dev/null 2>&1; then
  skip "docker build" "$engine lacks ${images[*]} locally; FREDA_DOCKER_PULL=1 lets it pull them"
else
  tag="freda-deploy-test:$$"
  dport="$(free_port)"
  dbase="http://127.0.0.1:${dport}/hr/"
  say "$engine build -t $tag --build-arg BASE_URL=$dbase (compiles freda: minutes)"
  if "$engine" build -t "$tag" --build-arg "BASE_URL=$dbase" "$repo" > "$tmp/docker-build.log" 2>&1; then
    pass "$engine build makes the image"
    cid="$("$engine" run -d --rm -p "127.0.0.1:${dport}:80" "$tag")"
    trap '"$engine" rm -f "$cid" >/dev/null 2>&1 || true; "$engine" rmi -f "$tag" >/dev/null 2>&1 || true; cleanup' EXIT
    if wait_for_http "$dbase" $$; then
      mkdir -p "$tmp/image"
      "$engine" cp "$cid:/srv/www/hr/." "$tmp/image/" >/dev/null
      check_served "the image" "$dbase" "$tmp/image"
    else
      fail "the image serves the site on port 80" "$("$engine" logs "$cid" 2>&1 | tail -n 5)"
    fi
  else
    fail "$engine build makes the image" "$(tail -n 10 "$tmp/docker-build.log")"
  fi
fi

finish
