/**
 * The DuckDB CLI's SQL-literal modes, byte for byte:
 *
 * - `insert` (`.mode insert TABLE`): one `INSERT INTO table(col,…) VALUES(…);` per row. The
 *   table (default `table`) and the columns are quoted only when DuckDB would (`"table"`,
 *   `"bill length"`); `.headers off` drops the column list. Numbers are written as they are,
 *   NULL as `NULL`, everything else (text, dates, booleans, lists, blobs as their text) as a
 *   string literal, a line break, carriage return or NUL inside it as `concat('…', chr(10), '…')`.
 * - `quote` (`.mode quote`): a header line of `'names'`, then the rows `,`-separated (or
 *   `.separator`), numbers and booleans as they are, NULL as `NULL` (`.nullvalue` does not
 *   apply), everything else as a string literal (line breaks kept as they are).
 *
 * Numbers are DuckDB's numeric types (integers, DECIMAL, FLOAT, DOUBLE); BIGNUM is written as a
 * string, as DuckDB does. Values such as `nan` and `inf` are written bare, as DuckDB writes them.
 * Streams: one write per chunk.
 *
 * @module
 */
import type { ColumnInfo, RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { sqlIdentifier } from "./sql_keywords.ts";
import { writeRowTexts } from "./text_layout.ts";
import { isNumericKind, type RenderSummary } from "./values.ts";

/** The table name of `insert` when none is set, as DuckDB's default. */
export const DEFAULT_INSERT_TABLE = "table";

/** What `insert` and `quote` read besides the result. */
export interface SqlLiteralOptions {
  /** The column list of `insert`, the header line of `quote` (`.headers`); default true. */
  readonly headers?: boolean | undefined;
  /** `insert`: the table written into (`.mode insert TABLE`), unquoted; default `table`. */
  readonly table?: string | undefined;
  /** `quote`: between fields (`.separator COL`); default `,`. */
  readonly columnSeparator?: string | undefined;
  /** `quote`: after each line (`.separator COL ROW`); default a line break. */
  readonly rowSeparator?: string | undefined;
}

/** True for the types DuckDB's `LogicalType::IsNumeric` accepts (BIGNUM is not one). */
export function isSqlNumeric(column: ColumnInfo): boolean {
  return isNumericKind(column.kind) && !/^(BIGNUM|VARINT)\b/i.test(column.type);
}

/** `text` as a SQL string literal: quotes doubled. */
function quoted(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** `text` as DuckDB's `insert` mode writes it: a literal, `concat(…, chr(10), …)` for breaks. */
function insertLiteral(text: string): string {
  if (!/[\n\r\0]/.test(text)) return quoted(text);
  const parts = text.replaceAll("'", "''").replace(
    /[\n\r\0]/g,
    (char) => `', chr(${char === "\n" ? 10 : char === "\r" ? 13 : 0}), '`,
  );
  return `concat('${parts}')`;
}

/** Writes one `INSERT` statement per row of `result`; returns the row count. */
export async function renderInsert(
  result: RowsResult,
  sink: TextSink,
  options: SqlLiteralOptions = {},
): Promise<RenderSummary> {
  let prefix = `INSERT INTO ${sqlIdentifier(options.table ?? DEFAULT_INSERT_TABLE)}`;
  if (options.headers !== false) {
    prefix += `(${result.columns.map((column) => sqlIdentifier(column.name)).join(",")})`;
  }
  prefix += " VALUES(";
  const numeric = result.columns.map(isSqlNumeric);
  const rows = await writeRowTexts(result, sink, (texts) => {
    let line = prefix;
    for (let index = 0; index < texts.length; index++) {
      const text = texts[index]!;
      if (index > 0) line += ",";
      line += text === null ? "NULL" : numeric[index] ? text : insertLiteral(text);
    }
    return line + ");\n";
  });
  return { rows };
}

/** Writes `result` as SQL literals, a header line of quoted names first; returns the row count. */
export async function renderQuote(
  result: RowsResult,
  sink: TextSink,
  options: SqlLiteralOptions = {},
): Promise<RenderSummary> {
  const separator = options.columnSeparator ?? ",";
  const end = options.rowSeparator ?? "\n";
  if (options.headers !== false) {
    await sink.write(result.columns.map((column) => quoted(column.name)).join(separator) + end);
  }
  const bare = result.columns.map((column) => isSqlNumeric(column) || column.kind === "boolean");
  const rows = await writeRowTexts(
    result,
    sink,
    (texts) =>
      texts.map((text, index) => text === null ? "NULL" : bare[index] ? text : quoted(text))
        .join(separator) + end,
  );
  return { rows };
}
