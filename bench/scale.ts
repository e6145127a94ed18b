/**
 * How Noctra's cost grows with the input, and the seeds' performance targets.
 *
 * 1. GROUP BY at 1M, 3M, 10M and 30M rows (CSV: 35 MB … 1.06 GB; Parquet: 5.5 … 35 MB), Noctra
 *    against the DuckDB CLI (`../shared/tools/duckdb-cli/duckdb`, the same libduckdb), csv
 *    output on both sides; at 3M rows also against Miller (`mlr stats1`) and GNU datamash, found
 *    on PATH or fetched as Debian packages by `bench/fetch_tools.ts` (skipped with a note when
 *    neither works). Every side's output must have the same number of lines.
 * 2. The seeds' targets (shared/seeds, "Performance Targets (v2)"), each end to end from a fresh
 *    process: a query over a 10 MB CSV (< 200 ms), over a 100 MB Parquet file (< 300 ms), export
 *    of the 1 GB CSV to Parquet with `per_thread_output` (< 3 s), and peak RSS while streaming
 *    the whole 1 GB CSV to stdout (< 200 MB). The DuckDB CLI does the same work alongside, so
 *    the figure that is the engine's on this 2-core machine is in the same row.
 *
 * Each side is a fresh process; one warm-up, then `--reps` rounds alternating the order; medians
 * of wall time with stdout drained; peak RSS from GNU time. Writes its section of
 * docs/BENCHMARKS.md.
 *
 * Flags: `--reps N` (default 3), `--only NAME[,NAME…]`, `--no-write`.
 *
 * @module
 */
import { ensureLargeParquet, ensureScaledFlights, rowsLabel } from "./fetch_data.ts";
import { ensureTool } from "./fetch_tools.ts";
import {
  BENCHMARKS_DOC,
  cpuSnapshot,
  duckdbCliRunSpec,
  type MeasuredSide,
  measureSides,
  median,
  movedFigures,
  noctraRunSpec,
  parseBenchFlags,
  peakRssText,
  previousTableRows,
  REPO_ROOT as ROOT,
  requireDuckdbCli,
  type RunSpec,
  textTable,
  writeBenchSection,
} from "./harness/mod.ts";

const START = "<!-- bench:scale:start -->";
const END = "<!-- bench:scale:end -->";

const flags = parseBenchFlags(Deno.args, { defaultReps: 3, scenarios: "any" }) ?? Deno.exit(2);
const reps = flags.reps;
const only = new Set(flags.only);
const wanted = (name: string) => only.size === 0 || only.has(name);

requireDuckdbCli();
const scaled = await ensureScaledFlights();
const largeParquet = await ensureLargeParquet();
const work = await Deno.makeTempDir({ prefix: "noctra-bench-scale-" });
const state = await Deno.makeTempDir({ prefix: "noctra-bench-state-" });

const groupBy = (source: string) =>
  `SELECT origin, count(*) AS n, avg(delay) AS d FROM '${source}' GROUP BY origin ORDER BY n DESC`;
const relative = (path: string) => path.startsWith(ROOT) ? path.slice(ROOT.length) : path;

const noctra = (args: string[]): RunSpec => noctraRunSpec(args, state);
const duckdbCli = duckdbCliRunSpec;

const before = await cpuSnapshot();
const started = performance.now();

/** Rows of the GROUP BY table: scenario, sizes, the sides' medians and ratios, peak RSS. */
const scaleRows: string[][] = [];
const notes: string[] = [];
const mlr = await ensureTool("mlr", "miller");
const datamash = await ensureTool("datamash", "datamash");
for (const tool of [mlr, datamash]) {
  if (tool.found) notes.push(`${relative(tool.path)}: ${tool.version}`);
  else notes.push(`skipped: ${tool.reason}`);
}

for (const input of scaled.filter((entry) => entry.rows >= 1_000_000)) {
  for (const kind of ["csv", "parquet"] as const) {
    const name = `groupby_${kind}_${rowsLabel(input.rows)}`;
    if (!wanted(name)) continue;
    const file = relative(kind === "csv" ? input.csv : input.parquet);
    const bytes = kind === "csv" ? input.csvBytes : input.parquetBytes;
    const sides = [
      { name: "noctra", spec: noctra(["--format", "csv", "-c", groupBy(file)]) },
      { name: "duckdb CLI", spec: duckdbCli(["-csv", "-c", groupBy(file)]) },
    ];
    if (kind === "csv" && input.rows === 3_000_000) {
      if (mlr.found) {
        sides.push({
          name: "mlr",
          spec: {
            command: mlr.path,
            args: [
              "--icsv",
              "--ocsv",
              "stats1",
              "-a",
              "count,mean",
              "-f",
              "delay",
              "-g",
              "origin",
              "then",
              "sort",
              "-nr",
              "delay_count",
              file,
            ],
            cwd: ROOT,
            stdout: "count",
          },
        });
      }
      if (datamash.found) {
        // datamash reads stdin only; `-s` sorts by the group column itself (no ORDER BY n).
        sides.push({
          name: "datamash",
          spec: {
            command: "/bin/sh",
            args: [
              "-c",
              `exec "$0" -t, --header-in -s -g 4 count 4 mean 2 < "$1"`,
              datamash.path,
              file,
            ],
            cwd: ROOT,
            stdout: "count",
          },
        });
      }
    }
    const measured = await measureSides(sides, reps);
    checkSameLineCount(name, measured, 1);
    const cli = median(measured[1]!.times);
    for (const side of measured) {
      const ms = median(side.times);
      const row = [
        name,
        `${(bytes / 1e6).toFixed(1)} MB`,
        side.name,
        `${ms.toFixed(0)} ms`,
        `${(Math.min(...side.times)).toFixed(0)}–${Math.max(...side.times).toFixed(0)} ms`,
        `${(ms / cli).toFixed(2)}×`,
        peakRssText(side),
      ];
      console.log(row.join("  "));
      scaleRows.push(row);
    }
  }
}

/**
 * Throws unless every side printed the same number of lines, allowing `headerSlack` lines of
 * difference (datamash prints no header).
 */
function checkSameLineCount(name: string, sides: MeasuredSide[], headerSlack: number): void {
  const counts = sides.map((side) => side.last?.stdoutLines ?? -1);
  if (Math.max(...counts) - Math.min(...counts) > headerSlack || Math.min(...counts) < 2) {
    throw new Error(
      `${name}: the sides printed different results: ${
        sides.map((side, i) => `${side.name} ${counts[i]} lines`).join(", ")
      }`,
    );
  }
}

/** A seeds' target: the work, the limit, and the same work for the DuckDB CLI. */
interface Target {
  readonly name: string;
  readonly what: string;
  readonly limit: string;
  readonly noctra: string[];
  readonly cli: string[];
  /** Whether the target is on wall time (ms) or peak RSS (MB). */
  readonly measure: "wall" | "rss";
  readonly limitValue: number;
}
/** A seeds' target of a GROUP BY over `file` (`bytes` in size) under `limitMs`, table output. */
function groupByTarget(name: string, file: string, bytes: number, limitMs: number): Target {
  return {
    name,
    what: `GROUP BY over ${file} (${(bytes / 1e6).toFixed(1)} MB), table output`,
    limit: `< ${limitMs} ms`,
    noctra: ["-c", groupBy(file)],
    cli: ["-c", groupBy(file)],
    measure: "wall",
    limitValue: limitMs,
  };
}
const tenMegabytes = scaled.find((entry) => entry.rows === 300_000)!;
const oneGigabyte = scaled.find((entry) => entry.rows === 30_000_000)!;
const targets: Target[] = [
  groupByTarget("csv_10mb", relative(tenMegabytes.csv), tenMegabytes.csvBytes, 200),
  groupByTarget("parquet_100mb", relative(largeParquet.path), largeParquet.bytes, 300),
  {
    name: "export_1gb_parquet",
    what: `${relative(oneGigabyte.csv)} (${
      (oneGigabyte.csvBytes / 1e6).toFixed(0)
    } MB) exported to Parquet, per_thread_output`,
    limit: "< 3 s",
    noctra: [
      "-c",
      `EXPORT (SELECT * FROM '${
        relative(oneGigabyte.csv)
      }') TO '${work}/noctra-out' FORMAT PARQUET OPTIONS (per_thread_output = true) OVERWRITE`,
    ],
    cli: [
      "-c",
      `COPY (SELECT * FROM '${
        relative(oneGigabyte.csv)
      }') TO '${work}/cli-out' (FORMAT parquet, PER_THREAD_OUTPUT, OVERWRITE)`,
    ],
    measure: "wall",
    limitValue: 3000,
  },
  {
    name: "rss_1gb_csv",
    what: `every row of ${relative(oneGigabyte.csv)} streamed to stdout as CSV`,
    limit: "< 200 MB peak RSS",
    noctra: ["--format", "csv", "-c", `SELECT * FROM '${relative(oneGigabyte.csv)}'`],
    cli: ["-csv", "-c", `SELECT * FROM '${relative(oneGigabyte.csv)}'`],
    measure: "rss",
    limitValue: 200,
  },
];
const targetRows: string[][] = [];
for (const target of targets.filter((entry) => wanted(entry.name))) {
  const [ours, theirs] = await measureSides([
    { name: "noctra", spec: noctra(target.noctra) },
    { name: "duckdb CLI", spec: duckdbCli(target.cli) },
  ], reps);
  const [oursMs, theirsMs] = [median(ours!.times), median(theirs!.times)];
  const ourPeakMb = Math.max(...ours!.rssKiB) * 1024 / 1e6;
  const met = target.measure === "wall"
    ? oursMs < target.limitValue
    : ourPeakMb < target.limitValue;
  const row = [
    target.name,
    target.limit,
    `${oursMs.toFixed(0)} ms`,
    peakRssText(ours!),
    met ? "met" : "not met",
    `${theirsMs.toFixed(0)} ms`,
    peakRssText(theirs!),
    `${(oursMs / theirsMs).toFixed(2)}×`,
  ];
  console.log(row.join("  "));
  targetRows.push(row);
}

const after = await cpuSnapshot();
const elapsedS = (performance.now() - started) / 1000;
const load = before && after
  ? `${
    ((after.busy - before.busy) / elapsedS).toFixed(2)
  } of ${navigator.hardwareConcurrency} CPUs busy on average during the run (all processes, the measured ones included)`
  : "machine load not available";

const scaleTable = textTable(
  ["scenario", "input", "side", "median", "min–max", "vs CLI", "peak RSS"],
  scaleRows,
);
const targetTable = textTable(
  [
    "target",
    "seeds' limit",
    "noctra",
    "noctra peak RSS",
    "",
    "duckdb CLI",
    "CLI peak RSS",
    "ratio",
  ],
  targetRows,
);
console.log(scaleTable);
console.log(targetTable);
const previousText = await Deno.readTextFile(BENCHMARKS_DOC).catch(() => "");
const previousRun = /bench\/scale\.ts --reps \d+`, ([^,]+),/.exec(
  previousText.slice(previousText.indexOf(START)),
)?.[1];
const bySide = (cells: readonly string[]) => `${cells[0]} (${cells[2]})`;
const moved = movedFigures(
  previousTableRows(previousText, START, END, bySide),
  scaleRows,
  [3, 5],
  ["scenario", "input", "side", "median", "min–max", "vs CLI", "peak RSS"],
  0.15,
  bySide,
);
const movedNote = previousRun === undefined
  ? "No earlier run in this file to compare with."
  : moved.length === 0
  ? `Against the previous run written here (${previousRun}), no median or ratio of the GROUP BY table moved by more than ±15 %.`
  : `Against the previous run written here (${previousRun}), moved by more than ±15 %: ${
    moved.join("; ")
  }.`;
console.log(movedNote);

const section = `${START}
## GROUP BY at scale, and the seeds' targets (issue 10)

\`deno run --allow-all bench/scale.ts --reps ${reps}\`, ${
  new Date().toISOString()
}, ${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}; ${load}. Inputs are written by \`bench/fetch_data.ts\` from the real flights-3m rows (cut or repeated). Each side a fresh process (Noctra: \`deno run -A main.ts --no-restore …\`), one warm-up, then ${reps} rounds alternating the order; medians of wall time with stdout drained; peak RSS from GNU time (MB = 10^6 bytes); every side's output has the same number of lines. Query: \`${
  groupBy("FILE")
}\`, csv output (\`--format csv\` ↔ \`-csv\`). ${notes.join("; ")}.

\`\`\`
${scaleTable}
\`\`\`

${movedNote}

The seeds' targets, end to end from a fresh process, with the DuckDB CLI doing the same work in the same run (the export: the CLI's \`COPY … (FORMAT parquet, PER_THREAD_OUTPUT)\`; the 1 GB stream: the CLI's \`-csv\`):

${
  targets.filter((entry) => wanted(entry.name)).map((entry) =>
    `- \`${entry.name}\`: ${entry.what}.`
  ).join("\n")
}

\`\`\`
${targetTable}
\`\`\`
${END}`;
if (flags.write && only.size === 0) {
  await writeBenchSection(START, END, section);
  console.log(`wrote ${BENCHMARKS_DOC}`);
}
await Deno.remove(work, { recursive: true });
await Deno.remove(state, { recursive: true });
