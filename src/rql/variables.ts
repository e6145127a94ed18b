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
import { tokenize } from "./lexer.ts";
import { NoctraError } from "../errors.ts";

/** A variable's value and its DuckDB type. */
export interface SessionVariable {
  readonly name: string;
  readonly value: DuckDBValue;
  readonly type: DuckDBType;
}

/** A statement with its `#name` references replaced by parameters, and their values. */
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

  /** Sets (or replaces) a variable. */
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
   * the values. Throws {@link NoctraError} naming an undefined variable.
   */
  bind(statement: string): BoundStatement {
    const tokens = tokenize(statement);
    if (!tokens.some((token) => token.kind === "variable")) {
      return { sql: statement, parameters: {}, types: {} };
    }
    const parameters: Record<string, DuckDBValue> = {};
    const types: Record<string, DuckDBType> = {};
    let sql = "";
    for (const token of tokens) {
      if (token.kind !== "variable") {
        sql += token.text;
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
      sql += "$" + parameter;
    }
    return { sql, parameters, types };
  }
}
