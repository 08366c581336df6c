/* freda search client (ES2017, no dependencies): progressive enhancement of the search form.
 * Index format: src/search/mod.rs. Expected markup (no inline script or style):
 *   <form class="search" role="search" action="{{base}}search/" method="get"
 *         data-search-manifest="{{base}}search/en/manifest.json" data-search-base="{{base}}">
 *     <label for="search-input">Search</label>
 *     <input id="search-input" name="q" type="search">
 *     <button>Search</button>
 *   </form>
 *   <script src="{{base}}search.js" defer></script>
 * - data-search-base: prefix for page URLs ("/hr/" or "../../"); else <html data-search-base>, else
 *   derived from the manifest URL. data-search-manifest-<lang> (e.g. -cy) wins for <html lang="cy">.
 * - data-search-strings='{"results":"{n} results for “{q}”",…}' overrides the texts in T below.
 * - Search page: an empty <div data-search-results></div> gets the full results (10 a page), facet
 *   checkboxes and the URL kept in sync (?q=…&setting=…); the last form[data-search-manifest] on
 *   the page is enhanced. Elsewhere the first form gets a results panel (.search-panel) inside it.
 *   Elements with data-search-fallback (the A–Z list) are hidden while there are results.
 * - Classes to style: search-panel, search-region, search-status, search-suggest, search-facets,
 *   search-facets-title, search-facet, search-facet-option, search-count, search-listbox,
 *   search-result, search-result-title, search-result-meta, search-result-excerpt, is-active
 *   (keyboard-selected option), search-more, search-all; the panel uses the hidden attribute.
 * - Over file:// each .json is loaded from its .js twin with <script src>.
 * Queries: words are folded like the index (case, diacritics); stop words (from the manifest) are
 * dropped, also inside "quoted phrases", whose remaining words must all match (no positions are
 * indexed); the last word also matches as a prefix; all words must match, else any word. */
(() => {
  'use strict';
  const d = document, W = window, html = d.documentElement;
  const region = d.querySelector('[data-search-results]');
  const forms = d.querySelectorAll('form[data-search-manifest]');
  const form = region ? forms[forms.length - 1] : forms[0];
  const input = form && form.querySelector('input[name=q]');
  if (!input || !W.URLSearchParams || !''.normalize) return;
  const lang = (html.lang || '').toLowerCase().split('-')[0];
  const manifestUrl = new URL(form.getAttribute('data-search-manifest-' + lang) ||
    form.getAttribute('data-search-manifest'), location.href).href;
  const attrBase = form.getAttribute('data-search-base') || html.getAttribute('data-search-base');
  const base = attrBase != null ? attrBase : new URL('../../', manifestUrl).href;
  const T = {
    results: '{n} results for “{q}”', one: '1 result for “{q}”', none: 'No results for “{q}”',
    suggest: 'Did you mean', more: 'More results', all: 'See all results', label: 'Search results',
    any: 'No page has all these words. Showing pages with any of them.',
    error: 'Search is not available.', filters: 'Filter results'
  };
  try { Object.assign(T, JSON.parse(form.getAttribute('data-search-strings') || '{}')); } catch (e) { /* keep defaults */ }
  const FILE = location.protocol === 'file:';
  const ALPHA = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';

  /* ---- text: mirrors src/search/text.rs ---- */
  const SEP = '\\s\\u0000-\\u0026\\u0028-\\u002f\\u003a-\\u0040\\u005b-\\u0060\\u007b-\\u00bf\\u00d7\\u00f7' +
    '\\u2000-\\u2017\\u201a-\\u206f\\u20a0-\\u20cf\\u2190-\\u2bff\\u3000-\\u303f\\ufe30-\\ufe4f\\uff00-\\uff0f\\uff1a-\\uff20';
  const SPLIT = new RegExp('[' + SEP + ']+'), PIECES = new RegExp('([' + SEP + ']+)');
  const MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f'\u2018\u2019\u02bc]/g;
  const SPECIAL = { 'ß': 'ss', 'ẞ': 'ss', 'ø': 'o', 'æ': 'ae', 'œ': 'oe', 'ł': 'l', 'đ': 'd', 'ı': 'i', 'ς': 'σ' };
  const fold = s => s.normalize('NFD').replace(MARKS, '').toLowerCase().replace(/[ßẞøæœłđıς]/g, c => SPECIAL[c]);
  const words = s => fold(s).split(SPLIT).filter(w => w && !(w.length === 1 && /[a-z]/.test(w)));

  /* ---- loading: fetch, or <script> twins over file:// ---- */
  const cache = {};
  const viaScript = url => new Promise((ok, fail) => {
    const key = url.split('/').slice(-2).join('/').replace(/\.json$/, '');
    const s = d.createElement('script');
    s.src = url.replace(/\.json$/, '.js');
    s.onload = () => { const r = W.__fredaSearch || {}; s.remove(); key in r ? ok(r[key]) : fail(Error(key)); };
    s.onerror = () => { s.remove(); fail(Error(url)); };
    d.head.appendChild(s);
  });
  /* every file but the manifest is named by its content hash; the manifest is revalidated */
  const load = url => cache[url] || (cache[url] = (FILE ? viaScript(url)
    : fetch(url, url === manifestUrl ? { cache: 'no-cache' } : {}).then(r => { if (!r.ok) throw Error(r.status); return r.json(); }))
    .catch(e => { delete cache[url]; throw e; }));
  const rel = name => new URL(name, manifestUrl).href;

  let M = null;
  const cards = new Map();
  const manifest = () => load(manifestUrl).then(m => M || (M = prepManifest(m)));
  function prepManifest(m) {
    const keys = [], hashes = [];
    for (let i = 0; i < m.t.length; i += 2) { keys.push(m.t[i]); hashes.push(m.t[i + 1]); }
    return { n: m.n, k: m.k, L: m.L, keys, hashes, block: m.d[0], dhash: m.d[1], fhash: m.f, types: m.types, stop: new Set(m.stop.split(' ')), facets: null };
  }
  /* facets (search page only): f.HASH.json = {f: [[param, label, [slug, label, …]], …], s: signatures} */
  const facets = () => load(rel('f.' + M.fhash + '.json')).then(x => M.facets || prepFacets(x));
  function prepFacets(x) {
    let col = 0;
    M.s = x.s;
    M.fv = [];
    return (M.facets = x.f.map(([param, label, v]) => {
      const values = [];
      for (let i = 0; i < v.length; i += 2) values.push([v[i], v[i + 1]]);
      const f = { param, label, values, col, sel: new Set() };
      col += Math.max(1, Math.ceil(values.length / 6));
      return f;
    }));
  }
  /* value indices of document `doc` in facet `f` */
  function facetValues(doc, fi) {
    const row = M.fv[doc] || (M.fv[doc] = M.facets.map(f => {
      const out = [];
      for (let v = 0; v < f.values.length; v++) {
        const c = ALPHA.indexOf(M.s[(f.col + (v / 6 | 0)) * M.n + doc]);
        if (c >> (v % 6) & 1) out.push(v);
      }
      return out;
    }));
    return row[fi];
  }
  function addCard(c) {
    const h = new Map();
    // heads: "section, heading" (anchor = plain slug of the heading) or "-section, anchor, heading"
    for (let i = 0, x = c[4]; i < x.length;) {
      if (x[i] < 0) { h.set(-x[i], [x[i + 1], x[i + 2]]); i += 3; } else { h.set(x[i], [x[i + 1].toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''), x[i + 1]]); i += 2; }
    }
    const old = cards.get(c[0]);
    if (old) old.h.forEach((v, k) => h.set(k, v));
    cards.set(c[0], { t: c[1], u: c[2], s: c[3], h, y: c[5] });
  }
  function prepShard(data) {
    if (data.list) return data;
    data.map = new Map();
    data.list = [];
    data.w.forEach(e => {
      e[0].split(' ').forEach(w => { data.map.set(w, e); data.list.push(w); });
      let doc = 0;
      const p = new Map();
      e[1].forEach(v => { doc += Math.floor(v / M.L); p.set(doc, v % M.L + 1); });
      const top = new Map();
      for (let i = 0; i < e[2].length; i += 2) top.set(e[2][i], e[2][i + 1]);
      e.p = p;
      e.top = top;
      // A floor keeps field weights and term frequency in play for words on almost every page.
      e.idf = Math.max(0.1, Math.log(1 + (M.n - p.size + 0.5) / (p.size + 0.5)));
    });
    data.list.sort();
    data.c.forEach(addCard);
    return data;
  }
  function shardOf(w) {
    let lo = 0, hi = M.keys.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (M.keys[mid] <= w) lo = mid; else hi = mid - 1; }
    return lo;
  }
  const shard = i => load(rel('t' + i + '.' + M.hashes[i] + '.json')).then(prepShard);
  function shardsFor(t) {
    const first = shardOf(t.w), ids = [first];
    for (let j = first + 1; t.prefix && t.w.length > 2 && j < M.keys.length && j < first + 3 && M.keys[j].startsWith(t.w); j++) ids.push(j);
    return Promise.all(ids.map(shard));
  }

  /* ---- matching and ranking ---- */
  function match(t, shards) {
    const hits = new Map(), forms = new Set();
    const add = (w, weight) => { const e = shards.map(s => s.map.get(w)).find(Boolean); forms.add(w); if (weight === 1) e[0].split(' ').forEach(x => forms.add(x)); hits.set(e, Math.max(hits.get(e) || 0, weight)); };
    shards.forEach(s => {
      if (s.map.has(t.w)) add(t.w, 1);
      if (!t.prefix && hits.size) return;
      let i = lower(s.list, t.w);
      for (; i < s.list.length && s.list[i].startsWith(t.w); i++) if (s.list[i] !== t.w) add(s.list[i], 0.8);
    });
    if (!hits.size) shards.forEach(s => s.list.forEach(w => {
      if (w.length >= 4 && t.w.startsWith(w) && t.w.length - w.length <= 3) add(w, 0.9);
    }));
    // Words that only start with the query may not outrank the word itself: cap their idf at its idf.
    const exact = shards.map(s => s.map.get(t.w)).find(Boolean);
    return { hits, forms, prefix: t.prefix ? t.w : null, cap: exact ? exact.idf : Infinity };
  }
  function lower(list, w) {
    let lo = 0, hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid] < w) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function rank(matches, all) {
    const scores = new Map();
    matches.forEach((m, k) => {
      const best = new Map();
      m.hits.forEach((weight, e) => e.p.forEach((q, doc) => {
        const s = weight * (weight < 1 ? Math.min(e.idf, m.cap) : e.idf) * q, b = best.get(doc);
        if (!b || s > b.s) best.set(doc, { s, sec: e.top.get(doc) });
      }));
      best.forEach((b, doc) => {
        const r = scores.get(doc) || { doc, score: 0, n: 0, sec: undefined, top: -1 };
        r.score += b.s;
        r.n++;
        if (b.s > r.top && b.sec !== undefined) { r.top = b.s; r.sec = b.sec; }
        if (k === 0 || scores.has(doc) || all) scores.set(doc, r);
      });
    });
    const need = all ? 1 : matches.length;
    return [...scores.values()].filter(r => r.n >= need).sort((a, b) => b.score - a.score || a.doc - b.doc);
  }
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    let prev2 = [], prev = [], row = [];
    for (let j = 0; j <= b.length; j++) prev[j] = j;
    for (let i = 1; i <= a.length; i++) {
      row = [i];
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], prev2[j - 2] + 1);
      }
      prev2 = prev;
      prev = row;
    }
    return prev[b.length];
  }
  function suggest(w, shards) {
    const max = w.length < 5 ? 1 : 2;
    let best = null;
    shards.forEach(s => s.list.forEach(c => {
      const dist = distance(w, c, max), df = s.map.get(c).p.size;
      if (dist <= max && (!best || dist < best.d || dist === best.d && df > best.df)) best = { w: c, d: dist, df };
    }));
    return best && best.w;
  }

  /* ---- query state ---- */
  /* results per page: 10 on the search page, the cards per term (manifest k) in the panel */
  const PAGE = () => region ? 10 : M.k;
  const state = { q: '', results: [], shown: 0, forms: new Set(), prefixes: [], anyWords: false, suggestion: null };
  let seq = 0;
  async function search(q) {
    const id = ++seq;
    const all = words(q);
    const open = /[^\s"]$/.test(q);
    await manifest();
    const terms = all.filter(w => !M.stop.has(w)).map((w, i, a) => ({ w, prefix: open && i === a.length - 1 }));
    const loaded = await Promise.all(terms.map(shardsFor).concat(region ? [facets()] : []));
    if (id !== seq) return;
    const matches = terms.map((t, i) => match(t, loaded[i]));
    const found = matches.filter(m => m.hits.size);
    let results = found.length === matches.length ? rank(found, false) : [];
    state.anyWords = false;
    if (!results.length && found.length && matches.length > 1) { results = rank(found, true); state.anyWords = true; }
    state.suggestion = null;
    if (found.length < matches.length || !results.length) {
      const fixed = terms.map((t, i) => matches[i].hits.size ? t.w : suggest(t.w, loaded[i]) || t.w);
      if (fixed.join(' ') !== terms.map(t => t.w).join(' ')) state.suggestion = fixed.join(' ');
    }
    Object.assign(state, { q, results, shown: PAGE(), forms: new Set(), prefixes: [] });
    matches.forEach(m => { m.forms.forEach(f => state.forms.add(f)); if (m.prefix) state.prefixes.push(m.prefix); });
    await render(id);
  }

  /* ---- facets ---- */
  const passes = (doc, skip) => !M.facets || M.facets.every((f, fi) => fi === skip || !f.sel.size || facetValues(doc, fi).some(v => f.sel.has(v)));
  const filtered = () => state.results.filter(r => passes(r.doc, -1));

  /* ---- DOM ---- */
  const el = (tag, cls, text) => { const e = d.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };
  const fmt = (s, n) => s.replace('{n}', n).replace('{q}', state.q.trim());
  const hit = w => state.forms.has(w) || state.prefixes.some(p => w.startsWith(p));
  function marked(tag, cls, text) {
    const e = el(tag, cls);
    text.split(PIECES).forEach((p, i) => e.appendChild(i % 2 === 0 && p && hit(fold(p)) ? el('mark', '', p) : d.createTextNode(p)));
    return e;
  }
  const panel = el('div', region ? 'search-region' : 'search-panel');
  const status = el('p', 'search-status');
  status.setAttribute('role', 'status');
  const suggestion = el('p', 'search-suggest');
  const facetBox = el('div', 'search-facets');
  const list = el('div', 'search-listbox');
  list.id = (input.id || 'search') + '-listbox';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', T.label);
  const more = el('button', 'search-more', T.more);
  more.type = 'button';
  const allLink = el('a', 'search-all', T.all);
  [status, suggestion, facetBox, list, more, allLink].forEach(e => panel.appendChild(e));
  if (region) { region.appendChild(panel); allLink.remove(); } else { panel.hidden = true; form.appendChild(panel); facetBox.remove(); more.remove(); }
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('autocomplete', 'off');
  let active = -1;
  list.hidden = more.hidden = suggestion.hidden = true;

  async function render(id) {
    const res = filtered(), page = res.slice(0, state.shown);
    const missing = [...new Set(page.filter(r => !cards.has(r.doc)).map(r => r.doc / M.block | 0))];
    await Promise.all(missing.map(b => load(rel('d' + b + '.' + M.dhash + '.json')).then(x => x.c.forEach(addCard))));
    if (id !== seq) return;
    list.textContent = '';
    active = -1;
    input.removeAttribute('aria-activedescendant');
    page.forEach((r, i) => list.appendChild(option(r, i)));
    status.textContent = state.q.trim() ? fmt(res.length === 1 ? T.one : res.length ? T.results : T.none, res.length) : '';
    if (state.anyWords) status.textContent += ' ' + T.any;
    renderSuggestion();
    if (region) renderFacets(); else allLink.href = form.action + '?q=' + encodeURIComponent(state.q);
    more.hidden = res.length <= state.shown;
    list.hidden = !page.length;
    setOpen(!!state.q.trim());
    d.querySelectorAll('[data-search-fallback]').forEach(e => { e.hidden = !!state.q.trim(); });
    if (region) syncUrl();
  }
  function option(r, i) {
    const c = cards.get(r.doc) || { t: '', u: '', s: '', h: new Map() };
    let h = r.sec ? c.h.get(r.sec) : null;
    if (r.sec === undefined) c.h.forEach(v => { if (!h && words(v[1]).some(hit)) h = v; });
    const a = el('a', 'search-result');
    // From disk a folder URL opens a file listing, so name its index.html (as --relative links do).
    const page = FILE && (c.u === '' || c.u.endsWith('/')) ? c.u + 'index.html' : c.u;
    a.href = base + page + (h ? '#' + h[0] : '');
    a.id = list.id + '-' + i;
    a.tabIndex = -1;
    a.setAttribute('role', 'option');
    a.setAttribute('aria-selected', 'false');
    a.appendChild(marked('span', 'search-result-title', c.t));
    a.appendChild(marked('span', 'search-result-meta', [M.types[c.y], h && h[1]].filter(Boolean).join(' › ')));
    if (c.s) a.appendChild(marked('span', 'search-result-excerpt', c.s));
    return a;
  }
  function renderSuggestion() {
    suggestion.textContent = '';
    suggestion.hidden = !state.suggestion;
    if (!state.suggestion) return;
    const a = el('a', '', state.suggestion);
    a.href = form.action + '?q=' + encodeURIComponent(state.suggestion);
    // stopPropagation: the re-render detaches this link, and the document handler would then close the panel.
    a.addEventListener('click', e => { e.preventDefault(); e.stopPropagation(); input.value = state.suggestion; run(); input.focus(); });
    suggestion.append(T.suggest + ' ', a, '?');
  }
  function renderFacets() {
    facetBox.textContent = '';
    if (!state.results.length || !M.facets) return;
    const counts = M.facets.map(f => f.values.map(() => 0));
    state.results.forEach(r => M.facets.forEach((f, fi) => {
      if (passes(r.doc, fi)) facetValues(r.doc, fi).forEach(v => counts[fi][v]++);
    }));
    const h = el('h2', 'search-facets-title', T.filters);
    facetBox.appendChild(h);
    M.facets.forEach((f, fi) => {
      const set = el('fieldset', 'search-facet');
      set.appendChild(el('legend', '', f.label));
      f.values.forEach(([slug, label], v) => {
        if (!counts[fi][v] && !f.sel.has(v)) return;
        const l = el('label', 'search-facet-option'), box = el('input');
        box.type = 'checkbox';
        box.name = f.param;
        box.value = slug;
        box.checked = f.sel.has(v);
        box.addEventListener('change', () => { box.checked ? f.sel.add(v) : f.sel.delete(v); state.shown = PAGE(); render(++seq); });
        l.append(box, ' ' + label + ' ', el('span', 'search-count', '(' + counts[fi][v] + ')'));
        set.appendChild(l);
      });
      if (set.children.length > 1) facetBox.appendChild(set);
    });
  }
  function syncUrl() {
    const p = new URLSearchParams();
    if (state.q.trim()) p.set('q', state.q.trim());
    (M.facets || []).forEach(f => f.sel.forEach(v => p.append(f.param, f.values[v][0])));
    const s = p.toString();
    try { history.replaceState(history.state, '', location.pathname + (s ? '?' + s : '') + location.hash); } catch (e) { /* file:// */ }
  }
  function setOpen(open) {
    if (!region) panel.hidden = !open;
    input.setAttribute('aria-expanded', String(open && !list.hidden));
  }
  function activate(i) {
    const opts = list.children;
    if (!opts.length) return;
    if (active >= 0 && opts[active]) { opts[active].classList.remove('is-active'); opts[active].setAttribute('aria-selected', 'false'); }
    active = (i + opts.length) % opts.length;
    const o = opts[active];
    o.classList.add('is-active');
    o.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', o.id);
    if (o.scrollIntoView) o.scrollIntoView({ block: 'nearest' });
  }

  /* ---- events ---- */
  let timer = 0;
  function run() {
    clearTimeout(timer);
    const q = input.value;
    const done = () => { status.textContent = T.error; };
    if (words(q).length) return search(q).catch(done);
    Object.assign(state, { q: '', results: [], suggestion: null });
    return M ? render(++seq).catch(done) : null;
  }
  input.addEventListener('focus', () => { manifest().then(() => region && facets()).catch(() => {}); });
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 150); });
  input.addEventListener('keydown', e => {
    const open = input.getAttribute('aria-expanded') === 'true';
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!open && state.results.length) setOpen(true);
      activate(active < 0 && e.key === 'ArrowUp' ? -1 : active + (e.key === 'ArrowDown' ? 1 : -1));
      e.preventDefault();
    } else if (e.key === 'Enter' && active >= 0 && list.children[active]) {
      e.preventDefault();
      location.href = list.children[active].href;
    } else if (e.key === 'Escape') {
      if (open && !region) { setOpen(false); if (active >= 0) list.children[active].classList.remove('is-active'); active = -1; input.removeAttribute('aria-activedescendant'); }
      else { input.value = ''; run(); }
      e.preventDefault();
    }
  });
  form.addEventListener('submit', e => { if (region) { e.preventDefault(); run(); } });
  more.addEventListener('click', () => { if (!M) return; state.shown += PAGE(); render(++seq); });
  d.addEventListener('click', e => { if (!region && !form.contains(e.target)) setOpen(false); });
  if (region) {
    const p = new URLSearchParams(location.search);
    if (p.get('q')) {
      input.value = p.get('q');
      manifest().then(facets).then(() => {
        M.facets.forEach(f => p.getAll(f.param).forEach(slug => {
          const v = f.values.findIndex(x => x[0] === slug);
          if (v >= 0) f.sel.add(v);
        }));
        run();
      }).catch(() => { status.textContent = T.error; });
    }
  }
})();
