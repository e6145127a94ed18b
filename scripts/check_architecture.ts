/**
 * Checks the shape of the code that `deno lint` does not: run by `deno task check`.
 *
 * - Size: a module above {@link MAX_LINES} lines must say why at its top — a sentence starting
 *   "Longer than" in its first {@link HEADER_LINES} lines.
 * - Circles: no cycle of static imports (`import`, `import type`, `export … from`) between the
 *   project's modules. Dynamic `import()` is left out: it is how a module loads another lazily,
 *   on purpose.
 * - Imports first: no static import after the first statement that is not one.
 *
 * Usage: `deno run --allow-read scripts/check_architecture.ts [DIR…]` (default: `src bench
 * scripts main.ts mod.ts`, relative to the project root). Exits 1 and lists every finding, or
 * prints one line and exits 0.
 *
 * @module
 */
import { dirname, join, normalize, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Lines a module may have without a written reason. */
export const MAX_LINES = 500;
/** How far from the top the reason for a long module must be. */
export const HEADER_LINES = 60;

/** One module's text, by path relative to the root. */
export type ModuleTexts = ReadonlyMap<string, string>;

/** A problem found, naming the module(s). */
export interface Finding {
  readonly kind: "size" | "circle" | "import-order";
  readonly message: string;
}

const IMPORT_SPECIFIER = /^\s*(?:import|export)\b(?:[^"';]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/gm;
const MULTILINE_FROM = /^\s*\}\s*from\s*["'](\.{1,2}\/[^"']+)["']/gm;

/** The relative static imports of a module's text, resolved to root-relative paths. */
export function staticImports(path: string, text: string): string[] {
  const found = new Set<string>();
  for (const pattern of [IMPORT_SPECIFIER, MULTILINE_FROM]) {
    for (const match of text.matchAll(pattern)) {
      found.add(normalize(join(dirname(path), match[1]!)));
    }
  }
  return [...found];
}

/**
 * Every finding over `modules` (paths relative to one root, `/`-separated, with the text of
 * each): long modules without a reason, import cycles (each reported once, as the chain of
 * modules), and imports after code.
 */
export function checkModules(modules: ModuleTexts): Finding[] {
  const findings: Finding[] = [];
  for (const [path, text] of modules) {
    const lines = text.split("\n");
    const count = lines.at(-1) === "" ? lines.length - 1 : lines.length;
    if (
      count > MAX_LINES && !lines.slice(0, HEADER_LINES).some((line) => /Longer than/.test(line))
    ) {
      findings.push({
        kind: "size",
        message:
          `${path}: ${count} lines (over ${MAX_LINES}) and no "Longer than …" reason in its first ${HEADER_LINES} lines: split it or say why at the top`,
      });
    }
    const late = importAfterCode(lines);
    if (late !== null) {
      findings.push({
        kind: "import-order",
        message: `${path}:${late}: an import after code: move it to the top of the file`,
      });
    }
  }
  for (const cycle of importCycles(modules)) {
    findings.push({
      kind: "circle",
      message: `import circle: ${[...cycle, cycle[0]].join(" → ")}`,
    });
  }
  return findings;
}

/** 1-based line of the first static import that follows a statement, or null. */
function importAfterCode(lines: readonly string[]): number | null {
  let inComment = false;
  let inImportList = false;
  let seenCode = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (inComment) {
      if (line.includes("*/")) inComment = false;
      continue;
    }
    if (inImportList) {
      if (/^\s*\}/.test(line)) inImportList = false;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("//")) continue;
    if (trimmed.startsWith("/*")) {
      if (!trimmed.includes("*/")) inComment = true;
      continue;
    }
    const opensList = /\{\s*$/.test(line) && !/\bfrom\b/.test(line);
    const importLike = (/^import\b/.test(line) && !/^import\s*\(/.test(line)) ||
      (/^export\s+(type\s+)?(\*|\{)/.test(line) &&
        (/\bfrom\b/.test(line) || (opensList && listEndsInFrom(lines, index))));
    if (importLike) {
      if (seenCode) return index + 1;
      if (opensList) inImportList = true;
      continue;
    }
    if (/^\S/.test(line)) seenCode = true;
  }
  return null;
}

/** Whether the `{` list opened at line `start` closes with `} from "…"` (a re-export). */
function listEndsInFrom(lines: readonly string[], start: number): boolean {
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (/^\s*\}/.test(line)) return /\bfrom\s*["']/.test(line);
  }
  return false;
}

/** The import cycles among `modules`, each as its modules in import order, found once. */
export function importCycles(modules: ModuleTexts): string[][] {
  const edges = new Map<string, string[]>();
  for (const [path, text] of modules) {
    edges.set(path, staticImports(path, text).filter((target) => modules.has(target)));
  }
  // Tarjan's strongly connected components: every component of two or more modules (or one
  // that imports itself) holds a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) {
        components.push(component);
      }
    }
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => cycleWithin(new Set(component), edges));
}

/** One cycle through the modules of a strongly connected component, in import order. */
function cycleWithin(component: ReadonlySet<string>, edges: ReadonlyMap<string, string[]>) {
  const start = [...component].sort()[0]!;
  const path = [start];
  const seen = new Set(path);
  const walk = (node: string): boolean => {
    for (const next of edges.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      path.push(next);
      if (walk(next)) return true;
      path.pop();
    }
    return false;
  };
  walk(start);
  return path;
}

/** Reads every `.ts` module under `entries` (directories or files) of `root`. */
export async function readModules(root: string, entries: readonly string[]): Promise<ModuleTexts> {
  const modules = new Map<string, string>();
  const add = async (path: string) => {
    const info = await Deno.stat(join(root, path));
    if (info.isDirectory) {
      for await (const entry of Deno.readDir(join(root, path))) {
        if (entry.name.startsWith(".") || entry.name === "data") continue;
        await add(join(path, entry.name));
      }
    } else if (path.endsWith(".ts")) {
      modules.set(normalize(path), await Deno.readTextFile(join(root, path)));
    }
  };
  for (const entry of entries) await add(entry);
  return modules;
}

if (import.meta.main) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const entries = Deno.args.length > 0
    ? Deno.args.map((entry) => relative(root, resolve(entry)))
    : ["src", "bench", "scripts", "main.ts", "mod.ts"];
  const modules = await readModules(root, entries);
  const findings = checkModules(modules);
  for (const finding of findings) console.error(`check_architecture: ${finding.message}`);
  if (findings.length > 0) Deno.exit(1);
  console.log(
    `check_architecture: ${modules.size} modules: sizes, import circles and import order ok`,
  );
}
