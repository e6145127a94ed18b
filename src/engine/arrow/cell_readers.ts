/**
 * Arrow types → DuckDB types: {@link readerFor} gives the DuckDB type that holds an Arrow type
 * and a {@link CellReader} that turns one Arrow cell into the DuckDB value to append, nested
 * types through their children's readers.
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
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructType,
  DuckDBStructValue,
  DuckDBTimeNSValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  type DuckDBType,
  type DuckDBValue,
  FLOAT,
  INTEGER,
  LIST,
  MAP,
  SMALLINT,
  TIME,
  TIME_NS,
  TIMESTAMP,
  TIMESTAMP_MS,
  TIMESTAMP_NS,
  TIMESTAMP_S,
  TIMESTAMPTZ,
  TINYINT,
  UBIGINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  VARCHAR,
} from "../duckdb_api.ts";
import {
  type Data,
  type DataType,
  type DateDay,
  DateUnit,
  type Decimal,
  type FixedSizeList,
  type Float32,
  type Int32,
  type List,
  makeVector,
  type Map_,
  Precision,
  type Struct,
  type TimestampMicrosecond,
  TimeUnit,
  Type,
  type Vector,
} from "npm:apache-arrow@21.2.0";
import { NoctraError } from "../../errors.ts";

/** Reads one Arrow cell as the DuckDB value to append (`null` for NULL). */
export type CellReader = (data: Data, index: number) => DuckDBValue;

/**
 * Thrown by {@link readerFor} for an Arrow type DuckDB cannot hold: `inner` is that type (the
 * field's own or one nested in it), `reason` an optional detail.
 */
export class UnsupportedArrowType extends Error {
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

/**
 * The DuckDB type holding Arrow `type`, and how to read one cell of it (mapping in the module
 * documentation). Throws {@link UnsupportedArrowType} when `type`, or a type nested in it, has no
 * DuckDB equivalent.
 */
export function readerFor(type: DataType): { duckType: DuckDBType; read: CellReader } {
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
