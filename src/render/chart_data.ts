/**
 * The shapes and shared pieces of the charts (`chart.ts`): what is charted, the options, the
 * error, and how columns are chosen and cells read as numbers, times and labels.
 *
 * @module
 */
import type { Cell, ColumnInfo } from "../engine/result.ts";
import { textLength } from "./text_layout.ts";
import { groupedDigits, isNumericKind, textOf } from "./values.ts";

/** The chart kinds of `.chart`. */
export type ChartKind = "bar" | "line" | "hist";

/** What `.chart` asked for: the kind and, optionally, the columns by name. */
export interface ChartRequest {
  /** Which chart. */
  readonly kind: ChartKind;
  /** The x column (bar labels, line x, histogram values); default: see the module. */
  readonly x?: string | undefined;
  /** The y column (bar lengths, line values); not used by `hist`. */
  readonly y?: string | undefined;
}

/** Rows in memory to chart: column metadata and row arrays (a `LastResult` is one). */
export interface ChartData {
  /** Result columns in order. */
  readonly columns: readonly ColumnInfo[];
  /** The rows, each an array of cells in column order. */
  readonly rows: readonly (readonly Cell[])[];
  /** Rows the result had in all, when more than `rows` (named in the title). */
  readonly totalRows?: number | undefined;
}

/** The space a chart may take and whether it may use colour. */
export interface ChartOptions {
  /** Terminal width in characters; the chart's lines are at most this long. */
  readonly width: number;
  /** Terminal height in lines; the chart takes at most this minus one (the prompt's line). */
  readonly height: number;
  /** ANSI colour for bars and the line; false when `NO_COLOR` is set or not a terminal. */
  readonly color: boolean;
}

/** A chart that cannot be drawn: unknown column, nothing numeric, terminal too small. */
export class ChartError extends Error {
  /**
   * A chart error saying what is wrong.
   *
   * @param message one line for the user
   */
  constructor(message: string) {
    super(message);
    this.name = "ChartError";
  }
}

/**
 * Index of the column named `name` in `data` (exact, else ignoring case); throws
 * {@link ChartError} naming the columns there are.
 */
export function columnIndex(data: ChartData, name: string): number {
  const exact = data.columns.findIndex((column) => column.name === name);
  if (exact >= 0) return exact;
  const folded = data.columns.findIndex((column) =>
    column.name.toLowerCase() === name.toLowerCase()
  );
  if (folded >= 0) return folded;
  throw new ChartError(
    `no column ${name}; the result has ${data.columns.map((column) => column.name).join(", ")}`,
  );
}

/** Index of the first numeric column other than `except`; throws {@link ChartError} if none. */
export function firstNumeric(data: ChartData, except: number): number {
  const index = data.columns.findIndex((column, i) => i !== except && isNumericKind(column.kind));
  if (index < 0) throw new ChartError("the result has no numeric column to chart");
  return index;
}

/** `index` when that column is numeric; throws {@link ChartError} naming its type if not. */
export function requireNumeric(data: ChartData, index: number): number {
  const column = data.columns[index]!;
  if (!isNumericKind(column.kind)) {
    throw new ChartError(`column ${column.name} is ${column.type}, not a number`);
  }
  return index;
}

/** A numeric cell as a finite number (DECIMAL through its exact text), else null. */
export function numberOf(cell: Cell): number | null {
  if (cell === null || cell === undefined) return null;
  const value = typeof cell === "number"
    ? cell
    : Number(typeof cell === "bigint" ? cell : String(cell));
  return Number.isFinite(value) ? value : null;
}

/**
 * A DATE/TIME/TIMESTAMP cell as milliseconds since 1970 (UTC), from DuckDB's text; null when it
 * has none (infinities, years outside 0000–9999, intervals).
 */
export function timeOf(cell: Cell): number | null {
  const text = textOf(cell);
  if (text === null) return null;
  let iso = /^\d{2}:\d{2}/.test(text) ? `1970-01-01T${text}` : text.replace(" ", "T");
  if (!iso.includes("T")) iso += "T00:00:00";
  if (/[+-]\d\d$/.test(iso)) iso += ":00";
  else if (!/(Z|[+-]\d\d:\d\d)$/.test(iso)) iso += "Z";
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/** Text of a cell on one line, for labels. */
export function labelOf(cell: Cell): string {
  // deno-lint-ignore no-control-regex
  return (textOf(cell) ?? "NULL").replace(/[\x00-\x1f]/g, " ");
}

/**
 * A number in at most 6 significant digits, without exponent below 10^21: `3700.66`, `152`.
 *
 * @example
 * ```ts
 * import { chartNumber } from "./chart.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(chartNumber(3700.6622516556), "3700.66");
 * strictEqual(chartNumber(-42), "-42");
 * ```
 */
export function chartNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** `label` cut to `width` characters with `…`. */
export function cut(label: string, width: number): string {
  return textLength(label) <= width ? label : [...label].slice(0, width - 1).join("") + "…";
}

/**
 * The title line, cut to `width`: what is drawn, how many rows were skipped (no finite number:
 * NULL, NaN, ±inf) and, when the data is a result's first rows, how many it had.
 */
export function title(data: ChartData, text: string, skipped: number, width: number): string {
  const notes: string[] = [];
  if (skipped > 0) notes.push(`${groupedDigits(skipped)} skipped`);
  if (data.totalRows !== undefined && data.totalRows > data.rows.length) {
    notes.push(`first ${groupedDigits(data.rows.length)} of ${groupedDigits(data.totalRows)} rows`);
  }
  return cut(text + (notes.length > 0 ? ` (${notes.join("; ")})` : ""), width);
}
