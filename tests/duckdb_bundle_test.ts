/**
 * `vendor/duckdb-node-api.mjs` is the pinned `@duckdb/node-api` bundled into one module: it must
 * be exactly what scripts/bundle_duckdb_api.ts builds from the pinned package, and no source
 * module may load the package's own runtime copy beside it (two copies of each class would break
 * `instanceof`).
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { ROOT } from "./_cli.ts";

Deno.test("the vendored DuckDB bundle matches a fresh build of the pinned package", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}scripts/bundle_duckdb_api.ts`, "--check"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  strictEqual(output.code, 0, text);
});

Deno.test("only src/engine/duckdb_api.ts loads @duckdb/node-api values; the rest import types", async () => {
  const offenders: string[] = [];
  for await (const path of walk(`${ROOT}src`)) {
    if (path.endsWith("/duckdb_api.ts")) continue;
    const text = await Deno.readTextFile(path);
    const imports = text.matchAll(
      /^import (type )?\{?[^;]*?\}? from "npm:@duckdb\/node-api[^"]*";/gms,
    );
    for (const match of imports) {
      if (match[1] === undefined) offenders.push(`${path.slice(ROOT.length)}: ${match[0]}`);
    }
  }
  deepStrictEqual(offenders, []);
});

Deno.test("the bundle and the package agree: DuckDB values from a session are the bundle's classes", async () => {
  const api = await import("../src/engine/duckdb_api.ts");
  const instance = await api.DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll("SELECT 1.50::DECIMAL(4,2) AS d, [1, 2] AS l");
  const [row] = reader.getRows();
  strictEqual(row![0] instanceof api.DuckDBDecimalValue, true);
  strictEqual(row![1] instanceof api.DuckDBListValue, true);
  strictEqual(String(row![0]), "1.50");
  connection.closeSync();
  instance.closeSync();
});

async function* walk(directory: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(directory)) {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}
