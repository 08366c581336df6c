#!/usr/bin/env node
// The offline copy: the zip that `freda build --relative --zip FILE` writes, unzipped and opened from disk.
//
//   node tests/browser/offline.mjs --zip FILE [--dir DIR] [--chromium PATH] [--timeout SECONDS]
//
// Extracts FILE with node alone (unzip.mjs) into DIR (default: a temp folder), then opens
// file://…/<zip name>/index.html in headless Chromium with the browser context offline and every request that is not
// for a file: URL aborted and counted as a failure. Like a reader without network, it checks:
//   offline-unzip    the zip extracts under one folder named after it, with index.html at its top;
//   offline-nav      the main menu leads to the case studies, a card opens a case study, the breadcrumbs lead home;
//   offline-page     on every page visited: style.css and brand.css applied, every <img> loaded (naturalWidth > 0),
//                    no failed request;
//   offline-search   a word from the case study's title, typed into the header search box, finds it, and the
//                    result opens it;
//   offline-download the guide's download names a PDF in the folder;
//   offline-print    in print media the case study's heading and text show and the navigation is hidden;
//   offline-network  no request left the disk (anything but file:, data: or blob:);
//   offline-console  no console error and no uncaught error on any page.
// Ends with the line "N passed, N failed" and exits 1 on any failure.

import { chromium } from 'playwright-core';
import { LAUNCH_ARGS } from './chromium.mjs';
import { readOptions } from './options.mjs';
import { createReport, stopOnTimeoutOrSignal } from './report.mjs';
import { unzip } from './unzip.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const started = Date.now();
const opts = parseArgs(process.argv.slice(2));
const WAIT = 10_000;
const HEADER_INPUT = '#site-search-input';

function parseArgs(argv) {
  const defaults = { zip: null, dir: null, chromium: '/usr/bin/chromium', timeout: 120 };
  const names = { '--zip': 'zip', '--dir': 'dir', '--chromium': 'chromium', '--timeout': 'timeout' };
  const o = readOptions(argv, names, defaults, usage);
  if (!o.zip) usage('--zip is required');
  o.zip = path.resolve(o.zip);
  o.timeout = Number(o.timeout);
  return o;
}

function usage(message) {
  console.error(`offline.mjs: ${message}`);
  console.error('usage: node offline.mjs --zip FILE [--dir DIR] [--chromium PATH] [--timeout SECONDS]');
  process.exit(2);
}

const { record, print: printReport, notes } = createReport('offline', started);
const seen = { requests: [], failed: [], console: [], errors: [] };
const visited = new Set();
let browser = null;
let madeDir = null;

// ---------------------------------------------------------------------------------------------------------------
// The zip

/** Extracts the zip; returns the folder its site is in (`<dir>/<zip name>`), or null. */
function extract() {
  const dir = opts.dir ? path.resolve(opts.dir) : (madeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'freda-offline-')));
  fs.mkdirSync(dir, { recursive: true });
  const top = path.basename(opts.zip).replace(/\.zip$/i, '');
  let names;
  try {
    names = unzip(opts.zip, dir);
  } catch (err) {
    record('offline-unzip', opts.zip, false, [err.message]);
    return null;
  }
  const stray = names.filter((n) => !n.startsWith(`${top}/`));
  const home = path.join(dir, top, 'index.html');
  const d = [...stray.slice(0, 5).map((n) => `${n}: not under ${top}/`)];
  if (!fs.existsSync(home)) d.push(`no ${top}/index.html`);
  record('offline-unzip', `${path.basename(opts.zip)}: ${names.length} entries under ${top}/, with index.html`, d.length === 0, d);
  notes.push(`offline: ${path.basename(opts.zip)} (${fs.statSync(opts.zip).size} bytes) extracted to ${dir}`);
  return d.length ? null : path.join(dir, top);
}

// ---------------------------------------------------------------------------------------------------------------
// Pages

/** What the page shows of its styles and images. */
function pageState() {
  const skip = document.querySelector('.skip-link');
  const sheets = [...document.querySelectorAll('link[rel="stylesheet"]')];
  return {
    title: document.title,
    h1: document.querySelector('h1') ? document.querySelector('h1').textContent.trim() : '',
    // style.css moves the skip link off screen; brand.css sets --brand.
    styled: !!skip && getComputedStyle(skip).position === 'absolute' && getComputedStyle(skip).left === '-9999px',
    branded: getComputedStyle(document.documentElement).getPropertyValue('--brand').trim() !== '',
    unloadedSheets: sheets.filter((l) => !l.sheet).map((l) => l.getAttribute('href')),
    images: [...document.images].map((i) => ({ src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0 })),
  };
}

/** Records offline-page for the page now open (once per file). */
async function checkPage(page, root) {
  const rel = relOf(page.url(), root);
  if (visited.has(rel)) return;
  visited.add(rel);
  const failedBefore = seen.failed.length;
  const s = await page.evaluate(pageState);
  const d = [];
  if (!s.styled) d.push('style.css is not applied (the skip link is not moved off screen)');
  if (!s.branded) d.push('brand.css is not applied (no --brand)');
  for (const href of s.unloadedSheets) d.push(`stylesheet ${href} did not load`);
  for (const img of s.images.filter((i) => !i.ok)) d.push(`image ${img.src} did not load`);
  d.push(...seen.failed.slice(failedBefore));
  record('offline-page', `${rel}: styled, ${s.images.length} images loaded, nothing failed`, d.length === 0, d);
}

function relOf(url, root) {
  try {
    return path.relative(root, fileURLToPath(url.split('#')[0].split('?')[0])).split(path.sep).join('/');
  } catch {
    return url;
  }
}

/** Clicks `selector` (the first match) and waits for the next page to load; returns its URL. */
async function follow(page, selector) {
  const from = page.url();
  await Promise.all([
    page.waitForURL((u) => u.href !== from, { waitUntil: 'load', timeout: WAIT }),
    page.click(selector, { timeout: WAIT }),
  ]);
  return page.url();
}

// ---------------------------------------------------------------------------------------------------------------
// The checks

async function checkNavigation(page, root) {
  await page.goto(pathToFileURL(path.join(root, 'index.html')).href, { waitUntil: 'load' });
  await checkPage(page, root);
  const steps = [
    ['the main menu leads to the case studies', '.site-nav a:text-is("Case studies")', 'case-studies/index.html'],
    ['a card opens a case study', '.main .cards .card-title a >> nth=0', /^case-studies\/[^/]+\/index\.html$/],
    ['the breadcrumbs lead home', '.breadcrumbs a >> nth=0', 'index.html'],
  ];
  let caseStudy = null;
  for (const [what, selector, want] of steps) {
    let landed = '';
    const d = [];
    try {
      landed = relOf(await follow(page, selector), root);
    } catch (err) {
      d.push(err.message.split('\n')[0]);
    }
    if (landed && !(typeof want === 'string' ? landed === want : want.test(landed))) d.push(`opened ${landed}, want ${want}`);
    record('offline-nav', `${what} (${landed || 'nothing'})`, d.length === 0, d);
    if (d.length) return caseStudy;
    await checkPage(page, root);
    if (typeof want !== 'string') caseStudy = { rel: landed, title: (await page.evaluate(pageState)).h1 };
  }
  return caseStudy;
}

/** The longest word of a title: rare enough to find its page. */
function searchWord(title) {
  return title.split(/[^\p{L}\p{N}]+/u).sort((a, b) => b.length - a.length)[0].toLowerCase();
}

async function checkSearch(page, root, caseStudy) {
  const word = searchWord(caseStudy.title);
  const target = pathToFileURL(path.join(root, caseStudy.rel)).href;
  const d = [];
  try {
    await page.goto(pathToFileURL(path.join(root, 'index.html')).href, { waitUntil: 'load' });
    await page.focus(HEADER_INPUT);
    await page.keyboard.type(word, { delay: 30 });
    // The index of the first result that links to the case study (any #heading in it), once one shows.
    const nth = await page.waitForFunction((t) => {
      const i = [...document.querySelectorAll('.search-panel a.search-result')].findIndex((a) => a.href.split('#')[0] === t);
      return i >= 0 ? { i } : null;
    }, target, { timeout: WAIT }).then((h) => h.jsonValue().then((v) => v.i), () => -1);
    if (nth < 0) {
      const shown = await page.$$eval('.search-panel a.search-result', (as) => as.map((a) => a.getAttribute('href')));
      d.push(`no result links to ${caseStudy.rel}; results: ${shown.join(', ') || 'none'}`);
    } else {
      const landed = await follow(page, `.search-panel a.search-result >> nth=${nth}`);
      if (landed.split('#')[0] !== target) d.push(`the result opened ${relOf(landed, root)}`);
    }
  } catch (err) {
    d.push(err.message.split('\n')[0]);
  }
  record('offline-search', `"${word}" (from "${caseStudy.title}") in the header box finds the case study and opens it`,
    d.length === 0, d);
  if (!d.length) await checkPage(page, root);
}

async function checkDownload(page, root) {
  const rel = 'guides/human-rights-framework/index.html';
  const d = [];
  try {
    await page.goto(pathToFileURL(path.join(root, rel)).href, { waitUntil: 'load' });
    await checkPage(page, root);
    const links = await page.$$eval('.downloads a', (as) => as.map((a) => ({ href: a.href, type: a.type, text: a.parentElement.textContent.trim() })));
    if (!links.length) d.push('no download listed');
    for (const l of links) {
      const file = fileURLToPath(l.href);
      if (!fs.existsSync(file)) d.push(`${l.text}: no file ${relOf(l.href, root)}`);
      else if (l.type === 'application/pdf' && !fs.readFileSync(file).subarray(0, 5).equals(Buffer.from('%PDF-'))) d.push(`${l.text}: not a PDF`);
    }
    notes.push(...links.map((l) => `offline: download "${l.text}"`));
  } catch (err) {
    d.push(err.message.split('\n')[0]);
  }
  record('offline-download', `${rel}: the download is a file in the folder`, d.length === 0, d);
}

async function checkPrint(page, root, caseStudy) {
  const d = [];
  try {
    await page.goto(pathToFileURL(path.join(root, caseStudy.rel)).href, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const s = await page.evaluate(() => {
      const shown = (sel) => [...document.querySelectorAll(sel)].some((e) => e.getClientRects().length > 0
        && getComputedStyle(e).visibility !== 'hidden');
      const main = document.querySelector('main');
      return {
        h1: shown('main h1'),
        text: main ? main.innerText.trim().length : 0,
        hiddenShown: ['.site-nav', '.breadcrumbs', '.site-footer', '.site-search', '.skip-link'].filter(shown),
      };
    });
    if (!s.h1) d.push('the heading is not shown');
    if (s.text < 500) d.push(`only ${s.text} characters of the page are shown`);
    for (const sel of s.hiddenShown) d.push(`${sel} is shown in print`);
  } catch (err) {
    d.push(err.message.split('\n')[0]);
  } finally {
    await page.emulateMedia({ media: 'screen' }).catch(() => {});
  }
  record('offline-print', `${caseStudy.rel}: in print the page shows and the navigation does not`, d.length === 0, d);
}

// ---------------------------------------------------------------------------------------------------------------

/** The guide part with the FREDA diagram: the image loads from the folder (checkPage counts it). */
async function checkImage(page, root) {
  const rel = 'guides/human-rights-framework/freda-principles/index.html';
  const d = [];
  try {
    await page.goto(pathToFileURL(path.join(root, rel)).href, { waitUntil: 'load' });
    const images = (await page.evaluate(pageState)).images;
    if (!images.length) d.push('no <img> on the page');
    for (const img of images.filter((i) => !i.ok)) d.push(`image ${img.src} did not load`);
    await checkPage(page, root);
  } catch (err) {
    d.push(err.message.split('\n')[0]);
  }
  record('offline-image', `${rel}: its image loads from disk`, d.length === 0, d);
}

/** The language switcher leads to the Welsh home page and back, from disk. */
async function checkLanguages(page, root) {
  const d = [];
  let landed = '';
  try {
    await page.goto(pathToFileURL(path.join(root, 'index.html')).href, { waitUntil: 'load' });
    landed = relOf(await follow(page, '.language-switcher a[lang="cy"]'), root);
    if (landed !== 'cy/index.html') d.push(`opened ${landed}, want cy/index.html`);
    else {
      await checkPage(page, root);
      const lang = await page.evaluate(() => document.documentElement.lang);
      if (lang !== 'cy') d.push(`<html lang="${lang}">, want cy`);
      const back = relOf(await follow(page, '.language-switcher a[lang="en"]'), root);
      if (back !== 'index.html') d.push(`"English" opened ${back}, want index.html`);
    }
  } catch (err) {
    d.push(err.message.split('\n')[0]);
  }
  record('offline-nav', `the language switcher leads to Cymraeg and back (${landed || 'nothing'})`, d.length === 0, d);
}

async function main() {
  const root = extract();
  if (!root) return;
  browser = await chromium.launch({ executablePath: opts.chromium, args: LAUNCH_ARGS });
  const context = await browser.newContext({ serviceWorkers: 'block' });
  await context.setOffline(true);
  context.setDefaultTimeout(WAIT);
  // Anything but a file on disk is stopped (and counted below): the copy must need no network.
  await context.route('**/*', (route) => (/^(?:file|data|blob):/.test(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  const page = await context.newPage();
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('requestfailed', (r) => {
    const err = r.failure() ? r.failure().errorText : 'failed';
    // Chromium cancels a favicon load when the page navigates on: not a fault.
    if (!(err === 'net::ERR_ABORTED' && /\/favicon\.svg$/.test(r.url()))) seen.failed.push(`request failed: ${r.url()}: ${err}`);
  });
  page.on('console', (m) => { if (m.type() === 'error') seen.console.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => seen.errors.push(`uncaught: ${String(e && e.message ? e.message : e).split('\n')[0]}`));

  const caseStudy = await checkNavigation(page, root);
  if (caseStudy) {
    await checkSearch(page, root, caseStudy);
    await checkPrint(page, root, caseStudy);
  } else {
    record('offline-search', 'no case study was reached', false, ['see offline-nav']);
    record('offline-print', 'no case study was reached', false, ['see offline-nav']);
  }
  await checkDownload(page, root);
  await checkImage(page, root);
  await checkLanguages(page, root);
  const away = seen.requests.filter((u) => !/^(?:file|data|blob):/.test(u));
  record('offline-network', `no request left the disk (${seen.requests.length} requests)`, away.length === 0, [...new Set(away)]);
  const errors = [...seen.console, ...seen.errors];
  record('offline-console', `no console error or uncaught error on ${visited.size} pages`, errors.length === 0, [...new Set(errors)]);
}

async function stop(code) {
  if (browser) await browser.close().catch(() => {});
  if (madeDir) fs.rmSync(madeDir, { recursive: true, force: true });
  process.exit(code);
}

stopOnTimeoutOrSignal(opts.timeout, printReport, (code) => { stop(code); });

main().then(() => stop(printReport() ? 1 : 0)).catch((err) => {
  printReport(`harness error: ${err && err.stack ? err.stack : err}`);
  stop(1);
});
