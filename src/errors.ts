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
  constructor(message: string, exitCode: number = EXIT_STATEMENT_FAILED, options?: ErrorOptions) {
    super(message, options);
    this.name = "NoctraError";
    this.exitCode = exitCode;
  }
}

/** A bad command line: unknown flag, malformed value, missing script file. Exit code 2. */
export class UsageError extends NoctraError {
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
 * statement, offset by `firstLine - 1` so scripts report file line numbers.
 */
export function describeError(error: unknown, firstLine = 1): string {
  if (error instanceof NoctraError) return error.message;
  const raw = error instanceof Error ? error.message : String(error);
  return condenseEngineMessage(raw, firstLine);
}

/** Exit code for an error: its own for {@link NoctraError}, else 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof NoctraError ? error.exitCode : EXIT_STATEMENT_FAILED;
}

/**
 * Folds a multi-line DuckDB error message into one line.
 *
 * DuckDB (src/common/exception.cpp, `QueryErrorContext::Format`) appends
 * `\n\nLINE n: <source excerpt>\n<spaces>^` to parser and binder errors; the caret column is
 * measured in the excerpt, which starts after the `LINE n: ` prefix (and after `...` when DuckDB
 * trims a long line, in which case the column is omitted).
 */
export function condenseEngineMessage(message: string, firstLine = 1): string {
  const lines = message.replace(/^Failed to extract statements: /, "").split("\n");
  const kept: string[] = [];
  const fixes: string[] = [];
  let position = "";
  let inFixes = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const lineMatch = /^LINE (\d+): (.*)$/.exec(line);
    if (lineMatch) {
      const sourceLine = Number(lineMatch[1]) + firstLine - 1;
      const excerpt = lineMatch[2] ?? "";
      const caret = (lines[index + 1] ?? "").indexOf("^");
      const prefixLength = line.length - excerpt.length;
      position = caret >= prefixLength && !excerpt.startsWith("...")
        ? ` (line ${sourceLine}, column ${caret - prefixLength + 1})`
        : ` (line ${sourceLine})`;
      index++;
      continue;
    }
    const trimmed = line.trim();
    // DuckDB's CSV reader appends "Possible fixes:" bullets, then a dump of the dialect it
    // detected; the sniffer appends the search space it tried. Keep only the settings to try.
    if (/^(Possible fixes|Possible solution|The search space used was)/i.test(trimmed)) {
      inFixes = true;
      continue;
    }
    if (inFixes) {
      const setting = /\((\w+\s*=\s*[\w.'"]+)\)/.exec(trimmed);
      if (trimmed.startsWith("*") && setting && fixes.length < 3) fixes.push(setting[1]!);
      continue;
    }
    if (trimmed === "") continue;
    kept.push(trimmed.length > 120 ? trimmed.slice(0, 119) + "…" : trimmed);
  }
  const text = (kept.join(" ") || "unknown error") + position;
  return fixes.length > 0 ? `${text}; reader options to try: ${fixes.join(", ")}` : text;
}
