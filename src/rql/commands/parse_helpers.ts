/**
 * What several RQL parsers share: token tests, the way an unexpected token is named in an
 * error, and the `OPTIONS (key = value, …)` list of `USE` and `EXPORT`. Parsers read the lexer's
 * tokens, never regexes over SQL text.
 *
 * @module
 */
import type { Token } from "../lexer.ts";
import { NoctraError } from "../../errors.ts";
import {
  checkOptionName,
  type OptionValue,
  parseOptionValue,
  renderOptionValue,
} from "../../engine/file_readers.ts";
import type { ReaderOption } from "./reader_option.ts";

/** True when `token` is the keyword `word` (upper case), in any case. */
export function isWord(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === "word" && token.value.toUpperCase() === word;
}

/** True when `token` is a name: a plain word or a quoted identifier. */
export function isName(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === "word" || token.kind === "quoted_identifier");
}

/** `token` as an error message names it: its text in quotes, or `end of statement`. */
export function describeToken(token: Token | undefined): string {
  return token === undefined ? "end of statement" : `'${token.text}'`;
}

/**
 * Parses `( key = value, … )` starting at `start`; returns the options and the position after
 * the closing `)`. Names must be plain identifiers, each given once. With `resolveValue` (USE)
 * each value is parsed as a typed value and rendered back ({@link ReaderOption}); with
 * `sourceText` (EXPORT) a value is any balanced expression, kept as its source text. `context`
 * starts every error message. Throws {@link NoctraError}.
 */
export function parseOptions(
  tokens: readonly Token[],
  start: number,
  context: string,
  values:
    | { readonly resolveValue: (variable: string) => OptionValue }
    | { readonly sourceText: string },
): { options: ReaderOption[]; next: number } {
  if (tokens[start]?.text !== "(") {
    throw new NoctraError(
      `${context}: expected '(' after OPTIONS, found ${describeToken(tokens[start])}`,
    );
  }
  const options: ReaderOption[] = [];
  const seen = new Set<string>();
  let position = start + 1;
  while (position < tokens.length && tokens[position]!.text !== ")") {
    const key = tokens[position];
    if (key === undefined || (key.kind !== "word" && key.kind !== "quoted_identifier")) {
      throw new NoctraError(`${context}: expected an option name, found ${describeToken(key)}`);
    }
    checkOptionName(key.value, context);
    if (seen.has(key.value.toLowerCase())) {
      throw new NoctraError(`${context}: option ${key.value} is given twice`);
    }
    seen.add(key.value.toLowerCase());
    if (tokens[position + 1]?.text !== "=") {
      throw new NoctraError(
        `${context}: expected '=' after option ${key.value}, found ${
          describeToken(tokens[position + 1])
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
            describeToken(tokens[position])
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
