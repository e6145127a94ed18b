/**
 * What a user can trust when DuckDB and SQLite meet, end to end through the real CLI: a
 * transaction writes to one engine only, a full disk leaves the SQLite database unchanged,
 * streams and odd files as inputs (stdin, FIFOs, `/proc`, `~`, deeply nested JSON), DuckDB's own
 * statements and types come through unchanged, and a SQLite read that fails half-way fails as a
 * whole. Every run is a real `deno run main.ts` on real files in a temporary directory; SQLite
 * files are checked afterwards through `node:sqlite`, independently of Noctra.
 */
import { deepStrictEqual, match, notStrictEqual, ok, strictEqual } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { FIXTURES, ROOT } from "./_cli.ts";

const FIXTURE_DB = `${FIXTURES}/airports.sqlite`;
const DUCKDB_CLI = "/work/shared/tools/duckdb-cli/duckdb";
/** Rows of fixtures/airports.sqlite: all, and in WA. */
const AIRPORTS = 3376;
const WA = 65;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// ---- running noctra --------------------------------------------------------------------------

interface Run {
  readonly code: number;
  readonly signal: Deno.Signal | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit. */
  readonly ms: number;
  /** Wall time from the signal sent by `interruptAfterMs` to exit. */
  readonly afterSignalMs: number | null;
  /** Killed by the guard after `timeoutMs`. */
  readonly timedOut: boolean;
}

interface Options {
  readonly stdin?: string;
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Leave out `--no-restore` (the saved-sources registry is read). */
  readonly restore?: boolean;
  /** Deno permission flags instead of `--allow-all`. */
  readonly permissions?: readonly string[];
  /** Send SIGINT this many ms after spawning. */
  readonly interruptAfterMs?: number;
  /** SIGKILL the process after this many ms (default 30 s): a hang fails the test, not the run. */
  readonly timeoutMs?: number;
}

/** Runs `deno run <permissions> main.ts [--no-restore] ...args`. */
async function noctra(args: readonly string[], options: Options = {}): Promise<Run> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...(options.permissions ?? ["--allow-all"]),
      `${ROOT}main.ts`,
      ...(options.restore ? [] : ["--no-restore"]),
      ...args,
    ],
    cwd: options.cwd ?? ROOT,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: {
      NO_COLOR: "1",
      XDG_STATE_HOME: await Deno.makeTempDir({ prefix: "noctra-state-" }),
      ...options.env,
    },
  }).spawn();
  const output = child.output();
  let timedOut = false;
  let signalledAt: number | null = null;
  const guard = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, options.timeoutMs ?? 30_000);
  const interrupt = options.interruptAfterMs === undefined ? undefined : setTimeout(() => {
    signalledAt = performance.now();
    try {
      child.kill("SIGINT");
    } catch { /* already gone */ }
  }, options.interruptAfterMs);
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(encoder.encode(options.stdin)).catch(() => {});
    await writer.close().catch(() => {});
  }
  const result = await output;
  const ended = performance.now();
  clearTimeout(guard);
  if (interrupt !== undefined) clearTimeout(interrupt);
  return {
    code: result.code,
    signal: result.signal,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
    ms: ended - started,
    afterSignalMs: signalledAt === null ? null : ended - signalledAt,
    timedOut,
  };
}

/** `--format F -c s1 -c s2 …`. */
function script(format: string, ...statements: string[]): string[] {
  return ["--format", format, ...statements.flatMap((statement) => ["-c", statement])];
}

function describe(run: Run): string {
  return `exit ${run.code}${run.signal ? ` (${run.signal})` : ""}${
    run.timedOut ? " after a hang" : ""
  }, stderr ${JSON.stringify(run.stderr.slice(0, 2000))}`;
}

/** Exit 0, nothing on stderr; returns stdout. */
function succeeded(run: Run): string {
  strictEqual(run.code, 0, describe(run));
  strictEqual(run.stderr, "", describe(run));
  return run.stdout;
}

/**
 * Exit `code`, exactly one stderr line `noctra: error: …` (no stack trace, no second line)
 * containing every string of `words` (and matching every RegExp); stdout exactly `stdout` when
 * given.
 */
function failedWith(
  run: Run,
  code: number,
  words: readonly (string | RegExp)[],
  stdout?: string,
): string {
  strictEqual(run.code, code, describe(run));
  match(run.stderr, /^noctra: error: [^\n]+\n$/, `exactly one error line: ${describe(run)}`);
  ok(!/\n\s+at |Uncaught|panicked|stack overflow/.test(run.stderr), "no stack trace");
  for (const word of words) {
    if (typeof word === "string") ok(run.stderr.includes(word), `${word} in ${run.stderr}`);
    else match(run.stderr, word);
  }
  if (stdout !== undefined) strictEqual(run.stdout, stdout);
  return run.stderr;
}

// ---- files ---------------------------------------------------------------------------------

async function tempDir(label: string): Promise<string> {
  return await Deno.makeTempDir({ prefix: `noctra-trust-${label}-` });
}

/** A copy of fixtures/airports.sqlite in `dir`. */
async function airportsCopy(dir: string, name = "x.db"): Promise<string> {
  const db = `${dir}/${name}`;
  await Deno.copyFile(FIXTURE_DB, db);
  return db;
}

/** First column of the first row of `sql` on `db`, read through node:sqlite. */
function scalar(db: string, sql: string): unknown {
  const database = new DatabaseSync(db, { readOnly: true });
  try {
    const row = database.prepare(sql).get();
    return row === undefined ? undefined : Object.values(row)[0];
  } finally {
    database.close();
  }
}

function count(db: string, where = ""): number {
  return Number(scalar(db, `SELECT count(*) FROM airports ${where}`));
}

async function mkfifo(path: string): Promise<void> {
  const made = await new Deno.Command("mkfifo", { args: [path], stderr: "piped" }).output();
  ok(made.success, `mkfifo ${path}: ${decoder.decode(made.stderr)}`);
}

/** Runs `tasks` at most `width` at a time (the machine has two cores). */
async function inBatches<T>(width: number, tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < tasks.length; start += width) {
    results.push(...await Promise.all(tasks.slice(start, start + width).map((task) => task())));
  }
  return results;
}

// ---- 1. transactions across engines --------------------------------------------------------------

const SPAN = ["commit separately", "cannot span", "nothing was written"];

Deno.test("transaction: a DuckDB write after a SQLite write is refused; COMMIT keeps the SQLite delete only", async () => {
  const dir = await tempDir("txn");
  const [kept, open] = [await airportsCopy(dir, "kept.db"), await airportsCopy(dir, "open.db")];
  const statements = (db: string) => [
    `ATTACH '${db}' AS g (TYPE SQLITE)`,
    "CREATE TABLE d AS SELECT 1 AS x",
    "BEGIN",
    "DELETE FROM g.airports WHERE state='WA'",
    "INSERT INTO d VALUES (2)",
    "COMMIT",
    "SELECT count(*) AS n FROM d",
    "SELECT count(*) AS n FROM g.airports",
  ];
  const [continued, stopped] = await Promise.all([
    noctra(["--continue-on-error", ...script("csv", ...statements(kept))]),
    noctra(script("csv", ...statements(open))),
  ]);
  failedWith(
    continued,
    1,
    ["-c[5]:1:", "writes to DuckDB", "already written to SQLite database g", ...SPAN],
    `n\n1\nn\n${AIRPORTS - WA}\n`,
  );
  strictEqual(count(kept), AIRPORTS - WA);
  strictEqual(count(kept, "WHERE state = 'WA'"), 0);
  // Without --continue-on-error the run stops inside the transaction: nothing is committed.
  failedWith(stopped, 1, ["-c[5]:1:", "writes to DuckDB", ...SPAN], "");
  strictEqual(count(open), AIRPORTS);
});

Deno.test("transaction: a SQLite write after a DuckDB write is refused; COMMIT keeps the DuckDB insert only", async () => {
  const dir = await tempDir("txn-rev");
  const db = await airportsCopy(dir);
  const run = await noctra([
    "--continue-on-error",
    ...script(
      "csv",
      `ATTACH '${db}' AS g (TYPE SQLITE)`,
      "CREATE TABLE d AS SELECT 1 AS x",
      "BEGIN",
      "INSERT INTO d VALUES (2)",
      "UPDATE g.airports SET state = 'XX' WHERE state = 'WA'",
      "COMMIT",
      "SELECT count(*) AS n FROM d",
      "SELECT count(*) AS n FROM g.airports WHERE state = 'WA'",
    ),
  ]);
  failedWith(
    run,
    1,
    ["-c[5]:1:", "writes to SQLite database g", "already written to DuckDB", ...SPAN],
    `n\n2\nn\n${WA}\n`,
  );
  strictEqual(count(db, "WHERE state = 'WA'"), WA);
  strictEqual(count(db, "WHERE state = 'XX'"), 0);
});

Deno.test("transaction: a write to a second SQLite attachment is refused; the first one commits", async () => {
  const dir = await tempDir("txn-two");
  const [first, second] = [
    await airportsCopy(dir, "first.db"),
    await airportsCopy(dir, "second.db"),
  ];
  const run = await noctra([
    "--continue-on-error",
    ...script(
      "csv",
      `ATTACH '${first}' AS g (TYPE SQLITE)`,
      `ATTACH '${second}' AS h (TYPE SQLITE)`,
      "BEGIN",
      "DELETE FROM g.airports WHERE state = 'WA'",
      "DELETE FROM h.airports WHERE state = 'OR'",
      "COMMIT",
      "SELECT count(*) AS n FROM g.airports",
      "SELECT count(*) AS n FROM h.airports",
    ),
  ]);
  failedWith(
    run,
    1,
    ["-c[5]:1:", "writes to SQLite database h", "already written to SQLite database g", ...SPAN],
    `n\n${AIRPORTS - WA}\nn\n${AIRPORTS}\n`,
  );
  strictEqual(count(first), AIRPORTS - WA);
  strictEqual(count(second), AIRPORTS);
});

Deno.test("transaction: after a DuckDB write, joining SQLite with DuckDB is refused; SQLite-only reads still run", async () => {
  const dir = await tempDir("txn-join");
  const db = await airportsCopy(dir);
  const join = "SELECT count(*) AS n FROM g.airports a JOIN d ON d.x = 1 WHERE a.state = 'WA'";
  const [afterWrite, afterJoin] = await Promise.all([
    noctra([
      "--continue-on-error",
      ...script(
        "csv",
        `ATTACH '${db}' AS g (TYPE SQLITE)`,
        "CREATE TABLE d AS SELECT 1 AS x",
        "BEGIN",
        "INSERT INTO d VALUES (2)",
        "SELECT count(*) AS n FROM g.airports WHERE state = 'WA'", // natively in SQLite
        join,
        "COMMIT",
        join, // after COMMIT the bridge may copy again
        "SELECT count(*) AS n FROM d",
      ),
    ]),
    // The other way round: a bridged join first, then a DuckDB write.
    noctra([
      "--continue-on-error",
      ...script(
        "csv",
        `ATTACH '${db}' AS g (TYPE SQLITE)`,
        "CREATE TABLE d AS SELECT 1 AS x",
        "BEGIN",
        join,
        "INSERT INTO d VALUES (2)",
        "COMMIT",
        "SELECT count(*) AS n FROM d",
      ),
    ]),
  ]);
  failedWith(
    afterWrite,
    1,
    ["-c[6]:1:", "reads SQLite table g.airports", "already wrote to DuckDB", "after COMMIT"],
    `n\n${WA}\nn\n${WA}\nn\n2\n`,
  );
  failedWith(
    afterJoin,
    1,
    ["-c[5]:1:", "writes to DuckDB", "read SQLite tables", "Nothing was written"],
    `n\n${WA}\nn\n1\n`,
  );
  strictEqual(count(db), AIRPORTS);
});

Deno.test("transaction on one engine: ROLLBACK leaves the SQLite file and the DuckDB table as they were, COMMIT persists", async () => {
  const dir = await tempDir("txn-one");
  const [rolled, committed] = [
    await airportsCopy(dir, "rolled.db"),
    await airportsCopy(dir, "c.db"),
  ];
  const before = await Deno.readFile(rolled);
  const [rollback, commit] = await Promise.all([
    noctra(script(
      "csv",
      `ATTACH '${rolled}' AS g (TYPE SQLITE)`,
      "BEGIN",
      "DELETE FROM g.airports WHERE state = 'WA'",
      "INSERT INTO g.airports (iata, name, state) VALUES ('ZZZ', 'Test Field', 'ZZ')",
      "SELECT count(*) AS n FROM g.airports",
      "ROLLBACK",
      "SELECT count(*) AS n FROM g.airports",
      "CREATE TABLE d AS SELECT 1 AS x",
      "BEGIN",
      "INSERT INTO d VALUES (2), (3)",
      "SELECT count(*) AS n FROM d",
      "ROLLBACK",
      "SELECT count(*) AS n FROM d",
      "BEGIN",
      "INSERT INTO d VALUES (4)",
      "COMMIT",
      "SELECT sum(x) AS s FROM d",
    )),
    noctra(script(
      "csv",
      `ATTACH '${committed}' AS g (TYPE SQLITE)`,
      "BEGIN",
      "DELETE FROM g.airports WHERE state = 'WA'",
      "INSERT INTO g.airports (iata, name, state) VALUES ('ZZZ', 'Test Field', 'ZZ')",
      "COMMIT",
    )),
  ]);
  strictEqual(
    succeeded(rollback),
    `n\n${AIRPORTS - WA + 1}\nn\n${AIRPORTS}\nn\n3\nn\n1\ns\n5\n`,
  );
  succeeded(commit);
  strictEqual(count(rolled), AIRPORTS);
  strictEqual(count(rolled, "WHERE iata = 'ZZZ'"), 0);
  deepStrictEqual(
    await Deno.readFile(rolled),
    before,
    "the rolled-back file is byte for byte unchanged",
  );
  strictEqual(count(committed), AIRPORTS - WA + 1);
  strictEqual(scalar(committed, "SELECT name FROM airports WHERE iata = 'ZZZ'"), "Test Field");
});

// ---- 2. disk full ----------------------------------------------------------------------------------

/** Why a 512 KiB tmpfs cannot be mounted here (a permission error), or null when it can. */
async function tmpfsRefusal(): Promise<string | null> {
  const dir = await tempDir("probe");
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=512k", "tmpfs", dir],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied) return `mount: ${error.message}`;
    return null; // no mount binary: the test runs and fails on it
  }
  if (output.success) {
    await umount(dir);
    await Deno.remove(dir);
    return null;
  }
  const message = decoder.decode(output.stderr).trim();
  return /permission denied|not permitted|only root|must be superuser/i.test(message)
    ? message.split("\n")[0]!
    : null;
}

async function umount(dir: string): Promise<void> {
  const done = await new Deno.Command("umount", { args: [dir], stderr: "null" }).output();
  if (!done.success) await new Deno.Command("umount", { args: ["-l", dir] }).output();
}

const TMPFS_REFUSED = await tmpfsRefusal();

Deno.test({
  name:
    "disk full while streaming into SQLite (INSERT … SELECT, CREATE TABLE … AS): one line naming the " +
    `database, exit 1, the table unchanged${TMPFS_REFUSED ? ` [ignored: ${TMPFS_REFUSED}]` : ""}`,
  ignore: TMPFS_REFUSED !== null,
  async fn() {
    const dir = await tempDir("full");
    const mounted = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=512k", "tmpfs", dir],
      stderr: "piped",
    }).output();
    ok(mounted.success, `mount tmpfs: ${decoder.decode(mounted.stderr)}`);
    try {
      const db = `${dir}/small.db`;
      const setup = new DatabaseSync(db);
      setup.exec(
        "CREATE TABLE t (i INTEGER, s TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');",
      );
      setup.close();
      const rows = "SELECT count(*) AS n FROM g.t";
      const insert = await noctra([
        "--continue-on-error",
        ...script(
          "csv",
          `ATTACH '${db}' AS g (TYPE SQLITE)`,
          "INSERT INTO g.t SELECT range, repeat('x', 100) FROM range(1000000)",
          rows,
        ),
      ]);
      failedWith(insert, 1, ["-c[2]:1:", "INSERT INTO g.t", "disk full", db], "n\n3\n");
      const create = await noctra([
        "--continue-on-error",
        ...script(
          "csv",
          `ATTACH '${db}' AS g (TYPE SQLITE)`,
          "CREATE TABLE g.u AS SELECT range AS i, repeat('x', 100) AS s FROM range(1000000)",
          rows,
        ),
      ]);
      failedWith(create, 1, ["-c[2]:1:", "CREATE TABLE g.u", "disk full", db], "n\n3\n");
      strictEqual(scalar(db, "SELECT count(*) FROM t"), 3);
      strictEqual(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'u'"), 0);
      strictEqual(scalar(db, "PRAGMA integrity_check"), "ok");
    } finally {
      await umount(dir);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

// ---- 3. inputs -----------------------------------------------------------------------------------

/** 3,000 rows of `id,name` (names with commas and quotes), as RFC 4180 CSV, and as objects. */
function sampleCsv(): { text: string; rows: { id: number; name: string }[] } {
  const rows = Array.from({ length: 3000 }, (_, index) => {
    const id = index + 1;
    // Names all 6 characters wide: the table format sizes columns on its first 1,000 rows.
    const digits = String(id).padStart(4, "0");
    const name = id % 7 === 0 ? `r,${digits}` : id % 11 === 0 ? `"${digits}"` : `r ${digits}`;
    return { id, name };
  });
  const quote = (value: string) =>
    /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  return { text: "id,name\n" + rows.map((row) => `${row.id},${quote(row.name)}\n`).join(""), rows };
}

/** The data rows of a `table`-format result, cells trimmed. */
function tableRows(text: string): string[][] {
  const lines = text.split("\n");
  const first = lines.findIndex((line) => line.startsWith("├"));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 1)) {
    if (!line.startsWith("│")) break;
    rows.push(line.split("│").slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

Deno.test("read_csv('/dev/stdin') with CSV piped in gives every row, in table, csv and jsonl", async () => {
  const { text, rows } = sampleCsv();
  const query = "SELECT * FROM read_csv('/dev/stdin')";
  const [table, csv, jsonl] = await Promise.all([
    noctra(["--max-rows", "0", ...script("table", query)], { stdin: text }),
    noctra(script("csv", query), { stdin: text }),
    noctra(script("jsonl", query), { stdin: text }),
  ]);
  strictEqual(succeeded(csv), text);
  deepStrictEqual(
    succeeded(jsonl).trimEnd().split("\n").map((line) => JSON.parse(line)),
    rows,
  );
  deepStrictEqual(tableRows(succeeded(table)), rows.map((row) => [String(row.id), row.name]));
});

Deno.test("FIFOs: a CSV fed by a writer process is read; with no writer, SIGINT ends the wait", async () => {
  const dir = await tempDir("fifo");
  const { text } = sampleCsv();
  await Deno.writeTextFile(`${dir}/data.csv`, text);
  await mkfifo(`${dir}/fed.csv`);
  await mkfifo(`${dir}/idle.csv`);
  const writer = new Deno.Command("sh", {
    args: ["-c", 'sleep 0.3; cat "$1" > "$2"', "sh", `${dir}/data.csv`, `${dir}/fed.csv`],
  }).spawn();
  const [fed, idle] = await Promise.all([
    noctra(script("csv", "SELECT * FROM 'fed.csv'"), { cwd: dir, timeoutMs: 15_000 }),
    noctra(script("csv", "SELECT * FROM 'idle.csv'"), {
      cwd: dir,
      interruptAfterMs: 1000,
      timeoutMs: 15_000,
    }),
  ]);
  ok((await writer.status).success, "the writer finished");
  strictEqual(succeeded(fed), text);
  ok(!idle.timedOut, `no hang after SIGINT: ${describe(idle)}`);
  strictEqual(idle.code, 130, describe(idle));
  strictEqual(idle.stdout, "");
  strictEqual(idle.stderr, "");
  ok(idle.afterSignalMs! < 4000, `ended ${idle.afterSignalMs!.toFixed(0)} ms after SIGINT`);
});

Deno.test("FIFOs are refused at once as a SQLite database and as --config; as the registry, a one-line warning", async () => {
  const dir = await tempDir("fifo-refused");
  await mkfifo(`${dir}/fifo.db`);
  await mkfifo(`${dir}/fifo.toml`);
  await Deno.mkdir(`${dir}/state/noctra`, { recursive: true });
  const registry = `${dir}/state/noctra/sources.toml`;
  await mkfifo(registry);
  await Deno.writeTextFile(`${dir}/small.csv`, "a,b\n1,x\n2,y\n");
  const options = { cwd: dir, timeoutMs: 15_000 };
  const [attach, config, restored] = await Promise.all([
    noctra(script("csv", "ATTACH 'fifo.db' AS f (TYPE SQLITE)"), options),
    noctra(["--config", "fifo.toml", ...script("csv", "SELECT 1 AS x")], options),
    noctra(script("csv", "SELECT 42 AS x", "SELECT count(*) AS n FROM 'small.csv'"), {
      ...options,
      restore: true,
      env: { XDG_STATE_HOME: `${dir}/state` },
    }),
  ]);
  failedWith(attach, 1, ["-c:1:", `${dir}/fifo.db`, "not a regular file"], "");
  ok(attach.ms < 8000, `ATTACH of a FIFO took ${attach.ms.toFixed(0)} ms`);
  failedWith(config, 2, ["config fifo.toml", "a FIFO or socket"], "");
  ok(config.ms < 8000, `--config FIFO took ${config.ms.toFixed(0)} ms`);
  ok(!restored.timedOut, describe(restored));
  strictEqual(restored.code, 0, describe(restored));
  strictEqual(
    restored.stderr,
    `noctra: warning: the source registry ${registry} is not a regular file; starting with no saved sources\n`,
  );
  strictEqual(restored.stdout, "x\n42\nn\n2\n");
  ok((await Deno.lstat(registry)).isFifo === true, "the registry FIFO is left alone");
});

Deno.test("zero-size /proc files are refused with the way to read them (DuckDB would read them as empty); a real empty file is refused as empty", async () => {
  const dir = await tempDir("proc");
  await Deno.writeTextFile(`${dir}/empty.csv`, "");
  const [text, csv, empty] = await Promise.all([
    noctra(script("jsonl", "SELECT content FROM read_text('/proc/self/status')")),
    noctra(script(
      "csv",
      "SELECT count(*) FILTER (WHERE column0 = 'Pid') AS pid FROM read_csv('/proc/self/status', delim = ':', header = false, columns = {'column0': 'VARCHAR', 'column1': 'VARCHAR'}, auto_detect = false)",
    )),
    noctra(script("csv", "SELECT * FROM 'empty.csv'"), { cwd: dir }),
  ]);
  for (const run of [text, csv]) {
    failedWith(run, 1, ["/proc/self/status", "0 bytes but has content", "/dev/stdin"], "");
  }
  failedWith(empty, 1, ["empty.csv", "empty"], "");
  // The way the message gives: the same file piped in is read whole.
  const status = await Deno.readTextFile("/proc/self/status");
  const piped = await noctra(
    script(
      "csv",
      "SELECT count(*) FILTER (WHERE column0 = 'Pid') AS pid FROM read_csv('/dev/stdin', delim = ':', header = false, columns = {'column0': 'VARCHAR', 'column1': 'VARCHAR'}, auto_detect = false)",
    ),
    { stdin: status },
  );
  strictEqual(succeeded(piped), "pid\n1\n");
});

Deno.test("'~/x.csv' is read from $HOME; a missing one says where it looked", async () => {
  const home = await tempDir("home");
  await Deno.writeTextFile(`${home}/x.csv`, "a,b\n1,x\n2,y\n");
  // Deno's own cache follows HOME: keep it where it is, so nothing is downloaded again.
  const env = { HOME: home, DENO_DIR: await denoDir() };
  const [read, viaFunction, missing] = await Promise.all([
    noctra(script("csv", "SELECT * FROM '~/x.csv'"), { env }),
    noctra(script("csv", "SELECT sum(a) AS s FROM read_csv('~/x.csv')"), { env }),
    noctra(script("csv", "SELECT * FROM '~/nope.csv'"), { env }),
  ]);
  strictEqual(succeeded(read), "a,b\n1,x\n2,y\n");
  strictEqual(succeeded(viaFunction), "s\n3\n");
  failedWith(missing, 1, ["~/nope.csv", `looked for ${home}/nope.csv`], "");
});

async function denoDir(): Promise<string> {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).output();
  return (JSON.parse(decoder.decode(info.stdout)) as { denoDir: string }).denoDir;
}

Deno.test("JSON nested 10,000 arrays or 5,000 objects deep: exit 1 naming the nesting, no crash", async () => {
  const dir = await tempDir("deep");
  await Deno.writeTextFile(`${dir}/arrays.json`, "[".repeat(10_000) + "]".repeat(10_000));
  await Deno.writeTextFile(`${dir}/objects.json`, '{"a":'.repeat(5000) + "1" + "}".repeat(5000));
  await Deno.writeTextFile(`${dir}/objects.ndjson`, '{"a":'.repeat(5000) + "1" + "}".repeat(5000));
  await Deno.writeTextFile(`${dir}/ok.json`, '[{"a": 1}]');
  const runs = await inBatches(3, [
    () => noctra(script("csv", "SELECT * FROM 'arrays.json'"), { cwd: dir }),
    () => noctra(script("csv", "SELECT * FROM read_json('objects.json')"), { cwd: dir }),
    () => noctra(script("csv", "SELECT count(*) FROM 'objects.ndjson'"), { cwd: dir }),
    // Paths in a list, and the files of a glob, are checked one by one.
    () =>
      noctra(script("csv", "SELECT * FROM read_json(['ok.json', 'objects.json'])"), { cwd: dir }),
    () => noctra(script("csv", "SELECT * FROM 'object*.json'"), { cwd: dir }),
    () => noctra(script("csv", "SELECT * FROM read_ndjson('*.ndjson')"), { cwd: dir }),
    // A path given by a variable is bound as a parameter, and checked as a written one.
    () =>
      noctra(["--var", "path=objects.json", ...script("csv", "SELECT * FROM read_json(#path)")], {
        cwd: dir,
      }),
  ]);
  for (const run of runs) {
    ok(run.code !== 134 && run.signal === null, `crashed: ${describe(run)}`);
    failedWith(run, 1, ["JSON nested more than 1000 levels deep"], "");
  }
});

const DEEP_ARRAYS = "[".repeat(10_000) + "]".repeat(10_000);

Deno.test("deeply nested JSON: read_text of the .json file, which the refusal suggests, reads it", async () => {
  const dir = await tempDir("deep-text");
  await Deno.writeTextFile(`${dir}/arrays.json`, DEEP_ARRAYS);
  const run = await noctra(
    script(
      "csv",
      "SELECT length(content) AS n, json_valid(content) AS valid FROM read_text('arrays.json')",
    ),
    { cwd: dir },
  );
  strictEqual(succeeded(run), "n,valid\n20000,true\n");
});

Deno.test("deeply nested JSON read by read_json from a .txt file or from a .json.gz: exit 1, no crash", async () => {
  const dir = await tempDir("deep-other");
  await Deno.writeTextFile(`${dir}/arrays.txt`, DEEP_ARRAYS);
  const gzip = new Blob([DEEP_ARRAYS]).stream().pipeThrough(new CompressionStream("gzip"));
  await Deno.writeFile(`${dir}/arrays.json.gz`, gzip);
  const runs = await Promise.all([
    noctra(script("csv", "SELECT * FROM read_json('arrays.txt')"), { cwd: dir }),
    noctra(script("csv", "SELECT * FROM 'arrays.json.gz'"), { cwd: dir }),
  ]);
  for (const run of runs) {
    ok(run.code !== 134 && run.signal === null, `crashed: ${describe(run)}`);
    failedWith(run, 1, [/nest/i], "");
  }
});

// ---- 4. DuckDB behaviours --------------------------------------------------------------------

/** The DuckDB CLI on the same libduckdb, NULL printed as an empty field. */
async function duckdbCli(mode: "csv" | "tabs", sql: string): Promise<string> {
  const output = await new Deno.Command(DUCKDB_CLI, {
    args: ["-nullvalue", "", "-c", `.mode ${mode}`, "-c", ".headers on", "-c", sql],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  ok(output.success, `duckdb: ${decoder.decode(output.stderr)}`);
  return decoder.decode(output.stdout).replaceAll("\r\n", "\n"); // its csv mode ends rows with CRLF
}

Deno.test("--format csv/tsv of SUMMARIZE and DESCRIBE give DuckDB's columns and values; SHOW TABLES lists DuckDB's tables", async () => {
  const setup = "CREATE TABLE t1 AS SELECT 1 AS a; CREATE VIEW v1 AS SELECT 2 AS b";
  const cases: [string, "csv" | "tsv"][] = [];
  for (const sql of ["SUMMARIZE SELECT 1 AS x", "DESCRIBE SELECT 1 AS x"]) {
    for (const format of ["csv", "tsv"] as const) cases.push([sql, format]);
  }
  const runs = await inBatches(4, cases.map(([sql, format]) => () => noctra(script(format, sql))));
  for (const [index, [sql, format]] of cases.entries()) {
    const expected = await duckdbCli(format === "csv" ? "csv" : "tabs", sql);
    ok(expected.split("\n").length >= 3, `DuckDB printed ${expected}`);
    strictEqual(succeeded(runs[index]!), expected, `${sql} --format ${format}`);
  }
  const duckdbNames = (await duckdbCli("csv", `${setup}; SHOW TABLES`)).trimEnd().split("\n").slice(
    1,
  );
  deepStrictEqual(duckdbNames, ["t1", "v1"]);
  const [csv, tsv] = await Promise.all([
    noctra(script("csv", setup, "SHOW TABLES")),
    noctra(script("tsv", setup, "SHOW TABLES")),
  ]);
  // Noctra's SHOW TABLES adds the source and type columns (docs/HYBRID.md).
  strictEqual(succeeded(csv), "source,name,type\nduckdb,t1,table\nduckdb,v1,view\n");
  strictEqual(succeeded(tsv), "source\tname\ttype\nduckdb\tt1\ttable\nduckdb\tv1\tview\n");
});

Deno.test("DESCRIBE 'file.arrow' as the first statement of a fresh run lists its columns", async () => {
  const dir = await tempDir("arrow");
  const exported = await noctra(
    script(
      "csv",
      "EXPORT (SELECT 1::INTEGER AS a, 'x' AS b, 2.5::DOUBLE AS c, DATE '2024-01-02' AS d) TO 'f.arrow' FORMAT ARROW",
    ),
    { cwd: dir },
  );
  strictEqual(exported.code, 0, describe(exported));
  const described = await noctra(script("csv", "DESCRIBE 'f.arrow'"), { cwd: dir });
  strictEqual(
    succeeded(described),
    "column_name,column_type,null\na,INTEGER,YES\nb,VARCHAR,YES\nc,DOUBLE,YES\nd,DATE,YES\n",
  );
});

Deno.test("--var keeps 00501 and a 24-digit number as VARCHAR, 42 as BIGINT", async () => {
  const run = await noctra([
    "--var",
    "zip=00501",
    "--var",
    "n=42",
    "--var",
    "big=123456789012345678901234",
    ...script(
      "csv",
      "SELECT #zip AS zip, typeof(#zip) AS zt, #n + 1 AS n, typeof(#n) AS nt, #big AS big, typeof(#big) AS bt",
    ),
  ]);
  strictEqual(
    succeeded(run),
    "zip,zt,n,nt,big,bt\n00501,VARCHAR,43,BIGINT,123456789012345678901234,VARCHAR\n",
  );
});

Deno.test("ILIKE over a SQLite table fails naming SQLite and --engine duckdb; with --engine duckdb it runs", async () => {
  const dir = await tempDir("ilike");
  const db = await airportsCopy(dir);
  const statements = [
    `ATTACH '${db}' AS g (TYPE SQLITE)`,
    "SELECT count(*) AS n FROM g.airports WHERE city ILIKE 'seattle'",
  ];
  const [hybrid, duckdb] = await Promise.all([
    noctra(script("csv", ...statements)),
    noctra(["--engine", "duckdb", ...script("csv", ...statements)]),
  ]);
  failedWith(hybrid, 1, ["-c[2]:1:", "ILIKE", "ran natively in SQLite", "--engine duckdb"], "");
  const seattle = Number(scalar(db, "SELECT count(*) FROM airports WHERE city LIKE 'seattle'"));
  ok(seattle > 0);
  strictEqual(succeeded(duckdb), `n\n${seattle}\n`);
});

Deno.test("ATTACH of a SQLite file under scoped Deno permissions fails naming -A", async () => {
  const dir = await tempDir("scoped");
  const db = await airportsCopy(dir);
  const permissions = ["--allow-ffi", "--allow-read", "--allow-write", "--allow-env"];
  const [attach, plain] = await Promise.all([
    noctra(script("table", `ATTACH '${db}' AS g (TYPE SQLITE)`), { permissions }),
    noctra(script("csv", "SELECT 1 AS one"), { permissions }),
  ]);
  failedWith(attach, 1, [`ATTACH '${db}' AS g`, "every permission (-A)", "Run noctra with -A"], "");
  strictEqual(succeeded(plain), "one\n1\n");
});

// ---- 5. SQLite reads that fail half-way --------------------------------------------------------

/** The `id` (first column) of each result row, per output format. */
const ID_PATTERNS: Record<string, RegExp> = {
  table: /^│\s*(\d+) │/gm,
  csv: /^(\d+),/gm,
  tsv: /^(\d+)\t/gm,
  json: /"id":(\d+)/g,
  jsonl: /"id":(\d+)/g,
  markdown: /^\|\s*(\d+) \|/gm,
};

Deno.test("a SQLite-only query failing at row 3,000 (malformed JSON) or 2,501 (integer overflow) exits 1 in every format", async () => {
  const dir = await tempDir("midstream");
  const db = `${dir}/m.db`;
  const setup = new DatabaseSync(db);
  setup.exec(`
    CREATE TABLE j (id INTEGER PRIMARY KEY, doc TEXT);
    CREATE TABLE o (id INTEGER PRIMARY KEY, v INTEGER);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
    INSERT INTO j SELECT i, CASE WHEN i = 3000 THEN '{"a":' ELSE json_object('a', i) END FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
    INSERT INTO o SELECT i, CASE WHEN i = 2501 THEN -9223372036854775807 ELSE -i END FROM n;
  `);
  setup.close();
  const queries = [
    {
      sql: "SELECT id, json_extract(doc, '$.a') AS a FROM m.j ORDER BY id",
      message: "noctra: error: -c[2]:1: SQLite (m): malformed JSON\n",
      failing: 3000,
    },
    {
      sql: "SELECT id, abs(v - 1) AS a FROM m.o ORDER BY id",
      message: "noctra: error: -c[2]:1: SQLite (m): integer overflow\n",
      failing: 2501,
    },
  ];
  const formats = Object.keys(ID_PATTERNS);
  const cases = queries.flatMap((query) => formats.map((format) => ({ ...query, format })));
  const runs = await inBatches(
    4,
    cases.map(({ sql, format }) => () =>
      noctra(["--max-rows", "0", ...script(format, `ATTACH '${db}' AS m (TYPE SQLITE)`, sql)])
    ),
  );
  for (const [index, { message, failing, format }] of cases.entries()) {
    const run = runs[index]!;
    const context = `${format}: ${describe(run)}`;
    strictEqual(run.code, 1, context);
    strictEqual(run.stderr, message, context);
    // Rows before the failure may have been streamed (ids 1, 2, … in order); none from the
    // failing row on, and no row count.
    const ids = [...run.stdout.matchAll(ID_PATTERNS[format]!)].map((found) => Number(found[1]));
    deepStrictEqual(ids, ids.map((_, position) => position + 1), `rows in order: ${context}`);
    ok(ids.length < failing, `a row at or after ${failing}: ${context}`);
    ok(!/\d+ rows?\b/.test(run.stdout), `a row count was claimed: ${context}`);
    if (format === "json") {
      let complete = true;
      try {
        JSON.parse(run.stdout);
      } catch {
        complete = false;
      }
      ok(!complete, "a cut-off JSON result does not parse as a complete array");
    }
  }
});

/** A Deno child holding `BEGIN EXCLUSIVE` on `db` (node:sqlite) until its stdin closes. */
async function holdExclusiveLock(db: string): Promise<() => Promise<void>> {
  const code = `
    import { DatabaseSync } from "node:sqlite";
    const db = new DatabaseSync(Deno.env.get("LOCK_DB"), { timeout: 10000 });
    db.exec("BEGIN EXCLUSIVE");
    console.log("locked");
    await Promise.race([
      Deno.stdin.readable.pipeTo(new WritableStream()),
      new Promise((resolve) => setTimeout(resolve, 10000)),
    ]);
    db.exec("ROLLBACK");
    db.close();
    Deno.exit(0); // without waiting for the fallback timer
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    env: { LOCK_DB: db, NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  let seen = "";
  while (!seen.includes("locked")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`could not lock ${db}`);
    seen += decoder.decode(value);
  }
  return async () => {
    await child.stdin.close().catch(() => {});
    await reader.cancel().catch(() => {});
    const status = await child.status;
    ok(status.success, "the lock holder ended cleanly");
  };
}

Deno.test("SQLITE_BUSY on a read after ATTACH: exit 1 saying the database is locked", async () => {
  const dir = await tempDir("busy");
  const db = await airportsCopy(dir, "busy.db");
  await Deno.writeTextFile(`${dir}/busy.toml`, "[sqlite]\nbusy_timeout_ms = 300\n");
  // The FIFO is a gate: noctra opens it (after ATTACH has read the schema) and waits for rows,
  // while another process takes the lock; then the gate opens and the read runs into the lock.
  await mkfifo(`${dir}/gate.csv`);
  const run = noctra(
    [
      "--config",
      "busy.toml",
      ...script(
        "csv",
        `ATTACH '${db}' AS b (TYPE SQLITE)`,
        "SELECT count(*) AS gate FROM read_csv('gate.csv')",
        "SELECT * FROM b.airports",
      ),
    ],
    { cwd: dir, timeoutMs: 20_000 },
  );
  const gate = await Deno.open(`${dir}/gate.csv`, { write: true }); // returns once noctra reads
  const release = await holdExclusiveLock(db);
  try {
    await gate.write(encoder.encode("a\n1\n"));
    gate.close();
    const result = await run;
    failedWith(
      result,
      1,
      ["-c[3]:1:", "SQLite database b is locked", "waited 300 ms"],
      "gate\n1\n",
    );
  } finally {
    await release();
  }
  strictEqual(count(db), AIRPORTS);
});

Deno.test("Ctrl-C during a 2M-row SQLite copy into DuckDB ends the run within 1 s", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-interrupt-" });
  const path = `${dir}/big.db`;
  const db = new DatabaseSync(path);
  db.exec(
    "CREATE TABLE t AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 2000000) " +
      "SELECT x, 'text-' || x AS s FROM c",
  );
  db.close();
  // Mixing a DuckDB relation in makes the whole table cross the bridge (several seconds).
  const run = await noctra(
    script(
      "csv",
      `ATTACH '${path}' AS big (TYPE SQLITE, READ_ONLY)`,
      "SELECT count(*), sum(x), max(length(s)) FROM big.t, range(1)",
    ),
    { interruptAfterMs: 1_500 },
  );
  await Deno.remove(dir, { recursive: true });
  strictEqual(run.timedOut, false);
  ok(
    run.afterSignalMs !== null && run.afterSignalMs < 1_000,
    `${run.afterSignalMs} ms after SIGINT`,
  );
  notStrictEqual(run.code, 0);
  strictEqual(run.stdout, "", "no partial result");
});
