/**
 * CSV and TSV writers over streamed chunks (RFC 4180 quoting, as DuckDB's `COPY … (FORMAT csv)`):
 * a field is quoted when it holds the delimiter, a quote, CR, LF or `#` (DuckDB's writer quotes
 * `#` because its reader may take it for a comment); quotes double; NULL is an empty field and
 * the empty string is `""`, so the two stay distinguishable. The same rules as the DuckDB fast
 * path (fifo_copy.ts), so output does not depend on which path wrote it. The REPL's `.headers off`
 * and `.nullvalue TEXT` ({@link DelimitedOptions}) drop the header line and write NULL as TEXT,
 * and `.separator COL ROW` replaces the delimiter and the line break, as in the DuckDB CLI's
 * csv and tabs modes (a field holding COL or ROW is then quoted).
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { type RenderSummary, textFormatter } from "./values.ts";

/**
 * Quotes one field for a delimited file when it needs quoting: when it holds the delimiter (of
 * any length), a quote, CR, LF, `#`, or `rowEnd` when that is not a line break.
 */
export function quoteField(text: string, delimiter: string, rowEnd = "\n"): string {
  if (text === "") return '""';
  let needsQuotes = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === delimiter || char === '"' || char === "\n" || char === "\r" || char === "#") {
      needsQuotes = true;
      break;
    }
  }
  if (!needsQuotes && delimiter.length > 1) needsQuotes = text.includes(delimiter);
  if (!needsQuotes && rowEnd !== "\n" && rowEnd !== "") needsQuotes = text.includes(rowEnd);
  return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}

/** How a delimited file is written beyond its delimiter. */
export interface DelimitedOptions {
  /** Write the header line of column names (default true). */
  readonly headers?: boolean | undefined;
  /** Text written, as it is, for SQL NULL; default an empty field. */
  readonly nullValue?: string | undefined;
  /** Ends each line (`.separator COL ROW`); default a line break. */
  readonly rowSeparator?: string | undefined;
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
  const end = options.rowSeparator ?? "\n";
  const quote = (text: string) => quoteField(text, delimiter, end);
  if (options.headers !== false) {
    await sink.write(result.columns.map((column) => quote(column.name)).join(delimiter) + end);
  }
  const nullValue = options.nullValue;
  let rows = 0;
  const columnCount = result.columns.length;
  const formatters = result.columns.map((column) => textFormatter(column.kind, column.type));
  for await (const chunk of result.chunks()) {
    const lines = new Array<string>(chunk.rowCount);
    for (let row = 0; row < chunk.rowCount; row++) {
      let line = "";
      for (let column = 0; column < columnCount; column++) {
        const text = formatters[column]!(chunk.columns[column]!.getItem(row));
        if (column > 0) line += delimiter;
        if (text !== null) line += quote(text);
        else if (nullValue !== undefined) line += nullValue;
      }
      lines[row] = line;
    }
    rows += chunk.rowCount;
    if (chunk.rowCount > 0) await sink.write(lines.join(end) + end);
  }
  return { rows };
}
