/**
 * EXPORT never loses what a user had: an interrupted or failed export (SIGTERM/SIGINT at any
 * moment, SIGKILL, a query that fails mid-stream) leaves the previous target whole or the new one
 * whole, never a mix or nothing; leftovers of a killed run are cleaned up or restored by the next
 * export to the same target; OPTIONS cannot write outside the target.
 *
 * Every case spawns `main.ts` like a user, on real files in a temporary directory.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { join, relative } from "node:path";
import { ROOT, runNoctra } from "./_cli.ts";

/** Rows and partitions of the partitioned CSV export the interruption tests write. */
const ROWS = 30_000;
const PARTITIONS = 300;

/** EXPORT of version `version` of the partitioned data set to the directory `parts`. */
function partitionedExport(version: string, target = "parts"): string {
  return `EXPORT (SELECT range % ${PARTITIONS} AS p, range AS x, '${version}' AS v FROM range(${ROWS})) ` +
    `TO '${target}' FORMAT CSV OPTIONS (partition_by = (p)) OVERWRITE`;
}

/** EXPORT of version `version` of a single CSV file `one.csv`. */
function fileExport(version: string): string {
  return `EXPORT (SELECT range AS x, '${version}' AS v FROM range(${
    ROWS * 10
  })) TO 'one.csv' OVERWRITE`;
}

/** What a partitioned data set of `version` holds: `p=<k>|x,v` lines, sorted. */
function expectedPartitioned(version: string): string {
  const lines: string[] = [];
  for (let x = 0; x < ROWS; x++) lines.push(`p=${x % PARTITIONS}|${x},${version}`);
  return lines.sort().join("\n");
}

/** What `one.csv` of `version` holds: its whole text. */
function expectedFile(version: string): string {
  const lines = ["x,v"];
  for (let x = 0; x < ROWS * 10; x++) lines.push(`${x},${version}`);
  return lines.join("\n") + "\n";
}

/**
 * The rows of a partitioned CSV directory as sorted `dir|line` strings (headers left out), or
 * `null` when the directory does not exist. Rows of a partly written or partly deleted data
 * set never equal a whole version's.
 */
function partitionedContent(dir: string): string | null {
  try {
    if (!Deno.statSync(dir).isDirectory) return "(not a directory)";
  } catch {
    return null;
  }
  const lines: string[] = [];
  const walk = (path: string) => {
    for (const entry of Deno.readDirSync(path)) {
      const child = join(path, entry.name);
      if (entry.isDirectory) walk(child);
      else {
        const where = relative(dir, path);
        for (const line of Deno.readTextFileSync(child).split("\n")) {
          if (line !== "" && line !== "x,v") lines.push(`${where}|${line}`);
        }
      }
    }
  };
  walk(dir);
  return lines.sort().join("\n");
}

function readOrNull(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/** Names in `dir` other than the expected ones (leftover temporary or aside siblings). */
function leftovers(dir: string, expected: readonly string[]): string[] {
  return [...Deno.readDirSync(dir)].map((entry) => entry.name).filter((name) =>
    !expected.includes(name) && !name.startsWith("noctra")
  ).sort();
}

function describeContent(content: string | null): string {
  if (content === null) return "missing";
  const lines = content === "" ? 0 : content.split("\n").length;
  const versions = new Set(content.match(/,(v\d+|old)$/gm) ?? []);
  return `${lines} rows of ${[...versions].join(" ") || "no version"}`;
}

/** The lines of stderr without their `noctra: error: <input>:<line>: ` prefix. */
function errorMessages(stderr: string): string[] {
  return stderr.trimEnd().split("\n").map((line) =>
    line.replace(/^noctra: error: -c(\[\d+\])?:\d+: /, "")
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When {@link interruptedExport} starts counting its delay. */
type Moment =
  /** an export sibling (`.<target>.noctra-…`) appeared: the rows are being written */
  | "output"
  /** the target itself changed (renamed, deleted from, replaced): the swap has begun */
  | "swap";

function identity(path: string): string {
  try {
    const info = Deno.statSync(path);
    return `${info.ino}:${info.mtime?.getTime()}:${info.isDirectory}`;
  } catch {
    return "missing";
  }
}

/**
 * Spawns `-c statement` in `dir`, waits for `moment`, then `delayMs` later sends `signal` (none
 * when null). Returns the exit code, stderr, and the milliseconds from the moment to the end.
 */
async function interruptedExport(
  dir: string,
  target: string,
  statement: string,
  signal: Deno.Signal | null,
  moment: Moment,
  delayMs: number,
): Promise<{ code: number; stderr: string; afterMomentMs: number }> {
  const before = identity(join(dir, target));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}main.ts`, "-c", statement],
    cwd: dir,
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1", XDG_STATE_HOME: dir },
  }).spawn();
  let finished = false;
  const status = child.status.then((value) => {
    finished = true;
    return value;
  });
  const stderr = new Response(child.stderr).text();
  const marker = `.${target}.noctra-`;
  const reached = moment === "output"
    ? () => [...Deno.readDirSync(dir)].some((entry) => entry.name.startsWith(marker))
    : () => identity(join(dir, target)) !== before;
  const deadline = Date.now() + 15_000;
  while (!finished && Date.now() < deadline && !reached()) await sleep(1);
  const started = performance.now();
  if (signal !== null) {
    await sleep(delayMs);
    try {
      child.kill(signal);
    } catch { /* already ended */ }
  }
  const { code } = await status;
  return { code, stderr: await stderr, afterMomentMs: performance.now() - started };
}

/**
 * The runs of an interruption test: half spread over the writing of the rows (fractions of the
 * measured span), half right after the target starts to change (the swap window), at varied
 * delays in milliseconds.
 */
function schedule(span: number): { moment: Moment; delay: number }[] {
  return [
    ...[0.1, 0.3, 0.5, 0.7, 0.9].map((fraction) => ({
      moment: "output" as const,
      delay: span * fraction,
    })),
    ...[0, 1, 2, 4, 8].map((delay) => ({ moment: "swap" as const, delay })),
  ];
}

Deno.test("SIGTERM at any moment of a partitioned EXPORT … OVERWRITE leaves the old or the new directory whole, and no leftovers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-safety-" });
  const target = join(dir, "parts");
  const first = await runNoctra(["-c", partitionedExport("old")], { cwd: dir, stateHome: dir });
  strictEqual(first.code, 0, first.stderr);
  strictEqual(partitionedContent(target), expectedPartitioned("old"));
  // One uninterrupted run measures how long an export lasts once its output appears.
  const calibration = await interruptedExport(
    dir,
    "parts",
    partitionedExport("v0"),
    null,
    "output",
    0,
  );
  strictEqual(calibration.code, 0, calibration.stderr);
  strictEqual(partitionedContent(target), expectedPartitioned("v0"));
  deepStrictEqual(leftovers(dir, ["parts"]), []);
  const outcomes: string[] = [];
  let previous = "v0";
  for (const [index, { moment, delay }] of schedule(calibration.afterMomentMs).entries()) {
    const version = `v${index + 1}`;
    const result = await interruptedExport(
      dir,
      "parts",
      partitionedExport(version),
      "SIGTERM",
      moment,
      delay,
    );
    const content = partitionedContent(target);
    const fresh = content === expectedPartitioned(version);
    const where = `run ${index + 1} (SIGTERM ${
      delay.toFixed(0)
    } ms after the ${moment}, exit ${result.code})`;
    ok(
      fresh || content === expectedPartitioned(previous),
      `${where}: the target holds ${
        describeContent(content)
      }, neither ${previous} nor ${version} whole`,
    );
    ok(result.code === 143 || (result.code === 0 && fresh), `${where}: ${result.stderr}`);
    deepStrictEqual(leftovers(dir, ["parts"]), [], `${where}: leftovers`);
    outcomes.push(`${moment}+${delay.toFixed(0)}ms:${fresh ? "new" : "old"}`);
    if (fresh) previous = version;
  }
  // The signal landed before the swap at least once (the old directory survived it).
  ok(outcomes.some((outcome) => outcome.endsWith("old")), outcomes.join(" "));
});

Deno.test("SIGTERM or SIGINT at any moment of a single-file EXPORT … OVERWRITE leaves the old or the new file whole, and no leftovers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-safety-" });
  const target = join(dir, "one.csv");
  const first = await runNoctra(["-c", fileExport("old")], { cwd: dir, stateHome: dir });
  strictEqual(first.code, 0, first.stderr);
  const calibration = await interruptedExport(dir, "one.csv", fileExport("v0"), null, "output", 0);
  strictEqual(calibration.code, 0, calibration.stderr);
  strictEqual(readOrNull(target), expectedFile("v0"));
  let previous = "v0";
  for (const [index, { moment, delay }] of schedule(calibration.afterMomentMs).entries()) {
    const version = `v${index + 1}`;
    const signal: Deno.Signal = index % 2 === 0 ? "SIGTERM" : "SIGINT";
    const result = await interruptedExport(
      dir,
      "one.csv",
      fileExport(version),
      signal,
      moment,
      delay,
    );
    const content = readOrNull(target);
    const fresh = content === expectedFile(version);
    const where = `run ${index + 1} (${signal} ${
      delay.toFixed(0)
    } ms after the ${moment}, exit ${result.code})`;
    ok(
      fresh || content === expectedFile(previous),
      `${where}: the target is ${
        content === null ? "missing" : `${content.length} bytes`
      }, neither ${previous} nor ${version} whole`,
    );
    deepStrictEqual(leftovers(dir, ["one.csv"]), [], `${where}: leftovers`);
    if (fresh) previous = version;
  }
});

/** The query that fails after 250,000 of its 300,000 rows (DuckDB's error: boom). */
const FAILS_MID_STREAM =
  "SELECT CASE WHEN range < 250000 THEN range ELSE error('boom') END AS x FROM range(300000)";

/** Bytes of every file under `path` (a file or a directory), keyed by relative path. */
function bytesUnder(path: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string) => {
    if (Deno.statSync(current).isDirectory) {
      for (const entry of Deno.readDirSync(current)) walk(join(current, entry.name));
    } else {
      files[relative(path, current) || "."] = Array.from(Deno.readFileSync(current)).join(",");
    }
  };
  walk(path);
  return files;
}

/** Runs the mid-stream failure over existing targets, one statement per target. */
async function failMidStream(targets: readonly [string, string][]): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-safety-" });
  const setup = await runNoctra(
    targets.flatMap(([target, options]) => [
      "-c",
      `EXPORT (SELECT range AS x, 'old' AS p FROM range(5)) TO '${target}' ${options}`,
    ]),
    { cwd: dir, stateHome: dir },
  );
  strictEqual(setup.code, 0, setup.stderr);
  const before = Object.fromEntries(
    targets.map(([target]) => [target, bytesUnder(join(dir, target))]),
  );
  const run = await runNoctra(
    [
      "--continue-on-error",
      ...targets.flatMap(([target, options]) => [
        "-c",
        `EXPORT (SELECT x, 'new' AS p FROM (${FAILS_MID_STREAM})) TO '${target}' ${options} OVERWRITE`,
      ]),
    ],
    { cwd: dir, stateHome: dir },
  );
  strictEqual(run.code, 1, run.stderr);
  deepStrictEqual(
    errorMessages(run.stderr),
    targets.map(([target]) =>
      `EXPORT TO '${target}': Invalid Input Error: boom; nothing was written, the previous target is unchanged`
    ),
  );
  for (const [target] of targets) {
    deepStrictEqual(bytesUnder(join(dir, target)), before[target], `${target} changed`);
  }
  deepStrictEqual(leftovers(dir, targets.map(([target]) => target)), []);
}

Deno.test("an EXPORT whose query fails mid-stream fails with DuckDB's error (exit 1) and leaves the previous PARQUET, CSV, JSON, JSONL and partitioned targets untouched", async () => {
  await failMidStream([
    ["old.parquet", ""],
    ["old.csv", ""],
    ["old.tsv", ""],
    ["old.json", ""],
    ["old.jsonl", ""],
    ["old_parts", "FORMAT PARQUET OPTIONS (partition_by = (p))"],
    ["old_threads", "FORMAT CSV OPTIONS (per_thread_output = true)"],
  ]);
});

Deno.test("an ARROW EXPORT whose query fails mid-stream fails with DuckDB's error (exit 1) and leaves the previous file untouched", async () => {
  await failMidStream([["old.arrow", ""], ["old.feather", ""]]);
});

Deno.test("OPTIONS that would write outside the target are refused, naming the option and what is allowed; nothing is written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-safety-" });
  const work = join(dir, "work");
  Deno.mkdirSync(work);
  const query = "(SELECT range AS x, range % 2 AS p FROM range(10))";
  const name = "may not contain '/', '\\', '..' or a drive; it names files inside the target " +
    "directory (letters, digits, '_', '-', '.', and DuckDB's {i}, {uuid}, {uuidv7})";
  const cases: [string, string][] = [
    [
      "partition_by = (p), filename_pattern = '../escaped_{i}'",
      `OPTIONS filename_pattern '../escaped_{i}' ${name}`,
    ],
    [
      "per_thread_output = true, filename_pattern = '../../escaped_{i}'",
      `OPTIONS filename_pattern '../../escaped_{i}' ${name}`,
    ],
    [
      "file_size_bytes = 10, FILENAME_PATTERN = '/tmp/escaped_{i}'",
      `OPTIONS FILENAME_PATTERN '/tmp/escaped_{i}' ${name}`,
    ],
    [
      "partition_by = (p), filename_pattern = 'sub\\part_{i}'",
      `OPTIONS filename_pattern 'sub\\part_{i}' ${name}`,
    ],
    [
      "partition_by = (p), file_extension = 'csv/../../../escaped'",
      `OPTIONS file_extension 'csv/../../../escaped' ${name}`,
    ],
    [
      "partition_by = (p), filename_pattern = 'C:part'",
      `OPTIONS filename_pattern 'C:part' ${name}`,
    ],
    [
      "partition_by = (p), filename_pattern = '..' || '/x'",
      "OPTIONS filename_pattern must be a quoted file name such as 'part_{i}', not '..' || '/x'",
    ],
    [
      "partition_by = (p), append = true",
      "OPTIONS append is not supported; EXPORT writes a complete new target (add OVERWRITE to replace it, or export to a new name)",
    ],
  ];
  const run = await runNoctra(
    [
      "--continue-on-error",
      ...cases.flatMap(([options]) => [
        "-c",
        `EXPORT ${query} TO 'out' FORMAT CSV OPTIONS (${options}) OVERWRITE`,
      ]),
    ],
    { cwd: work, stateHome: dir },
  );
  strictEqual(run.code, 1, run.stderr);
  deepStrictEqual(
    errorMessages(run.stderr),
    cases.map(([, message]) => `EXPORT TO 'out': ${message}`),
  );
  deepStrictEqual([...Deno.readDirSync(work)], []);
  deepStrictEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["work"]);
  // A plain file name is fine, and stays inside the target directory.
  const allowed = await runNoctra(
    [
      "-c",
      `EXPORT ${query} TO 'out' FORMAT CSV OPTIONS (partition_by = (p), filename_pattern = 'part_{i}', file_extension = 'txt', append = false)`,
    ],
    { cwd: work, stateHome: dir },
  );
  strictEqual(allowed.code, 0, allowed.stderr);
  deepStrictEqual(Object.keys(bytesUnder(join(work, "out"))).sort(), [
    "p=0/part_0.txt",
    "p=1/part_0.txt",
  ]);
});

Deno.test("partition values and DuckDB's own overwrite options cannot write outside the target or into the files it had", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-safety-" });
  const work = join(dir, "work");
  Deno.mkdirSync(work);
  const old = await runNoctra(
    [
      "-c",
      "EXPORT (SELECT 'a' AS p, 'old' AS v) TO 'parts' FORMAT CSV OPTIONS (partition_by = (p))",
    ],
    { cwd: work, stateHome: dir },
  );
  strictEqual(old.code, 0, old.stderr);
  Deno.writeTextFileSync(join(work, "parts", "notes.txt"), "the user's own file\n");
  const before = bytesUnder(join(work, "parts"));
  // DuckDB's OVERWRITE_OR_IGNORE would write into the existing directory; it only ever sees the
  // fresh temporary one, and without Noctra's OVERWRITE the target is refused whole.
  const refused = await runNoctra(
    [
      "-c",
      "EXPORT (SELECT 'a' AS p, 'new' AS v) TO 'parts' FORMAT CSV OPTIONS (partition_by = (p), overwrite_or_ignore = true)",
    ],
    { cwd: work, stateHome: dir },
  );
  strictEqual(refused.code, 1);
  match(refused.stderr, /the target already exists; add OVERWRITE/);
  deepStrictEqual(bytesUnder(join(work, "parts")), before);
  // With OVERWRITE the target becomes exactly the new data set: no old file is mixed in, and a
  // partition value that looks like a path is escaped by DuckDB into one directory name.
  const replaced = await runNoctra(
    [
      "-c",
      "EXPORT (SELECT * FROM (VALUES ('a', 'new'), ('../../escaped', 'new'), ('/tmp', 'new')) t(p, v)) TO 'parts' FORMAT CSV OPTIONS (partition_by = (p), overwrite_or_ignore = true) OVERWRITE",
    ],
    { cwd: work, stateHome: dir },
  );
  strictEqual(replaced.code, 0, replaced.stderr);
  const after = bytesUnder(join(work, "parts"));
  deepStrictEqual(Object.keys(after).sort(), [
    "p=%2Ftmp/data_0.csv",
    "p=..%2F..%2Fescaped/data_0.csv",
    "p=a/data_0.csv",
  ]);
  strictEqual(Deno.readTextFileSync(join(work, "parts", "p=a", "data_0.csv")), "v\nnew\n");
  deepStrictEqual([...Deno.readDirSync(work)].map((entry) => entry.name), ["parts"]);
  deepStrictEqual([...Deno.readDirSync(dir)].map((entry) => entry.name).sort(), ["work"]);
});

Deno.test("COPY options that write a directory (file_size_bytes, row_groups_per_file) replace a directory or a file target with OVERWRITE", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-safety-" });
  Deno.mkdirSync(join(dir, "chunks"));
  Deno.writeTextFileSync(join(dir, "chunks", "old.txt"), "old\n");
  Deno.writeTextFileSync(join(dir, "groups"), "old file\n");
  const run = await runNoctra(
    [
      "-c",
      "EXPORT (SELECT range AS x FROM range(100000)) TO 'chunks' FORMAT CSV OPTIONS (file_size_bytes = 20000) OVERWRITE",
      "-c",
      "EXPORT (SELECT range AS x FROM range(1000)) TO 'groups' FORMAT PARQUET OPTIONS (row_group_size = 100, row_groups_per_file = 2) OVERWRITE",
    ],
    { cwd: dir, stateHome: dir },
  );
  strictEqual(run.code, 0, run.stderr);
  const chunks = Object.keys(bytesUnder(join(dir, "chunks")));
  ok(chunks.length > 1 && chunks.every((name) => /^data_\d+\.csv$/.test(name)), chunks.join());
  ok(Deno.statSync(join(dir, "groups")).isDirectory);
  deepStrictEqual(leftovers(dir, ["chunks", "groups"]), []);
});

/** Pid of a process that has ended (a finished `true`). */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

Deno.test("the next EXPORT to a target restores the old copy a killed export left aside and deletes stale siblings; a live export's siblings stay", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-safety-" });
  const setup = await runNoctra(["-c", partitionedExport("old")], { cwd: dir, stateHome: dir });
  strictEqual(setup.code, 0, setup.stderr);
  const dead = await deadPid();
  // A live export of the same target in another process: it holds its lock file (this test
  // process plays that part).
  const liveId = `${Deno.pid}-fedcba98`;
  const liveLock = Deno.openSync(join(dir, `.parts.noctra-lock-${liveId}`), {
    write: true,
    createNew: true,
  });
  liveLock.lockSync(true);
  try {
    // As a SIGKILL between the two renames would leave it: the old target aside, the new output
    // beside it, no target, and the killed export's lock file (no longer locked).
    Deno.renameSync(join(dir, "parts"), join(dir, `.parts.noctra-aside-${dead}-0123abcd`));
    Deno.writeTextFileSync(join(dir, `.parts.noctra-lock-${dead}-0123abcd`), "");
    Deno.mkdirSync(join(dir, `.parts.noctra-export-${dead}-4567cdef`, "p=1"), { recursive: true });
    Deno.writeTextFileSync(join(dir, `tmp_.parts.noctra-export-${dead}-89abcdef`), "partial");
    Deno.mkdirSync(join(dir, `.parts.noctra-export-${liveId}`));
    const live = [`.parts.noctra-export-${liveId}`, `.parts.noctra-lock-${liveId}`];
    // With the permissions of `deno task start` (no --allow-run, no /proc).
    const refused = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-ffi",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        `${ROOT}main.ts`,
        "-c",
        partitionedExport("v1").replace(" OVERWRITE", ""),
      ],
      cwd: dir,
      stdout: "null",
      stderr: "piped",
      stdin: "null",
      env: { NO_COLOR: "1", XDG_STATE_HOME: dir },
    }).output().then((output) => ({
      code: output.code,
      stderr: new TextDecoder().decode(output.stderr),
    }));
    strictEqual(refused.code, 1, refused.stderr);
    match(refused.stderr, /EXPORT TO 'parts': the target already exists/);
    strictEqual(partitionedContent(join(dir, "parts")), expectedPartitioned("old"));
    deepStrictEqual(leftovers(dir, ["parts"]), live);
    // A stale aside copy beside a whole target is deleted; the target stays.
    Deno.mkdirSync(join(dir, `.parts.noctra-aside-${dead}-00000000`));
    const replaced = await runNoctra(["-c", partitionedExport("v2")], { cwd: dir, stateHome: dir });
    strictEqual(replaced.code, 0, replaced.stderr);
    strictEqual(partitionedContent(join(dir, "parts")), expectedPartitioned("v2"));
    deepStrictEqual(leftovers(dir, ["parts"]), live);
  } finally {
    liveLock.close();
  }
  // Once that export has ended (its lock released), the next export removes what it left.
  const after = await runNoctra(["-c", partitionedExport("v3")], { cwd: dir, stateHome: dir });
  strictEqual(after.code, 0, after.stderr);
  deepStrictEqual(leftovers(dir, ["parts"]), []);
});

Deno.test("after SIGKILL at any moment of a partitioned EXPORT, the next export to the target finds the old or the new directory whole and no leftovers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-export-safety-" });
  const target = join(dir, "parts");
  const setup = await runNoctra(["-c", partitionedExport("old")], { cwd: dir, stateHome: dir });
  strictEqual(setup.code, 0, setup.stderr);
  let previous = "old";
  const runs: { moment: Moment; delay: number }[] = [
    { moment: "output", delay: 20 },
    { moment: "swap", delay: 0 },
    { moment: "swap", delay: 2 },
    { moment: "swap", delay: 5 },
  ];
  for (const [index, { moment, delay }] of runs.entries()) {
    const version = `v${index + 1}`;
    const killed = await interruptedExport(
      dir,
      "parts",
      partitionedExport(version),
      "SIGKILL",
      moment,
      delay,
    );
    // The next export to the target (refused: it exists) cleans up first.
    const next = await runNoctra(
      ["-c", partitionedExport("never").replace(" OVERWRITE", "")],
      { cwd: dir, stateHome: dir },
    );
    strictEqual(next.code, 1, next.stderr);
    const content = partitionedContent(target);
    const fresh = content === expectedPartitioned(version);
    const where = `run ${index + 1} (SIGKILL ${delay} ms after the ${moment}, exit ${killed.code})`;
    ok(
      fresh || content === expectedPartitioned(previous),
      `${where}: the target holds ${
        describeContent(content)
      }, neither ${previous} nor ${version} whole`,
    );
    deepStrictEqual(leftovers(dir, ["parts"]), [], `${where}: leftovers`);
    if (fresh) previous = version;
  }
});
