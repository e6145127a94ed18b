/**
 * Hybrid benchmark: a CSV joined with a SQLite table, and SQLite tables bridged into DuckDB,
 * against plain SQLite (the `sqlite3` shell and `node:sqlite`) in the same run.
 *
 * Usage: `deno run --allow-all bench/hybrid.ts [--reps N] [--only NAME[,NAME…]] [--no-write]`
 * (the second half of `deno task bench`).
 *
 * - `--reps N` (default 5): `join_cold` times `2 × N` runs per side (a run is short and noisy);
 *   `join_warm` opens N sessions, each timing its first query and then
 *   10 repeats (`WARM_RUNS_PER_SESSION`); `bridge_1m` times N runs per side.
 * - `--only NAME`: run only these scenarios (repeatable or comma-separated): `join_cold`,
 *   `join_warm`, `bridge_1m`.
 * - `--no-write`: print only; leave `docs/BENCHMARKS.md` alone.
 * - `--child join_warm|bridge_1m` (internal): the in-process side of a scenario
 *   (`bench/hybrid_session.ts`), run by this program as a fresh
 *   `deno run --allow-all bench/hybrid.ts --child …` process; prints one JSON line.
 *
 * Files: this one parses flags, runs the chosen scenarios and writes the section;
 * `bench/hybrid_scenarios.ts` holds the scenarios and their checks, `bench/hybrid_session.ts`
 * the in-process sides, and `bench/hybrid_data.ts` the data, the queries and the sqlite3
 * shell's reference answers. The data is generated on first use into `bench/data/hybrid/`
 * (git-ignored): `orders.csv` (100,000 rows), `customers.db` (`customers`, 100,000 rows) and
 * `events.db` (`events`, 1,000,000 rows).
 *
 * Scenarios (each compares in the same run; a missed target is reported, never an error):
 * 1. `join_cold`: one fresh `deno run --allow-all main.ts --no-restore --format csv -c ATTACH…
 *    -c <join>` process, wall time from spawn to exit (stdout drained). Targets: ≤ 1 s, and at
 *    least 5× faster than the `sqlite3` shell doing the same join after `.import` of the CSV into
 *    a fresh copy of `customers.db` (the copy is made before the clock starts; the whole sqlite3
 *    process, import + query, is timed). Both answers are compared row by row.
 * 2. `join_warm`: the same join twice and more in one session through the library
 *    (`Noctra.open()`, `execute`, iterate the chunks), timed in-process. The 100,000-row table is
 *    above the default materialize threshold (10,000 rows), so the first query materializes it
 *    and later queries reuse the cache (`SHOW CACHE` is checked after the first and the last
 *    query: same table, rows and load time). Target: the median of the repeats ≤ 100 ms.
 * 3. `bridge_1m`: aggregates of every column of `ev.events` (`… FROM ev.events, range(1)`) in
 *    a fresh session (the `range(1)` makes it a mixed query, so it runs in DuckDB and the
 *    1M-row table is bridged: materialized with every column, since the query reads every
 *    column; checked with `SHOW CACHE`), timed in-process from
 *    `execute` to the last chunk, against `bench/raw_sqlite.ts read-all` (node:sqlite alone:
 *    `SELECT *`, `setReturnArrays`, `setReadBigInts`, iterate every row) timed from `prepare`
 *    to the last row. Each run of each side is its own process. Target: ≤ 1.3× the node:sqlite
 *    read. The bridged copy is checked against aggregates computed by the `sqlite3` shell.
 *
 * Every scenario runs one discarded warm-up of each side first (disk cache, Deno's module
 * cache), then alternates the sides; figures are medians. Peak RSS per process comes from
 * `bench/harness/measure.ts`. Exit code 0 when every run succeeded and every answer agreed, 1
 * when a run failed or answers differ, 2 for bad flags.
 *
 * At the end the results replace the section between `<!-- bench:issue3:start -->` and
 * `<!-- bench:issue3:end -->` in `docs/BENCHMARKS.md` (appended at the end when missing); the
 * rest of the file is left as it is.
 *
 * @module
 */
import {
  type BenchSetting,
  chosen,
  displayCommand,
  loadAverageIsBusy,
  loadAverageText,
  machineText,
  nodeSqliteVersion,
  parseBenchFlags,
  readBenchSetting,
  recordSection,
  resultsConsoleTable,
  resultsDetailLines,
  resultsMarkdownTable,
  rssMethodBrief,
  type ScenarioReport,
  sqlite3ShellVersion,
} from "./harness/mod.ts";
import { ensureHybridData, JOIN_SQL } from "./hybrid_data.ts";
import { HYBRID_SCENARIOS, WARM_RUNS_PER_SESSION } from "./hybrid_scenarios.ts";
import { runSession } from "./hybrid_session.ts";

const START_MARKER = "<!-- bench:issue3:start -->";
const END_MARKER = "<!-- bench:issue3:end -->";
const DEFAULT_REPS = 5;
const SCENARIOS = Object.keys(HYBRID_SCENARIOS) as (keyof typeof HYBRID_SCENARIOS)[];

// ---- the section ----------------------------------------------------------------------------

/** Where the run happened, for the record: also SQLite's versions and the load average. */
interface Setting extends BenchSetting {
  readonly sqlite3: string;
  readonly nodeSqlite: string;
  readonly loadAtStart: string;
}

async function readSetting(): Promise<Setting> {
  return {
    // The code measured: commit and uncommitted changes under src/, main.ts, mod.ts.
    ...await readBenchSetting(["src", "main.ts", "mod.ts"], 6),
    sqlite3: await sqlite3ShellVersion(),
    nodeSqlite: nodeSqliteVersion(),
    loadAtStart: loadAverageText(),
  };
}

function markdownSection(
  reports: readonly ScenarioReport[],
  setting: Setting,
  commandLine: string,
  loadAtEnd: string,
): string {
  const { machine } = setting;
  return [
    START_MARKER,
    "## Hybrid: files joined with SQLite, and the bridge (issue 3)",
    "",
    `Command: \`${commandLine}\` (the second half of \`deno task bench\`), started ${machine.date}.`,
    "",
    `Code measured: ${setting.code}.`,
    "",
    `Machine: ${machineText(machine)}; sqlite3 shell ${setting.sqlite3}; SQLite ` +
    `${setting.nodeSqlite} inside node:sqlite; DuckDB ${setting.duckdb}. Load average ` +
    `(1/5/15 min) ${setting.loadAtStart} at the start, ${loadAtEnd} at the end (the bench adds ` +
    "about 1 while it runs)." +
    (loadAverageIsBusy(setting.loadAtStart)
      ? " **The machine was busy when this run started, so these figures are noisy.**"
      : ""),
    "",
    "Data, generated by `bench/hybrid.ts` into `bench/data/hybrid/` (deterministic, " +
    "git-ignored): `orders.csv` (100,000 rows: order_id, customer_id, amount, day), " +
    "`customers.db` table `customers` (100,000 rows: customer_id INTEGER PRIMARY KEY, name TEXT, " +
    "region TEXT, score REAL), `events.db` table `events` (1,000,000 rows: event_id INTEGER " +
    "PRIMARY KEY, customer_id INTEGER, kind TEXT, amount REAL, created_at TEXT). The join is " +
    `\`${JOIN_SQL}\`.`,
    "",
    "Each run is a fresh process started from the project root with this process's Deno; every " +
    "scenario runs one discarded warm-up of each side, then alternates sides. Figures are " +
    "medians. `join_cold` times whole processes (spawn to exit, stdout drained); `join_warm` " +
    "and `bridge_1m` time inside the process (see each section). Peak RSS: " +
    `${rssMethodBrief(machine.rss)}; MB = 10^6 bytes.`,
    "",
    ...resultsMarkdownTable(reports),
    "",
    "Ratio is Noctra / baseline, except the `join_cold` speed-up row (sqlite3 / Noctra) and " +
    "`join_warm` (repeat / first run in the same session).",
    "",
    ...resultsDetailLines(reports),
    END_MARKER,
  ].join("\n");
}

// ---- main -----------------------------------------------------------------------------------

/** Parses flags, runs the chosen scenarios, prints and records results. Returns the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  const flags = parseBenchFlags(argv, {
    defaultReps: DEFAULT_REPS,
    scenarios: SCENARIOS,
    extraStrings: ["child", "warm-runs"],
  });
  if (flags === null) return 2;
  const child = flags.strings["child"];
  if (child !== undefined) {
    const warmRuns = Number(flags.strings["warm-runs"] ?? WARM_RUNS_PER_SESSION);
    if (!Number.isSafeInteger(warmRuns) || warmRuns < 1) {
      console.error(
        `bench: --warm-runs ${flags.strings["warm-runs"]}: expected a whole number ≥ 1`,
      );
      return 2;
    }
    return await runSession(child, warmRuns);
  }

  await ensureHybridData();
  const setting = await readSetting();
  const { machine } = setting;
  console.log(
    `Noctra hybrid bench: ${machine.nproc} CPUs, ${machine.memory}, Deno ${machine.deno}, ` +
      `sqlite3 ${setting.sqlite3}, node:sqlite SQLite ${setting.nodeSqlite}, DuckDB ` +
      `${setting.duckdb}, load ${setting.loadAtStart}`,
  );
  console.log(`code: ${setting.code}`);
  if (loadAverageIsBusy(setting.loadAtStart)) {
    console.log(
      `warning: load average ${setting.loadAtStart}: other work is running; figures will be noisy`,
    );
  }

  const reports: ScenarioReport[] = [];
  for (const name of SCENARIOS.filter((name) => chosen(flags, name))) {
    reports.push(await HYBRID_SCENARIOS[name](flags.reps));
  }

  const loadAtEnd = loadAverageText();
  console.log(`\n${resultsConsoleTable(reports)}\nload average at the end: ${loadAtEnd}`);
  const commandLine = displayCommand("deno", ["run", "--allow-all", "bench/hybrid.ts", ...argv]);
  await recordSection(
    flags.write,
    START_MARKER,
    END_MARKER,
    () => markdownSection(reports, setting, commandLine, loadAtEnd),
  );
  return reports.every((report) => report.problems.length === 0) ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
