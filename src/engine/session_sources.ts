/**
 * `SessionSources`: the sources a session has registered — file views (`USE`) and SQLite
 * attachments (`ATTACH`) — with the ones saved by earlier sessions, and the registry that
 * persists them (`sources.toml`).
 *
 * Saved sources are restored lazily: {@link SessionSources.load} only reads the registry, and a
 * source is opened when a statement first names its alias ({@link SessionSources.restoreNamed}).
 * A source that cannot be restored stays registered, marked missing, until DETACH forgets it.
 * Every change is saved at once; aliases DETACHed in this session are remembered so that saving
 * does not bring them back from the file.
 *
 * @module
 */
import type { DuckDBSource } from "./sources/duckdb_source.ts";
import { SQLiteSource } from "./sources/sqlite_source.ts";
import type { Bridge } from "./sources/bridge.ts";
import type { FileInputs } from "./file_inputs.ts";
import { createFileView, dropFileView, type FileView } from "./file_views.ts";
import type { TableReference } from "./relations.ts";
import { firstLine } from "./first_line.ts";
import type { ReaderOption } from "../rql/commands/reader_option.ts";
import { significantTokens } from "../rql/lexer.ts";
import { quoteIdentifier } from "../sql_text.ts";
import { NoctraError } from "../errors.ts";
import type { Config } from "../config/config.ts";
import { checkRead, checkWrite, type SandboxPolicy } from "../sandbox/policy.ts";
import type { AttachmentRegistry, RegisteredSource } from "../session/attachment_registry.ts";

/** What a {@link SessionSources} opens its sources with. */
export interface SessionSourcesOptions {
  /** Where file views are created. */
  readonly duckdb: DuckDBSource;
  /** Gives each SQLite attachment its shadow catalog in DuckDB. */
  readonly bridge: Bridge;
  /** Checks the files a view reads. */
  readonly files: FileInputs;
  /** Where sources persist; undefined = not persisted. */
  readonly registry: AttachmentRegistry | undefined;
  /** `sqlite.busy_timeout_ms` and `sqlite.wal_mode` for new attachments. */
  readonly config: Config;
  /** Attaching needs read (and, unless READ_ONLY, write) access to the database file. */
  readonly sandbox: SandboxPolicy;
}

/** The session's file views and SQLite attachments, saved and restored (see the module). */
export class SessionSources {
  readonly #duckdb: DuckDBSource;
  readonly #bridge: Bridge;
  readonly #files: FileInputs;
  readonly #registry: AttachmentRegistry | undefined;
  readonly #config: Config;
  readonly #sandbox: SandboxPolicy;
  readonly #fileViews = new Map<string, FileView>();
  readonly #sqlite = new Map<string, SQLiteSource>();
  /** Registered sources whose file was missing (or unreadable) at restore, by alias. */
  readonly #missing = new Map<string, RegisteredSource>();
  /** Saved sources not restored yet, by lower-case alias (see {@link load}). */
  readonly #pending = new Map<string, RegisteredSource>();
  /** Aliases DETACHed in this session, so saving does not bring them back from the file. */
  readonly #forgotten = new Set<string>();

  /** Sources opened through `options` (see {@link SessionSourcesOptions}). */
  constructor(options: SessionSourcesOptions) {
    this.#duckdb = options.duckdb;
    this.#bridge = options.bridge;
    this.#files = options.files;
    this.#registry = options.registry;
    this.#config = options.config;
    this.#sandbox = options.sandbox;
  }

  /** The file views, in registration order. */
  get fileViews(): readonly FileView[] {
    return [...this.#fileViews.values()];
  }

  /** The SQLite attachments, in attach order. */
  get attachments(): readonly SQLiteSource[] {
    return [...this.#sqlite.values()];
  }

  /** How many SQLite databases are attached. */
  get attachmentCount(): number {
    return this.#sqlite.size;
  }

  /**
   * The one SQLite attachment, for `--engine sqlite` when `what` (`this query`) names none.
   * Throws {@link NoctraError} when there is not exactly one.
   */
  onlyAttachment(what: string): SQLiteSource {
    if (this.#sqlite.size !== 1) {
      throw new NoctraError(
        `--engine sqlite: ${what} names no SQLite attachment and ${this.#sqlite.size} are attached; qualify tables as alias.table`,
      );
    }
    return [...this.#sqlite.values()][0]!;
  }

  /** Registered sources that could not be restored, in the order they failed. */
  get missing(): readonly RegisteredSource[] {
    return [...this.#missing.values()];
  }

  /** Saved sources not restored yet, in registry order. */
  get saved(): readonly RegisteredSource[] {
    return [...this.#pending.values()];
  }

  /** The file view named `alias` (any case), if any. */
  fileView(alias: string): FileView | undefined {
    return this.#fileViews.get(alias.toLowerCase());
  }

  /** The SQLite attachment named `alias` (any case), if any. */
  attachment(alias: string): SQLiteSource | undefined {
    return this.#sqlite.get(alias.toLowerCase());
  }

  /**
   * Reads the sources saved in the registry without opening them: each is restored — its view
   * created (DuckDB binds it, sniffing the file) or its SQLite file attached — when a statement
   * first names its alias, so saved sources cost nothing to a session that does not use them,
   * and a locked or missing file fails only the statement that needs it. Returns one warning
   * line for an unreadable or corrupt registry. Never throws.
   */
  load(): string[] {
    if (this.#registry === undefined) return [];
    const loaded = this.#registry.load();
    for (const source of loaded.sources) {
      const key = source.alias.toLowerCase();
      if (this.#fileViews.has(key) || this.#sqlite.has(key)) continue;
      this.#pending.set(key, source);
    }
    return loaded.warning === undefined ? [] : [loaded.warning];
  }

  /**
   * Restores the saved sources whose alias `statement` names (any identifier token equal to
   * the alias, case-insensitively), or every saved source when `all`. A source that cannot be
   * restored stays registered, marked missing, and the statement fails with the reason
   * (locked, missing, unreadable) unless it is a DETACH. Throws {@link NoctraError}.
   */
  async restoreNamed(statement: string, all = false): Promise<void> {
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
          await this.attachSqlite(source.path, source.alias, source.readOnly, false, false);
        } else {
          const options = Object.entries(source.options).map(([option, valueSql]) => ({
            key: option,
            valueSql,
          }));
          await this.createFileView(source.path, source.alias, options, false);
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

  /** Restores every saved source (`SHOW TABLES` lists them all). Throws as {@link restoreNamed}. */
  async restoreAll(): Promise<void> {
    await this.restoreNamed("", true);
  }

  /**
   * Creates (or replaces) the view `alias` (default: the file's stem) over the file at `rawPath`
   * and registers it; saves the registry when `save`. Returns the view. Throws
   * {@link NoctraError}.
   */
  async createFileView(
    rawPath: string,
    alias: string | undefined,
    options: readonly ReaderOption[],
    save: boolean,
  ): Promise<FileView> {
    const view = await createFileView(this.#duckdb, this.#files, rawPath, alias, options);
    this.#fileViews.set(view.alias.toLowerCase(), view);
    this.#missing.delete(view.alias.toLowerCase());
    this.#forgotten.delete(view.alias.toLowerCase());
    if (save) this.#save();
    return view;
  }

  /**
   * Attaches the SQLite database at `path` (absolute) as `alias`, with its shadow catalog in
   * DuckDB, and registers it; saves the registry when `save`. Returns the source. Throws
   * {@link NoctraError} for an alias in use or reserved, a path the sandbox refuses, or a file
   * SQLite cannot open.
   */
  async attachSqlite(
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
    checkRead(this.#sandbox, path, `ATTACH '${path}' AS ${alias}`);
    if (!readOnly) {
      checkWrite(
        this.#sandbox,
        path,
        `ATTACH '${path}' AS ${alias} (attach it READ_ONLY to only read it)`,
      );
    }
    const source = SQLiteSource.open(path, alias, {
      readOnly,
      create,
      busyTimeoutMs: Number(this.#config.get("sqlite.busy_timeout_ms")),
    });
    if (!readOnly && this.#config.get("sqlite.wal_mode") === true) {
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
    if (save) this.#save();
    return source;
  }

  /** Forgets the saved (not yet restored) source `alias` and saves; false when there is none. */
  forgetSaved(alias: string): boolean {
    const key = alias.toLowerCase();
    if (!this.#pending.delete(key)) return false;
    this.#forgotten.add(key);
    this.#save();
    return true;
  }

  /**
   * Marks `alias`, when it names an attachment, a missing source or a file view, as forgotten:
   * the next save drops it from the registry file.
   */
  markForgotten(alias: string): void {
    const key = alias.toLowerCase();
    if (this.#sqlite.has(key) || this.#missing.has(key) || this.#fileViews.has(key)) {
      this.#forgotten.add(key);
    }
  }

  /** Closes the attachment `source`, drops its shadow catalog, and saves. */
  async detachSqlite(source: SQLiteSource): Promise<void> {
    this.#sqlite.delete(source.alias.toLowerCase());
    source.close();
    await this.#bridge.detachShadow(source);
    this.#save();
  }

  /** Forgets the missing source `alias` and saves; false when there is none. */
  forgetMissing(alias: string): boolean {
    if (!this.#missing.delete(alias.toLowerCase())) return false;
    this.#save();
    return true;
  }

  /** Drops the file view `view` from DuckDB and the session, and saves. */
  async dropFileView(view: FileView): Promise<void> {
    await dropFileView(this.#duckdb, view);
    this.#fileViews.delete(view.alias.toLowerCase());
    this.#save();
  }

  /** The SQLite source a reference names (`alias.t`, or `alias.main.t`), if any. */
  sqliteForReference(reference: TableReference): SQLiteSource | undefined {
    if (reference.catalog !== "") {
      const source = this.#sqlite.get(reference.catalog.toLowerCase());
      return source !== undefined &&
          (reference.schema === "" || reference.schema.toLowerCase() === "main")
        ? source
        : undefined;
    }
    return reference.schema === "" ? undefined : this.#sqlite.get(reference.schema.toLowerCase());
  }

  /** The SQLite source a dotted name (`alias.t`, or `alias.main.t`) names, if any. */
  sqliteForName(parts: readonly string[]): SQLiteSource | undefined {
    if (parts.length === 2) return this.#sqlite.get(parts[0]!.toLowerCase());
    if (parts.length === 3 && parts[1]!.toLowerCase() === "main") {
      return this.#sqlite.get(parts[0]!.toLowerCase());
    }
    return undefined;
  }

  /**
   * SQLite tables named `alias.table` or `alias.main.table` in the tokens of `sql`, each once
   * (for statements DuckDB's parser gives no tree for). Empty when `sql` does not lex.
   */
  sqliteTablesNamedIn(sql: string): { source: SQLiteSource; table: string }[] {
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

  /** Closes every SQLite attachment. */
  close(): void {
    for (const source of this.#sqlite.values()) source.close();
  }

  /**
   * Writes every registered source (open, missing and not yet restored) to the registry, minus
   * the forgotten aliases. Throws {@link NoctraError} when the file cannot be written; the
   * session keeps the source either way.
   */
  #save(): void {
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
