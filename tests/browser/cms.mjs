// The generated web CMS: a build of tests/sites/cms (`[cms] enabled = true`, Decap's test-repo backend, which
// saves nothing) served from its folder by a small static server in this script, under /hr/.
//   node tests/browser/cms.mjs --dir BUILD [--screenshots DIR] [--guide DIR] [--chromium PATH] [--timeout SECONDS]
// Checks, in headless Chromium with every request to another host aborted and counted:
//   cms-load     /hr/admin/ loads the vendored decap-cms.js and shows its login (so config.yml was valid);
//   cms-form     after "Login", the case-study collection opens a new-entry form with the schema's fields: the
//                organisation (required), a select of the Rights vocabulary's labels, the Markdown body;
//   cms-policy   the admin page's own Content-Security-Policy is the one freda wrote, and the public home page's
//                policy still has no 'unsafe-eval';
//   cms-console  no console error, uncaught error or request to another host;
//   cms-shots    a screenshot of each collection's new-entry form (new-<type>.png, with its field labels in
//                new-<type>.txt) into --screenshots DIR, and, with --guide DIR (the editor's guide images,
//                static/images/editors-guide/), each screenshot is there and was taken of a form with the same fields
//                (a form that gained or lost fields needs a new one: tools/editor-screenshots makes them).
// Ends with "N passed, N failed" (summed by run.sh).

import { chromium } from 'playwright-core';
import { LAUNCH_ARGS } from './chromium.mjs';
import { readOptions } from './options.mjs';
import { createReport, stopOnTimeoutOrSignal } from './report.mjs';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const started = Date.now();
const WAIT = 20_000;
const BASE = '/hr/';
const opts = readOptions(process.argv.slice(2),
  { '--dir': 'dir', '--screenshots': 'screenshots', '--guide': 'guide', '--chromium': 'chromium', '--timeout': 'timeout' },
  { dir: null, screenshots: null, guide: null, chromium: '/usr/bin/chromium', timeout: 120 }, (m) => {
    console.error(`cms.mjs: ${m}\nusage: node cms.mjs --dir BUILD [--chromium PATH] [--timeout SECONDS]`);
    process.exit(2);
  });
const { record, print: printReport } = createReport('cms', started);
const seen = { console: [], errors: [], away: [] };
let browser = null;
let server = null;

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.yml': 'text/yaml',
  '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.json': 'application/json', '.xml': 'application/xml' };

/** Serves opts.dir under /hr/ on a free loopback port; resolves to the base URL. */
function serve() {
  const root = path.resolve(opts.dir);
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let rel = decodeURIComponent(url.pathname).slice(BASE.length);
    if (!url.pathname.startsWith(BASE) || rel.split('/').includes('..')) { res.writeHead(404); res.end(); return; }
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, rel);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}${BASE}`)));
}

async function main() {
  const base = await serve();
  browser = await chromium.launch({ executablePath: opts.chromium, args: LAUNCH_ARGS });
  const context = await browser.newContext();
  const origin = new URL(base).origin;
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(origin) || /^(?:data|blob):/.test(u)) return route.continue();
    seen.away.push(u);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('console', (m) => { if (m.type() === 'error') seen.console.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => seen.errors.push(`uncaught: ${String(e && e.message ? e.message : e).split('\n')[0]}`));

  const admin = `${base}admin/`;
  let d = [];
  try {
    await page.goto(admin, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Login' }).waitFor();
  } catch (err) {
    d.push(err.message.split('\n')[0], (await page.evaluate(() => document.body.innerText).catch(() => '')).slice(0, 400));
  }
  record('cms-load', `${admin}: decap-cms.js loads and shows its login (config.yml accepted)`, d.length === 0, d);

  d = [];
  try {
    await page.getByRole('button', { name: 'Login' }).click();
    await page.goto(`${admin}#/collections/case-study/new`, { waitUntil: 'load' });
    const body = page.locator('body');
    for (const label of ['Title', 'Summary', 'Organisation', 'Rights', 'Text']) {
      // Decap adds " (optional)" to the labels of fields that are not required.
      await body.getByText(new RegExp(`^${label}(?: \\(optional\\))?$`)).first().waitFor()
        .catch(() => d.push(`no field labelled "${label}"`));
    }
    // The Rights select (react-select): open it and look for a term's label among its options.
    const rightsLabel = body.getByText(/^Rights(?: \(optional\))?$/).first();
    const forId = await rightsLabel.getAttribute('for').catch(() => null);
    const input = forId ? page.locator(`[id="${forId}"]`) : page.locator('input[id*="rights"]').first();
    await input.click({ force: true }).catch(() => {});
    await page.keyboard.press('ArrowDown').catch(() => {});
    const option = await body.getByText('Article 8: Right to respect for private and family life').first()
      .waitFor({ timeout: 5000 }).then(() => true).catch(() => false);
    if (!option) d.push('the Rights select does not offer "Article 8: Right to respect for private and family life"');
  } catch (err) {
    d.push(err.message.split('\n')[0]);
  }
  record('cms-form', 'a new case study shows the schema\'s fields, with the Rights vocabulary\'s labels', d.length === 0, d);

  d = [];
  const policy = (html) => (/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html) || [])[1] || '';
  const adminPolicy = policy(fs.readFileSync(path.join(opts.dir, 'admin', 'index.html'), 'utf8'));
  const homePolicy = policy(fs.readFileSync(path.join(opts.dir, 'index.html'), 'utf8'));
  if (!adminPolicy.includes("'unsafe-eval'")) d.push(`admin policy: ${adminPolicy}`);
  if (!homePolicy || /unsafe-(?:eval|inline)/.test(homePolicy)) d.push(`home policy: ${homePolicy}`);
  record('cms-policy', 'the admin page has its own policy; the public pages keep theirs', d.length === 0, d);

  if (opts.screenshots) await screenshots(page, admin);
  const errors = [...seen.console, ...seen.errors, ...seen.away.map((u) => `request to another host: ${u}`)];
  record('cms-console', 'no console error, uncaught error or request to another host', errors.length === 0, [...new Set(errors)]);
}

/** A screenshot of every collection's new-entry form; compared with the editor's guide's copies. */
async function screenshots(page, admin) {
  fs.mkdirSync(opts.screenshots, { recursive: true });
  const config = JSON.parse(fs.readFileSync(path.join(opts.dir, 'admin', 'config.yml'), 'utf8')
    .split('\n').filter((l) => !l.startsWith('#')).join('\n'));
  await page.setViewportSize({ width: 1000, height: 900 });
  for (const c of config.collections) {
    const name = `new-${c.name}.png`;
    const file = path.join(opts.screenshots, name);
    const d = [];
    try {
      await page.goto(`${admin}#/collections/${c.name}/new`, { waitUntil: 'load' });
      await page.getByText(/^Title$/).first().waitFor();
      await page.waitForTimeout(300);
      // Decap scrolls its editor pane; show the form from its first field.
      await page.evaluate(() => document.querySelectorAll('*').forEach((e) => { if (e.scrollTop) e.scrollTop = 0; }));
      await page.screenshot({ path: file });
      // The fields shown, in order: the guide's copy must list the same (else the form changed since).
      const labels = c.fields.filter((f) => f.widget !== 'hidden').map((f) => f.label).join('\n') + '\n';
      fs.writeFileSync(file.replace(/\.png$/, '.txt'), labels);
      if (opts.guide) {
        const committed = path.join(opts.guide, name.replace(/\.png$/, '.txt'));
        if (!fs.existsSync(path.join(opts.guide, name)) || !fs.existsSync(committed)) d.push(`no ${name} in ${opts.guide}: run tools/editor-screenshots`);
        else if (fs.readFileSync(committed, 'utf8') !== labels) {
          d.push(`the form's fields changed since the guide's screenshot: run tools/editor-screenshots\n  now: ${labels.trim().split('\n').join(', ')}`);
        }
      }
    } catch (err) {
      d.push(err.message.split('\n')[0]);
    }
    record('cms-shots', `${name}: the new ${c.label_singular || c.name} form${opts.guide ? ', as in the editor\'s guide' : ''}`, d.length === 0, d);
  }
}

async function stop(code) {
  if (browser) await browser.close().catch(() => {});
  if (server) server.close();
  process.exit(code);
}

if (!opts.dir) {
  console.error('cms.mjs: --dir is required');
  process.exit(2);
}
stopOnTimeoutOrSignal(Number(opts.timeout), printReport, (code) => { stop(code); });
main().then(() => stop(printReport() ? 1 : 0)).catch((err) => {
  printReport(`harness error: ${err && err.stack ? err.stack : err}`);
  stop(1);
});
