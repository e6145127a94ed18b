/**
 * Session variables where the engine meets them: variables from command-line text (`--var
 * name=value`, `--var name:TYPE=value`), which DuckDB casts, as a parameter, to the type written
 * or to the one inferred where nothing is lost; and result columns that are a bare `#name`,
 * named as the user wrote them.
 *
 * @module
 */
import { VARCHAR } from "./duckdb_api.ts";
import type { DuckDBSource } from "./sources/duckdb_source.ts";
import { firstLine } from "./first_line.ts";
import { PARAMETER_PREFIX, type SessionVariable, type VariableStore } from "../rql/variables.ts";
import type { StatementResult } from "./result.ts";
import { NoctraError } from "../errors.ts";

/**
 * Sets the variable `name` in `variables` from command-line text: without a `type`, the type is
 * inferred where nothing is lost ({@link inferredCast}); with a type, DuckDB casts the text.
 * Returns the variable. Throws {@link NoctraError} (exit code 2, a usage error) for a value the
 * type rejects.
 */
export async function setVariableFromText(
  duckdb: DuckDBSource,
  variables: VariableStore,
  name: string,
  text: string,
  type?: string,
): Promise<SessionVariable> {
  const expression = type !== undefined ? `CAST($text AS ${type})` : inferredCast(text);
  try {
    const { value, type: valueType } = await duckdb.evaluate(`SELECT ${expression}`, {
      values: { text },
      types: { text: VARCHAR },
    });
    return variables.set(name, value, valueType);
  } catch (error) {
    throw new NoctraError(
      `--var ${name}${type ? ":" + type : ""}=${text}: ${firstLine(error)}`,
      2,
    );
  }
}

/**
 * The SQL that turns the text of `--var name=text` into its inferred type — only where the
 * conversion loses nothing, so the value prints back as written: integers without leading zeros
 * that fit BIGINT; decimals without leading zeros as DECIMAL(p, s) with the digits written
 * (up to 38); numbers with an exponent as DOUBLE; `true`/`false` as BOOLEAN. Anything else —
 * `00501`, `1e`, 40-digit integers, text — stays VARCHAR. The text itself is the parameter
 * `$text`; only the type name is written here.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { inferredCast } from "./session_variables.ts";
 *
 * strictEqual(inferredCast("19.90"), "CAST($text AS DECIMAL(4, 2))");
 * strictEqual(inferredCast("00501"), "$text");
 * ```
 */
export function inferredCast(text: string): string {
  const integer = /^[-+]?(0|[1-9]\d*)$/.exec(text);
  if (integer !== null) {
    const value = BigInt(text);
    return value >= -(2n ** 63n) && value < 2n ** 63n ? "CAST($text AS BIGINT)" : "$text";
  }
  const decimal = /^[-+]?(0|[1-9]\d*)?\.(\d+)$/.exec(text);
  if (decimal !== null) {
    const whole = decimal[1] ?? "";
    const fraction = decimal[2]!;
    const precision = Math.max(whole.length + fraction.length, fraction.length + 1);
    return precision <= 38 ? `CAST($text AS DECIMAL(${precision}, ${fraction.length}))` : "$text";
  }
  if (/^[-+]?(0|[1-9]\d*)(\.\d+)?[eE][-+]?\d+$/.test(text)) return "CAST($text AS DOUBLE)";
  if (/^(true|false)$/i.test(text)) return "CAST($text AS BOOLEAN)";
  return "$text";
}

/**
 * Names the result columns that are a bare `#name` reference as the user wrote them: DuckDB and
 * SQLite name such a column after the parameter (`$noctra_top`), which becomes `#top`. A result
 * with such a column gives up the engine's own CSV writer (which would print the parameter's
 * name) for Noctra's renderers. Returns `result` itself when no column is renamed.
 */
export function nameVariableColumns(
  result: StatementResult,
  variables: VariableStore,
): StatementResult {
  if (result.kind !== "rows") return result;
  let renamed = false;
  const columns = result.columns.map((column) => {
    if (!column.name.startsWith("$" + PARAMETER_PREFIX)) return column;
    const variable = variables.get(column.name.slice(1 + PARAMETER_PREFIX.length));
    if (variable === undefined) return column;
    renamed = true;
    return { ...column, name: `#${variable.name}` };
  });
  if (!renamed) return result;
  return { kind: "rows", columns, chunks: () => result.chunks() };
}
