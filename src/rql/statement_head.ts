/**
 * The head of a write statement — its verb, the relation it writes, and where its source query
 * starts — read from the lexer's tokens. DuckDB's parser serializes only SELECT trees
 * (`json_serialize_sql` answers `"error": true` for the rest), and SQLite-only syntax
 * (`AUTOINCREMENT`, `INSERT OR IGNORE`) would not parse in DuckDB at all; the head is all the
 * router needs to send a write to the database that owns its target.
 *
 * @module
 */
import { significantTokens, type Token } from "./lexer.ts";

/** The verbs whose target decides where a statement runs. */
export type WriteVerb =
  | "insert"
  | "update"
  | "delete"
  | "create_table"
  | "create_other"
  | "drop"
  | "alter";

/** A statement's write target and, for `INSERT … SELECT` / `CREATE TABLE … AS`, its query. */
export interface StatementHead {
  readonly verb: WriteVerb;
  /** Name parts as written (`["db", "t"]` for `db.t`), unquoted. */
  readonly target: readonly string[];
  /** `INSERT INTO t (a, b)`: the listed columns, else undefined. */
  readonly insertColumns: readonly string[] | undefined;
  /** Offset where the source query starts (`SELECT`/`WITH`/`FROM`/`(`), or undefined. */
  readonly queryStart: number | undefined;
  /** True for `INSERT … VALUES` / `DEFAULT VALUES`. */
  readonly values: boolean;
}

function word(token: Token | undefined): string {
  return token?.kind === "word" ? token.value.toUpperCase() : "";
}

/**
 * Reads the head of `statement`, or returns `null` when it is not a write statement (SELECT,
 * SET, PRAGMA, …) or its head does not have the expected shape. Never throws for SQL that the
 * lexer accepts.
 */
export function statementHead(statement: string): StatementHead | null {
  let tokens: Token[];
  try {
    tokens = significantTokens(statement);
  } catch {
    return null;
  }
  let position = 0;
  const next = () => tokens[position];
  const accept = (...words: string[]) => {
    if (words.includes(word(next()))) {
      position++;
      return true;
    }
    return false;
  };
  const name = (): string[] | null => {
    const parts: string[] = [];
    for (;;) {
      const token = next();
      if (token === undefined || (token.kind !== "word" && token.kind !== "quoted_identifier")) {
        return null;
      }
      parts.push(token.value);
      position++;
      if (next()?.text !== ".") return parts;
      position++;
    }
  };
  const verbWord = word(next());
  position++;
  switch (verbWord) {
    case "INSERT":
    case "REPLACE": {
      if (accept("OR")) position++;
      if (!accept("INTO") && verbWord === "INSERT") return null;
      const target = name();
      if (target === null) return null;
      if (accept("AS")) position++; // INSERT INTO t AS alias (PostgreSQL/DuckDB)
      let insertColumns: string[] | undefined;
      if (next()?.text === "(" && !["SELECT", "WITH"].includes(word(tokens[position + 1]))) {
        insertColumns = [];
        position++;
        while (next() !== undefined && next()!.text !== ")") {
          const token = next()!;
          if (token.kind === "word" || token.kind === "quoted_identifier") {
            insertColumns.push(token.value);
          }
          position++;
        }
        position++;
      }
      const start = next();
      const isValues = ["VALUES", "DEFAULT"].includes(word(start));
      const isQuery = ["SELECT", "WITH", "FROM"].includes(word(start)) || start?.text === "(";
      return {
        verb: "insert",
        target,
        insertColumns,
        queryStart: isQuery ? start!.start : undefined,
        values: isValues,
      };
    }
    case "UPDATE": {
      if (accept("OR")) position++;
      const target = name();
      return target === null ? null : simple("update", target);
    }
    case "DELETE": {
      if (!accept("FROM")) return null;
      const target = name();
      return target === null ? null : simple("delete", target);
    }
    case "CREATE": {
      accept("OR") && accept("REPLACE");
      accept("TEMP", "TEMPORARY");
      accept("UNIQUE");
      const kind = word(next());
      position++;
      if (kind === "INDEX") {
        // CREATE INDEX [IF NOT EXISTS] name ON target (…)
        while (next() !== undefined && word(next()) !== "ON") position++;
        if (!accept("ON")) return null;
        const target = name();
        return target === null ? null : simple("create_other", target);
      }
      if (kind !== "TABLE" && kind !== "VIEW" && kind !== "TRIGGER") return null;
      if (accept("IF")) {
        accept("NOT");
        accept("EXISTS");
      }
      const target = name();
      if (target === null) return null;
      if (kind !== "TABLE") return simple("create_other", target);
      if (accept("AS")) {
        const start = next();
        return {
          verb: "create_table",
          target,
          insertColumns: undefined,
          queryStart: start?.start,
          values: false,
        };
      }
      return simple("create_table", target);
    }
    case "DROP": {
      const kind = word(next());
      position++;
      if (!["TABLE", "VIEW", "INDEX", "TRIGGER"].includes(kind)) return null;
      if (accept("IF")) accept("EXISTS");
      const target = name();
      return target === null ? null : simple("drop", target);
    }
    case "ALTER": {
      if (!accept("TABLE")) return null;
      const target = name();
      return target === null ? null : simple("alter", target);
    }
    default:
      return null;
  }
}

function simple(verb: WriteVerb, target: readonly string[]): StatementHead {
  return { verb, target, insertColumns: undefined, queryStart: undefined, values: false };
}
