/**
 * The floors under Noctra's figures: what Deno and `@duckdb/node-api` (the C API underneath)
 * cost before Noctra does anything, measured with the bundled binding Noctra loads and nothing
 * of Noctra's. Each row is the experiment behind a goal of issue 10 that a ratio to the DuckDB CLI
 * cannot meet; the DuckDB CLI (`../shared/tools/duckdb-cli/duckdb`) runs the same SQL alongside.
 *
 * - `per_statement`: 200 small queries in one process: `runAndReadAll` (materialized, one bind),
 *   and `prepare` + `stream` + `fetchChunk` until the end (how any streamed result is read), ms per
 *   statement; against the CLI's `-f` of the same 200 statements minus its `SELECT 1` start.
 * - `double_bind`: a GROUP BY over flights-300k.csv (10.6 MB): `prepare` alone, `prepare` then
 *   `run` of the prepared statement, and `runAndReadAll`; DuckDB binds a prepared statement that
 *   scans files again when it runs, so the CSV is sniffed twice on every streamed path.
 * - `fetch_10m`: every chunk of a 10M-row result fetched from a streaming result, and the same
 *   result materialized by `run` (the CLI's duckbox materializes).
 * - `append_1m`: 1M rows of five columns (BIGINT, BIGINT, DOUBLE, VARCHAR, VARCHAR — the shape of
 *   `bridge_1m`'s events table), already JavaScript values, appended through one reused
 *   `DuckDBDataChunk` (`setColumnValues` + `appendDataChunk`), the way the bridge loads SQLite
 *   rows: what the bridge costs above the SQLite read, at the least.
 * - `long_strings`: 1M VARCHARs of ~36 bytes (longer than DuckDB's 12-byte inline strings), each
 *   read as bytes with one `getItemBytes` call — the one native call per string an Arrow export
 *   of such a column cannot avoid through this binding — against `fetchChunk` alone.
 * - `rss`: peak RSS of an empty `deno run`, of Deno with the binding loaded running `SELECT 1`,
 *   and of the CLI running `SELECT 1` (fresh processes, GNU time).
 *
 * Flags: `--reps N` (default 5), `--no-write`. In-process figures are medians over `reps` rounds
 * in one child process per experiment.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { ensureScaledFlights } from "./fetch_data.ts";
import {
  BENCHMARKS_DOC,
  DUCKDB_CLI,
  median,
  parseBenchFlags,
  REPO_ROOT as ROOT,
  runMeasured,
  type RunSpec,
  textTable,
  writeBenchSection,
} from "./harness/mod.ts";

const START = "<!-- bench:floors:start -->";
const END = "<!-- bench:floors:end -->";
const BUNDLE = `${ROOT}vendor/duckdb-node-api.mjs`;

const flags = parseBenchFlags(Deno.args, { defaultReps: 5, extraStrings: ["child"] }) ??
  Deno.exit(2);
const reps = flags.reps;

const SMALL = (i: number) => `SELECT ${i} AS i, 'x' || ${i} AS s, ${i} * 1.5 AS f`;
const TEN_MILLION =
  "SELECT i AS id, i * 2 AS doubled, 'row-' || i AS label FROM range(10000000) t(i)";
const groupBy = (source: string) =>
  `SELECT origin, count(*) AS n, avg(delay) AS d FROM '${source}' GROUP BY origin ORDER BY n DESC`;

/** One experiment, run in a child process: prints `{ name: ms }` as JSON. */
async function child(experiment: string, file: string): Promise<void> {
  const bundle = await import(BUNDLE);
  const api = bundle.default ?? bundle;
  const instance = await api.DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const timings: Record<string, number[]> = {};
  const time = async (name: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    (timings[name] ??= []).push(performance.now() - started);
  };
  const drain = async (result: { fetchChunk(): Promise<{ rowCount: number } | null> }) => {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) return;
    }
  };
  for (let rep = 0; rep < reps; rep++) {
    if (experiment === "per_statement") {
      await time("runAndReadAll", async () => {
        for (let i = 0; i < 200; i++) await connection.runAndReadAll(SMALL(i));
      });
      await time("prepare + stream + fetch", async () => {
        for (let i = 0; i < 200; i++) {
          const prepared = await connection.prepare(SMALL(i));
          await drain(await prepared.stream());
          prepared.destroySync();
        }
      });
    } else if (experiment === "double_bind") {
      const sql = groupBy(file);
      await time("prepare", async () => (await connection.prepare(sql)).destroySync());
      await time("prepare + run", async () => {
        const prepared = await connection.prepare(sql);
        await prepared.run();
        prepared.destroySync();
      });
      await time("prepare + stream + fetch", async () => {
        const prepared = await connection.prepare(sql);
        await drain(await prepared.stream());
        prepared.destroySync();
      });
      await time("runAndReadAll", () => connection.runAndReadAll(sql));
    } else if (experiment === "append_1m") {
      await connection.run(
        "CREATE OR REPLACE TABLE events (a BIGINT, b BIGINT, x DOUBLE, k VARCHAR, d VARCHAR)",
      );
      const pages: unknown[][][] = [];
      for (let start = 0; start < 1_000_000; start += 2048) {
        const columns: unknown[][] = [[], [], [], [], []];
        for (let i = start; i < Math.min(1_000_000, start + 2048); i++) {
          columns[0]!.push(BigInt(i));
          columns[1]!.push(BigInt(i % 1000));
          columns[2]!.push(i * 0.5);
          columns[3]!.push(`kind-${i % 7}`);
          columns[4]!.push(`2024-01-01 00:00:${String(i % 60).padStart(2, "0")}`);
        }
        pages.push(columns);
      }
      const types = [api.BIGINT, api.BIGINT, api.DOUBLE, api.VARCHAR, api.VARCHAR];
      await time("append through a data chunk", async () => {
        const appender = await connection.createAppender("events");
        const chunk = api.DuckDBDataChunk.create(types, 2048);
        for (const columns of pages) {
          chunk.reset();
          chunk.rowCount = columns[0]!.length;
          columns.forEach((values, index) => chunk.setColumnValues(index, values));
          appender.appendDataChunk(chunk);
        }
        appender.flushSync();
        appender.closeSync();
      });
    } else if (experiment === "long_strings") {
      const sql = "SELECT 'a somewhat longer label number ' || i AS label FROM range(1000000) t(i)";
      await time("stream + fetch every chunk", async () => drain(await connection.stream(sql)));
      await time("+ getItemBytes of every string", async () => {
        const result = await connection.stream(sql);
        for (;;) {
          const chunk = await result.fetchChunk();
          if (chunk === null || chunk.rowCount === 0) return;
          const vector = chunk.getColumnVector(0);
          const bytes = api.DuckDBBlobVector.prototype.getItemBytes;
          for (let row = 0; row < chunk.rowCount; row++) bytes.call(vector, row);
        }
      });
    } else if (experiment === "fetch_10m") {
      await time("stream + fetch every chunk", async () => {
        await drain(await connection.stream(TEN_MILLION));
      });
      await time("run (materialized)", () => connection.run(TEN_MILLION));
    }
  }
  const medians = Object.fromEntries(
    Object.entries(timings).map(([name, list]) => [name, median(list)]),
  );
  console.log(JSON.stringify(medians));
}

if (flags.strings.child !== undefined) {
  const [experiment, file] = flags.strings.child.split("|");
  await child(experiment!, file ?? "");
  Deno.exit(0);
}

const flights300k = (await ensureScaledFlights()).find((entry) => entry.rows === 300_000)!;
const csv = flights300k.csv.startsWith(ROOT) ? flights300k.csv.slice(ROOT.length) : flights300k.csv;

async function inProcess(experiment: string): Promise<Record<string, number>> {
  const run = await runMeasured({
    command: Deno.execPath(),
    args: [
      "run",
      "-A",
      fileURLToPath(import.meta.url),
      "--reps",
      String(reps),
      "--child",
      `${experiment}|${csv}`,
    ],
    cwd: ROOT,
    stdout: "capture",
  });
  if (run.exitCode !== 0) throw new Error(`${experiment}: ${run.stderr}`);
  return JSON.parse(run.stdoutText!.trim());
}

/** Median wall time (ms) and largest peak RSS (MB) of a fresh process, `reps` runs. */
async function freshProcess(spec: RunSpec): Promise<{ ms: number; rssMb: number }> {
  await runMeasured(spec);
  const times: number[] = [];
  let rss = 0;
  for (let rep = 0; rep < reps; rep++) {
    const run = await runMeasured(spec);
    if (run.exitCode !== 0) {
      throw new Error(`${spec.command} ${spec.args.join(" ")}: ${run.stderr}`);
    }
    times.push(run.wallMs);
    rss = Math.max(rss, (run.peakRssKiB ?? 0) * 1024 / 1e6);
  }
  return { ms: median(times), rssMb: rss };
}

const work = await Deno.makeTempDir({ prefix: "noctra-bench-floors-" });
const script = `${work}/small200.sql`;
await Deno.writeTextFile(
  script,
  Array.from({ length: 200 }, (_, i) => `${SMALL(i)};`).join("\n") + "\n",
);
await Deno.writeTextFile(`${work}/empty.ts`, "");
await Deno.writeTextFile(
  `${work}/select1.ts`,
  `const m = await import(${JSON.stringify(BUNDLE)}); const api = m.default ?? m;` +
    `const db = await api.DuckDBInstance.create(":memory:"); const c = await db.connect();` +
    `await c.runAndReadAll("SELECT 1");`,
);
const cli = (args: string[]): RunSpec => ({
  command: DUCKDB_CLI,
  args,
  cwd: ROOT,
  stdout: "count",
});
const deno = (args: string[]): RunSpec => ({
  command: Deno.execPath(),
  args: ["run", "-A", ...args],
  cwd: work,
  stdout: "count",
});

const rows: string[][] = [];
const add = (experiment: string, what: string, value: string, cliValue = "") =>
  rows.push([experiment, what, value, cliValue]);

const cliSelect1 = await freshProcess(cli(["-c", "SELECT 1"]));
const cli200 = await freshProcess(cli(["-f", script]));
const perStatement = await inProcess("per_statement");
const cliPerStatement = `${((cli200.ms - cliSelect1.ms) / 200).toFixed(2)} ms/statement`;
for (const [name, ms] of Object.entries(perStatement)) {
  add("per_statement", name, `${(ms / 200).toFixed(2)} ms/statement`, cliPerStatement);
}
const doubleBind = await inProcess("double_bind");
const cliGroupBy = await freshProcess(cli(["-c", groupBy(csv)]));
for (const [name, ms] of Object.entries(doubleBind)) {
  add(
    "double_bind",
    name,
    `${ms.toFixed(1)} ms`,
    name === "runAndReadAll"
      ? `${(cliGroupBy.ms - cliSelect1.ms).toFixed(1)} ms (fresh process minus SELECT 1)`
      : "",
  );
}
for (const [name, ms] of Object.entries(await inProcess("append_1m"))) {
  add("append_1m", name, `${ms.toFixed(0)} ms`);
}
for (const [name, ms] of Object.entries(await inProcess("long_strings"))) {
  add("long_strings", name, `${ms.toFixed(0)} ms`);
}
const fetch10m = await inProcess("fetch_10m");
for (const [name, ms] of Object.entries(fetch10m)) add("fetch_10m", name, `${ms.toFixed(0)} ms`);
const empty = await freshProcess(deno([`${work}/empty.ts`]));
const select1 = await freshProcess(deno([`${work}/select1.ts`]));
add("rss", "deno run (empty script)", `${empty.rssMb.toFixed(0)} MB, ${empty.ms.toFixed(0)} ms`);
add(
  "rss",
  "deno + bundled node-api, SELECT 1",
  `${select1.rssMb.toFixed(0)} MB, ${select1.ms.toFixed(0)} ms`,
  `${cliSelect1.rssMb.toFixed(0)} MB, ${cliSelect1.ms.toFixed(0)} ms`,
);
await Deno.remove(work, { recursive: true });

const table = textTable(["experiment", "what", "measured", "duckdb CLI"], rows);
console.log(table);
const section = `${START}
## Floors: Deno and \`@duckdb/node-api\` before Noctra does anything (issue 10)

\`deno run --allow-all bench/floors.ts --reps ${reps}\`, ${
  new Date().toISOString()
}, ${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}. Raw \`vendor/duckdb-node-api.mjs\` (the binding as Noctra loads it), no Noctra code; in-process rows are medians of ${reps} rounds in one child process; fresh-process rows are medians of ${reps} runs after a warm-up, peak RSS from GNU time. The SQL of each experiment is in the header of \`bench/floors.ts\`.

\`\`\`
${table}
\`\`\`
${END}`;
if (flags.write) {
  await writeBenchSection(START, END, section);
  console.log(`wrote ${BENCHMARKS_DOC}`);
}
