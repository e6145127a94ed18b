/**
 * `RQL_COMMANDS`: every RQL command family, in one table — its syntax and summary (which
 * `--help` and the REPL's `help` print), its keywords (for completion), its parser and its
 * execution. A statement is an RQL command when one family's parser recognises it; any other
 * statement is SQL for the engines. Adding a command is one module in this directory and one
 * row here.
 *
 * Families recognise disjoint statements (by their first keywords; the SHOW forms by their
 * second), so the order of the rows is the order help lists them, not a precedence.
 *
 * @module
 */
import { significantTokens, type Token } from "../lexer.ts";
import { NoctraError } from "../../errors.ts";
import type { OptionValue } from "../../engine/file_readers.ts";
import type { CommandInput, RqlCommandFamily } from "./command.ts";
import { USE, type UseFileCommand } from "./use.ts";
import { ATTACH, type AttachCommand, type DetachCommand } from "./attach.ts";
import { SHOW, type ShowCommand } from "./show.ts";
import { DESCRIBE, type DescribeCommand } from "./describe.ts";
import { type VariableCommand, VARIABLES } from "./let.ts";
import { EXPORT, type ExportCommand } from "./export.ts";
import { CONFIG, type ConfigCommand } from "./config.ts";
import { retiredCommandError } from "./retired.ts";

/** Every RQL command this version recognises. */
export type RqlCommand =
  | UseFileCommand
  | AttachCommand
  | DetachCommand
  | ShowCommand
  | DescribeCommand
  | VariableCommand
  | ExportCommand
  | ConfigCommand;

/** The RQL command families, in the order help lists them. */
export const RQL_COMMANDS: readonly RqlCommandFamily<RqlCommand>[] = [
  USE,
  ATTACH,
  SHOW,
  DESCRIBE,
  VARIABLES,
  EXPORT,
  CONFIG,
];

/** Every keyword of the RQL commands' syntax, upper case, each once (for completion). */
export const RQL_KEYWORDS: readonly string[] = [
  ...new Set(RQL_COMMANDS.flatMap((family) => family.keywords)),
];

/** How `#name` references and setting keys are resolved while a statement is parsed. */
export interface CommandResolvers {
  /** The string a `#name` stands for where a path is expected. Throws {@link NoctraError}. */
  readonly resolvePath: (variable: string) => string;
  /** Whether a dotted name is one of Noctra's settings (see `isSettingKey`, config.ts). */
  readonly isConfigKey: (key: string) => boolean;
  /** The typed value a `#name` stands for as a `USE … OPTIONS` value. */
  readonly resolveValue: (variable: string) => OptionValue;
}

/** A statement recognised as an RQL command, with the family that runs it. */
export interface RecognisedCommand {
  /** The family whose parser recognised the statement, and which runs it. */
  readonly family: RqlCommandFamily<RqlCommand>;
  /** The command, as the family's parser read it. */
  readonly command: RqlCommand;
}

/**
 * The RQL command `statement` states and its family, or null when it is plain SQL. Throws
 * {@link NoctraError} for a statement that starts like an RQL command but is malformed, for a
 * retired command (with the SQL to write instead), and whatever `resolvers` throw; the lexer's
 * error for a statement that does not lex.
 */
export function recogniseRqlCommand(
  statement: string,
  resolvers: CommandResolvers,
): RecognisedCommand | null {
  const input: CommandInput = {
    statement,
    tokens: resolvePathVariables(statement, resolvers.resolvePath),
    resolveValue: resolvers.resolveValue,
    isConfigKey: resolvers.isConfigKey,
  };
  for (const family of RQL_COMMANDS) {
    const command = family.parse(input);
    if (command !== null) return { family, command };
  }
  const retired = retiredCommandError(statement, input.tokens);
  if (retired !== null) throw retired;
  return null;
}

/**
 * Parses `statement` as an RQL command, or returns `null` when it is plain SQL.
 * `resolvePath` gives the string a `#name` stands for where a path is expected;
 * `isConfigKey` tells Noctra's setting keys (default: none, so every SET is DuckDB's);
 * `resolveValue` the typed value a `#name` stands for as a `USE … OPTIONS` value (default: the
 * string `resolvePath` gives). Throws {@link NoctraError} for a statement that starts like an
 * RQL command but is malformed, naming what was expected — including a `USE` option whose name
 * is not a plain identifier or whose value is not a plain value.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { parseRqlCommand } from "./registry.ts";
 *
 * deepStrictEqual(parseRqlCommand("DETACH geo"), {
 *   kind: "detach",
 *   alias: "geo",
 *   ifExists: false,
 *   sql: "DETACH geo",
 * });
 * deepStrictEqual(parseRqlCommand("SELECT 1"), null);
 * ```
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
  return recogniseRqlCommand(statement, { resolvePath, isConfigKey, resolveValue })?.command ??
    null;
}

/** Keywords after which a `#name` stands for a path value. */
const PATH_KEYWORDS: ReadonlySet<string> = new Set(["USE", "ATTACH", "DATABASE", "TO"]);

/**
 * The significant tokens of `statement`; in a statement that starts with USE, ATTACH or EXPORT,
 * a `#name` right after one of {@link PATH_KEYWORDS} becomes a string token holding the path
 * `resolvePath` gives for it.
 */
function resolvePathVariables(
  statement: string,
  resolvePath: (variable: string) => string,
): Token[] {
  const significant = significantTokens(statement);
  const takesPath = ["USE", "ATTACH", "EXPORT"].includes(significant[0]?.value.toUpperCase() ?? "");
  return significant.map((token) =>
    takesPath && token.kind === "variable" && PATH_KEYWORDS.has(previousWord(statement, token))
      ? { ...token, kind: "string" as const, value: resolvePath(token.value) }
      : token
  );
}

function previousWord(statement: string, token: Token): string {
  const before = significantTokens(statement.slice(0, token.start));
  const last = before[before.length - 1];
  return last?.kind === "word" ? last.value.toUpperCase() : "";
}

function noVariables(name: string): string {
  throw new NoctraError(`#${name}: variables are not available here`);
}
