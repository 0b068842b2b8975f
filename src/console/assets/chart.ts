// The browser script that draws every chart of a page with uPlot from its element's `data-chart`
// attribute (views/chart.tsx writes it; the CSP allows no inline script). Served as /assets/chart.js.
export const CHART_JS = `(() => {
  if (typeof uPlot === 'undefined') return;
  for (const element of document.querySelectorAll('[data-chart]')) {
    const chart = JSON.parse(element.dataset.chart);
    new uPlot(
      {
        width: Math.min(element.clientWidth || 800, 1000),
        height: 220,
        series: [
          {},
          ...chart.lines.map((line) => ({
            label: line.label,
            stroke: line.color,
            width: 2,
            spanGaps: false,
            points: { show: chart.points === true },
          })),
        ],
        axes: [{}, { label: chart.axis }],
      },
      chart.data,
      element,
    );
  }
})();
`;
