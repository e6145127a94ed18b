/**
 * The base of every DuckDB → Arrow column encoder ({@link Encoder}: items, NULL bits, batch
 * hand-over) and the buffer helpers the encoders share.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import type { Data, DataType } from "npm:apache-arrow@21.2.0";
import type { CellVector } from "../result.ts";
import type { RawValidity, TypedArray } from "./duckdb_vector_internals.ts";

/**
 * Builds one Arrow column (or child) of the batch under way: cells go in through
 * `appendVector` (a range of an engine vector) or `appendValue` (one cell); `flush` hands the
 * gathered items over as Arrow `Data` and starts the next batch with fresh buffers.
 */
export abstract class Encoder {
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

/** A zero-length byte array (no NULL bitmap, an empty string's bytes). */
export const EMPTY_BYTES = new Uint8Array(0);

/** Grows `array` (same type) to hold at least `needed` elements, keeping `used` of them. */
export function grow<T extends TypedArray>(array: T, needed: number, used: number): T {
  if (array.length >= needed) return array;
  const ctor = array.constructor as new (length: number) => T;
  const grown = new ctor(Math.max(needed, array.length * 2));
  (grown as unknown as { set(source: T): void }).set(array.subarray(0, used) as T);
  return grown;
}

/** The UTF-8 encoder of text cells. */
export const UTF8 = new TextEncoder();
