/**
 * Hybrid engine, end to end: SQLite databases attached next to files, statements routed to
 * SQLite or DuckDB, writes into SQLite, transactions, the bridge cache, and bad input — through
 * the real CLI, with every answer that SQLite can give checked against the `sqlite3` CLI.
 *
 * The committed `fixtures/airports.sqlite` is only ever attached READ_ONLY; every write goes to a
 * copy in a temporary directory.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { type CliRun, FIXTURES, ROOT, runNoctra, type RunOptions } from "./_cli.ts";
import { runMetaCommand } from "../src/cli/meta.ts";
import type { OutputSettings } from "../src/cli/output.ts";
import type { RoutingStrategy } from "../src/engine/routing.ts";
import { Noctra } from "../src/noctra.ts";

const SQLITE3 = "/usr/bin/sqlite3";
const FIXTURE_DB = `${FIXTURES}/airports.sqlite`;
const FIXTURE_DB_SHA256 = "38d74c42bdf37aaa64a62b03a669ec005fc9c4a5635aee528e16a2fbf7942e38";
const FLIGHTS_CSV = `${FIXTURES}/flights-airport.csv`;
const FLIGHTS = "'fixtures/flights-airport.csv'";
const ATTACH_GEO = "ATTACH 'fixtures/airports.sqlite' AS geo (TYPE SQLITE, READ_ONLY)";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// ---- helpers ------------------------------------------------------------------------------

/** `--format csv -c s1 -c s2 …`. */
function csv(...statements: string[]): string[] {
  return ["--format", "csv", ...statements.flatMap((statement) => ["-c", statement])];
}

/** Runs noctra and asserts it succeeded silently; returns stdout. */
async function okRun(args: readonly string[], options: RunOptions = {}): Promise<string> {
  const run = await runNoctra(args, options);
  strictEqual(run.stderr, "", `unexpected stderr for ${args.join(" ")}`);
  strictEqual(run.code, 0);
  return run.stdout;
}

/**
 * Asserts a failed run: exit code 1, nothing on stdout beyond `stdout`, and exactly one stderr
 * line, `noctra: error: -c:1: …` (`-c[N]:1:` when several -c were given), without a stack trace,
 * matching `expected`.
 */
function assertOneError(run: CliRun, expected: string | RegExp, stdout = ""): void {
  strictEqual(run.stdout, stdout);
  strictEqual(run.code, 1, `exit code for stderr ${JSON.stringify(run.stderr)}`);
  match(run.stderr, /^noctra: error: -c(\[\d+\])?:1: [^\n]+\n$/, "exactly one error line");
  ok(!/\n\s+at /.test(run.stderr) && !run.stderr.includes("Uncaught"), "no stack trace");
  const cause = run.stderr.replace(/^noctra: error: -c(\[\d+\])?:1: /, "noctra: error: -c:1: ");
  if (typeof expected === "string") strictEqual(cause, `noctra: error: -c:1: ${expected}\n`);
  else match(cause, expected);
}

/** As runNoctra, but the process is killed after `ms`; resolves to "timeout" then. */
async function runNoctraWithin(args: readonly string[], ms: number): Promise<CliRun | "timeout"> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", `${ROOT}main.ts`, ...args],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: {
        NO_COLOR: "1",
        XDG_STATE_HOME: await Deno.makeTempDir({ prefix: "noctra-state-" }),
      },
      signal: controller.signal,
    }).output();
    if (controller.signal.aborted) return "timeout";
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A temporary directory holding a copy of the airports database as `name`. */
async function copyOfAirports(name = "w.sqlite"): Promise<{ dir: string; db: string }> {
  const dir = await Deno.makeTempDir({ prefix: "noctra-hybrid-" });
  const db = `${dir}/${name}`;
  await Deno.copyFile(FIXTURE_DB, db);
  return { dir, db };
}

/** Runs `script` through the sqlite3 CLI (stdin) on `db`; returns stdout; throws on failure. */
async function sqlite3(db: string, script: string, mode: "csv" | "list" = "list"): Promise<string> {
  const child = new Deno.Command(SQLITE3, {
    args: ["-bail", ...(mode === "csv" ? ["-csv", "-header"] : []), db],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(encoder.encode(script));
  await writer.close();
  const output = await child.output();
  if (!output.success) {
    throw new Error(`sqlite3 ${db} failed (${output.code}): ${decoder.decode(output.stderr)}`);
  }
  return decoder.decode(output.stdout);
}

/** Row count of `table` and a SHA3 of the whole database's content and schema (sqlite3 CLI). */
async function fingerprint(db: string, table: string): Promise<string> {
  return await sqlite3(db, `SELECT count(*) FROM "${table}";\n.sha3sum --schema\n`);
}

/** RFC 4180 CSV (as noctra and `sqlite3 -csv` write it, `\n` or `\r\n` rows) → rows of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\r" && text[index + 1] === "\n") continue;
    else if (char === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

function sameCell(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.trim() === "" || b.trim() === "") return false;
  const x = Number(a);
  const y = Number(b);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

/** Same header and rows; numbers compared numerically (relative 1e-9), the rest as text. */
function assertSameRows(actual: string[][], expected: string[][], context: string): void {
  const same = actual.length === expected.length &&
    actual.every((row, r) =>
      row.length === expected[r]!.length && row.every((cell, c) => sameCell(cell, expected[r]![c]!))
    );
  if (!same) deepStrictEqual(actual, expected, context);
}

/** The airports database plus `flights` imported from the CSV, for cross-checks in sqlite3. */
let referenceDb: Promise<string> | undefined;
function referenceDatabase(): Promise<string> {
  referenceDb ??= (async () => {
    const { db } = await copyOfAirports("reference.sqlite");
    await sqlite3(
      db,
      "CREATE TABLE flights (origin TEXT, destination TEXT, count INTEGER);\n" +
        `.import --csv --skip 1 ${FLIGHTS_CSV} flights\n`,
    );
    strictEqual(await sqlite3(db, "SELECT count(*), sum(count) FROM flights;"), "5366|7009728\n");
    return db;
  })();
  return referenceDb;
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

// ---- 1. sources, tables, DESCRIBE ---------------------------------------------------------

Deno.test("ATTACH READ_ONLY; SHOW SOURCES, SHOW TABLES, DESCRIBE of a table, a view, a file", async () => {
  const stdout = await okRun(csv(
    ATTACH_GEO,
    "USE 'fixtures/penguins.parquet' AS p",
    "SHOW SOURCES",
    "SHOW TABLES FROM geo",
    "SHOW TABLES",
    "DESCRIBE geo.airports",
    "DESCRIBE p",
    "DESCRIBE 'fixtures/penguins.parquet'",
  ));
  const penguinColumns = "column_name,column_type,null\n" +
    "Species,VARCHAR,YES\nIsland,VARCHAR,YES\nBeak Length (mm),DOUBLE,YES\n" +
    "Beak Depth (mm),DOUBLE,YES\nFlipper Length (mm),BIGINT,YES\nBody Mass (g),BIGINT,YES\n" +
    "Sex,VARCHAR,YES\n";
  strictEqual(
    stdout,
    "alias,kind,path,engine,read_only,status\n" +
      `p,parquet,${ROOT}fixtures/penguins.parquet,duckdb,false,ok\n` +
      `geo,sqlite,${ROOT}fixtures/airports.sqlite,sqlite,true,ok\n` +
      "source,name,type\ngeo,airports,table\n" +
      "source,name,type\nduckdb,p,view\ngeo,airports,table\n" +
      // Declared types as SQLite reports them; only `name` is NOT NULL (a TEXT PRIMARY KEY
      // allows NULL in SQLite).
      "column_name,column_type,null\n" +
      "iata,TEXT,YES\nname,TEXT,NO\ncity,TEXT,YES\nstate,TEXT,YES\ncountry,TEXT,YES\n" +
      "latitude,REAL,YES\nlongitude,REAL,YES\n" +
      penguinColumns + penguinColumns,
  );
});

// ---- 2. native SQLite SELECT and bridged cross-source JOIN, checked against sqlite3 ----------

/** Queries written once: `f` is the flights relation, `a` the airports table. */
const CROSS_CHECKS: { name: string; sql: (f: string, a: string) => string }[] = [
  {
    name: "airports per state (geo only)",
    sql: (_f, a) =>
      `SELECT state, count(*) AS airports, avg(latitude) AS mean_latitude FROM ${a} ` +
      "WHERE country = 'USA' GROUP BY state ORDER BY airports DESC, state LIMIT 5",
  },
  {
    name: "flights per origin state, top 5",
    sql: (f, a) =>
      `SELECT a.state AS state, sum(fl.count) AS flights FROM ${f} fl JOIN ${a} a ` +
      "ON a.iata = fl.origin GROUP BY a.state ORDER BY flights DESC, a.state LIMIT 5",
  },
  {
    name: "flights out of Washington (a pushed-down filter)",
    sql: (f, a) =>
      `SELECT sum(fl.count) AS flights, count(*) AS routes FROM ${f} fl JOIN ${a} a ` +
      "ON a.iata = fl.origin WHERE a.state = 'WA'",
  },
  {
    name: "interstate flights (the table joined twice)",
    sql: (f, a) =>
      `SELECT sum(fl.count) AS flights, count(*) AS routes FROM ${f} fl ` +
      `JOIN ${a} a ON a.iata = fl.origin JOIN ${a} b ON b.iata = fl.destination ` +
      "WHERE a.state <> b.state",
  },
  {
    name: "busiest destinations from SEA with coordinates (REAL values)",
    sql: (f, a) =>
      `SELECT fl.destination AS destination, b.city AS city, b.latitude AS latitude, ` +
      `b.longitude AS longitude, fl.count AS flights FROM ${f} fl JOIN ${a} b ` +
      "ON b.iata = fl.destination WHERE fl.origin = 'SEA' ORDER BY fl.count DESC, 1 LIMIT 5",
  },
];

Deno.test("a geo-only SELECT and cross-source JOINs give sqlite3's answers", async () => {
  const reference = await referenceDatabase();
  const queries = CROSS_CHECKS.map((check) => check.sql(FLIGHTS, "geo.airports"));
  const stdout = await okRun(csv(ATTACH_GEO, ...queries));
  // Each result is as long as sqlite3's answer to the same query: split the output so.
  const blocks: string[][][] = [];
  let rest = parseCsv(stdout);
  for (const check of CROSS_CHECKS) {
    const expected = parseCsv(
      await sqlite3(reference, `${check.sql("flights", "airports")};\n`, "csv"),
    );
    const block = rest.slice(0, expected.length);
    rest = rest.slice(expected.length);
    blocks.push(block);
    assertSameRows(block, expected, check.name);
  }
  deepStrictEqual(rest, [], "no extra output");
  // The exact top 5, as a literal too.
  deepStrictEqual(blocks[1], [
    ["state", "flights"],
    ["CA", "824597"],
    ["TX", "747650"],
    ["FL", "466998"],
    ["IL", "461237"],
    ["GA", "435781"],
  ]);
  deepStrictEqual(blocks[2], [["flights", "routes"], ["127630", "80"]]);
  deepStrictEqual(blocks[3], [["flights", "routes"], ["6085594", "4794"]]);
});

Deno.test("a geo-only SELECT runs in SQLite, a JOIN with a file in DuckDB", async () => {
  const stdout = await okRun(csv(
    ATTACH_GEO,
    // typeof() names SQLite's storage classes in lower case, DuckDB's types in upper case.
    "SELECT typeof(count(*)) AS t, typeof(sum(latitude)) AS s FROM geo.airports",
    `SELECT typeof(sum(f.count)) AS t FROM ${FLIGHTS} f JOIN geo.airports a ON a.iata = f.origin`,
  ));
  strictEqual(stdout, "t,s\ninteger,real\nt\nHUGEINT\n");
});

// ---- 3. USE of a database, ATTACH of a missing file, CREATE ---------------------------------

Deno.test("USE 'x.sqlite' AS alias attaches the database (writable) like ATTACH", async () => {
  const { dir, db } = await copyOfAirports("x.sqlite");
  const stdout = await okRun(
    csv(
      "USE 'x.sqlite' AS xs",
      "SHOW SOURCES",
      "SHOW TABLES FROM xs",
      "DELETE FROM xs.airports WHERE state = 'WA'",
      "SELECT count(*) AS n FROM xs.airports",
      `SELECT count(*) AS routes FROM '${FLIGHTS_CSV}' f JOIN xs.airports a ON a.iata = f.origin`,
    ),
    { cwd: dir },
  );
  strictEqual(
    stdout,
    "alias,kind,path,engine,read_only,status\n" +
      `xs,sqlite,${db},sqlite,false,ok\n` +
      "source,name,type\nxs,airports,table\n" +
      "n\n3311\n" +
      // 5366 routes, 80 of them from Washington.
      "routes\n5286\n",
  );
  strictEqual(await sqlite3(db, "SELECT count(*) FROM airports WHERE state = 'WA';"), "0\n");
});

Deno.test("ATTACH of a missing file says how to create it; (TYPE SQLITE, CREATE) creates it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-create-" });
  const db = `${dir}/new.sqlite`;
  assertOneError(
    await runNoctra(csv("ATTACH 'new.sqlite' AS fresh"), { cwd: dir }),
    "ATTACH 'new.sqlite': no such file; to create a new SQLite database write " +
      "ATTACH 'new.sqlite' AS fresh (TYPE SQLITE, CREATE)",
  );
  assertOneError(
    await runNoctra(csv("ATTACH 'new.sqlite' AS fresh (TYPE SQLITE)"), { cwd: dir }),
    `ATTACH '${db}' AS fresh: no such file; to create a new database write ` +
      `ATTACH '${db}' AS fresh (TYPE SQLITE, CREATE)`,
  );
  deepStrictEqual(await Array.fromAsync(Deno.readDir(dir)), [], "a failed ATTACH creates nothing");

  const stdout = await okRun(
    csv(
      "ATTACH 'new.sqlite' AS fresh (TYPE SQLITE, CREATE)",
      "SHOW TABLES FROM fresh",
      `CREATE TABLE fresh.t AS SELECT * FROM '${FLIGHTS_CSV}'`,
      "SELECT count(*) AS n, sum(count) AS total FROM fresh.t",
      "DESCRIBE fresh.t",
    ),
    { cwd: dir },
  );
  strictEqual(
    stdout,
    "source,name,type\n" +
      "n,total\n5366,7009728\n" +
      "column_name,column_type,null\norigin,TEXT,YES\ndestination,TEXT,YES\ncount,INTEGER,YES\n",
  );
  // The noctra process has exited: the rows are in the file, as sqlite3 sees it.
  strictEqual(
    await sqlite3(db, ".schema t\n"),
    'CREATE TABLE IF NOT EXISTS "t" ("origin" TEXT, "destination" TEXT, "count" INTEGER);\n',
  );
  const check = `${dir}/check.sqlite`;
  await Deno.copyFile(db, check);
  strictEqual(
    await sqlite3(
      check,
      "CREATE TABLE src (origin TEXT, destination TEXT, count INTEGER);\n" +
        `.import --csv --skip 1 ${FLIGHTS_CSV} src\n` +
        "SELECT count(*) FROM (SELECT * FROM t EXCEPT SELECT * FROM src);\n" +
        "SELECT count(*) FROM (SELECT * FROM src EXCEPT SELECT * FROM t);\n" +
        "SELECT typeof(count), count(*) FROM t GROUP BY 1;\n",
    ),
    "0\n0\ninteger|5366\n",
  );
});

// ---- 4. writes persist ------------------------------------------------------------------------

Deno.test("INSERT/UPDATE/DELETE/CREATE/DROP run in SQLite and persist; INSERT … SELECT FROM a CSV streams rows in", async () => {
  const { db } = await copyOfAirports();
  const stdout = await okRun(csv(
    `ATTACH '${db}' AS w`,
    "CREATE TABLE w.visits (iata TEXT NOT NULL, n INTEGER)",
    "INSERT INTO w.visits VALUES ('SEA', 1), ('PDX', 2), ('LAX', 3)",
    "UPDATE w.visits SET n = n + 10 WHERE iata = 'SEA'",
    "DELETE FROM w.visits WHERE iata = 'LAX'",
    "DELETE FROM w.airports WHERE state = 'CA'",
    "CREATE TABLE w.scratch (x INTEGER)",
    "DROP TABLE w.scratch",
    "CREATE TABLE w.routes (origin TEXT, destination TEXT, n INTEGER)",
    `INSERT INTO w.routes SELECT origin, destination, count FROM ${FLIGHTS}`,
    "INSERT INTO w.routes (origin, destination) SELECT iata, 'XXX' FROM 'fixtures/airports.csv' " +
      "WHERE state = 'WA'",
    "SELECT iata, n FROM w.visits ORDER BY iata",
    "SHOW TABLES FROM w",
    "SELECT count(*) AS routes, sum(n) AS flights FROM w.routes",
  ));
  strictEqual(
    stdout,
    "iata,n\nPDX,2\nSEA,11\n" +
      "source,name,type\nw,airports,table\nw,routes,table\nw,visits,table\n" +
      "routes,flights\n5431,7009728\n",
  );
  strictEqual(
    await sqlite3(
      db,
      "SELECT count(*) FROM airports;\n" +
        "SELECT iata, n FROM visits ORDER BY iata;\n" +
        "SELECT count(*), count(n), sum(n) FROM routes;\n" +
        "SELECT count(*) FROM routes WHERE destination = 'XXX' AND n IS NULL;\n" +
        "SELECT group_concat(name, ',') FROM " +
        "(SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name);\n",
    ),
    "3171\nPDX|2\nSEA|11\n5431|5366|7009728\n65\nairports,routes,visits\n",
  );
});

// ---- 5. failure injection: a row failing part-way leaves the database unchanged -------------

Deno.test("an INSERT … SELECT whose rows fail part-way leaves the database unchanged", async () => {
  const { db } = await copyOfAirports();
  await sqlite3(
    db,
    "CREATE TABLE routes (origin TEXT NOT NULL, destination TEXT NOT NULL, n INTEGER NOT NULL, " +
      "PRIMARY KEY (origin, destination));\n" +
      "INSERT INTO routes VALUES ('AAA', 'BBB', 1), ('CCC', 'DDD', 2), ('EEE', 'FFF', 3);\n" +
      "CREATE TABLE totals (origin TEXT, v INTEGER);\n",
  );
  const before = await fingerprint(db, "routes");
  const attach = `ATTACH '${db}' AS w`;
  // ORD→SEA is data row 3918 of the CSV; SEA→ORD is row 4698.
  const cases: { sql: string; error: string }[] = [
    {
      sql: "INSERT INTO w.routes SELECT origin, destination, " +
        `CASE WHEN origin = 'ORD' AND destination = 'SEA' THEN NULL ELSE count END FROM ${FLIGHTS}`,
      error: "INSERT INTO w.routes: row 3918 ('ORD', 'SEA', NULL) was refused: " +
        "NOT NULL constraint failed: routes.n; nothing was written",
    },
    {
      sql: "INSERT INTO w.routes SELECT origin, " +
        "CASE WHEN origin = 'ORD' AND destination = 'SEA' THEN 'ATL' ELSE destination END, count " +
        `FROM ${FLIGHTS}`,
      error: "INSERT INTO w.routes: row 3918 ('ORD', 'ATL', 4802) was refused: " +
        "UNIQUE constraint failed: routes.origin, routes.destination; nothing was written",
    },
    {
      sql: "INSERT INTO w.totals SELECT origin, CASE WHEN origin = 'SEA' AND destination = 'ORD' " +
        `THEN 170141183460469231731687303715884105727::HUGEINT ELSE count::HUGEINT END FROM ${FLIGHTS}`,
      error: "column v, row 4698: 170141183460469231731687303715884105727 does not fit SQLite's " +
        "64-bit INTEGER; cast it to DOUBLE or VARCHAR; nothing was written",
    },
    {
      sql:
        "CREATE TABLE w.huge AS SELECT origin, CASE WHEN origin = 'SEA' AND destination = 'ORD' " +
        `THEN 170141183460469231731687303715884105727::HUGEINT ELSE count::HUGEINT END AS v FROM ${FLIGHTS}`,
      error: "column v, row 4698: 170141183460469231731687303715884105727 does not fit SQLite's " +
        "64-bit INTEGER; cast it to DOUBLE or VARCHAR; nothing was written",
    },
  ];
  for (const { sql, error } of cases) {
    assertOneError(await runNoctra(csv(attach, sql)), error);
    strictEqual(await fingerprint(db, "routes"), before, `database changed by: ${sql}`);
  }
  strictEqual(await sqlite3(db, "SELECT count(*) FROM totals;"), "0\n");
  strictEqual(
    await sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name = 'huge';"),
    "0\n",
    "the failed CREATE TABLE … AS left no table",
  );
});

// ---- 6. transactions ----------------------------------------------------------------------------

Deno.test("BEGIN … ROLLBACK undoes, BEGIN … COMMIT persists (native and streamed writes)", async () => {
  const { db } = await copyOfAirports();
  await sqlite3(db, "CREATE TABLE routes (origin TEXT, destination TEXT, n INTEGER NOT NULL);\n");
  const waRoutes =
    `SELECT count(*) AS n FROM ${FLIGHTS} f JOIN w.airports a ON a.iata = f.origin ` +
    "WHERE a.state = 'WA'";
  const stdout = await okRun(csv(
    `ATTACH '${db}' AS w`,
    "BEGIN",
    "DELETE FROM w.airports",
    "SELECT count(*) AS n FROM w.airports",
    waRoutes, // the bridge reads inside the open transaction
    `INSERT INTO w.routes SELECT origin, destination, count FROM ${FLIGHTS} WHERE origin = 'SEA'`,
    "SELECT count(*) AS n FROM w.routes",
    "ROLLBACK",
    "SELECT count(*) AS n FROM w.airports",
    waRoutes,
    "SELECT count(*) AS n FROM w.routes",
    "BEGIN; INSERT INTO w.airports (iata, name, state) VALUES ('ZZZ', 'Test Field', 'WA')",
    `INSERT INTO w.routes SELECT origin, destination, count FROM ${FLIGHTS} WHERE origin = 'PDX'`,
    "COMMIT",
    "SELECT count(*) AS n FROM w.airports",
  ));
  strictEqual(stdout, "n\n0\nn\n0\nn\n56\nn\n3376\nn\n80\nn\n0\nn\n3377\n");
  strictEqual(
    await sqlite3(
      db,
      "SELECT name, state FROM airports WHERE iata = 'ZZZ';\n" +
        "SELECT count(*), sum(n) FROM routes;\nSELECT DISTINCT origin FROM routes;\n",
    ),
    "Test Field|WA\n45|57860\nPDX\n",
  );
});

Deno.test("a failing streamed INSERT inside a transaction: earlier writes stay, COMMIT persists them", async () => {
  const { db } = await copyOfAirports();
  await sqlite3(db, "CREATE TABLE routes (origin TEXT, destination TEXT, n INTEGER NOT NULL);\n");
  const script = "BEGIN; INSERT INTO w.routes VALUES ('AAA', 'BBB', 1); " +
    "INSERT INTO w.routes SELECT origin, destination, " +
    `CASE WHEN destination = 'ORD' THEN NULL ELSE count END FROM ${FLIGHTS} WHERE origin = 'SEA'; ` +
    "COMMIT; SELECT count(*) AS n FROM w.routes";
  const error = "INSERT INTO w.routes: row 42 ('SEA', 'ORD', NULL) was refused: NOT NULL " +
    "constraint failed: routes.n; nothing was written";
  // Without --continue-on-error the script stops before COMMIT; the process ends with the
  // transaction open, so nothing is committed.
  assertOneError(await runNoctra(csv(`ATTACH '${db}' AS w`, script)), error);
  strictEqual(await sqlite3(db, "SELECT count(*) FROM routes;"), "0\n");
  // With it, COMMIT runs: the first INSERT persists, the failed one left nothing behind.
  assertOneError(
    await runNoctra(["--continue-on-error", ...csv(`ATTACH '${db}' AS w`, script)]),
    error,
    "n\n1\n",
  );
  strictEqual(await sqlite3(db, "SELECT origin, destination, n FROM routes;"), "AAA|BBB|1\n");
});

// ---- 7. bad input -------------------------------------------------------------------------------

Deno.test("bad input: a file that is not a SQLite database, attached with TYPE SQLITE", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-notdb-" });
  await Deno.copyFile(`${FIXTURES}/airports.csv`, `${dir}/x.db`);
  const run = await runNoctra(csv("ATTACH 'x.db' AS x (TYPE SQLITE)"), { cwd: dir });
  // The line must name the input file, not only the alias.
  assertOneError(run, /x\.db.*not a SQLite database/);
});

Deno.test("bad input: a truncated SQLite file names the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-trunc-" });
  const bytes = await Deno.readFile(FIXTURE_DB);
  await Deno.writeFile(`${dir}/cut.sqlite`, bytes.subarray(0, 5000));
  const run = await runNoctra(
    csv("ATTACH 'cut.sqlite' AS cut (TYPE SQLITE)", "SELECT count(*) FROM cut.airports"),
    { cwd: dir },
  );
  assertOneError(run, /cut\.sqlite.*malformed/);
});

/** Starts `sqlite3 db` holding `BEGIN EXCLUSIVE`; resolves once the lock is held. */
async function holdExclusiveLock(db: string): Promise<() => Promise<void>> {
  const child = new Deno.Command(SQLITE3, {
    args: ["-bail", db],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  const reader = child.stdout.getReader();
  const release = async () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await writer.close().catch(() => {});
    await reader.cancel().catch(() => {});
    await child.status;
  };
  try {
    await writer.write(encoder.encode("BEGIN EXCLUSIVE;\nSELECT 'holding';\n"));
    let seen = "";
    while (!seen.includes("holding")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`sqlite3 could not lock ${db}`);
      seen += decoder.decode(value);
    }
  } catch (error) {
    await release();
    throw error;
  }
  return release;
}

Deno.test("bad input: a locked database fails after the busy timeout (2000 ms) with 'locked'", async () => {
  const locked = "SQLite database w is locked by another connection (waited 2000 ms); " +
    "try again when the other writer has finished";
  // WAL: the holder's exclusive lock still lets noctra attach and read; the write must wait.
  const wal = await copyOfAirports();
  strictEqual(await sqlite3(wal.db, "PRAGMA journal_mode = WAL;"), "wal\n");
  // Rollback journal: the exclusive lock blocks even reading the schema at ATTACH.
  const journal = await copyOfAirports();
  const releases = [await holdExclusiveLock(wal.db), await holdExclusiveLock(journal.db)];
  try {
    const timed = async (args: string[]) => {
      const started = performance.now();
      const run = await runNoctra(args);
      return { run, elapsed: performance.now() - started };
    };
    const [write, attach] = await Promise.all([
      timed(csv(
        `ATTACH '${wal.db}' AS w`,
        "SELECT count(*) AS n FROM w.airports",
        "DELETE FROM w.airports WHERE iata = 'SEA'",
      )),
      timed(csv(`ATTACH '${journal.db}' AS w`)),
    ]);
    assertOneError(write.run, locked, "n\n3376\n");
    assertOneError(attach.run, `ATTACH '${journal.db}' AS w: ${locked}`);
    // The message says 2000 ms: the wait must be about that long, not SQLite's or Deno's own
    // default (process start-up is well under a second here).
    for (const { elapsed } of [write, attach]) {
      ok(elapsed >= 2000, `waited only ${elapsed.toFixed(0)} ms`);
      ok(elapsed < 4900, `waited ${elapsed.toFixed(0)} ms for a 2000 ms busy timeout`);
    }
  } finally {
    for (const release of releases) await release();
  }
  strictEqual(await sqlite3(wal.db, "SELECT count(*) FROM airports;"), "3376\n");
});

Deno.test("bad input: writes to a READ_ONLY attachment are refused", async () => {
  const refused = "geo is attached READ_ONLY: writes are refused; DETACH geo and ATTACH it " +
    "without READ_ONLY to write";
  for (
    const sql of [
      "DELETE FROM geo.airports",
      "UPDATE geo.airports SET name = 'x'",
      "INSERT INTO geo.airports (iata, name) VALUES ('ZZZ', 'Z')",
      `INSERT INTO geo.airports (iata, name) SELECT origin, origin FROM ${FLIGHTS}`,
      `CREATE TABLE geo.t AS SELECT * FROM ${FLIGHTS}`,
      "DROP TABLE geo.airports",
    ]
  ) {
    assertOneError(await runNoctra(csv(ATTACH_GEO, sql)), refused);
  }
  strictEqual(await sha256(FIXTURE_DB), FIXTURE_DB_SHA256);
});

Deno.test("bad input: unknown aliases, unknown tables, DETACH of an unknown alias", async () => {
  const cases: { statements: string[]; error: string }[] = [
    {
      statements: [ATTACH_GEO, "DETACH nope"],
      error: "DETACH nope: no source named nope; SHOW SOURCES lists them",
    },
    {
      statements: [ATTACH_GEO, "DETACH geo", "DETACH geo"],
      error: "DETACH geo: no source named geo; SHOW SOURCES lists them",
    },
    {
      statements: [ATTACH_GEO, "SELECT * FROM nope.airports"],
      error: 'Catalog Error: Table with name "nope.airports" does not exist because schema ' +
        '"nope" does not exist. (line 1, column 15)',
    },
    {
      statements: [ATTACH_GEO, "SHOW TABLES FROM nope"],
      error: "SHOW TABLES FROM nope: no SQLite attachment named nope; SHOW SOURCES lists them",
    },
    {
      statements: [ATTACH_GEO, "CLEAR CACHE nope"],
      error: "CLEAR CACHE nope: no SQLite attachment named nope",
    },
    {
      statements: [ATTACH_GEO, "SELECT * FROM geo.nope"],
      error: "SQLite (geo): no such table: geo.nope",
    },
    {
      statements: [ATTACH_GEO, `SELECT * FROM geo.nope JOIN ${FLIGHTS} f ON true`],
      error: "geo.nope: no such table in geo (SHOW TABLES FROM geo)",
    },
    {
      statements: [ATTACH_GEO, "DESCRIBE geo.nope"],
      error: "DESCRIBE geo.nope: geo has no table or view named nope",
    },
  ];
  for (const { statements, error } of cases) {
    assertOneError(await runNoctra(csv(...statements)), error);
  }
  // DETACH IF EXISTS of an unknown alias is not an error.
  strictEqual(await okRun(csv(ATTACH_GEO, "DETACH IF EXISTS nope", "SELECT 1 AS x")), "x\n1\n");
});

Deno.test("bad input: a SQLite value that does not fit its column's type when bridged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-badvalue-" });
  const db = `${dir}/bad.sqlite`;
  await sqlite3(
    db,
    "CREATE TABLE t (n INTEGER, code TEXT);\n" +
      "INSERT INTO t VALUES (1, 'ATL'), ('abc', 'SEA'), (3, 'ORD');\n",
  );
  // Natively, SQLite returns the value as it is stored.
  strictEqual(await okRun(csv(`ATTACH '${db}' AS b`, "SELECT n FROM b.t")), "n\n1\nabc\n3\n");
  assertOneError(
    await runNoctra(csv(
      `ATTACH '${db}' AS b`,
      `SELECT t.n, f.count FROM b.t JOIN ${FLIGHTS} f ON f.origin = t.code`,
    )),
    "bridge of b.t: column n (INTEGER) holds 'abc' at row 2, which is not a BIGINT",
  );
});

// ---- 8. forcing an engine -------------------------------------------------------------------

Deno.test("--engine duckdb bridges a geo-only query and gives the same answer", async () => {
  const query = CROSS_CHECKS[0]!.sql(FLIGHTS, "geo.airports");
  const typeQuery = "SELECT typeof(count(*)) AS t FROM geo.airports";
  const hybrid = await okRun(csv(ATTACH_GEO, query, typeQuery));
  const duckdb = await okRun(["--engine", "duckdb", ...csv(ATTACH_GEO, query, typeQuery)]);
  const hybridRows = parseCsv(hybrid);
  const duckdbRows = parseCsv(duckdb);
  assertSameRows(duckdbRows.slice(0, 6), hybridRows.slice(0, 6), "same answer");
  deepStrictEqual(hybridRows.slice(6), [["t"], ["integer"]], "hybrid runs it in SQLite");
  deepStrictEqual(duckdbRows.slice(6), [["t"], ["BIGINT"]], "--engine duckdb runs it in DuckDB");
});

Deno.test("--engine sqlite runs geo-only queries natively and refuses joins with a CSV", async () => {
  const run = await runNoctra([
    "--engine",
    "sqlite",
    ...csv(
      ATTACH_GEO,
      "SELECT typeof(count(*)) AS t, count(*) AS n FROM geo.airports",
      `SELECT count(*) FROM ${FLIGHTS} f JOIN geo.airports a ON a.iata = f.origin`,
    ),
  ]);
  assertOneError(
    run,
    "--engine sqlite: this query reads files or several databases, which only DuckDB can join; " +
      "switch with :engine hybrid",
    "t,n\ninteger,3376\n",
  );
});

Deno.test("--engine sqlite refuses a query that reads only a CSV with a clear error", async () => {
  const run = await runNoctra([
    "--engine",
    "sqlite",
    ...csv(ATTACH_GEO, `SELECT count(*) FROM ${FLIGHTS}`),
  ]);
  assertOneError(run, /--engine sqlite: .*reads files/);
});

Deno.test(":engine shows and switches the strategy (runMetaCommand unit)", () => {
  const settings: OutputSettings = { format: "table", maxRows: 40, timer: false };
  const engine: { strategy: RoutingStrategy } = { strategy: "auto" };
  deepStrictEqual(runMetaCommand(":engine", settings, engine), {
    kind: "reply",
    text: "engine: hybrid",
  });
  deepStrictEqual(runMetaCommand(":engine duckdb", settings, engine), {
    kind: "reply",
    text: "engine: duckdb",
  });
  strictEqual(engine.strategy, "duckdb");
  deepStrictEqual(runMetaCommand("  :ENGINE SQLite;  ", settings, engine), {
    kind: "reply",
    text: "engine: sqlite",
  });
  strictEqual(engine.strategy, "sqlite");
  deepStrictEqual(runMetaCommand(".engine auto", settings, engine), {
    kind: "reply",
    text: "engine: hybrid",
  });
  strictEqual(engine.strategy, "auto");
  deepStrictEqual(runMetaCommand(":engine postgres", settings, engine), {
    kind: "reply",
    text: ":engine postgres: unknown engine; choose one of hybrid, duckdb, sqlite",
  });
  strictEqual(engine.strategy, "auto", "an unknown engine changes nothing");
  deepStrictEqual(runMetaCommand(":engine", settings), {
    kind: "reply",
    text: ":engine: no engine in this session",
  });
  deepStrictEqual(settings, { format: "table", maxRows: 40, timer: false });
});

Deno.test(":engine switches a live session's routing", async () => {
  const noctra = await Noctra.open({ registryPath: false });
  try {
    const settings: OutputSettings = { format: "csv", maxRows: 0, timer: false };
    await noctra.execute(`ATTACH '${FIXTURE_DB}' AS geo (TYPE SQLITE, READ_ONLY)`);
    const typeOfCount = async () => {
      const rows = await Array.fromAsync(
        noctra.rows("SELECT typeof(count(*)) AS t FROM geo.airports"),
      );
      return rows[0]?.t;
    };
    strictEqual(await typeOfCount(), "integer");
    runMetaCommand(":engine duckdb", settings, noctra.engine);
    strictEqual(noctra.engine.strategy, "duckdb");
    strictEqual(await typeOfCount(), "BIGINT");
    runMetaCommand(":engine hybrid", settings, noctra.engine);
    strictEqual(await typeOfCount(), "integer");
  } finally {
    noctra.close();
  }
});

// ---- 9. the bridge cache ----------------------------------------------------------------------

Deno.test("a large bridged table is cached, invalidated by a write, and CLEAR CACHE empties it", async () => {
  const { db } = await copyOfAirports();
  await sqlite3(
    db,
    "CREATE TABLE big (id INTEGER PRIMARY KEY, origin TEXT NOT NULL);\n" +
      "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20000) " +
      "INSERT INTO big SELECT i, CASE i % 4 WHEN 0 THEN 'ATL' WHEN 1 THEN 'SEA' " +
      "WHEN 2 THEN 'ORD' ELSE 'ZZZ' END FROM s;\n",
  );
  const join = `SELECT count(*) AS n, sum(f.count) AS s FROM w.big b JOIN ${FLIGHTS} f ` +
    "ON f.origin = b.origin AND f.destination = 'DEN'";
  const small =
    `SELECT count(*) AS routes FROM w.airports a JOIN ${FLIGHTS} f ON f.origin = a.iata`;
  const stdout = await okRun(csv(
    `ATTACH '${db}' AS w`,
    "SHOW CACHE",
    small, // 3376 rows: below the 10,000-row threshold, read in place, not cached
    join,
    "SHOW CACHE",
    join,
    "SHOW CACHE",
    "INSERT INTO w.big VALUES (20001, 'LAX')",
    join,
    "SHOW CACHE",
    "CLEAR CACHE",
    "SHOW CACHE",
    join,
    "CLEAR CACHE w",
    "SHOW CACHE",
  ));
  const lines = stdout.split("\n");
  const cacheHeader = "alias,table,rows,loaded_at";
  const cacheRow = (line: string | undefined) => {
    const [alias, table, rows, loadedAt = ""] = (line ?? "").split(",");
    match(loadedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    return { entry: [alias, table, rows], loadedAt };
  };
  deepStrictEqual(lines.slice(0, 7), [
    cacheHeader,
    "routes",
    "5366",
    "n,s",
    "15000,90610000", // ATL, SEA, ORD → DEN: 5000 × (5726 + 6623 + 5773)
    cacheHeader,
    lines[6],
  ]);
  const first = cacheRow(lines[6]);
  deepStrictEqual(first.entry, ["w", "big", "20000"]);
  deepStrictEqual(lines.slice(7, 10), ["n,s", "15000,90610000", cacheHeader]);
  const second = cacheRow(lines[10]);
  deepStrictEqual(second, first, "the second join reused the cached copy");
  deepStrictEqual(lines.slice(11, 14), ["n,s", "15001,90618894", cacheHeader], "sees the new row");
  const third = cacheRow(lines[14]);
  deepStrictEqual(third.entry, ["w", "big", "20001"]);
  ok(third.loadedAt >= first.loadedAt);
  deepStrictEqual(lines.slice(15), [cacheHeader, "n,s", "15001,90618894", cacheHeader, ""]);
});

// ---- bridged queries must not lose columns or rows --------------------------------------------

Deno.test("JOIN … USING and NATURAL JOIN see the bridged table's join columns", async () => {
  const renamed = `(SELECT origin AS iata, count FROM ${FLIGHTS})`;
  const stdout = await okRun(csv(
    ATTACH_GEO,
    `SELECT count(*) AS n FROM ${renamed} f JOIN geo.airports a ON a.iata = f.iata`,
    `SELECT count(*) AS n FROM ${renamed} f JOIN geo.airports a USING (iata)`,
    `SELECT count(*) AS n FROM ${renamed} f NATURAL JOIN geo.airports a`,
  ));
  strictEqual(stdout, "n\n5366\nn\n5366\nn\n5366\n");
});

Deno.test("a whole-row reference to a bridged table carries every column", async () => {
  const query = (airports: string) =>
    `SELECT a FROM ${airports} a JOIN ${FLIGHTS} f ON f.origin = a.iata ` +
    "ORDER BY f.count DESC LIMIT 1";
  const fromCsv = await okRun(csv(query("'fixtures/airports.csv'")));
  strictEqual(
    fromCsv,
    "a\n\"{'iata': SFO, 'name': San Francisco International, 'city': San Francisco, " +
      "'state': CA, 'country': USA, 'latitude': 37.61900194, 'longitude': -122.3748433}\"\n",
  );
  strictEqual(await okRun(csv(ATTACH_GEO, query("geo.airports"))), fromCsv);
});

Deno.test("pushing a filter into SQLite does not change a bridged query's answer (NOCASE column)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-nocase-" });
  const db = `${dir}/codes.sqlite`;
  await sqlite3(
    db,
    "CREATE TABLE codes (code TEXT COLLATE NOCASE);\n" +
      "INSERT INTO codes VALUES ('SEA'), ('sea'), ('LAX'), ('lax');\n",
  );
  const query = (where: string) =>
    `SELECT c.code FROM c.codes c JOIN ${FLIGHTS} f ON f.origin = c.code ` +
    `AND f.destination = 'DEN' WHERE ${where} ORDER BY c.code`;
  const stdout = await okRun(csv(
    `ATTACH '${db}' AS c`,
    query("(c.code <> 'sea') IS TRUE"), // not pushable: DuckDB's (binary) comparison
    query("c.code <> 'sea'"), // pushable
  ));
  strictEqual(stdout, "code\nLAX\nSEA\ncode\nLAX\nSEA\n");
});

// ---- writes and reads the router must not get wrong ----------------------------------------

/** A copy of the airports database with `routes` seeded with one SEA→ORD row. */
async function routesDb(): Promise<string> {
  const { db } = await copyOfAirports();
  await sqlite3(
    db,
    "CREATE TABLE routes (origin TEXT, destination TEXT, n INTEGER, " +
      "PRIMARY KEY (origin, destination));\nINSERT INTO routes VALUES ('SEA', 'ORD', 1);\n",
  );
  return db;
}

Deno.test("INSERT OR REPLACE … SELECT FROM a CSV replaces conflicting rows", async () => {
  const db = await routesDb();
  await okRun(csv(
    `ATTACH '${db}' AS w`,
    "INSERT OR REPLACE INTO w.routes SELECT origin, destination, count FROM " +
      `${FLIGHTS} WHERE origin = 'SEA'`,
  ));
  strictEqual(
    await sqlite3(
      db,
      "SELECT count(*) FROM routes;\nSELECT n FROM routes WHERE destination = 'ORD';",
    ),
    "56\n4608\n",
  );
});

Deno.test("INSERT … SELECT FROM a CSV … ON CONFLICT DO NOTHING skips conflicting rows", async () => {
  const db = await routesDb();
  await okRun(csv(
    `ATTACH '${db}' AS w`,
    "INSERT INTO w.routes SELECT origin, destination, count FROM " +
      `${FLIGHTS} WHERE origin = 'SEA' ON CONFLICT DO NOTHING`,
  ));
  strictEqual(
    await sqlite3(
      db,
      "SELECT count(*) FROM routes;\nSELECT n FROM routes WHERE destination = 'ORD';",
    ),
    "56\n1\n",
  );
});

Deno.test("writes to a SQLite table written in DuckDB-only syntax never succeed without writing", async () => {
  // Each either writes to the database file, or fails with one line and leaves it unchanged —
  // never exit 0 with the rows gone to DuckDB's in-memory shadow of the table.
  const cases: { sql: string; written: string }[] = [
    {
      sql: `WITH pdx AS (SELECT origin, destination, count FROM ${FLIGHTS} WHERE origin = 'PDX') ` +
        "INSERT INTO w.routes SELECT * FROM pdx",
      written: "46|3376\n", // the 45 PDX routes
    },
    { sql: `COPY w.routes FROM ${FLIGHTS}`, written: "5367|3376\n" },
    { sql: "TRUNCATE w.airports", written: "1|0\n" },
  ];
  const outcomes = await Promise.allSettled(cases.map(async ({ sql, written }) => {
    const db = await routesDb();
    const run = await runNoctraWithin(csv(`ATTACH '${db}' AS w`, sql), 8_000);
    ok(run !== "timeout", `${sql}: noctra did not finish within 8 s`);
    const counts = await sqlite3(
      db,
      "SELECT (SELECT count(*) FROM routes) || '|' || (SELECT count(*) FROM airports);",
    );
    if (run.code === 0) {
      strictEqual(run.stderr, "");
      strictEqual(counts, written, `${sql}: exit 0, so the change must be in the database`);
    } else {
      assertOneError(run, /w\.(routes|airports)/);
      strictEqual(counts, "1|3376\n", `${sql}: failed, so the database must be unchanged`);
    }
  }));
  const failures = outcomes.flatMap((outcome) =>
    outcome.status === "rejected" ? [String((outcome.reason as Error).message)] : []
  );
  deepStrictEqual(failures, []);
});

Deno.test("CREATE TABLE IF NOT EXISTS db.t AS SELECT … FROM a CSV is a no-op when t exists", async () => {
  const db = await routesDb();
  const before = await fingerprint(db, "routes");
  await okRun(csv(
    `ATTACH '${db}' AS w`,
    `CREATE TABLE IF NOT EXISTS w.routes AS SELECT origin, destination, count FROM ${FLIGHTS}`,
  ));
  strictEqual(await fingerprint(db, "routes"), before);
});

Deno.test("generated columns of a SQLite table can be read through the bridge", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-generated-" });
  const db = `${dir}/g.sqlite`;
  await sqlite3(
    db,
    "CREATE TABLE g (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL);\n" +
      "INSERT INTO g (a) VALUES (1), (2);\n",
  );
  const stdout = await okRun(csv(
    `ATTACH '${db}' AS w`,
    "SELECT a, b FROM w.g ORDER BY a", // natively in SQLite
    `SELECT g.a, g.b FROM w.g g JOIN (SELECT DISTINCT count FROM ${FLIGHTS} WHERE count <= 2) f ` +
      "ON f.count = g.a ORDER BY g.a", // bridged
  ));
  strictEqual(stdout, "a,b\n1,2\n2,4\na,b\n1,2\n2,4\n");
});

Deno.test("a table created through another connection can be joined with a file", async () => {
  const { db } = await copyOfAirports();
  const join = (table: string, where: string) =>
    `SELECT count(*) AS n FROM ${table} e JOIN ${FLIGHTS} f ON f.origin = e.iata ${where}`;
  // w2 is a second connection to the same file, as another process would be.
  const stdout = await okRun(csv(
    `ATTACH '${db}' AS w`,
    `ATTACH '${db}' AS w2`,
    "CREATE TABLE w2.wa AS SELECT * FROM w2.airports WHERE state = 'WA'",
    "SELECT count(*) AS n FROM w.wa",
    join("w.airports", "WHERE e.state = 'WA'"),
    join("w.wa", ""),
  ));
  strictEqual(stdout, "n\n65\nn\n80\nn\n80\n");
});

Deno.test("DuckDB-side statements that read SQLite tables finish and see the rows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-" });
  const parquet = `${dir}/airports.parquet`;
  const run = await runNoctraWithin(
    csv(
      ATTACH_GEO,
      "CREATE TABLE local AS SELECT iata, state FROM geo.airports",
      "SELECT count(*) AS n FROM local",
      "INSERT INTO memory.main.local SELECT iata, state FROM geo.airports WHERE state = 'WA'",
      "SELECT count(*) AS n FROM local",
      `COPY (SELECT iata, state FROM geo.airports) TO '${parquet}' (FORMAT parquet)`,
      `SELECT count(*) AS n FROM '${parquet}'`,
    ),
    8_000,
  );
  ok(run !== "timeout", "noctra did not finish within 8 s");
  deepStrictEqual(run, { code: 0, stdout: "n\n3376\nn\n3441\nn\n3376\n", stderr: "" });
});

// ---- the committed fixture -----------------------------------------------------------------

Deno.test("the committed fixtures/airports.sqlite is unchanged", async () => {
  strictEqual(await sha256(FIXTURE_DB), FIXTURE_DB_SHA256);
});

Deno.test("a cached bridged table holds the columns queries asked for; a query needing another column copies again, right", async () => {
  const { db } = await copyOfAirports();
  await sqlite3(
    db,
    "CREATE TABLE wide (id INTEGER PRIMARY KEY, origin TEXT NOT NULL, miles INTEGER NOT NULL);\n" +
      "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20000) " +
      "INSERT INTO wide SELECT i, CASE i % 2 WHEN 0 THEN 'SEA' ELSE 'ATL' END, i % 100 FROM s;\n",
  );
  const byOrigin = `SELECT count(*) AS n FROM w.wide x JOIN ${FLIGHTS} f ` +
    "ON f.origin = x.origin AND f.destination = 'DEN'";
  const byMiles = `SELECT sum(x.miles) AS m FROM w.wide x JOIN ${FLIGHTS} f ` +
    "ON f.origin = x.origin AND f.destination = 'DEN'";
  const stdout = await okRun(csv(
    `ATTACH '${db}' AS w (TYPE SQLITE, READ_ONLY)`,
    byOrigin, // copies id? no: origin only (the join key)
    byMiles, // needs miles too: copies origin and miles
    byOrigin, // covered by the cache
    "SELECT count(*) AS n, count(origin) AS o, count(miles) AS m FROM w.wide x, range(1)",
  ));
  // Each origin has 10,000 rows; each (origin, DEN) route is one flights row.
  const expectedMiles = await sqlite3(
    db,
    "SELECT sum(miles) FROM wide WHERE origin IN ('SEA', 'ATL');",
  );
  deepStrictEqual(stdout.split("\n"), [
    "n",
    "20000",
    "m",
    expectedMiles.trim(),
    "n",
    "20000",
    "n,o,m",
    "20000,20000,20000",
    "",
  ]);
});

Deno.test("CREATE INDEX … ON db.t, DuckDB's form, creates the index in the SQLite attachment", async () => {
  const { dir, db } = await copyOfAirports();
  try {
    await okRun(csv(
      `ATTACH '${db}' AS w (TYPE SQLITE)`,
      "CREATE INDEX ix_state ON w.airports (state)",
      'CREATE UNIQUE INDEX IF NOT EXISTS "ix iata" ON w.airports (iata)',
      'CREATE UNIQUE INDEX IF NOT EXISTS "ix iata" ON w.airports (iata)',
    ));
    strictEqual(
      await sqlite3(
        db,
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name;",
      ),
      "ix iata|airports\nix_state|airports\n",
    );
    // SQLite's own form (the attachment on the index name) is not DuckDB syntax: one clear error.
    const sqliteForm = await runNoctra(
      csv(`ATTACH '${db}' AS w (TYPE SQLITE)`, "CREATE INDEX w.ix2 ON airports (city)"),
    );
    strictEqual(sqliteForm.code, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
