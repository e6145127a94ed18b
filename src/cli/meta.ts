/**
 * REPL meta-commands: Noctra's own (`help`, `:format csv`, `:timer on`, `:quit`) and the DuckDB
 * CLI's dot-commands users type from habit (`.mode csv`, `.timer on`, `.quit`, `.help`).
 *
 * @module
 */
import { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from "../render/renderer.ts";
import type { OutputSettings } from "./output.ts";
import { type RoutingStrategy, strategyFromName } from "../engine/routing.ts";
import { rqlCommandsHelp } from "./help.ts";

function engineName(strategy: RoutingStrategy): string {
  return strategy === "auto" ? "hybrid" : strategy;
}

/** What the REPL should do after a meta-command. */
export type MetaOutcome =
  | { readonly kind: "quit" }
  | { readonly kind: "reply"; readonly text: string };

/** The REPL's `help` text; its RQL commands come from `RQL_COMMANDS`. */
export const REPL_HELP =
  `Statements end with ';' and may span lines. Ctrl-C clears the input or stops a
running query; Ctrl-D quits.

  SELECT … FROM 'file.csv' | read_parquet('…') | alias  query files directly

RQL commands (docs/RQL.md):
${rqlCommandsHelp()}
Meta-commands (also as DuckDB's dot-commands):
  help, :help, .help            this text
  quit, exit, :quit, .quit      leave
  :format FORMAT, .mode FORMAT  ${OUTPUT_FORMATS.join(", ")}
  :timer on|off, .timer on|off  print elapsed time after each statement
  :maxrows N, .maxrows N        rows a table shows (0 = all)
  :engine [hybrid|duckdb|sqlite] show or force the engine that runs statements`;

/** DuckDB `.mode` names that differ from ours. */
const DUCKDB_MODE_ALIASES: Readonly<Record<string, OutputFormat>> = {
  duckbox: "table",
  box: "table",
  tabs: "tsv",
  json: "json",
  jsonlines: "jsonl",
  ndjson: "jsonl",
};

/**
 * Runs `line` as a meta-command and returns what to do, or `null` when `line` is not one
 * (then it is SQL). Only called with the first line of a statement.
 */
export function runMetaCommand(
  line: string,
  settings: OutputSettings,
  engine?: { strategy: RoutingStrategy },
): MetaOutcome | null {
  const trimmed = line.trim().replace(/;$/, "").trim();
  const [word = "", ...rest] = trimmed.split(/\s+/);
  const lower = word.toLowerCase();
  const argument = rest.join(" ");
  if (rest.length === 0 && (lower === "help" || lower === "quit" || lower === "exit")) {
    return lower === "help" ? { kind: "reply", text: REPL_HELP } : { kind: "quit" };
  }
  if (!word.startsWith(":") && !word.startsWith(".")) return null;
  switch (lower.slice(1)) {
    case "help":
      return { kind: "reply", text: REPL_HELP };
    case "quit":
    case "exit":
    case "q":
      return { kind: "quit" };
    case "format":
    case "mode": {
      const name = argument.toLowerCase();
      const format = isOutputFormat(name) ? name : DUCKDB_MODE_ALIASES[name];
      if (format === undefined) {
        return {
          kind: "reply",
          text: `${word} ${argument}: unknown format; choose one of ${OUTPUT_FORMATS.join(", ")}`,
        };
      }
      settings.format = format;
      return { kind: "reply", text: `format: ${format}` };
    }
    case "timer": {
      const value = argument.toLowerCase();
      if (value !== "on" && value !== "off") {
        return { kind: "reply", text: `${word}: expected on or off` };
      }
      settings.timer = value === "on";
      return { kind: "reply", text: `timer: ${value}` };
    }
    case "maxrows": {
      if (!/^\d+$/.test(argument)) {
        return { kind: "reply", text: `${word}: expected a whole number ≥ 0 (0 shows all rows)` };
      }
      settings.maxRows = Number(argument);
      return { kind: "reply", text: `maxrows: ${settings.maxRows}` };
    }
    case "engine": {
      if (engine === undefined) {
        return { kind: "reply", text: `${word}: no engine in this session` };
      }
      if (argument === "") return { kind: "reply", text: `engine: ${engineName(engine.strategy)}` };
      const strategy = strategyFromName(argument);
      if (strategy === undefined) {
        return {
          kind: "reply",
          text: `${word} ${argument}: unknown engine; choose one of hybrid, duckdb, sqlite`,
        };
      }
      engine.strategy = strategy;
      return { kind: "reply", text: `engine: ${engineName(strategy)}` };
    }
    default:
      return { kind: "reply", text: `unknown meta-command ${word}; type help for the list` };
  }
}
