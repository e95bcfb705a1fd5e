/**
 * Line plots as standalone SVG for docs/benchmarks.md: a figure against the number of pods, one line per series,
 * optional dashed target line. No dependencies; the output is deterministic for the same input.
 */

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface Plot {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** A horizontal dashed line, e.g. the target. */
  target?: { value: number; label: string };
}

const WIDTH = 560;
const HEIGHT = 320;
const MARGIN = { left: 70, right: 150, top: 36, bottom: 48 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

/** A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceCeiling(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function label(value: number): string {
  if (value >= 1000 && value % 1000 === 0) return `${value / 1000}k`;
  return Number.isInteger(value) ? String(value) : value.toPrecision(2);
}

export function renderPlot(plot: Plot): string {
  const points = plot.series.flatMap((s) => s.points);
  const xMax = niceCeiling(Math.max(...points.map(([x]) => x), 1));
  const yMax = niceCeiling(Math.max(...points.map(([, y]) => y), plot.target?.value ?? 0, 0));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + (x / xMax) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - (Math.min(y, yMax) / yMax) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="13">${escapeXml(plot.title)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const xv = (xMax * i) / 5;
    const yv = (yMax * i) / 5;
    out.push(
      `<line x1="${sx(xv)}" y1="${MARGIN.top}" x2="${sx(xv)}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`,
      `<text x="${sx(xv)}" y="${MARGIN.top + plotH + 14}" text-anchor="middle">${label(xv)}</text>`,
      `<line x1="${MARGIN.left}" y1="${sy(yv)}" x2="${MARGIN.left + plotW}" y2="${sy(yv)}" stroke="#eee"/>`,
      `<text x="${MARGIN.left - 6}" y="${sy(yv) + 4}" text-anchor="end">${label(yv)}</text>`,
    );
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escapeXml(plot.xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(plot.yLabel)}</text>`,
  );
  if (plot.target) {
    const y = sy(plot.target.value);
    out.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#555" stroke-dasharray="5 4"/>`,
      `<text x="${MARGIN.left + plotW + 6}" y="${y + 4}">${escapeXml(plot.target.label)}</text>`,
    );
  }
  plot.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length]!;
    const path = series.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const [x, y] of series.points) {
      out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${color}"/>`);
    }
    const legendY = MARGIN.top + 14 + i * 16;
    out.push(
      `<line x1="${MARGIN.left + plotW + 6}" y1="${legendY - 4}" x2="${MARGIN.left + plotW + 22}" y2="${legendY - 4}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${MARGIN.left + plotW + 26}" y="${legendY}">${escapeXml(series.name)}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}

/**
 * How a figure grows with the pods: the exponent b of y ≈ a·x^b fitted through the first and last points with
 * x > 0 (1 linear, 0 flat, 2 quadratic). Undefined with fewer than two such points or a non-positive y.
 */
export function growthExponent(points: readonly (readonly [number, number])[]): number | undefined {
  const usable = points.filter(([x, y]) => x > 0 && y > 0);
  if (usable.length < 2) return undefined;
  const [x0, y0] = usable[0]!;
  const [x1, y1] = usable[usable.length - 1]!;
  if (x0 === x1) return undefined;
  return Math.log(y1 / y0) / Math.log(x1 / x0);
}

/** Least-squares slope of y over x: e.g. bytes per pod from (pods, heap) samples. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}
