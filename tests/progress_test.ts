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
