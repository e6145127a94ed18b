/**
 * `QueryEngine`: decides what runs each statement. RQL commands are handled here; SQL goes to
 * DuckDB after the files it names have been checked, so a missing or empty file gives one clear
 * line instead of DuckDB's catalog or sniffer errors.
 *
 * @module
 */
import type { DuckDBSource } from "./duckdb_source.ts";
import type { MessageResult, StatementResult } from "./result.ts";
import {
  absolutePath,
  checkReadableFile,
  defaultAlias,
  type FileKind,
  fileKindOf,
  isGlob,
  readerCall,
  requireFileKind,
} from "./file_readers.ts";
import { FILE_READING_FUNCTIONS, relationsOf } from "./relations.ts";
import { parseRqlCommand, type ReaderOption, type UseFileCommand } from "../rql/commands.ts";
import { quoteIdentifier, quoteLiteral } from "../sql_text.ts";
import { NoctraError } from "../errors.ts";

/** A view that `USE` registered over a file. */
export interface FileView {
  /** View name in DuckDB's default catalog. */
  readonly alias: string;
  /** Absolute path or glob (remote URLs as written). */
  readonly path: string;
  readonly kind: FileKind;
  readonly options: readonly ReaderOption[];
}

/** Routes statements to the right engine and keeps the session's file views. */
export class QueryEngine {
  readonly #duckdb: DuckDBSource;
  readonly #fileViews = new Map<string, FileView>();

  constructor(duckdb: DuckDBSource) {
    this.#duckdb = duckdb;
  }

  /** The file views registered with `USE`, in registration order. */
  get fileViews(): readonly FileView[] {
    return [...this.#fileViews.values()];
  }

  /**
   * Runs one statement (no trailing `;` needed) and returns its result; rows stream lazily.
   * Throws {@link NoctraError} for bad RQL or files, DuckDB's error for bad SQL.
   */
  async execute(statement: string): Promise<StatementResult> {
    const command = parseRqlCommand(statement);
    if (command !== null) return await this.#runUse(command);
    await this.#checkReferencedFiles(statement);
    return await this.#duckdb.stream(statement);
  }

  /**
   * Registers (or replaces) a view named `alias` over the file at `path`; the reader follows the
   * extension and `options` pass through to it. Returns a one-line confirmation.
   * Throws {@link NoctraError} for an unsupported extension or an unreadable file, DuckDB's
   * error for a file its reader rejects (malformed CSV, invalid JSON, corrupt Parquet).
   */
  async useFile(
    path: string,
    alias?: string,
    options: readonly ReaderOption[] = [],
  ): Promise<MessageResult> {
    return await this.#runUse({ kind: "use_file", path, alias, options });
  }

  /** Asks the running statement to stop. */
  interrupt(): void {
    this.#duckdb.interrupt();
  }

  async #runUse(command: UseFileCommand): Promise<MessageResult> {
    const context = `USE '${command.path}'`;
    const kind = requireFileKind(command.path, context);
    await checkReadableFile(command.path, context);
    const path = absolutePath(command.path);
    const alias = command.alias ?? defaultAlias(command.path);
    const reader = readerCall(path, kind, command.options);
    try {
      // DuckDB cannot bind parameters inside a view body, so the path is a quoted literal.
      await this.#duckdb.run(
        `CREATE OR REPLACE VIEW ${quoteIdentifier(alias)} AS SELECT * FROM ${reader}`,
      );
    } catch (error) {
      throw new NoctraError(`${context}: ${describeReaderError(error)}`, undefined, {
        cause: error,
      });
    }
    this.#fileViews.set(alias.toLowerCase(), { alias, path, kind, options: command.options });
    return { kind: "message", message: `view ${alias} → ${path} (${kind})` };
  }

  /** Checks local files named by replacement scans and reader functions in a SELECT. */
  async #checkReferencedFiles(statement: string): Promise<void> {
    let relations;
    try {
      relations = relationsOf(await this.#duckdb.parseTree(statement));
    } catch {
      return; // Let DuckDB report a statement it cannot parse.
    }
    if (relations === null) return;
    for (const table of relations.tables) {
      if (table.catalog !== "" || table.schema !== "") continue;
      if (this.#fileViews.has(table.table.toLowerCase())) continue;
      const looksLikeFile = table.table.includes("/") || fileKindOf(table.table) !== null ||
        isGlob(table.table);
      if (looksLikeFile) await checkReadableFile(table.table, quoteLiteral(table.table));
    }
    for (const fn of relations.tableFunctions) {
      if (FILE_READING_FUNCTIONS.has(fn.name) && fn.firstArgument !== undefined) {
        await checkReadableFile(fn.firstArgument, `${fn.name}(${quoteLiteral(fn.firstArgument)})`);
      }
    }
  }
}

function describeReaderError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The sniffer's report spans many lines; its first line names the problem.
  return message.split("\n")[0]!.trim();
}
