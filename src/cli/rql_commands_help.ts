/**
 * The RQL commands as `--help` and the REPL's `help` list them. Generated from `RQL_COMMANDS`
 * (src/rql/commands/registry.ts) by scripts/generate_rql_help.ts — do not edit; run it again.
 *
 * @module
 */

/** Each family's syntax lines (indented by two spaces) and summary (by six); lines end with \n. */
export const RQL_COMMANDS_HELP: string = [
  "  USE 'path' [AS alias] [OPTIONS (key = value, …)]",
  "      register a view over a file (.db/.sqlite: attach it); saved for the next session",
  "  ATTACH 'path' [AS alias] [(TYPE SQLITE, READ_ONLY, CREATE)]",
  "  DETACH alias",
  "      attach a SQLite database (tables alias.table); close it, or drop a file view",
  "  SHOW SOURCES | SHOW TABLES [FROM alias]",
  "  SHOW CACHE | CLEAR CACHE [alias]",
  "      list file views and attachments, their tables, the SQLite tables cached in DuckDB",
  "  DESCRIBE 'file' | view | alias.table",
  "      column names, types and nullability of a file, view or SQLite table",
  "  LET name = expression | UNSET name [, name]… | SHOW VARS",
  "      set a typed variable, used as #name (bound as a parameter, never spliced)",
  "  EXPORT (query) | table TO 'path' [FORMAT PARQUET|CSV|JSON|JSONL|ARROW] [OPTIONS (…)] [OVERWRITE]",
  "      write a query's rows to a file, atomically (OPTIONS pass to DuckDB's COPY)",
  "  SET key = value | RESET key | SHOW CONFIG",
  "      change or list Noctra's settings (docs/CONFIG.md); other SETs are DuckDB's",
].map((line) => `${line}\n`).join("");
