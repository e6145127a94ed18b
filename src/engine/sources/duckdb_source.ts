/**
 * `DuckDBSource`: the embedded DuckDB instance and the session's single connection.
 *
 * One instance and one connection per session: DuckDB keeps variables, settings, temporary
 * views and prepared statements per connection. Everything Noctra runs in DuckDB goes through
 * this class; nothing else imports `@duckdb/node-api`'s connection.
 *
 * Longer than ~500 lines: one class whose methods share the connection, the prepared-statement
 * cache and the statement counter that tells a result ended by an error from one ended by a later
 * statement; the free helpers of its results are in `./duckdb_results.ts`.
 *
 * @module
 */
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBResult,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  StatementType,
} from "../duckdb_api.ts";
import type { Cell, CopyFormat, MessageResult, RowsResult } from "../result.ts";
import { quoteLiteral } from "../../sql_text.ts";
import { jsonLinesCopyQuery } from "../json_copy.ts";
import { uniqueNames } from "../../render/values.ts";
import { NoctraError } from "../../errors.ts";
import {
  bindParameters,
  columnsOf,
  kindOf,
  type Parameters,
  rowsOrMessage,
  streamingRows,
} from "./duckdb_results.ts";

export { kindOf, type Parameters };

/** Options for {@link DuckDBSource.open}. */
export interface DuckDBSourceOptions {
  /** Database file, or `:memory:` (default). */
  readonly path?: string;
  /** DuckDB configuration options applied at instance creation (`threads`, `memory_limit`, …). */
  readonly config?: Readonly<Record<string, string>>;
  /**
   * Directories DuckDB may touch. When given, `SET allowed_directories` and then
   * `SET enable_external_access = false` run before anything else (sandbox.ts).
   */
  readonly allowedDirectories?: readonly string[];
  /** Prepared statements kept for reuse, keyed by SQL text (0 = none). */
  readonly statementCacheCapacity?: number;
}

/** Embedded DuckDB: runs SQL over files and in-memory relations, streaming results in chunks. */
export class DuckDBSource {
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  #closed = false;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#instance = instance;
    this.#connection = connection;
  }

  /** Creates the instance and its one connection. Throws DuckDB's error for bad config. */
  static async open(options: DuckDBSourceOptions = {}): Promise<DuckDBSource> {
    const instance = await DuckDBInstance.create(options.path ?? ":memory:", {
      ...options.config,
    });
    const connection = await instance.connect();
    const source = new DuckDBSource(instance, connection);
    source.#cacheCapacity = options.statementCacheCapacity ?? 0;
    if (options.allowedDirectories !== undefined) {
      const list = options.allowedDirectories.map(quoteLiteral).join(", ");
      await connection.run(`SET allowed_directories = [${list}]`);
      await connection.run("SET enable_external_access = false");
      source.#sandboxed = true;
    }
    return source;
  }

  #sandboxed = false;
  #cacheCapacity = 0;
  /** Prepared statements by SQL text, least recently used first. */
  readonly #statementCache = new Map<string, DuckDBPreparedStatement>();

  /** True when file access is confined (external access off). */
  get sandboxed(): boolean {
    return this.#sandboxed;
  }

  /** Prepared statements kept for reuse (0 turns the cache off and empties it). */
  set statementCacheCapacity(capacity: number) {
    this.#cacheCapacity = capacity;
    this.#trimCache();
  }

  #trimCache(): void {
    while (this.#statementCache.size > this.#cacheCapacity) {
      const [oldest, prepared] = this.#statementCache.entries().next().value!;
      this.#statementCache.delete(oldest);
      prepared.destroySync();
    }
  }

  /** A prepared statement for `sql`, from the cache when it holds one (bindings cleared). */
  async #preparedFor(sql: string): Promise<DuckDBPreparedStatement> {
    if (this.#cacheCapacity === 0) return await this.#connection.prepare(sql);
    const cached = this.#statementCache.get(sql);
    if (cached !== undefined) {
      this.#statementCache.delete(sql);
      this.#statementCache.set(sql, cached);
      cached.clearBindings();
      return cached;
    }
    const prepared = await this.#connection.prepare(sql);
    this.#statementCache.set(sql, prepared);
    this.#trimCache();
    return prepared;
  }

  /**
   * Runs one statement and streams its result (`connection.stream()`): rows are fetched chunk by
   * chunk as the consumer iterates, so memory stays flat however large the result.
   * `parameters` are bound to `$1…`/`$name` placeholders of a prepared statement, never
   * spliced into the text. Throws DuckDB's error (parser, binder, catalog, IO).
   *
   * With `unprepared: true` (the statement reads a FIFO or device, which can be read once) it
   * runs through `duckdb_query` without a separate prepare, materialized, and parameters are
   * refused.
   *
   * With `query: true` (the caller knows from the parse tree that `sql` is a plain query), the
   * result is lazy: the statement is prepared (so binder errors surface now) and runs when its
   * chunks are iterated, or through DuckDB's own writer when `copyTo` is used instead. With
   * `cacheable: true` (a plain query) the prepared statement comes from and goes to the
   * statement cache (`stmt_cache_capacity`).
   */
  async stream(
    sql: string,
    parameters?: Parameters,
    options: {
      readonly query?: boolean;
      readonly cacheable?: boolean;
      readonly unprepared?: boolean;
    } = {},
  ): Promise<RowsResult | MessageResult> {
    this.#interrupted = false;
    if (options.query) return await this.#lazyQuery(sql, parameters);
    const started = ++this.#statementsStarted;
    const failure = (rows: number) => this.#streamFailure(sql, parameters, rows, started);
    let result: DuckDBResult;
    if (options.unprepared) {
      if (parameters !== undefined && Object.keys(parameters.values).length > 0) {
        throw new NoctraError(
          "this statement reads a pipe or device (such as /dev/stdin), which can be read only once, and its #variables need a prepared statement, which DuckDB binds twice; write the input to a file first, or use the values literally",
        );
      }
      await this.#requireOneStatement(sql, false);
      // `duckdb_query` binds once; a prepared statement binds again when it runs, and the
      // second bind finds the stream already read (DuckDB's CSV sniffer consumed it).
      result = await this.#connection.run(sql);
    } else if (options.cacheable && this.#cacheCapacity > 0) {
      const prepared = await this.#preparedFor(sql);
      bindParameters(prepared, parameters);
      result = await prepared.stream();
    } else {
      const prepared = await this.#requireOneStatement(sql);
      try {
        bindParameters(prepared, parameters);
        result = await prepared.stream();
      } finally {
        prepared.destroySync();
      }
    }
    return await rowsOrMessage(result, failure);
  }

  async #lazyQuery(
    sql: string,
    parameters: Parameters | undefined,
  ): Promise<RowsResult | MessageResult> {
    const prepared = await this.#preparedFor(sql);
    bindParameters(prepared, parameters);
    const nextGeneration = () => ++this.#statementsStarted;
    let generation = nextGeneration();
    const failure = (rows: number) => this.#streamFailure(sql, parameters, rows, generation);
    if (prepared.statementType !== StatementType.SELECT) {
      // Not a query after all (the caller guessed from the first word): it runs now.
      return await rowsOrMessage(await prepared.stream(), failure);
    }
    const types = [];
    for (let index = 0; index < prepared.columnCount; index++) {
      types.push(prepared.columnTypeId(index));
    }
    if (types.includes(DuckDBTypeId.INVALID)) {
      // A column whose type depends on a parameter is typed only when the statement runs.
      return streamingRows(await prepared.stream(), failure);
    }
    const columns = columnsOf(prepared);
    const jsonLines = jsonLinesCopyQuery(sql, {
      keys: uniqueNames(columns.map((column) => column.name)),
      typeIds: types,
    });
    const preparedAlone = { preparedAlone: true };
    let started = false;
    const start = () => {
      if (started) throw new Error("a result can be read only once");
      started = true;
    };
    return {
      kind: "rows",
      columns,
      chunks: async function* () {
        start();
        generation = nextGeneration();
        const result = await prepared.stream();
        yield* streamingRows(result, failure).chunks();
      },
      // DuckDB's own writer needs a FIFO outside the sandbox: chunks are rendered instead.
      ...(this.#sandboxed ? {} : {
        copyFormats: jsonLines === null ? ["csv", "tsv"] : ["csv", "tsv", "jsonl"],
        copyTo: async (path: string, format: CopyFormat) => {
          start();
          if (format === "jsonl") {
            if (jsonLines === null) throw new Error("jsonl is not in this result's copyFormats");
            return await this.copy(jsonLines, path, "FORMAT json", parameters, preparedAlone);
          }
          const delimiter = format === "tsv" ? ", DELIMITER '\t'" : "";
          const options = `FORMAT csv, HEADER${delimiter}`;
          return await this.copy(sql, path, options, parameters, preparedAlone);
        },
      }),
    };
  }

  /**
   * `COPY (query) TO 'path' (copyOptions)` with the query's parameters bound; returns the rows
   * written. `copyOptions` is the text of DuckDB's COPY option list (e.g. `FORMAT parquet`).
   * Throws DuckDB's error.
   */
  async copy(
    query: string,
    path: string,
    copyOptions: string,
    parameters?: Parameters,
    options: { readonly preparedAlone?: boolean } = {},
  ): Promise<number> {
    this.#statementsStarted++;
    // The query ends on its own line so a trailing `--` comment cannot swallow the `)`.
    const target = `TO ${quoteLiteral(path)} (${copyOptions})`;
    const statements = [`COPY (${query}\n) ${target}`, `COPY (FROM (${query}\n)) ${target}`];
    if (parameters === undefined || Object.keys(parameters.values).length === 0) {
      // Without parameters the COPY runs through `duckdb_query`, which binds once: a prepared
      // statement that reads files binds again when it runs (DuckDB re-binds file scans), so
      // the CSV sniffer would run twice (≈35 ms for flights-300k.csv, bench/floors.ts).
      const runOnce = async (sql: string) => {
        // A query DuckDB prepared on its own is one statement with its brackets, quotes and
        // comments closed, so the COPY around it is one statement too (or a parser error).
        if (!options.preparedAlone) await this.#requireOneStatement(sql, false);
        return (await this.#connection.run(sql)).rowsChanged;
      };
      try {
        return await runOnce(statements[0]!);
      } catch (error) {
        // SUMMARIZE, DESCRIBE and SHOW are queries DuckDB does not accept directly inside COPY,
        // but does as a subquery in FROM.
        const message = error instanceof Error ? error.message : "";
        if (!/^(Failed to extract statements: )?Parser Error/.test(message)) throw error;
        return await runOnce(statements[1]!);
      }
    }
    let prepared: DuckDBPreparedStatement;
    try {
      prepared = await this.#prepareBound(statements[0]!, parameters);
    } catch (error) {
      if (!/^Parser Error/.test(error instanceof Error ? error.message : "")) throw error;
      prepared = await this.#prepareBound(statements[1]!, parameters);
    }
    try {
      return (await prepared.run()).rowsChanged;
    } finally {
      prepared.destroySync();
    }
  }

  /**
   * Prepares `sql`, which must be exactly one statement by DuckDB's own parser: Noctra splits
   * scripts itself, and a text DuckDB reads as more (or none) would run statements Noctra never
   * looked at. With `prepare: false` it only counts. Throws {@link NoctraError} then, DuckDB's
   * error for bad SQL.
   */
  async #requireOneStatement(sql: string): Promise<DuckDBPreparedStatement>;
  async #requireOneStatement(sql: string, prepare: false): Promise<undefined>;
  async #requireOneStatement(
    sql: string,
    prepare = true,
  ): Promise<DuckDBPreparedStatement | undefined> {
    const extracted = await this.#connection.extractStatements(sql);
    if (extracted.count !== 1) {
      throw new NoctraError(
        `DuckDB reads ${extracted.count} statements in what Noctra took for one; nothing was run — end each statement with ';'`,
      );
    }
    // Preparing binds the statement, which reads a pipe: the unprepared path only counts.
    return prepare ? await extracted.prepare(0) : undefined;
  }

  async #prepareBound(sql: string, parameters: Parameters | undefined) {
    const prepared = await this.#connection.prepare(sql);
    bindParameters(prepared, parameters);
    return prepared;
  }

  /**
   * Runs a one-value query (`SELECT expr`) and returns the value with its DuckDB type. Throws
   * {@link NoctraError} when the query returns other than one row of one column, DuckDB's error
   * when it fails.
   *
   * @internal Returns `@duckdb/node-api` values, outside the documented library surface.
   */
  async evaluate(
    sql: string,
    parameters?: Parameters,
  ): Promise<{ value: DuckDBValue; type: DuckDBType }> {
    this.#statementsStarted++;
    const prepared = await this.#prepareBound(sql, parameters);
    try {
      const reader = await prepared.runAndReadAll();
      const rows = reader.getRows();
      if (reader.columnCount !== 1 || rows.length !== 1) {
        throw new NoctraError(
          `the expression returned ${rows.length} rows of ${reader.columnCount} columns; a variable holds one value (use a scalar subquery with LIMIT 1 or an aggregate)`,
        );
      }
      return { value: rows[0]![0] ?? null, type: reader.columnType(0) };
    } finally {
      prepared.destroySync();
    }
  }

  /**
   * Runs a statement and returns all its rows as arrays of cells. For small internal reads.
   *
   * @internal Takes `@duckdb/node-api` values as parameters, outside the documented surface.
   */
  async readAll(
    sql: string,
    parameters?: readonly DuckDBValue[] | Readonly<Record<string, DuckDBValue>>,
  ): Promise<Cell[][]> {
    this.#statementsStarted++;
    const reader = parameters === undefined
      ? await this.#connection.runAndReadAll(sql)
      : await this.#connection.runAndReadAll(sql, parameters as DuckDBValue[]);
    return reader.getRows();
  }

  /**
   * Runs a statement for its effect and discards any rows.
   *
   * @internal Takes `@duckdb/node-api` values as parameters, outside the documented surface.
   */
  async run(
    sql: string,
    parameters?: readonly DuckDBValue[] | Readonly<Record<string, DuckDBValue>>,
  ): Promise<void> {
    this.#statementsStarted++;
    if (parameters === undefined) await this.#connection.run(sql);
    else await this.#connection.run(sql, parameters as DuckDBValue[]);
  }

  /**
   * Splits `sql` with DuckDB's parser and returns each statement's `StatementType`
   * (`extractStatements` + prepare). Throws DuckDB's parser or binder error.
   *
   * @internal Returns `@duckdb/node-api` enums, outside the documented library surface.
   */
  async statementTypes(sql: string): Promise<StatementType[]> {
    this.#statementsStarted++;
    const extracted = await this.#connection.extractStatements(sql);
    const types: StatementType[] = [];
    for (let index = 0; index < extracted.count; index++) {
      const prepared = await extracted.prepare(index);
      types.push(prepared.statementType);
      prepared.destroySync();
    }
    return types;
  }

  /**
   * DuckDB's own parse tree of a SELECT (`json_serialize_sql`), as parsed JSON. For other
   * statements DuckDB answers `{"error": true, …}`, returned as is.
   */
  async parseTree(sql: string): Promise<unknown> {
    const rows = await this.readAll("SELECT json_serialize_sql($1::VARCHAR)", [sql]);
    return JSON.parse(String(rows[0]?.[0] ?? "null"));
  }

  /**
   * An appender into `catalog.schema.table`, for bulk loads with `appendDataChunk`.
   *
   * @internal Returns a `@duckdb/node-api` appender, outside the documented library surface.
   */
  async appender(catalog: string, schema: string, table: string): Promise<DuckDBAppender> {
    this.#statementsStarted++;
    return await this.#connection.createAppender(table, schema, catalog);
  }

  /**
   * Turns on DuckDB's progress tracking for {@link queryProgress} (`enable_progress_bar`), with
   * DuckDB's own printing off (`enable_progress_bar_print`) and no wait before tracking starts
   * (`progress_bar_time = 0`). For sessions that show a progress bar (stderr is a terminal).
   */
  async enableProgress(): Promise<void> {
    await this.#connection.run(
      "SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0",
    );
  }

  /**
   * DuckDB's progress of the running statement (`connection.progress`, tracked once
   * {@link enableProgress} ran): `percentage` 0–100, undefined when no operator of the plan can
   * estimate it (DuckDB reports −1, or 0 with no rows processed), and the rows processed so far.
   */
  queryProgress(): { percentage?: number; rows?: number } {
    if (this.#closed) return {};
    const progress = this.#connection.progress;
    const rows = Number(progress.rows_processed);
    return {
      // A plan that cannot estimate reports −1, or 0 with nothing processed (a range scan).
      ...(progress.percentage > 0 || (progress.percentage === 0 && rows > 0)
        ? { percentage: progress.percentage }
        : {}),
      ...(rows > 0 ? { rows } : {}),
    };
  }

  /**
   * DuckDB's completions of `text` (the built-in autocomplete extension's
   * `sql_auto_complete`, with `text` bound as a parameter), in DuckDB's order: the suggested word,
   * its kind (`keyword`, `table`, `column`, `function`, `file`, …) and the character to add after
   * it, if any. For the REPL, between statements. Throws DuckDB's error.
   */
  async completions(
    text: string,
  ): Promise<{ text: string; kind: string; extra: string | null }[]> {
    const rows = await this.readAll(
      "SELECT suggestion, suggestion_type, extra_char FROM sql_auto_complete($1::VARCHAR)",
      [text],
    );
    return rows.map(([suggestion, kind, extra]) => ({
      text: String(suggestion),
      kind: String(kind),
      extra: extra === null || extra === undefined ? null : String(extra),
    }));
  }

  /** DuckDB's keywords of every category (`duckdb_keywords()`), upper case. */
  async keywords(): Promise<Set<string>> {
    const rows = await this.readAll("SELECT keyword_name FROM duckdb_keywords()");
    return new Set(rows.map(([name]) => String(name).toUpperCase()));
  }

  /**
   * DuckDB's memory in use (bytes: the sum of `duckdb_memory()`) and its `memory_limit` as
   * DuckDB prints it (`current_setting('memory_limit')`, e.g. `18.8 GiB`). For the REPL's status
   * bar, between statements. Throws DuckDB's error.
   */
  async memoryUse(): Promise<{ usedBytes: number; limit: string }> {
    const rows = await this.readAll(
      "SELECT (SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory())::DOUBLE, " +
        "current_setting('memory_limit')",
    );
    return { usedBytes: Number(rows[0]?.[0] ?? 0), limit: String(rows[0]?.[1] ?? "") };
  }

  /** Asks DuckDB to stop the running statement (`connection.interrupt()`); it then throws. */
  interrupt(): void {
    if (this.#closed) return;
    this.#interrupted = true;
    this.#connection.interrupt();
  }

  /** Set by {@link interrupt}, cleared when the next statement starts. */
  #interrupted = false;

  /**
   * Counts statements started on the connection. DuckDB ends a streaming result when the next
   * statement starts on its connection, and the ended result then looks failed; comparing the
   * count tells that case from a real failure.
   */
  #statementsStarted = 0;

  /**
   * The error of a streaming result that DuckDB ended early.
   *
   * DuckDB's streaming C API ends a failed result like a finished one (`duckdb_fetch_chunk`
   * returns no chunk either way) and `@duckdb/node-bindings` does not expose
   * `duckdb_result_error`, so the failure is seen from the result's return type, which DuckDB
   * reports as `INVALID` once the result holds an error (`duckdb_result_return_type`). The
   * error's text is then recovered by running the same statement again, materialized, inside a
   * transaction that is rolled back, so nothing it does persists: a failure that depends on
   * the data (a bad value, a failing cast, malformed JSON) fails again with DuckDB's own
   * message. An interrupt is reported as DuckDB reports it. Inside a transaction the user
   * opened, DuckDB has already aborted that transaction, so the statement cannot be run again:
   * the error then says so.
   */
  async #streamFailure(
    sql: string,
    parameters: Parameters | undefined,
    rowsDelivered: number,
    started: number,
  ): Promise<Error> {
    const after = `after ${rowsDelivered} rows`;
    if (this.#interrupted) return new NoctraError(`INTERRUPT Error: Interrupted! (${after})`);
    if (started !== this.#statementsStarted) {
      return new NoctraError(
        `the result was ended ${after} by a later statement on the same connection; read a result to its end before starting the next statement`,
      );
    }
    try {
      await this.#connection.run("BEGIN TRANSACTION");
    } catch {
      return new NoctraError(
        `the query failed ${after} and DuckDB aborted the open transaction without giving the cause; run ROLLBACK, then run the query outside the transaction to see it`,
      );
    }
    try {
      const prepared = await this.#prepareBound(sql, parameters);
      try {
        await prepared.run();
      } finally {
        prepared.destroySync();
      }
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    } finally {
      await this.#connection.run("ROLLBACK").catch(() => {});
    }
    return new NoctraError(
      `the query failed ${after}: DuckDB ended the result with an error it did not report, and running the query again did not fail (a transient failure such as memory or I/O pressure); run it again`,
    );
  }

  /** Closes the connection and the instance. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const prepared of this.#statementCache.values()) prepared.destroySync();
    this.#statementCache.clear();
    this.#connection.closeSync();
    this.#instance.closeSync();
  }
}
