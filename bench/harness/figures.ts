/**
 * Figures and their text: medians, ranges, ratios and shares, times (ms) and sizes (MB =
 * 10^6 bytes), pass/fail words, and plain-text tables for the console and for code blocks in
 * docs/BENCHMARKS.md.
 *
 * @module
 */
import type { RunResult } from "./measure.ts";
import type { MeasuredSide } from "./rounds.ts";

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle]!;
  return sorted.length % 2 === 1 ? upper : (sorted[middle - 1]! + upper) / 2;
}

/** Milliseconds as `1,234 ms` (rounded to a whole ms, thousands separated). */
export function formatWholeMs(ms: number): string {
  return `${Math.round(ms).toLocaleString("en-US")} ms`;
}

/** Milliseconds as `1,234 ms` from 100 ms up, else with one decimal: `46.7 ms`. */
export function formatMs(ms: number): string {
  return ms >= 100 ? formatWholeMs(ms) : `${ms.toFixed(1)} ms`;
}

/** A size in KiB as `12.3 MB` (MB = 10^6 bytes), or `n/a` for null (not measured). */
export function formatKiBAsMB(kib: number | null): string {
  return kib === null ? "n/a" : `${(kib * 1024 / 1e6).toFixed(1)} MB`;
}

/** The largest peak RSS of a side as `123 MB` (10^6 bytes), or `—` without a measurement. */
export function peakRssText(side: MeasuredSide): string {
  return side.rssKiB.length === 0
    ? "—"
    : `${(Math.max(...side.rssKiB) * 1024 / 1e6).toFixed(0)} MB`;
}

/** The largest peak RSS (KiB) over `runs`, or null when none was measured. */
export function largestPeakRssKiB(runs: readonly RunResult[]): number | null {
  const values = runs.map((run) => run.peakRssKiB).filter((value) => value !== null);
  return values.length === 0 ? null : Math.max(...values);
}

/** `min – max` of a non-empty list of ms, each written with `format`. */
export function rangeText(values: readonly number[], format: (ms: number) => string): string {
  return `${format(Math.min(...values))} – ${format(Math.max(...values))}`;
}

/** A ratio as `1.23×`. */
export function ratioText(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** A share (0..1) as a whole percentage, `12%`, or `n/a` for null (not known). */
export function percentText(share: number | null): string {
  return share === null ? "n/a" : `${(share * 100).toFixed(0)}%`;
}

/** `pass` or `FAIL`, or `n/a` for null (no target or no measurement). */
export function verdict(pass: boolean | null): string {
  return pass === null ? "n/a" : pass ? "pass" : "FAIL";
}

/** Lays out rows as a plain-text table with space-padded columns (numbers right-aligned). */
export function textTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length))
  );
  const numeric = /^[-+]?[\d.,]+( ?[a-zA-Z%×]+)?$/;
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => {
      const width = widths[column] ?? cell.length;
      return numeric.test(cell) ? cell.padStart(width) : cell.padEnd(width);
    }).join("  ").trimEnd();
  return [line(headers), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)]
    .join("\n");
}
