/** Unit tests: error condensing, argument parsing, meta-commands, RQL USE, file readers. */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { condenseEngineMessage, NoctraError, UsageError } from "../src/errors.ts";
import { parseCliArgs } from "../src/cli/args.ts";
import { runMetaCommand } from "../src/cli/meta.ts";
import type { OutputSettings } from "../src/cli/output.ts";
import { parseRqlCommand } from "../src/rql/commands/registry.ts";
import { fileKindOf, readerCall } from "../src/engine/file_readers.ts";
import { defaultAlias } from "../src/engine/file_paths.ts";
import { relationsOf } from "../src/engine/relations.ts";
import { DuckDBSource } from "../src/engine/sources/duckdb_source.ts";

Deno.test("DuckDB's caret becomes line and column, offset by the statement's first line", () => {
  const message = 'Parser Error: syntax error at or near "FORM"\n\nLINE 2: FORM t\n        ^';
  strictEqual(
    condenseEngineMessage(message, 10),
    'Parser Error: syntax error at or near "FORM" (line 11, column 1)',
  );
});

Deno.test("CSV reader errors are kept whole on one line: cause, hints and the file name", () => {
  const message = [
    "Invalid Input Error: CSV Error on Line: 7",
    "Original Line: 1,2,3",
    "Expected Number of Columns: 2 Found: 3",
    "Possible fixes:",
    "* Enable null padding (null_padding=true) to replace missing values with NULL",
    "* Enable ignore errors (ignore_errors=true) to skip this row",
    "",
    "  file = x.csv",
    "  delimiter = , (Auto-Detected)",
  ].join("\n");
  strictEqual(
    condenseEngineMessage(message),
    "Invalid Input Error: CSV Error on Line: 7 Original Line: 1,2,3 Expected Number of Columns: 2 Found: 3 Possible fixes: * Enable null padding (null_padding=true) to replace missing values with NULL * Enable ignore errors (ignore_errors=true) to skip this row — file = x.csv; delimiter = , (Auto-Detected)",
  );
});

Deno.test("command-line arguments parse into options", () => {
  deepStrictEqual(
    parseCliArgs([
      "-c",
      "SELECT 1",
      "-c",
      "SELECT 2",
      "--format",
      "json",
      "a.csv",
      "--max-rows",
      "0",
    ]),
    {
      commands: ["SELECT 1", "SELECT 2"],
      scriptFile: undefined,
      files: ["a.csv"],
      format: "json",
      configPath: undefined,
      threads: undefined,
      memoryLimit: undefined,
      allowRead: undefined,
      allowWrite: undefined,
      sandbox: false,
      allowNet: false,
      outputFile: undefined,
      maxRows: 0,
      continueOnError: false,
      noRestore: false,
      variables: [],
      force: false,
      strategy: "auto",
      help: false,
      version: false,
    },
  );
  throws(() => parseCliArgs(["-c", "x", "-f", "y"]), UsageError);
  throws(() => parseCliArgs(["--format"]), UsageError);
});

Deno.test("meta-commands: Noctra's and DuckDB's dot-commands change settings", () => {
  const settings: OutputSettings = { format: "table", maxRows: 40, timer: false };
  deepStrictEqual(runMetaCommand(".mode csv", settings), { kind: "reply", text: "format: csv" });
  strictEqual(settings.format, "csv");
  deepStrictEqual(runMetaCommand(":format markdown", settings), {
    kind: "reply",
    text: "format: markdown",
  });
  runMetaCommand(".mode duckbox", settings);
  strictEqual(settings.format, "table");
  runMetaCommand(".timer on", settings);
  strictEqual(settings.timer, true);
  runMetaCommand(":timer off", settings);
  strictEqual(settings.timer, false);
  runMetaCommand(".maxrows 5", settings);
  strictEqual(settings.maxRows, 5);
  deepStrictEqual(runMetaCommand("quit", settings), { kind: "quit" });
  deepStrictEqual(runMetaCommand(".exit", settings), { kind: "quit" });
  deepStrictEqual(runMetaCommand("exit;", settings), { kind: "quit" });
  strictEqual(runMetaCommand("help", settings)?.kind, "reply");
  strictEqual(runMetaCommand("SELECT 1;", settings), null);
  deepStrictEqual(runMetaCommand(".bogus", settings), {
    kind: "reply",
    text: "unknown meta-command .bogus; type help for the list",
  });
});

Deno.test("USE parses path, alias and OPTIONS with balanced values", () => {
  deepStrictEqual(
    parseRqlCommand(
      "use 'data/x y.csv' as \"My View\" options (delim = ';', header = true, names = ['a', 'b'])",
    ),
    {
      kind: "use_file",
      path: "data/x y.csv",
      alias: "My View",
      options: [
        { key: "delim", valueSql: "';'" },
        { key: "header", valueSql: "true" },
        { key: "names", valueSql: "['a', 'b']" },
      ],
    },
  );
  strictEqual(parseRqlCommand("USE memory"), null, "DuckDB's USE catalog stays DuckDB's");
  strictEqual(parseRqlCommand("SELECT 'USE'"), null);
  throws(() => parseRqlCommand("USE 'a.csv' AS"), NoctraError);
  throws(() => parseRqlCommand("USE 'a.csv' OPTIONS (header true)"), NoctraError);
  throws(() => parseRqlCommand("USE 'a.csv' AS a extra"), NoctraError);
});

Deno.test("file kinds, default aliases and reader calls", () => {
  strictEqual(fileKindOf("a/b.CSV"), "csv");
  strictEqual(fileKindOf("b.tsv.gz"), "tsv");
  strictEqual(fileKindOf("logs/*.jsonl"), "ndjson");
  strictEqual(fileKindOf("x.xlsx"), null);
  strictEqual(defaultAlias("fixtures/airports.csv.gz"), "airports");
  strictEqual(defaultAlias("2024 sales-q1.csv"), "_2024_sales_q1");
  strictEqual(
    readerCall("/d/it's.tsv", "tsv", [{ key: "header", valueSql: "false" }]),
    "read_csv('/d/it''s.tsv', delim = '\\t', header = false)",
  );
  strictEqual(
    readerCall("/d/a.ndjson", "ndjson", []),
    "read_json('/d/a.ndjson', format = 'newline_delimited')",
  );
});

Deno.test("relations come from DuckDB's parse tree, CTE names subtracted", async () => {
  const source = await DuckDBSource.open();
  try {
    const tree = await source.parseTree(
      "WITH recent AS (SELECT * FROM 'a.csv') SELECT * FROM recent JOIN db.main.t USING (id) " +
        "JOIN read_parquet('b.parquet') p ON true",
    );
    deepStrictEqual(relationsOf(tree), {
      tables: [
        { catalog: "", schema: "", table: "a.csv" },
        { catalog: "db", schema: "main", table: "t" },
      ],
      tableFunctions: [{ name: "read_parquet", firstArgument: "b.parquet" }],
    });
    strictEqual(relationsOf(await source.parseTree("CREATE TABLE x (i INT)")), null);
  } finally {
    source.close();
  }
});
