/**
 * Hand-written SQL tokenizer that reads SQL text as DuckDB 1.5's parser does, plus Noctra's
 * `#name` session variables.
 *
 * Noctra's checks and DuckDB must see the same statements and tokens, so the scanner follows
 * DuckDB's pipeline rather than PostgreSQL's documentation:
 *
 * 1. DuckDB receives SQL as a C string: a NUL character ends the text. Everything from the
 *    first NUL on is one `comment` token here, and DuckDB never sees it.
 * 2. Before lexing, DuckDB replaces some Unicode spaces (U+00A0, U+2000–U+200B, U+202F,
 *    U+205F, U+2060, U+3000, U+FEFF) by ASCII spaces, but only where its own quick pre-pass
 *    believes it is outside quotes, dollar quotes, dollar-quote tags and `--` comments (that
 *    pre-pass knows nothing of block comments or E'…' escapes, and skips the last two bytes of
 *    the UTF-8 text). The scanner repeats that pre-pass byte for byte: such a space is
 *    whitespace where DuckDB replaces it and an identifier character elsewhere, as in DuckDB.
 * 3. The flex rules of DuckDB's `scan.l`: whitespace is space, tab, LF, CR, form feed (and
 *    vertical tab, which DuckDB trims off statements or rejects); `--` comments end at LF or
 *    CR; block comments nest; identifiers are `[A-Za-z_\x80-]` then also digits and `$`;
 *    string literals continue across a line break (`'a'\n'b'` is one string, and an E'…'
 *    string keeps its backslash escapes in the continuation); dollar-quote tags may hold
 *    non-ASCII letters; `$e'…'` is `$` followed by an E'…' string.
 *
 * The scanner never fails on unknown characters: anything that is not part of another token
 * kind becomes `punctuation`. Only unterminated strings, quoted identifiers, block comments
 * and dollar-quoted strings are errors ({@link UnterminatedTokenError}).
 *
 * Operators: the multi-character operators in {@link MULTI_CHAR_OPERATORS} (for example
 * `::`, `<=`, `->>`) are emitted as one `punctuation` token each (longest match first,
 * and never across the start of a comment); every other punctuation character is a
 * token of its own.
 *
 * Longer than the project's ~500-line guideline: it is due to be split along its ideas (one
 * module per idea) in the architecture work.
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
 * Base of the errors about SQL text that Noctra refuses to split or run: where it starts
 * (offset and line) and why (the message).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { SqlTextError, tokenize } from "./lexer.ts";
 *
 * try {
 *   tokenize("select 'abc");
 * } catch (error) {
 *   deepStrictEqual(error instanceof SqlTextError ? error.line : 0, 1);
 * }
 * ```
 */
export class SqlTextError extends Error {
  /** Offset (UTF-16 code units) where the offending text starts. */
  readonly offset: number;
  /** 1-based line where the offending text starts. */
  readonly line: number;

  /**
   * @param message what is wrong, naming the line
   * @param offset offset (UTF-16 code units) where the offending text starts
   * @param line 1-based line where it starts
   */
  constructor(message: string, offset: number, line: number) {
    super(message);
    this.name = "SqlTextError";
    this.offset = offset;
    this.line = line;
  }
}

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
export class UnterminatedTokenError extends SqlTextError {
  /** Kind of the unterminated token. */
  readonly what: UnterminatedTokenKind;

  /**
   * @param what kind of the unterminated token
   * @param offset offset (UTF-16 code units) where it starts
   * @param line 1-based line where it starts
   */
  constructor(what: UnterminatedTokenKind, offset: number, line: number) {
    super(`Unterminated ${what} starting at line ${line}`, offset, line);
    this.name = "UnterminatedTokenError";
    this.what = what;
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
  const nul = source.indexOf("\0");
  const text = nul === -1 ? source : source.slice(0, nul);
  const scanner: Scanner = { text, replaced: replacedUnicodeSpaces(text) };
  let pos = 0;
  let line = 1;
  const push = (kind: TokenKind, end: number, value?: string) => {
    const tokenText = source.slice(pos, end);
    tokens.push({ kind, text: tokenText, value: value ?? tokenText, start: pos, end, line });
    line += countLineBreaks(source, pos, end);
    pos = end;
  };
  while (pos < text.length) {
    const scanned = scanToken(scanner, pos);
    if ("unterminated" in scanned) {
      return {
        tokens,
        unterminated: new UnterminatedTokenError(scanned.unterminated, pos, line),
      };
    }
    push(scanned.kind, scanned.end, scanned.value);
  }
  // DuckDB reads SQL as a C string and never sees what follows a NUL: to Noctra it is a comment.
  if (nul !== -1) push("comment", source.length);
  return { tokens, unterminated: null };
}

/**
 * Offsets (UTF-16 code units) of the Unicode spaces DuckDB 1.5 replaces by ASCII spaces
 * before lexing `text`, or `null` when there are none. Follows DuckDB's
 * `Parser::StripUnicodeSpaces` over the UTF-8 bytes of `text`, including its approximations
 * (quotes and dollar quotes tracked without E'…' escapes or block comments, the last two bytes
 * never inspected), so that what DuckDB treats as a space is a space here too.
 *
 * @param text SQL text without NUL characters
 * @returns offsets, or `null`
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { replacedUnicodeSpaces } from "./lexer.ts";
 *
 * deepStrictEqual(replacedUnicodeSpaces("select\u00a01 x"), new Set([6]));
 * // Inside quotes, and in the last two bytes, DuckDB keeps the character as it is.
 * deepStrictEqual(replacedUnicodeSpaces("select '\u00a0' x"), null);
 * deepStrictEqual(replacedUnicodeSpaces("select 1 x\u00a0"), null);
 * ```
 */
export function replacedUnicodeSpaces(text: string): Set<number> | null {
  if (!UNICODE_SPACE.test(text)) return null;
  const q = new TextEncoder().encode(text);
  const n = q.length;
  const found: number[] = []; // byte offsets, ascending
  let pos = 0;
  let state: "regular" | "quotes" | "dollar" | "comment" = "regular";
  let quote = 0;
  let tag = q.subarray(0, 0);
  scan: while (true) {
    if (state === "regular") {
      for (; pos + 2 < n; pos++) {
        const b = q[pos], b1 = q[pos + 1] ?? 0, b2 = q[pos + 2] ?? 0;
        if (b === 0xc2 && b1 === 0xa0) found.push(pos);
        if (b === 0xe2) {
          if (b1 === 0x80 && ((b2 >= 0x80 && b2 <= 0x8b) || b2 === 0xaf)) found.push(pos);
          else if (b1 === 0x81 && (b2 === 0x9f || b2 === 0xa0)) found.push(pos);
        } else if (b === 0xe3) {
          if (b1 === 0x80 && b2 === 0x80) found.push(pos);
        } else if (b === 0xef) {
          if (b1 === 0xbb && b2 === 0xbf) found.push(pos);
        } else if (b === 0x22 || b === 0x27) {
          quote = b;
          pos++;
          state = "quotes";
          continue scan;
        } else if (b === 0x24 && (b1 === 0x24 || isTagByte(b1, false))) {
          const start = ++pos;
          for (; pos + 2 < n; pos++) {
            if (q[pos] === 0x24) {
              tag = q.subarray(start, pos);
              state = "dollar";
              continue scan;
            }
            if (!isTagByte(q[pos] ?? 0, true)) continue scan; // back to "regular" at this byte
          }
          break scan;
        } else if (b === 0x2d && b1 === 0x2d) {
          state = "comment";
          continue scan;
        }
      }
      break scan;
    } else if (state === "quotes") {
      for (; pos + 1 < n; pos++) {
        if (q[pos] !== quote) continue;
        if (q[pos + 1] === quote) {
          pos++;
          continue;
        }
        pos++;
        state = "regular";
        continue scan;
      }
      break scan;
    } else if (state === "dollar") {
      for (; pos + 2 < n; pos++) {
        if (q[pos] !== 0x24 || n - (pos + 1) < tag.length + 1) continue;
        if (q[pos + tag.length + 1] !== 0x24) continue;
        if (!tag.every((byte, i) => q[pos + 1 + i] === byte)) continue;
        pos += tag.length + 1;
        state = "regular";
        continue scan;
      }
      break scan;
    } else {
      for (; pos < n; pos++) {
        if (q[pos] === 0x0a || q[pos] === 0x0d) {
          state = "regular";
          continue scan;
        }
      }
      break scan;
    }
  }
  if (found.length === 0) return null;
  // Map byte offsets back to UTF-16 offsets (a lone surrogate is encoded as 3 bytes, U+FFFD).
  const offsets = new Set<number>();
  let byte = 0;
  let next = 0;
  for (let i = 0; i < text.length && next < found.length; i++) {
    if (byte === found[next]) {
      offsets.add(i);
      next++;
    }
    const c = text.charCodeAt(i);
    if (c < 0x80) byte += 1;
    else if (c < 0x800) byte += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      byte += 4;
      i++;
    } else byte += 3;
  }
  return offsets;
}

/** The characters DuckDB's pre-pass replaces (a quick test before the byte walk). */
const UNICODE_SPACE = /[\u00a0\u2000-\u200b\u202f\u205f\u2060\u3000\ufeff]/;

/** A dollar-quote tag byte as DuckDB's pre-pass sees it: `[A-Za-z_\x80-\xff]`, digits after the first. */
function isTagByte(b: number, subsequent: boolean): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b >= 0x80 ||
    (subsequent && b >= 0x30 && b <= 0x39);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The text being scanned (up to the first NUL) and the offsets DuckDB reads as spaces. */
interface Scanner {
  readonly text: string;
  readonly replaced: Set<number> | null;
}

/** Result of scanning one token: its kind, end offset and (when it differs from the text) value. */
type Scanned =
  | { kind: TokenKind; end: number; value?: string }
  | { unterminated: UnterminatedTokenKind };

/** Scans the token starting at `pos` (which must be < s.text.length). */
function scanToken(s: Scanner, pos: number): Scanned {
  const source = s.text;
  const c = source[pos] ?? "";
  const next = source[pos + 1] ?? "";

  if (isSpace(s, pos)) {
    let end = pos + 1;
    while (isSpace(s, end)) end++;
    return { kind: "whitespace", end };
  }
  if (c === "-" && next === "-") return { kind: "comment", end: lineCommentEnd(source, pos) };
  if (c === "/" && next === "*") return scanBlockComment(source, pos);
  if (c === "'") return scanString(s, pos + 1, false);
  if (isEStringStart(source, pos)) return scanString(s, pos + 2, true);
  if (c === '"') return scanQuotedIdentifier(s, pos);
  if (c === ";") return { kind: "semicolon", end: pos + 1 };
  if (c === "?") return { kind: "parameter", end: pos + 1 };
  if (c === "$") return scanDollar(s, pos);
  if (c === "#") return scanHash(s, pos);
  if (isIdentStart(s, pos)) return { kind: "word", end: identifierEnd(s, pos) };
  if (isDigit(c) || (c === "." && isDigit(next))) {
    return { kind: "number", end: scanNumber(source, pos) };
  }
  return { kind: "punctuation", end: scanOperator(source, pos) };
}

/** End of the `--` comment at `pos`: DuckDB's scanner ends it at `\n` or `\r`. */
function lineCommentEnd(source: string, pos: number): number {
  let end = pos + 2;
  while (end < source.length && source[end] !== "\n" && source[end] !== "\r") end++;
  return end;
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
 * any other escaped character (such as `'` or `\`) stands for itself. As in DuckDB, a
 * closing quote followed by whitespace holding a line break and another quote continues the
 * same literal (and an E'…' literal keeps its escapes there).
 */
function scanString(s: Scanner, contentStart: number, escapes: boolean): Scanned {
  const source = s.text;
  let value = "";
  let i = contentStart;
  while (i < source.length) {
    const c = source[i] ?? "";
    if (c === "'") {
      if (source[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      const continued = continuationEnd(s, i + 1);
      if (continued === -1) return { kind: "string", end: i + 1, value };
      i = continued;
    } else if (escapes && c === "\\" && i + 1 < source.length) {
      const escaped = source[i + 1] ?? "";
      value += BACKSLASH_ESCAPES[escaped] ?? escaped;
      i += 2;
    } else {
      value += s.replaced?.has(i) ? " " : c;
      i++;
    }
  }
  return { unterminated: "string" };
}

/**
 * DuckDB's `quotecontinue`: after a closing quote at `pos - 1`, horizontal whitespace or a
 * `--` comment, a line break, then whitespace or comments each ending in a line break, and a
 * quote. Returns the offset just after that quote, or -1 when the literal ends here.
 */
function continuationEnd(s: Scanner, pos: number): number {
  const source = s.text;
  let i = pos;
  let newline = false;
  while (i < source.length) {
    const c = source[i];
    if (c === "\n" || c === "\r") {
      newline = true;
      i++;
    } else if (c === " " || c === "\t" || c === "\f" || s.replaced?.has(i)) {
      i++;
    } else if (c === "-" && source[i + 1] === "-") {
      const end = lineCommentEnd(source, i);
      if (newline && end === source.length) return -1; // after the break, a comment needs one too
      i = end;
    } else {
      break;
    }
  }
  return newline && source[i] === "'" ? i + 1 : -1;
}

/** Backslash escapes in E'...' strings that do not simply stand for the escaped character. */
const BACKSLASH_ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r" };

/** Scans a `"..."` quoted identifier (with `""` escapes) starting at `pos`. */
function scanQuotedIdentifier(s: Scanner, pos: number): Scanned {
  const source = s.text;
  let value = "";
  let i = pos + 1;
  while (i < source.length) {
    const c = source[i] ?? "";
    if (c === '"') {
      if (source[i + 1] !== '"') return { kind: "quoted_identifier", end: i + 1, value };
      value += '"';
      i += 2;
    } else {
      value += s.replaced?.has(i) ? " " : c;
      i++;
    }
  }
  return { unterminated: "quoted identifier" };
}

/**
 * Scans at a `$`: a dollar-quoted string (`$$...$$`, `$tag$...$tag$`, tags of letters, digits,
 * `_` and non-ASCII characters as in DuckDB), else a parameter (`$1`, `$name`), else a lone `$`
 * punctuation token (also before an E'…' string: DuckDB reads `$e'…'` as `$` and a string).
 */
function scanDollar(s: Scanner, pos: number): Scanned {
  const source = s.text;
  let tagEnd = -1;
  if (source[pos + 1] === "$") tagEnd = pos + 1;
  else if (isIdentStart(s, pos + 1)) {
    tagEnd = pos + 2;
    while (isIdentStart(s, tagEnd) || isDigit(source[tagEnd] ?? "")) tagEnd++;
  }
  if (tagEnd !== -1 && source[tagEnd] === "$") {
    const delimiter = source.slice(pos, tagEnd + 1);
    const contentStart = tagEnd + 1;
    let close = source.indexOf(delimiter, contentStart);
    // A character DuckDB reads as a space cannot belong to a closing tag.
    while (close !== -1 && hasReplaced(s, close, close + delimiter.length)) {
      close = source.indexOf(delimiter, close + 1);
    }
    if (close === -1) return { unterminated: "dollar-quoted string" };
    return {
      kind: "dollar_string",
      end: close + delimiter.length,
      value: withSpaces(s, contentStart, close),
    };
  }
  if (isEStringStart(source, pos + 1)) return { kind: "punctuation", end: pos + 1 };
  if (tagEnd !== -1) {
    return { kind: "parameter", end: tagEnd, value: source.slice(pos + 1, tagEnd) };
  }
  if (isDigit(source[pos + 1] ?? "")) {
    const end = scanDigits(source, pos + 1);
    return { kind: "parameter", end, value: source.slice(pos + 1, end) };
  }
  return { kind: "punctuation", end: pos + 1 };
}

/**
 * Scans at a `#`: a Noctra variable when DuckDB would read the `#` followed by an identifier
 * that is a plain ASCII name (`[A-Za-z_][A-Za-z0-9_]*`); otherwise (`#1`, `#a$b`, `#é`,
 * `#e'…'`) a lone `#` punctuation token, as DuckDB reads it.
 */
function scanHash(s: Scanner, pos: number): Scanned {
  if (!isIdentStart(s, pos + 1) || isEStringStart(s.text, pos + 1)) {
    return { kind: "punctuation", end: pos + 1 };
  }
  const end = identifierEnd(s, pos + 1);
  const name = s.text.slice(pos + 1, end);
  if (!VARIABLE_NAME.test(name)) return { kind: "punctuation", end: pos + 1 };
  return { kind: "variable", end, value: name };
}

/** What a variable's name may be: an ASCII SQL name. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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

/** End of the identifier whose first character is at `pos`: identifier characters, digits, `$`. */
function identifierEnd(s: Scanner, pos: number): number {
  let i = pos + 1;
  while (isIdentStart(s, i) || isDigit(s.text[i] ?? "") || s.text[i] === "$") i++;
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

/** `source.slice(start, end)` with the characters DuckDB reads as spaces written as spaces. */
function withSpaces(s: Scanner, start: number, end: number): string {
  if (!hasReplaced(s, start, end)) return s.text.slice(start, end);
  let out = "";
  for (let i = start; i < end; i++) out += s.replaced?.has(i) ? " " : s.text[i];
  return out;
}

function hasReplaced(s: Scanner, start: number, end: number): boolean {
  if (s.replaced === null) return false;
  for (let i = start; i < end; i++) if (s.replaced.has(i)) return true;
  return false;
}

/**
 * Whitespace as DuckDB reads it: space, tab, LF, CR, form feed, the Unicode spaces its
 * pre-pass replaces, and vertical tab (DuckDB trims it off the ends of statements and rejects
 * it elsewhere, so it never separates anything DuckDB runs).
 */
function isSpace(s: Scanner, i: number): boolean {
  const c = s.text.charCodeAt(i);
  return c === 32 || (c >= 9 && c <= 13) || (c >= 0x80 && s.replaced?.has(i) === true);
}

/** `E'` or `e'` at `pos`: the start of a string with backslash escapes. */
function isEStringStart(source: string, pos: number): boolean {
  return (source[pos] === "E" || source[pos] === "e") && source[pos + 1] === "'";
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9" && c.length === 1;
}

/** Identifier start as DuckDB reads it: `[A-Za-z_]` or any non-ASCII character it does not read as a space. */
function isIdentStart(s: Scanner, i: number): boolean {
  const c = s.text.charCodeAt(i);
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ||
    (c >= 0x80 && s.replaced?.has(i) !== true);
}
