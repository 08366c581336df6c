// freda serve: live reload. `freda serve` adds this script to every HTML page it serves (never to a build), as
// <script src="<base>__freda/live.js" data-freda-build="ID" defer>. It listens to <base>__freda/events:
//   hello  the build the server has (sent on every connection); a page from another build reloads, which also
//          covers a restarted server and a rebuild that happened while this page was loading;
//   reload reload the page, keeping the scroll position;
//   css    only stylesheets changed: load each <link rel=stylesheet> again with a new query, no reload;
//   error  the rebuild failed: show the text (file:line:col, the line and a caret) in a modal dialog.
// Styles come from <base>__freda/live.css, by class only: the pages' CSP allows no inline style or script.
(() => {
  'use strict';

  const script = document.currentScript;
  if (!script || typeof EventSource !== 'function') return;
  const here = new URL('./', script.src);
  const SCROLL_KEY = 'freda-live-scroll';
  const RETRY_MS = 2000;
  let build = script.dataset.fredaBuild || '';
  let dialog = null;
  let returnFocus = null;

  restoreScroll();
  loadStyles();
  connect();

  function connect() {
    const source = new EventSource(new URL('events', here).href);
    source.addEventListener('hello', (e) => {
      if (e.data !== build) reload();
    });
    source.addEventListener('reload', () => reload());
    source.addEventListener('css', (e) => {
      build = e.data;
      hideError();
      swapStylesheets();
    });
    source.addEventListener('error', (e) => {
      if (e instanceof MessageEvent) {
        showError(e.data);
      } else if (source.readyState === EventSource.CLOSED) {
        // The server answered, but not with an event stream: try again later. (While it is down,
        // EventSource keeps retrying by itself.)
        source.close();
        setTimeout(connect, RETRY_MS);
      }
    });
  }

  function pageKey() {
    return location.pathname + location.search;
  }

  function reload() {
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ page: pageKey(), x: scrollX, y: scrollY }));
      history.scrollRestoration = 'manual';
    } catch {
      // No session storage (e.g. blocked): reload without keeping the position.
    }
    location.reload();
  }

  function restoreScroll() {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || 'null');
      sessionStorage.removeItem(SCROLL_KEY);
    } catch {
      return;
    }
    if (!saved || saved.page !== pageKey()) return;
    const go = () => scrollTo(saved.x, saved.y);
    const done = () => {
      go();
      history.scrollRestoration = 'auto';
    };
    go();
    // Images and fonts can still change the height: scroll again once everything has loaded.
    if (document.readyState === 'complete') done();
    else addEventListener('load', done, { once: true });
  }

  function loadStyles() {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('live.css', here).href;
    document.head.appendChild(link);
  }

  function swapStylesheets() {
    const stamp = String(Date.now());
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      url.searchParams.set('freda-live', stamp);
      const fresh = link.cloneNode(false);
      fresh.href = url.href;
      // The old sheet stays until the new one has loaded, so the page never shows unstyled.
      const drop = () => link.remove();
      fresh.addEventListener('load', drop, { once: true });
      fresh.addEventListener('error', drop, { once: true });
      link.after(fresh);
    }
  }

  function showError(text) {
    if (!dialog) dialog = makeDialog();
    dialog.querySelector('pre').textContent = text;
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
    dialog.querySelector('button').focus();
  }

  function hideError() {
    if (dialog && dialog.open) dialog.close();
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    el.className = className;
    el.textContent = text;
    return el;
  }

  function makeDialog() {
    const d = element('dialog', 'freda-live-error', '');
    d.setAttribute('role', 'alertdialog');
    d.setAttribute('aria-labelledby', 'freda-live-error-title');
    d.setAttribute('aria-describedby', 'freda-live-error-intro');
    const title = element('h2', 'freda-live-error-title', 'The site could not be rebuilt');
    title.id = 'freda-live-error-title';
    const intro = element('p', 'freda-live-error-intro',
      'This page shows the last version that built. Fix the problem below and save the file: '
      + 'the page updates by itself.');
    intro.id = 'freda-live-error-intro';
    const details = element('pre', 'freda-live-error-text', '');
    details.tabIndex = 0; // it scrolls, so keyboard users must be able to reach it
    const close = element('button', 'freda-live-error-close', 'Close');
    close.type = 'button';
    close.addEventListener('click', hideError);
    d.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        hideError();
      }
    });
    d.addEventListener('close', () => {
      if (returnFocus && document.contains(returnFocus) && typeof returnFocus.focus === 'function') {
        returnFocus.focus();
      }
      returnFocus = null;
    });
    d.append(title, intro, details, close);
    document.body.appendChild(d);
    return d;
  }
})();
