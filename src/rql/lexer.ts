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
 * This module holds the entry points ({@link tokenize}, {@link significantTokens},
 * {@link tokenizeLenient}); the token types and errors are in `./tokens.ts`, the scanning rules
 * in `./scanner.ts`.
 *
 * @module
 */
import { countLineBreaks, replacedUnicodeSpaces, type Scanner, scanToken } from "./scanner.ts";
import { type Token, type TokenKind, UnterminatedTokenError } from "./tokens.ts";

export {
  MULTI_CHAR_OPERATORS,
  SqlTextError,
  type Token,
  type TokenKind,
  UnterminatedTokenError,
  type UnterminatedTokenKind,
} from "./tokens.ts";
export { replacedUnicodeSpaces } from "./scanner.ts";
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
