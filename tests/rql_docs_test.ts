/**
 * Runs every example in docs/RQL.md, in order, on a copy of fixtures/, so the reference cannot
 * drift: a ```sql block must print the ```csv block after it; a ```sql fails block must exit 1
 * and print the ```stderr block after it.
 */
import { strictEqual } from "node:assert/strict";
import { FIXTURES, ROOT, runNoctra } from "./_cli.ts";

interface Example {
  readonly sql: string;
  readonly fails: boolean;
  readonly expected: string;
  readonly line: number;
}

function examples(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/```(sql fails|sql|csv|stderr)\n([\s\S]*?)```/g)];
  const found: Example[] = [];
  for (let index = 0; index < blocks.length; index++) {
    const [whole, kind, body] = blocks[index]!;
    if (kind !== "sql" && kind !== "sql fails") continue;
    const next = blocks[index + 1];
    const expectedKind = kind === "sql" ? "csv" : "stderr";
    if (next?.[1] !== expectedKind) {
      throw new Error(
        `docs/RQL.md: the ${kind} block "${
          body!.slice(0, 40)
        }" has no ${expectedKind} block after it`,
      );
    }
    found.push({
      sql: body!,
      fails: kind === "sql fails",
      expected: next[2]!,
      line: markdown.slice(0, markdown.indexOf(whole)).split("\n").length,
    });
    index++;
  }
  return found;
}

Deno.test("every example in docs/RQL.md runs as documented", async () => {
  const markdown = await Deno.readTextFile(`${ROOT}docs/RQL.md`);
  const list = examples(markdown);
  strictEqual(list.length >= 12, true, `only ${list.length} examples found`);
  const workspace = await Deno.makeTempDir({ prefix: "noctra-rql-docs-" });
  await new Deno.Command("cp", { args: ["-r", FIXTURES, `${workspace}/fixtures`] }).output();
  await Deno.mkdir(`${workspace}/exports`);
  for (const example of list) {
    const run = await runNoctra(["--format", "csv"], { stdin: example.sql, cwd: workspace });
    const where = `docs/RQL.md line ${example.line}`;
    if (example.fails) {
      strictEqual(run.stderr, example.expected, where);
      strictEqual(run.code, 1, where);
    } else {
      strictEqual(run.stdout, example.expected, `${where}\nstderr: ${run.stderr}`);
      strictEqual(run.code, 0, `${where}\nstderr: ${run.stderr}`);
    }
  }
});

Deno.test("the RQL help text --help prints is RQL_COMMANDS' (scripts/generate_rql_help.ts)", async () => {
  const { rqlCommandsHelpText } = await import("../src/rql/commands/registry.ts");
  const { RQL_COMMANDS_HELP } = await import("../src/cli/rql_commands_help.ts");
  const { rqlHelpModule } = await import("../scripts/generate_rql_help.ts");
  strictEqual(
    RQL_COMMANDS_HELP,
    rqlCommandsHelpText(),
    "src/cli/rql_commands_help.ts is out of date: run deno run -A scripts/generate_rql_help.ts",
  );
  // The module is the generator's output as written, formatted (nothing edited by hand).
  const written = await Deno.readTextFile(`${ROOT}src/cli/rql_commands_help.ts`);
  const formatted = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "ts", "-"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = formatted.stdin.getWriter();
  await writer.write(new TextEncoder().encode(rqlHelpModule(rqlCommandsHelpText())));
  await writer.close();
  strictEqual(new TextDecoder().decode((await formatted.output()).stdout), written);
});
