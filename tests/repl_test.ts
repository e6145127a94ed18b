// deno-lint-ignore-file no-regex-spaces -- the patterns match exact table layouts
/**
 * The REPL driven through a real pseudo-terminal (util-linux `script`), as a user types:
 * prompts, multi-line statements, meta-commands, errors that do not end the session, history.
 */
import { match, strictEqual } from "node:assert/strict";
import { ROOT } from "./_cli.ts";

/** Terminal control sequences (cursor moves, colours) that readline writes. */
// deno-lint-ignore no-control-regex
const ANSI_ESCAPE = /\x1b\[[0-9;]*[A-Za-z]/g;

/**
 * A REPL on a pseudo-terminal, driven expect-style: `send` types text, `waitFor` blocks until
 * the screen (control sequences and CRs removed) shows a pattern after the last match.
 */
class PtyRepl {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #done: Promise<void>;
  #screen = "";
  #consumed = 0;

  constructor(stateHome: string, extra = "", cwd = ROOT) {
    const inner = `${Deno.execPath()} run --allow-all ${ROOT}main.ts ${extra}`;
    const child = new Deno.Command("script", {
      args: ["-q", "-e", "-c", inner, "/dev/null"],
      cwd,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
      env: { NO_COLOR: "1", XDG_STATE_HOME: stateHome, TERM: "dumb" },
    }).spawn();
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    const decoder = new TextDecoder();
    this.#done = (async () => {
      for await (const bytes of child.stdout) {
        const text = decoder.decode(bytes, { stream: true });
        this.#screen += text.replace(ANSI_ESCAPE, "").replaceAll("\r", "");
      }
    })();
  }

  get screen(): string {
    return this.#screen;
  }

  async send(text: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(text));
  }

  /** Waits (up to `timeoutMs`) for `pattern` to appear after what earlier waits matched. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const rest = this.#screen.slice(this.#consumed);
      const found = pattern.exec(rest);
      if (found) {
        this.#consumed += found.index + found[0].length;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${pattern}; screen:\n${this.#screen}`);
  }

  /** Closes stdin and waits for the exit code (kills the REPL after `timeoutMs`). */
  async finish(timeoutMs = 20_000): Promise<number> {
    await this.#writer.close().catch(() => {});
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), timeoutMs);
    const status = await this.#child.status;
    clearTimeout(timer);
    await this.#done;
    return status.code;
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
