/**
 * The meta-commands that need the session (see src/cli/meta.ts): `.last` and `.chart` over the
 * kept last result, `.tables`, `.schema`, `.databases`/`.sources` through statements, `.read`
 * through the batch runner, `.output`/`.once` through the printer. They reach the session only
 * through a {@link MetaContext}.
 *
 * @module
 */
import type { ResultPrinter } from "./output.ts";
import {
  type Cell,
  iterateRows,
  rowsResultFromArrays,
  type StatementResult,
} from "../engine/result.ts";
import { lastResultNote, lastResultRows } from "../render/last_result.ts";
import { NoctraError } from "../errors.ts";
import { quoteIdentifier } from "../sql_text.ts";

/**
 * What a meta-command run with a {@link MetaContext} did:
 *
 * - `quit`: leave the REPL; in a script, stop the script (in a `.read` file, that file).
 * - `reply`: an answer to show (`.mode` alone, `.help`, what `.last` could not show).
 * - `set`: a setting changed; `text` confirms it (the REPL shows it, scripts stay silent).
 * - `done`: its output is written already (`.tables`, `.schema`, `.last`, `.chart`).
 * - `error`: it failed; `text` says why in one line (a script reports `NAME:LINE: text` and
 *   stops); `cause` is the error thrown, if any (output errors end a script as they do after a
 *   statement).
 * - `failed`: a `.read` script failed; its errors were reported; `exitCode` is its code.
 */
export type MetaResult =
  | { readonly kind: "quit" }
  | { readonly kind: "reply"; readonly text: string }
  | { readonly kind: "set"; readonly text: string }
  | { readonly kind: "done" }
  | { readonly kind: "error"; readonly text: string; readonly cause?: unknown }
  | { readonly kind: "failed"; readonly exitCode: number };

/** What the meta-commands that need the session may use of it; see the module. */
export interface MetaContext {
  /** The printer: output settings, the last result, the `.output` file, text output. */
  readonly printer: ResultPrinter;
  /** Runs one statement (SQL or RQL) and returns its result unprinted. */
  execute(statement: string): Promise<StatementResult>;
  /**
   * Runs the statements and dot-commands of the script file at `path` as `-f` does, printing
   * their results; returns its exit code (its errors are reported already). Throws when the
   * file cannot be read.
   */
  runFile(path: string): Promise<number>;
}

/** Commands that need a {@link MetaContext}. */
export const SESSION_COMMANDS: ReadonlySet<string> = new Set([
  "last",
  "chart",
  "tables",
  "schema",
  "databases",
  "sources",
  "read",
  "output",
  "once",
]);

/**
 * The words of a dot-command's argument as the DuckDB CLI splits them: at spaces; a word that
 * starts with a single or double quote runs to the matching quote (`.read "my file.sql"`,
 * `.nullvalue ''`), `\` escaping a character inside double quotes; a quote later in a word is
 * a character (`.read it's.sql`). Throws on an unclosed quote.
 */
export function commandWords(word: string, argument: string): string[] {
  const words: string[] = [];
  const pattern = /\s*(?:'([^']*)'|"((?:[^"\\]|\\.)*)"|([^\s'"]\S*))/y;
  let at = 0;
  while (at < argument.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(argument);
    if (match === null) break;
    words.push(match[1] ?? match[2]?.replace(/\\(.)/g, "$1") ?? match[3]!);
    at = pattern.lastIndex;
  }
  if (argument.slice(at).trim() !== "") {
    throw new NoctraError(`${word}: unclosed quote in ${argument}`);
  }
  return words;
}

/** The one word (a file name, a pattern) of `argument`, or undefined when it is empty. */
function oneWord(word: string, argument: string, what: string): string | undefined {
  const words = commandWords(word, argument);
  if (words.length > 1) {
    throw new NoctraError(`${word}: expected one ${what}; quote it when it holds spaces`);
  }
  return words[0];
}

/**
 * Runs the session command `name` (one of {@link SESSION_COMMANDS}), typed as `word` with
 * `argument`. Throws what the session throws (a failed statement, a file that cannot be read):
 * the caller turns it into an `error` result.
 */
export async function runSessionCommand(
  word: string,
  name: string,
  argument: string,
  context: MetaContext,
): Promise<MetaResult> {
  const printer = context.printer;
  switch (name) {
    case "last": {
      const last = printer.lastResult;
      if (last === undefined) return { kind: "error", text: `${word}: no result to show yet` };
      await printer.reprint(lastResultRows(last));
      const note = lastResultNote(last);
      return note === undefined ? { kind: "done" } : { kind: "reply", text: `${word}: ${note}` };
    }
    case "chart": {
      const { drawChart, parseChartArguments } = await import("../render/chart.ts");
      const request = parseChartArguments(argument);
      const last = printer.lastResult;
      if (last === undefined) return { kind: "error", text: `${word}: no result to draw yet` };
      const data = { ...last, totalRows: last.ended ? last.totalRows : undefined };
      await printer.write(drawChart(data, request, printer.chartSpace()));
      return { kind: "done" };
    }
    case "tables":
      await printer.print(await tables(context, oneWord(word, argument, "pattern")), true);
      return { kind: "done" };
    case "schema": {
      const text = await schema(context, oneWord(word, argument, "pattern"));
      if (text !== "") await printer.write(text);
      return { kind: "done" };
    }
    case "databases":
    case "sources":
      if (argument !== "") return { kind: "error", text: `${word}: takes no argument` };
      await printer.print(await context.execute("SHOW SOURCES"), true);
      return { kind: "done" };
    case "read": {
      const path = oneWord(word, argument, "file");
      if (path === undefined) return { kind: "error", text: `${word}: expected a file to run` };
      const exitCode = await context.runFile(path);
      return exitCode === 0 ? { kind: "done" } : { kind: "failed", exitCode };
    }
    case "output":
    case "once": {
      const path = oneWord(word, argument, "file");
      if (path === undefined) {
        if (name === "once") return { kind: "error", text: `${word}: expected a file` };
        await printer.endRedirect(true);
        return { kind: "set", text: "output: stdout" };
      }
      await printer.redirect(path, name === "once");
      return { kind: "set", text: `output: ${path}${name === "once" ? " (the next result)" : ""}` };
    }
    default:
      throw new Error(`no session command ${name}`);
  }
}

/**
 * A SQL LIKE pattern (`%` any text, `_` one character, case-sensitive as in DuckDB) as a regular
 * expression matching whole names.
 */
function likePattern(pattern: string): RegExp {
  let source = "";
  for (const char of pattern) {
    if (char === "%") source += "[\\s\\S]*";
    else if (char === "_") source += "[\\s\\S]";
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "u");
}

async function rowsOf(context: MetaContext, statement: string): Promise<Cell[][]> {
  const result = await context.execute(statement);
  if (result.kind !== "rows") return [];
  return await Array.fromAsync(iterateRows(result));
}

/** `.tables [PATTERN]`: `SHOW TABLES`, only the names that match PATTERN when given. */
async function tables(context: MetaContext, pattern: string | undefined) {
  const result = await context.execute("SHOW TABLES");
  if (pattern === undefined || result.kind !== "rows") return result;
  const like = likePattern(pattern);
  const rows = (await Array.fromAsync(iterateRows(result))).filter((row) =>
    like.test(String(row[1]))
  );
  return rowsResultFromArrays(result.columns, rows);
}

/**
 * `.schema [PATTERN]`: the CREATE statements of DuckDB's tables and views (as DuckDB's `.schema`
 * prints them, ordered by name), then those of each SQLite attachment as SQLite keeps them,
 * under a `-- alias (SQLite)` line; only names matching PATTERN when given. One statement a
 * line, each ending in `;`.
 */
async function schema(context: MetaContext, pattern: string | undefined): Promise<string> {
  const like = pattern === undefined ? undefined : likePattern(pattern);
  const matches = (name: Cell) => like === undefined || like.test(String(name));
  const sqlite = (await rowsOf(context, "SHOW SOURCES"))
    .filter((row) => row[1] === "sqlite" && row[5] === "ok")
    .map((row) => String(row[0]));
  const duckdb = await rowsOf(
    context,
    "SELECT database_name, name, sql FROM (" +
      "SELECT database_name, table_name AS name, sql FROM duckdb_tables() WHERE NOT internal " +
      "UNION ALL SELECT database_name, view_name, sql FROM duckdb_views() WHERE NOT internal" +
      ") ORDER BY name",
  );
  let text = "";
  for (const [database, name, sql] of duckdb) {
    if (!sqlite.includes(String(database)) && matches(name) && sql !== null) {
      text += statementLine(String(sql));
    }
  }
  for (const alias of sqlite) {
    const rows = await rowsOf(
      context,
      `SELECT name, sql FROM ${quoteIdentifier(alias)}.sqlite_master ` +
        "WHERE type IN ('table', 'view') AND sql IS NOT NULL ORDER BY name",
    );
    const shown = rows.filter(([name]) => matches(name) && !String(name).startsWith("sqlite_"));
    if (shown.length === 0) continue;
    text += `-- ${alias} (SQLite)\n`;
    for (const [, sql] of shown) text += statementLine(String(sql));
  }
  return text;
}

function statementLine(sql: string): string {
  const trimmed = sql.trim();
  return (trimmed.endsWith(";") ? trimmed : trimmed + ";") + "\n";
}
