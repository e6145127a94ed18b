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

/** JSON nesting (arrays and objects) at which {@link checkReadableFile} refuses a file. */
export const MAX_JSON_NESTING = 1000;

/** Bytes of a JSON file scanned for nesting depth (DuckDB infers types from the file's start). */
const JSON_NESTING_SCAN_BYTES = 16 * 1024 * 1024;

/**
 * Checks that a local, non-glob `path` can be read, so the user gets one clear line instead of
 * DuckDB's sniffer errors. Globs and remote paths are left to DuckDB. Regular files must be
 * readable and not empty (a file that reports 0 bytes but yields data, as `/proc` files do,
 * passes). FIFOs, character devices (`/dev/stdin`) and sockets are passed to DuckDB, which
 * reads them as streams, without being opened here (opening a FIFO would wait for a writer).
 * JSON files (`.json`, `.ndjson`, `.jsonl`) nested deeper than {@link MAX_JSON_NESTING} levels
 * in their first 16 MiB are refused: DuckDB's type inference recurses once per level on a
 * thread whose stack such a file overflows, which would end the whole process.
 * `context` names the input (e.g. `USE 'a.csv'`). Returns `"stream"` for a FIFO, device or
 * socket, `"file"` for a checked regular file, `"unchecked"` for globs and remote paths.
 * Throws {@link NoctraError}.
 */
export async function checkReadableFile(
  path: string,
  context: string,
): Promise<"file" | "stream" | "unchecked"> {
  if (isGlob(path) || isRemote(path)) return "unchecked";
  const absolute = absolutePath(path);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(absolute);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new NoctraError(`${context}: no such file (looked for ${absolute})`);
    }
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      throw new NoctraError(`${context}: permission denied reading ${absolute}`);
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
  if (!info.isFile) return "stream"; // a FIFO, device or socket: DuckDB reads it as a stream.
  let file: Deno.FsFile;
  try {
    file = await Deno.open(absolute, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      throw new NoctraError(`${context}: permission denied reading ${absolute}`);
    }
    throw error;
  }
  try {
    if (info.size === 0) {
      // /proc and /sys files report 0 bytes and still have content.
      const probe = new Uint8Array(1);
      if ((await file.read(probe)) === null) {
        throw new NoctraError(`${context}: file is empty (0 bytes)`);
      }
      return "file";
    }
    const kind = fileKindOf(absolute);
    if ((kind === "json" || kind === "ndjson") && !/\.(gz|zst)$/i.test(absolute)) {
      const depth = await jsonNestingDepth(file, JSON_NESTING_SCAN_BYTES, MAX_JSON_NESTING);
      if (depth > MAX_JSON_NESTING) {
        throw new NoctraError(
          `${context}: JSON nested more than ${MAX_JSON_NESTING} levels deep; DuckDB's type inference cannot read it here (it would overflow its thread's stack) — flatten the nesting, or read the file as text with read_text(${
            quoteLiteral(path)
          })`,
        );
      }
    }
  } finally {
    file.close();
  }
  return "file";
}

/**
 * The deepest nesting of JSON arrays/objects in the first `maxBytes` of `file` (brackets
 * inside strings do not count); stops early once `limit` is exceeded and returns the depth
 * reached then. Reads from the file's current position.
 */
export async function jsonNestingDepth(
  file: { read(buffer: Uint8Array): Promise<number | null> },
  maxBytes: number,
  limit: number,
): Promise<number> {
  const buffer = new Uint8Array(1024 * 1024);
  let depth = 0;
  let deepest = 0;
  let inString = false;
  let escaped = false;
  let scanned = 0;
  while (scanned < maxBytes) {
    const read = await file.read(buffer);
    if (read === null) break;
    scanned += read;
    for (let index = 0; index < read; index++) {
      const byte = buffer[index]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === 0x5c) escaped = true; // backslash
        else if (byte === 0x22) inString = false; // quote
      } else if (byte === 0x22) {
        inString = true;
      } else if (byte === 0x5b || byte === 0x7b) { // [ {
        depth++;
        if (depth > deepest) {
          deepest = depth;
          if (deepest > limit) return deepest;
        }
      } else if (byte === 0x5d || byte === 0x7d) { // ] }
        if (depth > 0) depth--;
      }
    }
  }
  return deepest;
}
