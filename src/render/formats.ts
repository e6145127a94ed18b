/**
 * The output format names, apart from the renderers so that argument parsing can check them
 * without loading the engine.
 *
 * @module
 */

/**
 * Output formats of `--format` and `:format`. `line` is one `name = value` line per column and
 * `list` is `|`-separated fields, as the DuckDB CLI's `.mode line` and `.mode list`.
 */
export const OUTPUT_FORMATS = [
  "table",
  "csv",
  "tsv",
  "json",
  "jsonl",
  "markdown",
  "line",
  "list",
] as const;
/** One of {@link OUTPUT_FORMATS}. */
export type OutputFormat = typeof OUTPUT_FORMATS[number];

/** True when `name` is one of {@link OUTPUT_FORMATS}. */
export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}
