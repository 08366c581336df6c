#!/bin/sh
# Builds a freda site for BASE_URL into WWW/<path of BASE_URL>/ and writes the nginx server block that serves
# it (from nginx-docker.conf beside this script). The Dockerfile's first stage runs it; tests/deploy/docker.sh
# runs it too, without Docker.
#   docker-site.sh BASE_URL SITE_DIR WWW_DIR CONF_OUT
# e.g. docker-site.sh https://trust.example/hr/ . /www /default.conf puts the site in /www/hr/.
set -eu
base_url="$1"
site="$2"
www="$3"
conf="$4"
# The path of BASE_URL, starting and ending with /: http://localhost:8080/ gives /, https://trust.example/hr gives /hr/.
path="$(printf '%s\n' "$base_url" | sed -E -e 's|^[A-Za-z]+://[^/]*||' -e 's|/*$|/|')"
mkdir -p "$www"
freda --root "$site" build --base-url "$base_url" --output "${www}${path%/}"
sed -e "s|@ROOT@|${www}|g" -e "s|@BASE_PATH@|${path}|g" "$(dirname "$0")/nginx-docker.conf" > "$conf"
