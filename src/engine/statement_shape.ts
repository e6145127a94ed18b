/**
 * What a statement's tokens tell the router before DuckDB's parser is asked: whether it can name
 * a file at all, and whether it starts like a query. With no SQLite attachment, a statement that
 * names no file needs no parse tree (a round trip of ~0.8 ms): nothing in it is checked or
 * bridged, and the thread policy has no path to weigh.
 *
 * @module
 */
import { FILE_READING_FUNCTIONS, type StatementRelations } from "./relations.ts";
import { significantTokens } from "../rql/lexer.ts";

/** What a query that names no file reads, as far as the sandbox and the thread policy care. */
export const NO_RELATIONS: StatementRelations = { tables: [], tableFunctions: [] };

/**
 * True when `sql` can name no file, so DuckDB's parse tree (whose file list drives Noctra's
 * checks and the thread policy) is not needed: it calls no file-reading table function, and
 * none of its string literals, dollar-quoted strings or quoted identifiers looks like a path
 * (replacement scans such as `FROM 'a.csv'` or `FROM "data/x"` need a `.`, a `/`, a `\`, a
 * `~` or a glob character). `'WA'` or `"Species"` names no file. False when it does, or does
 * not lex. A shortcut for speed only: the kernel and DuckDB still confine whatever runs.
 */
export function namesNoFile(sql: string): boolean {
  try {
    return !significantTokens(sql).some((token) =>
      (token.kind === "word" && FILE_READING_FUNCTIONS.has(token.value.toLowerCase())) ||
      ((token.kind === "string" || token.kind === "dollar_string" ||
        token.kind === "quoted_identifier") && /[./\\~*?[]/.test(token.value))
    );
  } catch {
    return false;
  }
}

/** Keywords a query starts with (DuckDB's SELECT forms). */
const QUERY_STARTS = new Set([
  "SELECT",
  "WITH",
  "FROM",
  "VALUES",
  "TABLE",
  "SUMMARIZE",
  "DESCRIBE",
  "SHOW",
  "PIVOT",
  "UNPIVOT",
  "(",
]);

/** True when `sql` starts like a query; the prepared statement's type decides in the end. */
export function startsLikeQuery(sql: string): boolean {
  try {
    const first = significantTokens(sql)[0];
    return first !== undefined && QUERY_STARTS.has(first.text.toUpperCase());
  } catch {
    return false;
  }
}
