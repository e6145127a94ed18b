/**
 * Splits SQL scripts into statements at top-level `;`, using the lexer so that
 * semicolons inside strings, quoted identifiers, comments and dollar-quoted strings
 * are never split points.
 *
 * @module
 */

import { type Token, tokenize, tokenizeLenient } from "./lexer.ts";

/**
 * One statement of a script.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { type SplitStatement, splitStatements } from "./splitter.ts";
 *
 * const [statement]: SplitStatement[] = splitStatements("\n  select 1 ;");
 * deepStrictEqual(statement, { text: "select 1", line: 2, start: 3, end: 11, terminated: true });
 * ```
 */
export interface SplitStatement {
  /**
   * Statement text without the terminating `;`, with leading and trailing whitespace
   * removed; comments (including leading ones, and a trailing `--` comment) are kept.
   */
  text: string;
  /** 1-based line of the statement's first significant (non-whitespace, non-comment) token. */
  line: number;
  /** Offset (UTF-16 code units) of `text`'s first character in the source. */
  start: number;
  /** Offset one past `text`'s last character, so `source.slice(start, end) === text`. */
  end: number;
  /** `true` when the statement was terminated by `;` (`false` for a trailing statement without one). */
  terminated: boolean;
}

/**
 * Splits a script into statements at top-level `;` (never inside strings, quoted
 * identifiers, comments or dollar-quoted strings). Statements consisting only of
 * whitespace and comments (including empty ones such as `;;`) are dropped.
 *
 * @param source SQL script
 * @returns statements in source order
 * @throws {UnterminatedTokenError} (from `./lexer.ts`) when the script ends inside a
 *   string, quoted identifier, block comment or dollar-quoted string
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { splitStatements } from "./splitter.ts";
 *
 * const statements = splitStatements("select ';';;\n-- note\nselect 2");
 * deepStrictEqual(statements.map((s) => [s.text, s.line, s.terminated]), [
 *   ["select ';'", 1, true],
 *   ["-- note\nselect 2", 3, false],
 * ]);
 * ```
 */
export function splitStatements(source: string): SplitStatement[] {
  const statements: SplitStatement[] = [];
  let pending: Token[] = [];
  const flush = (terminated: boolean) => {
    const firstSignificant = pending.find(isSignificant);
    const nonBlank = pending.filter((t) => t.kind !== "whitespace");
    const first = nonBlank[0];
    const last = nonBlank[nonBlank.length - 1];
    if (firstSignificant && first && last) {
      statements.push({
        text: source.slice(first.start, last.end),
        line: firstSignificant.line,
        start: first.start,
        end: last.end,
        terminated,
      });
    }
    pending = [];
  };
  for (const token of tokenize(source)) {
    if (token.kind === "semicolon") flush(true);
    else pending.push(token);
  }
  flush(false);
  return statements;
}

/**
 * REPL helper: whether `buffer` holds at least one statement, ends (ignoring trailing
 * whitespace and comments) with a top-level `;`, and has no unterminated token.
 * Never throws.
 *
 * @param buffer input typed so far
 * @returns `true` when the buffer is ready to execute
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { endsWithCompleteStatement } from "./splitter.ts";
 *
 * deepStrictEqual(endsWithCompleteStatement("select 1; -- run it"), true);
 * deepStrictEqual(endsWithCompleteStatement("select 'a;"), false);
 * deepStrictEqual(endsWithCompleteStatement("select 1"), false);
 * ```
 */
export function endsWithCompleteStatement(buffer: string): boolean {
  const { tokens, unterminated } = tokenizeLenient(buffer);
  if (unterminated) return false;
  const significant = tokens.filter(isSignificant);
  const last = significant[significant.length - 1];
  return last?.kind === "semicolon" && significant.some((t) => t.kind !== "semicolon");
}

function isSignificant(token: Token): boolean {
  return token.kind !== "whitespace" && token.kind !== "comment";
}
