/**
 * What a benchmark section records about where it ran: the machine and toolchain (CPUs, RAM,
 * OS, Deno, DuckDB, SQLite), the code measured (commit and uncommitted changes), how peak RSS
 * was read, and how busy other processes kept the CPUs (CPU time from `/proc`, or the load
 * average).
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { commandText, DENO, rawDuckdbArgs, SQLITE3 } from "./commands.ts";
import { type RssMethod, rssMethod, type RunResult } from "./measure.ts";

/** The machine and toolchain, as text for the record. */
export interface MachineBasics {
  /** CPUs from `nproc` (or `navigator.hardwareConcurrency` without it). */
  readonly nproc: string;
  /** Total RAM, e.g. `23.5 GiB`. */
  readonly memory: string;
  /** The CPU's model name from `/proc/cpuinfo`, or `unknown`. */
  readonly cpu: string;
  /** OS, kernel release and architecture, e.g. `linux 6.1.0 x86_64`. */
  readonly os: string;
  /** Deno's version, e.g. `2.9.6`. */
  readonly deno: string;
  /** When the facts were read, ISO 8601 to the second in UTC. */
  readonly date: string;
  /** How peak RSS is read on this machine. */
  readonly rss: RssMethod;
}

/** Reads {@link MachineBasics} for this machine, now. */
export async function machineBasics(): Promise<MachineBasics> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  return {
    nproc: (await commandText("nproc", [])) ?? String(navigator.hardwareConcurrency),
    memory: `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(1)} GiB`,
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    rss: await rssMethod(),
  };
}

/** The machine, DuckDB's version and the code measured, as a section records them. */
export interface BenchSetting {
  /** The machine and Deno. */
  readonly machine: MachineBasics;
  /** From {@link duckdbVersionText}. */
  readonly duckdb: string;
  /** From {@link describeCodeVersion}. */
  readonly code: string;
}

/**
 * Reads the {@link BenchSetting} now; `codePaths` and `shownAtMost` go to
 * {@link describeCodeVersion}.
 */
export async function readBenchSetting(
  codePaths: readonly string[],
  shownAtMost = Infinity,
): Promise<BenchSetting> {
  return {
    machine: await machineBasics(),
    duckdb: await duckdbVersionText(),
    code: await describeCodeVersion(codePaths, shownAtMost),
  };
}

/** `2 CPUs (\`nproc\`), 23.5 GiB RAM, CPU, OS; Deno 2.9.6`, for a section's machine line. */
export function machineText(machine: MachineBasics): string {
  return `${machine.nproc} CPUs (\`nproc\`), ${machine.memory} RAM, ${machine.cpu}, ` +
    `${machine.os}; Deno ${machine.deno}`;
}

/** DuckDB's version and the `@duckdb/node-api` package's: `v1.5.5 (@duckdb/node-api 1.5.5-r.5)`. */
export async function duckdbVersionText(): Promise<string> {
  const versions = await commandText(DENO, rawDuckdbArgs("version"));
  const [duckdb = "unknown", nodeApi = "unknown"] = (versions ?? "unknown\tunknown").split("\t");
  return `${duckdb} (@duckdb/node-api ${nodeApi})`;
}

/** The `sqlite3` shell's version and date, e.g. `3.40.1 2022-12-28`, or `unknown`. */
export async function sqlite3ShellVersion(): Promise<string> {
  const version = await commandText(SQLITE3, ["--version"]);
  return version?.split(" ").slice(0, 2).join(" ") ?? "unknown";
}

/** `sqlite_version()` of the SQLite inside `node:sqlite`, e.g. `3.53.2`. */
export function nodeSqliteVersion(): string {
  const db = new DatabaseSync(":memory:");
  try {
    return String(db.prepare("SELECT sqlite_version() AS v").get()?.v ?? "unknown");
  } finally {
    db.close();
  }
}

/**
 * The commit checked out and which of `paths` (files or folders of the project) differ from
 * it, naming at most `shownAtMost` of them: `commit abc1234 with uncommitted changes in
 * \`src/x.ts\``. Read-only git commands; `--no-optional-locks` keeps `git status` from
 * refreshing the index.
 */
export async function describeCodeVersion(
  paths: readonly string[],
  shownAtMost = Infinity,
): Promise<string> {
  const commit = await commandText("git", ["--no-optional-locks", "rev-parse", "--short", "HEAD"]);
  if (commit === null) return "unknown (not a git checkout)";
  const status = await commandText("git", [
    "--no-optional-locks",
    "status",
    "--porcelain",
    "--",
    ...paths,
  ]);
  // Porcelain lines are "XY path"; the output was trimmed, so the first may have lost a space.
  const changed = (status ?? "").split("\n").map((line) => /^\s*\S{1,2}\s+(.+)$/.exec(line)?.[1])
    .filter((path) => path !== undefined);
  if (changed.length === 0) return `commit ${commit}`;
  const shown = changed.slice(0, shownAtMost).map((path) => `\`${path}\``).join(", ");
  const more = changed.length > shownAtMost ? ` and ${changed.length - shownAtMost} more` : "";
  return `commit ${commit} with uncommitted changes in ${shown}${more}`;
}

/** How peak RSS was read, in full, for a section's method paragraph. */
export function rssMethodDescription(method: RssMethod): string {
  switch (method) {
    case "gnu-time":
      return "GNU time `%M` (the kernel's `ru_maxrss` for the child)";
    case "proc-vmhwm":
      return "`/proc/<pid>/status` `VmHWM`, polled every 20 ms";
    case "none":
      return "not available on this machine";
  }
}

/** How peak RSS was read, in brief. */
export function rssMethodBrief(method: RssMethod): string {
  switch (method) {
    case "gnu-time":
      return "GNU time `%M`";
    case "proc-vmhwm":
      return "`/proc/<pid>/status` `VmHWM` polled every 20 ms";
    case "none":
      return "not available";
  }
}

// ---- load average ----------------------------------------------------------------------------

/** A 1-minute load average above this, before a bench starts, means other work is running. */
export const BUSY_LOAD_AVERAGE = 1.0;

/** The 1, 5 and 15 minute load averages, `0.62 1.49 1.46`. */
export function loadAverageText(): string {
  return Deno.loadavg().map((value) => value.toFixed(2)).join(" ");
}

/** Whether a {@link loadAverageText}'s 1-minute figure is above {@link BUSY_LOAD_AVERAGE}. */
export function loadAverageIsBusy(loadAverage: string): boolean {
  return Number(loadAverage.split(" ")[0]) > BUSY_LOAD_AVERAGE;
}

// ---- CPU time of other processes -------------------------------------------------------------

/** Machine-wide and own CPU time at one moment, in seconds (from `/proc`). */
export interface CpuSnapshot {
  /** CPU seconds all processes spent working (user, nice, system, irq, softirq, steal). */
  readonly busy: number;
  /** CPU seconds this process spent (user + system). */
  readonly self: number;
}

/** Reads a {@link CpuSnapshot}, or null where `/proc` is unavailable. */
export async function cpuSnapshot(): Promise<CpuSnapshot | null> {
  try {
    const ticks = await clockTicks();
    const cpu = (await Deno.readTextFile("/proc/stat")).split("\n")[0]!.trim().split(/\s+/)
      .slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    // Fields 14 and 15 of /proc/self/stat, counted after the parenthesised command name.
    const self = (await Deno.readTextFile("/proc/self/stat")).split(") ")[1]!.split(" ");
    return {
      busy: (user + nice + system + irq + softirq + steal) / ticks,
      self: (Number(self[11]) + Number(self[12])) / ticks,
    };
  } catch {
    return null;
  }
}

let cachedTicks: Promise<number> | undefined;

/** `getconf CLK_TCK` (the unit of `/proc` CPU times), 100 if it cannot be asked. */
function clockTicks(): Promise<number> {
  cachedTicks ??= new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped" }).output()
    .then((out) => Number(new TextDecoder().decode(out.stdout).trim()) || 100, () => 100);
  return cachedTicks;
}

/**
 * Other processes above this share of the machine's CPU time (0..1) make the figures noisy:
 * a busy CPU slows DuckDB's parallel work more than single-threaded JS.
 */
export const BUSY_CPU_SHARE = 0.10;

/**
 * Share (0..1) of the machine's CPU time that processes other than this one and its children
 * used between two snapshots `wallSeconds` apart, `childCpuSeconds` being the children's CPU
 * seconds in that time; null if unknown.
 */
export function otherCpuShare(
  from: CpuSnapshot | null,
  to: CpuSnapshot | null,
  childCpuSeconds: number,
  wallSeconds: number,
): number | null {
  if (from === null || to === null || wallSeconds <= 0) return null;
  const other = (to.busy - from.busy) - (to.self - from.self) - childCpuSeconds;
  return Math.max(0, other) / (wallSeconds * navigator.hardwareConcurrency);
}

/** Other processes' CPU share (0..1, null if unknown) before and during a bench run. */
export interface Interference {
  /** In the second before the run. */
  readonly before: number | null;
  /** During the run (null also when a child's CPU time was unknown). */
  readonly during: number | null;
}

/** Whether other processes' share before or during the run was above {@link BUSY_CPU_SHARE}. */
export function interferenceIsBusy(interference: Interference): boolean {
  return (interference.before ?? 0) > BUSY_CPU_SHARE ||
    (interference.during ?? 0) > BUSY_CPU_SHARE;
}

/**
 * Measures {@link Interference}: {@link start} samples one idle second, {@link countChild}
 * adds each child's CPU time (GNU time's user + system), {@link finish} computes the share
 * during the run.
 */
export class InterferenceMeter {
  readonly #before: number | null;
  readonly #runFrom: CpuSnapshot | null;
  readonly #started = performance.now();
  #childCpuSeconds = 0;
  #childCpuKnown = true;

  private constructor(before: number | null, runFrom: CpuSnapshot | null) {
    this.#before = before;
    this.#runFrom = runFrom;
  }

  /** Samples other processes' CPU share over one second, then starts the run's clock. */
  static async start(): Promise<InterferenceMeter> {
    const idleFrom = await cpuSnapshot();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const runFrom = await cpuSnapshot();
    return new InterferenceMeter(otherCpuShare(idleFrom, runFrom, 0, 1), runFrom);
  }

  /** Other processes' CPU share (0..1) in the idle second, null if unknown. */
  get before(): number | null {
    return this.#before;
  }

  /** Counts one child's CPU time; a child without it makes the share during the run unknown. */
  countChild(run: RunResult): void {
    if (run.cpuSeconds === null) this.#childCpuKnown = false;
    else this.#childCpuSeconds += run.cpuSeconds;
  }

  /** The shares before and during the run (up to now). */
  async finish(): Promise<Interference> {
    return {
      before: this.#before,
      during: this.#childCpuKnown
        ? otherCpuShare(
          this.#runFrom,
          await cpuSnapshot(),
          this.#childCpuSeconds,
          (performance.now() - this.#started) / 1000,
        )
        : null,
    };
  }
}
