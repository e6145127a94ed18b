/**
 * The `line` format, as DuckDB's `.mode line` (and psql's `\x`), byte for byte: one
 * `name = value` line per column, names right-aligned to the widest (at least 5; like DuckDB,
 * widths are counted in UTF-8 bytes, so a name with `é` gets one space less), records separated
 * by one blank line. Values are written as they are (a value's own line breaks stay), NULL as
 * `NULL`; a result without rows writes nothing. `.nullvalue TEXT` changes NULL's text and
 * `.separator COL ROW` replaces every line break the format writes with ROW (see
 * {@link LineOptions}). Streams: one chunk at a time, never truncated.
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { NULL_TEXT, writeRowTexts } from "./text_layout.ts";
import type { RenderSummary } from "./values.ts";

/** How records are written. */
export interface LineOptions {
  /** Text for SQL NULL; default `NULL`. */
  readonly nullValue?: string | undefined;
  /** Ends each `name = value` line and separates records (`.separator COL ROW`); default `\n`. */
  readonly rowSeparator?: string | undefined;
}

/** Narrowest the name column of a record is, as in SQLite's and DuckDB's `.mode line`. */
const NAME_WIDTH = 5;

const encoder = new TextEncoder();

/** Writes every row of `result` as a `name = value` record; returns the row count. */
export async function renderLine(
  result: RowsResult,
  sink: TextSink,
  options: LineOptions = {},
): Promise<RenderSummary> {
  const end = options.rowSeparator ?? "\n";
  const sizes = result.columns.map((column) => encoder.encode(column.name).length);
  const width = Math.max(NAME_WIDTH, ...sizes);
  const labels = result.columns.map((column, index) =>
    " ".repeat(width - sizes[index]!) + column.name + " = "
  );
  const nullText = options.nullValue ?? NULL_TEXT;
  const rows = await writeRowTexts(result, sink, (texts, position) => {
    let record = position > 0 ? end : "";
    for (let index = 0; index < texts.length; index++) {
      record += labels[index]! + (texts[index] ?? nullText) + end;
    }
    return record;
  });
  return { rows };
}
