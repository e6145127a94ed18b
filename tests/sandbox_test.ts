/**
 * The file sandbox (`--allow-read`, `--allow-write`, `--sandbox`, or Deno's own scoped
 * permissions): every way out of the allowed directories fails with one clear permission error
 * (exit 1; exit 2 for `-o`) and no secret reaches the output; what is allowed still works;
 * without restricting flags access is full.
 *
 * Tree (fresh per run):
 *   allowed/          data.csv, db.sqlite (fixtures/airports.sqlite), out/ (writable),
 *                     link.csv → ../outside/secret.csv, linkdir → ../outside
 *   outside/          secret.csv, secret.db (a SQLite table holding the secret)
 */
import { DatabaseSync } from "node:sqlite";
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { type CliRun, FIXTURES, ROOT, runNoctra, type RunOptions } from "./_cli.ts";

const SECRET = "TOPSECRET-42";

/** The test tree; every path is real (symlinks of the temp dir resolved). */
const tree = Deno.realPathSync(await Deno.makeTempDir({ prefix: "noctra-sandbox-" }));
const A = `${tree}/allowed`;
const O = `${tree}/outside`;
await Deno.mkdir(`${A}/out`, { recursive: true });
await Deno.mkdir(O);
await Deno.writeTextFile(`${A}/data.csv`, "id,name\n1,alpha\n2,beta\n");
await Deno.copyFile(`${FIXTURES}/airports.sqlite`, `${A}/db.sqlite`);
await Deno.writeTextFile(`${O}/secret.csv`, `secret\n${SECRET}\n`);
{
  const db = new DatabaseSync(`${O}/secret.db`);
  db.exec(`CREATE TABLE secrets (v TEXT); INSERT INTO secrets VALUES ('${SECRET}')`);
  db.close();
}
await Deno.symlink("../outside/secret.csv", `${A}/link.csv`);
await Deno.symlink("../outside", `${A}/linkdir`);

const configHome = await Deno.makeTempDir({ prefix: "noctra-config-home-" });
/** The flags that confine a run to the tree: read `allowed/`, write `allowed/out/`. */
const CONFINED = [`--allow-read=${A}`, `--allow-write=${A}/out`];

/** Runs noctra (`-A`) with the user's configuration hidden. */
function noctra(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return runNoctra(args, { ...options, env: { XDG_CONFIG_HOME: configHome, ...options.env } });
}

/** Runs noctra confined to the tree, with CSV output. */
function confined(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return noctra([...CONFINED, "--format", "csv", ...args], options);
}

function lines(text: string): string[] {
  return text.split("\n").filter((line, index, all) => !(line === "" && index === all.length - 1));
}

/** Whether a path exists (without following a final symlink). */
function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Asserts a refused escape: exit `code`, exactly one stderr line that says why (permission /
 * allowed / outside) and names `mentions`, no stack trace, and no secret anywhere.
 */
function assertRefused(run: CliRun, mentions: readonly string[], code = 1): void {
  strictEqual(run.code, code, `exit code; stdout: ${run.stdout} stderr: ${run.stderr}`);
  ok(!run.stdout.includes(SECRET), `secret on stdout: ${run.stdout}`);
  ok(!run.stderr.includes(SECRET), `secret on stderr: ${run.stderr}`);
  strictEqual(lines(run.stderr).length, 1, `one stderr line, got: ${run.stderr}`);
  match(run.stderr, /^noctra: error: /);
  match(run.stderr, /permission|allowed|outside/i);
  ok(!/\n\s+at /.test(run.stderr), `no stack trace: ${run.stderr}`);
  for (const text of mentions) ok(run.stderr.includes(text), `mentions ${text}: ${run.stderr}`);
}

// ---- reading out of the sandbox -------------------------------------------------------------

const readEscapes: { name: string; sql: string; mentions: string[]; cwd?: string }[] = [
  {
    name: "relative ../ traversal from cwd = allowed",
    sql: "SELECT * FROM '../outside/secret.csv'",
    mentions: ["../outside/secret.csv", `${O}/secret.csv`],
    cwd: A,
  },
  {
    name: "absolute path outside",
    sql: `SELECT * FROM '${O}/secret.csv'`,
    mentions: [`${O}/secret.csv`],
  },
  {
    name: "absolute path with .. inside an allowed prefix",
    sql: `SELECT * FROM '${A}/../outside/secret.csv'`,
    mentions: [`${O}/secret.csv`],
  },
  {
    name: "a symlinked file pointing outside",
    sql: `SELECT * FROM '${A}/link.csv'`,
    mentions: [`${A}/link.csv`],
  },
  {
    name: "a file through a symlinked directory",
    sql: `SELECT * FROM '${A}/linkdir/secret.csv'`,
    mentions: [`${A}/linkdir/secret.csv`],
  },
  {
    name: "a glob that matches through a symlinked directory",
    sql: `SELECT * FROM '${A}/*/secret.csv'`,
    mentions: [`${A}/linkdir/secret.csv`],
  },
  {
    name: "a glob under .. reaching outside",
    sql: `SELECT * FROM '${A}/../outside/*.csv'`,
    mentions: [O],
  },
  {
    name: "a reader function over a symlink",
    sql: `SELECT * FROM read_csv(['${A}/link.csv'])`,
    mentions: [`${A}/link.csv`],
  },
  {
    name: "read_text of /etc/hostname",
    sql: "SELECT * FROM read_text('/etc/hostname')",
    mentions: ["/etc/hostname"],
  },
  {
    name: "read_blob of a file outside",
    sql: `SELECT * FROM read_blob('${O}/secret.csv')`,
    mentions: [`${O}/secret.csv`],
  },
  {
    name: "/proc/self/environ",
    sql: "SELECT * FROM read_text('/proc/self/environ')",
    mentions: ["/environ"],
  },
  {
    name: "DESCRIBE of a file outside",
    sql: `DESCRIBE '${O}/secret.csv'`,
    mentions: [`${O}/secret.csv`],
  },
  {
    name: "USE of a file outside",
    sql: `USE '${O}/secret.csv' AS s`,
    mentions: [`${O}/secret.csv`],
  },
  {
    name: "SQLite ATTACH of a database outside",
    sql: `ATTACH '${O}/secret.db' AS s (TYPE SQLITE)`,
    mentions: [`${O}/secret.db`],
  },
  {
    name: "read-only SQLite ATTACH of a database outside",
    sql: `ATTACH '${O}/secret.db' AS s (TYPE SQLITE, READ_ONLY)`,
    mentions: [`${O}/secret.db`],
  },
  {
    name: "a SQLite database outside queried as a file",
    sql: `SELECT * FROM '${O}/secret.db'`,
    mentions: [`${O}/secret.db`],
  },
];

for (const escape of readEscapes) {
  Deno.test(`sandbox refuses reading: ${escape.name}`, async () => {
    const run = await confined(
      ["-c", escape.sql],
      escape.cwd === undefined ? {} : { cwd: escape.cwd },
    );
    assertRefused(run, escape.mentions);
  });
}

Deno.test("--sandbox (cwd = allowed) refuses ../ traversal and allows the cwd", async () => {
  const [escape, inside] = await Promise.all([
    noctra(["--sandbox", "--format", "csv", "-c", "SELECT * FROM '../outside/secret.csv'"], {
      cwd: A,
    }),
    noctra(["--sandbox", "--format", "csv", "-c", "SELECT * FROM 'data.csv'"], { cwd: A }),
  ]);
  assertRefused(escape, ["../outside/secret.csv", `${O}/secret.csv`]);
  deepStrictEqual(inside, { code: 0, stdout: "id,name\n1,alpha\n2,beta\n", stderr: "" });
});

Deno.test("a file argument outside the sandbox is refused", async () => {
  const run = await confined([`${O}/secret.csv`, "-c", "SELECT 1"]);
  assertRefused(run, [`${O}/secret.csv`]);
});

Deno.test("sources registered without a sandbox are not restored into a confined run", async () => {
  const stateHome = await Deno.makeTempDir({ prefix: "noctra-state-" });
  const register = await noctra([
    "-c",
    `USE '${O}/secret.csv' AS sec`,
    "-c",
    `ATTACH '${O}/secret.db' AS sdb (TYPE SQLITE, READ_ONLY)`,
  ], { stateHome });
  strictEqual(register.code, 0, register.stderr);
  const [file, sqlite] = await Promise.all([
    confined(["-c", "SELECT * FROM sec"], { stateHome }),
    confined(["-c", "SELECT * FROM sdb.secrets"], { stateHome }),
  ]);
  for (const run of [file, sqlite]) {
    strictEqual(run.code, 1, run.stderr);
    strictEqual(run.stdout, "");
    ok(!run.stderr.includes(SECRET), run.stderr);
    const errors = lines(run.stderr);
    // Saved sources are restored when a statement names them: the one it names is refused.
    strictEqual(errors.length, 1, run.stderr);
    match(errors[0]!, /^noctra: error: -c:1: saved source (sec|sdb) .*permission denied/);
  }
});

// ---- writing out of the sandbox, or into a directory that is only readable ------------------

const writeEscapes: {
  name: string;
  args: string[];
  /** Must not exist afterwards. */
  creates: string;
  mentions: string[];
  code?: number;
}[] = [
  {
    name: "DuckDB ATTACH of a new database outside",
    args: ["-c", `ATTACH '${O}/x.duckdb' AS o`],
    creates: `${O}/x.duckdb`,
    mentions: [`${O}/x.duckdb`],
  },
  {
    name: "COPY TO outside",
    args: ["-c", `COPY (SELECT 1) TO '${O}/x.csv'`],
    creates: `${O}/x.csv`,
    mentions: [`${O}/x.csv`],
  },
  {
    name: "COPY TO a readable but not writable directory",
    args: ["-c", `COPY (SELECT 1) TO '${A}/x.csv'`],
    creates: `${A}/x.csv`,
    mentions: [`${A}/x.csv`],
  },
  {
    name: "EXPORT TO outside",
    args: ["-c", `EXPORT (SELECT 1) TO '${O}/x.parquet'`],
    creates: `${O}/x.parquet`,
    mentions: [`${O}/x.parquet`],
  },
  {
    name: "EXPORT DATABASE into a readable but not writable directory",
    args: ["-c", `EXPORT DATABASE '${A}/dump'`],
    creates: `${A}/dump`,
    mentions: [`${A}/dump`],
  },
  {
    name: "writable SQLite ATTACH of a readable but not writable database",
    args: ["-c", `ATTACH '${A}/db.sqlite' AS a`],
    creates: `${A}/db.sqlite-journal`,
    mentions: [`${A}/db.sqlite`],
  },
  {
    name: "-o outside (exit 2)",
    args: ["-o", `${O}/out.csv`, "-c", "SELECT 1"],
    creates: `${O}/out.csv`,
    mentions: [`${O}/out.csv`],
    code: 2,
  },
  {
    name: "-o into a readable but not writable directory (exit 2)",
    args: ["-o", `${A}/out.csv`, "-c", "SELECT 1"],
    creates: `${A}/out.csv`,
    mentions: [`${A}/out.csv`],
    code: 2,
  },
  // DuckDB only knows one list of allowed directories (the readable ones), so Noctra must
  // recognise every way DuckDB writes a file; these spellings reach DuckDB unchecked.
  {
    name: "ATTACH IF NOT EXISTS creating a database in a not writable directory",
    args: ["-c", `ATTACH IF NOT EXISTS '${A}/n1.duckdb' AS n1`],
    creates: `${A}/n1.duckdb`,
    mentions: [`${A}/n1.duckdb`],
  },
  {
    name: "ATTACH with a dollar-quoted path in a not writable directory",
    args: ["-c", `ATTACH $$${A}/n2.duckdb$$ AS n2`],
    creates: `${A}/n2.duckdb`,
    mentions: [`${A}/n2.duckdb`],
  },
  {
    name: "COPY TO a double-quoted path in a not writable directory",
    args: ["-c", `COPY (SELECT 1) TO "${A}/q.csv"`],
    creates: `${A}/q.csv`,
    mentions: [`${A}/q.csv`],
  },
  {
    name: "COPY TO a dollar-quoted path in a not writable directory",
    args: ["-c", `COPY (SELECT 1) TO $$${A}/d.csv$$`],
    creates: `${A}/d.csv`,
    mentions: [`${A}/d.csv`],
  },
  {
    name: "EXPLAIN ANALYZE COPY TO a not writable directory",
    args: ["-c", `EXPLAIN ANALYZE COPY (SELECT 1) TO '${A}/e.csv'`],
    creates: `${A}/e.csv`,
    mentions: [`${A}/e.csv`],
  },
  {
    name: "PREPARE … AS COPY TO a not writable directory, then EXECUTE",
    args: ["-c", `PREPARE p AS COPY (SELECT 1) TO '${A}/p.csv'; EXECUTE p`],
    creates: `${A}/p.csv`,
    mentions: [`${A}/p.csv`],
  },
  {
    name: "--engine sqlite: VACUUM INTO a file outside",
    args: [
      "--engine",
      "sqlite",
      "-c",
      `ATTACH '${A}/db.sqlite' AS a (TYPE SQLITE, READ_ONLY)`,
      "-c",
      `VACUUM a INTO '${O}/stolen.db'`,
    ],
    creates: `${O}/stolen.db`,
    mentions: [`${O}/stolen.db`],
  },
];

for (const escape of writeEscapes) {
  Deno.test(`sandbox refuses writing: ${escape.name}`, async () => {
    const run = await confined(escape.args);
    const created = exists(escape.creates);
    if (created) await Deno.remove(escape.creates, { recursive: true });
    ok(!created, `${escape.creates} was written (exit ${run.code}, stderr: ${run.stderr})`);
    assertRefused(run, escape.mentions, escape.code);
  });
}

Deno.test("COPY through a dangling symlink in the writable directory does not write outside", async () => {
  const dir = await Deno.makeTempDir({ dir: `${A}/out`, prefix: "dangle-" });
  await Deno.symlink(`${O}/planted.csv`, `${dir}/planted.csv`);
  const run = await confined(["-c", `COPY (SELECT 'planted' AS x) TO '${dir}/planted.csv'`]);
  const created = exists(`${O}/planted.csv`);
  if (created) await Deno.remove(`${O}/planted.csv`);
  ok(!created, `${O}/planted.csv was written (exit ${run.code}, stderr: ${run.stderr})`);
  assertRefused(run, [`${O}/planted.csv`]);
});

// ---- turning the sandbox off from SQL -------------------------------------------------------

const switches: { name: string; sql: string; mentions: string[] }[] = [
  {
    name: "LOAD of an extension file",
    sql: `LOAD '${A}/x.duckdb_extension'`,
    mentions: [],
  },
  { name: "INSTALL httpfs", sql: "INSTALL httpfs", mentions: [] },
  {
    name: "SET enable_external_access = true",
    sql: "SET enable_external_access = true",
    mentions: ["enable_external_access"],
  },
  {
    name: "SET allowed_directories = ['/']",
    sql: "SET allowed_directories = ['/']",
    mentions: ["allowed_directories"],
  },
  {
    name: "SET temp_directory outside",
    sql: `SET temp_directory = '${O}/tmp'`,
    mentions: [],
  },
];

for (const attempt of switches) {
  Deno.test(`sandbox cannot be switched off: ${attempt.name}`, async () => {
    const run = await confined(["-c", attempt.sql, "-c", `SELECT * FROM '${O}/secret.csv'`]);
    assertRefused(run, attempt.mentions);
    match(run.stderr, /^noctra: error: -c\[1\]:1: /);
  });
}

// ---- what is allowed ------------------------------------------------------------------------

Deno.test("allowed: read allowed/, write allowed/out/, SET threads", async () => {
  const run = await confined([
    "-c",
    `SELECT * FROM '${A}/data.csv'`,
    "-c",
    `EXPORT (SELECT 1 AS x) TO '${A}/out/x.parquet'`,
    "-c",
    `COPY (SELECT 2 AS y) TO '${A}/out/y.csv'`,
    "-c",
    "SET threads = 1",
    "-c",
    `SELECT x, y, current_setting('threads') AS t FROM '${A}/out/x.parquet', '${A}/out/y.csv'`,
  ]);
  strictEqual(run.code, 0, run.stderr);
  strictEqual(run.stdout, "id,name\n1,alpha\n2,beta\nx,y,t\n1,2,1\n");
  match(run.stderr, /^exported 1 rows? to .*\/out\/x\.parquet \(PARQUET, \d+ bytes, \d+ ms\)\n$/);
});

Deno.test("allowed: SQLite (TYPE SQLITE, READ_ONLY) inside allowed/ can be queried", async () => {
  const run = await confined([
    "-c",
    `ATTACH '${A}/db.sqlite' AS a (TYPE SQLITE, READ_ONLY)`,
    "-c",
    "SELECT count(*) AS n FROM a.airports",
    "-c",
    `SELECT count(*) AS n FROM a.airports JOIN '${A}/data.csv' d ON d.id = 1`,
  ]);
  deepStrictEqual(run, { code: 0, stdout: "n\n3376\nn\n3376\n", stderr: "" });
});

Deno.test("allowed: a writable SQLite database and a DuckDB database inside allowed/out/", async () => {
  const run = await confined([
    "-c",
    `ATTACH '${A}/out/w.sqlite' AS w (TYPE SQLITE, CREATE)`,
    "-c",
    "CREATE TABLE w.t (v INTEGER); INSERT INTO w.t VALUES (7)",
    "-c",
    `ATTACH '${A}/out/w.duckdb' AS d`,
    "-c",
    "CREATE TABLE d.t AS SELECT v + 1 AS v FROM w.t",
    "-c",
    "SELECT v FROM d.t",
  ]);
  strictEqual(run.code, 0, run.stderr);
  strictEqual(run.stdout, "v\n8\n");
});

// ---- no sandbox, and SHOW CONFIG ------------------------------------------------------------

Deno.test("without restricting flags access is full and SHOW CONFIG says so", async () => {
  const [run, config] = await Promise.all([
    noctra(["--format", "csv", "-c", `SELECT * FROM '${O}/secret.csv'`]),
    noctra(["--format", "csv", "-c", "SHOW CONFIG"]),
  ]);
  deepStrictEqual(run, { code: 0, stdout: `secret\n${SECRET}\n`, stderr: "" });
  strictEqual(config.code, 0, config.stderr);
  ok(
    config.stdout.includes("\nsandbox.mode,off (full file access),default\n"),
    config.stdout,
  );
  ok(!config.stdout.includes("sandbox.read"), config.stdout);
});

Deno.test("with flags SHOW CONFIG says confined and lists the directories", async () => {
  const run = await confined(["-c", "SHOW CONFIG"]);
  strictEqual(run.code, 0, run.stderr);
  const sandbox = run.stdout.split("\n").filter((line) => line.startsWith("sandbox."));
  deepStrictEqual(sandbox, [
    "sandbox.mode,confined,flag",
    "sandbox.layer,landlock,flag",
    `sandbox.read,"${A}, ${A}/out",flag`,
    `sandbox.write,${A}/out,flag`,
    "sandbox.network,denied,flag",
  ]);
});

// ---- Deno's own scoped permissions instead of -A --------------------------------------------

/** `deno run` with scoped permissions: read `allowed/` and the project root, write `allowed/`. */
async function scoped(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-ffi",
      "--allow-env",
      `--allow-read=${A},${ROOT}`,
      `--allow-write=${A}`,
      `${ROOT}main.ts`,
      "--format",
      "csv",
      ...args,
    ],
    cwd: A, // Deno cannot list its grants: Noctra discovers them from the working directory (and the program's)
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: {
      NO_COLOR: "1",
      XDG_CONFIG_HOME: configHome,
      XDG_STATE_HOME: await Deno.makeTempDir({ prefix: "noctra-state-" }),
      ...env,
    },
  }).output();
  const decoder = new TextDecoder();
  const stderr = decoder.decode(output.stderr);
  // Without --allow-run Noctra cannot re-execute inside the kernel layer: it says so, once.
  ok(stderr.startsWith(SCOPED_WARNING), `the duckdb-only warning first: ${stderr}`);
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: stderr.slice(SCOPED_WARNING.length),
  };
}

/** The warning of a sandbox from scoped Deno grants that cannot enter the kernel layer. */
const SCOPED_WARNING =
  "noctra: warning: the landlock sandbox needs Deno's --allow-run, --allow-read, --allow-write to start Noctra again inside it; running with DuckDB's own confinement only — run with -A and confine with --allow-read/--allow-write/--sandbox\n";

Deno.test("scoped Deno permissions: a missing default config file is not an error", async () => {
  // XDG_CONFIG_HOME is outside the granted directories and has no noctra/config.toml.
  const run = await scoped(["--no-restore", "-c", "SELECT 1 AS a"]);
  deepStrictEqual(run, { code: 0, stdout: "a\n1\n", stderr: "" });
});

// The next tests set XDG_CONFIG_HOME inside allowed/ and pass --no-restore, so that the
// unreadable default config (previous test) and the registry stay out of the way: they are
// about the sandbox Noctra takes from Deno's grants.
const grantedEnv = { XDG_CONFIG_HOME: `${A}/no-config` };

Deno.test("scoped Deno permissions: reading outside the grants is refused", async () => {
  const run = await scoped(["--no-restore", "-c", `SELECT * FROM '${O}/secret.csv'`], grantedEnv);
  assertRefused(run, [`${O}/secret.csv`]);
  ok(!run.stderr.includes(`//${O.slice(1)}`), `path printed with a doubled slash: ${run.stderr}`);
});

Deno.test("scoped Deno permissions: SHOW CONFIG says confined by deno and lists the grants", async () => {
  const run = await scoped(["--no-restore", "-c", "SHOW CONFIG"], grantedEnv);
  strictEqual(run.code, 0, run.stderr);
  const sandbox = run.stdout.split("\n").filter((line) => line.startsWith("sandbox."));
  deepStrictEqual(sandbox, [
    "sandbox.mode,confined,deno",
    "sandbox.layer,duckdb-only,deno",
    `sandbox.read,"${A}, ${Deno.realPathSync(ROOT)}",deno`,
    `sandbox.write,${A},deno`,
    "sandbox.network,denied,deno",
  ]);
});

Deno.test("scoped Deno permissions: the granted directory can be read", async () => {
  const run = await scoped(["--no-restore", "-c", `SELECT * FROM '${A}/data.csv'`], grantedEnv);
  deepStrictEqual(run, { code: 0, stdout: "id,name\n1,alpha\n2,beta\n", stderr: "" });
});

Deno.test("scoped Deno permissions: the granted project root is readable, as Deno allows", async () => {
  // Noctra mirrors Deno's grants: granting the project root lets SQL read fixtures/ too.
  const run = await scoped([
    "--no-restore",
    "-c",
    `SELECT count(*) AS n FROM '${ROOT}fixtures/airports.csv'`,
  ], grantedEnv);
  deepStrictEqual(run, { code: 0, stdout: "n\n3376\n", stderr: "" });
});
