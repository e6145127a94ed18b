/**
 * Writing results: each bench owns one section of docs/BENCHMARKS.md between its own start
 * and end markers and rewrites only that; plus the results table and per-scenario detail
 * paragraphs that comparison benches lay out the same way, in the console and in Markdown.
 *
 * @module
 */
import { REPO_ROOT } from "./commands.ts";
import { textTable, verdict } from "./figures.ts";

/** Absolute path of docs/BENCHMARKS.md, which the benches write their sections into. */
export const BENCHMARKS_DOC = `${REPO_ROOT}docs/BENCHMARKS.md`;

/**
 * `text` with the part between `startMarker` and `endMarker` (markers included) replaced by
 * `section`, which should carry both markers; appended at the end when the markers are missing.
 */
export function replaceSection(
  text: string,
  startMarker: string,
  endMarker: string,
  section: string,
): string {
  const start = text.indexOf(startMarker);
  const end = start === -1 ? -1 : text.indexOf(endMarker, start);
  return start !== -1 && end !== -1
    ? text.slice(0, start) + section + text.slice(end + endMarker.length)
    : `${text.trimEnd()}\n\n${section}\n`;
}

/**
 * Replaces the section between `startMarker` and `endMarker` in {@link BENCHMARKS_DOC} with
 * `section` (which carries both markers), appending it when the markers are missing; a missing
 * file is created holding `introduction` and the section. The rest of the file is left as is.
 */
export async function writeBenchSection(
  startMarker: string,
  endMarker: string,
  section: string,
  introduction = "# Benchmarks\n",
): Promise<void> {
  let text: string;
  try {
    text = await Deno.readTextFile(BENCHMARKS_DOC);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await Deno.mkdir(`${REPO_ROOT}docs`, { recursive: true });
    text = introduction;
  }
  await Deno.writeTextFile(BENCHMARKS_DOC, replaceSection(text, startMarker, endMarker, section));
}

/**
 * With `write` (no `--no-write`), {@link writeBenchSection}s the section `buildSection()`
 * returns and prints where; else prints that docs/BENCHMARKS.md was left unchanged.
 */
export async function recordSection(
  write: boolean,
  startMarker: string,
  endMarker: string,
  buildSection: () => string,
  introduction?: string,
): Promise<void> {
  if (!write) {
    console.log("\n--no-write: docs/BENCHMARKS.md left unchanged");
    return;
  }
  await writeBenchSection(startMarker, endMarker, buildSection(), introduction);
  console.log(`\nwrote the results to ${BENCHMARKS_DOC}`);
}

/** `Abc` from `abc`: the first character upper-cased, for a title starting a sentence. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Markdown lines of one scenario's details: a `### \`name\`` heading, `paragraph`, and one
 * bullet per entry of `bullets` (given without the leading `- `), then a blank line.
 */
export function scenarioDetailLines(
  name: string,
  paragraph: string,
  bullets: readonly string[],
): string[] {
  return [`### \`${name}\``, "", paragraph, "", ...bullets.map((bullet) => `- ${bullet}`), ""];
}

/** One line of a results table: a measure of a scenario against its target, as text. */
export interface ResultRow {
  /** The scenario's name. */
  readonly scenario: string;
  /** What is measured, e.g. `wall time, fresh process`. */
  readonly measure: string;
  /** Noctra's figure, e.g. `465 ms`. */
  readonly noctra: string;
  /** The baseline's figure, with a note where it needs one. */
  readonly baseline: string;
  /** The ratio, e.g. `2.02×`. */
  readonly ratio: string;
  /** The target, e.g. `≤ 1,000 ms`. */
  readonly target: string;
  /** Whether the target was met. */
  readonly pass: boolean;
}

/** What a scenario reports: its result rows, detail bullets and problems. */
export interface ScenarioReport {
  /** The scenario's name. */
  readonly name: string;
  /** One line saying what it measures, lower-case first (it is capitalized in a heading). */
  readonly title: string;
  /** Its lines of the results table. */
  readonly rows: readonly ResultRow[];
  /** Markdown bullet lines (without the leading `- `). */
  readonly details: readonly string[];
  /** Failed runs and answer mismatches; empty when all is well. */
  readonly problems: readonly string[];
}

/** The report of a scenario of which no run succeeded: one `n/a` row and the problems. */
export function failedScenarioReport(
  name: string,
  title: string,
  problems: readonly string[],
): ScenarioReport {
  return {
    name,
    title,
    rows: [{
      scenario: name,
      measure: "no successful run",
      noctra: "n/a",
      baseline: "n/a",
      ratio: "n/a",
      target: "n/a",
      pass: false,
    }],
    details: [`Failed: ${problems.join("; ")}`],
    problems: problems.length > 0 ? problems : ["no successful run"],
  };
}

/** Every report's rows as a plain-text table for the console, with whether checks agreed. */
export function resultsConsoleTable(reports: readonly ScenarioReport[]): string {
  const rows = reports.flatMap((report) =>
    report.rows.map((row) => [
      row.scenario,
      row.measure,
      row.noctra,
      row.baseline,
      row.ratio,
      row.target,
      verdict(row.pass),
      report.problems.length === 0 ? "agree" : "PROBLEMS",
    ])
  );
  return textTable(
    ["scenario", "measure", "noctra", "baseline", "ratio", "target", "result", "checks"],
    rows,
  );
}

/** Every report's rows as a Markdown table (header included), one line each. */
export function resultsMarkdownTable(reports: readonly ScenarioReport[]): string[] {
  const lines = [
    "| Scenario | Measure | Noctra | Baseline | Ratio | Target | Result |",
    "| --- | --- | ---: | ---: | ---: | --- | --- |",
  ];
  for (const report of reports) {
    for (const row of report.rows) {
      const result = report.problems.length === 0
        ? verdict(row.pass)
        : `${verdict(row.pass)} (checks failed)`;
      lines.push(
        `| \`${row.scenario}\` | ${row.measure} | ${row.noctra} | ${row.baseline} | ` +
          `${row.ratio} | ${row.target} | ${result} |`,
      );
    }
  }
  return lines;
}

/** Every report's details: a heading, its capitalized title and its bullets, one after another. */
export function resultsDetailLines(reports: readonly ScenarioReport[]): string[] {
  return reports.flatMap((report) =>
    scenarioDetailLines(report.name, `${capitalize(report.title)}.`, report.details)
  );
}

/**
 * The rows of the first plain-text table (as {@link textTable} lays it out: cells separated by
 * two or more spaces, a dashed line under the header) inside the section between `startMarker`
 * and `endMarker` of `docText`, keyed by `keyOf` (default: the first cell); empty when there is
 * none. Used to compare a run with the one the document holds.
 */
export function previousTableRows(
  docText: string,
  startMarker: string,
  endMarker: string,
  keyOf: (cells: readonly string[]) => string = (cells) => cells[0]!,
): Map<string, string[]> {
  const start = docText.indexOf(startMarker);
  const end = start === -1 ? -1 : docText.indexOf(endMarker, start);
  const rows = new Map<string, string[]>();
  if (start === -1 || end === -1) return rows;
  const lines = docText.slice(start, end).split("\n");
  const dashes = lines.findIndex((line) => /^-+(\s+-+)+\s*$/.test(line));
  if (dashes === -1) return rows;
  for (const line of lines.slice(dashes + 1)) {
    if (line.startsWith("```") || line.trim() === "") break;
    const cells = line.trim().split(/\s{2,}/);
    rows.set(keyOf(cells), cells);
  }
  return rows;
}

/** The first number in a cell (`1.50×` → 1.5, `1,234 ms` → 1234), or undefined. */
function numberIn(cell: string | undefined): number | undefined {
  const match = /-?[\d,]*\.?\d+/.exec(cell ?? "");
  return match === null ? undefined : Number(match[0].replaceAll(",", ""));
}

/**
 * The figures that moved by more than `threshold` (a fraction: 0.15 = ±15 %) from `previous` to
 * `current`, as `name column: old → new (+x %)`, comparing the cells at `columns` of the rows with
 * the same key (`keyOf`, default the first cell, as for {@link previousTableRows}). Rows or
 * cells without a number on both sides are skipped.
 *
 * @param headers the column names, to name each moved figure.
 */
export function movedFigures(
  previous: ReadonlyMap<string, readonly string[]>,
  current: readonly (readonly string[])[],
  columns: readonly number[],
  headers: readonly string[],
  threshold = 0.15,
  keyOf: (cells: readonly string[]) => string = (cells) => cells[0]!,
): string[] {
  const moved: string[] = [];
  for (const row of current) {
    const before = previous.get(keyOf(row));
    if (before === undefined) continue;
    for (const column of columns) {
      const [old, now] = [numberIn(before[column]), numberIn(row[column])];
      if (old === undefined || now === undefined || old === 0) continue;
      const change = now / old - 1;
      if (Math.abs(change) > threshold) {
        moved.push(
          `${keyOf(row)} ${headers[column]}: ${before[column]} → ${row[column]} (${
            change > 0 ? "+" : ""
          }${(change * 100).toFixed(0)} %)`,
        );
      }
    }
  }
  return moved;
}
