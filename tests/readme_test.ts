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
    .filter((line) => line.includes("deno run -A main.ts") && / -[cf] |\| /.test(line));
  strictEqual(lines.length, 8, "README examples changed: update this count");
  const output = await Deno.makeTempDir();
  for (const original of lines) {
    const fails = /#\s*fails/.test(original);
    const line = original.replace(/\s+#[^'"]*$/, "").trim();
    const shellLine = line.replaceAll("deno run", `"${Deno.execPath()}" run`)
      .replace("> results.csv", `> "${output}/results.csv"`);
    const run = await new Deno.Command("bash", {
      args: ["-o", "pipefail", "-c", shellLine],
      cwd: ROOT,
      env: { XDG_STATE_HOME: await Deno.makeTempDir() },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    if (fails) {
      strictEqual(run.code, 1, line);
      strictEqual(stderr.includes("permission denied"), true, stderr);
    } else {
      strictEqual(run.code, 0, `${line}\n${stderr}`);
      strictEqual(stderr, "", line);
    }
  }
});

Deno.test("README SQL examples run as scripts", async () => {
  const [sql, exportSql] = blocks("sql");
  strictEqual(blocks("sql").length, 2, "README SQL examples changed: update this test");
  const workspace = await Deno.makeTempDir();
  await Deno.symlink(`${ROOT}fixtures`, `${workspace}/fixtures`);
  const exported = await runNoctra([], { stdin: exportSql!, cwd: workspace });
  strictEqual(exported.code, 0, exported.stderr);
  const check = await runNoctra([
    "--format",
    "csv",
    "-c",
    "SELECT count(*) AS n FROM 'heavy-penguins.parquet'",
  ], {
    cwd: workspace,
  });
  strictEqual(check.stdout, "n\n61\n");
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
