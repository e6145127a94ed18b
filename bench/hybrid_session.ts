/**
 * The in-process sides of `bench/hybrid.ts`: one Noctra session through the library
 * (`Noctra.open()`, `execute`, every chunk read), timed inside the process. `bench/hybrid.ts`
 * runs them as fresh `deno run --allow-all bench/hybrid.ts --child MODE` processes, each
 * printing one JSON line.
 *
 * - `join_warm`: attach `customers.db`, run the join once and then `warmRuns` more times,
 *   reading `SHOW CACHE` after the first and after the last ({@link JoinWarmReport}).
 * - `bridge_1m`: attach `events.db` and run the aggregate that bridges all of `ev.events`
 *   into DuckDB, then `SHOW CACHE` and the check aggregates ({@link BridgeReport}).
 *
 * @module
 */
import type { Noctra } from "../mod.ts";
import {
  ATTACH_CRM,
  ATTACH_EVENTS,
  BRIDGE_SQL,
  EVENTS_CHECK_SQL,
  JOIN_SQL,
} from "./hybrid_data.ts";

/** A cached table as `SHOW CACHE` shows it, cells as text. */
export type CacheRow = readonly string[];

/** What `--child join_warm` prints; times in ms. */
export interface JoinWarmReport {
  /** `Noctra.open()`. */
  readonly openMs: number;
  /** The `ATTACH`. */
  readonly attachMs: number;
  /** The first join, which loads and caches the table. */
  readonly firstMs: number;
  /** Each repeat of the join. */
  readonly warmMs: readonly number[];
  /** `SHOW CACHE` after the first join. */
  readonly cacheAfterFirst: readonly CacheRow[];
  /** `SHOW CACHE` after the last join. */
  readonly cacheAtEnd: readonly CacheRow[];
  /** Column names of the join's answer. */
  readonly columns: readonly string[];
  /** Rows of the last repeat, cells as text. */
  readonly rows: readonly (readonly string[])[];
}

/** What `--child bridge_1m` prints; times in ms. */
export interface BridgeReport {
  /** `Noctra.open()`. */
  readonly openMs: number;
  /** The `ATTACH`. */
  readonly attachMs: number;
  /** The bridge query, from `execute` until its last chunk has been read. */
  readonly bridgeMs: number;
  /** The row count the bridge query answered, as text. */
  readonly count: string;
  /** `SHOW CACHE` after the bridge query. */
  readonly cache: readonly CacheRow[];
  /** The `EVENTS_CHECK_SQL` row, cells as text. */
  readonly check: readonly string[];
}

function cellText(cell: unknown): string {
  return cell === null || cell === undefined ? "NULL" : String(cell);
}

interface TimedQuery {
  readonly ms: number;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Runs `sql` and reads every chunk, timing from `execute` to the last chunk. */
async function timedQuery(noctra: Noctra, sql: string): Promise<TimedQuery> {
  const started = performance.now();
  const result = await noctra.execute(sql);
  const cells: unknown[][] = [];
  if (result.kind === "rows") {
    for await (const chunk of result.chunks()) {
      for (let row = 0; row < chunk.rowCount; row++) {
        cells.push(chunk.columns.map((vector) => vector.getItem(row)));
      }
    }
  }
  const elapsed = performance.now() - started;
  return {
    ms: elapsed,
    columns: result.kind === "rows" ? result.columns.map((column) => column.name) : [],
    rows: cells.map((row) => row.map(cellText)),
  };
}

async function joinWarm(warmRuns: number): Promise<JoinWarmReport> {
  const { Noctra } = await import("../mod.ts");
  const opening = performance.now();
  const noctra = await Noctra.open();
  try {
    const attaching = performance.now();
    await timedQuery(noctra, ATTACH_CRM);
    const attached = performance.now();
    const first = await timedQuery(noctra, JOIN_SQL);
    const cacheAfterFirst = (await timedQuery(noctra, "SHOW CACHE")).rows;
    const warmMs: number[] = [];
    let last = first;
    for (let run = 0; run < warmRuns; run++) {
      last = await timedQuery(noctra, JOIN_SQL);
      warmMs.push(last.ms);
    }
    const cacheAtEnd = (await timedQuery(noctra, "SHOW CACHE")).rows;
    return {
      openMs: attaching - opening,
      attachMs: attached - attaching,
      firstMs: first.ms,
      warmMs,
      cacheAfterFirst,
      cacheAtEnd,
      columns: last.columns,
      rows: last.rows,
    };
  } finally {
    noctra.close();
  }
}

async function bridge(): Promise<BridgeReport> {
  const { Noctra } = await import("../mod.ts");
  const opening = performance.now();
  const noctra = await Noctra.open();
  try {
    const attaching = performance.now();
    await timedQuery(noctra, ATTACH_EVENTS);
    const attached = performance.now();
    const bridged = await timedQuery(noctra, BRIDGE_SQL);
    const cache = (await timedQuery(noctra, "SHOW CACHE")).rows;
    const check = (await timedQuery(noctra, EVENTS_CHECK_SQL)).rows[0] ?? [];
    return {
      openMs: attaching - opening,
      attachMs: attached - attaching,
      bridgeMs: bridged.ms,
      count: bridged.rows[0]?.[0] ?? "none",
      cache,
      check,
    };
  } finally {
    noctra.close();
  }
}

/**
 * Runs the session `mode` (`join_warm` with `warmRuns` repeats, or `bridge_1m`) and prints its
 * report as one JSON line. Returns the exit code: 0, 1 when the session failed (message on
 * stderr), 2 for an unknown mode.
 */
export async function runSession(mode: string, warmRuns: number): Promise<number> {
  try {
    const report = mode === "join_warm"
      ? await joinWarm(warmRuns)
      : mode === "bridge_1m"
      ? await bridge()
      : undefined;
    if (report === undefined) {
      console.error(`bench: --child ${mode}: expected join_warm or bridge_1m`);
      return 2;
    }
    console.log(JSON.stringify(report));
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
