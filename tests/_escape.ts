/**
 * The machinery of the sandbox escape corpus (tests/sandbox_escape_test.ts): a fresh tree of
 * files that must stay unread and unwritten, a runner that batches many attempts into one
 * `noctra` process (one `-c` per attempt, each preceded by a sentinel `SELECT` so output and
 * errors can be told apart per attempt), snapshots of everything outside the writable
 * directory, and a loopback HTTP listener that records every connection.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { finishChild, ROOT } from "./_cli.ts";

/** Text of every secret: it must never reach stdout or stderr of a sandboxed run. */
export const MARKER = "NOCTRA-SECRET-5e1f9a";
/** What `/etc/passwd` starts with here: it must not leak either. */
export const PASSWD_MARKER = "root:x:0:0:";
/** Look-alike of `ro` (Cyrillic о, U+043E): a directory outside that holds a secret. */
export const LOOKALIKE = "r\u043e";

/** One escape attempt. Paths in `sql`, `setup` and `args` use tokens (see {@link expand}). */
export interface Attempt {
  /** `category/name`, unique. */
  readonly name: string;
  /** The statement (one `-c`); its error line is what "refused" means. */
  readonly sql: string;
  /** Statements run before it, each its own `-c` (they may fail too). */
  readonly setup?: readonly string[];
  /**
   * Paths (relative to the tree, prefixes) whose creation or change is this attempt's doing:
   * any change outside the writable directory must be claimed by one attempt.
   */
  readonly touches?: readonly string[];
  /** Loopback URL path prefix this attempt would request (`/n01`). */
  readonly net?: string;
  /** The main `-c` holds several statements by design: more than one error line is allowed. */
  readonly multi?: boolean;
  /**
   * Run alone in its own process with these arguments instead of batched: `args` replace the
   * `-c` list; the expected exit code is `code`.
   */
  readonly own?: {
    readonly args: readonly string[];
    readonly code: number;
    readonly stdin?: string;
  };
}

/** A group of attempts run together, with what the process needs. */
export interface Category {
  readonly name: string;
  readonly attempts: readonly Attempt[];
  /** Extra flags before the statements (`--engine sqlite`). */
  readonly flags?: readonly string[];
  /** `--sandbox` from `<tree>/sbx` instead of `--allow-read=ro --allow-write=rw` from the tree. */
  readonly sandboxCwd?: boolean;
  /** Keep the source registry (no `--no-restore`). */
  readonly restore?: boolean;
  /** `HOME` points outside (`<tree>/outside`). */
  readonly homeOutside?: boolean;
  /** stdin is `outside/secret.csv` (a file descriptor opened by the shell). */
  readonly stdinSecret?: boolean;
  /** Run each attempt in a process of its own (the attempts change session state). */
  readonly isolate?: boolean;
  /** Statements run first in every batch (each must succeed). */
  readonly prelude?: readonly string[];
  /** The sentinel statement (`{N}` is the attempt's index); default a plain `SELECT`. */
  readonly sentinel?: string;
  /** Writes `state/noctra/sources.toml` before the run (tokens expanded). */
  readonly registry?: string;
  /** After the sandboxed run, an unsandboxed run with the same state: these `-c`s. */
  readonly laterUnsandboxed?: readonly string[];
}

/** The layer a run asks for. */
export type Layer = "landlock" | "duckdb-only";

/** The test tree of one process. */
export interface Tree {
  readonly root: string;
  readonly ro: string;
  readonly rw: string;
  readonly outside: string;
  readonly state: string;
  readonly sbx: string;
}

/** Prebuilt binary secrets (parquet, DuckDB file), made once by an unsandboxed run. */
let templates: string | undefined;

/** Builds the DuckDB-made secrets once (`outside/secret.parquet`, `outside/secret.duckdb`). */
export async function buildTemplates(base: string): Promise<void> {
  const dir = `${base}/templates`;
  await Deno.mkdir(dir, { recursive: true });
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}main.ts`,
      "--no-restore",
      "-c",
      `COPY (SELECT '${MARKER}' AS s) TO '${dir}/secret.parquet' (FORMAT parquet, KV_METADATA {k: '${MARKER}'})`,
      "-c",
      `ATTACH '${dir}/secret.duckdb' AS sd`,
      "-c",
      `CREATE TABLE sd.t AS SELECT '${MARKER}' AS s`,
    ],
    cwd: dir,
    env: { NO_COLOR: "1", XDG_STATE_HOME: `${base}/template-state` },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (output.code !== 0) {
    throw new Error(`building templates failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  templates = dir;
}

function sqlite(path: string, sql: string): void {
  const db = new DatabaseSync(path);
  db.exec(sql);
  db.close();
}

/**
 * A fresh tree under `base`:
 *
 *   ro/       data.csv, db.sqlite, db1…db9.sqlite, link.csv → ../outside/secret.csv,
 *             link.db → ../outside/secret.db, linkdir → ../outside, dangle.csv → ../outside/dangle-ro.csv
 *   rw/       data.csv, link.csv → ../outside/secret.csv, linkdir → ../outside,
 *             dangle.csv → ../outside/dangle-rw.csv, dangle2.csv → ../outside/dangle-rw2.csv,
 *             dangle3.csv → ../outside/dangle-rw3.csv, hl.csv ⇔ outside/victim-hl.csv (hard link),
 *             hl2.csv ⇔ outside/victim-hl2.csv
 *   outside/  secret.csv, secret.json, secret.db (SQLite), secret.parquet, secret.duckdb,
 *             victim.csv, dbdir/ (an EXPORT DATABASE directory whose load.sql writes)
 *   rо/       secret.csv (look-alike name of ro/, outside the sandbox)
 *   .tmp/     secret.csv (DuckDB's default temp directory of this cwd)
 *   sbx/      data.csv, link.csv → ../outside/secret.csv (the cwd of --sandbox runs)
 *   state/    XDG_STATE_HOME;  config/  XDG_CONFIG_HOME (empty)
 */
export async function makeTree(base: string): Promise<Tree> {
  const root = `${base}/t-${crypto.randomUUID()}`;
  const t: Tree = {
    root,
    ro: `${root}/ro`,
    rw: `${root}/rw`,
    outside: `${root}/outside`,
    state: `${root}/state`,
    sbx: `${root}/sbx`,
  };
  for (const dir of [t.ro, t.rw, `${t.outside}/dbdir`, `${root}/${LOOKALIKE}`, `${root}/.tmp`]) {
    await Deno.mkdir(dir, { recursive: true });
  }
  for (const dir of [t.sbx, `${t.state}/noctra`, `${root}/config`]) {
    await Deno.mkdir(dir, { recursive: true });
  }
  const secretCsv = `secret\n${MARKER}\n`;
  await Deno.writeTextFile(`${t.outside}/secret.csv`, secretCsv);
  await Deno.writeTextFile(`${t.outside}/secret.json`, `[{"secret": "${MARKER}"}]\n`);
  await Deno.writeTextFile(`${root}/${LOOKALIKE}/secret.csv`, secretCsv);
  await Deno.writeTextFile(`${root}/.tmp/secret.csv`, secretCsv);
  await Deno.writeTextFile(`${t.outside}/victim.csv`, "v\nuntouched\n");
  await Deno.writeTextFile(`${t.outside}/victim-hl.csv`, "v\nuntouched\n");
  await Deno.writeTextFile(`${t.outside}/victim-hl2.csv`, "v\nuntouched\n");
  await Deno.writeTextFile(
    `${t.outside}/dbdir/schema.sql`,
    `CREATE TABLE leak (s VARCHAR);\n`,
  );
  await Deno.writeTextFile(
    `${t.outside}/dbdir/load.sql`,
    `INSERT INTO leak VALUES ('${MARKER}');\nCOPY leak TO '${t.ro}/imported.csv';\nCOPY leak TO '${t.outside}/imported.csv';\n`,
  );
  sqlite(
    `${t.outside}/secret.db`,
    `CREATE TABLE secrets (v TEXT); INSERT INTO secrets VALUES ('${MARKER}')`,
  );
  if (templates !== undefined) {
    await Deno.copyFile(`${templates}/secret.parquet`, `${t.outside}/secret.parquet`);
    await Deno.copyFile(`${templates}/secret.duckdb`, `${t.outside}/secret.duckdb`);
  }
  const data = "id,name\n1,alpha\n2,beta\n";
  await Deno.writeTextFile(`${t.ro}/data.csv`, data);
  await Deno.writeTextFile(`${t.rw}/data.csv`, data);
  await Deno.writeTextFile(`${t.sbx}/data.csv`, data);
  sqlite(
    `${t.ro}/db.sqlite`,
    "CREATE TABLE t (id INTEGER, label TEXT); INSERT INTO t VALUES (1, 'one')",
  );
  for (let i = 1; i <= 9; i++) await Deno.copyFile(`${t.ro}/db.sqlite`, `${t.ro}/db${i}.sqlite`);
  await Deno.symlink("../outside/secret.csv", `${t.ro}/link.csv`);
  await Deno.symlink("../outside/secret.db", `${t.ro}/link.db`);
  await Deno.symlink("../outside", `${t.ro}/linkdir`);
  await Deno.symlink("../outside/dangle-ro.csv", `${t.ro}/dangle.csv`);
  await Deno.symlink("../outside/secret.csv", `${t.rw}/link.csv`);
  await Deno.symlink("../outside", `${t.rw}/linkdir`);
  await Deno.symlink("../outside/dangle-rw.csv", `${t.rw}/dangle.csv`);
  await Deno.symlink("../outside/dangle-rw2.csv", `${t.rw}/dangle2.csv`);
  await Deno.symlink("../outside/dangle-rw3.csv", `${t.rw}/dangle3.csv`);
  await Deno.symlink("../outside/secret.csv", `${t.sbx}/link.csv`);
  await Deno.link(`${t.outside}/victim-hl.csv`, `${t.rw}/hl.csv`);
  await Deno.link(`${t.outside}/victim-hl2.csv`, `${t.rw}/hl2.csv`);
  return t;
}

/**
 * Replaces the tokens: `{T}` the tree, `{R}` ro/, `{W}` rw/, `{O}` outside/, `{S}` the state
 * directory, `{L}` the look-alike directory, `{P}` the loopback port.
 */
export function expand(text: string, t: Tree, port = 0): string {
  return text
    .replaceAll("{T}", t.root)
    .replaceAll("{R}", t.ro)
    .replaceAll("{W}", t.rw)
    .replaceAll("{O}", t.outside)
    .replaceAll("{S}", t.state)
    .replaceAll("{L}", `${t.root}/${LOOKALIKE}`)
    .replaceAll("{P}", String(port));
}

/** A file or link's state: kind, link target or content digest. */
async function describe(path: string, info: Deno.FileInfo): Promise<string> {
  if (info.isSymlink) return `link ${await Deno.readLink(path)}`;
  if (info.isDirectory) return "dir";
  const bytes = await Deno.readFile(path);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return `file ${info.size} ${Array.from(new Uint8Array(digest), (b) => b.toString(16)).join("")}`;
}

/**
 * Every entry under the tree except the writable directories (`rw/`, `sbx/` when it is the
 * `--sandbox` cwd): relative path → state. Noctra's own state (`state/`) is included; its
 * changes count only where an attempt claims them.
 */
export async function snapshot(t: Tree, writable: readonly string[]): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const skip = new Set(writable.map((dir) => dir.slice(t.root.length + 1)));
  async function walk(dir: string, rel: string): Promise<void> {
    for await (const entry of Deno.readDir(dir)) {
      const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (skip.has(childRel)) continue;
      const path = `${dir}/${entry.name}`;
      const info = await Deno.lstat(path);
      entries.set(childRel, await describe(path, info));
      if (info.isDirectory) await walk(path, childRel);
    }
  }
  await walk(t.root, "");
  return entries;
}

/** Paths created, changed or removed between two snapshots. */
export function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, state] of after) if (before.get(path) !== state) changed.push(path);
  for (const path of before.keys()) if (!after.has(path)) changed.push(path);
  return changed.sort();
}

/** A loopback TCP listener that answers every request with a tiny CSV and records it. */
export class LoopbackServer {
  readonly requests: string[] = [];
  #listener: Deno.TcpListener;
  #done: Promise<void>;
  constructor() {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#done = this.#serve();
  }
  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }
  async #serve(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        const buffer = new Uint8Array(2048);
        let text = "";
        try {
          const n = await conn.read(buffer);
          text = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
          const body = "a\n1\n";
          await conn.write(
            new TextEncoder().encode(
              `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
            ),
          );
        } catch { /* the client went away */ }
        this.requests.push(text.split("\r\n", 1)[0] || "(connection without a request)");
        try {
          conn.close();
        } catch { /* already closed */ }
      }
    } catch { /* listener closed */ }
  }
  async close(): Promise<void> {
    this.#listener.close();
    await this.#done;
  }
}

/** What one process produced. */
export interface ProcessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runProcess}. */
export interface ProcessOptions {
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** A file to redirect stdin from (opened by `sh`), else stdin is closed. */
  readonly stdinFile?: string;
  /** Text piped to stdin. */
  readonly stdin?: string;
}

/** Runs `deno run -A main.ts …args`. */
export async function runProcess(
  args: readonly string[],
  options: ProcessOptions,
): Promise<ProcessRun> {
  const deno = Deno.execPath();
  const full = ["run", "-A", `${ROOT}main.ts`, ...args];
  const command = options.stdinFile === undefined
    ? new Deno.Command(deno, {
      args: full,
      cwd: options.cwd,
      env: options.env,
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command("sh", {
      args: ["-c", 'f="$1"; shift; exec "$@" < "$f"', "sh", options.stdinFile, deno, ...full],
      cwd: options.cwd,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
  return await finishChild(command.spawn(), options.stdin);
}

/** Runs `jobs` with at most `limit` at a time. */
export async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
