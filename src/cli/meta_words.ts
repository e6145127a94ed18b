/**
 * How meta-commands read their arguments: words split and unquoted as the DuckDB CLI splits
 * them ({@link commandWords}), on/off and whole-number settings, and SQL LIKE patterns.
 *
 * @module
 */
import { NoctraError } from "../errors.ts";
import type { MetaResult } from "./meta_types.ts";

/** How {@link commandWords} treats backslashes outside quotes. */
export interface WordOptions {
  /**
   * Resolve backslash escapes (`\t`, `\n`, `\\`, `\033` …) in unquoted words too, as the DuckDB
   * CLI does; for text arguments (`.separator`, `.print`, `.prompt`). Off for file names, so
   * that `.read C:\dir\x.sql` keeps its backslashes.
   */
  readonly escapes?: boolean;
}

/**
 * The words of a dot-command's argument as the DuckDB CLI splits them: at spaces; a word that
 * starts with a single or double quote runs to the matching quote (`.read "my file.sql"`,
 * `.nullvalue ''`); a quote later in a word is a character (`.read it's.sql`). Inside double
 * quotes a backslash escapes as in C ({@link resolveBackslashes}: `"\t"` is a tab, `"\""` a
 * quote); single-quoted words are taken as written; unquoted words too unless
 * `options.escapes`. Throws {@link NoctraError} naming `word` on an unclosed quote.
 */
export function commandWords(word: string, argument: string, options: WordOptions = {}): string[] {
  const words: string[] = [];
  const pattern = /\s*(?:'([^']*)'|"((?:[^"\\]|\\.)*)"|([^\s'"]\S*))/y;
  let at = 0;
  while (at < argument.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(argument);
    if (match === null) break;
    if (match[1] !== undefined) words.push(match[1]);
    else if (match[2] !== undefined) words.push(resolveBackslashes(match[2]));
    else words.push(options.escapes ? resolveBackslashes(match[3]!) : match[3]!);
    at = pattern.lastIndex;
  }
  if (argument.slice(at).trim() !== "") {
    throw new NoctraError(`${word}: unclosed quote in ${argument}`);
  }
  return words;
}

const C_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  t: "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
};

/**
 * `text` with C backslash escapes resolved as the DuckDB CLI resolves them: `\a \b \t \n \v \f
 * \r`, `\NNN` (one to three octal digits, one character), and a backslash before any other
 * character stands for that character (`\\` → `\`, `\"` → `"`, `\x` → `x`). A final lone
 * backslash stays.
 */
export function resolveBackslashes(text: string): string {
  return text.replace(/\\([0-7]{1,3}|[\s\S])/g, (_, escaped: string) => {
    if (/^[0-7]/.test(escaped)) return String.fromCharCode(parseInt(escaped, 8) & 0xff);
    return C_ESCAPES[escaped] ?? escaped;
  });
}

/**
 * The one word (a file name, a pattern) of `argument`, or undefined when it is empty. Throws
 * {@link NoctraError} when there are more (`what` names the word in the message).
 */
export function oneWord(word: string, argument: string, what: string): string | undefined {
  const words = commandWords(word, argument);
  if (words.length > 1) {
    throw new NoctraError(`${word}: expected one ${what}; quote it when it holds spaces`);
  }
  return words[0];
}

/** The values DuckDB's CLI reads as on and off. */
const ON_WORDS: ReadonlySet<string> = new Set(["on", "true", "yes", "1"]);
const OFF_WORDS: ReadonlySet<string> = new Set(["off", "false", "no", "0"]);

/**
 * An on/off setting typed as `word` with `argument`: without an argument a `reply` showing
 * `label: on|off` (`current`); with `on`/`true`/`yes`/`1` or `off`/`false`/`no`/`0` (any case)
 * it calls `set` and returns `set`; anything else is an `error`.
 */
export function onOff(
  word: string,
  argument: string,
  label: string,
  current: boolean,
  set: (on: boolean) => void,
): MetaResult {
  const value = argument.toLowerCase();
  if (value === "") return { kind: "reply", text: `${label}: ${current ? "on" : "off"}` };
  if (!ON_WORDS.has(value) && !OFF_WORDS.has(value)) {
    return { kind: "error", text: `${word}: expected on or off` };
  }
  set(ON_WORDS.has(value));
  return { kind: "set", text: `${label}: ${ON_WORDS.has(value) ? "on" : "off"}` };
}

/**
 * A whole-number setting ≥ 0: without an argument a `reply` showing `label: current`; with
 * digits (a safe integer) it calls `set`; anything else is an `error` that explains 0 (`zero`).
 */
export function wholeNumber(
  word: string,
  argument: string,
  label: string,
  current: number,
  zero: string,
  set: (value: number) => void,
): MetaResult {
  if (argument === "") return { kind: "reply", text: `${label}: ${current}` };
  if (!/^\d+$/.test(argument) || !Number.isSafeInteger(Number(argument))) {
    return { kind: "error", text: `${word}: expected a whole number ≥ 0 (${zero})` };
  }
  set(Number(argument));
  return { kind: "set", text: `${label}: ${Number(argument)}` };
}

/**
 * A SQL LIKE pattern (`%` any text, `_` one character, case-sensitive as in DuckDB) as a regular
 * expression matching whole names. With `escape` (DuckDB's `.dump` uses `\`), that character
 * makes the next one literal (`a\_b` matches only `a_b`).
 */
export function likePattern(pattern: string, escape?: string): RegExp {
  let source = "";
  const chars = [...pattern];
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index]!;
    if (char === escape && index + 1 < chars.length) {
      source += chars[++index]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    } else if (char === "%") source += "[\\s\\S]*";
    else if (char === "_") source += "[\\s\\S]";
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "u");
}
