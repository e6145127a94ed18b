/**
 * What the router decided for a statement, as the REPL's status bar reports it: the engine that
 * ran it (DuckDB, SQLite, or both with SQLite tables bridged into DuckDB), the relations it read
 * and the DuckDB threads in force. Set by `QueryEngine` on each route, read after the statement.
 *
 * @module
 */
import type { StatementRelations } from "./relations.ts";
import { isRemotePath, type PerformanceConfig } from "../config/performance.ts";

/**
 * Which engine ran a statement:
 * - `duckdb`: DuckDB alone (files, DuckDB tables, views from `USE`);
 * - `sqlite`: one SQLite attachment, natively;
 * - `hybrid`: DuckDB over SQLite tables copied in ({@link StatementRoute.bridged}), or DuckDB's
 *   rows written into a SQLite table ({@link StatementRoute.target});
 * - `rql`: an RQL command (`USE`, `LET`, `SHOW SOURCES`, …) run by Noctra itself.
 */
export type RouteEngine = "duckdb" | "sqlite" | "hybrid" | "rql";

/** The route of one statement; see the module. */
export interface StatementRoute {
  /** The engine that ran the statement. */
  readonly engine: RouteEngine;
  /** SQLite tables copied into DuckDB for it, as `alias.table`. */
  readonly bridged: readonly string[];
  /** The SQLite table a hybrid write filled, as `alias.table`. */
  readonly target?: string;
  /**
   * What it read as written in it: file paths, view and table names (`alias.table` for SQLite
   * tables), table functions with their first argument (`read_csv(a.csv)`). Empty when DuckDB's
   * parser gave no tree.
   */
  readonly sources: readonly string[];
  /** DuckDB's threads while it ran; undefined when DuckDB did not run it. */
  readonly threads?: number;
  /** Whether it read a remote path (`s3://`, `https://`, …), which gets the remote threads. */
  readonly remote: boolean;
}

/** The route of an RQL command (or of nothing yet). */
export const RQL_ROUTE: StatementRoute = { engine: "rql", bridged: [], sources: [], remote: false };

/**
 * The paths among `relations` that decide DuckDB's threads: unqualified names (a replacement scan
 * of a file, or a table) and the first argument of each table function. [] for null.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { pathsRead } from "./statement_route.ts";
 *
 * deepStrictEqual(
 *   pathsRead({
 *     tables: [{ catalog: "", schema: "", table: "a.csv" }, { catalog: "db", schema: "", table: "t" }],
 *     tableFunctions: [{ name: "read_parquet", firstArgument: "s3://b/x.parquet" }],
 *   }),
 *   ["a.csv", "s3://b/x.parquet"],
 * );
 * ```
 */
export function pathsRead(relations: StatementRelations | null): string[] {
  if (relations === null) return [];
  return [
    ...relations.tables.filter((table) => table.catalog === "" && table.schema === "")
      .map((table) => table.table),
    ...relations.tableFunctions.flatMap((fn) =>
      fn.firstArgument === undefined ? [] : [fn.firstArgument]
    ),
  ];
}

/**
 * What `relations` (null: no parse tree) names, as {@link StatementRoute.sources} lists it:
 * `catalog.schema.table` with the parts written, table functions as `name(first argument)`;
 * each once.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { sourcesOf } from "./statement_route.ts";
 *
 * deepStrictEqual(
 *   sourcesOf({
 *     tables: [{ catalog: "db", schema: "", table: "t" }, { catalog: "db", schema: "", table: "t" }],
 *     tableFunctions: [{ name: "read_csv", firstArgument: "a.csv" }],
 *   }),
 *   ["db.t", "read_csv(a.csv)"],
 * );
 * ```
 */
export function sourcesOf(relations: StatementRelations | null): string[] {
  if (relations === null) return [];
  return [
    ...new Set([
      ...relations.tables.map((table) =>
        [table.catalog, table.schema, table.table].filter((part) => part !== "").join(".")
      ),
      ...relations.tableFunctions.map((fn) =>
        fn.firstArgument === undefined ? `${fn.name}()` : `${fn.name}(${fn.firstArgument})`
      ),
    ]),
  ];
}

/**
 * The route of a statement `engine` ran over `relations` (null: no parse tree), with the SQLite
 * tables `bridged` into DuckDB and, unless SQLite ran it alone, the threads `performance` gives
 * its paths.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { PerformanceConfig } from "../config/performance.ts";
 * import { routeOf } from "./statement_route.ts";
 *
 * const relations = {
 *   tables: [{ catalog: "", schema: "", table: "a.csv" }, { catalog: "db", schema: "", table: "t" }],
 *   tableFunctions: [],
 * };
 * const bridged = [{ source: { alias: "db" }, table: "t" }];
 * deepStrictEqual(routeOf("hybrid", relations, new PerformanceConfig(4, 3, "adaptive"), bridged), {
 *   engine: "hybrid",
 *   bridged: ["db.t"],
 *   sources: ["a.csv", "db.t"],
 *   threads: 4,
 *   remote: false,
 * });
 * ```
 */
export function routeOf(
  engine: RouteEngine,
  relations: StatementRelations | null,
  performance: PerformanceConfig,
  bridged: readonly { readonly source: { readonly alias: string }; readonly table: string }[] = [],
): StatementRoute {
  const paths = pathsRead(relations);
  const sources = sourcesOf(relations);
  const remote = paths.some(isRemotePath);
  return {
    engine,
    bridged: bridged.map(({ source, table }) => `${source.alias}.${table}`),
    sources,
    ...(engine === "sqlite" ? {} : { threads: performance.threadsFor(paths) }),
    remote,
  };
}
