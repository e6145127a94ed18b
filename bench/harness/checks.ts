/**
 * Checking what the sides of a comparison printed: failed runs, JSON reports of child
 * processes, answers read back from a Noctra box table, tab-separated or CSV text and compared
 * cell by cell (numbers to a relative tolerance), and a log that prints each problem once.
 *
 * @module
 */
import type { RunResult } from "./measure.ts";

/** `LABEL exited with N: first three stderr lines`, or null when the run exited with 0. */
export function runFailureText(label: string, run: RunResult): string | null {
  if (run.exitCode === 0) return null;
  const stderr = run.stderr.trim().split("\n").slice(0, 3).join(" | ");
  return `${label} exited with ${run.exitCode}: ${stderr}`;
}

/** Collects problems once each, printing each (`  ! …`) the first time it is seen. */
export class ProblemLog {
  readonly #seen = new Set<string>();

  /** Adds the problems given; nulls (no problem) are skipped. */
  add(...problems: (string | null)[]): void {
    for (const problem of problems) {
      if (problem === null || this.#seen.has(problem)) continue;
      this.#seen.add(problem);
      console.log(`  ! ${problem}`);
    }
  }

  /** Every problem seen, in the order first seen. */
  get list(): string[] {
    return [...this.#seen];
  }
}

/**
 * The JSON line a child process printed, as `T`; null (with the problem logged) when the child
 * failed or printed something else.
 */
export function parseChildJson<T>(label: string, run: RunResult, problems: ProblemLog): T | null {
  const failure = runFailureText(label, run);
  if (failure !== null) {
    problems.add(failure);
    return null;
  }
  try {
    return JSON.parse(run.stdoutText ?? "") as T;
  } catch {
    problems.add(`${label}: could not parse its output: ${(run.stdoutText ?? "").slice(0, 200)}`);
    return null;
  }
}

/**
 * Whether two cells agree: equal as text, or as finite numbers within `relativeTolerance` of
 * the larger magnitude (float printing and summation order differ between engines).
 */
export function sameCell(a: string, b: string, relativeTolerance: number): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (a === "" || b === "" || !Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= relativeTolerance * Math.max(Math.abs(x), Math.abs(y));
}

/**
 * Index of the first row of `mine` that differs from the same row of `theirs` (another cell
 * count, or a cell not {@link sameCell}), or -1; both lists have the same length.
 */
export function firstDifferentRow(
  mine: readonly (readonly string[])[],
  theirs: readonly (readonly string[])[],
  relativeTolerance: number,
): number {
  return theirs.findIndex((b, row) => {
    const a = mine[row]!;
    return a.length !== b.length ||
      a.some((cell, column) => !sameCell(cell, b[column] ?? "", relativeTolerance));
  });
}

/** Rows of a Noctra box table, cells trimmed: the lines between the header rule and the end. */
export function boxTableRows(text: string): string[][] {
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

/** Data rows of tab-separated text whose first line is the header (empty lines skipped). */
export function tsvDataRows(text: string): string[][] {
  return text.split("\n").slice(1).filter((line) => line !== "").map((line) => line.split("\t"));
}

/** An answer read from CSV text: the header's column names and the data rows. */
export interface CsvAnswer {
  /** Column names from the first line. */
  readonly header: readonly string[];
  /** Every later non-empty line, split at commas. */
  readonly rows: readonly (readonly string[])[];
}

/**
 * Reads CSV text without quoting rules (for answers whose cells hold no comma or quote),
 * dropping `\r` line ends and empty lines.
 */
export function parseUnquotedCsv(text: string): CsvAnswer {
  const lines = text.split("\n").map((line) => line.replace(/\r$/, "")).filter((line) =>
    line !== ""
  );
  const [header = "", ...rows] = lines;
  return { header: header.split(","), rows: rows.map((line) => line.split(",")) };
}

/**
 * Differences between an answer and the reference answer, each prefixed with `label`: no
 * reference rows, other column names (compared case-insensitively), another row count, or the
 * first row that differs (numbers to `relativeTolerance`). Empty when they agree.
 */
export function compareCsvAnswers(
  label: string,
  mine: CsvAnswer,
  reference: CsvAnswer,
  relativeTolerance: number,
): string[] {
  if (reference.rows.length === 0) return [`${label}: the reference has no rows`];
  const headerA = mine.header.map((name) => name.toLowerCase()).join(",");
  const headerB = reference.header.map((name) => name.toLowerCase()).join(",");
  if (headerA !== headerB) return [`${label}: columns ${headerA}, reference ${headerB}`];
  if (mine.rows.length !== reference.rows.length) {
    return [`${label}: ${mine.rows.length} rows, reference ${reference.rows.length}`];
  }
  const row = firstDifferentRow(mine.rows, reference.rows, relativeTolerance);
  return row === -1 ? [] : [
    `${label}: row ${row + 1} differs: ${JSON.stringify(mine.rows[row])}, reference ${
      JSON.stringify(reference.rows[row])
    }`,
  ];
}
