/**
 * The progress bar: drawn only on a terminal, only after the delay, erased at the end; the line
 * it draws with and without a percentage.
 */
import { strictEqual } from "node:assert/strict";
import {
  PROGRESS_DELAY_MS,
  progressLine,
  type ProgressTerminal,
  startProgress,
} from "../src/cli/progress.ts";

function fakeTerminal(terminal: boolean) {
  let text = "";
  const decoder = new TextDecoder();
  const fake: ProgressTerminal = {
    isTerminal: () => terminal,
    writeSync: (bytes) => {
      text += decoder.decode(bytes);
      return bytes.length;
    },
    columns: () => 60,
  };
  return { fake, text: () => text };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("the bar appears after the delay, redraws, and is erased when the statement ends", async () => {
  const { fake, text } = fakeTerminal(true);
  let percentage = 10;
  const bar = startProgress(() => ({ percentage: percentage += 10, rows: 1234 }), fake);
  await wait(PROGRESS_DELAY_MS - 200);
  strictEqual(text(), "", "nothing before the delay");
  await wait(450);
  bar.stop();
  const drawn = text();
  strictEqual(drawn.startsWith("\r["), true, drawn);
  strictEqual(drawn.includes("1,234 rows"), true, drawn);
  strictEqual(drawn.split("\r[").length - 1 >= 2, true, "redrawn at least twice");
  strictEqual(drawn.endsWith("\r\x1b[K"), true, "erased at the end");
});

Deno.test("a statement shorter than the delay never draws", async () => {
  const { fake, text } = fakeTerminal(true);
  const bar = startProgress(() => ({ percentage: 50 }), fake);
  await wait(50);
  bar.stop();
  await wait(PROGRESS_DELAY_MS);
  strictEqual(text(), "");
});

Deno.test("no bar when stderr is not a terminal", async () => {
  const { fake, text } = fakeTerminal(false);
  const bar = startProgress(() => ({ percentage: 50 }), fake);
  await wait(PROGRESS_DELAY_MS + 150);
  bar.stop();
  strictEqual(text(), "");
});

Deno.test("the line: a bar with a percentage, rows and time without one, within the width", () => {
  strictEqual(
    progressLine({ percentage: 43.4, rows: 1234567 }, 1234, 80),
    `[${"█".repeat(17)}${"░".repeat(23)}]  43%  1,234,567 rows  1.2 s`,
  );
  strictEqual(progressLine({ percentage: -1, rows: 42 }, 500, 80), "42 rows  0.5 s");
  strictEqual(progressLine({}, 2000, 80), "2.0 s");
  strictEqual(progressLine({ percentage: 100 }, 0, 30).length <= 29, true);
});

Deno.test("a long statement on a terminal shows the bar on stderr and erases it before the result", async () => {
  const command = `"${Deno.execPath()}" run -A main.ts --no-restore --format csv -c ` +
    `'SELECT count(*) AS n FROM range(400000000) t(i) WHERE i % 7 = 3'`;
  const run = await new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    cwd: new URL("..", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const screen = new TextDecoder().decode(run.stdout);
  strictEqual(run.code, 0, screen);
  // A redraw: carriage return, the bar or rows (when known), the time, erase to the line's end.
  const bar = new RegExp("\r(\\[[█░]+\\] +\\d+% {2})?([\\d,]+ rows {2})?\\d+\\.\\d s\u001b\\[K");
  strictEqual(bar.test(screen), true, JSON.stringify(screen.slice(0, 200)));
  const result = screen.indexOf("n\r\n57142857");
  strictEqual(result > 0, true, JSON.stringify(screen));
  strictEqual(screen.slice(0, result).endsWith("\r\x1b[K"), true, "erased just before the result");
  strictEqual(bar.test(screen.slice(result)), false, "never drawn over the result");
});

Deno.test("no bar when stderr is a pipe, however long the statement", async () => {
  const run = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "main.ts",
      "--no-restore",
      "--format",
      "csv",
      "-c",
      "SELECT count(*) AS n FROM range(400000000) t(i) WHERE i % 7 = 3",
    ],
    cwd: new URL("..", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  strictEqual(new TextDecoder().decode(run.stdout), "n\n57142857\n");
  strictEqual(new TextDecoder().decode(run.stderr), "");
});

Deno.test(".progress_bar off: no bar on a terminal, in a script and in the REPL", async () => {
  const long = "SELECT count(*) AS n FROM range(400000000) t(i) WHERE i % 7 = 3";
  const bar = new RegExp("\r(\\[[█░]+\\] +\\d+% {2})?([\\d,]+ rows {2})?\\d+\\.\\d s\u001b\\[K");
  const onTerminal = async (command: string, input?: string) => {
    const child = new Deno.Command("script", {
      args: ["-qec", command, "/dev/null"],
      cwd: new URL("..", import.meta.url),
      stdin: input === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", XDG_STATE_HOME: await Deno.makeTempDir() },
    }).spawn();
    if (input !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(input));
      await writer.close();
    }
    const run = await child.output();
    return { code: run.code, screen: new TextDecoder().decode(run.stdout) };
  };
  const noctra = `"${Deno.execPath()}" run -A main.ts --no-restore`;
  const script = await onTerminal(`${noctra} --format csv -c '.progress_bar off' -c '${long}'`);
  strictEqual(script.code, 0, script.screen);
  strictEqual(script.screen.includes("n\r\n57142857"), true, JSON.stringify(script.screen));
  strictEqual(bar.test(script.screen), false, JSON.stringify(script.screen));
  const repl = await onTerminal(noctra, `.progress_bar off\n.mode csv\n${long};\n.quit\n`);
  strictEqual(repl.code, 0, repl.screen);
  strictEqual(repl.screen.includes("n\r\n57142857"), true, JSON.stringify(repl.screen));
  strictEqual(bar.test(repl.screen), false, JSON.stringify(repl.screen));
});
