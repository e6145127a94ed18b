/**
 * Tab completion for the REPL: what may replace the word before the cursor. Sources, merged:
 * DuckDB's own `sql_auto_complete` (keywords, functions, tables, views and columns of its
 * catalog), Noctra's RQL words ({@link RQL_WORDS}), the session's views (`USE` aliases) and
 * SQLite attachments with their tables and columns, `#variables`, and file paths inside quotes.
 *
 * Candidates come in tiers, and Tab offers the first tier that has any: the word after an RQL
 * command word (`SHOW T` → `TABLES`); then names (columns, tables, views, aliases); then
 * keywords; then functions. So `WHERE sta` completes the column `state` rather than listing the
 * keywords `stable`, `start`, `statement` beside it.
 *
 * Pure: the session is reached through a {@link CompletionSource} (src/cli/session_completion.ts
 * implements it over a Noctra session; tests use their own).
 *
 * @module
 */
import { tokenizeLenient } from "../rql/lexer.ts";
import type { Token } from "../rql/tokens.ts";
import type { Completion, CompletionCandidate } from "./line_editor/completion_list.ts";

/**
 * RQL's words, as the phrases they are written in: `commands` start a statement and complete
 * only there; `clauses` complete only inside a statement that starts with a command word. A
 * later word of a phrase completes right after the words before it (`SHOW T` → `TABLES`,
 * `(TYPE S` → `SQLITE`, `FORMAT P` → `PARQUET`). Every word is also highlighted as a keyword.
 *
 * This is the one place the REPL knows RQL's vocabulary: when the RQL command registry
 * (src/rql/commands/registry.ts) offers its keywords and syntax, this constant is to be derived
 * from it.
 */
export const RQL_WORDS: {
  readonly commands: readonly string[];
  readonly clauses: readonly string[];
} = {
  commands: [
    "USE",
    "ATTACH",
    "DETACH",
    "SHOW SOURCES",
    "SHOW TABLES",
    "SHOW VARS",
    "SHOW CONFIG",
    "SHOW CACHE",
    "CLEAR CACHE",
    "DESCRIBE",
    "LET",
    "UNSET",
    "EXPORT",
  ],
  clauses: [
    "AS",
    "OPTIONS",
    "DATABASE",
    "TYPE SQLITE",
    "READ_ONLY",
    "CREATE",
    "TO",
    "FORMAT PARQUET",
    "FORMAT CSV",
    "FORMAT JSON",
    "FORMAT JSONL",
    "FORMAT ARROW",
    "OVERWRITE",
  ],
};

/** Every word of {@link RQL_WORDS}, once each, upper case (for highlighting). */
export function rqlKeywords(): string[] {
  const phrases = [...RQL_WORDS.commands, ...RQL_WORDS.clauses];
  return [...new Set(phrases.flatMap((phrase) => phrase.split(" ")))];
}

/** One suggestion of DuckDB's `sql_auto_complete`. */
export interface SqlSuggestion {
  /** The suggested text (DuckDB's `suggestion`, e.g. `SELECT `, `"Body Mass (g)"`, `geo.`). */
  readonly text: string;
  /** DuckDB's `suggestion_type`: keyword, column, table, catalog, scalar_function, …. */
  readonly kind: string;
  /** DuckDB's `extra_char` (a space after a keyword), or null. */
  readonly extra: string | null;
}

/** A SQLite database attached to the session. */
export interface AttachedDatabase {
  /** The alias it is attached as. */
  readonly alias: string;
  /** Its tables and views. */
  tables(): readonly string[];
  /** The columns of `table` (none for an unknown table). */
  columns(table: string): readonly string[];
}

/** An entry of a directory, for completing file paths. */
export interface DirectoryEntry {
  /** File name. */
  readonly name: string;
  /** Whether it is a directory (completed with `/`, quote left open). */
  readonly isDirectory: boolean;
}

/** What completion asks of the session. */
export interface CompletionSource {
  /** DuckDB's suggestions for `statement` (the statement's text up to the cursor). */
  sqlSuggestions(statement: string): Promise<readonly SqlSuggestion[]>;
  /** Names of the views registered with `USE` (and files named on the command line). */
  viewAliases(): readonly string[];
  /** The attached SQLite databases. */
  databases(): readonly AttachedDatabase[];
  /** Names of the session's variables (without `#`). */
  variables(): readonly string[];
  /** Entries of the directory `path` (relative to the working directory); [] when unreadable. */
  listDirectory(path: string): readonly DirectoryEntry[];
}

/** Words that follow a table reference without being its alias. */
const CLAUSE_WORDS = new Set(
  ("WHERE JOIN ON LEFT RIGHT INNER OUTER FULL CROSS NATURAL POSITIONAL ASOF SEMI ANTI GROUP ORDER " +
    "LIMIT OFFSET UNION EXCEPT INTERSECT USING WINDOW HAVING QUALIFY SET VALUES RETURNING SAMPLE " +
    "TABLESAMPLE PIVOT UNPIVOT LATERAL").split(" "),
);

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const NAME_KINDS = new Set(["column", "table", "view", "catalog", "schema"]);

/** `name` as it must be written in SQL: as it is when plain, else in double quotes. */
function identifier(name: string): string {
  return PLAIN_IDENTIFIER.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** Whether `candidate` completes `typed`: starts with it, case-insensitively, quotes aside. */
function completes(candidate: string, typed: string): boolean {
  const bare = typed.startsWith('"') ? candidate : candidate.replace(/^"/, "");
  return bare.toLowerCase().startsWith(typed.toLowerCase());
}

/** A keyword in the case of what was typed: lower case after lower-case letters. */
function inCaseOf(word: string, typed: string): string {
  return /[a-z]/.test(typed) && typed === typed.toLowerCase() ? word.toLowerCase() : word;
}

/** Candidates, in tiers (see the module); the first non-empty tier wins. */
class Tiers {
  readonly #tiers: CompletionCandidate[][] = [[], [], [], []];
  readonly #seen = new Set<string>();

  /** Adds `text` (+ `suffix` when alone) to tier `tier` unless an equal text is there. */
  add(tier: number, text: string, suffix = ""): void {
    const key = text.toLowerCase();
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#tiers[tier]!.push({ text, suffix });
  }

  /** The first non-empty tier. */
  get best(): readonly CompletionCandidate[] {
    return this.#tiers.find((tier) => tier.length > 0) ?? [];
  }
}

const RQL_TIER = 0;
const NAME_TIER = 1;
const KEYWORD_TIER = 2;
const FUNCTION_TIER = 3;

/**
 * The candidates for the word before `cursor` in `text` (the whole input, possibly several
 * statements and lines). Never throws: a failing source contributes nothing.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { completeInput } from "./completion.ts";
 *
 * const source = {
 *   sqlSuggestions: () => Promise.resolve([{ text: "SELECT ", kind: "keyword", extra: " " }]),
 *   viewAliases: () => [],
 *   databases: () => [],
 *   variables: () => ["min_mass"],
 *   listDirectory: () => [],
 * };
 * deepStrictEqual(await completeInput("SEL", 3, source), {
 *   from: 0,
 *   candidates: [{ text: "SELECT", suffix: " " }],
 * });
 * deepStrictEqual(await completeInput("SELECT #mi", 10, source), {
 *   from: 7,
 *   candidates: [{ text: "#min_mass", suffix: "" }],
 * });
 * ```
 */
export async function completeInput(
  text: string,
  cursor: number,
  source: CompletionSource,
): Promise<Completion> {
  const before = text.slice(0, cursor);
  const lexed = tokenizeLenient(before);
  const lastSemicolon = lexed.tokens.findLast((token) => token.kind === "semicolon");
  const start = lastSemicolon?.end ?? 0;
  const statement = before.slice(start);
  const { tokens, unterminated } = tokenizeLenient(statement);
  const significant = tokens.filter((t) => t.kind !== "whitespace" && t.kind !== "comment");
  if (unterminated !== null) {
    if (unterminated.what === "string") {
      return shift(completePath(statement, unterminated.offset, source), start);
    }
    if (unterminated.what !== "quoted identifier") return { from: cursor, candidates: [] };
    const typed = statement.slice(unterminated.offset);
    const qualified = qualifiers(significant);
    return shift(await completeWord(statement, significant, typed, qualified, source), start);
  }
  const last = significant.at(-1);
  const atWord = last !== undefined && last.end === statement.length &&
    (last.kind === "word" || last.kind === "variable" || last.text === "#");
  const typed = atWord ? last.text : "";
  const context = atWord ? significant.slice(0, -1) : significant;
  if (typed.startsWith("#")) {
    const name = typed.slice(1).toLowerCase();
    const candidates = source.variables()
      .filter((variable) => variable.toLowerCase().startsWith(name))
      .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
      .map((variable) => ({ text: `#${variable}`, suffix: "" }));
    return { from: cursor - typed.length, candidates };
  }
  return shift(await completeWord(statement, context, typed, qualifiers(context), source), start);
}

/** `completion` with offsets moved by `start` (from the statement into the whole input). */
function shift(completion: Completion, start: number): Completion {
  return { from: completion.from + start, candidates: completion.candidates };
}

/** The names before the word, joined to it by dots (`geo.airports.` → `["geo", "airports"]`). */
function qualifiers(context: readonly Token[]): string[] {
  const names: string[] = [];
  let index = context.length - 1;
  while (index >= 1 && context[index]!.text === ".") {
    const name = context[index - 1]!;
    if (name.kind !== "word" && name.kind !== "quoted_identifier") break;
    names.unshift(name.value);
    index -= 2;
  }
  return names;
}

/** A word (or the empty word) in SQL or RQL: the tiers of the module. */
async function completeWord(
  statement: string,
  context: readonly Token[],
  typed: string,
  qualified: readonly string[],
  source: CompletionSource,
): Promise<Completion> {
  const from = statement.length - typed.length;
  const tiers = new Tiers();
  const add = (tier: number, text: string, suffix = "") => {
    if (completes(text, typed)) tiers.add(tier, text, suffix);
  };
  const databases = safely(() => source.databases(), []);
  const references = sqliteReferences(context, databases);
  const lower = qualified.map((name) => name.toLowerCase());
  if (lower.length > 0) {
    const database = databases.find((db) => db.alias.toLowerCase() === lower[0]);
    if (database !== undefined && lower.length === 1) {
      for (const table of safely(() => database.tables(), [])) add(NAME_TIER, identifier(table));
    }
    const qualifier = lower.at(-1)!;
    for (const reference of references) {
      const named = reference.table.toLowerCase() === qualifier ||
        reference.alias?.toLowerCase() === qualifier;
      if (!named) continue;
      for (const column of safely(() => reference.database.columns(reference.table), [])) {
        add(NAME_TIER, identifier(column));
      }
    }
  } else {
    for (const word of rqlFollowers(context)) add(RQL_TIER, inCaseOf(word, typed), " ");
    for (const reference of references) {
      for (const column of safely(() => reference.database.columns(reference.table), [])) {
        add(NAME_TIER, identifier(column));
      }
    }
    for (const alias of safely(() => source.viewAliases(), [])) add(NAME_TIER, identifier(alias));
    for (const database of databases) add(NAME_TIER, identifier(database.alias));
  }
  let suggestions: readonly SqlSuggestion[] = [];
  try {
    suggestions = await source.sqlSuggestions(statement);
  } catch {
    // DuckDB's completion is one source among several.
  }
  for (const suggestion of suggestions) {
    const extra = suggestion.extra ?? "";
    const text = extra !== "" && suggestion.text.endsWith(extra)
      ? suggestion.text.slice(0, -extra.length)
      : suggestion.text;
    if (text.trim() === "") continue;
    const tier = NAME_KINDS.has(suggestion.kind)
      ? NAME_TIER
      : suggestion.kind === "keyword"
      ? KEYWORD_TIER
      : FUNCTION_TIER;
    add(tier, text, extra);
  }
  if (lower.length === 0) {
    const phrases = context.length === 0
      ? RQL_WORDS.commands
      : inRqlCommand(context)
      ? RQL_WORDS.clauses
      : [];
    for (const phrase of phrases) add(KEYWORD_TIER, inCaseOf(phrase.split(" ")[0]!, typed), " ");
  }
  return { from, candidates: tiers.best };
}

/** Calls `read`, or returns `fallback` when it throws (a closed attachment). */
function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** Whether the statement whose tokens so far are `context` starts with an RQL command word. */
function inRqlCommand(context: readonly Token[]): boolean {
  const first = context[0]?.text.toUpperCase();
  return RQL_WORDS.commands.some((phrase) => phrase.split(" ")[0] === first);
}

/** The words of {@link RQL_WORDS} that may follow the last words of `context`. */
function rqlFollowers(context: readonly Token[]): string[] {
  const before = context.map((token) => token.text.toUpperCase());
  const phrases = inRqlCommand(context)
    ? [...RQL_WORDS.commands, ...RQL_WORDS.clauses]
    : RQL_WORDS.commands;
  const followers: string[] = [];
  for (const phrase of phrases) {
    const words = phrase.split(" ");
    for (let count = 1; count < words.length; count++) {
      const head = words.slice(0, count);
      if (head.every((word, index) => before[before.length - count + index] === word)) {
        followers.push(words[count]!);
      }
    }
  }
  return followers;
}

/** A SQLite table a statement names (`geo.airports [AS] a`). */
interface SqliteReference {
  readonly database: AttachedDatabase;
  readonly table: string;
  readonly alias: string | undefined;
}

/** The SQLite tables `tokens` name as `database.table`, with the alias given after them. */
function sqliteReferences(
  tokens: readonly Token[],
  databases: readonly AttachedDatabase[],
): SqliteReference[] {
  const references: SqliteReference[] = [];
  for (let index = 0; index + 2 < tokens.length; index++) {
    const [name, dot, table] = [tokens[index]!, tokens[index + 1]!, tokens[index + 2]!];
    if (dot.text !== "." || (table.kind !== "word" && table.kind !== "quoted_identifier")) {
      continue;
    }
    const database = databases.find((db) => db.alias.toLowerCase() === name.value.toLowerCase());
    if (database === undefined) continue;
    let next = tokens[index + 3];
    if (next?.kind === "word" && next.value.toUpperCase() === "AS") next = tokens[index + 4];
    const alias =
      next !== undefined && (next.kind === "word" || next.kind === "quoted_identifier") &&
        !CLAUSE_WORDS.has(next.value.toUpperCase())
        ? next.value
        : undefined;
    references.push({ database, table: table.value, alias });
  }
  return references;
}

/**
 * Paths for the string being typed: the entries of the directory written so far that start
 * with the rest. A directory completes with `/` (the quote stays open), a file with the closing
 * quote. Hidden entries only when the typed name starts with a dot.
 */
function completePath(statement: string, quoteAt: number, source: CompletionSource): Completion {
  const quote = statement.indexOf("'", quoteAt);
  const written = statement.slice(quote + 1);
  const slash = Deno.build.os === "windows"
    ? Math.max(written.lastIndexOf("/"), written.lastIndexOf("\\"))
    : written.lastIndexOf("/");
  const directory = written.slice(0, slash + 1).replaceAll("''", "'");
  const name = written.slice(slash + 1).replaceAll("''", "'");
  const hidden = name.startsWith(".");
  const entries = safely(() => source.listDirectory(directory === "" ? "." : directory), [])
    .filter((entry) => entry.name.startsWith(name) && (hidden || !entry.name.startsWith(".")))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    from: quote + 1 + slash + 1,
    candidates: entries.map((entry) => ({
      text: entry.name.replaceAll("'", "''") + (entry.isDirectory ? "/" : ""),
      suffix: entry.isDirectory ? "" : "'",
    })),
  };
}
