/**
 * Differential fuzz test: Noctra's lexer, splitter and variable rewrite against DuckDB's own
 * parser (`connection.extractStatements`), on a few thousand generated and mutated scripts.
 *
 * Scripts are built from statements that hide `;` in every way SQL allows (strings, E'…'
 * strings and their continuations, quoted identifiers, dollar quotes with ASCII and non-ASCII
 * tags, nested block comments, line comments ended by `\n`, `\r` or `\r\n`), joined by `;`,
 * whitespace, comments, NUL and the Unicode spaces DuckDB replaces or keeps (U+00A0, U+2000…,
 * U+2028, U+3000, U+FEFF), with `#name` variables, `#1`, `$e'…'` and friends; then mutated
 * (fragments inserted, characters deleted, spaces swapped for Unicode ones).
 *
 * For each script:
 * - DuckDB accepts it: Noctra finds as many statements, and statement i of Noctra, given to
 *   DuckDB alone, is one statement that prepares like DuckDB's statement i (statement type,
 *   columns and their types, parameters, or the same error). Noctra may refuse the script only
 *   with `AmbiguousStatementError` (a statement that reads differently alone).
 * - DuckDB rejects it: Noctra may refuse it or split it; each statement it yields is at most
 *   one statement to DuckDB, so nothing runs that Noctra did not look at.
 * - Every statement with `#name` references: the bound SQL is at most one statement to DuckDB,
 *   and when DuckDB prepares it, its parameters are exactly the `$noctra_…` ones bound.
 *
 * Deterministic: a xorshift32 generator from a fixed seed (`NOCTRA_FUZZ_SEED` overrides it);
 * a failure names the seed, the case number and the script.
 */
import { deepStrictEqual, fail, ok } from "node:assert/strict";
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  INTEGER,
  VARCHAR,
} from "@duckdb/node-api";
import { SqlTextError, tokenize } from "../src/rql/lexer.ts";
import { AmbiguousStatementError, splitStatements } from "../src/rql/splitter.ts";
import { PARAMETER_PREFIX, VariableStore } from "../src/rql/variables.ts";
import { NoctraError } from "../src/errors.ts";

const SEED = Number(Deno.env.get("NOCTRA_FUZZ_SEED") ?? 0x5eed_2024) >>> 0;
const GENERATED = 3_000;
const MUTATED = 3_000;

/** Scripts that once read differently in Noctra and DuckDB; checked before the generated ones. */
const KNOWN: readonly string[] = [
  "SELECT 1 AS c1 -- note\rCOPY (SELECT 2) TO 'f.csv'",
  "SELECT 1 AS c1;\u00a0COPY (SELECT 2) TO\u00a0'f.csv'",
  "SELECT 1 AS c1;\u3000COPY\ufeff(SELECT 2) TO 'f.csv'",
  "SELECT #a$t$;COPY (SELECT 2) TO 'f.csv';$t$ AS c1",
  "SELECT #a$t$ $noctra_a$; COPY (SELECT 2) TO 'f.csv'; SELECT $t$$t$",
  "SELECT 1 AS c1;\0COPY (SELECT 2) TO 'f.csv'",
  "SELECT E'a'\n'\\'; COPY (SELECT 2) TO ''f.csv''; --' AS c1",
  "SELECT $e'\\'; COPY (SELECT 2) TO ''f.csv''; --' AS c1",
  "SELECT #e'\\'; COPY (SELECT 2) TO ''f.csv''; --' AS c1",
  "SELECT $ü$;COPY (SELECT 2) TO 'f.csv';$ü$ AS c1",
  "\u00e9;COPY (SELECT 2) TO 'f.csv'",
  "SELECT a#b AS c1 FROM t; SELECT $#a AS c2; SELECT #a\u00a0AS c3",
];

/** xorshift32: a small deterministic generator (never seeded with 0). */
class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed === 0 ? 0x9e3779b9 : seed;
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state % n;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
}

/** Statements; `N` becomes a number unique in the script, so DuckDB's columns tell them apart. */
const STATEMENTS: readonly string[] = [
  "SELECT N AS cN",
  "SELECT 'a;b' AS cN",
  'SELECT "x;y" AS cN FROM t',
  "COPY (SELECT N AS cN) TO 'f.csv'",
  "SELECT E'\\';' AS cN",
  "SELECT E'\\\\' AS cN",
  "SELECT E'a'\n'\\';' AS cN",
  "SELECT E'a' -- c\r\n'\\'';' AS cN",
  "SELECT 'a'\n'b;' AS cN",
  "SELECT 'it''s;' AS cN",
  "SELECT $$;$$ AS cN",
  "SELECT $tag$ ; $tag$ AS cN",
  "SELECT $ü$;$ü$ AS cN",
  "SELECT $a$a$;$a$ AS cN",
  "SELECT /* /* ; */ */ N AS cN",
  "SELECT /* it's; */ N AS cN",
  "SELECT N -- ;\n AS cN",
  "SELECT N -- ;\r AS cN",
  "SELECT N -- ;\r\n AS cN",
  'SELECT N AS "c;N"',
  "SELECT u&'a;b' AS cN",
  "VALUES (N), (';')",
  "SELECT #1 AS cN FROM t",
  "SELECT #a AS cN",
  "SELECT #e AS cN",
  "SELECT #e'\\';' AS cN",
  "SELECT #a$t$;$t$ AS cN",
  "SELECT $e'\\';' AS cN",
  "SELECT a#b AS cN FROM t",
  "SELECT #x'41' AS cN",
  "SELECT #a|| 'x' AS cN",
  "SELECT N AS cN -- tail",
  "SELECT N\u00a0AS cN",
  "SELECT N AS\u3000cN",
];

/** What separates statements and gets inserted by mutations. */
const SPACES: readonly string[] = [
  " ",
  "\n",
  "\r",
  "\r\n",
  "\t",
  "\f",
  "\v",
  "\u00a0",
  "\u2000",
  "\u200b",
  "\u2028",
  "\u202f",
  "\u205f",
  "\u2060",
  "\u3000",
  "\ufeff",
];
const NOISE: readonly string[] = [
  ...SPACES,
  ";",
  "-- x;\n",
  "-- x;\r",
  "-- x;",
  "/* ; */",
  "/* /* ; */ */",
  "\0",
  "'",
  '"',
  "$$",
  "$t$",
  "$ü$",
  "E'",
  "e'",
  "\\",
  "--",
  "/*",
  "*/",
  "#a",
  "#e",
  "#1",
  "$e",
  "$1",
  "'\\'",
  "\n'",
];

function statement(random: Random, n: number): string {
  return random.pick(STATEMENTS).replaceAll("N", String(n));
}

function generate(random: Random): string {
  let script = "";
  const count = 1 + random.below(4);
  for (let i = 0; i < count; i++) {
    if (i > 0) script += random.pick([";", ";", ";", "; ", ";\n", ";\r"]);
    for (let k = random.below(3); k > 0; k--) script += random.pick(NOISE.slice(0, 23));
    script += statement(random, i + 1);
  }
  if (random.below(2) === 0) script += random.pick([";", ";\n", "; -- end", ";\0tail"]);
  return script;
}

function mutate(random: Random, script: string): string {
  let text = script;
  for (let k = 1 + random.below(3); k > 0; k--) {
    const at = random.below(text.length + 1);
    switch (random.below(4)) {
      case 0:
        text = text.slice(0, at) + random.pick(NOISE) + text.slice(at);
        break;
      case 1:
        text = text.slice(0, at) + text.slice(at + 1 + random.below(3));
        break;
      case 2: {
        const space = text.indexOf(" ", at);
        if (space !== -1) {
          text = text.slice(0, space) + random.pick(SPACES) + text.slice(space + 1);
        }
        break;
      }
      default: {
        const from = random.below(text.length + 1);
        text = text.slice(0, at) + text.slice(from, from + 1 + random.below(12)) +
          text.slice(at);
      }
    }
  }
  return text;
}

/** How DuckDB prepares a statement: type, columns with types, parameters (or the error). */
async function fingerprint(prepare: () => Promise<DuckDBPreparedStatement>): Promise<string> {
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await prepare();
  } catch (error) {
    return `error ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`;
  }
  const columns: string[] = [];
  for (let i = 0; i < prepared.columnCount; i++) {
    columns.push(`${prepared.columnName(i)}:${prepared.columnTypeId(i)}`);
  }
  const parameters = parameterNames(prepared);
  prepared.destroySync();
  return `type ${prepared.statementType} columns ${JSON.stringify(columns)} parameters ${
    JSON.stringify(parameters)
  }`;
}

/** Names of a prepared statement's parameters (`$3` alone has three, unnamed but for `3`). */
function parameterNames(prepared: DuckDBPreparedStatement): string[] {
  const names: string[] = [];
  for (let i = 1; i <= prepared.parameterCount; i++) {
    try {
      names.push(prepared.parameterName(i));
    } catch {
      names.push(`#${i}`);
    }
  }
  return names;
}

/** DuckDB's statements of `sql` and how each prepares, or `null` when DuckDB rejects `sql`. */
async function duckdbStatements(
  connection: DuckDBConnection,
  sql: string,
): Promise<string[] | null> {
  let extracted;
  try {
    extracted = await connection.extractStatements(sql);
  } catch {
    return null;
  }
  const prints: string[] = [];
  for (let i = 0; i < extracted.count; i++) {
    prints.push(await fingerprint(() => extracted.prepare(i)));
  }
  return prints;
}

/**
 * DuckDB's parse trees (`json_serialize_sql`) of a script of SELECT statements, without the
 * offsets (`query_location`) that depend on where a statement starts; `null` when DuckDB
 * answers with an error (any statement that is not a SELECT).
 */
async function parseTrees(connection: DuckDBConnection, sql: string): Promise<unknown[] | null> {
  const reader = await connection.runAndReadAll("SELECT json_serialize_sql($1::VARCHAR)", [sql]);
  const tree = JSON.parse(
    String(reader.getRows()[0]?.[0]),
    (key, value) => key === "query_location" ? undefined : value,
  );
  return tree.error ? null : tree.statements;
}

/** Counts of what the run met, printed at the end and checked for coverage. */
interface Tally {
  accepted: number;
  rejected: number;
  statements: number;
  trees: number;
  ambiguous: number;
  bound: number;
  boundPrepared: number;
  bindRefused: number;
}

async function checkScript(
  connection: DuckDBConnection,
  variables: VariableStore,
  script: string,
  tally: Tally,
): Promise<void> {
  const theirs = await duckdbStatements(connection, script);
  let ours: { text: string }[] | null = null;
  let refusal: unknown = null;
  try {
    ours = splitStatements(script);
  } catch (error) {
    if (!(error instanceof SqlTextError)) throw error;
    refusal = error;
  }
  if (theirs !== null) {
    tally.accepted++;
    if (ours === null) {
      ok(
        refusal instanceof AmbiguousStatementError,
        `DuckDB accepts the script but Noctra refuses it: ${refusal}`,
      );
      tally.ambiguous++;
      return;
    }
    deepStrictEqual(
      ours.length,
      theirs.length,
      `statement count: Noctra ${JSON.stringify(ours.map((s) => s.text))}`,
    );
    const trees = await parseTrees(connection, script);
    for (const [index, { text }] of ours.entries()) {
      const alone = await duckdbStatements(connection, text);
      deepStrictEqual(alone?.length, 1, `statement ${index} alone: ${JSON.stringify(text)}`);
      deepStrictEqual(alone?.[0], theirs[index], `statement ${index}: ${JSON.stringify(text)}`);
      if (trees === null) continue;
      tally.trees++;
      deepStrictEqual(
        (await parseTrees(connection, text))?.[0],
        trees[index],
        `parse tree of statement ${index}: ${JSON.stringify(text)}`,
      );
    }
  } else {
    tally.rejected++;
    for (const { text } of ours ?? []) {
      const alone = await duckdbStatements(connection, text);
      ok(
        alone === null || alone.length <= 1,
        `DuckDB reads ${alone?.length} statements in Noctra's ${JSON.stringify(text)}`,
      );
    }
  }
  tally.statements += ours?.length ?? 0;
  for (const { text } of ours ?? []) await checkBinding(connection, variables, text, tally);
}

async function checkBinding(
  connection: DuckDBConnection,
  variables: VariableStore,
  text: string,
  tally: Tally,
): Promise<void> {
  if (!tokenize(text).some((token) => token.kind === "variable")) return;
  let bound;
  try {
    bound = variables.bind(text);
  } catch (error) {
    if (!(error instanceof NoctraError)) throw error;
    tally.bindRefused++;
    return;
  }
  tally.bound++;
  let extracted;
  try {
    extracted = await connection.extractStatements(bound.sql);
  } catch {
    return; // DuckDB refuses the bound statement: nothing runs
  }
  deepStrictEqual(extracted.count, 1, `bound ${JSON.stringify(bound.sql)}`);
  let prepared;
  try {
    prepared = await extracted.prepare(0);
  } catch {
    return;
  }
  const names = parameterNames(prepared);
  prepared.destroySync();
  tally.boundPrepared++;
  // Every variable is a parameter to DuckDB, under its own name, and nothing else is one of ours.
  deepStrictEqual(
    names.filter((name) => name.startsWith(PARAMETER_PREFIX)).sort(),
    Object.keys(bound.parameters).sort(),
    `parameters of ${JSON.stringify(bound.sql)}`,
  );
}

Deno.test("Noctra's lexer, splitter and #variables agree with DuckDB's parser on fuzzed scripts", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const variables = new VariableStore();
  for (const name of ["a", "b", "e", "x", "t"]) variables.set(name, 1, INTEGER);
  variables.set("s", "text", VARCHAR);
  await connection.run('CREATE TABLE t("x;y" INTEGER, a INTEGER, b INTEGER)');
  const random = new Random(SEED);
  const tally: Tally = {
    accepted: 0,
    rejected: 0,
    statements: 0,
    trees: 0,
    ambiguous: 0,
    bound: 0,
    boundPrepared: 0,
    bindRefused: 0,
  };
  try {
    for (let n = 0; n < KNOWN.length + GENERATED + MUTATED; n++) {
      const generated = n < KNOWN.length ? "" : generate(random);
      const script = KNOWN[n] ??
        (n < KNOWN.length + GENERATED ? generated : mutate(random, generated));
      try {
        await checkScript(connection, variables, script, tally);
      } catch (error) {
        fail(
          `seed ${SEED} (NOCTRA_FUZZ_SEED=${SEED}), case ${n}, script ${JSON.stringify(script)}: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  console.log(`seed ${SEED}: ${JSON.stringify(tally)}`);
  // The generator must keep reaching both sides and the variable rewrite.
  ok(tally.accepted > 500 && tally.rejected > 500, JSON.stringify(tally));
  ok(tally.boundPrepared > 100 && tally.trees > 1_000, JSON.stringify(tally));
});
