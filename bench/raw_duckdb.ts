/**
 * Baselines for `bench/run.ts`: plain `@duckdb/node-api` with nothing of Noctra in between. Each
 * run creates an in-memory instance, connects, does one thing, closes and exits.
 *
 * Usage: `deno run --allow-all bench/raw_duckdb.ts MODE [SQL]`
 *
 * Modes:
 * - `copy-csv SQL`: DuckDB's own CSV writer, `COPY (SQL) TO '/dev/stdout' (FORMAT csv, HEADER)`,
 *   so the rows go straight from DuckDB's threads to this process's stdout.
 * - `query SQL`: `runAndReadAll(SQL)` and prints a header line and one line per row, cells as
 *   `String(value)` separated by tabs (NULL prints as `NULL`).
 * - `version`: prints DuckDB's `version()` and the `@duckdb/node-api` package version, tab
 *   separated.
 *
 * Exit code 0 on success, 1 when DuckDB raises an error (message on stderr), 2 for bad usage.
 *
 * @module
 */
import { DuckDBInstance } from "@duckdb/node-api";

const USAGE = "usage: raw_duckdb.ts copy-csv SQL | query SQL | version";

/** Writes all of `text` to stdout. */
async function writeOut(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += await Deno.stdout.write(bytes.subarray(offset));
}

/** The `@duckdb/node-api` version this script resolved, read from the package's package.json. */
async function nodeApiVersion(): Promise<string> {
  const entry = new URL(import.meta.resolve("@duckdb/node-api"));
  for (let dir = new URL("./", entry); dir.pathname !== "/"; dir = new URL("../", dir)) {
    try {
      const meta = JSON.parse(await Deno.readTextFile(new URL("package.json", dir)));
      if (meta.name === "@duckdb/node-api") return String(meta.version);
    } catch {
      // Not here; keep walking up.
    }
  }
  return "unknown";
}

/** Runs one mode; returns the exit code. */
async function main(args: readonly string[]): Promise<number> {
  const [mode, sql] = args;
  if (mode !== "version" && (sql === undefined || args.length !== 2)) {
    console.error(USAGE);
    return 2;
  }
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    switch (mode) {
      case "copy-csv":
        await connection.run(`COPY (${sql}) TO '/dev/stdout' (FORMAT csv, HEADER)`);
        return 0;
      case "query": {
        const reader = await connection.runAndReadAll(sql!);
        const lines = [reader.columnNames().join("\t")];
        for (const row of reader.getRows()) {
          lines.push(row.map((cell) => cell === null ? "NULL" : String(cell)).join("\t"));
        }
        await writeOut(lines.join("\n") + "\n");
        return 0;
      }
      case "version": {
        const reader = await connection.runAndReadAll("SELECT version()");
        await writeOut(`${String(reader.getRows()[0]?.[0])}\t${await nodeApiVersion()}\n`);
        return 0;
      }
      default:
        console.error(USAGE);
        return 2;
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
