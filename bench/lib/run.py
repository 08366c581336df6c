#!/usr/bin/env python3
"""The performance benchmark proper (bench/run installs the tools, then runs this).

usage: bench/run [--quick] [--sizes N,N,...] [--rounds R] [--edits E] [--small-runs S] [--seed S]
                 [--skip NAME,...] [--mdbook-max-pages N] [--single-run-above S] [--markdown FILE]
                 [--json FILE] [--keep]
  --quick          1,000 pages, 3 rounds, 20 edits (under 3 minutes on 2 cores after installs)
  --sizes LIST     corpus sizes in pages (default 1000,10000,50000)
  --rounds R       interleaved rounds: each command runs once per round (default 5 up to 1,000
                   pages, 3 up to 10,000, 2 above)
  --edits E        one-page edits in the incremental run (bench/serve; default 50)
  --small-runs S   hyperfine runs for the 10-page site (default 10, after 3 warm-ups)
  --seed S         corpus seed (default 20261129)
  --skip LIST      leave out some of: hugo, hugo-pagefind, mdbook, check, incremental, small
  --mdbook-max-pages N  run mdBook only up to N pages (default 10000: its build time grows about
                   quadratically, 8 s at 1,000 pages and 9 minutes at 10,000 on 2 cores)
  --single-run-above S  a command whose first (warm-up) run took longer than S seconds (default 120) is not
                   run again: that run is its one measurement (mdBook at 10,000 pages, Pagefind at 50,000)
  --markdown FILE  also write the report to FILE
  --json FILE      also write every measurement to FILE
  --keep           keep the temporary folder (outputs, hyperfine exports) and print its path
env: FREDA, HUGO, PAGEFIND, MDBOOK (paths to use instead of installing or building)

Per corpus size, every command starts from an empty output folder (hyperfine's --prepare removes it):
freda build (search included), Hugo alone, Hugo then Pagefind, mdBook (search on, its default), and
freda check. Each is run once first (warm cache, and its output is checked and measured), then
once per round, in an order that rotates every round, so slow drifts of the machine spread over all
tools. A command whose first run took longer than --single-run-above seconds is not run again: that
run is its one measurement. Wall time is hyperfine's (median and min over the rounds); peak RSS is GNU time's maximum
resident set size (for Hugo + Pagefind the larger of the two programs); output is the sum of file sizes
and the file count. The one-page rebuild is bench/serve's median "Rebuilt in N ms". Corpora come from
bench/gen-corpus and are cached in ${TMPDIR:-/tmp}/freda-bench-corpus-<pages>-<seed>-<hash>.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

LIB = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(LIB)
REPO = os.path.dirname(BENCH)
SKIPPABLE = ("hugo", "hugo-pagefind", "mdbook", "check", "incremental", "small")
SMALL_PAGES = 10
TARGET_PAGES = 10000


def parse_args(argv):
    """Options (see the module docstring), with --quick applied."""
    ap = argparse.ArgumentParser(prog="bench/run", usage=__doc__.split("\n\n")[1].split("usage: ", 1)[1].split("\n  --")[0],
                                 add_help=False)
    ap.add_argument("-h", "--help", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", type=sizes_list, default=[1000, 10000, 50000])
    ap.add_argument("--rounds", type=positive)
    ap.add_argument("--edits", type=positive, default=50)
    ap.add_argument("--small-runs", type=positive, default=10)
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--skip", type=skip_list, default=[])
    ap.add_argument("--mdbook-max-pages", type=positive, default=10000)
    ap.add_argument("--single-run-above", type=positive, default=120)
    ap.add_argument("--markdown")
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--check-args", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.help:
        print(__doc__.split("\n\n", 1)[1].rstrip())
        sys.exit(0)
    if args.quick:
        given = set(a.split("=")[0] for a in argv)
        args.sizes = args.sizes if "--sizes" in given else [1000]
        args.rounds = args.rounds or 3
        args.edits = args.edits if "--edits" in given else 20
    return args


def rounds(args, pages):
    """Rounds for one corpus size: --rounds, else 5 up to 1,000 pages, 3 up to 10,000 and 2 above."""
    return args.rounds or (5 if pages <= 1000 else 3 if pages <= 10000 else 2)


def positive(text):
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def sizes_list(text):
    return [positive(x) for x in text.split(",") if x.strip()]


def skip_list(text):
    names = [x.strip() for x in text.split(",") if x.strip()]
    bad = [x for x in names if x not in SKIPPABLE]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown {', '.join(bad)} (choose from {', '.join(SKIPPABLE)})")
    return names


STARTED = time.monotonic()


def say(msg):
    """A progress line on standard error, with the seconds since the start."""
    print(f"--- [{time.monotonic() - STARTED:4.0f} s] {msg}", file=sys.stderr, flush=True)


def fail(msg, output=""):
    """Prints what went wrong (with the failing program's output) and exits non-zero."""
    if output:
        lines = output.rstrip().splitlines()
        print("\n".join(lines[-60:]), file=sys.stderr)
    print(f"bench/run: {msg}", file=sys.stderr)
    sys.exit(1)


def tools():
    """Paths of the programs, as bench/run exported them."""
    names = ("freda", "hugo", "pagefind", "mdbook", "hyperfine", "time")
    t = {n: os.environ.get(f"BENCH_{n.upper()}", "") for n in names}
    missing = [n for n, p in t.items() if not p]
    if missing:
        fail(f"no path for {', '.join(missing)}: start the benchmark with bench/run, which installs them")
    return t


# ---- corpora ----

def corpus_hash():
    """Hash of what a generated corpus depends on: the generator, its data and the repo's site.toml."""
    h = hashlib.sha256()
    files = [os.path.join(BENCH, "gen-corpus"), os.path.join(REPO, "site.toml")]
    data = os.path.join(BENCH, "data")
    files += sorted(os.path.join(data, f) for f in os.listdir(data))
    for f in files:
        with open(f, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:12]


def corpus(pages, seed, need):
    """A gen-corpus output folder for `pages` pages, generated once and then reused from the cache."""
    path = os.path.join(tempfile.gettempdir(), f"freda-bench-corpus-{pages}-{seed}-{corpus_hash()}")
    if not os.path.exists(os.path.join(path, "corpus.json")):
        say(f"generating {pages:,} pages (seed {seed}) into {path}")
        tmp = f"{path}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        r = subprocess.run([sys.executable, os.path.join(BENCH, "gen-corpus"), tmp, "--pages", str(pages),
                            "--seed", str(seed)], capture_output=True, text=True)
        if r.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            fail(f"bench/gen-corpus --pages {pages} failed", r.stdout + r.stderr)
        shutil.rmtree(path, ignore_errors=True)
        os.rename(tmp, path)
    for sub in need:
        if not os.path.isdir(os.path.join(path, sub)):
            fail(f"bench/gen-corpus wrote no {sub}/ site in {path} (use --skip for the tools that need it)")
    return path


# ---- the commands ----

def commands(t, src, out, skip):
    """The timed commands for one corpus: key → (label, list of argv run one after another, output dir)."""
    d = lambda k: os.path.join(out, k)
    hugo = [t["hugo"], "--source", os.path.join(src, "hugo"), "--destination", d("hugo"), "--quiet"]
    hugo_pf = [t["hugo"], "--source", os.path.join(src, "hugo"), "--destination", d("hugo-pagefind"), "--quiet"]
    cmds = {
        "freda": ("freda build (search included)",
                  [[t["freda"], "--root", os.path.join(src, "freda"), "build", "--output", d("freda")]], d("freda")),
        "hugo": ("Hugo", [hugo], d("hugo")),
        "hugo-pagefind": ("Hugo + Pagefind",
                          [hugo_pf, [t["pagefind"], "--site", d("hugo-pagefind"), "--silent"]], d("hugo-pagefind")),
        "mdbook": ("mdBook (search included)",
                   [[t["mdbook"], "build", os.path.join(src, "mdbook"), "-d", d("mdbook")]], d("mdbook")),
        "check": ("freda check", [[t["freda"], "--root", os.path.join(src, "freda"), "check"]], None),
    }
    return {k: v for k, v in cmds.items() if k not in skip}


def rss_files(work, key, n):
    return [os.path.join(work, f"rss-{key}-{i}.txt") for i in range(n)]


def shell_line(t, work, key, argvs):
    """One shell command: each program wrapped in GNU time, which writes its peak RSS (KB) to a file."""
    return " && ".join(f"{shlex.quote(t['time'])} -f %M -o {shlex.quote(rss)} {shlex.join(argv)}"
                       for argv, rss in zip(argvs, rss_files(work, key, len(argvs))))


def read_rss(work, key, n):
    """Peak RSS in KB: the largest over the programs of one command (GNU time's last line is %M)."""
    kbs = []
    for f in rss_files(work, key, n):
        with open(f) as fh:
            kbs.append(int(fh.read().strip().splitlines()[-1]))
    return max(kbs)


def tree_size(path):
    """(bytes, files) of a folder: the sum of the files' sizes and their count."""
    total = files = 0
    for root, _, names in os.walk(path):
        for n in names:
            total += os.lstat(os.path.join(root, n)).st_size
            files += 1
    return total, files


def expect_output(key, out):
    """Fails unless the tool wrote what it should have (its index page, and its search index)."""
    want = {"freda": ["index.html"], "hugo": ["index.html"],
            "hugo-pagefind": ["index.html", os.path.join("pagefind", "pagefind-entry.json")],
            "mdbook": ["index.html"]}.get(key, [])
    for w in want:
        if not os.path.exists(os.path.join(out, w)):
            fail(f"{key} exited 0 but wrote no {w} in {out}")
    if key == "mdbook" and not any(n.startswith("searchindex") for n in os.listdir(out)):
        fail(f"mdbook wrote no search index (searchindex*) in {out}")


def warm_up(t, work, key, cmd):
    """Runs a command once: checks that it works and measures its output.
    Returns ((bytes, files) or None, wall seconds, peak RSS KB)."""
    label, argvs, out = cmd
    if out:
        shutil.rmtree(out, ignore_errors=True)
    t0 = time.monotonic()
    r = subprocess.run(["sh", "-c", shell_line(t, work, key, argvs)], capture_output=True, text=True)
    wall = time.monotonic() - t0
    if r.returncode != 0:
        fail(f"{label} failed (exit {r.returncode}): {shell_line(t, work, key, argvs)}", r.stdout + r.stderr)
    rss = read_rss(work, key, len(argvs))
    if not out:
        return None, wall, rss
    expect_output(key, out)
    size = tree_size(out)
    shutil.rmtree(out)
    return size, wall, rss


def timed_round(t, work, cmds, order, tag):
    """One round: each command once, in `order`, timed by hyperfine. Returns key → (seconds, peak RSS KB).

    Output folders are removed before each run and again right after it (untimed): files deleted before
    the kernel writes them back cost almost nothing to delete, while on a disk mounted with `discard`
    deleting files already on disk can take longer than building them."""
    export = os.path.join(work, f"hyperfine-{tag}.json")
    rm = "rm -rf " + " ".join(shlex.quote(c[2]) for c in cmds.values() if c[2])
    argv = [t["hyperfine"], "--runs", "1", "--style", "none", "--export-json", export,
            "--prepare", rm, "--cleanup", rm]
    for key in order:
        argv += ["-n", key]
    argv += [shell_line(t, work, key, cmds[key][1]) for key in order]
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        hint = " (exit code 137: killed, often by the kernel's OOM killer; see dmesg)" if "code: 137" in r.stderr else ""
        fail(f"hyperfine failed in round {tag}{hint}", r.stdout + r.stderr)
    with open(export) as f:
        results = {x["command"]: x for x in json.load(f)["results"]}
    return {key: (results[key]["times"][0], read_rss(work, key, len(cmds[key][1]))) for key in order}


def measure_size(t, args, pages):
    """All of one corpus size: warm-up, interleaved rounds, then the incremental run."""
    skip = list(args.skip)
    not_run = {}
    if pages > args.mdbook_max_pages and "mdbook" not in skip:
        skip.append("mdbook")
        not_run["mdbook"] = f"not run above {args.mdbook_max_pages:,} pages (--mdbook-max-pages)"
    need = ["freda"] + [k for k in ("hugo", "mdbook") if k not in skip]
    if "hugo-pagefind" not in skip:
        need.append("hugo")
    src = corpus(pages, args.seed, sorted(set(need)))
    work = os.path.join(args.work, f"size-{pages}")
    os.makedirs(work)
    cmds = commands(t, src, work, skip)
    res = {k: {"label": cmds[k][0], "times_s": [], "rss_kb": []} for k in cmds}
    single = []
    for key, cmd in cmds.items():
        say(f"{pages:,} pages: warm-up {cmd[0]}")
        size, wall, rss = warm_up(t, work, key, cmd)
        res[key]["first_s"] = wall
        if size:
            res[key]["output_bytes"], res[key]["output_files"] = size
        if wall > args.single_run_above:
            say(f"{pages:,} pages: {cmd[0]} took {wall:.0f} s: that run is its one measurement")
            single.append(key)
            res[key]["times_s"].append(wall)
            res[key]["rss_kb"].append(rss)
    keys = [k for k in cmds if k not in single]
    rounds_wall = []
    n = rounds(args, pages)
    for r in range(n):
        if not keys:
            break
        order = keys[r % len(keys):] + keys[:r % len(keys)]
        say(f"{pages:,} pages: round {r + 1}/{n} ({', '.join(order)})")
        t0 = time.monotonic()
        timed = timed_round(t, work, cmds, order, f"{pages}-{r + 1}")
        rounds_wall.append(time.monotonic() - t0)
        for key, (sec, kb) in timed.items():
            res[key]["times_s"].append(sec)
            res[key]["rss_kb"].append(kb)
    for v in res.values():
        v["runs"] = len(v["times_s"])
        v["median_s"], v["min_s"] = statistics.median(v["times_s"]), min(v["times_s"])
        v["peak_rss_kb"] = max(v["rss_kb"])
    out = {"pages": pages, "corpus": src, "rounds": n, "tools": res, "not_run": not_run,
           "round_wall_s": rounds_wall}
    if "incremental" not in args.skip:
        out["incremental"] = incremental(t, args, pages, src, work)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return out


def incremental(t, args, pages, src, work):
    """freda serve's one-page rebuild time, from bench/serve --json."""
    say(f"{pages:,} pages: freda serve, {args.edits} one-page edits (bench/serve)")
    dest = os.path.join(work, "serve.json")
    env = {k: v for k, v in os.environ.items() if k != "FREDA_BENCH_LOG"}
    r = subprocess.run([sys.executable, os.path.join(BENCH, "serve"), "--pages", str(pages), "--edits", str(args.edits),
                        "--freda", t["freda"], "--corpus", src, "--json", dest],
                       capture_output=True, text=True, env=env)
    if r.returncode != 0 or not os.path.exists(dest):
        fail("bench/serve failed", r.stdout + r.stderr)
    with open(dest) as f:
        return json.load(f)


def small_site(t, args):
    """Cold build of a 10-page site: hyperfine, 3 warm-ups then --small-runs runs, not interleaved."""
    need = ["freda"] + [k for k in ("hugo", "mdbook") if k not in args.skip]
    src = corpus(SMALL_PAGES, args.seed, need)
    work = os.path.join(args.work, "small")
    os.makedirs(work)
    cmds = {k: v for k, v in commands(t, src, work, args.skip).items() if k in ("freda", "hugo", "mdbook")}
    for key, cmd in cmds.items():
        warm_up(t, work, key, cmd)
    say(f"{SMALL_PAGES} pages: {args.small_runs} runs each of {', '.join(cmds)}")
    export = os.path.join(work, "hyperfine.json")
    argv = [t["hyperfine"], "--warmup", "3", "--runs", str(args.small_runs), "--style", "none",
            "--export-json", export]
    for key in cmds:
        argv += ["-n", key, "--prepare", f"rm -rf {shlex.quote(cmds[key][2])}"]
    argv += [shlex.join(cmds[key][1][0]) for key in cmds]
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        fail("hyperfine failed on the small site", r.stdout + r.stderr)
    with open(export) as f:
        results = {x["command"]: x for x in json.load(f)["results"]}
    return {"pages": SMALL_PAGES, "runs": args.small_runs,
            "tools": {k: {"label": cmds[k][0], "median_s": results[k]["median"], "min_s": results[k]["min"],
                          "times_s": results[k]["times"]} for k in cmds}}


# ---- the machine and the tools ----

def version(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def machine(t):
    """Date, cores, CPU model, load and tool versions, printed above the tables."""
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": len(os.sched_getaffinity(0)), "cpu": cpu, "load": os.getloadavg()[0],
        "kernel": platform.release(),
        "versions": {"freda": version([t["freda"], "--version"]), "hugo": (version([t["hugo"], "version"]).split() + ["?", "?"])[1].split("-")[0],
                     "pagefind": version([t["pagefind"], "--version"]), "mdbook": version([t["mdbook"], "--version"]),
                     "hyperfine": version([t["hyperfine"], "--version"]),
                     "python": platform.python_version()},
    }


# ---- the report ----

def secs(s):
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def mb(kb=None, nbytes=None):
    """Megabytes (MiB), from KB or from bytes."""
    x = kb / 1024 if kb is not None else nbytes / 1024 / 1024
    return f"{x:.1f} MB" if x < 100 else f"{x:,.0f} MB"


def ratio(a, b):
    return f"{a / b:.2f}×" if b else "–"


def size_table(s):
    """The Markdown table and the freda-only lines for one corpus size."""
    pages, tl = s["pages"], s["tools"]
    f = tl["freda"]
    lines = [f"### {pages:,} pages ({s['rounds']} rounds)", "",
             "| tool | runs | wall, median | wall, min | first run | per page | peak RSS | output | files | freda ÷ tool, time | freda ÷ tool, RSS |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    labels = {"hugo": "Hugo", "hugo-pagefind": "Hugo + Pagefind", "mdbook": "mdBook (search included)"}
    for key in ("freda", "hugo", "hugo-pagefind", "mdbook"):
        if key in s.get("not_run", {}):
            lines.append(f"| {labels[key]} | {s['not_run'][key]} |" + " |" * 9)
        if key not in tl:
            continue
        v = tl[key]
        cells = [v["label"], str(v["runs"]), secs(v["median_s"]), secs(v["min_s"]), secs(v["first_s"]), f"{v['median_s'] / pages * 1000:.3f} ms",
                 mb(v["peak_rss_kb"]), mb(nbytes=v["output_bytes"]), f"{v['output_files']:,}",
                 "–" if key == "freda" else ratio(f["median_s"], v["median_s"]),
                 "–" if key == "freda" else ratio(f["peak_rss_kb"], v["peak_rss_kb"])]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if "check" in tl:
        c = tl["check"]
        lines.append(f"- `freda check`: median {secs(c['median_s'])} (min {secs(c['min_s'])}), "
                     f"{c['median_s'] / pages * 1000:.3f} ms per page, peak RSS {mb(c['peak_rss_kb'])}; "
                     f"check ÷ build {c['median_s'] / f['median_s']:.2f}.")
    if "incremental" in s:
        i = s["incremental"]
        r = i["rebuild_ms"]
        lines.append(f"- `freda serve`, one-page edit ({i['edits']} edits, bench/serve): rebuild median "
                     f"{r['median']:.0f} ms (min {r['min']} ms, p90 {r['p90']} ms, max {r['max']} ms); "
                     f"first build and serve {i['first_build_s']:.1f} s, server peak RSS {mb(i['peak_rss_kb'])}.")
    return "\n".join(lines) + "\n"


def growth(sizes):
    """freda build's time and peak RSS per page at each size (is it near-linear?)."""
    if not sizes:
        return ""
    per = [(s["pages"], s["tools"]["freda"]) for s in sizes]
    t = " · ".join(f"{p:,}: {v['median_s'] / p * 1000:.3f} ms" for p, v in per)
    m = " · ".join(f"{p:,}: {v['peak_rss_kb'] / p:.1f} KB" for p, v in per)
    first = " · ".join(f"{p:,}: {v['first_s'] / p * 1000:.3f} ms" for p, v in per)
    out = f"- freda build, time per page: {t}"
    if len(per) > 1:
        (p0, v0), (p1, v1) = per[0], per[-1]
        out += f" (×{(v1['median_s'] / p1) / (v0['median_s'] / p0):.2f} from {p0:,} to {p1:,} pages)"
    out += f"\n- freda build, first (warm-up) run per page: {first}"
    out += f"\n- freda build, peak RSS per page: {m}"
    return "### Growth\n\n" + out + "\n"


def small_table(sm):
    lines = [f"### Small site ({sm['pages']} pages, cold build; hyperfine, 3 warm-ups + {sm['runs']} runs)", "",
             "| tool | median | min |", "|---|--:|--:|"]
    for v in sm["tools"].values():
        lines.append(f"| {v['label']} | {secs(v['median_s'])} | {secs(v['min_s'])} |")
    return "\n".join(lines) + "\n"


def verdicts(sizes, small):
    """The issue's targets, each met / NOT met with the measured ratio or value."""
    out = []
    at = next((s for s in sizes if s["pages"] == TARGET_PAGES), sizes[-1] if sizes else None)
    if at:
        tl, n = at["tools"], at["pages"]
        where = f"at {n:,} pages" + ("" if n == TARGET_PAGES else f" (the targets are for {TARGET_PAGES:,})")
        f = tl["freda"]
        def check(name, key, field, limit, strict=False):
            if key not in tl:
                return out.append((name, None, "not measured"))
            r = f[field] / tl[key][field]
            ok = r < limit if strict else r <= limit
            out.append((f"{name} {where}", ok, f"{r:.2f}×"))
        check("freda build + search ≤ 0.5× Hugo + Pagefind", "hugo-pagefind", "median_s", 0.5)
        check("freda build < Hugo alone", "hugo", "median_s", 1.0, strict=True)
        check("freda build peak RSS ≤ 1.0× Hugo", "hugo", "peak_rss_kb", 1.0)
        if "incremental" in at:
            med = at["incremental"]["rebuild_ms"]["median"]
            out.append((f"one-page incremental rebuild ≤ 50 ms {where}", med <= 50, f"median {med:.0f} ms"))
        else:
            out.append(("one-page incremental rebuild ≤ 50 ms", None, "not measured"))
    if small:
        med = small["tools"]["freda"]["median_s"] * 1000
        out.append((f"small site ({small['pages']} pages) builds well under 100 ms", med < 100,
                    f"median {med:.0f} ms, {med / 100:.2f}× the 100 ms bound"))
    else:
        out.append(("small site builds well under 100 ms", None, "not measured"))
    return out


def report(meta, args, sizes, small, verdict):
    v = meta["versions"]
    head = [
        "## freda performance benchmark", "",
        f"{meta['date']} · {meta['nproc']} cores (nproc) · {meta['cpu']} · load average at start "
        f"{meta['load']:.2f}",
        " · ".join([v["freda"], f"Hugo {v['hugo']}", v["pagefind"]] + ([] if "mdbook" in args.skip else [v["mdbook"]])
                   + [v["hyperfine"], f"Python {v['python']}"]),
        f"corpus seed {args.seed}; interleaved rounds per size (median and min of the rounds; peak RSS is the "
        f"maximum); every build from an empty output folder", ""]
    parts = ["\n".join(head)] + [size_table(s) for s in sizes] + [growth(sizes)]
    if small:
        parts.append(small_table(small))
    marks = {True: "met", False: "NOT met", None: "–"}
    parts.append("### Targets\n\n" + "\n".join(f"- {name}: {value} — **{marks[ok]}**" for name, ok, value in verdict) + "\n")
    return "\n".join(p for p in parts if p)


# ---- main ----

def main():
    args = parse_args(sys.argv[1:])
    if args.check_args:
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t = tools()
    args.work = tempfile.mkdtemp(prefix="freda-bench-run-")
    started = time.monotonic()
    try:
        meta = machine(t)
        # The small site first: its cold builds take tens of ms, and right after the large sizes' folders are
        # deleted the disk is still busy (discards) and they ran 2-3x slower.
        small = None if "small" in args.skip else small_site(t, args)
        sizes = [measure_size(t, args, n) for n in args.sizes]
        verdict = verdicts(sizes, small)
        text = report(meta, args, sizes, small, verdict)
        print(text)
        meta["elapsed_s"] = time.monotonic() - started
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(text)
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"meta": meta, "options": {k: v for k, v in vars(args).items() if k != "work"},
                           "sizes": sizes, "small": small,
                           "verdicts": [{"target": n, "met": ok, "value": v} for n, ok, v in verdict]}, f, indent=1)
        say(f"done in {meta['elapsed_s']:.0f} s")
    finally:
        if args.keep:
            say(f"kept {args.work}")
        else:
            shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
