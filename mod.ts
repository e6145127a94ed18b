/**
 * Noctra as a library: SQL over CSV, TSV, JSON, NDJSON and Parquet files from a Deno program,
 * through the same session the `noctra` CLI drives.
 *
 * @example
 * ```ts
 * import { Noctra, renderResult, StringSink } from "./mod.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const noctra = await Noctra.open();
 * try {
 *   const result = await noctra.query(
 *     "SELECT state, count(*) AS airports FROM 'fixtures/airports.csv' " +
 *       "GROUP BY state ORDER BY airports DESC LIMIT 2",
 *   );
 *   const sink = new StringSink();
 *   await renderResult(result, "csv", sink, { maxRows: 0, color: false });
 *   strictEqual(sink.text, "state,airports\nAK,263\nTX,209\n");
 * } finally {
 *   noctra.close();
 * }
 * ```
 *
 * A session reads one result at a time: starting a statement ends the previous result if it was
 * not read to the end, and reading that result again throws {@link SupersededResultError}
 * (details on {@link Noctra}). A query that fails while its rows stream throws DuckDB's (or
 * SQLite's) error from the read; a result never ends early without one.
 *
 * Dependencies are imported by full `npm:` specifiers, so a Deno program anywhere can import this
 * module by path or URL without this repository's `deno.json`.
 *
 * @module
 */
export {
  type ExecutedStatement,
  Noctra,
  type NoctraOptions,
  SupersededResultError,
} from "./src/noctra.ts";
export {
  type Cell,
  type CellVector,
  type ColumnInfo,
  type ColumnKind,
  type CopyFormat,
  iterateRows,
  type MessageResult,
  type ResultChunk,
  type RowsResult,
  type StatementResult,
} from "./src/engine/result.ts";
export { type FileView, QueryEngine } from "./src/engine/query_engine.ts";
export {
  DuckDBSource,
  type DuckDBSourceOptions,
  type Parameters,
} from "./src/engine/sources/duckdb_source.ts";
export type {
  SQLiteColumn,
  SQLiteRelation,
  SQLiteSource,
} from "./src/engine/sources/sqlite_source.ts";
export type { RoutingStrategy } from "./src/engine/routing.ts";
export type { RouteEngine, StatementRoute } from "./src/engine/statement_route.ts";
export type { FileKind } from "./src/engine/file_readers.ts";
export type { ReaderOption } from "./src/rql/commands/reader_option.ts";
export type { SessionVariable, VariableStore } from "./src/rql/variables.ts";
export { loadArrowIpcIntoDuckDB, writeArrowIpcFile } from "./src/engine/arrow/ipc_file.ts";
export { type ArrowWriteOptions, resultToArrowTable } from "./src/engine/arrow/encode.ts";
export { Config, type ConfigEntry, ConfigError, type ConfigSource } from "./src/config/config.ts";
export { type ConfigValue, KEYS as CONFIG_KEYS, type KeySpec } from "./src/config/schema.ts";
export { type IOType, PerformanceConfig } from "./src/config/performance.ts";
export {
  NO_SANDBOX,
  type SandboxFlags,
  type SandboxLayer,
  type SandboxOrigin,
  type SandboxPolicy,
  sandboxPolicy,
} from "./src/sandbox/policy.ts";
export {
  isOutputFormat,
  OUTPUT_FORMATS,
  type OutputFormat,
  renderResult,
  type RenderSummary,
  type TableOptions,
  type TextOptions,
} from "./src/render/renderer.ts";
export { type ByteWriter, OutputClosedError, StringSink, TextSink } from "./src/render/sink.ts";
export { type SplitStatement, splitStatements } from "./src/rql/splitter.ts";
export { describeError, NoctraError, UsageError } from "./src/errors.ts";
