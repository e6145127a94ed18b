/**
 * `Noctra`: one session — a DuckDB instance with its one connection, the query engine, and the
 * session's views. The CLI (REPL and batch) and Deno programs (through `mod.ts`) drive this
 * same class.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import { DuckDBSource } from "./engine/sources/duckdb_source.ts";
import { QueryEngine } from "./engine/query_engine.ts";
import {
  type Cell,
  type CopyFormat,
  type MessageResult,
  type RowsResult,
  type StatementResult,
} from "./engine/result.ts";
import { type SplitStatement, splitStatements } from "./rql/splitter.ts";
import { NoctraError } from "./errors.ts";
import type { Table } from "npm:apache-arrow@21.2.0";
import { AttachmentRegistry } from "./session/attachment_registry.ts";
import { Config } from "./config/config.ts";
import { duckdbSettings } from "./engine/settings.ts";
import {
  isSandboxed,
  NO_SANDBOX,
  type SandboxLayer,
  type SandboxPolicy,
} from "./sandbox/policy.ts";
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
   * The layer that enforces `sandbox` (shown by `SHOW CONFIG`): the CLI's launcher enters the
   * operating-system layer before the session starts; a library session is `duckdb-only`
   * (default) unless its program was itself started inside one.
   */
  readonly sandboxLayer?: SandboxLayer;
  /**
   * DuckDB's temporary (spill) directory under a sandbox: a private directory the kernel layer
   * lets DuckDB write. Default: a new private directory under the system's temporary directory,
   * removed when the session closes.
   */
  readonly tempDirectory?: string;
  /**
   * Where registered sources persist across sessions: a registry file path, or `false` for none.
   * Default `false` for the library; the CLI passes `AttachmentRegistry.defaultPath()`.
   */
  readonly registryPath?: string | false;
  /** Which engine runs statements (default `auto`). */
  readonly strategy?: RoutingStrategy;
  /**
   * Track the progress of running statements for {@link Noctra.progress} (DuckDB's
   * `enable_progress_bar`, without DuckDB's own printing). The CLI turns it on when stderr is a
   * terminal. Default false.
   */
  readonly progress?: boolean;
}

/** One statement of a script together with its result. */
export interface ExecutedStatement {
  /** The statement's text and where it starts in the script. */
  readonly statement: SplitStatement;
  /** What it produced: rows to read, or a message. */
  readonly result: StatementResult;
}

/**
 * Thrown when a result is read after it was ended by a later statement on the same session, or
 * by {@link Noctra.close}, before it had been read to the end (see {@link Noctra}). Its
 * `message` names the ended result's statement and the statement that ended it, and says what to
 * do instead. Exit code 1, as for any failed statement.
 *
 * @example
 * ```ts
 * import { Noctra, SupersededResultError } from "./noctra.ts";
 * import { rejects } from "node:assert/strict";
 *
 * const noctra = await Noctra.open();
 * try {
 *   const first = noctra.rows("SELECT range AS x FROM range(10000)");
 *   await first.next();
 *   await noctra.query("SELECT 1");
 *   await rejects(first.next(), (error) =>
 *     error instanceof SupersededResultError &&
 *     error.message.includes('"SELECT range AS x FROM range(10000)"') &&
 *     error.message.includes("read a result to the end"));
 * } finally {
 *   noctra.close();
 * }
 * ```
 */
export class SupersededResultError extends NoctraError {
  /** `message`: one line naming both statements and the remedy. */
  constructor(message: string) {
    super(message);
    this.name = "SupersededResultError";
  }
}

/** The start of a statement's text on one line and quoted, for messages (at most 60 characters). */
function excerpt(text: string): string {
  const line = text.trim().replace(/\s+/g, " ");
  return `"${line.length > 60 ? `${line.slice(0, 59)}…` : line}"`;
}

/** One started statement: whether its result may still be read. */
interface Claim {
  /** Order of the statement in the session (1, 2, …). */
  readonly ticket: number;
  /** The statement's text. */
  readonly text: string;
  /** True once the result was read to the end: later statements no longer affect it. */
  ended: boolean;
}

/**
 * A Noctra session.
 *
 * One result at a time: the session has one DuckDB connection, and starting a statement ends
 * the result of the previous one, as a new query on a `@duckdb/node-api` connection invalidates
 * its pending streaming result. A result that had not been read to the end (its chunk or row
 * iteration had not finished) when a later statement started — through {@link Noctra.query},
 * {@link Noctra.rows}, {@link Noctra.queryArrow}, {@link Noctra.execute},
 * {@link Noctra.executeScript} or {@link Noctra.use} — or when the session closed, throws
 * {@link SupersededResultError} at its next read, never ends as if it were complete. The
 * statement is not queued: waiting for the first result to be read would hang a program that
 * reads it only after the second statement. To interleave, collect the first result before
 * starting the next statement (`await Array.fromAsync(noctra.rows(sql))`,
 * `await noctra.queryArrow(sql)`), or open a second session for concurrent queries.
 * Statements run through {@link Noctra.engine} directly are outside this bookkeeping.
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
 *
 * @example Two results read in turn: the first is collected before the second statement starts
 * ```ts
 * import { Noctra, SupersededResultError } from "./noctra.ts";
 * import { rejects, strictEqual } from "node:assert/strict";
 *
 * const noctra = await Noctra.open();
 * try {
 *   const first = await Array.fromAsync(noctra.rows("SELECT range AS x FROM range(5000)"));
 *   const second = await Array.fromAsync(noctra.rows("SELECT 1 AS y"));
 *   strictEqual(first.length + second.length, 5001);
 *
 *   // Interleaved: the first result is ended by the second statement, and says so.
 *   const pending = (await noctra.query("SELECT range AS x FROM range(5000)")).chunks();
 *   const chunks = pending[Symbol.asyncIterator]();
 *   await chunks.next();
 *   await noctra.query("SELECT 1 AS y");
 *   await rejects(chunks.next(), SupersededResultError);
 * } finally {
 *   noctra.close();
 * }
 * ```
 */
export class Noctra {
  readonly #duckdb: DuckDBSource;
  readonly #engine: QueryEngine;
  readonly #warnings: string[];
  /** Statements started through this class so far; the latest holds the connection. */
  #started = 0;
  /** Text of the latest statement started, for {@link SupersededResultError} messages. */
  #latest = "";
  #closed = false;

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
    const settings = duckdbSettings(config);
    let ownTemp: string | undefined;
    if (isSandboxed(sandbox)) {
      // Never a directory of the user's: DuckDB lets SQL read its temporary directory. Where no
      // private one can be made (scoped Deno permissions), DuckDB does not spill.
      if (options.tempDirectory === undefined) {
        try {
          ownTemp = Deno.makeTempDirSync({ prefix: "noctra-duckdb-" });
        } catch {
          ownTemp = undefined;
        }
      }
      settings.temp_directory = options.tempDirectory ?? ownTemp ?? "";
    }
    const duckdb = await DuckDBSource.open({
      config: settings,
      statementCacheCapacity: Number(config.get("duckdb.performance.stmt_cache_capacity")),
      ...(isSandboxed(sandbox) ? { allowedDirectories: sandbox.read } : {}),
    });
    if (options.progress) await duckdb.enableProgress();
    const registry = options.registryPath
      ? new AttachmentRegistry(options.registryPath)
      : undefined;
    const engine = new QueryEngine(duckdb, {
      registry,
      config,
      sandbox,
      sandboxLayer: isSandboxed(sandbox) ? options.sandboxLayer ?? "duckdb-only" : "off",
    });
    if (ownTemp !== undefined) {
      const temp = ownTemp;
      engine.onClose(() => {
        try {
          Deno.removeSync(temp, { recursive: true });
        } catch { /* already gone */ }
      });
    }
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

  /**
   * The engine that routes this session's statements (for the CLI and advanced callers).
   * Statements run through it directly do not end this class's pending results, and results it
   * returns are not guarded: the caller keeps to one result at a time itself.
   */
  get engine(): QueryEngine {
    return this.#engine;
  }

  /**
   * Registers a view over a file (`USE 'path' AS alias`); `alias` defaults to the file's stem.
   * Returns the confirmation message. Like any statement, it ends a result not yet read to the
   * end. Throws {@link NoctraError} (also when the session is closed).
   */
  async use(path: string, alias?: string): Promise<string> {
    this.#claim(`USE '${path}'`);
    const result: MessageResult = await this.#engine.useFile(path, alias);
    return result.message;
  }

  /**
   * Runs one statement (RQL or SQL) and returns its streamed result: a {@link RowsResult} whose
   * `chunks()` (or `copyTo`) reads the rows, or a {@link MessageResult}. Starting it ends the
   * previous statement's result if that was not read to the end (see {@link Noctra}); this
   * result in turn throws {@link SupersededResultError} when read after the next statement
   * starts or after {@link Noctra.close}. Throws DuckDB's or SQLite's error when the statement
   * fails, also while its chunks are read; {@link NoctraError} for RQL errors and when the
   * session is closed.
   */
  async execute(statement: string): Promise<StatementResult> {
    return await this.#run(statement);
  }

  /**
   * Splits `script` into statements and runs them in order, yielding each result before running
   * the next: read each yielded result before asking for the next one, which ends it (a later
   * read throws {@link SupersededResultError}). Throws the first error (later statements do not
   * run).
   */
  async *executeScript(script: string): AsyncGenerator<ExecutedStatement> {
    for (const statement of splitStatements(script)) {
      yield { statement, result: await this.#run(statement.text) };
    }
  }

  /**
   * Runs a statement that returns rows and returns its streamed result (columns + chunks of up to
   * 2,048 rows, read once). The result throws {@link SupersededResultError} when read after the
   * next statement starts or after {@link Noctra.close}, and DuckDB's or SQLite's error when the
   * query fails while its chunks are read. Throws {@link NoctraError} when the statement returns
   * no rows or the session is closed, the engine's error when the statement fails to start.
   */
  async query(sql: string): Promise<RowsResult> {
    const result = await this.#run(sql);
    if (result.kind !== "rows") {
      throw new NoctraError(`statement returned no rows: ${sql.slice(0, 60)}`);
    }
    return result;
  }

  /**
   * Runs a query and yields its rows as objects keyed by (deduplicated) column name. Values are
   * cells as DuckDB returns them: `number`, `bigint` for BIGINT, `string`, `boolean`, `null`, or
   * `@duckdb/node-api` value objects for DECIMAL, DATE, TIMESTAMP, LIST, STRUCT, MAP, ….
   * The query runs at the first `next()`. Throws DuckDB's or SQLite's error when the query fails,
   * also after rows were yielded; {@link SupersededResultError} at the first `next()` after
   * another statement started on the session (or the session closed) before the last row was
   * read; {@link NoctraError} when the statement returns no rows.
   */
  async *rows(sql: string): AsyncGenerator<Record<string, Cell>> {
    const result = await this.#run(sql);
    if (result.kind !== "rows") {
      throw new NoctraError(`statement returned no rows: ${sql.slice(0, 60)}`);
    }
    const claim = this.#claims.get(result)!;
    const names = uniqueNames(result.columns.map((column) => column.name));
    for await (const chunk of result.chunks()) {
      for (let row = 0; row < chunk.rowCount; row++) {
        const object: Record<string, Cell> = {};
        names.forEach((name, index) => object[name] = chunk.columns[index]!.getItem(row));
        yield object;
        this.#checkCurrent(claim);
      }
    }
  }

  /**
   * Runs a query and returns its rows as an `apache-arrow` `Table`, for Deno programs that hand
   * results to other Arrow tools. Types round-trip: timestamps keep microseconds, DECIMAL keeps
   * its scale, LIST/STRUCT/MAP become Arrow List/Struct/Map (mapping in src/engine/arrow/encode.ts).
   * The table is built from streamed chunks but held whole: mind the result's size. Throws
   * DuckDB's or SQLite's error when the query fails, also mid-stream (no partial table);
   * {@link SupersededResultError} when another statement starts on the session before the table
   * is complete; {@link NoctraError} when the statement returns no rows.
   *
   * @example
   * ```ts
   * import { Noctra } from "./noctra.ts";
   * import type { Decimal } from "npm:apache-arrow@21.2.0";
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
    const { resultToArrowTable } = await import("./engine/arrow/encode.ts");
    return await resultToArrowTable(await this.query(sql));
  }

  /**
   * How the running statement is doing (see {@link NoctraOptions.progress}): `percentage` 0–100
   * when the engine can estimate it, `rows` processed (or copied from SQLite) so far.
   */
  progress(): { percentage?: number; rows?: number } {
    return this.#engine.progress();
  }

  /** Asks the running statement to stop; it then fails with an interruption error. */
  interrupt(): void {
    this.#engine.interrupt();
  }

  /**
   * Closes the session, its SQLite attachments and DuckDB. Safe to call twice. A result not read
   * to the end then throws {@link SupersededResultError} when read; statements throw
   * {@link NoctraError}.
   */
  close(): void {
    this.#closed = true;
    this.#engine.close();
    this.#duckdb.close();
  }

  /** The claim of each guarded result, for {@link Noctra.rows}' per-row check. */
  readonly #claims = new WeakMap<RowsResult, Claim>();

  /** Records that a statement starts: it ends every result not read to the end. */
  #claim(text: string): Claim {
    if (this.#closed) {
      throw new NoctraError(
        `the session is closed: ${excerpt(text)} did not run; open a new one with Noctra.open()`,
      );
    }
    this.#latest = text;
    return { ticket: ++this.#started, text, ended: false };
  }

  /** Runs a statement under a new claim; a rows result comes back guarded by it. */
  async #run(text: string): Promise<StatementResult> {
    const claim = this.#claim(text);
    const result = await this.#engine.execute(text);
    return result.kind === "rows" ? this.#guard(result, claim) : result;
  }

  /** Throws {@link SupersededResultError} when `claim`'s result was ended before its end. */
  #checkCurrent(claim: Claim): void {
    if (claim.ended) return;
    if (this.#closed) {
      throw new SupersededResultError(
        `the result of ${excerpt(claim.text)} was ended by Noctra.close() before it was read to ` +
          `the end; read a result to the end before closing the session`,
      );
    }
    if (claim.ticket !== this.#started) {
      throw new SupersededResultError(
        `the result of ${excerpt(claim.text)} was ended by a later statement ` +
          `(${excerpt(this.#latest)}) before it was read to the end: a session has one DuckDB ` +
          `connection, and a new statement ends the previous result; read a result to the end ` +
          `or collect it first (await Array.fromAsync(noctra.rows(sql)), ` +
          `await noctra.queryArrow(sql)) before starting the next statement, or open another ` +
          `session with Noctra.open() for concurrent queries`,
      );
    }
  }

  /**
   * `result` with every read checked against `claim`: the check runs before the first fetch,
   * before each next fetch and after each fetch returns (a statement started while a chunk was
   * being fetched may have cut the result short, so that fetch is not trusted).
   */
  #guard(result: RowsResult, claim: Claim): RowsResult {
    const check = () => this.#checkCurrent(claim);
    const guarded: RowsResult = {
      kind: "rows",
      columns: result.columns,
      async *chunks() {
        check();
        const chunks = result.chunks()[Symbol.asyncIterator]();
        try {
          for (;;) {
            const next = await chunks.next();
            check();
            if (next.done) {
              claim.ended = true;
              return;
            }
            yield next.value;
            check();
          }
        } finally {
          await chunks.return?.();
        }
      },
      ...(result.copyTo === undefined ? {} : {
        ...(result.copyFormats === undefined ? {} : { copyFormats: result.copyFormats }),
        copyTo: async (path: string, format: CopyFormat) => {
          check();
          const written = await result.copyTo!(path, format);
          check();
          claim.ended = true;
          return written;
        },
      }),
    };
    this.#claims.set(guarded, claim);
    return guarded;
  }
}
