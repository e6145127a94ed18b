/**
 * Renderer unit tests over real DuckDB results (typed values straight from DuckDB) and over
 * Noctra-built results (plain arrays), asserting exact output.
 */
import { strictEqual } from "node:assert/strict";
import { DuckDBSource } from "../src/engine/sources/duckdb_source.ts";
import { type ColumnInfo, type RowsResult, rowsResultFromArrays } from "../src/engine/result.ts";
import { renderResult } from "../src/render/renderer.ts";
import { StringSink } from "../src/render/sink.ts";
import type { OutputFormat, TableOptions } from "../src/render/renderer.ts";
import { blobText, jsonOf, textOf, uniqueNames } from "../src/render/values.ts";

async function render(
  result: RowsResult,
  format: OutputFormat,
  table: TableOptions = { maxRows: 0, color: false },
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
    wideRowAsLines: false, // one row: keep it a table, not `name = value` lines
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

/** The same lazy query rendered twice: through DuckDB's writer (`copyTo`) and through chunks. */
async function writerAndChunks(sql: string, format: OutputFormat) {
  const source = await DuckDBSource.open();
  try {
    const lazy = async () => {
      const result = await source.stream(sql, undefined, { query: true });
      if (result.kind !== "rows") throw new Error("expected rows");
      return result;
    };
    const viaWriter = await lazy();
    const plain = await lazy();
    const chunksOnly: RowsResult = {
      kind: "rows",
      columns: plain.columns,
      chunks: () => plain.chunks(),
    };
    return {
      copyFormats: viaWriter.copyFormats,
      writer: await render(viaWriter, format),
      chunks: await render(chunksOnly, format),
    };
  } finally {
    source.close();
  }
}

const JSON_WRITER_QUERY = "SELECT * FROM (VALUES " +
  "(true, (-128)::TINYINT, 255::UTINYINT, 4294967295::UINTEGER, 9007199254740991::BIGINT, " +
  "18446744073709551615::UBIGINT, 'tab\there, nl\nthere' || chr(1) || chr(11) || chr(31) || " +
  "chr(127) || chr(8232) || '\\u00ab \"q\" / é 😀', DATE '2024-02-29'), " +
  "(NULL, NULL, NULL, NULL, -9007199254740992::BIGINT, 0::UBIGINT, '', DATE 'infinity'), " +
  "(false, 0::TINYINT, 0::UTINYINT, 0::UINTEGER, NULL, NULL, NULL, '-infinity'::DATE), " +
  "(false, 1::TINYINT, 1::UTINYINT, 1::UINTEGER, 1, 1::UBIGINT, 'x', DATE '0044-03-15 (BC)')" +
  ') t(b, "dup", "dup", "odd "" key", big, ubig, s, d) ORDER BY big NULLS FIRST';

for (const format of ["jsonl", "json"] as const) {
  Deno.test(`${format} through DuckDB's writer is byte-identical to the chunk renderer`, async () => {
    const { copyFormats, writer, chunks } = await writerAndChunks(JSON_WRITER_QUERY, format);
    strictEqual(copyFormats?.includes("jsonl"), true);
    strictEqual(writer.rows, 4);
    strictEqual(writer.text, chunks.text);
    strictEqual(
      JSON.parse(format === "json" ? writer.text : `[${writer.text.trim().replaceAll("\n", ",")}]`)
        .length,
      4,
    );
  });

  Deno.test(`${format} of no rows through DuckDB's writer matches the chunk renderer`, async () => {
    const { writer, chunks } = await writerAndChunks("SELECT 1::INTEGER AS a WHERE false", format);
    strictEqual(writer.text, chunks.text);
    strictEqual(writer.text, format === "json" ? "[]\n" : "");
  });
}

Deno.test("jsonl through DuckDB's writer is not offered for types it writes differently", async () => {
  for (
    const sql of [
      "SELECT 1e21::DOUBLE AS f",
      "SELECT 12.340::DECIMAL(10,3) AS d",
      "SELECT TIMESTAMP '2024-01-02 03:04:05' AS t",
      "SELECT [1, 2] AS l",
      "SELECT 1::HUGEINT AS h",
    ]
  ) {
    const { copyFormats, writer, chunks } = await writerAndChunks(sql, "jsonl");
    strictEqual(copyFormats?.includes("jsonl"), false, sql);
    strictEqual(writer.text, chunks.text, sql);
  }
});

Deno.test("JSON strings escape control characters with upper-case hex, as DuckDB's writer", () => {
  strictEqual(jsonOf(`a${String.fromCharCode(11)}\\u00ab`), '"a\\u000B\\\\u00ab"');
  strictEqual(jsonOf("plain"), '"plain"');
});

Deno.test("DATE infinities print as DuckDB prints them", async () => {
  await withDuckDB("SELECT DATE 'infinity' AS a, '-infinity'::DATE AS b", async (result) => {
    strictEqual((await render(result, "csv")).text, "a,b\ninfinity,-infinity\n");
  });
});
