/**
 * Measurement helpers for `bench/run.ts`: run one command as a fresh process, time it, read its
 * peak resident set size, and drain its stdout while counting bytes and newlines.
 *
 * Peak RSS comes from GNU `time -f %M` when `/usr/bin/time` is GNU time: the kernel's
 * `ru_maxrss` for the child, reported by `wait4`, so it is exact (KiB). Without GNU time the
 * helper polls `/proc/<pid>/status` `VmHWM` (the kernel's own resident high-water mark) every
 * 20 ms until the child exits and keeps the last value read; a spike in the last interval
 * before exit can then be missed.
 *
 * Wall time is measured here, from just before the spawn until the child has exited and its
 * stdout is fully drained, so it includes process start-up and writing every output byte.
 *
 * @module
 */

/** How peak RSS is read; see the module documentation. */
export type RssMethod = "gnu-time" | "proc-vmhwm" | "none";

/** What to do with the child's stdout, which is always a pipe the bench drains. */
export type StdoutMode =
  /** Count bytes and newlines and keep only the first line (for large outputs). */
  | "count"
  /** Count, and also keep the whole text (for small outputs that are checked). */
  | "capture";

/** One command to run. */
export interface RunSpec {
  /** Executable, e.g. `Deno.execPath()`. */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly stdout: StdoutMode;
  /** Variables added to (or overriding) the inherited environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** What one run measured. */
export interface RunResult {
  /** Wall time from spawn until exit and end of stdout, in milliseconds. */
  readonly wallMs: number;
  /** Peak resident set size in KiB, or null when no method is available. */
  readonly peakRssKiB: number | null;
  /** User + system CPU seconds of the child (GNU time only), else null. */
  readonly cpuSeconds: number | null;
  readonly exitCode: number;
  readonly stdoutBytes: number;
  /** Newline (0x0A) bytes seen on stdout. */
  readonly stdoutLines: number;
  /** Stdout up to its first newline (at most 4 KiB). */
  readonly firstLine: string;
  /** The whole stdout as text in `capture` mode, else null. */
  readonly stdoutText: string | null;
  /** The whole stderr as text. */
  readonly stderr: string;
}

const GNU_TIME = "/usr/bin/time";
const POLL_INTERVAL_MS = 20;
const FIRST_LINE_LIMIT = 4096;

let cachedMethod: Promise<RssMethod> | undefined;

/**
 * Picks how peak RSS is measured on this machine: GNU time if `/usr/bin/time --version` says so,
 * else `/proc` polling if `/proc/self/status` has `VmHWM`, else none. Cached after the first call.
 */
export function rssMethod(): Promise<RssMethod> {
  cachedMethod ??= detectRssMethod();
  return cachedMethod;
}

async function detectRssMethod(): Promise<RssMethod> {
  try {
    const out = await new Deno.Command(GNU_TIME, {
      args: ["--version"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    if (out.success && text.includes("GNU")) return "gnu-time";
  } catch {
    // Not installed: fall through.
  }
  try {
    if (/^VmHWM:/m.test(await Deno.readTextFile("/proc/self/status"))) return "proc-vmhwm";
  } catch {
    // No /proc: fall through.
  }
  return "none";
}

/** Reads `VmHWM` (KiB) from `/proc/<pid>/status`, or null if the process is gone. */
async function readVmHwm(pid: number): Promise<number | null> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? null : Number(match[1]);
  } catch {
    return null;
  }
}

interface Drained {
  bytes: number;
  lines: number;
  firstLine: string;
  text: string | null;
}

/** Reads a stream to its end, counting bytes and newlines; keeps the text if asked. */
async function drain(stream: ReadableStream<Uint8Array>, keepText: boolean): Promise<Drained> {
  let bytes = 0;
  let lines = 0;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let headDone = false;
  const kept: Uint8Array[] = [];
  for await (const chunk of stream) {
    bytes += chunk.length;
    let at = chunk.indexOf(10);
    if (!headDone) {
      const end = at === -1 ? chunk.length : at;
      const room = FIRST_LINE_LIMIT - headBytes;
      head.push(chunk.subarray(0, Math.min(end, room)));
      headBytes += Math.min(end, room);
      headDone = at !== -1 || headBytes >= FIRST_LINE_LIMIT;
    }
    while (at !== -1) {
      lines++;
      at = chunk.indexOf(10, at + 1);
    }
    if (keepText) kept.push(chunk);
  }
  const decoder = new TextDecoder();
  return {
    bytes,
    lines,
    firstLine: decoder.decode(concat(head)),
    text: keepText ? decoder.decode(concat(kept)) : null,
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Runs `spec` as a fresh process with stdout and stderr piped to this process, drains both, and
 * returns wall time, peak RSS and what came out. Never throws for a failing child: check
 * `exitCode`.
 */
export async function runMeasured(spec: RunSpec): Promise<RunResult> {
  const method = await rssMethod();
  let command = spec.command;
  let args = [...spec.args];
  let timeFile: string | undefined;
  if (method === "gnu-time") {
    timeFile = await Deno.makeTempFile({ prefix: "noctra-bench-rss-" });
    args = ["-f", "%M %U %S", "-o", timeFile, command, ...args];
    command = GNU_TIME;
  }

  const started = performance.now();
  const child = new Deno.Command(command, {
    args,
    cwd: spec.cwd,
    ...(spec.env === undefined ? {} : { env: { ...spec.env } }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  let polledKiB: number | null = null;
  let polling: ReturnType<typeof setInterval> | undefined;
  if (method === "proc-vmhwm") {
    let inFlight = false;
    polling = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      readVmHwm(child.pid).then((value) => {
        if (value !== null) polledKiB = value;
        inFlight = false;
      });
    }, POLL_INTERVAL_MS);
  }

  const [status, out, err] = await Promise.all([
    child.status,
    drain(child.stdout, spec.stdout === "capture"),
    drain(child.stderr, true),
  ]);
  const wallMs = performance.now() - started;
  if (polling !== undefined) clearInterval(polling);

  let peakRssKiB: number | null = method === "proc-vmhwm" ? polledKiB : null;
  let cpuSeconds: number | null = null;
  if (timeFile !== undefined) {
    // GNU time writes "Command exited with non-zero status N" before the values on failure.
    const lines = (await Deno.readTextFile(timeFile)).trim().split("\n");
    const [rss, user, system] = (lines.at(-1) ?? "").split(" ").map(Number);
    peakRssKiB = rss !== undefined && Number.isFinite(rss) ? rss : null;
    if (user !== undefined && system !== undefined && Number.isFinite(user + system)) {
      cpuSeconds = user + system;
    }
    await Deno.remove(timeFile);
  }

  return {
    wallMs,
    peakRssKiB,
    cpuSeconds,
    exitCode: status.code,
    stdoutBytes: out.bytes,
    stdoutLines: out.lines,
    firstLine: out.firstLine,
    stdoutText: out.text,
    stderr: err.text ?? "",
  };
}

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

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle]!;
  return sorted.length % 2 === 1 ? upper : (sorted[middle - 1]! + upper) / 2;
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

/**
 * Quotes one argument for a POSIX shell when it needs quoting, for showing command lines:
 * single quotes, or double quotes when the text holds single quotes but nothing a shell expands
 * inside double quotes.
 */
export function shellQuote(argument: string): string {
  if (/^[\w@%+=:,./-]+$/.test(argument)) return argument;
  if (!argument.includes("'")) return `'${argument}'`;
  if (!/["$`\\!]/.test(argument)) return `"${argument}"`;
  return `'${argument.replaceAll("'", `'"'"'`)}'`;
}

/**
 * `text` with the part between `startMarker` and `endMarker` (markers included) replaced by
 * `section`, which should carry both markers; appended at the end when the markers are missing.
 * Each benchmark owns one section of docs/BENCHMARKS.md this way.
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
 * Runs each of `cases` once to warm caches, then `reps` times in turn (interleaved, so load
 * changes hit every case alike), and returns each case's wall times in ms by name. Throws
 * when a run exits non-zero.
 */
export async function interleavedWallTimes(
  cases: readonly { readonly name: string; readonly spec: RunSpec }[],
  reps: number,
): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(cases.map((entry) => [entry.name, []]));
  for (const entry of cases) await runMeasured(entry.spec);
  for (let rep = 0; rep < reps; rep++) {
    for (const entry of cases) {
      const run = await runMeasured(entry.spec);
      if (run.exitCode !== 0) throw new Error(`${entry.name} failed: ${run.stderr}`);
      times.get(entry.name)!.push(run.wallMs);
    }
  }
  return times;
}

/** One side of a comparison and what its runs measured. */
export interface MeasuredSide {
  readonly name: string;
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
 * naming the side, when a run exits non-zero.
 *
 * @returns the sides in the order given, with their wall times (ms) and peak RSS (KiB).
 */
export async function measureSides(
  sides: readonly { readonly name: string; readonly spec: RunSpec }[],
  reps: number,
): Promise<MeasuredSide[]> {
  const measured: MeasuredSide[] = sides.map((side) => ({
    ...side,
    times: [],
    rssKiB: [],
    last: null,
  }));
  for (const side of measured) await runMeasured(side.spec);
  for (let rep = 0; rep < reps; rep++) {
    for (const side of rep % 2 === 0 ? measured : [...measured].reverse()) {
      const run = await runMeasured(side.spec);
      if (run.exitCode !== 0) {
        throw new Error(`${side.name}: exit ${run.exitCode}: ${run.stderr.slice(0, 400)}`);
      }
      side.times.push(run.wallMs);
      if (run.peakRssKiB !== null) side.rssKiB.push(run.peakRssKiB);
      side.last = run;
    }
  }
  return measured;
}

/** The largest peak RSS of a side as `123 MB` (10^6 bytes), or `—` without a measurement. */
export function peakRssText(side: MeasuredSide): string {
  return side.rssKiB.length === 0
    ? "—"
    : `${(Math.max(...side.rssKiB) * 1024 / 1e6).toFixed(0)} MB`;
}
