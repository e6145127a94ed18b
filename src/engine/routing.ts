/**
 * `RoutingStrategy`: which engine runs statements. `auto` (the default, `--engine hybrid`)
 * sends a statement that touches only one SQLite attachment to SQLite and everything else to
 * DuckDB, bridging SQLite tables in when a query mixes sources. `duckdb` runs every query in
 * DuckDB (SQLite tables are always bridged); `sqlite` runs statements natively in SQLite and
 * refuses those that read files.
 *
 * @module
 */

/** The routing strategies. */
export type RoutingStrategy = "auto" | "duckdb" | "sqlite";

/** The strategy for an `--engine`/`:engine` name, or undefined for an unknown name. */
export function strategyFromName(name: string): RoutingStrategy | undefined {
  switch (name.toLowerCase()) {
    case "hybrid":
    case "auto":
      return "auto";
    case "duckdb":
      return "duckdb";
    case "sqlite":
      return "sqlite";
    default:
      return undefined;
  }
}
