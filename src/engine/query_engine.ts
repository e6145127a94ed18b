/**
 * `QueryEngine`: the hybrid router. An RQL command runs through its family (src/rql/commands/);
 * for every other statement the engine decides which engine runs it — from DuckDB's own parser
 * (`json_serialize_sql` trees for SELECT, `extractStatements` + prepared `statementType` for the
 * rest) and the head of write statements, never from regexes over SQL.
 *
 * - A SELECT that reads only one SQLite attachment runs natively in SQLite.
 * - A SELECT that mixes SQLite tables with files or DuckDB relations runs in DuckDB after the
 *   referenced SQLite tables are bridged in under the same names (sources/bridge.ts).
 * - A write whose target is a SQLite table runs natively in SQLite — unless its source query
 *   reads files or DuckDB relations (`INSERT INTO db.t SELECT … FROM 'f.csv'`,
 *   `CREATE TABLE db.t AS SELECT …`): DuckDB then runs the query and its rows stream into SQLite
 *   inside one savepoint (sqlite_writes.ts), so a failing row leaves the database unchanged.
 * - Everything else runs in DuckDB (duckdb_run.ts), after the local files it names have been
 *   checked (file_inputs.ts).
 *
 * The route is this module, with what a statement's tokens say before DuckDB's parser is asked
 * (statement_shape.ts); the rest of a session lives beside it: the transaction and its
 * one-engine rule (transactions.ts), the sources and their registry (session_sources.ts), the
 * sandbox's checks of a statement's file targets (statement_sandbox.ts), settings applied to
 * DuckDB (settings.ts), variables from `--var` (session_variables.ts). The engine hands RQL
 * commands a {@link CommandContext} made of these.
 *
 * @module
 */
import type { DuckDBSource, Parameters } from "./sources/duckdb_source.ts";
import { runExport } from "./export.ts";
import type { ExportRequest } from "./export_formats.ts";
import { type SessionVariable, VariableStore } from "../rql/variables.ts";
import type { MessageResult, StatementResult } from "./result.ts";
import { relationsOf, type StatementRelations } from "./relations.ts";
import { namesNoFile, NO_RELATIONS, startsLikeQuery } from "./statement_shape.ts";
import type { SQLiteSource } from "./sources/sqlite_source.ts";
import { Bridge } from "./sources/bridge.ts";
import type { RoutingStrategy } from "./routing.ts";
import { FileInputs } from "./file_inputs.ts";
import type { FileView } from "./file_views.ts";
import { SessionSources } from "./session_sources.ts";
import { SessionTransaction } from "./transactions.ts";
import { checkStatementTargets } from "./statement_sandbox.ts";
import { copyIntoSqlite, refuseUnsupportedWrite, sqliteIndexStatement } from "./sqlite_writes.ts";
import { runInDuckDB } from "./duckdb_run.ts";
import { type RouteEngine, routeOf, RQL_ROUTE, type StatementRoute } from "./statement_route.ts";
import { applySetting, performanceOf } from "./settings.ts";
import { nameVariableColumns, setVariableFromText } from "./session_variables.ts";
import type { CommandContext } from "../rql/commands/command.ts";
import { type CommandResolvers, recogniseRqlCommand } from "../rql/commands/registry.ts";
import { useFile } from "../rql/commands/use.ts";
import { variableOptionValue, variablePath } from "../rql/commands/let.ts";
import { isSettingKey } from "../rql/commands/config.ts";
import type { ReaderOption } from "../rql/commands/reader_option.ts";
import { type StatementHead, statementHead } from "../rql/statement_head.ts";
import { NoctraError } from "../errors.ts";
import { Config } from "../config/config.ts";
import type { PerformanceConfig } from "../config/performance.ts";
import {
  checkWrite,
  NO_SANDBOX,
  type SandboxLayer,
  type SandboxPolicy,
} from "../sandbox/policy.ts";
import type { AttachmentRegistry } from "../session/attachment_registry.ts";

export type { FileView } from "./file_views.ts";

/** Options of a {@link QueryEngine}. */
export interface QueryEngineOptions {
  /** Where sources persist; undefined = not persisted. */
  readonly registry?: AttachmentRegistry | undefined;
  /** Settings (thresholds, timeouts, threads); default: every key's default. */
  readonly config?: Config;
  /** The file sandbox; default: none. */
  readonly sandbox?: SandboxPolicy;
  /** The layer enforcing the sandbox, for `SHOW CONFIG`; default `off`. */
  readonly sandboxLayer?: SandboxLayer;
}

/** Routes statements to DuckDB or SQLite and keeps the session's sources. */
export class QueryEngine {
  readonly #duckdb: DuckDBSource;
  readonly #bridge: Bridge;
  readonly #files: FileInputs;
  readonly #sources: SessionSources;
  readonly #transaction: SessionTransaction;
  /** What RQL commands run against: the parts above (see {@link CommandContext}). */
  readonly #commands: CommandContext;
  /** How `#name` references and setting keys resolve while RQL is parsed. */
  readonly #resolvers: CommandResolvers;
  readonly #closeHooks: (() => void)[] = [];
  /** Values of the running statement's parameters (`#variables`), by name. */
  #parameterValues: Readonly<Record<string, unknown>> = {};
  /** Which engine runs statements. */
  strategy: RoutingStrategy = "auto";

  /** A router over `duckdb` (owned by the caller), with no sources yet (see {@link restore}). */
  constructor(duckdb: DuckDBSource, options: QueryEngineOptions = {}) {
    this.#duckdb = duckdb;
    this.config = options.config ?? Config.defaults();
    this.sandbox = options.sandbox ?? NO_SANDBOX;
    this.sandboxLayer = options.sandboxLayer ?? "off";
    this.#bridge = new Bridge(
      duckdb,
      () => Number(this.config.get("hybrid.materialize_threshold_rows")),
    );
    this.#files = new FileInputs(duckdb, this.sandbox);
    this.#sources = new SessionSources({
      duckdb,
      bridge: this.#bridge,
      files: this.#files,
      registry: options.registry,
      config: this.config,
      sandbox: this.sandbox,
    });
    this.#transaction = new SessionTransaction(duckdb, this.#bridge);
    this.#commands = {
      duckdb,
      sources: this.#sources,
      bridge: this.#bridge,
      variables: this.variables,
      config: this.config,
      sandbox: this.sandbox,
      sandboxLayer: this.sandboxLayer,
      checkReadable: (path, what) => this.#files.checkReadable(path, what),
      loadArrowReplacement: (path) => this.#files.loadArrowReplacement(path),
      prepareDuckDBQuery: (query) => this.#prepareDuckDBQuery(query),
      transactionWrote: (source) => this.#transaction.wrote(source),
      exportQuery: (request, parameters) => this.#exportQuery(request, parameters),
    };
    this.#resolvers = {
      resolvePath: (name) => variablePath(this.variables, name),
      isConfigKey: isSettingKey,
      resolveValue: (name) => variableOptionValue(this.variables, name),
    };
    this.config.onChange((key, value) => applySetting(this.#duckdb, key, value));
  }

  /** The session's settings (`SET key = value` changes them). */
  readonly config: Config;
  /** The directories this session may read and write. */
  readonly sandbox: SandboxPolicy;
  /** The layer that enforces {@link sandbox}. */
  readonly sandboxLayer: SandboxLayer;
  /** The session's variables (`LET`, `--var`). */
  readonly variables: VariableStore = new VariableStore();

  /**
   * The consumer renders a format DuckDB's own writer may produce (CSV, TSV, JSON lines; see
   * `RowsResult.copyFormats`): queries then come back lazily (prepared, not yet run) with
   * `copyTo`. Otherwise a query starts at once, so a statement that is not a query after all
   * (the guess comes from its first word) has run when `execute` returns.
   */
  copyOutput = false;

  /** Replace existing EXPORT targets without OVERWRITE (`--force`). */
  forceOverwrite = false;

  /** Which engine ran the last statement and what it read (the REPL's status bar). */
  route: StatementRoute = RQL_ROUTE;

  /** Called with a one-line profile after each DuckDB statement when profiling is on. */
  onProfile: ((line: string) => void) | undefined;

  /** Registers `hook` to run when the engine closes (after DuckDB and SQLite are closed). */
  onClose(hook: () => void): void {
    this.#closeHooks.push(hook);
  }

  /** The thread policy from the current settings. */
  get performance(): PerformanceConfig {
    return performanceOf(this.config);
  }

  /** The file views registered with `USE`, in registration order. */
  get fileViews(): readonly FileView[] {
    return this.#sources.fileViews;
  }

  /** The SQLite attachments, in attach order. */
  get attachments(): readonly SQLiteSource[] {
    return this.#sources.attachments;
  }

  /**
   * Reads the sources saved in the registry without opening them: each is restored when a
   * statement first names its alias (see `SessionSources.load`). Returns one warning line for
   * an unreadable or corrupt registry. Never throws.
   */
  async restore(): Promise<string[]> {
    return await Promise.resolve(this.#sources.load());
  }

  /**
   * Runs one statement (no trailing `;` needed) and returns its result; rows stream lazily.
   * Throws {@link NoctraError} for bad RQL, files or SQLite statements, DuckDB's error for bad
   * SQL run in DuckDB.
   */
  async execute(statement: string): Promise<StatementResult> {
    await this.#sources.restoreNamed(statement);
    this.route = RQL_ROUTE;
    this.#parameterValues = {};
    const recognised = recogniseRqlCommand(statement, this.#resolvers);
    if (recognised !== null) {
      const result = await recognised.family.run(recognised.command, this.#commands);
      if (result !== null) return result;
    }
    checkStatementTargets(statement, this.sandbox, this.variables);
    const bound = this.variables.bind(statement);
    this.#parameterValues = bound.parameters;
    const sql = bound.sql;
    if (Object.keys(bound.parameters).length === 0) return await this.#executeSql(sql, undefined);
    const result = await this.#executeSql(sql, { values: bound.parameters, types: bound.types });
    return nameVariableColumns(result, this.variables);
  }

  /**
   * Sets a variable from command-line text (`--var name=value`, `--var name:TYPE=value`):
   * without a type, the type is inferred where nothing is lost (whole numbers BIGINT, decimals
   * DECIMAL, `true`/`false` BOOLEAN, the rest VARCHAR); with a type, DuckDB casts the text.
   * Throws {@link NoctraError} for a value the type rejects.
   */
  async setVariableFromText(name: string, text: string, type?: string): Promise<SessionVariable> {
    return await setVariableFromText(this.#duckdb, this.variables, name, text, type);
  }

  /**
   * Registers (or replaces) a view named `alias` over the file at `path` (as `USE`); SQLite
   * database files are attached instead. Returns a one-line confirmation. Throws
   * {@link NoctraError}.
   */
  async useFile(
    path: string,
    alias?: string,
    options: readonly ReaderOption[] = [],
    save = true,
  ): Promise<MessageResult> {
    return await useFile(this.#commands, { kind: "use_file", path, alias, options }, save);
  }

  /**
   * How the running statement is doing: DuckDB's query progress (a percentage where the plan can
   * estimate one, rows processed), and while SQLite rows are bridged into DuckDB, the rows copied
   * so far. Tracked once the session was opened with `progress` (`DuckDBSource.enableProgress`).
   */
  progress(): { percentage?: number; rows?: number } {
    const copied = this.#bridge.copiedRows;
    return copied !== null ? { rows: copied } : this.#duckdb.queryProgress();
  }

  /** The session's DuckDB: completion, keywords and memory use for the REPL. */
  get duckdb(): DuckDBSource {
    return this.#duckdb;
  }

  /** Asks the running statement to stop (a SQLite copy included, within ~200 ms). */
  interrupt(): void {
    this.#bridge.interrupt();
    this.#duckdb.interrupt();
    this.#files.releaseWaitingReaders();
  }

  /** Closes every SQLite attachment (DuckDB is closed by its owner). */
  close(): void {
    this.#sources.close();
    for (const hook of this.#closeHooks.splice(0)) hook();
  }

  // ---- the route -------------------------------------------------------------------------

  /** Routes and runs one statement whose `#name` references are already parameters. */
  async #executeSql(
    sql: string,
    parameters: Parameters | undefined,
  ): Promise<StatementResult> {
    const transaction = await this.#transaction.verbOf(sql);
    if (transaction !== null) return this.#transaction.run(transaction, sql);
    if (this.#sources.attachmentCount === 0 && this.strategy !== "sqlite") {
      // No attachments: everything is DuckDB's. DuckDB's parse tree (a round trip of ~0.8 ms)
      // is asked only when the statement could name a file (see namesNoFile).
      const relations = namesNoFile(sql)
        ? (startsLikeQuery(sql) ? NO_RELATIONS : null)
        : await this.#relations(sql);
      if (relations === null) await this.#transaction.claimDuckDBWrite(sql);
      this.#routed("duckdb", relations);
      const readsStream = await this.#checkFiles(relations);
      return await this.#inDuckDB(
        relations,
        () =>
          this.#duckdb.stream(sql, parameters, {
            query: relations !== null && this.copyOutput && !readsStream,
            cacheable: relations !== null && !readsStream,
            unprepared: readsStream,
          }),
      );
    }
    const relations = await this.#relations(sql);
    if (relations !== null) return await this.#runSelect(sql, relations, parameters);
    const head = statementHead(sql);
    const target = head === null ? undefined : this.#sources.sqliteForName(head.target);
    if (head !== null && target !== undefined) {
      return await this.#runWrite(sql, head, target, parameters);
    }
    if (this.strategy === "sqlite") {
      const only = this.#sources.onlyAttachment("this statement");
      this.#routed("sqlite", null);
      return only.execute(sql, parameters?.values);
    }
    // A DuckDB statement that reads SQLite tables (CREATE TABLE local AS …, COPY (…) TO, …):
    // DuckDB's parser gives no tree for it, so the qualified names in its tokens say which.
    const referenced = this.#sources.sqliteTablesNamedIn(sql);
    await this.#transaction.claimDuckDBWrite(sql);
    if (referenced.length > 0) this.#transaction.claimBridge(referenced);
    for (const { source, table } of referenced) {
      await this.#bridge.load({ source, table, columns: "all", filters: [] });
    }
    this.#routed(referenced.length > 0 ? "hybrid" : "duckdb", null, referenced);
    return await this.#inDuckDB(null, () => this.#duckdb.stream(sql, parameters));
  }

  /** Runs a SELECT natively in its one SQLite attachment, or in DuckDB over bridged tables. */
  async #runSelect(
    statement: string,
    relations: StatementRelations,
    parameters: Parameters | undefined,
  ): Promise<StatementResult> {
    const { tables: sqliteTables, otherRelations } = this.#sqliteTablesIn(relations);
    const sources = new Set(sqliteTables.map((entry) => entry.source));
    if (this.strategy === "sqlite") {
      if (otherRelations > 0 || sources.size > 1) {
        throw new NoctraError(
          "--engine sqlite: this query reads files or several databases, which only DuckDB can join; switch with :engine hybrid",
        );
      }
      const source = sources.size === 1
        ? [...sources][0]!
        : this.#sources.onlyAttachment("this query");
      this.#routed("sqlite", relations);
      return source.execute(statement, parameters?.values);
    }
    if (this.strategy === "auto" && sources.size === 1 && otherRelations === 0) {
      this.#routed("sqlite", relations);
      return [...sources][0]!.execute(statement, parameters?.values);
    }
    if (sqliteTables.length > 0) await this.#bridgeTables(statement, sqliteTables);
    this.#routed(sqliteTables.length > 0 ? "hybrid" : "duckdb", relations, sqliteTables);
    const readsStream = await this.#checkFiles(relations);
    return await this.#inDuckDB(
      relations,
      () =>
        this.#duckdb.stream(statement, parameters, {
          query: this.copyOutput && !readsStream,
          cacheable: !readsStream,
          unprepared: readsStream,
        }),
    );
  }

  /**
   * Runs a write whose target is a table of `source`: natively in SQLite, or — when its query
   * reads files, DuckDB relations or another attachment (or the strategy is `duckdb`) — as a
   * copy of DuckDB's rows into SQLite.
   */
  async #runWrite(
    statement: string,
    head: StatementHead,
    source: SQLiteSource,
    parameters: Parameters | undefined,
  ): Promise<StatementResult> {
    refuseUnsupportedWrite(head, source);
    if (head.queryStart !== undefined && (head.verb === "insert" || head.verb === "create_table")) {
      const query = statement.slice(head.queryStart, head.queryEnd ?? statement.length);
      const relations = await this.#relations(query);
      const readsElsewhere = relations !== null && (relations.tableFunctions.length > 0 ||
        relations.tables.some((reference) =>
          this.#sources.sqliteForReference(reference) !== source
        ));
      if (readsElsewhere || this.strategy === "duckdb") {
        this.#transaction.joinSqlite(source);
        this.route = {
          ...routeOf("hybrid", relations, this.performance),
          target: head.target.join("."),
        };
        return await copyIntoSqlite(source, head, async () => {
          await this.#prepareDuckDBQuery(query);
          return await this.#duckdb.stream(query, parameters);
        }, this.#bridge);
      }
    }
    this.#transaction.joinSqlite(source);
    this.#routed("sqlite", null);
    const sql = head.verb === "create_other"
      ? sqliteIndexStatement(statement) ?? statement
      : statement;
    const result = source.execute(sql, parameters?.values);
    if (head.verb !== "insert" && head.verb !== "update" && head.verb !== "delete") {
      await this.#bridge.refreshShadow(source);
    }
    return result;
  }

  /** Records the route of the statement being run ({@link route}). */
  #routed(
    engine: RouteEngine,
    relations: StatementRelations | null,
    bridged: readonly { source: SQLiteSource; table: string }[] = [],
  ): void {
    this.route = routeOf(engine, relations, this.performance, bridged);
  }

  /** The relations DuckDB's parse tree of `statement` names; null when DuckDB gives no tree. */
  async #relations(statement: string): Promise<StatementRelations | null> {
    try {
      const values = this.#parameterValues;
      return relationsOf(await this.#duckdb.parseTree(statement), (name) => values[name]);
    } catch {
      return null; // Not parseable by DuckDB: let the engine that runs it report the error.
    }
  }

  /** Checks the files `relations` names, views aside (see `FileInputs.checkFiles`). */
  async #checkFiles(relations: StatementRelations | null): Promise<boolean> {
    return await this.#files.checkFiles(
      relations,
      (name) => this.#sources.fileView(name) !== undefined,
    );
  }

  /** Copies the SQLite `tables` a DuckDB statement reads into DuckDB (columns and filters it uses). */
  async #bridgeTables(
    statement: string,
    tables: readonly { source: SQLiteSource; table: string }[],
  ): Promise<void> {
    this.#transaction.claimBridge(tables);
    await this.#bridge.loadFor(await this.#duckdb.parseTree(statement), tables);
  }

  /**
   * The SQLite tables among `relations` (each once), and how many relations are not SQLite
   * tables (files, table functions, DuckDB tables and views).
   */
  #sqliteTablesIn(relations: StatementRelations): {
    tables: { source: SQLiteSource; table: string }[];
    otherRelations: number;
  } {
    const tables = new Map<string, { source: SQLiteSource; table: string }>();
    let otherRelations = relations.tableFunctions.length;
    for (const reference of relations.tables) {
      const source = this.#sources.sqliteForReference(reference);
      if (source === undefined) otherRelations++;
      else {
        const key = JSON.stringify([source.alias.toLowerCase(), reference.table.toLowerCase()]);
        tables.set(key, { source, table: reference.table });
      }
    }
    return { tables: [...tables.values()], otherRelations };
  }

  /** Bridges the SQLite tables a DuckDB-side query reads and checks the files it names. */
  async #prepareDuckDBQuery(query: string): Promise<void> {
    const relations = await this.#relations(query);
    if (relations === null) return;
    const { tables } = this.#sqliteTablesIn(relations);
    if (tables.length > 0) await this.#bridgeTables(query, tables);
    await this.#checkFiles(relations);
  }

  /** Runs a DuckDB statement under the current thread policy and profiling (duckdb_run.ts). */
  async #inDuckDB(
    relations: StatementRelations | null,
    run: () => Promise<StatementResult>,
  ): Promise<StatementResult> {
    return await runInDuckDB(
      {
        duckdb: this.#duckdb,
        performance: this.performance,
        profiling: this.config.get("duckdb.tuning.enable_profiling") === true,
        onProfile: (line) => this.onProfile?.(line),
      },
      relations,
      run,
    );
  }

  /** EXPORT's writing (export.ts), with this session's DuckDB, sandbox and bridge. */
  async #exportQuery(
    request: ExportRequest,
    parameters: Parameters | undefined,
  ): Promise<MessageResult> {
    return await runExport(
      {
        duckdb: this.#duckdb,
        force: this.forceOverwrite,
        checkWrite: (path) => checkWrite(this.sandbox, path, `EXPORT TO '${request.path}'`),
        prepareQuery: (query) => this.#prepareDuckDBQuery(query),
      },
      request,
      parameters,
    );
  }
}
