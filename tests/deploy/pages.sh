#!/usr/bin/env bash
# The GitHub Pages and GitLab Pages recipes of the README ("Hosting"): docs/deploy/github-pages.yml and
# docs/deploy/gitlab-ci.yml. For each: checks the file's shape (recipe.py, with PyYAML), runs its exact
# `freda build` command in a new starter site (freda init), serves the output under the recipe's subpath
# (/REPO/ or /PROJECT/) with python3 -m http.server, as those hosts do, and checks that pages, the stylesheet and
# the search client answer 200 and that every link of the home page stays under the subpath and answers 200.
# Last line: "N passed, N failed".
set -euo pipefail
# shellcheck source=tests/deploy/lib.bash
source "$(dirname "$0")/lib.bash"

# (a) A Python with PyYAML: the one on PATH, else Debian's (python3-yaml installed if missing).
missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
py=python3
if ! python3 -c 'import yaml' 2>/dev/null; then
  py=/usr/bin/python3
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import yaml' 2>/dev/null || missing+=(python3 python3-yaml)
fi
apt_install "${missing[@]+"${missing[@]}"}"
build_freda
mkdir -p "$tmp/bin"
ln -s "$freda_bin" "$tmp/bin/freda"

# check_recipe NAME KIND FILE HOST PREFIX: the checks of one recipe; HOST and PREFIX are the placeholders
# of its base URL (https://HOST/PREFIX/).
check_recipe() {
  local name="$1" kind="$2" file="$3" host="$4" prefix="$5"
  local dir="$tmp/$kind" cmd out
  say "$name: $file"
  if cmd="$("$py" "$here/recipe.py" "$kind" "$repo/$file" 2>"$tmp/recipe.err")"; then
    pass "$name: $file has the expected jobs, steps and permissions"
  else
    fail "$name: $file has the expected jobs, steps and permissions" "$(cat "$tmp/recipe.err")"
  fi
  if [ -z "$cmd" ]; then
    fail "$name: the recipe's freda build command runs" "no freda build command found"
    return
  fi
  [ "$cmd" = "freda build --base-url https://$host/$prefix/" ] && pass "$name: builds for https://$host/$prefix/" \
    || fail "$name: builds for https://$host/$prefix/" "the command is: $cmd"

  # The recipe's command, as the CI job runs it: in the site's folder, with freda on PATH.
  if ! out="$("$freda_bin" init "$dir/site" 2>&1)"; then
    fail "$name: freda init makes a starter site" "$out"
    return
  fi
  if out="$(cd "$dir/site" && PATH="$tmp/bin:$PATH" bash -euo pipefail -c "$cmd" 2>&1)"; then
    pass "$name: \`$cmd\` builds the starter site into public/"
  else
    fail "$name: \`$cmd\` builds the starter site into public/" "$(printf '%s' "$out" | tail -n 5)"
    return
  fi

  # Served under the subpath, as the host serves it.
  mkdir -p "$dir/www"
  mv "$dir/site/public" "$dir/www/$prefix"
  local port
  port="$(free_port)"
  "$py" -m http.server --bind 127.0.0.1 --directory "$dir/www" "$port" >"$dir/server.log" 2>&1 &
  pids+=("$!")
  local local_base="http://127.0.0.1:$port/$prefix/"
  if ! wait_for_http "$local_base" "$!"; then
    fail "$name: python3 -m http.server serves the output" "$(tail -n 5 "$dir/server.log")"
    return
  fi
  local case_study
  case_study="$(cd "$dir/www/$prefix/case-studies" && find . -mindepth 2 -maxdepth 2 -name index.html | sort | head -n 1 | cut -d/ -f2)"
  local path got
  for path in "" case-studies/ "case-studies/$case_study/" search/ style.css brand.css search.js; do
    got="$(http "$local_base$path")"
    if [ "${got%% *}" = 200 ]; then pass "$name: /$prefix/$path answers 200"; else fail "$name: /$prefix/$path answers 200" "status ${got%% *}"; fi
  done
  got="$(http "$local_base")"
  local links outside=() broken=() url n=0
  links="$("$py" "$here/links.py" "$tmp/last.body" "$local_base")"
  while IFS= read -r url; do
    [ -n "$url" ] || continue
    n=$((n + 1))
    case "$url" in
      "$local_base"*)
        got="$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$url")"
        [ "$got" = 200 ] || broken+=("$url: $got") ;;
      "https://$host/$prefix/"*) ;; # the canonical address
      *) outside+=("$url") ;;
    esac
  done <<< "$links"
  if [ "$n" -gt 10 ] && [ "${#outside[@]}" -eq 0 ]; then
    pass "$name: all $n links of the home page stay under /$prefix/"
  else
    fail "$name: all links of the home page stay under /$prefix/" "$n links" "${outside[@]+"${outside[@]}"}"
  fi
  if [ "${#broken[@]}" -eq 0 ]; then
    pass "$name: every link of the home page to the site answers 200"
  else
    fail "$name: every link of the home page to the site answers 200" "${broken[@]}"
  fi
}

check_recipe "GitHub Pages" github docs/deploy/github-pages.yml OWNER.github.io REPO
check_recipe "GitLab Pages" gitlab docs/deploy/gitlab-ci.yml GROUP.gitlab.io PROJECT
finish
