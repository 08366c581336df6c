#!/usr/bin/env node
// Browser checks of the XSS fixture (tests/sites/xss/), built and served by run.sh (see README.md).
//
//   node tests/browser/xss.mjs --base http://127.0.0.1:PORT/xss/ --public DIR [--relative-dir DIR]
//        [--chromium PATH] [--timeout SECONDS]
//
// Every payload in the fixture calls alert()/confirm()/prompt() (or msgbox) with its own number. Every page is
// opened twice in headless Chromium while dialogs, console errors and uncaught errors are recorded:
//   xss-removed  with the Content-Security-Policy bypassed (Playwright's bypassCSP), so a payload that survived
//                the build would run and open a dialog: each page is loaded, every element is hovered
//                (mouseover, mouseenter), focused and blurred, every link and image (hidden ones too) is clicked
//                (navigations away are stopped), and the page is given time for timers, refreshes and autofocus;
//   xss-csp      as served (the <meta> policy and nginx's headers): the same again, and no CSP violation may be
//                reported either, so nothing is merely blocked by the policy: a blocked payload is a failure too;
//   xss-headers  a page's response carries the headers of the build's _headers file (nginx includes its
//                freda-headers.conf), its <meta> policy is that header's policy without frame-ancestors, and
//                _headers and freda-headers.conf themselves answer 404;
//   xss-search   payloads typed into the header search box and given to the search page as ?q= run nothing, and
//                results whose titles hold payloads show them as text;
//   xss-file     the --relative build opened from disk (file://): the same search, through the .js twins.
// Ends with the line "N passed, N failed" and exits 1 on any failure.

import { chromium } from 'playwright-core';
import { LAUNCH_ARGS } from './chromium.mjs';
import { readOptions } from './options.mjs';
import { createReport, stopOnTimeoutOrSignal } from './report.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const started = Date.now();
const opts = parseArgs(process.argv.slice(2));
const NAV_TIMEOUT = 30_000;
// Time after load for timers, <meta> refreshes, autofocus, ontoggle and the like.
const SETTLE_MS = 400;
const HEADER_INPUT = '#site-search-input';
const TYPED = ['<script>alert(901)</script>', '"><img src=x onerror=alert(902)>', 'script', 'alert', 'onerror'];

function parseArgs(argv) {
  const defaults = { base: null, public: null, relativeDir: null, chromium: '/usr/bin/chromium', timeout: 300 };
  const names = {
    '--base': 'base', '--public': 'public', '--relative-dir': 'relativeDir', '--chromium': 'chromium',
    '--timeout': 'timeout',
  };
  const o = readOptions(argv, names, defaults, usage);
  if (!o.base || !o.public) usage('--base and --public are required');
  if (!o.base.endsWith('/')) o.base += '/';
  o.timeout = Number(o.timeout);
  o.public = path.resolve(o.public);
  if (o.relativeDir) o.relativeDir = path.resolve(o.relativeDir);
  return o;
}

function usage(message) {
  console.error(`xss.mjs: ${message}`);
  console.error('usage: node xss.mjs --base http://127.0.0.1:PORT/xss/ --public DIR [--relative-dir DIR] '
    + '[--chromium PATH] [--timeout SECONDS]');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------------------------
// Results, reported as run.mjs does (report.mjs)

const { record, print: printReport, notes } = createReport('xss', started);

// ---------------------------------------------------------------------------------------------------------------
// Pages and what happens on them

/** Every .html file under `dir`, relative, with `/`. */
function htmlFiles(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...htmlFiles(dir, r));
    else if (e.name.endsWith('.html')) out.push(r);
  }
  return out.sort();
}

/** The address a built file is served at: folders by their index.html. */
function urlOf(rel) {
  return opts.base + (rel === 'index.html' ? '' : rel.replace(/(^|\/)index\.html$/, '$1'));
}

/** Records the policy violations a page reports, for the xss-csp pass. */
function cspRecorder() {
  window.__fredaCspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__fredaCspViolations.push(`${e.effectiveDirective || e.violatedDirective} blocked `
      + `${e.blockedURI || '(inline)'}${e.sample ? ` sample: ${e.sample}` : ''}`);
  }, true);
}

/** A tab whose dialogs (dismissed), console errors and uncaught errors are kept in `page.seen`. */
async function watchedPage(context) {
  const page = await context.newPage();
  const seen = { reset() { Object.assign(this, { dialogs: [], console: [], errors: [] }); } };
  seen.reset();
  page.seen = seen;
  page.on('dialog', (d) => { seen.dialogs.push(`${d.type()} "${d.message()}"`); d.dismiss().catch(() => {}); });
  page.on('console', (m) => { if (m.type() === 'error') seen.console.push(m.text()); });
  page.on('pageerror', (e) => seen.errors.push(String(e && e.message ? e.message : e).split('\n')[0]));
  return page;
}

function problems(seen) {
  return [
    ...seen.dialogs.map((d) => `dialog: ${d} (a payload ran)`),
    ...seen.errors.map((e) => `uncaught: ${e}`),
    ...seen.console.map((t) => `console error: ${t}`),
  ];
}

/**
 * Hovers, focuses and blurs every element, then clicks every link, image and button (hidden ones too), in the page itself.
 * Links to pages (http, https, file, mailto, tel, as the browser reads their href) are not followed and forms are
 * not sent: a navigation would cancel a javascript: URL clicked before it. Any other link is followed, and given a
 * moment to run.
 */
async function poke() {
  const all = [...document.querySelectorAll('body *')];
  for (const el of all) {
    for (const type of ['mouseover', 'mouseenter', 'mousemove']) {
      el.dispatchEvent(new MouseEvent(type, { bubbles: type !== 'mouseenter', cancelable: true }));
    }
    if (typeof el.focus === 'function') el.focus();
    if (typeof el.blur === 'function') el.blur();
  }
  // Hidden ones too: a payload may hide itself, and the theme's own hidden controls must not throw either.
  const clickable = [...document.querySelectorAll('a, area, img, button, input, summary, [tabindex]')];
  const stay = (e) => {
    const a = e.target.closest && e.target.closest('a[href], area[href]');
    if (a && ['http:', 'https:', 'file:', 'mailto:', 'tel:'].includes(a.protocol)) e.preventDefault();
  };
  const noSubmit = (e) => e.preventDefault();
  document.addEventListener('click', stay, true);
  document.addEventListener('submit', noSubmit, true);
  for (const el of clickable) {
    el.click();
    const a = el.closest('a[href], area[href]');
    if (a && !['http:', 'https:', 'file:', 'mailto:', 'tel:'].includes(a.protocol)) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  document.removeEventListener('click', stay, true);
  document.removeEventListener('submit', noSubmit, true);
  return { elements: all.length, clicked: clickable.length };
}

async function visit(page, url) {
  page.seen.reset();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(SETTLE_MS);
  const counts = await page.evaluate(poke);
  await page.waitForTimeout(SETTLE_MS);
  // A real pointer and keyboard too, on the first few links: some handlers only fire on trusted events.
  const links = await page.locator('main a[href]').all();
  for (const link of links.slice(0, 12)) {
    await link.hover({ timeout: 2000 }).catch(() => {});
    await link.focus({ timeout: 2000 }).catch(() => {});
  }
  return counts;
}

/** Opens every page in a context; `csp` says whether the policy is enforced. */
async function checkPages(browser, files, csp) {
  const check = csp ? 'xss-csp' : 'xss-removed';
  const context = await browser.newContext({ bypassCSP: !csp, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(NAV_TIMEOUT);
  if (csp) await context.addInitScript(cspRecorder);
  // Only the first load of each page goes through: clicked links must not take the tab elsewhere.
  let allowed = null;
  await context.route('**/*', (route) => {
    const req = route.request();
    if (req.isNavigationRequest() && req.frame().parentFrame() === null && req.url() !== allowed) {
      return route.abort('aborted');
    }
    return route.continue();
  });
  const page = await watchedPage(context);
  let poked = 0;
  for (const rel of files) {
    allowed = urlOf(rel);
    try {
      const counts = await visit(page, allowed);
      poked += counts.elements;
      const seen = problems(page.seen);
      if (csp) {
        const v = await page.evaluate(() => window.__fredaCspViolations || []).catch(() => []);
        seen.push(...v.map((x) => `CSP violation: ${x} (a payload reached the page and was only blocked)`));
      }
      const moved = page.url().split('#')[0] !== allowed ? [`the page went to ${page.url()}`] : [];
      record(check, `${rel} (${counts.elements} elements, ${counts.clicked} clicked)`,
        seen.length === 0 && moved.length === 0, [...seen, ...moved]);
    } catch (err) {
      record(check, rel, false, [`harness error: ${String(err.message).split('\n')[0]}`, ...problems(page.seen)]);
    }
  }
  notes.push(`${check}: ${files.length} pages, ${poked} elements hovered and focused`);
  await context.close().catch(() => {});
}

/** The policy headers: as _headers says, on a page and on the 404 page; the header files are not served. */
async function checkHeaders() {
  const file = fs.readFileSync(path.join(opts.public, '_headers'), 'utf8');
  const want = Object.fromEntries([...file.matchAll(/^ {2}([\w-]+): (.+)$/gm)].map((m) => [m[1].toLowerCase(), m[2]]));
  for (const [rel, status] of [['', 200], ['no-such-page/', 404]]) {
    const res = await fetch(opts.base + rel);
    const html = await res.text();
    const got = Object.keys(want).map((k) => [k, res.headers.get(k)]);
    const wrong = got.filter(([k, v]) => v !== want[k]).map(([k, v]) => `${k}: "${v}", want "${want[k]}"`);
    if (res.status !== status) wrong.push(`status ${res.status}, want ${status}`);
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    if (!meta) wrong.push('no <meta> policy');
    else if (`${meta[1]}; frame-ancestors 'none'` !== want['content-security-policy']) {
      wrong.push(`<meta> policy "${meta[1]}" is not the header's without frame-ancestors`);
    }
    record('xss-headers', `/${rel} (${status}): ${Object.keys(want).join(', ')} as in _headers; <meta> policy`, wrong.length === 0, wrong);
  }
  for (const name of ['_headers', 'freda-headers.conf']) {
    const res = await fetch(opts.base + name);
    record('xss-headers', `${name} is not served`, res.status === 404, [`status ${res.status}`]);
  }
}

/** Types each of TYPED into the header box of the page at `url`; no dialog, no error; payload titles show as text. */
async function checkSearchBox(page, url, check, where) {
  page.seen.reset();
  const texts = [];
  for (const q of TYPED) {
    await page.goto(url, { waitUntil: 'load' });
    await page.focus(HEADER_INPUT);
    await page.keyboard.type(q, { delay: 15 });
    await page.waitForTimeout(700);
    texts.push(...await page.$$eval('[role=option]', (os) => os.map((o) => o.textContent)));
    await page.evaluate(poke);
  }
  const asText = texts.filter((t) => /<script>|<img|<svg/i.test(t));
  const seen = problems(page.seen);
  record(check, `${where}: ${TYPED.length} payloads typed into the search box`, seen.length === 0, seen);
  record(check, `${where}: results show payload titles as text (${asText.length} of ${texts.length})`, asText.length > 0,
    [`result texts: ${JSON.stringify(texts.slice(0, 5))}`]);
}

async function checkSearch(browser) {
  const context = await browser.newContext({ bypassCSP: true });
  context.setDefaultTimeout(NAV_TIMEOUT);
  const page = await watchedPage(context);
  try {
    await checkSearchBox(page, opts.base, 'xss-search', '/');
    page.seen.reset();
    const q = encodeURIComponent('"><script>alert(903)</script><img src=x onerror=alert(904)>');
    await page.goto(`${opts.base}search/?q=${q}&rights=${q}`, { waitUntil: 'load' });
    await page.waitForTimeout(1000);
    await page.evaluate(poke);
    await page.waitForTimeout(SETTLE_MS);
    const seen = problems(page.seen);
    record('xss-search', '/search/?q=<payload>&rights=<payload>', seen.length === 0, seen);
  } catch (err) {
    record('xss-search', 'harness', false, [String(err.message).split('\n')[0]]);
  }
  await context.close().catch(() => {});
}

async function checkFile(browser) {
  const context = await browser.newContext({ bypassCSP: true });
  context.setDefaultTimeout(NAV_TIMEOUT);
  await context.route('**/*', (route) => (/^(?:file|data|blob):/.test(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  const page = await watchedPage(context);
  try {
    for (const rel of ['index.html', 'payloads/markdown-links/index.html']) {
      await checkSearchBox(page, pathToFileURL(path.join(opts.relativeDir, rel)).href, 'xss-file', `file://…/${rel}`);
    }
  } catch (err) {
    record('xss-file', 'harness', false, [String(err.message).split('\n')[0]]);
  }
  await context.close().catch(() => {});
}

async function main() {
  const files = htmlFiles(opts.public);
  const browser = await chromium.launch({ executablePath: opts.chromium, args: LAUNCH_ARGS });
  try {
    await checkHeaders();
    await checkPages(browser, files, false);
    await checkPages(browser, files, true);
    await checkSearch(browser);
    if (opts.relativeDir) await checkFile(browser);
    else notes.push('xss: file:// checks skipped (no --relative-dir)');
  } finally {
    await browser.close().catch(() => {});
  }
}

stopOnTimeoutOrSignal(opts.timeout, printReport, (code) => process.exit(code));

main().then(() => {
  process.exit(printReport() ? 1 : 0);
}).catch((err) => {
  printReport(`harness error: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
