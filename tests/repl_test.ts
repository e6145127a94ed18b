// deno-lint-ignore-file no-regex-spaces -- the patterns match exact table layouts
/**
 * The REPL driven through a real pseudo-terminal (util-linux `script`, `TERM=dumb`: the editor's
 * plain drawing), as a user types: prompts, multi-line statements, meta-commands, errors that do
 * not end the session, history. Then the line editor, its key decoder, history file, completion
 * and highlighting on their own, through a scripted terminal (tests/repl_pty_test.ts runs the
 * full editor in tmux).
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { Pty } from "./_pty.ts";
import { CONTINUATION_PROMPT, isMetaCommandLine, isSubmittable, PROMPT } from "../src/cli/repl.ts";
import { LineEditor, type LineEditorOptions } from "../src/cli/line_editor/editor.ts";
import type { TerminalIO } from "../src/cli/line_editor/terminal.ts";
import { History, loadHistory, parseHistory, saveHistory } from "../src/cli/line_editor/history.ts";
import {
  BRACKETED_PASTE_OFF,
  BRACKETED_PASTE_ON,
  type InputEvent,
  KeyDecoder,
} from "../src/cli/line_editor/keys.ts";
import { completeInput, type CompletionSource, type SqlSuggestion } from "../src/cli/completion.ts";
import { BASIC_KEYWORDS, HIGHLIGHT_STYLES, highlightSql } from "../src/cli/highlight.ts";

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

// ---- The line editor and completion without a terminal (src/cli/line_editor/, completion.ts) ----

/** A terminal driven by the test: input fed in chunks, output collected. */
class ScriptedTerminal implements TerminalIO {
  output = "";
  readonly #chunks: (string | null)[] = [];
  #wake: (() => void) | null = null;

  constructor(readonly width = 40) {}

  /** Input as typed (escape sequences included); `null` ends the input. */
  feed(...chunks: (string | null)[]): void {
    this.#chunks.push(...chunks);
    this.#wake?.();
  }

  async read(): Promise<string | null> {
    while (this.#chunks.length === 0) await new Promise<void>((resolve) => this.#wake = resolve);
    return this.#chunks.shift()!;
  }

  write(text: string): void {
    this.output += text;
  }

  setRaw(): void {}

  columns(): number {
    return this.width;
  }

  onResize(): () => void {
    return () => {};
  }
}

/** Lets the editor handle what was fed (and draw). */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10));
}

function editorOn(
  io: ScriptedTerminal,
  entries: string[] = [],
  extra: Partial<LineEditorOptions> = {},
): { editor: LineEditor; history: History } {
  const history = new History(entries, 100);
  const editor = new LineEditor({
    io,
    prompt: PROMPT,
    continuationPrompt: CONTINUATION_PROMPT,
    history,
    isComplete: isSubmittable,
    plain: true,
    ...extra,
  });
  editor.open();
  return { editor, history };
}

Deno.test("editor: Enter continues an incomplete statement and submits it whole", async () => {
  const io = new ScriptedTerminal();
  const { editor, history } = editorOn(io);
  io.feed("SELECT 1\r", "FROM range(3);\r");
  strictEqual(await editor.read(), "SELECT 1\nFROM range(3);");
  deepStrictEqual(history.entries, ["SELECT 1\nFROM range(3);"]);
  strictEqual(io.output, "noctra> SELECT 1\r\n   ...> FROM range(3);\r\n");
  io.feed(".mode csv\r");
  strictEqual(await editor.read(), ".mode csv");
  // No completion list on a terminal without cursor control: Tab is a tab.
  io.feed("SELECT", "\t", "1;\r");
  strictEqual(await editor.read(), "SELECT\t1;");
});

Deno.test("editor: Ctrl-C clears the whole input, also the text after the cursor", async () => {
  const io = new ScriptedTerminal();
  const { editor } = editorOn(io);
  io.feed("SELECT 'left', 'right'", "\x1b[D\x1b[D\x1b[D\x1b[D", "\x03", "SELECT 2;\r");
  strictEqual(await editor.read(), "SELECT 2;");
  match(io.output, /'right'\^C\r\nnoctra> SELECT 2;\r\n$/);
});

Deno.test("editor: Ctrl-D quits on an empty line and deletes forward on text", async () => {
  const io = new ScriptedTerminal();
  const { editor } = editorOn(io);
  io.feed("SELECT 12;", "\x01", "\x04", "\r");
  strictEqual(await editor.read(), "ELECT 12;");
  io.feed("\x04");
  strictEqual(await editor.read(), null);
  io.feed("SELECT", null);
  strictEqual(await editor.read(), "SELECT");
  strictEqual(await editor.read(), null);
});

Deno.test("editor: ↑ recalls a multi-line statement whole, editable; Ctrl-P/N walk history", async () => {
  const io = new ScriptedTerminal();
  const { editor } = editorOn(io, ["SELECT 1;", "SELECT a\nFROM t;"]);
  // ↑ shows the newest entry with the cursor on its first line; End, then typing edits it.
  io.feed("\x1b[A", "\x1b[F", ", b", "\r");
  strictEqual(await editor.read(), "SELECT a, b\nFROM t;");
  io.feed("\x10\x10\x10", "\r");
  strictEqual(await editor.read(), "SELECT 1;");
  io.feed("\x10\x10\x10", "\x0e", "\r");
  strictEqual(await editor.read(), "SELECT a, b\nFROM t;");
  // Going past the newest entry brings back what was being typed.
  io.feed("SELECT 'draft'", "\x10", "\x0e", ";\r");
  strictEqual(await editor.read(), "SELECT 'draft';");
});

Deno.test("editor: Ctrl-R searches history backwards; Enter runs the match, Esc edits it", async () => {
  const io = new ScriptedTerminal();
  const entries = ["SELECT 'x'\nFROM t;", "SELECT 1;", "SELECT 'x' AS y;"];
  const { editor } = editorOn(io, entries);
  let reading = editor.read();
  io.feed("\x12", "x'");
  await settle();
  match(io.output, /\(reverse-i-search\)'x'': SELECT 'x' AS y;$/);
  io.feed("\x12");
  await settle();
  match(io.output, /\(reverse-i-search\)'x'': SELECT 'x'\r\n {3}\.\.\.> FROM t;$/);
  io.feed("\r");
  strictEqual(await reading, "SELECT 'x'\nFROM t;");
  io.feed("\x12", "1", "\x1b", "\x1b[F", "\x08\x08", "2;\r");
  strictEqual(await editor.read(), "SELECT 2;");
  reading = editor.read();
  io.feed("typed", "\x12", "nothing like it");
  await settle();
  match(io.output, /\(failed reverse-i-search\)'nothing like it': typed$/);
  io.feed("\x07", ";\r");
  strictEqual(await reading, "typed;");
});

Deno.test("editor: a bracketed paste runs statement by statement; Tab in it is text", async () => {
  const io = new ScriptedTerminal();
  let completions = 0;
  const { editor } = editorOn(io, [], {
    plain: false,
    complete: () => {
      completions++;
      return Promise.resolve({ from: 0, candidates: [] });
    },
  });
  io.feed("\x1b[200~SELECT 1;\r\nSELECT\t2;\r\nSELECT 3", "\x1b[201~");
  strictEqual(await editor.read(), "SELECT 1;");
  strictEqual(await editor.read(), "SELECT\t2;");
  io.feed(";\r");
  strictEqual(await editor.read(), "SELECT 3;");
  strictEqual(completions, 0);
  // Without bracketed paste, a Tab that comes with other keys in one read is text too.
  io.feed("SELECT '\t' AS tab;\r");
  strictEqual(await editor.read(), "SELECT '\t' AS tab;");
  strictEqual(completions, 0);
});

Deno.test("editor: Ctrl-C while a statement runs interrupts it and drops the keys and paste ahead", async () => {
  const io = new ScriptedTerminal();
  const { editor } = editorOn(io);
  let interrupts = 0;
  let finish = () => {};
  const running = editor.whileRunning(
    () => new Promise<void>((resolve) => finish = resolve),
    () => interrupts++,
  );
  io.feed("dropped", "\x03", "SELECT 'kept';\r");
  await new Promise((resolve) => setTimeout(resolve, 20));
  strictEqual(interrupts, 1);
  finish();
  await running;
  strictEqual(await editor.read(), "SELECT 'kept';");
  // The rest of a pasted script goes too.
  io.feed("\x1b[200~SELECT 1;\nSELECT 2;\n\x1b[201~");
  strictEqual(await editor.read(), "SELECT 1;");
  strictEqual(editor.hasPendingInput, true);
  const second = editor.whileRunning(() => settle(), () => interrupts++);
  io.feed("\x03");
  await second;
  strictEqual(interrupts, 2);
  strictEqual(editor.hasPendingInput, false);
  io.feed("SELECT 3;\r");
  strictEqual(await editor.read(), "SELECT 3;");
});

Deno.test("editor: Tab inserts one candidate, the common prefix of several, then lists and cycles", async () => {
  const io = new ScriptedTerminal();
  const candidates = [
    { text: "penguins", suffix: "" },
    { text: "pendulum", suffix: "" },
    { text: "PENNY", suffix: "" },
  ];
  const { editor } = editorOn(io, [], {
    plain: false,
    complete: (text, cursor) => {
      const word = /\w*$/.exec(text.slice(0, cursor))![0];
      const matching = word === "SEL"
        ? [{ text: "SELECT", suffix: " " }]
        : candidates.filter((c) => c.text.toLowerCase().startsWith(word.toLowerCase()));
      return Promise.resolve({ from: cursor - word.length, candidates: matching });
    },
  });
  io.feed("SEL", "\t", "* FROM p", "\t");
  io.feed("\t");
  io.feed("\t\t", "\x1b[Z", ";\r"); // two Tabs in one read are still Tabs
  strictEqual(await editor.read(), "SELECT * FROM penguins;");
  match(io.output, /\r\npenguins {2}pendulum {2}PENNY\r\n/);
  // Keys typed ahead arrive in one read: a Tab that ends the read still completes.
  io.feed("SEL\t");
  io.feed("1;\r");
  strictEqual(await editor.read(), "SELECT 1;");
});

Deno.test("editor on an ANSI terminal: wraps at the width, colours, moves the cursor back", async () => {
  const io = new ScriptedTerminal(20);
  const { editor } = editorOn(io, [], {
    plain: false,
    highlight: (text) => highlightSql(text, BASIC_KEYWORDS),
  });
  const reading = editor.read();
  io.feed("SELECT 'a long string'");
  await settle();
  io.feed("\x1b[D");
  await settle();
  // Prompt (8) + 22 characters: two rows; the cursor one left of the end, on the second row.
  const last = io.output.slice(io.output.lastIndexOf("\x1b[?25l"));
  strictEqual(
    last,
    "\x1b[?25l\x1b[1A\r\x1b[Jnoctra> \x1b[32mSELECT\x1b[0m \x1b[31m'a long string'\x1b[0m\r\x1b[9C\x1b[?25h",
  );
  io.feed("\x1b[F;\r");
  strictEqual(await reading, "SELECT 'a long string';");
  editor.close();
  ok(io.output.includes(BRACKETED_PASTE_ON) && io.output.endsWith(BRACKETED_PASTE_OFF));
});

Deno.test("key decoder: sequences split across reads, Alt keys, Escape, pastes", () => {
  const decoder = new KeyDecoder();
  const names = (events: InputEvent[]) =>
    events.map((e) =>
      e.kind === "paste"
        ? `paste:${e.text}`
        : `${e.ctrl ? "C-" : ""}${e.meta ? "M-" : ""}${e.name === "char" ? e.text : e.name}`
    );
  deepStrictEqual(names(decoder.feed("\x1b[")), []);
  deepStrictEqual(names(decoder.feed("1;5Cé\x1bb\x1b\r\x7f")), [
    "C-right",
    "é",
    "M-b",
    "M-enter",
    "backspace",
  ]);
  deepStrictEqual(names(decoder.feed("\x1b")), []);
  strictEqual(decoder.waiting, true);
  deepStrictEqual(names(decoder.flush()), ["escape"]);
  deepStrictEqual(names(decoder.feed("\x1b[200~a\tb\x1b[20")), []);
  deepStrictEqual(names(decoder.feed("1~\x1b[3~\x1bOH\x1b[Z")), [
    "paste:a\tb",
    "delete",
    "home",
    "tab",
  ]);
});

Deno.test("history file: lines join into statements; meta-commands stand alone; saved as typed", async () => {
  const grammar = { isComplete: isSubmittable, standsAlone: isMetaCommandLine };
  deepStrictEqual(
    parseHistory("SELECT 1\nFROM t;\n\n.mode csv\nSELECT ';'\n  AS x;\nSELECT 'open\n", grammar),
    ["SELECT 1\nFROM t;", ".mode csv", "SELECT ';'\n  AS x;", "SELECT 'open"],
  );
  const dir = await Deno.makeTempDir();
  const history = loadHistory(`${dir}/none/history`, 2, grammar);
  history.add("SELECT 1;");
  history.add("SELECT 2\nFROM t;  \n");
  history.add("SELECT 1;");
  saveHistory(`${dir}/state/history`, history);
  strictEqual(await Deno.readTextFile(`${dir}/state/history`), "SELECT 2\nFROM t;\nSELECT 1;\n");
  deepStrictEqual(loadHistory(`${dir}/state/history`, 1, grammar).entries, ["SELECT 1;"]);
});

/** A completion source over fixed names, as a session with views and a SQLite database. */
function fixedSource(suggestions: SqlSuggestion[] = []): CompletionSource {
  const airports = ["iata", "name", "state", "Long Name"];
  return {
    sqlSuggestions: () => Promise.resolve(suggestions),
    viewAliases: () => ["penguins"],
    databases: () => [{
      alias: "geo",
      tables: () => ["airports", "routes"],
      columns: (table) => table === "airports" ? airports : [],
    }],
    variables: () => ["min_mass", "Mode"],
    listDirectory: (path) =>
      path === "."
        ? [{ name: "data", isDirectory: true }, { name: "d's.csv", isDirectory: false }, {
          name: ".hidden",
          isDirectory: false,
        }]
        : path === "data/"
        ? [{ name: "penguins.parquet", isDirectory: false }]
        : [],
  };
}

Deno.test("completion: names before keywords, SQLite tables and columns, aliases, RQL words", async () => {
  const keywords: SqlSuggestion[] = [
    { text: "stable ", kind: "keyword", extra: " " },
    { text: "state", kind: "column", extra: null },
    { text: "starts_with", kind: "scalar_function", extra: null },
  ];
  const complete = async (text: string, source = fixedSource(keywords)) =>
    (await completeInput(text, text.length, source)).candidates.map((c) => c.text + c.suffix);
  deepStrictEqual(await complete("SELECT * FROM geo.airports WHERE sta"), ["state"]);
  deepStrictEqual(await complete("SELECT * FROM geo.airports a WHERE a.lo"), ['"Long Name"']);
  deepStrictEqual(await complete("SELECT * FROM geo.ro"), ["routes"]);
  deepStrictEqual(await complete("SELECT * FROM pen"), ["penguins"]);
  deepStrictEqual(await complete("SELECT 1; show t", fixedSource()), ["tables "]);
  deepStrictEqual(await complete("ATTACH 'x.db' AS x (TYPE S", fixedSource()), ["SQLITE "]);
  deepStrictEqual(await complete("EXPORT t TO 'x' FORMAT JSON", fixedSource()), [
    "JSON ",
    "JSONL ",
  ]);
  deepStrictEqual(await complete("SELECT #m"), ["#min_mass", "#Mode"]);
  // RQL's command words start statements; its other words complete inside RQL commands only.
  deepStrictEqual(await complete("sho", fixedSource()), ["show "]);
  deepStrictEqual(await complete("SELECT 1 AS sho", fixedSource()), []);
  deepStrictEqual(await complete("ATTACH 'x.db' AS x (READ", fixedSource()), ["READ_ONLY "]);
  deepStrictEqual(await complete("SELECT * FROM read_", fixedSource()), []);
  deepStrictEqual(await complete("SELECT * FROM geo.airports WHERE x = 1 AND st"), ["state"]);
  deepStrictEqual(await complete("SELECT * FROM x WHERE st", fixedSource([keywords[0]!])), [
    "stable ",
  ]);
});

Deno.test("completion: paths inside quotes, from the directory typed so far", async () => {
  const complete = async (text: string) => {
    const completion = await completeInput(text, text.length, fixedSource());
    return [completion.from, completion.candidates.map((c) => c.text + c.suffix)];
  };
  deepStrictEqual(await complete("SELECT * FROM 'd"), [15, ["d''s.csv'", "data/"]]);
  deepStrictEqual(await complete("USE 'data/pe"), [10, ["penguins.parquet'"]]);
  deepStrictEqual(await complete("SELECT * FROM '."), [15, [".hidden'"]]);
});

Deno.test("highlighting: keywords, strings, numbers, comments, variables, unterminated text", () => {
  const keywords = new Set(["SELECT", "FROM"]);
  deepStrictEqual(highlightSql("select 1.5, #v, x FROM t /* c */", keywords), [
    { start: 0, end: 6, sgr: HIGHLIGHT_STYLES.keyword },
    { start: 7, end: 10, sgr: HIGHLIGHT_STYLES.number },
    { start: 12, end: 14, sgr: HIGHLIGHT_STYLES.variable },
    { start: 18, end: 22, sgr: HIGHLIGHT_STYLES.keyword },
    { start: 25, end: 32, sgr: HIGHLIGHT_STYLES.comment },
  ]);
  deepStrictEqual(highlightSql("SELECT 'it''s\nstill open", keywords).at(-1), {
    start: 7,
    end: 24,
    sgr: HIGHLIGHT_STYLES.unterminated,
  });
});

Deno.test("completion's RQL words and the RQL command table name the same words", async () => {
  const { RQL_KEYWORDS } = await import("../src/rql/commands/registry.ts");
  const { rqlKeywords } = await import("../src/cli/completion.ts");
  // Words of the table that completion leaves to DuckDB's own completion (SQL keywords).
  const sqlWords = new Set(["IF", "EXISTS", "FROM", "DESC", "SET", "RESET"]);
  const completion = new Set(rqlKeywords());
  const missing = RQL_KEYWORDS.filter((word) => !completion.has(word) && !sqlWords.has(word));
  deepStrictEqual(missing, [], "words of RQL_COMMANDS that Tab does not offer");
  const table = new Set(RQL_KEYWORDS);
  deepStrictEqual(
    [...completion].filter((word) => !table.has(word)),
    [],
    "words Tab offers that no RQL command has",
  );
});
