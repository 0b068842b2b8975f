// A chart on a page: its data and lines in a `data-chart` attribute, drawn in the browser by uPlot
// and /assets/chart.js (no inline script under the CSP).

/** The scripts a page with charts loads, in order. */
export const CHART_SCRIPTS = ['/assets/uplot.js', '/assets/chart.js'];

export interface ChartLine {
  label: string;
  /** A CSS colour. */
  color: string;
}

export interface ChartProps {
  id: string;
  /** What the chart shows, for those who cannot see it. */
  label: string;
  /** The y axis's label, with its unit. */
  axis: string;
  lines: ChartLine[];
  /** uPlot's columns: times in seconds, then one column per line (null: no value there). */
  data: (number | null)[][];
  /** Marks each value: for sparse series such as drills. */
  points?: boolean;
}

export function Chart(props: ChartProps) {
  const { id, label, ...chart } = props;
  return <div id={id} class="chart" data-chart={JSON.stringify(chart)} role="img" aria-label={label} />;
}
