/**
 * `Noctra`: one session — a DuckDB instance with its one connection, the query engine, and the
 * session's views. The CLI (REPL and batch) and Deno programs (through `mod.ts`) drive this
 * same class.
 *
 * @module
 */
import { DuckDBSource } from "./engine/duckdb_source.ts";
import { QueryEngine } from "./engine/query_engine.ts";
import {
  type Cell,
  iterateRows,
  type MessageResult,
  type RowsResult,
  type StatementResult,
} from "./engine/result.ts";
import { type SplitStatement, splitStatements } from "./rql/splitter.ts";
import { NoctraError } from "./errors.ts";
import type { Table } from "apache-arrow";
import { AttachmentRegistry } from "./session/attachment_registry.ts";
import { Config, duckdbMemoryLimit, physicalMemoryBytes } from "./config/config.ts";
import { isSandboxed, NO_SANDBOX, type SandboxPolicy } from "./config/sandbox.ts";

/**
 * DuckDB options at instance creation from the settings: `threads`, `memory_limit` (a share of
 * physical memory converted to MB: DuckDB rejects percentages), `catalog_error_max_schemas`,
 * `temp_directory` (must be set before the sandbox freezes it).
 */
function duckdbSettings(config: Config): Record<string, string> {
  const settings: Record<string, string> = {
    threads: String(config.get("duckdb.performance.base_threads")),
    catalog_error_max_schemas: String(config.get("duckdb.tuning.catalog_error_max_schemas")),
  };
  const memory = String(config.get("duckdb.performance.memory_limit"));
  const total = physicalMemoryBytes();
  if (!memory.endsWith("%") || total !== undefined) {
    settings.memory_limit = duckdbMemoryLimit(memory, total ?? 0);
  }
  const temp = String(config.get("duckdb.tuning.temp_directory"));
  if (temp !== "") settings.temp_directory = temp;
  return settings;
}
import type { RoutingStrategy } from "./engine/routing.ts";
import { uniqueNames } from "./render/values.ts";

/** Options for {@link Noctra.open}. */
export interface NoctraOptions {
  /**
   * Files to register as views before the first statement, as `USE 'path'` does, for this
   * session only (not saved in the registry).
   */
  readonly files?: readonly string[];
  /**
   * Settings (docs/CONFIG.md): `Config.load({ path, flags })` reads a TOML file and flags;
   * default: every key's default.
   */
  readonly config?: Config;
  /** Directories the session may read and write (`sandboxPolicy(…)`); default: no sandbox. */
  readonly sandbox?: SandboxPolicy;
  /**
   * Where registered sources persist across sessions: a registry file path, or `false` for none.
   * Default `false` for the library; the CLI passes `AttachmentRegistry.defaultPath()`.
   */
  readonly registryPath?: string | false;
  /** Which engine runs statements (default `auto`). */
  readonly strategy?: RoutingStrategy;
}

/** One statement of a script together with its result. */
export interface ExecutedStatement {
  readonly statement: SplitStatement;
  readonly result: StatementResult;
}

/**
 * A Noctra session.
 *
 * Results stream: consume each result (or stop iterating it) before running the next statement,
 * because the session has one DuckDB connection and a new statement ends the previous result.
 *
 * @example
 * ```ts
 * import { Noctra } from "./noctra.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const noctra = await Noctra.open();
 * try {
 *   await noctra.use("fixtures/penguins.parquet", "penguins");
 *   const rows = [];
 *   for await (const row of noctra.rows("SELECT count(*) AS n FROM penguins")) rows.push(row);
 *   deepStrictEqual(rows, [{ n: 344n }]);
 * } finally {
 *   noctra.close();
 * }
 * ```
 */
export class Noctra {
  readonly #duckdb: DuckDBSource;
  readonly #engine: QueryEngine;
  readonly #warnings: string[];

  private constructor(duckdb: DuckDBSource, engine: QueryEngine, warnings: string[]) {
    this.#duckdb = duckdb;
    this.#engine = engine;
    this.#warnings = warnings;
  }

  /**
   * Opens a session: starts DuckDB in memory, restores the registered sources (when a registry is
   * given) and registers `options.files` as views. Sources that cannot be restored become
   * warnings ({@link Noctra.warnings}), never errors. Throws {@link NoctraError} when a file
   * argument cannot be registered (the session is closed first).
   */
  static async open(options: NoctraOptions = {}): Promise<Noctra> {
    const config = options.config ?? Config.defaults();
    const sandbox = options.sandbox ?? NO_SANDBOX;
    const duckdb = await DuckDBSource.open({
      config: duckdbSettings(config),
      statementCacheCapacity: Number(config.get("duckdb.performance.stmt_cache_capacity")),
      ...(isSandboxed(sandbox) ? { allowedDirectories: sandbox.read } : {}),
    });
    const registry = options.registryPath
      ? new AttachmentRegistry(options.registryPath)
      : undefined;
    const engine = new QueryEngine(duckdb, { registry, config, sandbox });
    if (options.strategy !== undefined) engine.strategy = options.strategy;
    const noctra = new Noctra(duckdb, engine, await engine.restore());
    try {
      // Files named when opening belong to this session: they are not saved in the registry.
      for (const file of options.files ?? []) await engine.useFile(file, undefined, [], false);
    } catch (error) {
      noctra.close();
      throw error;
    }
    return noctra;
  }

  /** Warning lines from opening the session (sources that could not be restored). */
  get warnings(): readonly string[] {
    return this.#warnings;
  }

  /** The engine that routes this session's statements (for the CLI and advanced callers). */
  get engine(): QueryEngine {
    return this.#engine;
  }

  /**
   * Registers a view over a file (`USE 'path' AS alias`); `alias` defaults to the file's stem.
   * Returns the confirmation message. Throws {@link NoctraError}.
   */
  async use(path: string, alias?: string): Promise<string> {
    const result: MessageResult = await this.#engine.useFile(path, alias);
    return result.message;
  }

  /** Runs one statement (RQL or SQL) and returns its streamed result. */
  async execute(statement: string): Promise<StatementResult> {
    return await this.#engine.execute(statement);
  }

  /**
   * Splits `script` into statements and runs them in order, yielding each result before running
   * the next. Throws the first error (later statements do not run).
   */
  async *executeScript(script: string): AsyncGenerator<ExecutedStatement> {
    for (const statement of splitStatements(script)) {
      yield { statement, result: await this.#engine.execute(statement.text) };
    }
  }

  /**
   * Runs a statement that returns rows and returns its streamed result (columns + chunks).
   * Throws {@link NoctraError} when the statement returns no rows.
   */
  async query(sql: string): Promise<RowsResult> {
    const result = await this.#engine.execute(sql);
    if (result.kind !== "rows") {
      throw new NoctraError(`statement returned no rows: ${sql.slice(0, 60)}`);
    }
    return result;
  }

  /**
   * Runs a query and yields its rows as objects keyed by (deduplicated) column name. Values are
   * cells as DuckDB returns them: `number`, `bigint` for BIGINT, `string`, `boolean`, `null`, or
   * `@duckdb/node-api` value objects for DECIMAL, DATE, TIMESTAMP, LIST, STRUCT, MAP, ….
   */
  async *rows(sql: string): AsyncGenerator<Record<string, Cell>> {
    const result = await this.query(sql);
    const names = uniqueNames(result.columns.map((column) => column.name));
    for await (const row of iterateRows(result)) {
      const object: Record<string, Cell> = {};
      names.forEach((name, index) => object[name] = row[index]);
      yield object;
    }
  }

  /**
   * Runs a query and returns its rows as an `apache-arrow` `Table`, for Deno programs that hand
   * results to other Arrow tools. Types round-trip: timestamps keep microseconds, DECIMAL keeps
   * its scale, LIST/STRUCT/MAP become Arrow List/Struct/Map (mapping in src/engine/arrow.ts).
   * The table is built from streamed chunks but held whole: mind the result's size.
   *
   * @example
   * ```ts
   * import { Noctra } from "./noctra.ts";
   * import type { Decimal } from "apache-arrow";
   * import { strictEqual } from "node:assert/strict";
   *
   * const noctra = await Noctra.open();
   * try {
   *   const table = await noctra.queryArrow("SELECT 12.50::DECIMAL(6,2) AS price, 'x' AS label");
   *   strictEqual(table.numRows, 1);
   *   const price = table.schema.fields[0]!.type as Decimal;
   *   strictEqual(price.precision, 6);
   *   strictEqual(price.scale, 2);
   * } finally {
   *   noctra.close();
   * }
   * ```
   */
  async queryArrow(sql: string): Promise<Table> {
    // apache-arrow is loaded on first use, so sessions that never touch Arrow start faster.
    const { resultToArrowTable } = await import("./engine/arrow.ts");
    return await resultToArrowTable(await this.query(sql));
  }

  /** Asks the running statement to stop; it then fails with an interruption error. */
  interrupt(): void {
    this.#engine.interrupt();
  }

  /** Closes the session, its SQLite attachments and DuckDB. Safe to call twice. */
  close(): void {
    this.#engine.close();
    this.#duckdb.close();
  }
}
