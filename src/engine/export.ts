/**
 * `EXPORT (query) | name TO 'path' [FORMAT f] [OPTIONS (…)] [OVERWRITE]`, as the engine writes
 * it: a query's rows to a file, atomically.
 *
 * The format and DuckDB's COPY options come from export_formats.ts; DuckDB's `COPY … TO` writes
 * PARQUET, CSV, JSON and JSONL, and ARROW (IPC file) is written by Noctra from the streamed
 * chunks. The rows always go to a temporary sibling of the target, which takes the target's
 * place only once complete (target_swap.ts): a failed, interrupted or stopped export leaves the
 * old target whole. An existing target is replaced only with OVERWRITE (or `--force`).
 *
 * @module
 */
import { dirname } from "node:path";
import type { DuckDBSource, Parameters } from "./sources/duckdb_source.ts";
import { absolutePath } from "./file_paths.ts";
import {
  checkExportOptions,
  copyOptions,
  exportFormat,
  type ExportRequest,
  writesDirectory,
} from "./export_formats.ts";
import {
  beginSwap,
  endSwap,
  exitIfStopping,
  putInPlace,
  recoverInterrupted,
  removeAside,
  sizeOf,
  statOrNull,
} from "./target_swap.ts";
import { firstLine } from "./first_line.ts";
import { arrowIpcFile } from "./file_inputs.ts";
import { NoctraError } from "../errors.ts";
import type { MessageResult, RowsResult } from "./result.ts";
import { groupedDigits } from "../render/values.ts";

/** What the engine provides to an export: its DuckDB source and a way to stream the query. */
export interface ExportContext {
  /** Runs COPY … TO, and is interrupted when a stop signal arrives mid-write. */
  readonly duckdb: DuckDBSource;
  /** Bridges SQLite tables and checks files the query reads (before COPY runs it). */
  prepareQuery(query: string): Promise<void>;
  /** Replace an existing target even without OVERWRITE (`--force`). */
  readonly force: boolean;
  /** Throws when the sandbox forbids writing `path`. */
  checkWrite(path: string): void;
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
  command: ExportRequest,
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
  const swap = beginSwap(target, () => context.duckdb.interrupt());
  const temporary = swap.temporary;
  try {
    let rows: number;
    await context.prepareQuery(command.query);
    try {
      swap.writing = true;
      if (format === "ARROW") {
        const result = await context.duckdb.stream(command.query, parameters) as RowsResult;
        rows = (await (await arrowIpcFile()).writeArrowIpcFile(result, temporary)).rows;
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
    await removeAside(swap);
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
    endSwap(swap);
  }
}

/** A write failure as the export reports it: a full disk or a refused directory in words. */
function describeWriteError(error: unknown, directory: string): string {
  if (error instanceof NoctraError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  if (/no space left/i.test(message)) return `the disk holding ${directory} is full`;
  if (/permission denied/i.test(message)) return `cannot write in ${directory} (permission denied)`;
  return firstLine(error);
}
