/**
 * File views: `USE 'file' AS alias` creates a view in DuckDB's default catalog
 * (`memory.main.alias`) over the reader call for the file (`read_csv(…)`, `read_parquet(…)`, …),
 * so the file is read in place by every query that names the alias. Arrow IPC files, which
 * DuckDB here cannot scan, are loaded into a table of that name instead.
 *
 * @module
 */
import type { DuckDBSource } from "./sources/duckdb_source.ts";
import { type FileKind, readerCall, readerOptionNames, requireFileKind } from "./file_readers.ts";
import { absolutePath, defaultAlias } from "./file_paths.ts";
import { arrowIpcFile, type FileInputs } from "./file_inputs.ts";
import { firstLine } from "./first_line.ts";
import type { ReaderOption } from "../rql/commands/reader_option.ts";
import { quoteIdentifier } from "../sql_text.ts";
import { NoctraError } from "../errors.ts";

/** A view that `USE` registered over a file. */
export interface FileView {
  /** View name in DuckDB's default catalog. */
  readonly alias: string;
  /** Absolute path or glob (remote URLs as written). */
  readonly path: string;
  /** The file's kind, from its extension: which reader DuckDB uses. */
  readonly kind: FileKind;
  /** The reader options of `USE … OPTIONS (…)`, passed to the reader call. */
  readonly options: readonly ReaderOption[];
}

/**
 * Creates (or replaces) the view `alias` (default: the file's stem) over the file at `rawPath`
 * with the reader `options`, after the file's kind, the sandbox and the file itself have been
 * checked (`files`). Returns the view; registering it in the session is the caller's. Throws
 * {@link NoctraError} naming `USE 'rawPath'`.
 */
export async function createFileView(
  duckdb: DuckDBSource,
  files: FileInputs,
  rawPath: string,
  aliasOrUndefined: string | undefined,
  options: readonly ReaderOption[],
): Promise<FileView> {
  const context = `USE '${rawPath}'`;
  const kind = requireFileKind(rawPath, context);
  await files.checkReadable(rawPath, context);
  const path = absolutePath(rawPath);
  const alias = aliasOrUndefined ?? defaultAlias(rawPath);
  if (kind === "arrow") {
    // DuckDB here has no arrow extension: the file is read into a table (not a lazy view).
    if (options.length > 0) throw new NoctraError(`${context}: Arrow files take no OPTIONS`);
    await (await arrowIpcFile()).loadArrowIpcIntoDuckDB(duckdb, path, {
      catalog: "memory",
      schema: "main",
      name: alias,
    });
  } else {
    const reader = readerCall(path, kind, options, {
      knownOptions: await readerOptionNames(duckdb, kind),
      context,
    });
    try {
      // DuckDB cannot bind parameters inside a view body, so the path is a quoted literal.
      await duckdb.run(
        `CREATE OR REPLACE VIEW memory.main.${quoteIdentifier(alias)} AS SELECT * FROM ${reader}`,
      );
    } catch (error) {
      throw new NoctraError(`${context}: ${firstLine(error)}`, undefined, { cause: error });
    }
  }
  return { alias, path, kind, options };
}

/** Drops the view (or, for an Arrow file, the table) behind `view` from DuckDB's catalog. */
export async function dropFileView(duckdb: DuckDBSource, view: FileView): Promise<void> {
  const relation = view.kind === "arrow" ? "TABLE" : "VIEW";
  await duckdb.run(`DROP ${relation} IF EXISTS memory.main.${quoteIdentifier(view.alias)}`);
}
