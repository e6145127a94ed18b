/**
 * The scanning rules of Noctra's SQL lexer (`./lexer.ts`), one function per token kind, as
 * DuckDB 1.5's `scan.l` reads SQL text, and DuckDB's Unicode-space pre-pass
 * ({@link replacedUnicodeSpaces}). See `./lexer.ts` for the rules and their sources.
 *
 * @module
 */
import { MULTI_CHAR_OPERATORS, type TokenKind, type UnterminatedTokenKind } from "./tokens.ts";
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
 * import { replacedUnicodeSpaces } from "./scanner.ts";
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
export interface Scanner {
  readonly text: string;
  readonly replaced: Set<number> | null;
}

/** Result of scanning one token: its kind, end offset and (when it differs from the text) value. */
export type Scanned =
  | { kind: TokenKind; end: number; value?: string }
  | { unterminated: UnterminatedTokenKind };

/** Scans the token starting at `pos` (which must be < s.text.length). */
export function scanToken(s: Scanner, pos: number): Scanned {
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
export function countLineBreaks(source: string, start: number, end: number): number {
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
