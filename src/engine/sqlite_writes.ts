/**
 * Writes whose target is a SQLite table: the forms SQLite cannot run (refused with the SQL to
 * write instead), and the copy of a DuckDB query's rows into SQLite (`INSERT INTO db.t SELECT …
 * FROM 'f.csv'`, `CREATE TABLE db.t AS SELECT …`), which streams the rows through one prepared
 * SQLite statement inside a savepoint, so a failing row leaves the database unchanged. Which
 * writes copy and which run natively is the router's decision (query_engine.ts).
 *
 * @module
 */
import type { SQLiteSource } from "./sources/sqlite_source.ts";
import type { Bridge } from "./sources/bridge.ts";
import { sqliteTypeForDuckdb, toSqliteValue } from "./sources/type_mapping.ts";
import type { Cell, MessageResult, StatementResult } from "./result.ts";
import type { StatementHead } from "../rql/statement_head.ts";
import { significantTokens } from "../rql/lexer.ts";
import type { Token } from "../rql/tokens.ts";
import { quoteIdentifier } from "../sql_text.ts";
import { NoctraError } from "../errors.ts";

/**
 * Refuses a write to `source` that SQLite will not run: any write to a READ_ONLY attachment,
 * `TRUNCATE`, `COPY … FROM`, `MERGE`, and a write that starts with `WITH`. Each message names
 * the SQL to write instead. Throws {@link NoctraError}; returns when the write may run.
 */
export function refuseUnsupportedWrite(head: StatementHead, source: SQLiteSource): void {
  if (source.readOnly) {
    throw new NoctraError(
      `${source.alias} is attached READ_ONLY: writes are refused; DETACH ${source.alias} and ATTACH it without READ_ONLY to write`,
    );
  }
  const name = `${source.alias}.${head.target[head.target.length - 1]}`;
  switch (head.verb) {
    case "truncate":
      throw new NoctraError(
        `TRUNCATE is not SQLite syntax; empty a SQLite table with DELETE FROM ${name}`,
      );
    case "copy_from":
      throw new NoctraError(
        `COPY ${name} FROM …: load files into SQLite with INSERT INTO ${name} SELECT * FROM 'file.csv'`,
      );
    case "merge":
      throw new NoctraError(
        `MERGE INTO ${name}: SQLite has no MERGE; use INSERT … ON CONFLICT DO UPDATE`,
      );
  }
  if (head.withPrefix) {
    throw new NoctraError(
      `a write to ${name} that starts with WITH: put the WITH inside the query, as in INSERT INTO ${name} WITH … SELECT …`,
    );
  }
}

/**
 * Runs the DuckDB side of an `INSERT INTO` / `CREATE TABLE … AS` whose target (`head`) is a
 * table of `source` — `runQuery` prepares and streams the source query — and writes its rows
 * into SQLite inside the savepoint `noctra_copy`, creating the table first for CREATE TABLE
 * (column types mapped from DuckDB's). Returns `N rows written to alias.table`. Throws
 * {@link NoctraError} for a query without rows, a column count that does not match, a row SQLite
 * refuses or a full disk; the database is then unchanged.
 */
export async function copyIntoSqlite(
  source: SQLiteSource,
  head: StatementHead,
  runQuery: () => Promise<StatementResult>,
  bridge: Bridge,
): Promise<MessageResult> {
  const table = head.target[head.target.length - 1]!;
  if (head.verb === "create_table" && head.ifNotExists && source.hasRelation(table)) {
    return {
      kind: "message",
      message: `${source.alias}.${table} already exists; nothing written`,
    };
  }
  const result = await runQuery();
  if (result.kind !== "rows") {
    throw new NoctraError(`${head.target.join(".")}: the source query returns no rows`);
  }
  const target = `${quoteIdentifier(source.alias)}.${quoteIdentifier(table)}`;
  source.exec("SAVEPOINT noctra_copy");
  let written = 0;
  try {
    let columnNames: readonly string[];
    if (head.verb === "create_table") {
      const definitions = result.columns.map((column) =>
        `${quoteIdentifier(column.name)} ${sqliteTypeForDuckdb(column.type)}`
      );
      source.exec(`CREATE TABLE ${target} (${definitions.join(", ")})`);
      columnNames = result.columns.map((column) => column.name);
    } else {
      columnNames = head.insertColumns ?? source.columns(table).map((column) => column.name);
      if (columnNames.length === 0) {
        throw new NoctraError(`${source.alias}.${table}: no such table in ${source.alias}`);
      }
    }
    if (columnNames.length !== result.columns.length) {
      throw new NoctraError(
        `INSERT INTO ${source.alias}.${table}: the query returns ${result.columns.length} columns but ${columnNames.length} are being inserted`,
      );
    }
    const verb = head.orAction === undefined ? "INSERT" : `INSERT OR ${head.orAction}`;
    const insert = source.prepare(
      `${verb} INTO ${target} (${columnNames.map(quoteIdentifier).join(", ")}) VALUES (${
        columnNames.map(() => "?").join(", ")
      })${head.conflictClause === undefined ? "" : " " + head.conflictClause}`,
    );
    for await (const chunk of result.chunks()) {
      for (let row = 0; row < chunk.rowCount; row++) {
        const values = chunk.columns.map((vector, index) =>
          toSqliteValue(vector.getItem(row), columnNames[index]!, written + 1)
        );
        try {
          insert.run(...(values as never[]));
        } catch (error) {
          if (isDiskFull(error)) throw diskFull(head, source, table, written, error);
          throw new NoctraError(
            `INSERT INTO ${source.alias}.${table}: row ${written + 1} (${
              values.map((value) => describeCell(value)).join(", ")
            }) was refused: ${(error as Error).message}; nothing was written`,
          );
        }
        written++;
      }
    }
    try {
      source.exec("RELEASE noctra_copy");
    } catch (error) {
      if (isDiskFull(error) || isDiskFull((error as Error).cause)) {
        throw diskFull(head, source, table, written, error);
      }
      throw error;
    }
  } catch (error) {
    try {
      source.exec("ROLLBACK TO noctra_copy; RELEASE noctra_copy");
    } catch {
      // SQLite already rolled the whole transaction back (it does on SQLITE_FULL and I/O
      // errors), savepoint included: the database is unchanged either way.
    }
    throw error;
  }
  source.noteWrite();
  if (head.verb === "create_table") await bridge.refreshShadow(source);
  return {
    kind: "message",
    message: `${written} rows written to ${source.alias}.${table}`,
    rowsChanged: written,
  };
}

/** True for SQLite's `SQLITE_FULL` (database or disk is full), directly or as a cause. */
function isDiskFull(error: unknown): boolean {
  const code = (error as { errcode?: number } | undefined)?.errcode;
  return code !== undefined && (code & 0xff) === 13;
}

/** The error of a copy into SQLite stopped by a full disk (the database is left unchanged). */
function diskFull(
  head: StatementHead,
  source: SQLiteSource,
  table: string,
  written: number,
  error: unknown,
): NoctraError {
  const verb = head.verb === "create_table" ? "CREATE TABLE" : "INSERT INTO";
  return new NoctraError(
    `${verb} ${source.alias}.${table}: disk full while writing ${source.path} after ${written} rows (SQLite: database or disk is full); nothing was written, the database is unchanged — free space and run it again`,
    undefined,
    { cause: error },
  );
}

/** A value of a refused row as the error message shows it (long text cut at 30 characters). */
function describeCell(value: Cell): string {
  if (value === null) return "NULL";
  if (typeof value === "string") return `'${value.length > 30 ? value.slice(0, 30) + "…" : value}'`;
  if (value instanceof Uint8Array) return `BLOB(${value.length} bytes)`;
  return String(value);
}

/**
 * `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON alias.table (…)` — DuckDB's form, with the
 * attachment on the table — in SQLite's form, which puts it on the index and refuses it on the
 * table (`CREATE INDEX alias.name ON table (…)`, sqlite.org/lang_createindex.html). Only the
 * identifiers move, as written; the rest of the text is kept. Returns null for any other
 * statement, or when the index name is qualified already.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { sqliteIndexStatement } from "./sqlite_writes.ts";
 *
 * strictEqual(
 *   sqliteIndexStatement('CREATE UNIQUE INDEX IF NOT EXISTS ix ON db."my t" (a, b)'),
 *   'CREATE UNIQUE INDEX IF NOT EXISTS db.ix ON "my t" (a, b)',
 * );
 * strictEqual(sqliteIndexStatement("CREATE INDEX db.ix ON t (a)"), null);
 * ```
 */
export function sqliteIndexStatement(statement: string): string | null {
  let tokens: Token[];
  try {
    tokens = significantTokens(statement);
  } catch {
    return null;
  }
  const words = tokens.map((token) => token.kind === "word" ? token.value.toUpperCase() : "");
  let at = words[0] === "CREATE" ? 1 : -1;
  if (at < 0) return null;
  if (words[at] === "UNIQUE") at++;
  if (words[at++] !== "INDEX") return null;
  if (words[at] === "IF" && words[at + 1] === "NOT" && words[at + 2] === "EXISTS") at += 3;
  const isName = (token: Token | undefined) =>
    token !== undefined && (token.kind === "word" || token.kind === "quoted_identifier");
  const index = tokens[at];
  if (!isName(index) || words[at + 1] !== "ON") return null;
  const schema = tokens[at + 2];
  const table = tokens[at + 4];
  if (!isName(schema) || tokens[at + 3]?.text !== "." || !isName(table)) return null;
  if (tokens[at + 5]?.text === ".") return null; // catalog.schema.table: not an attachment's
  return statement.slice(0, index!.start) + schema!.text + "." +
    statement.slice(index!.start, schema!.start) + statement.slice(table!.start);
}
