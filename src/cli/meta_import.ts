/**
 * `.import [--csv|--json|--parquet] [--OPTION VALUE]… FILE TABLE`, as the DuckDB CLI's: loads
 * FILE into TABLE — `CREATE TABLE … AS SELECT * FROM read_…(FILE)` when TABLE does not exist,
 * else `INSERT INTO … SELECT …`. The reader follows the extension (`.csv`/`.tsv`/`.tbl` →
 * `read_csv`, `.json`/`.jsonl`/`.ndjson` → `read_json`, `.parquet` → `read_parquet`, each also
 * `.gz`/`.zst`; anything else is read as CSV), and CSV rows that do not parse are skipped
 * (`ignore_errors = true`) unless `--ignore_errors false` is given, as DuckDB does.
 *
 * The file name and option values are bound as prepared-statement parameters, never written
 * into the SQL; option names must be plain identifiers. TABLE may be `name`, `schema.name` or
 * `alias.name` for a SQLite attachment; each part is quoted. The file is checked as a SELECT
 * over it is: the sandbox's directories, then that it exists and can be read.
 *
 * @module
 */
import { describeError, NoctraError } from "../errors.ts";
import { quoteIdentifier } from "../sql_text.ts";
import { absolutePath, isGlob } from "../engine/file_paths.ts";
import { checkReadableFile } from "../engine/file_checks.ts";
import { checkRead } from "../sandbox/policy.ts";
import { commandWords } from "./meta_words.ts";
import type { MetaContext, MetaResult } from "./meta_types.ts";

type Reader = "read_csv" | "read_json" | "read_parquet";

/** Extensions (before `.gz`/`.zst`) → reader, as the DuckDB CLI's `.import` chooses. */
const READER_BY_EXTENSION: Readonly<Record<string, Reader>> = {
  ".csv": "read_csv",
  ".tsv": "read_csv",
  ".tbl": "read_csv",
  ".json": "read_json",
  ".jsonl": "read_json",
  ".ndjson": "read_json",
  ".parquet": "read_parquet",
};

/** The variable names the file and option values are bound through (see the module). */
const FILE_VARIABLE = "noctra_import_file";
const OPTION_VARIABLE = "noctra_import_option_";

/** What `.import`'s words ask for. */
interface ImportRequest {
  readonly file: string;
  readonly table: string;
  /** The reader chosen by `--csv`/`--json`/`--parquet`, else undefined (by extension). */
  readonly reader: Reader | undefined;
  /** `--NAME VALUE` options, in order. */
  readonly options: readonly (readonly [string, string])[];
}

const USAGE = "expected [--csv|--json|--parquet] [--OPTION VALUE]… FILE TABLE";

/** Reads `.import`'s words; throws {@link NoctraError} naming what is wrong. */
function parseImport(word: string, argument: string): ImportRequest {
  const words = commandWords(word, argument);
  const positional: string[] = [];
  const options: [string, string][] = [];
  let reader: Reader | undefined;
  for (let index = 0; index < words.length; index++) {
    const text = words[index]!;
    if (!text.startsWith("-") || text === "-") {
      positional.push(text);
      continue;
    }
    const name = text.replace(/^--?/, "");
    if (name === "csv" || name === "json" || name === "parquet") {
      reader = `read_${name}`;
    } else if (name === "v") {
      // DuckDB's "verbose": nothing to do.
    } else {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new NoctraError(`${word}: ${text}: an option name is a plain name (--header false)`);
      }
      const value = words[++index];
      if (value === undefined) throw new NoctraError(`${word}: ${text}: expected a value after it`);
      options.push([name, value]);
    }
  }
  const [file, table, ...extra] = positional;
  if (file === undefined || table === undefined || extra.length > 0) {
    throw new NoctraError(`${word}: ${USAGE}`);
  }
  return { file, table, reader, options };
}

/** The reader for `file` by its extension; read_csv when none matches, as DuckDB does. */
function readerFor(word: string, file: string): Reader {
  const name = file.toLowerCase().replace(/\.(gz|zst)$/, "");
  if (/\.(arrow|feather|ipc)$/.test(name)) {
    throw new NoctraError(
      `${word} ${file}: Arrow files are read by Noctra, not by a DuckDB reader; use CREATE TABLE name AS SELECT * FROM '${file}'`,
    );
  }
  const extension = /\.[^./\\]+$/.exec(name)?.[0] ?? "";
  return READER_BY_EXTENSION[extension] ?? "read_csv";
}

/** The part of a glob before its first wildcard, as a directory (what the sandbox checks). */
function globRoot(path: string): string {
  const wildcard = path.search(/[*?[]/);
  const prefix = wildcard < 0 ? path : path.slice(0, wildcard);
  const slash = prefix.lastIndexOf("/");
  return slash <= 0 ? (slash === 0 ? "/" : ".") : prefix.slice(0, slash);
}

/** TABLE (`name`, `schema.name`, `alias.name`, `db.schema.name`) with each part quoted. */
function quotedTable(word: string, table: string): string {
  const parts = table.split(".");
  if (parts.length > 3 || parts.some((part) => part === "")) {
    throw new NoctraError(
      `${word}: ${table}: expected TABLE as name, schema.name or alias.name (a SQLite attachment)`,
    );
  }
  return parts.map(quoteIdentifier).join(".");
}

/** Whether `table` (quoted) names a table or view the session can read. */
async function tableExists(context: MetaContext, table: string): Promise<boolean> {
  let result;
  try {
    result = await context.execute(`SELECT * FROM ${table} LIMIT 0`);
  } catch {
    return false;
  }
  if (result.kind === "rows") { for await (const _ of result.chunks()) { /* releases it */ } }
  return true;
}

/**
 * Runs `.import` (typed as `word` with `argument`): checks the file as a SELECT over it is
 * checked (sandbox, existence, readability, JSON nesting), then creates or appends to the
 * table. Returns a `set` result saying what it did (the REPL shows it; scripts stay silent, as
 * DuckDB's). Throws {@link NoctraError} for bad words, a refused or unreadable file, a pipe or
 * device (read once, but a prepared statement reads it twice), and for the statement's error
 * (`.import FILE: …`).
 */
export async function importFile(
  word: string,
  argument: string,
  context: MetaContext,
): Promise<MetaResult> {
  const request = parseImport(word, argument);
  const { file } = request;
  const label = `${word} ${file}`;
  const reader = request.reader ?? readerFor(word, file);
  const table = quotedTable(word, request.table);
  checkRead(context.sandbox, isGlob(file) ? globRoot(file) : absolutePath(file), label);
  const kind = await checkReadableFile(file, label, { asJson: reader === "read_json" });
  if (kind === "stream") {
    throw new NoctraError(
      `${label}: a pipe or device can be read only once, and .import would read it twice; use CREATE TABLE name AS SELECT * FROM ${reader}('${file}')`,
    );
  }
  const texts: Record<string, string> = { [FILE_VARIABLE]: file };
  let call = `${reader}(#${FILE_VARIABLE}`;
  const options = [...request.options];
  if (reader === "read_csv" && !options.some(([name]) => name.toLowerCase() === "ignore_errors")) {
    options.push(["ignore_errors", "true"]);
  }
  options.forEach(([name, value], index) => {
    texts[OPTION_VARIABLE + index] = value;
    call += `, ${name} = #${OPTION_VARIABLE}${index}`;
  });
  call += ")";
  const exists = await tableExists(context, table);
  const statement = exists
    ? `INSERT INTO ${table} SELECT * FROM ${call}`
    : `CREATE TABLE ${table} AS SELECT * FROM ${call}`;
  let result;
  try {
    result = await context.executeWithTexts(statement, texts);
  } catch (error) {
    // A position would point into the statement written here, not into anything typed.
    const text = describeError(error).replace(/ \(line \d+, column \d+\)$/, "");
    throw new NoctraError(`${label}: ${text}`, undefined, { cause: error });
  }
  const rows = result.kind === "message" ? result.rowsChanged : undefined;
  return {
    kind: "set",
    text: exists
      ? `import: ${rows === undefined ? "rows" : `${rows} rows`} added to ${request.table}`
      : `import: created ${request.table} from ${file}`,
  };
}
