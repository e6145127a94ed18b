/**
 * Charts over fixture data read through DuckDB, kept the way the REPL keeps its last result
 * (`keepLastResult` around a rendered table): exact text for bar, histogram and line charts,
 * colour only when asked, sizes, column choice and errors; and the last-result store itself.
 */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { DuckDBSource } from "../src/engine/sources/duckdb_source.ts";
import { type ColumnInfo, rowsResultFromArrays } from "../src/engine/result.ts";
import {
  ChartError,
  type ChartOptions,
  drawChart,
  histogramBins,
  parseChartArguments,
} from "../src/render/chart.ts";
import {
  keepLastResult,
  type LastResult,
  lastResultNote,
  lastResultRows,
} from "../src/render/last_result.ts";
import { renderResult } from "../src/render/renderer.ts";
import { StringSink } from "../src/render/sink.ts";

/** Runs `sql`, renders it as a table (maxRows 40) through the keeper, returns the kept rows. */
async function lastResultOf(sql: string, limits = {}): Promise<LastResult> {
  const source = await DuckDBSource.open();
  try {
    const result = await source.stream(sql);
    if (result.kind !== "rows") throw new Error("expected rows");
    const kept = keepLastResult(result, limits);
    await renderResult(kept.result, "table", new StringSink(), { maxRows: 40, color: false });
    return kept.last();
  } finally {
    source.close();
  }
}

async function chart(sql: string, args: string, options: Partial<ChartOptions> = {}) {
  const last = await lastResultOf(sql);
  return drawChart(last, parseChartArguments(args), {
    width: 60,
    height: 16,
    color: false,
    ...options,
  });
}

function widest(text: string): number {
  return Math.max(...text.split("\n").map((line) => [...line].length));
}

const WEATHER_DAYS = "SELECT weather, count(*) AS days FROM 'fixtures/seattle-weather.csv' " +
  "GROUP BY ALL ORDER BY days DESC";
const MONTHLY_MAX =
  "SELECT date_trunc('month', date) AS month, round(avg(temp_max), 1) AS avg_max " +
  "FROM 'fixtures/seattle-weather.csv' GROUP BY ALL ORDER BY month";

Deno.test("bar: one bar per row, labels, values, a value axis from 0", async () => {
  strictEqual(
    await chart(WEATHER_DAYS, "bar"),
    [
      "days by weather",
      "rain    │███████████████████████████████████████████████ 641",
      "sun     │██████████████████████████████████████████████▉ 640",
      "fog     │███████▍ 101",
      "drizzle │███▉ 53",
      "snow    │█▉ 26",
      "        └───────────────────────────────────────────────",
      "        0                                            641",
      "",
    ].join("\n"),
  );
});

Deno.test("hist: Sturges' bins of a nice width, half-open", async () => {
  strictEqual(
    await chart("SELECT * FROM 'fixtures/penguins.parquet'", 'hist "Flipper Length (mm)"', {
      width: 80,
    }),
    [
      "Flipper Length (mm): 342 values in 7 bins of width 10 (2 skipped)",
      "[170, 180) │████▌ 8",
      "[180, 190) │███████████████████████████████████████▏ 69",
      "[190, 200) │████████████████████████████████████████████████████████████████ 113",
      "[200, 210) │█████████████████████▌ 38",
      "[210, 220) │████████████████████████████████████████▎ 71",
      "[220, 230) │███████████████████▉ 35",
      "[230, 240) │████▌ 8",
      "           └────────────────────────────────────────────────────────────────",
      "           0                                                             113",
      "",
    ].join("\n"),
  );
});

Deno.test("line: y over ordered x, y-axis labels, first/middle/last x labels", async () => {
  strictEqual(
    await chart(MONTHLY_MAX, "line", { height: 14 }),
    [
      "avg_max by month",
      "28.1 ┤       ╭╮          ╭─╮           ╭─╮         ╭──╮",
      "25.7 ┤       ││         ╭╯ ╰╮          │ │         │  │",
      "23.2 ┤      ╭╯╰╮        │   ╰╮        ╭╯ ╰╮        │  ╰╮",
      "20.8 ┤     ╭╯  │       ╭╯    │       ╭╯   │       ╭╯   ╰╮",
      "18.3 ┤   ╭─╯   │       │     │      ╭╯    ╰╮      │     ╰╮",
      "15.9 ┤  ╭╯     ╰╮     ╭╯     ╰╮    ╭╯      │    ╭─╯      │",
      "13.4 ┤  │       ╰╮   ╭╯       ╰╮  ╭╯       ╰╮  ╭╯        │",
      "11.0 ┤╭─╯        │  ╭╯         │╭╮│         ╰──╯         ╰╮",
      " 8.5 ┤╯          ╰─╮│          ╰╯╰╯                       ╰",
      " 6.1 ┤             ╰╯",
      "     └─────────────────────────────────────────────────────",
      "     2012-01-01            2013-12-01            2015-12-01",
      "",
    ].join("\n"),
  );
});

Deno.test("line: unordered x is sorted; more points than columns are averaged", async () => {
  const ordered = await chart(MONTHLY_MAX, "line month avg_max", { height: 14 });
  const shuffled = await chart(
    MONTHLY_MAX.replace("ORDER BY month", "ORDER BY avg_max"),
    "line month avg_max",
    { height: 14 },
  );
  strictEqual(shuffled, ordered);
  // 1,461 daily points into 54 columns.
  const daily = await chart(
    "SELECT date, temp_max FROM 'fixtures/seattle-weather.csv'",
    "line date temp_max",
    { width: 60, height: 12 },
  );
  const lines = daily.split("\n");
  strictEqual(lines[0], "temp_max by date");
  strictEqual(lines.at(-2), "     2012-01-01            2013-12-31            2015-12-31");
  strictEqual(lines.length - 1, 11);
  strictEqual(widest(daily) <= 60, true);
});

Deno.test("charts fit the terminal: width, and height minus the prompt's line", async () => {
  for (const [width, height] of [[40, 10], [100, 30], [30, 8]] as const) {
    for (
      const [sql, args] of [
        [WEATHER_DAYS, "bar"],
        ["SELECT * FROM 'fixtures/penguins.parquet'", "hist"],
        [MONTHLY_MAX, "line"],
        ["SELECT state, count(*) AS n FROM 'fixtures/airports.csv' GROUP BY 1", "bar"],
      ]
    ) {
      const text = await chart(sql!, args!, { width, height });
      strictEqual(widest(text) <= width, true, `${args} at ${width}×${height}:\n${text}`);
      strictEqual(
        text.split("\n").length - 1 <= height! - 1,
        true,
        `${args} at ${width}×${height}`,
      );
    }
  }
});

Deno.test("bar: more rows than lines: the rest are counted on a last line", async () => {
  const text = await chart(
    "SELECT state, count(*) AS n FROM 'fixtures/airports.csv' GROUP BY 1 ORDER BY n DESC, state",
    "bar state n",
    { height: 10 },
  );
  const lines = text.split("\n");
  strictEqual(lines.length - 1, 9);
  strictEqual(lines[1], "AK │████████████████████████████████████████████████████ 263");
  strictEqual(lines.at(-2), "… 52 more not shown (terminal height)");
});

Deno.test("bar: negative values extend left of the zero line", () => {
  const columns: ColumnInfo[] = [
    { name: "k", type: "VARCHAR", kind: "text" },
    { name: "v", type: "DOUBLE", kind: "float" },
  ];
  const text = drawChart({ columns, rows: [["a", -5], ["b", 10], ["c", 2.5]] }, {
    kind: "bar",
  }, { width: 40, height: 10, color: false });
  strictEqual(
    text,
    [
      "v by k",
      "a │███████████ -5",
      "b │           ██████████████████████ 10",
      "c │           █████▌ 2.5",
      "  └─────────────────────────────────",
      "  -5                              10",
      "",
    ].join("\n"),
  );
});

Deno.test("colour only when allowed: bars cyan, axis dim; none without", async () => {
  const plain = await chart(WEATHER_DAYS, "bar");
  strictEqual(plain.includes("\x1b["), false);
  const coloured = await chart(WEATHER_DAYS, "bar", { color: true });
  strictEqual(
    coloured.split("\n")[1],
    "rain    \x1b[2m│\x1b[22m\x1b[36m" + "█".repeat(47) + "\x1b[39m 641",
  );
  // deno-lint-ignore no-control-regex
  strictEqual(coloured.replace(/\x1b\[\d+m/g, ""), plain);
  const line = await chart(MONTHLY_MAX, "line", { color: true });
  strictEqual(line.includes("\x1b[36m"), true);
  strictEqual((await chart(MONTHLY_MAX, "line")).includes("\x1b["), false);
});

Deno.test("the chart title says when it draws only the first rows of a result", async () => {
  const last = await lastResultOf("SELECT range AS i, range % 7 AS r FROM range(5000)", {
    rows: 1000,
  });
  strictEqual(last.rows.length, 1000);
  strictEqual(last.totalRows, 5000);
  const text = drawChart(last, { kind: "hist", x: "r" }, { width: 80, height: 20, color: false });
  strictEqual(
    text.split("\n")[0],
    "r: 1,000 values in 7 bins of width 1 (first 1,000 of 5,000 rows)",
  );
});

Deno.test("histogramBins: Sturges' count, nice widths, capped by the lines there are", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i);
  deepStrictEqual(histogramBins(hundred, 20), { start: 0, width: 20, count: 5, decimals: 0 });
  // Capped at 3 bins: the width grows to the next nice step.
  deepStrictEqual(histogramBins(hundred, 3), { start: 0, width: 50, count: 2, decimals: 0 });
  // 4 values: 3 bins; 0.8 / 3 = 0.27 rounds up to 0.5.
  deepStrictEqual(histogramBins([0.1, 0.35, 0.6, 0.9], 20), {
    start: 0,
    width: 0.5,
    count: 2,
    decimals: 1,
  });
  // 8 values: 4 bins; 10 / 4 = 2.5, a nice width already; 10 opens a fifth bin.
  deepStrictEqual(histogramBins([0, 1, 2, 3, 4, 5, 6, 10], 20), {
    start: 0,
    width: 2.5,
    count: 5,
    decimals: 1,
  });
  // Integers 0…6: bins of width 1, one per value.
  deepStrictEqual(histogramBins(Array.from({ length: 700 }, (_, i) => i % 7), 20), {
    start: 0,
    width: 1,
    count: 7,
    decimals: 0,
  });
  deepStrictEqual(histogramBins([7, 7, 7], 10), { start: 7, width: 0, count: 1, decimals: 0 });
});

Deno.test("parseChartArguments: kinds, quoted names, usage errors", () => {
  deepStrictEqual(parseChartArguments("LINE date temp_max"), {
    kind: "line",
    x: "date",
    y: "temp_max",
  });
  deepStrictEqual(parseChartArguments('hist "a ""b"" c"'), {
    kind: "hist",
    x: 'a "b" c',
    y: undefined,
  });
  deepStrictEqual(parseChartArguments(" bar "), { kind: "bar", x: undefined, y: undefined });
  throws(() => parseChartArguments(""), ChartError);
  throws(() => parseChartArguments("pie"), /expected bar, line or hist/);
  throws(() => parseChartArguments("hist a b"), /too many columns; expected one/);
  throws(() => parseChartArguments("bar a b c"), /too many columns/);
  throws(() => parseChartArguments('bar "open'), /unclosed quote/);
});

Deno.test("chart errors name the problem: column, type, size, no rows", async () => {
  const last = await lastResultOf(WEATHER_DAYS);
  const options = { width: 60, height: 16, color: false };
  throws(
    () => drawChart(last, { kind: "bar", x: "nope" }, options),
    /no column nope; the result has weather, days/,
  );
  throws(
    () => drawChart(last, { kind: "hist", x: "weather" }, options),
    /column weather is VARCHAR, not a number/,
  );
  throws(() => drawChart(last, { kind: "bar" }, { ...options, width: 20 }), /too small/);
  throws(
    () => drawChart({ columns: last.columns, rows: [] }, { kind: "bar" }, options),
    /no rows/,
  );
  const text = await lastResultOf("SELECT 'a' AS s");
  throws(() => drawChart(text, { kind: "bar" }, options), /no numeric column/);
  // Column names match ignoring case when no exact match.
  strictEqual(
    drawChart(last, { kind: "bar", x: "WEATHER", y: "Days" }, options).startsWith(
      "days by weather",
    ),
    true,
  );
});

Deno.test("last result: first rows kept, the rest counted; .last re-renders them whole", async () => {
  const last = await lastResultOf("SELECT range AS i FROM range(12345)", { rows: 10_000 });
  strictEqual(last.rows.length, 10_000);
  strictEqual(last.totalRows, 12_345);
  strictEqual(last.ended, true);
  strictEqual(lastResultNote(last), "kept the first 10,000 of 12,345 rows");
  const sink = new StringSink();
  await renderResult(lastResultRows(last), "csv", sink, { maxRows: 0, color: false });
  const lines = sink.text.trimEnd().split("\n");
  strictEqual(lines.length, 10_001);
  strictEqual(lines.at(-1), "9999");
  const whole = await lastResultOf("SELECT 1 AS a");
  strictEqual(lastResultNote(whole), undefined);
});

Deno.test("last result: the cell limit bounds wide results", async () => {
  const columns: ColumnInfo[] = Array.from({ length: 100 }, (_, i) => ({
    name: `c${i}`,
    type: "INTEGER",
    kind: "integer",
  }));
  const rows = Array.from({ length: 50 }, () => columns.map((_, i) => i));
  const kept = keepLastResult(rowsResultFromArrays(columns, rows), { cells: 1000 });
  await renderResult(kept.result, "table", new StringSink(), { maxRows: 40, color: false });
  strictEqual(kept.last().rows.length, 10);
  strictEqual(kept.last().totalRows, 50);
});

Deno.test("last result: a stream left early is marked as not read to its end", async () => {
  const columns: ColumnInfo[] = [{ name: "n", type: "INTEGER", kind: "integer" }];
  const rows = Array.from({ length: 5000 }, (_, i) => [i]);
  const kept = keepLastResult(rowsResultFromArrays(columns, rows));
  for await (const _ of kept.result.chunks()) break;
  strictEqual(kept.last().ended, false);
  strictEqual(lastResultNote(kept.last()), "kept 2,048 rows; the result was not read to its end");
});
