/**
 * SQLite baselines for `bench/hybrid.ts`, with nothing of Noctra in between.
 *
 * Usage: `deno run --allow-all bench/raw_sqlite.ts read-all DB TABLE`
 *
 * `read-all` opens `DB` read-only with Deno's built-in `node:sqlite` (`DatabaseSync`), prepares
 * `SELECT * FROM "TABLE"`, turns on `setReturnArrays(true)` and `setReadBigInts(true)` (what
 * Noctra's bridge uses) and iterates every row, counting rows and touching nothing else. It
 * prints one JSON line on stdout: `{"rows": n, "openMs": …, "readMs": …, "sqliteVersion": …}`,
 * where `readMs` runs from just before `prepare` until the last row has been read (opening the
 * file is `openMs`, not included). Exit code 0 on success, 1 when SQLite raises an error
 * (message on stderr), 2 for bad usage.
 *
 * The module also exports the pieces `bench/hybrid.ts` needs to run the `sqlite3` command-line
 * shell: the arguments of the `join_cold` baseline (import a CSV into a copy of the database,
 * then run the join), and a helper that runs `sqlite3` with a script on stdin (data generation,
 * version, reference aggregates).
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";

const USAGE = "usage: raw_sqlite.ts read-all DB TABLE";

/** The `sqlite3` command-line shell the baselines run. */
export const SQLITE3 = "/usr/bin/sqlite3";

/** What `read-all` prints (as one JSON line). */
export interface ReadAllReport {
  readonly rows: number;
  /** Opening the database, in milliseconds. */
  readonly openMs: number;
  /** `prepare` + iterating every row, in milliseconds. */
  readonly readMs: number;
  /** `sqlite_version()` of the SQLite that `node:sqlite` embeds. */
  readonly sqliteVersion: string;
}

/** Quotes an identifier for SQLite. */
export function quoteSqliteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Arguments for `sqlite3` that import `csvPath` (with a header line) into a new table `table`
 * with the given column definitions in the database `dbPath`, then run `query` printing CSV
 * with a header. The whole process (import + query) is what the `join_cold` baseline times.
 */
export function sqlite3ImportAndQueryArgs(
  dbPath: string,
  csvPath: string,
  table: string,
  columnDefinitions: string,
  query: string,
): string[] {
  return [
    "-batch",
    "-csv",
    "-header",
    dbPath,
    `CREATE TABLE ${quoteSqliteIdentifier(table)} (${columnDefinitions})`,
    `.import --csv --skip 1 ${quoteDotArgument(csvPath)} ${table}`,
    query,
  ];
}

/** Quotes one argument of a `sqlite3` dot-command when it needs it. */
function quoteDotArgument(text: string): string {
  return /^[\w./-]+$/.test(text)
    ? text
    : `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/**
 * Runs `sqlite3 -batch [args…]` with `script` on stdin and returns its stdout. Throws with
 * sqlite3's stderr when it fails (sqlite3 exits non-zero on an error in `-batch` mode).
 */
export async function runSqlite3Script(args: readonly string[], script: string): Promise<string> {
  const child = new Deno.Command(SQLITE3, {
    args: ["-batch", "-bail", ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (!out.success || stderr !== "") {
    throw new Error(`sqlite3 ${args.join(" ")} failed (exit ${out.code}): ${stderr}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** Reads every row of `table` in `dbPath` as `read-all` describes. */
export function readAll(dbPath: string, table: string): ReadAllReport {
  const opened = performance.now();
  const db = new DatabaseSync(dbPath, { readOnly: true });
  const started = performance.now();
  try {
    const statement = db.prepare(`SELECT * FROM ${quoteSqliteIdentifier(table)}`);
    (statement as StatementSync & { setReturnArrays(enabled: boolean): void })
      .setReturnArrays(true);
    statement.setReadBigInts(true);
    let rows = 0;
    for (const _row of statement.iterate()) rows++;
    const readMs = performance.now() - started;
    const version = db.prepare("SELECT sqlite_version() AS v").get();
    return {
      rows,
      openMs: started - opened,
      readMs,
      sqliteVersion: String(version?.v ?? "unknown"),
    };
  } finally {
    db.close();
  }
}

/** Runs one mode; returns the exit code. */
function main(args: readonly string[]): number {
  const [mode, dbPath, table] = args;
  if (mode !== "read-all" || dbPath === undefined || table === undefined || args.length !== 3) {
    console.error(USAGE);
    return 2;
  }
  try {
    console.log(JSON.stringify(readAll(dbPath, table)));
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(main(Deno.args));
}
