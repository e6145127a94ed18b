/**
 * The programs the benches run and compare against, and how a command line is shown: the
 * project root, this process's Deno, the DuckDB CLI and the `sqlite3` shell, the raw baselines
 * (`bench/raw_duckdb.ts`, `bench/raw_sqlite.ts`, nothing of Noctra in them), a fresh Noctra
 * profile, and shell-quoted display of commands.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { RunSpec } from "./measure.ts";

/** The `sqlite3` command-line shell, defined beside the SQLite baselines that run it. */
export { SQLITE3 } from "../raw_sqlite.ts";

/** The project root, an absolute path ending in `/`; the benches run their children here. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** This process's Deno executable, which runs every Deno child. */
export const DENO = Deno.execPath();

/** The DuckDB CLI on the same libduckdb as Noctra: `../shared/tools/duckdb-cli/duckdb`. */
export const DUCKDB_CLI = fileURLToPath(
  new URL("../../../shared/tools/duckdb-cli/duckdb", import.meta.url),
);

/** Whether {@link DUCKDB_CLI} is a file here (it is not part of every checkout). */
export function duckdbCliAvailable(): boolean {
  try {
    return Deno.statSync(DUCKDB_CLI).isFile;
  } catch {
    return false;
  }
}

/** Exits with code 1 and a message when {@link DUCKDB_CLI} is missing: nothing to compare. */
export function requireDuckdbCli(): void {
  if (duckdbCliAvailable()) return;
  console.error(`no DuckDB CLI at ${DUCKDB_CLI}: nothing to compare`);
  Deno.exit(1);
}

/** Arguments after `deno` that run the raw `@duckdb/node-api` baseline with `modeArgs`. */
export function rawDuckdbArgs(...modeArgs: string[]): string[] {
  return ["run", "--allow-all", "bench/raw_duckdb.ts", ...modeArgs];
}

/** Arguments after `deno` that read every row of `table` in `dbPath` with `node:sqlite` alone. */
export function rawSqliteReadAllArgs(dbPath: string, table: string): string[] {
  return ["run", "--allow-all", "bench/raw_sqlite.ts", "read-all", dbPath, table];
}

/**
 * Quotes one argument for a POSIX shell when it needs quoting, for showing command lines:
 * single quotes, or double quotes when the text holds single quotes but nothing a shell expands
 * inside double quotes.
 */
export function shellQuote(argument: string): string {
  if (/^[\w@%+=:,./-]+$/.test(argument)) return argument;
  if (!argument.includes("'")) return `'${argument}'`;
  if (!/["$`\\!]/.test(argument)) return `"${argument}"`;
  return `'${argument.replaceAll("'", `'"'"'`)}'`;
}

/** `command` and `args` as one shell command line, each word quoted where it needs it. */
export function displayCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellQuote).join(" ");
}

/**
 * Runs `command` with `args` from the project root and returns its stdout, trimmed, or null
 * when it cannot be started or exits non-zero (stderr is discarded).
 */
export async function commandText(
  command: string,
  args: readonly string[],
): Promise<string | null> {
  try {
    const out = await new Deno.Command(command, {
      args: [...args],
      cwd: REPO_ROOT,
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

/**
 * Runs `body` with environment variables that point `XDG_STATE_HOME` and `XDG_CONFIG_HOME` at
 * new, empty directories (removed afterwards), so Noctra starts as a new user would: no config
 * file, no saved sources to restore.
 */
export async function withFreshProfile<T>(
  body: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  const home = await Deno.makeTempDir({ prefix: "noctra-bench-profile-" });
  try {
    await Deno.mkdir(`${home}/state`);
    await Deno.mkdir(`${home}/config`);
    return await body({ XDG_STATE_HOME: `${home}/state`, XDG_CONFIG_HOME: `${home}/config` });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/**
 * A fresh Noctra process for one run: `deno run -A main.ts --no-restore …args` from the project
 * root, with its state in `stateDir` and no colour, stdout counted.
 */
export function noctraRunSpec(args: readonly string[], stateDir: string): RunSpec {
  return {
    command: DENO,
    args: ["run", "-A", `${REPO_ROOT}main.ts`, "--no-restore", ...args],
    cwd: REPO_ROOT,
    stdout: "count",
    env: { XDG_STATE_HOME: stateDir, NO_COLOR: "1" },
  };
}

/** A DuckDB CLI process for one run, from the project root, stdout counted. */
export function duckdbCliRunSpec(args: readonly string[]): RunSpec {
  return { command: DUCKDB_CLI, args: [...args], cwd: REPO_ROOT, stdout: "count" };
}
