/**
 * Arrow IPC for Noctra, built on `apache-arrow`: the DuckDB here has no `arrow` extension, so it
 * can neither `COPY … TO '….arrow'` nor read Arrow IPC itself.
 *
 * - {@link writeArrowIpcFile}: streams a {@link RowsResult} into an Arrow IPC *file* (`.arrow`,
 *   Feather v2), one record batch per few engine chunks, never holding the whole result.
 * - {@link resultToArrowTable}: the same conversion, collected into an `apache-arrow` `Table`.
 * - {@link loadArrowIpcIntoDuckDB}: reads an Arrow IPC file or stream batch by batch and
 *   appends it into a (re)created DuckDB table with data chunks.
 *
 * ## DuckDB → Arrow
 *
 * | DuckDB | Arrow |
 * | --- | --- |
 * | BOOLEAN | Bool |
 * | TINYINT, SMALLINT, INTEGER, BIGINT | Int8, Int16, Int32, Int64 |
 * | UTINYINT, USMALLINT, UINTEGER, UBIGINT | Uint8, Uint16, Uint32, Uint64 |
 * | HUGEINT, UHUGEINT | Decimal128(38, 0); a value of 39 digits throws {@link NoctraError} |
 * | FLOAT, DOUBLE | Float32, Float64 |
 * | DECIMAL(p, s) | Decimal128(p, s): same precision and scale, unscaled value copied |
 * | VARCHAR | Utf8 |
 * | BLOB | Binary |
 * | DATE | Date32 (DateDay) |
 * | TIME, TIME_NS | Time64(µs), Time64(ns) |
 * | TIMESTAMP | Timestamp(µs) (microseconds kept) |
 * | TIMESTAMP_S, TIMESTAMP_MS, TIMESTAMP_NS | Timestamp(s), Timestamp(ms), Timestamp(ns) |
 * | TIMESTAMPTZ | Timestamp(µs, "UTC") |
 * | T[] (LIST) | List<T> |
 * | T[n] (ARRAY) | FixedSizeList<T>[n] |
 * | STRUCT(…) | Struct<…> |
 * | MAP(K, V) | Map<K, V> (entries struct `key` non-null, `value`; keys not sorted) |
 * | "NULL" (untyped NULL) | Null |
 * | UUID, INTERVAL, ENUM, TIME WITH TIME ZONE, BIT, BIGNUM, UNION, VARIANT, GEOMETRY, other | Utf8: the value's text as Noctra prints it, which equals DuckDB's cast to VARCHAR |
 *
 * Infinite DATE/TIMESTAMP values keep DuckDB's sentinel numbers (e.g. `infinity` is the largest
 * int64). Every field is nullable and NULLs are kept at every nesting level.
 *
 * Results whose cells are plain JS values (SQLite pages, Noctra's SHOW/DESCRIBE) are typed from
 * `ColumnInfo.type` with SQLite's affinity rules: a type containing `INT` → Int64 (bigint or whole
 * number cells); `CHAR`/`CLOB`/`TEXT` → Utf8; `BLOB` → Binary; `REAL`/`FLOA`/`DOUB` → Float64;
 * `BOOL` → Bool (`true`/`false`/0/1); anything else (DATETIME, NUMERIC, untyped) → Utf8 of the
 * value's text. A cell that does not fit its column's Arrow type (SQLite is dynamically typed)
 * throws {@link NoctraError} naming the column and the value. A result with no chunks at all has
 * no vectors to inspect: its schema comes from parsing the DuckDB type names in `ColumnInfo.type`.
 *
 * ## Arrow → DuckDB
 *
 * Int8…Int64 / Uint8…Uint64 → TINYINT…BIGINT / UTINYINT…UBIGINT; Float16, Float32 → FLOAT;
 * Float64 → DOUBLE; Bool → BOOLEAN; Utf8, LargeUtf8, Utf8View → VARCHAR; Binary, LargeBinary,
 * FixedSizeBinary, BinaryView → BLOB; DateDay, DateMillisecond → DATE; Timestamp without time zone
 * → TIMESTAMP_S / TIMESTAMP_MS / TIMESTAMP / TIMESTAMP_NS by unit; Timestamp with any time zone →
 * TIMESTAMPTZ (converted to µs, nanoseconds floored); Time(s, ms, µs) → TIME; Time(ns) → TIME_NS;
 * Decimal(p, s) with p ≤ 38, 0 ≤ s ≤ p → DECIMAL(p, s); List, LargeList → T[]; FixedSizeList →
 * T[n]; Struct → STRUCT; Map → MAP; Dictionary → its value type (decoded); Null → INTEGER (all
 * NULL, as DuckDB types an untyped NULL column). Anything else (Interval, Duration, Union,
 * Decimal256 with p > 38, …) throws {@link NoctraError} naming the column and type.
 *
 * ## Speed
 *
 * Export never turns cells into row objects. For DuckDB vectors of fixed-width types the values
 * are block-copied from the vector's backing typed array (`items`/`dataView`) and NULLs from its
 * validity words, which `@duckdb/node-api` keeps in TypeScript-private fields; short VARCHARs
 * (≤ 12 bytes, stored inline) are copied as bytes. Each such access is shape-checked at run time
 * and falls back to the public `getItem()` when the shape differs (e.g. after an upgrade), as it
 * does everywhere with `{ fastPaths: false }` (about 2.5× slower on the benchmark). Longer
 * strings cost one native call each (`get_data_from_pointer`, ~1 µs), the bindings' floor.
 * Loading builds one DuckDB value per cell for `DuckDBDataChunk.setColumnValues`, 2,048 rows at
 * a time.
 *
 * Longer than the project's ~500-line guideline: it is due to be split along its ideas (one
 * module per idea) in the architecture work.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import {
  ARRAY,
  BIGINT,
  BLOB,
  BOOLEAN,
  DATE,
  DECIMAL,
  DOUBLE,
  DuckDBArrayType,
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBBlobVector,
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBDecimalType,
  DuckDBDecimalValue,
  DuckDBListType,
  DuckDBListValue,
  DuckDBListVector,
  DuckDBMapType,
  DuckDBMapValue,
  DuckDBStructType,
  DuckDBStructValue,
  DuckDBStructVector,
  DuckDBTimeNSValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  DuckDBVarCharVector,
  DuckDBVector,
  FLOAT,
  HUGEINT,
  INTEGER,
  INTERVAL,
  LIST,
  MAP,
  SMALLINT,
  SQLNULL,
  TIME,
  TIME_NS,
  TIMESTAMP,
  TIMESTAMP_MS,
  TIMESTAMP_NS,
  TIMESTAMP_S,
  TIMESTAMPTZ,
  TIMETZ,
  TINYINT,
  UBIGINT,
  UHUGEINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  UUID,
  VARCHAR,
} from "./duckdb_api.ts";
import {
  AsyncByteQueue,
  Binary,
  Bool,
  Data,
  DataType,
  DateDay,
  DateUnit,
  Decimal,
  Field,
  type FileHandle,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  makeData,
  makeVector,
  Map_,
  Null,
  Precision,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchReader,
  Schema,
  Struct,
  Table,
  TimeMicrosecond,
  TimeNanosecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  TimeUnit,
  Type,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  type Vector,
} from "npm:apache-arrow@21.2.0";
import type { DuckDBSource } from "./duckdb_source.ts";
import type { CellVector, ColumnInfo, RowsResult } from "./result.ts";
import { NoctraError } from "../errors.ts";
import { quoteIdentifier } from "../sql_text.ts";
import { textOf } from "../render/values.ts";

/** Options of the DuckDB → Arrow conversion. */
export interface ArrowWriteOptions {
  /**
   * Rows per record batch: chunks are gathered until a batch holds at least this many rows
   * (or about 64 MiB of buffers). Default 65,536 (32 DuckDB chunks).
   */
  readonly batchRows?: number;
  /**
   * Block-copy fixed-width DuckDB vectors from their backing arrays (default `true`). `false`
   * reads every cell through the public `getItem()`: slower, same output.
   */
  readonly fastPaths?: boolean;
}

const DEFAULT_BATCH_ROWS = 65_536;
const MAX_BATCH_BYTES = 64 * 1024 * 1024;
/** Rows per DuckDB data chunk (`duckdb_vector_size()`). */
const DUCKDB_CHUNK_ROWS = 2048;

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * Writes `result` as an Arrow IPC file (`.arrow` / Feather v2, `RecordBatchFileWriter`) at
 * `path`, streaming: chunks are converted as they arrive, gathered into record batches of about
 * `options.batchRows` rows and written out batch by batch, so memory holds one batch at a time.
 * The type mapping is in the module documentation (DuckDB here lacks the arrow extension, so
 * this is done in TypeScript with `apache-arrow`).
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
 * Converts `result` into an `apache-arrow` {@link Table} (for the library's `queryArrow(sql)`),
 * with the same type mapping and batching as {@link writeArrowIpcFile}; the table holds one
 * record batch per ~`options.batchRows` rows. An empty result gives an empty table with the
 * schema. Throws {@link NoctraError} when a value does not fit its Arrow type. Consumes `result`.
 */
export async function resultToArrowTable(
  result: RowsResult,
  options: ArrowWriteOptions = {},
): Promise<Table> {
  let schema: Schema | undefined;
  const batches: RecordBatch[] = [];
  for await (const item of arrowStream(result, options)) {
    if (item instanceof Schema) schema = item;
    else batches.push(item);
  }
  return new Table(schema ?? new Schema([]), batches);
}

/**
 * Loads the Arrow IPC file or stream at `path` into the DuckDB table `table` (DuckDB here lacks
 * the arrow extension, so the file is read with `apache-arrow`):
 * `CREATE OR REPLACE TABLE catalog.schema.name (…)` with the mapped types (module
 * documentation), then every record batch is appended through a `DuckDBAppender` with one reused
 * `DuckDBDataChunk` of at most 2,048 rows. The file is read batch by batch (random access for
 * the file format, sequentially for the stream format), never whole.
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

// ---------------------------------------------------------------------------------------------
// DuckDB / plain cells → Arrow
// ---------------------------------------------------------------------------------------------

/**
 * Yields the Arrow schema first (always, even for an empty result), then one record batch per
 * gathered run of chunks.
 */
async function* arrowStream(
  result: RowsResult,
  options: ArrowWriteOptions,
): AsyncGenerator<Schema | RecordBatch> {
  const batchRows = Math.max(1, options.batchRows ?? DEFAULT_BATCH_ROWS);
  const fast = options.fastPaths ?? true;
  const iterator = result.chunks()[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    const firstChunk = first.done ? undefined : first.value;
    const encoders = result.columns.map((column, index) =>
      encoderForColumn(column, firstChunk?.columns[index], fast)
    );
    const fields = encoders.map((encoder, index) =>
      new Field(result.columns[index]!.name, encoder.type, true)
    );
    const schema = new Schema(fields);
    yield schema;
    const structType = new Struct(fields);
    let pending = 0;
    const makeBatch = () => {
      const children = encoders.map((encoder) => encoder.flush());
      const data = makeData({ type: structType, length: pending, nullCount: 0, children });
      pending = 0;
      return new RecordBatch(schema, data);
    };
    let chunk = firstChunk;
    while (chunk !== undefined) {
      const count = chunk.rowCount;
      if (count > 0) {
        for (let index = 0; index < encoders.length; index++) {
          const vector = chunk.columns[index];
          if (vector === undefined) {
            throw new NoctraError(`Arrow export: a chunk lacks column ${index + 1}`);
          }
          encoders[index]!.appendVector(vector, 0, count);
        }
        pending += count;
        if (
          pending >= batchRows ||
          encoders.reduce((sum, e) => sum + e.byteLength, 0) >= MAX_BATCH_BYTES
        ) {
          yield makeBatch();
        }
      }
      const next = await iterator.next();
      chunk = next.done ? undefined : next.value;
    }
    if (pending > 0) yield makeBatch();
  } finally {
    await iterator.return?.();
  }
}

/** The encoder of one result column: from its DuckDB vector type, else from `ColumnInfo.type`. */
function encoderForColumn(
  column: ColumnInfo,
  vector: CellVector | undefined,
  fast: boolean,
): Encoder {
  const label = `column "${column.name}"`;
  if (vector instanceof DuckDBVector) return encoderForDuckDB(label, vector.type, fast);
  if (vector === undefined) {
    const parsed = parseDuckDBType(column.type);
    if (parsed !== undefined) return encoderForDuckDB(label, parsed, fast);
  }
  return encoderForPlain(label, column.type);
}

/** Converts one cell of the generic path (`getItem`) into a fixed-width slot value. */
type Convert = (value: unknown) => number | bigint;

function encoderForDuckDB(label: string, type: DuckDBType, fast: boolean): Encoder {
  const num: Convert = (value) => value as number;
  const big: Convert = (value) => value as bigint;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new BoolEncoder(label, (value) => value === true, fast);
    case DuckDBTypeId.TINYINT:
      return new FixedEncoder(label, new Int8(), Int8Array, num, fast);
    case DuckDBTypeId.SMALLINT:
      return new FixedEncoder(label, new Int16(), Int16Array, num, fast);
    case DuckDBTypeId.INTEGER:
      return new FixedEncoder(label, new Int32(), Int32Array, num, fast);
    case DuckDBTypeId.BIGINT:
      return new FixedEncoder(label, new Int64(), BigInt64Array, big, fast);
    case DuckDBTypeId.UTINYINT:
      return new FixedEncoder(label, new Uint8(), Uint8Array, num, fast);
    case DuckDBTypeId.USMALLINT:
      return new FixedEncoder(label, new Uint16(), Uint16Array, num, fast);
    case DuckDBTypeId.UINTEGER:
      return new FixedEncoder(label, new Uint32(), Uint32Array, num, fast);
    case DuckDBTypeId.UBIGINT:
      return new FixedEncoder(label, new Uint64(), BigUint64Array, big, fast);
    case DuckDBTypeId.FLOAT:
      return new FixedEncoder(label, new Float32(), Float32Array, num, fast);
    case DuckDBTypeId.DOUBLE:
      return new FixedEncoder(label, new Float64(), Float64Array, num, fast);
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return new DecimalEncoder(label, 38, 0, 16, fast, type.toString());
    case DuckDBTypeId.DECIMAL: {
      const { width, scale } = type as DuckDBDecimalType;
      return new DecimalEncoder(label, width, scale, decimalStorageBytes(width), fast);
    }
    case DuckDBTypeId.VARCHAR:
      return new VarEncoder(label, new Utf8(), (value) => String(value), fast);
    case DuckDBTypeId.BLOB:
      return new VarEncoder(label, new Binary(), blobBytes(label), fast);
    case DuckDBTypeId.DATE:
      return new FixedEncoder(
        label,
        new DateDay(),
        Int32Array,
        (v) => (v as DuckDBDateValue).days,
        fast,
      );
    case DuckDBTypeId.TIME:
      return new FixedEncoder(
        label,
        new TimeMicrosecond(),
        BigInt64Array,
        (v) => (v as DuckDBTimeValue).micros,
        fast,
      );
    case DuckDBTypeId.TIME_NS:
      return new FixedEncoder(
        label,
        new TimeNanosecond(),
        BigInt64Array,
        (v) => (v as DuckDBTimeNSValue).nanos,
        fast,
      );
    case DuckDBTypeId.TIMESTAMP:
      return new FixedEncoder(
        label,
        new TimestampMicrosecond(),
        BigInt64Array,
        (v) => (v as DuckDBTimestampValue).micros,
        fast,
      );
    case DuckDBTypeId.TIMESTAMP_S:
      return new FixedEncoder(
        label,
        new TimestampSecond(),
        BigInt64Array,
        (v) => (v as DuckDBTimestampSecondsValue).seconds,
        fast,
      );
    case DuckDBTypeId.TIMESTAMP_MS:
      return new FixedEncoder(
        label,
        new TimestampMillisecond(),
        BigInt64Array,
        (v) => (v as DuckDBTimestampMillisecondsValue).millis,
        fast,
      );
    case DuckDBTypeId.TIMESTAMP_NS:
      return new FixedEncoder(
        label,
        new TimestampNanosecond(),
        BigInt64Array,
        (v) => (v as DuckDBTimestampNanosecondsValue).nanos,
        fast,
      );
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new FixedEncoder(
        label,
        new TimestampMicrosecond("UTC"),
        BigInt64Array,
        (v) => (v as DuckDBTimestampTZValue).micros,
        fast,
      );
    case DuckDBTypeId.LIST:
      return new ListEncoder(
        label,
        encoderForDuckDB(`${label} item`, (type as DuckDBListType).valueType, fast),
        fast,
      );
    case DuckDBTypeId.ARRAY: {
      const arrayType = type as DuckDBArrayType;
      return new FixedSizeListEncoder(
        label,
        arrayType.length,
        encoderForDuckDB(`${label} item`, arrayType.valueType, fast),
      );
    }
    case DuckDBTypeId.STRUCT: {
      const structType = type as DuckDBStructType;
      return new StructEncoder(
        label,
        structType.entryNames.map((name, index) =>
          encoderForDuckDB(`${label}.${name}`, structType.entryTypes[index]!, fast)
        ),
        structType.entryNames,
      );
    }
    case DuckDBTypeId.MAP: {
      const mapType = type as DuckDBMapType;
      return new MapEncoder(
        label,
        encoderForDuckDB(`${label} key`, mapType.keyType, fast),
        encoderForDuckDB(`${label} value`, mapType.valueType, fast),
        fast,
      );
    }
    case DuckDBTypeId.SQLNULL:
      return new NullEncoder(label);
    default:
      // UUID, INTERVAL, ENUM, TIME WITH TIME ZONE, BIT, BIGNUM, UNION, VARIANT, GEOMETRY, …
      return new VarEncoder(label, new Utf8(), (value) => textOf(value) ?? "", false);
  }
}

/** Encoder for a column of plain JS cells, typed by SQLite's affinity rules on `sqlType`. */
function encoderForPlain(label: string, sqlType: string): Encoder {
  const type = sqlType.toUpperCase();
  const mismatch = (value: unknown, what: string) =>
    new NoctraError(
      `Arrow export: ${label} (${sqlType}) holds ${describeCell(value)}, which is not ${what}; ` +
        `CAST the column in the query`,
    );
  if (type.includes("INT")) {
    return new FixedEncoder(label, new Int64(), BigInt64Array, (value) => {
      if (typeof value === "bigint") return value;
      if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
      if (typeof value === "boolean") return value ? 1n : 0n;
      throw mismatch(value, "an integer");
    }, false);
  }
  if (type.includes("CHAR") || type.includes("CLOB") || type.includes("TEXT")) {
    return new VarEncoder(label, new Utf8(), (value) => textOf(value) ?? "", false);
  }
  if (type.includes("BLOB")) return new VarEncoder(label, new Binary(), blobBytes(label), false);
  if (type.includes("REAL") || type.includes("FLOA") || type.includes("DOUB")) {
    return new FixedEncoder(label, new Float64(), Float64Array, (value) => {
      if (typeof value === "number") return value;
      if (typeof value === "bigint") return Number(value);
      throw mismatch(value, "a number");
    }, false);
  }
  if (type.includes("BOOL")) {
    return new BoolEncoder(label, (value) => {
      if (value === true || value === 1 || value === 1n) return true;
      if (value === false || value === 0 || value === 0n) return false;
      throw mismatch(value, "a boolean (0 or 1)");
    }, false);
  }
  return new VarEncoder(label, new Utf8(), (value) => textOf(value) ?? "", false);
}

function blobBytes(label: string): (value: unknown) => Uint8Array {
  return (value) => {
    if (value instanceof Uint8Array) return value;
    if (value instanceof DuckDBBlobValue) return value.bytes;
    if (typeof value === "string") return UTF8.encode(value);
    throw new NoctraError(`Arrow export: ${label} holds ${describeCell(value)}, not a BLOB`);
  };
}

/** Bytes DuckDB stores a DECIMAL(width, …) in. */
function decimalStorageBytes(width: number): 2 | 4 | 8 | 16 {
  return width <= 4 ? 2 : width <= 9 ? 4 : width <= 18 ? 8 : 16;
}

// --- access to @duckdb/node-api vector internals (shape-checked) -----------------------------

/** Validity of a DuckDB vector: LSB-first bit words (`null` = all valid) from bit `offset`. */
interface RawValidity {
  readonly bytes: Uint8Array | null;
  readonly offset: number;
}

function rawValidity(vector: object): RawValidity | undefined {
  const validity = (vector as { validity?: unknown }).validity;
  if (typeof validity !== "object" || validity === null) return undefined;
  const { data, offset } = validity as { data?: unknown; offset?: unknown };
  if (typeof offset !== "number") return undefined;
  if (data === null) return { bytes: null, offset };
  // DuckDB's validity is uint64 words, bit i of the vector = bit (i % 64) of word i / 64. On a
  // little-endian host (every platform DuckDB ships Node bindings for) that is Arrow's
  // LSB-first byte order.
  if (data instanceof BigUint64Array && LITTLE_ENDIAN) {
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset };
  }
  return undefined;
}

function rawItems(vector: object, ctor: TypedArrayConstructor): TypedArray | undefined {
  const items = (vector as { items?: unknown }).items;
  return items instanceof ctor ? items : undefined;
}

function rawDataView(vector: object): DataView | undefined {
  const view = (vector as { dataView?: unknown }).dataView;
  return view instanceof DataView ? view : undefined;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * `DuckDBBlobVector.prototype.getItemBytes`: reads a `string_t` slot's bytes from a vector's
 * `dataView` and `validity`, which `DuckDBVarCharVector` has too (checked before each use).
 */
const STRING_BYTES = typeof DuckDBBlobVector.prototype.getItemBytes === "function"
  ? DuckDBBlobVector.prototype.getItemBytes
  : undefined;
const UTF8 = new TextEncoder();

// --- encoders ------------------------------------------------------------------------------

type TypedArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Float32Array
  | Float64Array;
type TypedArrayConstructor =
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | BigUint64ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

/**
 * Builds one Arrow column (or child) of the batch under way: cells go in through
 * `appendVector` (a range of an engine vector) or `appendValue` (one cell); `flush` hands the
 * gathered items over as Arrow `Data` and starts the next batch with fresh buffers.
 */
abstract class Encoder {
  /** Items in the batch under way. */
  length = 0;
  #nullCount = 0;
  /** Validity bits, allocated at the first NULL (all 1 = valid until then). */
  #validity: Uint8Array | null = null;

  constructor(readonly label: string, readonly type: DataType) {}

  /** Appends items `start … start + count - 1` of `vector`. Default: `getItem` per cell. */
  appendVector(vector: CellVector, start: number, count: number): void {
    for (let row = start; row < start + count; row++) this.appendValue(vector.getItem(row));
  }

  /** Appends one cell (`null`/`undefined` = NULL). */
  abstract appendValue(value: unknown): void;

  /** The gathered items as Arrow Data; resets for the next batch. */
  abstract flush(): Data;

  /** Approximate bytes gathered (for batch sizing). */
  abstract get byteLength(): number;

  /** Marks item `index` NULL. */
  protected markNull(index: number): void {
    const bits = this.#reserveValidity(index + 1);
    bits[index >> 3]! &= ~(1 << (index & 7));
    this.#nullCount++;
  }

  /** Copies NULL bits of `count` items from `raw` (starting at its item `start`) to `at`. */
  protected copyNulls(raw: RawValidity, start: number, count: number, at: number): void {
    const bytes = raw.bytes;
    if (bytes === null) return;
    let bit = raw.offset + start;
    const end = bit + count;
    let target = at;
    while (bit < end) {
      if ((bit & 7) === 0 && bit + 8 <= end && bytes[bit >> 3] === 0xff) {
        bit += 8;
        target += 8;
        continue;
      }
      if ((bytes[bit >> 3]! & (1 << (bit & 7))) === 0) this.markNull(target);
      bit++;
      target++;
    }
  }

  /** Whether item `index` of the batch under way is NULL. */
  protected isNull(index: number): boolean {
    const bits = this.#validity;
    if (bits === null || index >> 3 >= bits.length) return false;
    return (bits[index >> 3]! & (1 << (index & 7))) === 0;
  }

  /** Validity props for `makeData`, and a reset. */
  protected takeValidity(): { nullCount: number; nullBitmap: Uint8Array } {
    const nullCount = this.#nullCount;
    let nullBitmap: Uint8Array = EMPTY_BYTES;
    if (nullCount > 0) {
      nullBitmap = this.#reserveValidity(this.length).subarray(0, (this.length + 7) >> 3);
    }
    this.#nullCount = 0;
    this.#validity = null;
    return { nullCount, nullBitmap };
  }

  #reserveValidity(items: number): Uint8Array {
    const needed = (items + 7) >> 3;
    let bits = this.#validity;
    if (bits === null || bits.length < needed) {
      const grown = new Uint8Array(Math.max(needed, 256, bits === null ? 0 : bits.length * 2));
      grown.fill(0xff);
      if (bits !== null) grown.set(bits);
      this.#validity = bits = grown;
    }
    return bits;
  }
}

const EMPTY_BYTES = new Uint8Array(0);

/** Grows `array` (same type) to hold at least `needed` elements, keeping `used` of them. */
function grow<T extends TypedArray>(array: T, needed: number, used: number): T {
  if (array.length >= needed) return array;
  const ctor = array.constructor as new (length: number) => T;
  const grown = new ctor(Math.max(needed, array.length * 2));
  (grown as unknown as { set(source: T): void }).set(array.subarray(0, used) as T);
  return grown;
}

/** Numbers, big integers, dates, times and timestamps: one typed-array slot per item. */
class FixedEncoder extends Encoder {
  #values: TypedArray;

  constructor(
    label: string,
    type: DataType,
    readonly ctor: TypedArrayConstructor,
    readonly convert: Convert,
    readonly fast: boolean,
  ) {
    super(label, type);
    this.#values = new ctor(DUCKDB_CHUNK_ROWS);
  }

  override appendVector(vector: CellVector, start: number, count: number): void {
    if (this.fast && vector instanceof DuckDBVector) {
      const items = rawItems(vector, this.ctor);
      const validity = items === undefined ? undefined : rawValidity(vector);
      if (items !== undefined && validity !== undefined && items.length >= start + count) {
        this.#values = grow(this.#values, this.length + count, this.length);
        (this.#values as Int32Array).set(
          items.subarray(start, start + count) as Int32Array,
          this.length,
        );
        this.copyNulls(validity, start, count, this.length);
        this.length += count;
        return;
      }
    }
    super.appendVector(vector, start, count);
  }

  appendValue(value: unknown): void {
    if (this.length >= this.#values.length) {
      this.#values = grow(this.#values, this.length + 1, this.length);
    }
    if (value === null || value === undefined) {
      this.markNull(this.length);
    } else {
      (this.#values as unknown as (number | bigint)[])[this.length] = this.convert(value);
    }
    this.length++;
  }

  flush(): Data {
    const validity = this.takeValidity();
    const data = makeData({
      type: this.type as Int32,
      length: this.length,
      ...validity,
      data: this.#values.subarray(0, this.length) as Int32Array,
    });
    this.#values = new this.ctor(Math.max(DUCKDB_CHUNK_ROWS, this.length));
    this.length = 0;
    return data;
  }

  get byteLength(): number {
    return this.length * this.#values.BYTES_PER_ELEMENT;
  }
}

/** BOOLEAN → Arrow's bit-packed Bool. */
class BoolEncoder extends Encoder {
  #bits = new Uint8Array(DUCKDB_CHUNK_ROWS >> 3);

  constructor(
    label: string,
    readonly convert: (value: unknown) => boolean,
    readonly fast: boolean,
  ) {
    super(label, new Bool());
  }

  override appendVector(vector: CellVector, start: number, count: number): void {
    if (this.fast && vector instanceof DuckDBVector) {
      const view = rawDataView(vector);
      const validity = view === undefined ? undefined : rawValidity(vector);
      if (view !== undefined && validity !== undefined && view.byteLength >= start + count) {
        this.#reserve(this.length + count);
        const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
        const bits = this.#bits;
        for (let row = 0; row < count; row++) {
          if (bytes[start + row] !== 0) {
            const index = this.length + row;
            bits[index >> 3]! |= 1 << (index & 7);
          }
        }
        this.copyNulls(validity, start, count, this.length);
        this.length += count;
        return;
      }
    }
    super.appendVector(vector, start, count);
  }

  appendValue(value: unknown): void {
    this.#reserve(this.length + 1);
    if (value === null || value === undefined) this.markNull(this.length);
    else if (this.convert(value)) this.#bits[this.length >> 3]! |= 1 << (this.length & 7);
    this.length++;
  }

  #reserve(items: number): void {
    this.#bits = grow(this.#bits, (items + 7) >> 3, (this.length + 7) >> 3);
  }

  flush(): Data {
    const validity = this.takeValidity();
    const data = makeData({
      type: this.type as Bool,
      length: this.length,
      ...validity,
      data: this.#bits.subarray(0, (this.length + 7) >> 3),
    });
    this.#bits = new Uint8Array(Math.max(DUCKDB_CHUNK_ROWS, this.length) >> 3);
    this.length = 0;
    return data;
  }

  get byteLength(): number {
    return this.length >> 3;
  }
}

/**
 * DECIMAL (and HUGEINT/UHUGEINT as DECIMAL(38,0)) → Decimal128: the unscaled integer as 16
 * little-endian two's-complement bytes, which is also DuckDB's hugeint layout.
 */
class DecimalEncoder extends Encoder {
  #words = new Uint32Array(DUCKDB_CHUNK_ROWS * 4);
  /** Set for HUGEINT/UHUGEINT: the DuckDB type name, and values must fit 38 digits. */
  readonly #integerType: string | undefined;

  constructor(
    label: string,
    precision: number,
    scale: number,
    readonly storageBytes: 2 | 4 | 8 | 16,
    readonly fast: boolean,
    integerType?: string,
  ) {
    super(label, new Decimal(scale, precision, 128));
    this.#integerType = integerType;
  }

  override appendVector(vector: CellVector, start: number, count: number): void {
    if (this.fast && this.#integerType === undefined && vector instanceof DuckDBVector) {
      const view = rawDataView(vector);
      const validity = view === undefined ? undefined : rawValidity(vector);
      const size = this.storageBytes;
      if (
        view !== undefined && validity !== undefined && view.byteLength >= (start + count) * size
      ) {
        this.#words = grow(this.#words, (this.length + count) * 4, this.length * 4);
        const words = this.#words;
        let at = this.length * 4;
        if (size === 16) {
          new Uint8Array(words.buffer, words.byteOffset).set(
            new Uint8Array(view.buffer, view.byteOffset + start * 16, count * 16),
            at * 4,
          );
        } else {
          for (let row = start; row < start + count; row++, at += 4) {
            let low: number;
            let high: number;
            if (size === 8) {
              low = view.getUint32(row * 8, true);
              high = view.getInt32(row * 8 + 4, true);
            } else {
              low = size === 4 ? view.getInt32(row * 4, true) : view.getInt16(row * 2, true);
              high = low < 0 ? -1 : 0;
            }
            const sign = high < 0 ? 0xffffffff : 0;
            words[at] = low >>> 0;
            words[at + 1] = high >>> 0;
            words[at + 2] = sign;
            words[at + 3] = sign;
          }
        }
        this.copyNulls(validity, start, count, this.length);
        this.length += count;
        return;
      }
    }
    super.appendVector(vector, start, count);
  }

  appendValue(value: unknown): void {
    if (this.length * 4 >= this.#words.length) {
      this.#words = grow(this.#words, (this.length + 1) * 4, this.length * 4);
    }
    if (value === null || value === undefined) {
      this.markNull(this.length);
    } else {
      let unscaled: bigint;
      if (value instanceof DuckDBDecimalValue) unscaled = value.value;
      else if (typeof value === "bigint") unscaled = value;
      else {throw new NoctraError(
          `Arrow export: ${this.label} holds ${describeCell(value)}, not a DECIMAL`,
        );}
      if (
        this.#integerType !== undefined &&
        (unscaled >= DECIMAL38_LIMIT || unscaled <= -DECIMAL38_LIMIT)
      ) {
        throw new NoctraError(
          `Arrow export: ${this.label} (${this.#integerType}) holds ${unscaled}, which has more than ` +
            `38 digits and does not fit Arrow Decimal128(38, 0); CAST it to VARCHAR or DOUBLE`,
        );
      }
      const at = this.length * 4;
      const words = this.#words;
      words[at] = Number(BigInt.asUintN(32, unscaled));
      words[at + 1] = Number(BigInt.asUintN(32, unscaled >> 32n));
      words[at + 2] = Number(BigInt.asUintN(32, unscaled >> 64n));
      words[at + 3] = Number(BigInt.asUintN(32, unscaled >> 96n));
    }
    this.length++;
  }

  flush(): Data {
    const validity = this.takeValidity();
    const data = makeData({
      type: this.type as Decimal,
      length: this.length,
      ...validity,
      data: this.#words.subarray(0, this.length * 4),
    });
    this.#words = new Uint32Array(Math.max(DUCKDB_CHUNK_ROWS, this.length) * 4);
    this.length = 0;
    return data;
  }

  get byteLength(): number {
    return this.length * 16;
  }
}

const DECIMAL38_LIMIT = 10n ** 38n;

/** Utf8 and Binary: 32-bit offsets plus a byte buffer. */
class VarEncoder extends Encoder {
  #offsets = new Int32Array(DUCKDB_CHUNK_ROWS + 1);
  #bytes = new Uint8Array(64 * 1024);
  #used = 0;
  readonly #binary: boolean;

  constructor(
    label: string,
    type: Utf8 | Binary,
    readonly convert: (value: unknown) => string | Uint8Array,
    readonly fast: boolean,
  ) {
    super(label, type);
    this.#binary = type instanceof Binary;
  }

  override appendVector(vector: CellVector, start: number, count: number): void {
    if (vector instanceof DuckDBBlobVector && this.#binary) {
      // Public API: raw bytes of each BLOB without a Buffer copy.
      this.#offsets = grow(this.#offsets, this.length + count + 1, this.length + 1);
      for (let row = start; row < start + count; row++) {
        const bytes = vector.getItemBytes(row);
        if (bytes === null) this.#appendNull();
        else this.#appendBytes(bytes, 0, bytes.length);
      }
      return;
    }
    if (this.fast && vector instanceof DuckDBVarCharVector && !this.#binary) {
      const view = rawDataView(vector);
      const validity = view === undefined ? undefined : rawValidity(vector);
      if (view !== undefined && validity !== undefined && view.byteLength >= (start + count) * 16) {
        this.#appendVarChars(vector, view, validity, start, count);
        return;
      }
    }
    super.appendVector(vector, start, count);
  }

  /**
   * DuckDB's `string_t` is 16 bytes: a uint32 length, then the bytes inline when ≤ 12, else a
   * prefix and a pointer. Inline strings are copied from the vector's data; longer ones are read
   * as raw bytes with the BLOB vector's public `getItemBytes` (the same `string_t` layout, one
   * native call, no UTF-8 decode and re-encode), else through `getItem`.
   */
  #appendVarChars(
    vector: DuckDBVarCharVector,
    view: DataView,
    validity: RawValidity,
    start: number,
    count: number,
  ): void {
    this.#offsets = grow(this.#offsets, this.length + count + 1, this.length + 1);
    const source = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const valid = validity.bytes;
    for (let row = start; row < start + count; row++) {
      if (valid !== null) {
        const bit = validity.offset + row;
        if ((valid[bit >> 3]! & (1 << (bit & 7))) === 0) {
          this.#appendNull();
          continue;
        }
      }
      const length = view.getUint32(row * 16, true);
      if (length <= 12) {
        this.#appendBytes(source, row * 16 + 4, length);
      } else if (STRING_BYTES !== undefined) {
        const bytes = STRING_BYTES.call(vector as unknown as DuckDBBlobVector, row) ?? EMPTY_BYTES;
        this.#appendBytes(bytes, 0, bytes.length);
      } else {
        this.#appendString(vector.getItem(row) ?? "");
      }
    }
  }

  appendValue(value: unknown): void {
    if (this.length + 1 >= this.#offsets.length) {
      this.#offsets = grow(this.#offsets, this.length + 2, this.length + 1);
    }
    if (value === null || value === undefined) {
      this.#appendNull();
      return;
    }
    const converted = this.convert(value);
    if (typeof converted === "string") this.#appendString(converted);
    else this.#appendBytes(converted, 0, converted.length);
  }

  #appendNull(): void {
    this.markNull(this.length);
    this.length++;
    this.#offsets[this.length] = this.#used;
  }

  #appendBytes(source: Uint8Array, from: number, count: number): void {
    this.#reserveBytes(count);
    const bytes = this.#bytes;
    const at = this.#used;
    if (count <= 16) {
      for (let index = 0; index < count; index++) bytes[at + index] = source[from + index]!;
    } else {
      bytes.set(
        from === 0 && count === source.length ? source : source.subarray(from, from + count),
        at,
      );
    }
    this.#used = at + count;
    this.length++;
    this.#offsets[this.length] = this.#used;
  }

  #appendString(text: string): void {
    const length = text.length;
    this.#reserveBytes(length * 3);
    const bytes = this.#bytes;
    let at = this.#used;
    // A plain loop beats TextEncoder.encodeInto for ASCII text (measured: about 2× per string).
    let ascii = true;
    for (let index = 0; index < length; index++) {
      const code = text.charCodeAt(index);
      if (code >= 0x80) {
        ascii = false;
        break;
      }
      bytes[at + index] = code;
    }
    if (ascii) at += length;
    else at += UTF8.encodeInto(text, bytes.subarray(at)).written;
    this.#used = at;
    this.length++;
    this.#offsets[this.length] = at;
  }

  #reserveBytes(count: number): void {
    if (this.#used + count > this.#bytes.length) {
      const needed = this.#used + count;
      if (needed > 0x7fffffff) {
        throw new NoctraError(`Arrow export: ${this.label} exceeds 2 GiB of bytes in one batch`);
      }
      this.#bytes = grow(this.#bytes, needed, this.#used);
    }
  }

  flush(): Data {
    const validity = this.takeValidity();
    const valueOffsets = this.#offsets.subarray(0, this.length + 1);
    const bytes = this.#used * 2 < this.#bytes.length
      ? this.#bytes.slice(0, this.#used)
      : this.#bytes.subarray(0, this.#used);
    const data = this.#binary
      ? makeData({
        type: this.type as Binary,
        length: this.length,
        ...validity,
        valueOffsets,
        data: bytes,
      })
      : makeData({
        type: this.type as Utf8,
        length: this.length,
        ...validity,
        valueOffsets,
        data: bytes,
      });
    this.#offsets = new Int32Array(Math.max(DUCKDB_CHUNK_ROWS, this.length) + 1);
    this.#bytes = new Uint8Array(Math.max(64 * 1024, this.#used));
    this.#used = 0;
    this.length = 0;
    return data;
  }

  get byteLength(): number {
    return this.#used + this.length * 4;
  }
}

/** Untyped NULL columns → Arrow Null. */
class NullEncoder extends Encoder {
  constructor(label: string) {
    super(label, new Null());
  }

  override appendVector(_vector: CellVector, _start: number, count: number): void {
    this.length += count;
  }

  appendValue(_value: unknown): void {
    this.length++;
  }

  flush(): Data {
    const data = makeData({ type: this.type as Null, length: this.length });
    this.length = 0;
    return data;
  }

  get byteLength(): number {
    return 0;
  }
}

/** LIST → List: offsets into one child column. */
class ListEncoder extends Encoder {
  #offsets = new Int32Array(DUCKDB_CHUNK_ROWS + 1);

  constructor(label: string, readonly child: Encoder, readonly fast: boolean, type?: DataType) {
    super(label, type ?? new List(new Field("item", child.type, true)));
  }

  override appendVector(vector: CellVector, start: number, count: number): void {
    const list = this.listVectorOf(vector);
    const validity = list === undefined ? undefined : rawValidity(list);
    if (list === undefined || validity === undefined) {
      super.appendVector(vector, start, count);
      return;
    }
    this.#offsets = grow(this.#offsets, this.length + count + 1, this.length + 1);
    const child = list.childVector;
    const valid = validity.bytes;
    // Copy the child items of consecutive rows in runs (one call per contiguous range).
    let runStart = 0;
    let runLength = 0;
    for (let row = start; row < start + count; row++) {
      let isValid = true;
      if (valid !== null) {
        const bit = validity.offset + row;
        isValid = (valid[bit >> 3]! & (1 << (bit & 7))) !== 0;
      }
      if (!isValid) {
        this.markNull(this.length);
      } else {
        const offset = list.getEntryOffset(row);
        const length = list.getEntryLength(row);
        if (length > 0) {
          if (runLength > 0 && offset === runStart + runLength) {
            runLength += length;
          } else {
            if (runLength > 0) this.child.appendVector(child, runStart, runLength);
            runStart = offset;
            runLength = length;
          }
        }
      }
      const end = this.#offsets[this.length]! + (isValid ? list.getEntryLength(row) : 0);
      this.length++;
      this.#offsets[this.length] = end;
    }
    if (runLength > 0) this.child.appendVector(child, runStart, runLength);
  }

  /** The DuckDB list vector behind `vector`, when the fast path applies. */
  protected listVectorOf(vector: CellVector): DuckDBListVector | undefined {
    return this.fast && vector instanceof DuckDBListVector ? vector : undefined;
  }

  appendValue(value: unknown): void {
    if (this.length + 1 >= this.#offsets.length) {
      this.#offsets = grow(this.#offsets, this.length + 2, this.length + 1);
    }
    const items = this.itemsOf(value);
    if (items === null) {
      this.markNull(this.length);
    } else {
      for (const item of items) this.child.appendValue(item);
    }
    this.length++;
    this.#offsets[this.length] = this.child.length;
  }

  /** The items of a list cell (`null` for NULL). */
  protected itemsOf(value: unknown): readonly unknown[] | null {
    if (value === null || value === undefined) return null;
    if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items;
    if (Array.isArray(value)) return value;
    throw new NoctraError(`Arrow export: ${this.label} holds ${describeCell(value)}, not a LIST`);
  }

  flush(): Data {
    const validity = this.takeValidity();
    const valueOffsets = this.#offsets.subarray(0, this.length + 1);
    const child = this.child.flush();
    const data = makeData({
      type: this.type as List,
      length: this.length,
      ...validity,
      valueOffsets,
      child,
    });
    this.#offsets = new Int32Array(Math.max(DUCKDB_CHUNK_ROWS, this.length) + 1);
    this.length = 0;
    return data;
  }

  get byteLength(): number {
    return this.length * 4 + this.child.byteLength;
  }
}

/** MAP → Map: a list of `{key, value}` structs. */
class MapEncoder extends ListEncoder {
  constructor(label: string, key: Encoder, value: Encoder, fast: boolean) {
    const entries = new StructEncoder(`${label} entries`, [key, value], ["key", "value"], [
      false,
      true,
    ]);
    super(
      label,
      entries,
      fast,
      new Map_(new Field("entries", entries.type as Struct, false), false),
    );
  }

  protected override listVectorOf(vector: CellVector): DuckDBListVector | undefined {
    if (!this.fast || !(vector instanceof DuckDBVector)) return undefined;
    // DuckDBMapVector wraps the LIST<STRUCT(key, value)> vector DuckDB stores a MAP as.
    const list = (vector as { listVector?: unknown }).listVector;
    return list instanceof DuckDBListVector ? list : undefined;
  }

  protected override itemsOf(value: unknown): readonly unknown[] | null {
    if (value === null || value === undefined) return null;
    if (value instanceof DuckDBMapValue) return value.entries;
    throw new NoctraError(`Arrow export: ${this.label} holds ${describeCell(value)}, not a MAP`);
  }
}

/** ARRAY → FixedSizeList: `size` child items per row, NULL rows included. */
class FixedSizeListEncoder extends Encoder {
  constructor(label: string, readonly size: number, readonly child: Encoder) {
    super(label, new FixedSizeList(size, new Field("item", child.type, true)));
  }

  appendValue(value: unknown): void {
    if (value === null || value === undefined) {
      this.markNull(this.length);
      for (let index = 0; index < this.size; index++) this.child.appendValue(null);
    } else if (value instanceof DuckDBArrayValue || value instanceof DuckDBListValue) {
      for (let index = 0; index < this.size; index++) this.child.appendValue(value.items[index]);
    } else {
      throw new NoctraError(
        `Arrow export: ${this.label} holds ${describeCell(value)}, not an ARRAY`,
      );
    }
    this.length++;
  }

  flush(): Data {
    const validity = this.takeValidity();
    const data = makeData({
      type: this.type as FixedSizeList,
      length: this.length,
      ...validity,
      child: this.child.flush(),
    });
    this.length = 0;
    return data;
  }

  get byteLength(): number {
    return this.child.byteLength;
  }
}

/** STRUCT → Struct: one child encoder per entry. */
class StructEncoder extends Encoder {
  constructor(
    label: string,
    readonly children: readonly Encoder[],
    readonly names: readonly string[],
    nullable?: readonly boolean[],
  ) {
    super(
      label,
      new Struct(
        children.map((child, index) =>
          new Field(names[index]!, child.type, nullable?.[index] ?? true)
        ),
      ),
    );
  }

  override appendVector(vector: CellVector, start: number, count: number): void {
    if (!(vector instanceof DuckDBStructVector)) {
      super.appendVector(vector, start, count);
      return;
    }
    // Public API: the entry vectors, and each row's own validity.
    this.children.forEach((child, index) =>
      child.appendVector(vector.entryVectorAt(index), start, count)
    );
    for (let row = start; row < start + count; row++) {
      if (!vector.isItemValid(row)) this.markNull(this.length + row - start);
    }
    this.length += count;
  }

  appendValue(value: unknown): void {
    if (value === null || value === undefined) {
      this.markNull(this.length);
      for (const child of this.children) child.appendValue(null);
    } else {
      const entries = value instanceof DuckDBStructValue
        ? value.entries
        : typeof value === "object"
        ? value as Readonly<Record<string, unknown>>
        : undefined;
      if (entries === undefined) {
        throw new NoctraError(
          `Arrow export: ${this.label} holds ${describeCell(value)}, not a STRUCT`,
        );
      }
      this.children.forEach((child, index) => child.appendValue(entries[this.names[index]!]));
    }
    this.length++;
  }

  flush(): Data {
    const validity = this.takeValidity();
    const data = makeData({
      type: this.type as Struct,
      length: this.length,
      ...validity,
      children: this.children.map((child) => child.flush()),
    });
    this.length = 0;
    return data;
  }

  get byteLength(): number {
    return this.children.reduce((sum, child) => sum + child.byteLength, 0);
  }
}

// --- DuckDB type names (for results without any chunk) --------------------------------------

const NAMED_TYPES: Readonly<Record<string, DuckDBType>> = {
  BOOLEAN,
  BOOL: BOOLEAN,
  TINYINT,
  INT1: TINYINT,
  SMALLINT,
  INT2: SMALLINT,
  INTEGER,
  INT: INTEGER,
  INT4: INTEGER,
  BIGINT,
  INT8: BIGINT,
  UTINYINT,
  USMALLINT,
  UINTEGER,
  UBIGINT,
  HUGEINT,
  UHUGEINT,
  FLOAT,
  FLOAT4: FLOAT,
  DOUBLE,
  FLOAT8: DOUBLE,
  VARCHAR,
  BLOB,
  DATE,
  TIME,
  TIME_NS,
  "TIME WITH TIME ZONE": TIMETZ,
  TIMESTAMP,
  TIMESTAMP_S,
  TIMESTAMP_MS,
  TIMESTAMP_NS,
  "TIMESTAMP WITH TIME ZONE": TIMESTAMPTZ,
  TIMESTAMPTZ,
  UUID,
  INTERVAL,
  NULL: SQLNULL,
  '"NULL"': SQLNULL,
  SQLNULL,
};

/**
 * Parses a DuckDB type as `DuckDBType.toString()` prints it (`DECIMAL(18,3)`, `INTEGER[]`,
 * `VARCHAR[3]`, `STRUCT("a" INTEGER, …)`, `MAP(VARCHAR, INTEGER)`, `ENUM('x', …)`, …). Unknown
 * names inside nested types become VARCHAR (text); an unknown top-level name gives `undefined`.
 */
export function parseDuckDBType(text: string): DuckDBType | undefined {
  let position = 0;
  const source = text.trim();
  const skipSpaces = () => {
    while (source[position] === " ") position++;
  };
  const expect = (char: string) => {
    skipSpaces();
    if (source[position] !== char) throw new SyntaxError(`expected ${char}`);
    position++;
  };
  const identifier = (): string => {
    skipSpaces();
    if (source[position] === '"') {
      let name = "";
      position++;
      while (position < source.length) {
        if (source[position] === '"') {
          if (source[position + 1] === '"') {
            name += '"';
            position += 2;
            continue;
          }
          position++;
          return name;
        }
        name += source[position++];
      }
      throw new SyntaxError("unterminated identifier");
    }
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(position));
    if (match === null) throw new SyntaxError("expected a name");
    position += match[0].length;
    return match[0];
  };
  let unknown = false;
  const parseType = (): DuckDBType => {
    skipSpaces();
    const rest = source.slice(position);
    let type: DuckDBType;
    const word = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)?.[1]?.toUpperCase() ?? "";
    if (/^TIMESTAMP WITH TIME ZONE/i.test(rest)) {
      position += "TIMESTAMP WITH TIME ZONE".length;
      type = TIMESTAMPTZ;
    } else if (/^TIME WITH TIME ZONE/i.test(rest)) {
      position += "TIME WITH TIME ZONE".length;
      type = TIMETZ;
    } else if (rest.startsWith('"NULL"')) {
      position += 6;
      type = SQLNULL;
    } else if ((word === "DECIMAL" || word === "NUMERIC") && rest[word.length] === "(") {
      position += word.length + 1;
      const width = Number(/^\s*(\d+)/.exec(source.slice(position))?.[1]);
      position = source.indexOf(",", position) + 1;
      const scale = Number(/^\s*(\d+)/.exec(source.slice(position))?.[1]);
      position = source.indexOf(")", position) + 1;
      if (!Number.isInteger(width) || !Number.isInteger(scale) || position === 0) {
        throw new SyntaxError("bad DECIMAL");
      }
      type = DECIMAL(width, scale);
    } else if (word === "STRUCT" && rest[6] === "(") {
      position += 7;
      const names: string[] = [];
      const types: DuckDBType[] = [];
      for (;;) {
        names.push(identifier());
        types.push(parseType());
        skipSpaces();
        if (source[position] === ",") {
          position++;
          continue;
        }
        expect(")");
        break;
      }
      type = new DuckDBStructType(names, types);
    } else if (word === "MAP" && rest[3] === "(") {
      position += 4;
      const key = parseType();
      expect(",");
      const value = parseType();
      expect(")");
      type = MAP(key, value);
    } else if ((word === "ENUM" || word === "UNION") && rest[word.length] === "(") {
      // Both become text: skip the balanced parentheses, honouring quotes.
      position += word.length;
      let depth = 0;
      let quote = "";
      do {
        const char = source[position++];
        if (char === undefined) throw new SyntaxError("unterminated type");
        if (quote !== "") {
          if (char === quote) quote = "";
        } else if (char === "'" || char === '"') quote = char;
        else if (char === "(") depth++;
        else if (char === ")") depth--;
      } while (depth > 0);
      type = VARCHAR;
    } else if (word !== "") {
      position += word.length;
      const named = NAMED_TYPES[word];
      if (named === undefined) unknown = true;
      type = named ?? VARCHAR;
    } else {
      throw new SyntaxError("expected a type");
    }
    for (;;) {
      const suffix = /^\[(\d*)\]/.exec(source.slice(position));
      if (suffix === null) break;
      position += suffix[0].length;
      type = suffix[1] === "" ? LIST(type) : ARRAY(type, Number(suffix[1]));
    }
    return type;
  };
  try {
    const type = parseType();
    skipSpaces();
    if (position !== source.length) return undefined;
    if (unknown && !/[([]/.test(source)) return undefined;
    return type;
  } catch {
    return undefined;
  }
}

// --- output ---------------------------------------------------------------------------------

/** The writer's byte queue, drained synchronously after each batch instead of read async. */
class DrainableByteQueue extends AsyncByteQueue {
  take(): Uint8Array[] {
    const values = this._values;
    this._values = [];
    return values;
  }
}

async function writeFully(file: Deno.FsFile, path: string, parts: Uint8Array[]): Promise<number> {
  if (parts.length === 0) return 0;
  let total = 0;
  for (const part of parts) total += part.byteLength;
  let bytes: Uint8Array;
  if (parts.length === 1) {
    bytes = parts[0]!;
  } else {
    bytes = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.byteLength;
    }
  }
  try {
    let written = 0;
    while (written < bytes.byteLength) written += await file.write(bytes.subarray(written));
  } catch (error) {
    throw new NoctraError(`cannot write Arrow file ${path}: ${messageOf(error)}`, undefined, {
      cause: error,
    });
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Arrow → DuckDB
// ---------------------------------------------------------------------------------------------

/** Reads one Arrow cell as the DuckDB value to append (`null` for NULL). */
type CellReader = (data: Data, index: number) => DuckDBValue;

interface LoadColumn {
  readonly name: string;
  readonly duckType: DuckDBType;
  readonly read: CellReader;
}

function loadColumnFor(field: Field, path: string): LoadColumn {
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

class UnsupportedArrowType extends Error {
  constructor(readonly inner: DataType, readonly reason = "") {
    super(String(inner));
  }
}

const MICROS_PER_UNIT: Readonly<Record<number, bigint>> = {
  [TimeUnit.SECOND]: 1_000_000n,
  [TimeUnit.MILLISECOND]: 1_000n,
  [TimeUnit.MICROSECOND]: 1n,
};
const DECODER = new TextDecoder();
const MS_PER_DAY = 86_400_000;

/** The DuckDB type holding Arrow `type`, and how to read one cell of it. */
function readerFor(type: DataType): { duckType: DuckDBType; read: CellReader } {
  const valid = (data: Data, index: number) => data.nullCount === 0 || data.getValid(index);
  const plain = (duckType: DuckDBType) => ({
    duckType,
    read: (data: Data, index: number) =>
      valid(data, index) ? (data.values as ArrayLike<number | bigint>)[index]! : null,
  });
  switch (type.typeId) {
    case Type.Null:
      return { duckType: INTEGER, read: () => null };
    case Type.Bool:
      return {
        duckType: BOOLEAN,
        read: (data, index) => {
          if (!valid(data, index)) return null;
          const bit = data.offset + index;
          return ((data.values as Uint8Array)[bit >> 3]! & (1 << (bit & 7))) !== 0;
        },
      };
    case Type.Int: {
      const { bitWidth, isSigned } = type as Int32;
      const duckType = isSigned
        ? { 8: TINYINT, 16: SMALLINT, 32: INTEGER, 64: BIGINT }[bitWidth]
        : { 8: UTINYINT, 16: USMALLINT, 32: UINTEGER, 64: UBIGINT }[bitWidth];
      if (duckType === undefined) throw new UnsupportedArrowType(type);
      return plain(duckType);
    }
    case Type.Float: {
      const precision = (type as Float32).precision;
      if (precision === Precision.HALF) {
        return {
          duckType: FLOAT,
          read: (data, index) =>
            valid(data, index) ? halfToFloat((data.values as Uint16Array)[index]!) : null,
        };
      }
      return plain(precision === Precision.SINGLE ? FLOAT : DOUBLE);
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      return {
        duckType: VARCHAR,
        read: (data, index) => {
          if (!valid(data, index)) return null;
          const offsets = data.valueOffsets as Int32Array | BigInt64Array;
          const from = Number(offsets[index]);
          return DECODER.decode(
            (data.values as Uint8Array).subarray(from, Number(offsets[index + 1])),
          );
        },
      };
    case Type.Binary:
    case Type.LargeBinary:
      return {
        duckType: BLOB,
        read: (data, index) => {
          if (!valid(data, index)) return null;
          const offsets = data.valueOffsets as Int32Array | BigInt64Array;
          const from = Number(offsets[index]);
          return new DuckDBBlobValue(
            (data.values as Uint8Array).subarray(from, Number(offsets[index + 1])),
          );
        },
      };
    case Type.FixedSizeBinary: {
      const width = (type as unknown as { byteWidth: number }).byteWidth;
      return {
        duckType: BLOB,
        read: (data, index) =>
          valid(data, index)
            ? new DuckDBBlobValue(
              (data.values as Uint8Array).subarray(index * width, (index + 1) * width),
            )
            : null,
      };
    }
    case Type.Utf8View:
    case Type.BinaryView: {
      const text = type.typeId === Type.Utf8View;
      return {
        duckType: text ? VARCHAR : BLOB,
        read: (data, index) => {
          if (!valid(data, index)) return null;
          const value = vectorOf(data).get(index) as string | Uint8Array;
          return text ? value as string : new DuckDBBlobValue(value as Uint8Array);
        },
      };
    }
    case Type.Date: {
      const unit = (type as DateDay).unit;
      if (unit === DateUnit.DAY) {
        return {
          duckType: DATE,
          read: (data, index) =>
            valid(data, index) ? new DuckDBDateValue((data.values as Int32Array)[index]!) : null,
        };
      }
      return {
        duckType: DATE,
        read: (data, index) => {
          if (!valid(data, index)) return null;
          const values = data.values as BigInt64Array | Int32Array;
          const millis = values instanceof BigInt64Array
            ? Number(values[index]!)
            : (values[index * 2]! >>> 0) + values[index * 2 + 1]! * 2 ** 32;
          return new DuckDBDateValue(Math.floor(millis / MS_PER_DAY));
        },
      };
    }
    case Type.Timestamp: {
      const { unit, timezone } = type as TimestampMicrosecond;
      const at = (data: Data, index: number) => (data.values as BigInt64Array)[index]!;
      if (timezone !== null && timezone !== undefined && timezone !== "") {
        return {
          duckType: TIMESTAMPTZ,
          read: (data, index) => {
            if (!valid(data, index)) return null;
            const value = at(data, index);
            const micros = unit === TimeUnit.NANOSECOND
              ? floorDiv(value, 1000n)
              : value * MICROS_PER_UNIT[unit]!;
            return new DuckDBTimestampTZValue(micros);
          },
        };
      }
      switch (unit) {
        case TimeUnit.SECOND:
          return {
            duckType: TIMESTAMP_S,
            read: (d, i) => valid(d, i) ? new DuckDBTimestampSecondsValue(at(d, i)) : null,
          };
        case TimeUnit.MILLISECOND:
          return {
            duckType: TIMESTAMP_MS,
            read: (d, i) => valid(d, i) ? new DuckDBTimestampMillisecondsValue(at(d, i)) : null,
          };
        case TimeUnit.MICROSECOND:
          return {
            duckType: TIMESTAMP,
            read: (d, i) => valid(d, i) ? new DuckDBTimestampValue(at(d, i)) : null,
          };
        default:
          return {
            duckType: TIMESTAMP_NS,
            read: (d, i) => valid(d, i) ? new DuckDBTimestampNanosecondsValue(at(d, i)) : null,
          };
      }
    }
    case Type.Time: {
      const unit = (type as unknown as { unit: TimeUnit }).unit;
      if (unit === TimeUnit.NANOSECOND) {
        return {
          duckType: TIME_NS,
          read: (d, i) =>
            valid(d, i) ? new DuckDBTimeNSValue(BigInt((d.values as BigInt64Array)[i]!)) : null,
        };
      }
      const scale = MICROS_PER_UNIT[unit]!;
      return {
        duckType: TIME,
        read: (d, i) =>
          valid(d, i)
            ? new DuckDBTimeValue(BigInt((d.values as Int32Array | BigInt64Array)[i]!) * scale)
            : null,
      };
    }
    case Type.Decimal: {
      const { precision, scale, bitWidth } = type as Decimal;
      if (precision < 1 || precision > 38) {
        throw new UnsupportedArrowType(type, "DuckDB DECIMAL holds at most 38 digits");
      }
      if (scale < 0 || scale > precision) {
        throw new UnsupportedArrowType(type, "DuckDB DECIMAL needs 0 ≤ scale ≤ precision");
      }
      const stride = bitWidth / 32;
      return {
        duckType: DECIMAL(precision, scale),
        read: (data, index) => {
          if (!valid(data, index)) return null;
          const words = data.values as Uint32Array;
          const at = index * stride;
          let value = 0n;
          for (let word = stride - 1; word >= 0; word--) {
            value = (value << 32n) | BigInt(words[at + word]!);
          }
          return new DuckDBDecimalValue(BigInt.asIntN(bitWidth, value), precision, scale);
        },
      };
    }
    case Type.List:
    case Type.LargeList: {
      const child = readerFor((type as List).valueType);
      return {
        duckType: LIST(child.duckType),
        read: (data, index) => {
          if (!valid(data, index)) return null;
          const offsets = data.valueOffsets as Int32Array | BigInt64Array;
          const childData = data.children[0]!;
          const items: DuckDBValue[] = [];
          for (let item = Number(offsets[index]); item < Number(offsets[index + 1]); item++) {
            items.push(child.read(childData, item));
          }
          return new DuckDBListValue(items);
        },
      };
    }
    case Type.FixedSizeList: {
      const { listSize, valueType } = type as FixedSizeList;
      const child = readerFor(valueType);
      return {
        duckType: ARRAY(child.duckType, listSize),
        read: (data, index) => {
          if (!valid(data, index)) return null;
          const childData = data.children[0]!;
          const items: DuckDBValue[] = [];
          for (let item = index * listSize; item < (index + 1) * listSize; item++) {
            items.push(child.read(childData, item));
          }
          return new DuckDBArrayValue(items);
        },
      };
    }
    case Type.Struct: {
      const fields = (type as Struct).children;
      const children = fields.map((field) => readerFor(field.type));
      return {
        duckType: new DuckDBStructType(
          fields.map((field) => field.name),
          children.map((child) => child.duckType),
        ),
        read: (data, index) => {
          if (!valid(data, index)) return null;
          const entries: Record<string, DuckDBValue> = {};
          children.forEach((child, position) => {
            entries[fields[position]!.name] = child.read(data.children[position]!, index);
          });
          return new DuckDBStructValue(entries);
        },
      };
    }
    case Type.Map: {
      const entryFields = ((type as Map_).children[0]!.type as Struct).children;
      if (entryFields.length !== 2) {
        throw new UnsupportedArrowType(type, "map entries need 2 fields");
      }
      const key = readerFor(entryFields[0]!.type);
      const value = readerFor(entryFields[1]!.type);
      return {
        duckType: MAP(key.duckType, value.duckType),
        read: (data, index) => {
          if (!valid(data, index)) return null;
          const offsets = data.valueOffsets as Int32Array;
          const entries = data.children[0]!;
          const keys = entries.children[0]!;
          const values = entries.children[1]!;
          const items = [];
          for (let item = offsets[index]!; item < offsets[index + 1]!; item++) {
            items.push({ key: key.read(keys, item), value: value.read(values, item) });
          }
          return new DuckDBMapValue(items);
        },
      };
    }
    case Type.Dictionary: {
      const dictionaryType = type as unknown as { dictionary: DataType; indices: DataType };
      const values = readerFor(dictionaryType.dictionary);
      return {
        duckType: values.duckType,
        read: (data, index) => {
          if (!valid(data, index)) return null;
          const key = Number((data.values as ArrayLike<number | bigint>)[index]!);
          const dictionary = data.dictionary;
          if (dictionary === undefined) return null;
          const [chunk, local] = locate(dictionary, key);
          return values.read(chunk, local);
        },
      };
    }
    default:
      throw new UnsupportedArrowType(type);
  }
}

/** Arrow `Vector` over one Data, cached (for the view types read through `get`). */
const VECTORS = new WeakMap<Data, Vector>();
function vectorOf(data: Data): Vector {
  let vector = VECTORS.get(data);
  if (vector === undefined) VECTORS.set(data, vector = makeVector(data));
  return vector;
}

/** The Data chunk of `vector` holding item `index`, and the index within it. */
function locate(vector: Vector, index: number): [Data, number] {
  let local = index;
  for (const data of vector.data) {
    if (local < data.length) return [data, local];
    local -= data.length;
  }
  throw new NoctraError(`dictionary index ${index} is out of range (${vector.length} values)`);
}

function floorDiv(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  return value % divisor < 0n ? quotient - 1n : quotient;
}

function halfToFloat(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

async function appendBatches(
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

// --- input ----------------------------------------------------------------------------------

/** The `FileHandle` subset `apache-arrow` reads through (positioned reads), over a Deno file. */
class DenoFileHandle {
  readonly fd = -1;
  #file: Deno.FsFile | null;

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  async stat(): Promise<{ size: number }> {
    return { size: (await this.#file!.stat()).size };
  }

  async read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number; buffer: Uint8Array }> {
    const file = this.#file;
    if (file === null) return { bytesRead: 0, buffer };
    await file.seek(position, Deno.SeekMode.Start);
    let bytesRead = 0;
    while (bytesRead < length) {
      const read = await file.read(buffer.subarray(offset + bytesRead, offset + length));
      if (read === null) break;
      bytesRead += read;
    }
    return { bytesRead, buffer };
  }

  close(): Promise<void> {
    this.#file?.close();
    this.#file = null;
    return Promise.resolve();
  }
}

async function openReader(handle: DenoFileHandle) {
  const reader = await RecordBatchReader.from(handle as unknown as FileHandle);
  await reader.open();
  return reader;
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

function notArrow(path: string, cause: unknown): NoctraError {
  const detail = typeof cause === "string" ? cause : messageOf(cause);
  return new NoctraError(
    `${path} is not a readable Arrow IPC file or stream (${detail})`,
    undefined,
    {
      cause,
    },
  );
}

// --- helpers --------------------------------------------------------------------------------

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? "";
  if (typeof error === "object" && error !== null && "value" in error) {
    return messageOf((error as { value: unknown }).value);
  }
  return String(error);
}

function describeCell(value: unknown): string {
  if (typeof value === "string") return `'${value.length > 40 ? value.slice(0, 40) + "…" : value}'`;
  if (value instanceof Uint8Array) return `a ${value.length}-byte BLOB`;
  if (typeof value === "bigint") return `${value}`;
  return String(value);
}
