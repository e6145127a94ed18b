/**
 * Generated bench data: files written under a temporary name and renamed (so an interrupted
 * run never leaves half a file), SQLite databases built by the `sqlite3` shell, and a
 * manifest that records a hash of the generating scripts so data is rebuilt only when a file
 * is missing or a script changed.
 *
 * @module
 */
import { runSqlite3Script } from "../raw_sqlite.ts";
import { formatMs } from "./figures.ts";

/** The SHA-256 of `text` (UTF-8) as 64 lower-case hex digits. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Whether `path` exists; errors other than not-found are thrown. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Writes `text` to `path` through `path.tmp`, renamed when complete. */
export async function writeTextFileAtomically(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(`${path}.tmp`, text);
  await Deno.rename(`${path}.tmp`, path);
}

/** Builds the SQLite database `path` by running `script` in the `sqlite3` shell on `path.tmp`. */
export async function buildSqliteDatabase(path: string, script: string): Promise<void> {
  const temporary = `${path}.tmp`;
  await Deno.remove(temporary).catch(() => {});
  await runSqlite3Script([temporary], script);
  await Deno.rename(temporary, path);
}

/** What {@link ensureGeneratedData} keeps current. */
export interface GeneratedData {
  /** What the data is, for the progress line, e.g. `hybrid bench data`. */
  readonly name: string;
  /** The folder the data lives in (absolute, ending in `/`); holds `manifest.json`. */
  readonly directory: string;
  /** The texts that decide the data's content (generating scripts); hashed into the manifest. */
  readonly inputs: readonly string[];
  /** Absolute paths of every file `generate` writes. */
  readonly files: readonly string[];
  /** Writes every file; throws when the result is not as expected. */
  readonly generate: () => Promise<void>;
}

/**
 * Runs `data.generate` unless `manifest.json` in `data.directory` records the same hash of
 * `data.inputs` and every file is present; records the hash afterwards. Idempotent.
 */
export async function ensureGeneratedData(data: GeneratedData): Promise<void> {
  const manifestPath = `${data.directory}manifest.json`;
  const version = await sha256Hex(data.inputs.join("\0"));
  try {
    const manifest = JSON.parse(await Deno.readTextFile(manifestPath)) as { version?: string };
    const present = await Promise.all(data.files.map(fileExists));
    if (manifest.version === version && present.every(Boolean)) return;
  } catch {
    // No manifest (or an unreadable one): generate.
  }
  await Deno.mkdir(data.directory, { recursive: true });
  await Deno.remove(manifestPath).catch(() => {});
  console.log(`generating the ${data.name} in ${data.directory} …`);
  const started = performance.now();
  await data.generate();
  await Deno.writeTextFile(manifestPath, JSON.stringify({ version }, null, 2) + "\n");
  console.log(`  done in ${formatMs(performance.now() - started)}`);
}
