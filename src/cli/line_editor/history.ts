/**
 * Statement history: one entry per statement submitted (a statement typed over several lines is
 * one entry, recalled whole), newest last, searched backwards by Ctrl-R, kept in a text file.
 *
 * The file holds the entries as they were typed, oldest first, each followed by a line break —
 * the DuckDB CLI's format. Reading it back, lines are joined until they make a complete
 * statement (the caller's `isComplete`: the same test that decides when Enter submits), and a
 * line that stands alone (a meta-command such as `.mode csv`) is an entry of its own. A file
 * written line by line by an older line editor therefore loads as whole statements too.
 *
 * @module
 */
import { dirname } from "node:path";

/** How the lines of a history file group into entries. */
export interface HistoryGrammar {
  /** True when `text` (one or more lines) is a whole entry: a complete statement. */
  readonly isComplete: (text: string) => boolean;
  /** True when `line`, starting an entry, is an entry by itself (a meta-command). */
  readonly standsAlone: (line: string) => boolean;
}

/** Where a search found its match: the entry and the offset of the match in it. */
export interface HistoryMatch {
  /** Index of the entry in {@link History.entries}. */
  readonly index: number;
  /** Offset (UTF-16 code units) of the match in the entry. */
  readonly offset: number;
}

/**
 * The entries of a history file's `text`, oldest first (see the module for the grouping). An
 * incomplete statement at the end of the file is kept as one entry.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { parseHistory } from "./history.ts";
 *
 * const grammar = {
 *   isComplete: (text: string) => text.trimEnd().endsWith(";"),
 *   standsAlone: (line: string) => line.startsWith("."),
 * };
 * deepStrictEqual(
 *   parseHistory("SELECT 1\nFROM t;\n.mode csv\nSELECT 2;\n", grammar),
 *   ["SELECT 1\nFROM t;", ".mode csv", "SELECT 2;"],
 * );
 * ```
 */
export function parseHistory(text: string, grammar: HistoryGrammar): string[] {
  const entries: string[] = [];
  let pending: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (pending.length === 0) {
      if (line.trim() === "") continue;
      if (grammar.standsAlone(line)) {
        entries.push(line);
        continue;
      }
    }
    pending.push(line);
    const joined = pending.join("\n");
    if (grammar.isComplete(joined)) {
      entries.push(joined);
      pending = [];
    }
  }
  const rest = pending.join("\n").trimEnd();
  if (rest !== "") entries.push(rest);
  return entries;
}

/** The file text for `entries` (oldest first): each entry followed by a line break. */
export function formatHistory(entries: readonly string[]): string {
  return entries.map((entry) => entry + "\n").join("");
}

/**
 * The statements submitted in this session and earlier ones, newest last, at most `limit`
 * (older entries are dropped as new ones come). Adding an entry that is already there moves it
 * to the end.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { History } from "./history.ts";
 *
 * const history = new History(["SELECT 1;", "SELECT 2\nFROM t;"], 10);
 * history.add("SELECT 1;");
 * deepStrictEqual(history.entries, ["SELECT 2\nFROM t;", "SELECT 1;"]);
 * deepStrictEqual(history.search("from", history.entries.length), { index: 0, offset: 9 });
 * ```
 */
export class History {
  #entries: string[];
  readonly #limit: number;

  /** History holding `entries` (oldest first), keeping at most `limit` (≥ 0). */
  constructor(entries: readonly string[], limit: number) {
    this.#limit = Math.max(0, limit);
    this.#entries = entries.slice(Math.max(0, entries.length - this.#limit));
  }

  /** The entries, oldest first. */
  get entries(): readonly string[] {
    return this.#entries;
  }

  /**
   * Adds `entry` as the newest (trailing white space removed; blank entries are not added).
   * Returns whether the history changed.
   */
  add(entry: string): boolean {
    const text = entry.trimEnd();
    if (text.trim() === "" || this.#limit === 0) return false;
    if (this.#entries.at(-1) === text) return false;
    this.#entries = this.#entries.filter((existing) => existing !== text);
    this.#entries.push(text);
    if (this.#entries.length > this.#limit) this.#entries.shift();
    return true;
  }

  /**
   * The newest entry before index `before` that contains `query` (case-insensitively), with
   * the offset of its last occurrence; null when none does. An empty query matches nothing.
   */
  search(query: string, before: number): HistoryMatch | null {
    if (query === "") return null;
    const needle = query.toLowerCase();
    for (let index = Math.min(before, this.#entries.length) - 1; index >= 0; index--) {
      const offset = this.#entries[index]!.toLowerCase().lastIndexOf(needle);
      if (offset !== -1) return { index, offset };
    }
    return null;
  }
}

/**
 * Reads the history file at `path` (see the module for the format); the newest `limit` entries.
 * An absent or unreadable file, or no path, is an empty history.
 */
export function loadHistory(
  path: string | undefined,
  limit: number,
  grammar: HistoryGrammar,
): History {
  if (path === undefined) return new History([], limit);
  try {
    return new History(parseHistory(Deno.readTextFileSync(path), grammar), limit);
  } catch {
    return new History([], limit);
  }
}

/**
 * Writes `history` to `path` atomically (a temporary sibling renamed over it), creating the
 * directory. Never throws: history is a convenience, and an unwritable state directory must not
 * break the session.
 */
export function saveHistory(path: string | undefined, history: History): void {
  if (path === undefined) return;
  try {
    Deno.mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${Deno.pid}.tmp`;
    Deno.writeTextFileSync(temporary, formatHistory(history.entries));
    Deno.renameSync(temporary, path);
  } catch {
    // Not saved: the session goes on without it.
  }
}
