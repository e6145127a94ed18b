/**
 * `.dump [--newlines] [PATTERN…]`, as the DuckDB CLI's: the session's own DuckDB database as SQL
 * that rebuilds it — `BEGIN TRANSACTION;`, `CREATE SCHEMA` for the schemas of the tables dumped,
 * each table's CREATE statement followed by one `INSERT INTO schema.table VALUES(…);` a row,
 * then the views' and indexes' CREATE statements, `COMMIT;`. PATTERNs are LIKE patterns (`\`
 * escapes) matched against the names of tables, views and indexes.
 *
 * Values are written as DuckDB's CLI writes them: DuckDB's own text of each value (a cast to
 * VARCHAR), bare for numbers, otherwise a string literal with `'` doubled, and line breaks (LF,
 * CR, NUL) spliced in as `chr(10)` inside `concat(…)` unless `--newlines`. Identifiers are quoted
 * only where DuckDB needs it (not a plain name, or a keyword). Compared byte for byte with the
 * DuckDB CLI 1.5.5 (tests/dot_commands_test.ts), Noctra differs in two places only, where
 * DuckDB's output is wrong: a CREATE statement ends in one `;` (DuckDB writes `;;`), and
 * infinite or NaN floats are string literals (`'inf'`; DuckDB writes a bare `inf`, which does not
 * read back).
 *
 * SQLite attachments are not dumped (use `sqlite3 FILE .dump`), nor are sequences, macros and
 * types (as in DuckDB).
 *
 * @module
 */
import { type Cell, iterateRows } from "../engine/result.ts";
import { quoteIdentifier } from "../sql_text.ts";
import { commandWords, likePattern } from "./meta_words.ts";
import type { MetaContext, MetaResult } from "./meta_types.ts";

/** DuckDB's numeric types (`LogicalType::IsNumeric`): their values are written bare. */
const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/;

/** Text written per call to the printer while rows are dumped. */
const WRITE_BATCH = 64 * 1024;

async function rowsOf(context: MetaContext, statement: string): Promise<Cell[][]> {
  const result = await context.execute(statement);
  if (result.kind !== "rows") return [];
  return await Array.fromAsync(iterateRows(result));
}

/**
 * `name` as DuckDB's `SQLIdentifier` writes it: bare when it is a plain name
 * (`[A-Za-z_][A-Za-z0-9_]*`) and not one of `keywords` (lower case), else in double quotes.
 */
export function sqlIdentifier(name: string, keywords: ReadonlySet<string>): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !keywords.has(name.toLowerCase())
    ? name
    : quoteIdentifier(name);
}

/**
 * One value of an INSERT as `.dump` writes it: `text` is DuckDB's VARCHAR text of the value
 * (null for NULL); `numeric` tells a number (written bare, but `inf`/`nan` quoted so that it
 * reads back); other values are string literals, `'` doubled, LF/CR/NUL as `chr(n)` inside
 * `concat(…)` unless `newlines` (then written as they are).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { sqlValue } from "./meta_dump.ts";
 *
 * strictEqual(sqlValue("O'Brien", false, false), "'O''Brien'");
 * strictEqual(sqlValue("a\nb", false, false), "concat('a', chr(10), 'b')");
 * strictEqual(sqlValue("1.5", true, false), "1.5");
 * strictEqual(sqlValue(null, true, false), "NULL");
 * ```
 */
export function sqlValue(text: string | null, numeric: boolean, newlines: boolean): string {
  if (text === null) return "NULL";
  if (numeric) return /^-?(inf|nan)$/i.test(text) ? `'${text}'` : text;
  if (newlines) return `'${text.replaceAll("'", "''")}'`;
  const concat = /[\n\r\0]/.test(text);
  let out = concat ? "concat('" : "'";
  for (const char of text) {
    if (char === "\n") out += "', chr(10), '";
    else if (char === "\r") out += "', chr(13), '";
    else if (char === "\0") out += "', chr(0), '";
    else if (char === "'") out += "''";
    else out += char;
  }
  return out + (concat ? "')" : "'");
}

/** A CREATE statement as one line ending in one `;` (on a line of its own after a `--`). */
function statementLine(sql: string): string {
  const bare = sql.trim().replace(/;$/, "");
  return bare.includes("--") ? `${bare}\n;\n` : `${bare};\n`;
}

/** A table of the dump: where it lives, its CREATE statement and its columns. */
interface DumpTable {
  readonly schema: string;
  readonly name: string;
  readonly sql: string;
  readonly columns: { readonly name: string; readonly numeric: boolean }[];
}

/**
 * Runs `.dump` (typed as `word` with `argument`), writing to the printer's output as it goes.
 * Returns `done`, or an `error` for an unknown option. Throws what a statement throws (after
 * writing `ROLLBACK; -- due to errors`, as DuckDB ends a failed dump).
 */
export async function dumpDatabase(
  word: string,
  argument: string,
  context: MetaContext,
): Promise<MetaResult> {
  const patterns: RegExp[] = [];
  let newlines = false;
  for (const text of commandWords(word, argument)) {
    if (!text.startsWith("-")) patterns.push(likePattern(text, "\\"));
    else if (text.replace(/^--?/, "") === "newlines") newlines = true;
    else return { kind: "error", text: `${word}: unknown option ${text}; it takes --newlines` };
  }
  const matches = (name: Cell) =>
    patterns.length === 0 || patterns.some((pattern) => pattern.test(String(name)));
  const printer = context.printer;
  await printer.write("BEGIN TRANSACTION;\n");
  try {
    const keywords = new Set(
      (await rowsOf(context, "SELECT keyword_name FROM duckdb_keywords()"))
        .map(([keyword]) => String(keyword).toLowerCase()),
    );
    const ident = (name: string) => sqlIdentifier(name, keywords);
    const tables = await dumpTables(context, matches);
    const schemas = [...new Set(tables.map((table) => table.schema))]
      .filter((schema) =>
        schema !== "main" && !schema.startsWith("pg_") && schema !== "information_schema"
      )
      .sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
    let text = schemas.map((schema) => `CREATE SCHEMA IF NOT EXISTS ${ident(schema)};\n`).join("");
    for (const table of tables) {
      text += statementLine(table.sql);
      const target = `${ident(table.schema)}.${ident(table.name)}`;
      const select = `SELECT ${
        table.columns.map((column) => `CAST(${quoteIdentifier(column.name)} AS VARCHAR)`).join(
          ", ",
        )
      } FROM ${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
      const result = await context.execute(select);
      if (result.kind !== "rows") continue;
      for await (const row of iterateRows(result)) {
        const values = row.map((cell, index) =>
          sqlValue(cell === null ? null : String(cell), table.columns[index]!.numeric, newlines)
        );
        text += `INSERT INTO ${target} VALUES(${values.join(",")});\n`;
        if (text.length >= WRITE_BATCH) {
          await printer.write(text);
          text = "";
        }
      }
    }
    const others = await rowsOf(
      context,
      "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal AND NOT temporary " +
        "AND database_name = current_database() " +
        "UNION ALL SELECT index_name, sql FROM duckdb_indexes() " +
        "WHERE database_name = current_database() AND sql IS NOT NULL",
    );
    for (const [name, sql] of others) {
      if (matches(name) && sql !== null) text += statementLine(String(sql));
    }
    await printer.write(text + "COMMIT;\n");
  } catch (error) {
    await printer.write("ROLLBACK; -- due to errors\n");
    throw error;
  }
  return { kind: "done" };
}

/**
 * The tables of the session's own database (`current_database()`, not temporary) whose names
 * `matches`, in DuckDB's catalog order (as `sqlite_master` lists them), with their columns.
 */
async function dumpTables(
  context: MetaContext,
  matches: (name: Cell) => boolean,
): Promise<DumpTable[]> {
  const columns = new Map<string, DumpTable["columns"]>();
  for (
    const [schema, table, column, type] of await rowsOf(
      context,
      "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() " +
        "WHERE database_name = current_database() AND NOT internal " +
        "ORDER BY schema_name, table_name, column_index",
    )
  ) {
    const key = JSON.stringify([schema, table]);
    const list = columns.get(key) ?? [];
    list.push({ name: String(column), numeric: NUMERIC_TYPE.test(String(type)) });
    columns.set(key, list);
  }
  const tables = await rowsOf(
    context,
    "SELECT schema_name, table_name, sql FROM duckdb_tables() " +
      "WHERE NOT internal AND NOT temporary AND database_name = current_database()",
  );
  return tables
    .filter(([, name, sql]) => matches(name) && sql !== null)
    .map(([schema, name, sql]) => ({
      schema: String(schema),
      name: String(name),
      sql: String(sql),
      columns: columns.get(JSON.stringify([schema, name])) ?? [],
    }));
}
