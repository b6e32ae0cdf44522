/**
 * Small, dependency-free SVG line charts for the benchmark report: axes with round ticks, one line per series, a
 * marker per point (with the exact value in a tooltip and in `data-x`/`data-y`), and a legend.
 */

export interface ChartPoint {
  x: number;
  y: number;
}

export interface ChartSeries {
  name: string;
  points: readonly ChartPoint[];
  /** A reference line (dashed, no markers), e.g. a baseline drawn across the chart. */
  reference?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** `log` for counts spread over orders of magnitude (ticks at the measured x values); `linear` from 0. */
  xScale: "linear" | "log";
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
}

/** The plot area inside the chart's margins, in SVG units. */
export interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"] as const;

/** A linear map from `domain` onto `range`. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** A logarithmic map from `domain` (both ends positive) onto `range`. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  if (domain[0] <= 0 || domain[1] <= 0)
    throw new Error(`A log scale needs a positive domain, not ${domain.join("..")}`);
  const linear = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
  return (v) => linear(Math.log10(v));
}

/** Round ticks from 0 to at least `max`: steps of 1, 2, 2.5 or 5 × 10^k, about `target` of them. */
export function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / target;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough)!;
  const steps = Math.max(1, Math.ceil(max / step - 1e-9));
  return Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** A number for an axis or label: thousands separated, at most two decimals. */
export function formatNumber(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: Math.abs(value) < 10 ? 2 : 0 });
}

/** Text escaped for XML. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The x and y maps of a chart (exported so that tests can check where points land). */
export function chartScales(options: ChartOptions): {
  area: PlotArea;
  x: (v: number) => number;
  y: (v: number) => number;
  xTicks: number[];
  yTicks: number[];
} {
  const width = options.width ?? 720;
  const height = options.height ?? 400;
  const area: PlotArea = { left: 80, right: width - 170, top: 40, bottom: height - 60 };
  const points = options.series.flatMap((s) => s.points);
  if (points.length === 0) throw new Error(`The chart "${options.title}" has no points`);
  const yTicks = niceTicks(Math.max(...points.map((p) => p.y)));
  const y = linearScale([0, yTicks[yTicks.length - 1]!], [area.bottom, area.top]);
  if (options.xScale === "log") {
    const xTicks = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
    const domain: [number, number] = [xTicks[0]!, xTicks[xTicks.length - 1]!];
    if (domain[0] === domain[1]) domain[1] = domain[0] * 10;
    return { area, x: logScale(domain, [area.left, area.right]), y, xTicks, yTicks };
  }
  const xTicks = niceTicks(Math.max(...points.map((p) => p.x)));
  return { area, x: linearScale([0, xTicks[xTicks.length - 1]!], [area.left, area.right]), y, xTicks, yTicks };
}

const round = (v: number): string => String(Math.round(v * 10) / 10);

/** An SVG line chart of the series. */
export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 400;
  const { area, x, y, xTicks, yTicks } = chartScales(options);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  );
  for (const tick of yTicks) {
    const ty = round(y(tick));
    out.push(
      `<line x1="${area.left}" y1="${ty}" x2="${area.right}" y2="${ty}" stroke="#e0e0e0"/>`,
      `<text x="${area.left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle">${formatNumber(tick)}</text>`,
    );
  }
  for (const tick of xTicks) {
    const tx = round(x(tick));
    out.push(
      `<line x1="${tx}" y1="${area.top}" x2="${tx}" y2="${area.bottom}" stroke="#f0f0f0"/>`,
      `<text x="${tx}" y="${area.bottom + 16}" text-anchor="middle">${formatNumber(tick)}</text>`,
    );
  }
  out.push(
    `<line x1="${area.left}" y1="${area.bottom}" x2="${area.right}" y2="${area.bottom}" stroke="#333"/>`,
    `<line x1="${area.left}" y1="${area.top}" x2="${area.left}" y2="${area.bottom}" stroke="#333"/>`,
    `<text x="${(area.left + area.right) / 2}" y="${height - 18}" text-anchor="middle">` +
      `${escapeXml(options.xLabel)}${options.xScale === "log" ? " (log scale)" : ""}</text>`,
    `<text transform="translate(18 ${(area.top + area.bottom) / 2}) rotate(-90)" text-anchor="middle">` +
      `${escapeXml(options.yLabel)}</text>`,
  );
  options.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length]!;
    const points = [...series.points].sort((a, b) => a.x - b.x);
    const path = points.map((p) => `${round(x(p.x))},${round(y(p.y))}`).join(" ");
    out.push(`<g data-series="${escapeXml(series.name)}">`);
    const dash = series.reference === true ? ` stroke-dasharray="6 4"` : "";
    out.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const p of series.reference === true ? [] : points) {
      out.push(
        `<circle cx="${round(x(p.x))}" cy="${round(y(p.y))}" r="3.5" fill="${color}" data-x="${p.x}" data-y="${p.y}">` +
          `<title>${escapeXml(series.name)}: ${formatNumber(p.x)} → ${formatNumber(p.y)}</title></circle>`,
      );
    }
    out.push(`</g>`);
    const ly = area.top + 10 + i * 20;
    out.push(
      `<line x1="${area.right + 15}" y1="${ly}" x2="${area.right + 35}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${area.right + 40}" y="${ly}" dominant-baseline="middle">${escapeXml(series.name)}</text>`,
    );
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
