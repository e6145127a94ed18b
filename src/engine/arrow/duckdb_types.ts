/**
 * DuckDB type facts the Arrow conversions share: the rows of a data chunk, the storage width of
 * a DECIMAL, and {@link parseDuckDBType}, which reads a type back from its text (a result with no
 * chunks has no vectors to take types from, only `ColumnInfo.type`).
 *
 * @module
 */
import {
  ARRAY,
  BIGINT,
  BLOB,
  BOOLEAN,
  DATE,
  DECIMAL,
  DOUBLE,
  DuckDBStructType,
  type DuckDBType,
  FLOAT,
  HUGEINT,
  INTEGER,
  INTERVAL,
  LIST,
  MAP,
  SMALLINT,
  SQLNULL,
  TIME,
  TIME_NS,
  TIMESTAMP,
  TIMESTAMP_MS,
  TIMESTAMP_NS,
  TIMESTAMP_S,
  TIMESTAMPTZ,
  TIMETZ,
  TINYINT,
  UBIGINT,
  UHUGEINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  UUID,
  VARCHAR,
} from "../duckdb_api.ts";

/** Rows per DuckDB data chunk (`duckdb_vector_size()`). */
export const DUCKDB_CHUNK_ROWS = 2048;

/** Bytes DuckDB stores a DECIMAL(width, …) in. */
export function decimalStorageBytes(width: number): 2 | 4 | 8 | 16 {
  return width <= 4 ? 2 : width <= 9 ? 4 : width <= 18 ? 8 : 16;
}

// --- DuckDB type names (for results without any chunk) --------------------------------------

const NAMED_TYPES: Readonly<Record<string, DuckDBType>> = {
  BOOLEAN,
  BOOL: BOOLEAN,
  TINYINT,
  INT1: TINYINT,
  SMALLINT,
  INT2: SMALLINT,
  INTEGER,
  INT: INTEGER,
  INT4: INTEGER,
  BIGINT,
  INT8: BIGINT,
  UTINYINT,
  USMALLINT,
  UINTEGER,
  UBIGINT,
  HUGEINT,
  UHUGEINT,
  FLOAT,
  FLOAT4: FLOAT,
  DOUBLE,
  FLOAT8: DOUBLE,
  VARCHAR,
  BLOB,
  DATE,
  TIME,
  TIME_NS,
  "TIME WITH TIME ZONE": TIMETZ,
  TIMESTAMP,
  TIMESTAMP_S,
  TIMESTAMP_MS,
  TIMESTAMP_NS,
  "TIMESTAMP WITH TIME ZONE": TIMESTAMPTZ,
  TIMESTAMPTZ,
  UUID,
  INTERVAL,
  NULL: SQLNULL,
  '"NULL"': SQLNULL,
  SQLNULL,
};

/**
 * Parses a DuckDB type as `DuckDBType.toString()` prints it (`DECIMAL(18,3)`, `INTEGER[]`,
 * `VARCHAR[3]`, `STRUCT("a" INTEGER, …)`, `MAP(VARCHAR, INTEGER)`, `ENUM('x', …)`, …). Unknown
 * names inside nested types become VARCHAR (text); an unknown top-level name gives `undefined`.
 */
export function parseDuckDBType(text: string): DuckDBType | undefined {
  let position = 0;
  const source = text.trim();
  const skipSpaces = () => {
    while (source[position] === " ") position++;
  };
  const expect = (char: string) => {
    skipSpaces();
    if (source[position] !== char) throw new SyntaxError(`expected ${char}`);
    position++;
  };
  const identifier = (): string => {
    skipSpaces();
    if (source[position] === '"') {
      let name = "";
      position++;
      while (position < source.length) {
        if (source[position] === '"') {
          if (source[position + 1] === '"') {
            name += '"';
            position += 2;
            continue;
          }
          position++;
          return name;
        }
        name += source[position++];
      }
      throw new SyntaxError("unterminated identifier");
    }
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(position));
    if (match === null) throw new SyntaxError("expected a name");
    position += match[0].length;
    return match[0];
  };
  let unknown = false;
  const parseType = (): DuckDBType => {
    skipSpaces();
    const rest = source.slice(position);
    let type: DuckDBType;
    const word = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)?.[1]?.toUpperCase() ?? "";
    if (/^TIMESTAMP WITH TIME ZONE/i.test(rest)) {
      position += "TIMESTAMP WITH TIME ZONE".length;
      type = TIMESTAMPTZ;
    } else if (/^TIME WITH TIME ZONE/i.test(rest)) {
      position += "TIME WITH TIME ZONE".length;
      type = TIMETZ;
    } else if (rest.startsWith('"NULL"')) {
      position += 6;
      type = SQLNULL;
    } else if ((word === "DECIMAL" || word === "NUMERIC") && rest[word.length] === "(") {
      position += word.length + 1;
      const width = Number(/^\s*(\d+)/.exec(source.slice(position))?.[1]);
      position = source.indexOf(",", position) + 1;
      const scale = Number(/^\s*(\d+)/.exec(source.slice(position))?.[1]);
      position = source.indexOf(")", position) + 1;
      if (!Number.isInteger(width) || !Number.isInteger(scale) || position === 0) {
        throw new SyntaxError("bad DECIMAL");
      }
      type = DECIMAL(width, scale);
    } else if (word === "STRUCT" && rest[6] === "(") {
      position += 7;
      const names: string[] = [];
      const types: DuckDBType[] = [];
      for (;;) {
        names.push(identifier());
        types.push(parseType());
        skipSpaces();
        if (source[position] === ",") {
          position++;
          continue;
        }
        expect(")");
        break;
      }
      type = new DuckDBStructType(names, types);
    } else if (word === "MAP" && rest[3] === "(") {
      position += 4;
      const key = parseType();
      expect(",");
      const value = parseType();
      expect(")");
      type = MAP(key, value);
    } else if ((word === "ENUM" || word === "UNION") && rest[word.length] === "(") {
      // Both become text: skip the balanced parentheses, honouring quotes.
      position += word.length;
      let depth = 0;
      let quote = "";
      do {
        const char = source[position++];
        if (char === undefined) throw new SyntaxError("unterminated type");
        if (quote !== "") {
          if (char === quote) quote = "";
        } else if (char === "'" || char === '"') quote = char;
        else if (char === "(") depth++;
        else if (char === ")") depth--;
      } while (depth > 0);
      type = VARCHAR;
    } else if (word !== "") {
      position += word.length;
      const named = NAMED_TYPES[word];
      if (named === undefined) unknown = true;
      type = named ?? VARCHAR;
    } else {
      throw new SyntaxError("expected a type");
    }
    for (;;) {
      const suffix = /^\[(\d*)\]/.exec(source.slice(position));
      if (suffix === null) break;
      position += suffix[0].length;
      type = suffix[1] === "" ? LIST(type) : ARRAY(type, Number(suffix[1]));
    }
    return type;
  };
  try {
    const type = parseType();
    skipSpaces();
    if (position !== source.length) return undefined;
    if (unknown && !/[([]/.test(source)) return undefined;
    return type;
  } catch {
    return undefined;
  }
}
