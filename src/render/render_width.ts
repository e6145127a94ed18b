/**
 * How wide the DuckDB CLI takes a text to be when it pads columns (`column`, `asciitable`, `box`,
 * `latex`): its `RenderLength`. Counted per grapheme cluster — 2 for East Asian wide characters
 * and emoji, 0 for control and combining characters, else 1 — with tabs to stops of 8, ANSI
 * escape sequences skipped, and a line break starting again from 0 (so a value's width is that
 * of its last line, as DuckDB measures it).
 *
 * A helper like `values.ts`: renderers import it; it imports no renderer.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import { eastAsianWidth } from "npm:get-east-asian-width@1.7.0";

/** An ANSI escape: CSI (`ESC [ … final`) or ESC and the character after it. */
// deno-lint-ignore no-control-regex -- ESC is what is looked for
const ANSI_ESCAPE = /\x1b(?:\[[^@-~]*[@-~]?|[\s\S]?)/g;
/** Characters that need more than counting: non-ASCII, controls (tab, newline, ESC). */
const NOT_PLAIN = /[^\x20-\x7e]/;
/** Zero-width starts of a cluster: control, format and combining characters. */
const ZERO_WIDTH = /^[\p{Cc}\p{Cf}\p{Mn}\p{Me}]/u;
/** Emoji shown as pictures (two columns wide). */
const EMOJI = /^\p{Emoji_Presentation}/u;

let segmenter: Intl.Segmenter | undefined;

/** Columns one grapheme cluster takes: the width of its first code point. */
function clusterWidth(cluster: string): number {
  if (ZERO_WIDTH.test(cluster)) return 0;
  if (eastAsianWidth(cluster.codePointAt(0)!) === 2 || EMOJI.test(cluster)) return 2;
  return 1;
}

/**
 * The DuckDB CLI's width of `text` in columns (see the module documentation).
 *
 * @example
 * ```ts
 * import { renderWidth } from "./render_width.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(renderWidth("日本"), 4);
 * strictEqual(renderWidth("a\tb"), 9);
 * strictEqual(renderWidth("first line\nxy"), 2);
 * ```
 */
export function renderWidth(text: string): number {
  if (!NOT_PLAIN.test(text)) return text.length;
  const plain = text.includes("\x1b") ? text.replace(ANSI_ESCAPE, "") : text;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  let width = 0;
  for (const { segment } of segmenter.segment(plain)) {
    if (segment === "\n") width = 0;
    else if (segment === "\t") width += 8 - (width % 8);
    else width += clusterWidth(segment);
  }
  return width;
}

/**
 * `text` padded with spaces to `width` columns as DuckDB's `RenderAlignedValue` pads: on the
 * right (`left`), on the left (`right`), or both, the odd space on the right (`center`). Text
 * as wide or wider is returned as it is.
 */
export function alignText(
  text: string,
  width: number,
  alignment: "left" | "right" | "center",
): string {
  const spaces = Math.max(0, width - renderWidth(text));
  if (spaces === 0) return text;
  if (alignment === "left") return text + " ".repeat(spaces);
  if (alignment === "right") return " ".repeat(spaces) + text;
  const before = Math.floor(spaces / 2);
  return " ".repeat(before) + text + " ".repeat(spaces - before);
}
