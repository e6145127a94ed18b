/**
 * `SHOW SOURCES`, `SHOW TABLES [FROM alias]`, `SHOW CACHE`, `CLEAR CACHE [alias]`: the session's
 * sources, their tables, and the SQLite tables the bridge keeps materialized in DuckDB.
 *
 * @module
 */
import type { CommandContext, CommandInput, RqlCommandFamily } from "./command.ts";
import { isName, isWord } from "./parse_helpers.ts";
import { isGlob, isRemote } from "../../engine/file_paths.ts";
import {
  type Cell,
  type RowsResult,
  rowsResultFromArrays,
  type StatementResult,
} from "../../engine/result.ts";
import { NoctraError } from "../../errors.ts";
import type { RegisteredSource } from "../../session/attachment_registry.ts";

/** `SHOW SOURCES`, `SHOW TABLES [FROM alias]`, `SHOW CACHE`, `CLEAR CACHE [alias]`. */
export interface ShowCommand {
  readonly kind: "show_sources" | "show_tables" | "show_cache" | "clear_cache";
  /** `FROM alias` of SHOW TABLES, or the alias of CLEAR CACHE. */
  readonly alias: string | undefined;
}

function parse({ tokens }: CommandInput): ShowCommand | null {
  if (!isWord(tokens[0], "SHOW") && !isWord(tokens[0], "CLEAR")) return null;
  const what = tokens[1]?.kind === "word" ? tokens[1].value.toUpperCase() : "";
  if (isWord(tokens[0], "CLEAR")) {
    if (what !== "CACHE") return null;
    if (tokens.length > 3 || (tokens.length === 3 && !isName(tokens[2]))) {
      throw new NoctraError("CLEAR CACHE: the form is CLEAR CACHE [alias]");
    }
    return { kind: "clear_cache", alias: tokens[2]?.value };
  }
  if (what === "SOURCES" && tokens.length === 2) return { kind: "show_sources", alias: undefined };
  if (what === "CACHE" && tokens.length === 2) return { kind: "show_cache", alias: undefined };
  if (what === "TABLES") {
    if (tokens.length === 2) return { kind: "show_tables", alias: undefined };
    if (
      (isWord(tokens[2], "FROM") || isWord(tokens[2], "IN")) && isName(tokens[3]) &&
      tokens.length === 4
    ) {
      return { kind: "show_tables", alias: tokens[3]!.value };
    }
  }
  return null;
}

async function run(command: ShowCommand, context: CommandContext): Promise<StatementResult> {
  switch (command.kind) {
    case "show_sources":
      return showSources(context);
    case "show_tables":
      if (command.alias === undefined) await context.sources.restoreAll();
      return await showTables(context, command.alias);
    case "show_cache":
      return rowsResultFromArrays(
        [
          { name: "alias", type: "VARCHAR", kind: "text" },
          { name: "table", type: "VARCHAR", kind: "text" },
          { name: "rows", type: "BIGINT", kind: "integer" },
          { name: "loaded_at", type: "VARCHAR", kind: "text" },
        ],
        context.bridge.cachedTables().map((entry) => [
          entry.alias,
          entry.table,
          BigInt(entry.rows),
          new Date(entry.loadedAt).toISOString(),
        ]),
      );
    case "clear_cache": {
      if (command.alias !== undefined && context.sources.attachment(command.alias) === undefined) {
        throw new NoctraError(
          `CLEAR CACHE ${command.alias}: no SQLite attachment named ${command.alias}`,
        );
      }
      const dropped = context.bridge.dropCache(command.alias);
      return {
        kind: "message",
        message: `cleared ${dropped} cached ${dropped === 1 ? "table" : "tables"}`,
      };
    }
  }
}

/**
 * Every file view and attachment, then the sources that could not be restored and those saved
 * and not used yet: alias, kind, path, engine, read_only, status (`ok`, `missing`, `saved`).
 */
function showSources(context: CommandContext): RowsResult {
  const sources = context.sources;
  const rows: Cell[][] = [];
  for (const view of sources.fileViews) {
    rows.push([view.alias, view.kind, view.path, "duckdb", false, fileStatus(view.path)]);
  }
  for (const source of sources.attachments) {
    rows.push([
      source.alias,
      "sqlite",
      source.path,
      "sqlite",
      source.readOnly,
      fileStatus(source.path),
    ]);
  }
  const registered = (source: RegisteredSource, status: string): Cell[] => [
    source.alias,
    source.kind,
    source.path,
    source.kind === "sqlite" ? "sqlite" : "duckdb",
    source.readOnly,
    status,
  ];
  for (const source of sources.missing) rows.push(registered(source, "missing"));
  for (const source of sources.saved) {
    rows.push(registered(source, fileStatus(source.path) === "ok" ? "saved" : "missing"));
  }
  return rowsResultFromArrays(
    [
      { name: "alias", type: "VARCHAR", kind: "text" },
      { name: "kind", type: "VARCHAR", kind: "text" },
      { name: "path", type: "VARCHAR", kind: "text" },
      { name: "engine", type: "VARCHAR", kind: "text" },
      { name: "read_only", type: "BOOLEAN", kind: "boolean" },
      { name: "status", type: "VARCHAR", kind: "text" },
    ],
    rows,
  );
}

/**
 * The tables and views of one SQLite attachment, or (without `alias`) of DuckDB's default
 * catalog and of every attachment: source, name, type.
 */
async function showTables(context: CommandContext, alias: string | undefined): Promise<RowsResult> {
  const columns = [
    { name: "source", type: "VARCHAR", kind: "text" as const },
    { name: "name", type: "VARCHAR", kind: "text" as const },
    { name: "type", type: "VARCHAR", kind: "text" as const },
  ];
  if (alias !== undefined) {
    const source = context.sources.attachment(alias);
    if (source === undefined) {
      throw new NoctraError(
        `SHOW TABLES FROM ${alias}: no SQLite attachment named ${alias}; SHOW SOURCES lists them`,
      );
    }
    return rowsResultFromArrays(
      columns,
      source.relations().map((relation) => [source.alias, relation.name, relation.type]),
    );
  }
  const rows: Cell[][] = (await context.duckdb.readAll(
    "SELECT table_name, CASE WHEN table_type = 'VIEW' THEN 'view' ELSE 'table' END FROM information_schema.tables " +
      "WHERE table_catalog = 'memory' ORDER BY table_name",
  )).map(([name, type]) => ["duckdb", name, type]);
  for (const source of context.sources.attachments) {
    for (const relation of source.relations()) {
      rows.push([source.alias, relation.name, relation.type]);
    }
  }
  return rowsResultFromArrays(columns, rows);
}

/** `ok` when the file is there (remote paths and globs count as there), else `missing`. */
function fileStatus(path: string): "ok" | "missing" {
  if (isRemote(path) || isGlob(path)) return "ok";
  try {
    Deno.statSync(path);
    return "ok";
  } catch {
    return "missing";
  }
}

/** SHOW SOURCES, SHOW TABLES, SHOW CACHE, CLEAR CACHE (see the module). */
export const SHOW: RqlCommandFamily<ShowCommand> = {
  name: "SHOW",
  syntax: ["SHOW SOURCES | SHOW TABLES [FROM alias]", "SHOW CACHE | CLEAR CACHE [alias]"],
  summary: "list file views and attachments, their tables, the SQLite tables cached in DuckDB",
  keywords: ["SHOW", "SOURCES", "TABLES", "FROM", "CACHE", "CLEAR"],
  parse,
  run,
};
