/**
 * Splits SQL scripts into statements at top-level `;`, using the lexer so that
 * semicolons inside strings, quoted identifiers, comments and dollar-quoted strings
 * are never split points. The lexer reads SQL as DuckDB does, so the statements are the
 * ones `connection.extractStatements` finds (tests/lexer_fuzz_test.ts checks this on
 * thousands of generated scripts).
 *
 * @module
 */

import {
  SqlTextError,
  type Token,
  tokenize,
  tokenizeLenient,
  UnterminatedTokenError,
} from "./lexer.ts";

/**
 * Thrown by {@link splitStatements} when a statement would read differently on its own than
 * inside its script. Only DuckDB's handling of Unicode spaces depends on context: a no-break
 * space (U+00A0) and its kin are spaces in one place and identifier characters (or kept as they
 * are inside a string literal) in another, depending on quotes earlier in the text (see
 * `./lexer.ts`). Noctra checks and runs each
 * statement on its own, so such a statement is refused rather than read two ways.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { AmbiguousStatementError, splitStatements } from "./splitter.ts";
 *
 * // DuckDB's Unicode-space pre-pass reads E'\'' as an open quote, so in the whole script the
 * // no-break space is a letter; in the second statement alone it is a space.
 * throws(() => splitStatements("select E'\\''; select\u00a01"), (error: unknown) => {
 *   if (!(error instanceof AmbiguousStatementError)) return false;
 *   deepStrictEqual(error.line, 1);
 *   return true;
 * });
 * ```
 */
export class AmbiguousStatementError extends SqlTextError {
  /**
   * A statement that reads differently on its own, at the token where the readings part.
   *
   * @param offset offset (UTF-16 code units) of the first token read differently
   * @param line 1-based line of that token
   */
  constructor(offset: number, line: number) {
    super(
      `Statement text at line ${line} reads differently on its own than in the script (a Unicode space such as U+00A0 that DuckDB takes for a space in one reading and a letter in the other); write a plain space there`,
      offset,
      line,
    );
    this.name = "AmbiguousStatementError";
  }
}

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
 * whitespace and comments (including empty ones such as `;;`) are dropped, and so are those
 * that DuckDB drops: comments and whitespace followed only by non-ASCII characters outside
 * quotes (`é;`).
 *
 * @param source SQL script
 * Each statement's text reads the same on its own as in the script (same tokens), so what
 * Noctra checks in a statement is what DuckDB runs when given that statement.
 *
 * @param source SQL script
 * @returns statements in source order
 * @throws {UnterminatedTokenError} (from `./lexer.ts`) when the script ends inside a
 *   string, quoted identifier, block comment or dollar-quoted string
 * @throws {AmbiguousStatementError} when a statement would read differently on its own
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
  for (const token of tokenize(source)) {
    if (token.kind === "semicolon") {
      pushStatement(statements, source, pending, true);
      pending = [];
    } else {
      pending.push(token);
    }
  }
  pushStatement(statements, source, pending, false);
  return statements;
}

/**
 * A dot-command of a script (`.mode csv`): a line whose first non-blank character is `.`,
 * where no statement has begun (only whitespace and comments since the last `;`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { type DotCommand, splitScript } from "./splitter.ts";
 *
 * const [command] = splitScript("-- csv from here\n  .mode csv \nselect 1;") as DotCommand[];
 * deepStrictEqual(command, { command: ".mode csv", line: 2, start: 19, end: 28 });
 * ```
 */
export interface DotCommand {
  /** The line from its `.` to its end, trailing whitespace removed; may hold quotes of any kind. */
  command: string;
  /** 1-based line of the command. */
  line: number;
  /** Offset (UTF-16 code units) of the `.` in the source. */
  start: number;
  /** Offset one past the command's last character, so `source.slice(start, end) === command`. */
  end: number;
}

/** One part of a script: a statement, or a dot-command (tell them apart with `"command" in part`). */
export type ScriptPart = SplitStatement | DotCommand;

/**
 * Splits a script as the DuckDB CLI reads one: statements as {@link splitStatements} finds them,
 * and dot-commands on lines of their own ({@link DotCommand}), in source order. A dot-command
 * counts only at a statement boundary: a `.` line inside a statement, string or comment is part
 * of it. The text of a dot-command is not SQL (`.read it's.sql` opens no string); the SQL after
 * it is read afresh from the next line on, as the DuckDB CLI hands each run of SQL lines to its
 * parser on its own. Offsets and lines are those of `source`.
 *
 * @param source script text
 * @returns statements and dot-commands in source order
 * @throws {UnterminatedTokenError} (from `./lexer.ts`) when SQL ends inside a string, quoted
 *   identifier, block comment or dollar-quoted string
 * @throws {AmbiguousStatementError} when a statement would read differently on its own
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { splitScript } from "./splitter.ts";
 *
 * const parts = splitScript(".mode csv\nselect 1;\n.headers off\nselect 2;");
 * deepStrictEqual(parts.map((part) => "command" in part ? part.command : part.text), [
 *   ".mode csv",
 *   "select 1",
 *   ".headers off",
 *   "select 2",
 * ]);
 * ```
 */
export function splitScript(source: string): ScriptPart[] {
  const parts: ScriptPart[] = [];
  let from = 0;
  let fromLine = 1;
  // Tokens are read once for the whole script; only a dot-command whose text the lexer read
  // across its line end (an open quote or block comment) makes the rest be read again.
  for (;;) {
    const { tokens, unterminated } = tokenizeLenient(source.slice(from));
    const shifted = tokens.map((token) => shiftToken(token, from, fromLine));
    let pending: Token[] = [];
    let resume: { offset: number; line: number } | undefined;
    for (let index = 0; index < shifted.length; index++) {
      const token = shifted[index]!;
      if (token.kind === "semicolon") {
        pushStatement(parts, source, pending, true);
        pending = [];
        continue;
      }
      if (!startsDotCommand(source, token, pending)) {
        pending.push(token);
        continue;
      }
      const lineEnd = endOfLine(source, token.start);
      const command = source.slice(token.start, lineEnd).trimEnd();
      parts.push({
        command,
        line: token.line,
        start: token.start,
        end: token.start + command.length,
      });
      pending = [];
      while (index + 1 < shifted.length && shifted[index + 1]!.start < lineEnd) index++;
      if (lineEnd === source.length) return parts;
      if (shifted[index + 1]?.start !== lineEnd) {
        resume = { offset: lineEnd, line: token.line };
        break;
      }
    }
    if (resume !== undefined) {
      from = resume.offset;
      fromLine = resume.line;
      continue;
    }
    if (unterminated !== null) {
      throw new UnterminatedTokenError(
        unterminated.what,
        unterminated.offset + from,
        unterminated.line + fromLine - 1,
      );
    }
    pushStatement(parts, source, pending, false);
    return parts;
  }
}

/** `token` of a text read from `offset` (line `line`) of the source, placed in the source. */
function shiftToken(token: Token, offset: number, line: number): Token {
  if (offset === 0) return token;
  return {
    ...token,
    start: token.start + offset,
    end: token.end + offset,
    line: token.line + line - 1,
  };
}

/**
 * Whether `token` starts a dot-command: it begins with `.`, nothing but spaces and tabs stand
 * before it on its line, and no statement has begun (`pending` holds no significant token).
 */
function startsDotCommand(source: string, token: Token, pending: readonly Token[]): boolean {
  if (source.charCodeAt(token.start) !== 46 /* . */) return false;
  for (let index = token.start - 1; index >= 0; index--) {
    const c = source.charCodeAt(index);
    if (c === 10 || c === 13) break;
    if (c !== 32 && c !== 9) return false;
  }
  return !pending.some(isSignificant);
}

/** Offset of the line break (`\n`, `\r`) that ends the line holding `offset`, or the length. */
function endOfLine(source: string, offset: number): number {
  for (let index = offset; index < source.length; index++) {
    const c = source.charCodeAt(index);
    if (c === 10 || c === 13) return index;
  }
  return source.length;
}

/**
 * Adds the statement made of `pending` (the tokens since the last `;`) to `statements`, unless
 * it holds only whitespace and comments or DuckDB drops it.
 */
function pushStatement(
  statements: ScriptPart[],
  source: string,
  pending: Token[],
  terminated: boolean,
): void {
  const firstSignificant = pending.find(isSignificant);
  const nonBlank = pending.filter((t) => t.kind !== "whitespace");
  const first = nonBlank[0];
  const last = nonBlank[nonBlank.length - 1];
  const inScript = first && last
    ? pending.slice(pending.indexOf(first), pending.indexOf(last) + 1)
    : [];
  if (firstSignificant && first && last && !vanishesInDuckDB(source, inScript)) {
    checkReadsAlike(source.slice(first.start, last.end), inScript);
    statements.push({
      text: source.slice(first.start, last.end),
      line: firstSignificant.line,
      start: first.start,
      end: last.end,
      terminated,
    });
  }
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

/**
 * Whether DuckDB drops the statement made of `tokens`. A statement that ends in non-ASCII
 * characters outside quotes and comments (`é`, U+2028: identifier characters to DuckDB) is
 * not valid SQL, so DuckDB re-reads the script statement by statement, and its
 * `StringUtil::RTrim` strips trailing whitespace *and* trailing bytes ≥ 0x80 from each. When
 * nothing but comments is left, DuckDB drops the statement. (Text after a NUL does not count:
 * DuckDB never sees it.)
 */
function vanishesInDuckDB(source: string, tokens: Token[]): boolean {
  const first = tokens[0]?.start ?? 0;
  let end = tokens[tokens.length - 1]?.end ?? first;
  const nul = source.indexOf("\0", first);
  if (nul !== -1 && nul < end) end = nul;
  while (end > first) {
    const c = source.charCodeAt(end - 1);
    if (c < 0x80 && c !== 32 && (c < 9 || c > 13)) break;
    end--;
  }
  return !tokens.some((token) => token.start < end && isSignificant(token));
}

/**
 * Throws {@link AmbiguousStatementError} unless `text` tokenized on its own gives `inScript`
 * (its tokens as read within the script: same kinds, extents and values; offsets differ by the
 * statement's start). Only text
 * holding non-ASCII characters can differ (DuckDB's Unicode-space pre-pass depends on context).
 */
function checkReadsAlike(text: string, inScript: Token[]): void {
  if (!/[\u0080-\uffff]/.test(text)) return;
  const base = inScript[0]?.start ?? 0;
  const alone = tokenizeLenient(text);
  const count = Math.max(alone.tokens.length, inScript.length);
  for (let i = 0; i < count; i++) {
    const own = alone.tokens[i];
    const theirs = inScript[i];
    if (
      own && theirs && own.kind === theirs.kind && own.end + base === theirs.end &&
      own.value === theirs.value
    ) continue;
    const at = theirs ?? inScript[inScript.length - 1];
    throw new AmbiguousStatementError(at?.start ?? base, at?.line ?? 1);
  }
  if (alone.unterminated) {
    throw new AmbiguousStatementError(alone.unterminated.offset + base, inScript[0]?.line ?? 1);
  }
}

function isSignificant(token: Token): boolean {
  return token.kind !== "whitespace" && token.kind !== "comment";
}
