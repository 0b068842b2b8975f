// The console's stylesheet, as a module so `tsc` puts it in dist/ (it would not copy a .css file).
export const CONSOLE_CSS = `/* launchdb console: plain, readable, no framework. */
:root {
  color-scheme: light dark;
  --ok: #1a7f37;
  --bad: #cf222e;
  --warn: #9a6700;
  --line: #8884;
}
* {
  box-sizing: border-box;
}
body {
  margin: 0;
  font:
    15px / 1.5 system-ui,
    sans-serif;
}
header {
  display: flex;
  justify-content: space-between;
  align-items: center;
  padding: 0.6rem 1.2rem;
  border-bottom: 1px solid var(--line);
}
header .brand {
  font-weight: 600;
  text-decoration: none;
  color: inherit;
}
header .brand span {
  font-weight: 400;
  opacity: 0.7;
  margin-left: 0.4rem;
}
header .who {
  display: flex;
  gap: 0.6rem;
  align-items: center;
}
main {
  padding: 1rem 1.2rem;
  max-width: 72rem;
}
h1 {
  font-size: 1.4rem;
}
h2 {
  font-size: 1.1rem;
  display: flex;
  gap: 0.6rem;
  align-items: center;
}
.environment {
  border: 1px solid var(--line);
  border-radius: 6px;
  padding: 0.4rem 1rem 1rem;
  margin-bottom: 1rem;
}
.meta {
  opacity: 0.75;
  margin-top: 0;
}
.verdict {
  margin-left: auto;
  padding: 0.1rem 0.6rem;
  border-radius: 1rem;
  font-size: 0.9rem;
  border: 1px solid currentColor;
}
.verdict.ready,
.ok {
  color: var(--ok);
}
.verdict.not-ready,
.error {
  color: var(--bad);
}
.badge {
  font-size: 0.75rem;
  padding: 0 0.4rem;
  border-radius: 0.3rem;
  border: 1px solid var(--line);
}
table {
  border-collapse: collapse;
  width: 100%;
}
th,
td {
  text-align: left;
  vertical-align: top;
  padding: 0.3rem 0.5rem;
  border-top: 1px solid var(--line);
}
td p {
  margin: 0 0 0.3rem;
}
.status-fail td:first-child,
.status-error td:first-child {
  color: var(--bad);
  font-weight: 600;
}
.status-warn td:first-child {
  color: var(--warn);
  font-weight: 600;
}
code.command {
  display: inline-block;
  padding: 0.1rem 0.3rem;
  background: #8882;
  border-radius: 3px;
}
form.stacked {
  display: grid;
  gap: 0.7rem;
  max-width: 22rem;
}
form.stacked label {
  display: grid;
  gap: 0.2rem;
}
input,
button {
  font: inherit;
  padding: 0.35rem 0.5rem;
}
nav.tabs {
  display: flex;
  flex-wrap: wrap;
  gap: 0.2rem;
  border-bottom: 1px solid var(--line);
  margin-bottom: 1rem;
}
nav.tabs a {
  padding: 0.35rem 0.8rem;
  text-decoration: none;
  border: 1px solid transparent;
  border-bottom: none;
  border-radius: 6px 6px 0 0;
}
nav.tabs a.current {
  border-color: var(--line);
  font-weight: 600;
}
.problem {
  color: var(--bad);
}
.recorded-check {
  border-left: 3px solid var(--line);
  padding-left: 0.8rem;
}
.recorded-check.status-fail,
.recorded-check.status-error {
  border-left-color: var(--bad);
}
.recorded-check.status-warn {
  border-left-color: var(--warn);
}
.recorded-check.status-pass {
  border-left-color: var(--ok);
}
.recorded-check .status {
  font-weight: 600;
}
.state-pending td:first-child {
  color: var(--warn);
  font-weight: 600;
}
.state-out-of-order td:first-child,
.state-changed td:first-child,
.state-missing td:first-child {
  color: var(--bad);
  font-weight: 600;
}
form.filters {
  display: flex;
  flex-wrap: wrap;
  align-items: end;
  gap: 0.6rem;
  margin-bottom: 0.8rem;
}
form.filters label {
  display: grid;
  gap: 0.2rem;
}
nav.pager {
  display: flex;
  gap: 1rem;
  margin-top: 0.6rem;
}
details.smoke-run {
  border: 1px solid var(--line);
  border-radius: 6px;
  padding: 0.4rem 0.7rem;
  margin-bottom: 0.6rem;
}
details.smoke-run summary {
  cursor: pointer;
}
td.timing {
  white-space: nowrap;
}
td.timing meter {
  width: 8rem;
  vertical-align: middle;
}
.charts {
  display: grid;
  grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr));
  gap: 1rem;
}
td.warn {
  color: var(--warn);
}
.job h3 .meta {
  font-weight: normal;
}
.job .status {
  font-weight: 600;
}
svg.gauge {
  display: block;
  width: 100%;
  max-width: 36rem;
  height: 1.2rem;
}
.gauge-track {
  fill: #8883;
}
.gauge-ok .gauge-used {
  fill: var(--ok);
}
.gauge-warn .gauge-used {
  fill: var(--warn);
}
.gauge-fail .gauge-used {
  fill: var(--bad);
}
line.gauge-mark {
  stroke: currentColor;
  stroke-width: 0.4;
}
ul.chains form.action,
table.sessions form.action {
  display: inline;
  margin-left: 0.4rem;
}
form.action {
  display: inline-flex;
  align-items: baseline;
  gap: 0.5rem;
  margin: 0 0.5rem 0.5rem 0;
}
nav.site {
  display: flex;
  gap: 1rem;
}
pre.output {
  background: #8881;
  border: 1px solid var(--line);
  border-radius: 6px;
  padding: 0.6rem;
  max-height: 32rem;
  overflow: auto;
  white-space: pre-wrap;
}
pre.output .stderr {
  opacity: 0.75;
}
.action-status.succeeded {
  color: var(--ok);
}
.action-status.failed {
  color: var(--bad);
}
`;
