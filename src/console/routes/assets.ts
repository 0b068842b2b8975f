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
