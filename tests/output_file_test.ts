/**
 * End-to-end tests of `-o FILE`: the results replace FILE only when every statement succeeded.
 * A failed statement (before any row or in the middle of a result), a write error, SIGTERM or
 * SIGINT leave FILE byte-for-byte as it was and no temporary file beside it; leftovers of a run
 * killed outright are swept by the next run for the same FILE.
 */
import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { ROOT, runNoctra } from "./_cli.ts";

/** Bytes no output of these tests reproduces, with a line break of each kind and no newline at the end. */
const OLD_BYTES = new TextEncoder().encode("previous results\r\nkeep me\n\u00e9\u0000");

/** A directory holding `out.csv` with {@link OLD_BYTES}; returns the directory and the file. */
async function directoryWithOldFile(): Promise<{ dir: string; target: string }> {
  const dir = await Deno.makeTempDir({ prefix: "noctra-output-" });
  const target = `${dir}/out.csv`;
  await Deno.writeFile(target, OLD_BYTES);
  return { dir, target };
}

/** Names in `dir`, sorted. */
function namesIn(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();
}

/** A query that runs for minutes: a billion-row cross join with real work per row. */
const LONG_QUERY = "SELECT sum(a.range * b.range) AS s FROM range(1000000) a, range(1000000) b";

/** Starts `deno run -A main.ts …args` without waiting for it (the caller signals and awaits it). */
function spawnNoctra(args: readonly string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}main.ts`, "--no-restore", ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
}

/** Waits until `dir` holds a name other than `except` (the run's temporary file) and returns it. */
async function waitForTemporary(dir: string, except: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const extra = namesIn(dir).find((name) => name !== except);
    if (extra !== undefined) return extra;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no temporary file appeared in ${dir}`);
}

Deno.test("-o replaces the file when every statement succeeds, keeping its mode", async () => {
  const { dir, target } = await directoryWithOldFile();
  await Deno.chmod(target, 0o640);
  const run = await runNoctra([
    "--format",
    "csv",
    "-o",
    target,
    "-c",
    "SELECT 1 AS a",
    "-c",
    "SELECT 'two' AS b",
  ]);
  deepStrictEqual(run, { code: 0, stdout: "", stderr: "" });
  strictEqual(await Deno.readTextFile(target), "a\n1\nb\ntwo\n");
  strictEqual((await Deno.stat(target)).mode! & 0o777, 0o640);
  deepStrictEqual(namesIn(dir), ["out.csv"]);
});

Deno.test("-o creates the file when it does not exist yet", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-output-" });
  const run = await runNoctra([
    "--format",
    "jsonl",
    "-o",
    `${dir}/new.jsonl`,
    "-c",
    "SELECT 1 AS a",
  ]);
  deepStrictEqual(run, { code: 0, stdout: "", stderr: "" });
  strictEqual(await Deno.readTextFile(`${dir}/new.jsonl`), '{"a":1}\n');
  deepStrictEqual(namesIn(dir), ["new.jsonl"]);
});

Deno.test("-o through a symbolic link replaces the linked file and keeps the link", async () => {
  const { dir, target } = await directoryWithOldFile();
  await Deno.symlink(target, `${dir}/link.csv`);
  const run = await runNoctra(["--format", "csv", "-o", `${dir}/link.csv`, "-c", "SELECT 1 AS a"]);
  deepStrictEqual(run, { code: 0, stdout: "", stderr: "" });
  strictEqual((await Deno.lstat(`${dir}/link.csv`)).isSymlink, true);
  strictEqual(await Deno.readTextFile(target), "a\n1\n");
  deepStrictEqual(namesIn(dir), ["link.csv", "out.csv"]);
});

Deno.test("-o keeps the old file when a later statement fails before any row", async () => {
  const { dir, target } = await directoryWithOldFile();
  const run = await runNoctra([
    "--format",
    "csv",
    "-o",
    target,
    "-c",
    "SELECT 1 AS a; SELECT * FROM no_such_table; SELECT 3 AS c",
  ]);
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "");
  match(run.stderr, /^noctra: error: -c:1: Catalog Error: Table with name no_such_table/);
  strictEqual(run.stderr.split("\n").length, 2, "one line");
  deepStrictEqual(await Deno.readFile(target), OLD_BYTES);
  deepStrictEqual(namesIn(dir), ["out.csv"]);
});

Deno.test("-o keeps the old file when a statement fails with --continue-on-error", async () => {
  const { dir, target } = await directoryWithOldFile();
  const run = await runNoctra([
    "--format",
    "csv",
    "--continue-on-error",
    "-o",
    target,
    "-c",
    "SELECT 1 AS a; SELEC 2; SELECT 3 AS c",
  ]);
  strictEqual(run.code, 1);
  deepStrictEqual(await Deno.readFile(target), OLD_BYTES);
  deepStrictEqual(namesIn(dir), ["out.csv"]);
});

Deno.test("-o keeps the old file when a missing -f script or a bad --var stops the run", async () => {
  const { dir, target } = await directoryWithOldFile();
  const missing = await runNoctra(["-o", target, "-f", `${dir}/no-such.sql`]);
  strictEqual(missing.code, 2);
  const badVariable = await runNoctra(["-o", target, "--var", "x:NOT_A_TYPE=1", "-c", "SELECT 1"]);
  strictEqual(badVariable.code, 2);
  match(badVariable.stderr, /^noctra: error: --var x:NOT_A_TYPE=1: /);
  deepStrictEqual(await Deno.readFile(target), OLD_BYTES);
  deepStrictEqual(namesIn(dir), ["out.csv"]);
});

for (const format of ["csv", "jsonl", "table"]) {
  Deno.test(`-o keeps the old file when a ${format} result fails mid-stream`, async () => {
    const { dir, target } = await directoryWithOldFile();
    const run = await runNoctra([
      "--format",
      format,
      "-o",
      target,
      "-c",
      "SELECT CASE WHEN range < 250000 THEN range ELSE error('boom') END AS x FROM range(300000)",
    ]);
    strictEqual(run.stdout, "");
    strictEqual(run.stderr, "noctra: error: -c:1: Invalid Input Error: boom\n");
    strictEqual(run.code, 1);
    deepStrictEqual(await Deno.readFile(target), OLD_BYTES);
    deepStrictEqual(namesIn(dir), ["out.csv"]);
  });
}

Deno.test("-o keeps the old file when writing fails (file size limit reached)", async () => {
  const { dir, target } = await directoryWithOldFile();
  // RLIMIT_FSIZE of 64 KiB with SIGXFSZ ignored: a write past it fails with EFBIG, as a full
  // disk fails with ENOSPC.
  const run = await new Deno.Command("bash", {
    args: [
      "-c",
      `trap '' XFSZ; ulimit -f 64; exec "$0" run --allow-all "$1" --no-restore --format csv ` +
      `-o "$2" -c "SELECT range AS n FROM range(1000000)"`,
      Deno.execPath(),
      `${ROOT}main.ts`,
      target,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(run.stderr);
  strictEqual(run.code, 1, stderr);
  match(stderr, /^noctra: error: (-c:1: )?-o .*out\.csv: cannot write \(File too large/);
  strictEqual(stderr.split("\n").length, 2, "one line");
  deepStrictEqual(await Deno.readFile(target), OLD_BYTES);
  deepStrictEqual(namesIn(dir), ["out.csv"]);
});

for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  Deno.test(`${signal} during a long query keeps the old file and removes the temporary`, async () => {
    const { dir, target } = await directoryWithOldFile();
    // --continue-on-error: the statements after the interrupted one must not run either.
    const child = spawnNoctra([
      "--format",
      "csv",
      "--continue-on-error",
      "-o",
      target,
      "-c",
      `${LONG_QUERY}; ${LONG_QUERY}`,
      "-c",
      "SELECT 2 AS b",
    ]);
    const temporary = await waitForTemporary(dir, "out.csv");
    match(temporary, /^\.out\.csv\.\d+\.tmp$/);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the query is running now
    child.kill(signal);
    const started = performance.now();
    const output = await child.output();
    strictEqual(output.code, code, new TextDecoder().decode(output.stderr));
    strictEqual(new TextDecoder().decode(output.stderr), "", "an interrupted run reports nothing");
    strictEqual(performance.now() - started < 2_500, true, "the query is interrupted, not awaited");
    deepStrictEqual(await Deno.readFile(target), OLD_BYTES);
    deepStrictEqual(namesIn(dir), ["out.csv"]);
  });
}

Deno.test("a temporary file left by a SIGKILLed run is swept by the next run", async () => {
  const { dir, target } = await directoryWithOldFile();
  const child = spawnNoctra(["--format", "csv", "-o", target, "-c", LONG_QUERY]);
  const temporary = await waitForTemporary(dir, "out.csv");
  child.kill("SIGKILL");
  await child.output();
  deepStrictEqual(namesIn(dir), [temporary, "out.csv"].sort(), "SIGKILL leaves the temporary");
  deepStrictEqual(await Deno.readFile(target), OLD_BYTES);

  const run = await runNoctra(["--format", "csv", "-o", target, "-c", "SELECT 1 AS a"]);
  deepStrictEqual(run, { code: 0, stdout: "", stderr: "" });
  strictEqual(await Deno.readTextFile(target), "a\n1\n");
  deepStrictEqual(namesIn(dir), ["out.csv"]);
});

Deno.test("only Noctra's stale temporaries of the same file are swept", async () => {
  const { dir, target } = await directoryWithOldFile();
  // A pid that no process has any more: a child that already exited.
  const exited = new Deno.Command("true").spawn();
  await exited.status;
  const deadPid = exited.pid;
  const kept = [
    `.out.csv.${Deno.pid}.tmp`, // a live process (this test) owns it
    `.out.csv.${deadPid}.tmp.bak`, // not the naming pattern
    `.out.csv.x${deadPid}.tmp`,
    `.other.csv.${deadPid}.tmp`, // another target's
    `out.csv.${deadPid}.tmp`,
  ];
  for (const name of kept) await Deno.writeTextFile(`${dir}/${name}`, "not swept");
  await Deno.writeTextFile(`${dir}/.out.csv.${deadPid}.tmp`, "stale");
  await Deno.mkdir(`${dir}/.out.csv.1.tmp`); // a directory is never removed

  const run = await runNoctra(["--format", "csv", "-o", target, "-c", "SELECT 1 AS a"]);
  deepStrictEqual(run, { code: 0, stdout: "", stderr: "" });
  deepStrictEqual(namesIn(dir), [...kept, ".out.csv.1.tmp", "out.csv"].sort());
  for (const name of kept) strictEqual(await Deno.readTextFile(`${dir}/${name}`), "not swept");
});

Deno.test("-o naming a directory is a usage error: exit 2, one line naming -o and the path", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-output-" });
  await Deno.mkdir(`${dir}/results`);
  await Deno.symlink(`${dir}/results`, `${dir}/link`);
  for (const path of [`${dir}/results`, `${dir}/link`]) {
    const run = await runNoctra(["--format", "csv", "-o", path, "-c", "SELECT 1 AS a"]);
    deepStrictEqual(run, {
      code: 2,
      stdout: "",
      stderr: `noctra: error: -o ${path}: is a directory; name a file to write results to\n`,
    });
  }
  deepStrictEqual(namesIn(dir), ["link", "results"]);
  deepStrictEqual(namesIn(`${dir}/results`), []);
});

Deno.test("-o in a directory that does not exist is a usage error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-output-" });
  const run = await runNoctra(["-o", `${dir}/missing/out.csv`, "-c", "SELECT 1"]);
  strictEqual(run.code, 2);
  strictEqual(
    run.stderr,
    `noctra: error: -o ${dir}/missing/out.csv: cannot write there (no such directory: ${dir}/missing)\n`,
  );
});
