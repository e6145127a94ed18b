/**
 * The `line` and `list` formats: exact output over fixture data, and byte-for-byte the DuckDB
 * CLI's `.mode line` / `.mode list` for the same query when that CLI is beside the project
 * (`../shared/tools/duckdb-cli/duckdb`) — as are `insert`, `quote`, `html`, `latex`, `column`,
 * `asciitable` (`.mode table`), `box` and `tcl` (their CLI-free tests: output_modes_test.ts).
 */
import { strictEqual } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { DuckDBSource } from "../src/engine/sources/duckdb_source.ts";
import { type ColumnInfo, rowsResultFromArrays } from "../src/engine/result.ts";
import { type OutputFormat, renderResult } from "../src/render/renderer.ts";
import { StringSink } from "../src/render/sink.ts";
import { isOutputFormat } from "../src/render/formats.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DUCKDB_CLI = fileURLToPath(new URL("../../shared/tools/duckdb-cli/duckdb", import.meta.url));
const HAS_CLI = (() => {
  try {
    return Deno.statSync(DUCKDB_CLI).isFile;
  } catch {
    return false;
  }
})();

async function noctra(sql: string, format: OutputFormat): Promise<{ text: string; rows: number }> {
  const source = await DuckDBSource.open();
  try {
    const result = await source.stream(sql);
    if (result.kind !== "rows") throw new Error("expected rows");
    const sink = new StringSink();
    const summary = await renderResult(result, format, sink, { maxRows: 40, color: false });
    return { text: sink.text, rows: summary.rows };
  } finally {
    source.close();
  }
}

async function duckdbCli(sql: string, mode: string): Promise<string> {
  const output = await new Deno.Command(DUCKDB_CLI, {
    args: ["-c", `.mode ${mode}`, "-c", sql],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  strictEqual(output.code, 0, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout);
}

const PENGUINS = `SELECT "Species", "Island", "Beak Length (mm)", "Body Mass (g)", "Sex" ` +
  `FROM 'fixtures/penguins.parquet' WHERE "Sex" IS NULL OR "Body Mass (g)" > 6000 ORDER BY ALL LIMIT 3`;

/**
 * Scalar types and nested values: the shared cell text (cell_text.ts) writes them as DuckDB's
 * VARCHAR cast does — `{'k': v w}`, `['', ' x']`, FLOAT's own shortest digits, `1e+20`.
 */
const TYPES = "SELECT 1::TINYINT AS t, 35.0::DOUBLE AS whole, 0.1::DOUBLE AS dbl, " +
  "3.140::DECIMAL(5,3) AS dec, DATE '2024-02-29' AS d, TIMESTAMP '2024-01-02 03:04:05.5' AS ts, " +
  "true AS b, [1, NULL]::INT[] AS l, 'a|b' AS pipe, '' AS empty, NULL AS n, " +
  "{'k': 'v w', 'f': 0.3::FLOAT} AS st, MAP {'a=b': [1e20, -0.0]::DOUBLE[]} AS m, " +
  "['', ' x', 'null', 'it''s'] AS ls, '\\x27\\x00'::BLOB AS bl, 'é😀' AS \"ünï\"";

Deno.test("line and list are output formats", () => {
  strictEqual(isOutputFormat("line"), true);
  strictEqual(isOutputFormat("list"), true);
});

Deno.test("line: name = value per column, names right-aligned, a blank line between records", async () => {
  const { text, rows } = await noctra(PENGUINS, "line");
  strictEqual(rows, 3);
  strictEqual(
    text,
    [
      "         Species = Adelie",
      "          Island = Dream",
      "Beak Length (mm) = 37.5",
      "   Body Mass (g) = 2975",
      "             Sex = NULL",
      "",
      "         Species = Adelie",
      "          Island = Torgersen",
      "Beak Length (mm) = 34.1",
      "   Body Mass (g) = 3475",
      "             Sex = NULL",
      "",
      "         Species = Adelie",
      "          Island = Torgersen",
      "Beak Length (mm) = 37.8",
      "   Body Mass (g) = 3300",
      "             Sex = NULL",
      "",
    ].join("\n"),
  );
});

Deno.test("list: header, then |-separated values, NULL as NULL", async () => {
  const { text, rows } = await noctra(PENGUINS, "list");
  strictEqual(rows, 3);
  strictEqual(
    text,
    "Species|Island|Beak Length (mm)|Body Mass (g)|Sex\n" +
      "Adelie|Dream|37.5|2975|NULL\n" +
      "Adelie|Torgersen|34.1|3475|NULL\n" +
      "Adelie|Torgersen|37.8|3300|NULL\n",
  );
});

Deno.test("line and list of no rows: nothing, and the header only", async () => {
  strictEqual((await noctra("SELECT 1 AS x WHERE false", "line")).text, "");
  strictEqual((await noctra("SELECT 1 AS x WHERE false", "list")).text, "x\n");
});

Deno.test("line keeps names of at least 5 characters and a value's line breaks", async () => {
  const columns: ColumnInfo[] = [{ name: "a", type: "VARCHAR", kind: "text" }];
  const sink = new StringSink();
  await renderResult(rowsResultFromArrays(columns, [["x\ny"], ["z"]]), "line", sink, {
    maxRows: 0,
    color: false,
  });
  strictEqual(sink.text, "    a = x\ny\n\n    a = z\n");
});

Deno.test("line pads names by UTF-8 bytes, as DuckDB does", async () => {
  // DuckDB CLI 1.5.5: `.mode line` of SELECT 1 AS "é", 2 AS ab writes "   é = 1" (3 spaces).
  strictEqual((await noctra(`SELECT 1 AS "é", 2 AS ab`, "line")).text, "   é = 1\n   ab = 2\n");
});

Deno.test("line and list span chunks: 5,000 rows", async () => {
  const list = await noctra("SELECT range AS i FROM range(5000)", "list");
  strictEqual(list.rows, 5000);
  strictEqual(list.text.split("\n").length, 5002);
  const line = await noctra("SELECT range AS i FROM range(5000)", "line");
  strictEqual(line.text.endsWith("\n    i = 4999\n"), true);
  strictEqual(line.text.split("\n\n").length, 5000);
});

const MODES = [
  ["line", "line"],
  ["list", "list"],
  ["insert", "insert"],
  ["quote", "quote"],
  ["html", "html"],
  ["latex", "latex"],
  ["column", "column"],
  ["table", "asciitable"],
  ["box", "box"],
  ["tcl", "tcl"],
] as const;

for (const [mode, format] of MODES) {
  for (const [name, sql] of [["penguins", PENGUINS], ["every type", TYPES]] as const) {
    Deno.test({
      name: `${format} is byte-identical to the DuckDB CLI's .mode ${mode} (${name})`,
      ignore: !HAS_CLI,
      fn: async () => {
        strictEqual((await noctra(sql, format)).text, await duckdbCli(sql, mode));
      },
    });
  }
}
