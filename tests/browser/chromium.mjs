// Settings both browser scripts (run.mjs, serve.mjs) share.

/** Debian's Chromium, headless, with the flags that stop it reaching the network (where it would hang). */
export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** axe-core: WCAG 2.2 A/AA plus best practice, violations only. */
export const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  resultTypes: ['violations'],
};
