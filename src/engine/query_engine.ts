/**
 * `QueryEngine`: the hybrid router. It runs RQL commands itself and decides, for every other
 * statement, which engine runs it — from DuckDB's own parser (`json_serialize_sql` trees for
 * SELECT, `extractStatements` + prepared `statementType` for the rest) and the head of write
 * statements, never from regexes over SQL.
 *
 * - A SELECT that reads only one SQLite attachment runs natively in SQLite.
 * - A SELECT that mixes SQLite tables with files or DuckDB relations runs in DuckDB after the
 *   referenced SQLite tables are bridged in under the same names (bridge.ts).
 * - A write whose target is a SQLite table runs natively in SQLite — unless its source query
 *   reads files or DuckDB relations (`INSERT INTO db.t SELECT … FROM 'f.csv'`,
 *   `CREATE TABLE db.t AS SELECT …`): DuckDB then runs the query and its rows stream into SQLite
 *   inside one savepoint, so a failing row leaves the database unchanged.
 * - Everything else runs in DuckDB, after the local files it names have been checked.
 *
 * Longer than the project's ~500-line guideline: it is due to be split along its ideas (one
 * module per idea) in the architecture work.
 *
 * @module
 */
import { StatementType, VARCHAR } from "./duckdb_api.ts";
import { closeSync, constants as fsConstants, openSync } from "node:fs";
import type { DuckDBSource, Parameters } from "./sources/duckdb_source.ts";
import { runExport } from "./export.ts";
/** apache-arrow is large: loaded on the first Arrow read or write, not at start-up. */
const arrow = () => import("./arrow/ipc_file.ts");
import { PARAMETER_PREFIX, type SessionVariable, VariableStore } from "../rql/variables.ts";
import { groupedDigits, textOf } from "../render/values.ts";
import {
  type Cell,
  type CopyFormat,
  type MessageResult,
  type RowsResult,
  rowsResultFromArrays,
  type StatementResult,
} from "./result.ts";
import {
  absolutePath,
  checkReadableFile,
  defaultAlias,
  type FileKind,
  fileKindOf,
  isGlob,
  isRemote,
  optionValueOf,
  readerCall,
  readerOptionNames,
  requireFileKind,
} from "./file_readers.ts";
import {
  FILE_READING_FUNCTIONS,
  relationsOf,
  type StatementRelations,
  type TableReference,
} from "./relations.ts";
import { SQLiteSource } from "./sources/sqlite_source.ts";
import { Bridge } from "./sources/bridge.ts";
import { tableUsage } from "./sources/pushdown.ts";
import type { RoutingStrategy } from "./routing.ts";
import { sqliteTypeForDuckdb, toSqliteValue } from "./sources/type_mapping.ts";
import {
  type AttachCommand,
  type DescribeCommand,
  type DetachCommand,
  type ExportCommand,
  parseRqlCommand,
  type ReaderOption,
  type RqlCommand,
  type ShowCommand,
  type UseFileCommand,
} from "../rql/commands.ts";
import { type StatementHead, statementHead } from "../rql/statement_head.ts";
import { significantTokens } from "../rql/lexer.ts";
import { quoteIdentifier, quoteLiteral } from "../sql_text.ts";
import { condenseEngineMessage, NoctraError } from "../errors.ts";
import { Config, duckdbMemoryLimit, parseMemory, physicalMemoryBytes } from "../config/config.ts";
import { closestKey, type ConfigValue } from "../config/schema.ts";
import { type IOType, isRemotePath, PerformanceConfig } from "../config/performance.ts";
import {
  checkRead,
  checkWrite,
  isSandboxed,
  NO_SANDBOX,
  type SandboxLayer,
  type SandboxPolicy,
} from "../sandbox/policy.ts";
import type { AttachmentRegistry, RegisteredSource } from "../session/attachment_registry.ts";

/** A view that `USE` registered over a file. */
export interface FileView {
  /** View name in DuckDB's default catalog. */
  readonly alias: string;
  /** Absolute path or glob (remote URLs as written). */
  readonly path: string;
  readonly kind: FileKind;
  readonly options: readonly ReaderOption[];
}

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

const SQLITE_HEADER = "SQLite format 3\0";
const SQLITE_EXTENSIONS = [".db", ".sqlite", ".sqlite3"];

/** Routes statements to DuckDB or SQLite and keeps the session's sources. */
export class QueryEngine {
  readonly #duckdb: DuckDBSource;
  readonly #bridge: Bridge;
  readonly #registry: AttachmentRegistry | undefined;
  readonly #fileViews = new Map<string, FileView>();
  readonly #sqlite = new Map<string, SQLiteSource>();
  /** Registered sources whose file was missing (or unreadable) at restore, by alias. */
  readonly #missing = new Map<string, RegisteredSource>();
  /** Arrow files loaded for `FROM 'file.arrow'`: table name → file signature. */
  readonly #arrowTables = new Map<string, string>();
  /** Aliases DETACHed in this session, so saving does not bring them back from the file. */
  readonly #forgotten = new Set<string>();
  /** What the open transaction has touched; null outside a transaction. */
  #transaction: OpenTransaction | null = null;
  /** Which engine runs statements. */
  strategy: RoutingStrategy = "auto";

  constructor(duckdb: DuckDBSource, options: QueryEngineOptions = {}) {
    this.#duckdb = duckdb;
    this.#registry = options.registry;
    this.config = options.config ?? Config.defaults();
    this.sandbox = options.sandbox ?? NO_SANDBOX;
    this.sandboxLayer = options.sandboxLayer ?? "off";
    this.#bridge = new Bridge(
      duckdb,
      () => Number(this.config.get("hybrid.materialize_threshold_rows")),
    );
    this.config.onChange((key, value) => this.#applySetting(key, value));
  }

  /** The session's settings (`SET key = value` changes them). */
  readonly config: Config;
  /** The directories this session may read and write. */
  readonly sandbox: SandboxPolicy;
  /** The layer that enforces {@link sandbox}. */
  readonly sandboxLayer: SandboxLayer;

  readonly #closeHooks: (() => void)[] = [];

  /** Registers `hook` to run when the engine closes (after DuckDB and SQLite are closed). */
  onClose(hook: () => void): void {
    this.#closeHooks.push(hook);
  }

  /** Applies a setting changed by SET/RESET to DuckDB. */
  async #applySetting(key: string, value: ConfigValue): Promise<void> {
    switch (key) {
      case "duckdb.performance.base_threads":
        await this.#duckdb.run(`SET threads = ${Number(value)}`);
        break;
      case "duckdb.performance.memory_limit": {
        const total = physicalMemoryBytes();
        const parsed = parseMemory(String(value));
        if (parsed !== undefined && ("bytes" in parsed || total !== undefined)) {
          const limit = duckdbMemoryLimit(String(value), total ?? 0);
          await this.#duckdb.run(`SET memory_limit = ${quoteLiteral(limit)}`);
        }
        break;
      }
      case "duckdb.performance.stmt_cache_capacity":
        this.#duckdb.statementCacheCapacity = Number(value);
        break;
      case "duckdb.tuning.catalog_error_max_schemas":
        await this.#duckdb.run(`SET catalog_error_max_schemas = ${Number(value)}`);
        break;
      case "duckdb.tuning.temp_directory":
        if (String(value) !== "") {
          await this.#duckdb.run(`SET temp_directory = ${quoteLiteral(String(value))}`);
        }
        break;
    }
  }

  /** The thread policy from the current settings. */
  get performance(): PerformanceConfig {
    return new PerformanceConfig(
      Number(this.config.get("duckdb.performance.base_threads")),
      Number(this.config.get("duckdb.performance.remote_multiplier")),
      String(this.config.get("duckdb.performance.io_type")) as IOType,
    );
  }

  /** The file views registered with `USE`, in registration order. */
  get fileViews(): readonly FileView[] {
    return [...this.#fileViews.values()];
  }

  /** The SQLite attachments, in attach order. */
  get attachments(): readonly SQLiteSource[] {
    return [...this.#sqlite.values()];
  }

  /**
   * Reads the sources saved in the registry without opening them: each is restored — its view
   * created (DuckDB binds it, sniffing the file) or its SQLite file attached — when a statement
   * first names its alias, so saved sources cost nothing to a session that does not use them,
   * and a locked or missing file fails only the statement that needs it. Returns one warning
   * line for an unreadable or corrupt registry. Never throws.
   */
  async restore(): Promise<string[]> {
    if (this.#registry === undefined) return [];
    const loaded = this.#registry.load();
    for (const source of loaded.sources) {
      const key = source.alias.toLowerCase();
      if (this.#fileViews.has(key) || this.#sqlite.has(key)) continue;
      this.#pending.set(key, source);
    }
    return await Promise.resolve(loaded.warning === undefined ? [] : [loaded.warning]);
  }

  /** Saved sources not restored yet, by lower-case alias (see {@link restore}). */
  readonly #pending = new Map<string, RegisteredSource>();

  /**
   * Restores the saved sources whose alias `statement` names (any identifier token equal to
   * the alias, case-insensitively), or every saved source when `all`. A source that cannot be
   * restored stays registered, marked missing, and the statement fails with the reason
   * (locked, missing, unreadable) unless it is a DETACH. Throws {@link NoctraError}.
   */
  async #restoreNamed(statement: string, all = false): Promise<void> {
    if (this.#pending.size === 0) return;
    let named: Set<string>;
    let detach = false;
    try {
      const tokens = significantTokens(statement);
      detach = tokens[0]?.kind === "word" && tokens[0].value.toUpperCase() === "DETACH";
      named = new Set(
        tokens
          .filter((token) => token.kind === "word" || token.kind === "quoted_identifier")
          .map((token) => token.value.toLowerCase()),
      );
    } catch {
      named = new Set();
    }
    if (detach) return; // DETACH forgets a saved source without opening it.
    const failures: string[] = [];
    for (const [key, source] of [...this.#pending]) {
      if (!all && !named.has(key)) continue;
      this.#pending.delete(key);
      try {
        if (source.kind === "sqlite") {
          await this.#attachSqlite(source.path, source.alias, source.readOnly, false, false);
        } else {
          const options = Object.entries(source.options).map(([option, valueSql]) => ({
            key: option,
            valueSql,
          }));
          await this.#createFileView(source.path, source.alias, options, false);
        }
      } catch (error) {
        this.#missing.set(key, source);
        const reason = error instanceof Error ? error.message : String(error);
        const state = /locked/i.test(reason) ? "is locked" : "could not be restored";
        failures.push(
          `saved source ${source.alias} (${source.path}) ${state}: ${reason}; it stays registered (DETACH ${source.alias} to forget it)`,
        );
      }
    }
    if (failures.length > 0) throw new NoctraError(failures.join("; "));
  }

  /**
   * Runs one statement (no trailing `;` needed) and returns its result; rows stream lazily.
   * Throws {@link NoctraError} for bad RQL, files or SQLite statements, DuckDB's error for bad
   * SQL run in DuckDB.
   */
  async execute(statement: string): Promise<StatementResult> {
    await this.#restoreNamed(statement);
    const command = parseRqlCommand(
      statement,
      (name) => this.#pathVariable(name),
      (key) => {
        if (Config.isKey(key)) return true;
        // A dotted name in one of Noctra's sections is a misspelt Noctra key, not DuckDB's.
        if (/^(duckdb\.(performance|tuning)|sqlite|hybrid|repl)\./.test(key)) {
          throw new NoctraError(`SET ${key}: unknown setting; did you mean ${closestKey(key)}?`);
        }
        return false;
      },
      (name) => {
        const variable = this.variables.get(name);
        if (variable === undefined) {
          throw new NoctraError(
            `#${name}: no variable named ${name}; set it with LET ${name} = value`,
          );
        }
        return optionValueOf(variable.value, name);
      },
    );
    if (command !== null) {
      const result = await this.#runCommand(command);
      if (result !== null) return result;
    }
    this.#checkSandbox(statement);
    const bound = this.variables.bind(statement);
    const sql = bound.sql;
    if (Object.keys(bound.parameters).length === 0) return await this.#executeSql(sql, undefined);
    const result = await this.#executeSql(sql, { values: bound.parameters, types: bound.types });
    return nameVariableColumns(result, this.variables);
  }

  /** Routes and runs one statement whose `#name` references are already parameters. */
  async #executeSql(
    sql: string,
    parameters: Parameters | undefined,
  ): Promise<StatementResult> {
    const transaction = await this.#transactionVerb(sql);
    if (transaction !== null) return this.#runTransaction(transaction, sql);
    if (this.#sqlite.size === 0 && this.strategy !== "sqlite") {
      // No attachments: everything is DuckDB's. DuckDB's parse tree (a round trip of ~0.8 ms)
      // is asked only when the statement could name a file (see namesNoFile).
      const relations = namesNoFile(sql)
        ? (startsLikeQuery(sql) ? NO_RELATIONS : null)
        : await this.#relations(sql);
      if (relations === null) await this.#claimDuckDBWrite(sql);
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
    const target = head === null ? undefined : this.#sqliteForName(head.target);
    if (head !== null && target !== undefined) {
      return await this.#runWrite(sql, head, target, parameters);
    }
    if (this.strategy === "sqlite") {
      const only = this.#onlyAttachment("this statement");
      return only.execute(sql, parameters?.values);
    }
    // A DuckDB statement that reads SQLite tables (CREATE TABLE local AS …, COPY (…) TO, …):
    // DuckDB's parser gives no tree for it, so the qualified names in its tokens say which.
    const referenced = this.#sqliteTablesNamedIn(sql);
    await this.#claimDuckDBWrite(sql);
    if (referenced.length > 0) this.#claimBridge(referenced);
    for (const { source, table } of referenced) {
      await this.#bridge.load({ source, table, columns: "all", filters: [] });
    }
    return await this.#inDuckDB(null, () => this.#duckdb.stream(sql, parameters));
  }

  /** Called with a one-line profile after each DuckDB statement when profiling is on. */
  onProfile: ((line: string) => void) | undefined;

  /**
   * Runs a DuckDB statement with the threads its paths call for (`PerformanceConfig`), restored
   * when its result has been read; turns a failure to load httpfs for remote paths into one
   * line; reports a profile when `duckdb.tuning.enable_profiling` is on.
   */
  async #inDuckDB(
    relations: StatementRelations | null,
    run: () => Promise<StatementResult>,
  ): Promise<StatementResult> {
    const paths = relations === null ? [] : [
      ...relations.tables.filter((table) => table.catalog === "" && table.schema === "").map((
        table,
      ) => table.table),
      ...relations.tableFunctions.flatMap((fn) =>
        fn.firstArgument === undefined ? [] : [fn.firstArgument]
      ),
    ];
    const remote = paths.filter(isRemotePath);
    const performance = this.performance;
    const threads = performance.threadsFor(paths);
    const started = performance_now();
    const profiling = this.config.get("duckdb.tuning.enable_profiling") === true;
    if (threads !== performance.baseThreads) await this.#duckdb.run(`SET threads = ${threads}`);
    const finish = async (rows: number | undefined) => {
      if (threads !== performance.baseThreads) {
        await this.#duckdb.run(`SET threads = ${performance.baseThreads}`);
      }
      if (profiling && this.onProfile !== undefined) {
        this.onProfile(profileLine(performance_now() - started, rows, threads));
      }
    };
    const explain = (error: unknown): unknown =>
      remote.length > 0 &&
        /httpfs|extension/i.test(error instanceof Error ? error.message : String(error))
        ? new NoctraError(
          `${
            remote[0]
          }: remote paths need DuckDB's httpfs extension, which could not be loaded — DuckDB downloads it at first use and that needs network access (${
            firstLine(error)
          })`,
          undefined,
          { cause: error },
        )
        : error;
    let result: StatementResult;
    try {
      result = await run();
    } catch (error) {
      await finish(undefined).catch(() => {});
      throw explain(error);
    }
    if (result.kind === "message") {
      await finish(result.rowsChanged);
      return result;
    }
    if (threads === performance.baseThreads && !profiling && remote.length === 0) {
      // Nothing to restore or report when the result ends: no wrapper around every chunk.
      return result;
    }
    const inner = result;
    let settled = false;
    const settle = async (rows: number) => {
      if (settled) return;
      settled = true;
      await finish(rows);
    };
    return {
      kind: "rows",
      columns: inner.columns,
      chunks: async function* () {
        let rows = 0;
        try {
          for await (const chunk of inner.chunks()) {
            rows += chunk.rowCount;
            yield chunk;
          }
        } catch (error) {
          throw explain(error);
        } finally {
          await settle(rows);
        }
      },
      ...(inner.copyTo === undefined ? {} : {
        ...(inner.copyFormats === undefined ? {} : { copyFormats: inner.copyFormats }),
        copyTo: async (path: string, format: CopyFormat) => {
          let rows = 0;
          try {
            rows = await inner.copyTo!(path, format);
            return rows;
          } catch (error) {
            throw explain(error);
          } finally {
            await settle(rows);
          }
        },
      }),
    };
  }

  /** Checks the sandbox's read permission, then that the file is there and readable. */
  async #checkReadable(
    path: string,
    context: string,
    read: { readonly asJson?: boolean } = {},
  ): Promise<boolean> {
    checkRead(this.sandbox, isGlob(path) ? globRoot(path) : absolutePath(path), context);
    const stream = await checkReadableFile(path, context, read) === "stream";
    if (stream) this.#streamInputs.add(absolutePath(path));
    return stream;
  }

  /** FIFOs and devices the statements of this session read (see {@link interrupt}). */
  readonly #streamInputs = new Set<string>();

  /**
   * Messages, not the boundary (the kernel layer is: docs/SECURITY.md): the sandbox's checks on
   * a statement's own file targets, before any engine runs it, so the user reads which flag
   * allows it rather than the kernel's bare "Permission denied". DuckDB
   * confines every path to the allowed directories but does not tell reading from writing, and
   * SQLite's `VACUUM INTO` writes a file too. Checked (after an `EXPLAIN [ANALYZE]` or
   * `PREPARE name AS` prefix): `COPY … TO target`, `ATTACH target` (read-only attachments need
   * only read access), `EXPORT DATABASE target`, `VACUUM … INTO target`, with the target as a
   * string, dollar-quoted string or quoted identifier; and `SET` of the settings that name files
   * or turn the sandbox off, which are refused with a clear message.
   */
  #checkSandbox(sql: string): void {
    if (!isSandboxed(this.sandbox)) return;
    let tokens;
    try {
      tokens = significantTokens(sql);
    } catch {
      return;
    }
    const word = (index: number) =>
      tokens[index]?.kind === "word" ? tokens[index]!.value.toUpperCase() : "";
    const pathAt = (index: number) => {
      const token = tokens[index];
      if (token?.kind === "variable") {
        // `COPY … TO #p`: the variable is bound as a parameter; its value is the path.
        const value = this.variables.get(token.value)?.value;
        return typeof value === "string" ? value : undefined;
      }
      return token !== undefined &&
          (token.kind === "string" || token.kind === "dollar_string" ||
            token.kind === "quoted_identifier")
        ? token.value
        : undefined;
    };
    let position = 0;
    for (;;) {
      if (word(position) === "EXPLAIN") {
        position += word(position + 1) === "ANALYZE" ? 2 : 1;
      } else if (word(position) === "PREPARE") {
        while (position < tokens.length && word(position) !== "AS") position++;
        position++;
      } else break;
    }
    const verb = word(position);
    // DuckDB's file log: a log directory the sandbox refuses makes DuckDB's log writer throw
    // from a destructor at exit, which aborts the process (measured: exit 134).
    const names = new Set(
      tokens.filter((token) => token.kind === "word").map((token) => token.value.toLowerCase()),
    );
    if (
      names.has("enable_logging") &&
      (names.has("storage_path") || names.has("storage_config") ||
        tokens.some((token) => token.kind === "string" && token.value.toLowerCase() === "file"))
    ) {
      throw new NoctraError(
        "enable_logging to a file: permission denied: the file sandbox is on and DuckDB's log files cannot be written under it; log to memory (CALL enable_logging()) and read duckdb_logs",
      );
    }
    if (verb === "SET" || verb === "RESET") {
      const name = (tokens[position + 1]?.value ?? "").toLowerCase();
      if (
        SANDBOX_FROZEN_SETTINGS.has(name) ||
        SANDBOX_FROZEN_SETTINGS.has(word(position + 2).toLowerCase())
      ) {
        throw new NoctraError(
          `${verb} ${name}: permission denied: the file sandbox is on (--allow-read/--allow-write/--sandbox) and settings that reach files cannot change in a running session`,
        );
      }
      return;
    }
    if (verb === "ATTACH") {
      let index = position + 1;
      if (word(index) === "IF") index += 3;
      if (word(index) === "DATABASE") index++;
      const target = pathAt(index);
      if (target === undefined) {
        // An expression (SQLite accepts any: ATTACH ('/x' || 'y')) names a path no message can
        // check; under the sandbox it is refused rather than left to the kernel alone.
        if (tokens[index] !== undefined && word(index) !== "AS") {
          throw new NoctraError(
            `ATTACH: permission denied: the file sandbox is on and this ATTACH names its file with an expression; write the path as a string literal`,
          );
        }
        return;
      }
      if (target === ":memory:") return;
      const readOnly = tokens.slice(index).some((token) =>
        token.kind === "word" && token.value.toUpperCase() === "READ_ONLY"
      );
      if (readOnly) checkRead(this.sandbox, target, `ATTACH '${target}'`);
      else checkWrite(this.sandbox, target, `ATTACH '${target}' (add READ_ONLY to only read it)`);
      return;
    }
    if (verb === "EXPORT" && word(position + 1) === "DATABASE") {
      const target = pathAt(position + 2);
      if (target !== undefined) checkWrite(this.sandbox, target, `EXPORT DATABASE '${target}'`);
      return;
    }
    const into = verb === "COPY" ? "TO" : verb === "VACUUM" ? "INTO" : "";
    if (into === "") return;
    // COPY FROM DATABASE a TO b copies between attached databases: no file is named.
    if (verb === "COPY" && word(position + 1) === "FROM" && word(position + 2) === "DATABASE") {
      return;
    }
    let depth = 0;
    for (let index = position + 1; index < tokens.length; index++) {
      const text = tokens[index]!.text;
      if (text === "(") depth++;
      else if (text === ")") depth--;
      else if (depth === 0 && word(index) === into) {
        const target = pathAt(index + 1);
        if (target !== undefined) checkWrite(this.sandbox, target, `${verb} … ${into} '${target}'`);
        else if (tokens[index + 1] !== undefined) {
          throw new NoctraError(
            `${verb} … ${into}: permission denied: the file sandbox is on and the target is an expression; write the path as a string literal (or a #variable)`,
          );
        }
        return;
      }
    }
  }

  /** SQLite tables named `alias.table` or `alias.main.table` in the tokens of `sql`. */
  #sqliteTablesNamedIn(sql: string): { source: SQLiteSource; table: string }[] {
    let tokens;
    try {
      tokens = significantTokens(sql);
    } catch {
      return [];
    }
    const isName = (index: number) =>
      tokens[index]?.kind === "word" || tokens[index]?.kind === "quoted_identifier";
    const found = new Map<string, { source: SQLiteSource; table: string }>();
    for (let index = 0; index + 2 < tokens.length; index++) {
      if (!isName(index) || tokens[index + 1]!.text !== "." || !isName(index + 2)) continue;
      const source = this.#sqlite.get(tokens[index]!.value.toLowerCase());
      if (source === undefined) continue;
      let table = tokens[index + 2]!.value;
      if (table.toLowerCase() === "main" && tokens[index + 3]?.text === "." && isName(index + 4)) {
        table = tokens[index + 4]!.value;
      }
      if (source.hasRelation(table)) {
        found.set(`${source.alias}.${table}`.toLowerCase(), { source, table });
      }
    }
    return [...found.values()];
  }

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

  /**
   * Sets a variable from command-line text (`--var name=value`, `--var name:TYPE=value`):
   * without a type, whole numbers become BIGINT, decimals DOUBLE, `true`/`false` BOOLEAN, the
   * rest VARCHAR; with a type, DuckDB casts the text. Throws {@link NoctraError} for a value the
   * type rejects.
   */
  async setVariableFromText(name: string, text: string, type?: string): Promise<SessionVariable> {
    const expression = type !== undefined ? `CAST($text AS ${type})` : inferredCast(text);
    try {
      const { value, type: valueType } = await this.#duckdb.evaluate(`SELECT ${expression}`, {
        values: { text },
        types: { text: VARCHAR },
      });
      return this.variables.set(name, value, valueType);
    } catch (error) {
      throw new NoctraError(
        `--var ${name}${type ? ":" + type : ""}=${text}: ${firstLine(error)}`,
        2,
      );
    }
  }

  #pathVariable(name: string): string {
    const variable = this.variables.get(name);
    if (variable === undefined) {
      throw new NoctraError(
        `#${name}: no variable named ${name}; set it with LET ${name} = '/path/to/file'`,
      );
    }
    if (typeof variable.value !== "string") {
      throw new NoctraError(
        `#${name} holds a ${variable.type.toString()}, not a path; LET ${name} = 'path'`,
      );
    }
    return variable.value;
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
    return await this.#runUse({ kind: "use_file", path, alias, options }, save);
  }

  /** Asks the running statement to stop. */
  interrupt(): void {
    this.#duckdb.interrupt();
    // DuckDB waits in open() for a FIFO's writer, where an interrupt cannot reach it: opening
    // the FIFO for writing (without blocking) and closing it again ends that wait with EOF.
    for (const path of this.#streamInputs) releaseFifoReader(path);
  }

  /** Closes every SQLite attachment (DuckDB is closed by its owner). */
  close(): void {
    for (const source of this.#sqlite.values()) source.close();
    for (const hook of this.#closeHooks.splice(0)) hook();
  }

  // ---- RQL commands ----------------------------------------------------------------------

  async #runCommand(command: RqlCommand): Promise<StatementResult | null> {
    switch (command.kind) {
      case "use_file":
        return await this.#runUse(command);
      case "attach":
        return await this.#runAttach(command);
      case "detach":
        return await this.#runDetach(command);
      case "describe":
        return await this.#runDescribe(command);
      case "let":
        return await this.#runLet(command.name, command.expression);
      case "unset":
        this.variables.unset(command.names);
        return { kind: "message", message: `unset ${command.names.join(", ")}` };
      case "export":
        return await this.#runExport(command);
      case "set_config": {
        const entry = await this.config.set(command.key, command.value!).catch((error) => {
          // A bad value in a session is a failed statement (exit 1), not a usage error.
          throw new NoctraError((error as Error).message, undefined, {
            cause: error,
          });
        });
        return { kind: "message", message: `${entry.key} = ${entry.value}` };
      }
      case "reset_config": {
        const entry = await this.config.reset(command.key);
        return { kind: "message", message: `${entry.key} = ${entry.value} (${entry.source})` };
      }
      case "show_config":
        return this.#showConfig();
      default:
        return await this.#runShow(command);
    }
  }

  #showConfig(): RowsResult {
    const rows: Cell[][] = this.config.entries().map((
      entry,
    ) => [entry.key, String(entry.value), entry.source]);
    const sandbox = this.sandbox;
    const origin = sandbox.origin === "flags"
      ? "flag"
      : sandbox.origin === "deno"
      ? "deno"
      : "default";
    rows.push([
      "sandbox.mode",
      isSandboxed(sandbox) ? "confined" : "off (full file access)",
      origin,
    ]);
    rows.push(["sandbox.layer", this.sandboxLayer, isSandboxed(sandbox) ? origin : "default"]);
    if (isSandboxed(sandbox)) {
      rows.push(["sandbox.read", sandbox.read.join(", "), origin]);
      rows.push(["sandbox.write", sandbox.write.join(", "), origin]);
      rows.push(["sandbox.network", sandbox.allowNetwork ? "allowed" : "denied", origin]);
    }
    rows.push(["config.file", this.config.path ?? "(none)", this.config.path ? "file" : "default"]);
    return rowsResultFromArrays(
      [
        { name: "key", type: "VARCHAR", kind: "text" },
        { name: "value", type: "VARCHAR", kind: "text" },
        { name: "source", type: "VARCHAR", kind: "text" },
      ],
      rows,
    );
  }

  async #runLet(name: string, expression: string): Promise<MessageResult> {
    const bound = this.variables.bind(`SELECT (${expression}\n) AS value`);
    const parameters = { values: bound.parameters, types: bound.types };
    await this.#prepareDuckDBQuery(bound.sql);
    let evaluated;
    try {
      evaluated = await this.#duckdb.evaluate(bound.sql, parameters);
    } catch (error) {
      throw new NoctraError(`LET ${name}: ${condenseEngineMessage(firstLine(error))}`, undefined, {
        cause: error,
      });
    }
    const variable = this.variables.set(name, evaluated.value, evaluated.type);
    return {
      kind: "message",
      message: `${variable.name}: ${variable.type.toString()} = ${
        textOf(variable.value) ?? "NULL"
      }`,
      report: true,
    };
  }

  async #runExport(command: ExportCommand): Promise<MessageResult> {
    const bound = this.variables.bind(command.query);
    const parameters = Object.keys(bound.parameters).length === 0
      ? undefined
      : { values: bound.parameters, types: bound.types };
    return await runExport(
      {
        duckdb: this.#duckdb,
        force: this.forceOverwrite,
        checkWrite: (path) => checkWrite(this.sandbox, path, `EXPORT TO '${command.path}'`),
        prepareQuery: (query) => this.#prepareDuckDBQuery(query),
        streamQuery: async (query) => {
          const result = await this.#duckdb.stream(query, parameters);
          return result as RowsResult;
        },
        writeArrow: async (result, path) =>
          (await (await arrow()).writeArrowIpcFile(result, path)).rows,
      },
      { ...command, query: bound.sql },
      parameters,
    );
  }

  /** Bridges the SQLite tables a DuckDB-side query reads and checks the files it names. */
  async #prepareDuckDBQuery(query: string): Promise<void> {
    const relations = await this.#relations(query);
    if (relations === null) return;
    const tables = new Map<string, { source: SQLiteSource; table: string }>();
    for (const reference of relations.tables) {
      const source = this.#sqliteForReference(reference);
      if (source !== undefined) {
        tables.set(`${source.alias}.${reference.table}`.toLowerCase(), {
          source,
          table: reference.table,
        });
      }
    }
    if (tables.size > 0) await this.#bridgeTables(query, [...tables.values()]);
    await this.#checkFiles(relations);
  }

  async #runUse(command: UseFileCommand, save = true): Promise<MessageResult> {
    if (isSqlitePath(command.path)) {
      return await this.#runAttach({
        kind: "attach",
        path: command.path,
        alias: command.alias,
        type: "SQLITE",
        readOnly: false,
        create: false,
        sql: "",
      }, save) as MessageResult;
    }
    const view = await this.#createFileView(command.path, command.alias, command.options, save);
    return { kind: "message", message: `view ${view.alias} → ${view.path} (${view.kind})` };
  }

  async #createFileView(
    rawPath: string,
    aliasOrUndefined: string | undefined,
    options: readonly ReaderOption[],
    save: boolean,
  ): Promise<FileView> {
    const context = `USE '${rawPath}'`;
    const kind = requireFileKind(rawPath, context);
    await this.#checkReadable(rawPath, context);
    const path = absolutePath(rawPath);
    const alias = aliasOrUndefined ?? defaultAlias(rawPath);
    if (kind === "arrow") {
      // DuckDB here has no arrow extension: the file is read into a table (not a lazy view).
      if (options.length > 0) throw new NoctraError(`${context}: Arrow files take no OPTIONS`);
      await (await arrow()).loadArrowIpcIntoDuckDB(this.#duckdb, path, {
        catalog: "memory",
        schema: "main",
        name: alias,
      });
    } else {
      const reader = readerCall(path, kind, options, {
        knownOptions: await readerOptionNames(this.#duckdb, kind),
        context,
      });
      try {
        // DuckDB cannot bind parameters inside a view body, so the path is a quoted literal.
        await this.#duckdb.run(
          `CREATE OR REPLACE VIEW memory.main.${quoteIdentifier(alias)} AS SELECT * FROM ${reader}`,
        );
      } catch (error) {
        throw new NoctraError(`${context}: ${firstLine(error)}`, undefined, { cause: error });
      }
    }
    const view: FileView = { alias, path, kind, options };
    this.#fileViews.set(alias.toLowerCase(), view);
    this.#missing.delete(alias.toLowerCase());
    this.#forgotten.delete(alias.toLowerCase());
    if (save) this.#saveRegistry();
    return view;
  }

  async #runAttach(command: AttachCommand, save = true): Promise<MessageResult | null> {
    const path = absolutePath(command.path);
    let sqlite = command.type === "SQLITE";
    if (command.type === undefined) {
      const header = readHeader(path);
      if (header === SQLITE_HEADER) sqlite = true;
      else if (header === undefined && isSqlitePath(path)) {
        throw new NoctraError(
          `ATTACH '${command.path}': no such file; to create a new SQLite database write ATTACH '${command.path}' AS ${
            command.alias ?? defaultAlias(command.path)
          } (TYPE SQLITE, CREATE)`,
        );
      }
    }
    if (!sqlite) {
      // DuckDB's own ATTACH (a DuckDB database file, another TYPE): DuckDB may write to it.
      if (command.path !== ":memory:") {
        if (command.readOnly) checkRead(this.sandbox, path, `ATTACH '${command.path}'`);
        else {checkWrite(
            this.sandbox,
            path,
            `ATTACH '${command.path}' (add READ_ONLY to only read it)`,
          );}
      }
      return null;
    }
    const alias = command.alias ?? defaultAlias(command.path);
    const source = await this.#attachSqlite(path, alias, command.readOnly, command.create, save);
    const tables = source.relations().length;
    return {
      kind: "message",
      message: `attached ${alias} → ${path} (sqlite${
        source.readOnly ? ", read-only" : ""
      }, ${tables} ${tables === 1 ? "table" : "tables"})`,
    };
  }

  async #attachSqlite(
    path: string,
    alias: string,
    readOnly: boolean,
    create: boolean,
    save: boolean,
  ): Promise<SQLiteSource> {
    const key = alias.toLowerCase();
    if (this.#sqlite.has(key)) {
      throw new NoctraError(`ATTACH: ${alias} is already attached; DETACH ${alias} first`);
    }
    if (["memory", "system", "temp", "main"].includes(key)) {
      throw new NoctraError(`ATTACH: ${alias} is a reserved catalog name; choose another alias`);
    }
    checkRead(this.sandbox, path, `ATTACH '${path}' AS ${alias}`);
    if (!readOnly) {
      checkWrite(
        this.sandbox,
        path,
        `ATTACH '${path}' AS ${alias} (attach it READ_ONLY to only read it)`,
      );
    }
    const source = SQLiteSource.open(path, alias, {
      readOnly,
      create,
      busyTimeoutMs: Number(this.config.get("sqlite.busy_timeout_ms")),
    });
    if (!readOnly && this.config.get("sqlite.wal_mode") === true) {
      try {
        source.exec(`PRAGMA ${quoteIdentifier(alias)}.journal_mode = WAL`);
      } catch (error) {
        source.close();
        throw error;
      }
    }
    try {
      await this.#bridge.attachShadow(source);
    } catch (error) {
      source.close();
      throw new NoctraError(`ATTACH '${path}' AS ${alias}: ${firstLine(error)}`, undefined, {
        cause: error,
      });
    }
    this.#sqlite.set(key, source);
    this.#missing.delete(key);
    this.#forgotten.delete(key);
    if (save) this.#saveRegistry();
    return source;
  }

  async #runDetach(command: DetachCommand): Promise<MessageResult | null> {
    const key = command.alias.toLowerCase();
    if (this.#pending.delete(key)) {
      this.#forgotten.add(key);
      this.#saveRegistry();
      return { kind: "message", message: `forgot saved source ${command.alias}` };
    }
    if (this.#sqlite.has(key) || this.#missing.has(key) || this.#fileViews.has(key)) {
      this.#forgotten.add(key);
    }
    const source = this.#sqlite.get(key);
    if (source !== undefined) {
      if (this.#transaction?.sqlite.has(source)) {
        throw new NoctraError(
          `DETACH ${command.alias}: a transaction is open on it; COMMIT or ROLLBACK first`,
        );
      }
      this.#sqlite.delete(key);
      source.close();
      await this.#bridge.detachShadow(source);
      this.#saveRegistry();
      return { kind: "message", message: `detached ${source.alias}` };
    }
    if (this.#missing.delete(key)) {
      this.#saveRegistry();
      return { kind: "message", message: `forgot missing source ${command.alias}` };
    }
    const view = this.#fileViews.get(key);
    if (view !== undefined) {
      const relation = view.kind === "arrow" ? "TABLE" : "VIEW";
      await this.#duckdb.run(
        `DROP ${relation} IF EXISTS memory.main.${quoteIdentifier(view.alias)}`,
      );
      this.#fileViews.delete(key);
      this.#saveRegistry();
      return { kind: "message", message: `dropped view ${view.alias}` };
    }
    const attached = await this.#duckdb.readAll(
      "SELECT count(*) FROM duckdb_databases() WHERE lower(database_name) = lower($1)",
      [command.alias],
    );
    if (Number(attached[0]?.[0] ?? 0) > 0) return null; // a DuckDB attachment: DuckDB's DETACH
    if (command.ifExists) return { kind: "message", message: "" };
    throw new NoctraError(
      `DETACH ${command.alias}: no source named ${command.alias}; SHOW SOURCES lists them`,
    );
  }

  async #runShow(command: ShowCommand): Promise<StatementResult> {
    switch (command.kind) {
      case "show_sources":
        return this.#showSources();
      case "show_tables":
        if (command.alias === undefined) await this.#restoreNamed("", true);
        return await this.#showTables(command.alias);
      case "show_cache":
        return rowsResultFromArrays(
          [
            { name: "alias", type: "VARCHAR", kind: "text" },
            { name: "table", type: "VARCHAR", kind: "text" },
            { name: "rows", type: "BIGINT", kind: "integer" },
            { name: "loaded_at", type: "VARCHAR", kind: "text" },
          ],
          this.#bridge.cachedTables().map((entry) => [
            entry.alias,
            entry.table,
            BigInt(entry.rows),
            new Date(entry.loadedAt).toISOString(),
          ]),
        );
      case "show_vars":
        return rowsResultFromArrays(
          [
            { name: "name", type: "VARCHAR", kind: "text" },
            { name: "type", type: "VARCHAR", kind: "text" },
            { name: "value", type: "VARCHAR", kind: "text" },
          ],
          this.variables.list().map((variable) => [
            variable.name,
            variable.type.toString(),
            textOf(variable.value),
          ]),
        );
      case "clear_cache": {
        if (command.alias !== undefined && !this.#sqlite.has(command.alias.toLowerCase())) {
          throw new NoctraError(
            `CLEAR CACHE ${command.alias}: no SQLite attachment named ${command.alias}`,
          );
        }
        const dropped = this.#bridge.dropCache(command.alias);
        return {
          kind: "message",
          message: `cleared ${dropped} cached ${dropped === 1 ? "table" : "tables"}`,
        };
      }
    }
  }

  #showSources(): RowsResult {
    const rows: Cell[][] = [];
    for (const view of this.#fileViews.values()) {
      rows.push([view.alias, view.kind, view.path, "duckdb", false, fileStatus(view.path)]);
    }
    for (const source of this.#sqlite.values()) {
      rows.push([
        source.alias,
        "sqlite",
        source.path,
        "sqlite",
        source.readOnly,
        fileStatus(source.path),
      ]);
    }
    for (const source of this.#missing.values()) {
      rows.push([
        source.alias,
        source.kind,
        source.path,
        source.kind === "sqlite" ? "sqlite" : "duckdb",
        source.readOnly,
        "missing",
      ]);
    }
    for (const source of this.#pending.values()) {
      rows.push([
        source.alias,
        source.kind,
        source.path,
        source.kind === "sqlite" ? "sqlite" : "duckdb",
        source.readOnly,
        fileStatus(source.path) === "ok" ? "saved" : "missing",
      ]);
    }
    return rowsResultFromArrays(
      [
        { name: "alias", type: "VARCHAR", kind: "text" },
        { name: "kind", type: "VARCHAR", kind: "text" },
        { name: "path", type: "VARCHAR", kind: "text" },
        { name: "engine", type: "VARCHAR", kind: "text" },
        { name: "read_only", type: "BOOLEAN", kind: "boolean" },
        { name: "status", type: "VARCHAR", kind: "text" },
      ],
      rows,
    );
  }

  async #showTables(alias: string | undefined): Promise<RowsResult> {
    const columns = [
      { name: "source", type: "VARCHAR", kind: "text" as const },
      { name: "name", type: "VARCHAR", kind: "text" as const },
      { name: "type", type: "VARCHAR", kind: "text" as const },
    ];
    if (alias !== undefined) {
      const source = this.#sqlite.get(alias.toLowerCase());
      if (source === undefined) {
        throw new NoctraError(
          `SHOW TABLES FROM ${alias}: no SQLite attachment named ${alias}; SHOW SOURCES lists them`,
        );
      }
      return rowsResultFromArrays(
        columns,
        source.relations().map((relation) => [source.alias, relation.name, relation.type]),
      );
    }
    const rows: Cell[][] = (await this.#duckdb.readAll(
      "SELECT table_name, CASE WHEN table_type = 'VIEW' THEN 'view' ELSE 'table' END FROM information_schema.tables " +
        "WHERE table_catalog = 'memory' ORDER BY table_name",
    )).map(([name, type]) => ["duckdb", name, type]);
    for (const source of this.#sqlite.values()) {
      for (const relation of source.relations()) {
        rows.push([source.alias, relation.name, relation.type]);
      }
    }
    return rowsResultFromArrays(columns, rows);
  }

  async #runDescribe(command: DescribeCommand): Promise<RowsResult> {
    const columns = [
      { name: "column_name", type: "VARCHAR", kind: "text" as const },
      { name: "column_type", type: "VARCHAR", kind: "text" as const },
      { name: "null", type: "VARCHAR", kind: "text" as const },
    ];
    if (command.path !== undefined) {
      await this.#checkReadable(command.path, `DESCRIBE '${command.path}'`);
      // DuckDB has no Arrow IPC reader: the file is loaded as a table first, as for FROM.
      if (fileKindOf(command.path) === "arrow") await this.#loadArrowReplacement(command.path);
      const rows = await this.#duckdb.readAll(
        `SELECT column_name, column_type, "null" FROM (DESCRIBE SELECT * FROM ${
          quoteLiteral(command.path)
        })`,
      );
      return rowsResultFromArrays(columns, rows);
    }
    const name = command.name!;
    const source = this.#sqliteForName(name);
    if (source !== undefined) {
      const table = name[name.length - 1]!;
      const described = source.columns(table);
      if (described.length === 0) {
        throw new NoctraError(
          `DESCRIBE ${name.join(".")}: ${source.alias} has no table or view named ${table}`,
        );
      }
      return rowsResultFromArrays(
        columns,
        described.map((
          column,
        ) => [column.name, column.declaredType, column.notNull ? "NO" : "YES"]),
      );
    }
    const rows = await this.#duckdb.readAll(
      `SELECT column_name, column_type, "null" FROM (DESCRIBE ${
        name.map(quoteIdentifier).join(".")
      })`,
    );
    return rowsResultFromArrays(columns, rows);
  }

  // ---- routing ---------------------------------------------------------------------------

  async #relations(statement: string): Promise<StatementRelations | null> {
    try {
      return relationsOf(await this.#duckdb.parseTree(statement));
    } catch {
      return null; // Not parseable by DuckDB: let the engine that runs it report the error.
    }
  }

  /** The SQLite source a reference names (`alias.t`, or `alias.main.t`), if any. */
  #sqliteForReference(reference: TableReference): SQLiteSource | undefined {
    if (reference.catalog !== "") {
      const source = this.#sqlite.get(reference.catalog.toLowerCase());
      return source !== undefined &&
          (reference.schema === "" || reference.schema.toLowerCase() === "main")
        ? source
        : undefined;
    }
    return reference.schema === "" ? undefined : this.#sqlite.get(reference.schema.toLowerCase());
  }

  #sqliteForName(parts: readonly string[]): SQLiteSource | undefined {
    if (parts.length === 2) return this.#sqlite.get(parts[0]!.toLowerCase());
    if (parts.length === 3 && parts[1]!.toLowerCase() === "main") {
      return this.#sqlite.get(parts[0]!.toLowerCase());
    }
    return undefined;
  }

  #onlyAttachment(what: string): SQLiteSource {
    if (this.#sqlite.size !== 1) {
      throw new NoctraError(
        `--engine sqlite: ${what} names no SQLite attachment and ${this.#sqlite.size} are attached; qualify tables as alias.table`,
      );
    }
    return [...this.#sqlite.values()][0]!;
  }

  async #runSelect(
    statement: string,
    relations: StatementRelations,
    parameters: Parameters | undefined,
  ): Promise<StatementResult> {
    const sqliteTables = new Map<string, { source: SQLiteSource; table: string }>();
    let otherRelations = relations.tableFunctions.length;
    for (const reference of relations.tables) {
      const source = this.#sqliteForReference(reference);
      if (source === undefined) {
        otherRelations++;
        continue;
      }
      sqliteTables.set(
        JSON.stringify([source.alias.toLowerCase(), reference.table.toLowerCase()]),
        {
          source,
          table: reference.table,
        },
      );
    }
    const sources = new Set([...sqliteTables.values()].map((entry) => entry.source));
    if (this.strategy === "sqlite") {
      if (otherRelations > 0 || sources.size > 1) {
        throw new NoctraError(
          "--engine sqlite: this query reads files or several databases, which only DuckDB can join; switch with :engine hybrid",
        );
      }
      const source = sources.size === 1 ? [...sources][0]! : this.#onlyAttachment("this query");
      return source.execute(statement, parameters?.values);
    }
    if (this.strategy === "auto" && sources.size === 1 && otherRelations === 0) {
      return [...sources][0]!.execute(statement, parameters?.values);
    }
    if (sqliteTables.size > 0) await this.#bridgeTables(statement, [...sqliteTables.values()]);
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

  async #bridgeTables(
    statement: string,
    tables: readonly { source: SQLiteSource; table: string }[],
  ): Promise<void> {
    this.#claimBridge(tables);
    const tree = await this.#duckdb.parseTree(statement);
    for (const { source, table } of tables) {
      const columns = source.columns(table);
      if (columns.length === 0) {
        throw new NoctraError(
          `${source.alias}.${table}: no such table in ${source.alias} (SHOW TABLES FROM ${source.alias})`,
        );
      }
      const usage = tableUsage(tree, { alias: source.alias, table, columns });
      await this.#bridge.load({ source, table, columns: usage.columns, filters: usage.filters });
    }
  }

  async #runWrite(
    statement: string,
    head: StatementHead,
    source: SQLiteSource,
    parameters: Parameters | undefined,
  ): Promise<StatementResult> {
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
    if (head.queryStart !== undefined && (head.verb === "insert" || head.verb === "create_table")) {
      const query = statement.slice(head.queryStart, head.queryEnd ?? statement.length);
      const relations = await this.#relations(query);
      const readsElsewhere = relations !== null && (relations.tableFunctions.length > 0 ||
        relations.tables.some((reference) => this.#sqliteForReference(reference) !== source));
      if (readsElsewhere || this.strategy === "duckdb") {
        this.#joinTransaction(source);
        return await this.#copyIntoSqlite(source, head, query, parameters);
      }
    }
    this.#joinTransaction(source);
    const result = source.execute(statement, parameters?.values);
    if (head.verb !== "insert" && head.verb !== "update" && head.verb !== "delete") {
      await this.#bridge.refreshShadow(source);
    }
    return result;
  }

  /** Runs `query` in DuckDB and streams its rows into the SQLite target inside a savepoint. */
  async #copyIntoSqlite(
    source: SQLiteSource,
    head: StatementHead,
    query: string,
    parameters: Parameters | undefined,
  ): Promise<MessageResult> {
    const table = head.target[head.target.length - 1]!;
    if (head.verb === "create_table" && head.ifNotExists && source.hasRelation(table)) {
      return {
        kind: "message",
        message: `${source.alias}.${table} already exists; nothing written`,
      };
    }
    await this.#prepareDuckDBQuery(query);
    const result = await this.#duckdb.stream(query, parameters);
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
    if (head.verb === "create_table") await this.#bridge.refreshShadow(source);
    return {
      kind: "message",
      message: `${written} rows written to ${source.alias}.${table}`,
      rowsChanged: written,
    };
  }

  // ---- transactions ----------------------------------------------------------------------

  async #transactionVerb(statement: string): Promise<"begin" | "commit" | "rollback" | null> {
    let first: string;
    try {
      first = significantTokens(statement)[0]?.value.toUpperCase() ?? "";
    } catch {
      return null;
    }
    if (!["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"].includes(first)) return null;
    let types: StatementType[];
    try {
      types = await this.#duckdb.statementTypes(statement);
    } catch {
      return null;
    }
    if (types.length !== 1 || types[0] !== StatementType.TRANSACTION) return null;
    if (first === "BEGIN" || first === "START") return "begin";
    return first === "COMMIT" || first === "END" ? "commit" : "rollback";
  }

  async #runTransaction(
    verb: "begin" | "commit" | "rollback",
    statement: string,
  ): Promise<MessageResult> {
    if (verb === "begin") {
      if (this.#transaction !== null) {
        throw new NoctraError("BEGIN: a transaction is already open; COMMIT or ROLLBACK it first");
      }
      await this.#duckdb.run(statement);
      this.#transaction = { sqlite: new Set(), wroteDuckDB: false, bridged: false };
      return { kind: "message", message: "transaction started" };
    }
    const open = this.#transaction;
    if (open === null) throw new NoctraError(`${verb.toUpperCase()}: no transaction is open`);
    this.#transaction = null;
    if (open.bridged) this.#bridge.dropCache();
    const failures: string[] = [];
    for (const source of open.sqlite) {
      try {
        source.exec(verb === "commit" ? "COMMIT" : "ROLLBACK");
        source.noteWrite();
        await this.#bridge.refreshShadow(source);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    await this.#duckdb.run(verb === "commit" ? "COMMIT" : "ROLLBACK");
    if (failures.length > 0) throw new NoctraError(`${verb.toUpperCase()}: ${failures.join("; ")}`);
    return { kind: "message", message: verb === "commit" ? "committed" : "rolled back" };
  }

  /**
   * Enrols a SQLite write in the open transaction (BEGIN on that database). DuckDB and SQLite —
   * and two SQLite files, each on its own connection — commit separately, so one transaction
   * may write to one engine only: a write that would make it span a second one is refused
   * before anything is written. Throws {@link NoctraError}.
   */
  #joinTransaction(source: SQLiteSource): void {
    const open = this.#transaction;
    if (open === null || open.sqlite.has(source)) return;
    const other = open.wroteDuckDB
      ? "DuckDB"
      : open.sqlite.size > 0
      ? `SQLite database ${[...open.sqlite][0]!.alias}`
      : undefined;
    if (other !== undefined) {
      throw spanningTransaction(`SQLite database ${source.alias}`, other);
    }
    source.exec("BEGIN");
    open.sqlite.add(source);
  }

  /**
   * Inside a transaction, notes a statement DuckDB will run that may write (anything but a
   * query, SET, PRAGMA, CALL or EXPLAIN, by DuckDB's own statement type), and refuses it when
   * the transaction already wrote to SQLite or copied SQLite tables into DuckDB (DuckDB allows
   * writes to one database per transaction, and the bridge writes its copies). Outside a
   * transaction it does nothing. Throws {@link NoctraError}.
   */
  async #claimDuckDBWrite(sql: string): Promise<void> {
    const open = this.#transaction;
    if (open === null || open.wroteDuckDB) return;
    let types: StatementType[];
    try {
      types = await this.#duckdb.statementTypes(sql);
    } catch {
      return; // DuckDB reports the error itself when the statement runs.
    }
    if (types.every((type) => DUCKDB_READ_STATEMENTS.has(type))) return;
    if (open.sqlite.size > 0) {
      throw spanningTransaction("DuckDB", `SQLite database ${[...open.sqlite][0]!.alias}`);
    }
    if (open.bridged) {
      throw new NoctraError(
        "this statement writes to DuckDB, but earlier in this transaction a query read SQLite tables, which Noctra copies into DuckDB to join them; DuckDB allows writes to one database per transaction, so it would fail. Nothing was written: COMMIT or ROLLBACK first, or make DuckDB writes before reading SQLite tables in a transaction",
      );
    }
    open.wroteDuckDB = true;
  }

  /**
   * Inside a transaction, notes that SQLite tables are about to be copied into DuckDB for a
   * query (the bridge writes them into DuckDB); refused once the transaction wrote to DuckDB,
   * where DuckDB would reject the copy. Throws {@link NoctraError}.
   */
  #claimBridge(tables: readonly { source: SQLiteSource; table: string }[]): void {
    const open = this.#transaction;
    if (open === null) return;
    if (open.wroteDuckDB) {
      const names = tables.map(({ source, table }) => `${source.alias}.${table}`).join(", ");
      throw new NoctraError(
        `this query reads SQLite table ${names}, which Noctra copies into DuckDB to run it, and DuckDB allows writes to one database per transaction — this one already wrote to DuckDB. Run the query before the transaction's first DuckDB write, or after COMMIT`,
      );
    }
    open.bridged = true;
  }

  // ---- files and registry ------------------------------------------------------------------

  /**
   * Checks local files named by replacement scans and reader functions. Returns true when one
   * of them is a stream (a FIFO or device such as `/dev/stdin`), which can be read only once:
   * the statement must then run without being prepared first.
   */
  async #checkFiles(relations: StatementRelations | null): Promise<boolean> {
    if (relations === null) return false;
    let readsStream = false;
    for (const table of relations.tables) {
      if (table.catalog !== "" || table.schema !== "") continue;
      if (this.#fileViews.has(table.table.toLowerCase())) continue;
      const kind = fileKindOf(table.table);
      const looksLikeFile = table.table.includes("/") || kind !== null || isGlob(table.table);
      if (looksLikeFile && await this.#checkReadable(table.table, quoteLiteral(table.table))) {
        readsStream = true;
      }
      if (kind === "arrow") await this.#loadArrowReplacement(table.table);
    }
    for (const fn of relations.tableFunctions) {
      if (FILE_READING_FUNCTIONS.has(fn.name) && fn.firstArgument !== undefined) {
        const stream = await this.#checkReadable(
          fn.firstArgument,
          `${fn.name}(${quoteLiteral(fn.firstArgument)})`,
          // A JSON reader infers types, whatever the extension; read_text/read_blob do not.
          { asJson: /^read_(nd)?json/i.test(fn.name) },
        );
        if (stream) readsStream = true;
      }
    }
    return readsStream;
  }

  /**
   * `FROM 'file.arrow'`: DuckDB has no Arrow reader here, so the file is loaded into a table
   * named exactly as the path is written — DuckDB's binder finds a table of that name before it
   * tries a replacement scan. Reloaded when the file's size or mtime changes.
   */
  async #loadArrowReplacement(name: string): Promise<void> {
    const info = Deno.statSync(name);
    const signature = `${absolutePath(name)}:${info.size}:${info.mtime?.getTime() ?? 0}`;
    if (this.#arrowTables.get(name) === signature) return;
    await (await arrow()).loadArrowIpcIntoDuckDB(this.#duckdb, name, {
      catalog: "memory",
      schema: "main",
      name,
    });
    this.#arrowTables.set(name, signature);
  }

  #saveRegistry(): void {
    if (this.#registry === undefined) return;
    const sources: RegisteredSource[] = [];
    for (const view of this.#fileViews.values()) {
      sources.push({
        alias: view.alias,
        kind: view.kind,
        path: view.path,
        readOnly: false,
        options: Object.fromEntries(view.options.map((option) => [option.key, option.valueSql])),
      });
    }
    for (const source of this.#sqlite.values()) {
      sources.push({
        alias: source.alias,
        kind: "sqlite",
        path: source.path,
        readOnly: source.readOnly,
        options: {},
      });
    }
    sources.push(...this.#missing.values(), ...this.#pending.values());
    try {
      this.#registry.save(sources, this.#forgotten);
    } catch (error) {
      throw new NoctraError(
        `the source was registered for this session but could not be saved to ${this.#registry.path} (${
          (error as Error).message
        })`,
      );
    }
  }
}

const performance_now = () => performance.now();

/** Settings that name files or would reopen file access: frozen while the sandbox is on. */
const SANDBOX_FROZEN_SETTINGS: ReadonlySet<string> = new Set([
  "enable_external_access",
  "allowed_directories",
  "allowed_paths",
  "temp_directory",
  "lock_configuration",
  "profiling_output",
  "log_query_path",
  "extension_directory",
  "secret_directory",
  "home_directory",
  "autoinstall_known_extensions",
  "autoload_known_extensions",
  "allow_unsigned_extensions",
  "allow_community_extensions",
]);

/** The part of a glob before its first wildcard, as a directory. */
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

/**
 * The SQL that turns the text of `--var name=text` into its inferred type — only where the
 * conversion loses nothing, so the value prints back as written: integers without leading zeros
 * that fit BIGINT; decimals without leading zeros as DECIMAL(p, s) with the digits written
 * (up to 38); numbers with an exponent as DOUBLE; `true`/`false` as BOOLEAN. Anything else —
 * `00501`, `1e`, 40-digit integers, text — stays VARCHAR. The text itself is the parameter
 * `$text`; only the type name is written here.
 */
export function inferredCast(text: string): string {
  const integer = /^[-+]?(0|[1-9]\d*)$/.exec(text);
  if (integer !== null) {
    const value = BigInt(text);
    return value >= -(2n ** 63n) && value < 2n ** 63n ? "CAST($text AS BIGINT)" : "$text";
  }
  const decimal = /^[-+]?(0|[1-9]\d*)?\.(\d+)$/.exec(text);
  if (decimal !== null) {
    const whole = decimal[1] ?? "";
    const fraction = decimal[2]!;
    const precision = Math.max(whole.length + fraction.length, fraction.length + 1);
    return precision <= 38 ? `CAST($text AS DECIMAL(${precision}, ${fraction.length}))` : "$text";
  }
  if (/^[-+]?(0|[1-9]\d*)(\.\d+)?[eE][-+]?\d+$/.test(text)) return "CAST($text AS DOUBLE)";
  if (/^(true|false)$/i.test(text)) return "CAST($text AS BOOLEAN)";
  return "$text";
}

/**
 * Names the result columns that are a bare `#name` reference as the user wrote them: DuckDB and
 * SQLite name such a column after the parameter (`$noctra_top`), which becomes `#top`. A result
 * with such a column gives up the engine's own CSV writer (which would print the parameter's
 * name) for Noctra's renderers.
 */
function nameVariableColumns(result: StatementResult, variables: VariableStore): StatementResult {
  if (result.kind !== "rows") return result;
  let renamed = false;
  const columns = result.columns.map((column) => {
    if (!column.name.startsWith("$" + PARAMETER_PREFIX)) return column;
    const variable = variables.get(column.name.slice(1 + PARAMETER_PREFIX.length));
    if (variable === undefined) return column;
    renamed = true;
    return { ...column, name: `#${variable.name}` };
  });
  if (!renamed) return result;
  return { kind: "rows", columns, chunks: () => result.chunks() };
}

/** What a query that names no file reads, as far as the sandbox and the thread policy care. */
const NO_RELATIONS: StatementRelations = { tables: [], tableFunctions: [] };

/**
 * True when `sql` can name no file, so DuckDB's parse tree (whose file list drives Noctra's
 * checks and the thread policy) is not needed: it calls no file-reading table function, and
 * none of its string literals, dollar-quoted strings or quoted identifiers looks like a path
 * (replacement scans such as `FROM 'a.csv'` or `FROM "data/x"` need a `.`, a `/`, a `\`, a
 * `~` or a glob character). `'WA'` or `"Species"` names no file. False when it does, or does
 * not lex. A shortcut for speed only: the kernel and DuckDB still confine whatever runs.
 */
function namesNoFile(sql: string): boolean {
  try {
    return !significantTokens(sql).some((token) =>
      (token.kind === "word" && FILE_READING_FUNCTIONS.has(token.value.toLowerCase())) ||
      ((token.kind === "string" || token.kind === "dollar_string" ||
        token.kind === "quoted_identifier") && /[./\\~*?[]/.test(token.value))
    );
  } catch {
    return false;
  }
}

/** Keywords a query starts with (DuckDB's SELECT forms). */
const QUERY_STARTS = new Set([
  "SELECT",
  "WITH",
  "FROM",
  "VALUES",
  "TABLE",
  "SUMMARIZE",
  "DESCRIBE",
  "SHOW",
  "PIVOT",
  "UNPIVOT",
  "(",
]);

/** True when `sql` starts like a query; the prepared statement's type decides in the end. */
function startsLikeQuery(sql: string): boolean {
  try {
    const first = significantTokens(sql)[0];
    return first !== undefined && QUERY_STARTS.has(first.text.toUpperCase());
  } catch {
    return false;
  }
}

/** What an open transaction has touched (see `QueryEngine`'s transaction rules). */
interface OpenTransaction {
  /** SQLite databases written in the transaction (each has its own BEGIN). */
  readonly sqlite: Set<SQLiteSource>;
  /** A DuckDB statement that may write ran in the transaction. */
  wroteDuckDB: boolean;
  /** The bridge copied SQLite tables into DuckDB in the transaction. */
  bridged: boolean;
}

/** DuckDB statement types that write no data and so do not tie a transaction to DuckDB. */
const DUCKDB_READ_STATEMENTS: ReadonlySet<StatementType> = new Set([
  StatementType.SELECT,
  StatementType.EXPLAIN,
  StatementType.SET,
  StatementType.VARIABLE_SET,
  StatementType.PRAGMA,
  StatementType.CALL,
  StatementType.RELATION,
  StatementType.PREPARE,
  StatementType.TRANSACTION,
]);

/** The refusal of a write that would make a transaction span two engines. */
function spanningTransaction(writing: string, written: string): NoctraError {
  return new NoctraError(
    `this statement writes to ${writing}, but the open transaction has already written to ${written}; they commit separately, so one transaction cannot span both and nothing was written by this statement. COMMIT (or ROLLBACK) first, then run it in a transaction of its own`,
  );
}

/**
 * Ends a wait of a reader blocked opening the FIFO at `path` (DuckDB waiting for a writer):
 * opens it for writing without blocking and closes it, so the reader sees end of file. Does
 * nothing when no reader waits (the open fails with ENXIO) or `path` is not a FIFO.
 */
function releaseFifoReader(path: string): void {
  try {
    if (!Deno.statSync(path).isFifo) return;
    const descriptor = openSync(path, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
    closeSync(descriptor);
  } catch { /* no reader is waiting, or the FIFO is gone */ }
}

function globRoot(path: string): string {
  const wildcard = path.search(/[*?[]/);
  const prefix = wildcard < 0 ? path : path.slice(0, wildcard);
  const slash = prefix.lastIndexOf("/");
  return slash <= 0 ? (slash === 0 ? "/" : ".") : prefix.slice(0, slash);
}

/** `profile: 12 ms, 1,000 rows, 2 threads, peak RSS 180 MB` (peak RSS of the process, Linux). */
function profileLine(elapsedMs: number, rows: number | undefined, threads: number): string {
  let peak = "";
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    if (match) peak = `, peak RSS ${(Number(match[1]) * 1024 / 1e6).toFixed(1)} MB`;
  } catch { /* not Linux, or not readable */ }
  const rowText = rows === undefined
    ? ""
    : `, ${groupedDigits(rows)} ${rows === 1 ? "row" : "rows"}`;
  return `profile: ${elapsedMs.toFixed(1)} ms${rowText}, ${threads} threads${peak}`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!.trim();
}

function isSqlitePath(path: string): boolean {
  const lower = path.toLowerCase();
  return SQLITE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

/** The first 16 bytes of a file as text, or undefined when it cannot be read. */
function readHeader(path: string): string | undefined {
  if (isRemote(path)) return undefined;
  try {
    const file = Deno.openSync(path, { read: true });
    try {
      const bytes = new Uint8Array(16);
      const read = file.readSync(bytes) ?? 0;
      return new TextDecoder("latin1").decode(bytes.subarray(0, read));
    } finally {
      file.close();
    }
  } catch {
    return undefined;
  }
}

function fileStatus(path: string): "ok" | "missing" {
  if (isRemote(path) || isGlob(path)) return "ok";
  try {
    Deno.statSync(path);
    return "ok";
  } catch {
    return "missing";
  }
}

function describeCell(value: Cell): string {
  if (value === null) return "NULL";
  if (typeof value === "string") return `'${value.length > 30 ? value.slice(0, 30) + "…" : value}'`;
  if (value instanceof Uint8Array) return `BLOB(${value.length} bytes)`;
  return String(value);
}
