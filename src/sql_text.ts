/**
 * Quoting of identifiers and literals for the few SQL texts Noctra writes itself (view
 * definitions, where DuckDB cannot bind parameters). User values travel as parameters instead.
 *
 * @module
 */

/** Quotes an identifier for DuckDB/SQLite: `my "x"` → `"my ""x"""`. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal: `it's` → `'it''s'`. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
