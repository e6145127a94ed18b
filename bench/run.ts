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
 * is measured per run by `bench/harness/measure.ts` (GNU time's `ru_maxrss`, else `/proc`
 * `VmHWM` polling). MB means 10^6 bytes.
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
 * @module
 */
import { ensureBenchData } from "./fetch_data.ts";
import {
  type BenchSetting,
  boxTableRows,
  chosen,
  DENO,
  displayCommand,
  firstDifferentRow,
  formatKiBAsMB,
  formatWholeMs,
  type Interference,
  interferenceIsBusy,
  InterferenceMeter,
  largestPeakRssKiB,
  machineText,
  median,
  parseBenchFlags,
  percentText,
  ProblemLog,
  rangeText,
  ratioText,
  rawDuckdbArgs,
  readBenchSetting,
  recordSection,
  REPO_ROOT,
  type Round,
  rssMethodDescription,
  runFailureText,
  runMeasured,
  type RunResult,
  runRounds,
  scenarioDetailLines,
  type StdoutMode,
  textTable,
  tsvDataRows,
  verdict,
  withFreshProfile,
} from "./harness/mod.ts";

const START_MARKER = "<!-- bench:issue2:start -->";
const END_MARKER = "<!-- bench:issue2:end -->";
const DEFAULT_REPS = 5;
/** Floats printed by Noctra and by `String(value)` agree to this relative tolerance. */
const FLOAT_TOLERANCE = 1e-12;

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
  return { args: rawDuckdbArgs(...args) };
}

/** Compares the rows of Noctra's box table with the baseline's tab-separated rows. */
function checkTableAgainstRaw(noctra: RunResult, baseline: RunResult): string[] {
  const mine = boxTableRows(noctra.stdoutText ?? "");
  const theirs = tsvDataRows(baseline.stdoutText ?? "");
  if (theirs.length === 0) return ["baseline printed no rows"];
  if (mine.length !== theirs.length) {
    return [`Noctra shows ${mine.length} rows, baseline ${theirs.length}`];
  }
  const row = firstDifferentRow(mine, theirs, FLOAT_TOLERANCE);
  return row === -1 ? [] : [
    `row ${row + 1} differs: Noctra ${JSON.stringify(mine[row])}, baseline ${
      JSON.stringify(theirs[row])
    }`,
  ];
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

function displaySide(side: Side): string {
  return displayCommand("deno", side.args);
}

async function runScenario(scenario: Scenario, meter: InterferenceMeter): Promise<Outcome> {
  console.log(`\n${scenario.name}: ${scenario.summary}`);
  console.log(`  noctra:   ${displaySide(scenario.noctra)}`);
  console.log(`  baseline: ${displaySide(scenario.baseline)}`);
  const problems = new ProblemLog();
  const measure = (sideName: string, side: Side) => async (round: Round) => {
    const run = await withFreshProfile((env) =>
      runMeasured({ command: DENO, args: side.args, cwd: REPO_ROOT, stdout: scenario.stdout, env })
    );
    meter.countChild(run);
    console.log(
      `  ${scenario.name.padEnd(14)} ${sideName.padEnd(9)} ${round.label.padEnd(8)} ${
        formatWholeMs(run.wallMs).padStart(10)
      }  peak RSS ${formatKiBAsMB(run.peakRssKiB).padStart(9)}`,
    );
    return run;
  };
  const checkPair = ([noctra, baseline]: readonly RunResult[]) => {
    const failures = [runFailureText("Noctra", noctra!), runFailureText("baseline", baseline!)]
      .filter((failure) => failure !== null);
    problems.add(...(failures.length > 0 ? failures : scenario.check(noctra!, baseline!)));
  };
  const { timed } = await runRounds(
    [measure("noctra", scenario.noctra), measure("baseline", scenario.baseline)],
    scenario.reps,
    "alternate",
    checkPair,
  );
  const [noctraRuns = [], baselineRuns = []] = timed;
  return { scenario, noctraRuns, baselineRuns, problems: problems.list };
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
  const noctraRss = largestPeakRssKiB(outcome.noctraRuns);
  const limit = outcome.scenario.maxRssMB;
  return {
    noctraMedian,
    baselineMedian,
    ratio,
    timePass: ratio <= outcome.scenario.maxRatio,
    noctraRss,
    baselineRss: largestPeakRssKiB(outcome.baselineRuns),
    rssPass: limit === undefined || noctraRss === null ? null : noctraRss * 1024 / 1e6 <= limit,
    outputsAgree: outcome.problems.length === 0,
  };
}

function wallRange(runs: readonly RunResult[]): string {
  return rangeText(runs.map((run) => run.wallMs), formatWholeMs);
}

function consoleSummary(outcomes: readonly Outcome[]): string {
  const rows: string[][] = [];
  for (const outcome of outcomes) {
    const s = summarize(outcome);
    rows.push([
      outcome.scenario.name,
      formatWholeMs(s.noctraMedian),
      formatWholeMs(s.baselineMedian),
      ratioText(s.ratio),
      `≤ ${ratioText(outcome.scenario.maxRatio)}`,
      verdict(s.timePass),
      formatKiBAsMB(s.noctraRss),
      formatKiBAsMB(s.baselineRss),
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
  setting: BenchSetting,
  argv: string,
  interference: Interference,
): string {
  const { machine } = setting;
  const lines: string[] = [
    START_MARKER,
    "## Noctra vs raw `@duckdb/node-api` (issue 2)",
    "",
    `Command: \`${argv}\` (what \`deno task bench\` runs), started ${machine.date}.`,
    "",
    `Machine: ${machineText(machine)}; DuckDB ${setting.duckdb}.`,
    "",
    `Code measured: ${setting.code}.`,
    "",
    "Other processes used " + percentText(interference.before) + " of the machine's CPU time " +
    "in the second before the run and " + percentText(interference.during) + " during it (from " +
    "`/proc/stat`, minus the bench's own and its children's CPU time)." +
    (interferenceIsBusy(interference)
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
    `measured with ${rssMethodDescription(machine.rss)}; MB = 10^6 bytes.`,
    "",
    "| Scenario | Runs per side | Noctra median | Baseline median | Ratio | Target | Result |",
    "| --- | ---: | ---: | ---: | ---: | --- | --- |",
  ];
  for (const outcome of outcomes) {
    const s = summarize(outcome);
    const { scenario } = outcome;
    const result = s.outputsAgree ? verdict(s.timePass) : `${verdict(s.timePass)} (outputs differ)`;
    lines.push(
      `| \`${scenario.name}\` | ${scenario.reps} | ${formatWholeMs(s.noctraMedian)} | ` +
        `${formatWholeMs(s.baselineMedian)} | ${ratioText(s.ratio)} | ≤ ${
          ratioText(scenario.maxRatio)
        } | ${result} |`,
    );
    if (scenario.maxRssMB !== undefined) {
      lines.push(
        `| \`${scenario.name}\` peak RSS | ${scenario.reps} | ${formatKiBAsMB(s.noctraRss)} | ` +
          `${formatKiBAsMB(s.baselineRss)} | — | ≤ ${scenario.maxRssMB} MB | ${
            verdict(s.rssPass)
          } |`,
      );
    }
  }
  lines.push("");
  for (const outcome of outcomes) {
    const s = summarize(outcome);
    const { scenario } = outcome;
    lines.push(
      ...scenarioDetailLines(
        scenario.name,
        `${scenario.summary}. Baseline: ${scenario.baselineLabel}.`,
        [
          `Noctra: \`${displaySide(scenario.noctra)}\``,
          `Baseline: \`${displaySide(scenario.baseline)}\``,
          `Noctra runs: median ${formatWholeMs(s.noctraMedian)}, range ${
            wallRange(outcome.noctraRuns)
          }, peak RSS ${formatKiBAsMB(s.noctraRss)}`,
          `Baseline runs: median ${formatWholeMs(s.baselineMedian)}, range ${
            wallRange(outcome.baselineRuns)
          }, peak RSS ${formatKiBAsMB(s.baselineRss)}`,
          `Outputs: ${
            s.outputsAgree ? outputAgreement(outcome) : `disagree: ${outcome.problems.join("; ")}`
          }`,
        ],
      ),
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

/** The top of docs/BENCHMARKS.md when this bench creates the file. */
function introduction({ machine, duckdb }: BenchSetting): string {
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
    `(\`nproc\`), ${machine.memory} RAM, Deno ${machine.deno} and DuckDB ${duckdb}. ` +
    "Each section below records the machine and command of its own run, and is rewritten " +
    "only by the program that produced it.",
    "",
  ].join("\n");
}

/** Parses flags, runs the chosen scenarios, prints results and records them. Returns the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  const names = buildScenarios(DEFAULT_REPS).map((scenario) => scenario.name);
  const flags = parseBenchFlags(argv, { defaultReps: DEFAULT_REPS, scenarios: names });
  if (flags === null) return 2;
  const scenarios = buildScenarios(flags.reps).filter((scenario) => chosen(flags, scenario.name));

  if (scenarios.some((scenario) => scenario.name === "aggregate_csv")) await ensureBenchData();
  // The code measured: the commit and any uncommitted changes to Noctra's code.
  const setting = await readBenchSetting(["main.ts", "mod.ts", "src", "deno.json", "deno.lock"]);
  const { machine } = setting;
  console.log(
    `Noctra bench: ${machine.nproc} CPUs, ${machine.memory}, Deno ${machine.deno}, ` +
      `DuckDB ${setting.duckdb}, peak RSS via ${machine.rss}\ncode: ${setting.code}`,
  );

  const meter = await InterferenceMeter.start();
  console.log(`other processes' CPU share in the last second: ${percentText(meter.before)}`);
  if (interferenceIsBusy({ before: meter.before, during: null })) {
    console.log("warning: other work is running; ratios will be noisy");
  }

  const outcomes: Outcome[] = [];
  for (const scenario of scenarios) outcomes.push(await runScenario(scenario, meter));
  const interference = await meter.finish();

  console.log(
    `\n${consoleSummary(outcomes)}\nother processes' CPU share during the run: ${
      percentText(interference.during)
    }${interferenceIsBusy(interference) ? " (noisy: other work shared the CPUs)" : ""}`,
  );
  const commandLine = displayCommand("deno", ["run", "--allow-all", "bench/run.ts", ...argv]);
  await recordSection(
    flags.write,
    START_MARKER,
    END_MARKER,
    () => markdownSection(outcomes, setting, commandLine, interference),
    introduction(setting),
  );
  return outcomes.every((outcome) => outcome.problems.length === 0) ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
