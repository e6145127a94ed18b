/**
 * The data of `bench/hybrid.ts`, the queries its scenarios run over it, and the reference
 * answers the `sqlite3` shell gives for them. The data is generated on first use into
 * `bench/data/hybrid/` (git-ignored) with the `sqlite3` shell (`WITH RECURSIVE` counters, no
 * randomness, so every machine gets the same bytes of data):
 *
 * - `orders.csv`: 100,000 rows: order_id, customer_id, amount, day; about 0.5 % of the
 *   customer_ids match no customer.
 * - `customers.db`, table `customers`: 100,000 rows: customer_id INTEGER PRIMARY KEY, name
 *   TEXT, region TEXT, score REAL.
 * - `events.db`, table `events`: 1,000,000 rows: event_id INTEGER PRIMARY KEY, customer_id
 *   INTEGER, kind TEXT, amount REAL with about 1 % NULLs, created_at TEXT.
 *
 * Idempotent: `manifest.json` records a hash of the generating scripts, and the files are
 * rebuilt only when one is missing or the scripts changed. Each file is written under a
 * temporary name and renamed.
 *
 * @module
 */
import { runSqlite3Script, sqlite3ImportAndQueryArgs } from "./raw_sqlite.ts";
import {
  buildSqliteDatabase,
  type CsvAnswer,
  ensureGeneratedData,
  parseUnquotedCsv,
  REPO_ROOT,
  SQLITE3,
  writeTextFileAtomically,
} from "./harness/mod.ts";

/** `orders.csv`, relative to the project root, as a user would type it. */
export const ORDERS_CSV = "bench/data/hybrid/orders.csv";
/** `customers.db`, relative to the project root. */
export const CUSTOMERS_DB = "bench/data/hybrid/customers.db";
/** `events.db`, relative to the project root. */
export const EVENTS_DB = "bench/data/hybrid/events.db";
/** Rows of `orders.csv` (header excluded). */
export const ORDERS_ROWS = 100_000;
/** Rows of `customers`. */
export const CUSTOMERS_ROWS = 100_000;
/** Rows of `events`. */
export const EVENTS_ROWS = 1_000_000;

/** Column definitions of the `orders` table the sqlite3 baseline imports the CSV into. */
export const ORDERS_COLUMNS = "order_id INTEGER, customer_id INTEGER, amount REAL, day TEXT";

/** Attaches `customers.db` as `crm`, read-only. */
export const ATTACH_CRM = `ATTACH '${CUSTOMERS_DB}' AS crm (TYPE SQLITE, READ_ONLY)`;
/** The CSV joined with the SQLite table, one row per region. */
export const JOIN_SQL = "SELECT c.region, sum(o.amount) AS total, count(*) AS orders " +
  `FROM '${ORDERS_CSV}' o JOIN crm.customers c ON o.customer_id = c.customer_id ` +
  "GROUP BY c.region ORDER BY c.region";
/** The same join for the sqlite3 shell, after `.import` of the CSV into `orders`. */
export const SQLITE_JOIN_SQL = "SELECT c.region, sum(o.amount) AS total, count(*) AS orders " +
  "FROM orders o JOIN customers c ON o.customer_id = c.customer_id " +
  "GROUP BY c.region ORDER BY c.region";

/** Attaches `events.db` as `ev`, read-only. */
export const ATTACH_EVENTS = `ATTACH '${EVENTS_DB}' AS ev (TYPE SQLITE, READ_ONLY)`;
/**
 * Aggregates of every column of `ev.events`: checks the bridged copy (run after the timed
 * query, from the cache), and is the timed query itself ({@link BRIDGE_SQL}).
 */
export const EVENTS_CHECK_SQL = "SELECT count(*), sum(event_id), sum(customer_id), sum(amount), " +
  "count(amount), sum(length(kind)), sum(length(created_at)) FROM ev.events, range(1)";
/**
 * `range(1)` makes the query mixed, so it runs in DuckDB and `ev.events` is bridged; it reads
 * every column, so every column is copied (the bridge copies only the columns a query uses).
 */
export const BRIDGE_SQL = EVENTS_CHECK_SQL;
/** {@link EVENTS_CHECK_SQL} for the sqlite3 shell on `events.db`. */
export const EVENTS_CHECK_SQLITE = "SELECT count(*), sum(event_id), sum(customer_id), " +
  "sum(amount), count(amount), sum(length(kind)), sum(length(created_at)) FROM events";

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

/** Writes every file, then checks the row counts; throws when one is off. */
async function generate(): Promise<void> {
  const csv = await runSqlite3Script(["-csv", "-header", ":memory:"], ORDERS_SCRIPT);
  await writeTextFileAtomically(`${REPO_ROOT}${ORDERS_CSV}`, csv);
  await buildSqliteDatabase(`${REPO_ROOT}${CUSTOMERS_DB}`, CUSTOMERS_SCRIPT);
  await buildSqliteDatabase(`${REPO_ROOT}${EVENTS_DB}`, EVENTS_SCRIPT);
  const count = async (db: string, table: string) =>
    Number(
      (await runSqlite3Script([`${REPO_ROOT}${db}`], `SELECT count(*) FROM ${table};`)).trim(),
    );
  const counts = [
    csv.trimEnd().split("\n").length - 1,
    await count(CUSTOMERS_DB, "customers"),
    await count(EVENTS_DB, "events"),
  ];
  const expected = [ORDERS_ROWS, CUSTOMERS_ROWS, EVENTS_ROWS];
  if (counts.some((value, index) => value !== expected[index])) {
    throw new Error(`generated row counts ${counts.join("/")}, expected ${expected.join("/")}`);
  }
}

/** Generates the data into `bench/data/hybrid/` unless it is already there and current. */
export async function ensureHybridData(): Promise<void> {
  await ensureGeneratedData({
    name: "hybrid bench data",
    directory: `${REPO_ROOT}bench/data/hybrid/`,
    inputs: [ORDERS_SCRIPT, CUSTOMERS_SCRIPT, EVENTS_SCRIPT],
    files: [ORDERS_CSV, CUSTOMERS_DB, EVENTS_DB].map((path) => `${REPO_ROOT}${path}`),
    generate,
  });
}

// ---- reference answers ------------------------------------------------------------------------

/**
 * `sqlite3` arguments of the join baseline on `customersCopy` (a copy of `customers.db`, which
 * it changes): import `orders.csv` into a typed `orders` table, then the join, printing CSV.
 */
export function sqliteJoinArgs(customersCopy: string): string[] {
  return sqlite3ImportAndQueryArgs(
    customersCopy,
    `${REPO_ROOT}${ORDERS_CSV}`,
    "orders",
    ORDERS_COLUMNS,
    SQLITE_JOIN_SQL,
  );
}

let referenceJoin: Promise<CsvAnswer> | undefined;

/** The answer of the join from the sqlite3 shell, on a temporary copy (computed once). */
export function sqliteJoinReference(): Promise<CsvAnswer> {
  referenceJoin ??= (async () => {
    const directory = await Deno.makeTempDir({ prefix: "noctra-bench-hybrid-" });
    try {
      const copy = `${directory}/customers.db`;
      await Deno.copyFile(`${REPO_ROOT}${CUSTOMERS_DB}`, copy);
      const out = await new Deno.Command(SQLITE3, {
        args: sqliteJoinArgs(copy),
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (!out.success) {
        throw new Error(`sqlite3 reference join failed: ${new TextDecoder().decode(out.stderr)}`);
      }
      return parseUnquotedCsv(new TextDecoder().decode(out.stdout));
    } finally {
      await Deno.remove(directory, { recursive: true });
    }
  })();
  return referenceJoin;
}

/** {@link EVENTS_CHECK_SQLITE} by the sqlite3 shell on `events.db`, one cell per column. */
export async function sqliteEventAggregates(): Promise<string[]> {
  const out = await runSqlite3Script(
    ["-csv", `${REPO_ROOT}${EVENTS_DB}`],
    `${EVENTS_CHECK_SQLITE};\n`,
  );
  return out.trim().split(",");
}
