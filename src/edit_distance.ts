/**
 * Levenshtein edit distance, for "did you mean …?" suggestions (configuration keys, reader
 * options).
 *
 * @module
 */

/**
 * The number of single-character insertions, deletions and substitutions that turn `a` into
 * `b` (case-sensitive; UTF-16 code units).
 *
 * @example
 * ```ts
 * import { editDistance } from "./edit_distance.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(editDistance("hedaer", "header"), 2);
 * strictEqual(editDistance("threads", "threads"), 0);
 * ```
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
