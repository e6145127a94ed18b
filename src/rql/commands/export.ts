/**
 * `EXPORT (query) | name TO 'path' [FORMAT f] [OPTIONS (…)] [OVERWRITE]`: writes the rows of a
 * query to a file. This module parses the command and binds the query's `#name` references; the
 * engine writes the file, atomically (src/engine/export.ts). `EXPORT DATABASE` is DuckDB's own.
 *
 * @module
 */
import type { Token } from "../lexer.ts";
import type { CommandContext, CommandInput, RqlCommandFamily } from "./command.ts";
import { describeToken, isName, isWord, parseOptions } from "./parse_helpers.ts";
import type { ReaderOption } from "./reader_option.ts";
import { EXPORT_FORMATS, type ExportRequest } from "../../engine/export_formats.ts";
import type { MessageResult } from "../../engine/result.ts";
import { NoctraError } from "../../errors.ts";

/**
 * `EXPORT (query) | name TO 'path' [FORMAT f] [OPTIONS (…)] [OVERWRITE]`: the request the
 * engine writes (`ExportRequest`), as parsed — its query's `#name` references not bound yet.
 */
export interface ExportCommand extends ExportRequest {
  readonly kind: "export";
}

function parse({ statement, tokens }: CommandInput): ExportCommand | null {
  if (!isWord(tokens[0], "EXPORT") || isWord(tokens[1], "DATABASE")) return null;
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
    throw new NoctraError(`EXPORT: expected TO 'path', found ${describeToken(tokens[position])}`);
  }
  const pathToken: Token | undefined = tokens[position + 1];
  if (pathToken?.kind !== "string") {
    throw new NoctraError(
      `EXPORT: expected a quoted path (or #variable) after TO, found ${describeToken(pathToken)}`,
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
          describeToken(tokens[position])
        }; the form is EXPORT (query) TO 'path' [FORMAT f] [OPTIONS (…)] [OVERWRITE]`,
      );
    }
  }
  return { kind: "export", query, path: pathToken.value, format, options, overwrite };
}

/** Binds the query's `#name` references as parameters and has the engine write the file. */
async function run(command: ExportCommand, context: CommandContext): Promise<MessageResult> {
  const bound = context.variables.bind(command.query);
  const parameters = Object.keys(bound.parameters).length === 0
    ? undefined
    : { values: bound.parameters, types: bound.types };
  return await context.exportQuery({ ...command, query: bound.sql }, parameters);
}

/** EXPORT (see the module). */
export const EXPORT: RqlCommandFamily<ExportCommand> = {
  name: "EXPORT",
  syntax: [
    `EXPORT (query) | table TO 'path' [FORMAT ${
      EXPORT_FORMATS.join("|")
    }] [OPTIONS (…)] [OVERWRITE]`,
  ],
  summary: "write a query's rows to a file, atomically (OPTIONS pass to DuckDB's COPY)",
  keywords: ["EXPORT", "TO", "FORMAT", ...EXPORT_FORMATS, "OPTIONS", "OVERWRITE"],
  parse,
  run,
};
