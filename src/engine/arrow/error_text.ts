/**
 * Error text shared by Arrow export and load: the first line of a cause's message, the error
 * for a file that is not Arrow IPC, and how a cell that does not fit its Arrow type is named.
 *
 * @module
 */
import { NoctraError } from "../../errors.ts";

/** The first line of `error`'s message (through `{ value }` wrappers), else its text. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? "";
  if (typeof error === "object" && error !== null && "value" in error) {
    return messageOf((error as { value: unknown }).value);
  }
  return String(error);
}

/** The error for `path` not being a readable Arrow IPC file or stream, with `cause` as detail. */
export function notArrow(path: string, cause: unknown): NoctraError {
  const detail = typeof cause === "string" ? cause : messageOf(cause);
  return new NoctraError(
    `${path} is not a readable Arrow IPC file or stream (${detail})`,
    undefined,
    {
      cause,
    },
  );
}

/** A cell as error messages name it: text quoted (cut at 40 characters), a BLOB by its size. */
export function describeCell(value: unknown): string {
  if (typeof value === "string") return `'${value.length > 40 ? value.slice(0, 40) + "…" : value}'`;
  if (value instanceof Uint8Array) return `a ${value.length}-byte BLOB`;
  if (typeof value === "bigint") return `${value}`;
  return String(value);
}
