/**
 * Every configuration key Noctra knows: its section, type, default, allowed range and meaning.
 * Keys follow the seeds (`[duckdb.performance]`, `[duckdb.tuning]`, `[sqlite]`, `[hybrid]`,
 * `[repl]`); every key has a default, so an empty or missing file is valid.
 *
 * @module
 */
import { OUTPUT_FORMATS } from "../render/formats.ts";
import { editDistance } from "../edit_distance.ts";

/** A configuration value. */
export type ConfigValue = string | number | boolean;

/** How one key is typed and checked. */
export interface KeySpec {
  /** Fully qualified key, e.g. `duckdb.performance.base_threads`. */
  readonly key: string;
  /** How values are read and checked (`memory`: DuckDB sizes such as `4GB` or `75%`). */
  readonly type: "integer" | "number" | "boolean" | "string" | "enum" | "memory";
  /** Default value; a function for defaults that depend on the machine. */
  readonly defaultValue: ConfigValue | (() => ConfigValue);
  /** Smallest allowed value for numbers. */
  readonly min?: number;
  /** Largest allowed value for numbers. */
  readonly max?: number;
  /** Allowed values for enums. */
  readonly values?: readonly string[];
  /** One line for docs and SHOW CONFIG. */
  readonly description: string;
}

/** Logical CPU cores of this machine (at least 1). */
export function cores(): number {
  try {
    return Math.max(1, navigator.hardwareConcurrency || 1);
  } catch {
    return 1;
  }
}

/** The known keys, in documentation order. */
export const KEYS: readonly KeySpec[] = [
  {
    key: "duckdb.performance.base_threads",
    type: "integer",
    defaultValue: cores,
    min: 1,
    max: 1024,
    description: "DuckDB threads for queries over local files (default: the machine's cores)",
  },
  {
    key: "duckdb.performance.remote_multiplier",
    type: "number",
    defaultValue: 3.0,
    min: 1,
    max: 64,
    description:
      "threads = base_threads × this for queries that read s3://, http(s)://, gs:// paths",
  },
  {
    key: "duckdb.performance.memory_limit",
    type: "memory",
    defaultValue: "80%",
    description:
      'DuckDB memory limit: a size ("16GB", "512MB") or a share of physical memory ("80%")',
  },
  {
    key: "duckdb.performance.io_type",
    type: "enum",
    defaultValue: "adaptive",
    values: ["local", "remote", "adaptive"],
    description:
      "local: always base_threads; remote: always multiplied; adaptive: by the paths a query reads",
  },
  {
    key: "duckdb.performance.stmt_cache_capacity",
    type: "integer",
    defaultValue: 100,
    min: 0,
    max: 100_000,
    description: "prepared statements kept for reuse, keyed by SQL text (0 = off)",
  },
  {
    key: "duckdb.tuning.catalog_error_max_schemas",
    type: "integer",
    defaultValue: 100,
    min: 0,
    max: 1_000_000,
    description: "schemas DuckDB searches for 'did you mean' suggestions in catalog errors",
  },
  {
    key: "duckdb.tuning.enable_profiling",
    type: "boolean",
    defaultValue: false,
    description: "print a profile summary (time, rows, peak memory) of each query to stderr",
  },
  {
    key: "duckdb.tuning.temp_directory",
    type: "string",
    defaultValue: "",
    description: "where DuckDB spills to disk when memory runs out (empty: DuckDB's default)",
  },
  {
    key: "sqlite.busy_timeout_ms",
    type: "integer",
    defaultValue: 2000,
    min: 0,
    max: 3_600_000,
    description: "how long SQLite retries a locked database before failing (ms)",
  },
  {
    key: "sqlite.wal_mode",
    type: "boolean",
    defaultValue: false,
    description: "switch writable SQLite attachments to WAL journaling when attached",
  },
  {
    key: "hybrid.materialize_threshold_rows",
    type: "integer",
    defaultValue: 10_000,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    description: "bridged SQLite tables with at least this many rows are materialized and cached",
  },
  {
    key: "repl.format",
    type: "enum",
    defaultValue: "table",
    values: OUTPUT_FORMATS,
    description: "output format",
  },
  {
    key: "repl.max_rows",
    type: "integer",
    defaultValue: 40,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    description: "rows a table shows (0 = all)",
  },
  {
    key: "repl.history_size",
    type: "integer",
    defaultValue: 1000,
    min: 0,
    max: 1_000_000,
    description: "lines of REPL history kept",
  },
  {
    key: "repl.timer",
    type: "boolean",
    defaultValue: false,
    description: "print elapsed time after each statement",
  },
  {
    key: "repl.pager",
    type: "enum",
    defaultValue: "auto",
    values: ["auto", "on", "off"],
    description:
      "REPL results through $PAGER (default less -RFXS): auto when taller than the screen, on, off",
  },
  {
    key: "repl.wide_row_as_lines",
    type: "boolean",
    defaultValue: true,
    description:
      "a table of one row wider than the terminal prints as name = value lines (as the line format)",
  },
  {
    key: "repl.status_bar",
    type: "boolean",
    defaultValue: false,
    description:
      "after each REPL statement, a status line: engine, I/O and threads, sources, DuckDB memory, rows, time",
  },
];

/** The spec of `key`, or undefined. */
export function keySpec(key: string): KeySpec | undefined {
  return KEYS.find((spec) => spec.key === key.toLowerCase());
}

/** The known key closest to `key` (edit distance on the full name and on the last part). */
export function closestKey(key: string): string {
  let best = KEYS[0]!.key;
  let bestDistance = Number.POSITIVE_INFINITY;
  const leaf = key.split(".").pop() ?? key;
  for (const spec of KEYS) {
    const distance = Math.min(
      editDistance(key.toLowerCase(), spec.key),
      editDistance(leaf.toLowerCase(), spec.key.split(".").pop()!) + 1,
    );
    if (distance < bestDistance) {
      best = spec.key;
      bestDistance = distance;
    }
  }
  return best;
}
