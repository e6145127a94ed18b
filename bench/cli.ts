/**
 * Noctra against the DuckDB CLI on the same libduckdb (`../shared/tools/duckdb-cli/duckdb`): the
 * same work as a user would type it into either tool, each run a fresh process, sides
 * interleaved. Stdout is a pipe this process drains. Writes its section of docs/BENCHMARKS.md.
 *
 * Scenarios: `SELECT 1`; a GROUP BY over the 106 MB `flights-3m.csv` (table and csv output) and
 * over `flights-3m.parquet`; 200 small statements from one script (table, csv, json); 10M rows
 * as csv, as a table (40 rows shown) and as jsonl/json.
 *
 * Flags: `--reps N` (default 3), `--only NAME[,NAME…]`, `--no-write`.
 *
 * @module
 */
import { ensureBenchData } from "./fetch_data.ts";
import {
  BENCHMARKS_DOC,
  duckdbCliRunSpec,
  measureSides,
  median,
  movedFigures,
  noctraRunSpec,
  parseBenchFlags,
  peakRssText,
  previousTableRows,
  requireDuckdbCli,
  type RunSpec,
  textTable,
  writeBenchSection,
} from "./harness/mod.ts";

const START = "<!-- bench:cli:start -->";
const END = "<!-- bench:cli:end -->";

const flags = parseBenchFlags(Deno.args, { defaultReps: 3, scenarios: "any" }) ?? Deno.exit(2);
const reps = flags.reps;
const only = new Set(flags.only);

requireDuckdbCli();
await ensureBenchData();
const PARQUET = "bench/data/vega-datasets-3.2.1/package/data/flights-3m.parquet";
const work = await Deno.makeTempDir({ prefix: "noctra-bench-cli-" });
const state = await Deno.makeTempDir({ prefix: "noctra-bench-state-" });
const script = `${work}/small200.sql`;
await Deno.writeTextFile(
  script,
  Array.from({ length: 200 }, (_, i) => `SELECT ${i} AS i, 'x' || ${i} AS s, ${i} * 1.5 AS f;`)
    .join("\n") + "\n",
);

const groupBy = (source: string) =>
  `SELECT origin, count(*) AS n, avg(delay) AS d FROM '${source}' GROUP BY origin ORDER BY n DESC`;
const TEN_MILLION =
  "SELECT i AS id, i * 2 AS doubled, 'row-' || i AS label FROM range(10000000) t(i)";

/** A scenario: the Noctra arguments and the DuckDB CLI arguments for the same work. */
interface Scenario {
  readonly name: string;
  readonly noctra: string[];
  readonly cli: string[];
}
const scenarios: Scenario[] = [
  { name: "select_1", noctra: ["-c", "SELECT 1"], cli: ["-c", "SELECT 1"] },
  {
    name: "groupby_csv_table",
    noctra: ["-c", groupBy("bench/data/flights-3m.csv")],
    cli: ["-c", groupBy("bench/data/flights-3m.csv")],
  },
  {
    name: "groupby_csv_csv",
    noctra: ["--format", "csv", "-c", groupBy("bench/data/flights-3m.csv")],
    cli: ["-csv", "-c", groupBy("bench/data/flights-3m.csv")],
  },
  {
    name: "groupby_parquet_table",
    noctra: ["-c", groupBy(PARQUET)],
    cli: ["-c", groupBy(PARQUET)],
  },
  { name: "small200_table", noctra: ["-f", script], cli: ["-f", script] },
  { name: "small200_csv", noctra: ["--format", "csv", "-f", script], cli: ["-csv", "-f", script] },
  {
    name: "small200_json",
    noctra: ["--format", "json", "-f", script],
    cli: ["-json", "-f", script],
  },
  {
    name: "rows10m_csv",
    noctra: ["--format", "csv", "-c", TEN_MILLION],
    cli: ["-csv", "-c", TEN_MILLION],
  },
  { name: "rows10m_table", noctra: ["-c", TEN_MILLION], cli: ["-c", TEN_MILLION] },
  {
    name: "rows10m_jsonl",
    noctra: ["--format", "jsonl", "-c", TEN_MILLION],
    cli: ["-jsonlines", "-c", TEN_MILLION],
  },
  {
    name: "rows10m_json",
    noctra: ["--format", "json", "-c", TEN_MILLION],
    cli: ["-json", "-c", TEN_MILLION],
  },
].filter((scenario) => only.size === 0 || only.has(scenario.name));

const noctraSpec = (args: string[]): RunSpec => noctraRunSpec(args, state);
const cliSpec = duckdbCliRunSpec;

const rows: string[][] = [];
for (const scenario of scenarios) {
  const [ours, theirs] = await measureSides([
    { name: `${scenario.name} noctra`, spec: noctraSpec(scenario.noctra) },
    { name: `${scenario.name} duckdb CLI`, spec: cliSpec(scenario.cli) },
  ], reps);
  const [oursMs, theirsMs] = [median(ours!.times), median(theirs!.times)];
  const row = [
    scenario.name,
    `${oursMs.toFixed(0)} ms`,
    `${theirsMs.toFixed(0)} ms`,
    `${(oursMs / theirsMs).toFixed(2)}×`,
    peakRssText(ours!),
    peakRssText(theirs!),
  ];
  console.log(row.join("  "));
  rows.push(row);
}
const headers = ["scenario", "noctra", "duckdb CLI", "ratio", "noctra peak RSS", "CLI peak RSS"];
const table = textTable(headers, rows);
console.log(table);
const previousText = await Deno.readTextFile(BENCHMARKS_DOC).catch(() => "");
const previousRun = /bench\/cli\.ts --reps \d+`, ([^,]+),/.exec(
  previousText.slice(previousText.indexOf(START)),
)?.[1];
const moved = movedFigures(previousTableRows(previousText, START, END), rows, [1, 3], headers);
const movedNote = previousRun === undefined
  ? "No earlier run in this file to compare with."
  : moved.length === 0
  ? `Against the previous run written here (${previousRun}), no time or ratio moved by more than ±15 %.`
  : `Against the previous run written here (${previousRun}), moved by more than ±15 %: ${
    moved.join("; ")
  }.`;
console.log(movedNote);

const section = `${START}
## Noctra vs the DuckDB CLI (issue 10)

\`deno run --allow-all bench/cli.ts --reps ${reps}\`, ${
  new Date().toISOString()
}, ${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}. Each side a fresh process (Noctra: \`deno run -A main.ts --no-restore …\`; the CLI: \`../shared/tools/duckdb-cli/duckdb …\`, the same libduckdb 1.5.5), one warm-up each, then ${reps} runs alternating which side goes first; medians of wall time with stdout drained; peak RSS from GNU time (MB = 10^6 bytes). The same arguments for the same work: \`--format csv\` ↔ \`-csv\`, \`--format json\` ↔ \`-json\`, \`--format jsonl\` ↔ \`-jsonlines\`, table ↔ the CLI's duckbox (both show 40 rows of 10M).

\`\`\`
${table}
\`\`\`

${movedNote}
${END}`;
if (flags.write && only.size === 0) {
  await writeBenchSection(START, END, section);
  console.log(`wrote ${BENCHMARKS_DOC}`);
}
await Deno.remove(work, { recursive: true });
await Deno.remove(state, { recursive: true });
