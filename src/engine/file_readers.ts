/**
 * Which DuckDB reader serves a file, and the reader options of the call Noctra writes for it
 * (paths: `./file_paths.ts`; checks of a file before DuckDB reads it: `./file_checks.ts`).
 *
 * Reader options (`USE … OPTIONS (key = value, …)`, and the same options saved in the source
 * registry) never reach SQL as the user's text:
 * - a name must be a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`); with a DuckDB connection at
 *   hand it must also be one of the reader's named parameters as DuckDB itself lists them
 *   ({@link readerOptionNames}: `duckdb_functions().parameters`), else the error names the
 *   option, the closest valid name and the valid ones;
 * - a value is parsed into an {@link OptionValue} (string, number, boolean, list or struct of
 *   those; a `#variable` is resolved to one) and written back by {@link renderOptionValue}, the
 *   one function that renders option values, with strings through `quoteLiteral`.
 *
 * Values are rendered as literals rather than bound as parameters: DuckDB binds
 * `read_csv('f.csv', header = $1)` in a query, but a `USE` view must outlive the statement and
 * `CREATE VIEW … AS SELECT * FROM read_csv(…, header = $1)` fails ("Unexpected prepared
 * parameter. This type of statement can't be prepared!").
 *
 * @module
 */
import { basename } from "node:path";
import { NoctraError } from "../errors.ts";
import { quoteLiteral } from "../sql_text.ts";
import { significantTokens, type Token } from "../rql/lexer.ts";
import type { ReaderOption } from "../rql/commands/reader_option.ts";
import { editDistance } from "../edit_distance.ts";

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

/** DuckDB's table function for each file kind read through SQL. */
export type ReaderFunction = "read_csv" | "read_json" | "read_parquet";

/** The DuckDB table function that reads files of `kind` (`csv`/`tsv` → `read_csv`, …). */
export function readerFunction(kind: FileKind): ReaderFunction {
  return kind === "parquet"
    ? "read_parquet"
    : kind === "csv" || kind === "tsv"
    ? "read_csv"
    : "read_json";
}

/**
 * A reader option's value as Noctra parsed it: never SQL text. {@link renderOptionValue} is the
 * one place that turns it into SQL. `number.text` is a decimal literal (`12`, `-0.5`, `1e3`).
 */
export type OptionValue =
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly text: string }
  | { readonly kind: "boolean"; readonly value: boolean }
  | { readonly kind: "list"; readonly items: readonly OptionValue[] }
  | { readonly kind: "struct"; readonly entries: readonly (readonly [string, OptionValue])[] };

/** What an option name must look like: a plain identifier. */
const OPTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A decimal number literal, optionally signed, as an option value may hold one. */
const NUMBER = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** Lists and structs nested deeper than this are refused (no reader option needs more). */
const MAX_VALUE_DEPTH = 16;

/** The forms an option value may take, for error messages. */
const VALUE_FORMS =
  "a 'string', a number, true or false, a [list] or {'key': value} struct of those, or a #variable";

/** True when `name` is a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`), the only form of option name. */
export function isOptionName(name: string): boolean {
  return OPTION_NAME.test(name);
}

/**
 * Throws {@link NoctraError} (`<context>: option name "…" is not a plain identifier …`) unless
 * `name` is a plain identifier. The name is shown JSON-quoted, so the message stays one line.
 */
export function checkOptionName(name: string, context: string): void {
  if (isOptionName(name)) return;
  throw new NoctraError(
    `${context}: option name ${
      JSON.stringify(name)
    } is not a plain identifier; option names are letters, digits and _ (e.g. header, delim)`,
  );
}

/**
 * Parses one option value from `tokens` (significant tokens, as {@link significantTokens} gives)
 * starting at `start`: a string literal (`'x'`, `E'\t'`, `$$x$$`), a number (optionally signed),
 * `true`/`false`, a list `[v, …]`, a struct `{'key': v, …}`, or a `#variable` (resolved by
 * `resolveVariable`; refused when it is undefined). Returns the value and the index of the first
 * token after it. Throws {@link NoctraError} prefixed with `context` for anything else
 * (expressions, casts, function calls, `)`…).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { significantTokens } from "../rql/lexer.ts";
 * import { parseOptionValue } from "./file_readers.ts";
 *
 * deepStrictEqual(parseOptionValue(significantTokens("['a', 2]"), 0, "names"), {
 *   value: { kind: "list", items: [{ kind: "string", value: "a" }, { kind: "number", text: "2" }] },
 *   next: 5,
 * });
 * ```
 */
export function parseOptionValue(
  tokens: readonly Token[],
  start: number,
  context: string,
  resolveVariable?: (name: string) => OptionValue,
): { value: OptionValue; next: number } {
  return parseValueAt(tokens, start, context, resolveVariable, 0);
}

function parseValueAt(
  tokens: readonly Token[],
  position: number,
  context: string,
  resolveVariable: ((name: string) => OptionValue) | undefined,
  depth: number,
): { value: OptionValue; next: number } {
  if (depth > MAX_VALUE_DEPTH) {
    throw new NoctraError(`${context}: value nested more than ${MAX_VALUE_DEPTH} levels deep`);
  }
  const token = tokens[position];
  const expected = () =>
    new NoctraError(
      `${context}: expected ${VALUE_FORMS}; found ${
        token === undefined ? "end of statement" : JSON.stringify(token.text)
      }`,
    );
  if (token === undefined) throw expected();
  switch (token.kind) {
    case "string":
    case "dollar_string":
      return { value: { kind: "string", value: token.value }, next: position + 1 };
    case "number":
      return { value: numberValue(token.text, context), next: position + 1 };
    case "variable":
      if (resolveVariable === undefined) {
        throw new NoctraError(`${context}: #${token.value}: variables are not available here`);
      }
      return { value: resolveVariable(token.value), next: position + 1 };
    case "word": {
      const word = token.value.toLowerCase();
      if (word === "true" || word === "false") {
        return { value: { kind: "boolean", value: word === "true" }, next: position + 1 };
      }
      throw expected();
    }
    case "punctuation":
      break;
    default:
      throw expected();
  }
  const next = tokens[position + 1];
  if ((token.text === "-" || token.text === "+") && next?.kind === "number") {
    return { value: numberValue(token.text + next.text, context), next: position + 2 };
  }
  if (token.text === "[") {
    const items: OptionValue[] = [];
    let at = position + 1;
    while (tokens[at]?.text !== "]") {
      if (items.length > 0) {
        if (tokens[at]?.text !== ",") throw listError(context, "]", tokens[at]);
        at++;
      }
      const item = parseValueAt(tokens, at, context, resolveVariable, depth + 1);
      items.push(item.value);
      at = item.next;
    }
    return { value: { kind: "list", items }, next: at + 1 };
  }
  if (token.text === "{") {
    const entries: (readonly [string, OptionValue])[] = [];
    let at = position + 1;
    while (tokens[at]?.text !== "}") {
      if (entries.length > 0) {
        if (tokens[at]?.text !== ",") throw listError(context, "}", tokens[at]);
        at++;
      }
      const key = tokens[at];
      if (
        key === undefined ||
        (key.kind !== "string" && key.kind !== "word" && key.kind !== "quoted_identifier")
      ) {
        throw new NoctraError(
          `${context}: expected a struct key such as 'name', found ${
            key === undefined ? "end of statement" : JSON.stringify(key.text)
          }`,
        );
      }
      if (tokens[at + 1]?.text !== ":") throw listError(context, ":", tokens[at + 1]);
      const entry = parseValueAt(tokens, at + 2, context, resolveVariable, depth + 1);
      entries.push([key.value, entry.value]);
      at = entry.next;
    }
    return { value: { kind: "struct", entries }, next: at + 1 };
  }
  throw expected();
}

function listError(context: string, wanted: string, found: Token | undefined): NoctraError {
  return new NoctraError(
    `${context}: expected ',' or '${wanted}', found ${
      found === undefined ? "end of statement" : JSON.stringify(found.text)
    }`,
  );
}

function numberValue(text: string, context: string): OptionValue {
  const plain = text.replaceAll("_", "");
  if (!NUMBER.test(plain)) {
    throw new NoctraError(
      `${context}: ${JSON.stringify(text)} is not a decimal number; write digits, e.g. 100 or 0.5`,
    );
  }
  return { kind: "number", text: plain };
}

/**
 * Parses `text` as exactly one option value (see {@link parseOptionValue}; no `#variable`) —
 * how a value saved as SQL text (the registry, {@link ReaderOption.valueSql}) is read back.
 * Throws {@link NoctraError} prefixed with `context` when `text` is anything else, e.g.
 * `true); COPY …`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { parseOptionValueSql } from "./file_readers.ts";
 *
 * deepStrictEqual(parseOptionValueSql("{'a': 'INTEGER'}", "columns"), {
 *   kind: "struct",
 *   entries: [["a", { kind: "string", value: "INTEGER" }]],
 * });
 * throws(() => parseOptionValueSql("true); SELECT (1", "header"));
 * ```
 */
export function parseOptionValueSql(text: string, context: string): OptionValue {
  let tokens: Token[];
  try {
    tokens = significantTokens(text);
  } catch (error) {
    throw new NoctraError(`${context}: ${(error as Error).message}`);
  }
  const { value, next } = parseOptionValue(tokens, 0, context);
  if (next !== tokens.length) {
    throw new NoctraError(
      `${context}: ${JSON.stringify(text)} is not one plain value (${VALUE_FORMS})`,
    );
  }
  return value;
}

/**
 * The SQL literal for an option value: strings through {@link quoteLiteral}, numbers as their
 * checked decimal text, `true`/`false`, `[…]` lists and `{'key': …}` structs of those. The only
 * function that writes an option value into SQL. Throws {@link NoctraError} for a number whose
 * text is not a decimal literal.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { renderOptionValue } from "./file_readers.ts";
 *
 * strictEqual(renderOptionValue({ kind: "string", value: "it's" }), "'it''s'");
 * ```
 */
export function renderOptionValue(value: OptionValue): string {
  switch (value.kind) {
    case "string":
      return quoteLiteral(value.value);
    case "number":
      if (!NUMBER.test(value.text)) {
        throw new NoctraError(`${JSON.stringify(value.text)} is not a decimal number`);
      }
      return value.text;
    case "boolean":
      return value.value ? "true" : "false";
    case "list":
      return `[${value.items.map(renderOptionValue).join(", ")}]`;
    case "struct":
      return `{${
        value.entries.map(([key, entry]) => `${quoteLiteral(key)}: ${renderOptionValue(entry)}`)
          .join(", ")
      }}`;
  }
}

/**
 * The option value a session variable holds (for `OPTIONS (delim = #d)`): strings, booleans,
 * numbers (integers, decimals, doubles), and lists and structs of those. Throws
 * {@link NoctraError} naming `#name` for other types (dates, blobs, NULL, …).
 */
export function optionValueOf(value: unknown, name: string): OptionValue {
  if (typeof value === "string") return { kind: "string", value };
  if (typeof value === "boolean") return { kind: "boolean", value };
  if (typeof value === "bigint") return { kind: "number", text: value.toString() };
  if (typeof value === "number" && Number.isFinite(value)) {
    return { kind: "number", text: String(value) };
  }
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.items)) {
      return { kind: "list", items: record.items.map((item) => optionValueOf(item, name)) };
    }
    if (typeof record.entries === "object" && record.entries !== null) {
      return {
        kind: "struct",
        entries: Object.entries(record.entries).map(([key, entry]) =>
          [key, optionValueOf(entry, name)] as const
        ),
      };
    }
    if (typeof record.scale === "number" && typeof record.value === "bigint") {
      const text = String(value); // DuckDBDecimalValue: its decimal text
      if (NUMBER.test(text)) return { kind: "number", text };
    }
  }
  throw new NoctraError(
    `#${name} holds ${
      value === null ? "NULL" : "a value"
    } that OPTIONS cannot take; an option value is ${VALUE_FORMS}`,
  );
}

/** What {@link readerOptionNames} needs of a DuckDB connection (a `DuckDBSource` fits). */
export interface ReaderCatalog {
  /** Runs `sql` with positional parameters and returns all rows as arrays of cells. */
  readAll(sql: string, parameters: readonly string[]): Promise<readonly (readonly unknown[])[]>;
}

const optionNamesCache = new WeakMap<ReaderCatalog, Map<ReaderFunction, ReadonlySet<string>>>();

/**
 * The named parameters DuckDB itself reports for the reader of `kind`
 * (`duckdb_functions().parameters` of `read_csv`, `read_json` or `read_parquet`, lower case),
 * cached per catalog. Positional parameters (`col0`, …) are left out. Throws DuckDB's error when
 * the query fails.
 */
export async function readerOptionNames(
  catalog: ReaderCatalog,
  kind: FileKind,
): Promise<ReadonlySet<string>> {
  const reader = readerFunction(kind);
  let cached = optionNamesCache.get(catalog);
  const known = cached?.get(reader);
  if (known !== undefined) return known;
  const rows = await catalog.readAll(
    "SELECT DISTINCT lower(unnest(parameters)) FROM duckdb_functions() " +
      "WHERE function_name = $1 AND function_type = 'table'",
    [reader],
  );
  // duckdb_functions() lists a table function's positional parameters as col0, col1, … first.
  const names = new Set(
    rows.map((row) => String(row[0])).filter((name) => !/^col[0-9]+$/.test(name)),
  );
  if (cached === undefined) optionNamesCache.set(catalog, cached = new Map());
  cached.set(reader, names);
  return names;
}

/**
 * Throws {@link NoctraError} for the first option whose name is not a plain identifier, is given
 * twice, or (when `known` is given, see {@link readerOptionNames}) is not one of the reader's:
 * `<context>: unknown option hedaer for read_csv; did you mean header? read_csv takes: …`.
 */
export function checkReaderOptions(
  kind: FileKind,
  options: readonly ReaderOption[],
  context: string,
  known?: ReadonlySet<string>,
): void {
  const seen = new Set<string>();
  const reader = readerFunction(kind);
  for (const option of options) {
    checkOptionName(option.key, context);
    const name = option.key.toLowerCase();
    if (seen.has(name)) throw new NoctraError(`${context}: option ${option.key} is given twice`);
    seen.add(name);
    if (known === undefined || known.has(name)) continue;
    const valid = [...known].sort();
    const closest = closestName(name, valid);
    throw new NoctraError(
      `${context}: unknown option ${option.key} for ${reader}${
        closest === undefined ? "" : `; did you mean ${closest}?`
      } ${reader} takes: ${valid.join(", ")}`,
    );
  }
}

/** The name in `names` nearest to `name` by edit distance, if near enough to be a typo. */
function closestName(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of names) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The table-function call that reads `path` (e.g. `read_csv('/abs/a.csv', header = true)`).
 * Nothing in it is copied from user text: `path` is quoted as a literal, each option name must
 * be a plain identifier (and one of `check.knownOptions` when given), and each option's
 * `valueSql` is parsed back into an {@link OptionValue} ({@link parseOptionValueSql}) and
 * written again by {@link renderOptionValue}. TSV files get `delim = '\t'` unless the options
 * set a delimiter; NDJSON files `format = 'newline_delimited'` unless they set a format.
 * Throws {@link NoctraError} prefixed with `check.context` (default: the reader and path) for a
 * bad name, a repeated name, an unknown name or a value that is not a plain value.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { readerCall } from "./file_readers.ts";
 *
 * strictEqual(
 *   readerCall("/d/a.csv", "csv", [{ key: "delim", valueSql: "';'" }]),
 *   "read_csv('/d/a.csv', delim = ';')",
 * );
 * ```
 */
export function readerCall(
  path: string,
  kind: FileKind,
  options: readonly ReaderOption[],
  check: { readonly knownOptions?: ReadonlySet<string>; readonly context?: string } = {},
): string {
  const reader = readerFunction(kind);
  const context = check.context ?? `${reader}(${quoteLiteral(path)})`;
  checkReaderOptions(kind, options, context, check.knownOptions);
  const args = [quoteLiteral(path)];
  const keys = new Set(options.map((option) => option.key.toLowerCase()));
  if (kind === "tsv" && !keys.has("delim") && !keys.has("sep") && !keys.has("delimiter")) {
    args.push("delim = '\\t'");
  }
  if (kind === "ndjson" && !keys.has("format")) args.push("format = 'newline_delimited'");
  for (const option of options) {
    const value = parseOptionValueSql(option.valueSql, `${context}: option ${option.key}`);
    args.push(`${option.key} = ${renderOptionValue(value)}`);
  }
  return `${reader}(${args.join(", ")})`;
}
