/**
 * The Arrow export reads `@duckdb/node-api` vector internals only through
 * src/engine/arrow/duckdb_vector_internals.ts. These tests build real DuckDB vectors of every kind
 * the encoders read (through src/engine/duckdb_api.ts) and check that each accessor still returns
 * the vector's actual data. When one fails, an `@duckdb/node-api` upgrade changed those internals:
 * the export then silently falls back to `getItem()` (same output, about 2.5× slower), so the
 * accessors need updating.
 */
import assert from "node:assert/strict";
import {
  type DuckDBDataChunk,
  DuckDBInstance,
  DuckDBListVector,
  DuckDBStructVector,
  DuckDBVarCharVector,
  type DuckDBVector,
} from "../src/engine/duckdb_api.ts";
import {
  mapListVector,
  rawDataView,
  rawItems,
  rawValidity,
  type TypedArray,
  type TypedArrayConstructor,
  varCharItemBytes,
} from "../src/engine/arrow/duckdb_vector_internals.ts";

const INTERNALS = "src/engine/arrow/duckdb_vector_internals.ts";

/** Runs `check`; a failure names the internals module and the accessor that broke. */
function expectAccessor(accessor: string, vector: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    throw new Error(
      `${INTERNALS}: ${accessor}() no longer reads ${vector} vectors correctly; an ` +
        `@duckdb/node-api upgrade changed the internals it relies on (pinned 1.5.5-r.5), so ` +
        `update the accessors there. Cause: ${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
}

/**
 * Runs `body` on the first chunk of `sql`'s streamed result (as the export reads it) and its
 * vectors, with the instance open until `body` is done.
 */
async function withFirstChunk(
  sql: string,
  body: (vectors: DuckDBVector[], chunk: DuckDBDataChunk) => void,
): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const result = await connection.stream(sql);
    const chunk = await result.fetchChunk();
    assert.ok(chunk !== null && chunk.rowCount > 0, `no rows from ${sql}`);
    body(Array.from({ length: chunk.columnCount }, (_, i) => chunk.getColumnVector(i)), chunk);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Whether bit `row` of `vector`'s validity (per {@link rawValidity}) says "valid". */
function validBit(vector: DuckDBVector, row: number): boolean {
  const validity = rawValidity(vector);
  assert.ok(validity !== undefined, "rawValidity returned undefined");
  if (validity.bytes === null) return true;
  const bit = validity.offset + row;
  return (validity.bytes[bit >> 3]! & (1 << (bit & 7))) !== 0;
}

/** Five rows, row 2 NULL in every column; `v` is -4, -1, NULL, 5, 8. */
const FIXED_WIDTH: readonly [
  string,
  string,
  TypedArrayConstructor,
  readonly (number | bigint)[],
][] = [
  ["TINYINT", "v::TINYINT", Int8Array, [-4, -1, 5, 8]],
  ["SMALLINT", "v::SMALLINT", Int16Array, [-4, -1, 5, 8]],
  ["INTEGER", "v::INTEGER", Int32Array, [-4, -1, 5, 8]],
  ["BIGINT", "v::BIGINT", BigInt64Array, [-4n, -1n, 5n, 8n]],
  ["UTINYINT", "(v + 4)::UTINYINT", Uint8Array, [0, 3, 9, 12]],
  ["USMALLINT", "(v + 4)::USMALLINT", Uint16Array, [0, 3, 9, 12]],
  ["UINTEGER", "(v + 4)::UINTEGER", Uint32Array, [0, 3, 9, 12]],
  ["UBIGINT", "(v + 4)::UBIGINT", BigUint64Array, [0n, 3n, 9n, 12n]],
  ["FLOAT", "(v / 2)::FLOAT", Float32Array, [-2, -0.5, 2.5, 4]],
  ["DOUBLE", "(v / 4)::DOUBLE", Float64Array, [-1, -0.25, 1.25, 2]],
  ["DATE", "DATE '1970-01-01' + v::INTEGER", Int32Array, [-4, -1, 5, 8]],
  ["TIME", "TIME '00:00:00' + to_microseconds(v + 4)", BigInt64Array, [0n, 3n, 9n, 12n]],
  [
    "TIME_NS",
    "('00:00:00.' || lpad((v + 4)::VARCHAR, 9, '0'))::TIME_NS",
    BigInt64Array,
    [0n, 3n, 9n, 12n],
  ],
  ["TIMESTAMP", "make_timestamp(v)", BigInt64Array, [-4n, -1n, 5n, 8n]],
  ["TIMESTAMP_S", "make_timestamp(v * 1000000)::TIMESTAMP_S", BigInt64Array, [-4n, -1n, 5n, 8n]],
  ["TIMESTAMP_MS", "make_timestamp(v * 1000)::TIMESTAMP_MS", BigInt64Array, [-4n, -1n, 5n, 8n]],
  ["TIMESTAMP_NS", "make_timestamp_ns(v)", BigInt64Array, [-4n, -1n, 5n, 8n]],
  ["TIMESTAMPTZ", "make_timestamp(v)::TIMESTAMPTZ", BigInt64Array, [-4n, -1n, 5n, 8n]],
];

const FIVE_ROWS = "FROM (SELECT CASE WHEN i = 2 THEN NULL ELSE i * 3 - 4 END AS v " +
  "FROM range(5) t(i) ORDER BY i)";

Deno.test("rawItems: the typed array of each fixed-width vector the encoder copies", async () => {
  await withFirstChunk(
    `SELECT ${FIXED_WIDTH.map(([, expression]) => expression).join(", ")} ${FIVE_ROWS}`,
    (vectors, chunk) => {
      assert.equal(chunk.rowCount, 5);
      FIXED_WIDTH.forEach(([name, , ctor, expected], index) => {
        const vector = vectors[index]!;
        expectAccessor("rawItems", name, () => {
          const items = rawItems(vector, ctor) as TypedArray | undefined;
          assert.ok(items instanceof ctor, `expected a ${ctor.name}, got ${items}`);
          assert.ok(items.length >= 5, `${items.length} items for 5 rows`);
          assert.deepEqual([items[0], items[1], items[3], items[4]], expected);
        });
        expectAccessor("rawValidity", name, () => {
          assert.deepEqual([0, 1, 2, 3, 4].map((row) => validBit(vector, row)), [
            true,
            true,
            false,
            true,
            true,
          ]);
        });
      });
    },
  );
});

Deno.test("rawValidity: NULL bits across 64-bit words, and all-valid vectors", async () => {
  await withFirstChunk(
    "SELECT CASE WHEN i % 7 = 2 THEN NULL ELSE i END::INTEGER, " +
      "CASE WHEN i % 7 = 2 THEN NULL ELSE 'text ' || i END, " +
      "CASE WHEN i % 7 = 2 THEN NULL ELSE [i] END, i::INTEGER " +
      "FROM range(150) t(i) ORDER BY i",
    (vectors) => {
      for (const [index, name] of ["INTEGER", "VARCHAR", "LIST"].entries()) {
        expectAccessor("rawValidity", name, () => {
          const vector = vectors[index]!;
          const actual = Array.from({ length: 150 }, (_, row) => validBit(vector, row));
          const expected = Array.from({ length: 150 }, (_, row) => row % 7 !== 2);
          assert.deepEqual(actual, expected);
        });
      }
      expectAccessor("rawValidity", "NULL-free INTEGER", () => {
        const validity = rawValidity(vectors[3]!);
        assert.ok(validity !== undefined, "rawValidity returned undefined");
        assert.ok(
          validity.bytes === null ||
            [...Array(150).keys()].every((row) => validBit(vectors[3]!, row)),
          "a NULL-free vector reads as having NULLs",
        );
      });
    },
  );
});

Deno.test("rawDataView: BOOLEAN bytes, DECIMAL widths, VARCHAR string_t slots", async () => {
  await withFirstChunk(
    "SELECT v > 0 AS b, (v / 10)::DECIMAL(4,1), (v / 100)::DECIMAL(9,2), " +
      "(v / 1000)::DECIMAL(18,3), (v * 1e20)::DECIMAL(38,0), " +
      `CASE WHEN v IS NULL THEN NULL ELSE 'ab' || v END ${FIVE_ROWS}`,
    (vectors) => {
      const rows = [0, 1, 3, 4];
      expectAccessor("rawDataView", "BOOLEAN", () => {
        const view = rawDataView(vectors[0]!);
        assert.ok(view instanceof DataView, `expected a DataView, got ${view}`);
        assert.deepEqual(rows.map((row) => view.getUint8(row)), [0, 0, 1, 1]);
      });
      const decimals: [string, number, (view: DataView, at: number) => number | bigint][] = [
        ["DECIMAL(4,1)", 2, (view, at) => view.getInt16(at, true)],
        ["DECIMAL(9,2)", 4, (view, at) => view.getInt32(at, true)],
        ["DECIMAL(18,3)", 8, (view, at) => view.getBigInt64(at, true)],
        [
          "DECIMAL(38,0)",
          16,
          (view, at) => (view.getBigInt64(at + 8, true) << 64n) | view.getBigUint64(at, true),
        ],
      ];
      decimals.forEach(([name, size, read], index) => {
        expectAccessor("rawDataView", name, () => {
          const view = rawDataView(vectors[index + 1]!);
          assert.ok(view instanceof DataView, `expected a DataView, got ${view}`);
          assert.ok(view.byteLength >= 5 * size, `${view.byteLength} bytes for 5 rows`);
          const unscaled = rows.map((row) => read(view, row * size));
          const expected = size === 16
            ? [-4n, -1n, 5n, 8n].map((v) => v * 10n ** 20n)
            : size === 8
            ? [-4n, -1n, 5n, 8n]
            : [-4, -1, 5, 8];
          assert.deepEqual(unscaled, expected);
        });
      });
      expectAccessor("rawDataView", "VARCHAR", () => {
        const view = rawDataView(vectors[5]!);
        assert.ok(view instanceof DataView, `expected a DataView, got ${view}`);
        // string_t: uint32 length, then the bytes inline (≤ 12 bytes).
        const text = rows.map((row) => {
          const length = view.getUint32(row * 16, true);
          return new TextDecoder().decode(
            new Uint8Array(view.buffer, view.byteOffset + row * 16 + 4, length),
          );
        });
        assert.deepEqual(text, ["ab-4", "ab-1", "ab5", "ab8"]);
      });
    },
  );
});

Deno.test("varCharItemBytes: UTF-8 bytes of long VARCHARs, null for NULL", async () => {
  await withFirstChunk(
    "SELECT CASE WHEN i = 1 THEN NULL ELSE 'a string longer than twelve bytes ✓ ' || i END " +
      "FROM range(3) t(i) ORDER BY i",
    (vectors) => {
      const vector = vectors[0]!;
      expectAccessor("varCharItemBytes", "VARCHAR", () => {
        assert.ok(vector instanceof DuckDBVarCharVector, `not a VARCHAR vector: ${vector}`);
        assert.ok(
          varCharItemBytes !== undefined,
          "DuckDBBlobVector.prototype.getItemBytes is gone",
        );
        const read = (row: number) => {
          const bytes = varCharItemBytes!(vector, row);
          return bytes === null ? null : new TextDecoder().decode(bytes);
        };
        assert.deepEqual([read(0), read(1), read(2)], [
          "a string longer than twelve bytes ✓ 0",
          null,
          "a string longer than twelve bytes ✓ 2",
        ]);
      });
    },
  );
});

Deno.test("mapListVector: the LIST<STRUCT(key, value)> vector behind a MAP vector", async () => {
  await withFirstChunk(
    "SELECT CASE WHEN i = 1 THEN NULL ELSE MAP {'k' || i: i::INTEGER, 'z': NULL::INTEGER} END, " +
      "[i] FROM range(3) t(i) ORDER BY i",
    (vectors) => {
      expectAccessor("mapListVector", "MAP", () => {
        const list = mapListVector(vectors[0]!);
        assert.ok(list instanceof DuckDBListVector, `expected a DuckDBListVector, got ${list}`);
        assert.deepEqual([0, 2].map((row) => list.getEntryLength(row)), [2, 2]);
        assert.deepEqual([0, 1, 2].map((row) => validBit(list, row)), [true, false, true]);
        const entries = list.childVector;
        assert.ok(entries instanceof DuckDBStructVector, `entries are ${entries}`);
        const offset = list.getEntryOffset(2);
        assert.deepEqual(
          [entries.entryVectorAt(0).getItem(offset), entries.entryVectorAt(1).getItem(offset)],
          ["k2", 2],
        );
      });
      expectAccessor("mapListVector", "LIST (not a MAP)", () => {
        assert.equal(mapListVector(vectors[1]!), undefined);
      });
    },
  );
});
