/**
 * The box table of the REPL (like DuckDB's `duckbox` mode): column names and types in the
 * header, numbers right-aligned, NULL shown distinctly, fitted to the terminal width, and a
 * footer with the row count ("1,000 rows (40 shown)" when `maxRows` cut the display).
 *
 * Memory stays bounded: at most `maxRows` rows (or 1,000 rows when showing all, to size the
 * columns) are held; later rows stream out with the same widths, longer cells cut with `…`.
 *
 * @module
 */
import type { ColumnInfo, ResultChunk, RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { groupedDigits, isNumericKind, type RenderSummary, textFormatter } from "./values.ts";

/** Widest a column grows before its cells are cut with `…` (characters). */
const MAX_COLUMN_WIDTH = 48;
/** Narrowest a column shrinks to when fitting a wide table. */
const MIN_COLUMN_WIDTH = 6;
/** Rows held to size the columns when all rows are shown. */
const SIZING_ROWS = 1000;
const NULL_TEXT = "NULL";

interface Cell {
  readonly text: string;
  readonly isNull: boolean;
}

function displayCell(value: unknown, format: (value: unknown) => string | null): Cell {
  const text = format(value);
  if (text === null) return { text: NULL_TEXT, isNull: true };
  // Control characters would break the box; show them as visible escapes.
  // deno-lint-ignore no-control-regex
  return { text: text.replace(/\r?\n/g, "↵").replace(/[\t\x00-\x1f]/g, " "), isNull: false };
}

function length(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function fit(text: string, width: number, alignRight: boolean): string {
  const size = length(text);
  if (size > width) return [...text].slice(0, Math.max(0, width - 1)).join("") + "…";
  const pad = " ".repeat(width - size);
  return alignRight ? pad + text : text + pad;
}

/** The column layout: which result columns are shown, and how wide. */
interface Layout {
  readonly shown: number[];
  readonly widths: number[];
  /** Index in `shown` after which the `…` column for hidden columns stands, or -1. */
  readonly gapAfter: number;
}

function planLayout(columns: readonly ColumnInfo[], rows: Cell[][], width?: number): Layout {
  const natural = columns.map((column, index) => {
    let widest = Math.max(length(column.name), length(column.type.toLowerCase()));
    for (const row of rows) widest = Math.max(widest, length(row[index]!.text));
    return Math.min(widest, MAX_COLUMN_WIDTH);
  });
  let shown = columns.map((_, index) => index);
  let widths = [...natural];
  let gapAfter = -1;
  if (width === undefined) return { shown, widths, gapAfter };
  const total = () => widths.reduce((sum, w) => sum + w + 3, 1) + (gapAfter >= 0 ? 4 : 0);
  while (total() > width) {
    let widest = 0;
    for (let index = 1; index < widths.length; index++) {
      if (widths[index]! > widths[widest]!) widest = index;
    }
    if (widths[widest]! > MIN_COLUMN_WIDTH) {
      widths[widest]!--;
      continue;
    }
    if (shown.length <= 1) break;
    // Still too wide with every column at its minimum: hide the middle column.
    const middle = Math.floor(shown.length / 2);
    shown = shown.filter((_, index) => index !== middle);
    widths = widths.filter((_, index) => index !== middle);
    gapAfter = Math.max(0, middle - 1);
  }
  return { shown, widths, gapAfter };
}

/** Writes a result as a box table; returns the total row count. */
/** Options that only the table renderer reads. */
export interface TableOptions {
  /** Rows to display at most; 0 = all. The rest are counted, not shown. */
  readonly maxRows: number;
  /** Terminal width in characters to fit the table into; undefined = do not fit. */
  readonly width?: number | undefined;
  /** Use ANSI styling (dim NULL and type row). */
  readonly color: boolean;
}

export async function renderTable(
  result: RowsResult,
  sink: TextSink,
  options: TableOptions,
): Promise<RenderSummary> {
  const columns = result.columns;
  const dim = (text: string) => options.color ? `\x1b[2m${text}\x1b[22m` : text;
  const formatters = columns.map((column) => textFormatter(column.kind));
  const readRow = (chunk: ResultChunk, row: number) =>
    chunk.columns.map((vector, column) => displayCell(vector.getItem(row), formatters[column]!));
  const held: Cell[][] = [];
  const holdLimit = options.maxRows > 0 ? options.maxRows : SIZING_ROWS;
  let total = 0;
  let layout: Layout | undefined;

  const line = (left: string, join: string, right: string, fill = "─") => {
    if (!layout) return "";
    const parts = layout.widths.map((w) => fill.repeat(w + 2));
    if (layout.gapAfter >= 0) parts.splice(layout.gapAfter + 1, 0, fill.repeat(3));
    return left + parts.join(join) + right + "\n";
  };
  const rowLine = (cells: string[]) => {
    if (layout && layout.gapAfter >= 0) cells.splice(layout.gapAfter + 1, 0, "…");
    return "│ " + cells.join(" │ ") + " │\n";
  };
  const dataLine = (row: Cell[]) => {
    const cells = layout!.shown.map((index, position) => {
      const cell = row[index]!;
      const text = fit(cell.text, layout!.widths[position]!, isNumericKind(columns[index]!.kind));
      return cell.isNull ? dim(text) : text;
    });
    return rowLine(cells);
  };
  const start = async () => {
    layout = planLayout(columns, held, options.width);
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
        held.push(readRow(chunk, row));
        if (held.length >= holdLimit) await start();
      } else if (options.maxRows === 0) {
        await sink.write(dataLine(readRow(chunk, row)));
      }
    }
  }
  if (layout === undefined) await start();
  const shownRows = options.maxRows > 0 ? Math.min(options.maxRows, total) : total;
  const hiddenColumns = columns.length - layout!.shown.length;
  let footer = `${groupedDigits(total)} ${total === 1 ? "row" : "rows"}`;
  if (shownRows < total) footer += ` (${groupedDigits(shownRows)} shown)`;
  footer += `  ${columns.length} ${columns.length === 1 ? "column" : "columns"}`;
  if (hiddenColumns > 0) footer += ` (${hiddenColumns} hidden)`;
  const inner = layout!.widths.reduce((sum, w) => sum + w + 3, -1) +
    (layout!.gapAfter >= 0 ? 4 : 0);
  if (length(footer) + 2 <= inner) {
    await sink.write(
      line("├", "┴", "┤") + "│ " + fit(footer, inner - 2, false) + " │\n" + line("└", "─", "┘"),
    );
  } else {
    await sink.write(line("└", "┴", "┘") + footer + "\n");
  }
  return { rows: total };
}
