/**
 * The line chart of `.chart line`: `y` over an ordered `x`, drawn by asciichart. See `chart.ts`
 * for the rules.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import asciichart from "npm:asciichart@1.5.25";
import type { ColumnInfo } from "../engine/result.ts";
import { padText, textLength } from "./text_layout.ts";
import type { ChartData, ChartOptions, ChartRequest } from "./chart_data.ts";
import * as shared from "./chart_data.ts";
import { isNumericKind } from "./values.ts";

/** Tallest plot of a line chart (lines), however tall the terminal. */
const MAX_PLOT_HEIGHT = 25;

/** One point of a line chart: `x` as a number (value or row position) and its label. */
interface Point {
  readonly x: number;
  readonly y: number;
  readonly label: string;
}

function linePoints(data: ChartData, x: number, y: number): Point[] {
  const kind = x < 0 ? "position" : data.columns[x]!.kind;
  const points: Point[] = [];
  data.rows.forEach((row, position) => {
    const value = shared.numberOf(row[y]);
    const at = kind === "temporal"
      ? shared.timeOf(row[x])
      : isNumericKind(kind as ColumnInfo["kind"])
      ? shared.numberOf(row[x])
      : position;
    if (value === null || at === null) return;
    // A timestamp at midnight (date_trunc of a day, month, year) is labelled as its date.
    const label = x < 0 ? String(position + 1) : shared.labelOf(row[x]).replace(/ 00:00:00$/, "");
    points.push({ x: at, y: value, label });
  });
  if (kind === "temporal" || isNumericKind(kind as ColumnInfo["kind"])) {
    points.sort((a, b) => a.x - b.x);
  }
  return points;
}

/**
 * One y per column over `columns` columns: the mean of the points that fall in a column, and
 * linear interpolation across columns with none.
 */
function resample(points: readonly Point[], columns: number): number[] {
  const first = points[0]!.x;
  const span = points.at(-1)!.x - first;
  const sums = new Array<number>(columns).fill(0);
  const counts = new Array<number>(columns).fill(0);
  for (const point of points) {
    const column = span === 0 ? 0 : Math.round((point.x - first) / span * (columns - 1));
    sums[column]! += point.y;
    counts[column]!++;
  }
  const filled = sums.map((sum, i) => counts[i]! > 0 ? sum / counts[i]! : NaN);
  let previous = -1;
  for (let i = 0; i < columns; i++) {
    if (Number.isNaN(filled[i]!)) continue;
    for (let gap = previous + 1; previous >= 0 && gap < i; gap++) {
      filled[gap] = filled[previous]! +
        (filled[i]! - filled[previous]!) * (gap - previous) / (i - previous);
    }
    previous = i;
  }
  return filled.slice(0, previous + 1);
}

/**
 * The columns of a line chart: as named; else `x` is the first column and `y` the first numeric
 * column after it, or — with no such column — `y` the first numeric column over the row position.
 */
function lineColumns(data: ChartData, request: ChartRequest): { x: number; y: number } {
  if (request.x !== undefined) {
    const x = shared.columnIndex(data, request.x);
    const y = request.y !== undefined
      ? shared.columnIndex(data, request.y)
      : shared.firstNumeric(data, x);
    return { x, y: shared.requireNumeric(data, y) };
  }
  const y = data.columns.findIndex((column, i) => i > 0 && isNumericKind(column.kind));
  return y > 0 ? { x: 0, y } : { x: -1, y: shared.firstNumeric(data, -1) };
}

/** Fixed decimals for y-axis labels whose step is `step`. */
function labelDecimals(step: number): number {
  if (!(step > 0)) return 0;
  return Math.max(0, Math.min(6, 1 - Math.floor(Math.log10(step))));
}

/** `.chart line [x] [y]`: `y` over an ordered `x`; see `chart.ts`. */
export function lineChart(data: ChartData, request: ChartRequest, options: ChartOptions): string {
  const { x, y } = lineColumns(data, request);
  const points = linePoints(data, x, y);
  if (points.length < 2) {
    throw new shared.ChartError(
      `a line needs two points; column ${data.columns[y]!.name} has ${points.length}`,
    );
  }
  const ys = points.map((point) => point.y);
  const low = Math.min(...ys);
  const high = Math.max(...ys);
  const plotHeight = Math.min(MAX_PLOT_HEIGHT, options.height - 4);
  const decimals = high > low ? labelDecimals((high - low) / (plotHeight - 1)) : 0;
  const labelWidth = Math.max(low.toFixed(decimals).length, high.toFixed(decimals).length);
  const columns = Math.max(1, options.width - labelWidth - 2);
  const series = resample(points, columns);
  const plot: string = asciichart.plot(series, {
    height: plotHeight - 1,
    offset: 3,
    format: (value: number) => value.toFixed(decimals).padStart(labelWidth),
    // The axis tick everywhere; asciichart's `┼` would mark its scaled zero and the first value.
    symbols: ["┤", "┤", "╶", "╴", "─", "╰", "╭", "╮", "╯", "│"],
    ...(options.color ? { colors: [asciichart.cyan] } : {}),
  });
  const xName = x < 0 ? "row" : data.columns[x]!.name;
  const heading = shared.title(
    data,
    `${data.columns[y]!.name} by ${xName}`,
    data.rows.length - points.length,
    options.width,
  );
  const lines = [heading, ...plot.split("\n").map((line) => line.trimEnd())];
  const axisAt = labelWidth + 1;
  lines.push(" ".repeat(axisAt) + "└" + "─".repeat(series.length - 1));
  lines.push(xLabels(points, axisAt, series.length));
  return lines.join("\n") + "\n";
}

/** The x-axis labels: first at the axis, last ending at the last column, middle centred. */
function xLabels(points: readonly Point[], axisAt: number, columns: number): string {
  const first = points[0]!;
  const last = points.at(-1)!;
  const end = axisAt + columns; // one past the last column
  const room = columns;
  const firstText = shared.cut(first.label, Math.max(1, Math.floor(room / 3)));
  const lastText = shared.cut(last.label, Math.max(1, Math.floor(room / 3)));
  let line = " ".repeat(axisAt) + firstText;
  const middleX = first.x + (last.x - first.x) / 2;
  const middle = points.reduce((best, point) =>
    Math.abs(point.x - middleX) < Math.abs(best.x - middleX) ? point : best
  );
  const middleText = shared.cut(middle.label, Math.max(1, Math.floor(room / 3)));
  const middleStart = axisAt + Math.floor((columns - textLength(middleText)) / 2);
  if (
    middle !== first && middle !== last && middleStart > textLength(line) + 1 &&
    middleStart + textLength(middleText) < end - textLength(lastText) - 1
  ) {
    line = padText(line, middleStart) + middleText;
  }
  if (last !== first) {
    line = padText(line, Math.max(textLength(line) + 1, end - textLength(lastText))) + lastText;
  }
  return line;
}
