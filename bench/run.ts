/**
 * Noctra vs raw `@duckdb/node-api`: wall time and peak memory, each side a fresh process.
 *
 * Usage: `deno task bench [--reps N] [--only NAME[,NAME…]] [--no-write]`
 * (that is `deno run --allow-all bench/run.ts …`).
 *
 * - `--reps N`: timed runs per side (default 5) for `csv_10m`; the short scenarios,
 *   `aggregate_csv` and `startup`, run `2 × N` (default 10) because a single run is noisy.
 * - `--only NAME`: run only these scenarios (repeatable or comma-separated):
 *   `csv_10m`, `aggregate_csv`, `startup`.
 * - `--no-write`: print only; leave `docs/BENCHMARKS.md` alone.
 *
 * Method. Noctra is spawned as a user runs it, `deno run --allow-all main.ts …`, and each
 * baseline as `deno run --allow-all bench/raw_duckdb.ts MODE SQL`, both with this process's Deno
 * (`Deno.execPath()`) and the project root as working directory. Every scenario first runs one
 * discarded warm-up of each side (disk cache, Deno's module cache), then alternates the sides
 * for the timed runs and reports medians and the ratio Noctra / baseline. Stdout is always a
 * pipe that this process drains, counting bytes and newlines and discarding the data, so
 * output costs what writing into a fast reader costs. Times include process start-up. Peak RSS
 * is measured per run by `bench/_measure.ts` (GNU time's `ru_maxrss`, else `/proc` `VmHWM`
 * polling). MB means 10^6 bytes.
 *
 * Every child gets a fresh, empty `XDG_STATE_HOME` and `XDG_CONFIG_HOME`, so Noctra starts as a
 * new user would: no config file, no saved sources to restore. (A user's own
 * `~/.local/state/noctra/sources.toml` is restored on every start and would make the figures
 * depend on whatever that user registered.)
 *
 * Every run's output is checked against the baseline (line and byte counts for the CSV, the
 * rows of the table for the others). Missing a target is reported, not an error: the exit code
 * is 1 only when a run failed or outputs disagree, and 2 for bad flags.
 *
 * At the end the results replace the section between `<!-- bench:issue2:start -->` and
 * `<!-- bench:issue2:end -->` in `docs/BENCHMARKS.md` (created with an introduction if
 * missing); the rest of the file is left as it is.
 *
 * Longer than the project's ~500-line guideline: it is due to be split along its ideas (one
 * module per idea) in the architecture work.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { ensureBenchData } from "./fetch_data.ts";
import {
  type CpuSnapshot,
  cpuSnapshot,
  median,
  replaceSection,
  type RssMethod,
  rssMethod,
  runMeasured,
  type RunResult,
  shellQuote,
  type StdoutMode,
  textTable,
} from "./_measure.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DOC_PATH = fileURLToPath(new URL("../docs/BENCHMARKS.md", import.meta.url));
const START_MARKER = "<!-- bench:issue2:start -->";
const END_MARKER = "<!-- bench:issue2:end -->";
const DENO = Deno.execPath();
const DEFAULT_REPS = 5;

const CSV_10M_SQL = "SELECT i AS id, i * 2 AS doubled, 'row-' || i AS label, i % 7 = 0 AS lucky " +
  "FROM range(10000000) t(i)";
const CSV_10M_LINES = 10_000_001;
const AGGREGATE_SQL = "SELECT origin, count(*) AS flights, avg(delay) AS avg_delay " +
  "FROM 'bench/data/flights-3m.csv' GROUP BY origin ORDER BY flights DESC LIMIT 10";

/** One side of a scenario: the arguments after `deno`. */
interface Side {
  readonly args: readonly string[];
}

/** A comparison of Noctra against a baseline. */
interface Scenario {
  readonly name: string;
  readonly summary: string;
  readonly noctra: Side;
  readonly baseline: Side;
  readonly baselineLabel: string;
  readonly stdout: StdoutMode;
  /** Noctra's median time may be at most this multiple of the baseline's. */
  readonly maxRatio: number;
  /** Noctra's peak RSS (largest over the timed runs) may be at most this many MB, if set. */
  readonly maxRssMB?: number;
  /** Timed runs per side. */
  readonly reps: number;
  /** Problems with one pair of outputs (empty when they agree). */
  check(noctra: RunResult, baseline: RunResult): string[];
}

/** What a scenario measured. */
interface Outcome {
  readonly scenario: Scenario;
  readonly noctraRuns: readonly RunResult[];
  readonly baselineRuns: readonly RunResult[];
  /** Output disagreements or failed runs; empty when every run was fine. */
  readonly problems: readonly string[];
}

function noctraArgs(...args: string[]): Side {
  return { args: ["run", "--allow-all", "main.ts", ...args] };
}

function rawArgs(...args: string[]): Side {
  return { args: ["run", "--allow-all", "bench/raw_duckdb.ts", ...args] };
}

/** Rows of a Noctra box table: the lines between the header rule and the closing rule. */
function tableBodyRows(text: string): string[][] {
  const rows: string[][] = [];
  let inBody = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("├")) {
      if (inBody) break;
      inBody = true;
    } else if (line.startsWith("└")) {
      break;
    } else if (inBody && line.startsWith("│")) {
      rows.push(line.split("│").slice(1, -1).map((cell) => cell.trim()));
    }
  }
  return rows;
}

/** Data rows of the baseline's `query` output (tab-separated, first line is the header). */
function rawRows(text: string): string[][] {
  return text.split("\n").slice(1).filter((line) => line !== "").map((line) => line.split("\t"));
}

/** Cells agree when equal as text, or as numbers within a relative 1e-12 (float printing). */
function sameCell(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (a === "" || b === "" || !Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y));
}

/** Compares Noctra's table rows with the baseline's rows. */
function checkTableAgainstRaw(noctra: RunResult, baseline: RunResult): string[] {
  const mine = tableBodyRows(noctra.stdoutText ?? "");
  const theirs = rawRows(baseline.stdoutText ?? "");
  if (theirs.length === 0) return ["baseline printed no rows"];
  if (mine.length !== theirs.length) {
    return [`Noctra shows ${mine.length} rows, baseline ${theirs.length}`];
  }
  for (let row = 0; row < theirs.length; row++) {
    const a = mine[row]!;
    const b = theirs[row]!;
    if (a.length !== b.length || a.some((cell, column) => !sameCell(cell, b[column] ?? ""))) {
      return [`row ${row + 1} differs: Noctra ${JSON.stringify(a)}, baseline ${JSON.stringify(b)}`];
    }
  }
  return [];
}

function buildScenarios(reps: number): Scenario[] {
  return [
    {
      name: "csv_10m",
      summary: "10,000,000 generated rows written as CSV to stdout",
      noctra: noctraArgs("--format", "csv", "-c", CSV_10M_SQL),
      baseline: rawArgs("copy-csv", CSV_10M_SQL),
      baselineLabel: "DuckDB `COPY (…) TO '/dev/stdout' (FORMAT csv, HEADER)`",
      stdout: "count",
      maxRatio: 1.0,
      maxRssMB: 250,
      reps,
      check(noctra, baseline) {
        const problems: string[] = [];
        if (noctra.stdoutLines !== CSV_10M_LINES) {
          problems.push(`Noctra wrote ${noctra.stdoutLines} lines, expected ${CSV_10M_LINES}`);
        }
        if (baseline.stdoutLines !== CSV_10M_LINES) {
          problems.push(`baseline wrote ${baseline.stdoutLines} lines, expected ${CSV_10M_LINES}`);
        }
        if (noctra.stdoutBytes !== baseline.stdoutBytes) {
          problems.push(
            `bytes differ: Noctra ${noctra.stdoutBytes}, baseline ${baseline.stdoutBytes}`,
          );
        }
        if (noctra.firstLine !== baseline.firstLine) {
          problems.push(`headers differ: ${noctra.firstLine} vs ${baseline.firstLine}`);
        }
        return problems;
      },
    },
    {
      name: "aggregate_csv",
      summary: "GROUP BY over bench/data/flights-3m.csv (3M rows), top 10",
      noctra: noctraArgs("-c", AGGREGATE_SQL),
      baseline: rawArgs("query", AGGREGATE_SQL),
      baselineLabel: "`runAndReadAll` + print rows",
      stdout: "capture",
      maxRatio: 1.10,
      reps: reps * 2,
      check: checkTableAgainstRaw,
    },
    {
      name: "startup",
      summary: "`SELECT 1`: process start, DuckDB instance, one tiny query",
      noctra: noctraArgs("-c", "SELECT 1"),
      baseline: rawArgs("query", "SELECT 1"),
      baselineLabel: "import, in-memory instance, connect, `SELECT 1`, print",
      stdout: "capture",
      maxRatio: 1.3,
      reps: reps * 2,
      check: checkTableAgainstRaw,
    },
  ];
}

function ms(value: number): string {
  return `${Math.round(value).toLocaleString("en-US")} ms`;
}

function mb(kib: number | null): string {
  return kib === null ? "n/a" : `${(kib * 1024 / 1e6).toFixed(1)} MB`;
}

function maxRss(runs: readonly RunResult[]): number | null {
  const values = runs.map((run) => run.peakRssKiB).filter((value) => value !== null);
  return values.length === 0 ? null : Math.max(...values);
}

function displayCommand(side: Side): string {
  return ["deno", ...side.args].map(shellQuote).join(" ");
}

function runFailure(label: string, run: RunResult): string | null {
  if (run.exitCode === 0) return null;
  const stderr = run.stderr.trim().split("\n").slice(0, 3).join(" | ");
  return `${label} exited with ${run.exitCode}: ${stderr}`;
}

function logRun(scenario: string, side: string, rep: string, run: RunResult): void {
  if (run.cpuSeconds === null) childCpuKnown = false;
  else childCpuSeconds += run.cpuSeconds;
  console.log(
    `  ${scenario.padEnd(14)} ${side.padEnd(9)} ${rep.padEnd(8)} ${
      ms(run.wallMs).padStart(10)
    }  peak RSS ${mb(run.peakRssKiB).padStart(9)}`,
  );
}

/**
 * Runs `body` with an environment that points `XDG_STATE_HOME` and `XDG_CONFIG_HOME` at new,
 * empty directories, removed afterwards.
 */
async function withFreshProfile<T>(body: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const home = await Deno.makeTempDir({ prefix: "noctra-bench-profile-" });
  try {
    await Deno.mkdir(`${home}/state`);
    await Deno.mkdir(`${home}/config`);
    return await body({ XDG_STATE_HOME: `${home}/state`, XDG_CONFIG_HOME: `${home}/config` });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function runScenario(scenario: Scenario): Promise<Outcome> {
  console.log(`\n${scenario.name}: ${scenario.summary}`);
  console.log(`  noctra:   ${displayCommand(scenario.noctra)}`);
  console.log(`  baseline: ${displayCommand(scenario.baseline)}`);
  const problems = new Set<string>();
  const measure = (side: Side) =>
    withFreshProfile((env) =>
      runMeasured({ command: DENO, args: side.args, cwd: ROOT, stdout: scenario.stdout, env })
    );
  const checkPair = (noctra: RunResult, baseline: RunResult) => {
    const failures = [runFailure("Noctra", noctra), runFailure("baseline", baseline)]
      .filter((failure) => failure !== null);
    for (const problem of failures.length > 0 ? failures : scenario.check(noctra, baseline)) {
      if (!problems.has(problem)) console.log(`  ! ${problem}`);
      problems.add(problem);
    }
  };

  const warmNoctra = await measure(scenario.noctra);
  logRun(scenario.name, "noctra", "warm-up", warmNoctra);
  const warmBaseline = await measure(scenario.baseline);
  logRun(scenario.name, "baseline", "warm-up", warmBaseline);
  checkPair(warmNoctra, warmBaseline);

  const noctraRuns: RunResult[] = [];
  const baselineRuns: RunResult[] = [];
  for (let rep = 1; rep <= scenario.reps; rep++) {
    const label = `${rep}/${scenario.reps}`;
    // Alternate which side goes first so drift (thermal, cache) does not favour one side.
    const order = rep % 2 === 1 ? ["noctra", "baseline"] as const : ["baseline", "noctra"] as const;
    const pair: Partial<Record<"noctra" | "baseline", RunResult>> = {};
    for (const side of order) {
      const run = await measure(side === "noctra" ? scenario.noctra : scenario.baseline);
      logRun(scenario.name, side, label, run);
      pair[side] = run;
    }
    noctraRuns.push(pair.noctra!);
    baselineRuns.push(pair.baseline!);
    checkPair(pair.noctra!, pair.baseline!);
  }
  return { scenario, noctraRuns, baselineRuns, problems: [...problems] };
}

/** Figures derived from an outcome, shared by the console table and the document. */
interface Summary {
  readonly noctraMedian: number;
  readonly baselineMedian: number;
  readonly ratio: number;
  readonly timePass: boolean;
  readonly noctraRss: number | null;
  readonly baselineRss: number | null;
  readonly rssPass: boolean | null;
  readonly outputsAgree: boolean;
}

function summarize(outcome: Outcome): Summary {
  const noctraMedian = median(outcome.noctraRuns.map((run) => run.wallMs));
  const baselineMedian = median(outcome.baselineRuns.map((run) => run.wallMs));
  const ratio = noctraMedian / baselineMedian;
  const noctraRss = maxRss(outcome.noctraRuns);
  const limit = outcome.scenario.maxRssMB;
  return {
    noctraMedian,
    baselineMedian,
    ratio,
    timePass: ratio <= outcome.scenario.maxRatio,
    noctraRss,
    baselineRss: maxRss(outcome.baselineRuns),
    rssPass: limit === undefined || noctraRss === null ? null : noctraRss * 1024 / 1e6 <= limit,
    outputsAgree: outcome.problems.length === 0,
  };
}

function verdict(pass: boolean | null): string {
  return pass === null ? "n/a" : pass ? "pass" : "FAIL";
}

function spread(runs: readonly RunResult[]): string {
  const times = runs.map((run) => run.wallMs);
  return `${ms(Math.min(...times))} – ${ms(Math.max(...times))}`;
}

/** Facts about this machine and toolchain, for the record. */
interface Machine {
  readonly nproc: string;
  readonly memory: string;
  readonly cpu: string;
  readonly os: string;
  readonly deno: string;
  readonly duckdb: string;
  readonly date: string;
  readonly rss: RssMethod;
  /** The code measured: commit and any uncommitted changes to Noctra's code. */
  readonly code: string;
}

/**
 * The commit checked out and the Noctra files that differ from it (read-only git commands;
 * `--no-optional-locks` keeps `git status` from refreshing the index).
 */
async function codeVersion(): Promise<string> {
  const commit = await commandText("git", ["rev-parse", "--short", "HEAD"]);
  if (commit === null) return "unknown (not a git checkout)";
  const status = await commandText("git", [
    "--no-optional-locks",
    "status",
    "--porcelain",
    "--",
    "main.ts",
    "mod.ts",
    "src",
    "deno.json",
    "deno.lock",
  ]);
  // Porcelain lines are "XY path"; the output was trimmed, so the first may have lost a space.
  const changed = (status ?? "").split("\n").map((line) => /^\s*\S{1,2}\s+(.+)$/.exec(line)?.[1])
    .filter((path) => path !== undefined);
  return changed.length === 0
    ? `commit ${commit}`
    : `commit ${commit} with uncommitted changes in ${changed.map((p) => `\`${p}\``).join(", ")}`;
}

/**
 * Other processes above this share of the machine's CPU time (0..1) make the figures noisy:
 * a busy CPU slows DuckDB's parallel work more than single-threaded JS.
 */
const BUSY_SHARE = 0.10;

/** CPU seconds used by the bench's child processes (GNU time's user + system), all runs. */
let childCpuSeconds = 0;
/** Whether every child's CPU time was known (false without GNU time). */
let childCpuKnown = true;

/**
 * Share (0..1) of the machine's CPU time that processes other than this one and its children
 * used between two snapshots `wallSeconds` apart; null if unknown.
 */
function otherShare(
  from: CpuSnapshot | null,
  to: CpuSnapshot | null,
  children: number,
  wallSeconds: number,
): number | null {
  if (from === null || to === null || wallSeconds <= 0) return null;
  const other = (to.busy - from.busy) - (to.self - from.self) - children;
  return Math.max(0, other) / (wallSeconds * navigator.hardwareConcurrency);
}

function percent(share: number | null): string {
  return share === null ? "n/a" : `${(share * 100).toFixed(0)}%`;
}

/** Other processes' CPU share before and during the run; see {@link otherShare}. */
interface Interference {
  readonly before: number | null;
  readonly during: number | null;
}

async function commandText(command: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(command, {
      args,
      cwd: ROOT,
      stdout: "piped",
      stderr: "null",
    })
      .output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

async function machineFacts(): Promise<Machine> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const versions = await commandText(DENO, [
    "run",
    "--allow-all",
    "bench/raw_duckdb.ts",
    "version",
  ]);
  const [duckdb, nodeApi] = (versions ?? "unknown\tunknown").split("\t");
  return {
    nproc: (await commandText("nproc", [])) ?? String(navigator.hardwareConcurrency),
    memory: `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(1)} GiB`,
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    duckdb: `${duckdb} (@duckdb/node-api ${nodeApi})`,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    rss: await rssMethod(),
    code: await codeVersion(),
  };
}

function busy(interference: Interference): boolean {
  return (interference.before ?? 0) > BUSY_SHARE || (interference.during ?? 0) > BUSY_SHARE;
}

function rssMethodText(method: RssMethod): string {
  switch (method) {
    case "gnu-time":
      return "GNU time `%M` (the kernel's `ru_maxrss` for the child)";
    case "proc-vmhwm":
      return "`/proc/<pid>/status` `VmHWM`, polled every 20 ms";
    case "none":
      return "not available on this machine";
  }
}

function consoleSummary(outcomes: readonly Outcome[]): string {
  const rows: string[][] = [];
  for (const outcome of outcomes) {
    const s = summarize(outcome);
    rows.push([
      outcome.scenario.name,
      ms(s.noctraMedian),
      ms(s.baselineMedian),
      `${s.ratio.toFixed(2)}×`,
      `≤ ${outcome.scenario.maxRatio.toFixed(2)}×`,
      verdict(s.timePass),
      mb(s.noctraRss),
      mb(s.baselineRss),
      outcome.scenario.maxRssMB === undefined ? "" : `≤ ${outcome.scenario.maxRssMB} MB`,
      outcome.scenario.maxRssMB === undefined ? "" : verdict(s.rssPass),
      s.outputsAgree ? "agree" : "DIFFER",
    ]);
  }
  return textTable(
    [
      "scenario",
      "noctra",
      "baseline",
      "ratio",
      "target",
      "time",
      "noctra RSS",
      "baseline RSS",
      "RSS target",
      "RSS",
      "outputs",
    ],
    rows,
  );
}

function markdownSection(
  outcomes: readonly Outcome[],
  machine: Machine,
  argv: string,
  interference: Interference,
): string {
  const lines: string[] = [
    START_MARKER,
    "## Noctra vs raw `@duckdb/node-api` (issue 2)",
    "",
    `Command: \`${argv}\` (what \`deno task bench\` runs), started ${machine.date}.`,
    "",
    `Machine: ${machine.nproc} CPUs (\`nproc\`), ${machine.memory} RAM, ${machine.cpu}, ` +
    `${machine.os}; Deno ${machine.deno}; DuckDB ${machine.duckdb}.`,
    "",
    `Code measured: ${machine.code}.`,
    "",
    "Other processes used " + percent(interference.before) + " of the machine's CPU time in " +
    "the second before the run and " + percent(interference.during) + " during it (from " +
    "`/proc/stat`, minus the bench's own and its children's CPU time)." +
    (busy(interference)
      ? " **Other work shared the CPUs, so these figures are noisy; rerun on a quiet machine.**"
      : ""),
    "",
    "Each side is a fresh process (`deno run --allow-all main.ts …` for Noctra, " +
    "`deno run --allow-all bench/raw_duckdb.ts …` for the baseline), from the project root. " +
    "One discarded warm-up run of each side, then the timed runs alternate sides; times are " +
    "medians of wall time including process start-up. Stdout is a pipe the bench drains and " +
    "discards (counting bytes and newlines). Every child gets fresh, empty `XDG_STATE_HOME` and " +
    "`XDG_CONFIG_HOME` directories, so Noctra runs with no config file and no saved sources to " +
    "restore. Peak RSS is the largest over the timed runs, " +
    `measured with ${rssMethodText(machine.rss)}; MB = 10^6 bytes.`,
    "",
    "| Scenario | Runs per side | Noctra median | Baseline median | Ratio | Target | Result |",
    "| --- | ---: | ---: | ---: | ---: | --- | --- |",
  ];
  for (const outcome of outcomes) {
    const s = summarize(outcome);
    const result = s.outputsAgree ? verdict(s.timePass) : `${verdict(s.timePass)} (outputs differ)`;
    lines.push(
      `| \`${outcome.scenario.name}\` | ${outcome.scenario.reps} | ${ms(s.noctraMedian)} | ` +
        `${ms(s.baselineMedian)} | ${s.ratio.toFixed(2)}× | ≤ ${
          outcome.scenario.maxRatio.toFixed(2)
        }× | ${result} |`,
    );
    if (outcome.scenario.maxRssMB !== undefined) {
      lines.push(
        `| \`${outcome.scenario.name}\` peak RSS | ${outcome.scenario.reps} | ${
          mb(s.noctraRss)
        } | ${mb(s.baselineRss)} | — | ≤ ${outcome.scenario.maxRssMB} MB | ${verdict(s.rssPass)} |`,
      );
    }
  }
  lines.push("");
  for (const outcome of outcomes) {
    const s = summarize(outcome);
    const { scenario } = outcome;
    lines.push(
      `### \`${scenario.name}\``,
      "",
      `${scenario.summary}. Baseline: ${scenario.baselineLabel}.`,
      "",
      `- Noctra: \`${displayCommand(scenario.noctra)}\``,
      `- Baseline: \`${displayCommand(scenario.baseline)}\``,
      `- Noctra runs: median ${ms(s.noctraMedian)}, range ${spread(outcome.noctraRuns)}, ` +
        `peak RSS ${mb(s.noctraRss)}`,
      `- Baseline runs: median ${ms(s.baselineMedian)}, range ${spread(outcome.baselineRuns)}, ` +
        `peak RSS ${mb(s.baselineRss)}`,
      `- Outputs: ${
        s.outputsAgree ? outputAgreement(outcome) : `disagree: ${outcome.problems.join("; ")}`
      }`,
      "",
    );
  }
  lines.push(END_MARKER);
  return lines.join("\n");
}

function outputAgreement(outcome: Outcome): string {
  if (outcome.scenario.stdout === "count") {
    const run = outcome.noctraRuns[0]!;
    return `agree in every run (${run.stdoutLines.toLocaleString("en-US")} lines incl. header, ` +
      `${run.stdoutBytes.toLocaleString("en-US")} bytes, same header line)`;
  }
  return "agree in every run (same rows; floats compared to 1e-12 relative)";
}

function introduction(machine: Machine): string {
  return [
    "# Benchmarks",
    "",
    "Run them with `deno task bench` (`deno run --allow-all bench/run.ts`; flags: `--reps N`, " +
    "`--only NAME`, `--no-write`). The large input, `bench/data/flights-3m.csv` (3M rows, about " +
    "106 MB), is downloaded and converted on first use by `bench/fetch_data.ts` (see that file " +
    "for the source and licence); `bench/data/` is git-ignored. " +
    "`bench/raw_stream_breakdown.ts` is a separate experiment (not run by the task) that splits " +
    "a streamed CSV export into layers (fetching chunks, reading cells, building text, writing) " +
    "to show where time goes.",
    "",
    `This file was created on ${machine.date} on a machine with ${machine.nproc} CPUs ` +
    `(\`nproc\`), ${machine.memory} RAM, Deno ${machine.deno} and DuckDB ${machine.duckdb}. ` +
    "Each section below records the machine and command of its own run, and is rewritten " +
    "only by the program that produced it.",
    "",
  ].join("\n");
}

/** Replaces the section between the markers in `docs/BENCHMARKS.md`, creating what is missing. */
async function writeDocument(section: string, machine: Machine): Promise<void> {
  let text: string;
  try {
    text = await Deno.readTextFile(DOC_PATH);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await Deno.mkdir(fileURLToPath(new URL("../docs/", import.meta.url)), { recursive: true });
    text = introduction(machine);
  }
  text = replaceSection(text, START_MARKER, END_MARKER, section);
  await Deno.writeTextFile(DOC_PATH, text);
}

/** Parses flags, runs the chosen scenarios, prints results and records them. Returns the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        reps: { type: "string" },
        only: { type: "string", multiple: true },
        "no-write": { type: "boolean" },
      },
    }).values;
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const reps = values.reps === undefined ? DEFAULT_REPS : Number(values.reps);
  if (!Number.isSafeInteger(reps) || reps < 1) {
    console.error(`bench: --reps ${values.reps}: expected a whole number ≥ 1`);
    return 2;
  }
  let scenarios = buildScenarios(reps);
  if (values.only !== undefined) {
    const wanted = values.only.flatMap((names) => names.split(",")).map((name) => name.trim());
    const unknown = wanted.filter((name) => !scenarios.some((s) => s.name === name));
    if (unknown.length > 0) {
      console.error(
        `bench: unknown scenario ${unknown.join(", ")}; choose from ${
          scenarios.map((s) => s.name).join(", ")
        }`,
      );
      return 2;
    }
    scenarios = scenarios.filter((scenario) => wanted.includes(scenario.name));
  }

  if (scenarios.some((scenario) => scenario.name === "aggregate_csv")) await ensureBenchData();
  const machine = await machineFacts();
  console.log(
    `Noctra bench: ${machine.nproc} CPUs, ${machine.memory}, Deno ${machine.deno}, ` +
      `DuckDB ${machine.duckdb}, peak RSS via ${machine.rss}\ncode: ${machine.code}`,
  );

  const idleFrom = await cpuSnapshot();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const runFrom = await cpuSnapshot();
  const before = otherShare(idleFrom, runFrom, 0, 1);
  console.log(`other processes' CPU share in the last second: ${percent(before)}`);
  if (before !== null && before > BUSY_SHARE) {
    console.log("warning: other work is running; ratios will be noisy");
  }

  const started = performance.now();
  const outcomes: Outcome[] = [];
  for (const scenario of scenarios) outcomes.push(await runScenario(scenario));
  const interference: Interference = {
    before,
    during: childCpuKnown
      ? otherShare(
        runFrom,
        await cpuSnapshot(),
        childCpuSeconds,
        (performance.now() - started) / 1000,
      )
      : null,
  };

  console.log(
    `\n${consoleSummary(outcomes)}\nother processes' CPU share during the run: ${
      percent(interference.during)
    }${busy(interference) ? " (noisy: other work shared the CPUs)" : ""}`,
  );
  const commandLine = ["deno", "run", "--allow-all", "bench/run.ts", ...argv].map(shellQuote)
    .join(" ");
  if (values["no-write"]) {
    console.log("\n--no-write: docs/BENCHMARKS.md left unchanged");
  } else {
    await writeDocument(markdownSection(outcomes, machine, commandLine, interference), machine);
    console.log(`\nwrote the results to ${DOC_PATH}`);
  }
  return outcomes.every((outcome) => outcome.problems.length === 0) ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
