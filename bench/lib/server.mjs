// A tiny static HTTP server for the search benchmark, the same for freda and Pagefind.
// - Text types (html, css, js, json, svg, xml, txt) are sent gzip-compressed (level 9, like precompressed
//   .gz files) with Content-Encoding: gzip; everything else (Pagefind's .pf_* and wasm files, which Pagefind
//   already gzips at build time) is sent as it is on disk.
// - Every request is logged with the body bytes sent, so byte and request counts are measured at the
//   server: this also covers requests made from Web Workers (Pagefind searches in one), which page-level
//   browser instrumentation can miss.
// - Optional throttling applies to every response alike: a fixed latency before the first byte and one
//   shared downlink of a given bit rate (round-robin between the responses in flight).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8', '.wasm': 'application/wasm',
};
const TEXT = new Set(['.html', '.css', '.js', '.mjs', '.json', '.svg', '.xml', '.txt']);

export function servedSize(file, raw) {
  return TEXT.has(path.extname(file)) ? zlib.gzipSync(raw, { level: 9 }).length : raw.length;
}

export async function serve(root) {
  const cache = new Map();
  const log = [];
  let inflight = 0;
  let lastActivity = Date.now();
  let throttle = null; // { latencyMs, bytesPerSec }
  const queue = []; // responses being shaped: { res, buf, off, done }
  let ticker = null;

  function body(file, gzip) {
    const key = file + (gzip ? '.gz' : '');
    if (!cache.has(key)) {
      const raw = fs.readFileSync(file);
      cache.set(key, gzip ? zlib.gzipSync(raw, { level: 9 }) : raw);
    }
    return cache.get(key);
  }

  let lastTick = 0;
  function shape() {
    if (!queue.length) { clearInterval(ticker); ticker = null; return; }
    // the budget is the bit rate times the time since the last tick (timers can run late), shared
    // round-robin in 1460-byte segments
    const now = performance.now();
    let budget = Math.max(1, Math.round(throttle.bytesPerSec * Math.min(now - lastTick, 50) / 1000));
    lastTick = now;
    while (budget > 0 && queue.length) {
      const item = queue.shift();
      const n = Math.min(1460, budget, item.buf.length - item.off);
      item.res.write(item.buf.subarray(item.off, item.off + n));
      item.off += n;
      budget -= n;
      if (item.off >= item.buf.length) { item.res.end(); item.done(); } else queue.push(item);
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    const entry = { path: url.pathname, bytes: 0, status: 200, start: Date.now(), end: 0 };
    log.push(entry);
    inflight++;
    lastActivity = Date.now();
    const finish = () => { inflight--; entry.end = lastActivity = Date.now(); };
    let buf, headers;
    try {
      if (!file.startsWith(root) || !fs.statSync(file).isFile()) throw new Error('not found');
      const ext = path.extname(file);
      const gzip = TEXT.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] || '');
      buf = body(file, gzip);
      headers = { 'Content-Type': TYPES[ext] || 'application/octet-stream', 'Content-Length': buf.length,
        'Cache-Control': 'no-cache' };
      if (gzip) headers['Content-Encoding'] = 'gzip';
    } catch {
      entry.status = 404;
      buf = Buffer.from('not found');
      headers = { 'Content-Type': 'text/plain', 'Content-Length': buf.length };
    }
    entry.bytes = req.method === 'HEAD' ? 0 : buf.length;
    const send = () => {
      res.writeHead(entry.status, headers);
      if (req.method === 'HEAD') { res.end(); finish(); return; }
      if (!throttle) { res.end(buf); finish(); return; }
      queue.push({ res, buf, off: 0, done: finish });
      if (!ticker) { lastTick = performance.now(); ticker = setInterval(shape, 5); }
    };
    if (throttle) setTimeout(send, throttle.latencyMs); else send();
  });
  server.keepAliveTimeout = 5000;
  await new Promise(ok => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    mark: () => log.length,
    since: i => log.slice(i),
    setThrottle: t => { throttle = t; },
    // resolves when no request has been in flight for `quietMs`
    idle: (quietMs = 300, timeoutMs = 30000) => new Promise((ok, fail) => {
      const t0 = Date.now();
      const check = () => {
        if (inflight === 0 && Date.now() - lastActivity >= quietMs) return ok();
        if (Date.now() - t0 > timeoutMs) return fail(new Error('server never went idle'));
        setTimeout(check, 25);
      };
      check();
    }),
    close: () => new Promise(ok => { server.closeAllConnections?.(); server.close(ok); }),
  };
}
