/**
 * The seam between RQL commands and the engine: what a command family's parser reads
 * ({@link CommandInput}), what its execution may use ({@link CommandContext}, which the
 * `QueryEngine` implements), and the row a family is registered by ({@link RqlCommandFamily},
 * collected in `RQL_COMMANDS`, registry.ts).
 *
 * Only types live here, and they name the engine's parts (the DuckDB source, the session's
 * sources, the bridge) without importing the `QueryEngine` class: command modules import this
 * module, the engine imports the command modules, and no import runs the other way.
 *
 * @module
 */
import type { Token } from "../lexer.ts";
import type { OptionValue } from "../../engine/file_readers.ts";
import type { DuckDBSource, Parameters } from "../../engine/sources/duckdb_source.ts";
import type { Bridge } from "../../engine/sources/bridge.ts";
import type { SQLiteSource } from "../../engine/sources/sqlite_source.ts";
import type { SessionSources } from "../../engine/session_sources.ts";
import type { ExportRequest } from "../../engine/export_formats.ts";
import type { MessageResult, StatementResult } from "../../engine/result.ts";
import type { VariableStore } from "../variables.ts";
import type { Config } from "../../config/config.ts";
import type { SandboxLayer, SandboxPolicy } from "../../sandbox/policy.ts";

/** A statement as every RQL parser sees it. */
export interface CommandInput {
  /** The statement's text: parsers slice expressions and OPTIONS values out of it. */
  readonly statement: string;
  /**
   * The statement's significant tokens. In a statement that starts with USE, ATTACH or EXPORT,
   * a `#name` right after USE, ATTACH, DATABASE or TO is already a string token holding the path
   * the variable stands for.
   */
  readonly tokens: readonly Token[];
  /**
   * The typed value a `#name` stands for as a `USE … OPTIONS` value. Throws
   * {@link NoctraError} for an unknown variable or a value no option takes.
   */
  resolveValue(variable: string): OptionValue;
  /**
   * True when a dotted name (lower case) is one of Noctra's settings, so `SET key = value` is
   * Noctra's rather than DuckDB's. May throw {@link NoctraError} for a misspelt Noctra key.
   */
  isConfigKey(key: string): boolean;
}

/**
 * What an RQL command runs against: the parts of the session the commands need, implemented by
 * the `QueryEngine`. Every member is the engine's own (no copies), so a command's effect is the
 * session's.
 */
export interface CommandContext {
  /** DuckDB, for the views, DESCRIBE, LET's evaluation and the engine's catalog queries. */
  readonly duckdb: DuckDBSource;
  /** The session's file views and SQLite attachments, saved sources, and their registry. */
  readonly sources: SessionSources;
  /** The SQLite bridge: its cache of materialized tables (SHOW CACHE, CLEAR CACHE). */
  readonly bridge: Bridge;
  /** The session's variables (`LET`, `#name`). */
  readonly variables: VariableStore;
  /** The session's settings (`SET key = value`, `SHOW CONFIG`). */
  readonly config: Config;
  /** The directories this session may read and write. */
  readonly sandbox: SandboxPolicy;
  /** The layer that enforces {@link sandbox}, for `SHOW CONFIG`. */
  readonly sandboxLayer: SandboxLayer;
  /**
   * Checks the sandbox's read permission for `path`, then that the file is there and readable;
   * `what` starts the error message (`DESCRIBE 'x.csv'`). Returns true when the file is a stream
   * (a FIFO or device), which can be read only once. Throws {@link NoctraError}.
   */
  checkReadable(path: string, what: string): Promise<boolean>;
  /**
   * Loads the Arrow IPC file `path` into a table named exactly as the path is written, so
   * `FROM 'x.arrow'` finds it (DuckDB here has no Arrow reader); reloads it when the file's size
   * or mtime changed.
   */
  loadArrowReplacement(path: string): Promise<void>;
  /**
   * Bridges the SQLite tables a query that DuckDB will run reads and checks the files it names,
   * before the query runs (LET's expression, EXPORT's query). Throws {@link NoctraError}.
   */
  prepareDuckDBQuery(query: string): Promise<void>;
  /** True while the open transaction has written to the SQLite attachment `source`. */
  transactionWrote(source: SQLiteSource): boolean;
  /**
   * Writes the rows of `request.query` (its `#name` references already parameters, bound by
   * `parameters`) to `request.path`, atomically (src/engine/export.ts); returns the report line.
   * Throws {@link NoctraError}.
   */
  exportQuery(
    request: ExportRequest,
    parameters: Parameters | undefined,
  ): Promise<MessageResult>;
}

/**
 * One family of RQL commands (USE; ATTACH and DETACH; …): its documentation, its parser and its
 * execution. `C` is the family's command type, a record with a `kind` that names it.
 */
export interface RqlCommandFamily<C extends { readonly kind: string }> {
  /** The family's name as its first keyword reads (`USE`, `ATTACH`, `SHOW`). */
  readonly name: string;
  /** The syntax, one line per form, as `--help` and the REPL's `help` print it. */
  readonly syntax: readonly string[];
  /** What the family does, in one line. */
  readonly summary: string;
  /** Every keyword of the family's syntax, upper case (for completion). */
  readonly keywords: readonly string[];
  /**
   * The command `input` states, or null when the statement is not this family's (then it may be
   * another family's or plain SQL). Throws {@link NoctraError} for a statement that starts like
   * one of the family's commands but is malformed, naming what was expected.
   */
  parse(input: CommandInput): C | null;
  /**
   * Runs `command` in the session `context`. Returns its result, or null when the statement
   * turns out to be DuckDB's own (an ATTACH of a DuckDB database, a DETACH of one) and is to run
   * as SQL. Throws {@link NoctraError}.
   */
  run(command: C, context: CommandContext): Promise<StatementResult | null>;
}
