// The search benchmark proper (bench/search installs what it needs, then runs this).
// Generates the corpus, builds it with freda and with Hugo + Pagefind (timed with hyperfine), measures the
// index on disk, runs cold queries in Chromium against both, and prints the side-by-side table.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { launch, coldSearch } from './browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const bench = path.dirname(here);
const repo = path.dirname(bench);

// ---- options ----
const USAGE = `usage: bench/search [--quick] [--pages N] [--seed S] [--runs R] [--build-runs B] [--no-throttle]
                    [--json FILE] [--markdown FILE] [--keep]
  --quick        500 pages, 1 browser run per case (about 2 minutes)
  --pages N      corpus size (default 2000)
  --seed S       corpus seed (default 20261129)
  --runs R       cold browser runs per engine, query and network profile; the median time is reported (default 3)
  --build-runs B timed runs of each build; the best is reported (default 3)
  --no-throttle  skip the fast-3G runs
  --json FILE    also write every measurement as JSON
  --markdown FILE also write the tables as Markdown
  --keep         keep the temporary folder (corpus, builds) and print its path
env: FREDA (a freda binary: skips cargo build), HUGO, PAGEFIND, CHROMIUM (paths)`;
const args = process.argv.slice(2);
const opt = { pages: 2000, seed: 20261129, runs: 3, buildRuns: 3, throttle: true, json: null, markdown: null, keep: false };
for (let i = 0; i < args.length; i++) {
  const a = args[i], next = () => { if (i + 1 >= args.length) die(`${a} needs a value`); return args[++i]; };
  if (a === '--quick') { opt.pages = 500; opt.runs = 1; opt.quick = true; }
  else if (a === '--pages') opt.pages = +next();
  else if (a === '--seed') opt.seed = +next();
  else if (a === '--runs') opt.runs = Math.max(1, +next());
  else if (a === '--build-runs') opt.buildRuns = Math.max(1, +next());
  else if (a === '--no-throttle') opt.throttle = false;
  else if (a === '--json') opt.json = path.resolve(next());
  else if (a === '--markdown') opt.markdown = path.resolve(next());
  else if (a === '--keep') opt.keep = true;
  else if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
  else die(`unknown option ${a}\n${USAGE}`);
}
if (!(opt.pages > 0)) die('--pages must be a positive number');

const FAST_3G = { latencyMs: 150, bytesPerSec: 1.6e6 / 8 }; // 150 ms, 1.6 Mbit/s down
const TARGET_BYTES = 40_000;
const TARGET_FETCHES = 2;

function die(msg) { console.error(`bench/search: ${msg}`); process.exit(2); }
const say = msg => console.error(`--- ${msg}`);
function run(cmd, argv, o = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 28, ...o });
  if (r.status !== 0) die(`${cmd} ${argv.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout || ''}${r.stderr || ''}`);
  return r.stdout;
}
const sh = s => `'${String(s).replace(/'/g, `'\\''`)}'`;

// ---- temp folder, always removed ----
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'freda-bench-'));
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (opt.keep) console.error(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

// ---- tools ----
const tools = JSON.parse(process.env.BENCH_TOOLS || '{}');
const HUGO = process.env.HUGO || tools.hugo;
const PAGEFIND = process.env.PAGEFIND || tools.pagefind;
const CHROMIUM = process.env.CHROMIUM || tools.chromium || '/usr/bin/chromium';
const HYPERFINE = tools.hyperfine || null;
if (!HUGO || !PAGEFIND) die('HUGO and PAGEFIND are not set: run bench/search, which installs them');
let FREDA = process.env.FREDA;
if (!FREDA) {
  say('cargo build --release');
  const r = spawnSync('cargo', ['build', '--release', '--quiet'], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) die('cargo build --release failed');
  FREDA = path.join(repo, 'target', 'release', 'freda');
}
const versions = {
  freda: run(FREDA, ['--version']).trim(),
  hugo: (run(HUGO, ['version']).match(/v[\d.]+/) || ['?'])[0],
  pagefind: run(PAGEFIND, ['--version']).trim(),
  node: process.version,
};

// ---- 1. corpus ----
const corpus = path.join(tmp, 'corpus');
say(`generating ${opt.pages} pages (seed ${opt.seed})`);
run('python3', [path.join(bench, 'gen-corpus'), corpus, '--pages', String(opt.pages), '--seed', String(opt.seed),
  '--site-toml', path.join(repo, 'site.toml')], { stdio: ['ignore', 'inherit', 'inherit'] });
const meta = JSON.parse(fs.readFileSync(path.join(corpus, 'corpus.json'), 'utf8'));

// ---- 2. builds, timed ----
const fredaOut = path.join(tmp, 'freda-out');
const hugoOut = path.join(tmp, 'hugo-out');
const fredaCmd = `${sh(FREDA)} build --root ${sh(path.join(corpus, 'freda'))} --output ${sh(fredaOut)}`;
const hugoCmd = `${sh(HUGO)} --source ${sh(path.join(corpus, 'hugo'))} --destination ${sh(hugoOut)} --quiet`;
const pagefindCmd = `${sh(PAGEFIND)} --site ${sh(hugoOut)} --silent`;

function timeIt(name, cmd, prepare) {
  say(`timing ${name} (${opt.buildRuns} runs)`);
  if (HYPERFINE) {
    const json = path.join(tmp, `hyperfine-${name.replace(/\W+/g, '-')}.json`);
    run(HYPERFINE, ['--runs', String(opt.buildRuns), '--prepare', prepare, '--export-json', json, '--style', 'none', cmd]);
    const r = JSON.parse(fs.readFileSync(json, 'utf8')).results[0];
    return { best: r.min, mean: r.mean, runs: r.times, tool: 'hyperfine' };
  }
  const times = [];
  for (let i = 0; i < opt.buildRuns; i++) {
    run('sh', ['-c', prepare]);
    const t0 = process.hrtime.bigint();
    run('sh', ['-c', cmd]);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { best: Math.min(...times), mean: times.reduce((a, b) => a + b) / times.length, runs: times, tool: 'loop' };
}
const builds = {
  freda: timeIt('freda build', fredaCmd, `rm -rf ${sh(fredaOut)}`),
  hugoPagefind: timeIt('hugo + pagefind', `${hugoCmd} && ${pagefindCmd}`, `rm -rf ${sh(hugoOut)}`),
  hugo: timeIt('hugo', hugoCmd, `rm -rf ${sh(hugoOut)}`),
};
builds.pagefind = timeIt('pagefind', pagefindCmd, `rm -rf ${sh(path.join(hugoOut, 'pagefind'))}`);
for (const d of [fredaOut, path.join(hugoOut, 'pagefind')]) if (!fs.existsSync(d)) die(`no build output in ${d}`);

// ---- 3. index size on disk ----
const TEXT = /\.(html|css|js|mjs|json|svg|xml|txt)$/;
function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}
function sizes(files) {
  let raw = 0, gz = 0;
  for (const f of files) {
    const b = fs.readFileSync(f);
    raw += b.length;
    // served size: text is gzipped; Pagefind's .pf_* and wasm files are gzipped by Pagefind already
    gz += TEXT.test(f) ? zlib.gzipSync(b, { level: 9 }).length : b.length;
  }
  return { files: files.length, raw, gzip: gz };
}
const fredaJson = walk(path.join(fredaOut, 'search')).filter(f => f.endsWith('.json'));
const pfAll = walk(path.join(hugoOut, 'pagefind'));
const pfData = pfAll.filter(f => /\.pf_(meta|index|fragment|filter)$|pagefind-entry\.json$/.test(f));
const disk = {
  freda: sizes(fredaJson),
  fredaClient: sizes([path.join(fredaOut, 'search.js')]),
  pagefind: sizes(pfAll),
  pagefindData: sizes(pfData),
};
const pfEntry = JSON.parse(fs.readFileSync(path.join(hugoOut, 'pagefind', 'pagefind-entry.json'), 'utf8'));
const pfPages = Object.values(pfEntry.languages).reduce((a, l) => a + l.page_count, 0);

// ---- 4. cold queries in Chromium ----
// the rare word: a real word on 2–4 pages that no more frequent word starts with (the last word of a query
// is also matched as a prefix by both engines), preferring 3 pages
const df = meta.df;
const words = Object.keys(df);
const rare = words
  .filter(w => /^[a-z]{7,}$/.test(w) && df[w] >= 2 && df[w] <= 4)
  .filter(w => words.filter(v => v !== w && v.startsWith(w.slice(0, 6))).every(v => df[v] <= 4))
  .sort((a, b) => Math.abs(df[a] - 3) - Math.abs(df[b] - 3) || a.localeCompare(b))[0];
if (!rare) die('no rare word found in the corpus');
const QUERIES = [
  { kind: 'common word', q: 'care' },
  { kind: 'rare word', q: rare },
  { kind: 'prefix', q: 'restr' },
  { kind: 'typo', q: 'restrant' },
];
const pagePath = '/' + meta.sample.find(p => p.type === 'case-study').url;
const profiles = [{ name: 'unthrottled', throttle: null }];
if (opt.throttle) profiles.push({ name: 'fast 3G', throttle: FAST_3G });

const fredaSrv = await serve(fredaOut);
const hugoSrv = await serve(hugoOut);
const browser = await launch(CHROMIUM);
versions.chromium = browser.version();
const measurements = [];
try {
  for (const prof of profiles) {
    for (const { q } of QUERIES) {
      for (const [engine, srv] of [['freda', fredaSrv], ['pagefind', hugoSrv]]) {
        say(`${engine}: "${q}" (${prof.name}, ${opt.runs} cold run${opt.runs > 1 ? 's' : ''})`);
        for (let i = 0; i < opt.runs; i++) {
          const m = await coldSearch(browser, srv, engine, pagePath, q, { throttle: prof.throttle });
          m.profile = prof.name;
          m.run = i;
          if (m.errors.length || m.notFound.length) console.error(`    warning: ${JSON.stringify({ errors: m.errors, notFound: m.notFound })}`);
          measurements.push(m);
        }
      }
    }
  }
} finally {
  await browser.close();
  await fredaSrv.close();
  await hugoSrv.close();
}

// ---- 5. report ----
const median = xs => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const kB = b => `${(b / 1000).toFixed(1)} kB`;
const ms = t => t == null ? '–' : `${Math.round(t)}`;
const ratio = (a, b) => (b ? (a / b).toFixed(2) : '–');
const sec = s => `${s.toFixed(2)} s`;
function pick(engine, q, profile) { return measurements.filter(m => m.engine === engine && m.query === q && m.profile === profile); }
function summary(engine, q) {
  const u = pick(engine, q, 'unthrottled'), t = pick(engine, q, 'fast 3G');
  const first = u[0];
  const varies = u.concat(t).some(m => m.bytes !== first.bytes || m.requests !== first.requests);
  return {
    bytes: first.bytes, requests: first.requests, after: first.afterRequests, client: first.clientBytes,
    results: first.results, suggestion: first.suggestion, titles: first.titles, varies,
    ttfr: median(u.map(m => m.ttfr)), ttfr3g: t.length ? median(t.map(m => m.ttfr)) : null,
  };
}
const rows = QUERIES.map(({ kind, q }) => ({ kind, q, f: summary('freda', q), p: summary('pagefind', q) }));
const lines = [];
const out = s => lines.push(s);
out(`### Cold queries (${opt.pages} pages, seed ${opt.seed})`);
out('');
out('Bytes are gzip bytes over the wire for everything search loads, including its code: freda\'s `search.js`; ' +
  'Pagefind\'s `pagefind-ui.js`/`.css`, the init script, `pagefind.js`, its worker and wasm. Requests: all of them ' +
  '(in brackets: those after page load). Time: first keystroke to first result on screen (it includes each ' +
  'UI\'s input debounce: 150 ms in freda, 300 ms in Pagefind\'s default UI), median of ' +
  `${opt.runs} cold run${opt.runs > 1 ? 's' : ''}` + (opt.throttle ? '; fast 3G = 150 ms latency, 1.6 Mbit/s down.' : '.'));
out('');
out('| query | freda bytes | Pagefind bytes | ratio | freda requests | Pagefind requests | freda first result, ms' +
  (opt.throttle ? ' (fast 3G)' : '') + ' | Pagefind first result, ms' + (opt.throttle ? ' (fast 3G)' : '') +
  ' | ratio' + (opt.throttle ? ' (fast 3G)' : '') + ' | results freda / Pagefind |');
out('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
for (const r of rows) {
  const t = (a, b) => opt.throttle ? `${ms(a)} (${ms(b)})` : ms(a);
  out(`| ${r.kind} "${r.q}" | ${kB(r.f.bytes)} | ${kB(r.p.bytes)} | ${ratio(r.f.bytes, r.p.bytes)} | ` +
    `${r.f.requests} (${r.f.after}) | ${r.p.requests} (${r.p.after}) | ${t(r.f.ttfr, r.f.ttfr3g)} | ` +
    `${t(r.p.ttfr, r.p.ttfr3g)} | ${opt.throttle ? `${ratio(r.f.ttfr, r.p.ttfr)} (${ratio(r.f.ttfr3g, r.p.ttfr3g)})` : ratio(r.f.ttfr, r.p.ttfr)} | ` +
    `${r.f.results} / ${r.p.results} |`);
}
out('');
out(`### Build and index (${opt.pages} pages)`);
out('');
out('| | freda | Hugo + Pagefind | ratio |');
out('|---|--:|--:|--:|');
out(`| build time, best of ${opt.buildRuns} | ${sec(builds.freda.best)} | ${sec(builds.hugoPagefind.best)} ` +
  `(Hugo ${sec(builds.hugo.best)} + Pagefind ${sec(builds.pagefind.best)}) | ${ratio(builds.freda.best, builds.hugoPagefind.best)} |`);
out(`| index on disk, raw (freda \`search/**/*.json\`; all of \`pagefind/\`) | ${kB(disk.freda.raw)} (${disk.freda.files} files) | ` +
  `${kB(disk.pagefind.raw)} (${disk.pagefind.files} files) | ${ratio(disk.freda.raw, disk.pagefind.raw)} |`);
out(`| index on disk, gzip-summed | ${kB(disk.freda.gzip)} | ${kB(disk.pagefind.gzip)} | ${ratio(disk.freda.gzip, disk.pagefind.gzip)} |`);
out(`| index data only (Pagefind: entry, meta, index, fragment, filter files), gzip-summed | ${kB(disk.freda.gzip)} | ` +
  `${kB(disk.pagefindData.gzip)} (${disk.pagefindData.files} files) | ${ratio(disk.freda.gzip, disk.pagefindData.gzip)} |`);
out(`| search client, gzip (freda \`search.js\`; Pagefind UI js+css, pagefind.js, worker, wasm) | ${kB(rows[0].f.client)} | ` +
  `${kB(pagefindCode())} | ${ratio(rows[0].f.client, pagefindCode())} |`);
out('');
out('### Targets for freda');
out('');
out(`| query | ≤ ${TARGET_BYTES / 1000} kB incl. client | ≤ ${TARGET_FETCHES} fetches after page load |`);
out('|---|---|---|');
let missed = 0;
for (const r of rows) {
  const okB = r.f.bytes <= TARGET_BYTES, okF = r.f.after <= TARGET_FETCHES;
  missed += !okB + !okF;
  out(`| ${r.kind} "${r.q}" | ${okB ? 'met' : 'MISSED'}: ${kB(r.f.bytes)}${okB ? '' : ` (+${kB(r.f.bytes - TARGET_BYTES)})`} | ` +
    `${okF ? 'met' : 'MISSED'}: ${r.f.after}${okF ? '' : ` (+${r.f.after - TARGET_FETCHES})`} |`);
}
out('');
out(`freda ${versions.freda.replace(/^freda /, '')}, Hugo ${versions.hugo}, Pagefind ${versions.pagefind.replace(/^pagefind /, '')}, ` +
  `Chromium ${versions.chromium}, node ${versions.node}; ${os.cpus().length} cores; ` +
  `${meta.pages} pages generated, Pagefind indexed ${pfPages}; build timing by ${builds.freda.tool}.`);
function pagefindCode() {
  // what Pagefind loads that is code, not index, as measured on the "care" run
  const m = measurements.find(x => x.engine === 'pagefind' && x.query === 'care');
  return m.files.map(l => l.split(' ')).filter(([p]) => /\.(js|css)$|\/wasm\.[^/]*\.pagefind$/.test(p))
    .reduce((a, [, b]) => a + +b, 0);
}

const notes = [];
for (const r of rows) {
  if (r.f.varies || r.p.varies) notes.push(`bytes or requests for "${r.q}" varied between runs; the first run is shown`);
  if (r.f.suggestion) notes.push(`freda suggests for "${r.q}": ${r.f.suggestion}`);
  const m = measurements.find(x => x.engine === 'freda' && x.query === r.q);
  const kinds = m.files.map(l => l.split(' ')[0].split('/').pop().replace(/\..*/, '').replace(/\d+$/, ''));
  const n = k => kinds.filter(x => x === k).length;
  notes.push(`freda fetched for "${r.q}" after page load: manifest ${n('manifest')}, term shards ${n('t')}, ` +
    `card blocks ${n('d')}, facets ${n('f')}`);
}
for (const r of rows) {
  notes.push(`top results for "${r.q}": freda ${JSON.stringify(r.f.titles)}; Pagefind ${JSON.stringify(r.p.titles)}`);
}

const report = lines.join('\n');
console.log('');
console.log(report);
console.log('');
for (const n of notes) console.log(`note: ${n}`);
console.log(missed ? `freda missed ${missed} target check${missed > 1 ? 's' : ''}` : 'freda met every target');
if (opt.markdown) fs.writeFileSync(opt.markdown, report + '\n');
if (opt.json) {
  fs.writeFileSync(opt.json, JSON.stringify({ date: new Date().toISOString(), options: opt, versions, cores: os.cpus().length,
    pagePath, queries: QUERIES, builds, disk, pagefindPages: pfPages, rows, measurements, notes }, null, 1));
}
