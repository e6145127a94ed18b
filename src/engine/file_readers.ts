/**
 * Which DuckDB reader serves a file, the views `USE` creates over files, and the checks that
 * turn a missing, empty or unreadable file into one clear message before DuckDB sees it.
 *
 * @module
 */
import { basename, isAbsolute, resolve } from "node:path";
import { NoctraError } from "../errors.ts";
import { quoteLiteral } from "../sql_text.ts";
import type { ReaderOption } from "../rql/commands.ts";

/** The file kinds Noctra reads; the reader is chosen by extension. */
export type FileKind = "csv" | "tsv" | "json" | "ndjson" | "parquet" | "arrow";

/** Extensions `USE` accepts, each optionally followed by `.gz` (DuckDB decompresses it). */
export const SUPPORTED_EXTENSIONS: readonly string[] = [
  ".csv",
  ".tsv",
  ".txt",
  ".json",
  ".ndjson",
  ".jsonl",
  ".parquet",
  ".arrow",
  ".feather",
];

const KIND_BY_EXTENSION: Readonly<Record<string, FileKind>> = {
  ".csv": "csv",
  ".txt": "csv",
  ".tsv": "tsv",
  ".json": "json",
  ".ndjson": "ndjson",
  ".jsonl": "ndjson",
  ".parquet": "parquet",
  ".arrow": "arrow",
  ".feather": "arrow",
  ".ipc": "arrow",
};

/** The extension that picks the reader: the last one, or the one before `.gz`/`.zst`. */
function readerExtension(path: string): string {
  const name = basename(path).toLowerCase().replace(/\.(gz|zst)$/, "");
  const dot = name.lastIndexOf(".");
  return dot >= 0 ? name.slice(dot) : "";
}

/** The kind of file `path` names by its extension, or `null` when unsupported. */
export function fileKindOf(path: string): FileKind | null {
  return KIND_BY_EXTENSION[readerExtension(path)] ?? null;
}

/**
 * The kind of `path`, or a {@link NoctraError} listing the supported extensions.
 * `context` names the command for the message (e.g. `USE 'x.xlsx'`).
 */
export function requireFileKind(path: string, context: string): FileKind {
  const kind = fileKindOf(path);
  if (kind !== null) return kind;
  const extension = readerExtension(path) || "(none)";
  throw new NoctraError(
    `${context}: unsupported file extension ${extension}; supported: ${
      SUPPORTED_EXTENSIONS.join(", ")
    } (each but .arrow/.feather also as .gz)`,
  );
}

/**
 * The table-function call that reads `path` (e.g. `read_csv('/abs/a.csv', header = true)`).
 * `path` is quoted as a literal; option values are the SQL the user wrote in OPTIONS.
 * TSV files get `delim = '\t'` unless the options set a delimiter.
 */
export function readerCall(path: string, kind: FileKind, options: readonly ReaderOption[]): string {
  const args = [quoteLiteral(path)];
  const keys = new Set(options.map((option) => option.key.toLowerCase()));
  if (kind === "tsv" && !keys.has("delim") && !keys.has("sep") && !keys.has("delimiter")) {
    args.push("delim = '\\t'");
  }
  if (kind === "ndjson" && !keys.has("format")) args.push("format = 'newline_delimited'");
  for (const option of options) args.push(`${option.key} = ${option.valueSql}`);
  const reader = kind === "parquet"
    ? "read_parquet"
    : kind === "csv" || kind === "tsv"
    ? "read_csv"
    : "read_json";
  return `${reader}(${args.join(", ")})`;
}

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

/** Absolute form of a local path (relative paths resolve against the working directory). */
export function absolutePath(path: string): string {
  return isRemote(path) || isAbsolute(path) ? path : resolve(path);
}

/**
 * Checks that a local, non-glob `path` is a readable, non-empty regular file, so the user
 * gets one clear line instead of DuckDB's sniffer errors. Globs and remote paths are left to
 * DuckDB. `context` names the input (e.g. `USE 'a.csv'`). Throws {@link NoctraError}.
 */
export async function checkReadableFile(path: string, context: string): Promise<void> {
  if (isGlob(path) || isRemote(path)) return;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new NoctraError(`${context}: no such file (looked for ${absolutePath(path)})`);
    }
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      throw new NoctraError(`${context}: permission denied reading ${absolutePath(path)}`);
    }
    throw error;
  }
  if (info.isDirectory) {
    throw new NoctraError(
      `${context}: is a directory; name a file, or a glob such as '${
        path.replace(/\/$/, "")
      }/*.csv'`,
    );
  }
  if (info.size === 0) throw new NoctraError(`${context}: file is empty (0 bytes)`);
  try {
    const file = await Deno.open(path, { read: true });
    file.close();
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      throw new NoctraError(`${context}: permission denied reading ${absolutePath(path)}`);
    }
    throw error;
  }
}
