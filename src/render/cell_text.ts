/**
 * A cell's text exactly as DuckDB's `CAST(… AS VARCHAR)` writes it — what the DuckDB CLI prints in
 * every mode — for the values `@duckdb/node-api` hands out:
 *
 * - DOUBLE and FLOAT as DuckDB's `fmt` does: the shortest digits that read back as the same
 *   value (FLOAT's own 32-bit shortest, `0.3`, not the double's `0.30000001192092896`), fixed
 *   notation for exponents −4 to 15 with `.0` on whole numbers (`35.0`), else `1e+20`, `1.5e-07`;
 *   `-0.0`, `nan`, `inf`, `-inf`;
 * - BLOB with printable ASCII as is and every other byte, `\`, `'` and `"` as `\xHH`;
 * - LIST/ARRAY `[…]`, STRUCT `{'k': …}`, MAP `{k=v}`, UNION as its member, with DuckDB's quoting
 *   of the scalar items inside them: an item is written `'…'` (with `\'` and `\\`) when it is
 *   empty, starts or ends with a space, reads `null`, or holds one of `"'(),:=[]{}`.
 *
 * The column's SQL type (as `ColumnInfo.type` spells it: `FLOAT[]`, `STRUCT("a" FLOAT)`) tells a
 * FLOAT from a DOUBLE, also inside nested values; see {@link cellFormatter}.
 *
 * A helper like `values.ts`: it imports no renderer.
 *
 * @module
 */
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBUnionValue,
} from "../engine/duckdb_api.ts";
import type { Cell } from "../engine/result.ts";

/** DuckDB's DATE infinities, stored as ±(2^31 − 1) days (DuckDB `Date::Infinity`). */
const DATE_INFINITY_DAYS = 2147483647;

/** A SQL type as far as text needs it: its name and, for nested types, the types inside. */
export interface SqlType {
  /** Upper-case name without parameters: `FLOAT`, `DECIMAL`, `LIST`, `STRUCT`, `MAP`, `UNION`. */
  readonly name: string;
  /** LIST/ARRAY: the element; STRUCT/UNION: the fields in order; MAP: key and value. */
  readonly children?: readonly SqlType[];
  /** STRUCT/UNION: the field names, parallel to `children`. */
  readonly fields?: readonly string[];
}

/** Integer types whose values arrive as JS numbers (the 8-, 16- and 32-bit ones). */
const INTEGER_NAMES = new Set([
  "TINYINT",
  "SMALLINT",
  "INTEGER",
  "UTINYINT",
  "USMALLINT",
  "UINTEGER",
  "BIGINT",
  "UBIGINT",
  "HUGEINT",
  "UHUGEINT",
  "INT",
]);

/**
 * Parses a type as `ColumnInfo.type` spells it (`DECIMAL(4,2)[]`, `MAP(VARCHAR, STRUCT("a" FLOAT))`).
 * Never throws: what it cannot read becomes a plain name.
 *
 * @example
 * ```ts
 * import { parseSqlType } from "./cell_text.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(parseSqlType("FLOAT[]"), { name: "LIST", children: [{ name: "FLOAT" }] });
 * ```
 */
export function parseSqlType(text: string): SqlType {
  const reader = { text, at: 0 };
  try {
    const type = readType(reader);
    return reader.at === text.length ? type : { name: text.toUpperCase() };
  } catch {
    return { name: text.toUpperCase() };
  }
}

interface Reader {
  readonly text: string;
  at: number;
}

function readType(reader: Reader): SqlType {
  let type = readBase(reader);
  while (reader.text[reader.at] === "[") {
    const end = reader.text.indexOf("]", reader.at);
    if (end < 0) throw new Error("unclosed [");
    reader.at = end + 1;
    type = { name: "LIST", children: [type] };
  }
  return type;
}

function readBase(reader: Reader): SqlType {
  const { text } = reader;
  const start = reader.at;
  while (reader.at < text.length && !"([,)".includes(text[reader.at]!)) reader.at++;
  const name = text.slice(start, reader.at).trim().toUpperCase();
  if (text[reader.at] !== "(") return { name };
  reader.at++;
  if (name === "STRUCT" || name === "UNION") {
    const fields: string[] = [];
    const children: SqlType[] = [];
    while (text[reader.at] !== ")") {
      fields.push(readName(reader));
      children.push(readType(reader));
      if (text.startsWith(", ", reader.at)) reader.at += 2;
      else if (text[reader.at] !== ")") throw new Error("bad field list");
    }
    reader.at++;
    return { name, children, fields };
  }
  if (name === "MAP") {
    const key = readType(reader);
    if (!text.startsWith(", ", reader.at)) throw new Error("bad MAP");
    reader.at += 2;
    const value = readType(reader);
    if (text[reader.at] !== ")") throw new Error("bad MAP");
    reader.at++;
    return { name, children: [key, value] };
  }
  // DECIMAL(4,2), ENUM('a', 'b'), …: skip the parameters (quotes may hold parentheses).
  let depth = 1;
  while (reader.at < text.length && depth > 0) {
    const char = text[reader.at++]!;
    if (char === "'") {
      while (reader.at < text.length && text[reader.at] !== "'") reader.at++;
      reader.at++;
    } else if (char === "(") depth++;
    else if (char === ")") depth--;
  }
  return { name };
}

/** A field name, bare or `"quoted"` (with `""` for a quote), and the space after it. */
function readName(reader: Reader): string {
  const { text } = reader;
  let name = "";
  if (text[reader.at] === '"') {
    reader.at++;
    for (;;) {
      const char = text[reader.at++];
      if (char === undefined) throw new Error("unclosed name");
      if (char === '"') {
        if (text[reader.at] !== '"') break;
        reader.at++;
      }
      name += char;
    }
  } else {
    while (reader.at < text.length && text[reader.at] !== " ") name += text[reader.at++];
  }
  if (text[reader.at] !== " ") throw new Error("no type after a field name");
  reader.at++;
  return name;
}

/**
 * Digits and decimal exponent as DuckDB's `fmt` writes them: fixed notation for exponents
 * −4 to 15 (`.0` added to whole numbers), else `d.ddde±XX`.
 */
function formatDigits(sign: string, digits: string, exponent: number): string {
  if (exponent < -4 || exponent >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const power = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${power}`;
  }
  if (exponent >= digits.length - 1) {
    return `${sign}${digits}${"0".repeat(exponent - digits.length + 1)}.0`;
  }
  if (exponent >= 0) {
    return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
}

function specialText(value: number): string | undefined {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  return undefined;
}

/** `value.toExponential(fraction)` split into sign, digits (no trailing zeros) and exponent. */
function splitExponential(value: number, fraction?: number): [string, string, number] {
  const text = Math.abs(value).toExponential(fraction);
  const e = text.indexOf("e");
  const digits = text.slice(0, e).replace(".", "").replace(/0+$/, "") || "0";
  return [value < 0 ? "-" : "", digits, Number(text.slice(e + 1))];
}

/**
 * A DOUBLE as DuckDB writes it.
 *
 * @example
 * ```ts
 * import { doubleText } from "./cell_text.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(doubleText(35), "35.0");
 * strictEqual(doubleText(1e20), "1e+20");
 * strictEqual(doubleText(0.00001), "1e-05");
 * ```
 */
export function doubleText(value: number): string {
  const special = specialText(value);
  if (special !== undefined) return special;
  const [sign, digits, exponent] = splitExponential(value);
  return formatDigits(sign, digits, exponent);
}

/** The 32-bit floats next to `value` (a positive float): below and above. */
function float32Neighbours(value: number): [number, number] {
  const bits = new Uint32Array(new Float32Array([value]).buffer);
  const at = bits[0]!;
  bits[0] = at - 1;
  const below = at === 0 ? 0 : new Float32Array(bits.buffer)[0]!;
  bits[0] = at + 1;
  const above = new Float32Array(bits.buffer)[0]!;
  return [below, Number.isFinite(above) ? above : value + (value - below)];
}

/**
 * A FLOAT (32-bit) as DuckDB writes it: the shortest digits that read back as the same 32-bit
 * value (`0.3`), where the double holding it would print `0.30000001192092896`.
 *
 * DuckDB's `fmt` finds them with Grisu, which gives up when the shortest candidate is not
 * clearly the one — two candidates equally close (`2171002.25` between `…2.2` and `…2.3`), or a
 * candidate exactly on the rounding boundary (`44903630` for `44903632`) — and then writes the
 * double's shortest digits instead (`2171002.25`, `44903632.0`). So does this function.
 *
 * @example
 * ```ts
 * import { float32Text } from "./cell_text.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(float32Text(Math.fround(0.3)), "0.3");
 * strictEqual(float32Text(Math.fround(2171002.25)), "2171002.25");
 * strictEqual(float32Text(Math.fround(44903632)), "44903632.0");
 * ```
 */
export function float32Text(value: number): string {
  const special = specialText(value);
  if (special !== undefined) return special;
  const sign = value < 0 ? "-" : "";
  const size = Math.abs(value);
  const [below, above] = float32Neighbours(size);
  // Midpoints to the neighbours: exact in a double (a float has 24 bits, a midpoint 25).
  const low = (size + below) / 2;
  const high = (size + above) / 2;
  for (let precision = 1; precision <= 9; precision++) {
    const [, digits, exponent] = splitExponential(size, precision - 1);
    const nearest = Number(`${digits}e${exponent - digits.length + 1}`);
    if (nearest === low || nearest === high) break; // on the boundary: Grisu gives up
    if (nearest > low && nearest < high) {
      const finer = size.toExponential(precision);
      if (Number(finer) === size && finer[finer.indexOf("e") - 1] === "5") break; // a tie
      return formatDigits(sign, digits, exponent);
    }
    // The interval below a power of two is half as wide: the other candidate may fit.
    const scale = exponent - precision + 1;
    const whole = BigInt(digits.padEnd(precision, "0"));
    const other = whole + (nearest < size ? 1n : -1n);
    const candidate = Number(`${other}e${scale}`);
    if (candidate > low && candidate < high) {
      const [, otherDigits, otherExponent] = splitExponential(candidate, precision - 1);
      return formatDigits(sign, otherDigits, otherExponent);
    }
  }
  return doubleText(value);
}

/**
 * DuckDB's BLOB text: printable ASCII as is; other bytes, and `\`, `'` and `"`, as `\xHH`.
 *
 * @example
 * ```ts
 * import { blobText } from "./cell_text.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(blobText(new Uint8Array([65, 0, 92, 39])), "A\\x00\\x5C\\x27");
 * ```
 */
export function blobText(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) {
    text += byte >= 0x20 && byte < 0x7f && byte !== 0x5c && byte !== 0x27 && byte !== 0x22
      ? String.fromCharCode(byte)
      : `\\x${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return text;
}

/**
 * A DATE's text as DuckDB casts it: `infinity` and `-infinity` for the two infinities, which the
 * value object's `toString()` prints as far-off calendar dates.
 */
function dateText(value: InstanceType<typeof DuckDBDateValue>): string {
  if (value.days === DATE_INFINITY_DAYS) return "infinity";
  if (value.days === -DATE_INFINITY_DAYS) return "-infinity";
  return String(value);
}

/** A number's text: by its SQL type when known (FLOAT, DOUBLE, integers), else by its value. */
function numberText(value: number, type: SqlType | undefined): string {
  const name = type?.name;
  if (name === "FLOAT") return float32Text(value);
  if (name === "DOUBLE") return doubleText(value);
  if (name !== undefined && INTEGER_NAMES.has(name)) return String(value);
  return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : doubleText(value);
}

/** True for the values DuckDB writes inside a nested value as they are (no quoting). */
function isNested(value: Cell): boolean {
  return value instanceof DuckDBListValue || value instanceof DuckDBArrayValue ||
    value instanceof DuckDBStructValue || value instanceof DuckDBMapValue ||
    value instanceof DuckDBUnionValue;
}

/** Characters that make DuckDB quote a scalar inside a nested value. */
const QUOTED_CHARS = /["'(),:=[\]{}]/;
/** DuckDB's `CharacterIsSpace`. */
const SPACE = /[ \t\n\v\f\r]/;

/** A scalar's text inside a nested value, quoted as DuckDB quotes it (always, for `key`). */
function nestedItem(text: string, key = false): string {
  const quote = key || text === "" || SPACE.test(text[0]!) ||
    (text.length >= 2 && SPACE.test(text[text.length - 1]!)) || text.toLowerCase() === "null" ||
    QUOTED_CHARS.test(text);
  return quote ? `'${text.replace(/['\\]/g, "\\$&")}'` : text;
}

function child(value: Cell, type: SqlType | undefined): string {
  if (value === null || value === undefined) return "NULL";
  const text = cellText(value, type) ?? "NULL";
  return isNested(value) ? text : nestedItem(text);
}

/**
 * The text of a cell as DuckDB's VARCHAR cast writes it, or `null` for SQL NULL; `type` (from
 * {@link parseSqlType}) tells FLOAT from DOUBLE, also inside nested values. Without it a whole
 * number prints as an integer.
 */
export function cellText(value: Cell, type?: SqlType): string | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return numberText(value, type);
    case "bigint":
    case "boolean":
      return String(value);
  }
  if (value instanceof Uint8Array) return blobText(value);
  if (value instanceof DuckDBBlobValue) return blobText(value.bytes);
  if (value instanceof DuckDBDateValue) return dateText(value);
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    const item = type?.children?.[0];
    return `[${value.items.map((cell) => child(cell, item)).join(", ")}]`;
  }
  if (value instanceof DuckDBStructValue) {
    const fields = type?.name === "STRUCT" ? type.fields : undefined;
    if (fields !== undefined && fields.length > 0 && fields.every((field) => field === "")) {
      // An unnamed STRUCT (`row(1, 'a')`): DuckDB writes `(1, a)`. (The value object keys its
      // fields by name, so of fields all named "" only the last reaches here.)
      const cells = Object.values(value.entries);
      return `(${cells.map((cell, index) => child(cell, type!.children?.[index])).join(", ")})`;
    }
    // In the type's field order when known: an object lists keys such as "1" first.
    const names = fields ?? Object.keys(value.entries);
    const entries = names.map((name, index) =>
      `${nestedItem(name, true)}: ${
        child(value.entries[name], fields === undefined ? undefined : type!.children?.[index])
      }`
    );
    return `{${entries.join(", ")}}`;
  }
  if (value instanceof DuckDBMapValue) {
    const [keyType, valueType] = type?.name === "MAP" ? type.children ?? [] : [];
    const entries = value.entries.map((entry) =>
      `${child(entry.key, keyType)}=${child(entry.value, valueType)}`
    );
    return `{${entries.join(", ")}}`;
  }
  if (value instanceof DuckDBUnionValue) {
    const index = type?.name === "UNION" ? type.fields?.indexOf(value.tag) ?? -1 : -1;
    return cellText(value.value, index >= 0 ? type?.children?.[index] : undefined);
  }
  return String(value);
}

/**
 * The text formatter of a column of SQL type `type` (as `ColumnInfo.type` spells it): DuckDB's
 * VARCHAR cast of each cell, `null` for SQL NULL.
 */
export function cellFormatter(type: string): (value: Cell) => string | null {
  const parsed = parseSqlType(type);
  return (value) => cellText(value, parsed);
}
