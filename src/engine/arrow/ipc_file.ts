/**
 * Arrow IPC for Noctra, built on `apache-arrow`: the DuckDB here has no `arrow` extension, so it
 * can neither `COPY … TO '….arrow'` nor read Arrow IPC itself.
 *
 * - {@link writeArrowIpcFile}: streams a {@link RowsResult} into an Arrow IPC *file* (`.arrow`,
 *   Feather v2), one record batch per few engine chunks, never holding the whole result.
 * - {@link loadArrowIpcIntoDuckDB}: reads an Arrow IPC file or stream batch by batch and
 *   appends it into a (re)created DuckDB table with data chunks.
 *
 * The conversions themselves live next door: DuckDB → Arrow in encode.ts (also
 * `resultToArrowTable`, the same conversion collected into an `apache-arrow` `Table`), Arrow →
 * DuckDB in decode.ts and cell_readers.ts, each with its type mapping.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import { RecordBatchFileWriter, Schema } from "npm:apache-arrow@21.2.0";
import type { DuckDBSource } from "../sources/duckdb_source.ts";
import type { RowsResult } from "../result.ts";
import { NoctraError } from "../../errors.ts";
import { quoteIdentifier } from "../../sql_text.ts";
import { appendBatches, loadColumnFor } from "./decode.ts";
import { DenoFileHandle, DrainableByteQueue, openReader, writeFully } from "./deno_file_io.ts";
import { arrowStream, type ArrowWriteOptions } from "./encode.ts";
import { messageOf, notArrow } from "./error_text.ts";

/**
 * Writes `result` as an Arrow IPC file (`.arrow` / Feather v2, `RecordBatchFileWriter`) at
 * `path`, streaming: chunks are converted as they arrive, gathered into record batches of about
 * `options.batchRows` rows and written out batch by batch, so memory holds one batch at a time.
 * The type mapping is in encode.ts's module documentation (DuckDB here lacks the arrow
 * extension, so this is done in TypeScript with `apache-arrow`).
 *
 * Returns the rows written and the file's size in bytes. An empty result still writes a valid
 * file with the schema and no batches. Throws {@link NoctraError} when the file cannot be
 * written or a value does not fit its Arrow type (HUGEINT beyond 38 digits, a SQLite cell of
 * another storage class); the partial file is removed. Engine errors (DuckDB) propagate as is.
 * Consumes `result` (its chunks can be read once).
 */
export async function writeArrowIpcFile(
  result: RowsResult,
  path: string,
  options: ArrowWriteOptions = {},
): Promise<{ rows: number; bytes: number }> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, create: true, truncate: true });
  } catch (error) {
    throw new NoctraError(`cannot write Arrow file ${path}: ${messageOf(error)}`, undefined, {
      cause: error,
    });
  }
  let rows = 0;
  let bytes = 0;
  let finished = false;
  try {
    const sink = new DrainableByteQueue();
    const writer = new RecordBatchFileWriter();
    const flush = async () => {
      bytes += await writeFully(file, path, sink.take());
    };
    for await (const item of arrowStream(result, options)) {
      if (item instanceof Schema) {
        writer.reset(sink, item);
      } else {
        writer.write(item);
        rows += item.numRows;
        await flush();
      }
    }
    writer.close();
    await flush();
    finished = true;
  } finally {
    file.close();
    if (!finished) await Deno.remove(path).catch(() => {});
  }
  return { rows, bytes };
}

/**
 * Loads the Arrow IPC file or stream at `path` into the DuckDB table `table` (DuckDB here lacks
 * the arrow extension, so the file is read with `apache-arrow`):
 * `CREATE OR REPLACE TABLE catalog.schema.name (…)` with the mapped types (cell_readers.ts's
 * module documentation), then every record batch is appended through a `DuckDBAppender` with
 * one reused `DuckDBDataChunk` of at most 2,048 rows. The file is read batch by batch (random
 * access for the file format, sequentially for the stream format), never whole.
 *
 * The load runs in its own transaction when none is open, so a failure leaves any previous table
 * of that name untouched; inside a user's transaction it joins it. Returns the rows appended and
 * the column count.
 *
 * Throws {@link NoctraError} when the file cannot be opened, is not Arrow IPC (naming the file),
 * or has a column of a type DuckDB cannot hold (naming the column and its Arrow type; checked
 * before anything is created). DuckDB's errors (catalog not found, duplicate column names)
 * propagate.
 */
export async function loadArrowIpcIntoDuckDB(
  duckdb: DuckDBSource,
  path: string,
  table: { catalog: string; schema: string; name: string },
): Promise<{ rows: number; columns: number }> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw new NoctraError(`cannot open Arrow file ${path}: ${messageOf(error)}`, undefined, {
      cause: error,
    });
  }
  const handle = new DenoFileHandle(file);
  try {
    const size = (await file.stat()).size;
    await checkArrowSignature(handle, size, path);
    let reader: Awaited<ReturnType<typeof openReader>>;
    try {
      reader = await openReader(handle);
    } catch (error) {
      throw notArrow(path, error);
    }
    const schema = reader.schema;
    if (schema === null || schema === undefined) throw notArrow(path, "no schema message");
    const columns = schema.fields.map((field) => loadColumnFor(field, path));
    if (columns.length === 0) throw new NoctraError(`cannot load ${path}: it has no columns`);
    const target = `${quoteIdentifier(table.catalog)}.${quoteIdentifier(table.schema)}.${
      quoteIdentifier(table.name)
    }`;
    const ownTransaction = await beginTransaction(duckdb);
    try {
      await duckdb.run(
        `CREATE OR REPLACE TABLE ${target} (${
          columns.map((column) => `${quoteIdentifier(column.name)} ${column.duckType.toString()}`)
            .join(", ")
        })`,
      );
      const rows = await appendBatches(duckdb, table, reader, columns, path);
      if (ownTransaction) await duckdb.run("COMMIT");
      return { rows, columns: columns.length };
    } catch (error) {
      if (ownTransaction) await duckdb.run("ROLLBACK").catch(() => {});
      throw error;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Opens a transaction unless one is open already (then the load joins it). Probing with a
 * `BEGIN` is not an option: a failed BEGIN aborts the user's transaction. In autocommit mode
 * every statement runs in a new transaction, so two reads of `current_transaction_id()` differ;
 * inside `BEGIN … COMMIT` they are equal.
 */
async function beginTransaction(duckdb: DuckDBSource): Promise<boolean> {
  const id = async () => String((await duckdb.readAll("SELECT current_transaction_id()"))[0]?.[0]);
  if (await id() === await id()) return false;
  await duckdb.run("BEGIN TRANSACTION");
  return true;
}

const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

/**
 * Refuses files that start neither like the IPC file format (`ARROW1`) nor like a stream (the
 * 0xFFFFFFFF continuation marker, or a legacy positive metadata length).
 */
async function checkArrowSignature(
  handle: DenoFileHandle,
  size: number,
  path: string,
): Promise<void> {
  if (size < 8) throw notArrow(path, `${size} bytes`);
  const head = new Uint8Array(8);
  try {
    await handle.read(head, 0, 8, 0);
  } catch (error) {
    throw notArrow(path, error);
  }
  if (ARROW_MAGIC.every((byte, index) => head[index] === byte)) {
    if (size < 22) throw notArrow(path, "truncated");
    return;
  }
  const marker = new DataView(head.buffer).getInt32(0, true);
  if (marker === -1) return;
  if (marker > 0 && marker < size) return;
  throw notArrow(path, "no ARROW1 magic or stream message header");
}
