import { useId } from "react";

/** One bar: its label (a day) and value in base units, with the text a reader hears or sees in its tooltip. */
export interface Bar {
  readonly key: string;
  readonly label: string;
  readonly value: bigint;
  readonly valueText: string;
}

const WIDTH = 640;
const HEIGHT = 180;
const AXIS = 18;
const TOP = 14;

/** The share of `value` in `span`, as a float for drawing (exact bigint division first, then scaled). */
const ratio = (value: bigint, span: bigint): number =>
  span === 0n ? 0 : Number((value * 1_000_000n) / span) / 1_000_000;

/**
 * A small bar chart in SVG, one bar per entry, negative values below the zero line. For assistive technology it
 * is one image with a summary (`title`, `summary`); each bar carries its own label and value as a tooltip, and
 * the page offers the same numbers as a table.
 */
export function BarChart(props: {
  title: string;
  summary: string;
  bars: readonly Bar[];
  /** Writes a value for the scale's labels (the highest and, when below zero, the lowest). */
  formatValue: (value: bigint) => string;
}) {
  const id = useId();
  const values = props.bars.map((bar) => bar.value);
  const top = values.reduce((max, value) => (value > max ? value : max), 0n);
  const bottom = values.reduce((min, value) => (value < min ? value : min), 0n);
  const span = top - bottom;
  const plot = HEIGHT - AXIS - TOP;
  const zeroY = TOP + (span === 0n ? plot : ratio(top, span) * plot);
  const slot = WIDTH / Math.max(props.bars.length, 1);
  const barWidth = Math.max(Math.min(slot * 0.7, 40), 1);
  const first = props.bars[0];
  const last = props.bars[props.bars.length - 1];
  return (
    <svg
      className="bar-chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      data-testid="settlement-chart"
    >
      <title id={`${id}-title`}>{props.title}</title>
      <desc id={`${id}-desc`}>{props.summary}</desc>
      <line x1={0} x2={WIDTH} y1={zeroY} y2={zeroY} className="bar-chart-axis" />
      {top > 0n && (
        <>
          <line x1={0} x2={WIDTH} y1={TOP} y2={TOP} className="bar-chart-grid" />
          <text x={0} y={TOP - 3} className="bar-chart-label">
            {props.formatValue(top)}
          </text>
        </>
      )}
      {bottom < 0n && (
        <text x={0} y={HEIGHT - AXIS - 3} className="bar-chart-label">
          {props.formatValue(bottom)}
        </text>
      )}
      {props.bars.map((bar, index) => {
        const height = Math.max(ratio(bar.value < 0n ? -bar.value : bar.value, span) * plot, bar.value === 0n ? 0 : 1);
        const y = bar.value < 0n ? zeroY : zeroY - height;
        return (
          <rect
            key={bar.key}
            x={index * slot + (slot - barWidth) / 2}
            y={y}
            width={barWidth}
            height={height}
            className={bar.value < 0n ? "bar bar-negative" : "bar"}
            data-testid="settlement-bar"
            data-date={bar.key}
            data-value={bar.value.toString()}
          >
            <title>{`${bar.label}: ${bar.valueText}`}</title>
          </rect>
        );
      })}
      {first && (
        <text x={0} y={HEIGHT - 4} className="bar-chart-label">
          {first.label}
        </text>
      )}
      {last && last !== first && (
        <text x={WIDTH} y={HEIGHT - 4} textAnchor="end" className="bar-chart-label">
          {last.label}
        </text>
      )}
    </svg>
  );
}
