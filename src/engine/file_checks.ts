/**
 * The checks that turn a missing, empty, unreadable or too deeply nested file into one clear
 * message before DuckDB sees it.
 *
 * @module
 */
import { NoctraError } from "../errors.ts";
import { quoteLiteral } from "../sql_text.ts";
import { fileKindOf } from "./file_readers.ts";
import { absolutePath, isGlob, isRemote } from "./file_paths.ts";

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
  read: { readonly asJson?: boolean } = {},
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
      const probe = new Uint8Array(1);
      if ((await file.read(probe)) === null) {
        throw new NoctraError(`${context}: file is empty (0 bytes)`);
      }
      // /proc and /sys files report 0 bytes and still have content; DuckDB trusts the size and
      // would read nothing, silently.
      throw new NoctraError(
        `${context}: ${absolute} reports a size of 0 bytes but has content (a /proc or /sys file), which DuckDB would read as empty; pipe it in instead: cat ${absolute} | noctra -c "SELECT … FROM read_csv('/dev/stdin')"`,
      );
    }
    const kind = fileKindOf(absolute);
    const json = read.asJson ?? (kind === "json" || kind === "ndjson");
    if (json && !/\.zst$/i.test(absolute)) {
      const depth = /\.gz$/i.test(absolute)
        ? await jsonNestingDepth(
          file.readable.pipeThrough(new DecompressionStream("gzip")).getReader(),
          JSON_NESTING_SCAN_BYTES,
          MAX_JSON_NESTING,
        )
        : await jsonNestingDepth(file, JSON_NESTING_SCAN_BYTES, MAX_JSON_NESTING);
      if (depth > MAX_JSON_NESTING) {
        throw new NoctraError(
          `${context}: JSON nested more than ${MAX_JSON_NESTING} levels deep; DuckDB's type inference cannot read it here (it would overflow its thread's stack) — flatten the nesting, or read the file as text with read_text(${
            quoteLiteral(path)
          })`,
        );
      }
    }
  } finally {
    try {
      file.close();
    } catch { /* closed with its stream */ }
  }
  return "file";
}

/** A stream reader seen as `read(buffer)`, as a file is (for {@link jsonNestingDepth}). */
function readerAsFile(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): { read(buffer: Uint8Array): Promise<number | null> } {
  let pending: Uint8Array | undefined;
  return {
    async read(buffer: Uint8Array): Promise<number | null> {
      if (pending === undefined || pending.length === 0) {
        const next = await reader.read();
        if (next.done) {
          await reader.cancel().catch(() => {});
          return null;
        }
        pending = next.value;
      }
      const count = Math.min(buffer.length, pending.length);
      buffer.set(pending.subarray(0, count));
      pending = pending.subarray(count);
      return count;
    },
  };
}

/**
 * The deepest nesting of JSON arrays/objects in the first `maxBytes` of `source` (brackets
 * inside strings do not count); stops early once `limit` is exceeded and returns the depth
 * reached then. Reads from the file's current position.
 */
export async function jsonNestingDepth(
  source:
    | { read(buffer: Uint8Array): Promise<number | null> }
    | ReadableStreamDefaultReader<Uint8Array>,
  maxBytes: number,
  limit: number,
): Promise<number> {
  const file = "releaseLock" in source ? readerAsFile(source) : source;
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
