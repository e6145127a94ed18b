/**
 * What the REPL's completion and highlighting read from a Noctra session: DuckDB's
 * `sql_auto_complete` and `duckdb_keywords()`, the views registered with `USE`, the SQLite
 * attachments' tables and columns (from `node:sqlite`, not DuckDB), the variables, and the
 * directories under the working directory.
 *
 * DuckDB is asked through the session's one connection, between statements only (the REPL
 * completes while it waits for keys, never while a statement runs), with the text to complete
 * bound as a parameter (`DuckDBSource.completions`).
 *
 * @module
 */
import { join } from "node:path";
import type { Noctra } from "../noctra.ts";
import type {
  AttachedDatabase,
  CompletionSource,
  DirectoryEntry,
  SqlSuggestion,
} from "./completion.ts";

/** Most entries read from one directory for completion. */
const MAX_DIRECTORY_ENTRIES = 2000;

/**
 * The {@link CompletionSource} of a session, and its keyword list.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { Noctra } from "../noctra.ts";
 * import { SessionCompletion } from "./session_completion.ts";
 *
 * const noctra = await Noctra.open();
 * try {
 *   const session = new SessionCompletion(noctra);
 *   const suggestions = await session.sqlSuggestions("SEL");
 *   ok(suggestions.some((s) => s.text === "SELECT " && s.kind === "keyword"));
 *   ok((await session.keywords()).has("SELECT"));
 * } finally {
 *   noctra.close();
 * }
 * ```
 */
export class SessionCompletion implements CompletionSource {
  readonly #noctra: Noctra;

  /** Completion over `noctra`'s catalog and sources. */
  constructor(noctra: Noctra) {
    this.#noctra = noctra;
  }

  /** DuckDB's suggestions for `statement`, in DuckDB's order. Throws DuckDB's error. */
  async sqlSuggestions(statement: string): Promise<readonly SqlSuggestion[]> {
    return await this.#noctra.engine.duckdb.completions(statement);
  }

  /** DuckDB's keywords (every category), upper case. Throws DuckDB's error. */
  async keywords(): Promise<Set<string>> {
    return await this.#noctra.engine.duckdb.keywords();
  }

  /** Aliases of the file views. */
  viewAliases(): readonly string[] {
    return this.#noctra.engine.fileViews.map((view) => view.alias);
  }

  /** The SQLite attachments, read from SQLite itself. */
  databases(): readonly AttachedDatabase[] {
    return this.#noctra.engine.attachments.map((source) => ({
      alias: source.alias,
      tables: () => source.relations().map((relation) => relation.name),
      columns: (table: string) => source.columns(table).map((column) => column.name),
    }));
  }

  /** Names of the session's variables. */
  variables(): readonly string[] {
    return this.#noctra.engine.variables.list().map((variable) => variable.name);
  }

  /** Entries of `path` (`~/` is the home directory); [] when it cannot be read. */
  listDirectory(path: string): readonly DirectoryEntry[] {
    let directory = path;
    if (path === "~/" || path.startsWith("~/")) {
      const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
      if (home === undefined) return [];
      directory = join(home, path.slice(2));
    }
    const entries: DirectoryEntry[] = [];
    try {
      for (const entry of Deno.readDirSync(directory)) {
        entries.push({ name: entry.name, isDirectory: entry.isDirectory });
        if (entries.length >= MAX_DIRECTORY_ENTRIES) break;
      }
    } catch {
      return [];
    }
    return entries;
  }
}
