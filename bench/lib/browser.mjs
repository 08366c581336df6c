// One cold search in Chromium: a fresh browser context (empty cache), load a content page, focus the search
// box, type the query, wait for the first result (or the "no results" message), then for the network to go
// quiet. Requests and bytes come from the server's log (see server.mjs); times from the page's own clock.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const ENGINES = {
  freda: {
    input: '#site-search-input',
    isSearch: p => p === '/search.js' || p.startsWith('/search/'),
    first: `document.querySelector('.search-result') ||
      /^No results/.test((document.querySelector('.search-status') || {}).textContent || '')`,
    complete: 'true',
    count: `(() => { const s = (document.querySelector('.search-status') || {}).textContent || '';
      const m = s.match(/^([\\d,]+) results?/); return m ? +m[1].replace(/,/g, '') : (/^1 result/.test(s) ? 1 : 0); })()`,
    shown: `document.querySelectorAll('.search-result').length`,
    titles: `[...document.querySelectorAll('.search-result-title')].slice(0, 3).map(e => e.textContent)`,
    suggestion: `(() => { const e = document.querySelector('.search-suggest'); return e && !e.hidden ? e.textContent : ''; })()`,
  },
  pagefind: {
    input: '.pagefind-ui__search-input',
    isSearch: p => p.startsWith('/pagefind/') || p === '/search-init.js',
    first: `document.querySelector('.pagefind-ui__result-link') ||
      /^No results/.test((document.querySelector('.pagefind-ui__message') || {}).textContent || '')`,
    complete: `[...document.querySelectorAll('.pagefind-ui__result')].every(r => r.querySelector('.pagefind-ui__result-link'))`,
    count: `(() => { const s = (document.querySelector('.pagefind-ui__message') || {}).textContent || '';
      const m = s.match(/^([\\d,]+) results?/); return m ? +m[1].replace(/,/g, '') : 0; })()`,
    shown: `document.querySelectorAll('.pagefind-ui__result').length`,
    titles: `[...document.querySelectorAll('.pagefind-ui__result-link')].slice(0, 3).map(e => e.textContent)`,
    suggestion: `''`,
  },
};

export async function launch(executablePath) {
  return chromium.launch({ executablePath, args: LAUNCH_ARGS, timeout: 60_000 });
}

export async function coldSearch(browser, server, engineName, pagePath, query, { throttle = null, quietMs = 300 } = {}) {
  const eng = ENGINES[engineName];
  server.setThrottle(throttle);
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  try {
    const m0 = server.mark();
    await page.goto(server.url + pagePath, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForSelector(eng.input, { timeout: 30_000 });
    await server.idle(quietMs);
    const loadLog = server.since(m0);
    const m1 = server.mark();
    await page.evaluate(firstExpr => {
      const t = window.__bench = { key: null, first: null };
      document.addEventListener('keydown', () => { if (t.key === null) t.key = performance.now(); }, true);
      const test = new Function('return !!(' + firstExpr + ')');
      const obs = new MutationObserver(() => {
        if (t.key !== null && t.first === null && test()) { t.first = performance.now(); obs.disconnect(); }
      });
      obs.observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });
    }, eng.first);
    await page.focus(eng.input);
    await page.keyboard.type(query);
    await page.waitForFunction(() => window.__bench.first !== null, null, { timeout: 120_000, polling: 20 });
    await page.waitForFunction(eng.complete, null, { timeout: 120_000, polling: 50 });
    await server.idle(throttle ? Math.max(quietMs, 800) : quietMs, 120_000);
    const searchLog = server.since(m1);
    const t = await page.evaluate(() => window.__bench);
    const count = await page.evaluate(eng.count);
    const shown = await page.evaluate(eng.shown);
    const titles = await page.evaluate(eng.titles);
    const suggestion = await page.evaluate(eng.suggestion);
    const client = loadLog.filter(r => eng.isSearch(r.path)); // search code loaded with the page
    const after = searchLog.filter(r => eng.isSearch(r.path));
    const other = searchLog.filter(r => !eng.isSearch(r.path) && r.path !== '/favicon.ico');
    const sum = rs => rs.reduce((a, r) => a + r.bytes, 0);
    return {
      engine: engineName, query, throttled: !!throttle,
      ttfr: t.first - t.key,
      results: count, shown, titles, suggestion,
      clientBytes: sum(client), clientRequests: client.length,
      afterBytes: sum(after), afterRequests: after.length,
      bytes: sum(client) + sum(after), requests: client.length + after.length,
      files: [...client, ...after].map(r => `${r.path} ${r.bytes}`),
      other: other.map(r => r.path), errors,
      notFound: [...loadLog, ...searchLog].filter(r => r.status === 404 && r.path !== '/favicon.ico').map(r => r.path),
    };
  } finally {
    await context.close();
    server.setThrottle(null);
  }
}
