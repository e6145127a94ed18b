/**
 * Unicode charts of a result already in memory (the REPL's last result, see `last_result.ts`),
 * for `.chart bar|line|hist [x] [y]`, sized to the terminal:
 *
 * - `bar`: one horizontal bar per row, labelled with `x` (text) and followed by `y` (its value),
 *   bars from zero in eighths of a character, a value axis below with its two ends.
 * - `line`: `y` over an ordered `x`: numeric and temporal `x` are sorted and spaced by value,
 *   other `x` keep the row order; the points are averaged (more points than columns) or joined
 *   linearly (fewer) into one value per column, drawn by asciichart with the y-axis labels;
 *   the x-axis shows the first, middle and last `x`.
 * - `hist`: the distribution of one numeric column `x`: Sturges' rule gives the number of bins
 *   (⌈log2 n⌉ + 1), whose width is rounded up to a "nice" 1, 2, 2.5 or 5 × 10^k; bins are
 *   half-open `[lo, hi)` from a multiple of the width; drawn as bars of the counts.
 *
 * Defaults: `x` is the first text column (bar) or the first column (line, hist: the first
 * numeric one), `y` the first numeric column other than `x`. Rows whose value is NULL or not a
 * finite number are skipped and counted in the title.
 *
 * Size: lines at most `width` characters; at most `height − 1` lines (the prompt keeps one): a
 * bar chart shows `height − 4` bars and says how many more there were, a histogram widens its
 * bins until they fit, a line chart's plot is `height − 4` lines tall (25 at most). Colour
 * (ANSI) only when `color` is true: callers pass false when `NO_COLOR` is set or the output is
 * not a terminal.
 *
 * @module
 */
import { barChart, histogram } from "./chart_bars.ts";
import {
  type ChartData,
  ChartError,
  type ChartKind,
  type ChartOptions,
  type ChartRequest,
} from "./chart_data.ts";
import { lineChart } from "./chart_line.ts";

export {
  type ChartData,
  ChartError,
  type ChartKind,
  chartNumber,
  type ChartOptions,
  type ChartRequest,
} from "./chart_data.ts";
export { type Bins, histogramBins } from "./chart_bars.ts";

/** Smallest terminal a chart is drawn in (characters × lines). */
const MIN_WIDTH = 30;
const MIN_HEIGHT = 8;
const KINDS: readonly ChartKind[] = ["bar", "line", "hist"];

/**
 * Parses the arguments of `.chart`: `bar|line|hist [x] [y]`; a column name with spaces is
 * written in double quotes (`""` inside for a quote). Throws {@link ChartError} with usage.
 *
 * @example
 * ```ts
 * import { parseChartArguments } from "./chart.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(parseChartArguments('bar Species "Body Mass (g)"'), {
 *   kind: "bar", x: "Species", y: "Body Mass (g)",
 * });
 * ```
 */
export function parseChartArguments(text: string): ChartRequest {
  const words: string[] = [];
  const word = /\s*(?:"((?:[^"]|"")*)"|([^\s"]+))/y;
  let at = 0;
  for (; at < text.length;) {
    word.lastIndex = at;
    const match = word.exec(text);
    if (match === null) break;
    words.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2]!);
    at = word.lastIndex;
  }
  if (text.slice(at).trim() !== "") {
    throw new ChartError(`.chart: unclosed quote in ${text.trim()}`);
  }
  const [kind, x, y, ...rest] = words;
  if (kind === undefined || !(KINDS as readonly string[]).includes(kind.toLowerCase())) {
    throw new ChartError(".chart: expected bar, line or hist, then optional x and y columns");
  }
  const chartKind = kind.toLowerCase() as ChartKind;
  if (rest.length > 0 || (chartKind === "hist" && y !== undefined)) {
    throw new ChartError(
      `.chart ${chartKind}: too many columns; expected ${
        chartKind === "hist" ? "one" : "at most two (x, y)"
      }`,
    );
  }
  return { kind: chartKind, x, y };
}

/**
 * Draws `data` as the chart `request` asks for, in at most `options.width` characters and
 * `options.height - 1` lines; returns the text, each line ending in `\n`. Throws
 * {@link ChartError} when it cannot.
 */
export function drawChart(data: ChartData, request: ChartRequest, options: ChartOptions): string {
  if (options.width < MIN_WIDTH || options.height < MIN_HEIGHT) {
    throw new ChartError(
      `the terminal is too small for a chart (${options.width}×${options.height}; needs ${MIN_WIDTH}×${MIN_HEIGHT})`,
    );
  }
  if (data.rows.length === 0) throw new ChartError("the result has no rows to chart");
  switch (request.kind) {
    case "bar":
      return barChart(data, request, options);
    case "line":
      return lineChart(data, request, options);
    case "hist":
      return histogram(data, request, options);
  }
}
