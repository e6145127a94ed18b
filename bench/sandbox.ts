/**
 * The cost of the kernel sandbox at start-up: `noctra -c "SELECT 1"` with and without
 * `--sandbox` (Landlock + re-executing the session as a confined child), beside the DuckDB CLI,
 * interleaved run by run. Writes its section of docs/BENCHMARKS.md.
 *
 * Flags: `--reps N` (default 15), `--no-write`.
 *
 * @module
 */
import {
  BENCHMARKS_DOC,
  displayCommand,
  DUCKDB_CLI,
  duckdbCliAvailable,
  interleavedWallTimes,
  median,
  parseBenchFlags,
  REPO_ROOT as ROOT,
  type RunSpec,
  textTable,
  writeBenchSection,
} from "./harness/mod.ts";

const START = "<!-- bench:sandbox:start -->";
const END = "<!-- bench:sandbox:end -->";

const flags = parseBenchFlags(Deno.args, { defaultReps: 15 }) ?? Deno.exit(2);
const reps = flags.reps;

const cwd = await Deno.makeTempDir({ prefix: "noctra-bench-sandbox-" });
const state = await Deno.makeTempDir({ prefix: "noctra-bench-state-" });
const noctra = (extra: string[]): RunSpec => ({
  command: Deno.execPath(),
  args: ["run", "-A", `${ROOT}main.ts`, "--no-restore", ...extra, "-c", "SELECT 1"],
  cwd,
  stdout: "capture",
  env: { XDG_STATE_HOME: state, NO_COLOR: "1" },
});
const cases: { name: string; spec: RunSpec }[] = [
  { name: "noctra -c 'SELECT 1'", spec: noctra([]) },
  { name: "noctra --sandbox -c 'SELECT 1' (landlock)", spec: noctra(["--sandbox"]) },
  {
    name: "noctra --sandbox -c 'SELECT 1' (duckdb-only)",
    spec: {
      ...noctra(["--sandbox"]),
      env: { ...noctra([]).env, NOCTRA_SANDBOX_LAYER: "duckdb-only" },
    },
  },
];
const cliAvailable = duckdbCliAvailable();
if (cliAvailable) {
  cases.push({
    name: "duckdb -c 'SELECT 1'",
    spec: { command: DUCKDB_CLI, args: ["-c", "SELECT 1"], cwd: ROOT, stdout: "capture" },
  });
}

const times = await interleavedWallTimes(cases, reps);
const baseline = median(times.get(cases[0]!.name)!);
const rows = cases.map((entry) => {
  const list = times.get(entry.name)!;
  return [
    entry.name,
    `${Math.min(...list).toFixed(0)} ms`,
    `${median(list).toFixed(0)} ms`,
    `${Math.max(...list).toFixed(0)} ms`,
    `${(median(list) / baseline).toFixed(2)}×`,
  ];
});
const table = textTable(["command", "min", "median", "max", "vs noctra"], rows);
console.log(table);

const commands = cases.map((entry) => displayCommand(entry.spec.command, entry.spec.args));
const section = `${START}
## Sandbox start-up cost (issue 9)

\`deno run --allow-all bench/sandbox.ts --reps ${reps}\`, ${
  new Date().toISOString()
}, ${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}. Each command ran ${reps} times, interleaved, after one warm-up run each; wall time from spawn to exit. With \`--sandbox\` on Linux the launcher applies Landlock and starts the session again as a confined child, so the extra cost is one more Deno start (the parent never loads DuckDB).

\`\`\`
${table}
\`\`\`

Commands:

\`\`\`
${commands.join("\n")}
\`\`\`
${END}`;
if (flags.write) {
  await writeBenchSection(START, END, section);
  console.log(`wrote ${BENCHMARKS_DOC}`);
}
await Deno.remove(cwd, { recursive: true });
await Deno.remove(state, { recursive: true });
