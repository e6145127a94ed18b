/**
 * DuckDB → Arrow: converts a {@link RowsResult}, chunk by chunk, into `apache-arrow` record
 * batches ({@link arrowStream}, written to a file by `writeArrowIpcFile` in ipc_file.ts) or one
 * `Table` ({@link resultToArrowTable}). It picks one encoder per column (fixed_width_encoders.ts,
 * variable_size_encoder.ts, nested_encoders.ts; base class in encoder.ts) and gathers chunks into
 * batches.
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
 * ## Speed
 *
 * Export never turns cells into row objects. For DuckDB vectors of fixed-width types the values
 * are block-copied from the vector's backing typed array (`items`/`dataView`) and NULLs from its
 * validity words, which `@duckdb/node-api` keeps in TypeScript-private fields (read only through
 * duckdb_vector_internals.ts); short VARCHARs (≤ 12 bytes, stored inline) are copied as bytes.
 * Each such access is shape-checked at run time and falls back to the public `getItem()` when
 * the shape differs (e.g. after an upgrade), as it does everywhere with `{ fastPaths: false }`
 * (about 2.5× slower on the benchmark). Longer strings cost one native call each
 * (`get_data_from_pointer`, ~1 µs), the bindings' floor.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import {
  type DuckDBArrayType,
  DuckDBBlobValue,
  type DuckDBDateValue,
  type DuckDBDecimalType,
  type DuckDBListType,
  type DuckDBMapType,
  type DuckDBStructType,
  type DuckDBTimeNSValue,
  type DuckDBTimestampMillisecondsValue,
  type DuckDBTimestampNanosecondsValue,
  type DuckDBTimestampSecondsValue,
  type DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  type DuckDBTimeValue,
  type DuckDBType,
  DuckDBTypeId,
  DuckDBVector,
} from "../duckdb_api.ts";
import {
  Binary,
  DateDay,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeMicrosecond,
  TimeNanosecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from "npm:apache-arrow@21.2.0";
import type { CellVector, ColumnInfo, RowsResult } from "../result.ts";
import { NoctraError } from "../../errors.ts";
import { textOf } from "../../render/values.ts";
import { decimalStorageBytes, parseDuckDBType } from "./duckdb_types.ts";
import { type Encoder, UTF8 } from "./encoder.ts";
import {
  BoolEncoder,
  type Convert,
  DecimalEncoder,
  FixedEncoder,
  NullEncoder,
} from "./fixed_width_encoders.ts";
import { FixedSizeListEncoder, ListEncoder, MapEncoder, StructEncoder } from "./nested_encoders.ts";
import { VarEncoder } from "./variable_size_encoder.ts";
import { describeCell } from "./error_text.ts";

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

/**
 * Converts `result` into an `apache-arrow` {@link Table} (for the library's `queryArrow(sql)`),
 * with the same type mapping and batching as `writeArrowIpcFile` (ipc_file.ts); the table holds one
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
 * Yields the Arrow schema first (always, even for an empty result), then one record batch per
 * gathered run of chunks.
 */
export async function* arrowStream(
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
