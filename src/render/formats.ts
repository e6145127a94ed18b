/**
 * The output format names, apart from the renderers so that argument parsing can check them
 * without loading the engine.
 *
 * @module
 */

/**
 * Output formats of `--format`, `.mode` and `:format`.
 *
 * - `table`: Noctra's box table, the DuckDB CLI's `duckbox` (types, footer, fitted).
 * - `csv`, `tsv`, `json`, `jsonl`: DuckDB's `COPY` writers (RFC 4180 CSV; JSON with types).
 * - `markdown`: a GitHub table.
 * - The DuckDB CLI's modes of the same name, byte for byte: `line` (`name = value` lines),
 *   `list` (`|`-separated), `insert` (INSERT statements), `quote` (SQL literals), `html` (table
 *   rows), `latex` (a tabular), `column` (padded columns), `box` (a Unicode grid), `tcl` (C
 *   string literals), `ascii` (0x1F/0x1E-separated, as DuckDB's help says) and `trash` (no
 *   output; the statement still runs to its end).
 * - `asciitable`: the DuckDB CLI's `.mode table`, an ASCII `+---+` grid. Noctra's `table` has
 *   always been DuckDB's `duckbox` (the CLI's default display), so DuckDB's ASCII `table` takes
 *   this name rather than changing what `--format table` prints.
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
  "insert",
  "quote",
  "html",
  "latex",
  "column",
  "box",
  "asciitable",
  "ascii",
  "tcl",
  "trash",
] as const;
/** One of {@link OUTPUT_FORMATS}. */
export type OutputFormat = typeof OUTPUT_FORMATS[number];

/** True when `name` is one of {@link OUTPUT_FORMATS}. */
export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}
