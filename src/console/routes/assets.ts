// The console's own assets, served by itself: nothing comes from a CDN, so it works offline and
// the CSP can stay at `default-src 'self'`. uPlot is served from its npm package.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ACTION_STREAM_JS } from '../assets/action-stream.js';
import { CHART_JS } from '../assets/chart.js';
import { CONSOLE_CSS } from '../assets/console-css.js';
import type { ConsoleRoute } from '../console-context.js';

/** A small icon, so browsers asking for one get it rather than a 404. */
const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1a7f37"/><path d="M4 8.5l2.5 2.5L12 5" stroke="#fff" stroke-width="2" fill="none"/></svg>';

const require = createRequire(import.meta.url);
const uplotFile = (name: string) => readFileSync(require.resolve(`uplot/dist/${name}`), 'utf8');

/** A public file of the console's own, cached by browsers for an hour. */
function asset(path: string, body: string, type: string): ConsoleRoute {
  return {
    method: 'GET',
    path,
    access: 'public',
    handle(c) {
      c.header('Cache-Control', 'public, max-age=3600');
      return c.body(body, 200, { 'Content-Type': type });
    },
  };
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

export const ASSETS: readonly ConsoleRoute[] = [
  asset('/assets/console.css', CONSOLE_CSS, CSS),
  asset('/assets/icon.svg', ICON, 'image/svg+xml'),
  asset('/assets/uplot.js', uplotFile('uPlot.iife.min.js'), JS),
  asset('/assets/uplot.css', uplotFile('uPlot.min.css'), CSS),
  asset('/assets/chart.js', CHART_JS, JS),
  asset('/assets/action-stream.js', ACTION_STREAM_JS, JS),
];
