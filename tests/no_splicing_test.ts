/**
 * Nothing user-supplied is spliced into SQL through `USE … OPTIONS` or the source registry:
 * option names must be plain identifiers (and, with DuckDB at hand, the reader's own), option
 * values are parsed into typed values and rendered as literals, and a registry entry that does
 * not hold a plain path and plain options is dropped with a warning, never executed.
 */
import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import { parse } from "smol-toml";
import { runNoctra } from "./_cli.ts";
import { parseRqlCommand } from "../src/rql/commands/registry.ts";
import { NoctraError } from "../src/errors.ts";
import {
  checkReaderOptions,
  optionValueOf,
  parseOptionValueSql,
  readerCall,
  readerOptionNames,
  renderOptionValue,
} from "../src/engine/file_readers.ts";
import { DuckDBSource } from "../src/engine/sources/duckdb_source.ts";
import { readRegistry } from "../src/session/attachment_registry.ts";

/** A working directory with a small `;`-separated CSV file, and a fresh state directory. */
async function workspace(): Promise<{ dir: string; stateHome: string; registry: string }> {
  const dir = await Deno.makeTempDir({ prefix: "noctra-splice-work-" });
  await Deno.writeTextFile(`${dir}/f.csv`, "a;b\n1;x\n2;y\n");
  const stateHome = await Deno.makeTempDir({ prefix: "noctra-splice-state-" });
  return { dir, stateHome, registry: `${stateHome}/noctra/sources.toml` };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** The registry file's sources, as plain objects. */
async function savedSources(registry: string): Promise<Record<string, unknown>[]> {
  return JSON.parse(JSON.stringify(parse(await Deno.readTextFile(registry)))).sources;
}

/** `--format csv -c s1 -c s2 …`. */
function csv(...statements: string[]): string[] {
  return ["--format", "csv", ...statements.flatMap((statement) => ["-c", statement])];
}

const INJECTED_NAME =
  `USE 'f.csv' AS v OPTIONS ("header = true); COPY (SELECT 1) TO 'evil.sh' (FORMAT csv); SELECT (1" = 1)`;

Deno.test("an option name holding SQL is refused with one line, writes nothing and is not saved", async () => {
  const { dir, stateHome, registry } = await workspace();
  const run = await runNoctra(csv(INJECTED_NAME), { cwd: dir, stateHome });
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "");
  strictEqual(
    run.stderr,
    `noctra: error: -c:1: USE 'f.csv': option name "header = true); COPY (SELECT 1) TO 'evil.sh' (FORMAT csv); SELECT (1" is not a plain identifier; option names are letters, digits and _ (e.g. header, delim)\n`,
  );
  strictEqual(await exists(`${dir}/evil.sh`), false);
  strictEqual(await exists(registry), false, "nothing was saved");

  // The next session (which would restore saved sources) writes nothing either.
  const next = await runNoctra(csv("SELECT count(*) AS n FROM v"), { cwd: dir, stateHome });
  strictEqual(next.code, 1);
  strictEqual(await exists(`${dir}/evil.sh`), false);
  strictEqual(await exists(registry), false);
});

Deno.test("option values that are expressions or several statements are refused", async () => {
  const { dir, stateHome, registry } = await workspace();
  const attempts: [string, string][] = [
    [
      "USE 'f.csv' AS v OPTIONS (header = true) , delim = (';'))",
      `noctra: error: -c:1: USE 'f.csv': unexpected ','; the form is USE 'path' [AS alias] [OPTIONS (key = value, …)]\n`,
    ],
    [
      "USE 'f.csv' AS v OPTIONS (delim = ';' || (SELECT 'x'))",
      `noctra: error: -c:1: USE 'f.csv': option delim: expected ',' or ')' after the value, found '||'; a value is one plain value, not an expression\n`,
    ],
    [
      "USE 'f.csv' AS v OPTIONS (header = (true))",
      `noctra: error: -c:1: USE 'f.csv': option header: expected a 'string', a number, true or false, a [list] or {'key': value} struct of those, or a #variable; found "("\n`,
    ],
    [
      "USE 'f.csv' AS v OPTIONS (delim = ';'::VARCHAR)",
      `noctra: error: -c:1: USE 'f.csv': option delim: expected ',' or ')' after the value, found '::'; a value is one plain value, not an expression\n`,
    ],
    [
      "USE 'f.csv' AS v OPTIONS (columns = {'a': getenv('HOME')})",
      `noctra: error: -c:1: USE 'f.csv': option columns: expected a 'string', a number, true or false, a [list] or {'key': value} struct of those, or a #variable; found "getenv"\n`,
    ],
    [
      "USE 'f.csv' AS v OPTIONS (header = true, HEADER = false)",
      `noctra: error: -c:1: USE 'f.csv': option HEADER is given twice\n`,
    ],
    [
      "USE 'f.csv' AS v OPTIONS (skip = 0x10)",
      `noctra: error: -c:1: USE 'f.csv': option skip: expected ',' or ')' after the value, found 'x10'; a value is one plain value, not an expression\n`,
    ],
  ];
  for (const [statement, stderr] of attempts) {
    const run = await runNoctra(csv(statement), { cwd: dir, stateHome });
    strictEqual(run.code, 1, statement);
    strictEqual(run.stderr, stderr, statement);
  }
  strictEqual(await exists(registry), false, "nothing was saved");
});

Deno.test("a registry entry with a spliced option name or value is dropped with one warning and never run", async () => {
  const { dir, stateHome, registry } = await workspace();
  await Deno.mkdir(`${dir}/x`);
  await Deno.mkdir(`${stateHome}/noctra`);
  const evil = (name: string) => `COPY (SELECT 1) TO '${dir}/x/${name}' (FORMAT csv)`;
  const poisoned = [
    "# Sources registered by Noctra (USE, ATTACH). Edit with care.",
    "[[sources]]",
    'alias = "v"',
    'kind = "csv"',
    `path = "${dir}/f.csv"`,
    "read_only = false",
    `options = { "header = true); ${evil("name.csv")}; SELECT (1" = "1" }`,
    "",
    "[[sources]]",
    'alias = "w"',
    'kind = "csv"',
    `path = "${dir}/f.csv"`,
    "read_only = false",
    `options = { header = "true); ${evil("value.csv")}; SELECT (1" }`,
    "",
    "[[sources]]",
    'alias = "good"',
    'kind = "csv"',
    `path = "${dir}/f.csv"`,
    "read_only = false",
    `options = { delim = "';'", header = "TRUE" }`,
    "",
  ].join("\n");
  await Deno.writeTextFile(registry, poisoned);

  const run = await runNoctra(
    csv("SELECT count(*) AS n FROM good", "SELECT * FROM v", "SELECT * FROM w"),
    { cwd: dir, stateHome },
  );
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "n\n2\n");
  const lines = run.stderr.split("\n").filter((line) => line !== "");
  strictEqual(lines.length, 2, run.stderr);
  strictEqual(
    lines[0],
    `noctra: warning: the source registry ${registry}: ` +
      `saved source "v" (sources[0]) was dropped, not restored: option name ${
        JSON.stringify(`header = true); ${evil("name.csv")}; SELECT (1`)
      } is not a plain identifier (letters, digits and _); ` +
      `saved source "w" (sources[1]) was dropped, not restored: option header = ${
        JSON.stringify(`true); ${evil("value.csv")}; SELECT (1`)
      } is not a plain value (a 'string', a number, true or false, a [list] or {'key': value} struct)`,
  );
  match(lines[1]!, /^noctra: error: -c\[2\]:1: Catalog Error: Table with name v does not exist!/);
  deepStrictEqual([...Deno.readDirSync(`${dir}/x`)], [], "no file was written");
  strictEqual(await Deno.readTextFile(registry), poisoned, "the registry was not rewritten");

  // Registering another source saves only the valid entries: the poisoned ones are gone.
  const use = await runNoctra(csv("USE 'f.csv' AS other OPTIONS (delim = ';')"), {
    cwd: dir,
    stateHome,
  });
  strictEqual(use.code, 0);
  deepStrictEqual(
    (await savedSources(registry)).map((source) => source.alias),
    ["other", "good"],
  );
  deepStrictEqual([...Deno.readDirSync(`${dir}/x`)], []);
});

Deno.test("registry entries of unknown kind, bad read_only or sqlite options are dropped; the rest restore", () => {
  const { sources, dropped } = readRegistry([
    "[[sources]]",
    'alias = "a"',
    'kind = "sh"',
    'path = "/d/a.csv"',
    "[[sources]]",
    'alias = "b"',
    'kind = "csv"',
    'path = "/d/b.csv"',
    'read_only = "yes"',
    "[[sources]]",
    'alias = "c"',
    'kind = "sqlite"',
    'path = "/d/c.db"',
    'options = { header = "true" }',
    "[[sources]]",
    'alias = "d"',
    'kind = "csv"',
    'path = ""',
    "[[sources]]",
    'alias = "e"',
    'kind = "csv"',
    'path = "/d/e.csv"',
    `options = { names = "['x','y']", columns = "{a: 'INTEGER', \\"b\\": 'VARCHAR'}", skip = "-0" }`,
  ].join("\n"));
  deepStrictEqual(dropped, [
    'saved source "a" (sources[0]) was dropped, not restored: kind "sh" is not one of csv, tsv, json, ndjson, parquet, arrow, sqlite',
    'saved source "b" (sources[1]) was dropped, not restored: read_only is not a boolean',
    'saved source "c" (sources[2]) was dropped, not restored: a sqlite source takes no options',
    'saved source "d" (sources[3]) was dropped, not restored: path is not a non-empty string',
  ]);
  deepStrictEqual(sources, [{
    alias: "e",
    kind: "csv",
    path: "/d/e.csv",
    readOnly: false,
    // Re-rendered from parsed values, not the file's text.
    options: { names: "['x', 'y']", columns: "{'a': 'INTEGER', 'b': 'VARCHAR'}", skip: "-0" },
  }]);
});

Deno.test("legitimate OPTIONS work and survive a restart", async () => {
  const { dir, stateHome, registry } = await workspace();
  await Deno.writeTextFile(`${dir}/n.csv`, "1|x\n2|NA\n");
  const first = await runNoctra(
    csv(
      "USE 'f.csv' AS f OPTIONS (header = true, delim = ';', columns = {'a': 'INTEGER', 'b': 'VARCHAR'})",
      "USE 'n.csv' AS n OPTIONS (delim = E'|', header = FALSE, names = ['id', 'label'], " +
        "types = {'id': 'BIGINT'}, nullstr = 'NA', sample_size = 1_000, skip = +0)",
      "SELECT sum(a) AS total, string_agg(b, '') AS bs, typeof(any_value(a)) AS t FROM f",
      "SELECT count(label) AS labels, typeof(any_value(id)) AS t FROM n",
    ),
    { cwd: dir, stateHome },
  );
  strictEqual(first.stderr, "");
  strictEqual(first.code, 0);
  strictEqual(first.stdout, "total,bs,t\n3,xy,INTEGER\nlabels,t\n1,BIGINT\n");
  deepStrictEqual(
    (await savedSources(registry)).map((source) => source.options),
    [
      { header: "true", delim: "';'", columns: "{'a': 'INTEGER', 'b': 'VARCHAR'}" },
      {
        delim: "'|'",
        header: "false",
        names: "['id', 'label']",
        types: "{'id': 'BIGINT'}",
        nullstr: "'NA'",
        sample_size: "1000",
        skip: "+0",
      },
    ],
  );
  // Restored lazily, from another working directory, with the same options.
  const second = await runNoctra(
    csv(
      "SELECT sum(a) AS total, typeof(any_value(a)) AS t FROM f",
      "SELECT count(label) AS labels, typeof(any_value(id)) AS t FROM n",
    ),
    { stateHome },
  );
  strictEqual(second.stderr, "");
  strictEqual(second.code, 0);
  strictEqual(second.stdout, "total,t\n3,INTEGER\nlabels,t\n1,BIGINT\n");
});

Deno.test("a #variable option value is bound as its value, rendered as a literal", async () => {
  const { dir, stateHome, registry } = await workspace();
  const run = await runNoctra(
    csv(
      "LET d = ';'",
      "USE 'f.csv' AS f OPTIONS (delim = #d, header = true)",
      "SELECT count(*) AS n FROM f",
    ),
    { cwd: dir, stateHome },
  );
  strictEqual(run.stderr, "d: VARCHAR = ;\n");
  strictEqual(run.stdout, "n\n2\n");
  deepStrictEqual(
    (await savedSources(registry))[0]!.options,
    { delim: "';'", header: "true" },
  );
});

Deno.test("USE OPTIONS parse into canonical literals; names must be plain identifiers", () => {
  const use = (options: string) => parseRqlCommand(`USE 'a.csv' OPTIONS (${options})`);
  deepStrictEqual(use(`"delim" = 'it''s', header = TRUE, skip = -1, names = []`), {
    kind: "use_file",
    path: "a.csv",
    alias: undefined,
    options: [
      { key: "delim", valueSql: "'it''s'" },
      { key: "header", valueSql: "true" },
      { key: "skip", valueSql: "-1" },
      { key: "names", valueSql: "[]" },
    ],
  });
  for (
    const bad of [
      `"a b" = 1`,
      `"x); SELECT (1" = 1`,
      `"" = 1`,
      `header = true; SELECT 1`,
      `header = #v`,
      `header = NULL`,
      `header =`,
      `columns = {'a' 'INTEGER'}`,
      `names = ['a' 'b']`,
      `names = ${"[".repeat(40)}${"]".repeat(40)}`,
    ]
  ) {
    throws(() => use(bad), NoctraError, bad);
  }
  // EXPORT keeps its expression values, but its names are plain identifiers too.
  throws(
    () => parseRqlCommand(`EXPORT (SELECT 1) TO 'o.csv' OPTIONS ("header true) TO 'x'" = 1)`),
    NoctraError,
  );
});

Deno.test("readerCall re-parses every value and refuses a spliced name or value", () => {
  strictEqual(
    readerCall("/d/a.csv", "csv", [
      { key: "delim", valueSql: "';'" },
      { key: "columns", valueSql: "{a: 'INTEGER', 'b''s': [1, 2.5e0]}" },
    ]),
    "read_csv('/d/a.csv', delim = ';', columns = {'a': 'INTEGER', 'b''s': [1, 2.5e0]})",
  );
  throws(
    () => readerCall("/d/a.csv", "csv", [{ key: "header = true); SELECT (1", valueSql: "1" }]),
    /option name "header = true\); SELECT \(1" is not a plain identifier/,
  );
  throws(
    () => readerCall("/d/a.csv", "csv", [{ key: "header", valueSql: "true); SELECT (1" }]),
    /option header: "true\); SELECT \(1" is not one plain value/,
  );
  throws(() => parseOptionValueSql("'unterminated", "x"), NoctraError);
  throws(() => renderOptionValue({ kind: "number", text: "1); SELECT (1" }), NoctraError);
  deepStrictEqual(optionValueOf(42n, "n"), { kind: "number", text: "42" });
  throws(() => optionValueOf(null, "n"), /#n holds NULL/);
});

Deno.test("reader option names come from DuckDB; an unknown one is named with the closest and the valid ones", async () => {
  const duckdb = await DuckDBSource.open();
  try {
    const csvNames = await readerOptionNames(duckdb, "csv");
    for (const name of ["header", "delim", "columns", "types", "names", "skip", "nullstr"]) {
      ok(csvNames.has(name), name);
    }
    ok(!csvNames.has("col0"), "positional parameters are not options");
    ok((await readerOptionNames(duckdb, "ndjson")).has("format"));
    ok((await readerOptionNames(duckdb, "parquet")).has("hive_partitioning"));
    strictEqual(await readerOptionNames(duckdb, "tsv"), csvNames, "cached per reader");
    checkReaderOptions("csv", [{ key: "HEADER", valueSql: "true" }], "USE 'a.csv'", csvNames);
    throws(
      () =>
        checkReaderOptions("csv", [{ key: "hedaer", valueSql: "true" }], "USE 'a.csv'", csvNames),
      (error: unknown) => {
        ok(error instanceof NoctraError);
        match(
          error.message,
          /^USE 'a\.csv': unknown option hedaer for read_csv; did you mean header\? read_csv takes: [a-z_, ]*\bdelim\b/,
        );
        ok(!error.message.includes("\n"));
        return true;
      },
    );
    // The checked call is what DuckDB runs.
    const sql = readerCall("/nonexistent/a.csv", "csv", [{ key: "header", valueSql: "true" }], {
      knownOptions: csvNames,
      context: "USE 'a.csv'",
    });
    strictEqual(sql, "read_csv('/nonexistent/a.csv', header = true)");
  } finally {
    duckdb.close();
  }
});
