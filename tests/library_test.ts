/**
 * The library as a Deno program uses it (`mod.ts`): one result at a time per session (a result
 * ended by a later statement throws, never comes back short), failures while rows stream throw
 * the engine's error from every read path, and `mod.ts` imports from a program outside this
 * repository with no `--config`.
 */
import { DatabaseSync } from "node:sqlite";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { deepStrictEqual, match, ok, rejects, strictEqual } from "node:assert/strict";
import { Noctra, NoctraError, type RowsResult, SupersededResultError } from "../mod.ts";
import { FIXTURES, ROOT } from "./_cli.ts";

/** 100,000 rows: about 49 chunks of 2,048, so a reader can stop in the middle. */
const LONG = "SELECT range AS x FROM range(100000)";
/** Fails mid-stream: DuckDB has produced rows before the first value past 250,000 raises. */
const BOOM =
  "SELECT CASE WHEN range < 250000 THEN range ELSE error('boom') END AS x FROM range(300000)";

async function withSession(body: (noctra: Noctra) => Promise<void>): Promise<void> {
  const noctra = await Noctra.open();
  try {
    await body(noctra);
  } finally {
    noctra.close();
  }
}

async function countRows(result: RowsResult): Promise<number> {
  let rows = 0;
  for await (const chunk of result.chunks()) rows += chunk.rowCount;
  return rows;
}

/** Asserts that `read` rejects with a SupersededResultError naming both statements. */
async function rejectsSuperseded(read: Promise<unknown>, first: string, later: string) {
  await rejects(read, (error: unknown) => {
    ok(error instanceof SupersededResultError, String(error));
    ok(error instanceof NoctraError);
    ok(error.message.includes(`"${first}"`), error.message);
    ok(error.message.includes(`"${later}"`), error.message);
    ok(error.message.includes("read a result to the end"), error.message);
    return true;
  });
}

// --- one result at a time -----------------------------------------------------------------

Deno.test("a chunk stream ended by a later query throws SupersededResultError", async () => {
  await withSession(async (noctra) => {
    const first = await noctra.query(LONG);
    const chunks = first.chunks()[Symbol.asyncIterator]();
    const head = await chunks.next();
    strictEqual(head.done, false);
    const second = await noctra.query("SELECT 42 AS y");
    strictEqual(await countRows(second), 1);
    await rejectsSuperseded(chunks.next(), LONG, "SELECT 42 AS y");
  });
});

Deno.test("interleaved rows() generators: the first throws, the second is whole", async () => {
  await withSession(async (noctra) => {
    const first = noctra.rows(LONG);
    const read: unknown[] = [];
    for (let row = 0; row < 3; row++) read.push((await first.next()).value);
    deepStrictEqual(read, [{ x: 0n }, { x: 1n }, { x: 2n }]);
    const second = await Array.fromAsync(noctra.rows("SELECT range AS y FROM range(3000)"));
    strictEqual(second.length, 3000);
    deepStrictEqual(second.at(-1), { y: 2999n });
    // The next row of the first result is already fetched, but the result was ended: the
    // first read after the second statement throws instead of going on to a short end.
    await rejectsSuperseded(first.next(), LONG, "SELECT range AS y FROM range(3000)");
  });
});

Deno.test("a result not yet read is ended by a later statement too", async () => {
  await withSession(async (noctra) => {
    const first = await noctra.query(LONG);
    await noctra.execute("SET threads = 2");
    await rejectsSuperseded(countRows(first), LONG, "SET threads = 2");
  });
});

Deno.test("execute() and use() end a pending result", async () => {
  await withSession(async (noctra) => {
    const first = await noctra.execute(LONG);
    strictEqual(first.kind, "rows");
    if (first.kind !== "rows") return;
    const chunks = first.chunks()[Symbol.asyncIterator]();
    await chunks.next();
    await noctra.use(join(FIXTURES, "airports.csv"), "airports");
    await rejects(chunks.next(), SupersededResultError);
    const [count] = await Array.fromAsync(noctra.rows("SELECT count(*) AS n FROM airports"));
    deepStrictEqual(count, { n: 3376n });
  });
});

Deno.test("executeScript: a yielded result is ended when the next statement runs", async () => {
  await withSession(async (noctra) => {
    const script = noctra.executeScript(`${LONG};\nSELECT 'second' AS s;`);
    const first = (await script.next()).value!;
    strictEqual(first.result.kind, "rows");
    const second = (await script.next()).value!;
    strictEqual(second.statement.text.trim(), "SELECT 'second' AS s");
    if (first.result.kind !== "rows" || second.result.kind !== "rows") throw new Error("rows");
    await rejects(countRows(first.result), SupersededResultError);
    strictEqual(await countRows(second.result), 1);
    strictEqual((await script.next()).done, true);
  });
});

Deno.test("executeScript read in turn returns every row of every statement", async () => {
  await withSession(async (noctra) => {
    const counts: number[] = [];
    for await (const { result } of noctra.executeScript(`${LONG}; SELECT 1; ${LONG};`)) {
      if (result.kind === "rows") counts.push(await countRows(result));
    }
    deepStrictEqual(counts, [100000, 1, 100000]);
  });
});

Deno.test("queryArrow after a pending result ends it; its own table is whole", async () => {
  await withSession(async (noctra) => {
    const first = noctra.rows(LONG);
    await first.next();
    const table = await noctra.queryArrow("SELECT range AS y FROM range(5000)");
    strictEqual(table.numRows, 5000);
    await rejects(first.next(), SupersededResultError);
  });
});

Deno.test("copyTo of an ended result throws instead of writing a partial file", async () => {
  await withSession(async (noctra) => {
    // As the CLI does for CSV output: queries stay lazy and offer DuckDB's own CSV writer.
    noctra.engine.copyOutput = true;
    const dir = await Deno.makeTempDir();
    const whole = await noctra.query(LONG);
    ok(whole.copyTo !== undefined);
    strictEqual(await whole.copyTo(join(dir, "whole.csv"), "csv"), 100000);
    const first = await noctra.query(LONG);
    const unread = await noctra.query(LONG);
    await noctra.query("SELECT 1");
    await rejects(first.copyTo!(join(dir, "out.csv"), "csv"), SupersededResultError);
    await rejects(countRows(unread), SupersededResultError);
  });
});

Deno.test("results read to the end, or left early, do not disturb the next query", async () => {
  await withSession(async (noctra) => {
    const whole = await noctra.query(LONG);
    strictEqual(await countRows(whole), 100000);
    for await (const _ of noctra.rows(LONG)) break;
    strictEqual(await countRows(await noctra.query(LONG)), 100000);
    // Collected first, then the next statement: the documented way to hold two results.
    const first = await Array.fromAsync(noctra.rows(LONG));
    const second = await Array.fromAsync(noctra.rows("SELECT 7 AS seven"));
    strictEqual(first.length, 100000);
    deepStrictEqual(second, [{ seven: 7 }]);
  });
});

Deno.test("two sessions stream interleaved queries side by side", async () => {
  const one = await Noctra.open();
  const two = await Noctra.open();
  try {
    const a = one.rows(LONG);
    const b = two.rows(LONG);
    let rows = 0;
    for (;;) {
      const [x, y] = await Promise.all([a.next(), b.next()]);
      if (x.done || y.done) {
        strictEqual(x.done && y.done, true);
        break;
      }
      deepStrictEqual(x.value, y.value);
      rows++;
    }
    strictEqual(rows, 100000);
  } finally {
    one.close();
    two.close();
  }
});

Deno.test("close() ends a pending result; statements after close() throw", async () => {
  const noctra = await Noctra.open();
  const chunks = (await noctra.query(LONG)).chunks()[Symbol.asyncIterator]();
  await chunks.next();
  noctra.close();
  await rejects(chunks.next(), (error: unknown) => {
    ok(error instanceof SupersededResultError);
    match(error.message, /Noctra\.close\(\)/);
    return true;
  });
  await rejects(noctra.query("SELECT 1"), (error: unknown) => {
    ok(error instanceof NoctraError);
    match(error.message, /session is closed/);
    return true;
  });
  noctra.close();
});

// --- failures while rows stream ----------------------------------------------------------

Deno.test("rows() throws DuckDB's error when the query fails mid-stream", async () => {
  await withSession(async (noctra) => {
    let rows = 0;
    await rejects(
      (async () => {
        for await (const _ of noctra.rows(BOOM)) rows++;
      })(),
      /boom/,
    );
    ok(rows < 250000, `${rows} rows before the error`);
  });
});

Deno.test("query().chunks() throws DuckDB's error when the query fails mid-stream", async () => {
  await withSession(async (noctra) => {
    const result = await noctra.query(BOOM);
    await rejects(countRows(result), /boom/);
    // The session stays usable.
    strictEqual(await countRows(await noctra.query("SELECT 1")), 1);
  });
});

Deno.test("queryArrow() throws DuckDB's error when the query fails mid-stream", async () => {
  await withSession(async (noctra) => {
    await rejects(noctra.queryArrow(BOOM), /boom/);
  });
});

Deno.test("execute() and executeScript() results throw the mid-stream error", async () => {
  await withSession(async (noctra) => {
    const result = await noctra.execute(BOOM);
    if (result.kind !== "rows") throw new Error("expected rows");
    await rejects(countRows(result), /boom/);
    const script = noctra.executeScript(`SELECT 1; ${BOOM}; SELECT 2;`);
    const seen: number[] = [];
    await rejects(
      (async () => {
        for await (const { result } of script) {
          if (result.kind === "rows") seen.push(await countRows(result));
        }
      })(),
      /boom/,
    );
    deepStrictEqual(seen, [1]);
  });
});

Deno.test("rows() throws SQLite's error when a native SQLite query fails mid-read", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "notes.db");
  const db = new DatabaseSync(path);
  db.exec(`CREATE TABLE notes (id INTEGER, body TEXT);
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999)
    INSERT INTO notes SELECT i, CASE WHEN i < 2500 THEN '{}' ELSE 'not json' END FROM n;`);
  db.close();
  await withSession(async (noctra) => {
    await noctra.execute(`ATTACH '${path}' AS notes_db (TYPE SQLITE, READ_ONLY)`);
    let rows = 0;
    await rejects(
      (async () => {
        for await (const _ of noctra.rows("SELECT id, json(body) AS j FROM notes_db.notes")) rows++;
      })(),
      /malformed JSON/,
    );
    ok(rows <= 2500, `${rows} rows before the error`);
  });
});

// --- importing mod.ts from elsewhere -------------------------------------------------------

/** `deno.json`'s import map: bare name → `npm:name@version`. */
async function pins(): Promise<Map<string, string>> {
  const text = await Deno.readTextFile(join(ROOT, "deno.json"));
  const json = JSON.parse(text.replace(/^\s*\/\/.*$/gm, "")) as { imports: Record<string, string> };
  return new Map(Object.entries(json.imports));
}

/** The `.ts` files under `dirs` (relative to the root), recursively. */
async function typeScriptFiles(...dirs: string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  };
  for (const dir of dirs) await walk(join(ROOT, dir));
  return files;
}

Deno.test("every npm: specifier in the sources matches deno.json's pin exactly", async () => {
  const pinned = await pins();
  const byValue = new Map([...pinned].map(([name, value]) => [value, name]));
  const library = [join(ROOT, "mod.ts"), join(ROOT, "main.ts"), ...await typeScriptFiles("src")];
  let found = 0;
  for (const file of [...library, ...await typeScriptFiles("tests", "bench")]) {
    const text = await Deno.readTextFile(file);
    const where = relative(ROOT, file);
    for (const [specifier] of text.matchAll(/npm:(?:@[\w.-]+\/)?[\w.-]+@\d[\w.+-]*/g)) {
      if (library.includes(file)) found++;
      ok(byValue.has(specifier), `${where}: ${specifier} is not a pin in deno.json`);
    }
    if (!library.includes(file)) continue;
    for (const name of pinned.keys()) {
      // A bare specifier resolves only through this repository's deno.json.
      const bare = new RegExp(`(from|import)\\s*\\(?\\s*"${name.replace("/", "\\/")}"`);
      ok(!bare.test(text), `${where} imports "${name}" bare; use ${pinned.get(name)}`);
    }
  }
  ok(found >= pinned.size, `only ${found} npm: specifiers found in mod.ts, main.ts and src/`);
});

Deno.test("a program outside the repository imports mod.ts and queries a CSV file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-outside-" });
  ok(relative(ROOT, dir).startsWith(".."), `${dir} is inside the repository`);
  const csv = join(FIXTURES, "airports.csv");
  await Deno.writeTextFile(
    join(dir, "program.ts"),
    `import { Noctra } from ${JSON.stringify(pathToFileURL(join(ROOT, "mod.ts")).href)};

const noctra = await Noctra.open();
try {
  const rows = [];
  for await (const row of noctra.rows(
    "SELECT iata, name, state, count(*) OVER () AS total FROM read_csv(" +
      ${JSON.stringify(`'${csv}'`)} + ") WHERE iata IN ('00M', 'LAX') ORDER BY iata",
  )) rows.push({ ...row, total: Number(row.total) });
  console.log(JSON.stringify(rows));
} finally {
  noctra.close();
}
`,
  );
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "program.ts"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(run.stderr);
  strictEqual(run.code, 0, stderr);
  deepStrictEqual(JSON.parse(new TextDecoder().decode(run.stdout)), [
    { iata: "00M", name: "Thigpen", state: "MS", total: 2 },
    { iata: "LAX", name: "Los Angeles International", state: "CA", total: 2 },
  ]);
});
