/**
 * Noctra's own settings in a session: `SET key = value` and `RESET key` for a dotted key of
 * Noctra's (docs/CONFIG.md; any other SET is DuckDB's), and `SHOW CONFIG`, which lists every
 * setting with its source, and the sandbox the session runs in.
 *
 * @module
 */
import type { Token } from "../lexer.ts";
import type { CommandContext, CommandInput, RqlCommandFamily } from "./command.ts";
import { isName, isWord } from "./parse_helpers.ts";
import { type Cell, rowsResultFromArrays, type StatementResult } from "../../engine/result.ts";
import { NoctraError } from "../../errors.ts";
import { closestKey, keySpec } from "../../config/schema.ts";
import { isSandboxed } from "../../sandbox/policy.ts";

/** `SET key = value` / `RESET key` for Noctra's own settings, `SHOW CONFIG`. */
export interface ConfigCommand {
  readonly kind: "set_config" | "reset_config" | "show_config";
  /** The dotted key, e.g. `hybrid.materialize_threshold_rows` (empty for SHOW CONFIG). */
  readonly key: string;
  /** The value as written (string literals unquoted), for SET. */
  readonly value: string | number | boolean | undefined;
}

/**
 * True when `key` (a dotted name, lower case) is one of Noctra's settings: `SET key = …` is then
 * Noctra's, not DuckDB's. Throws {@link NoctraError} naming the closest key for a dotted name in
 * one of Noctra's sections that is no setting (a misspelt Noctra key, not DuckDB's).
 */
export function isSettingKey(key: string): boolean {
  if (keySpec(key) !== undefined) return true;
  // A dotted name in one of Noctra's sections is a misspelt Noctra key, not DuckDB's.
  if (/^(duckdb\.(performance|tuning)|sqlite|hybrid|repl)\./.test(key)) {
    throw new NoctraError(`SET ${key}: unknown setting; did you mean ${closestKey(key)}?`);
  }
  return false;
}

function parse({ tokens, isConfigKey }: CommandInput): ConfigCommand | null {
  if (isWord(tokens[0], "SHOW") && isWord(tokens[1], "CONFIG") && tokens.length === 2) {
    return { kind: "show_config", key: "", value: undefined };
  }
  if (isWord(tokens[0], "SET") || isWord(tokens[0], "RESET")) {
    return parseSetting(tokens, isConfigKey);
  }
  return null;
}

/** `SET a.b.c = value` / `RESET a.b.c` when the dotted name is a Noctra key; else null (DuckDB's). */
function parseSetting(
  tokens: readonly Token[],
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

async function run(command: ConfigCommand, context: CommandContext): Promise<StatementResult> {
  switch (command.kind) {
    case "set_config": {
      const entry = await context.config.set(command.key, command.value!).catch((error) => {
        // A bad value in a session is a failed statement (exit 1), not a usage error.
        throw new NoctraError((error as Error).message, undefined, {
          cause: error,
        });
      });
      return { kind: "message", message: `${entry.key} = ${entry.value}` };
    }
    case "reset_config": {
      const entry = await context.config.reset(command.key);
      return { kind: "message", message: `${entry.key} = ${entry.value} (${entry.source})` };
    }
    case "show_config":
      return showConfig(context);
  }
}

/** Every setting (key, value, source), then the sandbox's mode, layer and directories. */
function showConfig(context: CommandContext): StatementResult {
  const rows: Cell[][] = context.config.entries().map((
    entry,
  ) => [entry.key, String(entry.value), entry.source]);
  const sandbox = context.sandbox;
  const origin = sandbox.origin === "flags"
    ? "flag"
    : sandbox.origin === "deno"
    ? "deno"
    : "default";
  rows.push([
    "sandbox.mode",
    isSandboxed(sandbox) ? "confined" : "off (full file access)",
    origin,
  ]);
  rows.push(["sandbox.layer", context.sandboxLayer, isSandboxed(sandbox) ? origin : "default"]);
  if (isSandboxed(sandbox)) {
    rows.push(["sandbox.read", sandbox.read.join(", "), origin]);
    rows.push(["sandbox.write", sandbox.write.join(", "), origin]);
    rows.push(["sandbox.network", sandbox.allowNetwork ? "allowed" : "denied", origin]);
  }
  rows.push([
    "config.file",
    context.config.path ?? "(none)",
    context.config.path ? "file" : "default",
  ]);
  return rowsResultFromArrays(
    [
      { name: "key", type: "VARCHAR", kind: "text" },
      { name: "value", type: "VARCHAR", kind: "text" },
      { name: "source", type: "VARCHAR", kind: "text" },
    ],
    rows,
  );
}

/** SET/RESET of Noctra's settings, SHOW CONFIG (see the module). */
export const CONFIG: RqlCommandFamily<ConfigCommand> = {
  name: "SET",
  syntax: ["SET key = value | RESET key | SHOW CONFIG"],
  summary: "change or list Noctra's settings (docs/CONFIG.md); other SETs are DuckDB's",
  keywords: ["SET", "RESET", "SHOW", "CONFIG", "TO"],
  parse,
  run,
};
