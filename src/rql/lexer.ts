/**
 * Hand-written SQL tokenizer following DuckDB/PostgreSQL lexical rules, plus Noctra's
 * `#name` session variables.
 *
 * The scanner walks the input one character at a time and never fails on unknown
 * characters: anything that is not part of another token kind becomes `punctuation`.
 * Only unterminated strings, quoted identifiers, block comments and dollar-quoted
 * strings are errors ({@link UnterminatedTokenError}).
 *
 * Operators: the multi-character operators in {@link MULTI_CHAR_OPERATORS} (for example
 * `::`, `<=`, `->>`) are emitted as one `punctuation` token each (longest match first,
 * and never across the start of a comment); every other punctuation character is a
 * token of its own.
 *
 * @module
 */

/** Kind of a lexical token. */
export type TokenKind =
  | "whitespace"
  | "comment"
  | "word"
  | "quoted_identifier"
  | "string"
  | "dollar_string"
  | "number"
  | "parameter"
  | "variable"
  | "punctuation"
  | "semicolon";

/**
 * One lexical token. Offsets are UTF-16 code units into the tokenized source, so
 * `source.slice(token.start, token.end) === token.text` always holds.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { type Token, tokenize } from "./lexer.ts";
 *
 * const [token]: Token[] = tokenize("'it''s'");
 * deepStrictEqual(token, { kind: "string", text: "'it''s'", value: "it's", start: 0, end: 7, line: 1 });
 * ```
 */
export interface Token {
  /** Lexical category of the token. */
  kind: TokenKind;
  /** Exact source text of the token (a slice of the input). */
  text: string;
  /**
   * Decoded value: for `string`, `quoted_identifier` and `dollar_string` the unescaped
   * content without delimiters; for `variable` the name without `#`; for `parameter`
   * the text without the leading `$` (`$1` → `1`, `$name` → `name`), or `?` as-is; for
   * every other kind the text itself.
   */
  value: string;
  /** Offset (UTF-16 code units) of the first character in the input. */
  start: number;
  /** Offset one past the last character. */
  end: number;
  /**
   * 1-based line number of the first character. Lines end at `\n`, `\r\n` or a lone `\r`,
   * as DuckDB counts them in its `LINE n:` error positions.
   */
  line: number;
}

/** What kind of token was left open when the input ended; see {@link UnterminatedTokenError}. */
export type UnterminatedTokenKind =
  | "string"
  | "quoted identifier"
  | "block comment"
  | "dollar-quoted string";

/**
 * Thrown by {@link tokenize} (and reported by {@link tokenizeLenient}) when the input
 * ends inside a string, quoted identifier, block comment or dollar-quoted string.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { tokenize, UnterminatedTokenError } from "./lexer.ts";
 *
 * throws(() => tokenize("select 1;\nselect 'abc"), (error: unknown) => {
 *   if (!(error instanceof UnterminatedTokenError)) return false;
 *   deepStrictEqual([error.what, error.offset, error.line], ["string", 17, 2]);
 *   return true;
 * });
 * ```
 */
export class UnterminatedTokenError extends Error {
  /** Offset (UTF-16 code units) where the unterminated token starts. */
  readonly offset: number;
  /** 1-based line where the unterminated token starts. */
  readonly line: number;
  /** Kind of the unterminated token. */
  readonly what: UnterminatedTokenKind;

  /**
   * @param what kind of the unterminated token
   * @param offset offset (UTF-16 code units) where it starts
   * @param line 1-based line where it starts
   */
  constructor(what: UnterminatedTokenKind, offset: number, line: number) {
    super(`Unterminated ${what} starting at line ${line}`);
    this.name = "UnterminatedTokenError";
    this.what = what;
    this.offset = offset;
    this.line = line;
  }
}

/**
 * Multi-character operators emitted as a single `punctuation` token, longest first.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MULTI_CHAR_OPERATORS } from "./lexer.ts";
 *
 * deepStrictEqual(MULTI_CHAR_OPERATORS.includes("::"), true);
 * ```
 */
export const MULTI_CHAR_OPERATORS: readonly string[] = [
  "->>",
  "::",
  "->",
  "<=",
  ">=",
  "<>",
  "!=",
  "==",
  "||",
  "=>",
  ":=",
  "**",
  "//",
  "<<",
  ">>",
  "<@",
  "@>",
  "&&",
  "^@",
];

/**
 * Splits `source` into tokens covering the whole input (whitespace and comments
 * included), so concatenating every token's `text` gives back `source`.
 *
 * @param source SQL text
 * @returns tokens in source order
 * @throws {UnterminatedTokenError} when the input ends inside a string, quoted
 *   identifier, block comment or dollar-quoted string
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { tokenize } from "./lexer.ts";
 *
 * const tokens = tokenize("select $1::int; -- done");
 * deepStrictEqual(
 *   tokens.map((t) => [t.kind, t.text]),
 *   [
 *     ["word", "select"],
 *     ["whitespace", " "],
 *     ["parameter", "$1"],
 *     ["punctuation", "::"],
 *     ["word", "int"],
 *     ["semicolon", ";"],
 *     ["whitespace", " "],
 *     ["comment", "-- done"],
 *   ],
 * );
 * ```
 */
export function tokenize(source: string): Token[] {
  const { tokens, unterminated } = tokenizeLenient(source);
  if (unterminated) throw unterminated;
  return tokens;
}

/**
 * Like {@link tokenize}, but without whitespace and comment tokens.
 *
 * @param source SQL text
 * @returns tokens other than `whitespace` and `comment`, in source order
 * @throws {UnterminatedTokenError} as {@link tokenize} does
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { significantTokens } from "./lexer.ts";
 *
 * deepStrictEqual(
 *   significantTokens("select -- note\n  #limit").map((t) => [t.kind, t.value]),
 *   [["word", "select"], ["variable", "limit"]],
 * );
 * ```
 */
export function significantTokens(source: string): Token[] {
  return tokenize(source).filter((t) => t.kind !== "whitespace" && t.kind !== "comment");
}

/**
 * Never-throwing variant of {@link tokenize}: scans until the end of the input or
 * until an unterminated token, whichever comes first.
 *
 * @param source SQL text
 * @returns `tokens`: every complete token before the unterminated one (all tokens
 *   when there is none); `unterminated`: the error {@link tokenize} would throw, or
 *   `null`
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { tokenizeLenient } from "./lexer.ts";
 *
 * const { tokens, unterminated } = tokenizeLenient("select 'a;");
 * deepStrictEqual(tokens.map((t) => t.text), ["select", " "]);
 * deepStrictEqual(unterminated?.what, "string");
 * ```
 */
export function tokenizeLenient(
  source: string,
): { tokens: Token[]; unterminated: UnterminatedTokenError | null } {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  while (pos < source.length) {
    const scanned = scanToken(source, pos);
    if ("unterminated" in scanned) {
      return {
        tokens,
        unterminated: new UnterminatedTokenError(scanned.unterminated, pos, line),
      };
    }
    const text = source.slice(pos, scanned.end);
    tokens.push({
      kind: scanned.kind,
      text,
      value: scanned.value ?? text,
      start: pos,
      end: scanned.end,
      line,
    });
    line += countLineBreaks(source, pos, scanned.end);
    pos = scanned.end;
  }
  return { tokens, unterminated: null };
}

/** Result of scanning one token: its kind, end offset and (when it differs from the text) value. */
type Scanned =
  | { kind: TokenKind; end: number; value?: string }
  | { unterminated: UnterminatedTokenKind };

/** Scans the token starting at `pos` (which must be < source.length). */
function scanToken(source: string, pos: number): Scanned {
  const c = source[pos] ?? "";
  const next = source[pos + 1] ?? "";

  if (isWhitespace(c)) {
    let end = pos + 1;
    while (end < source.length && isWhitespace(source[end] ?? "")) end++;
    return { kind: "whitespace", end };
  }
  if (c === "-" && next === "-") {
    // DuckDB's (PostgreSQL's) scanner ends a line comment at `\n` or `\r`, so a script with
    // CR-only line endings has as many statements for Noctra as for DuckDB.
    let end = pos + 2;
    while (end < source.length && source[end] !== "\n" && source[end] !== "\r") end++;
    return { kind: "comment", end };
  }
  if (c === "/" && next === "*") return scanBlockComment(source, pos);
  if (c === "'") return scanString(source, pos + 1, false);
  if ((c === "E" || c === "e") && next === "'") return scanString(source, pos + 2, true);
  if (c === '"') return scanQuotedIdentifier(source, pos);
  if (c === ";") return { kind: "semicolon", end: pos + 1 };
  if (c === "?") return { kind: "parameter", end: pos + 1 };
  if (c === "$") return scanDollar(source, pos);
  if (c === "#" && isNameStart(next)) {
    const end = scanName(source, pos + 1);
    return { kind: "variable", end, value: source.slice(pos + 1, end) };
  }
  if (isWordStart(c)) {
    let end = pos + 1;
    while (end < source.length && isWordPart(source[end] ?? "")) end++;
    return { kind: "word", end };
  }
  if (isDigit(c) || (c === "." && isDigit(next))) {
    return { kind: "number", end: scanNumber(source, pos) };
  }
  return { kind: "punctuation", end: scanOperator(source, pos) };
}

/** Scans a (nesting) block comment starting at the `/*` at `pos`. */
function scanBlockComment(source: string, pos: number): Scanned {
  let depth = 0;
  let i = pos;
  while (i < source.length) {
    if (source[i] === "/" && source[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (source[i] === "*" && source[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return { kind: "comment", end: i };
    } else {
      i++;
    }
  }
  return { unterminated: "block comment" };
}

/**
 * Scans a string literal whose content starts at `contentStart` (just after the
 * opening quote). `''` is an escaped quote; with `escapes` (E'...' strings) a
 * backslash escapes the next character: `\n`, `\t`, `\r` become control characters,
 * any other escaped character (such as `'` or `\`) stands for itself.
 */
function scanString(source: string, contentStart: number, escapes: boolean): Scanned {
  let value = "";
  let i = contentStart;
  while (i < source.length) {
    const c = source[i] ?? "";
    if (c === "'") {
      if (source[i + 1] !== "'") return { kind: "string", end: i + 1, value };
      value += "'";
      i += 2;
    } else if (escapes && c === "\\" && i + 1 < source.length) {
      const escaped = source[i + 1] ?? "";
      value += BACKSLASH_ESCAPES[escaped] ?? escaped;
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  return { unterminated: "string" };
}

/** Backslash escapes in E'...' strings that do not simply stand for the escaped character. */
const BACKSLASH_ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r" };

/** Scans a `"..."` quoted identifier (with `""` escapes) starting at `pos`. */
function scanQuotedIdentifier(source: string, pos: number): Scanned {
  let value = "";
  let i = pos + 1;
  while (i < source.length) {
    const c = source[i] ?? "";
    if (c === '"') {
      if (source[i + 1] !== '"') return { kind: "quoted_identifier", end: i + 1, value };
      value += '"';
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  return { unterminated: "quoted identifier" };
}

/**
 * Scans at a `$`: a dollar-quoted string (`$$...$$`, `$tag$...$tag$`), else a
 * parameter (`$1`, `$name`), else a lone `$` punctuation token.
 */
function scanDollar(source: string, pos: number): Scanned {
  const tagEnd = source[pos + 1] === "$"
    ? pos + 1
    : isNameStart(source[pos + 1] ?? "")
    ? scanName(source, pos + 1)
    : -1;
  if (tagEnd !== -1 && source[tagEnd] === "$") {
    const delimiter = source.slice(pos, tagEnd + 1);
    const contentStart = tagEnd + 1;
    const close = source.indexOf(delimiter, contentStart);
    if (close === -1) return { unterminated: "dollar-quoted string" };
    return {
      kind: "dollar_string",
      end: close + delimiter.length,
      value: source.slice(contentStart, close),
    };
  }
  if (tagEnd !== -1) {
    return { kind: "parameter", end: tagEnd, value: source.slice(pos + 1, tagEnd) };
  }
  if (isDigit(source[pos + 1] ?? "")) {
    let end = pos + 1;
    while (isDigit(source[end] ?? "")) end++;
    return { kind: "parameter", end, value: source.slice(pos + 1, end) };
  }
  return { kind: "punctuation", end: pos + 1 };
}

/**
 * Scans a numeric literal at `pos`: digits (single `_` allowed between digits), an
 * optional `.` fraction (also `.5` and `1.`), and an optional exponent `e[+-]digits`.
 * Returns the end offset.
 */
function scanNumber(source: string, pos: number): number {
  let i = scanDigits(source, pos);
  if (source[i] === "." && source[i + 1] !== ".") i = scanDigits(source, i + 1);
  if (source[i] === "e" || source[i] === "E") {
    const sign = source[i + 1] === "+" || source[i + 1] === "-" ? 1 : 0;
    if (isDigit(source[i + 1 + sign] ?? "")) i = scanDigits(source, i + 1 + sign);
  }
  return i;
}

/** Scans a (possibly empty) run of digits with single underscores between digits; returns its end. */
function scanDigits(source: string, pos: number): number {
  let i = pos;
  while (
    isDigit(source[i] ?? "") || (source[i] === "_" && i > pos && isDigit(source[i + 1] ?? ""))
  ) i++;
  return i;
}

/** Scans an ASCII name `[A-Za-z_][A-Za-z0-9_]*` whose first character is at `pos`; returns its end. */
function scanName(source: string, pos: number): number {
  let i = pos + 1;
  while (isNameStart(source[i] ?? "") || isDigit(source[i] ?? "")) i++;
  return i;
}

/** Returns the end of the punctuation token at `pos`: a multi-character operator or one character. */
function scanOperator(source: string, pos: number): number {
  for (const operator of MULTI_CHAR_OPERATORS) {
    if (!source.startsWith(operator, pos)) continue;
    let containsCommentStart = false;
    for (let i = pos + 1; i < pos + operator.length; i++) {
      const pair = source.slice(i, i + 2);
      if (pair === "--" || pair === "/*") containsCommentStart = true;
    }
    if (!containsCommentStart) return pos + operator.length;
  }
  return pos + 1;
}

/**
 * Line breaks in `source` between `start` and `end`: each `\n`, `\r\n` or lone `\r` counts
 * once (a `\n` right after a `\r` belongs to that `\r`, even across a token boundary).
 */
function countLineBreaks(source: string, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++) {
    const c = source.charCodeAt(i);
    if (c === 13 || (c === 10 && source.charCodeAt(i - 1) !== 13)) count++;
  }
  return count;
}

function isWhitespace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9" && c.length === 1;
}

/** ASCII name start: `[A-Za-z_]`. */
function isNameStart(c: string): boolean {
  return c.length === 1 && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_");
}

/** Identifier start: `[A-Za-z_\u0080-\uFFFF]`. */
function isWordStart(c: string): boolean {
  return isNameStart(c) || (c.length === 1 && c >= "\u0080");
}

/** Identifier continuation: `[A-Za-z0-9_$\u0080-\uFFFF]`. */
function isWordPart(c: string): boolean {
  return isWordStart(c) || isDigit(c) || c === "$";
}
