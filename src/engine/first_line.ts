/**
 * `firstLine`: the first line of an error's message, how Noctra quotes an engine's or the
 * operating system's error inside its own one-line messages.
 *
 * @module
 */

/**
 * The first line of `error`'s message (of its text when it is not an `Error`), trimmed.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { firstLine } from "./first_line.ts";
 *
 * strictEqual(firstLine(new Error("Binder Error: no such column\n\nLINE 1: …")), "Binder Error: no such column");
 * ```
 */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!.trim();
}
