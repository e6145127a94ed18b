/**
 * Benchmarks of the RQL and performance layers, each against the alternative in the same run:
 *
 * - `stmt_cache`: the same small query 2,000 times in one session, with the prepared-statement
 *   cache (`stmt_cache_capacity = 100`) and without (`= 0`). Seeds' claim: 10–30 % faster.
 * - `per_thread_output`: `EXPORT` of 10M rows to Parquet, plain and with
 *   `OPTIONS (per_thread_output = true)`. Seeds' claim: mandatory for large exports.
 * - `arrow_export`: `EXPORT … FORMAT ARROW` vs `FORMAT PARQUET` of the same 1M rows (target:
 *   Arrow ≤ 2× Parquet).
 *
 * Run: `deno run --allow-all bench/layers.ts [--reps N] [--no-write]`. Results replace the
 * section between `<!-- bench:layers:start -->` and `<!-- bench:layers:end -->` in
 * docs/BENCHMARKS.md.
 *
 * @module
 */
import { Noctra } from "../mod.ts";
import { Config } from "../src/config/config.ts";
import { median, parseBenchFlags, writeBenchSection } from "./harness/mod.ts";

const flags = parseBenchFlags(Deno.args, { defaultReps: 5 }) ?? Deno.exit(2);
const reps = flags.reps;

async function drain(noctra: Noctra, sql: string): Promise<number> {
  const result = await noctra.execute(sql);
  let rows = 0;
  if (result.kind === "rows") { for await (const chunk of result.chunks()) rows += chunk.rowCount; }
  return rows;
}

/** Milliseconds for `count` runs of a small filtered query with the cache at `capacity`. */
async function repeatedQueries(capacity: number, count: number): Promise<number> {
  const config = Config.load({
    path: "/dev/null",
    flags: { "duckdb.performance.stmt_cache_capacity": capacity },
  });
  const noctra = await Noctra.open({ config });
  try {
    await drain(noctra, "USE 'fixtures/penguins.parquet' AS penguins");
    await drain(noctra, "LET m = 4000");
    const sql =
      `SELECT "Species", count(*) AS n FROM penguins WHERE "Body Mass (g)" > #m GROUP BY ALL`;
    for (let index = 0; index < 50; index++) await drain(noctra, sql); // warm-up
    const started = performance.now();
    for (let index = 0; index < count; index++) await drain(noctra, sql);
    return performance.now() - started;
  } finally {
    noctra.close();
  }
}

/** Milliseconds of one EXPORT statement in a fresh session (the target is removed after). */
async function timedExport(statement: string, target: string): Promise<number> {
  const noctra = await Noctra.open();
  try {
    const started = performance.now();
    await drain(noctra, statement);
    return performance.now() - started;
  } finally {
    noctra.close();
    await Deno.remove(target, { recursive: true }).catch(() => {});
  }
}

const results: { scenario: string; a: string; b: string; aMs: number; bMs: number }[] = [];
const directory = await Deno.makeTempDir({ prefix: "noctra-bench-" });

{
  const count = 2000;
  const cached: number[] = [];
  const uncached: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    uncached.push(await repeatedQueries(0, count));
    cached.push(await repeatedQueries(100, count));
  }
  results.push({
    scenario: `stmt_cache (${count} queries)`,
    a: "cache on (100)",
    b: "cache off (0)",
    aMs: median(cached),
    bMs: median(uncached),
  });
}

{
  const query =
    "SELECT i, i * 2.5 AS amount, 'label-' || (i % 1000) AS label FROM range(10000000) t(i)";
  const plain: number[] = [];
  const perThread: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    plain.push(
      await timedExport(
        `EXPORT (${query}) TO '${directory}/plain.parquet'`,
        `${directory}/plain.parquet`,
      ),
    );
    perThread.push(
      await timedExport(
        `EXPORT (${query}) TO '${directory}/split' FORMAT PARQUET OPTIONS (per_thread_output = true)`,
        `${directory}/split`,
      ),
    );
  }
  results.push({
    scenario: "per_thread_output (10M rows → Parquet)",
    a: "per_thread_output = true",
    b: "single file",
    aMs: median(perThread),
    bMs: median(plain),
  });
}

{
  const query =
    "SELECT i, i * 1.5 AS x, 'label-' || i AS label, DATE '2020-01-01' + (i % 1000)::INT AS day, " +
    "TIMESTAMP '2020-01-01 00:00:00' + to_microseconds(i) AS ts FROM range(1000000) t(i)";
  const arrow: number[] = [];
  const parquet: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    parquet.push(
      await timedExport(`EXPORT (${query}) TO '${directory}/x.parquet'`, `${directory}/x.parquet`),
    );
    arrow.push(
      await timedExport(`EXPORT (${query}) TO '${directory}/x.arrow'`, `${directory}/x.arrow`),
    );
  }
  results.push({
    scenario: "arrow_export (1M rows)",
    a: "FORMAT ARROW",
    b: "FORMAT PARQUET",
    aMs: median(arrow),
    bMs: median(parquet),
  });
}
await Deno.remove(directory, { recursive: true }).catch(() => {});

const lines = [
  "## RQL and performance layers (issues 4 and 5)",
  "",
  `Command: \`deno run --allow-all bench/layers.ts --reps ${reps}\`, finished ${
    new Date().toISOString()
  }; ` +
  `${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}. Medians of ${reps} runs, in one process ` +
  "through the library API (each EXPORT in a fresh session).",
  "",
  "| scenario | A | B | A median | B median | A / B |",
  "| --- | --- | --- | ---: | ---: | ---: |",
  ...results.map((result) =>
    `| ${result.scenario} | ${result.a} | ${result.b} | ${result.aMs.toFixed(0)} ms | ${
      result.bMs.toFixed(0)
    } ms | ${(result.aMs / result.bMs).toFixed(2)}× |`
  ),
  "",
];
console.log(lines.join("\n"));

if (flags.write) {
  const start = "<!-- bench:layers:start -->";
  const end = "<!-- bench:layers:end -->";
  await writeBenchSection(start, end, `${start}\n${lines.join("\n")}\n${end}`);
}
