/**
 * Finds the command-line tools some benchmarks compare against — `mlr` (Miller) and `datamash`
 * (GNU datamash) — on PATH, or fetches their Debian packages with `apt-get download` into
 * `bench/data/tools/` (git-ignored) and unpacks them there with `dpkg -x`. No root and no
 * system change: the binaries run from that folder. Where neither works (no apt, no network),
 * the caller gets the reason and skips that baseline with a note.
 *
 * Usage: `deno run -A bench/fetch_tools.ts`
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const TOOLS_DIR = fileURLToPath(new URL("./data/tools/", import.meta.url));

/** A tool found or fetched, or why it is not available. */
export type ToolLookup =
  | { readonly found: true; readonly path: string; readonly version: string }
  | { readonly found: false; readonly reason: string };

async function output(
  command: string,
  args: string[],
  cwd = ".",
): Promise<{ ok: boolean; text: string }> {
  try {
    const out = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "piped" })
      .output();
    const decoder = new TextDecoder();
    return { ok: out.success, text: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
  } catch (error) {
    return { ok: false, text: error instanceof Error ? error.message : String(error) };
  }
}

async function versionOf(path: string): Promise<string | null> {
  const result = await output(path, ["--version"]);
  return result.ok ? result.text.split("\n")[0]!.trim() : null;
}

/**
 * `binary` from PATH, else from `bench/data/tools/usr/bin/`, else after fetching Debian
 * package `debianPackage` there.
 *
 * @param binary the executable's name, e.g. `mlr`.
 * @param debianPackage the Debian package that ships it, e.g. `miller`.
 * @returns the path and its `--version` line, or the reason it is unavailable.
 */
export async function ensureTool(binary: string, debianPackage: string): Promise<ToolLookup> {
  for (const path of [binary, `${TOOLS_DIR}usr/bin/${binary}`]) {
    const version = await versionOf(path);
    if (version !== null) return { found: true, path, version };
  }
  await Deno.mkdir(TOOLS_DIR, { recursive: true });
  const download = await output("apt-get", ["download", debianPackage], TOOLS_DIR);
  if (!download.ok) {
    return { found: false, reason: `apt-get download ${debianPackage} failed: ${download.text}` };
  }
  for await (const entry of Deno.readDir(TOOLS_DIR)) {
    if (!entry.name.startsWith(`${debianPackage}_`) || !entry.name.endsWith(".deb")) continue;
    const unpack = await output("dpkg", ["-x", entry.name, "."], TOOLS_DIR);
    if (!unpack.ok) return { found: false, reason: `dpkg -x ${entry.name} failed: ${unpack.text}` };
  }
  const path = `${TOOLS_DIR}usr/bin/${binary}`;
  const version = await versionOf(path);
  return version === null
    ? { found: false, reason: `${debianPackage} unpacked but ${path} does not run` }
    : { found: true, path, version };
}

if (import.meta.main) {
  for (const [binary, debianPackage] of [["mlr", "miller"], ["datamash", "datamash"]]) {
    console.log(binary, await ensureTool(binary!, debianPackage!));
  }
}
