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
 * - `--child join_warm|bridge_1m` (internal): the in-process side of a scenario, run by this
 *   program as a fresh `deno run --allow-all bench/hybrid.ts --child …` process; prints one JSON
 *   line.
 *
 * Data. Generated on first use into `bench/data/hybrid/` (git-ignored) with the `sqlite3` shell
 * (`WITH RECURSIVE` counters, no randomness, so every machine gets the same bytes of data):
 * `orders.csv` (100,000 rows: order_id, customer_id, amount, day; about 0.5 % of the
 * customer_ids match no customer), `customers.db` with `customers` (100,000 rows:
 * customer_id INTEGER PRIMARY KEY, name TEXT, region TEXT, score REAL) and `events.db` with
 * `events` (1,000,000 rows: event_id INTEGER PRIMARY KEY, customer_id INTEGER, kind TEXT,
 * amount REAL with about 1 % NULLs, created_at TEXT). Idempotent: `manifest.json` records a hash
 * of the generating scripts, and the files are rebuilt only when one is missing or the scripts
 * changed. Each file is written under a temporary name and renamed.
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
 * `bench/_measure.ts`. Exit code 0 when every run succeeded and every answer agreed, 1 when a
 * run failed or answers differ, 2 for bad flags.
 *
 * At the end the results replace the section between `<!-- bench:issue3:start -->` and
 * `<!-- bench:issue3:end -->` in `docs/BENCHMARKS.md` (appended at the end when missing); the
 * rest of the file is left as it is.
 *
 * Longer than the project's ~500-line guideline: it is due to be split along its ideas (one
 * module per idea) in the architecture work.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { DatabaseSync } from "node:sqlite";
import type { Noctra } from "../mod.ts";
import {
  median,
  replaceSection,
  type RssMethod,
  rssMethod,
  runMeasured,
  type RunResult,
  shellQuote,
  textTable,
} from "./_measure.ts";
import {
  type ReadAllReport,
  runSqlite3Script,
  SQLITE3,
  sqlite3ImportAndQueryArgs,
} from "./raw_sqlite.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DOC_PATH = fileURLToPath(new URL("../docs/BENCHMARKS.md", import.meta.url));
const DATA_DIR = fileURLToPath(new URL("./data/hybrid/", import.meta.url));
const START_MARKER = "<!-- bench:issue3:start -->";
const END_MARKER = "<!-- bench:issue3:end -->";
const DENO = Deno.execPath();
const DEFAULT_REPS = 5;
/** Repeats of the join after the first one, in each `join_warm` session. */
const WARM_RUNS_PER_SESSION = 10;
/** A 1-minute load average above this, before the bench starts, means other work is running. */
const BUSY_LOAD = 1.0;

// ---- data -----------------------------------------------------------------------------------

/** Paths relative to the project root, as a user would type them. */
const ORDERS_CSV = "bench/data/hybrid/orders.csv";
const CUSTOMERS_DB = "bench/data/hybrid/customers.db";
const EVENTS_DB = "bench/data/hybrid/events.db";
const ORDERS_ROWS = 100_000;
const CUSTOMERS_ROWS = 100_000;
const EVENTS_ROWS = 1_000_000;

/** `sqlite3 -csv -header :memory:` script whose output is orders.csv. */
const ORDERS_SCRIPT =
  `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${ORDERS_ROWS})
SELECT i AS order_id,
  (i * 7919) % 100500 + 1 AS customer_id,
  printf('%.2f', ((i * 104729) % 50000) / 100.0) AS amount,
  date('2024-01-01', '+' || (i % 366) || ' days') AS day
FROM seq;
`;

const CUSTOMERS_SCRIPT = `PRAGMA journal_mode = OFF;
CREATE TABLE customers (
  customer_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  score REAL
);
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${CUSTOMERS_ROWS})
INSERT INTO customers
SELECT i, 'customer-' || i,
  CASE ((i * 2654435761) % 1000) / 125
    WHEN 0 THEN 'north' WHEN 1 THEN 'south' WHEN 2 THEN 'east' WHEN 3 THEN 'west'
    WHEN 4 THEN 'central' WHEN 5 THEN 'coastal' WHEN 6 THEN 'mountain' ELSE 'islands' END,
  ((i * 7919) % 10000) / 100.0
FROM seq;
`;

const EVENTS_SCRIPT = `PRAGMA journal_mode = OFF;
CREATE TABLE events (
  event_id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  amount REAL,
  created_at TEXT NOT NULL
);
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${EVENTS_ROWS})
INSERT INTO events
SELECT i, (i * 48271) % ${CUSTOMERS_ROWS} + 1,
  CASE i % 5 WHEN 0 THEN 'view' WHEN 1 THEN 'click' WHEN 2 THEN 'cart' WHEN 3 THEN 'purchase'
    ELSE 'refund' END,
  CASE WHEN i % 97 = 0 THEN NULL ELSE ((i * 2654435761) % 100000) / 100.0 END,
  strftime('%Y-%m-%dT%H:%M:%S', 1704067200 + i * 31, 'unixepoch')
FROM seq;
`;

/** Column definitions of the `orders` table the sqlite3 baseline imports the CSV into. */
const ORDERS_COLUMNS = "order_id INTEGER, customer_id INTEGER, amount REAL, day TEXT";

// ---- queries --------------------------------------------------------------------------------

const ATTACH_CRM = `ATTACH '${CUSTOMERS_DB}' AS crm (TYPE SQLITE, READ_ONLY)`;
const JOIN_SQL = "SELECT c.region, sum(o.amount) AS total, count(*) AS orders " +
  `FROM '${ORDERS_CSV}' o JOIN crm.customers c ON o.customer_id = c.customer_id ` +
  "GROUP BY c.region ORDER BY c.region";
/** The same join for the sqlite3 shell, after `.import` into `orders`. */
const SQLITE_JOIN_SQL = "SELECT c.region, sum(o.amount) AS total, count(*) AS orders " +
  "FROM orders o JOIN customers c ON o.customer_id = c.customer_id " +
  "GROUP BY c.region ORDER BY c.region";

const ATTACH_EVENTS = `ATTACH '${EVENTS_DB}' AS ev (TYPE SQLITE, READ_ONLY)`;
/** Checks the bridged copy (run after the timed query, from the cache). */
const EVENTS_CHECK_SQL = "SELECT count(*), sum(event_id), sum(customer_id), sum(amount), " +
  "count(amount), sum(length(kind)), sum(length(created_at)) FROM ev.events, range(1)";
/**
 * `range(1)` makes the query mixed, so it runs in DuckDB and `ev.events` is bridged; it reads
 * every column, so every column is copied (the bridge copies only the columns a query uses).
 */
const BRIDGE_SQL = EVENTS_CHECK_SQL;
const EVENTS_CHECK_SQLITE = "SELECT count(*), sum(event_id), sum(customer_id), sum(amount), " +
  "count(amount), sum(length(kind)), sum(length(created_at)) FROM events";

// ---- data generation ------------------------------------------------------------------------

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Builds one SQLite database with `script`, under a temporary name, then renames it. */
async function buildDatabase(path: string, script: string): Promise<void> {
  const temporary = `${path}.tmp`;
  await Deno.remove(temporary).catch(() => {});
  await runSqlite3Script([temporary], script);
  await Deno.rename(temporary, path);
}

/** Generates the data into `bench/data/hybrid/` unless it is already there and current. */
async function ensureHybridData(): Promise<void> {
  const manifestPath = `${DATA_DIR}manifest.json`;
  const version = await sha256Hex([ORDERS_SCRIPT, CUSTOMERS_SCRIPT, EVENTS_SCRIPT].join("\0"));
  const files = [ORDERS_CSV, CUSTOMERS_DB, EVENTS_DB].map((path) => `${ROOT}${path}`);
  try {
    const manifest = JSON.parse(await Deno.readTextFile(manifestPath)) as { version?: string };
    const present = await Promise.all(files.map(exists));
    if (manifest.version === version && present.every(Boolean)) return;
  } catch {
    // No manifest (or an unreadable one): generate.
  }
  await Deno.mkdir(DATA_DIR, { recursive: true });
  await Deno.remove(manifestPath).catch(() => {});
  console.log(`generating the hybrid bench data in ${DATA_DIR} …`);
  const started = performance.now();
  const csv = await runSqlite3Script(["-csv", "-header", ":memory:"], ORDERS_SCRIPT);
  await Deno.writeTextFile(`${ROOT}${ORDERS_CSV}.tmp`, csv);
  await Deno.rename(`${ROOT}${ORDERS_CSV}.tmp`, `${ROOT}${ORDERS_CSV}`);
  await buildDatabase(`${ROOT}${CUSTOMERS_DB}`, CUSTOMERS_SCRIPT);
  await buildDatabase(`${ROOT}${EVENTS_DB}`, EVENTS_SCRIPT);
  const counts = [
    csv.trimEnd().split("\n").length - 1,
    Number(
      (await runSqlite3Script([`${ROOT}${CUSTOMERS_DB}`], "SELECT count(*) FROM customers;"))
        .trim(),
    ),
    Number(
      (await runSqlite3Script([`${ROOT}${EVENTS_DB}`], "SELECT count(*) FROM events;")).trim(),
    ),
  ];
  const expected = [ORDERS_ROWS, CUSTOMERS_ROWS, EVENTS_ROWS];
  if (counts.some((count, index) => count !== expected[index])) {
    throw new Error(`generated row counts ${counts.join("/")}, expected ${expected.join("/")}`);
  }
  await Deno.writeTextFile(manifestPath, JSON.stringify({ version }, null, 2) + "\n");
  console.log(`  done in ${ms(performance.now() - started)}`);
}

// ---- children (the in-process sides) --------------------------------------------------------

/** A cached table as `SHOW CACHE` shows it, cells as text. */
type CacheRow = readonly string[];

/** What `--child join_warm` prints. */
interface JoinWarmReport {
  readonly openMs: number;
  readonly attachMs: number;
  readonly firstMs: number;
  readonly warmMs: readonly number[];
  readonly cacheAfterFirst: readonly CacheRow[];
  readonly cacheAtEnd: readonly CacheRow[];
  readonly columns: readonly string[];
  /** Rows of the last repeat, cells as text. */
  readonly rows: readonly (readonly string[])[];
}

/** What `--child bridge_1m` prints. */
interface BridgeReport {
  readonly openMs: number;
  readonly attachMs: number;
  readonly bridgeMs: number;
  readonly count: string;
  readonly cache: readonly CacheRow[];
  /** The `EVENTS_CHECK_SQL` row, cells as text. */
  readonly check: readonly string[];
}

function cellText(cell: unknown): string {
  return cell === null || cell === undefined ? "NULL" : String(cell);
}

interface TimedQuery {
  readonly ms: number;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Runs `sql` and reads every chunk, timing from `execute` to the last chunk. */
async function timedQuery(noctra: Noctra, sql: string): Promise<TimedQuery> {
  const started = performance.now();
  const result = await noctra.execute(sql);
  const cells: unknown[][] = [];
  if (result.kind === "rows") {
    for await (const chunk of result.chunks()) {
      for (let row = 0; row < chunk.rowCount; row++) {
        cells.push(chunk.columns.map((vector) => vector.getItem(row)));
      }
    }
  }
  const elapsed = performance.now() - started;
  return {
    ms: elapsed,
    columns: result.kind === "rows" ? result.columns.map((column) => column.name) : [],
    rows: cells.map((row) => row.map(cellText)),
  };
}

async function childJoinWarm(warmRuns: number): Promise<JoinWarmReport> {
  const { Noctra } = await import("../mod.ts");
  const opening = performance.now();
  const noctra = await Noctra.open();
  try {
    const attaching = performance.now();
    await timedQuery(noctra, ATTACH_CRM);
    const attached = performance.now();
    const first = await timedQuery(noctra, JOIN_SQL);
    const cacheAfterFirst = (await timedQuery(noctra, "SHOW CACHE")).rows;
    const warmMs: number[] = [];
    let last = first;
    for (let run = 0; run < warmRuns; run++) {
      last = await timedQuery(noctra, JOIN_SQL);
      warmMs.push(last.ms);
    }
    const cacheAtEnd = (await timedQuery(noctra, "SHOW CACHE")).rows;
    return {
      openMs: attaching - opening,
      attachMs: attached - attaching,
      firstMs: first.ms,
      warmMs,
      cacheAfterFirst,
      cacheAtEnd,
      columns: last.columns,
      rows: last.rows,
    };
  } finally {
    noctra.close();
  }
}

async function childBridge(): Promise<BridgeReport> {
  const { Noctra } = await import("../mod.ts");
  const opening = performance.now();
  const noctra = await Noctra.open();
  try {
    const attaching = performance.now();
    await timedQuery(noctra, ATTACH_EVENTS);
    const attached = performance.now();
    const bridged = await timedQuery(noctra, BRIDGE_SQL);
    const cache = (await timedQuery(noctra, "SHOW CACHE")).rows;
    const check = (await timedQuery(noctra, EVENTS_CHECK_SQL)).rows[0] ?? [];
    return {
      openMs: attaching - opening,
      attachMs: attached - attaching,
      bridgeMs: bridged.ms,
      count: bridged.rows[0]?.[0] ?? "none",
      cache,
      check,
    };
  } finally {
    noctra.close();
  }
}

// ---- measuring ------------------------------------------------------------------------------

function ms(value: number): string {
  return value >= 100
    ? `${Math.round(value).toLocaleString("en-US")} ms`
    : `${value.toFixed(1)} ms`;
}

function mb(kib: number | null): string {
  return kib === null ? "n/a" : `${(kib * 1024 / 1e6).toFixed(1)} MB`;
}

function times(value: number): string {
  return `${value.toFixed(2)}×`;
}

function maxRss(runs: readonly RunResult[]): number | null {
  const values = runs.map((run) => run.peakRssKiB).filter((value) => value !== null);
  return values.length === 0 ? null : Math.max(...values);
}

function spread(values: readonly number[]): string {
  return `${ms(Math.min(...values))} – ${ms(Math.max(...values))}`;
}

function display(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellQuote).join(" ");
}

function denoDisplay(args: readonly string[]): string {
  return display("deno", args);
}

function runFailure(label: string, run: RunResult): string | null {
  if (run.exitCode === 0) return null;
  const stderr = run.stderr.trim().split("\n").slice(0, 3).join(" | ");
  return `${label} exited with ${run.exitCode}: ${stderr}`;
}

function logRun(scenario: string, side: string, rep: string, text: string): void {
  console.log(`  ${scenario.padEnd(10)} ${side.padEnd(8)} ${rep.padEnd(8)} ${text}`);
}

/** Cells agree when equal as text, or as numbers within a relative 1e-9 (summation order). */
function sameCell(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (a === "" || b === "" || !Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

/** A CSV answer without quoting (the bench's data has no commas or quotes in cells). */
interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function parseCsv(text: string): Table {
  const lines = text.split("\n").map((line) => line.replace(/\r$/, "")).filter((line) =>
    line !== ""
  );
  const [header = "", ...rows] = lines;
  return { header: header.split(","), rows: rows.map((line) => line.split(",")) };
}

/** Differences between two answers (empty when they agree). */
function compareTables(label: string, mine: Table, theirs: Table): string[] {
  if (theirs.rows.length === 0) return [`${label}: the reference has no rows`];
  const headerA = mine.header.map((name) => name.toLowerCase()).join(",");
  const headerB = theirs.header.map((name) => name.toLowerCase()).join(",");
  if (headerA !== headerB) return [`${label}: columns ${headerA}, reference ${headerB}`];
  if (mine.rows.length !== theirs.rows.length) {
    return [`${label}: ${mine.rows.length} rows, reference ${theirs.rows.length}`];
  }
  for (let row = 0; row < theirs.rows.length; row++) {
    const a = mine.rows[row]!;
    const b = theirs.rows[row]!;
    if (a.length !== b.length || a.some((cell, column) => !sameCell(cell, b[column] ?? ""))) {
      return [
        `${label}: row ${row + 1} differs: ${JSON.stringify(a)}, reference ${JSON.stringify(b)}`,
      ];
    }
  }
  return [];
}

/** One line of the results table. */
interface ResultRow {
  readonly scenario: string;
  readonly measure: string;
  readonly noctra: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
  readonly pass: boolean;
}

/** What a scenario reports. */
interface ScenarioReport {
  readonly name: string;
  readonly title: string;
  readonly rows: readonly ResultRow[];
  /** Markdown bullet lines (without the leading `- `). */
  readonly details: readonly string[];
  /** Failed runs and answer mismatches; empty when all is well. */
  readonly problems: readonly string[];
}

/** Collects problems once each, printing each the first time it is seen. */
class Problems {
  readonly #seen = new Set<string>();
  add(...problems: (string | null)[]): void {
    for (const problem of problems) {
      if (problem === null || this.#seen.has(problem)) continue;
      this.#seen.add(problem);
      console.log(`  ! ${problem}`);
    }
  }
  get list(): string[] {
    return [...this.#seen];
  }
}

function parseChildJson<T>(label: string, run: RunResult, problems: Problems): T | null {
  const failure = runFailure(label, run);
  if (failure !== null) {
    problems.add(failure);
    return null;
  }
  try {
    return JSON.parse(run.stdoutText ?? "") as T;
  } catch {
    problems.add(`${label}: could not parse its output: ${(run.stdoutText ?? "").slice(0, 200)}`);
    return null;
  }
}

/** The reference answer of the join, from the sqlite3 shell (computed once). */
let referenceJoin: Promise<Table> | undefined;

function sqliteJoinReference(): Promise<Table> {
  referenceJoin ??= (async () => {
    const directory = await Deno.makeTempDir({ prefix: "noctra-bench-hybrid-" });
    try {
      const copy = `${directory}/customers.db`;
      await Deno.copyFile(`${ROOT}${CUSTOMERS_DB}`, copy);
      const args = sqlite3ImportAndQueryArgs(
        copy,
        `${ROOT}${ORDERS_CSV}`,
        "orders",
        ORDERS_COLUMNS,
        SQLITE_JOIN_SQL,
      );
      const out = await new Deno.Command(SQLITE3, { args, stdout: "piped", stderr: "piped" })
        .output();
      if (!out.success) {
        throw new Error(`sqlite3 reference join failed: ${new TextDecoder().decode(out.stderr)}`);
      }
      return parseCsv(new TextDecoder().decode(out.stdout));
    } finally {
      await Deno.remove(directory, { recursive: true });
    }
  })();
  return referenceJoin;
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
  const sqliteArgs = sqlite3ImportAndQueryArgs(
    copy,
    `${ROOT}${ORDERS_CSV}`,
    "orders",
    ORDERS_COLUMNS,
    SQLITE_JOIN_SQL,
  );
  const sqliteDisplay = display("sqlite3", [
    ...sqliteArgs.slice(0, 3),
    "<copy of customers.db>",
    ...sqliteArgs.slice(4).map((arg) => arg.replace(`${ROOT}`, "")),
  ]);
  console.log(`\n${name}: CSV ⋈ SQLite in a fresh process, vs the sqlite3 shell`);
  console.log(`  noctra:  ${denoDisplay(NOCTRA_COLD_ARGS)}`);
  console.log(`  sqlite3: ${sqliteDisplay}`);
  const problems = new Problems();
  const noctraRuns: RunResult[] = [];
  const sqliteRuns: RunResult[] = [];
  const measureNoctra = () =>
    runMeasured({ command: DENO, args: NOCTRA_COLD_ARGS, cwd: ROOT, stdout: "capture" });
  const measureSqlite = async () => {
    await Deno.copyFile(`${ROOT}${CUSTOMERS_DB}`, copy); // not timed
    try {
      return await runMeasured({
        command: SQLITE3,
        args: sqliteArgs,
        cwd: ROOT,
        stdout: "capture",
      });
    } finally {
      await Deno.remove(copy);
    }
  };
  const check = (noctra: RunResult, sqlite: RunResult) => {
    const failures = [runFailure("Noctra", noctra), runFailure("sqlite3", sqlite)];
    problems.add(...failures);
    if (failures.every((failure) => failure === null)) {
      problems.add(
        ...compareTables(
          "Noctra vs sqlite3",
          parseCsv(noctra.stdoutText ?? ""),
          parseCsv(sqlite.stdoutText ?? ""),
        ),
      );
    }
  };
  const log = (side: string, rep: string, run: RunResult) =>
    logRun(name, side, rep, `${ms(run.wallMs).padStart(9)}  peak RSS ${mb(run.peakRssKiB)}`);
  try {
    const warmNoctra = await measureNoctra();
    log("noctra", "warm-up", warmNoctra);
    const warmSqlite = await measureSqlite();
    log("sqlite3", "warm-up", warmSqlite);
    check(warmNoctra, warmSqlite);
    for (let rep = 1; rep <= runs; rep++) {
      const label = `${rep}/${runs}`;
      const noctraFirst = rep % 2 === 1;
      let noctra: RunResult;
      let sqlite: RunResult;
      if (noctraFirst) {
        noctra = await measureNoctra();
        log("noctra", label, noctra);
        sqlite = await measureSqlite();
        log("sqlite3", label, sqlite);
      } else {
        sqlite = await measureSqlite();
        log("sqlite3", label, sqlite);
        noctra = await measureNoctra();
        log("noctra", label, noctra);
      }
      noctraRuns.push(noctra);
      sqliteRuns.push(sqlite);
      check(noctra, sqlite);
    }
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
  const noctraMedian = median(noctraRuns.map((run) => run.wallMs));
  const sqliteMedian = median(sqliteRuns.map((run) => run.wallMs));
  const speedup = sqliteMedian / noctraMedian;
  const answer = parseCsv(noctraRuns[0]?.stdoutText ?? "");
  return {
    name,
    title: "CSV joined with a SQLite table, one fresh process",
    rows: [
      {
        scenario: name,
        measure: "wall time, fresh process",
        noctra: ms(noctraMedian),
        baseline: `${ms(sqliteMedian)} (sqlite3: import + join)`,
        ratio: times(noctraMedian / sqliteMedian),
        target: `≤ ${ms(COLD_TARGET_MS)}`,
        pass: noctraMedian <= COLD_TARGET_MS,
      },
      {
        scenario: name,
        measure: "speed-up vs sqlite3 (sqlite3 / Noctra)",
        noctra: ms(noctraMedian),
        baseline: ms(sqliteMedian),
        ratio: times(speedup),
        target: `≥ ${times(COLD_MIN_SPEEDUP)}`,
        pass: speedup >= COLD_MIN_SPEEDUP,
      },
    ],
    details: [
      `Noctra: \`${denoDisplay(NOCTRA_COLD_ARGS)}\``,
      `Baseline: \`${sqliteDisplay}\` — the sqlite3 shell on a fresh copy of ` +
      "`customers.db` (copied before the clock starts), importing the CSV into a typed table " +
      "and running the same join; the whole process is timed",
      `Runs per side: ${runs} (after one discarded warm-up each), alternating sides`,
      `Noctra: median ${ms(noctraMedian)}, range ${
        spread(noctraRuns.map((run) => run.wallMs))
      }, peak RSS ${mb(maxRss(noctraRuns))}`,
      `sqlite3: median ${ms(sqliteMedian)}, range ${
        spread(sqliteRuns.map((run) => run.wallMs))
      }, peak RSS ${mb(maxRss(sqliteRuns))}`,
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
  console.log(`  session: ${denoDisplay(args)}`);
  const problems = new Problems();
  const reference = await sqliteJoinReference();
  const reports: JoinWarmReport[] = [];
  for (let rep = 0; rep <= reps; rep++) {
    const label = rep === 0 ? "warm-up" : `${rep}/${reps}`;
    const run = await runMeasured({ command: DENO, args, cwd: ROOT, stdout: "capture" });
    const report = parseChildJson<JoinWarmReport>("join_warm session", run, problems);
    if (report === null) continue;
    logRun(
      name,
      "session",
      label,
      `first ${ms(report.firstMs)}, then median ${ms(median(report.warmMs))} (${
        spread(report.warmMs)
      })`,
    );
    problems.add(
      ...compareTables(
        "Noctra (warm) vs sqlite3",
        { header: report.columns, rows: report.rows },
        reference,
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
    if (rep > 0) reports.push(report);
  }
  if (reports.length === 0) {
    return failedReport(name, "the same join again in one session", problems);
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
        noctra: ms(warmMedian),
        baseline: `${ms(firstMedian)} (first run, same session)`,
        ratio: times(warmMedian / firstMedian),
        target: `≤ ${ms(WARM_TARGET_MS)}`,
        pass: warmMedian <= WARM_TARGET_MS,
      },
    ],
    details: [
      `Session: \`${denoDisplay(args)}\` — \`Noctra.open()\`, \`execute("${ATTACH_CRM}")\`, ` +
      `then the join of \`join_cold\` ${
        WARM_RUNS_PER_SESSION + 1
      } times, each timed from \`execute\` until its last chunk has been read`,
      `Sessions: ${reports.length} (after one discarded warm-up session), each a fresh process`,
      `First run (loads and caches the 100,000-row table): median ${ms(firstMedian)}, range ${
        spread(firsts)
      }`,
      `Repeats (${warm.length} = ${reports.length} × ${WARM_RUNS_PER_SESSION}): median ${
        ms(warmMedian)
      }, range ${spread(warm)}`,
      `Session start: \`Noctra.open()\` median ${
        ms(median(reports.map((report) => report.openMs)))
      }, ATTACH median ${ms(median(reports.map((report) => report.attachMs)))}`,
      problems.list.length === 0
        ? "Checks: `SHOW CACHE` lists `crm.customers` with 100,000 rows after the first query " +
          "and unchanged after the last; the answer equals the sqlite3 shell's in every session"
        : `Checks: ${problems.list.join("; ")}`,
    ],
    problems: problems.list,
  };
}

function failedReport(name: string, title: string, problems: Problems): ScenarioReport {
  return {
    name,
    title,
    rows: [{
      scenario: name,
      measure: "no successful run",
      noctra: "n/a",
      baseline: "n/a",
      ratio: "n/a",
      target: "n/a",
      pass: false,
    }],
    details: [`Failed: ${problems.list.join("; ")}`],
    problems: problems.list.length > 0 ? problems.list : ["no successful run"],
  };
}

// ---- scenario 3: bridge_1m ------------------------------------------------------------------

const BRIDGE_MAX_RATIO = 1.3;
const RAW_READ_ARGS = [
  "run",
  "--allow-all",
  "bench/raw_sqlite.ts",
  "read-all",
  EVENTS_DB,
  "events",
];

async function sqliteEventAggregates(): Promise<string[]> {
  const out = await runSqlite3Script(["-csv", `${ROOT}${EVENTS_DB}`], `${EVENTS_CHECK_SQLITE};\n`);
  return out.trim().split(",");
}

async function runBridge(reps: number): Promise<ScenarioReport> {
  const name = "bridge_1m";
  const noctraArgs = childArgs("bridge_1m");
  console.log(`\n${name}: 1,000,000 SQLite rows bridged into DuckDB vs read with node:sqlite`);
  console.log(`  noctra:      ${denoDisplay(noctraArgs)}`);
  console.log(`  node:sqlite: ${denoDisplay(RAW_READ_ARGS)}`);
  const problems = new Problems();
  const expected = await sqliteEventAggregates();
  const noctraReports: { run: RunResult; report: BridgeReport }[] = [];
  const rawReports: { run: RunResult; report: ReadAllReport }[] = [];
  const measureNoctra = async (label: string) => {
    const run = await runMeasured({
      command: DENO,
      args: noctraArgs,
      cwd: ROOT,
      stdout: "capture",
    });
    const report = parseChildJson<BridgeReport>("Noctra bridge", run, problems);
    if (report === null) return null;
    logRun(
      name,
      "noctra",
      label,
      `bridge query ${ms(report.bridgeMs).padStart(9)}  process ${ms(run.wallMs)}  peak RSS ${
        mb(run.peakRssKiB)
      }`,
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
    problems.add(
      ...compareTables(
        "bridged copy aggregates vs sqlite3",
        { header: expected.map((_, index) => `c${index}`), rows: [report.check] },
        { header: expected.map((_, index) => `c${index}`), rows: [expected] },
      ),
    );
    return { run, report };
  };
  const measureRaw = async (label: string) => {
    const run = await runMeasured({
      command: DENO,
      args: RAW_READ_ARGS,
      cwd: ROOT,
      stdout: "capture",
    });
    const report = parseChildJson<ReadAllReport>("node:sqlite read", run, problems);
    if (report === null) return null;
    logRun(
      name,
      "sqlite",
      label,
      `read ${ms(report.readMs).padStart(9)}  process ${ms(run.wallMs)}  peak RSS ${
        mb(run.peakRssKiB)
      }`,
    );
    if (report.rows !== EVENTS_ROWS) {
      problems.add(`node:sqlite read ${report.rows} rows, expected ${EVENTS_ROWS}`);
    }
    return { run, report };
  };
  await measureNoctra("warm-up");
  const rawWarm = await measureRaw("warm-up");
  for (let rep = 1; rep <= reps; rep++) {
    const label = `${rep}/${reps}`;
    const order = rep % 2 === 1 ? [true, false] : [false, true];
    for (const noctraSide of order) {
      if (noctraSide) {
        const result = await measureNoctra(label);
        if (result !== null) noctraReports.push(result);
      } else {
        const result = await measureRaw(label);
        if (result !== null) rawReports.push(result);
      }
    }
  }
  if (noctraReports.length === 0 || rawReports.length === 0) {
    return failedReport(name, "1,000,000 SQLite rows bridged into DuckDB", problems);
  }
  const bridgeMedian = median(noctraReports.map((entry) => entry.report.bridgeMs));
  const readMedian = median(rawReports.map((entry) => entry.report.readMs));
  const noctraWall = noctraReports.map((entry) => entry.run.wallMs);
  const rawWall = rawReports.map((entry) => entry.run.wallMs);
  const ratio = bridgeMedian / readMedian;
  const sqliteVersion = rawWarm?.report.sqliteVersion ?? rawReports[0]!.report.sqliteVersion;
  return {
    name,
    title: "1,000,000 SQLite rows bridged into DuckDB vs read with node:sqlite",
    rows: [
      {
        scenario: name,
        measure: "bridge query vs node:sqlite read, in-process",
        noctra: ms(bridgeMedian),
        baseline: ms(readMedian),
        ratio: times(ratio),
        target: `≤ ${times(BRIDGE_MAX_RATIO)}`,
        pass: ratio <= BRIDGE_MAX_RATIO,
      },
    ],
    details: [
      `Noctra: \`${
        denoDisplay(noctraArgs)
      }\` — \`Noctra.open()\`, \`execute("${ATTACH_EVENTS}")\`, ` +
      `then \`${BRIDGE_SQL}\` timed from \`execute\` until its last chunk has been read ` +
      "(count, data signature, copy of all 5 columns into DuckDB, the DuckDB query)",
      `Baseline: \`${denoDisplay(RAW_READ_ARGS)}\` — node:sqlite (SQLite ${sqliteVersion}) ` +
      '`prepare("SELECT * FROM \\"events\\"")`, `setReturnArrays(true)`, `setReadBigInts(true)`, ' +
      "every row iterated, timed from `prepare` to the last row",
      `Runs per side: ${reps} (after one discarded warm-up each), each a fresh process, ` +
      "alternating sides",
      `Noctra bridge query: median ${ms(bridgeMedian)}, range ${
        spread(noctraReports.map((entry) => entry.report.bridgeMs))
      }; whole process median ${ms(median(noctraWall))}, peak RSS ${
        mb(maxRss(noctraReports.map((entry) => entry.run)))
      }`,
      `node:sqlite read: median ${ms(readMedian)}, range ${
        spread(rawReports.map((entry) => entry.report.readMs))
      }; whole process median ${ms(median(rawWall))}, peak RSS ${
        mb(maxRss(rawReports.map((entry) => entry.run)))
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

// ---- reporting ------------------------------------------------------------------------------

interface Machine {
  readonly nproc: string;
  readonly memory: string;
  readonly cpu: string;
  readonly os: string;
  readonly deno: string;
  readonly sqlite3: string;
  readonly nodeSqlite: string;
  readonly duckdb: string;
  /** The code measured: commit and uncommitted changes under src/, main.ts, mod.ts. */
  readonly code: string;
  readonly date: string;
  readonly rss: RssMethod;
  readonly loadAtStart: string;
}

/**
 * The commit the code under test comes from and which of its files have uncommitted changes,
 * from read-only git commands (`--no-optional-locks`: `status` does not refresh the index).
 */
async function codeVersion(): Promise<string> {
  const commit = await commandText("git", ["--no-optional-locks", "rev-parse", "--short", "HEAD"]);
  if (commit === null) return "unknown (not a git checkout)";
  const status = await commandText("git", [
    "--no-optional-locks",
    "status",
    "--porcelain",
    "--",
    "src",
    "main.ts",
    "mod.ts",
  ]);
  const changed = (status ?? "").split("\n").map((line) => line.trim().replace(/^\S+\s+/, ""))
    .filter((path) => path !== "");
  if (changed.length === 0) return `commit ${commit}`;
  const shown = changed.slice(0, 6).map((path) => `\`${path}\``).join(", ");
  const more = changed.length > 6 ? ` and ${changed.length - 6} more` : "";
  return `commit ${commit} with uncommitted changes in ${shown}${more}`;
}

function loadAverage(): string {
  return Deno.loadavg().map((value) => value.toFixed(2)).join(" ");
}

async function commandText(command: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(command, {
      args,
      cwd: ROOT,
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

function embeddedSqliteVersion(): string {
  const db = new DatabaseSync(":memory:");
  try {
    return String(db.prepare("SELECT sqlite_version() AS v").get()?.v ?? "unknown");
  } finally {
    db.close();
  }
}

async function machineFacts(): Promise<Machine> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const duckdb = await commandText(DENO, ["run", "--allow-all", "bench/raw_duckdb.ts", "version"]);
  const [duckdbVersion = "unknown", nodeApi = "unknown"] = (duckdb ?? "").split("\t");
  const sqlite3 = await commandText(SQLITE3, ["--version"]);
  return {
    nproc: (await commandText("nproc", [])) ?? String(navigator.hardwareConcurrency),
    memory: `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(1)} GiB`,
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    sqlite3: sqlite3?.split(" ").slice(0, 2).join(" ") ?? "unknown",
    nodeSqlite: embeddedSqliteVersion(),
    duckdb: `${duckdbVersion} (@duckdb/node-api ${nodeApi})`,
    code: await codeVersion(),
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    rss: await rssMethod(),
    loadAtStart: loadAverage(),
  };
}

function verdict(pass: boolean): string {
  return pass ? "pass" : "FAIL";
}

function consoleSummary(reports: readonly ScenarioReport[]): string {
  const rows = reports.flatMap((report) =>
    report.rows.map((row) => [
      row.scenario,
      row.measure,
      row.noctra,
      row.baseline,
      row.ratio,
      row.target,
      verdict(row.pass),
      report.problems.length === 0 ? "agree" : "PROBLEMS",
    ])
  );
  return textTable(
    ["scenario", "measure", "noctra", "baseline", "ratio", "target", "result", "checks"],
    rows,
  );
}

function rssMethodText(method: RssMethod): string {
  switch (method) {
    case "gnu-time":
      return "GNU time `%M`";
    case "proc-vmhwm":
      return "`/proc/<pid>/status` `VmHWM` polled every 20 ms";
    case "none":
      return "not available";
  }
}

function markdownSection(
  reports: readonly ScenarioReport[],
  machine: Machine,
  commandLine: string,
  loadAtEnd: string,
): string {
  const busy = Number(machine.loadAtStart.split(" ")[0]) > BUSY_LOAD;
  const lines = [
    START_MARKER,
    "## Hybrid: files joined with SQLite, and the bridge (issue 3)",
    "",
    `Command: \`${commandLine}\` (the second half of \`deno task bench\`), started ${machine.date}.`,
    "",
    `Code measured: ${machine.code}.`,
    "",
    `Machine: ${machine.nproc} CPUs (\`nproc\`), ${machine.memory} RAM, ${machine.cpu}, ` +
    `${machine.os}; Deno ${machine.deno}; sqlite3 shell ${machine.sqlite3}; SQLite ` +
    `${machine.nodeSqlite} inside node:sqlite; DuckDB ${machine.duckdb}. Load average ` +
    `(1/5/15 min) ${machine.loadAtStart} at the start, ${loadAtEnd} at the end (the bench adds ` +
    "about 1 while it runs)." +
    (busy ? " **The machine was busy when this run started, so these figures are noisy.**" : ""),
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
    `${rssMethodText(machine.rss)}; MB = 10^6 bytes.`,
    "",
    "| Scenario | Measure | Noctra | Baseline | Ratio | Target | Result |",
    "| --- | --- | ---: | ---: | ---: | --- | --- |",
  ];
  for (const report of reports) {
    for (const row of report.rows) {
      const result = report.problems.length === 0
        ? verdict(row.pass)
        : `${verdict(row.pass)} (checks failed)`;
      lines.push(
        `| \`${row.scenario}\` | ${row.measure} | ${row.noctra} | ${row.baseline} | ` +
          `${row.ratio} | ${row.target} | ${result} |`,
      );
    }
  }
  lines.push(
    "",
    "Ratio is Noctra / baseline, except the `join_cold` speed-up row (sqlite3 / Noctra) and " +
      "`join_warm` (repeat / first run in the same session).",
    "",
  );
  for (const report of reports) {
    lines.push(`### \`${report.name}\``, "", `${capitalize(report.title)}.`, "");
    for (const detail of report.details) lines.push(`- ${detail}`);
    lines.push("");
  }
  lines.push(END_MARKER);
  return lines.join("\n");
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Replaces the issue3 section of `docs/BENCHMARKS.md`, appending it when the markers are missing. */
async function writeDocument(section: string): Promise<void> {
  let text = "";
  try {
    text = await Deno.readTextFile(DOC_PATH);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    text = "# Benchmarks\n";
  }
  text = replaceSection(text, START_MARKER, END_MARKER, section);
  await Deno.writeTextFile(DOC_PATH, text);
}

// ---- main -----------------------------------------------------------------------------------

const SCENARIOS = ["join_cold", "join_warm", "bridge_1m"] as const;
type ScenarioName = typeof SCENARIOS[number];

async function runChild(mode: string, warmRuns: number): Promise<number> {
  try {
    const report = mode === "join_warm"
      ? await childJoinWarm(warmRuns)
      : mode === "bridge_1m"
      ? await childBridge()
      : undefined;
    if (report === undefined) {
      console.error(`bench: --child ${mode}: expected join_warm or bridge_1m`);
      return 2;
    }
    console.log(JSON.stringify(report));
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

/** Parses flags, runs the chosen scenarios, prints and records results. Returns the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        reps: { type: "string" },
        only: { type: "string", multiple: true },
        "no-write": { type: "boolean" },
        child: { type: "string" },
        "warm-runs": { type: "string" },
      },
    }).values;
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  if (values.child !== undefined) {
    const warmRuns = Number(values["warm-runs"] ?? WARM_RUNS_PER_SESSION);
    if (!Number.isSafeInteger(warmRuns) || warmRuns < 1) {
      console.error(`bench: --warm-runs ${values["warm-runs"]}: expected a whole number ≥ 1`);
      return 2;
    }
    return await runChild(values.child, warmRuns);
  }
  const reps = values.reps === undefined ? DEFAULT_REPS : Number(values.reps);
  if (!Number.isSafeInteger(reps) || reps < 1) {
    console.error(`bench: --reps ${values.reps}: expected a whole number ≥ 1`);
    return 2;
  }
  let chosen: ScenarioName[] = [...SCENARIOS];
  if (values.only !== undefined) {
    const wanted = values.only.flatMap((names) => names.split(",")).map((name) => name.trim());
    const unknown = wanted.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
    if (unknown.length > 0) {
      console.error(
        `bench: unknown scenario ${unknown.join(", ")}; choose from ${SCENARIOS.join(", ")}`,
      );
      return 2;
    }
    chosen = SCENARIOS.filter((name) => wanted.includes(name));
  }

  await ensureHybridData();
  const machine = await machineFacts();
  console.log(
    `Noctra hybrid bench: ${machine.nproc} CPUs, ${machine.memory}, Deno ${machine.deno}, ` +
      `sqlite3 ${machine.sqlite3}, node:sqlite SQLite ${machine.nodeSqlite}, DuckDB ` +
      `${machine.duckdb}, load ${machine.loadAtStart}`,
  );
  console.log(`code: ${machine.code}`);
  if (Number(machine.loadAtStart.split(" ")[0]) > BUSY_LOAD) {
    console.log(
      `warning: load average ${machine.loadAtStart}: other work is running; figures will be noisy`,
    );
  }

  const reports: ScenarioReport[] = [];
  for (const name of chosen) {
    switch (name) {
      case "join_cold":
        reports.push(await runJoinCold(reps));
        break;
      case "join_warm":
        reports.push(await runJoinWarm(reps));
        break;
      case "bridge_1m":
        reports.push(await runBridge(reps));
        break;
    }
  }

  const loadAtEnd = loadAverage();
  console.log(`\n${consoleSummary(reports)}\nload average at the end: ${loadAtEnd}`);
  const commandLine = ["deno", "run", "--allow-all", "bench/hybrid.ts", ...argv].map(shellQuote)
    .join(" ");
  if (values["no-write"]) {
    console.log("\n--no-write: docs/BENCHMARKS.md left unchanged");
  } else {
    await writeDocument(markdownSection(reports, machine, commandLine, loadAtEnd));
    console.log(`\nwrote the results to ${DOC_PATH}`);
  }
  return reports.every((report) => report.problems.length === 0) ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
