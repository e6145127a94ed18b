/**
 * Variables: `LET name = expression`, `UNSET name [, name]…`, `SHOW VARS`, and what a `#name`
 * stands for where RQL takes a path or an OPTIONS value.
 *
 * `LET` evaluates any SQL expression (a scalar subquery included) in DuckDB and stores the typed
 * value; a later `#name` is bound as a prepared-statement parameter (rql/variables.ts), never
 * copied into SQL text.
 *
 * @module
 */
import type { CommandContext, CommandInput, RqlCommandFamily } from "./command.ts";
import { describeToken, isWord } from "./parse_helpers.ts";
import { type OptionValue, optionValueOf } from "../../engine/file_readers.ts";
import { firstLine } from "../../engine/first_line.ts";
import {
  type MessageResult,
  rowsResultFromArrays,
  type StatementResult,
} from "../../engine/result.ts";
import type { VariableStore } from "../variables.ts";
import { condenseEngineMessage, NoctraError } from "../../errors.ts";

/**
 * Value text as DuckDB prints it. render/values.ts loads DuckDB's API, so it is imported when a
 * command runs (by then the engine has loaded it), not when the command table is read (`--help`).
 */
const values = () => import("../../render/values.ts");

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

/** `SHOW VARS`. */
export interface ShowVarsCommand {
  readonly kind: "show_vars";
}

/** A command of the variables family. */
export type VariableCommand = LetCommand | UnsetCommand | ShowVarsCommand;

function parse({ statement, tokens }: CommandInput): VariableCommand | null {
  if (isWord(tokens[0], "LET")) return parseLet(statement, tokens);
  if (isWord(tokens[0], "UNSET")) return parseUnset(tokens);
  if (isWord(tokens[0], "SHOW") && isWord(tokens[1], "VARS") && tokens.length === 2) {
    return { kind: "show_vars" };
  }
  return null;
}

function parseLet(statement: string, tokens: CommandInput["tokens"]): LetCommand {
  const name = tokens[1];
  if (name === undefined || name.kind !== "word") {
    throw new NoctraError(
      `LET: expected a variable name, found ${
        describeToken(name)
      }; the form is LET name = expression`,
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

function parseUnset(tokens: CommandInput["tokens"]): UnsetCommand {
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
      throw new NoctraError(`UNSET: unexpected ${describeToken(token)}; the form is UNSET a [, b]`);
    }
    names.push(name);
  }
  if (names.length === 0) {
    throw new NoctraError("UNSET: name the variables to remove: UNSET a [, b]");
  }
  return { kind: "unset", names };
}

async function run(command: VariableCommand, context: CommandContext): Promise<StatementResult> {
  switch (command.kind) {
    case "let":
      return await runLet(context, command.name, command.expression);
    case "unset":
      context.variables.unset(command.names);
      return { kind: "message", message: `unset ${command.names.join(", ")}` };
    case "show_vars": {
      const { textOf } = await values();
      return rowsResultFromArrays(
        [
          { name: "name", type: "VARCHAR", kind: "text" },
          { name: "type", type: "VARCHAR", kind: "text" },
          { name: "value", type: "VARCHAR", kind: "text" },
        ],
        context.variables.list().map((variable) => [
          variable.name,
          variable.type.toString(),
          textOf(variable.value),
        ]),
      );
    }
  }
}

/**
 * Evaluates `expression` in DuckDB (SQLite tables it reads bridged first) and stores the value
 * as `name`; returns `name: TYPE = value`, reported on stderr. Throws {@link NoctraError}.
 */
async function runLet(
  context: CommandContext,
  name: string,
  expression: string,
): Promise<MessageResult> {
  const bound = context.variables.bind(`SELECT (${expression}\n) AS value`);
  const parameters = { values: bound.parameters, types: bound.types };
  await context.prepareDuckDBQuery(bound.sql);
  let evaluated;
  try {
    evaluated = await context.duckdb.evaluate(bound.sql, parameters);
  } catch (error) {
    throw new NoctraError(`LET ${name}: ${condenseEngineMessage(firstLine(error))}`, undefined, {
      cause: error,
    });
  }
  const variable = context.variables.set(name, evaluated.value, evaluated.type);
  const { textOf } = await values();
  return {
    kind: "message",
    message: `${variable.name}: ${variable.type.toString()} = ${textOf(variable.value) ?? "NULL"}`,
    report: true,
  };
}

/**
 * The path the variable `name` holds, for a `#name` where RQL takes a path (USE, ATTACH,
 * EXPORT … TO). Throws {@link NoctraError} for an unknown variable or one that holds no string.
 */
export function variablePath(variables: VariableStore, name: string): string {
  const variable = variables.get(name);
  if (variable === undefined) {
    throw new NoctraError(
      `#${name}: no variable named ${name}; set it with LET ${name} = '/path/to/file'`,
    );
  }
  if (typeof variable.value !== "string") {
    throw new NoctraError(
      `#${name} holds a ${variable.type.toString()}, not a path; LET ${name} = 'path'`,
    );
  }
  return variable.value;
}

/**
 * The option value the variable `name` holds, for a `#name` as a `USE … OPTIONS` value. Throws
 * {@link NoctraError} for an unknown variable or a value no option takes.
 */
export function variableOptionValue(variables: VariableStore, name: string): OptionValue {
  const variable = variables.get(name);
  if (variable === undefined) {
    throw new NoctraError(
      `#${name}: no variable named ${name}; set it with LET ${name} = value`,
    );
  }
  return optionValueOf(variable.value, name);
}

/** LET, UNSET, SHOW VARS (see the module). */
export const VARIABLES: RqlCommandFamily<VariableCommand> = {
  name: "LET",
  syntax: ["LET name = expression | UNSET name [, name]… | SHOW VARS"],
  summary: "set a typed variable, used as #name (bound as a parameter, never spliced)",
  keywords: ["LET", "UNSET", "SHOW", "VARS"],
  parse,
  run,
};
