/**
 * The `list` and `ascii` formats, as DuckDB's `.mode list` and `.mode ascii`: a header line of
 * column names, then one line per row, fields written as they are — no quoting, NULL as `NULL` —
 * so the output reads well and pipes into `cut -d'|'`, but is not a CSV (use `csv` to round-trip
 * values holding `|` or line breaks). `list` separates fields with `|` and ends lines with a line
 * break, or with what `.separator COL ROW` sets; `ascii` uses the ASCII unit and record
 * separators (0x1F, 0x1E), which cannot occur in ordinary text. Streams: one chunk at a time,
 * never truncated. `.headers off` and `.nullvalue TEXT` drop the header and change NULL's text.
 *
 * `ascii` differs from the DuckDB CLI 1.5 on purpose: its help says "Columns/rows delimited by
 * 0x1F and 0x1E" (as SQLite's), but its renderer writes a line break for both, which makes the
 * mode the same as `list` with `.separator "\n"` and the values impossible to tell apart. Noctra
 * writes what the help promises, and, as SQLite, lets `.separator` change them.
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import type { DelimitedOptions } from "./delimited.ts";
import { NULL_TEXT, writeRowTexts } from "./text_layout.ts";
import type { RenderSummary } from "./values.ts";

/** Field separator of the `list` format, as DuckDB's default `.separator`. */
export const LIST_SEPARATOR = "|";
/** The `ascii` format's separators: ASCII's unit separator and record separator. */
export const ASCII_SEPARATORS = { column: "\x1f", row: "\x1e" } as const;

/** How `list` writes fields and lines. */
export interface ListOptions extends DelimitedOptions {
  /** Between fields (`.separator COL`); default `|`. */
  readonly columnSeparator?: string | undefined;
  /** After each line (`.separator COL ROW`); default a line break. */
  readonly rowSeparator?: string | undefined;
}

/**
 * Writes the header (unless `options.headers` is false) and every row of `result`, fields
 * separated by `options.columnSeparator` (default `|`), lines ended by `options.rowSeparator`
 * (default a line break), NULL as `options.nullValue` (default `NULL`); returns the row count.
 */
export async function renderList(
  result: RowsResult,
  sink: TextSink,
  options: ListOptions = {},
): Promise<RenderSummary> {
  const separator = options.columnSeparator ?? LIST_SEPARATOR;
  const end = options.rowSeparator ?? "\n";
  if (options.headers !== false) {
    await sink.write(result.columns.map((column) => column.name).join(separator) + end);
  }
  const nullText = options.nullValue ?? NULL_TEXT;
  const rows = await writeRowTexts(
    result,
    sink,
    (texts) => texts.map((text) => text ?? nullText).join(separator) + end,
  );
  return { rows };
}

/** Writes `result` in the `ascii` format (see the module documentation); returns the row count. */
export function renderAscii(
  result: RowsResult,
  sink: TextSink,
  options: ListOptions = {},
): Promise<RenderSummary> {
  return renderList(result, sink, {
    headers: options.headers,
    nullValue: options.nullValue,
    columnSeparator: options.columnSeparator ?? ASCII_SEPARATORS.column,
    rowSeparator: options.rowSeparator ?? ASCII_SEPARATORS.row,
  });
}
