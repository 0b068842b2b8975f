// The console's own assets, served by itself: nothing comes from a CDN, so it works offline and
// the CSP can stay at `default-src 'self'`.
import { CONSOLE_CSS } from '../assets/console-css.js';
import type { ConsoleRoute } from '../console-context.js';

export const stylesheet: ConsoleRoute = {
  method: 'GET',
  path: '/assets/console.css',
  access: 'public',
  handle(c) {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(CONSOLE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  },
};

/** A small icon, so browsers asking for one get it rather than a 404. */
const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1a7f37"/><path d="M4 8.5l2.5 2.5L12 5" stroke="#fff" stroke-width="2" fill="none"/></svg>';

export const icon: ConsoleRoute = {
  method: 'GET',
  path: '/assets/icon.svg',
  access: 'public',
  handle(c) {
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(ICON, 200, { 'Content-Type': 'image/svg+xml' });
  },
};
