/**
 * How a statement runs in DuckDB once the router chose DuckDB: with the threads its paths call
 * for (`PerformanceConfig`: more for remote files), restored when its result has been read; with
 * a one-line profile when `duckdb.tuning.enable_profiling` is on; and with a failure to load
 * httpfs for remote paths turned into one line that says why.
 *
 * @module
 */
import type { StatementRelations } from "./relations.ts";
import type { DuckDBSource } from "./sources/duckdb_source.ts";
import type { CopyFormat, StatementResult } from "./result.ts";
import { firstLine } from "./first_line.ts";
import { pathsRead } from "./statement_route.ts";
import { groupedDigits } from "../render/values.ts";
import { NoctraError } from "../errors.ts";
import { isRemotePath, type PerformanceConfig } from "../config/performance.ts";

/** What {@link runInDuckDB} runs a statement with. */
export interface DuckDBRunPolicy {
  /** Runs the statement, and `SET threads` around it. */
  readonly duckdb: DuckDBSource;
  /** The thread policy from the current settings. */
  readonly performance: PerformanceConfig;
  /** `duckdb.tuning.enable_profiling`: report a profile line after the statement. */
  readonly profiling: boolean;
  /** Receives the profile line (when {@link profiling}). */
  readonly onProfile: (line: string) => void;
}

/**
 * Runs a DuckDB statement (`run` starts it) under `policy`. `relations` (null when DuckDB's
 * parser gave no tree) names the paths that decide the threads. Returns `run`'s result, wrapped
 * only when something must happen as its rows end (threads to restore, a profile to report, a
 * remote read to explain). Throws `run`'s error, or {@link NoctraError} when remote paths could
 * not load httpfs.
 */
export async function runInDuckDB(
  policy: DuckDBRunPolicy,
  relations: StatementRelations | null,
  run: () => Promise<StatementResult>,
): Promise<StatementResult> {
  const paths = pathsRead(relations);
  const remote = paths.filter(isRemotePath);
  const { duckdb, performance, profiling } = policy;
  const threads = performance.threadsFor(paths);
  const started = performance_now();
  if (threads !== performance.baseThreads) await duckdb.run(`SET threads = ${threads}`);
  const finish = async (rows: number | undefined) => {
    if (threads !== performance.baseThreads) {
      await duckdb.run(`SET threads = ${performance.baseThreads}`);
    }
    if (profiling) policy.onProfile(profileLine(performance_now() - started, rows, threads));
  };
  const explain = (error: unknown): unknown =>
    remote.length > 0 &&
      /httpfs|extension/i.test(error instanceof Error ? error.message : String(error))
      ? new NoctraError(
        `${
          remote[0]
        }: remote paths need DuckDB's httpfs extension, which could not be loaded — DuckDB downloads it at first use and that needs network access (${
          firstLine(error)
        })`,
        undefined,
        { cause: error },
      )
      : error;
  let result: StatementResult;
  try {
    result = await run();
  } catch (error) {
    await finish(undefined).catch(() => {});
    throw explain(error);
  }
  if (result.kind === "message") {
    await finish(result.rowsChanged);
    return result;
  }
  if (threads === performance.baseThreads && !profiling && remote.length === 0) {
    // Nothing to restore or report when the result ends: no wrapper around every chunk.
    return result;
  }
  const inner = result;
  let settled = false;
  const settle = async (rows: number) => {
    if (settled) return;
    settled = true;
    await finish(rows);
  };
  return {
    kind: "rows",
    columns: inner.columns,
    chunks: async function* () {
      let rows = 0;
      try {
        for await (const chunk of inner.chunks()) {
          rows += chunk.rowCount;
          yield chunk;
        }
      } catch (error) {
        throw explain(error);
      } finally {
        await settle(rows);
      }
    },
    ...(inner.copyTo === undefined ? {} : {
      ...(inner.copyFormats === undefined ? {} : { copyFormats: inner.copyFormats }),
      copyTo: async (path: string, format: CopyFormat) => {
        let rows = 0;
        try {
          rows = await inner.copyTo!(path, format);
          return rows;
        } catch (error) {
          throw explain(error);
        } finally {
          await settle(rows);
        }
      },
    }),
  };
}

const performance_now = () => performance.now();

/** `profile: 12 ms, 1,000 rows, 2 threads, peak RSS 180 MB` (peak RSS of the process, Linux). */
function profileLine(elapsedMs: number, rows: number | undefined, threads: number): string {
  let peak = "";
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    if (match) peak = `, peak RSS ${(Number(match[1]) * 1024 / 1e6).toFixed(1)} MB`;
  } catch { /* not Linux, or not readable */ }
  const rowText = rows === undefined
    ? ""
    : `, ${groupedDigits(rows)} ${rows === 1 ? "row" : "rows"}`;
  return `profile: ${elapsedMs.toFixed(1)} ms${rowText}, ${threads} threads${peak}`;
}
