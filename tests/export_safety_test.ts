/**
 * EXPORT never loses what a user had: an interrupted or failed export (SIGTERM/SIGINT at any
 * moment, SIGKILL, a query that fails mid-stream) leaves the previous target whole or the new one
 * whole, never a mix or nothing; leftovers of a killed run are cleaned up or restored by the next
 * export to the same target; OPTIONS cannot write outside the target.
 *
 * Every case spawns `main.ts` like a user, on real files in a temporary directory.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
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
