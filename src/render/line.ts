/**
 * The `line` format, as DuckDB's `.mode line` (and psql's `\x`): one `name = value` line per
 * column, names right-aligned to the widest (at least 5 characters), records separated by one
 * blank line. Values are written as they are (a value's own line breaks stay), NULL as `NULL`;
 * a result without rows writes nothing (the REPL's `.nullvalue TEXT` changes NULL's text, see
 * {@link LineOptions}). Streams: one chunk at a time, never truncated.
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { recordLines, writeRowTexts } from "./text_layout.ts";
import type { RenderSummary } from "./values.ts";

/** How records are written. */
export interface LineOptions {
  /** Text for SQL NULL; default `NULL`. */
  readonly nullValue?: string | undefined;
}

/** Writes every row of `result` as a `name = value` record; returns the row count. */
export async function renderLine(
  result: RowsResult,
  sink: TextSink,
  options: LineOptions = {},
): Promise<RenderSummary> {
  const names = result.columns.map((column) => column.name);
  const nullValue = options.nullValue;
  const styleNull = nullValue === undefined ? undefined : () => nullValue;
  const rows = await writeRowTexts(
    result,
    sink,
    (texts, position) => (position > 0 ? "\n" : "") + recordLines(names, texts, styleNull),
  );
  return { rows };
}
