/**
 * The renderer registry: one writer per output format, all over streamed chunks. The dispatcher
 * imports the renderers; the renderers import only the shared helpers (`values.ts`,
 * `cell_text.ts`, `sink.ts`, `text_layout.ts`, `render_width.ts`, `sql_keywords.ts`, and the
 * table its own `table_layout.ts`).
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { renderColumns } from "./columns.ts";
import { renderDelimited } from "./delimited.ts";
import { copyThroughFifo } from "./fifo_copy.ts";
import { renderHtml, renderTcl } from "./html.ts";
import { renderInsert, renderQuote } from "./insert.ts";
import { renderJson } from "./json.ts";
import { renderLine } from "./line.ts";
import { renderAscii, renderList } from "./list.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderTable, type TableOptions } from "./table.ts";
import { renderTrash } from "./trash.ts";
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
 * What the text formats show besides the values, as the DuckDB CLI's dot-commands set them. Each
 * applies to the formats the DuckDB CLI applies it to, and is ignored by the others.
 */
export interface TextOptions {
  /**
   * `.headers`: the header line of `csv`, `tsv`, `list`, `quote`, `tcl`, `html`, `ascii` and
   * `column`, and the column list of `insert` (default true).
   */
  readonly headers?: boolean | undefined;
  /**
   * `.nullvalue`: text for SQL NULL in `table`, `line`, `list`, `csv`, `tsv`, `html`, `tcl`,
   * `ascii` and the padded modes (`column`, `asciitable`, `box`, `latex`); default each format's
   * own (`NULL`, or an empty field in `csv` and `tsv`). JSON, JSONL, Markdown, `insert` and
   * `quote` keep theirs.
   */
  readonly nullValue?: string | undefined;
  /**
   * `.separator COL`: between the fields of `list`, `csv`, `tsv`, `quote`, `tcl` and `ascii`;
   * default each format's own (`|`, `,`, tab, `,`, space, 0x1F).
   */
  readonly columnSeparator?: string | undefined;
  /**
   * `.separator COL ROW`: after each line of `list`, `csv`, `tsv`, `quote`, `tcl` and `ascii`
   * (default a line break; 0x1E for `ascii`), and in place of every line break of `line`.
   */
  readonly rowSeparator?: string | undefined;
  /**
   * `.width N …`: least widths of the first columns of `column`, `asciitable`, `box` and `latex`
   * (negative: right-aligned); absent or 0: as wide as the content.
   */
  readonly columnWidths?: readonly number[] | undefined;
  /** `.mode insert TABLE`: the table `insert` writes into; default `table`, as DuckDB's. */
  readonly insertTable?: string | undefined;
}

/** Whether `text` changes what the delimited formats write (then DuckDB's writer is not used). */
export function changesDelimited(text: TextOptions): boolean {
  return text.headers === false || text.nullValue !== undefined ||
    text.columnSeparator !== undefined || text.rowSeparator !== undefined;
}

/**
 * Writes one result in `format` to `sink`. No format but the table truncates; only the table
 * reads `table` (`maxRows`, width, colour, number separators); `text` sets what the dot-commands
 * set for the others (see {@link TextOptions}).
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
      if (changesDelimited(text)) {
        return await renderDelimited(result, sink, text.columnSeparator ?? delimiter, text);
      }
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
    case "ascii":
      return await renderAscii(result, sink, text);
    case "insert":
      return await renderInsert(result, sink, { headers: text.headers, table: text.insertTable });
    case "quote":
      return await renderQuote(result, sink, text);
    case "html":
      return await renderHtml(result, sink, text);
    case "tcl":
      return await renderTcl(result, sink, text);
    case "column":
    case "asciitable":
    case "box":
    case "latex":
      return await renderColumns(result, sink, format, { ...text, widths: text.columnWidths });
    case "trash":
      return await renderTrash(result);
  }
}
