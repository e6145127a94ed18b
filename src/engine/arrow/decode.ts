/**
 * Arrow → DuckDB loading: each Arrow field becomes a {@link LoadColumn} (its DuckDB type and cell
 * reader from cell_readers.ts, where the type mapping is documented), and {@link appendBatches}
 * appends Arrow record batches to a DuckDB table through an appender and one reused data chunk.
 * `loadArrowIpcIntoDuckDB` in ipc_file.ts opens the file and creates the table.
 *
 * ## Speed
 *
 * Loading builds one DuckDB value per cell for `DuckDBDataChunk.setColumnValues`, 2,048 rows at
 * a time.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import { DuckDBDataChunk, type DuckDBType, type DuckDBValue } from "../duckdb_api.ts";
import type { Field, RecordBatch } from "npm:apache-arrow@21.2.0";
import type { DuckDBSource } from "../sources/duckdb_source.ts";
import { NoctraError } from "../../errors.ts";
import { type CellReader, readerFor, UnsupportedArrowType } from "./cell_readers.ts";
import { DUCKDB_CHUNK_ROWS } from "./duckdb_types.ts";
import { notArrow } from "./error_text.ts";

/** One column to load: its name, its DuckDB type, and how to read its Arrow cells. */
export interface LoadColumn {
  readonly name: string;
  readonly duckType: DuckDBType;
  readonly read: CellReader;
}

/**
 * The {@link LoadColumn} of Arrow `field`. Throws {@link NoctraError} naming `path`, the column
 * and its Arrow type when DuckDB has no equivalent type (mapping in cell_readers.ts).
 */
export function loadColumnFor(field: Field, path: string): LoadColumn {
  try {
    const { duckType, read } = readerFor(field.type);
    return { name: field.name, duckType, read };
  } catch (error) {
    if (error instanceof UnsupportedArrowType) {
      throw new NoctraError(
        `cannot load ${path}: column "${field.name}" has Arrow type ${field.type}` +
          (error.inner === field.type ? "" : ` (its ${error.inner})`) +
          `, which has no DuckDB equivalent here${error.reason ? ` (${error.reason})` : ""}`,
      );
    }
    throw error;
  }
}

/**
 * Appends every record batch of `reader` to the existing DuckDB table `table` through a
 * `DuckDBAppender`, one reused `DuckDBDataChunk` of at most 2,048 rows at a time, and returns
 * the rows appended. A batch that cannot be read throws {@link NoctraError} naming `path`;
 * DuckDB's errors propagate. The appender is flushed at the end and always closed.
 */
export async function appendBatches(
  duckdb: DuckDBSource,
  table: { catalog: string; schema: string; name: string },
  reader: AsyncIterable<RecordBatch>,
  columns: readonly LoadColumn[],
  path: string,
): Promise<number> {
  const appender = await duckdb.appender(table.catalog, table.schema, table.name);
  let rows = 0;
  try {
    if (columns.length === 0) return 0;
    const chunk = DuckDBDataChunk.create(columns.map((column) => column.duckType));
    const full = columns.map(() => new Array<DuckDBValue>(DUCKDB_CHUNK_ROWS));
    const iterator = reader[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<RecordBatch>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw notArrow(path, error);
      }
      if (next.done) break;
      const batch = next.value;
      const columnData = columns.map((_, index) => batch.data.children[index]!);
      for (let start = 0; start < batch.numRows; start += DUCKDB_CHUNK_ROWS) {
        const count = Math.min(DUCKDB_CHUNK_ROWS, batch.numRows - start);
        chunk.reset();
        chunk.rowCount = count;
        columns.forEach((column, index) => {
          const values = count === DUCKDB_CHUNK_ROWS ? full[index]! : new Array<DuckDBValue>(count);
          const data = columnData[index]!;
          const read = column.read;
          for (let row = 0; row < count; row++) values[row] = read(data, start + row);
          chunk.setColumnValues(index, values);
        });
        appender.appendDataChunk(chunk);
        rows += count;
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return rows;
}
