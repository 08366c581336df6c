"""Checks the shape of a CI recipe in docs/deploy/ and prints its `freda build` command (used by pages.sh).

    python3 recipe.py github docs/deploy/github-pages.yml
    python3 recipe.py gitlab docs/deploy/gitlab-ci.yml

Prints the build command on stdout. Each problem goes to stderr as one line; the exit code is 1 when there
is any. Needs PyYAML (Debian: python3-yaml).
"""

import sys

import yaml


def github(doc, problems):
    """The GitHub Actions workflow: triggers, permissions, the build job's steps and the deploy job."""
    # YAML 1.1 reads a bare `on` key as true.
    on = doc.get("on", doc.get(True)) or {}
    if "push" not in on:
        problems.append("on: no push trigger")
    perms = doc.get("permissions") or {}
    for key, want in {"contents": "read", "pages": "write", "id-token": "write"}.items():
        if perms.get(key) != want:
            problems.append(f"permissions: {key} is {perms.get(key)!r}, want {want!r}")
    jobs = doc.get("jobs") or {}
    steps = (jobs.get("build") or {}).get("steps") or []
    uses = [s.get("uses", "") for s in steps]
    for action in ["actions/checkout@", "actions/cache@", "actions/upload-pages-artifact@"]:
        if not any(u.startswith(action) for u in uses):
            problems.append(f"jobs.build: no step uses {action}…")
    for s in steps:
        if s.get("uses", "").startswith("actions/upload-pages-artifact@"):
            if (s.get("with") or {}).get("path") != "public":
                problems.append("jobs.build: upload-pages-artifact does not upload public")
        if s.get("uses", "").startswith("actions/cache@"):
            if (s.get("with") or {}).get("path") != "~/.cargo/bin/freda":
                problems.append("jobs.build: the cache does not keep ~/.cargo/bin/freda")
    runs = [s["run"].strip() for s in steps if "run" in s]
    if not any(r.startswith("cargo install --locked") for r in runs):
        problems.append("jobs.build: no step builds freda with cargo install --locked")
    deploy = jobs.get("deploy") or {}
    if deploy.get("needs") not in ("build", ["build"]):
        problems.append("jobs.deploy: does not need build")
    if (deploy.get("environment") or {}).get("name") != "github-pages":
        problems.append("jobs.deploy: environment is not github-pages")
    if not any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy.get("steps") or []):
        problems.append("jobs.deploy: no step uses actions/deploy-pages@…")
    return runs


def gitlab(doc, problems):
    """The GitLab CI file: one `pages` job with a Rust image, public/ as its artifact, the default branch only."""
    job = doc.get("pages") or {}
    if not job:
        problems.append("no job named pages")
    if not str(job.get("image", "")).startswith("rust:"):
        problems.append(f"pages: image is {job.get('image')!r}, want a rust: image")
    if ((job.get("artifacts") or {}).get("paths") or []) != ["public"]:
        problems.append("pages: artifacts.paths is not [public]")
    rules = job.get("rules") or []
    if not any("$CI_DEFAULT_BRANCH" in str(r.get("if", "")) for r in rules):
        problems.append("pages: no rule for the default branch")
    if ".freda/" not in ((job.get("cache") or {}).get("paths") or []):
        problems.append("pages: the cache does not keep .freda/")
    script = [str(line).strip() for line in job.get("script") or []]
    if not any("cargo install --locked" in line for line in script):
        problems.append("pages: no script line builds freda with cargo install --locked")
    return script


def main():
    kind, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    problems = []
    commands = {"github": github, "gitlab": gitlab}[kind](doc, problems)
    builds = [c for c in commands if c.startswith("freda build ")]
    if len(builds) != 1:
        problems.append(f"{len(builds)} freda build commands, want 1")
    for p in problems:
        print(p, file=sys.stderr)
    if builds:
        print(builds[0])
    sys.exit(1 if problems else 0)


main()
