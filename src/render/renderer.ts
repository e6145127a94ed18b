/**
 * The renderer registry: one writer per output format, all over streamed chunks. The dispatcher
 * imports the renderers; the renderers import only the shared helpers (`values.ts`, `sink.ts`,
 * `text_layout.ts`, and the table its own `table_layout.ts`).
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { renderDelimited } from "./delimited.ts";
import { copyThroughFifo } from "./fifo_copy.ts";
import { renderJson } from "./json.ts";
import { renderLine } from "./line.ts";
import { renderList } from "./list.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderTable, type TableOptions } from "./table.ts";
import type { RenderSummary } from "./values.ts";

import type { OutputFormat } from "./formats.ts";

export { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from "./formats.ts";
export { fittedWidth, type TableOptions } from "./table.ts";
export type { RenderSummary } from "./values.ts";

/**
 * Whether `format` may be written by the engine's own writer (`RowsResult.copyTo`): CSV, TSV,
 * and JSON/JSONL (through JSON lines) when the result's column types allow.
 */
export function mayCopyOutput(format: OutputFormat): boolean {
  return format === "csv" || format === "tsv" || format === "json" || format === "jsonl";
}

/**
 * What the text formats show besides the values, as the DuckDB CLI's `.headers` and
 * `.nullvalue` set them.
 */
export interface TextOptions {
  /** The header line of `csv`, `tsv` and `list` (default true). */
  readonly headers?: boolean | undefined;
  /**
   * Text for SQL NULL in `table`, `line`, `list`, `csv` and `tsv`; default each format's own
   * (`NULL`, or an empty field in `csv` and `tsv`). JSON, JSONL and Markdown keep theirs.
   */
  readonly nullValue?: string | undefined;
}

/** Whether `text` changes what the delimited formats write (then DuckDB's writer is not used). */
function changesDelimited(text: TextOptions): boolean {
  return text.headers === false || text.nullValue !== undefined;
}

/**
 * Writes one result in `format` to `sink`. CSV, TSV, JSON, JSONL, Markdown, line and list never
 * truncate; only the table reads `table` (`maxRows`, width, colour); `text` sets the header line
 * and NULL's text (see {@link TextOptions}).
 */
export async function renderResult(
  result: RowsResult,
  format: OutputFormat,
  sink: TextSink,
  table: TableOptions,
  text: TextOptions = {},
): Promise<RenderSummary> {
  switch (format) {
    case "table":
      return await renderTable(
        result,
        sink,
        text.nullValue === undefined ? table : { ...table, nullValue: text.nullValue },
      );
    case "csv":
    case "tsv": {
      const delimiter = format === "csv" ? "," : "\t";
      if (changesDelimited(text)) return await renderDelimited(result, sink, delimiter, text);
      return await copyThroughFifo(result, format, sink) ??
        await renderDelimited(result, sink, delimiter);
    }
    case "json":
      return await copyThroughFifo(result, "jsonl", sink, { jsonArray: true }) ??
        await renderJson(result, sink, false);
    case "jsonl":
      return await copyThroughFifo(result, "jsonl", sink) ?? await renderJson(result, sink, true);
    case "markdown":
      return await renderMarkdown(result, sink);
    case "line":
      return await renderLine(result, sink, text);
    case "list":
      return await renderList(result, sink, text);
  }
}
