#!/usr/bin/env node
// Browser checks of `freda serve` and its live reload (see run.sh, which calls this after run.mjs).
//
//   node tests/browser/serve.mjs --freda PATH [--chromium PATH] [--screenshots DIR] [--timeout SECONDS]
//
// Copies the starter site (site.toml with base_url https://example.org/library/, content/, static/)
// into a temp folder, starts `freda serve --port 0` there and, in headless Chromium, edits files the way an
// editor would while a page is open:
//   serve-edit     a Markdown edit shows up in the open page without anyone reloading it;
//   serve-scroll   after scrolling down, the next edit keeps the scroll position;
//   serve-error    broken front matter opens the error dialog: role alertdialog with a name, the
//                  file:line:col text with a caret in a <pre>, focus on Close, the last good page still behind
//                  it; axe-core finds nothing in it (light, and dark for contrast); it fits a 320 px window (400%
//                  zoom); Escape closes it; a second error opens it again; the fix removes it;
//   serve-css      a stylesheet edit applies without a navigation (a window property and the navigation count
//                  survive);
//   serve-restart  the server is stopped and started again on the same port: the page notices and reloads;
//   serve-console  no console error, uncaught error or CSP violation on the page through all of that.
// Screenshots of the dialog go to target/screenshots/serve-error-*.png.
// Ends with the line "N passed, N failed" and exits 1 on any failure.

import { chromium } from 'playwright-core';
import { AXE_OPTIONS, LAUNCH_ARGS } from './chromium.mjs';
import { readOptions } from './options.mjs';
import { createReport, stopOnTimeoutOrSignal } from './report.mjs';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const started = Date.now();

const opts = parseArgs(process.argv.slice(2));
// A rebuild of the starter in a debug build takes a few seconds on two cores; this only stops a hang.
const WAIT = 60_000;
const PAGE_FILE = 'content/help/add-a-case-study.md';
const PAGE_PATH = 'help/add-a-case-study/';
const DIALOG = 'dialog.freda-live-error';
const axeSource = fs.readFileSync(path.join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

function parseArgs(argv) {
  const defaults = {
    freda: null,
    chromium: '/usr/bin/chromium',
    screenshots: path.join(repo, 'target', 'screenshots'),
    timeout: 300,
  };
  const names = { '--freda': 'freda', '--chromium': 'chromium', '--screenshots': 'screenshots', '--timeout': 'timeout' };
  const o = readOptions(argv, names, defaults, usage);
  if (!o.freda) usage('--freda is required');
  o.timeout = Number(o.timeout);
  return o;
}

function usage(message) {
  console.error(`serve.mjs: ${message}`);
  console.error('usage: node serve.mjs --freda PATH [--chromium PATH] [--screenshots DIR] [--timeout SECONDS]');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------------------------
// Results, reported as run.mjs does (report.mjs)

const { record, print: printReport } = createReport('serve', started);

// ---------------------------------------------------------------------------------------------------------------
// The site and the server

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'freda-serve-'));
const site = path.join(tmp, 'site');
let server = null;
let serverLog = '';
let browser = null;

function makeSite() {
  fs.mkdirSync(site, { recursive: true });
  const toml = fs.readFileSync(path.join(repo, 'site.toml'), 'utf8')
    .replace(/^base_url = .*$/m, 'base_url = "https://example.org/library/"');
  fs.writeFileSync(path.join(site, 'site.toml'), toml);
  fs.cpSync(path.join(repo, 'content'), path.join(site, 'content'), { recursive: true });
  // static/ exists from the start (with the guide's PDF), so that a stylesheet written there later is a
  // CSS-only change.
  fs.cpSync(path.join(repo, 'static'), path.join(site, 'static'), { recursive: true });
}

// Starts `freda serve` and resolves with the URL from its first line.
function startServer(port = 0) {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.freda, ['serve', '--port', String(port), '--root', site],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    server = child;
    child.stderr.on('data', (d) => { serverLog += d; });
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`freda serve printed no address in ${WAIT / 1000} s`)), WAIT);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = /^Serving .* at (http:\/\/127\.0\.0\.1:\d+\/library\/) \(Ctrl\+C to stop\)$/.exec(line);
      if (m) resolve(m[1]);
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`freda serve exited with ${code}: ${serverLog}`)));
  });
}

function stopServer() {
  return new Promise((resolve) => {
    if (!server || server.exitCode !== null) return resolve();
    server.once('exit', () => resolve());
    server.kill('SIGTERM');
  });
}

function cleanup() {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
}

function editFile(rel, change) {
  const file = path.join(site, rel);
  fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
}

function appendParagraph(token) {
  editFile(PAGE_FILE, (t) => `${t.trimEnd()}\n\nLive reload check ${token}.\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

// Waits until `fn` (run in the page, across reloads) returns true; false when the time is up.
async function until(page, fn, arg, timeout = WAIT) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    try {
      if (await page.evaluate(fn, arg)) return true;
    } catch {
      // The page is navigating: try again.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const hasText = (token) => document.readyState !== 'loading' && document.body.innerText.includes(token);

async function checkEdit(page) {
  appendParagraph('one');
  const ok = await until(page, hasText, 'Live reload check one.');
  record('serve-edit', 'a Markdown edit shows in the open page', ok,
    ok ? [] : ['the new text did not appear', serverLog.slice(-2000)]);
}

async function checkScroll(page) {
  await until(page, () => document.readyState === 'complete');
  const y = await page.evaluate(() => {
    scrollTo(0, Math.min(1500, document.documentElement.scrollHeight - innerHeight - 100));
    return scrollY;
  });
  if (y < 300) {
    record('serve-scroll', 'scroll position after a reload', false, [`the page only scrolls to ${y} px`]);
    return;
  }
  appendParagraph('two');
  const shown = await until(page, hasText, 'Live reload check two.');
  const kept = shown && await until(page, (want) => document.readyState === 'complete' && Math.abs(scrollY - want) <= 2, y, 10_000);
  const now = await page.evaluate(() => scrollY).catch(() => -1);
  record('serve-scroll', 'scroll position after a reload', kept,
    kept ? [] : [shown ? `scrollY is ${now}, was ${y}` : 'the edit did not show']);
}

async function checkError(page) {
  const original = fs.readFileSync(path.join(site, PAGE_FILE), 'utf8');
  editFile(PAGE_FILE, (t) => t.replace(/^title = "([^"]*)"$/m, 'title = "$1'));
  const dialog = page.locator(DIALOG);
  try {
    await dialog.waitFor({ state: 'visible', timeout: WAIT });
  } catch {
    record('serve-error', 'broken front matter opens the error dialog', false, ['no dialog', serverLog.slice(-2000)]);
    return;
  }
  const info = await page.evaluate((sel) => {
    const d = document.querySelector(sel);
    const title = document.getElementById(d.getAttribute('aria-labelledby'));
    return {
      role: d.getAttribute('role'),
      open: d.open,
      title: title ? title.textContent : '',
      text: d.querySelector('pre').textContent,
      focused: document.activeElement && document.activeElement.matches(`${sel} button`),
      behind: document.body.innerText.includes('Live reload check two.'),
      inlineStyles: document.querySelectorAll(`${sel} [style], ${sel}[style]`).length,
    };
  }, DIALOG);
  const problems = [];
  if (info.role !== 'alertdialog') problems.push(`role is ${info.role}`);
  if (!info.title) problems.push('the dialog has no title');
  if (!/^content\/help\/add-a-case-study\.md:\d+:\d+: error: /m.test(info.text)) problems.push(`text: ${info.text}`);
  if (!info.text.includes('^')) problems.push('no caret in the text');
  if (!info.focused) problems.push('focus is not on the Close button');
  if (!info.behind) problems.push('the last good page is not shown behind the dialog');
  if (info.inlineStyles) problems.push('style attributes in the dialog');
  record('serve-error', 'broken front matter opens the error dialog', problems.length === 0, problems);

  await checkDialogA11y(page);

  await page.keyboard.press('Escape');
  const closed = await until(page, (sel) => !document.querySelector(sel).open, DIALOG, 5000);
  record('serve-error', 'Escape closes the dialog', closed, closed ? [] : ['still open']);

  fs.writeFileSync(path.join(site, PAGE_FILE), original.replace(/^\+\+\+\n/, '+++\ncolour = "red"\n'));
  const again = await until(page, (sel) => {
    const d = document.querySelector(sel);
    return d && d.open && d.querySelector('pre').textContent.includes('colour');
  }, DIALOG);
  record('serve-error', 'a second error opens the dialog again', again, again ? [] : ['no dialog with the new error']);

  fs.writeFileSync(path.join(site, PAGE_FILE), `${original.trimEnd()}\n\nLive reload check three.\n`);
  const fixed = await until(page, (sel) => document.body.innerText.includes('Live reload check three.')
    && !document.querySelector(`${sel}[open]`), DIALOG);
  record('serve-error', 'the fix removes the dialog and shows the page', fixed, fixed ? [] : ['still broken or not reloaded']);
}

async function axeOn(page, selector, options) {
  await page.evaluate(axeSource);
  return page.evaluate(([sel, o]) => window.axe.run(document.querySelector(sel), o), [selector, options]);
}

function violations(result) {
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

async function checkDialogA11y(page) {
  fs.mkdirSync(opts.screenshots, { recursive: true });
  const light = await axeOn(page, DIALOG, AXE_OPTIONS);
  record('serve-error', 'axe-core on the dialog', light.violations.length === 0, violations(light));
  await page.screenshot({ path: path.join(opts.screenshots, 'serve-error-desktop.png') });

  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await axeOn(page, DIALOG, { runOnly: { type: 'rule', values: ['color-contrast'] } });
  record('serve-error', 'axe-core colour contrast on the dialog, dark mode', dark.violations.length === 0, violations(dark));
  await page.screenshot({ path: path.join(opts.screenshots, 'serve-error-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  await page.setViewportSize({ width: 320, height: 640 });
  const fit = await page.evaluate((sel) => {
    const d = document.querySelector(sel);
    const r = d.getBoundingClientRect();
    return { left: r.left, right: r.right, width: innerWidth, overflow: d.scrollWidth - d.clientWidth };
  }, DIALOG);
  const fits = fit.left >= 0 && fit.right <= fit.width && fit.overflow <= 0;
  record('serve-error', 'the dialog fits 320 px (400% zoom)', fits,
    fits ? [] : [`dialog from ${fit.left} to ${fit.right} px in ${fit.width} px, ${fit.overflow} px overflow`]);
  await page.screenshot({ path: path.join(opts.screenshots, 'serve-error-320.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function checkCss(page) {
  await page.evaluate(() => { window.__fredaLiveMarker = 'kept'; });
  const theme = fs.readFileSync(path.join(repo, 'themes', 'default', 'static', 'style.css'), 'utf8');
  fs.writeFileSync(path.join(site, 'static', 'style.css'), `${theme}\n:root { --freda-live-check: 42px; }\n`);
  const applied = await until(page,
    () => getComputedStyle(document.documentElement).getPropertyValue('--freda-live-check').trim() === '42px');
  const after = await page.evaluate(() => ({
    marker: window.__fredaLiveMarker,
    navigations: performance.getEntriesByType('navigation').length,
    sheets: document.querySelectorAll('link[rel~="stylesheet"][href*="style.css"]').length,
  })).catch((e) => ({ error: e.message }));
  const ok = applied && after.marker === 'kept' && after.navigations === 1 && after.sheets === 1;
  record('serve-css', 'a stylesheet edit applies without a navigation', ok,
    ok ? [] : [applied ? `after: ${JSON.stringify(after)}` : 'the new rule did not apply']);
}

async function checkRestart(page, url) {
  await page.evaluate(() => { window.__fredaLiveMarker = 'before restart'; });
  const port = Number(new URL(url).port);
  await stopServer();
  appendParagraph('four');
  try {
    await startServer(port);
  } catch (err) {
    record('serve-restart', 'the page reloads when the server comes back', false, [err.message]);
    return;
  }
  const ok = await until(page, (token) => document.body.innerText.includes(token) && !window.__fredaLiveMarker,
    'Live reload check four.');
  record('serve-restart', 'the page reloads when the server comes back', ok, ok ? [] : ['no reload']);
}

async function main() {
  makeSite();
  const url = await startServer();
  console.log(`freda serve at ${url}`);
  browser = await chromium.launch({ executablePath: opts.chromium, args: LAUNCH_ARGS, timeout: 60_000 });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => {
    const what = req.failure() ? req.failure().errorText : 'failed';
    // A page that reloads cancels its own event stream: that is no failure.
    if (what !== 'net::ERR_ABORTED') errors.push(`request failed: ${req.url()}: ${what}`);
  });
  const resp = await page.goto(new URL(PAGE_PATH, url).href, { waitUntil: 'load' });
  record('serve-load', PAGE_PATH, resp && resp.status() === 200, [`status ${resp && resp.status()}`]);

  await checkEdit(page);
  await checkScroll(page);
  await checkError(page);
  await checkCss(page);
  const consoleBefore = errors.length;
  await checkRestart(page, url);
  // While the server is down, Chromium logs the failed event-stream reconnections: expected there only.
  const unexpected = [...errors.slice(0, consoleBefore),
    ...errors.slice(consoleBefore).filter((e) => !/__freda\/events|ERR_CONNECTION_REFUSED/.test(e))];
  record('serve-console', 'no console errors, uncaught errors or CSP violations', unexpected.length === 0, unexpected);

  await browser.close().catch(() => {});
  browser = null;
  await stopServer();
}

// Timed out or stopped from outside: report, and stop freda serve with us.
stopOnTimeoutOrSignal(opts.timeout, printReport, (code) => {
  cleanup();
  process.exit(code);
});

main().then(() => {
  const failed = printReport();
  cleanup();
  process.exit(failed ? 1 : 0);
}).catch((err) => {
  printReport(`harness error: ${err && err.stack ? err.stack : err}`);
  if (serverLog) console.log(`freda serve said:\n${serverLog.slice(-3000)}`);
  cleanup();
  process.exit(1);
});
