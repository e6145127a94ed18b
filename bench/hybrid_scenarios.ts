/**
 * The scenarios of `bench/hybrid.ts` (see its header for what each measures and its target):
 * `join_cold`, `join_warm` and `bridge_1m`, each running its sides, checking every answer and
 * returning a {@link ScenarioReport}.
 *
 * @module
 */
import {
  compareCsvAnswers,
  DENO,
  displayCommand,
  failedScenarioReport,
  formatKiBAsMB,
  formatMs,
  largestPeakRssKiB,
  median,
  parseChildJson,
  parseUnquotedCsv,
  ProblemLog,
  rangeText,
  ratioText,
  rawSqliteReadAllArgs,
  REPO_ROOT,
  type Round,
  runFailureText,
  runMeasured,
  type RunResult,
  runRounds,
  type ScenarioReport,
  SQLITE3,
} from "./harness/mod.ts";
import {
  ATTACH_CRM,
  ATTACH_EVENTS,
  BRIDGE_SQL,
  CUSTOMERS_DB,
  CUSTOMERS_ROWS,
  EVENTS_DB,
  EVENTS_ROWS,
  JOIN_SQL,
  sqliteEventAggregates,
  sqliteJoinArgs,
  sqliteJoinReference,
} from "./hybrid_data.ts";
import type { BridgeReport, JoinWarmReport } from "./hybrid_session.ts";
import type { ReadAllReport } from "./raw_sqlite.ts";

/** Repeats of the join after the first one, in each `join_warm` session. */
export const WARM_RUNS_PER_SESSION = 10;
/** Sums may differ by summation order: answers agree to this relative tolerance. */
const SUM_TOLERANCE = 1e-9;

function logRun(scenario: string, side: string, round: Round, text: string): void {
  console.log(`  ${scenario.padEnd(10)} ${side.padEnd(8)} ${round.label.padEnd(8)} ${text}`);
}

// ---- scenario 1: join_cold ------------------------------------------------------------------

const NOCTRA_COLD_ARGS = [
  "run",
  "--allow-all",
  "main.ts",
  "--no-restore",
  "--format",
  "csv",
  "-c",
  ATTACH_CRM,
  "-c",
  JOIN_SQL,
];
const COLD_TARGET_MS = 1000;
const COLD_MIN_SPEEDUP = 5;

async function runJoinCold(reps: number): Promise<ScenarioReport> {
  const name = "join_cold";
  const runs = 2 * reps;
  const directory = await Deno.makeTempDir({ prefix: "noctra-bench-hybrid-" });
  const copy = `${directory}/customers.db`;
  const sqliteArgs = sqliteJoinArgs(copy);
  const sqliteDisplay = displayCommand("sqlite3", [
    ...sqliteArgs.slice(0, 3),
    "<copy of customers.db>",
    ...sqliteArgs.slice(4).map((arg) => arg.replace(`${REPO_ROOT}`, "")),
  ]);
  console.log(`\n${name}: CSV ⋈ SQLite in a fresh process, vs the sqlite3 shell`);
  console.log(`  noctra:  ${displayCommand("deno", NOCTRA_COLD_ARGS)}`);
  console.log(`  sqlite3: ${sqliteDisplay}`);
  const problems = new ProblemLog();
  const logged = (side: string, round: Round, run: RunResult) => {
    logRun(
      name,
      side,
      round,
      `${formatMs(run.wallMs).padStart(9)}  peak RSS ${formatKiBAsMB(run.peakRssKiB)}`,
    );
    return run;
  };
  const measureNoctra = async (round: Round) =>
    logged(
      "noctra",
      round,
      await runMeasured({
        command: DENO,
        args: NOCTRA_COLD_ARGS,
        cwd: REPO_ROOT,
        stdout: "capture",
      }),
    );
  const measureSqlite = async (round: Round) => {
    await Deno.copyFile(`${REPO_ROOT}${CUSTOMERS_DB}`, copy); // not timed
    try {
      return logged(
        "sqlite3",
        round,
        await runMeasured({
          command: SQLITE3,
          args: sqliteArgs,
          cwd: REPO_ROOT,
          stdout: "capture",
        }),
      );
    } finally {
      await Deno.remove(copy);
    }
  };
  const check = ([noctra, sqlite]: readonly RunResult[]) => {
    const failures = [runFailureText("Noctra", noctra!), runFailureText("sqlite3", sqlite!)];
    problems.add(...failures);
    if (failures.every((failure) => failure === null)) {
      problems.add(
        ...compareCsvAnswers(
          "Noctra vs sqlite3",
          parseUnquotedCsv(noctra!.stdoutText ?? ""),
          parseUnquotedCsv(sqlite!.stdoutText ?? ""),
          SUM_TOLERANCE,
        ),
      );
    }
  };
  let timed: readonly (readonly RunResult[])[];
  try {
    ({ timed } = await runRounds([measureNoctra, measureSqlite], runs, "alternate", check));
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
  const [noctraRuns = [], sqliteRuns = []] = timed;
  const noctraMedian = median(noctraRuns.map((run) => run.wallMs));
  const sqliteMedian = median(sqliteRuns.map((run) => run.wallMs));
  const speedup = sqliteMedian / noctraMedian;
  const answer = parseUnquotedCsv(noctraRuns[0]?.stdoutText ?? "");
  return {
    name,
    title: "CSV joined with a SQLite table, one fresh process",
    rows: [
      {
        scenario: name,
        measure: "wall time, fresh process",
        noctra: formatMs(noctraMedian),
        baseline: `${formatMs(sqliteMedian)} (sqlite3: import + join)`,
        ratio: ratioText(noctraMedian / sqliteMedian),
        target: `≤ ${formatMs(COLD_TARGET_MS)}`,
        pass: noctraMedian <= COLD_TARGET_MS,
      },
      {
        scenario: name,
        measure: "speed-up vs sqlite3 (sqlite3 / Noctra)",
        noctra: formatMs(noctraMedian),
        baseline: formatMs(sqliteMedian),
        ratio: ratioText(speedup),
        target: `≥ ${ratioText(COLD_MIN_SPEEDUP)}`,
        pass: speedup >= COLD_MIN_SPEEDUP,
      },
    ],
    details: [
      `Noctra: \`${displayCommand("deno", NOCTRA_COLD_ARGS)}\``,
      `Baseline: \`${sqliteDisplay}\` — the sqlite3 shell on a fresh copy of ` +
      "`customers.db` (copied before the clock starts), importing the CSV into a typed table " +
      "and running the same join; the whole process is timed",
      `Runs per side: ${runs} (after one discarded warm-up each), alternating sides`,
      `Noctra: median ${formatMs(noctraMedian)}, range ${
        rangeText(noctraRuns.map((run) => run.wallMs), formatMs)
      }, peak RSS ${formatKiBAsMB(largestPeakRssKiB(noctraRuns))}`,
      `sqlite3: median ${formatMs(sqliteMedian)}, range ${
        rangeText(sqliteRuns.map((run) => run.wallMs), formatMs)
      }, peak RSS ${formatKiBAsMB(largestPeakRssKiB(sqliteRuns))}`,
      problems.list.length === 0
        ? `Answers: agree in every run (${answer.rows.length} regions; sums compared to 1e-9 ` +
          "relative, counts exactly)"
        : `Answers: ${problems.list.join("; ")}`,
    ],
    problems: problems.list,
  };
}

// ---- scenario 2: join_warm ------------------------------------------------------------------

const WARM_TARGET_MS = 100;

function childArgs(mode: string, ...extra: string[]): string[] {
  return ["run", "--allow-all", "bench/hybrid.ts", "--child", mode, ...extra];
}

async function runJoinWarm(reps: number): Promise<ScenarioReport> {
  const name = "join_warm";
  const args = childArgs("join_warm", "--warm-runs", String(WARM_RUNS_PER_SESSION));
  console.log(`\n${name}: the same join again in one session (bridged table cached)`);
  console.log(`  session: ${displayCommand("deno", args)}`);
  const problems = new ProblemLog();
  const reference = await sqliteJoinReference();
  const reports: JoinWarmReport[] = [];
  const session = async (round: Round) => {
    const run = await runMeasured({ command: DENO, args, cwd: REPO_ROOT, stdout: "capture" });
    const report = parseChildJson<JoinWarmReport>("join_warm session", run, problems);
    if (report === null) return;
    logRun(
      name,
      "session",
      round,
      `first ${formatMs(report.firstMs)}, then median ${formatMs(median(report.warmMs))} (${
        rangeText(report.warmMs, formatMs)
      })`,
    );
    problems.add(
      ...compareCsvAnswers(
        "Noctra (warm) vs sqlite3",
        { header: report.columns, rows: report.rows },
        reference,
        SUM_TOLERANCE,
      ),
    );
    const cached = report.cacheAfterFirst.find((row) => row[0] === "crm" && row[1] === "customers");
    if (cached === undefined || cached[2] !== String(CUSTOMERS_ROWS)) {
      problems.add(
        `SHOW CACHE after the first query does not list crm.customers with ${CUSTOMERS_ROWS} ` +
          `rows: ${JSON.stringify(report.cacheAfterFirst)}`,
      );
    } else if (JSON.stringify(report.cacheAtEnd) !== JSON.stringify(report.cacheAfterFirst)) {
      problems.add(
        `the cache changed between the first and the last query (reloaded?): ${
          JSON.stringify(report.cacheAfterFirst)
        } → ${JSON.stringify(report.cacheAtEnd)}`,
      );
    }
    if (!round.warmUp) reports.push(report);
  };
  await runRounds([session], reps, "fixed");
  if (reports.length === 0) {
    return failedScenarioReport(name, "the same join again in one session", problems.list);
  }
  const warm = reports.flatMap((report) => report.warmMs);
  const firsts = reports.map((report) => report.firstMs);
  const warmMedian = median(warm);
  const firstMedian = median(firsts);
  return {
    name,
    title: "the same join again in one session, bridged table cached",
    rows: [
      {
        scenario: name,
        measure: "repeat of the join, in-process",
        noctra: formatMs(warmMedian),
        baseline: `${formatMs(firstMedian)} (first run, same session)`,
        ratio: ratioText(warmMedian / firstMedian),
        target: `≤ ${formatMs(WARM_TARGET_MS)}`,
        pass: warmMedian <= WARM_TARGET_MS,
      },
    ],
    details: [
      `Session: \`${displayCommand("deno", args)}\` — \`Noctra.open()\`, ` +
      `\`execute("${ATTACH_CRM}")\`, then the join of \`join_cold\` ${
        WARM_RUNS_PER_SESSION + 1
      } times, each timed from \`execute\` until its last chunk has been read`,
      `Sessions: ${reports.length} (after one discarded warm-up session), each a fresh process`,
      `First run (loads and caches the 100,000-row table): median ${formatMs(firstMedian)}, ` +
      `range ${rangeText(firsts, formatMs)}`,
      `Repeats (${warm.length} = ${reports.length} × ${WARM_RUNS_PER_SESSION}): median ${
        formatMs(warmMedian)
      }, range ${rangeText(warm, formatMs)}`,
      `Session start: \`Noctra.open()\` median ${
        formatMs(median(reports.map((report) => report.openMs)))
      }, ATTACH median ${formatMs(median(reports.map((report) => report.attachMs)))}`,
      problems.list.length === 0
        ? "Checks: `SHOW CACHE` lists `crm.customers` with 100,000 rows after the first query " +
          "and unchanged after the last; the answer equals the sqlite3 shell's in every session"
        : `Checks: ${problems.list.join("; ")}`,
    ],
    problems: problems.list,
  };
}

// ---- scenario 3: bridge_1m ------------------------------------------------------------------

const BRIDGE_MAX_RATIO = 1.3;
const RAW_READ_ARGS = rawSqliteReadAllArgs(EVENTS_DB, "events");

async function runBridge(reps: number): Promise<ScenarioReport> {
  const name = "bridge_1m";
  const noctraArgs = childArgs("bridge_1m");
  console.log(`\n${name}: 1,000,000 SQLite rows bridged into DuckDB vs read with node:sqlite`);
  console.log(`  noctra:      ${displayCommand("deno", noctraArgs)}`);
  console.log(`  node:sqlite: ${displayCommand("deno", RAW_READ_ARGS)}`);
  const problems = new ProblemLog();
  const expected = await sqliteEventAggregates();
  const noctraReports: { run: RunResult; report: BridgeReport }[] = [];
  const rawReports: { run: RunResult; report: ReadAllReport }[] = [];
  let rawWarm: ReadAllReport | undefined;
  const measureNoctra = async (round: Round) => {
    const run = await runMeasured({
      command: DENO,
      args: noctraArgs,
      cwd: REPO_ROOT,
      stdout: "capture",
    });
    const report = parseChildJson<BridgeReport>("Noctra bridge", run, problems);
    if (report === null) return;
    logRun(
      name,
      "noctra",
      round,
      `bridge query ${formatMs(report.bridgeMs).padStart(9)}  process ${
        formatMs(run.wallMs)
      }  peak RSS ${formatKiBAsMB(run.peakRssKiB)}`,
    );
    if (report.count !== String(EVENTS_ROWS)) {
      problems.add(`Noctra counted ${report.count} rows, expected ${EVENTS_ROWS}`);
    }
    const cached = report.cache.find((row) => row[0] === "ev" && row[1] === "events");
    if (cached === undefined || cached[2] !== String(EVENTS_ROWS)) {
      problems.add(
        `SHOW CACHE does not list ev.events with ${EVENTS_ROWS} rows: ${
          JSON.stringify(report.cache)
        }`,
      );
    }
    const header = expected.map((_, index) => `c${index}`);
    problems.add(
      ...compareCsvAnswers(
        "bridged copy aggregates vs sqlite3",
        { header, rows: [report.check] },
        { header, rows: [expected] },
        SUM_TOLERANCE,
      ),
    );
    if (!round.warmUp) noctraReports.push({ run, report });
  };
  const measureRaw = async (round: Round) => {
    const run = await runMeasured({
      command: DENO,
      args: RAW_READ_ARGS,
      cwd: REPO_ROOT,
      stdout: "capture",
    });
    const report = parseChildJson<ReadAllReport>("node:sqlite read", run, problems);
    if (report === null) return;
    logRun(
      name,
      "sqlite",
      round,
      `read ${formatMs(report.readMs).padStart(9)}  process ${formatMs(run.wallMs)}  peak RSS ${
        formatKiBAsMB(run.peakRssKiB)
      }`,
    );
    if (report.rows !== EVENTS_ROWS) {
      problems.add(`node:sqlite read ${report.rows} rows, expected ${EVENTS_ROWS}`);
    }
    if (round.warmUp) rawWarm = report;
    else rawReports.push({ run, report });
  };
  await runRounds([measureNoctra, measureRaw], reps, "alternate");
  if (noctraReports.length === 0 || rawReports.length === 0) {
    return failedScenarioReport(name, "1,000,000 SQLite rows bridged into DuckDB", problems.list);
  }
  const bridgeMedian = median(noctraReports.map((entry) => entry.report.bridgeMs));
  const readMedian = median(rawReports.map((entry) => entry.report.readMs));
  const noctraWall = noctraReports.map((entry) => entry.run.wallMs);
  const rawWall = rawReports.map((entry) => entry.run.wallMs);
  const ratio = bridgeMedian / readMedian;
  const sqliteVersion = rawWarm?.sqliteVersion ?? rawReports[0]!.report.sqliteVersion;
  return {
    name,
    title: "1,000,000 SQLite rows bridged into DuckDB vs read with node:sqlite",
    rows: [
      {
        scenario: name,
        measure: "bridge query vs node:sqlite read, in-process",
        noctra: formatMs(bridgeMedian),
        baseline: formatMs(readMedian),
        ratio: ratioText(ratio),
        target: `≤ ${ratioText(BRIDGE_MAX_RATIO)}`,
        pass: ratio <= BRIDGE_MAX_RATIO,
      },
    ],
    details: [
      `Noctra: \`${displayCommand("deno", noctraArgs)}\` — \`Noctra.open()\`, ` +
      `\`execute("${ATTACH_EVENTS}")\`, then \`${BRIDGE_SQL}\` timed from \`execute\` until ` +
      "its last chunk has been read (count, data signature, copy of all 5 columns into " +
      "DuckDB, the DuckDB query)",
      `Baseline: \`${displayCommand("deno", RAW_READ_ARGS)}\` — node:sqlite (SQLite ` +
      `${sqliteVersion}) ` +
      '`prepare("SELECT * FROM \\"events\\"")`, `setReturnArrays(true)`, `setReadBigInts(true)`, ' +
      "every row iterated, timed from `prepare` to the last row",
      `Runs per side: ${reps} (after one discarded warm-up each), each a fresh process, ` +
      "alternating sides",
      `Noctra bridge query: median ${formatMs(bridgeMedian)}, range ${
        rangeText(noctraReports.map((entry) => entry.report.bridgeMs), formatMs)
      }; whole process median ${formatMs(median(noctraWall))}, peak RSS ${
        formatKiBAsMB(largestPeakRssKiB(noctraReports.map((entry) => entry.run)))
      }`,
      `node:sqlite read: median ${formatMs(readMedian)}, range ${
        rangeText(rawReports.map((entry) => entry.report.readMs), formatMs)
      }; whole process median ${formatMs(median(rawWall))}, peak RSS ${
        formatKiBAsMB(largestPeakRssKiB(rawReports.map((entry) => entry.run)))
      }`,
      problems.list.length === 0
        ? "Checks: `SHOW CACHE` lists `ev.events` with 1,000,000 rows after the query; the " +
          "bridged copy's count, sums of every integer column, sum and count of `amount` and " +
          "total text lengths equal the sqlite3 shell's on the file (sum(amount) to 1e-9 " +
          "relative)"
        : `Checks: ${problems.list.join("; ")}`,
    ],
    problems: problems.list,
  };
}

/** The scenarios by name, in the order they run; each takes `--reps`. */
export const HYBRID_SCENARIOS = {
  join_cold: runJoinCold,
  join_warm: runJoinWarm,
  bridge_1m: runBridge,
} as const satisfies Record<string, (reps: number) => Promise<ScenarioReport>>;
