/**
 * Recognises RQL commands on split statements, from the lexer's tokens (never by regexes over
 * SQL text). A statement that is not an RQL command is plain SQL for the engines.
 *
 * Grammar (keywords are case-insensitive):
 * ```
 * USE 'path' [AS alias] [OPTIONS (key = value [, key = value]…)]
 * ATTACH [DATABASE] 'path' [AS alias] [(option [, option]…)]   option: TYPE name | READ_ONLY | CREATE
 * DETACH [DATABASE] [IF EXISTS] alias
 * SHOW SOURCES | SHOW TABLES [FROM alias] | SHOW CACHE | CLEAR CACHE [alias]
 * DESCRIBE 'file' | DESCRIBE name[.name…]
 * ```
 * An OPTIONS name is a plain identifier; a `USE` OPTIONS value is one plain value — a
 * `'string'`, a number, `true`/`false`, a `[list]` or `{'key': value}` struct of those, or a
 * `#variable` — parsed here and re-rendered as a literal (see `ReaderOption`), never copied
 * into SQL as written.
 *
 * `USE` followed by anything but a string literal is DuckDB's own `USE catalog.schema` and is
 * left to DuckDB; so is `DESCRIBE SELECT …`. Whether an ATTACH or DETACH is Noctra's (SQLite)
 * or DuckDB's own is decided by the engine, which knows the attachments and file headers.
 *
 * Longer than the project's ~500-line guideline: it is due to be split along its ideas (one
 * module per idea) in the architecture work.
 *
 * @module
 */
import { significantTokens, type Token } from "./lexer.ts";
import { NoctraError } from "../errors.ts";
import {
  checkOptionName,
  type OptionValue,
  parseOptionValue,
  renderOptionValue,
} from "../engine/file_readers.ts";

/**
 * One `key = value` of an OPTIONS list.
 *
 * For `USE`, `key` is a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`) and `valueSql` is not the
 * user's text: the parser reads the value as a typed {@link OptionValue} (string, number,
 * boolean, list or struct of those, or a `#variable`'s value) and `valueSql` is that value
 * written by `renderOptionValue` (`'it''s'`, `true`, `['a', 'b']`, `{'a': 'INTEGER'}`), which
 * `readerCall` parses again before writing SQL. For `EXPORT`, `key` is also a plain identifier
 * and `valueSql` is the value's source text (a balanced expression such as `("Species")`), which
 * the export checks.
 */
export interface ReaderOption {
  /** The option name as written (a plain identifier). */
  readonly key: string;
  /** The value as SQL text (canonical literal for USE; source text for EXPORT). */
  readonly valueSql: string;
}

/** `USE 'path' [AS alias] [OPTIONS (…)]`: register a view over a file. */
export interface UseFileCommand {
  readonly kind: "use_file";
  /** The path as written (relative paths resolve against the working directory). */
  readonly path: string;
  /** The alias after AS, or undefined for the file's stem. */
  readonly alias: string | undefined;
  /** Reader options passed to DuckDB's reader. */
  readonly options: readonly ReaderOption[];
}

/** `ATTACH 'path' [AS alias] [(TYPE x, READ_ONLY, CREATE)]`. */
export interface AttachCommand {
  readonly kind: "attach";
  readonly path: string;
  readonly alias: string | undefined;
  /** `TYPE` option in upper case (`SQLITE`, `DUCKDB`), or undefined when not given. */
  readonly type: string | undefined;
  readonly readOnly: boolean;
  readonly create: boolean;
  /** The statement as written, for passing a DuckDB attach through unchanged. */
  readonly sql: string;
}

/** `DETACH [DATABASE] [IF EXISTS] alias`. */
export interface DetachCommand {
  readonly kind: "detach";
  readonly alias: string;
  readonly ifExists: boolean;
  readonly sql: string;
}

/** `SHOW SOURCES`, `SHOW TABLES [FROM alias]`, `SHOW CACHE`, `CLEAR CACHE [alias]`. */
export interface ShowCommand {
  readonly kind: "show_sources" | "show_tables" | "show_cache" | "clear_cache" | "show_vars";
  /** `FROM alias` of SHOW TABLES, or the alias of CLEAR CACHE. */
  readonly alias: string | undefined;
}

/** `DESCRIBE 'file'` or `DESCRIBE name[.name…]`. */
export interface DescribeCommand {
  readonly kind: "describe";
  /** A file path (string literal) … */
  readonly path: string | undefined;
  /** … or a relation name, in parts. */
  readonly name: readonly string[] | undefined;
}

/** `LET name = expression`. */
export interface LetCommand {
  readonly kind: "let";
  readonly name: string;
  /** The expression's SQL text (may contain `#name` references). */
  readonly expression: string;
}

/** `UNSET a [, b]…`. */
export interface UnsetCommand {
  readonly kind: "unset";
  readonly names: readonly string[];
}

/** Export formats: DuckDB's COPY writes all but ARROW (apache-arrow). */
export type ExportFormat = "PARQUET" | "CSV" | "JSON" | "JSONL" | "ARROW";

/** Export formats in the order error messages list them. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ["PARQUET", "CSV", "JSON", "JSONL", "ARROW"];

/** `EXPORT (query) | name TO 'path' [FORMAT f] [OPTIONS (…)] [OVERWRITE]`. */
export interface ExportCommand {
  readonly kind: "export";
  /** The query's SQL text: the parenthesised query, or `SELECT * FROM name`. */
  readonly query: string;
  readonly path: string;
  /** FORMAT as written (upper case), or undefined to follow the extension. */
  readonly format: string | undefined;
  readonly options: readonly ReaderOption[];
  readonly overwrite: boolean;
}

/** `SET key = value` / `RESET key` for Noctra's own settings, `SHOW CONFIG`. */
export interface ConfigCommand {
  readonly kind: "set_config" | "reset_config" | "show_config";
  /** The dotted key, e.g. `hybrid.materialize_threshold_rows` (empty for SHOW CONFIG). */
  readonly key: string;
  /** The value as written (string literals unquoted), for SET. */
  readonly value: string | number | boolean | undefined;
}

/** Every RQL command this version recognises. */
export type RqlCommand =
  | ConfigCommand
  | LetCommand
  | UnsetCommand
  | ExportCommand
  | UseFileCommand
  | AttachCommand
  | DetachCommand
  | ShowCommand
  | DescribeCommand;

function isWord(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === "word" && token.value.toUpperCase() === word;
}

function describe(token: Token | undefined): string {
  return token === undefined ? "end of statement" : `'${token.text}'`;
}

/**
 * Parses `statement` as an RQL command, or returns `null` when it is plain SQL.
 * `resolvePath` gives the string a `#name` stands for where a path is expected;
 * `resolveValue` the typed value a `#name` stands for as a `USE … OPTIONS` value (default: the
 * string `resolvePath` gives). Throws {@link NoctraError} for a statement that starts like an
 * RQL command but is malformed, naming what was expected — including a `USE` option whose name
 * is not a plain identifier or whose value is not a plain value.
 */
export function parseRqlCommand(
  statement: string,
  resolvePath: (variable: string) => string = noVariables,
  isConfigKey: (key: string) => boolean = () => false,
  resolveValue: (variable: string) => OptionValue = (name) => ({
    kind: "string",
    value: resolvePath(name),
  }),
): RqlCommand | null {
  const significant = significantTokens(statement);
  const takesPath = ["USE", "ATTACH", "EXPORT"].includes(significant[0]?.value.toUpperCase() ?? "");
  const tokens = significant.map((token) =>
    takesPath && token.kind === "variable" && PATH_KEYWORDS.has(previousWord(statement, token))
      ? { ...token, kind: "string" as const, value: resolvePath(token.value) }
      : token
  );
  if (isWord(tokens[0], "USE") && tokens[1]?.kind === "string") {
    return parseUse(tokens, resolveValue);
  }
  if (isWord(tokens[0], "SHOW") && isWord(tokens[1], "CONFIG") && tokens.length === 2) {
    return { kind: "show_config", key: "", value: undefined };
  }
  if (isWord(tokens[0], "SET") || isWord(tokens[0], "RESET")) {
    const config = parseConfigCommand(tokens, isConfigKey);
    if (config !== null) return config;
  }
  if (isWord(tokens[0], "LET")) return parseLet(statement, tokens);
  if (isWord(tokens[0], "UNSET")) return parseUnset(tokens);
  if (isWord(tokens[0], "EXPORT") && !isWord(tokens[1], "DATABASE")) {
    return parseExport(statement, tokens);
  }
  const legacy = legacyCommand(statement, tokens);
  if (legacy !== null) throw legacy;
  if (isWord(tokens[0], "ATTACH")) return parseAttach(statement, tokens);
  if (isWord(tokens[0], "DETACH")) return parseDetach(statement, tokens);
  if (isWord(tokens[0], "SHOW") || isWord(tokens[0], "CLEAR")) return parseShow(tokens);
  if (isWord(tokens[0], "DESCRIBE") || isWord(tokens[0], "DESC")) return parseDescribe(tokens);
  return null;
}

/** Keywords after which a `#name` stands for a path value. */
const PATH_KEYWORDS: ReadonlySet<string> = new Set(["USE", "ATTACH", "DATABASE", "TO"]);

function previousWord(statement: string, token: Token): string {
  const before = significantTokens(statement.slice(0, token.start));
  const last = before[before.length - 1];
  return last?.kind === "word" ? last.value.toUpperCase() : "";
}

function noVariables(name: string): string {
  throw new NoctraError(`#${name}: variables are not available here`);
}

/** `SET a.b.c = value` / `RESET a.b.c` when the dotted name is a Noctra key; else null (DuckDB's). */
function parseConfigCommand(
  tokens: Token[],
  isConfigKey: (key: string) => boolean,
): ConfigCommand | null {
  const parts: string[] = [];
  let position = 1;
  while (isName(tokens[position])) {
    parts.push(tokens[position]!.value);
    position++;
    if (tokens[position]?.text !== ".") break;
    position++;
  }
  const key = parts.join(".").toLowerCase();
  if (parts.length < 2 || !isConfigKey(key)) return null;
  if (isWord(tokens[0], "RESET")) {
    if (position !== tokens.length) throw new NoctraError(`RESET ${key}: the form is RESET key`);
    return { kind: "reset_config", key, value: undefined };
  }
  if (tokens[position]?.text !== "=" && !isWord(tokens[position], "TO")) {
    throw new NoctraError(`SET ${key}: expected = and a value`);
  }
  const valueTokens = tokens.slice(position + 1);
  const valueToken = valueTokens[0];
  if (valueTokens.length !== 1 || valueToken === undefined) {
    throw new NoctraError(
      `SET ${key}: expected one value (a number, true/false, or a quoted string)`,
    );
  }
  const value = valueToken.kind === "string"
    ? valueToken.value
    : valueToken.kind === "number"
    ? Number(valueToken.text.replaceAll("_", ""))
    : valueToken.kind === "word" && /^(true|false)$/i.test(valueToken.value)
    ? valueToken.value.toLowerCase() === "true"
    : valueToken.text;
  return { kind: "set_config", key, value };
}

function parseLet(statement: string, tokens: Token[]): LetCommand {
  const name = tokens[1];
  if (name === undefined || name.kind !== "word") {
    throw new NoctraError(
      `LET: expected a variable name, found ${describe(name)}; the form is LET name = expression`,
    );
  }
  if (tokens[2]?.text !== "=" || tokens[3] === undefined) {
    throw new NoctraError(
      `LET ${name.value}: expected = and an expression; the form is LET ${name.value} = expression`,
    );
  }
  return {
    kind: "let",
    name: name.value,
    expression: statement.slice(tokens[3].start, tokens[tokens.length - 1]!.end),
  };
}

function parseUnset(tokens: Token[]): UnsetCommand {
  const names: string[] = [];
  for (let position = 1; position < tokens.length; position++) {
    const token = tokens[position]!;
    if (token.text === ",") continue;
    const name = token.kind === "variable"
      ? token.value
      : token.kind === "word"
      ? token.value
      : undefined;
    if (name === undefined) {
      throw new NoctraError(`UNSET: unexpected ${describe(token)}; the form is UNSET a [, b]`);
    }
    names.push(name);
  }
  if (names.length === 0) {
    throw new NoctraError("UNSET: name the variables to remove: UNSET a [, b]");
  }
  return { kind: "unset", names };
}

function parseExport(statement: string, tokens: Token[]): ExportCommand {
  let position = 1;
  let query: string;
  if (tokens[1]?.text === "(") {
    let depth = 0;
    let close = -1;
    for (let index = 1; index < tokens.length; index++) {
      const text = tokens[index]!.text;
      if (text === "(") depth++;
      if (text === ")" && --depth === 0) {
        close = index;
        break;
      }
    }
    if (close < 0) throw new NoctraError("EXPORT: the query's '(' has no matching ')'");
    if (close === 2) throw new NoctraError("EXPORT: the parentheses hold no query");
    query = statement.slice(tokens[2]!.start, tokens[close - 1]!.end);
    position = close + 1;
  } else {
    const parts: string[] = [];
    while (isName(tokens[position]) && !isWord(tokens[position], "TO")) {
      parts.push(tokens[position]!.text);
      position++;
      if (tokens[position]?.text !== ".") break;
      position++;
    }
    if (parts.length === 0) {
      throw new NoctraError(
        "EXPORT: expected (query) or a table name; the form is EXPORT (query) TO 'path'",
      );
    }
    query = `SELECT * FROM ${parts.join(".")}`;
  }
  if (!isWord(tokens[position], "TO")) {
    throw new NoctraError(`EXPORT: expected TO 'path', found ${describe(tokens[position])}`);
  }
  const pathToken = tokens[position + 1];
  if (pathToken?.kind !== "string") {
    throw new NoctraError(
      `EXPORT: expected a quoted path (or #variable) after TO, found ${describe(pathToken)}`,
    );
  }
  position += 2;
  let format: string | undefined;
  let options: ReaderOption[] = [];
  let overwrite = false;
  while (position < tokens.length) {
    if (isWord(tokens[position], "FORMAT")) {
      const value = tokens[position + 1];
      if (value === undefined || (value.kind !== "word" && value.kind !== "string")) {
        throw new NoctraError(`EXPORT: FORMAT needs one of ${EXPORT_FORMATS.join(", ")}`);
      }
      format = value.value.toUpperCase();
      position += 2;
    } else if (isWord(tokens[position], "OPTIONS")) {
      const parsed = parseOptions(
        tokens,
        position + 1,
        `EXPORT TO '${pathToken.value}'`,
        { sourceText: statement },
      );
      options = parsed.options;
      position = parsed.next;
    } else if (isWord(tokens[position], "OVERWRITE")) {
      overwrite = true;
      position++;
    } else {
      throw new NoctraError(
        `EXPORT: unexpected ${
          describe(tokens[position])
        }; the form is EXPORT (query) TO 'path' [FORMAT f] [OPTIONS (…)] [OVERWRITE]`,
      );
    }
  }
  return { kind: "export", query, path: pathToken.value, format, options, overwrite };
}

/**
 * The predecessor's commands, retired: each becomes an error that shows the SQL to write
 * instead (docs/MIGRATION.md). `IMPORT DATABASE` is DuckDB's own and is left alone.
 */
function legacyCommand(statement: string, tokens: Token[]): NoctraError | null {
  const first = tokens[0]?.kind === "word" ? tokens[0].value.toUpperCase() : "";
  const rest = tokens.length > 1
    ? statement.slice(tokens[1]!.start, tokens[tokens.length - 1]!.end)
    : "";
  switch (first) {
    case "FILTER":
      return new NoctraError(
        `FILTER is retired; add the condition to your query instead: SELECT … FROM … WHERE ${
          rest || "condition"
        }`,
      );
    case "MAP":
      return new NoctraError(
        `MAP is retired; compute the columns in the SELECT list instead: SELECT ${
          rest || "expression AS name"
        } FROM …`,
      );
    case "OUTPUT":
      if (!isWord(tokens[1], "TO")) return null;
      return new NoctraError(
        `OUTPUT TO is retired; write EXPORT (query) TO ${
          tokens[2]?.text ?? "'file'"
        } [FORMAT CSV|PARQUET|JSON|JSONL|ARROW]`,
      );
    case "IMPORT": {
      if (isWord(tokens[1], "DATABASE")) return null;
      const path = tokens[1]?.kind === "string" ? tokens[1].text : "'file'";
      const alias = isWord(tokens[2], "AS") && tokens[3] ? ` AS ${tokens[3].text}` : "";
      return new NoctraError(
        `IMPORT is retired; write USE ${path}${alias} (the file is queried in place, not copied)`,
      );
    }
    default:
      return null;
  }
}

function isName(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === "word" || token.kind === "quoted_identifier");
}

function parseAttach(statement: string, tokens: Token[]): AttachCommand | null {
  let position = 1;
  if (isWord(tokens[position], "DATABASE")) position++;
  if (isWord(tokens[position], "IF")) return null; // ATTACH IF NOT EXISTS: DuckDB's own
  const pathToken = tokens[position];
  if (pathToken?.kind !== "string") return null;
  const path = pathToken.value;
  position++;
  let alias: string | undefined;
  if (isWord(tokens[position], "AS")) {
    if (!isName(tokens[position + 1])) {
      throw new NoctraError(`ATTACH '${path}': expected an alias after AS`);
    }
    alias = tokens[position + 1]!.value;
    position += 2;
  }
  let type: string | undefined;
  let readOnly = false;
  let create = false;
  if (tokens[position]?.text === "(") {
    position++;
    while (position < tokens.length && tokens[position]!.text !== ")") {
      const option = tokens[position]!;
      const optionName = option.kind === "word" ? option.value.toUpperCase() : "";
      if (optionName === "TYPE") {
        const value = tokens[position + 1];
        if (!isName(value)) {
          throw new NoctraError(`ATTACH '${path}': TYPE needs a name, e.g. TYPE SQLITE`);
        }
        type = value!.value.toUpperCase();
        position += 2;
      } else if (optionName === "READ_ONLY" || optionName === "CREATE") {
        let enabled = true;
        const value = tokens[position + 1];
        if (value !== undefined && value.text !== "," && value.text !== ")") {
          enabled = !["FALSE", "0"].includes(value.text.toUpperCase());
          position++;
        }
        if (optionName === "READ_ONLY") readOnly = enabled;
        else create = enabled;
        position++;
      } else {
        // Options Noctra does not know belong to DuckDB's own ATTACH.
        if (type === undefined || type !== "SQLITE") {
          return attachPassThrough(statement, path, alias);
        }
        throw new NoctraError(
          `ATTACH '${path}': unknown option ${option.text}; SQLite attachments take TYPE SQLITE, READ_ONLY, CREATE`,
        );
      }
      if (tokens[position]?.text === ",") position++;
    }
    if (tokens[position]?.text !== ")") {
      throw new NoctraError(`ATTACH '${path}': option list is missing its closing ')'`);
    }
    position++;
  }
  if (position < tokens.length) {
    throw new NoctraError(
      `ATTACH '${path}': unexpected ${
        describe(tokens[position])
      }; the form is ATTACH 'path' [AS alias] [(TYPE SQLITE, READ_ONLY, CREATE)]`,
    );
  }
  return { kind: "attach", path, alias, type, readOnly, create, sql: statement };
}

function attachPassThrough(
  statement: string,
  path: string,
  alias: string | undefined,
): AttachCommand {
  return {
    kind: "attach",
    path,
    alias,
    type: "DUCKDB",
    readOnly: false,
    create: false,
    sql: statement,
  };
}

function parseDetach(statement: string, tokens: Token[]): DetachCommand | null {
  let position = 1;
  if (isWord(tokens[position], "DATABASE")) position++;
  let ifExists = false;
  if (isWord(tokens[position], "IF") && isWord(tokens[position + 1], "EXISTS")) {
    ifExists = true;
    position += 2;
  }
  const name = tokens[position];
  if (!isName(name) || position + 1 !== tokens.length) return null;
  return { kind: "detach", alias: name!.value, ifExists, sql: statement };
}

function parseShow(tokens: Token[]): ShowCommand | null {
  const what = tokens[1]?.kind === "word" ? tokens[1].value.toUpperCase() : "";
  if (isWord(tokens[0], "CLEAR")) {
    if (what !== "CACHE") return null;
    if (tokens.length > 3 || (tokens.length === 3 && !isName(tokens[2]))) {
      throw new NoctraError("CLEAR CACHE: the form is CLEAR CACHE [alias]");
    }
    return { kind: "clear_cache", alias: tokens[2]?.value };
  }
  if (what === "SOURCES" && tokens.length === 2) return { kind: "show_sources", alias: undefined };
  if (what === "VARS" && tokens.length === 2) return { kind: "show_vars", alias: undefined };
  if (what === "CACHE" && tokens.length === 2) return { kind: "show_cache", alias: undefined };
  if (what === "TABLES") {
    if (tokens.length === 2) return { kind: "show_tables", alias: undefined };
    if (
      (isWord(tokens[2], "FROM") || isWord(tokens[2], "IN")) && isName(tokens[3]) &&
      tokens.length === 4
    ) {
      return { kind: "show_tables", alias: tokens[3]!.value };
    }
  }
  return null;
}

function parseDescribe(tokens: Token[]): DescribeCommand | null {
  const first = tokens[1];
  if (first?.kind === "string" && tokens.length === 2) {
    return { kind: "describe", path: first.value, name: undefined };
  }
  if (!isName(first) || isWord(first, "SELECT") || isWord(first, "FROM") || isWord(first, "WITH")) {
    return null;
  }
  const name: string[] = [];
  let position = 1;
  for (;;) {
    const token = tokens[position];
    if (!isName(token)) return null;
    name.push(token!.value);
    position++;
    if (position === tokens.length) return { kind: "describe", path: undefined, name };
    if (tokens[position]?.text !== ".") return null;
    position++;
  }
}

function parseUse(
  tokens: Token[],
  resolveValue: (variable: string) => OptionValue,
): UseFileCommand {
  const path = tokens[1]!.value;
  let position = 2;
  let alias: string | undefined;
  if (isWord(tokens[position], "AS")) {
    const name = tokens[position + 1];
    if (name === undefined || (name.kind !== "word" && name.kind !== "quoted_identifier")) {
      throw new NoctraError(`USE '${path}': expected an alias after AS, found ${describe(name)}`);
    }
    alias = name.value;
    position += 2;
  }
  let options: ReaderOption[] = [];
  if (isWord(tokens[position], "OPTIONS")) {
    const parsed = parseOptions(tokens, position + 1, `USE '${path}'`, { resolveValue });
    options = parsed.options;
    position = parsed.next;
  }
  if (position < tokens.length) {
    throw new NoctraError(
      `USE '${path}': unexpected ${
        describe(tokens[position])
      }; the form is USE 'path' [AS alias] [OPTIONS (key = value, …)]`,
    );
  }
  return { kind: "use_file", path, alias, options };
}

/**
 * Parses `( key = value, … )` starting at `start`. Names must be plain identifiers, each given
 * once. With `resolveValue` (USE) each value is parsed as a typed value and rendered back
 * ({@link ReaderOption}); with `sourceText` (EXPORT) a value is any balanced expression, kept as
 * its source text.
 */
function parseOptions(
  tokens: Token[],
  start: number,
  context: string,
  values:
    | { readonly resolveValue: (variable: string) => OptionValue }
    | { readonly sourceText: string },
): { options: ReaderOption[]; next: number } {
  if (tokens[start]?.text !== "(") {
    throw new NoctraError(
      `${context}: expected '(' after OPTIONS, found ${describe(tokens[start])}`,
    );
  }
  const options: ReaderOption[] = [];
  const seen = new Set<string>();
  let position = start + 1;
  while (position < tokens.length && tokens[position]!.text !== ")") {
    const key = tokens[position];
    if (key === undefined || (key.kind !== "word" && key.kind !== "quoted_identifier")) {
      throw new NoctraError(`${context}: expected an option name, found ${describe(key)}`);
    }
    checkOptionName(key.value, context);
    if (seen.has(key.value.toLowerCase())) {
      throw new NoctraError(`${context}: option ${key.value} is given twice`);
    }
    seen.add(key.value.toLowerCase());
    if (tokens[position + 1]?.text !== "=") {
      throw new NoctraError(
        `${context}: expected '=' after option ${key.value}, found ${
          describe(tokens[position + 1])
        }`,
      );
    }
    position += 2;
    if (tokens[position] === undefined || tokens[position]!.text === ",") {
      throw new NoctraError(`${context}: option ${key.value} has no value`);
    }
    if ("resolveValue" in values) {
      const parsed = parseOptionValue(
        tokens,
        position,
        `${context}: option ${key.value}`,
        values.resolveValue,
      );
      options.push({ key: key.value, valueSql: renderOptionValue(parsed.value) });
      position = parsed.next;
      if (
        position < tokens.length && tokens[position]!.text !== "," && tokens[position]!.text !== ")"
      ) {
        throw new NoctraError(
          `${context}: option ${key.value}: expected ',' or ')' after the value, found ${
            describe(tokens[position])
          }; a value is one plain value, not an expression`,
        );
      }
    } else {
      const valueStart = position;
      let depth = 0;
      while (position < tokens.length) {
        const text = tokens[position]!.text;
        if (depth === 0 && (text === "," || text === ")")) break;
        if (text === "(" || text === "[" || text === "{") depth++;
        if (text === ")" || text === "]" || text === "}") depth--;
        position++;
      }
      if (position === valueStart) {
        throw new NoctraError(`${context}: option ${key.value} has no value`);
      }
      const valueSql = values.sourceText.slice(
        tokens[valueStart]!.start,
        tokens[position - 1]!.end,
      );
      options.push({ key: key.value, valueSql });
    }
    if (tokens[position]?.text === ",") position++;
  }
  if (tokens[position]?.text !== ")") {
    throw new NoctraError(`${context}: OPTIONS list is missing its closing ')'`);
  }
  return { options, next: position + 1 };
}
