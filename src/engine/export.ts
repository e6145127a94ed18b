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
 * Atomicity: the rows go to a temporary name beside the target (`.<name>.noctra-export-…`),
 * renamed over the target only when everything was written. A failed or interrupted export
 * (error, Ctrl-C, SIGINT/SIGTERM) removes the temporary file and leaves no target. An existing
 * target is replaced only with OVERWRITE (or `--force`).
 *
 * @module
 */
import { basename, dirname, extname, join } from "node:path";
import type { DuckDBSource, Parameters } from "./duckdb_source.ts";
import { absolutePath } from "./file_readers.ts";
import {
  EXPORT_FORMATS,
  type ExportCommand,
  type ExportFormat,
  type ReaderOption,
} from "../rql/commands.ts";
import { NoctraError } from "../errors.ts";
import type { MessageResult, RowsResult } from "./result.ts";

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

/** Temporary paths of exports under way, removed if the process is told to stop. */
const pending = new Set<string>();

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

function writesDirectory(options: readonly ReaderOption[]): boolean {
  return options.some((option) => {
    const key = option.key.toLowerCase();
    return key === "partition_by" ||
      (key === "per_thread_output" && !/^(false|0)$/i.test(option.valueSql.trim()));
  });
}

/**
 * Runs an export. Returns the report (rows, bytes, elapsed ms). Throws {@link NoctraError}: an
 * unknown format, a target that exists (without OVERWRITE), a directory that does not exist or
 * cannot be written, or the query's own failure — in every case nothing is left behind.
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
  context.checkWrite(target);
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
  const directory = dirname(target);
  const directoryInfo = statOrNull(directory);
  if (directoryInfo === null || !directoryInfo.isDirectory) {
    throw new NoctraError(`${label}: the directory ${directory} does not exist`);
  }
  const temporary = join(
    directory,
    `.${basename(target)}.noctra-export-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`,
  );
  pending.add(temporary);
  const stopListening = listenForStop();
  try {
    let rows: number;
    await context.prepareQuery(command.query);
    try {
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
      throw new NoctraError(
        `${label}: ${describeWriteError(error, directory)}; nothing was written`,
        undefined,
        {
          cause: error,
        },
      );
    }
    const bytes = sizeOf(temporary);
    if (existing !== null && existing.isDirectory) await Deno.remove(target, { recursive: true });
    await Deno.rename(temporary, target);
    const elapsed = performance.now() - started;
    return {
      kind: "message",
      message: `exported ${rows.toLocaleString("en-US")} rows to ${target} (${format}, ${
        bytes.toLocaleString("en-US")
      } bytes, ${elapsed.toFixed(0)} ms)`,
      rowsChanged: rows,
      report: true,
    };
  } finally {
    removeQuietly(temporary);
    pending.delete(temporary);
    stopListening();
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

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch { /* not there */ }
}

/**
 * While an export runs, SIGINT/SIGTERM remove its temporary output before the process ends
 * (exit 130/143), so an interrupted export leaves nothing behind.
 */
function listenForStop(): () => void {
  if (Deno.build.os === "windows") return () => {};
  const handlers: [Deno.Signal, () => void][] = [
    ["SIGINT", () => stop(130)],
    ["SIGTERM", () => stop(143)],
  ];
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  };
}

function stop(code: number): void {
  for (const path of pending) removeQuietly(path);
  Deno.exit(code);
}
