// The browser script that draws an environment's verdict over time with uPlot, from the chart
// element's data attribute (the CSP allows no inline script). Served as /assets/history-chart.js.
export const HISTORY_CHART_JS = `(() => {
  const element = document.getElementById('history-chart');
  if (!element || typeof uPlot === 'undefined') return;
  const data = JSON.parse(element.dataset.series);
  const colors = { pass: '#1a7f37', warn: '#9a6700', fail: '#cf222e' };
  new uPlot(
    {
      width: Math.min(element.clientWidth || 800, 1000),
      height: 220,
      series: [
        {},
        { label: 'pass', stroke: colors.pass, width: 2 },
        { label: 'warn', stroke: colors.warn, width: 2 },
        { label: 'fail', stroke: colors.fail, width: 2 },
      ],
      axes: [{}, { label: 'checks' }],
    },
    data,
    element,
  );
})();
`;
