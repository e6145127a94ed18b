/**
 * The tokens of Noctra's SQL lexer (`./lexer.ts`): their kinds and shape, the errors for text
 * that ends inside a token, and the multi-character operators read as one token.
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
 * import { MULTI_CHAR_OPERATORS } from "./tokens.ts";
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
