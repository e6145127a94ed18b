/**
 * The pager with a fake `$PAGER` (a shell script that writes what it received to a file): used
 * for a 500-row result and not for 5 rows in `auto`, always in `on`, never in `off` or off a
 * terminal; a pager that cannot start falls back to direct output with one warning; quitting the
 * pager early stops the render quietly; a failing render still waits for the pager.
 */
import { deepStrictEqual, rejects, strictEqual } from "node:assert/strict";
import { DuckDBSource } from "../src/engine/sources/duckdb_source.ts";
import { type ColumnInfo, rowsResultFromArrays } from "../src/engine/result.ts";
import { renderResult } from "../src/render/renderer.ts";
import type { ByteWriter } from "../src/render/sink.ts";
import {
  pagerCommand,
  type PagerMode,
  type PagerOptions,
  pageText,
  screenRows,
  withPager,
} from "../src/cli/pager.ts";

/** A stand-in for stdout that keeps what it was given. */
class FakeStdout implements ByteWriter {
  readonly #parts: Uint8Array[] = [];
  write(bytes: Uint8Array): Promise<number> {
    this.#parts.push(bytes.slice());
    return Promise.resolve(bytes.length);
  }
  get text(): string {
    return new TextDecoder().decode(new Uint8Array(this.#parts.flatMap((part) => [...part])));
  }
}

interface Fixture {
  readonly dir: string;
  /** `$PAGER` value running the fake pager script with the received-file as argument. */
  readonly pager: string;
  readonly received: string;
}

/** A fake pager script: `body` runs with `$1` = the file to write what it received to. */
async function fakePager(body = 'cat > "$1"'): Promise<Fixture> {
  const dir = await Deno.makeTempDir({ prefix: "noctra-pager-" });
  const script = `${dir}/fake pager.sh`;
  await Deno.writeTextFile(script, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(script, 0o755);
  const received = `${dir}/received.txt`;
  return { dir, pager: `'${script}' '${received}'`, received };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Renders `SELECT … FROM range(rows)` as a table (all rows) through the pager. */
async function pagedQuery(rows: number, mode: PagerMode, extra: Partial<PagerOptions> = {}) {
  const fixture = await fakePager();
  const stdout = new FakeStdout();
  const source = await DuckDBSource.open();
  try {
    const result = await source.stream(
      `SELECT range AS id, 'row ' || range AS label FROM range(${rows})`,
    );
    if (result.kind !== "rows") throw new Error("expected rows");
    const outcome = await withPager(
      { mode, terminalRows: 24, terminalColumns: 80, command: fixture.pager, stdout, ...extra },
      (sink) => renderResult(result, "table", sink, { maxRows: 0, color: false, width: 80 }),
    );
    return {
      outcome,
      stdout: stdout.text,
      received: await readIfExists(fixture.received),
    };
  } finally {
    source.close();
    await Deno.remove(fixture.dir, { recursive: true });
  }
}

Deno.test("auto: a 500-row result goes through the pager, whole", async () => {
  const { outcome, stdout, received } = await pagedQuery(500, "auto");
  strictEqual(outcome.paged, true);
  strictEqual(outcome.quitEarly, false);
  strictEqual(outcome.value?.rows, 500);
  strictEqual(stdout, "");
  strictEqual(received?.startsWith("┌───"), true);
  strictEqual(received?.includes("│    499 │ row 499 │"), true);
  strictEqual(received?.includes("500 rows"), true);
});

Deno.test("auto: a 5-row result is written directly, the pager never starts", async () => {
  const { outcome, stdout, received } = await pagedQuery(5, "auto");
  deepStrictEqual({ paged: outcome.paged, quitEarly: outcome.quitEarly }, {
    paged: false,
    quitEarly: false,
  });
  strictEqual(received, undefined);
  strictEqual(stdout.includes("│      4 │ row 4   │"), true);
  strictEqual(stdout.includes("5 rows"), true);
});

Deno.test("auto: the boundary is the screen height, prompt line kept free", async () => {
  // 24 rows. This narrow table takes n + 6 lines: 4 above the rows, 2 below (footer outside).
  const fits = await pagedQuery(17, "auto"); // 23 lines
  strictEqual(fits.stdout.split("\n").length - 1, 23);
  strictEqual(fits.outcome.paged, false);
  const over = await pagedQuery(18, "auto"); // 24 lines
  strictEqual(over.outcome.paged, true);
  strictEqual(over.received?.split("\n").length, 25);
});

Deno.test("on pages even 5 rows; off never pages; no terminal never pages", async () => {
  strictEqual((await pagedQuery(5, "on")).outcome.paged, true);
  const off = await pagedQuery(500, "off");
  strictEqual(off.outcome.paged, false);
  strictEqual(off.received, undefined);
  strictEqual(off.stdout.includes("500 rows"), true);
  const piped = await pagedQuery(500, "on", { terminalRows: undefined });
  strictEqual(piped.outcome.paged, false);
  strictEqual(piped.received, undefined);
});

Deno.test("a pager that cannot start: one warning, then the whole result directly", async () => {
  const warnings: string[] = [];
  const { outcome, stdout } = await pagedQuery(500, "auto", {
    command: "/no/such/pager -R",
    warn: (line) => warnings.push(line),
  });
  strictEqual(outcome.paged, false);
  strictEqual(warnings.length, 1);
  strictEqual(
    warnings[0]!.startsWith("pager /no/such/pager -R could not start ("),
    true,
    warnings[0],
  );
  strictEqual(warnings[0]!.endsWith("); writing the result directly"), true);
  strictEqual(stdout.startsWith("┌───"), true);
  strictEqual(stdout.includes("│    499 │ row 499 │"), true);
});

Deno.test("quitting the pager early stops the render quietly", async () => {
  const fixture = await fakePager('head -c 2000 > "$1"');
  const columns: ColumnInfo[] = [{ name: "n", type: "BIGINT", kind: "integer" }];
  const rows = Array.from({ length: 200_000 }, (_, i) => [BigInt(i)]);
  const events: string[] = [];
  try {
    const outcome = await withPager(
      {
        mode: "auto",
        terminalRows: 24,
        command: fixture.pager,
        stdout: new FakeStdout(),
        onPagerStart: () => events.push("start"),
        onPagerExit: () => events.push("exit"),
      },
      (sink) =>
        renderResult(rowsResultFromArrays(columns, rows), "csv", sink, {
          maxRows: 0,
          color: false,
        }),
    );
    strictEqual(outcome.paged, true);
    strictEqual(outcome.quitEarly, true);
    strictEqual(outcome.value, undefined);
    strictEqual((await Deno.readTextFile(fixture.received)).length, 2000);
    deepStrictEqual(events, ["start", "exit"]);
  } finally {
    await Deno.remove(fixture.dir, { recursive: true });
  }
});

Deno.test("a render that fails half-way still waits for the pager, then throws", async () => {
  const fixture = await fakePager();
  const events: string[] = [];
  try {
    await rejects(
      withPager(
        {
          mode: "on",
          terminalRows: 24,
          command: fixture.pager,
          stdout: new FakeStdout(),
          onPagerExit: () => events.push("exit"),
        },
        async (sink) => {
          await sink.write("first rows\n");
          await sink.flush();
          throw new Error("Conversion Error at row 200,000");
        },
      ),
      /Conversion Error/,
    );
    deepStrictEqual(events, ["exit"]);
    strictEqual(await Deno.readTextFile(fixture.received), "first rows\n");
  } finally {
    await Deno.remove(fixture.dir, { recursive: true });
  }
});

Deno.test("pageText: rendered text pages by its screen rows", async () => {
  const fixture = await fakePager();
  try {
    const stdout = new FakeStdout();
    const options = { mode: "auto", terminalRows: 10, command: fixture.pager, stdout } as const;
    strictEqual((await pageText("short\n", options)).paged, false);
    strictEqual(stdout.text, "short\n");
    // One line of 500 characters wraps into 7 rows at 80 columns: with 5 rows, it pages.
    const long = "x".repeat(500) + "\n";
    strictEqual(
      (await pageText(long, { ...options, terminalRows: 5, terminalColumns: 80 })).paged,
      true,
    );
    strictEqual(await Deno.readTextFile(fixture.received), long);
  } finally {
    await Deno.remove(fixture.dir, { recursive: true });
  }
});

Deno.test("the pager gets LESSCHARSET=utf-8 unless the user chose a charset", async () => {
  const fixture = await fakePager('printf %s "$LESSCHARSET" > "$1"; cat > /dev/null');
  const charsetSeen = async () => {
    await pageText("x\n", { mode: "on", terminalRows: 10, command: fixture.pager });
    return await Deno.readTextFile(fixture.received);
  };
  const saved = Deno.env.get("LESSCHARSET");
  try {
    Deno.env.delete("LESSCHARSET");
    strictEqual(await charsetSeen(), "utf-8");
    Deno.env.set("LESSCHARSET", "latin1");
    strictEqual(await charsetSeen(), "latin1");
  } finally {
    if (saved === undefined) Deno.env.delete("LESSCHARSET");
    else Deno.env.set("LESSCHARSET", saved);
    await Deno.remove(fixture.dir, { recursive: true });
  }
});

Deno.test("screen rows count wrapped lines and skip ANSI escapes; $PAGER splits like a shell", () => {
  strictEqual(screenRows(""), 0);
  strictEqual(screenRows("no newline"), 1);
  strictEqual(screenRows("x".repeat(80) + "\n", 80), 1);
  strictEqual(screenRows("x".repeat(81) + "\n", 80), 2);
  strictEqual(screenRows("\x1b[36m" + "█".repeat(10) + "\x1b[39m\n", 10), 1);
  deepStrictEqual(pagerCommand("less -RFXS"), ["less", "-RFXS"]);
  deepStrictEqual(pagerCommand(`  "my pager"  -x\\ y ''`), ["my pager", "-x y", ""]);
  deepStrictEqual(pagerCommand(""), undefined);
  deepStrictEqual(pagerCommand("  cat "), undefined);
});
