// deno-lint-ignore-file no-regex-spaces -- the patterns match exact table layouts
/**
 * The REPL driven through a real pseudo-terminal (util-linux `script`), as a user types:
 * prompts, multi-line statements, meta-commands, errors that do not end the session, history.
 */
import { match, strictEqual } from "node:assert/strict";
import { Pty } from "./_pty.ts";

/** The REPL on a pseudo-terminal with `stateHome`, extra arguments and a working directory. */
class PtyRepl extends Pty {
  constructor(stateHome: string, extra = "", cwd?: string) {
    super({
      stateHome,
      args: extra === "" ? [] : extra.split(" "),
      ...(cwd === undefined ? {} : { cwd }),
    });
  }
}

Deno.test("REPL: statements, continuation lines, meta-commands, errors, quit", async () => {
  const stateHome = await Deno.makeTempDir();
  const repl = new PtyRepl(stateHome);
  await repl.waitFor(/noctra> /);
  await repl.send("SELECT count(*) AS airports\n");
  await repl.waitFor(/   \.\.\.> /);
  await repl.send("FROM 'fixtures/airports.csv';\n");
  await repl.waitFor(/│ airports │\n│ bigint   │\n├──────────┤\n│     3376 │/);
  await repl.send(".mode csv\n");
  await repl.waitFor(/format: csv/);
  await repl.send("SELECT * FROM no_such_table;\n");
  await repl.waitFor(/error: Catalog Error: Table with name no_such_table does not exist!/);
  await repl.send("SELECT 'still alive' AS status;\n");
  await repl.waitFor(/status\nstill alive\n/);
  await repl.send(":timer on\n");
  await repl.waitFor(/timer: on/);
  await repl.send("SELECT 2 AS two;\n");
  await repl.waitFor(/two\n2\nRun Time: \d+\.\d ms/);
  await repl.send("help\n");
  await repl.waitFor(/Meta-commands \(also as DuckDB's dot-commands\)/);
  await repl.send("quit\n");
  strictEqual(await repl.finish(), 0);
  const history = await Deno.readTextFile(`${stateHome}/noctra/history`);
  match(history, /SELECT 'still alive' AS status;\n/);
});

Deno.test("REPL: Ctrl-C clears the input, Ctrl-D exits", async () => {
  const repl = new PtyRepl(await Deno.makeTempDir());
  await repl.waitFor(/noctra> /);
  await repl.send("SELECT 'half typed\n");
  await repl.waitFor(/   \.\.\.> /);
  await repl.send("\x03");
  await repl.waitFor(/\^C\n*noctra> /);
  await repl.send("SELECT 'fresh' AS after_ctrl_c;\n");
  await repl.waitFor(/│ after_ctrl_c │\n│ varchar      │\n├──────────────┤\n│ fresh        │/);
  await repl.send("\x04");
  strictEqual(await repl.finish(), 0);
});

Deno.test("REPL: Ctrl-C interrupts a running query and the REPL continues", async () => {
  const repl = new PtyRepl(await Deno.makeTempDir());
  await repl.waitFor(/noctra> /);
  await repl.send("SELECT count(*) FROM range(1000000000000) a;\n");
  // Ctrl-C until DuckDB reports the interruption (an early one only clears an empty line).
  for (let attempt = 0; attempt < 40 && !/Interrupted/.test(repl.screen); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    await repl.send("\x03");
  }
  await repl.waitFor(/error: INTERRUPT Error: Interrupted!/);
  await repl.send("SELECT 'after interrupt' AS s;\n");
  await repl.waitFor(/│ after interrupt │/);
  await repl.send("quit\n");
  strictEqual(await repl.finish(), 0);
});

Deno.test("REPL under the kernel sandbox: queries, a refused write, Ctrl-C, history, exit 0", async () => {
  const stateHome = await Deno.makeTempDir();
  const work = await Deno.makeTempDir();
  await Deno.writeTextFile(`${work}/data.csv`, "id,name\n1,alpha\n2,beta\n");
  const outside = await Deno.makeTempDir();
  const repl = new PtyRepl(stateHome, "--sandbox", work);
  await repl.waitFor(/noctra> /);
  await repl.send("SHOW CONFIG;\n");
  await repl.waitFor(/│ sandbox\.layer +│ landlock +│/);
  await repl.send("SELECT count(*) AS n FROM 'data.csv';\n");
  await repl.waitFor(/│ +2 │/);
  await repl.send(`COPY (SELECT 1) TO '${outside}/x.csv';\n`);
  await repl.waitFor(/error: .*permission denied/);
  await repl.send("SELECT count(*) FROM range(1000000000000) a;\n");
  for (let attempt = 0; attempt < 40 && !/Interrupted/.test(repl.screen); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    await repl.send("\x03");
  }
  await repl.waitFor(/error: INTERRUPT Error: Interrupted!/);
  await repl.send("SELECT 'sandboxed and alive' AS s;\n");
  await repl.waitFor(/│ sandboxed and alive │/);
  await repl.send("quit\n");
  strictEqual(await repl.finish(), 0);
  let planted = true;
  try {
    await Deno.stat(`${outside}/x.csv`);
  } catch {
    planted = false;
  }
  strictEqual(planted, false);
  match(
    await Deno.readTextFile(`${stateHome}/noctra/history`),
    /SELECT 'sandboxed and alive' AS s;\n/,
  );
});
