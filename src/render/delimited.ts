/**
 * CSV and TSV writers over streamed chunks (RFC 4180 quoting, as DuckDB's `COPY … (FORMAT csv)`):
 * a field is quoted when it holds the delimiter, a quote, CR, LF or `#` (DuckDB's writer quotes
 * `#` because its reader may take it for a comment); quotes double; NULL is an empty field and
 * the empty string is `""`, so the two stay distinguishable. The same rules as the DuckDB fast
 * path (fifo_copy.ts), so output does not depend on which path wrote it.
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

/** Writes a header line and every row, never truncating. Returns the row count. */
export async function renderDelimited(
  result: RowsResult,
  sink: TextSink,
  delimiter: string,
): Promise<RenderSummary> {
  await sink.write(
    result.columns.map((column) => quoteField(column.name, delimiter)).join(delimiter) + "\n",
  );
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
      }
      lines[row] = line;
    }
    rows += chunk.rowCount;
    if (chunk.rowCount > 0) await sink.write(lines.join("\n") + "\n");
  }
  return { rows };
}
