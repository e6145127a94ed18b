/**
 * What Tab shows when several candidates complete a word: the prefix they share (inserted at
 * once), and the candidates laid out in columns under the input, as shells list them.
 *
 * @module
 */
import { displayWidth } from "./render.ts";

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
