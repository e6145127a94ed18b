/**
 * Interleaving: every side of a comparison runs once to warm caches, then the sides take turns
 * round after round, so a change in machine load or page cache hits every side alike.
 *
 * {@link runRounds} is the loop itself, for any kind of side (a measured process, a process
 * that reports its own in-process timing, …); {@link interleavedWallTimes} and
 * {@link measureSides} are the common cases of commands compared by wall time and peak RSS.
 *
 * @module
 */
import { runMeasured, type RunResult, type RunSpec } from "./measure.ts";

/** Which round a side is run in. */
export interface Round {
  /** `warm-up` for the discarded first round, else `N/REPS` (1-based), for logging. */
  readonly label: string;
  /** True for the discarded warm-up round. */
  readonly warmUp: boolean;
}

/** What {@link runRounds} collected, each list in the order the sides were given. */
export interface RoundResults<T> {
  /** One result per side from the warm-up round. */
  readonly warmUp: readonly T[];
  /** Per side, its results from the timed rounds, in round order (`reps` entries each). */
  readonly timed: readonly (readonly T[])[];
}

/**
 * Runs each of `sides` once as a warm-up (in the order given), then `reps` timed rounds of
 * every side. With `order` `alternate` the sides run in reverse order in every even round
 * (2, 4, …), so no side always runs right after another one's cache effects; with `fixed`
 * they always run in the order given. After each round, the warm-up included, `onRound` gets
 * that round's results in the order of `sides`.
 */
export async function runRounds<T>(
  sides: readonly ((round: Round) => Promise<T>)[],
  reps: number,
  order: "alternate" | "fixed",
  onRound?: (results: readonly T[], round: Round) => void,
): Promise<RoundResults<T>> {
  const runRound = async (round: Round, reversed: boolean): Promise<T[]> => {
    const results = new Array<T>(sides.length);
    const indexes = sides.map((_, index) => index);
    for (const index of reversed ? indexes.reverse() : indexes) {
      results[index] = await sides[index]!(round);
    }
    onRound?.(results, round);
    return results;
  };
  const warmUp = await runRound({ label: "warm-up", warmUp: true }, false);
  const timed = sides.map((): T[] => []);
  for (let rep = 1; rep <= reps; rep++) {
    const results = await runRound(
      { label: `${rep}/${reps}`, warmUp: false },
      order === "alternate" && rep % 2 === 0,
    );
    results.forEach((result, index) => timed[index]!.push(result));
  }
  return { warmUp, timed };
}

/** A named command, one side of a comparison. */
export interface NamedSpec {
  /** Shown in tables and error messages. */
  readonly name: string;
  /** The command to run for this side. */
  readonly spec: RunSpec;
}

/**
 * Runs each of `cases` once to warm caches, then `reps` times in turn (interleaved, always in
 * the order given, so load changes hit every case alike), and returns each case's wall times
 * in ms by name. Throws when a timed run exits non-zero.
 */
export async function interleavedWallTimes(
  cases: readonly NamedSpec[],
  reps: number,
): Promise<Map<string, number[]>> {
  const { timed } = await runRounds(
    cases.map((entry) => async (round: Round) => {
      const run = await runMeasured(entry.spec);
      if (!round.warmUp && run.exitCode !== 0) {
        throw new Error(`${entry.name} failed: ${run.stderr}`);
      }
      return run.wallMs;
    }),
    reps,
    "fixed",
  );
  return new Map(cases.map((entry, index) => [entry.name, [...timed[index]!]]));
}

/** One side of a comparison and what its runs measured. */
export interface MeasuredSide {
  /** The side's name, as given. */
  readonly name: string;
  /** The command run for this side. */
  readonly spec: RunSpec;
  /** Wall times of the measured runs, ms. */
  readonly times: number[];
  /** Peak RSS of the measured runs, KiB (empty when no method is available). */
  readonly rssKiB: number[];
  /** The last measured run, for checking its output. */
  last: RunResult | null;
}

/**
 * Runs each side once to warm caches, then `reps` rounds, alternating the order of the sides
 * each round (so neither always runs first after the other's page-cache effects). Throws,
 * naming the side, when a timed run exits non-zero.
 *
 * @returns the sides in the order given, with their wall times (ms) and peak RSS (KiB).
 */
export async function measureSides(
  sides: readonly NamedSpec[],
  reps: number,
): Promise<MeasuredSide[]> {
  const measured: MeasuredSide[] = sides.map((side) => ({
    ...side,
    times: [],
    rssKiB: [],
    last: null,
  }));
  await runRounds(
    measured.map((side) => async (round: Round) => {
      const run = await runMeasured(side.spec);
      if (round.warmUp) return;
      if (run.exitCode !== 0) {
        throw new Error(`${side.name}: exit ${run.exitCode}: ${run.stderr.slice(0, 400)}`);
      }
      side.times.push(run.wallMs);
      if (run.peakRssKiB !== null) side.rssKiB.push(run.peakRssKiB);
      side.last = run;
    }),
    reps,
    "alternate",
  );
  return measured;
}
