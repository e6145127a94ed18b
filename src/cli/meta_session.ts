/**
 * The meta-commands that need the session (see src/cli/meta.ts): `.last` and `.chart` over the
 * kept last result, `.tables`, `.schema`, `.indexes`, `.databases`/`.sources` and `.timeout`
 * through statements, `.read` through the batch runner, `.output`/`.once` through the printer;
 * and, in modules of their own, `.show`/`.print`/`.version` (meta_show.ts), `.cd` and
 * `.shell`/`.system` (meta_shell.ts), `.import` (meta_import.ts) and `.dump` (meta_dump.ts).
 * They reach the session only through a {@link MetaContext}.
 *
 * @module
 */
import { type Cell, iterateRows, rowsResultFromArrays } from "../engine/result.ts";
import { lastResultNote, lastResultRows } from "../render/last_result.ts";
import { quoteIdentifier } from "../sql_text.ts";
import { likePattern, oneWord } from "./meta_words.ts";
import type { MetaContext, MetaResult } from "./meta_types.ts";
import { runShowCommand } from "./meta_show.ts";
import { changeDirectory, runShell } from "./meta_shell.ts";
import { importFile } from "./meta_import.ts";
import { dumpDatabase } from "./meta_dump.ts";

export type { MetaContext, MetaResult } from "./meta_types.ts";
export { commandWords } from "./meta_words.ts";

/** Commands that need a {@link MetaContext}. */
export const SESSION_COMMANDS: ReadonlySet<string> = new Set([
  "last",
  "chart",
  "tables",
  "schema",
  "indexes",
  "indices",
  "databases",
  "sources",
  "read",
  "output",
  "once",
  "show",
  "print",
  "version",
  "cd",
  "shell",
  "system",
  "import",
  "dump",
  "timeout",
]);

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
    case "indexes":
    case "indices":
      await printer.print(await indexes(context, oneWord(word, argument, "pattern")), true);
      return { kind: "done" };
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
      if (path?.startsWith("|")) {
        return {
          kind: "error",
          text:
            `${word} ${path}: results cannot go to a command here; write them to a file and run the command on it (.shell)`,
        };
      }
      if (path === undefined) {
        if (name === "once") return { kind: "error", text: `${word}: expected a file` };
        await printer.endRedirect(true);
        return { kind: "set", text: "output: stdout" };
      }
      await printer.redirect(path, name === "once");
      return { kind: "set", text: `output: ${path}${name === "once" ? " (the next result)" : ""}` };
    }
    case "show":
    case "print":
    case "version":
      return await runShowCommand(word, name, argument, context);
    case "cd":
      return changeDirectory(word, argument, context);
    case "shell":
    case "system":
      return await runShell(word, argument, context);
    case "import":
      return await importFile(word, argument, context);
    case "dump":
      return await dumpDatabase(word, argument, context);
    case "timeout":
      return await busyTimeout(word, argument, context);
    default:
      throw new Error(`no session command ${name}`);
  }
}

async function rowsOf(context: MetaContext, statement: string): Promise<Cell[][]> {
  const result = await context.execute(statement);
  if (result.kind !== "rows") return [];
  return await Array.fromAsync(iterateRows(result));
}

/**
 * `.timeout MS`: how long a statement waits for a locked SQLite database, as sqlite3's
 * `.timeout` (`SET sqlite.busy_timeout_ms = MS`).
 */
async function busyTimeout(word: string, argument: string, context: MetaContext) {
  if (!/^\d{1,9}$/.test(argument)) {
    return {
      kind: "error" as const,
      text:
        `${word}: expected milliseconds a locked SQLite database is waited for (SHOW CONFIG shows sqlite.busy_timeout_ms)`,
    };
  }
  await context.execute(`SET sqlite.busy_timeout_ms = ${Number(argument)}`);
  return { kind: "set" as const, text: `timeout: ${Number(argument)} ms` };
}

/**
 * `.indexes [TABLE]`: the indexes of DuckDB's own database and of each SQLite attachment, as
 * rows (`source`, `name`, `table`); only those of tables matching the LIKE pattern TABLE.
 */
async function indexes(context: MetaContext, pattern: string | undefined) {
  const like = pattern === undefined ? undefined : likePattern(pattern);
  const matches = (table: Cell) => like === undefined || like.test(String(table));
  const rows: Cell[][] = (await rowsOf(
    context,
    "SELECT 'duckdb', index_name, table_name FROM duckdb_indexes() " +
      "WHERE database_name = current_database() ORDER BY table_name, index_name",
  )).filter((row) => matches(row[2]));
  const sqlite = (await rowsOf(context, "SHOW SOURCES"))
    .filter((row) => row[1] === "sqlite" && row[5] === "ok")
    .map((row) => String(row[0]));
  for (const alias of sqlite) {
    const found = await rowsOf(
      context,
      `SELECT name, tbl_name FROM ${quoteIdentifier(alias)}.sqlite_master ` +
        "WHERE type = 'index' ORDER BY tbl_name, name",
    );
    for (const [name, table] of found) if (matches(table)) rows.push([alias, name, table]);
  }
  return rowsResultFromArrays(
    ["source", "name", "table"].map((name) => ({ name, type: "VARCHAR", kind: "text" as const })),
    rows,
  );
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
