/**
 * RQL end to end: variables bound as parameters, --var, EXPORT to every format (atomic, with
 * OVERWRITE), retired commands, and the bad-input cases of each.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { FIXTURES, ROOT, runNoctra } from "./_cli.ts";

const csv = (
  ...statements: string[]
) => ["--format", "csv", ...statements.flatMap((s) => ["-c", s])];

Deno.test("a variable holding SQL is bound, matches only itself, and '#name' in literals stays text", async () => {
  const run = await runNoctra(csv(
    "LET s = 'SEA'' OR 1=1 --'",
    "SELECT count(*) AS n, #s AS value, '#s' AS literal, length(#s) AS len FROM 'fixtures/airports.csv' WHERE iata = #s -- #s in a comment",
    "LET s = 'SEA'",
    "SELECT name FROM 'fixtures/airports.csv' WHERE iata = #s",
  ));
  strictEqual(run.code, 0, run.stderr);
  strictEqual(
    run.stdout,
    `n,value,literal,len\n0,SEA' OR 1=1 --,"#s",14\nname\nSeattle-Tacoma Intl\n`,
  );
  strictEqual(run.stderr, "s: VARCHAR = SEA' OR 1=1 --\ns: VARCHAR = SEA\n");
});

Deno.test("LET keeps types; scalar subqueries; SHOW VARS; UNSET", async () => {
  const run = await runNoctra(csv(
    "LET d = DATE '2024-02-28' + 1",
    "LET big = 9007199254740993::BIGINT",
    "LET price = 12.50::DECIMAL(6,2)",
    "LET north = (SELECT max(latitude) FROM 'fixtures/airports.csv')",
    "SHOW VARS",
    "SELECT #d + 1 AS next_day, #big + 1 AS bigger, #price * 2 AS doubled, #north > 71 AS arctic",
    "UNSET d, big",
    "SHOW VARS",
  ));
  strictEqual(run.code, 0, run.stderr);
  strictEqual(
    run.stdout,
    "name,type,value\nbig,BIGINT,9007199254740993\nd,DATE,2024-02-29\nnorth,DOUBLE,71.2854475\n" +
      'price,"DECIMAL(6,2)",12.50\n' +
      "next_day,bigger,doubled,arctic\n2024-03-01,9007199254740994,25.00,true\n" +
      'name,type,value\nnorth,DOUBLE,71.2854475\nprice,"DECIMAL(6,2)",12.50\n',
  );
});

Deno.test("variables work in statements SQLite runs natively", async () => {
  const run = await runNoctra(csv(
    "ATTACH 'fixtures/airports.sqlite' AS geo (TYPE SQLITE, READ_ONLY)",
    "LET st = 'WA'",
    "SELECT count(*) AS n FROM geo.airports WHERE state = #st",
  ));
  strictEqual(run.code, 0, run.stderr);
  strictEqual(run.stdout, "n\n65\n");
});

Deno.test("--var sets typed variables before the first statement", async () => {
  const run = await runNoctra([
    "--var",
    "n=5",
    "--var",
    "x=2.5",
    "--var",
    "on=true",
    "--var",
    "who=O'Brien",
    "--var",
    "day:DATE=2024-02-29",
    ...csv(
      "SHOW VARS",
      "SELECT #n * 2 AS n2, #x * 2 AS x2, NOT #on AS off, #who AS who, #day + 1 AS next",
    ),
  ]);
  strictEqual(run.code, 0, run.stderr);
  strictEqual(
    run.stdout,
    'name,type,value\nday,DATE,2024-02-29\nn,BIGINT,5\non,BOOLEAN,true\nwho,VARCHAR,O\'Brien\nx,"DECIMAL(2,1)",2.5\n' +
      "n2,x2,off,who,next\n10,5.0,false,O'Brien,2024-03-01\n",
  );
});

Deno.test("--var keeps text that a number type would change: leading zeros, digits beyond BIGINT", async () => {
  const run = await runNoctra([
    "--var",
    "zip=00501",
    "--var",
    "big=123456789012345678901234",
    "--var",
    "price=19.90",
    "--var",
    "small=1e-3",
    ...csv(
      "SELECT #zip AS zip, typeof(#zip) AS t1, #big AS big, typeof(#big) AS t2, #price AS price, #small * 1000 AS one",
    ),
  ]);
  strictEqual(run.code, 0, run.stderr);
  strictEqual(
    run.stdout,
    "zip,t1,big,t2,price,one\n00501,VARCHAR,123456789012345678901234,VARCHAR,19.90,1.0\n",
  );
});

Deno.test("bad variables: undefined #name, failing LET, malformed --var", async () => {
  const undefinedName = await runNoctra(csv("SELECT #nope"));
  strictEqual(undefinedName.code, 1);
  strictEqual(
    undefinedName.stderr,
    "noctra: error: -c:1: #nope (line 1): no variable named nope; set it with LET nope = … or --var nope=…\n",
  );
  const failing = await runNoctra(csv("LET x = 1 / 0 + 'a'"));
  strictEqual(failing.code, 1);
  match(failing.stderr, /^noctra: error: -c:1: LET x: .+\n$/);
  const twoRows = await runNoctra(csv("LET x = (SELECT * FROM range(2))"));
  strictEqual(twoRows.code, 1);
  match(twoRows.stderr, /^noctra: error: -c:1: LET x: .*more than one row.*\n$/i);
  for (const flag of ["novalue", "1x=2", "a:=1", "a:NOT A TYPE!=1"]) {
    const run = await runNoctra(["--var", flag, "-c", "SELECT 1"]);
    strictEqual(run.code, 2, flag);
    match(run.stderr, /^noctra: error: --var .+\n$/);
  }
  const badCast = await runNoctra(["--var", "d:DATE=yesterday", "-c", "SELECT 1"]);
  strictEqual(badCast.code, 2);
  match(badCast.stderr, /^noctra: error: --var d:DATE=yesterday: Conversion Error: .+\n$/);
});

/** Runs `noctra` in `dir` with fixtures reachable by absolute path. */
async function exportRun(dir: string, ...statements: string[]) {
  return await runNoctra(csv(...statements), { cwd: dir });
}

Deno.test("EXPORT writes every format, reports rows/bytes/ms, and the files read back", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-" });
  const penguins = `${FIXTURES}/penguins.parquet`;
  const query =
    `(SELECT "Species" AS species, "Island" AS island, "Body Mass (g)" AS mass FROM '${penguins}' WHERE "Body Mass (g)" > 5000)`;
  const run = await exportRun(
    dir,
    `EXPORT ${query} TO 'heavy.parquet' OPTIONS (compression = 'zstd', row_group_size = 10)`,
    `EXPORT ${query} TO 'heavy.csv'`,
    `EXPORT ${query} TO 'heavy.tsv'`,
    `EXPORT ${query} TO 'heavy.json'`,
    `EXPORT ${query} TO 'heavy.jsonl'`,
    `EXPORT ${query} TO 'heavy.arrow'`,
    `EXPORT ${query} TO 'heavy.out' FORMAT CSV OPTIONS (delimiter = ';', header = false)`,
    "SELECT (SELECT count(*) FROM 'heavy.parquet') AS parquet, (SELECT count(*) FROM 'heavy.csv') AS csv, " +
      "(SELECT count(*) FROM read_csv('heavy.tsv', delim = '\t')) AS tsv, (SELECT count(*) FROM read_json('heavy.json')) AS json, " +
      "(SELECT count(*) FROM read_json('heavy.jsonl', format = 'newline_delimited')) AS jsonl, " +
      "(SELECT count(*) FROM 'heavy.arrow') AS arrow",
  );
  strictEqual(run.code, 0, run.stderr);
  strictEqual(run.stdout, "parquet,csv,tsv,json,jsonl,arrow\n61,61,61,61,61,61\n");
  const reports = run.stderr.trim().split("\n");
  strictEqual(reports.length, 7);
  for (const report of reports) {
    match(
      report,
      /^exported 61 rows to .+ \((PARQUET|CSV|JSON|JSONL|ARROW), [\d,]+ bytes, \d+ ms\)$/,
    );
  }
  const json = JSON.parse(await Deno.readTextFile(`${dir}/heavy.json`));
  strictEqual(json.length, 61);
  deepStrictEqual(Object.keys(json[0]), ["species", "island", "mass"]);
  strictEqual((await Deno.readTextFile(`${dir}/heavy.out`)).split("\n")[0], "Gentoo;Biscoe;5700");
  deepStrictEqual(
    [...Deno.readDirSync(dir)].map((entry) => entry.name).sort(),
    [
      "heavy.arrow",
      "heavy.csv",
      "heavy.json",
      "heavy.jsonl",
      "heavy.out",
      "heavy.parquet",
      "heavy.tsv",
    ],
  );
});

Deno.test("EXPORT of a table or view, and of a join with a SQLite table", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-" });
  const run = await exportRun(
    dir,
    `ATTACH '${FIXTURES}/airports.sqlite' AS geo (TYPE SQLITE, READ_ONLY)`,
    `USE '${FIXTURES}/flights-airport.csv' AS flights`,
    "EXPORT flights TO 'flights.parquet'",
    "EXPORT geo.airports TO 'airports.parquet'",
    "EXPORT (SELECT a.state, sum(f.count) AS flights FROM flights f JOIN geo.airports a ON a.iata = f.origin GROUP BY a.state) TO 'states.csv'",
    "SELECT (SELECT count(*) FROM 'flights.parquet') AS flights, (SELECT count(*) FROM 'airports.parquet') AS airports, " +
      "(SELECT flights FROM 'states.csv' WHERE state = 'CA') AS ca",
  );
  strictEqual(run.code, 0, run.stderr);
  strictEqual(run.stdout, "flights,airports,ca\n5366,3376,824597\n");
});

Deno.test("EXPORT refuses to replace a file without OVERWRITE; OVERWRITE and --force replace it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-" });
  await Deno.writeTextFile(`${dir}/keep.csv`, "precious\n");
  const refused = await exportRun(dir, "EXPORT (SELECT 1 AS a) TO 'keep.csv'");
  strictEqual(refused.code, 1);
  strictEqual(
    refused.stderr,
    "noctra: error: -c:1: EXPORT TO 'keep.csv': the target already exists; add OVERWRITE to the EXPORT (or run with --force) to replace it\n",
  );
  strictEqual(await Deno.readTextFile(`${dir}/keep.csv`), "precious\n");
  const replaced = await exportRun(dir, "EXPORT (SELECT 1 AS a) TO 'keep.csv' OVERWRITE");
  strictEqual(replaced.code, 0, replaced.stderr);
  strictEqual(await Deno.readTextFile(`${dir}/keep.csv`), "a\n1\n");
  const forced = await runNoctra(["--force", "-c", "EXPORT (SELECT 2 AS b) TO 'keep.csv'"], {
    cwd: dir,
  });
  strictEqual(forced.code, 0, forced.stderr);
  strictEqual(await Deno.readTextFile(`${dir}/keep.csv`), "b\n2\n");
});

Deno.test("bad EXPORTs: unknown FORMAT, missing directory, target is a directory, failing query — nothing written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-" });
  await Deno.mkdir(`${dir}/folder.csv`);
  const cases: [string, RegExp][] = [
    [
      "EXPORT (SELECT 1) TO 'x.out' FORMAT XLSX",
      /EXPORT TO 'x\.out': unknown FORMAT XLSX; choose one of PARQUET, CSV, JSON, JSONL, ARROW$/,
    ],
    [
      "EXPORT (SELECT 1) TO 'no/such/dir/x.csv'",
      /EXPORT TO 'no\/such\/dir\/x\.csv': the directory .*no\/such\/dir does not exist$/,
    ],
    [
      "EXPORT (SELECT 1) TO 'folder.csv' OVERWRITE",
      /EXPORT TO 'folder\.csv': .*folder\.csv is a directory; name a file$/,
    ],
    [
      "EXPORT (SELECT 1 / 0 + 'x'::INT) TO 'bad.csv'",
      /EXPORT TO 'bad\.csv': Conversion Error: .*; nothing was written$/,
    ],
    ["EXPORT (SELECT * FROM 'missing.csv') TO 'bad.parquet'", /'missing\.csv': no such file/],
  ];
  for (const [statement, expected] of cases) {
    const run = await exportRun(dir, statement);
    strictEqual(run.code, 1, statement);
    strictEqual(run.stderr.split("\n").length, 2, `one line: ${run.stderr}`);
    match(run.stderr.trimEnd(), expected);
  }
  deepStrictEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["folder.csv"]);
});

Deno.test("EXPORT to a full disk fails with one line and leaves no file behind", async () => {
  const mountPoint = await Deno.makeTempDir({ prefix: "noctra-tiny-" });
  const mounted = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint],
    stderr: "piped",
  }).output();
  strictEqual(
    mounted.code,
    0,
    `this test needs a tiny tmpfs (run as root): ${new TextDecoder().decode(mounted.stderr)}`,
  );
  try {
    const run = await runNoctra(
      ["-c", "EXPORT (SELECT i, 'padding-' || i AS label FROM range(2000000) t(i)) TO 'big.csv'"],
      { cwd: mountPoint },
    );
    strictEqual(run.code, 1);
    match(
      run.stderr,
      /^noctra: error: -c:1: EXPORT TO 'big\.csv': .*(full|space).*; nothing was written\n$/i,
    );
    deepStrictEqual([...Deno.readDirSync(mountPoint)], []);
  } finally {
    await new Deno.Command("umount", { args: [mountPoint] }).output();
  }
});

Deno.test("an EXPORT killed mid-way leaves neither target nor temporary file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}main.ts`,
      "-c",
      "EXPORT (SELECT i, md5(i::VARCHAR) AS h FROM range(200000000) t(i)) TO 'huge.parquet'",
    ],
    cwd: dir,
    stdout: "null",
    stderr: "piped",
    env: { XDG_STATE_HOME: dir },
  }).spawn();
  // Wait until the temporary file exists, then stop the process as a user would.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ([...Deno.readDirSync(dir)].some((entry) => entry.name.includes("noctra-export"))) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  ok(
    [...Deno.readDirSync(dir)].some((entry) => entry.name.includes("noctra-export")),
    "export started",
  );
  child.kill("SIGTERM");
  const status = await child.status;
  await child.stderr.cancel();
  strictEqual(status.code, 143);
  deepStrictEqual(
    [...Deno.readDirSync(dir)].map((entry) => entry.name).filter((name) =>
      !name.startsWith("noctra")
    ),
    [],
  );
});

Deno.test("retired commands fail with the SQL to write instead", async () => {
  const cases: [string, string][] = [
    [
      "IMPORT 'fixtures/airports.csv' AS airports",
      "IMPORT is retired; write USE 'fixtures/airports.csv' AS airports (the file is queried in place, not copied)",
    ],
    [
      "FILTER latitude > 60",
      "FILTER is retired; add the condition to your query instead: SELECT … FROM … WHERE latitude > 60",
    ],
    [
      "MAP latitude * 2 AS twice",
      "MAP is retired; compute the columns in the SELECT list instead: SELECT latitude * 2 AS twice FROM …",
    ],
    [
      "OUTPUT TO 'out.csv'",
      "OUTPUT TO is retired; write EXPORT (query) TO 'out.csv' [FORMAT CSV|PARQUET|JSON|JSONL|ARROW]",
    ],
  ];
  for (const [statement, message] of cases) {
    const run = await runNoctra(["-c", statement]);
    strictEqual(run.code, 1, statement);
    strictEqual(run.stderr, `noctra: error: -c:1: ${message}\n`);
  }
});

Deno.test("an unaliased #name column is named as written, in every format", async () => {
  const table = await runNoctra(["--var", "top=3", "-c", "SELECT #top, #top + 1 AS next"]);
  strictEqual(table.code, 0, table.stderr);
  ok(table.stdout.includes("│ #top"), table.stdout);
  ok(!table.stdout.includes("noctra_"), table.stdout);
  const jsonl = await runNoctra([
    "--format",
    "jsonl",
    "--var",
    "top=3",
    "-c",
    "SELECT #top, #top + 1 AS next",
  ]);
  strictEqual(jsonl.stdout, '{"#top":3,"next":4}\n');
  const csvRun = await runNoctra(["--var", "top=3", ...csv("SELECT #top, #top + 1 AS next")]);
  strictEqual(csvRun.stdout, '"#top",next\n3,4\n');
});
