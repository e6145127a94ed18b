/**
 * `SQLiteSource`: one attached SQLite database, served by Deno's built-in `node:sqlite`.
 *
 * Each attachment has its own `DatabaseSync` connection on an in-memory main database with the
 * file attached under the user's alias (`ATTACH DATABASE ? AS ?`), so statements keep the
 * user's qualified names (`alias.table`) and run unchanged in SQLite. A READ_ONLY attachment is
 * attached through a `file:…?mode=ro` URI, so SQLite itself refuses writes.
 *
 * `node:sqlite` honours Deno's `--allow-read/--allow-write` and needs no download; DuckDB's
 * `sqlite_scanner` would be downloaded at run time, which fails offline (docs/HYBRID.md).
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { pathToFileURL } from "node:url";
import { NoctraError } from "../../errors.ts";
import type { Cell, ColumnInfo, MessageResult, ResultChunk, RowsResult } from "../result.ts";
import { kindForSqlite, toSqliteValue } from "./type_mapping.ts";

/** Options for {@link SQLiteSource.open}. */
export interface SQLiteOpenOptions {
  /** Attach read-only: every write fails in SQLite. */
  readonly readOnly: boolean;
  /** Create the database file when it does not exist (else a missing file is an error). */
  readonly create: boolean;
  /** How long SQLite retries a locked database before SQLITE_BUSY (ms). */
  readonly busyTimeoutMs: number;
}

/** A table or view of an attached database. */
export interface SQLiteRelation {
  /** The name in `sqlite_master`. */
  readonly name: string;
  /** Whether it is a table or a view. */
  readonly type: "table" | "view";
}

/** A column as `PRAGMA table_xinfo` reports it. */
export interface SQLiteColumn {
  /** Column name. */
  readonly name: string;
  /** Declared type, `""` when none. */
  readonly declaredType: string;
  /** Declared `NOT NULL`. */
  readonly notNull: boolean;
  /** Part of the primary key. */
  readonly primaryKey: boolean;
}

/** Rows per chunk when streaming SQLite results (DuckDB's vector size). */
export const SQLITE_PAGE_ROWS = 2048;

const SQLITE_BUSY = 5;
const SQLITE_NOTADB = 26;
const SQLITE_CORRUPT = 11;

/**
 * Turns node:sqlite's errors into one line that names the attachment (and its file, for errors
 * about the file itself).
 */
export function sqliteError(
  alias: string,
  error: unknown,
  busyTimeoutMs?: number,
  path?: string,
): NoctraError {
  const record = error as { errcode?: number; message?: string };
  const base = record.errcode ?? 0;
  const message = record.message ?? String(error);
  if ((base & 0xff) === SQLITE_BUSY) {
    return new NoctraError(
      `SQLite database ${alias} is locked by another connection (waited ${
        busyTimeoutMs ?? 0
      } ms); try again when the other writer has finished`,
      undefined,
      { cause: error },
    );
  }
  const where = path === undefined ? alias : `${alias} (${path})`;
  if ((base & 0xff) === SQLITE_NOTADB) {
    return new NoctraError(`${where}: file is not a SQLite database`, undefined, { cause: error });
  }
  if ((base & 0xff) === SQLITE_CORRUPT) {
    return new NoctraError(`${where}: the database file is damaged (${message})`, undefined, {
      cause: error,
    });
  }
  return new NoctraError(`SQLite (${alias}): ${message}`, undefined, { cause: error });
}

/** One attached SQLite database. */
export class SQLiteSource {
  /** Alias the database is attached under, in SQLite and in DuckDB. */
  readonly alias: string;
  /** Absolute path of the database file. */
  readonly path: string;
  /** Attached read-only (`ATTACH … (READ_ONLY)`): writes are refused. */
  readonly readOnly: boolean;
  /** How long a statement waits for another connection's lock (SQLite `busy_timeout`), ms. */
  readonly busyTimeoutMs: number;
  readonly #db: DatabaseSync;
  /** Incremented on every write routed through this source (own writes do not move data_version). */
  #ownWrites = 0;

  private constructor(alias: string, path: string, options: SQLiteOpenOptions, db: DatabaseSync) {
    this.alias = alias;
    this.path = path;
    this.readOnly = options.readOnly;
    this.busyTimeoutMs = options.busyTimeoutMs;
    this.#db = db;
  }

  /**
   * Attaches the database at absolute `path` as `alias`. Throws {@link NoctraError} when the file
   * is missing (and `create` is off), is a directory, is not a SQLite database, or is locked.
   */
  static open(path: string, alias: string, options: SQLiteOpenOptions): SQLiteSource {
    const context = `ATTACH '${path}' AS ${alias}`;
    let exists = true;
    try {
      const info = Deno.statSync(path);
      if (info.isDirectory) {
        throw new NoctraError(`${context}: is a directory, not a database file`);
      }
      if (!info.isFile) {
        // SQLite would wait on a FIFO for a writer; a device or socket is no database either.
        throw new NoctraError(
          `${context}: not a regular file (a FIFO, socket or device); a SQLite database is a regular file`,
        );
      }
    } catch (error) {
      if (error instanceof NoctraError) throw error;
      if (!(error instanceof Deno.errors.NotFound)) {
        throw new NoctraError(`${context}: cannot read the file (${(error as Error).message})`);
      }
      exists = false;
    }
    if (!exists && !options.create) {
      throw new NoctraError(
        `${context}: no such file; to create a new database write ATTACH '${path}' AS ${alias} (TYPE SQLITE, CREATE)`,
      );
    }
    if (!exists && options.readOnly) {
      throw new NoctraError(`${context}: cannot create a READ_ONLY database that does not exist`);
    }
    const db = new DatabaseSync(":memory:");
    try {
      // node:sqlite ignores the `timeout` option for ":memory:"; the pragma applies to every
      // database attached to this connection.
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs))}`);
      const target = options.readOnly ? `${pathToFileURL(path).href}?mode=ro` : path;
      db.prepare("ATTACH DATABASE ? AS ?").run(target, alias);
      // Reading the schema makes SQLite open and check the file now, not at the first query.
      db.prepare(`SELECT count(*) FROM ${qualified(alias, "sqlite_master")}`).get();
    } catch (error) {
      db.close();
      if (/too many attached databases - max 0/.test((error as Error)?.message ?? "")) {
        // Deno's node:sqlite sets SQLITE_LIMIT_ATTACHED to 0 unless every permission is granted.
        throw new NoctraError(
          `${context}: SQLite attachments need Deno to run with every permission (-A): Deno's node:sqlite disables SQLite's ATTACH under scoped permissions. Run noctra with -A (as deno task start does) and confine file access with noctra's own --allow-read/--allow-write or --sandbox`,
          undefined,
          { cause: error },
        );
      }
      const failure = sqliteError(alias, error, options.busyTimeoutMs);
      const cause = failure.message.startsWith(`${alias}: `)
        ? failure.message.slice(alias.length + 2)
        : failure.message;
      throw new NoctraError(`${context}: ${cause}`, undefined, { cause: error });
    }
    return new SQLiteSource(alias, path, options, db);
  }

  /** Tables and views of the attached database, by name. */
  relations(): SQLiteRelation[] {
    const statement = this.#db.prepare(
      `SELECT name, type FROM ${
        qualified(this.alias, "sqlite_master")
      } WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
    );
    return statement.all().map((row) => ({
      name: String(row.name),
      type: row.type === "view" ? "view" : "table",
    }));
  }

  /** Columns of `table` (empty when there is no such table). */
  columns(table: string): SQLiteColumn[] {
    const statement = this.#db.prepare(
      // hidden: 0 ordinary, 1 hidden column of a virtual table, 2/3 generated (virtual/stored).
      `SELECT name, type, "notnull", pk FROM pragma_table_xinfo(?, ?) WHERE hidden <> 1`,
    );
    return statement.all(table, this.alias).map((row) => ({
      name: String(row.name),
      declaredType: String(row.type ?? ""),
      notNull: Number(row.notnull) === 1,
      primaryKey: Number(row.pk) > 0,
    }));
  }

  /** True when `table` names a table or view of this database (case-insensitive, as SQLite). */
  hasRelation(table: string): boolean {
    return this.relations().some((relation) => relation.name.toLowerCase() === table.toLowerCase());
  }

  /**
   * Runs one statement natively in SQLite. Statements with result columns stream their rows in
   * chunks of {@link SQLITE_PAGE_ROWS}; others report the rows they changed. `parameters` are
   * bound to the named placeholders (`$name`, given without `$`), converted with
   * {@link toSqliteValue}. Throws {@link NoctraError}.
   */
  execute(
    sql: string,
    parameters: Readonly<Record<string, Cell>> = {},
  ): RowsResult | MessageResult {
    const named: Record<string, Cell> = {};
    for (const [name, value] of Object.entries(parameters)) {
      named[name] = toSqliteValue(value, `$${name}`, 1);
    }
    const bound = Object.keys(named).length > 0 ? [named] : [];
    let statement: StatementSync;
    try {
      statement = this.#db.prepare(sql);
    } catch (error) {
      const failure = sqliteError(this.alias, error, this.busyTimeoutMs, this.path);
      if (/syntax error|no such function/i.test(failure.message)) {
        throw new NoctraError(
          `${failure.message} — this statement reads or writes only tables of ${this.alias}, so it ran natively in SQLite, in SQLite's SQL dialect; to run it in DuckDB's dialect, switch with :engine duckdb (or --engine duckdb)`,
          undefined,
          { cause: error },
        );
      }
      throw failure;
    }
    const declared = statement.columns();
    if (declared.length === 0) {
      try {
        const result = statement.run(...(bound as never[]));
        this.#ownWrites++;
        const changes = Number(result.changes);
        return { kind: "message", message: `${changes} rows changed`, rowsChanged: changes };
      } catch (error) {
        throw sqliteError(this.alias, error, this.busyTimeoutMs, this.path);
      }
    }
    returnArrays(statement);
    const pages = this.#verifiedPages(sql, statement, bound);
    // Expressions have no declared type: SQLite knows only each value's storage class, so the
    // first page's values name the column's type (INTEGER, REAL, TEXT, BLOB).
    const first = pages.next();
    const firstPage = first.done ? [] : first.value;
    const columns: ColumnInfo[] = declared.map((column, index) => {
      const type = column.type ?? storageClassOf(firstPage, index);
      return { name: column.name, type, kind: kindForSqlite(type) };
    });
    async function* chunks() {
      if (firstPage.length > 0) yield chunkOf(firstPage, declared.length);
      for (const page of pages) yield chunkOf(page, declared.length);
    }
    return { kind: "rows", columns, chunks };
  }

  /**
   * Pages of `statement`'s rows that end only when SQLite finished the statement.
   *
   * Deno's `node:sqlite` ends `StatementSync.iterate()` quietly when a step fails (integer
   * overflow, malformed JSON, SQLITE_BUSY, a damaged page): the iterator's `next()` discards
   * the error and reports `done` (ext/node/ops/sqlite/statement.rs). `all()` and `get()` do
   * report errors. So a query (anything SQLite accepts as a subquery: SELECT, VALUES, WITH …
   * SELECT) is streamed with `iterate()` and, once it ends after `n` rows, checked with
   * `SELECT * FROM (query) LIMIT 1 OFFSET n` through `get()`: that re-runs the query up to row
   * `n` and fails with SQLite's own error where the iteration stopped early, or finds a row
   * SQLite did not deliver (an unexplained stop: an error too), or finds none (complete). The
   * check costs a second pass over the rows up to the end. Other statements with results
   * (`INSERT … RETURNING`, `PRAGMA`) run once through `all()`, which reports errors, and are
   * paged from memory.
   */
  *#verifiedPages(
    sql: string,
    statement: StatementSync,
    bound: readonly unknown[],
  ): Generator<Cell[][]> {
    let check: StatementSync | undefined;
    try {
      // The query ends on its own line so a trailing `--` comment cannot swallow the `)`.
      check = this.#db.prepare(`SELECT * FROM (${sql}\n) LIMIT 1 OFFSET ?`);
    } catch {
      check = undefined;
    }
    if (check === undefined) {
      let rows: Cell[][];
      try {
        rows = statement.all(...(bound as never[])) as unknown as Cell[][];
      } catch (error) {
        throw sqliteError(this.alias, error, this.busyTimeoutMs, this.path);
      }
      for (let offset = 0; offset < rows.length; offset += SQLITE_PAGE_ROWS) {
        yield rows.slice(offset, offset + SQLITE_PAGE_ROWS);
      }
      return;
    }
    let delivered = 0;
    for (const page of pagesOf(this.alias, statement, bound as readonly Cell[])) {
      delivered += page.length;
      yield page;
    }
    const named = bound[0] as Record<string, unknown> | undefined;
    this.#checkComplete(check, named === undefined ? [] : [named], delivered);
  }

  /**
   * Checks that a query read with `iterate()` (the bridge's reads, {@link readPages}) delivered
   * all its rows: re-runs it up to row `delivered` as `SELECT * FROM (sql) LIMIT 1 OFFSET n`
   * through `get()`, which reports SQLite's errors. Throws SQLite's own error where the
   * iteration stopped early, a {@link NoctraError} when SQLite has a row it did not deliver,
   * and returns when the read was complete. `parameters` are the positional values of `sql`.
   */
  checkComplete(sql: string, parameters: readonly Cell[], delivered: number): void {
    let check: StatementSync;
    try {
      check = this.#db.prepare(`SELECT * FROM (${sql}\n) LIMIT 1 OFFSET ?`);
    } catch (error) {
      throw sqliteError(this.alias, error, this.busyTimeoutMs, this.path);
    }
    this.#checkComplete(check, parameters, delivered);
  }

  #checkComplete(check: StatementSync, bound: readonly unknown[], delivered: number): void {
    let missed: unknown;
    try {
      missed = check.get(...(bound as never[]), BigInt(delivered) as never);
    } catch (error) {
      throw sqliteError(this.alias, error, this.busyTimeoutMs, this.path);
    }
    if (missed !== undefined) {
      throw new NoctraError(
        `SQLite (${this.alias}) stopped after ${delivered} rows without reporting why; the result is incomplete (is ${this.path} damaged or being rewritten?)`,
      );
    }
  }

  /**
   * Reads `sql` (a SELECT built by the bridge) page by page as arrays of cells, each page at
   * most `pageRows` rows. Throws {@link NoctraError}.
   */
  *readPages(
    sql: string,
    parameters: readonly Cell[],
    pageRows = SQLITE_PAGE_ROWS,
  ): Generator<Cell[][]> {
    let statement: StatementSync;
    try {
      statement = this.#db.prepare(sql);
    } catch (error) {
      throw sqliteError(this.alias, error, this.busyTimeoutMs, this.path);
    }
    returnArrays(statement);
    let page: Cell[][] = [];
    try {
      for (const row of statement.iterate(...(parameters as never[]))) {
        page.push(row as unknown as Cell[]);
        if (page.length === pageRows) {
          yield page;
          page = [];
        }
      }
    } catch (error) {
      throw sqliteError(this.alias, error, this.busyTimeoutMs, this.path);
    }
    if (page.length > 0) yield page;
  }

  /** Prepares a statement for repeated runs (the bridge's INSERT into SQLite). */
  prepare(sql: string): StatementSync {
    try {
      return this.#db.prepare(sql);
    } catch (error) {
      throw sqliteError(this.alias, error, this.busyTimeoutMs, this.path);
    }
  }

  /** Runs statements for their effect (BEGIN, COMMIT, DDL built by Noctra). */
  exec(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch (error) {
      throw sqliteError(this.alias, error, this.busyTimeoutMs, this.path);
    }
  }

  /** True while a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.#db.isTransaction;
  }

  /** SQLite's schema cookie: changes whenever any connection changes the schema. */
  schemaVersion(): number {
    try {
      const row = this.#db.prepare(`PRAGMA ${quote(this.alias)}.schema_version`).get();
      return Number(row?.schema_version ?? -1);
    } catch (error) {
      throw sqliteError(this.alias, error, this.busyTimeoutMs, this.path);
    }
  }

  /** Marks that this connection changed the data (for cache invalidation). */
  noteWrite(): void {
    this.#ownWrites++;
  }

  /**
   * A value that changes whenever the database's data may have changed: own writes,
   * `PRAGMA data_version` (commits by other connections) and the file's size and mtime (writes
   * by other processes).
   */
  dataSignature(): string {
    let version = "?";
    try {
      const row = this.#db.prepare(`PRAGMA ${quote(this.alias)}.data_version`).get();
      version = String(row?.data_version ?? "?");
    } catch { /* an unreadable version only costs a cache miss */ }
    let file = "?";
    try {
      const info = Deno.statSync(this.path);
      file = `${info.size}:${info.mtime?.getTime() ?? 0}`;
    } catch { /* missing file: signature changes, cache misses */ }
    return `${this.#ownWrites}:${version}:${file}`;
  }

  /** Closes the connection (detaches the file). */
  close(): void {
    try {
      this.#db.close();
    } catch { /* already closed */ }
  }
}

function* pagesOf(
  alias: string,
  statement: StatementSync,
  parameters: readonly Cell[],
): Generator<Cell[][]> {
  let page: Cell[][] = [];
  try {
    for (const row of statement.iterate(...(parameters as never[]))) {
      page.push(row as unknown as Cell[]);
      if (page.length === SQLITE_PAGE_ROWS) {
        yield page;
        page = [];
      }
    }
  } catch (error) {
    throw sqliteError(alias, error);
  }
  if (page.length > 0) yield page;
}

function chunkOf(rows: Cell[][], columnCount: number): ResultChunk {
  const columns = [];
  for (let column = 0; column < columnCount; column++) {
    columns.push({ getItem: (row: number) => rows[row]?.[column] ?? null });
  }
  return { rowCount: rows.length, columns };
}

/** SQLite storage class of the first non-NULL value of `column` in `rows`, or "" when none. */
function storageClassOf(rows: readonly Cell[][], column: number): string {
  for (const row of rows) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (typeof value === "bigint") return "INTEGER";
    if (typeof value === "number") return "REAL";
    if (typeof value === "string") return "TEXT";
    if (value instanceof Uint8Array) return "BLOB";
  }
  return "";
}

/**
 * Rows as arrays (`setReturnArrays`, present in Deno's node:sqlite but missing from the bundled
 * @types/node) and integers as bigint (`setReadBigInts`), so no INTEGER loses precision.
 */
function returnArrays(statement: StatementSync): void {
  (statement as StatementSync & { setReturnArrays(enabled: boolean): void }).setReturnArrays(true);
  statement.setReadBigInts(true);
}

/** Quotes an identifier for SQLite. */
function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."name"` for SQLite. */
export function qualified(schema: string, name: string): string {
  return `${quote(schema)}.${quote(name)}`;
}
