/**
 * Noctra's settings as DuckDB sees them: the options a DuckDB instance is created with, the
 * thread policy read from the current settings, and a setting changed in a session
 * (`SET key = value`, `RESET key`) applied to the running DuckDB instance.
 *
 * @module
 */
import type { DuckDBSource } from "./sources/duckdb_source.ts";
import { quoteLiteral } from "../sql_text.ts";
import {
  type Config,
  duckdbMemoryLimit,
  parseMemory,
  physicalMemoryBytes,
} from "../config/config.ts";
import type { ConfigValue } from "../config/schema.ts";
import { type IOType, PerformanceConfig } from "../config/performance.ts";

/**
 * DuckDB options at instance creation from the settings: `threads`, `memory_limit` (a share of
 * physical memory converted to MB: DuckDB rejects percentages), `catalog_error_max_schemas`,
 * `temp_directory` (must be set before the sandbox freezes it).
 */
export function duckdbSettings(config: Config): Record<string, string> {
  const settings: Record<string, string> = {
    threads: String(config.get("duckdb.performance.base_threads")),
    catalog_error_max_schemas: String(config.get("duckdb.tuning.catalog_error_max_schemas")),
  };
  const memory = String(config.get("duckdb.performance.memory_limit"));
  const total = physicalMemoryBytes();
  if (!memory.endsWith("%") || total !== undefined) {
    settings.memory_limit = duckdbMemoryLimit(memory, total ?? 0);
  }
  const temp = String(config.get("duckdb.tuning.temp_directory"));
  if (temp !== "") settings.temp_directory = temp;
  return settings;
}

/** The thread policy from the current settings of `config`. */
export function performanceOf(config: Config): PerformanceConfig {
  return new PerformanceConfig(
    Number(config.get("duckdb.performance.base_threads")),
    Number(config.get("duckdb.performance.remote_multiplier")),
    String(config.get("duckdb.performance.io_type")) as IOType,
  );
}

/**
 * Applies the setting `key`, changed to `value` by SET/RESET, to `duckdb`: threads, memory limit
 * (a share of physical memory only where that is known), statement cache capacity, catalog error
 * schemas, temporary directory. Other keys take effect where they are read. Throws DuckDB's
 * error.
 */
export async function applySetting(
  duckdb: DuckDBSource,
  key: string,
  value: ConfigValue,
): Promise<void> {
  switch (key) {
    case "duckdb.performance.base_threads":
      await duckdb.run(`SET threads = ${Number(value)}`);
      break;
    case "duckdb.performance.memory_limit": {
      const total = physicalMemoryBytes();
      const parsed = parseMemory(String(value));
      if (parsed !== undefined && ("bytes" in parsed || total !== undefined)) {
        const limit = duckdbMemoryLimit(String(value), total ?? 0);
        await duckdb.run(`SET memory_limit = ${quoteLiteral(limit)}`);
      }
      break;
    }
    case "duckdb.performance.stmt_cache_capacity":
      duckdb.statementCacheCapacity = Number(value);
      break;
    case "duckdb.tuning.catalog_error_max_schemas":
      await duckdb.run(`SET catalog_error_max_schemas = ${Number(value)}`);
      break;
    case "duckdb.tuning.temp_directory":
      if (String(value) !== "") {
        await duckdb.run(`SET temp_directory = ${quoteLiteral(String(value))}`);
      }
      break;
  }
}
