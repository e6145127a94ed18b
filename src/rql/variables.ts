/**
 * Session variables: typed values set with `LET name = expression` (or `--var`), referenced as
 * `#name`, and always *bound* as prepared-statement parameters — never spliced into SQL text.
 *
 * `#name` becomes the named parameter `$noctra_name` in the statement DuckDB or SQLite
 * prepares, and the value travels beside it with its DuckDB type. The lexer decides what is a
 * reference: `#name` inside a string literal, a quoted identifier or a comment is text, and
 * `#1` (DuckDB's positional column reference) is not a variable.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import type { DuckDBType, DuckDBValue } from "npm:@duckdb/node-api@1.5.5-r.5";
import { type Token, tokenize, tokenizeLenient } from "./lexer.ts";
import { NoctraError } from "../errors.ts";

/**
 * A variable's value and its DuckDB type.
 *
 * @internal Typed with `@duckdb/node-api` values, outside the documented library surface.
 */
export interface SessionVariable {
  /** The name as written after `#`, without it. */
  readonly name: string;
  /** The value, bound as a parameter wherever `#name` appears. */
  readonly value: DuckDBValue;
  /** Its DuckDB type (what `SHOW VARS` lists). */
  readonly type: DuckDBType;
}

/**
 * A statement with its `#name` references replaced by parameters, and their values.
 *
 * @internal Typed with `@duckdb/node-api` values, outside the documented library surface.
 */
export interface BoundStatement {
  /** The statement with each `#name` written as `$noctra_name`. */
  readonly sql: string;
  /** Parameter name (without `$`) → value. Empty when the statement has no references. */
  readonly parameters: Readonly<Record<string, DuckDBValue>>;
  /** Parameter name → DuckDB type, for binding with the variable's exact type. */
  readonly types: Readonly<Record<string, DuckDBType>>;
}

/** Prefix of the parameters that stand for variables (`$noctra_name`). */
export const PARAMETER_PREFIX = "noctra_";

/** The session's variables, by case-insensitive name. */
export class VariableStore {
  readonly #variables = new Map<string, SessionVariable>();

  /**
   * Sets (or replaces) a variable.
   *
   * @internal Takes `@duckdb/node-api` values, outside the documented library surface.
   */
  set(name: string, value: DuckDBValue, type: DuckDBType): SessionVariable {
    const variable = { name, value, type };
    this.#variables.set(name.toLowerCase(), variable);
    return variable;
  }

  /** The variable called `name`, or undefined. */
  get(name: string): SessionVariable | undefined {
    return this.#variables.get(name.toLowerCase());
  }

  /** Removes variables; throws {@link NoctraError} naming the first that is not set. */
  unset(names: readonly string[]): void {
    for (const name of names) {
      if (!this.#variables.has(name.toLowerCase())) {
        throw new NoctraError(`UNSET ${name}: no variable named ${name}; SHOW VARS lists them`);
      }
    }
    for (const name of names) this.#variables.delete(name.toLowerCase());
  }

  /** All variables in name order. */
  list(): SessionVariable[] {
    return [...this.#variables.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Replaces every `#name` reference in `statement` by the parameter `$noctra_name` and collects
   * the values. A space is put between the parameter and a neighbouring character that would
   * otherwise join it in DuckDB's reading (`a#b` → `a $noctra_b`, not the identifier
   * `a$noctra_b`; a non-ASCII character after it, which DuckDB would read as part of the name),
   * and the result is re-read to prove that DuckDB sees exactly the statement's tokens with each
   * reference a parameter.
   *
   * @param statement one statement (see `./splitter.ts`)
   * @returns the rewritten SQL, its parameter values and types
   * @throws {NoctraError} naming an undefined variable, or a reference that cannot be bound
   *   without changing how DuckDB reads the statement
   * @throws {UnterminatedTokenError} (from `./lexer.ts`) for an unterminated token
   * @internal Returns `@duckdb/node-api` values, outside the documented library surface.
   */
  bind(statement: string): BoundStatement {
    const tokens = tokenize(statement);
    if (!tokens.some((token) => token.kind === "variable")) {
      return { sql: statement, parameters: {}, types: {} };
    }
    const parameters: Record<string, DuckDBValue> = {};
    const types: Record<string, DuckDBType> = {};
    let sql = "";
    const expected: string[] = []; // `kind text` of each non-whitespace token of `sql`
    for (const token of tokens) {
      if (token.kind !== "variable") {
        sql += token.text;
        if (token.kind !== "whitespace") expected.push(`${token.kind} ${token.text}`);
        continue;
      }
      const variable = this.get(token.value);
      if (variable === undefined) {
        throw new NoctraError(
          `#${token.value} (line ${token.line}): no variable named ${token.value}; set it with LET ${token.value} = … or --var ${token.value}=…`,
        );
      }
      const parameter = PARAMETER_PREFIX + variable.name.toLowerCase();
      parameters[parameter] = variable.value;
      types[parameter] = variable.type;
      const before = joinsParameter(statement.charCodeAt(token.start - 1)) ? " " : "";
      const after = statement.charCodeAt(token.end) >= 0x80 ? " " : "";
      sql += `${before}$${parameter}${after}`;
      expected.push(`parameter $${parameter}`);
    }
    checkBound(tokens, expected, sql);
    return { sql, parameters, types };
  }
}

/**
 * Whether a character right before `$noctra_…` would change how DuckDB reads it: an identifier
 * character or `$` would make one identifier (`a$noctra_b`) or a dollar quote (`$$noctra_b`);
 * a non-ASCII character could be read as a letter.
 */
function joinsParameter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) ||
    code === 95 || code === 36 || code >= 0x80;
}

/**
 * Throws {@link NoctraError} unless `sql` reads as `expected` (the `kind text` of each
 * non-whitespace token: the statement's own, each variable replaced by its parameter): the
 * rewrite must not merge tokens, open a quote, or move a Unicode space between DuckDB's space
 * and letter readings. `original` gives the line to report.
 */
function checkBound(original: Token[], expected: string[], sql: string): void {
  const { tokens, unterminated } = tokenizeLenient(sql);
  const actual = tokens
    .filter((token) => token.kind !== "whitespace")
    .map((token) => `${token.kind} ${token.text}`);
  const index = actual.findIndex((text, i) => text !== expected[i]);
  if (unterminated === null && index === -1 && actual.length === expected.length) return;
  const at = original.filter((token) => token.kind !== "whitespace")[Math.max(index, 0)];
  throw new NoctraError(
    `line ${
      at?.line ?? 1
    }: a #variable here cannot be bound as a parameter without changing how DuckDB reads the statement; put spaces around it`,
  );
}
