/**
 * Renderer unit tests over real DuckDB results (typed values straight from DuckDB) and over
 * Noctra-built results (plain arrays), asserting exact output.
 */
import { strictEqual } from "node:assert/strict";
import { DuckDBSource } from "../src/engine/duckdb_source.ts";
import { type ColumnInfo, type RowsResult, rowsResultFromArrays } from "../src/engine/result.ts";
import { renderResult } from "../src/render/renderer.ts";
import { StringSink } from "../src/render/sink.ts";
import type { OutputFormat } from "../src/render/renderer.ts";
import { blobText, jsonOf, textOf, uniqueNames } from "../src/render/values.ts";

async function render(
  result: RowsResult,
  format: OutputFormat,
  table = { maxRows: 0, color: false } as { maxRows: number; color: boolean; width?: number },
) {
  const sink = new StringSink();
  const summary = await renderResult(result, format, sink, table);
  return { text: sink.text, rows: summary.rows };
}

async function withDuckDB(sql: string, use: (result: RowsResult) => Promise<void>) {
  const source = await DuckDBSource.open();
  try {
    const result = await source.stream(sql);
    if (result.kind !== "rows") throw new Error("expected rows");
    await use(result);
  } finally {
    source.close();
  }
}

const text: ColumnInfo = { name: "name", type: "VARCHAR", kind: "text" };
const integer: ColumnInfo = { name: "n", type: "BIGINT", kind: "integer" };

Deno.test("csv quotes delimiter, quote and newline; NULL empty; '' quoted", async () => {
  const result = rowsResultFromArrays([text, integer], [
    ["plain", 1n],
    ["a,b", 2n],
    ['say "hi"', null],
    ["two\nlines", 4n],
    ["", 5n],
    [null, 6n],
  ]);
  const { text: output, rows } = await render(result, "csv");
  strictEqual(
    output,
    'name,n\nplain,1\n"a,b",2\n"say ""hi""",\n"two\nlines",4\n"",5\n,6\n',
  );
  strictEqual(rows, 6);
});

Deno.test("tsv uses tabs and quotes a field that holds a tab", async () => {
  const result = rowsResultFromArrays([text, integer], [["a\tb", 1n], ["c", 2n]]);
  strictEqual((await render(result, "tsv")).text, 'name\tn\n"a\tb"\t1\nc\t2\n');
});

Deno.test("json from real DuckDB values keeps every type", async () => {
  await withDuckDB(
    "SELECT 1::TINYINT AS t, -9007199254740991::BIGINT AS safe, 170141183460469231731687303715884105727::HUGEINT AS huge, " +
      "0.1::DOUBLE AS dbl, 'nan'::DOUBLE AS nan, 3.140::DECIMAL(5,3) AS dec, true AS b, " +
      "TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tz, TIME '10:11:12' AS tm, INTERVAL 3 DAY AS iv, " +
      "'\\x00\\xFF'::BLOB AS bl, [NULL, 2]::INT[] AS l, {'k': NULL} AS s, " +
      "MAP {1: 'one'} AS m, union_value(num := 2) AS u, 'quote\"s' AS q",
    async (result) => {
      strictEqual(
        (await render(result, "jsonl")).text,
        '{"t":1,"safe":-9007199254740991,"huge":"170141183460469231731687303715884105727",' +
          '"dbl":0.1,"nan":"NaN","dec":3.140,"b":true,"tz":"2024-01-02T03:04:05+00","tm":"10:11:12",' +
          '"iv":"3 days","bl":"\\\\x00\\\\xFF","l":[null,2],"s":{"k":null},"m":{"1":"one"},"u":2,' +
          '"q":"quote\\"s"}\n',
      );
    },
  );
});

Deno.test("json array spans chunks: 5,000 rows make one valid array", async () => {
  await withDuckDB("SELECT range AS i FROM range(5000)", async (result) => {
    const { text: output, rows } = await render(result, "json");
    strictEqual(rows, 5000);
    const parsed = JSON.parse(output) as { i: number }[];
    strictEqual(parsed.length, 5000);
    strictEqual(parsed[4999]!.i, 4999);
  });
});

Deno.test("json keys of repeated column names are made unique", () => {
  strictEqual(uniqueNames(["a", "a", "b", "a"]).join(","), "a,a_1,b,a_2");
});

Deno.test("text of values follows DuckDB's printing", () => {
  strictEqual(textOf(null), null);
  strictEqual(textOf(Number.POSITIVE_INFINITY), "inf");
  strictEqual(textOf(12n), "12");
  strictEqual(blobText(new Uint8Array([65, 0, 92])), "A\\x00\\x5C");
  strictEqual(jsonOf(2n ** 53n), '"9007199254740992"');
  strictEqual(jsonOf(2n ** 53n - 1n), "9007199254740991");
});

Deno.test("markdown escapes pipes and newlines", async () => {
  const result = rowsResultFromArrays([text, integer], [["a|b", 1n], ["x\ny", null]]);
  strictEqual(
    (await render(result, "markdown")).text,
    "| name | n |\n|---|---:|\n| a\\|b | 1 |\n| x<br>y |  |\n",
  );
});

Deno.test("table: doubles print with .0, NULL distinct, numbers right-aligned", async () => {
  await withDuckDB(
    "SELECT * FROM (VALUES (1, 35.0::DOUBLE, 'x'), (22, NULL, NULL)) t(id, temp, label)",
    async (result) => {
      strictEqual(
        (await render(result, "table", { maxRows: 40, color: false })).text,
        [
          "┌─────────┬────────┬─────────┐",
          "│ id      │ temp   │ label   │",
          "│ integer │ double │ varchar │",
          "├─────────┼────────┼─────────┤",
          "│       1 │   35.0 │ x       │",
          "│      22 │   NULL │ NULL    │",
          "├─────────┴────────┴─────────┤",
          "│ 2 rows  3 columns          │",
          "└────────────────────────────┘",
          "",
        ].join("\n"),
      );
    },
  );
});

Deno.test("table fits a narrow terminal: cuts cells with … and hides middle columns", async () => {
  const columns: ColumnInfo[] = ["alpha", "bravo", "charlie", "delta", "echo"].map((name) => ({
    name,
    type: "VARCHAR",
    kind: "text",
  }));
  const row = ["a".repeat(30), "b".repeat(30), "c".repeat(30), "d".repeat(30), "e".repeat(30)];
  const { text: output } = await render(rowsResultFromArrays(columns, [row]), "table", {
    maxRows: 40,
    color: false,
    width: 41,
  });
  const lines = output.split("\n");
  for (const line of lines.slice(0, 6)) {
    strictEqual([...line].length <= 41, true, `line too wide: ${line}`);
  }
  strictEqual(lines[1], "│ alpha  │ bravo  │ … │ delta  │ echo   │");
  strictEqual(lines[4], "│ aaaaa… │ bbbbb… │ … │ ddddd… │ eeeee… │");
  strictEqual(output.includes("5 columns (1 hidden)"), true);
});

Deno.test("table with maxRows 0 streams every row", async () => {
  await withDuckDB("SELECT range AS i FROM range(3000)", async (result) => {
    const { text: output, rows } = await render(result, "table", { maxRows: 0, color: false });
    strictEqual(rows, 3000);
    strictEqual(output.includes("│   2999 │"), true);
    strictEqual(output.includes("3,000 rows"), true);
  });
});
