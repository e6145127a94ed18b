/**
 * The shapes every engine hands to renderers: column metadata and a stream of column chunks.
 *
 * Renderers never see an engine; they read `ResultChunk`s. A DuckDB chunk exposes DuckDB's own
 * vectors; a SQLite page (see the hybrid engine) exposes plain arrays. Both satisfy
 * {@link CellVector}.
 *
 * @module
 */

/**
 * One cell value as an engine returns it: JS primitives (`null`, `boolean`, `number`, `bigint`,
 * `string`), `Uint8Array` for SQLite BLOBs, or a `@duckdb/node-api` value object (decimal, date,
 * timestamp, list, struct, map, …) whose `toString()` is DuckDB's text form.
 */
export type Cell = unknown;

/** How a column's values should be laid out and typed by renderers. */
export type ColumnKind =
  | "integer"
  | "float"
  | "decimal"
  | "boolean"
  | "text"
  | "temporal"
  | "nested"
  | "other";

/** Name and type of one result column. */
export interface ColumnInfo {
  /** Column name as the engine reports it (may repeat; renderers deduplicate for JSON keys). */
  readonly name: string;
  /** SQL type as the serving engine reports it, e.g. `BIGINT`, `DECIMAL(10,2)`, `VARCHAR[]`. */
  readonly type: string;
  /** Coarse class of the type, used for alignment and JSON encoding. */
  readonly kind: ColumnKind;
}

/** Column-major access to one chunk column. `getItem(row)` returns the cell at `row`. */
export interface CellVector {
  /** The cell at `row` (0-based, below the chunk's `rowCount`); null for SQL NULL. */
  getItem(row: number): Cell;
}

/** A chunk of rows in column-major form (DuckDB vectors hold up to 2,048 rows). */
export interface ResultChunk {
  /** Number of rows in this chunk. */
  readonly rowCount: number;
  /** One vector per result column, in column order. */
  readonly columns: readonly CellVector[];
}

/**
 * Formats an engine may write itself: CSV/TSV with a header line and RFC 4180 quoting, and JSONL
 * (one object per line) byte-identical to Noctra's own JSONL renderer.
 */
export type CopyFormat = "csv" | "tsv" | "jsonl";

/** A result that has rows: metadata plus a single-pass stream of chunks. */
export interface RowsResult {
  /** Tells a {@link StatementResult} with rows from a {@link MessageResult}. */
  readonly kind: "rows";
  /** Result columns in order. */
  readonly columns: readonly ColumnInfo[];
  /**
   * The chunks, produced lazily as the engine computes them. Iterate once; a second
   * iteration yields nothing. Breaking out early releases the result.
   */
  chunks(): AsyncIterable<ResultChunk>;
  /**
   * Optional capability: write the whole result in one of {@link RowsResult.copyFormats} to
   * `path` with the engine's own writer, instead of iterating chunks. Returns the rows written.
   * Use either this or `chunks()`, once.
   */
  readonly copyTo?: (path: string, format: CopyFormat) => Promise<number>;
  /** The formats `copyTo` accepts for this result (JSONL only when the column types allow). */
  readonly copyFormats?: readonly CopyFormat[];
}

/** A statement that produced no rows (DDL, SET, USE …): a human message for stderr. */
export interface MessageResult {
  /** Tells a {@link MessageResult} from a {@link RowsResult}. */
  readonly kind: "message";
  /** One line for the user, e.g. `view "airports" → fixtures/airports.csv`; may be empty. */
  readonly message: string;
  /** Rows inserted/updated/deleted when the engine reports it, else undefined. */
  readonly rowsChanged?: number;
  /**
   * A report the user asked for (EXPORT's rows/bytes/time, LET's value): shown in scripts too.
   * Other messages (confirmations of USE, ATTACH, …) are shown only in the REPL.
   */
  readonly report?: boolean;
}

/** What one statement produces. */
export type StatementResult = RowsResult | MessageResult;

/** Chunks holding plain row arrays, for results computed in Noctra (SHOW, DESCRIBE, …). */
export function rowsResultFromArrays(
  columns: readonly ColumnInfo[],
  rows: readonly (readonly Cell[])[],
): RowsResult {
  return {
    kind: "rows",
    columns,
    async *chunks() {
      const pageSize = 2048;
      for (let offset = 0; offset < rows.length; offset += pageSize) {
        const page = rows.slice(offset, offset + pageSize);
        yield {
          rowCount: page.length,
          columns: columns.map((_, columnIndex) => ({
            getItem: (row: number) => page[row]?.[columnIndex] ?? null,
          })),
        };
      }
    },
  };
}

/** Iterates a result row by row (row = array of cells in column order). */
export async function* iterateRows(result: RowsResult): AsyncGenerator<Cell[]> {
  for await (const chunk of result.chunks()) {
    for (let row = 0; row < chunk.rowCount; row++) {
      yield chunk.columns.map((vector) => vector.getItem(row));
    }
  }
}
