/**
 * `PerformanceConfig`: how many DuckDB threads a query gets. Local files are CPU-bound, so they
 * get `base_threads`; remote reads (`s3://`, `http(s)://`, `gs://`, …) wait on the network, so
 * more threads keep more requests in flight: `base_threads × remote_multiplier` (seeds, phase 1.5).
 *
 * @module
 */

/** How the thread count is chosen: always local, always remote, or by the paths a query reads. */
export type IOType = "local" | "remote" | "adaptive";

const REMOTE_SCHEMES = [
  "s3://",
  "s3a://",
  "s3n://",
  "http://",
  "https://",
  "gs://",
  "gcs://",
  "r2://",
  "az://",
  "azure://",
  "abfss://",
  "hf://",
];

/** True for a path DuckDB reads over the network. */
export function isRemotePath(path: string): boolean {
  const lower = path.toLowerCase();
  return REMOTE_SCHEMES.some((scheme) => lower.startsWith(scheme));
}

/** Thread policy of a session. */
export class PerformanceConfig {
  /** Threads for local work (≥ 1). */
  readonly baseThreads: number;
  /** Factor for remote work (≥ 1). */
  readonly remoteMultiplier: number;
  /** Whether the session's files are local or remote (`io_type`), which sets the threads. */
  readonly ioType: IOType;

  /**
   * A thread policy.
   *
   * @param baseThreads threads for local work; below 1 becomes 1, fractions are cut.
   * @param remoteMultiplier factor for remote work; below 1 becomes 1.
   * @param ioType the `io_type` setting.
   */
  constructor(baseThreads: number, remoteMultiplier: number, ioType: IOType) {
    this.baseThreads = Math.max(1, Math.trunc(baseThreads));
    this.remoteMultiplier = Math.max(1, remoteMultiplier);
    this.ioType = ioType;
  }

  /** Threads for remote work: `base_threads × remote_multiplier`, rounded down. */
  get remoteThreads(): number {
    return Math.max(1, Math.floor(this.baseThreads * this.remoteMultiplier));
  }

  /**
   * Threads for a query that reads `paths`: remote threads when `io_type` is `remote`, or
   * `adaptive` and any path is remote; else base threads.
   *
   * @example
   * ```ts
   * import { PerformanceConfig } from "./performance.ts";
   * import { strictEqual } from "node:assert/strict";
   *
   * const config = new PerformanceConfig(8, 3.0, "adaptive");
   * strictEqual(config.threadsFor(["data/local.csv"]), 8);
   * strictEqual(config.threadsFor(["s3://bucket/events.parquet"]), 24);
   * ```
   */
  threadsFor(paths: readonly string[]): number {
    if (this.ioType === "local") return this.baseThreads;
    if (this.ioType === "remote" || paths.some(isRemotePath)) return this.remoteThreads;
    return this.baseThreads;
  }
}
