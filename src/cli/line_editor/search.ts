/**
 * Ctrl-R: incremental reverse search through history, as readline and bash do it. Each
 * character typed narrows the query and finds the newest entry holding it (case-insensitively);
 * Ctrl-R again finds the next older one. The match is shown whole — a statement of several
 * lines with all of them — and becomes the input when the search ends.
 *
 * @module
 */
import type { History } from "./history.ts";

/** Text with a cursor: the input before the search, or the entry the search ends on. */
export interface TextAndCursor {
  /** The text. */
  readonly text: string;
  /** Cursor offset into it. */
  readonly cursor: number;
}

/**
 * The state of one search: its query, the entry matched and where the match is in it.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { History } from "./history.ts";
 * import { ReverseSearch } from "./search.ts";
 *
 * const search = new ReverseSearch(new History(["SELECT a\nFROM t;", "SELECT b;"], 10), {
 *   text: "typed",
 *   cursor: 5,
 * });
 * search.type("sel");
 * strictEqual(search.prompt, "(reverse-i-search)'sel': ");
 * deepStrictEqual(search.shown, { text: "SELECT b;", cursor: 0 });
 * search.older();
 * deepStrictEqual(search.result, { text: "SELECT a\nFROM t;", cursor: 0 });
 * ```
 */
export class ReverseSearch {
  readonly #history: History;
  /** The input when the search started (restored by Ctrl-G). */
  readonly saved: TextAndCursor;
  #query = "";
  /** Index of the matched entry; `entries.length` while nothing matched. */
  #index: number;
  #offset = 0;
  #failed = false;

  /** A search through `history`, started with `saved` as the input. */
  constructor(history: History, saved: TextAndCursor) {
    this.#history = history;
    this.saved = saved;
    this.#index = history.entries.length;
  }

  /** What the search shows instead of the prompt: `(reverse-i-search)'query': `. */
  get prompt(): string {
    return `(${this.#failed ? "failed " : ""}reverse-i-search)'${this.#query}': `;
  }

  /** The matched entry and the match's offset as cursor; the saved input before any match. */
  get shown(): TextAndCursor {
    const entry = this.#history.entries[this.#index];
    return entry === undefined ? this.saved : { text: entry, cursor: this.#offset };
  }

  /** Where the query matched in {@link shown}, or null. */
  get match(): { readonly start: number; readonly end: number } | null {
    if (this.#history.entries[this.#index] === undefined) return null;
    return { start: this.#offset, end: this.#offset + this.#query.length };
  }

  /** The input the search ends with: the matched entry, or the saved input. */
  get result(): TextAndCursor {
    return this.shown;
  }

  /** Adds `text` to the query; the match may stay on the current entry. */
  type(text: string): void {
    this.#query += text;
    this.#find(this.#index + 1);
  }

  /** Removes the query's last character and searches again from the newest entry. */
  backspace(): void {
    this.#query = this.#query.slice(0, -1);
    if (this.#query === "") {
      this.#index = this.#history.entries.length;
      this.#failed = false;
      return;
    }
    this.#find(this.#history.entries.length);
  }

  /** Ctrl-R again: the next older entry holding the query. */
  older(): void {
    this.#find(this.#index);
  }

  /** Finds the newest match before entry `before`; on none, keeps the match and says failed. */
  #find(before: number): void {
    const found = this.#history.search(this.#query, before);
    if (found === null) {
      this.#failed = this.#query !== "";
      return;
    }
    this.#index = found.index;
    this.#offset = found.offset;
    this.#failed = false;
  }
}
