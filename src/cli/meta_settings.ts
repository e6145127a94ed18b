/**
 * The DuckDB CLI's dot-commands that only change the output settings (`OutputSettings` in
 * src/cli/output.ts): `.mode FORMAT [TABLE]`, `.separator`, `.width`, `.thousand_sep`,
 * `.decimal_sep`, `.prompt`, `.status`, `.highlight`, `.progress_bar`, `.echo`, `.bail` and
 * `.changes`. They parse, check, set and show; the printer, the batch runner and the REPL read
 * the settings. Also here: the line `.changes on` prints ({@link ChangeCounter}) and the
 * separators each format uses when none is set ({@link defaultSeparators}).
 *
 * @module
 */
import { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from "../render/renderer.ts";
import type { OutputSettings } from "./output.ts";
import type { StatementResult } from "../engine/result.ts";
import { statementHead } from "../rql/statement_head.ts";
import { describeError } from "../errors.ts";
import { commandWords, onOff, type WordOptions } from "./meta_words.ts";
import type { MetaResult } from "./meta_types.ts";

/** The REPL's prompts when `.prompt` has set none (what src/cli/repl.ts shows). */
export const DEFAULT_PROMPTS = { main: "noctra> ", continuation: "   ...> " } as const;

/** DuckDB `.mode` names that differ from ours. */
const DUCKDB_MODE_ALIASES: Readonly<Record<string, OutputFormat>> = {
  duckbox: "table",
  tabs: "tsv",
  jsonlines: "jsonl",
  ndjson: "jsonl",
};

/**
 * Which separators `.mode NAME` puts back to the format's own, as the DuckDB CLI's `.mode` does
 * (its `SetOutputMode`): `.separator ;` then `.mode csv` writes commas again. Other formats keep
 * what `.separator` set.
 */
const MODE_RESETS: Readonly<Record<string, { column: boolean; row: boolean }>> = {
  list: { column: true, row: true },
  csv: { column: true, row: true },
  tsv: { column: true, row: false },
  line: { column: false, row: true },
  column: { column: false, row: true },
  tcl: { column: true, row: true },
  quote: { column: true, row: true },
  ascii: { column: true, row: true },
};

/**
 * The separators `format` writes when `.separator` has set none, as the DuckDB CLI's modes
 * have them (`csv` ends rows with `\n` here: Noctra's CSV is RFC 4180 with LF, as DuckDB's COPY
 * writes it): `{ column, row }`, each a string.
 */
export function defaultSeparators(format: string): { column: string; row: string } {
  switch (format) {
    case "csv":
    case "quote":
      return { column: ",", row: "\n" };
    case "tsv":
      return { column: "\t", row: "\n" };
    case "ascii":
      return { column: "\x1f", row: "\x1e" };
    case "tcl":
      return { column: " ", row: "\n" };
    default:
      return { column: "|", row: "\n" };
  }
}

/**
 * `text` as a C string in double quotes, as the DuckDB CLI's `.show` writes separators and the
 * null text: `\\`, `\"`, `\t`, `\n`, `\r`, other control characters as three octal digits
 * (`\037`). Unlike DuckDB, characters beyond ASCII are kept as they are (DuckDB escapes each
 * byte of them).
 */
export function cString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === "\\") out += "\\\\";
    else if (char === '"') out += '\\"';
    else if (char === "\t") out += "\\t";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += "\\" + code.toString(8).padStart(3, "0");
    else out += char;
  }
  return out + '"';
}

/** The words of `argument`, or the `error` result for an unclosed quote. */
function wordsOf(word: string, argument: string, options: WordOptions = {}): string[] | MetaResult {
  try {
    return commandWords(word, argument, options);
  } catch (error) {
    return { kind: "error", text: describeError(error) };
  }
}

/**
 * Whether `format` is `insert` (a string comparison: the format joins `OUTPUT_FORMATS` with the
 * renderer that writes it).
 */
function isInsert(format: string): boolean {
  return format === "insert";
}

/** `format: csv`, or `format: insert into t` when `.mode insert t` named a table. */
function formatText(settings: OutputSettings): string {
  return isInsert(settings.format) && settings.insertTable !== undefined
    ? `format: insert into ${settings.insertTable}`
    : `format: ${settings.format}`;
}

/**
 * `.mode [FORMAT [TABLE]]` / `:format [FORMAT]`: shows the format, or sets it to one of
 * `OUTPUT_FORMATS` or a DuckDB name for one (`duckbox`, `tabs`, `jsonlines`). `TABLE`
 * follows only `insert` (`.mode insert t` → `settings.insertTable = "t"`, as written; bare
 * `.mode insert` forgets it, as DuckDB goes back to `"table"`). The list, csv, tsv, line …
 * formats put their own separators back, as DuckDB's `.mode` does. Returns the outcome.
 */
export function modeCommand(word: string, argument: string, settings: OutputSettings): MetaResult {
  if (argument === "") return { kind: "reply", text: formatText(settings) };
  const words = wordsOf(word, argument);
  if (!Array.isArray(words)) return words;
  const [name = "", table, ...extra] = words;
  const lower = name.toLowerCase();
  const format = isOutputFormat(lower) ? lower : DUCKDB_MODE_ALIASES[lower];
  if (format === undefined) {
    return {
      kind: "error",
      text: `${word} ${name}: unknown format; choose one of ${OUTPUT_FORMATS.join(", ")}`,
    };
  }
  if (extra.length > 0) return { kind: "error", text: `${word}: expected FORMAT [TABLE]` };
  if (table !== undefined && !isInsert(format)) {
    return { kind: "error", text: `${word} ${name} ${table}: only .mode insert takes a TABLE` };
  }
  settings.format = format;
  if (isInsert(format)) {
    if (table === undefined) delete settings.insertTable;
    else settings.insertTable = table;
  }
  const resets = MODE_RESETS[format as string];
  if (resets?.column) delete settings.columnSeparator;
  if (resets?.row) delete settings.rowSeparator;
  return { kind: "set", text: formatText(settings) };
}

/** The separators in force: `.separator`'s, else the format's ({@link defaultSeparators}). */
export function separatorsOf(settings: OutputSettings): { column: string; row: string } {
  const defaults = defaultSeparators(settings.format);
  return {
    column: settings.columnSeparator ?? defaults.column,
    row: settings.rowSeparator ?? defaults.row,
  };
}

/** `.separator COL [ROW]`: sets them (escapes such as `\t` resolved); alone, shows them. */
function separator(word: string, argument: string, settings: OutputSettings): MetaResult {
  const words = wordsOf(word, argument, { escapes: true });
  if (!Array.isArray(words)) return words;
  if (words.length > 2) {
    return { kind: "error", text: `${word}: expected COL [ROW]; quote a separator with spaces` };
  }
  const [column, row] = words;
  if (column !== undefined) settings.columnSeparator = column;
  if (row !== undefined) settings.rowSeparator = row;
  const shown = separatorsOf(settings);
  return {
    kind: column === undefined ? "reply" : "set",
    text: `separator: ${cString(shown.column)} ${cString(shown.row)}`,
  };
}

/** `.width N …`: minimum widths of the first columns (negative: right-aligned); alone, resets. */
function width(word: string, argument: string, settings: OutputSettings): MetaResult {
  const words = wordsOf(word, argument);
  if (!Array.isArray(words)) return words;
  if (words.some((text) => !/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text)))) {
    return {
      kind: "error",
      text: `${word}: expected whole numbers, one a column (a negative one right-aligns it)`,
    };
  }
  if (words.length === 0) {
    delete settings.columnWidths;
    return { kind: "set", text: "width: by content" };
  }
  settings.columnWidths = words.map(Number);
  return { kind: "set", text: `width: ${settings.columnWidths.join(" ")}` };
}

/**
 * `.thousand_sep [C]` / `.decimal_sep [C]`: one character, `space` or `none` (the default: no
 * grouping, `.` for decimals), as the DuckDB CLI takes them; alone, shows it.
 */
function numberSeparator(
  word: string,
  argument: string,
  settings: OutputSettings,
  field: "thousandSeparator" | "decimalSeparator",
): MetaResult {
  const label = field === "thousandSeparator" ? "thousand_sep" : "decimal_sep";
  const words = wordsOf(word, argument, { escapes: true });
  if (!Array.isArray(words)) return words;
  const show = () => `${label}: ${numberSeparatorText(settings, field)}`;
  if (words.length === 0) return { kind: "reply", text: show() };
  const [value = ""] = words;
  if (words.length > 1 || (value !== "space" && value !== "none" && [...value].length !== 1)) {
    return { kind: "error", text: `${word}: expected one character, "space" or "none"` };
  }
  if (value === "none") delete settings[field];
  else settings[field] = value === "space" ? " " : value;
  return { kind: "set", text: show() };
}

/**
 * How `.show`, `.thousand_sep` and `.decimal_sep` show a number separator: quoted as a C string,
 * `none` for no digit grouping, `"."` for the default decimal separator.
 */
export function numberSeparatorText(
  settings: OutputSettings,
  field: "thousandSeparator" | "decimalSeparator",
): string {
  const value = settings[field] ?? (field === "decimalSeparator" ? "." : undefined);
  return value === undefined ? "none" : cString(value);
}

/** `.prompt MAIN [CONTINUE]`: the REPL's prompts (escapes such as `\033` resolved). */
function prompt(word: string, argument: string, settings: OutputSettings): MetaResult {
  const words = wordsOf(word, argument, { escapes: true });
  if (!Array.isArray(words)) return words;
  if (words.length > 2) {
    return {
      kind: "error",
      text: `${word}: expected MAIN [CONTINUE]; quote a prompt that holds spaces`,
    };
  }
  const [main, continuation] = words;
  if (main !== undefined) settings.prompt = main;
  if (continuation !== undefined) settings.continuationPrompt = continuation;
  return {
    kind: main === undefined ? "reply" : "set",
    text: `prompt: ${cString(settings.prompt ?? DEFAULT_PROMPTS.main)} ${
      cString(settings.continuationPrompt ?? DEFAULT_PROMPTS.continuation)
    }`,
  };
}

/** The names {@link runOutputSetting} knows, for `help` and "did you mean". */
export const OUTPUT_SETTING_COMMANDS: readonly string[] = [
  "separator",
  "width",
  "thousand_sep",
  "decimal_sep",
  "prompt",
  "status",
  "highlight",
  "progress_bar",
  "echo",
  "bail",
  "changes",
];

/**
 * Runs the output-setting command `name` (one of {@link OUTPUT_SETTING_COMMANDS}, typed as
 * `word` with `argument`) on `settings`; undefined when `name` is none of them.
 */
export function runOutputSetting(
  word: string,
  name: string,
  argument: string,
  settings: OutputSettings,
): MetaResult | undefined {
  switch (name) {
    case "separator":
      return separator(word, argument, settings);
    case "width":
      return width(word, argument, settings);
    case "thousand_sep":
      return numberSeparator(word, argument, settings, "thousandSeparator");
    case "decimal_sep":
      return numberSeparator(word, argument, settings, "decimalSeparator");
    case "prompt":
      return prompt(word, argument, settings);
    case "status":
      return onOff(word, argument, "status", settings.statusBar ?? false, (on) => {
        settings.statusBar = on;
      });
    case "highlight":
      return onOff(word, argument, "highlight", settings.highlight ?? !Deno.noColor, (on) => {
        settings.highlight = on;
      });
    case "progress_bar":
      return onOff(word, argument, "progress_bar", settings.progressBar ?? true, (on) => {
        settings.progressBar = on;
      });
    case "echo":
      return onOff(word, argument, "echo", settings.echo ?? false, (on) => settings.echo = on);
    case "changes":
      return onOff(word, argument, "changes", settings.changes ?? false, (on) => {
        settings.changes = on;
      });
    case "bail":
      // Absent: the runner's default, on (--continue-on-error sets it off when the run starts).
      return onOff(word, argument, "bail", settings.bail ?? true, (on) => settings.bail = on);
    default:
      return undefined;
  }
}

/** The statements whose changed rows `.changes on` reports. */
const CHANGING_VERBS: ReadonlySet<string> = new Set([
  "insert",
  "update",
  "delete",
  "merge",
  "truncate",
]);

/**
 * The running count behind `.changes on`: the rows the last INSERT/UPDATE/DELETE (MERGE,
 * TRUNCATE) changed and the total since the counter was made, in the DuckDB CLI's words.
 */
export class ChangeCounter {
  #total = 0;

  /**
   * After `statement` produced `result`: when it is an INSERT, UPDATE, DELETE, MERGE or
   * TRUNCATE (read from its first words) whose result reports the rows it changed, adds them to
   * the total and returns the DuckDB CLI's line, `changes:   3   total_changes: 5` (the count
   * right-aligned in three characters); else undefined.
   */
  line(statement: string, result: StatementResult): string | undefined {
    if (result.kind !== "message" || result.rowsChanged === undefined) return undefined;
    const verb = statementHead(statement)?.verb;
    if (verb === undefined || !CHANGING_VERBS.has(verb)) return undefined;
    this.#total += result.rowsChanged;
    return `changes: ${String(result.rowsChanged).padStart(3)}   total_changes: ${this.#total}`;
  }
}
