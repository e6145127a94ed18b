/**
 * The architecture checks of `scripts/check_architecture.ts` (run by `deno task check`): each
 * finds what it is for in a small made-up tree, and the project itself passes them.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  checkModules,
  importCycles,
  MAX_LINES,
  readModules,
  staticImports,
} from "../scripts/check_architecture.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

Deno.test("static imports are resolved relative to the importing module", () => {
  const text = [
    'import { a } from "./a.ts";',
    'import type { B } from "../b/b.ts";',
    "import {",
    "  c,",
    '} from "./c.ts";',
    'export { d } from "./d.ts";',
    'const lazy = () => import("./lazy.ts");',
    'import { x } from "node:util";',
  ].join("\n");
  deepStrictEqual(staticImports("src/m/m.ts", text).sort(), [
    "src/b/b.ts",
    "src/m/a.ts",
    "src/m/c.ts",
    "src/m/d.ts",
  ]);
});

Deno.test("an import circle is found and named once, type-only imports included", () => {
  const modules = new Map([
    ["src/a.ts", 'import { b } from "./b.ts";\nexport const a = 1;\n'],
    ["src/b.ts", 'import type { C } from "./c.ts";\nexport const b = 2;\n'],
    ["src/c.ts", 'import { a } from "./a.ts";\nexport type C = number;\n'],
    ["src/d.ts", 'import { a } from "./a.ts";\n'],
  ]);
  deepStrictEqual(importCycles(modules), [["src/a.ts", "src/b.ts", "src/c.ts"]]);
  const findings = checkModules(modules);
  strictEqual(findings.length, 1);
  strictEqual(findings[0]!.message, "import circle: src/a.ts → src/b.ts → src/c.ts → src/a.ts");
});

Deno.test("a long module needs a reason at its top", () => {
  const body = "export const x = 1;\n".repeat(MAX_LINES + 1);
  deepStrictEqual(checkModules(new Map([["src/long.ts", body]])).map((f) => f.kind), ["size"]);
  const explained = "/**\n * Longer than ~500 lines: one table of every type.\n */\n" + body;
  deepStrictEqual(checkModules(new Map([["src/long.ts", explained]])), []);
});

Deno.test("an import after code is found; re-exports and dynamic imports are not code", () => {
  const late = 'import { a } from "./a.ts";\nconst b = 1;\nimport { c } from "./c.ts";\n';
  deepStrictEqual(checkModules(new Map([["src/m.ts", late]])).map((f) => f.message), [
    "src/m.ts:3: an import after code: move it to the top of the file",
  ]);
  const fine = [
    "/** Doc. */",
    'import {\n  a,\n} from "./a.ts";',
    'export { b } from "./b.ts";',
    'export type {\n  C,\n} from "./c.ts";',
    "",
    "export { a };",
    'const lazy = () => import("./d.ts");',
  ].join("\n");
  deepStrictEqual(checkModules(new Map([["src/m.ts", fine]])), []);
});

Deno.test("the project passes its own architecture checks", async () => {
  const modules = await readModules(ROOT, ["src", "bench", "scripts", "main.ts", "mod.ts"]);
  strictEqual(modules.size > 50, true);
  deepStrictEqual(checkModules(modules).map((finding) => finding.message), []);
});

Deno.test("every file and folder docs/ARCHITECTURE.md names exists", async () => {
  const text = await Deno.readTextFile(`${ROOT}docs/ARCHITECTURE.md`);
  const named = new Set<string>();
  for (const match of text.matchAll(/`([^`\s]+)`/g)) {
    const path = match[1]!;
    if (/^(src|bench|scripts|tests|docs|vendor|\.github)\/[\w./-]*$/.test(path)) named.add(path);
  }
  strictEqual(named.size > 40, true, `only ${named.size} paths found`);
  const missing: string[] = [];
  for (const path of named) {
    try {
      const info = await Deno.stat(`${ROOT}${path}`);
      if (path.endsWith("/") !== info.isDirectory) missing.push(`${path} (wrong kind)`);
    } catch {
      missing.push(path);
    }
  }
  deepStrictEqual(missing, []);
});
