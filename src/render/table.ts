/**
 * The box table of the REPL (like DuckDB's `duckbox` mode): column names and types in the
 * header, numbers right-aligned, NULL shown distinctly, fitted to the terminal width (or
 * `maxWidth`), and a footer with the row count ("1,000 rows (40 shown)" when `maxRows` cut the
 * display). Column widths follow the content (see `table_layout.ts`): numbers are never cut,
 * text shares the rest, and middle columns are hidden behind a `…` column when even that does
 * not fit.
 *
 * A result of one row that is wider than the table's width is written as `name = value` lines
 * instead (as the `line` format), unless `wideRowAsLines` is false.
 *
 * Memory stays bounded: at most `maxRows` rows (or 1,000 rows when showing all, to size the
 * columns) are held; later rows stream out with the same widths, longer text cut with `…`
 * (a later number wider than its column is written whole and pushes that row's border right).
 *
 * @module
 */
import type { ColumnInfo, ResultChunk, RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { planTableLayout, type TableLayout, tableWidth } from "./table_layout.ts";
import { NULL_TEXT, recordLines, textLength } from "./text_layout.ts";
import { groupedDigits, isNumericKind, type RenderSummary, textFormatter } from "./values.ts";

/** Rows held to size the columns when all rows are shown. */
const SIZING_ROWS = 1000;

interface Cell {
  readonly text: string;
  readonly isNull: boolean;
}

function displayCell(
  value: unknown,
  format: (value: unknown) => string | null,
  nullText: string,
): Cell {
  const text = format(value);
  if (text === null) return { text: nullText, isNull: true };
  // Control characters would break the box; show them as visible escapes.
  // deno-lint-ignore no-control-regex
  return { text: text.replace(/\r?\n/g, "↵").replace(/[\t\x00-\x1f]/g, " "), isNull: false };
}

/** `text` in exactly `width` characters: padded, or cut with `…` unless `whole` (numbers). */
function fit(text: string, width: number, alignRight: boolean, whole = false): string {
  const size = textLength(text);
  if (size > width) {
    return whole ? text : [...text].slice(0, Math.max(0, width - 1)).join("") + "…";
  }
  const pad = " ".repeat(width - size);
  return alignRight ? pad + text : text + pad;
}

/** Options that only the table renderer reads. */
export interface TableOptions {
  /** Rows to display at most; 0 = all. The rest are counted, not shown. */
  readonly maxRows: number;
  /** Terminal width in characters to fit the table into; undefined = do not fit. */
  readonly width?: number | undefined;
  /**
   * Width in characters to fit the table into instead of `width` (the REPL's `.maxwidth N`);
   * 0 or undefined = the terminal's `width`.
   */
  readonly maxWidth?: number | undefined;
  /** Use ANSI styling (dim NULL and type row). */
  readonly color: boolean;
  /** Text shown for SQL NULL (the REPL's `.nullvalue`); default `NULL`. */
  readonly nullValue?: string | undefined;
  /**
   * Write a one-row result that is wider than the table's width as `name = value` lines (the
   * `line` format) instead of cutting it. Default true; only applies when there is a width.
   */
  readonly wideRowAsLines?: boolean | undefined;
  /**
   * `.thousand_sep`: groups the digits of numbers (and of the footer's counts) with this text,
   * as DuckDB's duckbox does (see {@link formatNumber}); absent or empty = none.
   */
  readonly thousandSeparator?: string | undefined;
  /** `.decimal_sep`: written for the decimal point of numbers; absent or empty = `.`. */
  readonly decimalSeparator?: string | undefined;
}

/**
 * A number's text as DuckDB's duckbox writes it under `.thousand_sep`/`.decimal_sep`
 * (`BoxRenderer::FormatNumber`): the digits before any other character are grouped by threes
 * with `thousands`, and a `.` after them becomes `decimal`. A negative number, or one in
 * exponent notation, is thus left ungrouped, as in DuckDB (`-1234.5`, `1e+20`). Without either
 * separator the text is returned as it is.
 *
 * @example
 * ```ts
 * import { formatNumber } from "./table.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(formatNumber("1234567.891", ".", ","), "1.234.567,891");
 * strictEqual(formatNumber("-1234.5", ",", undefined), "-1234.5");
 * ```
 */
export function formatNumber(
  text: string,
  thousands: string | undefined,
  decimal: string | undefined,
): string {
  if (!thousands && !decimal) return text;
  let digits = 0;
  while (digits < text.length && text[digits]! >= "0" && text[digits]! <= "9") digits++;
  let result = "";
  let next = digits % 3 === 0 ? 3 : digits % 3;
  for (let index = 0; index < digits; index++) {
    if (index === next && thousands) {
      result += thousands;
      next += 3;
    }
    result += text[index];
  }
  const rest = text.slice(digits);
  return result + (decimal ? rest.replaceAll(".", decimal) : rest);
}

/**
 * The width in characters a table is fitted to under `options`: `maxWidth` when above 0, else
 * the terminal's `width`; undefined when neither is set (the table is then not fitted).
 *
 * @example
 * ```ts
 * import { fittedWidth } from "./table.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(fittedWidth({ maxRows: 40, color: false, width: 120, maxWidth: 0 }), 120);
 * strictEqual(fittedWidth({ maxRows: 40, color: false, width: 120, maxWidth: 60 }), 60);
 * strictEqual(fittedWidth({ maxRows: 40, color: false }), undefined);
 * ```
 */
export function fittedWidth(options: TableOptions): number | undefined {
  return options.maxWidth !== undefined && options.maxWidth > 0 ? options.maxWidth : options.width;
}

function measure(columns: readonly ColumnInfo[], rows: readonly Cell[][]) {
  return columns.map((column, index) => {
    let values = 0;
    for (const row of rows) values = Math.max(values, textLength(row[index]!.text));
    const header = Math.max(textLength(column.name), textLength(column.type.toLowerCase()));
    return { natural: Math.max(header, values), values, numeric: isNumericKind(column.kind) };
  });
}

/** Writes a result as a box table; returns the total row count. */
export async function renderTable(
  result: RowsResult,
  sink: TextSink,
  options: TableOptions,
): Promise<RenderSummary> {
  const columns = result.columns;
  const width = fittedWidth(options);
  const dim = (text: string) => options.color ? `\x1b[2m${text}\x1b[22m` : text;
  const numeric = columns.map((column) => isNumericKind(column.kind));
  const { thousandSeparator, decimalSeparator } = options;
  const formatters = columns.map((column, index) => {
    const format = textFormatter(column.kind, column.type);
    if (!numeric[index] || (!thousandSeparator && !decimalSeparator)) return format;
    return (value: unknown) => {
      const text = format(value);
      return text === null ? null : formatNumber(text, thousandSeparator, decimalSeparator);
    };
  });
  const nullText = options.nullValue ?? NULL_TEXT;
  const readRow = (chunk: ResultChunk, row: number) =>
    chunk.columns.map((vector, column) =>
      displayCell(vector.getItem(row), formatters[column]!, nullText)
    );
  const held: Cell[][] = [];
  const holdLimit = options.maxRows > 0 ? options.maxRows : SIZING_ROWS;
  let total = 0;
  let layout: TableLayout | undefined;

  const line = (left: string, join: string, right: string, fill = "─") => {
    if (!layout) return "";
    const parts = layout.widths.map((w) => fill.repeat(w + 2));
    if (layout.gapAt >= 0) parts.splice(layout.gapAt, 0, fill.repeat(3));
    return left + parts.join(join) + right + "\n";
  };
  const rowLine = (cells: string[]) => {
    if (layout && layout.gapAt >= 0) cells.splice(layout.gapAt, 0, "…");
    return "│ " + cells.join(" │ ") + " │\n";
  };
  const dataLine = (row: Cell[]) => {
    const cells = layout!.shown.map((index, position) => {
      const cell = row[index]!;
      const whole = numeric[index]! && !cell.isNull;
      const text = fit(cell.text, layout!.widths[position]!, numeric[index]!, whole);
      return cell.isNull ? dim(text) : text;
    });
    return rowLine(cells);
  };
  const start = async () => {
    layout = planTableLayout(measure(columns, held), width);
    const names = layout.shown.map((index, position) =>
      fit(columns[index]!.name, layout!.widths[position]!, false)
    );
    const types = layout.shown.map((index, position) =>
      dim(fit(columns[index]!.type.toLowerCase(), layout!.widths[position]!, false))
    );
    let text = line("┌", "┬", "┐") + rowLine(names) + rowLine(types) + line("├", "┼", "┤");
    for (const row of held) text += dataLine(row);
    await sink.write(text);
  };

  for await (const chunk of result.chunks()) {
    if (layout !== undefined && options.maxRows > 0) {
      total += chunk.rowCount; // past the shown rows: only counted, values never read
      continue;
    }
    for (let row = 0; row < chunk.rowCount; row++) {
      total++;
      if (layout === undefined) {
        if (held.length < holdLimit) {
          held.push(readRow(chunk, row));
          continue;
        }
        await start(); // a row past the held ones: the result is a table
      }
      if (options.maxRows === 0) await sink.write(dataLine(readRow(chunk, row)));
    }
  }
  if (layout === undefined) {
    const only = held.length === 1 ? held[0]! : undefined;
    if (
      only !== undefined && width !== undefined && options.wideRowAsLines !== false &&
      tableWidth(measure(columns, held).map((m) => m.natural), false) > width
    ) {
      const names = columns.map((column) => column.name);
      const texts = only.map((cell) => cell.isNull ? null : cell.text);
      await sink.write(recordLines(names, texts, () => dim(nullText)));
      return { rows: 1 };
    }
    await start();
  }
  const count = thousandSeparator || decimalSeparator
    ? (n: number) => formatNumber(String(n), thousandSeparator, undefined)
    : groupedDigits;
  await sink.write(footer(columns.length, layout!, total, options.maxRows, line, count));
  return { rows: total };
}

/** The table's closing lines: the row and column counts, inside the box when they fit. */
function footer(
  columnCount: number,
  layout: TableLayout,
  total: number,
  maxRows: number,
  line: (left: string, join: string, right: string) => string,
  count: (n: number) => string = groupedDigits,
): string {
  const shownRows = maxRows > 0 ? Math.min(maxRows, total) : total;
  const hiddenColumns = columnCount - layout.shown.length;
  let text = `${count(total)} ${total === 1 ? "row" : "rows"}`;
  if (shownRows < total) text += ` (${count(shownRows)} shown)`;
  text += `  ${columnCount} ${columnCount === 1 ? "column" : "columns"}`;
  if (hiddenColumns > 0) text += ` (${hiddenColumns} hidden)`;
  const inner = tableWidth(layout.widths, layout.gapAt >= 0) - 2;
  if (textLength(text) + 2 <= inner) {
    return line("├", "┴", "┤") + "│ " + fit(text, inner - 2, false) + " │\n" +
      line("└", "─", "┘");
  }
  return line("└", "┴", "┘") + text + "\n";
}
