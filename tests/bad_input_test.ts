/**
 * Bad input: each case gives one clear line on stderr that names the input and the cause, exit
 * code 1 in batch mode, no stack trace — and the REPL survives the same errors (see
 * repl_test.ts).
 */
import { match, strictEqual } from "node:assert/strict";
import { FIXTURES, runNoctra } from "./_cli.ts";

/** A directory of broken files, made fresh for this test run. */
async function brokenFiles(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "noctra-bad-" });
  await Deno.writeFile(`${dir}/empty.csv`, new Uint8Array());
  // Deterministic binary garbage (a simple LCG), named like a CSV.
  const garbage = new Uint8Array(4096);
  let state = 42;
  for (let index = 0; index < garbage.length; index++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    garbage[index] = state & 0xff;
  }
  await Deno.writeFile(`${dir}/garbage.csv`, garbage);
  await Deno.writeFile(`${dir}/corrupt.parquet`, garbage);
  // A real CSV with one row that has an extra field, deep enough to pass the sniffer's sample.
  const airports = (await Deno.readTextFile(`${FIXTURES}/airports.csv`)).split("\n");
  airports.splice(3001, 0, '"X1","Extra","City","ST","USA",1.0,2.0,"surplus"');
  await Deno.writeTextFile(`${dir}/ragged.csv`, airports.join("\n"));
  await Deno.writeTextFile(`${dir}/invalid.json`, '[{"a": 1}, {"a": ]');
  await Deno.mkdir(`${dir}/folder.csv`);
  await Deno.writeTextFile(`${dir}/sheet.xlsx`, "not really");
  await Deno.writeTextFile(`${dir}/secret.csv`, "a,b\n1,2\n");
  return dir;
}

const dir = await brokenFiles();

const cases: { name: string; sql: string; stderr: RegExp; args?: string[] }[] = [
  {
    name: "missing file",
    sql: "SELECT * FROM 'missing.csv'",
    stderr: /^noctra: error: -c:1: 'missing\.csv': no such file \(looked for .*\/missing\.csv\)\n$/,
  },
  {
    name: "missing file in a reader function",
    sql: "SELECT * FROM read_parquet('gone.parquet')",
    stderr: /^noctra: error: -c:1: read_parquet\('gone\.parquet'\): no such file/,
  },
  {
    name: "directory instead of file",
    sql: "SELECT * FROM 'folder.csv'",
    stderr:
      /^noctra: error: -c:1: 'folder\.csv': is a directory; name a file, or a glob such as 'folder\.csv\/\*\.csv'\n$/,
  },
  {
    name: "empty file",
    sql: "SELECT * FROM 'empty.csv'",
    stderr: /^noctra: error: -c:1: 'empty\.csv': file is empty \(0 bytes\)\n$/,
  },
  {
    name: "unreadable file (read permission withheld)",
    sql: "SELECT * FROM 'secret.csv'",
    args: ["--deny-read=secret.csv"],
    stderr: /^noctra: error: -c:1: 'secret\.csv': permission denied reading .*secret\.csv\n$/,
  },
  {
    name: "ragged CSV",
    sql: "SELECT * FROM 'ragged.csv'",
    stderr:
      /^noctra: error: -c:1: Invalid Input Error: CSV Error on Line: 3002 Original Line: "X1","Extra".*Expected Number of Columns: 7 Found: 8 Possible fixes: .*\(strict_mode=false\).*\(null_padding=true\).*\(ignore_errors=true\).* — file = ragged\.csv; .*\n$/,
  },
  {
    name: "binary garbage named .csv",
    sql: "SELECT * FROM 'garbage.csv'",
    stderr:
      /^noctra: error: -c:1: Invalid Input Error: CSV Error on Line: 1 Invalid unicode \(byte sequence mismatch\) detected\. This file is not utf-8 encoded\. — Possible Solution: .* — file = garbage\.csv; [^\n]*\n$/,
  },
  {
    name: "invalid JSON",
    sql: "SELECT * FROM 'invalid.json'",
    stderr: /^noctra: error: -c:1: Invalid Input Error: Malformed JSON in file "invalid\.json"/,
  },
  {
    name: "corrupt Parquet",
    sql: "SELECT * FROM 'corrupt.parquet'",
    stderr:
      /^noctra: error: -c:1: Invalid Input Error: No magic bytes found at end of file 'corrupt\.parquet'\n$/,
  },
  {
    name: "SQL syntax error with DuckDB's position",
    sql: "SELECT *\nFORM 'x.csv'",
    stderr:
      /^noctra: error: -c:1: Parser Error: syntax error at or near "'x\.csv'" \(line 2, column 6\)\n$/,
  },
  {
    name: "unknown table",
    sql: "SELECT * FROM penguins",
    stderr:
      /^noctra: error: -c:1: Catalog Error: Table with name penguins does not exist!.* \(line 1, column 15\)\n$/,
  },
  {
    name: "unsupported extension in USE",
    sql: "USE 'sheet.xlsx'",
    stderr:
      /^noctra: error: -c:1: USE 'sheet\.xlsx': unsupported file extension \.xlsx; supported: \.csv, \.tsv, \.txt, \.json, \.ndjson, \.jsonl, \.parquet, \.arrow, \.feather \(each but \.arrow\/\.feather also as \.gz\)\n$/,
  },
  {
    name: "USE of a corrupt file fails at USE time",
    sql: "USE 'corrupt.parquet' AS c",
    stderr:
      /^noctra: error: -c:1: USE 'corrupt\.parquet': Invalid Input Error: No magic bytes found/,
  },
  {
    name: "USE of a missing file",
    sql: "USE 'nowhere.csv' AS n",
    stderr: /^noctra: error: -c:1: USE 'nowhere\.csv': no such file/,
  },
  {
    name: "unterminated string",
    sql: "SELECT 'abc",
    stderr: /^noctra: error: -c:1: Unterminated string starting at line 1\n$/,
  },
];

for (const testCase of cases) {
  Deno.test(`bad input: ${testCase.name}`, async () => {
    const args = testCase.args ?? [];
    const run = testCase.args
      ? await runDenied(args, testCase.sql)
      : await runNoctra(["-c", testCase.sql], { cwd: dir });
    strictEqual(run.code, 1, run.stderr);
    strictEqual(run.stdout, "");
    match(run.stderr, testCase.stderr);
    strictEqual(run.stderr.split("\n").length, 2, "exactly one line");
  });
}

/** Runs with Deno's read permission withheld for a file, so the file is unreadable to Noctra. */
async function runDenied(denoFlags: string[], sql: string) {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", ...denoFlags, `${FIXTURES}/../main.ts`, "-c", sql],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
  const output = await command.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}
