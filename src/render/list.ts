/**
 * The `list` format, as DuckDB's `.mode list`: a header line of column names, then one line per
 * row, fields separated by `|` and written as they are — no quoting, NULL as `NULL` — so the
 * output reads well and pipes into `cut -d'|'`, but is not a CSV (use `csv` to round-trip
 * values holding `|` or line breaks). Streams: one chunk at a time, never truncated. The REPL's
 * `.headers off` and `.nullvalue TEXT` drop the header and change NULL's text.
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

/**
 * Writes the header (unless `options.headers` is false) and every row of `result`,
 * `|`-separated, NULL as `options.nullValue` (default `NULL`); returns the row count.
 */
export async function renderList(
  result: RowsResult,
  sink: TextSink,
  options: DelimitedOptions = {},
): Promise<RenderSummary> {
  if (options.headers !== false) {
    await sink.write(result.columns.map((column) => column.name).join(LIST_SEPARATOR) + "\n");
  }
  const nullText = options.nullValue ?? NULL_TEXT;
  const rows = await writeRowTexts(
    result,
    sink,
    (texts) => texts.map((text) => text ?? nullText).join(LIST_SEPARATOR) + "\n",
  );
  return { rows };
}
