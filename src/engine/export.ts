/**
 * `EXPORT (query) | name TO 'path' [FORMAT f] [OPTIONS (…)] [OVERWRITE]`: writes a query's rows
 * to a file, atomically.
 *
 * DuckDB's `COPY … TO` writes PARQUET, CSV, JSON (one array, `ARRAY true`) and JSONL; OPTIONS
 * pass through to COPY (`compression = 'zstd'`, `row_group_size = 100000`, `partition_by =
 * (col)`, `per_thread_output = true`, `header = false`, `delimiter = ';'`, …). ARROW (IPC file)
 * is written by Noctra with apache-arrow from the streamed chunks (DuckDB here has no arrow
 * extension).
 *
 * Atomicity: the rows go to a temporary sibling of the target (`.<name>.noctra-export-<pid>-<id>`,
 * a file or, for partitioned output, a directory). Only when every row was written does it take
 * the target's place: a file is renamed over a file (one atomic rename); otherwise the old target
 * is first renamed aside (`.<name>.noctra-aside-<pid>-<id>`), the new output renamed into place,
 * and the aside copy deleted last. Both renames are synchronous, so a SIGINT/SIGTERM handler
 * never runs between them. A failed or interrupted export (error, Ctrl-C, SIGINT/SIGTERM at any
 * moment) therefore leaves the old target whole or the new one whole, never a mix or nothing, and
 * removes its temporary and aside siblings. A process killed outright (SIGKILL, power loss) can
 * leave siblings behind; the next export to the same target deletes them, and restores the aside
 * copy when the target itself is missing. An existing target is replaced only with OVERWRITE (or
 * `--force`).
 *
 * OPTIONS that name files (`filename_pattern`, `file_extension`) may not leave the target
 * directory (`/`, `\`, `..` and absolute paths are refused), and `append` is refused: an export
 * always writes a complete new target. DuckDB's own `overwrite`/`overwrite_or_ignore` options only
 * ever see the fresh temporary directory, so they cannot write into existing files.
 *
 * Longer than the project's ~500-line guideline: it is due to be split along its ideas (one
 * module per idea) in the architecture work.
 *
 * @module
 */
import { basename, dirname, extname, join } from "node:path";
import type { DuckDBSource, Parameters } from "./sources/duckdb_source.ts";
import { absolutePath } from "./file_readers.ts";
import {
  EXPORT_FORMATS,
  type ExportCommand,
  type ExportFormat,
  type ReaderOption,
} from "../rql/commands.ts";
import { NoctraError } from "../errors.ts";
import type { MessageResult, RowsResult } from "./result.ts";
import { groupedDigits } from "../render/values.ts";

/** What the engine provides to an export: its DuckDB source and a way to stream the query. */
export interface ExportContext {
  readonly duckdb: DuckDBSource;
  /** Bridges SQLite tables and checks files the query reads (before COPY runs it). */
  prepareQuery(query: string): Promise<void>;
  /** Runs the query in DuckDB and returns its streamed rows (for ARROW). */
  streamQuery(query: string): Promise<RowsResult>;
  /** Writes an Arrow IPC file from streamed rows; returns rows written. */
  writeArrow(result: RowsResult, path: string): Promise<number>;
  /** Replace an existing target even without OVERWRITE (`--force`). */
  readonly force: boolean;
  /** Throws when the sandbox forbids writing `path`. */
  checkWrite(path: string): void;
}

const FORMAT_BY_EXTENSION: Readonly<Record<string, ExportFormat>> = {
  ".parquet": "PARQUET",
  ".csv": "CSV",
  ".tsv": "CSV",
  ".json": "JSON",
  ".jsonl": "JSONL",
  ".ndjson": "JSONL",
  ".arrow": "ARROW",
  ".feather": "ARROW",
  ".ipc": "ARROW",
};

/**
 * One export under way: its target and the siblings it may leave (absolute paths). `aside` is
 * where the old target goes during the swap; `duckdbTemporary` is the `tmp_…` file DuckDB writes
 * first when the user passes `use_tmp_file`.
 */
interface Swap {
  readonly target: string;
  readonly temporary: string;
  readonly duckdbTemporary: string;
  readonly aside: string;
  /** `.<name>.noctra-lock-<id>`: locked (flock) while the export runs, deleted last. */
  readonly lock: string;
  /** The open, locked lock file; null once released or where locks are unsupported. */
  lockFile: Deno.FsFile | null;
  /** True while DuckDB (or the Arrow writer) writes the temporary output. */
  writing: boolean;
  /** Asks DuckDB to stop the statement writing the output. */
  readonly interrupt: () => void;
}

/** Exports under way; settled (see {@link settle}) if the process is told to stop. */
const pending = new Set<Swap>();

/** Exit code (130/143) once SIGINT/SIGTERM arrived during an export; null before. */
let stopping: number | null = null;

/** How long a stop signal waits for an interrupted writer before the process ends anyway (ms). */
const STOP_GRACE_MS = 2_000;

/** The format of an export: FORMAT if given, else the target's extension. Throws {@link NoctraError}. */
export function exportFormat(command: Pick<ExportCommand, "format" | "path">): ExportFormat {
  const named = command.format;
  if (named !== undefined) {
    if ((EXPORT_FORMATS as readonly string[]).includes(named)) return named as ExportFormat;
    throw new NoctraError(
      `EXPORT TO '${command.path}': unknown FORMAT ${named}; choose one of ${
        EXPORT_FORMATS.join(", ")
      }`,
    );
  }
  const extension = extname(command.path.replace(/\.(gz|zst)$/i, "")).toLowerCase();
  const format = FORMAT_BY_EXTENSION[extension];
  if (format === undefined) {
    throw new NoctraError(
      `EXPORT TO '${command.path}': cannot tell the format from the extension ${
        extension || "(none)"
      }; add FORMAT ${EXPORT_FORMATS.join("|")}`,
    );
  }
  return format;
}

/** DuckDB COPY option list for a format plus the user's OPTIONS (`key = value` → `key value`). */
export function copyOptions(
  format: ExportFormat,
  path: string,
  options: readonly ReaderOption[],
): string {
  const keys = new Set(options.map((option) => option.key.toLowerCase()));
  const list: string[] = [];
  switch (format) {
    case "PARQUET":
      list.push("FORMAT parquet");
      break;
    case "CSV":
      list.push("FORMAT csv");
      if (!keys.has("header")) list.push("HEADER true");
      if (
        extname(path).toLowerCase() === ".tsv" && !keys.has("delimiter") && !keys.has("delim") &&
        !keys.has("sep")
      ) {
        list.push("DELIMITER '\\t'");
      }
      break;
    case "JSON":
      list.push("FORMAT json");
      if (!keys.has("array")) list.push("ARRAY true");
      break;
    case "JSONL":
      list.push("FORMAT json");
      break;
    case "ARROW":
      break;
  }
  for (const option of options) list.push(`${option.key} ${option.valueSql}`);
  return list.join(", ");
}

/**
 * Options after which DuckDB's COPY writes a directory of files rather than one file:
 * `partition_by`, `per_thread_output` (unless false), `file_size_bytes`, `row_groups_per_file`.
 */
function writesDirectory(options: readonly ReaderOption[]): boolean {
  return options.some((option) => {
    const key = option.key.toLowerCase();
    if (key === "per_thread_output") return !/^(false|0)$/i.test(option.valueSql.trim());
    return key === "partition_by" || key === "file_size_bytes" || key === "row_groups_per_file";
  });
}

/** COPY options whose value becomes part of a file name DuckDB writes. */
const NAME_OPTIONS = new Set(["filename_pattern", "file_extension"]);

/**
 * Refuses OPTIONS that would write anywhere but the export's own output: a `filename_pattern` or
 * `file_extension` that is not a plain quoted name or that holds `/`, `\`, `..` or a drive
 * letter, and `append` unless false (an export writes a complete new target). Throws {@link NoctraError}
 * whose message names the option and what is allowed.
 */
export function checkExportOptions(label: string, options: readonly ReaderOption[]): void {
  for (const option of options) {
    const key = option.key.toLowerCase();
    if (key === "append" && !/^(false|0)$/i.test(option.valueSql.trim())) {
      throw new NoctraError(
        `${label}: OPTIONS ${option.key} is not supported; EXPORT writes a complete new target (add OVERWRITE to replace it, or export to a new name)`,
      );
    }
    if (!NAME_OPTIONS.has(key)) continue;
    const text = option.valueSql.trim();
    const quoted = /^'((?:[^']|'')*)'$/.exec(text);
    const name = quoted ? quoted[1]!.replaceAll("''", "'") : /^\w+$/.test(text) ? text : null;
    if (name === null) {
      throw new NoctraError(
        `${label}: OPTIONS ${option.key} must be a quoted file name such as 'part_{i}', not ${text}`,
      );
    }
    if (/[/\\\0]|\.\./.test(name) || /^[A-Za-z]:/.test(name)) {
      throw new NoctraError(
        `${label}: OPTIONS ${option.key} '${name}' may not contain '/', '\\', '..' or a drive; it names files inside the target directory (letters, digits, '_', '-', '.', and DuckDB's {i}, {uuid}, {uuidv7})`,
      );
    }
  }
}

/**
 * Runs an export. Returns the report (rows, bytes, elapsed ms). Throws {@link NoctraError}: an
 * unknown format, OPTIONS that could write elsewhere ({@link checkExportOptions}), a target that
 * exists (without OVERWRITE), a directory that does not exist or cannot be written, or the
 * query's own failure (also one that fails after some rows were written) — in every case the
 * previous target is left as it was and the temporary output is removed.
 */
export async function runExport(
  context: ExportContext,
  command: ExportCommand,
  parameters: Parameters | undefined,
): Promise<MessageResult> {
  const started = performance.now();
  const format = exportFormat(command);
  const target = absolutePath(command.path);
  const label = `EXPORT TO '${command.path}'`;
  if (format === "ARROW" && command.options.length > 0) {
    throw new NoctraError(`${label}: FORMAT ARROW takes no OPTIONS`);
  }
  checkExportOptions(label, command.options);
  context.checkWrite(target);
  const directory = dirname(target);
  const directoryInfo = statOrNull(directory);
  if (directoryInfo === null || !directoryInfo.isDirectory) {
    throw new NoctraError(`${label}: the directory ${directory} does not exist`);
  }
  recoverInterrupted(target);
  const directoryOutput = writesDirectory(command.options);
  const existing = statOrNull(target);
  if (existing !== null) {
    if (!command.overwrite && !context.force) {
      throw new NoctraError(
        `${label}: the target already exists; add OVERWRITE to the EXPORT (or run with --force) to replace it`,
      );
    }
    if (existing.isDirectory && !directoryOutput) {
      throw new NoctraError(`${label}: ${target} is a directory; name a file`);
    }
  }
  const id = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const temporary = join(directory, `.${basename(target)}.noctra-export-${id}`);
  const swap: Swap = {
    target,
    temporary,
    duckdbTemporary: join(directory, `tmp_${basename(temporary)}`),
    aside: join(directory, `.${basename(target)}.noctra-aside-${id}`),
    lock: join(directory, `.${basename(target)}.noctra-lock-${id}`),
    lockFile: null,
    writing: false,
    interrupt: () => context.duckdb.interrupt(),
  };
  pending.add(swap);
  swap.lockFile = holdLock(swap.lock);
  const stopListening = listenForStop();
  try {
    let rows: number;
    await context.prepareQuery(command.query);
    try {
      swap.writing = true;
      if (format === "ARROW") {
        rows = await context.writeArrow(await context.streamQuery(command.query), temporary);
      } else {
        rows = await context.duckdb.copy(
          command.query,
          temporary,
          copyOptions(format, target, command.options),
          parameters,
        );
      }
    } catch (error) {
      exitIfStopping(swap);
      const kept = existing === null ? "" : ", the previous target is unchanged";
      throw new NoctraError(
        `${label}: ${describeWriteError(error, directory)}; nothing was written${kept}`,
        undefined,
        { cause: error },
      );
    } finally {
      swap.writing = false;
    }
    exitIfStopping(swap);
    const written = statOrNull(temporary);
    if (written === null) {
      throw new NoctraError(`${label}: the export wrote no output; nothing was written`);
    }
    if (existing?.isDirectory && !written.isDirectory) {
      throw new NoctraError(`${label}: ${target} is a directory; name a file`);
    }
    const bytes = sizeOf(temporary);
    try {
      putInPlace(swap, written.isDirectory);
    } catch (error) {
      throw new NoctraError(
        `${label}: cannot put the new output in place (${
          describeWriteError(error, directory)
        }); the previous target is unchanged`,
        undefined,
        { cause: error },
      );
    }
    // The old target, now aside, goes last; a signal during this settles the swap (deletes it).
    await removeAsync(swap.aside);
    const elapsed = performance.now() - started;
    return {
      kind: "message",
      message: `exported ${groupedDigits(rows)} rows to ${target} (${format}, ${
        groupedDigits(bytes)
      } bytes, ${elapsed.toFixed(0)} ms)`,
      rowsChanged: rows,
      report: true,
    };
  } finally {
    settle(swap);
    pending.delete(swap);
    stopListening();
  }
}

/**
 * Replaces the target with the temporary output. A file over a file (or over nothing) is one
 * rename. Otherwise the old target is renamed aside, then the output into place; if that second
 * rename fails the old target is renamed back. Synchronous on purpose: no signal handler can run
 * between the two renames. Throws the operating system's error.
 */
function putInPlace(swap: Swap, outputIsDirectory: boolean): void {
  const old = lstatOrNull(swap.target);
  if (old === null || (!outputIsDirectory && !old.isDirectory)) {
    Deno.renameSync(swap.temporary, swap.target);
    return;
  }
  Deno.renameSync(swap.target, swap.aside);
  try {
    Deno.renameSync(swap.temporary, swap.target);
  } catch (error) {
    Deno.renameSync(swap.aside, swap.target);
    throw error;
  }
}

/**
 * Brings an export's siblings to a whole state, whatever moment it was stopped at: if the target
 * is missing and the aside copy exists, the old target is renamed back; then the temporary output
 * and, once a target is in place, the aside copy are deleted. Never throws.
 */
function settle(swap: Swap): void {
  if (lstatOrNull(swap.target) === null && lstatOrNull(swap.aside) !== null) {
    try {
      Deno.renameSync(swap.aside, swap.target);
    } catch { /* left for the next export to restore */ }
  }
  removeQuietly(swap.temporary);
  removeQuietly(swap.duckdbTemporary);
  if (lstatOrNull(swap.target) !== null) removeQuietly(swap.aside);
  // The lock file goes last; it stays (unlocked) beside an aside copy that could not be put back,
  // so the next export to the target recovers that copy.
  if (lstatOrNull(swap.aside) === null) removeQuietly(swap.lock);
  try {
    swap.lockFile?.close();
  } catch { /* closed already */ }
  swap.lockFile = null;
}

/**
 * Creates and locks (exclusive flock) the lock file that tells other processes this export is
 * alive. Returns the open file, or null when it cannot be created or locked (the export still
 * runs; its siblings then count as stale only after {@link STALE_AFTER_MS}).
 */
function holdLock(path: string): Deno.FsFile | null {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { write: true, createNew: true });
  } catch {
    return null;
  }
  try {
    file.lockSync(true);
  } catch { /* no locks on this file system: the file alone marks the export */ }
  return file;
}

/** A sibling an export of `target` leaves while it runs: its base name, kind and export id. */
const SIBLING = /^(tmp_)?\.(.+)\.noctra-(export|aside|lock)-((\d+)-[0-9a-f]{8})$/;

/** A sibling whose export has a lock file that cannot be tested counts as stale after this long. */
const STALE_AFTER_MS = 10 * 60_000;

/**
 * Cleans up after exports to `target` that were killed outright (SIGKILL, power loss): their
 * temporary outputs are deleted; an aside copy is renamed back when the target is missing (the
 * export was killed between its two renames), else deleted; then their lock files. Exports still
 * running — pending in this process, or another process holding its lock file — are left alone.
 * Never throws; does nothing where the directory cannot be read and written without asking.
 */
function recoverInterrupted(target: string): void {
  const directory = dirname(target);
  const name = basename(target);
  if (!granted({ name: "read", path: directory }) || !granted({ name: "write", path: directory })) {
    return;
  }
  const ours = new Set<string>();
  for (const swap of pending) ours.add(basename(swap.lock).slice(`.${name}.noctra-lock-`.length));
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(directory)];
  } catch {
    return;
  }
  const exports = new Map<string, { kind: string; path: string }[]>();
  for (const entry of entries) {
    const match = SIBLING.exec(entry.name);
    if (match === null || match[2] !== name || ours.has(match[4]!)) continue;
    const kind = match[1] === undefined ? match[3]! : "export";
    const siblings = exports.get(match[4]!) ?? [];
    siblings.push({ kind, path: join(directory, entry.name) });
    exports.set(match[4]!, siblings);
  }
  for (const [id, siblings] of exports) {
    const lock = join(directory, `.${name}.noctra-lock-${id}`);
    if (!exportEnded(Number(id.split("-")[0]), lock, siblings[0]!.path)) continue;
    for (const sibling of siblings) {
      if (sibling.kind === "export") removeQuietly(sibling.path);
    }
    let kept = false;
    for (const sibling of siblings) {
      if (sibling.kind !== "aside") continue;
      if (lstatOrNull(target) === null) {
        try {
          Deno.renameSync(sibling.path, target);
          continue;
        } catch { /* keep it rather than lose it */ }
      }
      if (lstatOrNull(target) !== null) removeQuietly(sibling.path);
      else kept = true;
    }
    if (!kept) removeQuietly(lock);
  }
}

/**
 * Whether the export that left a sibling has ended: it ran in this process (and is not pending),
 * its lock file is gone (it is created before and deleted after every other sibling), or no
 * process holds the lock any more. Where the lock cannot be tested, a sibling untouched for
 * {@link STALE_AFTER_MS} counts as ended.
 */
function exportEnded(pid: number, lock: string, sibling: string): boolean {
  if (pid === Deno.pid) return true;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(lock, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    return untouchedFor(sibling, STALE_AFTER_MS);
  }
  try {
    if (!file.tryLockSync(true)) return false;
    file.unlockSync();
    return true;
  } catch {
    return untouchedFor(sibling, STALE_AFTER_MS);
  } finally {
    file.close();
  }
}

function untouchedFor(path: string, milliseconds: number): boolean {
  const modified = lstatOrNull(path)?.mtime?.getTime();
  return modified !== undefined && Date.now() - modified > milliseconds;
}

/** Whether Deno already grants `permission` (asking never prompts the user). */
function granted(permission: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(permission).state === "granted";
  } catch {
    return false;
  }
}

function describeWriteError(error: unknown, directory: string): string {
  if (error instanceof NoctraError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  if (/no space left/i.test(message)) return `the disk holding ${directory} is full`;
  if (/permission denied/i.test(message)) return `cannot write in ${directory} (permission denied)`;
  return message.split("\n")[0]!.trim();
}

function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}

/** Size in bytes of a file, or of all files under a directory. */
function sizeOf(path: string): number {
  const info = statOrNull(path);
  if (info === null) return 0;
  if (!info.isDirectory) return info.size;
  let total = 0;
  for (const entry of Deno.readDirSync(path)) total += sizeOf(join(path, entry.name));
  return total;
}

function lstatOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.lstatSync(path);
  } catch {
    return null;
  }
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch { /* not there */ }
}

async function removeAsync(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch { /* not there, or settled by a stop signal meanwhile */ }
}

/** How many exports currently listen for stop signals (one set of listeners serves them all). */
let listening = 0;

const stopHandlers: readonly [Deno.Signal, () => void][] = [
  ["SIGINT", () => stop(130)],
  ["SIGTERM", () => stop(143)],
];

/**
 * While an export runs, SIGINT/SIGTERM settle it (see {@link settle}: old or new target whole,
 * siblings removed) before the process ends (exit 130/143). Returns the function that stops
 * listening; no-op on Windows.
 */
function listenForStop(): () => void {
  if (Deno.build.os === "windows") return () => {};
  if (listening++ === 0) {
    for (const [signal, handler] of stopHandlers) Deno.addSignalListener(signal, handler);
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--listening === 0) {
      for (const [signal, handler] of stopHandlers) Deno.removeSignalListener(signal, handler);
    }
  };
}

/**
 * Settles every pending export at once (the old target stays, or the new one, whole). An export
 * whose writer is still running is interrupted: DuckDB may otherwise create files in the removed
 * temporary directory, so the process ends when the writer has stopped ({@link exitIfStopping}),
 * or after {@link STOP_GRACE_MS}. A second signal ends the process at once.
 */
function stop(code: number): void {
  const again = stopping !== null;
  stopping ??= code;
  let writing = false;
  for (const swap of pending) {
    settle(swap);
    if (swap.writing && !again) {
      writing = true;
      swap.interrupt();
    }
  }
  if (!writing) Deno.exit(stopping);
  setTimeout(() => {
    for (const swap of pending) settle(swap);
    Deno.exit(code);
  }, STOP_GRACE_MS);
}

/** After the writer stopped: if a stop signal came meanwhile, settle and end the process. */
function exitIfStopping(swap: Swap): void {
  if (stopping === null) return;
  settle(swap);
  Deno.exit(stopping);
}
