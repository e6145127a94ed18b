/**
 * The one place that reads `@duckdb/node-api` vector internals: fields the package declares
 * TypeScript-private (`items`, `dataView`, `validity` with its `data` and `offset`, a MAP
 * vector's `listVector`) and a BLOB vector method applied to a VARCHAR vector. The Arrow export
 * block-copies vectors through them instead of calling the public `getItem()` per cell.
 *
 * Checked against `@duckdb/node-api` 1.5.5-r.5, the version pinned in `deno.json` and
 * `src/engine/duckdb_api.ts`. Every accessor checks the shape it finds at run time and returns
 * `undefined` when it differs, so after an upgrade that changes these internals the export
 * falls back to `getItem()` (same output, about 2.5× slower) rather than failing;
 * tests/duckdb_internals_test.ts fails then, naming this module.
 *
 * @module
 */
import {
  DuckDBBlobVector,
  DuckDBListVector,
  type DuckDBVarCharVector,
  type DuckDBVector,
} from "../duckdb_api.ts";

/** The typed arrays a fixed-width DuckDB vector keeps its `items` in (and encoders fill). */
export type TypedArray =
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

/** The constructors of {@link TypedArray}. */
export type TypedArrayConstructor =
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

/** Validity of a DuckDB vector: LSB-first bit words (`null` = all valid) from bit `offset`. */
export interface RawValidity {
  readonly bytes: Uint8Array | null;
  readonly offset: number;
}

/**
 * The validity of `vector` (private `validity.data`, a `BigUint64Array` or `null`, and
 * `validity.offset`) as bytes: bit `offset + i` is item `i`, 1 = valid. `undefined` when the
 * shape differs or the host is big-endian.
 */
export function rawValidity(vector: object): RawValidity | undefined {
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

/**
 * The private `items` of a fixed-width vector (integers, floats, DATE, TIME, TIMESTAMP…): one
 * element per item, NULL slots holding whatever DuckDB left there. `undefined` unless it is a
 * `ctor` array.
 */
export function rawItems(vector: object, ctor: TypedArrayConstructor): TypedArray | undefined {
  const items = (vector as { items?: unknown }).items;
  return items instanceof ctor ? items : undefined;
}

/**
 * The private `dataView` of a vector kept as bytes (BOOLEAN: one byte per item; DECIMAL: 2, 4,
 * 8 or 16 little-endian bytes per item; VARCHAR/BLOB: 16-byte `string_t` per item).
 * `undefined` when absent.
 */
export function rawDataView(vector: object): DataView | undefined {
  const view = (vector as { dataView?: unknown }).dataView;
  return view instanceof DataView ? view : undefined;
}

/**
 * The private `listVector` of a `DuckDBMapVector`: the LIST<STRUCT(key, value)> vector DuckDB
 * stores a MAP as. `undefined` for other vectors or when absent.
 */
export function mapListVector(vector: DuckDBVector): DuckDBListVector | undefined {
  const list = (vector as { listVector?: unknown }).listVector;
  return list instanceof DuckDBListVector ? list : undefined;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * `DuckDBBlobVector.prototype.getItemBytes`: reads a `string_t` slot's bytes from a vector's
 * `dataView` and `validity`, which `DuckDBVarCharVector` has too (checked before each use).
 */
const STRING_BYTES = typeof DuckDBBlobVector.prototype.getItemBytes === "function"
  ? DuckDBBlobVector.prototype.getItemBytes
  : undefined;

/**
 * The UTF-8 bytes of item `row` of a VARCHAR vector (`null` for NULL) without decoding them:
 * the BLOB vector's public `getItemBytes` run on the VARCHAR vector, whose private `dataView`
 * and `validity` have the same layout (one native call for a string longer than 12 bytes).
 * Call it only after {@link rawDataView} and {@link rawValidity} found both on `vector`.
 * `undefined` when the package has no such method.
 */
export const varCharItemBytes:
  | ((vector: DuckDBVarCharVector, row: number) => Uint8Array | null)
  | undefined = STRING_BYTES === undefined
    ? undefined
    : (vector, row) => STRING_BYTES.call(vector as unknown as DuckDBBlobVector, row);
