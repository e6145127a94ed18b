/**
 * README's examples run as shown: the shell lines that run `main.ts` non-interactively, the SQL
 * block (through stdin), and the library example.
 */
import { strictEqual } from "node:assert/strict";
import { ROOT, runNoctra } from "./_cli.ts";

const readme = await Deno.readTextFile(`${ROOT}README.md`);

function blocks(language: string): string[] {
  const pattern = new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g");
  return [...readme.matchAll(pattern)].map((match) => match[1]!);
}

Deno.test("README shell examples that run main.ts non-interactively succeed", async () => {
  const lines = blocks("sh").flatMap((block) => block.replaceAll("\\\n", " ").split("\n"))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line.includes("deno run -A main.ts") && / -[cf] |\| /.test(line));
  strictEqual(lines.length, 4, "README examples changed: update this count");
  const output = await Deno.makeTempDir();
  for (const line of lines) {
    const shellLine = line.replaceAll("deno run", `"${Deno.execPath()}" run`)
      .replace("> results.csv", `> "${output}/results.csv"`);
    const run = await new Deno.Command("bash", {
      args: ["-o", "pipefail", "-c", shellLine],
      cwd: ROOT,
      env: { XDG_STATE_HOME: await Deno.makeTempDir() },
      stdout: "piped",
      stderr: "piped",
    }).output();
    strictEqual(run.code, 0, `${line}\n${new TextDecoder().decode(run.stderr)}`);
    strictEqual(new TextDecoder().decode(run.stderr), "", line);
  }
});

Deno.test("README SQL example runs as a script", async () => {
  const [sql] = blocks("sql");
  const run = await runNoctra(["--format", "csv"], { stdin: sql! });
  strictEqual(run.stderr, "");
  strictEqual(run.code, 0);
  strictEqual(run.stdout, "Species,n\nAdelie,152\nGentoo,124\nChinstrap,68\nid,rate\n6025,0.301\n");
});

Deno.test("README library example runs", async () => {
  const [code] = blocks("ts");
  const file = `${ROOT}.readme_example_${Deno.pid}.ts`;
  await Deno.writeTextFile(file, code!);
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", file],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    strictEqual(new TextDecoder().decode(run.stderr), "");
    strictEqual(run.code, 0);
    strictEqual(
      new TextDecoder().decode(run.stdout),
      '{ iata: "00M", name: "Thigpen" }\n{ iata: "00R", name: "Livingston Municipal" }\n',
    );
  } finally {
    await Deno.remove(file);
  }
});
