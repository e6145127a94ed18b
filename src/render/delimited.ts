/**
 * CSV and TSV writers over streamed chunks (RFC 4180 quoting, as DuckDB's `COPY … (FORMAT csv)`):
 * a field is quoted when it holds the delimiter, a quote, CR, LF or `#` (DuckDB's writer quotes
 * `#` because its reader may take it for a comment); quotes double; NULL is an empty field and
 * the empty string is `""`, so the two stay distinguishable. The same rules as the DuckDB fast
 * path (fifo_copy.ts), so output does not depend on which path wrote it. The REPL's `.headers off`
 * and `.nullvalue TEXT` ({@link DelimitedOptions}) drop the header line and write NULL as TEXT,
 * as the DuckDB CLI's csv mode does.
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { type RenderSummary, textFormatter } from "./values.ts";

/** Quotes one field for a delimited file when it needs quoting. */
export function quoteField(text: string, delimiter: string): string {
  if (text === "") return '""';
  let needsQuotes = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === delimiter || char === '"' || char === "\n" || char === "\r" || char === "#") {
      needsQuotes = true;
      break;
    }
  }
  return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}

/** How a delimited file is written beyond its delimiter. */
export interface DelimitedOptions {
  /** Write the header line of column names (default true). */
  readonly headers?: boolean | undefined;
  /** Text written, as it is, for SQL NULL; default an empty field. */
  readonly nullValue?: string | undefined;
}

/**
 * Writes a header line (unless `options.headers` is false) and every row, never truncating.
 * Returns the row count.
 */
export async function renderDelimited(
  result: RowsResult,
  sink: TextSink,
  delimiter: string,
  options: DelimitedOptions = {},
): Promise<RenderSummary> {
  if (options.headers !== false) {
    await sink.write(
      result.columns.map((column) => quoteField(column.name, delimiter)).join(delimiter) + "\n",
    );
  }
  const nullValue = options.nullValue;
  let rows = 0;
  const columnCount = result.columns.length;
  const formatters = result.columns.map((column) => textFormatter(column.kind));
  for await (const chunk of result.chunks()) {
    const lines = new Array<string>(chunk.rowCount);
    for (let row = 0; row < chunk.rowCount; row++) {
      let line = "";
      for (let column = 0; column < columnCount; column++) {
        const text = formatters[column]!(chunk.columns[column]!.getItem(row));
        if (column > 0) line += delimiter;
        if (text !== null) line += quoteField(text, delimiter);
        else if (nullValue !== undefined) line += nullValue;
      }
      lines[row] = line;
    }
    rows += chunk.rowCount;
    if (chunk.rowCount > 0) await sink.write(lines.join("\n") + "\n");
  }
  return { rows };
}
