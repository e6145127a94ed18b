/**
 * Error types with stable exit codes, and the condensing of engine errors into one line.
 *
 * Exit codes (documented in README): 0 success, 1 a statement failed, 2 usage error (bad flag,
 * missing script file, bad configuration).
 *
 * @module
 */

/** Exit code for a statement that failed (SQL error, missing file, bad data). */
export const EXIT_STATEMENT_FAILED = 1;
/** Exit code for a usage error: bad flag, missing script file. */
export const EXIT_USAGE = 2;

/**
 * An error meant for the user: its message is one line that names the input and the cause.
 * `exitCode` is what the CLI exits with in batch mode.
 */
export class NoctraError extends Error {
  /** Process exit code in batch mode: {@link EXIT_STATEMENT_FAILED} or {@link EXIT_USAGE}. */
  readonly exitCode: number;
  /**
   * An error for the user.
   *
   * @param message one line for the user, naming the input and the cause.
   * @param exitCode the batch-mode exit code (default {@link EXIT_STATEMENT_FAILED}).
   * @param options `cause`, for the error this one explains.
   */
  constructor(message: string, exitCode: number = EXIT_STATEMENT_FAILED, options?: ErrorOptions) {
    super(message, options);
    this.name = "NoctraError";
    this.exitCode = exitCode;
  }
}

/** A bad command line: unknown flag, malformed value, missing script file. Exit code 2. */
export class UsageError extends NoctraError {
  /**
   * A usage error with exit code 2.
   *
   * @param message one line naming the flag or file and what to do.
   */
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = "UsageError";
  }
}

/**
 * Turns any thrown value into one line for stderr, with no stack trace.
 *
 * DuckDB's messages span several lines (`LINE 1: …` and a caret under the failing position);
 * they are folded into one line and the caret becomes `(line L, column C)` relative to the
 * statement, offset by `firstLine - 1` so scripts report file line numbers. Nothing else is
 * dropped or cut: causes, hints and file names all stay (see {@link condenseEngineMessage}).
 */
export function describeError(error: unknown, firstLine = 1): string {
  if (error instanceof NoctraError) return oneLine(error.message);
  const raw = error instanceof Error ? error.message : String(error);
  return condenseEngineMessage(raw, firstLine);
}

/** Exit code for an error: its own for {@link NoctraError}, else 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof NoctraError ? error.exitCode : EXIT_STATEMENT_FAILED;
}

/**
 * Joins the lines of `text` into one: lines with a space, paragraphs (separated by blank lines)
 * with ` — `; leading and trailing blanks of each line are dropped. Never cuts text.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { oneLine } from "./errors.ts";
 *
 * strictEqual(oneLine("cannot read x.csv\r\nno such file\n\nhint: check the path\n"),
 *   "cannot read x.csv no such file — hint: check the path");
 * ```
 */
export function oneLine(text: string): string {
  return text.split(/\r\n|\r|\n/).map((line) => line.trim()).join("\n").split(/\n{2,}/)
    .map((paragraph) => paragraph.replaceAll("\n", " ").trim()).filter((paragraph) => paragraph)
    .join(" — ");
}

/** An indented `key = value` line of the dialect DuckDB's CSV reader appends to its errors. */
const SETTING_LINE = /^\s+[\w ]+ = /;

/**
 * Folds a multi-line DuckDB error message into one line, keeping all of its text.
 *
 * DuckDB (src/common/exception.cpp, `QueryErrorContext::Format`) appends
 * `\n\nLINE n: <source excerpt>\n<spaces>^` to parser and binder errors. That excerpt is the
 * statement echoed back: it is the only part left out, replaced by `(line L, column C)` at the
 * end (`L` offset by `firstLine - 1`). The caret column is measured in the excerpt, which starts
 * after the `LINE n: ` prefix (and after `...` when DuckDB trims a long line, in which case the
 * column is omitted).
 *
 * Everything else stays, whatever its length: lines of a paragraph are joined with a space,
 * paragraphs (blank-line separated) with ` — `, and the reader settings DuckDB's CSV reader
 * lists (`  file = x.csv`, `  delimiter = , (Auto-Detected)`, …) are each followed by `; `.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { condenseEngineMessage } from "./errors.ts";
 *
 * strictEqual(
 *   condenseEngineMessage('Parser Error: syntax error at or near "FORM"\n\nLINE 2: FORM t\n        ^', 10),
 *   'Parser Error: syntax error at or near "FORM" (line 11, column 1)',
 * );
 * ```
 */
export function condenseEngineMessage(message: string, firstLine = 1): string {
  const lines = message.replace(/^Failed to extract statements: /, "").split(/\r\n|\r|\n/);
  const paragraphs: string[] = [];
  let paragraph = "";
  let previousWasSetting = false;
  const endParagraph = () => {
    if (paragraph !== "") paragraphs.push(paragraph);
    paragraph = "";
    previousWasSetting = false;
  };
  let position = "";
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const lineMatch = /^LINE (\d+): (.*)$/.exec(line);
    if (lineMatch) {
      const sourceLine = Number(lineMatch[1]) + firstLine - 1;
      const excerpt = lineMatch[2] ?? "";
      const caretLine = lines[index + 1] ?? "";
      const caret = /^\s*\^\s*$/.test(caretLine) ? caretLine.indexOf("^") : -1;
      const prefixLength = line.length - excerpt.length;
      position = caret >= prefixLength && !excerpt.startsWith("...")
        ? ` (line ${sourceLine}, column ${caret - prefixLength + 1})`
        : ` (line ${sourceLine})`;
      if (caret >= 0) index++;
      endParagraph();
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === "") {
      endParagraph();
      continue;
    }
    const setting = SETTING_LINE.test(line);
    const separator = paragraph === "" ? "" : previousWasSetting ? "; " : " ";
    paragraph += separator + trimmed;
    previousWasSetting = setting;
  }
  endParagraph();
  return (paragraphs.join(" — ") || "unknown error") + position;
}
