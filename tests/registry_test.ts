/**
 * The source registry across processes: sources registered with ATTACH and USE come back in the
 * next run (same `XDG_STATE_HOME`), `--no-restore` ignores and keeps the registry, a source whose
 * file is gone is kept and marked `missing`, and a corrupt registry is moved aside.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { parse } from "smol-toml";
import { FIXTURES, runNoctra, type RunOptions } from "./_cli.ts";

/** `--format csv -c s1 -c s2 …`. */
function csv(...statements: string[]): string[] {
  return ["--format", "csv", ...statements.flatMap((statement) => ["-c", statement])];
}

/** A working directory with a copy of the airports database and the penguins Parquet file. */
async function workspace(): Promise<{ dir: string; stateHome: string; registry: string }> {
  const dir = await Deno.makeTempDir({ prefix: "noctra-registry-work-" });
  await Deno.copyFile(`${FIXTURES}/airports.sqlite`, `${dir}/w.sqlite`);
  await Deno.copyFile(`${FIXTURES}/penguins.parquet`, `${dir}/penguins.parquet`);
  const stateHome = await Deno.makeTempDir({ prefix: "noctra-registry-state-" });
  return { dir, stateHome, registry: `${stateHome}/noctra/sources.toml` };
}

async function okRun(args: readonly string[], options: RunOptions): Promise<string> {
  const run = await runNoctra(args, options);
  strictEqual(run.stderr, "", `unexpected stderr for ${args.join(" ")}`);
  strictEqual(run.code, 0);
  return run.stdout;
}

/** The registry file parsed as TOML, as plain objects. */
async function readRegistry(path: string): Promise<unknown> {
  return JSON.parse(JSON.stringify(parse(await Deno.readTextFile(path))));
}

const SOURCES_HEADER = "alias,kind,path,engine,read_only,status\n";

Deno.test("sources registered in one run are there in the next; the registry is TOML with absolute paths", async () => {
  const { dir, stateHome, registry } = await workspace();
  // Relative paths, resolved against the first run's working directory.
  strictEqual(
    await okRun(
      csv(
        "ATTACH 'w.sqlite' AS w (TYPE SQLITE, READ_ONLY)",
        "USE 'penguins.parquet' AS p",
        "ATTACH 'w.sqlite' AS rw",
        "DELETE FROM rw.airports WHERE state = 'WA'",
      ),
      { cwd: dir, stateHome },
    ),
    "",
  );
  deepStrictEqual(await readRegistry(registry), {
    sources: [
      {
        alias: "p",
        kind: "parquet",
        path: `${dir}/penguins.parquet`,
        read_only: false,
        options: {},
      },
      { alias: "w", kind: "sqlite", path: `${dir}/w.sqlite`, read_only: true, options: {} },
      { alias: "rw", kind: "sqlite", path: `${dir}/w.sqlite`, read_only: false, options: {} },
    ],
  });

  // A second run, from another working directory, queries both without re-attaching.
  const second = await runNoctra(
    csv(
      "SELECT count(*) AS n FROM w.airports",
      `SELECT "Species", count(*) AS n FROM p GROUP BY 1 ORDER BY 1`,
      `SELECT count(*) AS routes FROM '${FIXTURES}/flights-airport.csv' f ` +
        "JOIN w.airports a ON a.iata = f.origin",
      "SHOW SOURCES",
      "DELETE FROM w.airports",
    ),
    { stateHome },
  );
  strictEqual(
    second.stdout,
    "n\n3311\n" +
      "Species,n\nAdelie,152\nChinstrap,68\nGentoo,124\n" +
      "routes\n5286\n" +
      SOURCES_HEADER +
      `p,parquet,${dir}/penguins.parquet,duckdb,false,ok\n` +
      `w,sqlite,${dir}/w.sqlite,sqlite,true,ok\n` +
      `rw,sqlite,${dir}/w.sqlite,sqlite,false,saved\n`,
  );
  // READ_ONLY was restored too.
  strictEqual(
    second.stderr,
    "noctra: error: -c[5]:1: w is attached READ_ONLY: writes are refused; DETACH w and ATTACH it " +
      "without READ_ONLY to write\n",
  );
  strictEqual(second.code, 1);
});

Deno.test("--no-restore starts clean and leaves the registry as it was", async () => {
  const { dir, stateHome, registry } = await workspace();
  await okRun(csv("ATTACH 'w.sqlite' AS w", "USE 'penguins.parquet' AS p"), {
    cwd: dir,
    stateHome,
  });
  const saved = await Deno.readTextFile(registry);

  const clean = await runNoctra(
    ["--no-restore", ...csv("SHOW SOURCES", "SELECT count(*) FROM p")],
    {
      stateHome,
    },
  );
  strictEqual(clean.stdout, SOURCES_HEADER);
  strictEqual(
    clean.stderr,
    'noctra: error: -c[2]:1: Catalog Error: Table with name p does not exist! Did you mean "pg_am"? ' +
      "(line 1, column 22)\n",
  );
  strictEqual(clean.code, 1);
  const unknownTable = await runNoctra(["--no-restore", ...csv("SELECT * FROM w.airports")], {
    stateHome,
  });
  match(unknownTable.stderr, /^noctra: error: -c:1: Catalog Error: Table with name "w\.airports"/);
  strictEqual(unknownTable.code, 1);

  // Sources registered with --no-restore are not saved, and nothing is forgotten either.
  await okRun(
    ["--no-restore", ...csv(`USE '${FIXTURES}/airports.csv' AS ap`, "DETACH IF EXISTS w")],
    { stateHome },
  );
  strictEqual(await Deno.readTextFile(registry), saved);
  deepStrictEqual(
    (await Array.fromAsync(Deno.readDir(`${stateHome}/noctra`))).map((entry) => entry.name),
    ["sources.toml"],
  );
  strictEqual(
    await okRun(csv("SELECT count(*) AS n FROM w.airports", "SELECT count(*) AS n FROM p"), {
      stateHome,
    }),
    "n\n3376\nn\n344\n",
  );
});

Deno.test("a registered file that was deleted: no cost until used, then one error; marked missing, DETACH forgets it", async () => {
  const { dir, stateHome, registry } = await workspace();
  await okRun(csv("ATTACH 'w.sqlite' AS w", "USE 'penguins.parquet' AS p"), {
    cwd: dir,
    stateHome,
  });
  await Deno.remove(`${dir}/w.sqlite`);
  const path = `${dir}/w.sqlite`;

  // Saved sources are restored when a statement names them: an unrelated query does not care.
  const unrelated = await runNoctra(csv("SELECT 42 AS answer", "SHOW SOURCES"), { stateHome });
  strictEqual(unrelated.stderr, "");
  strictEqual(unrelated.code, 0);
  strictEqual(
    unrelated.stdout,
    "answer\n42\n" + SOURCES_HEADER +
      `p,parquet,${dir}/penguins.parquet,duckdb,false,saved\n` +
      `w,sqlite,${path},sqlite,false,missing\n`,
  );

  const run = await runNoctra(
    ["--continue-on-error", ...csv("SELECT count(*) AS n FROM w.t", "SHOW SOURCES")],
    { stateHome },
  );
  strictEqual(
    run.stderr,
    `noctra: error: -c[1]:1: saved source w (${path}) could not be restored: ` +
      `ATTACH '${path}' AS w: no such file; ` +
      `to create a new database write ATTACH '${path}' AS w (TYPE SQLITE, CREATE); ` +
      "it stays registered (DETACH w to forget it)\n",
  );
  strictEqual(run.code, 1);
  strictEqual(
    run.stdout,
    SOURCES_HEADER +
      `w,sqlite,${path},sqlite,false,missing\n` +
      `p,parquet,${dir}/penguins.parquet,duckdb,false,saved\n`,
  );
  // Still registered.
  match(await Deno.readTextFile(registry), /alias = "w"/);

  const forget = await runNoctra(csv("DETACH w", "SHOW SOURCES"), { stateHome });
  strictEqual(forget.code, 0);
  strictEqual(
    forget.stdout,
    SOURCES_HEADER + `p,parquet,${dir}/penguins.parquet,duckdb,false,saved\n`,
  );
  deepStrictEqual(await readRegistry(registry), {
    sources: [
      {
        alias: "p",
        kind: "parquet",
        path: `${dir}/penguins.parquet`,
        read_only: false,
        options: {},
      },
    ],
  });
  // The next run starts without a warning.
  strictEqual(
    await okRun(csv("SHOW SOURCES"), { stateHome }),
    SOURCES_HEADER + `p,parquet,${dir}/penguins.parquet,duckdb,false,saved\n`,
  );
});

Deno.test("a corrupt registry is moved aside with one warning; the session starts empty and works", async () => {
  const stateHome = await Deno.makeTempDir({ prefix: "noctra-registry-state-" });
  const registry = `${stateHome}/noctra/sources.toml`;
  await Deno.mkdir(`${stateHome}/noctra`);
  const garbage = "[[sources]\nalias = = 'w'\n\u0000\u0001 not toml at all\n";
  await Deno.writeTextFile(registry, garbage);

  const run = await runNoctra(
    csv(
      "SHOW SOURCES",
      `USE '${FIXTURES}/penguins.parquet' AS p`,
      "SELECT count(*) AS n FROM p",
    ),
    { stateHome },
  );
  strictEqual(run.code, 0);
  strictEqual(run.stdout, SOURCES_HEADER + "n\n344\n");
  const lines = run.stderr.split("\n");
  strictEqual(lines.length, 2, `one warning line: ${JSON.stringify(run.stderr)}`);
  strictEqual(lines[1], "");
  const escaped = registry.replaceAll(".", "\\.");
  match(
    lines[0]!,
    new RegExp(
      `^noctra: warning: the source registry ${escaped} is corrupt \\(.+\\); ` +
        `moved it to ${escaped}\\.corrupt-\\d+; starting with no saved sources$`,
    ),
  );

  const names = (await Array.fromAsync(Deno.readDir(`${stateHome}/noctra`)))
    .map((entry) => entry.name).sort();
  strictEqual(names.length, 2);
  strictEqual(names[0], "sources.toml");
  match(names[1]!, /^sources\.toml\.corrupt-\d+$/);
  ok(lines[0]!.includes(`${stateHome}/noctra/${names[1]}`), "the warning names the moved file");
  strictEqual(await Deno.readTextFile(`${stateHome}/noctra/${names[1]}`), garbage);
  // The new registry holds what this session registered, and the next run is quiet.
  deepStrictEqual(await readRegistry(registry), {
    sources: [
      {
        alias: "p",
        kind: "parquet",
        path: `${FIXTURES}/penguins.parquet`,
        read_only: false,
        options: {},
      },
    ],
  });
  strictEqual(await okRun(csv("SELECT count(*) AS n FROM p"), { stateHome }), "n\n344\n");
});

Deno.test("a registry of the wrong shape is treated as corrupt", async () => {
  const stateHome = await Deno.makeTempDir({ prefix: "noctra-registry-state-" });
  await Deno.mkdir(`${stateHome}/noctra`);
  await Deno.writeTextFile(`${stateHome}/noctra/sources.toml`, "[[sources]]\nalias = 1\n");
  const run = await runNoctra(csv("SHOW SOURCES"), { stateHome });
  strictEqual(run.code, 0);
  strictEqual(run.stdout, SOURCES_HEADER);
  match(
    run.stderr,
    /^noctra: warning: the source registry \S+ is corrupt \(sources\[0\]\.alias is missing\); moved it to \S+\.corrupt-\d+; starting with no saved sources\n$/,
  );
});

Deno.test("reader OPTIONS and normalized absolute paths survive a restart", async () => {
  const { dir, stateHome, registry } = await workspace();
  await Deno.mkdir(`${dir}/sub`);
  await Deno.copyFile(`${FIXTURES}/unemployment.tsv`, `${dir}/u.tsv`);
  const options = "header = false, skip = 1, columns = {'id': 'VARCHAR', 'rate': 'VARCHAR'}";
  const query = "SELECT id, rate FROM u ORDER BY id::INTEGER LIMIT 2";
  strictEqual(
    await okRun(
      csv("ATTACH './../sub/../w.sqlite' AS w", `USE '../u.tsv' AS u OPTIONS (${options})`, query),
      { cwd: `${dir}/sub`, stateHome },
    ),
    "id,rate\n1001,.097\n1003,.091\n",
  );
  deepStrictEqual(await readRegistry(registry), {
    sources: [
      {
        alias: "u",
        kind: "tsv",
        path: `${dir}/u.tsv`,
        read_only: false,
        options: { header: "false", skip: "1", columns: "{'id': 'VARCHAR', 'rate': 'VARCHAR'}" },
      },
      { alias: "w", kind: "sqlite", path: `${dir}/w.sqlite`, read_only: false, options: {} },
    ],
  });
  // Restored with the same options: the rates stay text ('.097', not 0.097).
  strictEqual(
    await okRun(csv(query, "SELECT count(*) AS n FROM w.airports"), { stateHome }),
    "id,rate\n1001,.097\n1003,.091\nn\n3376\n",
  );
});

Deno.test("files named on the command line are views for that session only", async () => {
  const stateHome = await Deno.makeTempDir({ prefix: "noctra-state-" });
  const first = await runNoctra(
    ["fixtures/penguins.parquet", "--format", "csv", "-c", "SELECT count(*) AS n FROM penguins"],
    { stateHome },
  );
  deepStrictEqual(first, { code: 0, stdout: "n\n344\n", stderr: "" });
  const second = await runNoctra(["--format", "csv", "-c", "SHOW SOURCES"], { stateHome });
  deepStrictEqual(second, {
    code: 0,
    stdout: "alias,kind,path,engine,read_only,status\n",
    stderr: "",
  });
});

Deno.test("a saved SQLite source locked by another process: unrelated queries do not wait; using it says locked", async () => {
  const { dir, stateHome } = await workspace();
  await okRun(csv("ATTACH 'w.sqlite' AS w"), { cwd: dir, stateHome });
  // Another process takes SQLite's exclusive lock and holds it.
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { DatabaseSync } from "node:sqlite";
       const db = new DatabaseSync(${JSON.stringify(`${dir}/w.sqlite`)});
       db.exec("BEGIN EXCLUSIVE"); db.exec("DELETE FROM airports WHERE state = 'WA'");
       console.log("locked"); await new Promise((r) => setTimeout(r, 15000));`,
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = holder.stdout.getReader();
  const first = await reader.read();
  strictEqual(new TextDecoder().decode(first.value).trim(), "locked");
  try {
    const started = performance.now();
    strictEqual(await okRun(csv("SELECT 1 AS one"), { stateHome }), "one\n1\n");
    const elapsed = performance.now() - started;
    ok(elapsed < 1800, `SELECT 1 took ${elapsed} ms with a locked saved source`);

    const run = await runNoctra(csv("SELECT count(*) FROM w.airports"), { stateHome });
    strictEqual(run.code, 1);
    match(
      run.stderr,
      /^noctra: error: -c:1: saved source w \(.*w\.sqlite\) is locked: .*locked.*\n$/,
    );
  } finally {
    holder.kill();
    await holder.status;
    reader.releaseLock();
    await holder.stdout.cancel().catch(() => {});
  }
});
