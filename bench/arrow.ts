/**
 * Arrow IPC benchmark: Noctra's `writeArrowIpcFile` (apache-arrow, in TypeScript, because the
 * DuckDB here lacks the arrow extension) against DuckDB's own `COPY … TO '….parquet'` of the
 * same rows, in the same process and run, plus loading `flights-200k.arrow` into DuckDB.
 *
 * Usage: `deno run --allow-all bench/arrow.ts [--rows N] [--reps R]`
 * (defaults: 1,000,000 rows, 5 repetitions after one warm-up of each variant).
 *
 * Two export scenarios: the mixed query (BIGINT, DECIMAL, short VARCHAR, DATE, TIMESTAMP) and
 * one column of ~36-byte strings (longer than DuckDB inlines). Variants, each timed from the
 * query's start to the file being closed, in rotating order within every repetition so no
 * variant always runs first:
 * - `parquet`: `COPY (query) TO 'x.parquet' (FORMAT parquet)` (DuckDB's threads, native code).
 * - `arrow`: `writeArrowIpcFile(stream(query), 'x.arrow')` with the vector fast paths.
 * - `arrow (getItem)`: the same with `fastPaths: false`, every cell through `getItem()`.
 * - `stream only`: iterate the streamed chunks and touch nothing, the floor for any writer that
 *   consumes DuckDB's result from JavaScript.
 *
 * Prints medians (and min/max), file sizes, the Arrow/Parquet ratio (target ≤ 2×), and the
 * flights load rate in rows/s. Writes only to a temporary directory, removed at the end.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { DuckDBSource } from "../src/engine/sources/duckdb_source.ts";
import type { RowsResult } from "../src/engine/result.ts";
import { loadArrowIpcIntoDuckDB, writeArrowIpcFile } from "../src/engine/arrow/ipc_file.ts";
import { ensureBenchData } from "./fetch_data.ts";
import { median, textTable } from "./harness/mod.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: { rows: { type: "string" }, reps: { type: "string" } },
});
const ROWS = Number(flags.rows ?? 1_000_000);
const REPS = Number(flags.reps ?? 5);
if (!Number.isInteger(ROWS) || ROWS < 1 || !Number.isInteger(REPS) || REPS < 1) {
  console.error("usage: bench/arrow.ts [--rows N] [--reps R]");
  Deno.exit(2);
}

/** The brief's mixed query, and one of longer (> 12-byte, not inlined) strings. */
const SCENARIOS = [
  {
    name: "mixed: BIGINT, DECIMAL, short VARCHAR, DATE, TIMESTAMP",
    query: `SELECT i AS id, i * 1.5 AS amount, 'label-' || i AS label,
  DATE '2020-01-01' + (i % 1000)::INTEGER AS day,
  TIMESTAMP '2020-01-01 00:00:00' + to_microseconds(i * 1000003) AS ts
FROM range(${ROWS}) t(i)`,
  },
  {
    name: "long strings: one VARCHAR of ~36 bytes",
    query: `SELECT 'a somewhat longer label number ' || i AS label FROM range(${ROWS}) t(i)`,
  },
];

const dir = await Deno.makeTempDir({ prefix: "noctra-arrow-bench-" });
const duckdb = await DuckDBSource.open();

interface Variant {
  readonly name: string;
  /** Runs once; returns the output size in bytes (0 when nothing is written). */
  readonly run: () => Promise<number>;
}

function variantsFor(query: string): Variant[] {
  const streamed = async () => await duckdb.stream(query, undefined, { query: true }) as RowsResult;
  const parquetPath = `${dir}/x.parquet`;
  const arrow = (name: string, fastPaths: boolean): Variant => ({
    name,
    run: async () => {
      const { rows, bytes } = await writeArrowIpcFile(await streamed(), `${dir}/x.arrow`, {
        fastPaths,
      });
      if (rows !== ROWS) throw new Error(`wrote ${rows} rows, expected ${ROWS}`);
      return bytes;
    },
  });
  return [
    {
      name: "parquet (DuckDB COPY)",
      run: async () => {
        await duckdb.run(`COPY (${query}) TO '${parquetPath}' (FORMAT parquet)`);
        return (await Deno.stat(parquetPath)).size;
      },
    },
    arrow("arrow (writeArrowIpcFile)", true),
    arrow("arrow (getItem path)", false),
    {
      name: "stream only (no output)",
      run: async () => {
        let rows = 0;
        for await (const chunk of (await streamed()).chunks()) rows += chunk.rowCount;
        if (rows !== ROWS) throw new Error(`streamed ${rows} rows, expected ${ROWS}`);
        return 0;
      },
    },
  ];
}

/** Times every variant `REPS` times (after a warm-up), rotating their order; prints a table. */
async function compare(name: string, query: string): Promise<void> {
  const variants = variantsFor(query);
  console.log(`\n${name}: ${ROWS.toLocaleString("en-US")} rows, ${REPS} reps (+1 warm-up)`);
  console.log(`query: ${query.replace(/\s+/g, " ")}`);
  const times = variants.map(() => [] as number[]);
  const sizes = variants.map(() => 0);
  for (let rep = -1; rep < REPS; rep++) {
    for (let step = 0; step < variants.length; step++) {
      const index = (step + Math.max(rep, 0)) % variants.length;
      const started = performance.now();
      sizes[index] = await variants[index]!.run();
      const elapsed = performance.now() - started;
      if (rep >= 0) times[index]!.push(elapsed);
    }
  }
  const parquetMedian = median(times[0]!);
  console.log(textTable(
    ["variant", "median ms", "min ms", "max ms", "× parquet", "file MB"],
    variants.map((variant, index) => {
      const samples = times[index]!;
      return [
        variant.name,
        median(samples).toFixed(0),
        Math.min(...samples).toFixed(0),
        Math.max(...samples).toFixed(0),
        `${(median(samples) / parquetMedian).toFixed(2)}×`,
        sizes[index] === 0 ? "-" : (sizes[index]! / 1e6).toFixed(1),
      ];
    }),
  ));
  const ratio = median(times[1]!) / parquetMedian;
  console.log(
    `Arrow / Parquet (medians): ${ratio.toFixed(2)}× — target ≤ 2×: ${
      ratio <= 2 ? "met" : "NOT met"
    }`,
  );
}

try {
  console.log(
    `DuckDB ${
      String((await duckdb.readAll("SELECT version()"))[0]![0])
    }, ${navigator.hardwareConcurrency} hardware threads`,
  );
  for (const scenario of SCENARIOS) await compare(scenario.name, scenario.query);

  const { flightsArrow } = await ensureBenchData();
  if (flightsArrow === null) {
    console.log("\nflights-200k.arrow unavailable; load benchmark skipped");
  } else {
    const loads: number[] = [];
    let rows = 0;
    for (let rep = -1; rep < REPS; rep++) {
      const started = performance.now();
      ({ rows } = await loadArrowIpcIntoDuckDB(duckdb, flightsArrow, {
        catalog: "memory",
        schema: "main",
        name: "flights",
      }));
      if (rep >= 0) loads.push(performance.now() - started);
    }
    const loadMedian = median(loads);
    console.log(
      `\nload flights-200k.arrow → DuckDB: ${rows.toLocaleString("en-US")} rows, median ${
        loadMedian.toFixed(0)
      } ms (min ${Math.min(...loads).toFixed(0)}, max ${Math.max(...loads).toFixed(0)}) = ${
        Math.round(rows / (loadMedian / 1000)).toLocaleString("en-US")
      } rows/s`,
    );
  }
} finally {
  duckdb.close();
  await Deno.remove(dir, { recursive: true });
}
