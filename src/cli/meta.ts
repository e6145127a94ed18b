/**
 * Meta-commands: Noctra's own (`help`, `:format csv`, `:timer on`, `:quit`) and the DuckDB
 * CLI's dot-commands users type from habit (`.mode csv`, `.headers off`, `.tables`, `.read`),
 * in the REPL and, one per line, in scripts (src/cli/batch.ts).
 *
 * Commands that only change the output settings run without a session. Those that need one —
 * `.tables`, `.schema`, `.databases`/`.sources`, `.read`, `.last`, `.chart`, `.output`,
 * `.once` — get it through a {@link MetaContext}: run a statement, run a script file, and the
 * printer (output settings, last result, output file). This module never sees the engine.
 *
 * @module
 */
import { OUTPUT_FORMATS } from "../render/renderer.ts";
import type { OutputSettings } from "./output.ts";
import { type RoutingStrategy, strategyFromName } from "../engine/routing.ts";
import { describeError } from "../errors.ts";
import { editDistance } from "../edit_distance.ts";
import { rqlCommandsHelp } from "./help.ts";
import { commandWords, onOff, wholeNumber } from "./meta_words.ts";
import type { MetaContext, MetaResult } from "./meta_types.ts";
import { runSessionCommand, SESSION_COMMANDS } from "./meta_session.ts";
import { modeCommand, OUTPUT_SETTING_COMMANDS, runOutputSetting } from "./meta_settings.ts";
import { refusal, REFUSED_COMMANDS } from "./meta_refused.ts";

export type { MetaContext, MetaResult } from "./meta_types.ts";

function engineName(strategy: RoutingStrategy): string {
  return strategy === "auto" ? "hybrid" : strategy;
}

/**
 * What the REPL should do after a meta-command run without a {@link MetaContext}: quit, or show
 * `text` (a confirmation, an answer or a complaint).
 */
export type MetaOutcome =
  | { readonly kind: "quit" }
  | { readonly kind: "reply"; readonly text: string };

/** The output formats for `help`, wrapped under its descriptions column. */
function formatList(): string {
  const lines: string[] = [];
  let line = "";
  for (const format of OUTPUT_FORMATS) {
    const next = line === "" ? format : `${line}, ${format}`;
    if (next.length > 36 && line !== "") {
      lines.push(line + ",");
      line = format;
    } else line = next;
  }
  lines.push(line);
  return lines.join("\n" + " ".repeat(32));
}

/** The REPL's `help` text; its RQL commands come from `RQL_COMMANDS`. */
export const REPL_HELP =
  `Statements end with ';' and may span lines. Ctrl-C clears the input or stops a
running query; Ctrl-D quits.

  SELECT … FROM 'file.csv' | read_parquet('…') | alias  query files directly

RQL commands (docs/RQL.md):
${rqlCommandsHelp()}
Meta-commands (also as DuckDB's dot-commands):
  help, :help, .help            this text
  quit, exit, :quit, .quit      leave (in a script: stop it); .exit CODE ends a script run
                                with exit code CODE
  :format [FORMAT], .mode [FORMAT]
                                show or set the format: ${formatList()}
  .mode insert [TABLE]          INSERT statements into TABLE (default "table")
  :timer on|off, .timer on|off  print elapsed time after each statement
  .maxrows [N]                  rows a table shows (0 = all)
  .maxwidth [N]                 width a table is fitted to (0 = the terminal's)
  .width [N …]                  minimum widths of the first columns (negative: right-aligned;
                                alone: by content again)
  .headers on|off               header line of csv, tsv and list
  .nullvalue [TEXT]             how NULL shows in table, line, list, csv and tsv
  .separator [COL [ROW]]        column and row separators of list, csv and tsv ("\\t" is a tab;
                                .mode puts the format's own back)
  .thousand_sep [C|space|none]  group the digits of numbers in tables
  .decimal_sep [C|space|none]   decimal separator of numbers in tables (none: '.')
  .pager [on|off|auto]          tall results through $PAGER (default less -RFXS)
  .prompt [MAIN [CONTINUE]]     the REPL's prompts (quote them for spaces)
  .status on|off                the REPL's status line after each statement
  .highlight on|off             highlighting of the input as you type
  .progress_bar on|off          the progress bar of long statements
  .echo on|off                  print each statement and dot-command of a script before it runs
  .bail on|off                  on (the default): a script stops at its first error; off: it goes
                                on and exits non-zero at the end (as --continue-on-error)
  .changes on|off               after INSERT, UPDATE, DELETE: rows changed and the total
  .show                         the settings above
  .last                         the last result again, all its rows
  .chart bar|line|hist [x] [y]  draw the last result
  .tables [PATTERN]             tables and views, also of SQLite attachments (LIKE PATTERN)
  .schema [PATTERN]             their CREATE statements
  .indexes [TABLE]              indexes, of tables matching LIKE pattern TABLE
  .databases, .sources          file views and attachments (SHOW SOURCES)
  .dump [--newlines] [PATTERN …] DuckDB's own tables, views and indexes as SQL (BEGIN, CREATE,
                                INSERT …, COMMIT)
  .import [--csv|--json|--parquet] [--OPTION VALUE …] FILE TABLE
                                load FILE into TABLE (alias.table for SQLite): created when
                                missing, else appended; unparsable CSV rows are skipped
  .read FILE                    run the statements and dot-commands of FILE
  .output [FILE], .once FILE    results to FILE until .output / for the next one only
  .print TEXT …                 print TEXT ("\\t" is a tab)
  .cd [DIR]                     change (show) the working directory
  .shell CMD …, .system CMD …   run CMD with sh -c (cmd /c); refused in a confined session
                                (--sandbox, --allow-read, --allow-write)
  .timeout MS                   wait MS for a locked SQLite database (sqlite.busy_timeout_ms)
  .version                      Noctra's, DuckDB's and Deno's versions
  .edit                         the last statement in $VISUAL/$EDITOR, back as the input (REPL)
  :engine [hybrid|duckdb|sqlite] show or force the engine that runs statements
DuckDB's .open, .excel, .log, .binary, .columns, .safe_mode … say why Noctra has none and what
to use instead.
In scripts (-f, stdin, .read) the '.' forms work too, each on a line of its own.`;

/** Every command name, for "did you mean" (`q` and `exit` are spelled out by others). */
const COMMAND_NAMES: readonly string[] = [
  "help",
  "quit",
  "format",
  "mode",
  "timer",
  "maxrows",
  "maxwidth",
  "headers",
  "nullvalue",
  "pager",
  "engine",
  "exit",
  ...OUTPUT_SETTING_COMMANDS,
  ...SESSION_COMMANDS,
  ...REFUSED_COMMANDS,
];

/** A meta-command line taken apart: `.mode csv;` → word `.mode`, name `mode`, argument `csv`. */
interface MetaLine {
  readonly word: string;
  readonly name: string;
  readonly argument: string;
}

/** The parts of `line`, or null when it is not a meta-command (then it is SQL). */
function parseMetaLine(line: string): MetaLine | "help" | "quit" | null {
  const trimmed = line.trim().replace(/;$/, "").trim();
  const [word = "", ...rest] = trimmed.split(/\s+/);
  const lower = word.toLowerCase();
  if (rest.length === 0 && (lower === "help" || lower === "quit" || lower === "exit")) {
    return lower === "help" ? "help" : "quit";
  }
  if (!word.startsWith(":") && !word.startsWith(".")) return null;
  return { word, name: lower.slice(1), argument: trimmed.slice(word.length).trim() };
}

/**
 * Runs `line` as a meta-command, or returns `null` when `line` is not one (then it is SQL). Only
 * called with the first line of a statement.
 *
 * Without `context` it runs at once and returns a {@link MetaOutcome}; the commands that need
 * the session then only say so. With `context` it returns a promise of a {@link MetaResult}
 * and runs them all.
 */
export function runMetaCommand(
  line: string,
  settings: OutputSettings,
  engine?: { strategy: RoutingStrategy },
): MetaOutcome | null;
/**
 * Runs `line` as a meta-command with the session's `context` (any command, also `.tables`,
 * `.read`, `.last`); resolves to what it did, or `null` when `line` is not a meta-command.
 */
export function runMetaCommand(
  line: string,
  settings: OutputSettings,
  engine: { strategy: RoutingStrategy } | undefined,
  context: MetaContext,
): Promise<MetaResult | null>;
export function runMetaCommand(
  line: string,
  settings: OutputSettings,
  engine?: { strategy: RoutingStrategy },
  context?: MetaContext,
): MetaOutcome | null | Promise<MetaResult | null> {
  const parsed = parseMetaLine(line);
  if (context !== undefined) {
    return parsed === null
      ? Promise.resolve(null)
      : runWithContext(parsed, settings, engine, context);
  }
  if (parsed === null) return null;
  const result = parsed !== "help" && parsed !== "quit" && SESSION_COMMANDS.has(parsed.name)
    ? { kind: "error" as const, text: `${parsed.word}: not available here (it needs a session)` }
    : runSettingCommand(parsed, settings, engine);
  if (result.kind === "quit") return result;
  return { kind: "reply", text: "text" in result ? result.text : "" };
}

async function runWithContext(
  parsed: MetaLine | "help" | "quit",
  settings: OutputSettings,
  engine: { strategy: RoutingStrategy } | undefined,
  context: MetaContext,
): Promise<MetaResult> {
  if (parsed === "help" || parsed === "quit" || !SESSION_COMMANDS.has(parsed.name)) {
    return runSettingCommand(parsed, settings, engine);
  }
  try {
    return await runSessionCommand(parsed.word, parsed.name, parsed.argument, context);
  } catch (error) {
    const text = describeError(error);
    const named = text.toLowerCase().startsWith(parsed.word.toLowerCase());
    return { kind: "error", text: named ? text : `${parsed.word}: ${text}`, cause: error };
  }
}

/** The commands that need no session: help, quit, and the output and engine settings. */
function runSettingCommand(
  parsed: MetaLine | "help" | "quit",
  settings: OutputSettings,
  engine: { strategy: RoutingStrategy } | undefined,
): MetaResult {
  if (parsed === "help") return { kind: "reply", text: REPL_HELP };
  if (parsed === "quit") return { kind: "quit" };
  const { word, name, argument } = parsed;
  switch (name) {
    case "help":
      return { kind: "reply", text: REPL_HELP };
    case "quit":
    case "exit":
    case "q":
      return quit(word, argument);
    case "format":
    case "mode":
      return modeCommand(word, argument, settings);
    case "timer":
      return onOff(word, argument, "timer", settings.timer, (on) => settings.timer = on);
    case "headers":
      return onOff(
        word,
        argument,
        "headers",
        settings.headers ?? true,
        (on) => settings.headers = on,
      );
    case "maxrows":
      return wholeNumber(
        word,
        argument,
        "maxrows",
        settings.maxRows,
        "0 shows all rows",
        (n) => settings.maxRows = n,
      );
    case "maxwidth":
      return wholeNumber(
        word,
        argument,
        "maxwidth",
        settings.maxWidth ?? 0,
        "0 = the terminal's width",
        (n) => settings.maxWidth = n,
      );
    case "nullvalue":
      return nullValue(word, argument, settings);
    case "pager": {
      const value = argument.toLowerCase();
      if (value === "") return { kind: "reply", text: `pager: ${settings.pager ?? "auto"}` };
      if (value !== "on" && value !== "off" && value !== "auto") {
        return { kind: "error", text: `${word}: expected on, off or auto` };
      }
      settings.pager = value;
      return { kind: "set", text: `pager: ${value}` };
    }
    case "engine":
      return engineCommand(word, argument, engine);
    default: {
      const result = runOutputSetting(word, name, argument, settings);
      if (result !== undefined) return result;
      return { kind: "error", text: refusal(word, name) ?? unknownCommand(word) };
    }
  }
}

/** `unknown meta-command .x`, with the closest command when one is close. */
function unknownCommand(word: string): string {
  const typed = word.slice(1).toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of COMMAND_NAMES) {
    const distance = editDistance(typed, name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  if (best !== undefined && typed.length > 2) {
    return `unknown meta-command ${word}; did you mean ${word[0]}${best}?`;
  }
  return `unknown meta-command ${word}; type help for the list`;
}

/**
 * `.quit`, `.exit [CODE]`: leave. `.exit CODE` (DuckDB's) ends a script run at once, also from a
 * `.read` file, with exit code CODE.
 */
function quit(word: string, argument: string): MetaResult {
  if (argument === "") return { kind: "quit" };
  if (word.slice(1).toLowerCase() !== "exit" || !/^\d{1,3}$/.test(argument)) {
    return { kind: "error", text: `${word}: expected no argument, or .exit CODE (0–255)` };
  }
  const code = Number(argument);
  if (code > 255) return { kind: "error", text: `${word}: an exit code is 0–255` };
  return code === 0 ? { kind: "quit" } : { kind: "quit", exitCode: code };
}

/** `.nullvalue TEXT` (quote TEXT for spaces or an empty text); alone, shows it. */
function nullValue(word: string, argument: string, settings: OutputSettings): MetaResult {
  if (argument === "") {
    const current = settings.nullValue;
    return {
      kind: "reply",
      text: current === undefined
        ? "nullvalue: NULL (in csv and tsv an empty field)"
        : `nullvalue: ${JSON.stringify(current)}`,
    };
  }
  let words: string[];
  try {
    words = commandWords(word, argument);
  } catch (error) {
    return { kind: "error", text: describeError(error) };
  }
  if (words.length !== 1) {
    return { kind: "error", text: `${word}: expected one text; quote it when it holds spaces` };
  }
  settings.nullValue = words[0]!;
  return { kind: "set", text: `nullvalue: ${JSON.stringify(words[0])}` };
}

function engineCommand(
  word: string,
  argument: string,
  engine: { strategy: RoutingStrategy } | undefined,
): MetaResult {
  if (engine === undefined) return { kind: "error", text: `${word}: no engine in this session` };
  if (argument === "") return { kind: "reply", text: `engine: ${engineName(engine.strategy)}` };
  const strategy = strategyFromName(argument);
  if (strategy === undefined) {
    return {
      kind: "error",
      text: `${word} ${argument}: unknown engine; choose one of hybrid, duckdb, sqlite`,
    };
  }
  engine.strategy = strategy;
  return { kind: "set", text: `engine: ${engineName(strategy)}` };
}
