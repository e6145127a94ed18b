/**
 * Recognises RQL commands on split statements, from the lexer's tokens (never by regexes over
 * SQL text). A statement that is not an RQL command is plain SQL for the engines.
 *
 * Grammar (keywords are case-insensitive):
 * ```
 * USE 'path' [AS alias] [OPTIONS (key = value [, key = value]…)]
 * ```
 * `USE` followed by anything but a string literal is DuckDB's own `USE catalog.schema` and is
 * left to DuckDB.
 *
 * @module
 */
import { significantTokens, type Token } from "./lexer.ts";
import { NoctraError } from "../errors.ts";

/** One `key = value` of an OPTIONS list; `valueSql` is the value's source text (a SQL literal or expression). */
export interface ReaderOption {
  readonly key: string;
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

/** Every RQL command this version recognises. */
export type RqlCommand = UseFileCommand;

function isWord(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === "word" && token.value.toUpperCase() === word;
}

function describe(token: Token | undefined): string {
  return token === undefined ? "end of statement" : `'${token.text}'`;
}

/**
 * Parses `statement` as an RQL command, or returns `null` when it is plain SQL.
 * Throws {@link NoctraError} for a statement that starts like an RQL command but is malformed,
 * naming what was expected.
 */
export function parseRqlCommand(statement: string): RqlCommand | null {
  const tokens = significantTokens(statement);
  if (isWord(tokens[0], "USE") && tokens[1]?.kind === "string") {
    return parseUse(statement, tokens);
  }
  return null;
}

function parseUse(statement: string, tokens: Token[]): UseFileCommand {
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
    const parsed = parseOptions(statement, tokens, position + 1, `USE '${path}'`);
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

/** Parses `( key = value, … )` starting at `start`; values may be any balanced SQL expression. */
function parseOptions(
  statement: string,
  tokens: Token[],
  start: number,
  context: string,
): { options: ReaderOption[]; next: number } {
  if (tokens[start]?.text !== "(") {
    throw new NoctraError(
      `${context}: expected '(' after OPTIONS, found ${describe(tokens[start])}`,
    );
  }
  const options: ReaderOption[] = [];
  let position = start + 1;
  while (position < tokens.length && tokens[position]!.text !== ")") {
    const key = tokens[position];
    if (key === undefined || (key.kind !== "word" && key.kind !== "quoted_identifier")) {
      throw new NoctraError(`${context}: expected an option name, found ${describe(key)}`);
    }
    if (tokens[position + 1]?.text !== "=") {
      throw new NoctraError(
        `${context}: expected '=' after option ${key.value}, found ${
          describe(tokens[position + 1])
        }`,
      );
    }
    position += 2;
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
    const valueSql = statement.slice(tokens[valueStart]!.start, tokens[position - 1]!.end);
    options.push({ key: key.value, valueSql });
    if (tokens[position]?.text === ",") position++;
  }
  if (tokens[position]?.text !== ")") {
    throw new NoctraError(`${context}: OPTIONS list is missing its closing ')'`);
  }
  return { options, next: position + 1 };
}
