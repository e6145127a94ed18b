/**
 * The renderer registry: one writer per output format, all over streamed chunks.
 *
 * @module
 */
import type { ColumnKind, RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { renderDelimited } from "./delimited.ts";
import { copyThroughFifo } from "./fifo_copy.ts";
import { renderJson } from "./json.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderTable } from "./table.ts";

export { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from "./formats.ts";
import type { OutputFormat } from "./formats.ts";

/** Options that only the table renderer reads. */
export interface TableOptions {
  /** Rows to display at most; 0 = all. The rest are counted, not shown. */
  readonly maxRows: number;
  /** Terminal width in characters to fit the table into; undefined = do not fit. */
  readonly width?: number | undefined;
  /** Use ANSI styling (dim NULL and type row). */
  readonly color: boolean;
}

/** What a renderer reports after writing a result. */
export interface RenderSummary {
  /** Rows in the result (all of them, also those a table did not display). */
  readonly rows: number;
}

/** True for integer, float and decimal columns, which are right-aligned. */
export function isNumericKind(kind: ColumnKind): boolean {
  return kind === "integer" || kind === "float" || kind === "decimal";
}

/**
 * Whether `format` may be written by the engine's own writer (`RowsResult.copyTo`): CSV, TSV,
 * and JSON/JSONL (through JSON lines) when the result's column types allow.
 */
export function mayCopyOutput(format: OutputFormat): boolean {
  return format === "csv" || format === "tsv" || format === "json" || format === "jsonl";
}

/**
 * Writes one result in `format` to `sink`. CSV, TSV, JSON, JSONL and Markdown never truncate;
 * only the table reads `table.maxRows`.
 */
export async function renderResult(
  result: RowsResult,
  format: OutputFormat,
  sink: TextSink,
  table: TableOptions,
): Promise<RenderSummary> {
  switch (format) {
    case "table":
      return await renderTable(result, sink, table);
    case "csv":
      return await copyThroughFifo(result, "csv", sink) ?? await renderDelimited(result, sink, ",");
    case "tsv":
      return await copyThroughFifo(result, "tsv", sink) ??
        await renderDelimited(result, sink, "\t");
    case "json":
      return await copyThroughFifo(result, "jsonl", sink, { jsonArray: true }) ??
        await renderJson(result, sink, false);
    case "jsonl":
      return await copyThroughFifo(result, "jsonl", sink) ?? await renderJson(result, sink, true);
    case "markdown":
      return await renderMarkdown(result, sink);
  }
}
