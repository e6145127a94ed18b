/**
 * Horizontal bar charts: `bar` (one bar per row) and `hist` (the counts of a numeric column's
 * bins). See `chart.ts` for the rules.
 *
 * @module
 */
import { padText, textLength } from "./text_layout.ts";
import {
  type ChartData,
  ChartError,
  chartNumber,
  type ChartOptions,
  type ChartRequest,
  columnIndex,
  cut,
  firstNumeric,
  labelOf,
  numberOf,
  requireNumeric,
  title,
} from "./chart_data.ts";
import { groupedDigits, isNumericKind } from "./values.ts";

// ---- horizontal bars (bar, hist) -------------------------------------------------------------

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/** A bar of `eighths` eighths of a character. */
function bar(eighths: number): string {
  return "█".repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
}

/**
 * Labelled horizontal bars from zero: `label │████▌ value`, then a value axis with its ends.
 * At most `maxBars` bars; a last line says how many more were left out.
 */
function horizontalBars(
  heading: string,
  labels: readonly string[],
  values: readonly number[],
  options: ChartOptions,
  maxBars: number,
): string {
  const shown = values.length > maxBars ? maxBars - 1 : values.length;
  const valueTexts = values.slice(0, shown).map(chartNumber);
  const labelWidth = Math.min(
    Math.max(...labels.slice(0, shown).map(textLength)),
    Math.floor(options.width / 3),
  );
  const valueWidth = Math.max(...valueTexts.map(textLength));
  const area = options.width - labelWidth - valueWidth - 3;
  if (area < 8) throw new ChartError(`the terminal is too narrow for these bars`);
  const low = Math.min(0, ...values.slice(0, shown));
  const high = Math.max(0, ...values.slice(0, shown));
  const scale = high > low ? area / (high - low) : 0;
  const zero = Math.round(-low * scale); // characters left of the zero line
  const paint = (text: string) => options.color ? `\x1b[36m${text}\x1b[39m` : text;
  const dim = (text: string) => options.color ? `\x1b[2m${text}\x1b[22m` : text;
  const lines = [heading];
  for (let i = 0; i < shown; i++) {
    const value = values[i]!;
    let drawn: string;
    if (value >= 0) {
      drawn = " ".repeat(zero) + bar(Math.round(value * scale * 8));
    } else {
      const length = Math.round(-value * scale);
      drawn = " ".repeat(zero - length) + "█".repeat(length);
    }
    const label = padText(cut(labels[i]!, labelWidth), labelWidth);
    lines.push(`${label} ${dim("│")}${paint(drawn)} ${valueTexts[i]}`.trimEnd());
  }
  const lowText = chartNumber(low);
  const highText = chartNumber(high);
  lines.push(" ".repeat(labelWidth + 1) + dim("└" + "─".repeat(area)));
  const ends = lowText + " ".repeat(Math.max(1, area + 1 - lowText.length - highText.length)) +
    highText;
  lines.push(" ".repeat(labelWidth + 1) + dim(ends));
  if (shown < values.length) {
    const more = `… ${groupedDigits(values.length - shown)} more not shown (terminal height)`;
    lines.push(cut(more, options.width));
  }
  return lines.join("\n") + "\n";
}

/** `.chart bar [x] [y]`: one bar of `y` per row, labelled with `x`; see `chart.ts`. */
export function barChart(data: ChartData, request: ChartRequest, options: ChartOptions): string {
  let x = request.x !== undefined ? columnIndex(data, request.x) : -1;
  if (x < 0) {
    x = data.columns.findIndex((column) => !isNumericKind(column.kind));
    if (x < 0) x = 0;
  }
  const y = requireNumeric(
    data,
    request.y !== undefined ? columnIndex(data, request.y) : firstNumeric(data, x),
  );
  const labels: string[] = [];
  const values: number[] = [];
  for (const row of data.rows) {
    const value = numberOf(row[y]);
    if (value === null) continue;
    labels.push(labelOf(row[x]));
    values.push(value);
  }
  if (values.length === 0) throw new ChartError(`column ${data.columns[y]!.name} has no values`);
  const heading = title(
    data,
    `${data.columns[y]!.name} by ${data.columns[x]!.name}`,
    data.rows.length - values.length,
    options.width,
  );
  return horizontalBars(heading, labels, values, options, options.height - 4);
}

// ---- histogram -------------------------------------------------------------------------------

/** The bins of a histogram: `count` bins of `width` from `start`, with decimals for edges. */
export interface Bins {
  /** Lower edge of the first bin. */
  readonly start: number;
  /** Width of every bin (0 when all values are equal: one bin of that value). */
  readonly width: number;
  /** Number of bins, each half-open `[lo, hi)`; the last holds the largest value. */
  readonly count: number;
  /** Decimals that write every edge exactly. */
  readonly decimals: number;
}

/** The smallest "nice" width ≥ `raw`: 1, 2, 2.5 or 5 × 10^k; with the decimals it needs. */
function niceWidth(raw: number): { width: number; decimals: number } {
  const power = Math.floor(Math.log10(raw));
  for (const mantissa of [1, 2, 2.5, 5, 10]) {
    const width = mantissa * 10 ** power;
    if (width >= raw * (1 - 1e-12)) {
      const exponent = mantissa === 10 ? power + 1 : power;
      const decimals = Math.max(0, -exponent) + (mantissa === 2.5 && exponent <= 0 ? 1 : 0);
      return { width: Number(width.toPrecision(12)), decimals };
    }
  }
  throw new Error("unreachable");
}

/**
 * Bins for `values` (n ≥ 1): ⌈log2 n⌉ + 1 bins (Sturges) of a nice width, widened until at most
 * `maxBins`.
 *
 * @example
 * ```ts
 * import { histogramBins } from "./chart.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * // 100 values from 0 to 99: Sturges says 8 bins; 99 / 8 = 12.4 rounds up to a width of 20.
 * const values = Array.from({ length: 100 }, (_, i) => i);
 * deepStrictEqual(histogramBins(values, 20), { start: 0, width: 20, count: 5, decimals: 0 });
 * ```
 */
export function histogramBins(values: readonly number[], maxBins: number): Bins {
  const low = Math.min(...values);
  const high = Math.max(...values);
  if (high === low) return { start: low, width: 0, count: 1, decimals: 0 };
  let target = Math.ceil(Math.log2(values.length)) + 1;
  for (;;) {
    const { width, decimals } = niceWidth((high - low) / target);
    const start = Math.floor(low / width) * width;
    const count = Math.floor((high - start) / width + 1e-9) + 1;
    if (count <= maxBins || target <= 1) return { start, width, count, decimals };
    target = Math.max(1, Math.min(target - 1, maxBins));
  }
}

/** `.chart hist [x]`: the counts of `x` in bins by {@link histogramBins}; see `chart.ts`. */
export function histogram(data: ChartData, request: ChartRequest, options: ChartOptions): string {
  const x = requireNumeric(
    data,
    request.x !== undefined ? columnIndex(data, request.x) : firstNumeric(data, -1),
  );
  const values: number[] = [];
  for (const row of data.rows) {
    const value = numberOf(row[x]);
    if (value !== null) values.push(value);
  }
  if (values.length === 0) throw new ChartError(`column ${data.columns[x]!.name} has no values`);
  const maxBins = options.height - 4;
  const bins = histogramBins(values, maxBins);
  const counts = new Array<number>(bins.count).fill(0);
  for (const value of values) {
    const index = bins.width === 0 ? 0 : Math.floor((value - bins.start) / bins.width + 1e-9);
    counts[Math.min(bins.count - 1, Math.max(0, index))]!++;
  }
  const edge = (index: number) => (bins.start + index * bins.width).toFixed(bins.decimals);
  const labels = counts.map((_, i) =>
    bins.width === 0 ? `[${chartNumber(bins.start)}]` : `[${edge(i)}, ${edge(i + 1)})`
  );
  const binText = bins.count === 1 ? "1 bin" : `${bins.count} bins`;
  const widthText = bins.width === 0 ? "" : ` of width ${chartNumber(bins.width)}`;
  const heading = title(
    data,
    `${data.columns[x]!.name}: ${groupedDigits(values.length)} ${
      values.length === 1 ? "value" : "values"
    } in ${binText}${widthText}`,
    data.rows.length - values.length,
    options.width,
  );
  return horizontalBars(heading, labels, counts, options, maxBins);
}
