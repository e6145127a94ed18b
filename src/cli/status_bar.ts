/**
 * The REPL's status line, printed on stderr after each statement when `.status on` or
 * `[repl] status_bar = true` (the seeds' design; no peer has one):
 *
 * ```text
 * DuckDB │ local I/O, 2 threads │ fixtures/penguins.parquet │ memory 1.2 MiB / 18.8 GiB │ 344 rows │ 8 ms
 * ```
 *
 * The engine that ran the statement (DuckDB, SQLite, `hybrid` with the SQLite tables bridged into
 * DuckDB or the SQLite table DuckDB's rows went into, RQL for Noctra's own commands), whether it
 * read local or remote paths and DuckDB's threads while it ran (`[performance]`), what it read,
 * DuckDB's memory in use (`duckdb_memory()`) against `memory_limit`, rows and elapsed time. Cut
 * to the terminal's width (the sources first); dimmed when colour is allowed.
 *
 * @module
 */
import { sourcesOf, type StatementRoute } from "../engine/statement_route.ts";
import { relationsOf } from "../engine/relations.ts";
import { groupedDigits } from "../render/values.ts";
import { textLength } from "../render/text_layout.ts";

/** What one status line reports. */
export interface StatusFacts {
  /** How the statement was routed (`QueryEngine.route`). */
  readonly route: StatementRoute;
  /** Rows the result had (undefined for a statement without rows). */
  readonly rows: number | undefined;
  /** Wall time from submitting to the last row printed, in ms. */
  readonly elapsedMs: number;
  /** DuckDB's memory in use (bytes) and `memory_limit` as DuckDB prints it; absent if unknown. */
  readonly memory?: { readonly usedBytes: number; readonly limit: string };
}

const SEPARATOR = " │ ";

/** `bytes` in binary units as DuckDB prints sizes (`0 bytes`, `1.2 MiB`). */
export function binarySize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * `route` with its sources filled in from DuckDB's parse tree of `statement` when the router did
 * not need them (a DuckDB query that names no file is run without asking the parser); `route`
 * as it is when it has sources, is not DuckDB's, or the statement does not parse (`#variables`,
 * not a SELECT).
 */
export async function routeWithSources(
  route: StatementRoute,
  statement: string,
  duckdb: { parseTree(statement: string): Promise<unknown> },
): Promise<StatementRoute> {
  if (route.engine !== "duckdb" || route.sources.length > 0) return route;
  try {
    return { ...route, sources: sourcesOf(relationsOf(await duckdb.parseTree(statement))) };
  } catch {
    return route;
  }
}

/** The engine part: `DuckDB`, `SQLite`, `hybrid: SQLite db.t → DuckDB`, `RQL`. */
function engineText(route: StatementRoute): string {
  switch (route.engine) {
    case "duckdb":
      return "DuckDB";
    case "sqlite":
      return "SQLite";
    case "rql":
      return "RQL";
    case "hybrid":
      if (route.target !== undefined) return `hybrid: DuckDB → SQLite ${route.target}`;
      return `hybrid: SQLite ${route.bridged.join(", ")} → DuckDB`;
  }
}

/**
 * The status line for `facts`, at most `width` characters (the sources are cut first, with `…`),
 * wrapped in SGR dim when `color`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { statusLine } from "./status_bar.ts";
 *
 * const route = {
 *   engine: "hybrid" as const,
 *   bridged: ["shop.customers"],
 *   sources: ["orders.csv", "shop.customers"],
 *   threads: 2,
 *   remote: false,
 * };
 * strictEqual(
 *   statusLine({ route, rows: 3, elapsedMs: 12.4, memory: { usedBytes: 0, limit: "1.0 GiB" } }, 200, false),
 *   "hybrid: SQLite shop.customers → DuckDB │ local I/O, 2 threads │ orders.csv, shop.customers │ memory 0 bytes / 1.0 GiB │ 3 rows │ 12 ms",
 * );
 * ```
 */
export function statusLine(facts: StatusFacts, width: number, color: boolean): string {
  const { route, rows, elapsedMs, memory } = facts;
  const parts: string[] = [engineText(route)];
  if (route.threads !== undefined) {
    parts.push(
      `${route.remote ? "remote" : "local"} I/O, ${route.threads} ${
        route.threads === 1 ? "thread" : "threads"
      }`,
    );
  }
  const sourcesAt = route.sources.length > 0 ? parts.push(route.sources.join(", ")) - 1 : -1;
  if (memory !== undefined) {
    parts.push(`memory ${binarySize(memory.usedBytes)} / ${memory.limit}`);
  }
  if (rows !== undefined) parts.push(`${groupedDigits(rows)} ${rows === 1 ? "row" : "rows"}`);
  parts.push(`${elapsedMs < 10 ? elapsedMs.toFixed(1) : Math.round(elapsedMs)} ms`);
  let line = parts.join(SEPARATOR);
  const over = textLength(line) - width;
  if (over > 0 && sourcesAt >= 0) {
    const sources = [...parts[sourcesAt]!];
    const keep = Math.max(1, sources.length - over - 1);
    parts[sourcesAt] = sources.slice(0, keep).join("") + "…";
    line = parts.join(SEPARATOR);
  }
  if (textLength(line) > width) line = [...line].slice(0, Math.max(1, width - 1)).join("") + "…";
  return color ? `\x1b[2m${line}\x1b[22m` : line;
}
