/**
 * The figures behind docs/PERFORMANCE_TUNING.md, each against its alternative in the same run:
 *
 * - `threads`: `GROUP BY` over `bench/data/flights-3m.csv` (106 MB) with `--threads 1` and
 *   `--threads N` (N = this machine's cores), each a fresh `noctra` process, interleaved.
 * - `materialize`: a SQLite table of R rows (R = 2,000 … 200,000) joined with a CSV five times
 *   in one session, with `hybrid.materialize_threshold_rows = 0` (copied once, cached) and
 *   with a threshold above R (re-read at every query, with projection and filter pushdown):
 *   the first and the median repeated query of each, in-process.
 * - `saved_sources`: `noctra -c "SELECT 1"` with no saved source and with seven (saved sources
 *   are restored when a statement first names them).
 *
 * Run: `deno run --allow-all bench/tuning.ts [--reps N] [--no-write]`. Results replace the
 * section between `<!-- bench:tuning:start -->` and `<!-- bench:tuning:end -->` in
 * docs/BENCHMARKS.md.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { Noctra } from "../mod.ts";
import { Config } from "../src/config/config.ts";
import { ensureBenchData } from "./fetch_data.ts";
import {
  BENCHMARKS_DOC,
  median,
  parseBenchFlags,
  REPO_ROOT as ROOT,
  runMeasured,
  type RunSpec,
  textTable,
  writeBenchSection,
} from "./harness/mod.ts";

const START = "<!-- bench:tuning:start -->";
const END = "<!-- bench:tuning:end -->";

const flags = parseBenchFlags(Deno.args, { defaultReps: 5 }) ?? Deno.exit(2);
const reps = flags.reps;
const cores = navigator.hardwareConcurrency;
const sections: string[] = [];

// ---- threads ---------------------------------------------------------------------------------

await ensureBenchData();
const state = await Deno.makeTempDir({ prefix: "noctra-bench-state-" });
const GROUP_BY = "SELECT origin, count(*) AS n, avg(delay) AS d " +
  "FROM 'bench/data/flights-3m.csv' GROUP BY origin ORDER BY n DESC";
const noctra = (args: string[]): RunSpec => ({
  command: Deno.execPath(),
  args: ["run", "-A", `${ROOT}main.ts`, ...args],
  cwd: ROOT,
  stdout: "capture",
  env: { XDG_STATE_HOME: state, NO_COLOR: "1" },
});
{
  const sides = [1, cores].map((threads) => ({
    threads,
    spec: noctra(["--no-restore", "--threads", String(threads), "--format", "csv", "-c", GROUP_BY]),
    times: [] as number[],
  }));
  for (const side of sides) await runMeasured(side.spec);
  for (let rep = 0; rep < reps; rep++) {
    for (const side of sides) {
      const run = await runMeasured(side.spec);
      if (run.exitCode !== 0) throw new Error(`threads ${side.threads}: ${run.stderr}`);
      side.times.push(run.wallMs);
    }
  }
  const base = median(sides[0]!.times);
  const table = textTable(
    ["--threads", "median", "min", "max", "vs 1 thread"],
    sides.map((side) => [
      String(side.threads),
      `${median(side.times).toFixed(0)} ms`,
      `${Math.min(...side.times).toFixed(0)} ms`,
      `${Math.max(...side.times).toFixed(0)} ms`,
      `${(median(side.times) / base).toFixed(2)}×`,
    ]),
  );
  console.log(table);
  sections.push(
    `### threads\n\n\`noctra --threads T --format csv -c "${GROUP_BY}"\`, fresh process each, ${reps} interleaved runs after a warm-up.\n\n\`\`\`\n${table}\n\`\`\``,
  );
}

// ---- materialize threshold ------------------------------------------------------------------

const work = await Deno.makeTempDir({ prefix: "noctra-bench-tuning-" });
const flights = `${ROOT}fixtures/flights-airport.csv`;
{
  const rows: string[][] = [];
  for (const size of [2_000, 10_000, 50_000, 200_000]) {
    const path = `${work}/t${size}.db`;
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE trips (id INTEGER PRIMARY KEY, origin TEXT, miles INTEGER, note TEXT)");
    db.exec(
      `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${size}) ` +
        "INSERT INTO trips SELECT i, CASE i % 3 WHEN 0 THEN 'SEA' WHEN 1 THEN 'ATL' ELSE 'ORD' END, " +
        "i % 1000, 'note ' || i FROM s",
    );
    db.close();
    const query = `SELECT t.origin, count(*) AS n, sum(t.miles) AS m FROM w.trips t ` +
      `JOIN '${flights}' f ON f.origin = t.origin AND f.destination = 'DEN' ` +
      "WHERE t.miles < 500 GROUP BY t.origin ORDER BY t.origin";
    const measure = async (threshold: number) => {
      const config = Config.load({
        path: "/dev/null",
        flags: { "hybrid.materialize_threshold_rows": threshold },
      });
      const session = await Noctra.open({ config });
      try {
        await session.execute(`ATTACH '${path}' AS w (TYPE SQLITE, READ_ONLY)`);
        const times: number[] = [];
        for (let run = 0; run < 5; run++) {
          const started = performance.now();
          const result = await session.execute(query);
          if (result.kind === "rows") { for await (const _ of result.chunks()) { /* drain */ } }
          times.push(performance.now() - started);
        }
        return { first: times[0]!, repeat: median(times.slice(1)) };
      } finally {
        session.close();
      }
    };
    const cached = await measure(0);
    const reread = await measure(Number.MAX_SAFE_INTEGER);
    rows.push([
      size.toLocaleString("en-US"),
      `${cached.first.toFixed(1)} ms`,
      `${cached.repeat.toFixed(1)} ms`,
      `${reread.first.toFixed(1)} ms`,
      `${reread.repeat.toFixed(1)} ms`,
    ]);
  }
  const table = textTable(
    [
      "SQLite rows",
      "cached: first",
      "cached: repeat",
      "re-read: first",
      "re-read: repeat",
    ],
    rows,
  );
  console.log(table);
  sections.push(
    `### materialize\n\nA SQLite table of R rows joined with \`fixtures/flights-airport.csv\`, the same query five times in one session (library API, in-process): \`hybrid.materialize_threshold_rows = 0\` (copied once with the columns the query uses, then cached) against a threshold above R (re-read at every query, only the rows passing \`miles < 500\` and the columns used). "repeat" is the median of queries 2–5.\n\n\`\`\`\n${table}\n\`\`\``,
  );
}

// ---- saved sources at start-up --------------------------------------------------------------

{
  const saved = await Deno.makeTempDir({ prefix: "noctra-bench-saved-" });
  const register = await runMeasured({
    ...noctra([
      ...[
        "USE 'fixtures/airports.csv' AS s1",
        "USE 'fixtures/penguins.parquet' AS s2",
        "USE 'fixtures/seattle-weather.csv' AS s3",
        "USE 'fixtures/unemployment.tsv' AS s4",
        "USE 'fixtures/penguins.json' AS s5",
        "USE 'fixtures/flights-airport.csv' AS s6",
        "ATTACH 'fixtures/airports.sqlite' AS s7 (TYPE SQLITE, READ_ONLY)",
      ].flatMap((statement) => ["-c", statement]),
    ]),
    env: { XDG_STATE_HOME: saved, NO_COLOR: "1" },
  });
  if (register.exitCode !== 0) throw new Error(`registering sources: ${register.stderr}`);
  const sides = [
    {
      name: "no saved source",
      spec: noctra(["--no-restore", "-c", "SELECT 1"]),
      times: [] as number[],
    },
    {
      name: "7 saved sources",
      spec: { ...noctra(["-c", "SELECT 1"]), env: { XDG_STATE_HOME: saved, NO_COLOR: "1" } },
      times: [] as number[],
    },
  ];
  for (const side of sides) await runMeasured(side.spec);
  for (let rep = 0; rep < reps * 2; rep++) {
    for (const side of sides) {
      const run = await runMeasured(side.spec);
      if (run.exitCode !== 0) throw new Error(`${side.name}: ${run.stderr}`);
      side.times.push(run.wallMs);
    }
  }
  const table = textTable(
    ["noctra -c 'SELECT 1'", "median", "min", "max"],
    sides.map((side) => [
      side.name,
      `${median(side.times).toFixed(0)} ms`,
      `${Math.min(...side.times).toFixed(0)} ms`,
      `${Math.max(...side.times).toFixed(0)} ms`,
    ]),
  );
  console.log(table);
  sections.push(
    `### saved_sources\n\n\`noctra -c "SELECT 1"\` with an empty state directory and with one holding six \`USE\` views and one SQLite attachment, ${
      reps * 2
    } interleaved runs after a warm-up.\n\n\`\`\`\n${table}\n\`\`\``,
  );
  await Deno.remove(saved, { recursive: true });
}

const section = `${START}
## Tuning figures (issue 10)

\`deno run --allow-all bench/tuning.ts --reps ${reps}\`, ${
  new Date().toISOString()
}, ${cores} CPUs, Deno ${Deno.version.deno}. Wall times; docs/PERFORMANCE_TUNING.md draws its advice from these.

${sections.join("\n\n")}
${END}`;
if (flags.write) {
  await writeBenchSection(START, END, section);
  console.log(`wrote ${BENCHMARKS_DOC}`);
}
await Deno.remove(work, { recursive: true });
await Deno.remove(state, { recursive: true });
