/**
 * The route the engine reports for the REPL's status bar (`QueryEngine.route`), on real files
 * and a real SQLite database: DuckDB alone, SQLite natively, SQLite tables bridged into DuckDB,
 * DuckDB's rows written into SQLite, RQL commands; and the status line made from it.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { FIXTURES } from "./_cli.ts";
import { Noctra } from "../src/noctra.ts";
import { iterateRows } from "../src/engine/result.ts";
import type { StatementResult } from "../src/engine/result.ts";
import { statusLine } from "../src/cli/status_bar.ts";

/** Runs `statement` and reads its rows to the end (so a DuckDB result finishes). */
async function run(noctra: Noctra, statement: string): Promise<StatementResult> {
  const result = await noctra.execute(statement);
  if (result.kind === "rows") await Array.fromAsync(iterateRows(result));
  return result;
}

Deno.test("status bar: the route of each kind of statement, with sources and threads", async () => {
  const directory = await Deno.makeTempDir({ prefix: "noctra-route-" });
  const database = `${directory}/airports.sqlite`;
  await Deno.copyFile(`${FIXTURES}/airports.sqlite`, database);
  const noctra = await Noctra.open({ registryPath: false });
  try {
    const engine = noctra.engine;
    const threads = engine.performance.baseThreads;

    await run(noctra, "SELECT count(*) FROM 'fixtures/penguins.parquet'");
    deepStrictEqual(engine.route, {
      engine: "duckdb",
      bridged: [],
      sources: ["fixtures/penguins.parquet"],
      threads,
      remote: false,
    });

    await run(noctra, `ATTACH '${database}' AS geo (TYPE SQLITE)`);
    strictEqual(engine.route.engine, "rql");

    await run(noctra, "SELECT count(*) FROM geo.airports WHERE state = 'TX'");
    deepStrictEqual(engine.route, {
      engine: "sqlite",
      bridged: [],
      sources: ["geo.airports"],
      remote: false,
    });

    await run(
      noctra,
      "SELECT a.state, count(*) FROM geo.airports a JOIN read_csv('fixtures/airports.csv') c " +
        "USING (iata) GROUP BY 1",
    );
    deepStrictEqual(engine.route, {
      engine: "hybrid",
      bridged: ["geo.airports"],
      sources: ["geo.airports", "read_csv(fixtures/airports.csv)"],
      threads,
      remote: false,
    });

    await run(noctra, "CREATE TABLE geo.penguins AS SELECT * FROM 'fixtures/penguins.parquet'");
    strictEqual(engine.route.engine, "hybrid");
    strictEqual(engine.route.target, "geo.penguins");
    deepStrictEqual(engine.route.sources, ["fixtures/penguins.parquet"]);

    await run(noctra, "UPDATE geo.penguins SET island = 'x' WHERE false");
    strictEqual(engine.route.engine, "sqlite");

    const memory = await engine.duckdb.memoryUse();
    ok(memory.usedBytes >= 0);
    match(memory.limit, /^\d+(\.\d+)? (bytes|[KMGTP]iB)$/);
  } finally {
    noctra.close();
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("status bar: the line names the engine, I/O, sources, memory, rows and time; cut to the width", () => {
  const route = {
    engine: "duckdb" as const,
    bridged: [],
    sources: ["fixtures/penguins.parquet", "s3://bucket/some/very/long/path/events.parquet"],
    threads: 6,
    remote: true,
  };
  const facts = {
    route,
    rows: 1234,
    elapsedMs: 1520.4,
    memory: { usedBytes: 5 * 1024 * 1024, limit: "18.8 GiB" },
  };
  strictEqual(
    statusLine(facts, 200, false),
    "DuckDB │ remote I/O, 6 threads │ fixtures/penguins.parquet, s3://bucket/some/very/long/path/events.parquet │ memory 5.0 MiB / 18.8 GiB │ 1,234 rows │ 1520 ms",
  );
  const cut = statusLine(facts, 100, false);
  strictEqual([...cut].length, 100);
  strictEqual(
    cut,
    "DuckDB │ remote I/O, 6 threads │ fixtures/pengui… │ memory 5.0 MiB / 18.8 GiB │ 1,234 rows │ 1520 ms",
  );
  strictEqual(statusLine(facts, 100, true), `\x1b[2m${cut}\x1b[22m`);
  strictEqual(
    statusLine(
      { route: { ...route, engine: "sqlite" }, rows: undefined, elapsedMs: 3.25 },
      80,
      false,
    )
      .endsWith("│ 3.3 ms"),
    true,
  );
});
