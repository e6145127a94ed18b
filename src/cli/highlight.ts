/**
 * Syntax highlighting of the statement being typed, from Noctra's own lexer
 * (`tokenizeLenient`, src/rql/lexer.ts): what is coloured as a string, a comment or a
 * `#variable` is exactly what Noctra will read as one. Colours follow the DuckDB CLI's: keywords
 * green, strings red, numbers yellow, comments grey; `#variables` magenta; text after an opening
 * quote, `/*` or `$$` that is never closed is bold red (grey for a comment), to the end of the
 * input, so a missing quote shows at once.
 *
 * @module
 */
import { tokenizeLenient } from "../rql/lexer.ts";
import type { StyledSpan } from "./line_editor/render.ts";

/** SGR parameters of each highlighted kind of text. */
export const HIGHLIGHT_STYLES = {
  keyword: "32",
  string: "31",
  number: "33",
  comment: "90",
  variable: "35",
  unterminated: "1;31",
} as const;

/**
 * Words coloured as keywords until the engine's own list (DuckDB's `duckdb_keywords()`, with
 * RQL's words) arrives: the commonest, so that the first statement typed is coloured too.
 */
export const BASIC_KEYWORDS: ReadonlySet<string> = new Set(
  (
    "SELECT FROM WHERE GROUP BY ORDER HAVING LIMIT OFFSET JOIN LEFT RIGHT INNER OUTER FULL CROSS ON " +
    "USING AS AND OR NOT IN IS NULL LIKE ILIKE BETWEEN CASE WHEN THEN ELSE END WITH UNION ALL " +
    "DISTINCT INSERT INTO VALUES UPDATE SET DELETE CREATE TABLE VIEW DROP ALTER COPY TO DESCRIBE " +
    "SHOW USE ATTACH DETACH EXPORT LET UNSET TRUE FALSE ASC DESC EXPLAIN SUMMARIZE PIVOT UNPIVOT"
  ).split(" "),
);

/**
 * The styled spans of `text`: keywords (words whose upper case is in `keywords`), strings,
 * numbers, comments, `#variables`, and an unterminated token with everything after it. Spans
 * are in order, do not overlap, and leave plain text out.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { BASIC_KEYWORDS, highlightSql } from "./highlight.ts";
 *
 * deepStrictEqual(highlightSql("select 'a' -- x", BASIC_KEYWORDS), [
 *   { start: 0, end: 6, sgr: "32" },
 *   { start: 7, end: 10, sgr: "31" },
 *   { start: 11, end: 15, sgr: "90" },
 * ]);
 * ```
 */
export function highlightSql(text: string, keywords: ReadonlySet<string>): StyledSpan[] {
  const { tokens, unterminated } = tokenizeLenient(text);
  const spans: StyledSpan[] = [];
  for (const token of tokens) {
    const sgr = styleOf(token.kind, token.value, keywords);
    if (sgr !== undefined) spans.push({ start: token.start, end: token.end, sgr });
  }
  if (unterminated !== null) {
    spans.push({
      start: unterminated.offset,
      end: text.length,
      sgr: unterminated.what === "block comment"
        ? HIGHLIGHT_STYLES.comment
        : HIGHLIGHT_STYLES.unterminated,
    });
  }
  return spans;
}

function styleOf(kind: string, value: string, keywords: ReadonlySet<string>): string | undefined {
  switch (kind) {
    case "word":
      return keywords.has(value.toUpperCase()) ? HIGHLIGHT_STYLES.keyword : undefined;
    case "string":
    case "dollar_string":
      return HIGHLIGHT_STYLES.string;
    case "number":
      return HIGHLIGHT_STYLES.number;
    case "comment":
      return HIGHLIGHT_STYLES.comment;
    case "variable":
      return HIGHLIGHT_STYLES.variable;
    default:
      return undefined;
  }
}
