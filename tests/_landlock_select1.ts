/**
 * Start-up benchmark for tests/landlock_test.ts: a trivial embedded DuckDB `SELECT 1`.
 * `NOCTRA_BENCH_SANDBOX=landlock` first confines itself (runtime paths only) and re-executes;
 * `NOCTRA_BENCH_SANDBOX=reexec` re-executes without Landlock (the cost of the second process
 * alone).
 */
// deno-lint-ignore-file no-import-prefix
import { runSandboxedChild, sandboxedChildLayer, selfCommand } from "../src/sandbox/reexec.ts";

const mode = Deno.env.get("NOCTRA_BENCH_SANDBOX");
if (mode === "landlock" && sandboxedChildLayer() === undefined) {
  Deno.exit(await runSandboxedChild(Deno.args, { read: [], write: [] }));
}
if (mode === "reexec") {
  const [exe, ...args] = selfCommand(Deno.args);
  const env = { NOCTRA_BENCH_SANDBOX: "" };
  Deno.exit((await new Deno.Command(exe, { args, env }).spawn().status).code);
}
const { DuckDBInstance } = await import("npm:@duckdb/node-api@1.5.5-r.5");
const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
const reader = await con.runAndReadAll("SELECT 1 AS x");
console.log(String(reader.getRows()[0]?.[0]));
