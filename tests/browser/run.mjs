#!/usr/bin/env node
// Browser checks of a built freda site served over HTTP (see run.sh, which builds the site and starts nginx).
//
//   node tests/browser/run.mjs --base http://127.0.0.1:PORT/library/ --public DIR [--relative-dir DIR]
//        [--access-log FILE] [--screenshots DIR] [--timeout SECONDS] [--concurrency N] [--chromium PATH]
//        [--only PHASE,…]   (pages, keyboard, search, screenshots, dark, pdf, vnu; for working on one part)
//
// Every *.html under DIR is opened in headless Chromium (Debian's, through playwright-core) and checked:
// document status, subresource statuses, no request to another host, no console error, no uncaught error,
// no Content Security Policy violation, axe-core (WCAG 2.2 AA + best practices), and that #fragment links
// point at an id that exists. Then every same-origin href/src is fetched once (must be 200), vnu checks all
// files, the skip link is tried with the keyboard, screenshots and print PDFs are written to
// target/screenshots/, and the nginx access log is scanned for requests nobody else explained (favicon…).
// The search phase drives search.js: the header box (results, live region, requests of a cold query, combobox
// keys), a typo's "Did you mean", the search page's facets and URL, axe with results shown, the no-JS A–Z index,
// and, with --relative-dir (a `freda build --relative` output), search and links opened from disk over file://.
// Ends with the line "N passed, N failed" (one check = one page × one kind of check) and exits 1 on any failure.

import { chromium } from 'playwright-core';
import { AXE_OPTIONS, LAUNCH_ARGS } from './chromium.mjs';
import { readOptions } from './options.mjs';
import { stopOnTimeoutOrSignal } from './report.mjs';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const started = Date.now();

// ---------------------------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const defaults = {
    base: null,
    public: null,
    accessLog: null,
    screenshots: path.join(repo, 'target', 'screenshots'),
    timeout: 900,
    concurrency: 2,
    chromium: '/usr/bin/chromium',
    relativeDir: null,
    only: null,
  };
  const names = {
    '--base': 'base', '--public': 'public', '--access-log': 'accessLog', '--screenshots': 'screenshots',
    '--timeout': 'timeout', '--concurrency': 'concurrency', '--chromium': 'chromium',
    '--relative-dir': 'relativeDir', '--only': 'only',
  };
  const opts = readOptions(argv, names, defaults, usage);
  if (!opts.base || !opts.public) usage('--base and --public are required');
  if (!opts.base.endsWith('/')) opts.base += '/';
  opts.timeout = Number(opts.timeout);
  opts.concurrency = Math.max(1, Number(opts.concurrency) || 1);
  opts.public = path.resolve(opts.public);
  opts.screenshots = path.resolve(opts.screenshots);
  if (opts.relativeDir) opts.relativeDir = path.resolve(opts.relativeDir);
  if (opts.only) {
    opts.only = new Set(opts.only.split(',').map((x) => x.trim()).filter(Boolean));
    const unknown = [...opts.only].filter((x) => !PHASES.includes(x));
    if (unknown.length) usage(`unknown phase ${unknown.join(', ')} (phases: ${PHASES.join(', ')})`);
  }
  return opts;
}

// Phases that --only can pick (for working on one part; a full run runs them all).
const PHASES = ['pages', 'keyboard', 'search', 'screenshots', 'dark', 'pdf', 'vnu'];
const want = (name) => !opts.only || opts.only.has(name);

function usage(message) {
  console.error(`run.mjs: ${message}`);
  console.error('usage: node run.mjs --base http://127.0.0.1:PORT/library/ --public DIR [--access-log FILE] '
    + '[--screenshots DIR] [--timeout SECONDS] [--concurrency N] [--chromium PATH] [--relative-dir DIR] '
    + `[--only PHASE,…] (phases: ${PHASES.join(', ')})`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const base = new URL(opts.base);
const origin = base.origin;

const NAV_TIMEOUT = 30_000;
const AXE_TIMEOUT = 60_000;
const FETCH_TIMEOUT = 15_000;
const VNU_TIMEOUT = 300_000;
// The not-found page is checked where visitors meet it: at a URL that does not exist, served with status 404.
const MISSING_PATH = '__freda-browser-test-missing__/page/';
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const MOBILE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
// 400% zoom of a 1280 px window leaves 320 CSS px: WCAG 1.4.10 Reflow is checked there too.
const ZOOM400 = { viewport: { width: 320, height: 640 } };
// PDFs: [name, page URL relative to the base, largest allowed page count]
const PDFS = [
  ['checklist', 'tools/human-rights-checklist/', 1],
  ['poster', 'tools/freda-poster/', 1],
  ['dos-and-donts', 'dos-and-donts/planning-training/', 2],
];
// Screenshots: one page of each type; a known starter page if it exists, else the first page of that type.
const PREFERRED = {
  home: '',
  'case-study': 'case-studies/',
  'dos-donts': 'dos-and-donts/planning-training/',
  tool: 'tools/human-rights-checklist/',
  training: 'training/',
  event: 'events/',
  evaluation: 'evaluations/',
  guide: 'guides/human-rights-framework/',
  'guide-part': 'guides/human-rights-framework/freda-principles/',
  'guide-print': 'guides/human-rights-framework/print/',
  'taxonomy-term': 'rights/article-8/',
  taxonomy: 'rights/',
  browse: 'browse/',
  section: 'case-studies/',
  page: 'about/',
  404: MISSING_PATH,
};

// ---------------------------------------------------------------------------------------------------------------
// Results

const results = []; // { check, target, ok, details: string[] }
const notes = []; // lines for the summary that are information, not checks

function record(check, target, ok, details = []) {
  results.push({ check, target, ok, details });
}

function shortUrl(url) {
  try {
    const u = new URL(url);
    return u.origin === origin ? u.pathname + u.search + u.hash : url;
  } catch {
    return String(url);
  }
}

const children = new Set();
let browser = null;
let finished = false;

function printReport(extraFailure) {
  if (finished) return;
  finished = true;
  if (extraFailure) record('harness', 'run.mjs', false, [extraFailure]);
  const byCheck = new Map();
  for (const r of results) {
    if (!byCheck.has(r.check)) byCheck.set(r.check, []);
    byCheck.get(r.check).push(r);
  }
  console.log('\n==================== Failures ====================');
  let any = false;
  for (const [check, rs] of byCheck) {
    const failed = rs.filter((r) => !r.ok);
    if (!failed.length) continue;
    any = true;
    console.log(`\n--- ${check}: ${failed.length} of ${rs.length} failed`);
    for (const r of failed) {
      console.log(`FAIL [${check}] ${r.target}`);
      for (const d of r.details) console.log(`    ${d.replace(/\n/g, '\n    ')}`);
    }
  }
  if (!any) console.log('none');
  if (notes.length) {
    console.log('\n==================== Summary ====================');
    for (const n of notes) console.log(n);
  }
  console.log('\n==================== Totals ====================');
  let passed = 0;
  let failed = 0;
  for (const [check, rs] of byCheck) {
    const f = rs.filter((r) => !r.ok).length;
    passed += rs.length - f;
    failed += f;
    console.log(`${check.padEnd(16)} ${String(rs.length - f).padStart(5)} passed ${String(f).padStart(5)} failed`);
  }
  console.log(`time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}

// Stops at once. playwright-core kills the browsers it launched when the process exits; vnu is ours to kill.
function shutdown(code) {
  for (const child of children) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  process.exit(code);
}

stopOnTimeoutOrSignal(opts.timeout, printReport, shutdown);

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms / 1000} s`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function pool(items, size, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

// ---------------------------------------------------------------------------------------------------------------
// The site's pages

function listHtml(dir) {
  const out = [];
  const walk = (d) => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && ent.name.endsWith('.html')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

// The page type, from the first element inside <main>: <article class="page page-case-study"> is "case-study",
// <div class="section section-guide"> is "guide", <div class="taxonomy-term"> is "taxonomy-term".
function pageType(html, rel) {
  if (rel === '404.html') return '404';
  if (rel === 'index.html') return 'home';
  const m = /<main\b[^>]*>\s*<[a-z][a-z0-9]*\b[^>]*?\bclass="([^"]*)"/i.exec(html);
  if (!m) return 'other';
  const classes = m[1].split(/\s+/).filter(Boolean);
  const specific = classes.map((c) => /^(?:page|section)-(.+)$/.exec(c)).find(Boolean);
  if (specific) return specific[1];
  const type = classes[0] || 'other';
  return { taxonomies: 'browse', 'not-found': '404', home: 'home' }[type] || type;
}

function pagesOf(dir) {
  return listHtml(dir).map((file) => {
    const rel = path.relative(dir, file).split(path.sep).join('/');
    const html = fs.readFileSync(file, 'utf8');
    if (rel === '404.html') {
      return { file, rel, url: new URL(MISSING_PATH, base).href, status: 404, type: '404' };
    }
    const urlPath = rel.endsWith('/index.html') || rel === 'index.html' ? rel.slice(0, -'index.html'.length) : rel;
    return { file, rel, url: new URL(urlPath, base).href, status: 200, type: pageType(html, rel) };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// One page in the browser

const axeSource = fs.readFileSync(path.join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// Runs in the page before any of its own scripts (init scripts run even under a strict CSP).
function cspRecorder() {
  window.__fredaCspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__fredaCspViolations.push(`${e.effectiveDirective || e.violatedDirective} blocked `
      + `${e.blockedURI || '(inline)'}${e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` : ''}`
      + `${e.sample ? ` sample: ${e.sample}` : ''}`);
  }, true);
}

// Only http(s) requests to 127.0.0.1 may leave the browser (data: and blob: URLs never reach the network).
function isLocal(url) {
  try {
    const u = new URL(url);
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
    return u.hostname === '127.0.0.1';
  } catch {
    return false;
  }
}

// A browser context: desktop size unless told otherwise, requests to other hosts aborted, the CSP recorder
// installed in every page. Service workers are blocked so that every request passes the router.
async function newContext(extra = {}) {
  const context = await browser.newContext({ ...DESKTOP, serviceWorkers: 'block', ...extra });
  context.setDefaultTimeout(NAV_TIMEOUT);
  context.setDefaultNavigationTimeout(NAV_TIMEOUT);
  await context.route('**/*', (route) => (isLocal(route.request().url())
    ? route.continue()
    : route.abort('blockedbyclient')));
  await context.addInitScript(cspRecorder);
  return context;
}

// A new page in the context, with what it does recorded in state.
// state.reset() empties it before the page is reused for the next URL.
async function openPage(context) {
  const state = {
    reset() {
      Object.assign(this, { offsite: [], console: [], consoleCsp: [], pageErrors: [], responses: [], failedRequests: [] });
    },
  };
  state.reset();
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    const text = `${msg.text()}${loc && loc.url ? ` (${shortUrl(loc.url)}${loc.lineNumber ? `:${loc.lineNumber}` : ''})` : ''}`;
    if (/Content[ -]Security[ -]Policy/i.test(msg.text())) state.consoleCsp.push(text);
    else state.console.push({ text, raw: msg.text(), url: loc && loc.url });
  });
  page.on('pageerror', (err) => state.pageErrors.push(String(err && err.stack ? err.stack : err)));
  page.on('response', (resp) => state.responses.push({
    url: resp.url(), status: resp.status(), nav: resp.request().isNavigationRequest(),
    main: resp.frame() === page.mainFrame(), type: resp.request().resourceType(),
  }));
  // Every request to another host, whether the router aborted it or the CSP stopped it first.
  page.on('request', (req) => {
    if (!isLocal(req.url()) && !state.offsite.includes(req.url())) state.offsite.push(req.url());
  });
  page.on('requestfailed', (req) => {
    if (!isLocal(req.url())) return; // reported as off-site
    const err = req.failure() ? req.failure().errorText : 'failed';
    state.failedRequests.push(`${shortUrl(req.url())}: ${err}`);
  });
  return { page, state };
}

const pageIds = new Map(); // page URL (no fragment) -> Set of ids and anchor names
const linkUses = new Map(); // absolute URL (no fragment), same origin -> Set of page paths using it
const fragmentLinks = []; // { from, target, fragment }
const external = new Map(); // external URL -> Set of pages

// A redirect page (at an alias: `freda build` writes one, with a meta refresh and no script) leaves at once. To check
// the page itself, its tab stops the main frame from navigating anywhere else and notes where the refresh led.
function stayOn(page, url) {
  let resolve;
  const state = { left: null, refreshed: new Promise((r) => { resolve = r; }) };
  state.handler = (route) => {
    const req = route.request();
    if (req.isNavigationRequest() && req.frame() === page.mainFrame() && req.url() !== url) {
      state.left = req.url();
      resolve(req.url());
      return route.abort('aborted');
    }
    return route.fallback();
  };
  return state;
}

// Each worker keeps one tab and navigates it from page to page: a new context or tab for every page costs
// Chromium a new renderer process, and on two cores that doubles the run. The site keeps no state in the
// browser (no scripts, no cookies), and every navigation gets a new document with the CSP recorder.
async function checkPage(entry, tab) {
  const target = shortUrl(entry.url) + (entry.type === '404' ? ' (404.html at a missing URL)' : '');
  const { page, state } = tab;
  state.reset();
  const stay = entry.type === 'redirect' ? stayOn(page, entry.url) : null;
  if (stay) await page.route('**/*', stay.handler);
  try {
    await checkOnePage(entry, page, state, target, stay);
  } finally {
    if (stay) await page.unroute('**/*', stay.handler);
  }
}

async function checkOnePage(entry, page, state, target, stay) {
  try {
    let resp;
    try {
      resp = await page.goto(entry.url, { waitUntil: 'networkidle' });
    } catch (err) {
      record('load', target, false, [`could not load: ${err.message.split('\n')[0]}`]);
      return;
    }
    const status = resp ? resp.status() : 0;
    record('load', target, status === entry.status,
      status === entry.status ? [] : [`document status ${status}, expected ${entry.status}`]);
    if (stay) await checkRedirect(page, stay, target);

    // Subresources (and redirects) must answer 200. Only the document itself may be the expected 404.
    const bad = state.responses
      .filter((r) => !(r.nav && r.main && r.url === entry.url))
      .filter((r) => r.status !== 200)
      .map((r) => `${r.type} ${shortUrl(r.url)}: status ${r.status}`);
    // A redirect page's refresh, stopped on purpose (stayOn), is no failure.
    const failed = state.failedRequests.filter((f) => !(stay && stay.left && f.startsWith(`${shortUrl(stay.left)}:`)));
    record('subresources', target, bad.length + failed.length === 0, [...new Set([...bad, ...failed])]);

    record('offsite', target, state.offsite.length === 0,
      [...new Set(state.offsite)].map((u) => `request to another host (blocked): ${u}`));

    // Chromium logs "Failed to load resource: … 404" for the not-found page itself: that one is expected.
    const consoleErrors = state.console
      .filter((c) => !(entry.status === 404 && c.url === entry.url && /status of 404/.test(c.raw)))
      .map((c) => c.text);
    record('console', target, consoleErrors.length === 0, [...new Set(consoleErrors)]);
    record('page-errors', target, state.pageErrors.length === 0, state.pageErrors);

    const cspEvents = await page.evaluate(() => window.__fredaCspViolations || null);
    const csp = [...(cspEvents || []).map((v) => `securitypolicyviolation: ${v}`),
      ...state.consoleCsp.map((t) => `console: ${t}`)];
    if (cspEvents === null) csp.push('the securitypolicyviolation listener was not installed (harness problem)');
    record('csp', target, csp.length === 0, [...new Set(csp)]);

    // Links, ids and fragments, read from the live DOM.
    const dom = await page.evaluate(() => {
      const refs = [];
      for (const el of document.querySelectorAll('[href], [src], [srcset]')) {
        for (const attr of ['href', 'src']) {
          const v = el.getAttribute(attr);
          if (v !== null && v.trim() !== '') refs.push(v.trim());
        }
        const srcset = el.getAttribute('srcset');
        if (srcset) for (const part of srcset.split(',')) { const u = part.trim().split(/\s+/)[0]; if (u) refs.push(u); }
      }
      const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
      const names = [...document.querySelectorAll('a[name]')].map((e) => e.getAttribute('name'));
      return { refs, ids: [...ids, ...names], baseURI: document.baseURI };
    });
    pageIds.set(entry.url, new Set(dom.ids));
    for (const ref of dom.refs) {
      let u;
      try { u = new URL(ref, dom.baseURI); } catch { continue; }
      const fragment = u.hash ? u.hash.slice(1) : '';
      u.hash = '';
      const abs = u.href;
      if (u.origin === origin) {
        if (fragment) fragmentLinks.push({ from: entry.url, target: abs, fragment, ref });
        if (ref.startsWith('#')) continue; // this page itself: only its fragment needs checking
        if (!linkUses.has(abs)) linkUses.set(abs, new Set());
        linkUses.get(abs).add(shortUrl(entry.url));
      } else if (u.protocol === 'http:' || u.protocol === 'https:') {
        if (!external.has(abs)) external.set(abs, new Set());
        external.get(abs).add(shortUrl(entry.url));
      }
    }

    // axe-core, injected as source text: works under the page's CSP (no <script> element is added).
    let axeResult;
    try {
      await page.evaluate(axeSource);
      const injected = await page.evaluate(() => typeof window.axe === 'object' && typeof window.axe.run === 'function');
      if (!injected) throw new Error('axe-core did not load into the page');
      axeResult = await withTimeout(page.evaluate((o) => window.axe.run(document, o), AXE_OPTIONS), AXE_TIMEOUT, 'axe.run');
    } catch (err) {
      record('axe', target, false, [`axe-core could not run: ${err.message.split('\n')[0]}`]);
      return;
    }
    const details = [];
    for (const v of axeResult.violations) {
      const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
      const more = v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : '';
      details.push(`${v.id} (${v.impact}): ${v.help} [${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'}]`
        + `\n    ${targets}${more}`);
      if (!axeByRule.has(v.id)) axeByRule.set(v.id, { impact: v.impact, help: v.help, helpUrl: v.helpUrl, pages: [], nodes: 0 });
      const rule = axeByRule.get(v.id);
      rule.pages.push(shortUrl(entry.url));
      rule.nodes += v.nodes.length;
      if (!rule.example) rule.example = `${v.nodes[0].target.join(' ')}: ${(v.nodes[0].failureSummary || '').split('\n').slice(1, 2).join(' ').trim()}`;
    }
    record('axe', target, axeResult.violations.length === 0, details);
  } catch (err) {
    record('load', target, false, [`harness error: ${err.message.split('\n')[0]}`]);
  }
}
const axeByRule = new Map();

// A redirect page's meta refresh must lead, at once, where its visible link does (the link is fetched with the
// others, so it must answer 200).
async function checkRedirect(page, stay, target) {
  const left = await withTimeout(stay.refreshed, 5000, 'the meta refresh').catch(() => null);
  const link = await page.evaluate(() => {
    const a = document.querySelector('main a[href]');
    return a ? a.href : null;
  });
  const problems = [];
  if (!left) problems.push('the meta refresh did not navigate within 5 s');
  if (!link) problems.push('no link to the new address in <main>');
  if (left && link && left !== link) problems.push(`the refresh goes to ${shortUrl(left)}, the link to ${shortUrl(link)}`);
  record('redirect', target, problems.length === 0, problems);
}

// ---------------------------------------------------------------------------------------------------------------
// Same-origin links, fetched once each through nginx

async function checkLinks() {
  const urls = [...linkUses.keys()].sort();
  await pool(urls, 8, async (url) => {
    const from = [...linkUses.get(url)];
    const where = `linked from ${from.slice(0, 3).join(', ')}${from.length > 3 ? ` and ${from.length - 3} more` : ''}`;
    try {
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT) });
      await res.arrayBuffer();
      const ok = res.status === 200;
      const loc = res.headers.get('location');
      record('links', shortUrl(url), ok, ok ? [] : [`status ${res.status}${loc ? ` → ${loc}` : ''}; ${where}`]);
      if (!ok) linkFailures.add(new URL(url).pathname);
    } catch (err) {
      record('links', shortUrl(url), false, [`${err.message}; ${where}`]);
      linkFailures.add(new URL(url).pathname);
    }
  });
  // #fragment targets that we can see (pages visited above).
  const byPage = new Map();
  for (const f of fragmentLinks) {
    if (!pageIds.has(f.target)) continue;
    let id = f.fragment;
    try { id = decodeURIComponent(id); } catch { /* keep it as written */ }
    const ok = id === 'top' || pageIds.get(f.target).has(id);
    if (!byPage.has(f.from)) byPage.set(f.from, []);
    if (!ok) byPage.get(f.from).push(`${f.ref}: no element with id "${id}" on ${shortUrl(f.target)}`);
  }
  for (const [url, bad] of byPage) record('anchors', shortUrl(url), bad.length === 0, [...new Set(bad)]);
}
const linkFailures = new Set();

// ---------------------------------------------------------------------------------------------------------------
// vnu (the Nu Html Checker), once over all files

function runVnu(files) {
  const jar = path.join(here, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  return new Promise((resolve) => {
    const child = spawn('java', ['-Xss8m', '-jar', jar, '--errors-only', '--format', 'json', ...files],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), VNU_TIMEOUT);
    child.on('error', (e) => { clearTimeout(timer); children.delete(child); resolve({ error: `could not start java: ${e.message}` }); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const text = err.trim() || out.trim();
      const start = text.search(/\{\s*"(?:messages|version)"/);
      if (start < 0) {
        resolve({ error: `vnu exited with ${signal || code} and no JSON: ${text.slice(0, 500)}` });
        return;
      }
      try {
        resolve({ messages: JSON.parse(text.slice(start)).messages });
      } catch (e) {
        resolve({ error: `could not parse vnu output: ${e.message}: ${text.slice(0, 500)}` });
      }
    });
  });
}

function recordVnu(vnu, pages) {
  if (vnu.error) {
    record('vnu', 'all files', false, [vnu.error]);
    return;
  }
  const byFile = new Map(pages.map((p) => [p.file, []]));
  const unknown = [];
  for (const m of vnu.messages) {
    if (m.type !== 'error' && m.type !== 'non-document-error') continue;
    let file = null;
    try { file = m.url ? fileURLToPath(m.url) : null; } catch { /* not a file URL */ }
    const line = m.lastLine ? `${m.firstLine || m.lastLine}` : '?';
    const col = m.firstColumn || m.lastColumn || '?';
    const extract = m.extract ? `\n    ${m.extract.replace(/\s+/g, ' ').trim().slice(0, 160)}` : '';
    const text = `line ${line}:${col}: ${m.message}${extract}`;
    if (file && byFile.has(file)) byFile.get(file).push(text);
    else unknown.push(`${m.url || '?'}: ${text}`);
  }
  for (const p of pages) {
    const errs = byFile.get(p.file);
    record('vnu', p.rel, errs.length === 0, errs);
  }
  if (unknown.length) record('vnu', 'other', false, unknown);
}

// ---------------------------------------------------------------------------------------------------------------
// Keyboard: the first Tab reaches the skip link, Enter moves focus to <main id="main-content">

async function checkKeyboard(entry, label) {
  const target = `${shortUrl(entry.url)} (${label})`;
  const context = await newContext();
  try {
    const { page } = await openPage(context);
    await page.goto(entry.url, { waitUntil: 'networkidle' });
    await page.keyboard.press('Tab');
    await sleep(300); // let a skip link that slides in finish moving
    const first = await page.evaluate(() => {
      const a = document.activeElement;
      const describe = (el) => (el ? el.outerHTML.replace(/\s+/g, ' ').slice(0, 120) : 'nothing');
      const isSkip = !!a && a.matches('a[href="#main-content"]');
      const r = a ? a.getBoundingClientRect() : null;
      const onScreen = !!r && r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
        && r.top < window.innerHeight && r.left < window.innerWidth;
      return { isSkip, onScreen, active: describe(a) };
    });
    const d1 = [];
    if (!first.isSkip) d1.push(`the first Tab focused ${first.active}, not a[href="#main-content"]`);
    else if (!first.onScreen) d1.push(`the skip link is focused but not visible on screen: ${first.active}`);
    record('keyboard', `${target}: first Tab focuses the skip link`, d1.length === 0, d1);
    if (!first.isSkip) return;

    await page.keyboard.press('Enter');
    await sleep(300);
    const after = await page.evaluate(() => {
      const a = document.activeElement;
      const main = document.getElementById('main-content');
      const describe = (el) => (el ? el.outerHTML.replace(/\s+/g, ' ').slice(0, 120) : 'nothing');
      return {
        ok: !!main && main.tagName === 'MAIN' && !!a && (a === main || main.contains(a)),
        hasMain: !!main && main.tagName === 'MAIN',
        tabindex: main ? main.getAttribute('tabindex') : null,
        active: a === document.body ? '<body>' : describe(a),
        hash: location.hash,
      };
    });
    // Information only: where the next Tab goes (Chromium moves the sequential focus starting point even
    // when the target cannot take focus).
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => {
      const a = document.activeElement;
      const main = document.getElementById('main-content');
      return { inMain: !!main && !!a && main.contains(a), active: a ? a.outerHTML.replace(/\s+/g, ' ').slice(0, 100) : '' };
    });
    const d2 = [];
    if (!after.hasMain) d2.push('there is no <main id="main-content">');
    else if (!after.ok) {
      d2.push(`after Enter the focus is on ${after.active} (location.hash ${after.hash || 'empty'}), not in <main id="main-content">`
        + `${after.tabindex === null ? '; <main> has no tabindex="-1", so it cannot take focus' : ''}`);
    }
    d2.push(`(info) the next Tab then focuses ${next.active}${next.inMain ? ' inside <main>' : ' outside <main>'}`);
    record('keyboard', `${target}: Enter on the skip link moves focus to <main>`, after.ok, after.ok ? [] : d2);
    notes.push(`keyboard ${target}: first Tab → ${first.isSkip ? 'skip link' : first.active}; `
      + `Enter → ${after.ok ? 'focus in <main>' : after.active}; next Tab → ${next.inMain ? 'inside' : 'outside'} <main> (${next.active})`);
  } catch (err) {
    record('keyboard', target, false, [err.message.split('\n')[0]]);
  } finally {
    await context.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Dark mode: the theme follows prefers-color-scheme, so its colours get their own contrast check.

async function checkDarkContrast(shots) {
  const context = await newContext({ colorScheme: 'dark' });
  try {
    const { page } = await openPage(context);
    for (const [name, entry] of shots) {
      const target = `${name} (${shortUrl(entry.url)}) in dark mode`;
      try {
        await page.goto(entry.url, { waitUntil: 'networkidle' });
        await page.evaluate(axeSource);
        const r = await withTimeout(page.evaluate(() => window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } })), AXE_TIMEOUT, 'axe.run');
        const details = r.violations.flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id}: ${n.target.join(' ')}: ${(n.failureSummary || '').split('\n').slice(1, 2).join('')}`));
        record('dark-contrast', target, r.violations.length === 0, details);
      } catch (err) {
        record('dark-contrast', target, false, [err.message.split('\n')[0]]);
      }
    }
  } finally {
    await context.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Screenshots and print PDFs

// One tab per size, reused from page to page (see checkPage).
async function screenshots(kind, ctxOpts, shots) {
  const context = await newContext(ctxOpts);
  try {
    const { page } = await openPage(context);
    for (const [name, entry] of shots) {
      const file = path.join(opts.screenshots, `${kind}-${name}.png`);
      const target = `${kind}-${name}.png (${shortUrl(entry.url)})`;
      try {
        const resp = await page.goto(entry.url, { waitUntil: 'networkidle' });
        if (!resp || resp.status() !== entry.status) throw new Error(`status ${resp ? resp.status() : 'none'}`);
        await page.screenshot({ path: file, fullPage: true, timeout: NAV_TIMEOUT });
        const size = fs.statSync(file).size;
        record('screenshots', target, size > 0, size > 0 ? [] : ['empty file']);
      } catch (err) {
        record('screenshots', target, false, [err.message.split('\n')[0]]);
        continue;
      }
      if (kind === 'desktop') continue;
      // WCAG 1.4.10 Reflow: at phone width nothing may need sideways scrolling.
      const o = await page.evaluate(() => {
        const vw = document.documentElement.clientWidth;
        const wide = [];
        for (const el of document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > vw + 1 && getComputedStyle(el).position !== 'fixed') {
            const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
            wide.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} (right edge ${Math.round(r.right)} px)`);
          }
        }
        return { scrollWidth: document.documentElement.scrollWidth, vw, wide: wide.slice(0, 5) };
      });
      const want = ctxOpts.viewport.width;
      const problems = [];
      if (o.vw > want) problems.push(`laid out ${o.vw} px wide on a ${want} px phone: is <meta name="viewport" content="width=device-width, initial-scale=1"> missing?`);
      else if (o.scrollWidth > o.vw + 1) problems.push(`the page is ${o.scrollWidth} px wide in a ${o.vw} px viewport; widest: ${o.wide.join(', ')}`);
      record('mobile-reflow', `${shortUrl(entry.url)} at ${want} px`, problems.length === 0, problems);
    }
  } finally {
    await context.close().catch(() => {});
  }
}

function countPdfPages(buf) {
  const text = buf.toString('latin1');
  const pages = (text.match(/\/Type\s*\/Page(?![A-Za-z])/g) || []).length;
  const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)/g)].map((m) => Number(m[1]));
  return { pages, count: counts.length ? Math.max(...counts) : null };
}

async function printPdf(name, entry, maxPages) {
  const file = path.join(opts.screenshots, `print-${name}.pdf`);
  const target = `${name} (${shortUrl(entry.url)}) → target/screenshots/print-${name}.pdf`;
  const context = await newContext();
  try {
    const { page } = await openPage(context);
    const resp = await page.goto(entry.url, { waitUntil: 'networkidle' });
    if (!resp || resp.status() !== 200) throw new Error(`status ${resp ? resp.status() : 'none'}`);
    await page.emulateMedia({ media: 'print' });
    const buf = await page.pdf({ path: file, format: 'A4', printBackground: true, timeout: 60_000 });
    const { pages, count } = countPdfPages(buf);
    const agree = count === null || count === pages ? '' : ` (but /Pages /Count says ${count})`;
    const want = maxPages === 1 ? '1 page' : `at most ${maxPages} pages`;
    notes.push(`PDF ${name}: ${pages} page${pages === 1 ? '' : 's'}${agree} (want ${want}), ${buf.length} bytes, target/screenshots/print-${name}.pdf`);
    const ok = pages >= 1 && pages <= maxPages && !agree;
    record('pdf', target, ok, ok ? [] : [`${pages} pages${agree}, want ${want}`]);
  } catch (err) {
    record('pdf', target, false, [err.message.split('\n')[0]]);
  } finally {
    await context.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Search: themes/default/static/search.js on the served site (header box, search page, axe with results shown),
// the search page without JavaScript (the A–Z keyword index), and a --relative build opened from disk (file://).

const SEARCH_PAGE = 'search/';
const HEADER_INPUT = '#site-search-input';
const PAGE_INPUT = '#search-input';
const KEY_DELAY = 60; // ms between keystrokes, like a quick typist
const RESULTS_WITHIN = 3000; // ms from the last keystroke
const searchNotes = [];

// What went wrong on the page since resetRecorders(): console errors, uncaught errors, CSP violations, requests
// that failed or did not answer 200, requests to other hosts.
async function resetRecorders(page, state) {
  state.reset();
  await page.evaluate(() => { if (window.__fredaCspViolations) window.__fredaCspViolations.length = 0; }).catch(() => {});
}
async function recordedErrors(page, state) {
  const csp = await page.evaluate(() => (window.__fredaCspViolations ? [...window.__fredaCspViolations] : [])).catch(() => []);
  return [...new Set([
    ...state.console.map((c) => `console error: ${c.text}`),
    ...state.consoleCsp.map((t) => `console: ${t}`),
    ...csp.map((v) => `securitypolicyviolation: ${v}`),
    ...state.pageErrors.map((e) => `uncaught: ${e.split('\n')[0]}`),
    ...state.responses.filter((r) => r.status !== 200).map((r) => `${r.type} ${shortUrl(r.url)}: status ${r.status}`),
    ...state.failedRequests.map((f) => `request failed: ${f}`),
    ...state.offsite.map((u) => `request to another host (blocked): ${u}`),
  ])];
}

// The header box (or the search page's box) as the visitor and a screen reader see it.
function searchSnapshot(inputSelector) {
  const input = document.querySelector(inputSelector);
  if (!input) return null;
  const form = input.form;
  const panel = form && form.querySelector('.search-panel');
  const region = document.querySelector('[data-search-results]');
  const box = panel || region;
  const status = box && box.querySelector('.search-status');
  const suggest = box && box.querySelector('.search-suggest');
  const shown = (e) => !!e && !e.hidden && !e.closest('[hidden]') && e.getClientRects().length > 0;
  const controlsId = input.getAttribute('aria-controls');
  const controlled = controlsId ? document.getElementById(controlsId) : null;
  const options = [...(box ? box.querySelectorAll('a.search-result') : [])].map((a) => {
    const title = a.querySelector('.search-result-title');
    return {
      id: a.id, href: a.href, role: a.getAttribute('role'), selected: a.getAttribute('aria-selected'),
      active: a.classList.contains('is-active'), title: title ? title.textContent.trim() : '',
      titleMarks: title ? [...title.querySelectorAll('mark')].map((m) => m.textContent) : [],
      inListbox: !!a.closest('[role="listbox"]'),
    };
  });
  return {
    role: input.getAttribute('role'), expanded: input.getAttribute('aria-expanded'),
    controls: controlsId, controlsRole: controlled ? controlled.getAttribute('role') : null,
    activedescendant: input.getAttribute('aria-activedescendant'),
    focused: document.activeElement === input, value: input.value,
    panelShown: shown(panel), hasPanel: !!panel,
    status: status ? status.textContent.trim() : null, statusRole: status ? status.getAttribute('role') : null,
    statusShown: shown(status),
    suggest: shown(suggest) ? suggest.textContent.trim() : null,
    suggestLinks: shown(suggest) ? [...suggest.querySelectorAll('a')].map((a) => a.textContent.trim()) : [],
    options,
    facets: [...document.querySelectorAll('.search-facets input[type="checkbox"]')].map((b) => ({ name: b.name, value: b.value, checked: b.checked, label: b.closest('label') ? b.closest('label').textContent.replace(/\s+/g, ' ').trim() : '' })),
    fallbackHidden: [...document.querySelectorAll('[data-search-fallback]')].map((e) => !shown(e)),
    keywordIndexShown: shown(document.querySelector('.keyword-index')),
    url: location.href,
  };
}
const snapshot = (page, sel) => page.evaluate(searchSnapshot, sel);
const countOf = (status) => {
  const m = /(\d+) results?\b/i.exec(status || '');
  return m ? Number(m[1]) : null;
};
const describeOptions = (s) => (s && s.options.length
  ? s.options.slice(0, 6).map((o) => `"${o.title}"${o.titleMarks.length ? ` (marked: ${o.titleMarks.join(', ')})` : ''}`).join('; ')
  : 'no options');

// Waits (polling in the page) until fn(snapshot) is true; returns the last snapshot and the time taken.
async function waitForSnapshot(page, sel, test, timeout) {
  const t0 = Date.now();
  let s = null;
  for (;;) {
    s = await snapshot(page, sel).catch(() => null);
    if (s && test(s)) return { s, ok: true, ms: Date.now() - t0 };
    if (Date.now() - t0 > timeout) return { s, ok: false, ms: Date.now() - t0 };
    await sleep(50);
  }
}
const restraintHit = (s) => s.options.some((o) => /restraint/i.test(o.title) && o.titleMarks.length > 0);

async function runAxe(page) {
  await page.evaluate(axeSource);
  const r = await withTimeout(page.evaluate((o) => window.axe.run(document, o), AXE_OPTIONS), AXE_TIMEOUT, 'axe.run');
  return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} [${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'}]`
    + `\n    ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${(n.failureSummary || '').split('\n').slice(1, 2).join(' ').trim()}`).join('\n    ')}`);
}

// Result links on the served site: each answers 200 through nginx and its #anchor is an id on that page.
async function checkResultLinks(hrefs, target) {
  const bad = [];
  for (const href of hrefs) {
    const u = new URL(href);
    let id = u.hash ? u.hash.slice(1) : '';
    try { id = decodeURIComponent(id); } catch { /* as written */ }
    u.hash = '';
    if (u.origin !== origin) { bad.push(`${href}: not on this site`); continue; }
    const r = await servedHtml(u.href);
    if (r.status !== 200) bad.push(`${shortUrl(href)}: status ${r.status}${r.location ? ` → ${r.location}` : ''}${r.error ? ` ${r.error}` : ''}`);
    else if (id && !hasId(r.text, id)) bad.push(`${shortUrl(href)}: no id "${id}" on ${shortUrl(u.href)}`);
  }
  record('search', `${target}: every result link answers 200 and its #anchor exists (${hrefs.length} results)`, bad.length === 0 && hrefs.length > 0,
    bad.length ? bad : hrefs.length ? [] : ['no results']);
}

// The same state in dark mode: axe's color-contrast rule only (as in the dark-mode phase).
async function runDarkContrast(page) {
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    await sleep(100);
    const injected = await page.evaluate(() => typeof window.axe === 'object');
    if (!injected) await page.evaluate(axeSource);
    const r = await withTimeout(page.evaluate(() => window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } })), AXE_TIMEOUT, 'axe.run');
    return r.violations.flatMap((v) => v.nodes.slice(0, 5).map((n) => `${v.id}: ${n.target.join(' ')}: ${(n.failureSummary || '').split('\n').slice(1, 2).join('').trim()}`));
  } finally {
    await page.emulateMedia({ colorScheme: null });
  }
}
async function recordAxe(page, target) {
  for (const [label, fn] of [['', runAxe], [' in dark mode (color-contrast)', runDarkContrast]]) {
    try {
      const v = await fn(page);
      record('search-axe', `${target}${label}`, v.length === 0, v);
    } catch (err) {
      record('search-axe', `${target}${label}`, false, [`axe-core could not run: ${err.message.split('\n')[0]}`]);
    }
  }
}

// Does the page at url (same origin, no fragment) have an element with this id? Reads the served HTML.
const htmlCache = new Map();
async function servedHtml(url) {
  if (!htmlCache.has(url)) {
    htmlCache.set(url, fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT) })
      .then(async (r) => ({ status: r.status, location: r.headers.get('location'), text: await r.text() }))
      .catch((err) => ({ status: 0, error: err.message, text: '' })));
  }
  return htmlCache.get(url);
}
function hasId(htmlText, id) {
  const esc = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/&/g, '&(?:amp;)?');
  return new RegExp(`\\s(?:id|name)\\s*=\\s*["']?${esc}["'\\s>]`).test(htmlText);
}

// 1, 2, 6: the header box on a content page.
async function checkHeaderSearch(content) {
  const where = `header box on ${shortUrl(content.url)}`;
  const context = await newContext();
  try {
    const { page, state } = await openPage(context);
    // The cold query: the index files whenever they are asked for (search.js should wait for the focus), and
    // every other request from the focus on.
    const requests = [];
    let focused = false;
    const onRequest = (req) => {
      if (req.url().startsWith('data:')) return;
      const index = /\/search\/[^?#]*\.json(?:$|[?#])/.test(req.url());
      if (!index && !focused) return;
      requests.push({ url: req.url(), type: req.resourceType(), index, beforeFocus: !focused, sizes: req.response().then(() => req.sizes()).catch(() => null) });
    };
    page.on('request', onRequest);
    await page.goto(content.url, { waitUntil: 'networkidle' });
    await resetRecorders(page, state);
    const start = await snapshot(page, HEADER_INPUT);
    if (!start) {
      record('search', `${where}: there is an input ${HEADER_INPUT}`, false, [`no ${HEADER_INPUT} on the page`]);
      return;
    }
    if (!start.hasPanel) {
      record('search', `${where}: search.js added .search-panel to the form`, false,
        ['no .search-panel inside the header form after load: search.js did not run or did not enhance the form']);
      return;
    }

    focused = true;
    await page.focus(HEADER_INPUT);
    await page.keyboard.type('restr', { delay: KEY_DELAY });
    const w = await waitForSnapshot(page, HEADER_INPUT, (s) => s.panelShown && restraintHit(s), RESULTS_WITHIN);
    record('search', `${where}: "restr" shows a result titled "…restraint…" with <mark> within ${RESULTS_WITHIN / 1000} s`, w.ok,
      w.ok ? [] : [`after ${w.ms} ms: panel ${w.s && w.s.panelShown ? 'shown' : 'hidden'}, status "${w.s && w.s.status}", ${describeOptions(w.s)}`]);
    searchNotes.push(`search: "restr" in the header box showed results ${w.ok ? `${w.ms} ms after the last key` : 'NOT within 3 s'}`);
    await sleep(400); // anything the query still loads
    page.off('request', onRequest);
    const s1 = await snapshot(page, HEADER_INPUT);

    const n = countOf(s1.status);
    record('search', `${where}: the status live region says "N results"`, s1.statusRole === 'status' && n !== null && n >= 1,
      s1.statusRole !== 'status' ? [`.search-status has role="${s1.statusRole}", not "status"`]
        : n === null || n < 1 ? [`status text is "${s1.status}"`] : []);

    // Requests: at most 2, both JSON under search/ (the manifest and one term shard).
    const sized = await Promise.all(requests.map(async (r) => ({ ...r, sizes: await r.sizes })));
    const json = sized.filter((r) => r.index);
    const other = sized.filter((r) => !r.index);
    const bodyBytes = sized.reduce((a, r) => a + (r.sizes ? r.sizes.responseBodySize : 0), 0);
    const headerBytes = sized.reduce((a, r) => a + (r.sizes ? r.sizes.responseHeadersSize : 0), 0);
    const d3 = [];
    if (json.length > 2) d3.push(`${json.length} index requests, want at most 2 (manifest + one shard)`);
    if (!json.some((r) => /\/manifest[^/]*\.json/.test(r.url))) d3.push('the manifest was never requested');
    if (other.length) d3.push(`other requests after the focus: ${other.map((r) => `${r.type} ${shortUrl(r.url)}`).join(', ')}`);
    const early = json.filter((r) => r.beforeFocus);
    d3.push(`(info) requests: ${sized.map((r) => `${r.type} ${shortUrl(r.url)} ${r.sizes ? r.sizes.responseBodySize : '?'} B${r.beforeFocus ? ' (before the focus)' : ''}`).join(', ') || 'none'}`);
    record('search', `${where}: the cold query makes at most 2 requests, both JSON (manifest + 1 shard)`, d3.length === 1, d3);

    // Sizes: what went over the wire (nginx here does not compress), and what gzip would make of it.
    const gz = (file) => {
      try { return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length; } catch { return null; }
    };
    const fileOf = (url) => {
      const p = new URL(url).pathname;
      return p.startsWith(base.pathname) ? path.join(opts.public, decodeURIComponent(p.slice(base.pathname.length))) : null;
    };
    const jsFile = path.join(opts.public, 'search.js');
    const jsSize = fs.existsSync(jsFile) ? fs.statSync(jsFile).size : null;
    const parts = [['search.js', jsSize, gz(jsFile)], ...sized.map((r) => {
      const f = fileOf(r.url);
      return [path.basename(new URL(r.url).pathname), r.sizes ? r.sizes.responseBodySize : null, f ? gz(f) : null];
    })];
    const sum = (i) => parts.reduce((a, p) => a + (p[i] || 0), 0);
    searchNotes.push(`search: cold query "restr": ${sized.length} request${sized.length === 1 ? '' : 's'}`
      + `${early.length ? ` (${early.length} before the focus)` : ' after focusing'}, `
      + `${bodyBytes} B of response bodies (+${headerBytes} B headers); with search.js (${jsSize} B, loaded with the page) `
      + `${sum(1)} B uncompressed, ${sum(2)} B gzip -9 (${parts.map((p) => `${p[0]} ${p[1]}→${p[2]}`).join(', ')})`);

    await checkResultLinks(s1.options.map((o) => o.href), `${where}: "restr"`);

    // Combobox wiring while the panel is open.
    const d4 = [];
    if (s1.role !== 'combobox') d4.push(`input role="${s1.role}", want combobox`);
    if (s1.expanded !== 'true') d4.push(`aria-expanded="${s1.expanded}" while the panel shows results, want true`);
    if (!s1.controls || s1.controlsRole !== 'listbox') d4.push(`aria-controls="${s1.controls}" does not name an element with role=listbox (found role ${s1.controlsRole})`);
    const badOpts = s1.options.filter((o) => o.role !== 'option' || !o.inListbox || !o.id);
    if (badOpts.length) d4.push(`${badOpts.length} results are not role=option with an id inside the listbox`);
    record('search', `${where}: combobox ARIA (role, aria-expanded, aria-controls → listbox, options)`, d4.length === 0, d4);

    // Screenshot with the panel open.
    const shot = path.join(opts.screenshots, 'desktop-search-panel.png');
    try {
      await page.screenshot({ path: shot, timeout: NAV_TIMEOUT });
      record('screenshots', `desktop-search-panel.png (${shortUrl(content.url)}, header panel open)`, fs.statSync(shot).size > 0);
    } catch (err) {
      record('screenshots', 'desktop-search-panel.png', false, [err.message.split('\n')[0]]);
    }

    // axe with the panel open, light and dark.
    await recordAxe(page, `${shortUrl(content.url)} with the header results panel open`);

    // ArrowDown: the first option becomes the active descendant.
    await page.focus(HEADER_INPUT);
    await page.keyboard.press('ArrowDown');
    await sleep(100);
    const s2 = await snapshot(page, HEADER_INPUT);
    const first = s2.options[0];
    const d5 = [];
    if (!first) d5.push('no options');
    else {
      if (s2.activedescendant !== first.id) d5.push(`aria-activedescendant="${s2.activedescendant}", want "${first.id}"`);
      if (!first.active) d5.push('the first option has no .is-active');
      if (first.selected !== 'true') d5.push(`the first option has aria-selected="${first.selected}"`);
      if (!s2.focused) d5.push('focus left the input');
    }
    record('search', `${where}: ArrowDown makes the first option active (aria-activedescendant, .is-active)`, d5.length === 0, d5);

    // Escape: closed, focus stays.
    await page.keyboard.press('Escape');
    await sleep(100);
    const s3 = await snapshot(page, HEADER_INPUT);
    const d6 = [];
    if (s3.panelShown) d6.push('the panel is still shown');
    if (s3.expanded !== 'false') d6.push(`aria-expanded="${s3.expanded}", want false`);
    if (!s3.focused) d6.push('focus left the input');
    if (s3.activedescendant) d6.push(`aria-activedescendant="${s3.activedescendant}" still points at a hidden option`);
    if (s3.value !== 'restr') d6.push(`the input now holds "${s3.value}" (Escape on an open panel should only close it)`);
    record('search', `${where}: Escape closes the panel (aria-expanded=false), focus stays in the input`, d6.length === 0, d6);

    const errors = await recordedErrors(page, state);
    record('search', `${where}: no console/uncaught errors, CSP violations or failed requests while searching`, errors.length === 0, errors);

    // Enter on the active option (ArrowDown reopens the closed panel and activates the first option).
    await page.keyboard.press('ArrowDown');
    await sleep(100);
    const s4 = await snapshot(page, HEADER_INPUT);
    const act = s4.options.find((o) => o.id === s4.activedescendant);
    const d7 = [];
    if (!s4.panelShown || !act) {
      d7.push(`after Escape, ArrowDown did not reopen the panel with an active option (panel ${s4.panelShown ? 'shown' : 'hidden'}, aria-activedescendant="${s4.activedescendant}")`);
    } else {
      const before = page.url();
      const navResp = page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame(), { timeout: NAV_TIMEOUT });
      await page.keyboard.press('Enter');
      let resp = null;
      try {
        resp = await navResp;
        await page.waitForURL((u) => u.href !== before, { waitUntil: 'load' });
      } catch (err) {
        d7.push(`Enter did not navigate: ${err.message.split('\n')[0]}`);
      }
      if (resp) {
        const landed = page.url();
        if (landed !== act.href) d7.push(`landed on ${shortUrl(landed)}, want ${shortUrl(act.href)}`);
        if (resp.status() !== 200) d7.push(`status ${resp.status()} for ${shortUrl(resp.url())}`);
        const hash = new URL(act.href).hash;
        if (hash) {
          let id = hash.slice(1);
          try { id = decodeURIComponent(id); } catch { /* as written */ }
          const found = await page.evaluate((i) => !!document.getElementById(i), id);
          if (!found) d7.push(`${shortUrl(act.href)}: no element with id "${id}" on the target page`);
        }
        searchNotes.push(`search: Enter on "${act.title}" → ${shortUrl(landed)}`);
      }
    }
    record('search', `${where}: Enter on the active option opens its URL (and its #anchor exists)`, d7.length === 0, d7);
  } catch (err) {
    record('search', `${where}: harness`, false, [`harness error: ${err.message.split('\n')[0]}`]);
  } finally {
    await context.close().catch(() => {});
  }
}

// 2: a typo gets a "Did you mean".
// Welsh: the Welsh home page's header box searches the Welsh index only, and a mutated form finds the radical
// (or the other way round): "cleifion" finds "Urddas i gleifion hŷn…"; the English box does not find Welsh words.
async function checkWelshSearch() {
  const welsh = new URL('cy/', base).href;
  const where = `header box on ${shortUrl(welsh)}`;
  const context = await newContext();
  try {
    const { page, state } = await openPage(context);
    await page.goto(welsh, { waitUntil: 'networkidle' });
    await resetRecorders(page, state);
    await page.focus(HEADER_INPUT);
    await page.keyboard.type('cleifion', { delay: KEY_DELAY });
    const hit = (s) => s.panelShown && s.options.some((o) => /gleifion/i.test(o.title) && o.titleMarks.length > 0);
    const w = await waitForSnapshot(page, HEADER_INPUT, hit, RESULTS_WITHIN);
    record('search', `${where}: "cleifion" finds the page titled "…gleifion…" (soft mutation), marked`, w.ok,
      w.ok ? [] : [`after ${w.ms} ms: status "${w.s && w.s.status}", ${describeOptions(w.s)}`]);
    const english = (w.s ? w.s.options : []).filter((o) => !new URL(o.href).pathname.startsWith(new URL(welsh).pathname));
    record('search', `${where}: every result is a Welsh page (under ${shortUrl(welsh)})`, w.ok && english.length === 0,
      english.map((o) => `${o.title}: ${o.href}`));
    await page.goto(base.href, { waitUntil: 'networkidle' });
    await page.focus(HEADER_INPUT);
    await page.keyboard.type('gleifion', { delay: KEY_DELAY });
    await sleep(1500);
    const s = await snapshot(page, HEADER_INPUT);
    record('search', `header box on ${shortUrl(base.href)}: "gleifion" finds no page (English index)`, !!s && s.options.length === 0,
      s ? s.options.map((o) => `${o.title}: ${o.href}`) : ['no search box']);
    const errors = await recordedErrors(page, state);
    record('search', `${where}: no errors while searching in Welsh`, errors.length === 0, errors);
  } catch (err) {
    record('search', `${where}: Welsh search harness`, false, [`harness error: ${err.message.split('\n')[0]}`]);
  } finally {
    await context.close().catch(() => {});
  }
}

async function checkTypo(entry) {
  const where = `header box on ${shortUrl(entry.url)}`;
  const context = await newContext();
  try {
    const { page, state } = await openPage(context);
    await page.goto(entry.url, { waitUntil: 'networkidle' });
    await resetRecorders(page, state);
    await page.focus(HEADER_INPUT);
    await page.keyboard.type('restrant', { delay: KEY_DELAY });
    const w = await waitForSnapshot(page, HEADER_INPUT,
      (s) => s.panelShown && !!s.suggest && /did you mean/i.test(s.suggest) && s.suggestLinks.includes('restraint'), RESULTS_WITHIN);
    record('search', `${where}: "restrant" shows "Did you mean restraint"`, w.ok,
      w.ok ? [] : [`panel ${w.s && w.s.panelShown ? 'shown' : 'hidden'}, status "${w.s && w.s.status}", suggestion ${w.s && w.s.suggest ? `"${w.s.suggest}" (links ${w.s.suggestLinks.join(', ')})` : 'not shown'}`]);
    if (w.ok) {
      await page.click('.search-suggest a');
      const w2 = await waitForSnapshot(page, HEADER_INPUT, (s) => s.value === 'restraint' && s.panelShown && restraintHit(s), RESULTS_WITHIN);
      const d = [];
      if (!w2.ok) {
        d.push(`after ${w2.ms} ms: input "${w2.s && w2.s.value}", panel ${w2.s && w2.s.panelShown ? 'shown' : 'hidden'}, `
          + `aria-expanded="${w2.s && w2.s.expanded}", status "${w2.s && w2.s.status}", ${describeOptions(w2.s)}`);
      }
      else if (!w2.s.focused) d.push('focus is not back in the input');
      record('search', `${where}: clicking the suggestion searches for "restraint"`, d.length === 0, d);
    }
    const errors = await recordedErrors(page, state);
    record('search', `${where}: no errors while searching for a typo`, errors.length === 0, errors);
  } catch (err) {
    record('search', `${where}: typo harness`, false, [`harness error: ${err.message.split('\n')[0]}`]);
  } finally {
    await context.close().catch(() => {});
  }
}

// 3, 6: the search page with results and facets.
async function checkSearchPage() {
  const pageUrl = new URL(`${SEARCH_PAGE}?q=dignity`, base).href;
  const where = shortUrl(pageUrl);
  const context = await newContext();
  try {
    const { page, state } = await openPage(context);
    const resp = await page.goto(pageUrl, { waitUntil: 'networkidle' });
    if (!resp || resp.status() !== 200) {
      record('search', `${where}: loads`, false, [`status ${resp ? resp.status() : 'none'}`]);
      return;
    }
    await resetRecorders(page, state);
    const w = await waitForSnapshot(page, PAGE_INPUT,
      (s) => s.options.length > 0 && countOf(s.status) !== null && s.facets.length > 0, RESULTS_WITHIN);
    const s0 = w.s;
    const n0 = s0 ? countOf(s0.status) : null;
    const d1 = [];
    if (!s0) d1.push(`no ${PAGE_INPUT} on the page`);
    else {
      if (!w.ok) d1.push(`after ${w.ms} ms: status "${s0.status}", ${s0.options.length} results, ${s0.facets.length} facet checkboxes`);
      if (s0.value !== 'dignity') d1.push(`the search box holds "${s0.value}", want "dignity"`);
      if (s0.statusRole !== 'status') d1.push(`.search-status role="${s0.statusRole}"`);
      const names = new Set(s0.facets.map((f) => f.name));
      const unknown = [...names].filter((x) => !['type', 'right', 'principle', 'audience', 'setting'].includes(x));
      if (unknown.length) d1.push(`facet checkboxes with unexpected names: ${unknown.join(', ')}`);
      if (!names.has('setting')) d1.push('no setting facet');
    }
    record('search', `${where}: results and facet checkboxes appear`, d1.length === 0, d1);
    if (!w.ok) return;
    searchNotes.push(`search: ${where}: "${s0.status}", ${s0.options.length} results shown, facets: `
      + `${[...new Set(s0.facets.map((f) => f.name))].map((nm) => `${nm} (${s0.facets.filter((f) => f.name === nm).length})`).join(', ')}`);

    record('search', `${where}: the A–Z fallback is hidden while results show`,
      s0.fallbackHidden.length > 0 && s0.fallbackHidden.every(Boolean) && !s0.keywordIndexShown,
      s0.fallbackHidden.length === 0 ? ['no [data-search-fallback] on the page'] : s0.fallbackHidden.every(Boolean) && !s0.keywordIndexShown ? [] : ['[data-search-fallback] / .keyword-index is still visible']);

    await checkResultLinks(s0.options.map((o) => o.href), where);

    // Screenshot and axe with results and facets shown.
    const shot = path.join(opts.screenshots, 'desktop-search-results.png');
    try {
      await page.screenshot({ path: shot, fullPage: true, timeout: NAV_TIMEOUT });
      record('screenshots', `desktop-search-results.png (${where})`, fs.statSync(shot).size > 0);
    } catch (err) {
      record('screenshots', 'desktop-search-results.png', false, [err.message.split('\n')[0]]);
    }
    await recordAxe(page, `${where} with results and facets shown`);

    // Tick the first setting facet.
    const firstSetting = s0.facets.find((f) => f.name === 'setting');
    if (firstSetting) {
      const expect = Number((/\((\d+)\)\s*$/.exec(firstSetting.label) || [])[1]);
      await page.check(`.search-facets input[type="checkbox"][name="setting"][value="${firstSetting.value}"]`);
      const w2 = await waitForSnapshot(page, PAGE_INPUT, (s) => /[?&]setting=/.test(new URL(s.url).search), RESULTS_WITHIN);
      await sleep(100);
      const s1 = await snapshot(page, PAGE_INPUT);
      const n1 = countOf(s1.status);
      const d2 = [];
      if (!w2.ok) d2.push(`the URL did not get setting=: ${shortUrl(s1.url)}`);
      else if (new URL(s1.url).searchParams.get('setting') !== firstSetting.value) d2.push(`URL ${shortUrl(s1.url)}, want setting=${firstSetting.value}`);
      if (new URL(s1.url).searchParams.get('q') !== 'dignity') d2.push(`the URL lost q=dignity: ${shortUrl(s1.url)}`);
      if (n1 === null) d2.push(`status text "${s1.status}"`);
      else if (n1 > n0) d2.push(`the count went up from ${n0} to ${n1}`);
      else if (Number.isFinite(expect) && n1 !== expect) d2.push(`${n1} results, but the option said (${expect})`);
      const box = s1.facets.find((f) => f.name === 'setting' && f.value === firstSetting.value);
      if (!box || !box.checked) d2.push('the ticked checkbox is not ticked after the results update');
      if (s1.options.length !== Math.min(n1 || 0, 10)) d2.push(`${s1.options.length} results listed for a count of ${n1}`);
      record('search', `${where}: ticking setting "${firstSetting.value}" keeps or reduces the count (${n0} → ${n1}) and adds setting= to the URL`, d2.length === 0, d2);
    }
    const errors = await recordedErrors(page, state);
    record('search', `${where}: no errors while searching and filtering`, errors.length === 0, errors);

    // A URL with a facet pre-ticks it.
    const preUrl = new URL(`${SEARCH_PAGE}?q=dignity&setting=acute`, base).href;
    await page.goto(preUrl, { waitUntil: 'networkidle' });
    const w3 = await waitForSnapshot(page, PAGE_INPUT, (s) => s.facets.length > 0 && countOf(s.status) !== null, RESULTS_WITHIN);
    const acute = w3.s && w3.s.facets.find((f) => f.name === 'setting' && f.value === 'acute');
    const d3 = [];
    if (!w3.ok) d3.push(`no results or facets: status "${w3.s && w3.s.status}"`);
    else if (!acute) d3.push(`no setting=acute checkbox (settings: ${w3.s.facets.filter((f) => f.name === 'setting').map((f) => f.value).join(', ')})`);
    else {
      if (!acute.checked) d3.push('the acute checkbox is not ticked');
      const others = w3.s.facets.filter((f) => f.checked && f !== acute);
      if (others.length) d3.push(`other boxes ticked too: ${others.map((f) => `${f.name}=${f.value}`).join(', ')}`);
      const n = countOf(w3.s.status);
      if (n > n0) d3.push(`${n} results, more than the ${n0} without the filter`);
    }
    record('search', `${shortUrl(preUrl)}: the setting "acute" checkbox is pre-ticked`, d3.length === 0, d3);
  } catch (err) {
    record('search', `${where}: harness`, false, [`harness error: ${err.message.split('\n')[0]}`]);
  } finally {
    await context.close().catch(() => {});
  }
}

// 4: without JavaScript the header form is a plain GET to the search page, which offers the A–Z keyword index.
async function checkSearchNoJs(home) {
  const where = `${shortUrl(home.url)} without JavaScript`;
  const context = await newContext({ javaScriptEnabled: false });
  try {
    const { page } = await openPage(context);
    await page.goto(home.url, { waitUntil: 'networkidle' });
    if (!(await page.$(HEADER_INPUT))) {
      record('search-nojs', `${where}: header search box`, false, [`no ${HEADER_INPUT}`]);
      return;
    }
    await page.click(HEADER_INPUT);
    await page.keyboard.type('dignity');
    const before = page.url();
    const navResp = page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame(), { timeout: NAV_TIMEOUT });
    await page.keyboard.press('Enter');
    const resp = await navResp.catch(() => null);
    if (resp) await page.waitForURL((u) => u.href !== before, { waitUntil: 'load' }).catch(() => {});
    const landed = new URL(page.url());
    const want = new URL(`${SEARCH_PAGE}?q=dignity`, base);
    const d1 = [];
    if (!resp) d1.push('Enter did not submit the form');
    else {
      if (landed.pathname !== want.pathname || landed.searchParams.get('q') !== 'dignity') d1.push(`landed on ${shortUrl(landed.href)}, want ${shortUrl(want.href)}`);
      if (resp.status() !== 200) d1.push(`status ${resp.status()}`);
    }
    record('search-nojs', `${where}: typing "dignity" + Enter opens ${shortUrl(want.href)} (200)`, d1.length === 0, d1);
    if (d1.length) return;

    const idx = await page.evaluate(() => {
      const shown = (e) => !!e && !e.hidden && !e.closest('[hidden]') && e.getClientRects().length > 0;
      const k = document.querySelector('.keyword-index');
      const links = k ? [...k.querySelectorAll('a[href]')].map((a) => ({ href: a.href, raw: a.getAttribute('href'), text: a.textContent.trim(), shown: shown(a) })) : [];
      const fallback = document.querySelector('[data-search-fallback]');
      const browse = fallback ? [...fallback.querySelectorAll('a[href]')].filter((a) => /\/browse\/(?:index\.html)?$/.test(new URL(a.href).pathname)).map((a) => ({ href: a.href, shown: shown(a) })) : [];
      return { shown: shown(k), links, browse, ids: [...document.querySelectorAll('[id]')].map((e) => e.id) };
    });
    const pageLinks = idx.links.filter((l) => !l.raw.startsWith('#'));
    const d2 = [];
    if (!idx.shown) d2.push('.keyword-index is missing or hidden');
    if (pageLinks.length < 20) d2.push(`${pageLinks.length} keyword links (want at least 20)`);
    record('search-nojs', `${shortUrl(page.url())}: the A–Z keyword index is visible with at least 20 links`, d2.length === 0,
      d2.length ? d2 : []);
    searchNotes.push(`search: without JavaScript the A–Z index has ${pageLinks.length} keyword links and ${idx.links.length - pageLinks.length} letter links`);

    // Every link in the index: pages must answer 200 through nginx, fragments must exist.
    const bad = [];
    await pool(idx.links, 8, async (l) => {
      const u = new URL(l.href);
      let id = u.hash ? u.hash.slice(1) : '';
      try { id = decodeURIComponent(id); } catch { /* as written */ }
      u.hash = '';
      if (l.raw.startsWith('#')) {
        if (!idx.ids.includes(id)) bad.push(`${l.raw}: no element with id "${id}" on the search page`);
        return;
      }
      if (u.origin !== origin) { bad.push(`${l.href}: not on this site`); return; }
      const r = await servedHtml(u.href);
      if (r.status !== 200) {
        bad.push(`${l.raw} ("${l.text}"): status ${r.status}${r.location ? ` → ${r.location}` : ''}${r.error ? ` ${r.error}` : ''}`);
        linkFailures.add(u.pathname);
      } else if (id && !hasId(r.text, id)) bad.push(`${l.raw} ("${l.text}"): no id "${id}" on ${shortUrl(u.href)}`);
    });
    record('search-nojs', `${shortUrl(page.url())}: every A–Z link resolves (${idx.links.length} links, 200 and #anchors)`, bad.length === 0 && idx.links.length > 0,
      bad.length ? bad.sort() : idx.links.length ? [] : ['no links']);
    record('search-nojs', `${shortUrl(page.url())}: the fallback links to the browse page`, idx.browse.some((b) => b.shown),
      idx.browse.some((b) => b.shown) ? [] : [idx.browse.length ? 'the browse link is hidden' : 'no link to …/browse/ inside [data-search-fallback]']);
  } catch (err) {
    record('search-nojs', `${where}: harness`, false, [`harness error: ${err.message.split('\n')[0]}`]);
  } finally {
    await context.close().catch(() => {});
  }
}

// 5: the --relative build opened from disk. search.js must load the index through <script> twins (fetch does not
// work over file://), result links must open files, and every href/src must name a file that exists.
async function checkSearchFile(relDir) {
  const root = path.resolve(relDir);
  const context = await browser.newContext({ ...DESKTOP, serviceWorkers: 'block' });
  context.setDefaultTimeout(NAV_TIMEOUT);
  context.setDefaultNavigationTimeout(NAV_TIMEOUT);
  // Nothing may leave the disk. (file: requests do not pass the router; anything else does and is stopped.)
  await context.route('**/*', (route) => (/^(?:file|data|blob):/.test(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  await context.addInitScript(cspRecorder);
  const fileUrl = (rel) => pathToFileURL(path.join(root, rel)).href;
  const relOf = (u) => {
    try { return path.relative(root, fileURLToPath(u.split('#')[0].split('?')[0])).split(path.sep).join('/'); } catch { return u; }
  };
  const { page } = await openFilePage(context);

  // A file: URL (without fragment and query) is good when it names a regular file under the folder.
  const fileProblem = (u) => {
    let p;
    try { p = fileURLToPath(u.split('#')[0].split('?')[0]); } catch { return `${u}: not a file: URL`; }
    if (!fs.existsSync(p)) return `${relOf(u)}: no such file`;
    if (fs.statSync(p).isDirectory()) return `${relOf(u)}: is a folder (the browser shows a directory listing), want …/index.html`;
    if (!(p + path.sep).startsWith(root + path.sep)) return `${u}: outside the site folder`;
    return null;
  };
  const idsInFile = new Map();
  const fileHasId = (p, id) => {
    if (!idsInFile.has(p)) idsInFile.set(p, fs.readFileSync(p, 'utf8'));
    return hasId(idsInFile.get(p), id);
  };

  try {
    // The header box on the home page and a nested page.
    for (const rel of ['index.html', 'case-studies/index.html']) {
      const where = `file://…/${rel}`;
      if (!fs.existsSync(path.join(root, rel))) {
        record('search-file', `${where}: exists`, false, [`no ${rel} in ${root}`]);
        continue;
      }
      page.fredaState.reset();
      await page.goto(fileUrl(rel), { waitUntil: 'load' });
      await page.focus(HEADER_INPUT);
      await page.keyboard.type('restr', { delay: KEY_DELAY });
      const w = await waitForSnapshot(page, HEADER_INPUT, (s) => s.panelShown && restraintHit(s), RESULTS_WITHIN);
      record('search-file', `${where}: "restr" in the header box shows results`, w.ok,
        w.ok ? [] : [`after ${w.ms} ms: panel ${w.s && w.s.panelShown ? 'shown' : 'hidden'}, status "${w.s && w.s.status}", ${describeOptions(w.s)}`]);
      const errs = fileErrors(page.fredaState);
      record('search-file', `${where}: no console errors, no fetch/XHR, nothing but file: requests`, errs.length === 0, errs);
      if (!w.ok) continue;
      const links = w.s.options.map((o) => o.href);
      const broken = links.map(fileProblem).filter(Boolean);
      record('search-file', `${where}: every result link names a file that exists (${links.length} results)`, broken.length === 0, broken);

      const firstHref = links[0];
      page.fredaState.reset();
      const d = [];
      try {
        await Promise.all([page.waitForURL((u) => u.href !== w.s.url, { waitUntil: 'load' }), page.click('.search-panel a.search-result >> nth=0')]);
      } catch (err) {
        d.push(`clicking did not open a new page: ${err.message.split('\n')[0]}`);
      }
      const landed = page.url();
      const problem = fileProblem(landed);
      const title = await page.title();
      if (!landed.startsWith('file:')) d.push(`opened ${landed}, not a file: URL`);
      if (problem) d.push(`opened ${problem} (title "${title}")`);
      if (landed.split('#')[0] !== firstHref.split('#')[0]) d.push(`opened ${landed}, the link was ${firstHref}`);
      const hash = new URL(landed).hash;
      if (hash && !problem) {
        let id = hash.slice(1);
        try { id = decodeURIComponent(id); } catch { /* as written */ }
        if (!(await page.evaluate((i) => !!document.getElementById(i), id))) d.push(`no element with id "${id}" on ${relOf(landed)}`);
      }
      record('search-file', `${where}: clicking the first result opens a page from disk (${relOf(firstHref)}${new URL(firstHref).hash})`, d.length === 0, d);
    }

    // The search page with a query in the URL.
    {
      const rel = 'search/index.html';
      const where = `file://…/${rel}?q=dignity`;
      page.fredaState.reset();
      await page.goto(`${fileUrl(rel)}?q=dignity`, { waitUntil: 'load' });
      const w = await waitForSnapshot(page, PAGE_INPUT, (s) => s.options.length > 0 && countOf(s.status) > 0, RESULTS_WITHIN);
      record('search-file', `${where}: results appear`, w.ok,
        w.ok ? [] : [`after ${w.ms} ms: status "${w.s && w.s.status}", ${w.s ? w.s.options.length : 0} results`]);
      const errs = fileErrors(page.fredaState);
      record('search-file', `${where}: no console errors, no fetch/XHR, nothing but file: requests`, errs.length === 0, errs);
      if (w.ok) {
        searchNotes.push(`search: ${where}: "${w.s.status}"`);
        const broken = w.s.options.map((o) => o.href).map(fileProblem).filter(Boolean);
        record('search-file', `${where}: every result link names a file that exists (${w.s.options.length} results)`, broken.length === 0, broken);
      }
    }

    // Every href/src of a few pages names a file that exists (and #fragments an id in it).
    const sample = ['index.html', 'case-studies/index.html', 'search/index.html', 'browse/index.html', '404.html',
      'guides/human-rights-framework/index.html', 'guides/human-rights-framework/print/index.html', 'rights/article-8/index.html'];
    const firstCase = fs.existsSync(path.join(root, 'case-studies'))
      ? fs.readdirSync(path.join(root, 'case-studies')).sort().find((d) => fs.existsSync(path.join(root, 'case-studies', d, 'index.html')))
      : null;
    if (firstCase) sample.push(`case-studies/${firstCase}/index.html`);
    for (const rel of sample.filter((r) => fs.existsSync(path.join(root, r)))) {
      await page.goto(fileUrl(rel), { waitUntil: 'load' });
      const refs = await page.evaluate(() => {
        const out = [];
        for (const el of document.querySelectorAll('[href], [src], [srcset]')) {
          for (const attr of ['href', 'src']) {
            const v = el.getAttribute(attr);
            if (v !== null && v.trim() !== '') out.push({ raw: v.trim(), abs: new URL(v.trim(), document.baseURI).href });
          }
          const srcset = el.getAttribute('srcset');
          if (srcset) for (const part of srcset.split(',')) { const v = part.trim().split(/\s+/)[0]; if (v) out.push({ raw: v, abs: new URL(v, document.baseURI).href }); }
        }
        return out;
      });
      const bad = [];
      let n = 0;
      for (const r of refs) {
        const u = new URL(r.abs);
        if (u.protocol !== 'file:') {
          if (/^(?:https?|mailto|tel|data):$/.test(u.protocol)) continue;
          bad.push(`${r.raw}: unexpected scheme ${u.protocol}`);
          continue;
        }
        n++;
        const problem = fileProblem(r.abs);
        if (problem) { bad.push(`${r.raw} → ${problem}`); continue; }
        if (u.hash) {
          let id = u.hash.slice(1);
          try { id = decodeURIComponent(id); } catch { /* as written */ }
          if (id !== 'top' && !fileHasId(fileURLToPath(r.abs.split('#')[0].split('?')[0]), id)) bad.push(`${r.raw}: no id "${id}" in ${relOf(r.abs)}`);
        }
      }
      record('search-file', `${rel}: every href/src names a file that exists (${n} local references)`, bad.length === 0 && n > 0,
        bad.length ? [...new Set(bad)] : n ? [] : ['no local references found']);
    }
  } catch (err) {
    record('search-file', 'file:// harness', false, [`harness error: ${err.message.split('\n')[0]}`]);
  } finally {
    await context.close().catch(() => {});
  }
}

// A tab for file:// pages: every request, console error and uncaught error is recorded in page.fredaState.
async function openFilePage(context) {
  const page = await context.newPage();
  const st = {
    reset() { Object.assign(this, { requests: [], console: [], pageErrors: [], failed: [] }); },
  };
  st.reset();
  page.fredaState = st;
  page.on('request', (req) => st.requests.push({ url: req.url(), type: req.resourceType() }));
  page.on('requestfailed', (req) => {
    const err = req.failure() ? req.failure().errorText : 'failed';
    // Chromium cancels a page's favicon load when the page changes URL or navigates on (seen once in CI): not a fault.
    if (err === 'net::ERR_ABORTED' && /\/favicon\.svg$/.test(req.url())) return;
    st.failed.push(`${req.url()}: ${err}`);
  });
  page.on('console', (msg) => { if (msg.type() === 'error') st.console.push(msg.text()); });
  page.on('pageerror', (err) => st.pageErrors.push(String(err && err.message ? err.message : err)));
  return { page };
}
function fileErrors(st) {
  return [...new Set([
    ...st.console.map((t) => `console error: ${t}`),
    ...st.pageErrors.map((e) => `uncaught: ${e.split('\n')[0]}`),
    ...st.requests.filter((r) => r.type === 'fetch' || r.type === 'xhr').map((r) => `${r.type} ${r.url} (fetch does not work over file://)`),
    ...st.requests.filter((r) => !/^(?:file|data|blob):/.test(r.url)).map((r) => `request to ${r.url}`),
    ...st.failed.map((f) => `request failed: ${f}`),
  ])];
}

async function checkSearch(home, content) {
  if (content) await checkHeaderSearch(content);
  else record('search', 'header box', false, ['no content page found']);
  if (home) await checkTypo(home);
  if (fs.existsSync(path.join(opts.public, 'cy', 'index.html'))) await checkWelshSearch();
  await checkSearchPage();
  if (home) await checkSearchNoJs(home);
  else record('search-nojs', 'home page', false, ['no index.html at the top of the site']);
  if (opts.relativeDir) await checkSearchFile(opts.relativeDir);
  else searchNotes.push('search: file:// checks skipped (no --relative-dir)');
  notes.push(...searchNotes);
}

// ---------------------------------------------------------------------------------------------------------------
// nginx's access log: requests nobody else reported (e.g. a browser asking for /favicon.ico)

function checkAccessLog(file, expected404) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    record('server-log', 'nginx access log', false, [`cannot read ${file}: ${err.message}`]);
    return;
  }
  const odd = new Map();
  for (const line of text.split('\n')) {
    const m = /"(\w+) (\S+) [^"]*" (\d{3}) /.exec(line);
    if (!m) continue;
    const [, method, reqPath, status] = m;
    const pathname = reqPath.split('?')[0];
    if (status === '200') continue;
    if (status === '404' && pathname === expected404) continue;
    if (linkFailures.has(pathname) || subresourceFailures.has(pathname)) continue; // already reported
    const key = `${method} ${reqPath} → ${status}`;
    odd.set(key, (odd.get(key) || 0) + 1);
  }
  const details = [...odd].map(([k, n]) => `${k}${n > 1 ? ` (${n} times)` : ''}`);
  record('server-log', 'nginx access log: no unexplained non-200 answers', odd.size === 0, details);
}
const subresourceFailures = new Set();

// ---------------------------------------------------------------------------------------------------------------
// Main

let phaseName = null;
let phaseStart = 0;
const phaseTimes = [];
function phase(name) {
  const now = Date.now();
  if (phaseName) phaseTimes.push(`${phaseName} ${((now - phaseStart) / 1000).toFixed(1)} s`);
  phaseName = name;
  phaseStart = now;
  if (name) console.log(`  ${name}`);
}

// Every page (checkPage), then the links they use (checkLinks).
// The coverage map's tables, with JavaScript off at 320 px (400% zoom): a caption, column and row headers, one cell
// per column, counts that lead to their page list, gaps said in words; each table scrolls in a focusable, labelled
// region, so the page itself never scrolls sideways.
async function checkCoverage(entry) {
  const target = `${shortUrl(entry.url)} tables`;
  const context = await newContext({ ...ZOOM400, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(entry.url);
    const problems = await page.evaluate(() => {
      const out = [];
      const tables = [...document.querySelectorAll('main table')];
      if (!tables.length) out.push('no table');
      for (const [i, table] of tables.entries()) {
        const name = `table ${i + 1}`;
        const caption = table.querySelector('caption');
        if (!caption || !caption.textContent.trim()) out.push(`${name}: no caption`);
        const cols = [...table.querySelectorAll('thead th')];
        if (!cols.length || cols.some((th) => th.getAttribute('scope') !== 'col')) out.push(`${name}: column headers need scope="col"`);
        for (const tr of table.querySelectorAll('tbody tr')) {
          const head = tr.firstElementChild;
          if (!head || head.tagName !== 'TH' || head.getAttribute('scope') !== 'row') out.push(`${name}: a row without <th scope="row">`);
          if (tr.children.length !== cols.length) out.push(`${name}: a row of ${tr.children.length} cells under ${cols.length} headers`);
          for (const td of tr.querySelectorAll('td')) {
            const a = td.querySelector('a[href^="#"]');
            if (a && !document.getElementById(decodeURIComponent(a.hash.slice(1)))) out.push(`${name}: ${a.hash} leads nowhere`);
            if (!a && !(td.classList.contains('coverage-gap') && /\S/.test(td.textContent))) out.push(`${name}: an empty cell is not said to be a gap`);
          }
        }
        const region = table.parentElement;
        if (region.getAttribute('role') !== 'region' || region.tabIndex !== 0
          || !caption || region.getAttribute('aria-labelledby') !== caption.id) out.push(`${name}: not in a focusable region named by its caption`);
      }
      const doc = document.documentElement;
      if (doc.scrollWidth > doc.clientWidth + 1) out.push(`the page is ${doc.scrollWidth} px wide in a ${doc.clientWidth} px viewport`);
      return out;
    });
    record('coverage', target, problems.length === 0, [...new Set(problems)].slice(0, 10));
  } catch (err) {
    record('coverage', target, false, [err.message.split('\n')[0]]);
  } finally {
    await context.close().catch(() => {});
  }
}

async function checkAllPages(pages) {
  phase('pages');
  let done = 0;
  const workers = [];
  const free = [];
  for (let i = 0; i < opts.concurrency; i++) {
    const context = await newContext();
    workers.push(context);
    free.push(await openPage(context));
  }
  await pool(pages, opts.concurrency, async (entry) => {
    const tab = free.pop();
    try {
      await checkPage(entry, tab);
    } catch (err) {
      record('load', shortUrl(entry.url), false, [`harness error: ${err.message.split('\n')[0]}`]);
    } finally {
      free.push(tab);
    }
    done++;
    if (done % 20 === 0 || done === pages.length) console.log(`  pages checked: ${done}/${pages.length}`);
  });
  await Promise.all(workers.map((c) => c.close().catch(() => {})));
  for (const r of results) {
    if (r.check !== 'subresources') continue;
    for (const d of r.details) {
      const m = /^\S+ (\/\S*): status/.exec(d);
      if (m) subresourceFailures.add(m[1].split('?')[0]);
    }
  }

  phase('checking links');
  await checkLinks();
}

async function main() {
  if (!fs.existsSync(opts.public)) usage(`no such folder: ${opts.public}`);
  const pages = pagesOf(opts.public);
  if (!pages.length) usage(`no .html files under ${opts.public}`);
  fs.mkdirSync(opts.screenshots, { recursive: true });
  if (!opts.only) {
    for (const f of fs.readdirSync(opts.screenshots)) {
      if (/^(desktop|mobile|zoom400)-.*\.png$|^print-.*\.pdf$/.test(f)) fs.rmSync(path.join(opts.screenshots, f));
    }
  }
  if (opts.relativeDir && !fs.existsSync(path.join(opts.relativeDir, 'index.html'))) usage(`no index.html in ${opts.relativeDir}`);
  console.log(`${pages.length} pages under ${opts.public}, served at ${opts.base}`
    + `${opts.relativeDir ? `; relative build in ${opts.relativeDir}` : ''}${opts.only ? `; only ${[...opts.only].join(', ')}` : ''}`);

  const vnuPromise = want('vnu') ? runVnu(pages.map((p) => p.file)) : null;

  browser = await chromium.launch({ executablePath: opts.chromium, args: LAUNCH_ARGS, timeout: 60_000 });
  console.log(`Chromium ${browser.version()}, axe-core ${JSON.parse(fs.readFileSync(path.join(here, 'node_modules', 'axe-core', 'package.json'), 'utf8')).version}`);

  if (want('pages')) await checkAllPages(pages);
  const coverage = pages.find((p) => p.type === 'coverage');
  if (want('pages') && coverage) await checkCoverage(coverage);

  const byUrl = new Map(pages.map((p) => [p.url, p]));
  const find = (rel) => byUrl.get(new URL(rel, base).href);
  const home = find('');
  const content = pages.find((p) => p.type === 'case-study')
    || pages.find((p) => /^(guide-part|dos-donts|tool|training|page)$/.test(p.type));

  if (want('keyboard')) {
    phase('keyboard');
    if (home) await checkKeyboard(home, 'home page');
    else record('keyboard', 'home page', false, ['no index.html at the top of the site']);
    if (content) await checkKeyboard(content, `${content.type} page`);
    else record('keyboard', 'content page', false, ['no content page found']);
  }

  if (want('search')) {
    phase('search');
    await checkSearch(home, content);
  }

  const byType = new Map();
  for (const p of pages) {
    if (p.type === 'redirect') continue; // it leaves at once; checked in the pages phase
    if (!byType.has(p.type)) byType.set(p.type, []);
    byType.get(p.type).push(p);
  }
  const shots = [];
  for (const [type, list] of [...byType].sort()) {
    const pref = PREFERRED[type] !== undefined ? find(PREFERRED[type]) : null;
    const chosen = pref && pref.type === type ? pref : list[0];
    shots.push([type, chosen]);
  }
  if (want('screenshots')) {
    phase('screenshots');
    notes.push(`screenshots (target/screenshots/desktop-*.png, mobile-*.png): ${shots.map(([t, p]) => `${t} = ${shortUrl(p.url)}`).join(', ')}`);
    await Promise.all([screenshots('desktop', DESKTOP, shots), screenshots('mobile', MOBILE, shots)]);
    await screenshots('zoom400', ZOOM400, shots);
  }

  if (want('dark')) {
    phase('dark mode');
    await checkDarkContrast(shots);
  }

  if (want('pdf')) {
    phase('print PDFs');
    for (const [name, rel, max] of PDFS) {
      const entry = find(rel);
      if (entry) await printPdf(name, entry, max);
      else record('pdf', `${name} (${rel})`, false, [`the site has no page ${rel}`]);
    }
  }

  if (vnuPromise) {
    phase('vnu');
    recordVnu(await vnuPromise, pages);
  }

  phase(null);
  notes.push(`time per phase: ${phaseTimes.join(', ')}`);
  if (opts.accessLog && !opts.only) checkAccessLog(opts.accessLog, new URL(MISSING_PATH, base).pathname);

  // Summaries
  if (axeByRule.size) {
    notes.push('axe violations by rule:');
    for (const [id, r] of [...axeByRule].sort((a, b) => b[1].pages.length - a[1].pages.length)) {
      notes.push(`  ${id} (${r.impact}) on ${r.pages.length} page${r.pages.length === 1 ? '' : 's'}, ${r.nodes} nodes: ${r.help}`);
      notes.push(`      e.g. ${r.pages.slice(0, 3).join(', ')}`);
      notes.push(`      ${r.example}`);
    }
  }
  const hosts = new Map();
  for (const u of external.keys()) {
    const h = new URL(u).host;
    hosts.set(h, (hosts.get(h) || 0) + 1);
  }
  notes.push(`external links (not fetched, no network): ${external.size} unique URLs on ${hosts.size} hosts`
    + `${hosts.size ? `: ${[...hosts].sort((a, b) => b[1] - a[1]).map(([h, n]) => `${h} (${n})`).join(', ')}` : ''}`);
  const insecure = [...external.keys()].filter((u) => u.startsWith('http:'));
  if (insecure.length) notes.push(`  of which plain http: ${insecure.join(', ')}`);
  notes.push(`same-origin URLs fetched: ${linkUses.size}`);

  await Promise.race([browser.close().catch(() => {}), sleep(10_000)]);
  browser = null;
  const failed = printReport();
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  printReport(`harness error: ${err && err.stack ? err.stack : err}`);
  shutdown(1);
});
