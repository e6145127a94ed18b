/**
 * Meta-commands one by one, as the REPL runs them (`runMetaCommand` with a `MetaContext` from
 * the batch runner over a real session, the printer writing to a string): what each shows or
 * sets, its errors, `.last` after a cut table, `.chart` of fixture data, `.tables`/`.schema`,
 * `.read`, `.output`/`.once`; the call without a context the REPL makes today; and the pager on
 * a real pseudo-terminal with a `$PAGER` that records what it is given.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { Noctra } from "../src/noctra.ts";
import { type MetaContext, type MetaResult, runMetaCommand } from "../src/cli/meta.ts";
import { type FileOutput, type OutputSettings, ResultPrinter } from "../src/cli/output.ts";
import { BatchRunner } from "../src/cli/batch.ts";
import { StringSink } from "../src/render/sink.ts";
import { rowsResultFromArrays } from "../src/engine/result.ts";
import { isOutputFormat, OUTPUT_FORMATS } from "../src/render/renderer.ts";
import { ROOT } from "./_cli.ts";

/** A session, a printer writing to `sink` and the context the REPL would pass. */
interface Session {
  readonly noctra: Noctra;
  readonly sink: StringSink;
  readonly settings: OutputSettings;
  readonly printer: ResultPrinter;
  readonly context: MetaContext;
  /** Runs a meta-command with the context; returns its result and what it wrote. */
  run(line: string): Promise<{ result: MetaResult | null; output: string }>;
  /** Runs a statement and prints it as the REPL does. */
  print(sql: string): Promise<string>;
}

async function withSession(
  test: (session: Session) => Promise<void>,
  options: ConstructorParameters<typeof ResultPrinter>[3] = {},
): Promise<void> {
  const noctra = await Noctra.open({ registryPath: false });
  const sink = new StringSink();
  const settings: OutputSettings = { format: "table", maxRows: 40, timer: false };
  const printer = new ResultPrinter(sink, settings, false, { interactive: true, ...options });
  const context = new BatchRunner(noctra, printer, { continueOnError: false }).context;
  const written = async (action: () => Promise<unknown>) => {
    const before = sink.text.length;
    await action();
    return sink.text.slice(before);
  };
  try {
    await test({
      noctra,
      sink,
      settings,
      printer,
      context,
      run: async (line) => {
        let result: MetaResult | null = null;
        const output = await written(async () => {
          result = await runMetaCommand(line, settings, noctra.engine, context);
        });
        return { result, output };
      },
      print: (sql) => written(async () => printer.print(await noctra.execute(sql), true)),
    });
  } finally {
    noctra.close();
  }
}

Deno.test("settings: shown without an argument, set with one, confirmed as `set`", async () => {
  await withSession(async ({ run, settings }) => {
    const results: [string, MetaResult | null][] = [];
    for (
      const line of [
        ".mode",
        ".mode line",
        ":format",
        ".mode duckbox",
        ".maxwidth",
        ".maxwidth 60",
        ".maxrows",
        ".maxrows 0",
        ".headers",
        ".headers off",
        ".nullvalue",
        ".nullvalue ''",
        '.nullvalue "n/a"',
        ".pager",
        ".pager off",
        ".timer",
        ".timer on",
        "SELECT 1",
      ]
    ) {
      results.push([line, (await run(line)).result]);
    }
    deepStrictEqual(results, [
      [".mode", { kind: "reply", text: "format: table" }],
      [".mode line", { kind: "set", text: "format: line" }],
      [":format", { kind: "reply", text: "format: line" }],
      [".mode duckbox", { kind: "set", text: "format: table" }],
      [".maxwidth", { kind: "reply", text: "maxwidth: 0" }],
      [".maxwidth 60", { kind: "set", text: "maxwidth: 60" }],
      [".maxrows", { kind: "reply", text: "maxrows: 40" }],
      [".maxrows 0", { kind: "set", text: "maxrows: 0" }],
      [".headers", { kind: "reply", text: "headers: on" }],
      [".headers off", { kind: "set", text: "headers: off" }],
      [".nullvalue", { kind: "reply", text: "nullvalue: NULL (in csv and tsv an empty field)" }],
      [".nullvalue ''", { kind: "set", text: 'nullvalue: ""' }],
      ['.nullvalue "n/a"', { kind: "set", text: 'nullvalue: "n/a"' }],
      [".pager", { kind: "reply", text: "pager: auto" }],
      [".pager off", { kind: "set", text: "pager: off" }],
      [".timer", { kind: "reply", text: "timer: off" }],
      [".timer on", { kind: "set", text: "timer: on" }],
      ["SELECT 1", null],
    ]);
    deepStrictEqual(settings, {
      format: "table",
      maxRows: 0,
      timer: true,
      maxWidth: 60,
      headers: false,
      nullValue: "n/a",
      pager: "off",
    });
  });
});

Deno.test("DuckDB's output settings: set into OutputSettings, shown, .mode puts separators back", async () => {
  await withSession(async ({ run, settings }) => {
    const results: [string, MetaResult | null][] = [];
    for (
      const line of [
        ".separator",
        '.separator ";" \\r\\n',
        ".width 5 -3",
        ".thousand_sep",
        ".thousand_sep space",
        ".decimal_sep ,",
        ".decimal_sep",
        ".prompt 'sql> '",
        '.prompt "a b" \\t',
        ".status on",
        ".highlight off",
        ".progress_bar off",
        ".echo on",
        ".bail",
        ".bail off",
        ".changes yes",
        ".changes",
      ]
    ) {
      results.push([line, (await run(line)).result]);
    }
    deepStrictEqual(results, [
      [".separator", { kind: "reply", text: 'separator: "|" "\\n"' }],
      ['.separator ";" \\r\\n', { kind: "set", text: 'separator: ";" "\\r\\n"' }],
      [".width 5 -3", { kind: "set", text: "width: 5 -3" }],
      [".thousand_sep", { kind: "reply", text: "thousand_sep: none" }],
      [".thousand_sep space", { kind: "set", text: 'thousand_sep: " "' }],
      [".decimal_sep ,", { kind: "set", text: 'decimal_sep: ","' }],
      [".decimal_sep", { kind: "reply", text: 'decimal_sep: ","' }],
      [".prompt 'sql> '", { kind: "set", text: 'prompt: "sql> " "   ...> "' }],
      ['.prompt "a b" \\t', { kind: "set", text: 'prompt: "a b" "\\t"' }],
      [".status on", { kind: "set", text: "status: on" }],
      [".highlight off", { kind: "set", text: "highlight: off" }],
      [".progress_bar off", { kind: "set", text: "progress_bar: off" }],
      [".echo on", { kind: "set", text: "echo: on" }],
      [".bail", { kind: "reply", text: "bail: on" }],
      [".bail off", { kind: "set", text: "bail: off" }],
      [".changes yes", { kind: "set", text: "changes: on" }],
      [".changes", { kind: "reply", text: "changes: on" }],
    ]);
    deepStrictEqual(settings, {
      format: "table",
      maxRows: 40,
      timer: false,
      columnSeparator: ";",
      rowSeparator: "\r\n",
      columnWidths: [5, -3],
      thousandSeparator: " ",
      decimalSeparator: ",",
      prompt: "a b",
      continuationPrompt: "\t",
      statusBar: true,
      highlight: false,
      progressBar: false,
      echo: true,
      bail: false,
      changes: true,
    });
    // DuckDB's .mode list and .mode csv put both separators back, .mode tabs the column one.
    await run(".mode tabs");
    deepStrictEqual([settings.columnSeparator, settings.rowSeparator], [undefined, "\r\n"]);
    await run(".mode list");
    deepStrictEqual([settings.columnSeparator, settings.rowSeparator], [undefined, undefined]);
    deepStrictEqual((await run(".width")).result, { kind: "set", text: "width: by content" });
    strictEqual(settings.columnWidths, undefined);
    deepStrictEqual((await run(".thousand_sep none")).result, {
      kind: "set",
      text: "thousand_sep: none",
    });
    strictEqual(settings.thousandSeparator, undefined);
  });
});

Deno.test(".mode insert TABLE names the table; a TABLE after another format is an error", async () => {
  await withSession(async ({ run, settings }) => {
    if (!isOutputFormat("insert")) return; // the insert format arrives with its renderer
    deepStrictEqual((await run('.mode insert "my t"')).result, {
      kind: "set",
      text: "format: insert into my t",
    });
    deepStrictEqual([settings.format, settings.insertTable], ["insert", "my t"]);
    deepStrictEqual((await run(".mode")).result, {
      kind: "reply",
      text: "format: insert into my t",
    });
    deepStrictEqual((await run(".mode insert")).result, { kind: "set", text: "format: insert" });
    strictEqual(settings.insertTable, undefined);
    deepStrictEqual((await run(".mode list t")).result, {
      kind: "error",
      text: ".mode list t: only .mode insert takes a TABLE",
    });
    strictEqual(settings.format, "insert");
  });
});

Deno.test("errors: bad values and unknown commands, one line each", async () => {
  await withSession(async ({ run, settings }) => {
    const errors: [string, string][] = [
      [".mode csvv", `.mode csvv: unknown format; choose one of ${OUTPUT_FORMATS.join(", ")}`],
      [".maxwidth -1", ".maxwidth: expected a whole number ≥ 0 (0 = the terminal's width)"],
      [".headers maybe", ".headers: expected on or off"],
      [".nullvalue a b", ".nullvalue: expected one text; quote it when it holds spaces"],
      [".nullvalue 'open", ".nullvalue: unclosed quote in 'open"],
      [".pager sometimes", ".pager: expected on, off or auto"],
      [".tabels", "unknown meta-command .tabels; did you mean .tables?"],
      [".bogus", "unknown meta-command .bogus; type help for the list"],
      [".last", ".last: no result to show yet"],
      [".chart bar", ".chart: no result to draw yet"],
      [".read", ".read: expected a file to run"],
      [".once", ".once: expected a file"],
      [".databases now", ".databases: takes no argument"],
      [".seperator ;", "unknown meta-command .seperator; did you mean .separator?"],
      [".quit 3", ".quit: expected no argument, or .exit CODE (0–255)"],
      [".exit 256", ".exit: an exit code is 0–255"],
      [".show x", ".show: takes no argument"],
      [".shell", ".shell: expected a command to run"],
      [".dump --bogus", ".dump: unknown option --bogus; it takes --newlines"],
      [
        ".timeout soon",
        ".timeout: expected milliseconds a locked SQLite database is waited for (SHOW CONFIG shows sqlite.busy_timeout_ms)",
      ],
      [
        ".output |less",
        ".output |less: results cannot go to a command here; write them to a file and run the command on it (.shell)",
      ],
    ];
    for (const [line, text] of errors) {
      const { result } = await run(line);
      deepStrictEqual(
        result?.kind === "error" ? { kind: result.kind, text: result.text } : result,
        { kind: "error", text },
        line,
      );
    }
    deepStrictEqual(settings, { format: "table", maxRows: 40, timer: false });
  });
});

Deno.test("without a context (the REPL's call today): settings as before, session commands say so", () => {
  const settings: OutputSettings = { format: "table", maxRows: 40, timer: false };
  const replies: [string, string][] = [
    [".mode list", "format: list"],
    [".headers off", "headers: off"],
    [".maxwidth x", ".maxwidth: expected a whole number ≥ 0 (0 = the terminal's width)"],
    [".tables", ".tables: not available here (it needs a session)"],
    [".show", ".show: not available here (it needs a session)"],
    [".separator ,", 'separator: "," "\\n"'],
    [
      ".open x.db",
      ".open: not available: Noctra's session stays open in memory; add a database with " +
      "ATTACH 'FILE' AS name (SQLite: ATTACH 'FILE.db' AS name (TYPE SQLITE))",
    ],
  ];
  for (const [command, text] of replies) {
    deepStrictEqual(runMetaCommand(command, settings), { kind: "reply", text }, command);
  }
  deepStrictEqual(runMetaCommand(".exit 3", settings), { kind: "quit", exitCode: 3 });
  deepStrictEqual(runMetaCommand(".quit", settings), { kind: "quit" });
  strictEqual(runMetaCommand("SELECT 1;", settings), null);
});

Deno.test(".last after a cut table shows every row, with no row limit", async () => {
  await withSession(async ({ run, print }) => {
    const table = await print("SELECT i FROM range(100) t(i)");
    match(table, /100 rows \(40 shown\)/);
    ok(!table.includes("│ 99 │"));
    const { result, output } = await run(".last");
    deepStrictEqual(result, { kind: "done" });
    match(output, /│ +0 │\n/);
    match(output, /│ +99 │\n/);
    match(output, /^100 rows {2}1 column$/m);
    strictEqual(output.match(/^│ +\d+ │$/gm)?.length, 100);
    // .last again shows the same result: showing it does not replace it.
    strictEqual((await run(".last")).output, output);
  });
});

Deno.test(".last says what it did not keep of a very long result", async () => {
  await withSession(async ({ run, print, settings }) => {
    settings.format = "csv";
    await print("SELECT i FROM range(10005) t(i)");
    const { result, output } = await run(".last");
    deepStrictEqual(result, { kind: "reply", text: ".last: kept the first 10,000 of 10,005 rows" });
    strictEqual(output.split("\n").length, 10_002); // header, 10,000 rows, final newline
  });
});

Deno.test(".chart bar draws the last result (penguins by species) in 80 columns", async () => {
  await withSession(async ({ run, print }) => {
    await print(
      "SELECT species, count(*) AS n FROM 'fixtures/penguins.parquet' GROUP BY species " +
        "ORDER BY species",
    );
    const { result, output } = await run(".chart bar");
    deepStrictEqual(result, { kind: "done" });
    strictEqual(
      output,
      [
        "n by Species",
        `Adelie    │${"█".repeat(65)} 152`,
        `Chinstrap │${"█".repeat(29)}▏ 68`,
        `Gentoo    │${"█".repeat(53)} 124`,
        `          └${"─".repeat(65)}`,
        `          0${" ".repeat(62)}152`,
        "",
      ].join("\n"),
    );
    const errors = [await run(".chart pie"), await run('.chart bar "Species" nope')];
    deepStrictEqual(errors.map(({ result }) => result?.kind === "error" && result.text), [
      ".chart: expected bar, line or hist, then optional x and y columns",
      ".chart: no column nope; the result has Species, n",
    ]);
  });
});

Deno.test(".tables, .schema and .sources through the session", async () => {
  await withSession(async ({ run, noctra, settings }) => {
    await noctra.execute(
      `ATTACH '${ROOT}fixtures/airports.sqlite' AS geo (TYPE SQLITE, READ_ONLY)`,
    );
    await noctra.execute("CREATE TABLE visits AS SELECT 'SEA' AS iata");
    await noctra.execute("CREATE VIEW seattle AS SELECT * FROM visits");
    settings.format = "csv";
    deepStrictEqual(await run(".tables"), {
      result: { kind: "done" },
      output: "source,name,type\nduckdb,seattle,view\nduckdb,visits,table\ngeo,airports,table\n",
    });
    strictEqual(
      (await run(".tables %i%")).output,
      "source,name,type\nduckdb,visits,table\ngeo,airports,table\n",
    );
    strictEqual(
      (await run(".schema s%")).output,
      "CREATE VIEW seattle AS SELECT * FROM visits;\n",
    );
    strictEqual(
      (await run(".schema")).output,
      "CREATE VIEW seattle AS SELECT * FROM visits;\n" +
        "CREATE TABLE visits(iata VARCHAR);\n-- geo (SQLite)\n" +
        "CREATE TABLE airports (iata TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT, " +
        "state TEXT, country TEXT, latitude REAL, longitude REAL);\n",
    );
    strictEqual((await run(".schema nothing%")).output, "");
    match((await run(".sources")).output, /^alias,kind,path,engine,read_only,status\ngeo,sqlite,/);
  });
});

Deno.test(".read runs a file through the batch runner; its failure is `failed`", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-meta-read-" });
  await Deno.writeTextFile(`${dir}/ok.sql`, ".mode csv\nSELECT 'read' AS r;\n");
  await Deno.writeTextFile(`${dir}/it's.sql`, "SELECT 1 AS a;\nSELECT nope;\n");
  await withSession(async ({ run, settings }) => {
    deepStrictEqual(await run(`.read ${dir}/ok.sql`), {
      result: { kind: "done" },
      output: "r\nread\n",
    });
    strictEqual(settings.format, "csv", "the file's dot-commands change the session's settings");
    // A quote inside a word is a character; the file's error is reported by the runner.
    deepStrictEqual(await run(`.read ${dir}/it's.sql`), {
      result: { kind: "failed", exitCode: 1 },
      output: "a\n1\n",
    });
  });
});

Deno.test(".exit CODE in a file read from the REPL ends that file; the next .read still runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-meta-exit-" });
  await Deno.writeTextFile(
    `${dir}/exit.sql`,
    ".mode csv\nSELECT 1 AS a;\n.exit 3\nSELECT 2 AS b;\n",
  );
  await withSession(async ({ run }) => {
    const first = await run(`.read ${dir}/exit.sql`);
    deepStrictEqual(first, { result: { kind: "failed", exitCode: 3 }, output: "a\n1\n" });
    deepStrictEqual(await run(`.read ${dir}/exit.sql`), first);
  });
});

Deno.test(".output and .once send results to a file and back; a failed result drops .once", async () => {
  const files: Record<string, { text: string; state: "open" | "committed" | "abandoned" }> = {};
  const openFile = (path: string): Promise<FileOutput> => {
    const sink = new StringSink();
    const file = { text: "", state: "open" as "open" | "committed" | "abandoned" };
    files[path] = file;
    return Promise.resolve({
      sink,
      commit: () => {
        file.text = sink.text;
        file.state = "committed";
        return Promise.resolve();
      },
      abandon: () => {
        file.state = "abandoned";
      },
    });
  };
  await withSession(async ({ run, print, printer, settings }) => {
    settings.format = "csv";
    deepStrictEqual((await run(".output a.csv")).result, { kind: "set", text: "output: a.csv" });
    strictEqual(printer.redirection, ".output a.csv");
    strictEqual(await print("SELECT 1 AS one"), "");
    strictEqual(await print("SELECT 2 AS two"), "");
    deepStrictEqual((await run(".output")).result, { kind: "set", text: "output: stdout" });
    deepStrictEqual(files["a.csv"], { text: "one\n1\ntwo\n2\n", state: "committed" });
    strictEqual(await print("SELECT 3 AS three"), "three\n3\n");

    deepStrictEqual((await run(".once b.csv")).result, {
      kind: "set",
      text: "output: b.csv (the next result)",
    });
    strictEqual(await print("SELECT 4 AS four"), "");
    strictEqual(printer.redirection, undefined);
    deepStrictEqual(files["b.csv"], { text: "four\n4\n", state: "committed" });

    await run(".once c.csv");
    const failing = rowsResultFromArrays([{ name: "x", type: "INTEGER", kind: "integer" }], [[1]]);
    const broken = {
      ...failing,
      async *chunks() {
        yield* failing.chunks();
        throw new Error("the stream failed half-way");
      },
    };
    await printer.print(broken, true).then(() => ok(false, "should fail"), () => {});
    strictEqual(files["c.csv"]?.state, "abandoned");
    strictEqual(await print("SELECT 5 AS five"), "five\n5\n");
  }, { openFile: (path) => openFile(path) });
});

Deno.test("the engine may write CSV itself only when the printer needs nothing of the rows", () => {
  const settings: OutputSettings = { format: "csv", maxRows: 40, timer: false };
  const printer = new ResultPrinter(new StringSink(), settings, false);
  strictEqual(printer.mayCopy(), true);
  settings.headers = false;
  strictEqual(printer.mayCopy(), false);
  settings.headers = true;
  settings.nullValue = "NA";
  strictEqual(printer.mayCopy(), false);
  settings.nullValue = undefined;
  printer.keepLast = true;
  strictEqual(printer.mayCopy(), false);
  const repl = new ResultPrinter(new StringSink(), { ...settings }, false, { interactive: true });
  strictEqual(repl.keepLast, true);
});

/** The REPL on a pseudo-terminal of 24 rows × 100 columns, with `$PAGER` set to `pager`. */
async function replWithPager(pager: string, input: readonly [RegExp, string][]): Promise<string> {
  const inner = `stty rows 24 cols 100; exec '${Deno.execPath()}' run --allow-all '${ROOT}main.ts'`;
  const child = new Deno.Command("script", {
    args: ["-q", "-e", "-c", inner, "/dev/null"],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
    env: {
      NO_COLOR: "1",
      TERM: "dumb",
      PAGER: pager,
      XDG_STATE_HOME: await Deno.makeTempDir({ prefix: "noctra-state-" }),
    },
  }).spawn();
  const writer = child.stdin.getWriter();
  let screen = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const bytes of child.stdout) {
      screen += decoder.decode(bytes, { stream: true }).replaceAll("\r", "");
    }
  })();
  let seen = 0;
  for (const [wait, send] of input) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = wait.exec(screen.slice(seen));
      if (found !== null) {
        seen += found.index + found[0].length;
        break;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${wait}:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await writer.write(new TextEncoder().encode(send));
  }
  await writer.close();
  strictEqual((await child.status).code, 0, screen);
  await reading;
  return screen;
}

Deno.test("REPL pager: a result taller than the screen goes through $PAGER, a short one not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-pager-" });
  const log = `${dir}/paged.txt`;
  const pager = `${dir}/pager.sh`;
  await Deno.writeTextFile(pager, `#!/bin/sh\necho '--- paged' >> '${log}'\ncat >> '${log}'\n`);
  await Deno.chmod(pager, 0o755);
  const screen = await replWithPager(pager, [
    [/noctra> /, "SELECT * FROM range(5) t(i);\n"],
    [/5 rows/, "SELECT * FROM range(500) t(i);\n"],
    [/noctra> /, ".pager off\n"],
    [/pager: off/, "SELECT * FROM range(499) t(i);\n"],
    [/499 rows/, "quit\n"],
  ]);
  const paged = await Deno.readTextFile(log);
  strictEqual(paged.match(/--- paged/g)?.length, 1, paged);
  match(paged, /│ +0 │\n/);
  match(paged, /500 rows \(40 shown\)/);
  ok(!screen.includes("500 rows"), "the tall result was not written to the screen");
  match(screen, /5 rows +1 column/);
  match(screen, /499 rows \(40 shown\)/);
});
