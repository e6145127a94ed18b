/**
 * The predecessor's commands, retired: `FILTER`, `MAP`, `OUTPUT TO` and `IMPORT` each fail with
 * the SQL to write instead (docs/MIGRATION.md). They parse to an error, never to a command, so
 * they have no row in `RQL_COMMANDS`. `IMPORT DATABASE` is DuckDB's own and is left alone.
 *
 * @module
 */
import type { Token } from "../lexer.ts";
import { isWord } from "./parse_helpers.ts";
import { NoctraError } from "../../errors.ts";

/**
 * The error for a retired command, showing the SQL to write instead, or null when `statement`
 * (whose significant tokens are `tokens`) is not one.
 */
export function retiredCommandError(
  statement: string,
  tokens: readonly Token[],
): NoctraError | null {
  const first = tokens[0]?.kind === "word" ? tokens[0].value.toUpperCase() : "";
  const rest = tokens.length > 1
    ? statement.slice(tokens[1]!.start, tokens[tokens.length - 1]!.end)
    : "";
  switch (first) {
    case "FILTER":
      return new NoctraError(
        `FILTER is retired; add the condition to your query instead: SELECT … FROM … WHERE ${
          rest || "condition"
        }`,
      );
    case "MAP":
      return new NoctraError(
        `MAP is retired; compute the columns in the SELECT list instead: SELECT ${
          rest || "expression AS name"
        } FROM …`,
      );
    case "OUTPUT":
      if (!isWord(tokens[1], "TO")) return null;
      return new NoctraError(
        `OUTPUT TO is retired; write EXPORT (query) TO ${
          tokens[2]?.text ?? "'file'"
        } [FORMAT CSV|PARQUET|JSON|JSONL|ARROW]`,
      );
    case "IMPORT": {
      if (isWord(tokens[1], "DATABASE")) return null;
      const path = tokens[1]?.kind === "string" ? tokens[1].text : "'file'";
      const alias = isWord(tokens[2], "AS") && tokens[3] ? ` AS ${tokens[3].text}` : "";
      return new NoctraError(
        `IMPORT is retired; write USE ${path}${alias} (the file is queried in place, not copied)`,
      );
    }
    default:
      return null;
  }
}
