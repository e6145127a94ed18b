/**
 * The shared benchmark harness, one module per idea:
 *
 * - `measure.ts`: one fresh process, timed, its peak RSS read and its stdout drained.
 * - `rounds.ts`: warm-up and interleaved rounds of the sides of a comparison.
 * - `figures.ts`: medians, ranges, ratios, ms and MB as text, plain-text tables.
 * - `commands.ts`: the project root, Deno, the DuckDB CLI, `sqlite3`, the raw baselines, a
 *   fresh Noctra profile, shell-quoted command lines.
 * - `checks.ts`: failed runs, child reports and answers compared cell by cell.
 * - `data.ts`: generated data, written atomically and rebuilt only when its scripts change.
 * - `machine.ts`: the machine, toolchain, code version and load a section records.
 * - `report.ts`: the section of docs/BENCHMARKS.md each bench owns, and results tables.
 * - `flags.ts`: `--reps`, `--only`, `--no-write`.
 *
 * @module
 */
export * from "./measure.ts";
export * from "./rounds.ts";
export * from "./figures.ts";
export * from "./commands.ts";
export * from "./checks.ts";
export * from "./data.ts";
export * from "./machine.ts";
export * from "./report.ts";
export * from "./flags.ts";
