/**
 * The REPL's line editing on a real terminal: tmux runs `deno run -A main.ts --no-restore` in an
 * 80×24 pane, keys go in with `send-keys` (text as hex bytes, so nothing is parsed on the way),
 * pastes with `paste-buffer -p` (bracketed, as a terminal pastes), and the tests compare the
 * pane's exact content (`capture-pane -p`, with `-e` for colours). Each test waits for the screen
 * it expects by polling, never by fixed sleeps. Without tmux every test fails, saying so.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { ROOT } from "./_cli.ts";

const WELCOME = "Noctra — SQL over files. Type help for help, Ctrl-D to quit.";
const TIMEOUT_MS = 20_000;

let tmuxChecked: Promise<void> | undefined;

/** Fails (never skips) when tmux cannot be run. */
function requireTmux(): Promise<void> {
  tmuxChecked ??= (async () => {
    let ok = false;
    try {
      ok = (await new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" })
        .output()).success;
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new Error(
        "tmux is needed for the REPL pseudo-terminal tests (tests/repl_pty_test.ts): install it (apt-get install tmux) and run them again",
      );
    }
  })();
  return tmuxChecked;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

let sessions = 0;

/** How to start a REPL in tmux. */
interface ReplOptions {
  /** `XDG_STATE_HOME` (history); default a new temporary directory. */
  readonly stateHome?: string;
  /** Colours allowed (`NO_COLOR` unset) or not (`NO_COLOR=1`). Default false. */
  readonly color?: boolean;
  /** More environment variables for the REPL, e.g. `EDITOR`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Terminal size in columns and rows; default 80 × 24. */
  readonly size?: readonly [number, number];
  /** Text of `$XDG_CONFIG_HOME/noctra/config.toml`; default none. */
  readonly config?: string;
  /**
   * Start the REPL from an interactive bash (job control, prompt `$ `) instead of directly, so
   * Ctrl-Z can stop it and `fg` continue it. Default false.
   */
  readonly fromShell?: boolean;
}

/** A REPL in its own tmux server (socket), 80 columns by 24 rows. */
class TmuxRepl {
  readonly stateHome: string;
  readonly #socket: string;

  private constructor(socket: string, stateHome: string) {
    this.#socket = socket;
    this.stateHome = stateHome;
  }

  /** Starts the REPL and waits for its first prompt. */
  static async start(options: ReplOptions = {}): Promise<TmuxRepl> {
    await requireTmux();
    const stateHome = options.stateHome ?? await Deno.makeTempDir({ prefix: "noctra-pty-state-" });
    const configHome = await Deno.makeTempDir({ prefix: "noctra-pty-config-" });
    if (options.config !== undefined) {
      await Deno.mkdir(`${configHome}/noctra`);
      await Deno.writeTextFile(`${configHome}/noctra/config.toml`, options.config);
    }
    const socket = `noctra-pty-${Deno.pid}-${++sessions}`;
    const environment = [
      options.color ? "-u NO_COLOR" : "NO_COLOR=1",
      `XDG_STATE_HOME=${shellQuote(stateHome)}`,
      `XDG_CONFIG_HOME=${shellQuote(configHome)}`,
      ...Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${shellQuote(value)}`),
    ].join(" ");
    const replCommand = `env ${environment} ${shellQuote(Deno.execPath())} run -A main.ts ` +
      `--no-restore`;
    // After the REPL ends the pane stays, showing its exit code.
    const command = options.fromShell
      ? "env PS1='$ ' bash --norc --noprofile -i"
      : `${replCommand}; echo "exit $?"; sleep 60`;
    const repl = new TmuxRepl(socket, stateHome);
    await repl.#tmux(
      "new-session",
      "-d",
      "-x",
      String(options.size?.[0] ?? 80),
      "-y",
      String(options.size?.[1] ?? 24),
      "-c",
      ROOT,
      command,
    );
    if (options.fromShell) {
      await repl.waitForLines(["$"]);
      await repl.type(`${replCommand}\n`);
      await repl.waitFor((lines) => lines.at(-1) === "noctra>");
    } else {
      await repl.waitForLines([WELCOME, "noctra>"]);
    }
    return repl;
  }

  async #tmux(...args: string[]): Promise<string> {
    const output = await new Deno.Command("tmux", {
      args: ["-L", this.#socket, "-f", "/dev/null", ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(output.stderr)}`);
    }
    return new TextDecoder().decode(output.stdout);
  }

  /** Types `text` (as its UTF-8 bytes). */
  async type(text: string): Promise<void> {
    const hex = [...new TextEncoder().encode(text)].map((byte) => byte.toString(16));
    await this.#tmux("send-keys", "-t", "0", "-H", ...hex);
  }

  /** Presses keys by tmux's names (`Tab`, `Enter`, `C-r`, `Left`, …). */
  async press(...keys: string[]): Promise<void> {
    await this.#tmux("send-keys", "-t", "0", ...keys);
  }

  /**
   * Types `statement`, presses Enter and waits for the next prompt; returns the screen without
   * that prompt line.
   */
  async submit(statement: string): Promise<string[]> {
    const before = (await this.lines()).length;
    await this.type(statement);
    await this.press("Enter");
    const lines = await this.waitFor((lines) =>
      lines.at(-1) === "noctra>" && lines.length > before
    );
    return lines.slice(0, -1);
  }

  /** Types `text`, then presses `key`, and waits for the screen to be `expected`. */
  async typeThen(text: string, key: string, expected: readonly string[]): Promise<void> {
    await this.type(text);
    await this.press(key);
    await this.waitForLines(expected);
  }

  /** Pastes `text` as a terminal does: bracketed when the program asked for it. */
  async paste(text: string): Promise<void> {
    const child = new Deno.Command("tmux", {
      args: ["-L", this.#socket, "load-buffer", "-b", "paste", "-"],
      stdin: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(text));
    await writer.close();
    strictEqual((await child.status).success, true);
    await this.#tmux("paste-buffer", "-p", "-d", "-b", "paste", "-t", "0");
  }

  /** The pane's lines, trailing blanks removed (with SGR escapes when `escapes`). */
  async lines(escapes = false): Promise<string[]> {
    const text = await this.#tmux("capture-pane", "-p", ...(escapes ? ["-e"] : []), "-t", "0");
    const lines = text.split("\n").map((line) => line.trimEnd());
    while (lines.length > 0 && lines.at(-1) === "") lines.pop();
    return lines;
  }

  /** The cursor's column (0-based). */
  async cursorColumn(): Promise<number> {
    return Number((await this.#tmux("display-message", "-p", "-t", "0", "#{cursor_x}")).trim());
  }

  /** Waits until the cursor is in `column` (0-based). */
  async waitForCursor(column: number): Promise<void> {
    const deadline = Date.now() + TIMEOUT_MS;
    while ((await this.cursorColumn()) !== column) {
      if (Date.now() > deadline) strictEqual(await this.cursorColumn(), column);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }

  /** Waits until the pane shows exactly `expected` (as {@link lines}); returns them. */
  async waitForLines(expected: readonly string[], escapes = false): Promise<string[]> {
    return await this.waitFor(
      (lines) => {
        try {
          deepStrictEqual(lines, expected);
          return true;
        } catch {
          return false;
        }
      },
      escapes,
      expected,
    );
  }

  /** Waits until `accept(lines)` holds; fails with the screen and `expected` after a timeout. */
  async waitFor(
    accept: (lines: string[]) => boolean,
    escapes = false,
    expected?: readonly string[],
  ): Promise<string[]> {
    const deadline = Date.now() + TIMEOUT_MS;
    let lines: string[] = [];
    while (Date.now() < deadline) {
      lines = await this.lines(escapes);
      if (accept(lines)) return lines;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    if (expected !== undefined) deepStrictEqual(lines, expected);
    throw new Error(`timed out; the screen shows:\n${lines.join("\n")}`);
  }

  /** Ends the tmux server (and the REPL in it). */
  async close(): Promise<void> {
    await this.#tmux("kill-server").catch(() => {});
  }
}

/** Runs `body` with a started REPL, closing it whatever happens. */
async function withRepl(
  options: ReplOptions,
  body: (repl: TmuxRepl) => Promise<void>,
): Promise<void> {
  const repl = await TmuxRepl.start(options);
  try {
    await body(repl);
  } finally {
    await repl.close();
  }
}

const PROMPTED = [WELCOME];

/**
 * The lines of a one-row, one-column result as the table renderer draws it on 80 columns:
 * box, name, type, the value (numbers right-aligned), then the footer under the box.
 */
function oneCell(name: string, type: string, value: string, numeric: boolean): string[] {
  const width = Math.max(name.length, type.length, value.length);
  const rule = "─".repeat(width + 2);
  return [
    `┌${rule}┐`,
    `│ ${name.padEnd(width)} │`,
    `│ ${type.padEnd(width)} │`,
    `├${rule}┤`,
    `│ ${numeric ? value.padStart(width) : value.padEnd(width)} │`,
    `└${rule}┘`,
    "1 row  1 column",
  ];
}

Deno.test("REPL on a terminal: Tab completes a keyword, with DuckDB's space after it", async () => {
  await withRepl({}, async (repl) => {
    await repl.typeThen("SEL", "Tab", [...PROMPTED, "noctra> SELECT"]);
    await repl.waitForCursor("noctra> SELECT ".length);
    await repl.typeThen("42 AS answer;", "Enter", [
      ...PROMPTED,
      "noctra> SELECT 42 AS answer;",
      ...oneCell("answer", "integer", "42", true),
      "noctra>",
    ]);
  });
});

Deno.test("REPL on a terminal: Tab completes a view registered with USE", async () => {
  await withRepl({}, async (repl) => {
    const used = await repl.submit("USE 'fixtures/penguins.parquet' AS penguins;");
    await repl.type("SELECT count(*) AS n FROM peng");
    await repl.press("Tab");
    const typed = "noctra> SELECT count(*) AS n FROM penguins";
    await repl.waitForLines([...used, typed]);
    await repl.typeThen(";", "Enter", [
      ...used,
      `${typed};`,
      ...oneCell("n", "bigint", "344", true),
      "noctra>",
    ]);
  });
});

Deno.test("REPL on a terminal: Tab completes an attached SQLite database's tables and columns", async () => {
  await withRepl({}, async (repl) => {
    const before = await repl.submit(
      "ATTACH 'fixtures/airports.sqlite' AS geo (TYPE SQLITE, READ_ONLY);",
    );
    await repl.typeThen("SELECT count(*) AS n FROM geo.air", "Tab", [
      ...before,
      "noctra> SELECT count(*) AS n FROM geo.airports",
    ]);
    await repl.type(" WHERE sta");
    await repl.press("Tab");
    const typed = "noctra> SELECT count(*) AS n FROM geo.airports WHERE state";
    await repl.waitForLines([...before, typed]);
    await repl.typeThen(" = 'WA';", "Enter", [
      ...before,
      `${typed} = 'WA';`,
      ...oneCell("n", "integer", "65", true),
      "noctra>",
    ]);
  });
});

Deno.test("REPL on a terminal: input is highlighted as typed, unterminated strings too", async () => {
  await withRepl({ color: true }, async (repl) => {
    const set = [...await repl.submit("LET v = 1;"), "noctra>"];
    await repl.type("SELECT 'abc', 42, #v -- note");
    const lines = await repl.waitFor((lines) => lines.at(-1)!.endsWith("-- note"), true);
    strictEqual(lines.length, set.length);
    strictEqual(
      lines.at(-1),
      "noctra> \x1b[32mSELECT\x1b[39m \x1b[31m'abc'\x1b[39m, \x1b[33m42\x1b[39m, " +
        "\x1b[35m#v\x1b[39m \x1b[90m-- note",
    );
    await repl.press("C-c");
    await repl.type("SELECT 'open");
    const open = await repl.waitFor((lines) => lines.at(-1)!.endsWith("open"), true);
    strictEqual(open.length, set.length + 1);
    strictEqual(open.at(-1), "noctra> \x1b[32mSELECT\x1b[39m \x1b[1m\x1b[31m'open");
    // .highlight off: the same input without colours; on again: coloured.
    await repl.press("C-c");
    await repl.type(".highlight off");
    // A meta-command is not SQL: not coloured.
    await repl.waitFor((lines) => lines.at(-1) === "noctra> .highlight off", true);
    await repl.press("Enter");
    await repl.waitFor((lines) => lines.at(-1) === "noctra>" && lines.includes("highlight: off"));
    await repl.type("SELECT 42");
    const plain = await repl.waitFor((lines) => lines.at(-1)!.endsWith("42"), true);
    strictEqual(plain.at(-1), "noctra> SELECT 42");
    await repl.press("C-c");
    await repl.type(".highlight on");
    await repl.press("Enter");
    await repl.type("SELECT 42");
    // (capture-pane leaves out the colour reset at the end of a line)
    await repl.waitFor(
      (lines) => lines.at(-1) === "noctra> \x1b[32mSELECT\x1b[39m \x1b[33m42",
      true,
    );
  });
});

Deno.test("REPL on a terminal: no colour under NO_COLOR", async () => {
  await withRepl({ color: false }, async (repl) => {
    await repl.type("SELECT 'abc', 42 -- note");
    const lines = await repl.waitForLines(
      [...PROMPTED, "noctra> SELECT 'abc', 42 -- note"],
      true,
    );
    ok(!lines.join("\n").includes("\x1b["), "no escape sequence on the screen");
  });
});

Deno.test("REPL on a terminal: Ctrl-R finds a multi-line statement of an earlier session", async () => {
  const stateHome = await Deno.makeTempDir({ prefix: "noctra-pty-state-" });
  const result = [
    "┌─────────┬─────────┐",
    "│ a       │ b       │",
    "│ varchar │ varchar │",
    "├─────────┼─────────┤",
    "│ first   │ second  │",
    "├─────────┴─────────┤",
    "│ 1 row  2 columns  │",
    "└───────────────────┘",
  ];
  await withRepl({ stateHome }, async (repl) => {
    await repl.type("SELECT 'first' AS a,");
    await repl.press("Enter");
    await repl.typeThen("'second' AS b;", "Enter", [
      ...PROMPTED,
      "noctra> SELECT 'first' AS a,",
      "   ...> 'second' AS b;",
      ...result,
      "noctra>",
    ]);
    await repl.submit("SELECT 3;");
    await repl.press("C-d");
    await repl.waitFor((lines) => lines.at(-1) === "exit 0");
  });
  strictEqual(
    await Deno.readTextFile(`${stateHome}/noctra/history`),
    "SELECT 'first' AS a,\n'second' AS b;\nSELECT 3;\n",
  );
  await withRepl({ stateHome }, async (repl) => {
    await repl.press("C-r");
    await repl.type("second");
    await repl.waitForLines([
      ...PROMPTED,
      "(reverse-i-search)'second': SELECT 'first' AS a,",
      "   ...> 'second' AS b;",
    ]);
    await repl.press("Enter");
    await repl.waitForLines([
      ...PROMPTED,
      "noctra> SELECT 'first' AS a,",
      "   ...> 'second' AS b;",
      ...result,
      "noctra>",
    ]);
    // ↑ recalls it whole too, ready to edit.
    await repl.press("Up");
    await repl.waitFor((lines) => lines.at(-2) === "noctra> SELECT 'first' AS a,");
  });
});

Deno.test("REPL on a terminal: Ctrl-C in the middle of the line clears all of it", async () => {
  await withRepl({}, async (repl) => {
    await repl.type("SELECT 'left' AS l, 'right' AS r");
    await repl.press("Left", "Left", "Left", "Left", "Left", "Left", "Left", "Left", "Left");
    await repl.waitForCursor(31);
    await repl.press("C-c");
    await repl.waitForLines([...PROMPTED, "noctra> SELECT 'left' AS l, 'right' AS r^C", "noctra>"]);
    await repl.typeThen("SELECT 'fresh' AS f;", "Enter", [
      ...PROMPTED,
      "noctra> SELECT 'left' AS l, 'right' AS r^C",
      "noctra> SELECT 'fresh' AS f;",
      ...oneCell("f", "varchar", "fresh", false),
      "noctra>",
    ]);
  });
});

Deno.test("REPL on a terminal: a pasted two-statement script runs both", async () => {
  await withRepl({}, async (repl) => {
    await repl.paste("SELECT 1 AS one;\nSELECT 2 AS two;\n");
    await repl.waitForLines([
      ...PROMPTED,
      "noctra> SELECT 1 AS one;",
      ...oneCell("one", "integer", "1", true),
      "noctra> SELECT 2 AS two;",
      ...oneCell("two", "integer", "2", true),
      "noctra>",
    ]);
  });
});

Deno.test("REPL on a terminal: Ctrl-C cancels a running query, the REPL goes on", async () => {
  await withRepl({}, async (repl) => {
    await repl.type("SELECT count(*) FROM range(1000000000000) a;");
    await repl.press("Enter");
    await repl.waitFor((lines) =>
      lines.at(-1) === "noctra> SELECT count(*) FROM range(1000000000000) a;"
    );
    // Ctrl-C until DuckDB reports the interruption (one sent before the query starts is lost).
    const deadline = Date.now() + TIMEOUT_MS;
    let lines = await repl.lines();
    while (!lines.includes("error: INTERRUPT Error: Interrupted!") && Date.now() < deadline) {
      await repl.press("C-c");
      await new Promise((resolve) => setTimeout(resolve, 100));
      lines = await repl.lines();
    }
    await repl.waitForLines([
      ...PROMPTED,
      "noctra> SELECT count(*) FROM range(1000000000000) a;",
      "error: INTERRUPT Error: Interrupted!",
      "noctra>",
    ]);
    await repl.typeThen("SELECT 'alive' AS s;", "Enter", [
      ...PROMPTED,
      "noctra> SELECT count(*) FROM range(1000000000000) a;",
      "error: INTERRUPT Error: Interrupted!",
      "noctra> SELECT 'alive' AS s;",
      ...oneCell("s", "varchar", "alive", false),
      "noctra>",
    ]);
  });
});

Deno.test("REPL on a terminal: .edit opens the last statement in $EDITOR and brings it back", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-pty-edit-" });
  const editor = `${dir}/editor.sh`;
  // The "editor" records what it was given and writes a new statement in its place.
  await Deno.writeTextFile(
    editor,
    `#!/bin/sh\ncp "$1" "${dir}/given.sql"\nprintf 'SELECT 42 AS edited;\\n' > "$1"\n`,
  );
  await Deno.chmod(editor, 0o755);
  try {
    await withRepl({ env: { EDITOR: editor, VISUAL: "" } }, async (repl) => {
      const first = await repl.submit("SELECT 1 AS first;");
      await repl.type(".edit");
      await repl.press("Enter");
      await repl.waitForLines([...first, "noctra> .edit", "noctra> SELECT 42 AS edited;"]);
      strictEqual(await Deno.readTextFile(`${dir}/given.sql`), "SELECT 1 AS first;\n");
      await repl.press("Enter");
      await repl.waitForLines([
        ...first,
        "noctra> .edit",
        "noctra> SELECT 42 AS edited;",
        ...oneCell("edited", "integer", "42", true),
        "noctra>",
      ]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const [columns, rows] of [[80, 24], [160, 45]] as const) {
  Deno.test(`REPL on a ${columns}×${rows} terminal: a 30-column table fits, numbers whole`, async () => {
    await withRepl({ size: [columns, rows] }, async (repl) => {
      const select = Array.from({ length: 30 }, (_, i) => `1234567 + ${i} AS c${i + 1}`).join(", ");
      // Two rows: a single row wider than the terminal would print as name = value lines.
      const lines = await repl.submit(`SELECT ${select} FROM range(2);`);
      const table = lines.filter((line) => /^[┌│├└]/.test(line));
      ok(table.length >= 6, lines.join("\n"));
      for (const line of table) ok([...line].length <= columns, `wider than ${columns}: ${line}`);
      const header = table[1]!;
      ok(header.includes(" c1 ") && header.includes(" c30 "), header);
      const values = table[4]!.split("│").map((cell) => cell.trim()).filter((cell) => cell !== "");
      // Every number shown is whole (1234567 … 1234596); hidden middle columns show as "…".
      for (const value of values) {
        ok(value === "…" || /^12345(6[7-9]|[7-8]\d|9[0-6])$/.test(value), value);
      }
      const shown = values.filter((value) => value !== "…").length;
      if (columns === 80) ok(values.includes("…") && shown < 30, `${shown} shown at 80`);
      else ok(shown > 8, `${shown} shown at 160`);
    });
  });
}

Deno.test("REPL on a terminal: [repl] status_bar prints the route, memory, rows and time after a result", async () => {
  await withRepl({ config: "[repl]\nstatus_bar = true\n", size: [160, 24] }, async (repl) => {
    const lines = await repl.submit(
      "SELECT count(*) AS n FROM 'fixtures/penguins.parquet' WHERE species = 'Gentoo';",
    );
    const status = lines.at(-1)!;
    const threads = navigator.hardwareConcurrency;
    ok(
      new RegExp(
        `^DuckDB │ local I/O, ${threads} threads? │ fixtures/penguins\\.parquet │ ` +
          `memory \\d+(\\.\\d)? (bytes|KiB|MiB|GiB) / \\d+(\\.\\d)? [KMGTP]iB │ 1 row │ \\d+(\\.\\d)? ms$`,
      ).test(status),
      status,
    );
    deepStrictEqual(lines.slice(-8, -1), [...oneCell("n", "bigint", "124", true)]);
  });
});

Deno.test("REPL on a terminal: Ctrl-Z suspends to the shell, fg brings the input back", async () => {
  await withRepl({ fromShell: true }, async (repl) => {
    await repl.type("SELECT 6 * 7 AS answer");
    await repl.waitFor((lines) => lines.at(-1) === "noctra> SELECT 6 * 7 AS answer");
    await repl.press("C-z");
    const stopped = await repl.waitFor((lines) => lines.at(-1) === "$");
    ok(stopped.some((line) => /^\[1\]\+\s+Stopped\s/.test(line)), stopped.join("\n"));
    await repl.type("fg\n");
    await repl.waitFor((lines) => lines.at(-1) === "noctra> SELECT 6 * 7 AS answer");
    await repl.type(";");
    await repl.press("Enter");
    const lines = await repl.waitFor((lines) => lines.at(-1) === "noctra>" && lines.length > 8);
    deepStrictEqual(lines.slice(-8, -1), oneCell("answer", "integer", "42", true));
  });
});

Deno.test("REPL on a terminal: one row wider than the screen prints as lines, a table with [repl] wide_row_as_lines = false", async () => {
  const select = "SELECT " +
    Array.from({ length: 30 }, (_, i) => `1234567 + ${i} AS c${i + 1}`).join(", ") + ";";
  await withRepl({ size: [80, 45] }, async (repl) => {
    const lines = await repl.submit(select);
    ok(lines.some((line) => /^ +c1 = 1234567$/.test(line)), lines.join("\n"));
    ok(lines.some((line) => /^ +c30 = 1234596$/.test(line)), lines.join("\n"));
  });
  await withRepl(
    { size: [80, 45], config: "[repl]\nwide_row_as_lines = false\n" },
    async (repl) => {
      const lines = await repl.submit(select);
      const table = lines.filter((line) => /^[┌│├└]/.test(line));
      ok(
        table.length >= 5 && table[1]!.includes(" c1 ") && table[1]!.includes(" …"),
        lines.join("\n"),
      );
      ok(!lines.some((line) => line.includes(" = ")), lines.join("\n"));
    },
  );
});

Deno.test("REPL on a terminal: .prompt, .status, .changes, .echo and .exit CODE", async () => {
  await withRepl({ size: [120, 40] }, async (repl) => {
    const prompted = async (text: string, prompt: string) => {
      const before = (await repl.lines()).length;
      await repl.type(text);
      await repl.press("Enter");
      return await repl.waitFor((lines) => lines.at(-1) === prompt && lines.length > before);
    };
    await prompted(".prompt 'sql> ' '... '", "sql>");
    deepStrictEqual((await prompted("SELECT 1", "...")).slice(-2), ["sql> SELECT 1", "..."]);
    deepStrictEqual(
      (await prompted("AS one;", "sql>")).slice(-9, -1),
      ["... AS one;", ...oneCell("one", "integer", "1", true)],
    );
    await prompted(".changes on", "sql>");
    await prompted("CREATE TABLE t AS SELECT * FROM range(3) r(i);", "sql>");
    const updated = await prompted("UPDATE t SET i = i + 1 WHERE i > 0;", "sql>");
    deepStrictEqual(updated.slice(-3, -1), [
      "2 rows changed",
      "changes:   2   total_changes: 2",
    ]);
    await prompted(".status on", "sql>");
    const status = (await prompted("SELECT count(*) FROM t;", "sql>")).at(-2)!;
    ok(
      /^DuckDB │ local I\/O, \d+ threads? │ t │ memory .+ │ 1 row │ [\d.]+ ms$/.test(status),
      status,
    );
    await prompted(".status off", "sql>");
    await prompted(".echo on", "sql>");
    const echoed = await prompted("SELECT 'x' AS y;", "sql>");
    strictEqual(echoed.at(-9), "SELECT 'x' AS y;");
    await repl.type(".exit 3");
    await repl.press("Enter");
    await repl.waitFor((lines) => lines.at(-1) === "exit 3");
  });
});

Deno.test("REPL on a terminal: Ctrl-C in the pager leaves the REPL running; .shell reads the terminal", async () => {
  await withRepl({ fromShell: true }, async (repl) => {
    await repl.type("SELECT * FROM range(500) r(n);");
    await repl.press("Enter");
    await repl.waitFor((lines) =>
      lines.at(-1) === ":" && lines.some((line) => line === "│ 0 │" || /│\s+0 │/.test(line))
    );
    // In the pager the terminal is cooked: Ctrl-C is SIGINT to the whole job, Noctra included.
    await repl.press("C-c");
    await repl.press("q");
    await repl.waitFor((lines) => lines.at(-1) === "noctra>");
    await repl.press("C-l");
    await repl.waitForLines(["noctra>"]);
    const lines = await repl.submit("SELECT 6 * 7 AS answer;");
    deepStrictEqual(lines.slice(-7), oneCell("answer", "integer", "42", true));
    await repl.type(`.shell read word; echo "read: $word"`);
    await repl.press("Enter");
    // Typed at once: what the shell command has not read yet waits in the terminal for it.
    await repl.type("typed\n");
    const after = await repl.waitFor((lines) =>
      lines.at(-1) === "noctra>" && lines.includes("read: typed")
    );
    ok(after.includes("read: typed"), after.join("\n"));
  });
});
