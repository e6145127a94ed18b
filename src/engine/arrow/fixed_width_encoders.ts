/**
 * Encoders of Arrow's fixed-width layouts: {@link FixedEncoder} (integers, floats, DATE, TIME,
 * TIMESTAMP: one typed-array slot per item), {@link BoolEncoder} (bit-packed),
 * {@link DecimalEncoder} (Decimal128) and {@link NullEncoder} (no buffers at all). The first three
 * block-copy DuckDB vectors through the vector internals when `fast` is set.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import { DuckDBDecimalValue, DuckDBVector } from "../duckdb_api.ts";
import {
  Bool,
  type Data,
  type DataType,
  Decimal,
  type Int32,
  makeData,
  Null,
} from "npm:apache-arrow@21.2.0";
import type { CellVector } from "../result.ts";
import { NoctraError } from "../../errors.ts";
import { DUCKDB_CHUNK_ROWS } from "./duckdb_types.ts";
import {
  rawDataView,
  rawItems,
  rawValidity,
  type TypedArray,
  type TypedArrayConstructor,
} from "./duckdb_vector_internals.ts";
import { Encoder, grow } from "./encoder.ts";
import { describeCell } from "./error_text.ts";

/** Converts one cell of the generic path (`getItem`) into a fixed-width slot value. */
export type Convert = (value: unknown) => number | bigint;

/** Numbers, big integers, dates, times and timestamps: one typed-array slot per item. */
export class FixedEncoder extends Encoder {
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
export class BoolEncoder extends Encoder {
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
export class DecimalEncoder extends Encoder {
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

/** Untyped NULL columns → Arrow Null. */
export class NullEncoder extends Encoder {
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
