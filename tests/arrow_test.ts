/**
 * Arrow IPC: DuckDB → Arrow file → DuckDB round trips for every mapped type (values compared as
 * DuckDB's exact text), plain SQLite cells, empty results, Arrow → DuckDB loading of files built
 * with apache-arrow (dictionary, stream format), errors, and the real `flights-200k.arrow`.
 */
import assert from "node:assert/strict";
import {
  Dictionary,
  DurationSecond,
  Int32,
  makeData,
  makeVector,
  RecordBatch,
  RecordBatchReader,
  Table,
  tableFromIPC,
  tableToIPC,
  Type,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { DuckDBSource } from "../src/engine/sources/duckdb_source.ts";
import { SQLiteSource } from "../src/engine/sources/sqlite_source.ts";
import { type RowsResult, rowsResultFromArrays } from "../src/engine/result.ts";
import { parseDuckDBType } from "../src/engine/arrow/duckdb_types.ts";
import { resultToArrowTable } from "../src/engine/arrow/encode.ts";
import { loadArrowIpcIntoDuckDB, writeArrowIpcFile } from "../src/engine/arrow/ipc_file.ts";
import { NoctraError } from "../src/errors.ts";
import { ensureBenchData } from "../bench/fetch_data.ts";

const MAIN = { catalog: "memory", schema: "main" };

async function rows(duckdb: DuckDBSource, sql: string): Promise<RowsResult> {
  const result = await duckdb.stream(sql, undefined, { query: true });
  assert.equal(result.kind, "rows");
  return result as RowsResult;
}

/** Every column of `sql` as DuckDB's text (`NULL` → null), rows in `id` order. */
async function texts(duckdb: DuckDBSource, table: string): Promise<(string | null)[][]> {
  const cells = await duckdb.readAll(`SELECT COLUMNS(*)::VARCHAR FROM ${table} ORDER BY id`);
  return cells.map((row) => row.map((cell) => cell === null ? null : String(cell)));
}

async function withDuckDB(body: (duckdb: DuckDBSource, dir: string) => Promise<void>) {
  const duckdb = await DuckDBSource.open();
  const dir = await Deno.makeTempDir({ prefix: "noctra-arrow-test-" });
  try {
    await body(duckdb, dir);
  } finally {
    duckdb.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * One column per mapped DuckDB type: 6,000 generated rows (so ≥ 3 DuckDB chunks) with NULLs in
 * every column, plus edge rows (extremes, special floats, infinities, empty values).
 */
const ALL_TYPES = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE src AS
SELECT i AS id,
  CASE WHEN i % 7 = 1 THEN NULL ELSE (i % 256 - 128)::TINYINT END AS c_tinyint,
  CASE WHEN i % 7 = 2 THEN NULL ELSE (i * 7 % 65536 - 32768)::SMALLINT END AS c_smallint,
  CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 104729 - 300000000)::INTEGER END AS c_integer,
  CASE WHEN i % 7 = 4 THEN NULL ELSE i * 1000000007 - 3000000000000 END AS c_bigint,
  CASE WHEN i % 7 = 5 THEN NULL ELSE (i % 256)::UTINYINT END AS c_utinyint,
  CASE WHEN i % 7 = 6 THEN NULL ELSE (i * 13 % 65536)::USMALLINT END AS c_usmallint,
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 715827)::UINTEGER END AS c_uinteger,
  CASE WHEN i % 5 = 0 THEN NULL ELSE i::UBIGINT * 3074457345618258 END AS c_ubigint,
  CASE WHEN i % 5 = 1 THEN NULL ELSE (i - 3000)::HUGEINT * 12345678901234567890123 END AS c_hugeint,
  CASE WHEN i % 5 = 2 THEN NULL ELSE i::UHUGEINT * 98765432109876543210987::UHUGEINT END AS c_uhugeint,
  CASE WHEN i % 5 = 3 THEN NULL ELSE (i / 7 - 400)::FLOAT END AS c_float,
  CASE WHEN i % 5 = 4 THEN NULL ELSE i / 3 - 1000.25 END AS c_double,
  CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS c_boolean,
  CASE WHEN i % 11 = 0 THEN NULL WHEN i % 11 = 1 THEN '' WHEN i % 11 = 2 THEN 'ünïcødé ✓ ' || i
       WHEN i % 11 = 3 THEN repeat('long text ', i % 9) ELSE 'v' || i END AS c_varchar,
  CASE WHEN i % 9 = 0 THEN NULL WHEN i % 9 = 1 THEN ''::BLOB
       ELSE ('\\x00\\xFF' || repeat('ab', i % 20))::BLOB END AS c_blob,
  CASE WHEN i % 6 = 0 THEN NULL ELSE DATE '1969-12-01' + (i * 3)::INTEGER END AS c_date,
  CASE WHEN i % 6 = 1 THEN NULL ELSE TIME '00:00:00' + to_microseconds(i * 14400011) END AS c_time,
  CASE WHEN i % 6 = 2 THEN NULL
       ELSE '01:02:03.123456789'::TIME_NS END AS c_time_ns,
  CASE WHEN i % 6 = 3 THEN NULL
       ELSE TIMESTAMP '1960-01-01 00:00:00' + to_microseconds(i * 987654321017) END AS c_timestamp,
  CASE WHEN i % 6 = 4 THEN NULL
       ELSE (TIMESTAMP '2001-02-03 04:05:06' + to_seconds(i * 1000))::TIMESTAMP_S END AS c_timestamp_s,
  CASE WHEN i % 6 = 5 THEN NULL
       ELSE (TIMESTAMP '2001-02-03 04:05:06.789' + to_milliseconds(i * 1001))::TIMESTAMP_MS
  END AS c_timestamp_ms,
  CASE WHEN i % 4 = 0 THEN NULL
       ELSE make_timestamp_ns(981173106123456789 + i * 1000000001) END AS c_timestamp_ns,
  CASE WHEN i % 4 = 1 THEN NULL
       ELSE TIMESTAMPTZ '2020-06-30 12:34:56.654321+00' + to_microseconds(i * 1000003) END AS c_timestamptz,
  CASE WHEN i % 4 = 2 THEN NULL ELSE ((i % 700) * 1.5 - 99.9)::DECIMAL(4,1) END AS c_decimal_4_1,
  CASE WHEN i % 4 = 3 THEN NULL ELSE (i * 3.0001 - 9000)::DECIMAL(9,4) END AS c_decimal_9_4,
  CASE WHEN i % 8 = 0 THEN NULL ELSE (i * 123456789.123 - 99999999999)::DECIMAL(18,3) END AS c_decimal_18_3,
  CASE WHEN i % 8 = 1 THEN NULL
       ELSE ((i - 2999) * 123456789012345678.0123456789)::DECIMAL(38,10) END AS c_decimal_38_10,
  CASE WHEN i % 8 = 2 THEN NULL WHEN i % 8 = 3 THEN []
       ELSE [i, NULL, i + 1]::INTEGER[] END AS c_list,
  CASE WHEN i % 8 = 4 THEN NULL WHEN i % 8 = 5 THEN []
       ELSE [{'a': i, 'b': 'x' || i}, NULL, {'a': NULL, 'b': NULL}] END AS c_list_struct,
  CASE WHEN i % 8 = 6 THEN NULL
       ELSE {'n': i, 'tags': ['t' || i, NULL], 'inner': {'d': DATE '2000-01-01' + i::INTEGER}} END AS c_struct,
  CASE WHEN i % 8 = 7 THEN NULL WHEN i % 8 = 0 THEN MAP {}::MAP(VARCHAR, INTEGER)
       ELSE MAP {'k' || i: i::INTEGER, 'null': NULL::INTEGER} END AS c_map,
  (CASE WHEN i % 10 = 0 THEN NULL ELSE [i, NULL, -i] END)::INTEGER[3] AS c_array,
  CASE WHEN i % 10 = 1 THEN NULL ELSE md5(i::VARCHAR)::UUID END AS c_uuid,
  CASE WHEN i % 10 = 2 THEN NULL
       ELSE to_months((i % 30)::INTEGER) + to_days((i % 40)::INTEGER) + to_microseconds(i * 1234567)
  END AS c_interval,
  CASE WHEN i % 10 = 3 THEN NULL ELSE (['sad', 'ok', 'happy'])[i % 3 + 1]::mood END AS c_enum
FROM range(6000) t(i);
INSERT INTO src (id, c_tinyint, c_smallint, c_integer, c_bigint, c_utinyint, c_usmallint, c_uinteger,
  c_ubigint, c_hugeint, c_uhugeint, c_float, c_double, c_varchar, c_date, c_timestamp, c_decimal_18_3,
  c_decimal_38_10, c_list)
VALUES
  (-1, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0,
   -99999999999999999999999999999999999999, 0, 'nan', '-inf', repeat('x', 1000),
   '-infinity', '-infinity', -999999999999999.999, -9999999999999999999999999999.9999999999, [NULL]),
  (-2, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295,
   18446744073709551615, 99999999999999999999999999999999999999,
   99999999999999999999999999999999999999, 'inf', '-0.0', '', 'infinity', 'infinity',
   999999999999999.999, 9999999999999999999999999999.9999999999, []),
  (-3, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1.5e-45, 2.2250738585072014e-308, 'a', '0001-01-01',
   '1677-09-22 00:00:00.000001', 0.001, 0.0000000001, [0]);
`;

Deno.test("DuckDB → Arrow file → DuckDB: every mapped type, NULLs and extremes, exact text", async () => {
  await withDuckDB(async (duckdb, dir) => {
    for (const statement of ALL_TYPES.split(";").filter((s) => s.trim() !== "")) {
      await duckdb.run(statement);
    }
    const path = `${dir}/all.arrow`;
    const written = await writeArrowIpcFile(
      await rows(duckdb, "SELECT * FROM src ORDER BY id"),
      path,
    );
    assert.equal(written.rows, 6003);
    assert.equal(written.bytes, (await Deno.stat(path)).size);

    // The Arrow schema, as apache-arrow reads it back.
    const table = tableFromIPC(await Deno.readFile(path));
    assert.equal(table.numRows, 6003);
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    assert.deepEqual(types, {
      id: "Int64",
      c_tinyint: "Int8",
      c_smallint: "Int16",
      c_integer: "Int32",
      c_bigint: "Int64",
      c_utinyint: "Uint8",
      c_usmallint: "Uint16",
      c_uinteger: "Uint32",
      c_ubigint: "Uint64",
      c_hugeint: "Decimal[38e0]",
      c_uhugeint: "Decimal[38e0]",
      c_float: "Float32",
      c_double: "Float64",
      c_boolean: "Bool",
      c_varchar: "Utf8",
      c_blob: "Binary",
      c_date: "Date32<DAY>",
      c_time: "Time64<MICROSECOND>",
      c_time_ns: "Time64<NANOSECOND>",
      c_timestamp: "Timestamp<MICROSECOND>",
      c_timestamp_s: "Timestamp<SECOND>",
      c_timestamp_ms: "Timestamp<MILLISECOND>",
      c_timestamp_ns: "Timestamp<NANOSECOND>",
      c_timestamptz: "Timestamp<MICROSECOND, UTC>",
      c_decimal_4_1: "Decimal[4e+1]",
      c_decimal_9_4: "Decimal[9e+4]",
      c_decimal_18_3: "Decimal[18e+3]",
      c_decimal_38_10: "Decimal[38e+10]",
      c_list: "List<Int32>",
      c_list_struct: "List<Struct<{a:Int64, b:Utf8}>>",
      c_struct: "Struct<{n:Int64, tags:List<Utf8>, inner:Struct<{d:Date32<DAY>}>}>",
      c_map: "Map<{key:Utf8, value:Int32}>",
      c_array: "FixedSizeList[3]<Int32>",
      c_uuid: "Utf8",
      c_interval: "Utf8",
      c_enum: "Utf8",
    });
    for (const field of table.schema.fields) assert.equal(field.nullable, true, field.name);
    // Microseconds stay microseconds: the raw int64 of row id 0 (first data row is id -3).
    const rowZero = 3;
    assert.equal(
      table.getChild("c_timestamp")!.data[0]!.values[rowZero],
      -315619200000000n,
    );
    assert.equal(table.getChild("c_decimal_18_3")!.data[0]!.type.scale, 3);

    // Reload and compare every cell's text with the source's.
    const loaded = await loadArrowIpcIntoDuckDB(duckdb, path, { ...MAIN, name: "back" });
    assert.deepEqual(loaded, { rows: 6003, columns: 36 });
    const described = Object.fromEntries(
      (await duckdb.readAll("DESCRIBE back")).map((row) => [String(row[0]), String(row[1])]),
    );
    assert.equal(described.c_hugeint, "DECIMAL(38,0)");
    assert.equal(described.c_timestamp, "TIMESTAMP");
    assert.equal(described.c_timestamp_s, "TIMESTAMP_S");
    assert.equal(described.c_timestamp_ms, "TIMESTAMP_MS");
    assert.equal(described.c_timestamp_ns, "TIMESTAMP_NS");
    assert.equal(described.c_timestamptz, "TIMESTAMP WITH TIME ZONE");
    assert.equal(described.c_time_ns, "TIME_NS");
    assert.equal(described.c_decimal_18_3, "DECIMAL(18,3)");
    assert.equal(described.c_decimal_38_10, "DECIMAL(38,10)");
    assert.equal(described.c_list_struct, "STRUCT(a BIGINT, b VARCHAR)[]");
    assert.equal(described.c_map, "MAP(VARCHAR, INTEGER)");
    assert.equal(described.c_array, "INTEGER[3]");
    assert.equal(described.c_uuid, "VARCHAR");
    const expected = await texts(duckdb, "src");
    assert.deepEqual(await texts(duckdb, "back"), expected);
    // Spot checks on the text itself (so a symmetric bug cannot hide).
    const edge = await duckdb.readAll(
      "SELECT c_decimal_38_10::VARCHAR, c_timestamp::VARCHAR, c_hugeint::VARCHAR, c_double::VARCHAR FROM back WHERE id = -2",
    );
    assert.deepEqual(edge[0]!.map(String), [
      "9999999999999999999999999999.9999999999",
      "infinity",
      "99999999999999999999999999999999999999",
      "-0.0",
    ]);

    // The public getItem path produces the same values.
    const slow = `${dir}/slow.arrow`;
    await writeArrowIpcFile(await rows(duckdb, "SELECT * FROM src ORDER BY id"), slow, {
      fastPaths: false,
      batchRows: 1000,
    });
    // batchRows below the chunk size: one record batch per DuckDB chunk.
    assert.ok(RecordBatchReader.from(await Deno.readFile(slow)).readAll().length >= 3);
    await loadArrowIpcIntoDuckDB(duckdb, slow, { ...MAIN, name: "back_slow" });
    assert.deepEqual(await texts(duckdb, "back_slow"), expected);
  });
});

Deno.test("multi-chunk result: batches, row order, aggregates survive the round trip", async () => {
  await withDuckDB(async (duckdb, dir) => {
    const sql = `SELECT i AS id, i * 1.5 AS amount, 'label-' || i AS label,
      CASE WHEN i % 97 = 0 THEN NULL ELSE DATE '2020-01-01' + (i % 1000)::INTEGER END AS day,
      TIMESTAMP '2020-01-01 00:00:00' + to_microseconds(i * 1000003) AS ts
      FROM range(50000) t(i)`;
    const path = `${dir}/many.arrow`;
    const written = await writeArrowIpcFile(await rows(duckdb, sql), path, { batchRows: 8192 });
    assert.equal(written.rows, 50000);
    const table = tableFromIPC(await Deno.readFile(path));
    // Chunks are gathered until a batch holds ≥ 8,192 rows (at most one chunk more).
    assert.ok(table.batches.length >= 2);
    for (const batch of table.batches.slice(0, -1)) {
      assert.ok(batch.numRows >= 8192 && batch.numRows < 8192 + 2048, `${batch.numRows} rows`);
    }
    assert.equal(table.getChild("label")!.get(49999), "label-49999");
    assert.equal(table.getChild("day")!.get(97), null);
    await loadArrowIpcIntoDuckDB(duckdb, path, { ...MAIN, name: "many" });
    const summary = (table: string) =>
      duckdb.readAll(
        `SELECT count(*), sum(id), sum(amount)::VARCHAR, count(day), max(day)::VARCHAR,
           sum(epoch_us(ts)), bit_xor(hash(label)) FROM ${table}`,
      );
    assert.deepEqual(await summary("many"), await summary(`(${sql})`));
    const firstRows = await duckdb.readAll("SELECT id FROM many LIMIT 3");
    assert.deepEqual(firstRows.map((row) => row[0]), [0n, 1n, 2n]);
  });
});

Deno.test("resultToArrowTable: an apache-arrow Table from the same conversion", async () => {
  await withDuckDB(async (duckdb) => {
    const table = await resultToArrowTable(
      await rows(
        duckdb,
        `SELECT i AS id, TIMESTAMP '2024-01-02 03:04:05.678901' + to_microseconds(i) AS ts,
           (i / 8)::DECIMAL(18,3) AS d, CASE WHEN i = 1 THEN NULL ELSE 'r' || i END AS s
         FROM range(3000) t(i)`,
      ),
    );
    assert.ok(table instanceof Table);
    assert.equal(table.numRows, 3000);
    assert.deepEqual(table.schema.fields.map((field) => String(field.type)), [
      "Int64",
      "Timestamp<MICROSECOND>",
      "Decimal[18e+3]",
      "Utf8",
    ]);
    assert.equal(table.getChild("ts")!.data[0]!.values[2], 1704164645678903n);
    assert.equal(table.getChild("s")!.get(1), null);
    assert.equal(table.getChild("s")!.get(2999), "r2999");
    assert.equal(table.getChild("d")!.data[0]!.values[1 * 4], 125); // 0.125 → unscaled 125
  });
});

Deno.test("empty result: a valid file with the schema parsed from the column types", async () => {
  await withDuckDB(async (duckdb, dir) => {
    const select = `SELECT 1::INTEGER AS a, 2.5::DECIMAL(18,3) AS b, [{'x': 'y'}] AS c,
      MAP {'k': 1.5::DOUBLE} AS d, TIMESTAMPTZ '2020-01-01 00:00:00+00' AS e, [1, 2]::BIGINT[2] AS f,
      {'weird "name"': 1} AS g, uuid() AS h, NULL AS i`;
    const full = await resultToArrowTable(await rows(duckdb, select));
    const empty = await resultToArrowTable(await rows(duckdb, `${select} WHERE false`));
    assert.equal(empty.numRows, 0);
    assert.deepEqual(
      empty.schema.fields.map((field) => String(field.type)),
      full.schema.fields.map((field) => String(field.type)),
    );
    const path = `${dir}/empty.arrow`;
    const written = await writeArrowIpcFile(await rows(duckdb, `${select} WHERE false`), path);
    assert.equal(written.rows, 0);
    assert.deepEqual(
      await loadArrowIpcIntoDuckDB(duckdb, path, { ...MAIN, name: "empty" }),
      { rows: 0, columns: 9 },
    );
    const described = (await duckdb.readAll("DESCRIBE empty")).map((row) => String(row[1]));
    assert.deepEqual(described, [
      "INTEGER",
      "DECIMAL(18,3)",
      "STRUCT(x VARCHAR)[]",
      "MAP(VARCHAR, DOUBLE)",
      "TIMESTAMP WITH TIME ZONE",
      "BIGINT[2]",
      'STRUCT("weird ""name""" INTEGER)',
      "VARCHAR",
      "INTEGER",
    ]);
    assert.equal(parseDuckDBType("ENUM('a', 'b)c')[]")?.toString(), "VARCHAR[]");
    assert.equal(parseDuckDBType("DATETIME"), undefined);
  });
});

Deno.test("plain cells (SQLite): INTEGER→Int64, REAL→Float64, TEXT→Utf8, BLOB→Binary, other→Utf8", async () => {
  await withDuckDB(async (_duckdb, dir) => {
    const sqlite = SQLiteSource.open(`${dir}/plain.db`, "lite", {
      readOnly: false,
      create: true,
      busyTimeoutMs: 1000,
    });
    try {
      sqlite.exec(
        `CREATE TABLE t (id INTEGER, r REAL, t TEXT, b BLOB, d DATETIME, n NUMERIC, f BOOLEAN);
        INSERT INTO t VALUES (9007199254740993, 1.25, 'héllo', x'00ff10', '2024-01-02 03:04:05', 12.5, 1),
          (NULL, NULL, NULL, NULL, NULL, NULL, NULL), (-1, -0.5, '', x'', 'x', 7, 0);`,
      );
      const result = sqlite.execute("SELECT *, id * 2 AS expr FROM t");
      assert.equal(result.kind, "rows");
      const path = `${dir}/plain.arrow`;
      assert.equal((await writeArrowIpcFile(result as RowsResult, path)).rows, 3);
      const table = tableFromIPC(await Deno.readFile(path));
      assert.deepEqual(table.schema.fields.map((field) => `${field.name}:${field.type}`), [
        "id:Int64",
        "r:Float64",
        "t:Utf8",
        "b:Binary",
        "d:Utf8",
        "n:Utf8",
        "f:Bool",
        "expr:Int64",
      ]);
      const row = (index: number) =>
        table.schema.fields.map((field) => table.getChild(field.name)!.get(index));
      assert.deepEqual(row(0), [
        9007199254740993n,
        1.25,
        "héllo",
        new Uint8Array([0, 255, 16]),
        "2024-01-02 03:04:05",
        "12.5",
        true,
        18014398509481986n,
      ]);
      assert.deepEqual(row(1), [null, null, null, null, null, null, null, null]);
      assert.deepEqual(row(2), [-1n, -0.5, "", new Uint8Array(), "x", "7", false, -2n]);

      // SQLite is dynamically typed: a TEXT cell in an INTEGER column does not fit Int64.
      sqlite.exec("INSERT INTO t (id) VALUES ('oops')");
      const bad = `${dir}/bad.arrow`;
      await assert.rejects(
        writeArrowIpcFile(sqlite.execute("SELECT id FROM t") as RowsResult, bad),
        (error: unknown) =>
          error instanceof NoctraError &&
          /column "id" \(INTEGER\) holds 'oops'/.test(error.message),
      );
      await assert.rejects(Deno.stat(bad), Deno.errors.NotFound);
    } finally {
      sqlite.close();
    }
    // Noctra's own array results (SHOW …) use DuckDB type names with JS values.
    const shown = await resultToArrowTable(rowsResultFromArrays(
      [
        { name: "alias", type: "VARCHAR", kind: "text" },
        { name: "rows", type: "BIGINT", kind: "integer" },
        { name: "read_only", type: "BOOLEAN", kind: "boolean" },
      ],
      [["a", 3, true], [null, null, null]],
    ));
    assert.deepEqual(shown.getChild("rows")!.toArray(), new BigInt64Array([3n, 0n]));
    assert.deepEqual([shown.getChild("read_only")!.get(0), shown.getChild("read_only")!.get(1)], [
      true,
      null,
    ]);
  });
});

Deno.test("HUGEINT beyond 38 digits is refused with NoctraError and no file is left", async () => {
  await withDuckDB(async (duckdb, dir) => {
    const path = `${dir}/huge.arrow`;
    await assert.rejects(
      writeArrowIpcFile(
        await rows(duckdb, "SELECT 170141183460469231731687303715884105727::HUGEINT AS h"),
        path,
      ),
      (error: unknown) =>
        error instanceof NoctraError && /column "h" \(HUGEINT\).*38 digits/.test(error.message),
    );
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  });
});

Deno.test("Arrow → DuckDB: dictionary, stream format, unsigned, made with apache-arrow", async () => {
  await withDuckDB(async (duckdb, dir) => {
    const words = vectorFromArray(
      ["red", "green", null, "red", "blue"],
      new Dictionary(new Utf8(), new Int32()),
    );
    const counts = vectorFromArray([1, 2, 3, null, 5], new Int32());
    const table = new Table({ word: words, count: counts });
    const path = `${dir}/dict.arrows`;
    await Deno.writeFile(path, tableToIPC(table, "stream"));
    assert.deepEqual(await loadArrowIpcIntoDuckDB(duckdb, path, { ...MAIN, name: "dict" }), {
      rows: 5,
      columns: 2,
    });
    assert.deepEqual(
      (await duckdb.readAll("SELECT typeof(word), word, count FROM dict")).map((row) =>
        row.map(String)
      ),
      [
        ["VARCHAR", "red", "1"],
        ["VARCHAR", "green", "2"],
        ["VARCHAR", "null", "3"],
        ["VARCHAR", "red", "null"],
        ["VARCHAR", "blue", "5"],
      ],
    );
  });
});

Deno.test("Arrow → DuckDB inside a user's transaction joins it", async () => {
  await withDuckDB(async (duckdb, dir) => {
    const path = `${dir}/t.arrow`;
    await writeArrowIpcFile(await rows(duckdb, "SELECT 1 AS one"), path);
    await duckdb.run("BEGIN TRANSACTION");
    await loadArrowIpcIntoDuckDB(duckdb, path, { ...MAIN, name: "inside" });
    assert.deepEqual(await duckdb.readAll("SELECT * FROM inside"), [[1]]);
    await duckdb.run("ROLLBACK");
    assert.deepEqual(
      await duckdb.readAll("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'inside'"),
      [[0n]],
    );
  });
});

Deno.test("Arrow → DuckDB errors: not Arrow, missing, unsupported type, truncated stream", async () => {
  await withDuckDB(async (duckdb, dir) => {
    const csv = `${dir}/data.csv`;
    await Deno.writeTextFile(csv, "a,b\n1,2\n3,4\n");
    await assert.rejects(
      loadArrowIpcIntoDuckDB(duckdb, csv, { ...MAIN, name: "x" }),
      (error: unknown) =>
        error instanceof NoctraError &&
        error.message.startsWith(`${csv} is not a readable Arrow IPC`),
    );
    await assert.rejects(
      loadArrowIpcIntoDuckDB(duckdb, `${dir}/missing.arrow`, { ...MAIN, name: "x" }),
      (error: unknown) => error instanceof NoctraError && error.message.includes("missing.arrow"),
    );

    // A Duration column has no DuckDB type here: refused before anything is created.
    const duration = makeData({
      type: new DurationSecond(),
      length: 2,
      data: new BigInt64Array([1n, 2n]),
    });
    const unsupported = new Table({
      ok: makeVector(new Int32Array([1, 2])),
      span: makeVector(duration),
    });
    const durationPath = `${dir}/duration.arrow`;
    await Deno.writeFile(durationPath, tableToIPC(unsupported, "file"));
    await assert.rejects(
      loadArrowIpcIntoDuckDB(duckdb, durationPath, { ...MAIN, name: "spans" }),
      (error: unknown) =>
        error instanceof NoctraError && /column "span" has Arrow type Duration/.test(error.message),
    );
    assert.deepEqual(
      await duckdb.readAll("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'spans'"),
      [[0n]],
    );

    // A stream cut in its last batch: the load fails and the previous table stays as it was.
    await duckdb.run("CREATE TABLE kept AS SELECT 42 AS answer");
    const batches = [0, 1, 2].map((part) =>
      new RecordBatch({
        n: makeVector(new Int32Array(1000).map((_, i) => part * 1000 + i)).data[0]!,
      })
    );
    const bytes = tableToIPC(new Table(batches), "stream");
    const cut = `${dir}/cut.arrows`;
    await Deno.writeFile(cut, bytes.subarray(0, bytes.length - 2000));
    await assert.rejects(
      loadArrowIpcIntoDuckDB(duckdb, cut, { ...MAIN, name: "kept" }),
      (error: unknown) => error instanceof NoctraError && error.message.includes(cut),
    );
    assert.deepEqual(await duckdb.readAll("SELECT * FROM kept"), [[42]]);
  });
});

Deno.test("flights-200k.arrow (vega-datasets 3.2.1) loads with the values apache-arrow reads", async () => {
  const { flightsArrow } = await ensureBenchData();
  assert.ok(flightsArrow, "vega-datasets@3.2.1 ships data/flights-200k.arrow");
  const bytes = await Deno.readFile(flightsArrow);
  // Expected values straight from apache-arrow's columns.
  const table = tableFromIPC(bytes);
  const expected = { rows: table.numRows, sums: {} as Record<string, number>, nulls: 0 };
  const columns = table.schema.fields.map((field) => field.name);
  for (const name of columns) {
    let sum = 0;
    for (const data of table.getChild(name)!.data) {
      for (let row = 0; row < data.length; row++) {
        if (!data.getValid(row)) expected.nulls++;
        else sum += Number(data.values[row]);
      }
    }
    expected.sums[name] = sum;
  }
  assert.deepEqual(columns, ["delay", "distance", "time"]);
  assert.deepEqual(
    table.schema.fields.map((field) => field.type.typeId),
    [Type.Int, Type.Int, Type.Float],
  );
  await withDuckDB(async (duckdb) => {
    const loaded = await loadArrowIpcIntoDuckDB(duckdb, flightsArrow, { ...MAIN, name: "flights" });
    assert.deepEqual(loaded, { rows: 200000, columns: 3 });
    const [row] = await duckdb.readAll(
      `SELECT count(*), sum(delay), sum(distance), sum(time::DOUBLE),
         count(*) * 3 - count(delay) - count(distance) - count(time),
         typeof(any_value(delay)), typeof(any_value(time)) FROM flights`,
    );
    assert.equal(row![0], 200000n);
    assert.equal(expected.rows, 200000);
    assert.equal(Number(row![1]), expected.sums.delay);
    assert.equal(Number(row![2]), expected.sums.distance);
    assert.ok(
      Math.abs(Number(row![3]) - expected.sums.time!) < 1e-6 * Math.abs(expected.sums.time!),
    );
    assert.equal(Number(row![4]), expected.nulls);
    assert.deepEqual([row![5], row![6]], ["SMALLINT", "FLOAT"]);
    // The first rows match cell for cell.
    const first = await duckdb.readAll("SELECT delay, distance, time FROM flights LIMIT 5");
    for (let index = 0; index < 5; index++) {
      assert.deepEqual(first[index], [
        table.getChild("delay")!.get(index),
        table.getChild("distance")!.get(index),
        table.getChild("time")!.get(index),
      ]);
    }
  });
});
