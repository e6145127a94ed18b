/**
 * Noctra's version and what it was built with, in a module of its own so that `--version`
 * answers without loading the engine.
 *
 * @module
 */

/** Noctra's version (the `version` field of deno.json; a test keeps the two equal). */
export const VERSION = "0.1.0";

/**
 * The libduckdb version inside the pinned `@duckdb/node-api` package (1.5.5-r.5); a test checks
 * it against DuckDB's own `SELECT version()`, so it cannot drift from the engine that runs.
 */
export const DUCKDB_VERSION = "1.5.5";

/**
 * What `noctra --version` prints: Noctra's version on the first line (scripts can read just
 * that), then DuckDB's and Deno's versions and the build target (Rust's target triple, as
 * `deno compile --target` names it), one `name version` pair per line.
 *
 * @example
 * ```ts
 * import { versionText } from "./version.ts";
 * import { match } from "node:assert/strict";
 * match(versionText(), /^noctra \d+\.\d+\.\d+\nduckdb \d+\.\d+\.\d+\ndeno /);
 * ```
 */
export function versionText(): string {
  return `noctra ${VERSION}\nduckdb ${DUCKDB_VERSION}\ndeno ${Deno.version.deno}\ntarget ${Deno.build.target}\n`;
}
