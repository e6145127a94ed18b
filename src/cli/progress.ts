/**
 * The progress bar of a long statement, on stderr, only when stderr is a terminal: it appears once
 * a statement has run for {@link PROGRESS_DELAY_MS}, redraws every {@link PROGRESS_INTERVAL_MS},
 * and is erased when the statement ends, so the result and the next prompt start on a clean line.
 *
 * What it shows comes from a {@link ProgressReader}: DuckDB's own query progress
 * (`connection.progress`, kept by DuckDB when `enable_progress_bar` is on: a percentage for
 * operators that can estimate it, such as file scans; −1 when none can) and, while SQLite rows are
 * copied into DuckDB, the rows copied so far. With a percentage the bar fills; without one it shows
 * the rows and the elapsed time.
 *
 * @module
 */
import { groupedDigits } from "../render/values.ts";

/** Milliseconds a statement runs before its progress bar appears. */
export const PROGRESS_DELAY_MS = 500;
/** Milliseconds between redraws. */
export const PROGRESS_INTERVAL_MS = 100;

/** What a running statement has done so far. */
export interface Progress {
  /** 0–100 when the engine can estimate it, else undefined. */
  readonly percentage?: number | undefined;
  /** Rows processed (scanned, or copied from SQLite) so far, when known. */
  readonly rows?: number | undefined;
}

/** Asks the session how the running statement is doing; null when nothing is running. */
export type ProgressReader = () => Progress | null;

/** Where the bar is drawn: stderr, or a test's stand-in. */
export interface ProgressTerminal {
  /** Whether the output is a terminal (no bar otherwise). */
  isTerminal(): boolean;
  /** Writes text at once (synchronously, so the bar never lags the statement's own output). */
  writeSync(bytes: Uint8Array): number;
  /** The terminal's width in characters, or undefined when unknown. */
  columns(): number | undefined;
}

/** stderr as a {@link ProgressTerminal}. */
export const STDERR_TERMINAL: ProgressTerminal = {
  isTerminal: () => Deno.stderr.isTerminal(),
  writeSync: (bytes) => Deno.stderr.writeSync(bytes),
  columns: () => {
    try {
      const { columns } = Deno.consoleSize();
      return columns > 0 ? columns : undefined;
    } catch {
      return undefined;
    }
  },
};

/** A progress bar that is running; `stop` erases it (and must be called once). */
export interface ProgressBar {
  /** Stops redrawing and erases the bar if it was drawn. */
  stop(): void;
}

/**
 * Starts the progress bar of one statement. Nothing is drawn unless `terminal` is a terminal and
 * the statement is still running after {@link PROGRESS_DELAY_MS}.
 *
 * @param read how the statement is doing (asked on every redraw).
 * @param terminal where to draw (default stderr).
 * @param now the clock, in ms (tests pass their own).
 */
export function startProgress(
  read: ProgressReader,
  terminal: ProgressTerminal = STDERR_TERMINAL,
  now: () => number = () => performance.now(),
): ProgressBar {
  if (!terminal.isTerminal()) return { stop() {} };
  const started = now();
  const encoder = new TextEncoder();
  let drawn = false;
  const draw = () => {
    const progress = read();
    if (progress === null) return;
    const line = progressLine(progress, now() - started, terminal.columns() ?? 80);
    terminal.writeSync(encoder.encode(`\r${line}\x1b[K`));
    drawn = true;
  };
  let interval: ReturnType<typeof setInterval> | undefined;
  const delay = setTimeout(() => {
    draw();
    interval = setInterval(draw, PROGRESS_INTERVAL_MS);
  }, PROGRESS_DELAY_MS);
  return {
    stop() {
      clearTimeout(delay);
      if (interval !== undefined) clearInterval(interval);
      if (drawn) terminal.writeSync(encoder.encode("\r\x1b[K"));
      drawn = false;
    },
  };
}

/**
 * One line of the bar, at most `width − 1` characters: `[█████░░░░░]  43%  1.2 s` with a
 * percentage, `1,234,567 rows  1.2 s` (or just the time) without one.
 *
 * @param elapsedMs time since the statement started.
 * @param width the terminal's width in characters.
 */
export function progressLine(progress: Progress, elapsedMs: number, width: number): string {
  const seconds = `${(elapsedMs / 1000).toFixed(1)} s`;
  const rows = progress.rows === undefined ? "" : `${groupedDigits(progress.rows)} rows  `;
  const percentage = progress.percentage;
  if (percentage === undefined || !(percentage >= 0)) {
    return `${rows}${seconds}`.slice(0, width - 1);
  }
  const clamped = Math.min(100, Math.max(0, percentage));
  const label = `${clamped.toFixed(0).padStart(3)}%  ${rows}${seconds}`;
  const barWidth = Math.max(10, Math.min(40, width - label.length - 4));
  const filled = Math.round((clamped / 100) * barWidth);
  return `[${"█".repeat(filled)}${"░".repeat(barWidth - filled)}] ${label}`.slice(0, width - 1);
}
