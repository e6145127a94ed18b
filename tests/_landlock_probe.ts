/**
 * Probe for tests/landlock_test.ts. Run as `deno run -A tests/_landlock_probe.ts A B C PID PORT
 * [deny-net]`: the parent confines itself (read A and the file C/allowed.txt, write B and the
 * file C/writable.txt; C/missing-dir does not exist) and re-executes this script; the
 * sandboxed child tries reads and writes through Deno, embedded DuckDB and node:sqlite and
 * prints one JSON object `{ attempt: "ok: …" | "error: <class>: <message>" }` on stdout.
 */
// deno-lint-ignore-file no-import-prefix
import { DatabaseSync } from "node:sqlite";
import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.5-r.5";
import { runSandboxedChild, sandboxedChildLayer } from "../src/sandbox/reexec.ts";

const [a, b, c, pid, port, net] = Deno.args;
if (sandboxedChildLayer() === undefined) {
  Deno.exit(
    await runSandboxedChild(Deno.args, {
      read: [a!, `${c}/allowed.txt`, `${c}/missing-dir`],
      write: [b!, `${c}/writable.txt`],
      denyNetwork: net === "deny-net",
    }),
  );
}

const results: Record<string, string> = { layer: `ok: ${sandboxedChildLayer()}` };
async function attempt(name: string, f: () => unknown): Promise<void> {
  try {
    results[name] = `ok: ${String(await f())}`;
  } catch (e) {
    const err = e as Error;
    results[name] = `error: ${err.name}: ${err.message.split("\n")[0]}`;
  }
}

await attempt("deno read A", () => Deno.readTextFileSync(`${a}/data.csv`).length);
await attempt("deno write A", () => Deno.writeTextFileSync(`${a}/new.txt`, "x"));
await attempt("deno write B", () => Deno.writeTextFileSync(`${b}/new.txt`, "x"));
await attempt("deno read /etc/hostname", () => Deno.readTextFileSync("/etc/hostname"));
await attempt("deno read C", () => Deno.readTextFileSync(`${c}/secret.txt`));
await attempt("deno read file rule", () => Deno.readTextFileSync(`${c}/allowed.txt`));
await attempt("deno write file rule", () => Deno.writeTextFileSync(`${c}/writable.txt`, "w"));
await attempt("deno create in C", () => Deno.writeTextFileSync(`${c}/created.txt`, "x"));
await attempt("deno list C", () => [...Deno.readDirSync(c!)].length);
await attempt("deno read environ of unsandboxed process", () => {
  return Deno.readTextFileSync(`/proc/${pid}/environ`).length;
});
await attempt("child arguments", () => JSON.stringify(Deno.args));
await attempt("deno connect tcp", async () => {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  conn.close();
  return "connected";
});

const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
const sql = async (text: string) => {
  const reader = await con.runAndReadAll(text);
  return JSON.stringify(reader.getRows(), (_k, v) => typeof v === "bigint" ? Number(v) : v);
};
await attempt("duckdb count A", () => sql(`SELECT count(*) FROM '${a}/data.csv'`));
await attempt("duckdb copy to A", () => sql(`COPY (SELECT 1) TO '${a}/x.csv'`));
await attempt("duckdb copy to B", () => sql(`COPY (SELECT 1) TO '${b}/x.csv'`));
await attempt("duckdb read /etc/passwd", () => sql(`SELECT * FROM read_text('/etc/passwd')`));
await attempt("duckdb read C", () => sql(`SELECT * FROM read_text('${c}/secret.txt')`));
con.closeSync();
db.closeSync();

await attempt("sqlite read-only A", () => {
  const s = new DatabaseSync(`${a}/db.sqlite`, { readOnly: true });
  try {
    return JSON.stringify(s.prepare("SELECT count(*) AS n FROM t").get());
  } finally {
    s.close();
  }
});
await attempt("sqlite create in A", () => {
  const s = new DatabaseSync(`${a}/created.sqlite`);
  try {
    s.exec("CREATE TABLE t (x)");
  } finally {
    s.close();
  }
});
await attempt("sqlite create in B", () => {
  const s = new DatabaseSync(`${b}/created.sqlite`);
  try {
    s.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)");
  } finally {
    s.close();
  }
});

console.log(JSON.stringify(results));
