/**
 * The local files a session's statements read: the sandbox's read check and a readability check
 * before an engine opens them (so the message names the file and the flag, not the kernel's bare
 * "Permission denied"), the streams among them (FIFOs, devices: read once, never prepared twice,
 * released on interrupt), and Arrow IPC files, which DuckDB here cannot scan and which are
 * loaded into tables named as the path is written.
 *
 * @module
 */
import { closeSync, constants as fsConstants, openSync } from "node:fs";
import type { DuckDBSource } from "./sources/duckdb_source.ts";
import { fileKindOf } from "./file_readers.ts";
import { absolutePath, isGlob, isRemote } from "./file_paths.ts";
import { checkReadableFile } from "./file_checks.ts";
import { FILE_READING_FUNCTIONS, type StatementRelations } from "./relations.ts";
import { quoteLiteral } from "../sql_text.ts";
import { checkRead, type SandboxPolicy } from "../sandbox/policy.ts";

/**
 * The Arrow IPC file module (arrow/ipc_file.ts). apache-arrow is large: it is loaded on the first
 * Arrow read or write, not at start-up.
 */
export function arrowIpcFile(): Promise<typeof import("./arrow/ipc_file.ts")> {
  return import("./arrow/ipc_file.ts");
}

/** Most files of one glob whose JSON nesting is checked before a JSON reader scans them. */
const MAX_GLOB_CHECKS = 1000;

/** Whether `path` names a JSON or NDJSON file by its extension (`.json.gz` too). */
function isJsonKind(path: string): boolean {
  const kind = fileKindOf(path);
  return kind === "json" || kind === "ndjson";
}

/** Checks and loads the files a session's statements read (see the module). */
export class FileInputs {
  readonly #duckdb: DuckDBSource;
  readonly #sandbox: SandboxPolicy;
  /** FIFOs and devices the statements of this session read (see {@link releaseWaitingReaders}). */
  readonly #streamInputs = new Set<string>();
  /** Arrow files loaded for `FROM 'file.arrow'`: table name → file signature. */
  readonly #arrowTables = new Map<string, string>();

  /** Files read through `duckdb`, confined by `sandbox`. */
  constructor(duckdb: DuckDBSource, sandbox: SandboxPolicy) {
    this.#duckdb = duckdb;
    this.#sandbox = sandbox;
  }

  /**
   * Checks the sandbox's read permission, then that the file is there and readable (`read.asJson`:
   * also that a JSON reader can infer its types); `context` starts the error message. Returns
   * true when the file is a stream, which is then remembered for {@link releaseWaitingReaders}.
   * Throws {@link NoctraError}.
   */
  async checkReadable(
    path: string,
    context: string,
    read: { readonly asJson?: boolean } = {},
  ): Promise<boolean> {
    checkRead(this.#sandbox, isGlob(path) ? globRoot(path) : absolutePath(path), context);
    if (isGlob(path) && !isRemote(path) && (read.asJson ?? isJsonKind(path))) {
      // Each file a JSON reader would infer types from: its nesting could end the process.
      for (const match of await this.#globMatches(path)) {
        await checkReadableFile(match, context, { asJson: true });
      }
      return false;
    }
    const stream = await checkReadableFile(path, context, read) === "stream";
    if (stream) this.#streamInputs.add(absolutePath(path));
    return stream;
  }

  /**
   * The first {@link MAX_GLOB_CHECKS} files DuckDB's `glob()` finds for the local `pattern`
   * (bound as a parameter), as DuckDB will read them.
   */
  async #globMatches(pattern: string): Promise<string[]> {
    const rows = await this.#duckdb.readAll(
      `SELECT file FROM glob($1::VARCHAR) LIMIT ${MAX_GLOB_CHECKS}`,
      [pattern],
    );
    return rows.map(([file]) => String(file));
  }

  /**
   * Checks local files named by replacement scans and reader functions (`isFileView` tells the
   * names that are views, not files). Returns true when one of them is a stream (a FIFO or device
   * such as `/dev/stdin`), which can be read only once: the statement must then run without
   * being prepared first. Throws {@link NoctraError}.
   */
  async checkFiles(
    relations: StatementRelations | null,
    isFileView: (name: string) => boolean,
  ): Promise<boolean> {
    if (relations === null) return false;
    let readsStream = false;
    for (const table of relations.tables) {
      if (table.catalog !== "" || table.schema !== "") continue;
      if (isFileView(table.table)) continue;
      const kind = fileKindOf(table.table);
      const looksLikeFile = table.table.includes("/") || kind !== null || isGlob(table.table);
      if (looksLikeFile && await this.checkReadable(table.table, quoteLiteral(table.table))) {
        readsStream = true;
      }
      if (kind === "arrow") await this.loadArrowReplacement(table.table);
    }
    for (const fn of relations.tableFunctions) {
      if (!FILE_READING_FUNCTIONS.has(fn.name)) continue;
      const paths = fn.firstArgument !== undefined ? [fn.firstArgument] : fn.listArgument ?? [];
      for (const path of paths) {
        const stream = await this.checkReadable(
          path,
          `${fn.name}(${quoteLiteral(path)})`,
          // A JSON reader infers types, whatever the extension; read_text/read_blob do not.
          { asJson: /^read_(nd)?json/i.test(fn.name) },
        );
        if (stream) readsStream = true;
      }
    }
    return readsStream;
  }

  /**
   * `FROM 'file.arrow'`: DuckDB has no Arrow reader here, so the file is loaded into a table
   * named exactly as the path is written — DuckDB's binder finds a table of that name before it
   * tries a replacement scan. Reloaded when the file's size or mtime changes.
   */
  async loadArrowReplacement(name: string): Promise<void> {
    const info = Deno.statSync(name);
    const signature = `${absolutePath(name)}:${info.size}:${info.mtime?.getTime() ?? 0}`;
    if (this.#arrowTables.get(name) === signature) return;
    await (await arrowIpcFile()).loadArrowIpcIntoDuckDB(this.#duckdb, name, {
      catalog: "memory",
      schema: "main",
      name,
    });
    this.#arrowTables.set(name, signature);
  }

  /**
   * Ends the wait of DuckDB blocked opening a FIFO this session reads, which an interrupt cannot
   * reach: opening the FIFO for writing (without blocking) and closing it again ends that wait
   * with EOF. Never throws.
   */
  releaseWaitingReaders(): void {
    for (const path of this.#streamInputs) releaseFifoReader(path);
  }
}

/**
 * Ends a wait of a reader blocked opening the FIFO at `path` (DuckDB waiting for a writer):
 * opens it for writing without blocking and closes it, so the reader sees end of file. Does
 * nothing when no reader waits (the open fails with ENXIO) or `path` is not a FIFO.
 */
function releaseFifoReader(path: string): void {
  try {
    if (!Deno.statSync(path).isFifo) return;
    const descriptor = openSync(path, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
    closeSync(descriptor);
  } catch { /* no reader is waiting, or the FIFO is gone */ }
}

/** The part of a glob before its first wildcard, as a directory. */
function globRoot(path: string): string {
  const wildcard = path.search(/[*?[]/);
  const prefix = wildcard < 0 ? path : path.slice(0, wildcard);
  const slash = prefix.lastIndexOf("/");
  return slash <= 0 ? (slash === 0 ? "/" : ".") : prefix.slice(0, slash);
}
