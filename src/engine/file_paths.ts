/**
 * Paths as Noctra and DuckDB read them: the default alias of a file, globs, remote (`scheme://`)
 * paths, `~` expansion and absolute forms.
 *
 * @module
 */
import { basename, isAbsolute, resolve } from "node:path";

/**
 * The default alias for a file: its stem (before every extension) made into an identifier:
 * characters other than letters, digits and `_` become `_`, and a leading digit gets a `_`
 * prefix. `fixtures/airports.csv.gz` → `airports`, `2024 sales.csv` → `_2024_sales`.
 */
export function defaultAlias(path: string): string {
  const stem = basename(path).replace(/\.[^.]*$/, "").replace(
    /\.(csv|tsv|txt|json|ndjson|jsonl|parquet)$/i,
    "",
  );
  let alias = stem.replace(/[^A-Za-z0-9_]/g, "_");
  if (alias === "" || /^[0-9]/.test(alias)) alias = `_${alias}`;
  return alias;
}

/** True for a path DuckDB expands as a glob (`*`, `?`, `[`). */
export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/** True for `scheme://…` paths (s3, http, https, gs, …), which are not local files. */
export function isRemote(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}

/**
 * `path` with a leading `~` expanded to the home directory, as DuckDB expands it
 * (`~/data.csv` → `$HOME/data.csv`); other paths unchanged. Without a known home directory
 * (`HOME`/`USERPROFILE` unset or not readable) the path is returned as is.
 */
export function expandHome(path: string): string {
  if (path !== "~" && !path.startsWith("~/") && !path.startsWith("~\\")) return path;
  let home: string | undefined;
  try {
    home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  } catch {
    home = undefined;
  }
  return home === undefined || home === "" ? path : home + path.slice(1);
}

/**
 * Absolute form of a local path: `~` expanded as DuckDB does, relative paths resolved against
 * the working directory; remote URLs unchanged.
 */
export function absolutePath(path: string): string {
  if (isRemote(path)) return path;
  const expanded = expandHome(path);
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}
