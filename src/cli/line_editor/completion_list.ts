/**
 * What Tab does: one candidate is inserted (with its suffix); several insert the prefix they
 * share, or — when that adds nothing — are listed in columns under the input, as shells list
 * them, and further Tabs cycle through them (Shift-Tab backwards).
 *
 * @module
 */
import { displayWidth } from "./render.ts";
import type { EditBuffer } from "./edit_buffer.ts";

/** One completion: the text that replaces the typed word, and what follows it when alone. */
export interface CompletionCandidate {
  /** Replaces the text from {@link Completion.from} to the cursor. */
  readonly text: string;
  /** Appended when this candidate is the only one (a space after a keyword, `'` after a file). */
  readonly suffix: string;
}

/** What Tab may insert: candidates for the text between `from` and the cursor. */
export interface Completion {
  /** Offset where the word being completed starts. */
  readonly from: number;
  /** Candidates, best first, each starting (case-insensitively) with the typed word. */
  readonly candidates: readonly CompletionCandidate[];
}

/** Successive Tabs: the candidates listed, and which one was inserted last (-1: none yet). */
interface Cycle {
  readonly from: number;
  readonly candidates: readonly CompletionCandidate[];
  index: number;
}

/** Tab presses on one editor: remembers the listed candidates until another key is pressed. */
export class TabCompletion {
  #cycle: Cycle | null = null;

  /** Another key was pressed: the next Tab completes afresh. */
  reset(): void {
    this.#cycle = null;
  }

  /**
   * Handles a Tab (`backwards` for Shift-Tab) on `buffer` with the candidates from `complete`:
   * edits the buffer, and returns the lines to list under the input (laid out for `columns`)
   * when it lists, else null. A failing `complete` changes nothing.
   */
  async press(
    buffer: EditBuffer,
    backwards: boolean,
    complete: (text: string, cursor: number) => Promise<Completion>,
    columns: number,
  ): Promise<string[] | null> {
    const cycle = this.#cycle;
    if (cycle !== null) {
      const count = cycle.candidates.length;
      cycle.index = backwards
        ? (cycle.index <= 0 ? count - 1 : cycle.index - 1)
        : (cycle.index + 1) % count;
      buffer.replaceBeforeCursor(cycle.from, cycle.candidates[cycle.index]!.text);
      return null;
    }
    let completion: Completion;
    try {
      completion = await complete(buffer.text, buffer.cursor);
    } catch {
      return null;
    }
    const { from, candidates } = completion;
    if (candidates.length === 0) return null;
    if (candidates.length === 1) {
      const only = candidates[0]!;
      buffer.replaceBeforeCursor(from, only.text + only.suffix);
      return null;
    }
    const typed = buffer.text.slice(from, buffer.cursor);
    const common = commonPrefix(candidates.map((candidate) => candidate.text));
    if (common.length > typed.length) {
      buffer.replaceBeforeCursor(from, common);
      return null;
    }
    this.#cycle = { from, candidates, index: -1 };
    return listInColumns(candidates.map((candidate) => candidate.text), columns);
  }
}

/** Most candidates a Tab lists. */
const MAX_LISTED = 200;

/**
 * The longest prefix all `texts` share, compared case-insensitively, in the first one's case.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { commonPrefix } from "./completion_list.ts";
 *
 * strictEqual(commonPrefix(["penguins", "PENNY", "pendulum"]), "pen");
 * ```
 */
export function commonPrefix(texts: readonly string[]): string {
  const first = texts[0] ?? "";
  let length = first.length;
  for (const text of texts.slice(1)) {
    let index = 0;
    while (
      index < length && index < text.length &&
      first[index]!.toLowerCase() === text[index]!.toLowerCase()
    ) index++;
    length = index;
  }
  return first.slice(0, length);
}

/** `items` laid out in columns across `width`, row by row (at most {@link MAX_LISTED}). */
export function listInColumns(items: readonly string[], width: number): string[] {
  const shown = items.slice(0, MAX_LISTED);
  const cell = Math.max(...shown.map(displayWidth)) + 2;
  const perRow = Math.max(1, Math.floor(width / cell));
  const rows: string[] = [];
  for (let start = 0; start < shown.length; start += perRow) {
    rows.push(
      shown.slice(start, start + perRow)
        .map((item) => item + " ".repeat(cell - displayWidth(item)))
        .join("")
        .trimEnd(),
    );
  }
  if (items.length > shown.length) rows.push(`… ${items.length - shown.length} more`);
  return rows;
}
