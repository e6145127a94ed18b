/**
 * Encoders of Arrow's nested types: {@link ListEncoder} (LIST → List), {@link MapEncoder}
 * (MAP → Map), {@link FixedSizeListEncoder} (ARRAY → FixedSizeList) and {@link StructEncoder}
 * (STRUCT → Struct), each over child encoders of any type.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import {
  DuckDBArrayValue,
  DuckDBListValue,
  DuckDBListVector,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBStructVector,
  DuckDBVector,
} from "../duckdb_api.ts";
import {
  type Data,
  type DataType,
  Field,
  FixedSizeList,
  List,
  makeData,
  Map_,
  Struct,
} from "npm:apache-arrow@21.2.0";
import type { CellVector } from "../result.ts";
import { NoctraError } from "../../errors.ts";
import { DUCKDB_CHUNK_ROWS } from "./duckdb_types.ts";
import { mapListVector, rawValidity } from "./duckdb_vector_internals.ts";
import { Encoder, grow } from "./encoder.ts";
import { describeCell } from "./error_text.ts";

/** LIST → List: offsets into one child column. */
export class ListEncoder extends Encoder {
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
export class MapEncoder extends ListEncoder {
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
    return mapListVector(vector);
  }

  protected override itemsOf(value: unknown): readonly unknown[] | null {
    if (value === null || value === undefined) return null;
    if (value instanceof DuckDBMapValue) return value.entries;
    throw new NoctraError(`Arrow export: ${this.label} holds ${describeCell(value)}, not a MAP`);
  }
}

/** ARRAY → FixedSizeList: `size` child items per row, NULL rows included. */
export class FixedSizeListEncoder extends Encoder {
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
export class StructEncoder extends Encoder {
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
