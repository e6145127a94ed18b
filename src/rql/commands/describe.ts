/**
 * `DESCRIBE 'file' | DESCRIBE view | DESCRIBE alias.table`: column name, type (as the engine
 * that serves the relation reports it: DuckDB for files and views, the declared type for a
 * SQLite table) and nullability. `DESCRIBE SELECT …` (and any other form) is DuckDB's own.
 *
 * @module
 */
import type { CommandContext, CommandInput, RqlCommandFamily } from "./command.ts";
import { isName, isWord } from "./parse_helpers.ts";
import { fileKindOf } from "../../engine/file_readers.ts";
import { type RowsResult, rowsResultFromArrays } from "../../engine/result.ts";
import { quoteIdentifier, quoteLiteral } from "../../sql_text.ts";
import { NoctraError } from "../../errors.ts";

/** `DESCRIBE 'file'` or `DESCRIBE name[.name…]`. */
export interface DescribeCommand {
  readonly kind: "describe";
  /** A file path (string literal) … */
  readonly path: string | undefined;
  /** … or a relation name, in parts. */
  readonly name: readonly string[] | undefined;
}

function parse({ tokens }: CommandInput): DescribeCommand | null {
  if (!isWord(tokens[0], "DESCRIBE") && !isWord(tokens[0], "DESC")) return null;
  const first = tokens[1];
  if (first?.kind === "string" && tokens.length === 2) {
    return { kind: "describe", path: first.value, name: undefined };
  }
  if (!isName(first) || isWord(first, "SELECT") || isWord(first, "FROM") || isWord(first, "WITH")) {
    return null;
  }
  const name: string[] = [];
  let position = 1;
  for (;;) {
    const token = tokens[position];
    if (!isName(token)) return null;
    name.push(token!.value);
    position++;
    if (position === tokens.length) return { kind: "describe", path: undefined, name };
    if (tokens[position]?.text !== ".") return null;
    position++;
  }
}

async function run(command: DescribeCommand, context: CommandContext): Promise<RowsResult> {
  const columns = [
    { name: "column_name", type: "VARCHAR", kind: "text" as const },
    { name: "column_type", type: "VARCHAR", kind: "text" as const },
    { name: "null", type: "VARCHAR", kind: "text" as const },
  ];
  if (command.path !== undefined) {
    await context.checkReadable(command.path, `DESCRIBE '${command.path}'`);
    // DuckDB has no Arrow IPC reader: the file is loaded as a table first, as for FROM.
    if (fileKindOf(command.path) === "arrow") await context.loadArrowReplacement(command.path);
    const rows = await context.duckdb.readAll(
      `SELECT column_name, column_type, "null" FROM (DESCRIBE SELECT * FROM ${
        quoteLiteral(command.path)
      })`,
    );
    return rowsResultFromArrays(columns, rows);
  }
  const name = command.name!;
  const source = context.sources.sqliteForName(name);
  if (source !== undefined) {
    const table = name[name.length - 1]!;
    const described = source.columns(table);
    if (described.length === 0) {
      throw new NoctraError(
        `DESCRIBE ${name.join(".")}: ${source.alias} has no table or view named ${table}`,
      );
    }
    return rowsResultFromArrays(
      columns,
      described.map((
        column,
      ) => [column.name, column.declaredType, column.notNull ? "NO" : "YES"]),
    );
  }
  const rows = await context.duckdb.readAll(
    `SELECT column_name, column_type, "null" FROM (DESCRIBE ${
      name.map(quoteIdentifier).join(".")
    })`,
  );
  return rowsResultFromArrays(columns, rows);
}

/** DESCRIBE (see the module). */
export const DESCRIBE: RqlCommandFamily<DescribeCommand> = {
  name: "DESCRIBE",
  syntax: ["DESCRIBE 'file' | view | alias.table"],
  summary: "column names, types and nullability of a file, view or SQLite table",
  keywords: ["DESCRIBE", "DESC"],
  parse,
  run,
};
