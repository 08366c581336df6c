#!/usr/bin/env node
// Browser checks of a built freda site served over HTTP (see run.sh, which builds the site and starts nginx).
//
//   node tests/browser/run.mjs --base http://127.0.0.1:PORT/library/ --public DIR
//        [--access-log FILE] [--screenshots DIR] [--timeout SECONDS] [--concurrency N] [--chromium PATH]
//
// Every *.html under DIR is opened in headless Chromium (Debian's, through playwright-core) and checked:
// document status, subresource statuses, no request to another host, no console error, no uncaught error,
// no Content Security Policy violation, axe-core (WCAG 2.2 AA + best practices), and that #fragment links
// point at an id that exists. Then every same-origin href/src is fetched once (must be 200), vnu checks all
// files, the skip link is tried with the keyboard, screenshots and print PDFs are written to
// target/screenshots/, and the nginx access log is scanned for requests nobody else explained (favicon…).
// Ends with the line "N passed, N failed" (one check = one page × one kind of check) and exits 1 on any failure.

import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const started = Date.now();

// ---------------------------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const opts = {
    base: null,
    public: null,
    accessLog: null,
    screenshots: path.join(repo, 'target', 'screenshots'),
    timeout: 900,
    concurrency: 2,
    chromium: '/usr/bin/chromium',
  };
  const names = {
    '--base': 'base', '--public': 'public', '--access-log': 'accessLog', '--screenshots': 'screenshots',
    '--timeout': 'timeout', '--concurrency': 'concurrency', '--chromium': 'chromium',
  };
  for (let i = 0; i < argv.length; i++) {
    let [name, value] = argv[i].split(/=(.*)/s, 2);
    if (!(name in names)) usage(`unknown option ${name}`);
    if (value === undefined) value = argv[++i];
    if (value === undefined) usage(`${name} needs a value`);
    opts[names[name]] = value;
  }
  if (!opts.base || !opts.public) usage('--base and --public are required');
  if (!opts.base.endsWith('/')) opts.base += '/';
  opts.timeout = Number(opts.timeout);
  opts.concurrency = Math.max(1, Number(opts.concurrency) || 1);
  opts.public = path.resolve(opts.public);
  opts.screenshots = path.resolve(opts.screenshots);
  return opts;
}

function usage(message) {
  console.error(`run.mjs: ${message}`);
  console.error('usage: node run.mjs --base http://127.0.0.1:PORT/library/ --public DIR [--access-log FILE] '
    + '[--screenshots DIR] [--timeout SECONDS] [--concurrency N] [--chromium PATH]');
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const base = new URL(opts.base);
const origin = base.origin;

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  resultTypes: ['violations'],
};
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

const watchdog = setTimeout(() => {
  printReport(`overall timeout: the checks did not finish in ${opts.timeout} s`);
  shutdown(1);
}, opts.timeout * 1000);
watchdog.unref();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    printReport(`stopped by ${sig}`);
    shutdown(1);
  });
}

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

// Each worker keeps one tab and navigates it from page to page: a new context or tab for every page costs
// Chromium a new renderer process, and on two cores that doubles the run. The site keeps no state in the
// browser (no scripts, no cookies), and every navigation gets a new document with the CSP recorder.
async function checkPage(entry, tab) {
  const target = shortUrl(entry.url) + (entry.type === '404' ? ' (404.html at a missing URL)' : '');
  const { page, state } = tab;
  state.reset();
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

    // Subresources (and redirects) must answer 200. Only the document itself may be the expected 404.
    const bad = state.responses
      .filter((r) => !(r.nav && r.main && r.url === entry.url))
      .filter((r) => r.status !== 200)
      .map((r) => `${r.type} ${shortUrl(r.url)}: status ${r.status}`);
    record('subresources', target, bad.length + state.failedRequests.length === 0,
      [...new Set([...bad, ...state.failedRequests])]);

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

async function main() {
  if (!fs.existsSync(opts.public)) usage(`no such folder: ${opts.public}`);
  const pages = pagesOf(opts.public);
  if (!pages.length) usage(`no .html files under ${opts.public}`);
  fs.mkdirSync(opts.screenshots, { recursive: true });
  for (const f of fs.readdirSync(opts.screenshots)) {
    if (/^(desktop|mobile|zoom400)-.*\.png$|^print-.*\.pdf$/.test(f)) fs.rmSync(path.join(opts.screenshots, f));
  }
  console.log(`${pages.length} pages under ${opts.public}, served at ${opts.base}`);

  const vnuPromise = runVnu(pages.map((p) => p.file));

  browser = await chromium.launch({ executablePath: opts.chromium, args: LAUNCH_ARGS, timeout: 60_000 });
  console.log(`Chromium ${browser.version()}, axe-core ${JSON.parse(fs.readFileSync(path.join(here, 'node_modules', 'axe-core', 'package.json'), 'utf8')).version}`);

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

  const byUrl = new Map(pages.map((p) => [p.url, p]));
  const find = (rel) => byUrl.get(new URL(rel, base).href);

  phase('keyboard');
  const home = find('');
  const content = pages.find((p) => p.type === 'case-study')
    || pages.find((p) => /^(guide-part|dos-donts|tool|training|page)$/.test(p.type));
  if (home) await checkKeyboard(home, 'home page');
  else record('keyboard', 'home page', false, ['no index.html at the top of the site']);
  if (content) await checkKeyboard(content, `${content.type} page`);
  else record('keyboard', 'content page', false, ['no content page found']);

  phase('screenshots');
  const byType = new Map();
  for (const p of pages) {
    if (!byType.has(p.type)) byType.set(p.type, []);
    byType.get(p.type).push(p);
  }
  const shots = [];
  for (const [type, list] of [...byType].sort()) {
    const pref = PREFERRED[type] !== undefined ? find(PREFERRED[type]) : null;
    const chosen = pref && pref.type === type ? pref : list[0];
    shots.push([type, chosen]);
  }
  notes.push(`screenshots (target/screenshots/desktop-*.png, mobile-*.png): ${shots.map(([t, p]) => `${t} = ${shortUrl(p.url)}`).join(', ')}`);
  await Promise.all([screenshots('desktop', DESKTOP, shots), screenshots('mobile', MOBILE, shots)]);
  await screenshots('zoom400', ZOOM400, shots);

  phase('dark mode');
  await checkDarkContrast(shots);

  phase('print PDFs');
  for (const [name, rel, max] of PDFS) {
    const entry = find(rel);
    if (entry) await printPdf(name, entry, max);
    else record('pdf', `${name} (${rel})`, false, [`the site has no page ${rel}`]);
  }

  phase('vnu');
  recordVnu(await vnuPromise, pages);

  phase(null);
  notes.push(`time per phase: ${phaseTimes.join(', ')}`);
  if (opts.accessLog) checkAccessLog(opts.accessLog, new URL(MISSING_PATH, base).pathname);

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
