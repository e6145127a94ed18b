/**
 * Start-up, layer by layer: what an empty `deno run` costs, what loading DuckDB's binding costs
 * (the package as published, and bundled into one module as Noctra loads it), and Noctra's
 * `--version`, `--help` and `-c "SELECT 1"`, beside the DuckDB CLI — interleaved run by run.
 * The floor for any Deno program that runs DuckDB is the "raw bundle" row; the rest is Noctra's.
 * Writes its section of docs/BENCHMARKS.md.
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

const START = "<!-- bench:startup:start -->";
const END = "<!-- bench:startup:end -->";

const flags = parseBenchFlags(Deno.args, { defaultReps: 15 }) ?? Deno.exit(2);
const reps = flags.reps;

const work = await Deno.makeTempDir({ prefix: "noctra-bench-startup-" });
const state = await Deno.makeTempDir({ prefix: "noctra-bench-state-" });
await Deno.writeTextFile(`${work}/empty.ts`, "");
const raw = (module: string) =>
  `const m = await import(${JSON.stringify(module)}); const api = m.default ?? m;` +
  `const db = await api.DuckDBInstance.create(":memory:"); const c = await db.connect();` +
  `const r = await c.runAndReadAll("SELECT 1"); console.log(String(r.getRows()[0][0]));`;
await Deno.writeTextFile(`${work}/raw_package.ts`, raw("npm:@duckdb/node-api@1.5.5-r.5"));
await Deno.writeTextFile(`${work}/raw_bundle.ts`, raw(`${ROOT}vendor/duckdb-node-api.mjs`));

const deno = (args: string[]): RunSpec => ({
  command: Deno.execPath(),
  args: ["run", "-A", ...args],
  cwd: work,
  stdout: "capture",
  env: { XDG_STATE_HOME: state, NO_COLOR: "1" },
});
const cases: { name: string; spec: RunSpec }[] = [
  { name: "deno run (empty script)", spec: deno([`${work}/empty.ts`]) },
  { name: "noctra --version", spec: deno([`${ROOT}main.ts`, "--version"]) },
  { name: "noctra --help", spec: deno([`${ROOT}main.ts`, "--help"]) },
  { name: "raw @duckdb/node-api package, SELECT 1", spec: deno([`${work}/raw_package.ts`]) },
  { name: "raw bundled node-api, SELECT 1", spec: deno([`${work}/raw_bundle.ts`]) },
  {
    name: "noctra -c 'SELECT 1'",
    spec: deno([`${ROOT}main.ts`, "--no-restore", "-c", "SELECT 1"]),
  },
];
// The REPL on a pseudo-terminal, from spawn until it has drawn its first prompt, read `.quit` and
// left — beside -c "SELECT 1" on the same kind of terminal. Python's `pty` module gives the
// terminal (Deno has none; util-linux script(1) waits ~250 ms on a piped stdin's end, which hid
// the difference). Skipped without python3.
const pythonAvailable = (() => {
  try {
    return new Deno.Command("python3", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();
if (pythonAvailable) {
  const onTerminal = (prompt: string, args: string[]): RunSpec => ({
    command: "python3",
    args: [
      `${ROOT}bench/harness/on_pty.py`,
      prompt,
      Deno.execPath(),
      "run",
      "-A",
      `${ROOT}main.ts`,
      ...args,
    ],
    cwd: work,
    stdout: "capture",
    env: { XDG_STATE_HOME: state, NO_COLOR: "1" },
  });
  cases.push(
    { name: "noctra REPL on a pty: prompt, .quit", spec: onTerminal("noctra> ", ["--no-restore"]) },
    {
      name: "noctra -c 'SELECT 1' on a pty",
      spec: onTerminal("", ["--no-restore", "-c", "SELECT 1"]),
    },
  );
}
const cli = duckdbCliAvailable();
if (cli) {
  cases.push({
    name: "duckdb -c 'SELECT 1'",
    spec: { command: DUCKDB_CLI, args: ["-c", "SELECT 1"], cwd: ROOT, stdout: "capture" },
  });
}

const times = await interleavedWallTimes(cases, reps);
const medianOf = (name: string) => median(times.get(name)!);
const empty = medianOf(cases[0]!.name);
const floor = medianOf("raw bundled node-api, SELECT 1");
const duckdb = cli ? medianOf("duckdb -c 'SELECT 1'") : undefined;
const rows = cases.map((entry) => {
  const list = times.get(entry.name)!;
  const value = median(list);
  return [
    entry.name,
    `${Math.min(...list).toFixed(0)} ms`,
    `${value.toFixed(0)} ms`,
    `${Math.max(...list).toFixed(0)} ms`,
    `${(value / empty).toFixed(2)}×`,
    `${(value / floor).toFixed(2)}×`,
    duckdb === undefined ? "" : `${(value / duckdb).toFixed(2)}×`,
  ];
});
const table = textTable(
  ["command", "min", "median", "max", "vs empty deno", "vs raw bundle", "vs duckdb CLI"],
  rows,
);
console.log(table);

const commands = cases.map((entry) => displayCommand(entry.spec.command, entry.spec.args));
const section = `${START}
## Start-up, layer by layer (issue 10)

\`deno run --allow-all bench/startup.ts --reps ${reps}\`, ${
  new Date().toISOString()
}, ${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}. Each command ran ${reps} times, interleaved, after one warm-up run each; wall time from spawn to exit. "raw bundled node-api" is the floor for a Deno program that runs a DuckDB query: Deno's start, Node compatibility and the native binding (\`@duckdb/node-bindings\`, which loads \`libduckdb\`), the bundled API, an in-memory instance and one query; Noctra answers \`--version\` and \`--help\` without loading DuckDB.${
  pythonAvailable
    ? ' The "on a pty" rows run Noctra on a pseudo-terminal made by Python\'s \`pty\` module (\`bench/harness/on_pty.py\`): the REPL until its first prompt is drawn, then \`.quit\`; \`-c\` on the same kind of terminal for comparison (both include the same Python start-up).'
    : ""
}

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
await Deno.remove(work, { recursive: true });
await Deno.remove(state, { recursive: true });
