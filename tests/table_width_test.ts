/**
 * Table widths by content: numbers never cut, text sharing what is left, middle columns hidden
 * in DuckDB's zig-zag order, no 48-character cap when the terminal has room, `maxWidth`, and
 * the switch to `name = value` lines for one row wider than the terminal.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { DuckDBSource } from "../src/engine/sources/duckdb_source.ts";
import { type ColumnInfo, type RowsResult, rowsResultFromArrays } from "../src/engine/result.ts";
import { renderTable, type TableOptions } from "../src/render/table.ts";
import { planTableLayout, textFloor } from "../src/render/table_layout.ts";
import { StringSink } from "../src/render/sink.ts";

async function table(result: RowsResult, options: Partial<TableOptions> = {}) {
  const sink = new StringSink();
  await renderTable(result, sink, { maxRows: 40, color: false, ...options });
  return sink.text;
}

async function duckdbTable(sql: string, options: Partial<TableOptions> = {}) {
  const source = await DuckDBSource.open();
  try {
    const result = await source.stream(sql);
    if (result.kind !== "rows") throw new Error("expected rows");
    return await table(result, options);
  } finally {
    source.close();
  }
}

function widest(text: string): number {
  return Math.max(...text.split("\n").map((line) => [...line].length));
}

/** 160 BIGINT columns c1…c160 (values i*1000 + row) and a VARCHAR `last`, 3 rows. */
const WIDE_SQL = `SELECT ${
  Array.from({ length: 160 }, (_, i) => `${i + 1}*1000+i AS c${i + 1}`).join(", ")
}, 'x' AS last FROM range(3) t(i)`;

Deno.test("160 columns at 80 wide: numbers whole, middle columns hidden as DuckDB does", async () => {
  const text = await duckdbTable(WIDE_SQL, { width: 80 });
  strictEqual(
    text,
    [
      "┌────────┬────────┬────────┬────────┬───┬────────┬────────┬────────┬─────────┐",
      "│ c1     │ c2     │ c3     │ c4     │ … │ c158   │ c159   │ c160   │ last    │",
      "│ bigint │ bigint │ bigint │ bigint │ … │ bigint │ bigint │ bigint │ varchar │",
      "├────────┼────────┼────────┼────────┼───┼────────┼────────┼────────┼─────────┤",
      "│   1000 │   2000 │   3000 │   4000 │ … │ 158000 │ 159000 │ 160000 │ x       │",
      "│   1001 │   2001 │   3001 │   4001 │ … │ 158001 │ 159001 │ 160001 │ x       │",
      "│   1002 │   2002 │   3002 │   4002 │ … │ 158002 │ 159002 │ 160002 │ x       │",
      "├────────┴────────┴────────┴────────┴───┴────────┴────────┴────────┴─────────┤",
      "│ 3 rows  161 columns (153 hidden)                                           │",
      "└────────────────────────────────────────────────────────────────────────────┘",
      "",
    ].join("\n"),
  );
});

Deno.test("160 columns at 160 wide: 16 columns shown whole, none cut to 7 characters", async () => {
  const text = await duckdbTable(WIDE_SQL, { width: 160 });
  const lines = text.split("\n");
  strictEqual(widest(text) <= 160, true);
  strictEqual(
    lines[1],
    "│ c1     │ c2     │ c3     │ c4     │ c5     │ c6     │ c7     │ c8     │ … │ c153   │ c154   │ c155   │ c156   │ c157   │ c158   │ c159   │ c160   │ last    │",
  );
  strictEqual(lines[6]!.includes("│ 160002 │ x       │"), true);
  strictEqual(text.includes("161 columns (144 hidden)"), true);
});

Deno.test("numbers are never cut, however narrow; text gives way", async () => {
  const columns: ColumnInfo[] = [
    { name: "label", type: "VARCHAR", kind: "text" },
    { name: "big", type: "HUGEINT", kind: "integer" },
    { name: "ratio", type: "DOUBLE", kind: "float" },
  ];
  const rows = [
    ["a fairly long label that cannot fit", 123456789012345678901234567890n, 0.123456789012345],
    ["short", -1n, null],
  ];
  const text = await table(rowsResultFromArrays(columns, rows), { width: 70 });
  strictEqual(
    text,
    [
      "┌───────────────┬────────────────────────────────┬───────────────────┐",
      "│ label         │ big                            │ ratio             │",
      "│ varchar       │ hugeint                        │ double            │",
      "├───────────────┼────────────────────────────────┼───────────────────┤",
      "│ a fairly lon… │ 123456789012345678901234567890 │ 0.123456789012345 │",
      "│ short         │                             -1 │              NULL │",
      "├───────────────┴────────────────────────────────┴───────────────────┤",
      "│ 2 rows  3 columns                                                  │",
      "└────────────────────────────────────────────────────────────────────┘",
      "",
    ].join("\n"),
  );
});

Deno.test("text is not capped at 48 characters when the terminal has room", async () => {
  const columns: ColumnInfo[] = [{ name: "note", type: "VARCHAR", kind: "text" }];
  const long = "x".repeat(70);
  const result = () => rowsResultFromArrays(columns, [[long], ["y"]]);
  strictEqual((await table(result(), { width: 120 })).includes(`│ ${long} │`), true);
  // Not fitted (output is not a terminal): the old cap of 48 characters stays.
  strictEqual((await table(result())).includes(`│ ${"x".repeat(47)}… │`), true);
  // Fitted to 40: cut to the width.
  const narrow = await table(result(), { width: 40 });
  strictEqual(narrow.includes(`│ ${"x".repeat(35)}… │`), true);
  strictEqual(widest(narrow), 40);
});

Deno.test("maxWidth (.maxwidth N) overrides the terminal width; 0 means the terminal's", async () => {
  const columns: ColumnInfo[] = [{ name: "note", type: "VARCHAR", kind: "text" }];
  const result = () => rowsResultFromArrays(columns, [["z".repeat(100)], ["y"]]);
  strictEqual(widest(await table(result(), { width: 200, maxWidth: 50 })), 50);
  strictEqual(widest(await table(result(), { width: 60, maxWidth: 0 })), 60);
  strictEqual(widest(await table(result(), { maxWidth: 30 })), 30);
});

Deno.test("one row wider than the terminal is written as name = value lines", async () => {
  const sql = "SELECT iata, name, latitude, NULL AS note, repeat('x', 90) AS long " +
    "FROM 'fixtures/airports.csv' ORDER BY iata LIMIT 1";
  strictEqual(
    await duckdbTable(sql, { width: 80 }),
    [
      "    iata = 00M",
      "    name = Thigpen",
      "latitude = 31.95376472",
      "    note = NULL",
      `    long = ${"x".repeat(90)}`,
      "",
    ].join("\n"),
  );
  // The option off, or two rows, or a row that fits: a table.
  const off = await duckdbTable(sql, { width: 80, wideRowAsLines: false });
  strictEqual(off.startsWith("┌"), true);
  strictEqual(widest(off) <= 80, true);
  strictEqual(
    (await duckdbTable(sql.replace("LIMIT 1", "LIMIT 2"), { width: 80 })).startsWith("┌"),
    true,
  );
  strictEqual((await duckdbTable(sql, { width: 200 })).startsWith("┌"), true);
  // Not a terminal (no width): always a table.
  strictEqual((await duckdbTable(sql)).startsWith("┌"), true);
});

Deno.test("the line switch also works when maxRows is 1", async () => {
  const columns: ColumnInfo[] = [{ name: "a", type: "VARCHAR", kind: "text" }];
  const one = await table(rowsResultFromArrays(columns, [["w".repeat(50)]]), {
    width: 30,
    maxRows: 1,
  });
  strictEqual(one, `    a = ${"w".repeat(50)}\n`);
  const two = await table(rowsResultFromArrays(columns, [["w".repeat(50)], ["v"]]), {
    width: 30,
    maxRows: 1,
  });
  strictEqual(two.startsWith("┌"), true);
  strictEqual(two.includes("2 rows (1 shown)"), true);
});

Deno.test("streamed rows past the sizing rows: a wider number is written whole", async () => {
  const text = await duckdbTable(
    "SELECT CASE WHEN range < 1500 THEN range ELSE range * 1000000000 END AS n FROM range(1501)",
    { maxRows: 0, width: 80 },
  );
  strictEqual(text.includes("│ 1500000000000 │"), true);
  strictEqual(text.includes("1,501 rows"), true);
});

Deno.test("planTableLayout hides columns from the middle outwards, as DuckDB's duckbox", () => {
  const column = { natural: 10, values: 10, numeric: true };
  const ten = Array.from({ length: 10 }, () => column);
  // Each column takes 13 characters; 80 fits 5 shown columns plus the `…` column.
  const layout = planTableLayout(ten, 80);
  deepStrictEqual(layout.shown, [0, 1, 2, 8, 9]);
  strictEqual(layout.gapAt, 3);
  // DuckDB removes #5, then #4, #6, #3, #7 (0-based) — the hidden set stays contiguous.
  deepStrictEqual(planTableLayout(ten, 69).shown, [0, 1, 8, 9]);
  deepStrictEqual(planTableLayout(ten, 200).shown, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("planTableLayout: the text floor scales with the width, numbers keep theirs", () => {
  strictEqual(textFloor(80), 13);
  const text = { natural: 40, values: 40, numeric: false };
  const number = { natural: 12, values: 12, numeric: true };
  // 2 texts + 1 number: 1 + 3*3 = 10 characters of borders; 12 for the number; 58 to share.
  deepStrictEqual(planTableLayout([text, number, text], 80).widths, [29, 12, 29]);
  // Too narrow for both texts at their floor of 6: the middle goes, the others share.
  const narrow = planTableLayout([text, number, text], 30);
  deepStrictEqual(narrow.shown, [0, 2]);
  deepStrictEqual(narrow.widths, [10, 9]);
});

Deno.test("a numeric column's long name is cut before its numbers", () => {
  const measures = [{ natural: 30, values: 4, numeric: true }, {
    natural: 30,
    values: 4,
    numeric: true,
  }];
  // 1 + 2*3 = 7 characters of borders; 33 left for two columns whose values need 4 each.
  deepStrictEqual(planTableLayout(measures, 40).widths, [17, 16]);
});
