/**
 * What an export writes: its format (FORMAT, else the target's extension) and the option list
 * of DuckDB's `COPY … TO` for it, with the checks that keep OPTIONS inside the export's own
 * output.
 *
 * DuckDB's `COPY … TO` writes PARQUET, CSV, JSON (one array, `ARRAY true`) and JSONL; OPTIONS
 * pass through to COPY (`compression = 'zstd'`, `row_group_size = 100000`, `partition_by =
 * (col)`, `per_thread_output = true`, `header = false`, `delimiter = ';'`, …). ARROW (IPC file)
 * is written by Noctra with apache-arrow from the streamed chunks (DuckDB here has no arrow
 * extension).
 *
 * OPTIONS that name files (`filename_pattern`, `file_extension`) may not leave the target
 * directory (`/`, `\`, `..` and absolute paths are refused), and `append` is refused: an export
 * always writes a complete new target. DuckDB's own `overwrite`/`overwrite_or_ignore` options only
 * ever see the fresh temporary directory, so they cannot write into existing files.
 *
 * @module
 */
import { extname } from "node:path";
import type { ReaderOption } from "../rql/commands/reader_option.ts";
import { NoctraError } from "../errors.ts";

/** Export formats: DuckDB's COPY writes all but ARROW (apache-arrow). */
export type ExportFormat = "PARQUET" | "CSV" | "JSON" | "JSONL" | "ARROW";

/** Export formats in the order error messages list them. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ["PARQUET", "CSV", "JSON", "JSONL", "ARROW"];

/** What an export is asked to write (the fields of `EXPORT … TO …`). */
export interface ExportRequest {
  /** The query's SQL text: the parenthesised query, or `SELECT * FROM name`. */
  readonly query: string;
  /** The target as written (relative paths resolve against the working directory). */
  readonly path: string;
  /** FORMAT as written (upper case), or undefined to follow the extension. */
  readonly format: string | undefined;
  /** OPTIONS, passed to DuckDB's COPY (their values as written). */
  readonly options: readonly ReaderOption[];
  /** OVERWRITE: an existing target may be replaced. */
  readonly overwrite: boolean;
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

/** The format of an export: FORMAT if given, else the target's extension. Throws {@link NoctraError}. */
export function exportFormat(command: Pick<ExportRequest, "format" | "path">): ExportFormat {
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
export function writesDirectory(options: readonly ReaderOption[]): boolean {
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
