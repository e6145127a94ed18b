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
  | "alter"
  | "merge"
  | "truncate"
  | "copy_from";

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
  /** Offset where the source query ends (before a top-level `ON CONFLICT`/`RETURNING`), or undefined = end. */
  readonly queryEnd?: number | undefined;
  /** `ON CONFLICT …` (and anything after it) as written, for an INSERT. */
  readonly conflictClause?: string | undefined;
  /** `OR REPLACE` / `OR IGNORE` …: the word after OR in `INSERT OR …`. */
  readonly orAction?: string | undefined;
  /** `CREATE TABLE IF NOT EXISTS`. */
  readonly ifNotExists?: boolean;
  /** The statement starts with a `WITH …` clause before its verb. */
  readonly withPrefix?: boolean;
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
  let withPrefix = false;
  if (word(next()) === "WITH") {
    // WITH … INSERT/UPDATE/DELETE: the verb is the first of them outside parentheses.
    let depth = 0;
    for (; position < tokens.length; position++) {
      const text = tokens[position]!.text;
      if (text === "(") depth++;
      else if (text === ")") depth--;
      else if (
        depth === 0 && ["INSERT", "UPDATE", "DELETE", "MERGE"].includes(word(tokens[position]))
      ) break;
    }
    if (position >= tokens.length) return null;
    withPrefix = true;
  }
  const verbWord = word(next());
  position++;
  const head = (found: StatementHead | null): StatementHead | null =>
    found === null || !withPrefix ? found : { ...found, withPrefix: true };
  switch (verbWord) {
    case "INSERT":
    case "REPLACE": {
      let orAction: string | undefined = verbWord === "REPLACE" ? "REPLACE" : undefined;
      if (accept("OR")) {
        orAction = word(next());
        position++;
      }
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
      // A top-level ON CONFLICT / RETURNING ends the source query.
      let queryEnd: number | undefined;
      let conflictClause: string | undefined;
      let depth = 0;
      for (let index = position; index < tokens.length; index++) {
        const token = tokens[index]!;
        if (token.text === "(") depth++;
        else if (token.text === ")") depth--;
        else if (
          depth === 0 &&
          ((word(token) === "ON" && word(tokens[index + 1]) === "CONFLICT") ||
            word(token) === "RETURNING")
        ) {
          queryEnd = token.start;
          conflictClause = statement.slice(token.start);
          break;
        }
      }
      return head({
        verb: "insert",
        target,
        insertColumns,
        queryStart: isQuery ? start!.start : undefined,
        values: isValues,
        queryEnd,
        conflictClause,
        orAction,
      });
    }
    case "UPDATE": {
      if (accept("OR")) position++;
      const target = name();
      return target === null ? null : head(simple("update", target));
    }
    case "DELETE": {
      if (!accept("FROM")) return null;
      const target = name();
      return target === null ? null : head(simple("delete", target));
    }
    case "MERGE": {
      if (!accept("INTO")) return null;
      const target = name();
      return target === null ? null : head(simple("merge", target));
    }
    case "TRUNCATE": {
      accept("TABLE");
      const target = name();
      return target === null ? null : simple("truncate", target);
    }
    case "COPY": {
      const target = name();
      if (target === null || !accept("FROM")) return null; // COPY … TO only reads
      return simple("copy_from", target);
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
      let ifNotExists = false;
      if (accept("IF")) {
        accept("NOT");
        accept("EXISTS");
        ifNotExists = true;
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
          ifNotExists,
        };
      }
      return { ...simple("create_table", target), ifNotExists };
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
