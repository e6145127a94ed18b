/**
 * The bridge: copies SQLite tables into DuckDB so that one DuckDB query can join them with files.
 *
 * Each SQLite attachment has a *shadow catalog* in DuckDB with the same name (an in-memory
 * `ATTACH ':memory:' AS alias`) holding one table per SQLite table, with the same columns and
 * mapped types (type_mapping.ts). Shadow tables stay empty until a query needs them, so DuckDB
 * can bind and classify every statement that names `alias.table`, and the user's SQL runs
 * unchanged once the referenced tables are loaded.
 *
 * Loading reads only the referenced columns (the others stay NULL) and only the rows that pass
 * the pushed-down filters, page by page from SQLite (`setReturnArrays`), and appends each page to
 * DuckDB through one reused `DuckDBDataChunk` (`appendDataChunk`) — never row-by-row SQL.
 *
 * Caching (`[hybrid] materialize_threshold_rows`): a table with fewer rows than the threshold is
 * re-read for every query (cheap, always fresh); a larger one is materialized whole — all columns,
 * no filter — and reused until its data signature changes (own writes, `PRAGMA data_version`,
 * file size and mtime).
 *
 * @module
 */
import {
  BIGINT,
  BLOB,
  blobValue,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  VARCHAR,
} from "../duckdb_api.ts";
import type { DuckDBSource } from "./duckdb_source.ts";
import {
  qualified,
  SQLITE_PAGE_ROWS,
  type SQLiteColumn,
  type SQLiteSource,
} from "./sqlite_source.ts";
import { duckdbTypeForSqlite } from "./type_mapping.ts";
import { type PushedFilter, tableUsage } from "./pushdown.ts";

export type { PushedFilter, PushedOperator } from "./pushdown.ts";
import type { Cell } from "../result.ts";
import { NoctraError } from "../../errors.ts";
import { quoteIdentifier } from "../../sql_text.ts";
import { textOf } from "../../render/values.ts";

/**
 * Longest a copy from SQLite runs without giving way to the event loop, in ms: the bound on how
 * late Ctrl-C acts during a copy (each pause costs ~2 ms, so ~1 % of a long copy).
 */
export const COPY_YIELD_MS = 200;

/** What one query needs of one SQLite table. */
export interface BridgeRequest {
  readonly source: SQLiteSource;
  readonly table: string;
  /** Referenced column names (case-insensitive), or "all" (e.g. for `SELECT *`). */
  readonly columns: readonly string[] | "all";
  readonly filters: readonly PushedFilter[];
}

/** A cache entry as `SHOW CACHE` lists it. */
export interface CachedTable {
  readonly alias: string;
  readonly table: string;
  readonly rows: number;
  /** When the table was materialized (ms since the epoch). */
  readonly loadedAt: number;
}

interface CacheState {
  readonly source: SQLiteSource;
  readonly signature: string;
  readonly rows: number;
  readonly loadedAt: number;
  /** The columns copied (lower-case names), or every column; the others hold NULLs. */
  readonly columns: ReadonlySet<string> | "all";
}

/** True when `loaded` holds every column of `wanted`. */
function covers(loaded: ReadonlySet<string> | "all", wanted: ReadonlySet<string> | "all"): boolean {
  if (loaded === "all") return true;
  if (wanted === "all") return false;
  for (const name of wanted) if (!loaded.has(name)) return false;
  return true;
}

/** What a load did, for timing and tests. */
export interface BridgeLoad {
  readonly rows: number;
  readonly cached: boolean;
}

const TYPE_BY_NAME: Readonly<Record<string, DuckDBType>> = {
  BIGINT,
  VARCHAR,
  DOUBLE,
  BLOB,
  BOOLEAN,
};

/** Copies SQLite tables into DuckDB shadow catalogs, with projection, pushdown and caching. */
export class Bridge {
  readonly #duckdb: DuckDBSource;
  readonly #thresholdRows: () => number;
  readonly #cache = new Map<string, CacheState>();
  /** Rows copied so far by the copy in progress, or null when none runs. */
  #copying: { rows: number } | null = null;
  #interrupted = false;
  /** SQLite's schema cookie when each source's shadow tables were last built. */
  readonly #schemaVersions = new Map<SQLiteSource, number>();

  /** `thresholdRows` is read at each load, so `SET` changes apply at once. */
  constructor(duckdb: DuckDBSource, thresholdRows: () => number) {
    this.#duckdb = duckdb;
    this.#thresholdRows = thresholdRows;
  }

  /** Rows copied so far by the copy from SQLite in progress, or null when none runs. */
  get copiedRows(): number | null {
    return this.#copying?.rows ?? null;
  }

  /**
   * Stops the copy in progress: it gives way to the event loop at least every
   * {@link COPY_YIELD_MS} (so a Ctrl-C handler runs) and then throws {@link NoctraError}
   * "interrupted". The shadow table is emptied by the next copy, and nothing is cached.
   */
  interrupt(): void {
    if (this.#copying !== null) this.#interrupted = true;
  }

  /** Creates the shadow catalog of `source` and an empty shadow table per SQLite table. */
  async attachShadow(source: SQLiteSource): Promise<void> {
    await this.#duckdb.run(`ATTACH ':memory:' AS ${quoteIdentifier(source.alias)}`);
    await this.refreshShadow(source);
  }

  /**
   * Re-creates the shadow tables after the SQLite schema may have changed (CREATE/DROP/ALTER run
   * natively), and forgets the source's cache.
   */
  async refreshShadow(source: SQLiteSource): Promise<void> {
    this.dropCache(source.alias);
    this.#schemaVersions.set(source, source.schemaVersion());
    const catalog = quoteIdentifier(source.alias);
    const existing = await this.#duckdb.readAll(
      "SELECT table_name FROM duckdb_tables() WHERE database_name = $1",
      [source.alias],
    );
    for (const [name] of existing) {
      await this.#duckdb.run(`DROP TABLE ${catalog}.main.${quoteIdentifier(String(name))}`);
    }
    for (const relation of source.relations()) {
      const columns = source.columns(relation.name);
      if (columns.length === 0) continue;
      const definitions = columns.map((column) =>
        `${quoteIdentifier(column.name)} ${duckdbTypeForSqlite(column.declaredType)}`
      );
      await this.#duckdb.run(
        `CREATE TABLE ${catalog}.main.${quoteIdentifier(relation.name)} (${
          definitions.join(", ")
        })`,
      );
    }
  }

  /** Drops the shadow catalog of `alias` (on DETACH). */
  async detachShadow(source: SQLiteSource): Promise<void> {
    const alias = source.alias;
    this.dropCache(alias);
    this.#schemaVersions.delete(source);
    await this.#duckdb.run(`DETACH ${quoteIdentifier(alias)}`);
  }

  /**
   * Fills the shadow tables of SQLite `tables` that the statement whose DuckDB parse tree is
   * `parseTree` reads: only the columns it uses and the rows its pushable filters keep
   * (pushdown.ts). Throws {@link NoctraError} for a table its attachment does not have, and
   * what {@link load} throws.
   */
  async loadFor(
    parseTree: unknown,
    tables: readonly { source: SQLiteSource; table: string }[],
  ): Promise<void> {
    for (const { source, table } of tables) {
      const columns = source.columns(table);
      if (columns.length === 0) {
        throw new NoctraError(
          `${source.alias}.${table}: no such table in ${source.alias} (SHOW TABLES FROM ${source.alias})`,
        );
      }
      const usage = tableUsage(parseTree, { alias: source.alias, table, columns });
      await this.load({ source, table, columns: usage.columns, filters: usage.filters });
    }
  }

  /**
   * Fills the shadow table for `request` with what the query needs. Throws {@link NoctraError}
   * naming the column and value when a SQLite value does not fit the column's mapped type.
   */
  async load(request: BridgeRequest): Promise<BridgeLoad> {
    const { source, table } = request;
    // Another connection may have changed the schema since the shadow tables were built.
    if (source.schemaVersion() !== this.#schemaVersions.get(source)) {
      await this.refreshShadow(source);
    }
    const key = cacheKey(source.alias, table);
    const signature = source.dataSignature();
    const requested: ReadonlySet<string> | "all" = request.columns === "all"
      ? "all"
      : new Set(request.columns.map((name) => name.toLowerCase()));
    const cached = this.#cache.get(key);
    const current = cached !== undefined && cached.signature === signature ? cached : undefined;
    if (current !== undefined && covers(current.columns, requested)) {
      return { rows: current.rows, cached: true };
    }
    this.#cache.delete(key);
    const columns = source.columns(table);
    const rowCount = this.#countRows(source, table);
    const materialize = rowCount >= this.#thresholdRows();
    // A materialized table is copied whole in rows (no filters, so later queries can reuse it)
    // but only in the columns queries asked for so far: a query that needs more copies again.
    const loading: ReadonlySet<string> | "all" = requested === "all" || current?.columns === "all"
      ? "all"
      : materialize && current !== undefined
      ? new Set([...current.columns, ...requested])
      : requested;
    const wanted = loading === "all"
      ? columns
      : columns.filter((column) => loading.has(column.name.toLowerCase()));
    const filters = materialize ? [] : request.filters;
    const { rows, sql, parameters } = await this.#copy(source, table, columns, wanted, filters);
    if (filters.length > 0 || rows !== rowCount) {
      // Deno's node:sqlite ends an iteration quietly when SQLite fails mid-way: a filtered copy
      // (no count to compare) or a short one is checked, which raises SQLite's own error.
      try {
        source.checkComplete(sql, parameters, rows);
      } catch (error) {
        await this.#duckdb.run(
          `DELETE FROM ${quoteIdentifier(source.alias)}.main.${quoteIdentifier(table)}`,
        );
        throw error;
      }
    }
    if (filters.length === 0 && rows !== rowCount) {
      // Deno's node:sqlite ends an iteration quietly when SQLite fails mid-way (a damaged page,
      // an interrupt): a short copy is an error, never a silently smaller table.
      await this.#duckdb.run(
        `DELETE FROM ${quoteIdentifier(source.alias)}.main.${quoteIdentifier(table)}`,
      );
      throw new NoctraError(
        `bridge of ${source.alias}.${table}: SQLite stopped after ${rows} of ${rowCount} rows without reporting why (is ${source.path} damaged?); nothing was bridged`,
      );
    }
    if (materialize) {
      this.#cache.set(key, { source, signature, rows, loadedAt: Date.now(), columns: loading });
    }
    return { rows, cached: false };
  }

  /** Materialized tables currently cached (entries whose data changed since are dropped). */
  cachedTables(): CachedTable[] {
    for (const [key, state] of [...this.#cache.entries()]) {
      if (state.source.dataSignature() !== state.signature) this.#cache.delete(key);
    }
    return [...this.#cache.entries()].map(([key, state]) => {
      const [alias = "", table = ""] = JSON.parse(key) as string[];
      return { alias, table, rows: state.rows, loadedAt: state.loadedAt };
    });
  }

  /** Forgets cached tables (of one attachment, or all); the next query re-reads them. */
  dropCache(alias?: string): number {
    let dropped = 0;
    for (const key of [...this.#cache.keys()]) {
      const [keyAlias] = JSON.parse(key) as string[];
      if (alias === undefined || keyAlias?.toLowerCase() === alias.toLowerCase()) {
        this.#cache.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  #countRows(source: SQLiteSource, table: string): number {
    for (
      const page of source.readPages(`SELECT count(*) FROM ${qualified(source.alias, table)}`, [])
    ) {
      return Number(page[0]?.[0] ?? 0);
    }
    return 0;
  }

  async #copy(
    source: SQLiteSource,
    table: string,
    columns: readonly SQLiteColumn[],
    wanted: readonly SQLiteColumn[],
    filters: readonly PushedFilter[],
  ): Promise<{ rows: number; sql: string; parameters: Cell[] }> {
    const shadow = `${quoteIdentifier(source.alias)}.main.${quoteIdentifier(table)}`;
    await this.#duckdb.run(`DELETE FROM ${shadow}`);
    const types = columns.map((column) => TYPE_BY_NAME[duckdbTypeForSqlite(column.declaredType)]!);
    const positions = wanted.map((column) => columns.indexOf(column));
    const select = wanted.length === 0
      ? "SELECT NULL"
      : `SELECT ${wanted.map((column) => quoteSqlite(column.name)).join(", ")}`;
    const where = filters.length === 0 ? "" : ` WHERE ${
      // BINARY: a column declared COLLATE NOCASE would otherwise match more rows in SQLite
      // than DuckDB keeps — and fewer with <>, which would lose rows.
      filters.map((filter) => `${quoteSqlite(filter.column)} COLLATE BINARY ${filter.operator} ?`)
        .join(" AND ")}`;
    const sql = `${select} FROM ${qualified(source.alias, table)}${where}`;
    const appender = await this.#duckdb.appender(source.alias, "main", table);
    const chunk = DuckDBDataChunk.create(types, SQLITE_PAGE_ROWS);
    let copied = 0;
    const copying = { rows: 0 };
    this.#copying = copying;
    this.#interrupted = false;
    let lastYield = performance.now();
    try {
      const nulls = new Array<DuckDBValue>(SQLITE_PAGE_ROWS).fill(null);
      const parameters = filters.map((filter) => filter.value);
      for (const page of source.readPages(sql, parameters)) {
        chunk.reset();
        chunk.rowCount = page.length;
        const loaded = new Set(positions);
        positions.forEach((position, index) => {
          const column = columns[position]!;
          const convert = converterFor(duckdbTypeForSqlite(column.declaredType));
          const values = page.map((row, rowIndex) => {
            const value = row[index] ?? null;
            if (value === null) return null;
            const converted = convert(value);
            if (converted === undefined) {
              throw new NoctraError(
                `bridge of ${source.alias}.${table}: column ${column.name} (${
                  column.declaredType || "no declared type"
                }) holds ${describeValue(value)} at row ${copied + rowIndex + 1}, which is not a ${
                  duckdbTypeForSqlite(column.declaredType)
                }`,
              );
            }
            return converted;
          });
          chunk.setColumnValues(position, values);
        });
        for (let position = 0; position < columns.length; position++) {
          if (!loaded.has(position)) chunk.setColumnValues(position, nulls.slice(0, page.length));
        }
        appender.appendDataChunk(chunk);
        copied += page.length;
        copying.rows = copied;
        if (performance.now() - lastYield >= COPY_YIELD_MS) {
          // SQLite reads and DuckDB appends are synchronous: without a pause now and then, a
          // Ctrl-C handler (and the progress bar) would wait for the whole copy.
          await new Promise((resolve) => setTimeout(resolve, 0));
          lastYield = performance.now();
          if (this.#interrupted) {
            throw new NoctraError(
              `interrupted: the copy of ${source.alias}.${table} from SQLite stopped after ${copied} rows`,
            );
          }
        }
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
      this.#copying = null;
      this.#interrupted = false;
    }
    return { rows: copied, sql, parameters: filters.map((filter) => filter.value) };
  }
}

function cacheKey(alias: string, table: string): string {
  return JSON.stringify([alias.toLowerCase(), table.toLowerCase()]);
}

function quoteSqlite(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function describeValue(value: Cell): string {
  if (typeof value === "string") return `'${value.length > 40 ? value.slice(0, 40) + "…" : value}'`;
  if (value instanceof Uint8Array) return `a ${value.length}-byte BLOB`;
  return String(value);
}

/** Converts a SQLite cell to the DuckDB value of the mapped type; `undefined` = does not fit. */
function converterFor(duckdbType: string): (value: Cell) => DuckDBValue | undefined {
  switch (duckdbType) {
    case "BIGINT":
      return (value) => {
        if (typeof value === "bigint") return value;
        if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
        return undefined;
      };
    case "DOUBLE":
      return (value) => {
        if (typeof value === "number") return value;
        if (typeof value === "bigint") return Number(value);
        return undefined;
      };
    case "BOOLEAN":
      return (value) => {
        if (value === 0n || value === 0) return false;
        if (value === 1n || value === 1) return true;
        return undefined;
      };
    case "BLOB":
      return (value) => {
        if (value instanceof Uint8Array) return blobValue(value);
        if (typeof value === "string") return blobValue(new TextEncoder().encode(value));
        return undefined;
      };
    default:
      return (value) => {
        if (typeof value === "string") return value;
        if (value instanceof Uint8Array) return undefined;
        return textOf(value) ?? undefined;
      };
  }
}
