/**
 * The last result kept in memory, for the REPL's `.last` (show it again, untruncated) and
 * `.chart` (draw it). A result streams to its renderer as always; {@link keepLastResult} wraps it
 * so that its first rows are copied on the way, up to {@link LAST_RESULT_ROWS} rows and
 * {@link LAST_RESULT_CELLS} cells, while the rest are only counted. Memory stays bounded
 * whatever the result's size.
 *
 * The wrapper offers no `copyTo`: a kept result is written through its chunks, never by the
 * engine's own writer (which would bypass the copy).
 *
 * @module
 */
import {
  type Cell,
  type ColumnInfo,
  type RowsResult,
  rowsResultFromArrays,
} from "../engine/result.ts";
import { groupedDigits } from "./values.ts";

/** Rows kept at most. */
export const LAST_RESULT_ROWS = 10_000;
/** Cells (rows × columns) kept at most, so that a very wide result stays bounded too. */
export const LAST_RESULT_CELLS = 1_000_000;

/** A result's first rows, kept after it was rendered. */
export interface LastResult {
  /** The result's columns. */
  readonly columns: readonly ColumnInfo[];
  /** The kept rows (cells in column order), at most the limits. */
  readonly rows: readonly (readonly Cell[])[];
  /** Rows the renderer read in all (kept or not). */
  readonly totalRows: number;
  /** True when the stream was read to its end, so `totalRows` is the result's row count. */
  readonly ended: boolean;
}

/** The limits of {@link keepLastResult}. */
export interface KeepLimits {
  /** Rows kept at most (default {@link LAST_RESULT_ROWS}). */
  readonly rows?: number;
  /** Cells kept at most (default {@link LAST_RESULT_CELLS}). */
  readonly cells?: number;
}

/** A result wrapped to keep its first rows: render `result`, then read `last()`. */
export interface KeptResult {
  /** The same result, to hand to the renderer instead of the original. */
  readonly result: RowsResult;
  /** What was kept so far (call after rendering). */
  last(): LastResult;
}

/**
 * Wraps `result` so that rendering it keeps its first rows. The REPL renders `kept.result`, then
 * stores `kept.last()` as the session's last result (only when the statement succeeded).
 *
 * @example
 * ```ts
 * import { keepLastResult } from "./last_result.ts";
 * import { rowsResultFromArrays } from "../engine/result.ts";
 * import { strictEqual } from "node:assert/strict";
 * const source = rowsResultFromArrays([{ name: "n", type: "INTEGER", kind: "integer" }], [[1], [2], [3]]);
 * const kept = keepLastResult(source, { rows: 2 });
 * for await (const _ of kept.result.chunks()); // what a renderer does
 * strictEqual(kept.last().rows.length, 2);
 * strictEqual(kept.last().totalRows, 3);
 * ```
 */
export function keepLastResult(result: RowsResult, limits: KeepLimits = {}): KeptResult {
  const columnCount = Math.max(1, result.columns.length);
  const rowLimit = Math.min(
    limits.rows ?? LAST_RESULT_ROWS,
    Math.floor((limits.cells ?? LAST_RESULT_CELLS) / columnCount),
  );
  const rows: Cell[][] = [];
  let totalRows = 0;
  let ended = false;
  return {
    result: {
      kind: "rows",
      columns: result.columns,
      async *chunks() {
        for await (const chunk of result.chunks()) {
          const keep = Math.min(chunk.rowCount, rowLimit - rows.length);
          for (let row = 0; row < keep; row++) {
            rows.push(chunk.columns.map((vector) => vector.getItem(row)));
          }
          totalRows += chunk.rowCount;
          yield chunk;
        }
        ended = true;
      },
    },
    last: () => ({ columns: result.columns, rows: [...rows], totalRows, ended }),
  };
}

/** The kept rows as a result again, for `.last` to render (with no row limit). */
export function lastResultRows(last: LastResult): RowsResult {
  return rowsResultFromArrays(last.columns, last.rows);
}

/**
 * One line saying what `.last` cannot show, or undefined when it holds the whole result:
 * `kept the first 10,000 of 1,234,567 rows`, or `kept 2,048 rows; the result was not read to its
 * end`.
 *
 * @example
 * ```ts
 * import { lastResultNote } from "./last_result.ts";
 * import { strictEqual } from "node:assert/strict";
 * const last = { columns: [], rows: [[1]], totalRows: 20000, ended: true };
 * strictEqual(lastResultNote(last), "kept the first 1 of 20,000 rows");
 * ```
 */
export function lastResultNote(last: LastResult): string | undefined {
  const kept = groupedDigits(last.rows.length);
  if (!last.ended) {
    return `kept ${kept} ${
      last.rows.length === 1 ? "row" : "rows"
    }; the result was not read to its end`;
  }
  if (last.rows.length < last.totalRows) {
    return `kept the first ${kept} of ${groupedDigits(last.totalRows)} rows`;
  }
  return undefined;
}
