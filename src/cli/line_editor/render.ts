/**
 * Drawing the text being edited. {@link AnsiRenderer} redraws the whole edit area — prompt,
 * continuation prompts, the lines wrapped at the terminal's width, colours — after every batch
 * of keys, with relative cursor moves only (so it works wherever the area sits on the screen and
 * however the terminal scrolls). {@link PlainRenderer} is for terminals that understand no
 * escape sequences (`TERM=dumb`, Emacs shells): it only appends, erases with backspaces, or
 * prints the statement again on a new line.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import { eastAsianWidth } from "npm:get-east-asian-width@1.7.0";

/** SGR parameters (`"32"`, `"1;31"`) for `text.slice(start, end)`. */
export interface StyledSpan {
  /** First offset (UTF-16 code units) of the span. */
  readonly start: number;
  /** Offset one past its end. */
  readonly end: number;
  /** SGR parameters, without `ESC [` and `m`. */
  readonly sgr: string;
}

/** What to draw: prompts, the text (lines separated by `\n`), the cursor and the colours. */
export interface EditView {
  /** Prompt of the first line (plain text, no escape sequences). */
  readonly prompt: string;
  /** Prompt of every further line. */
  readonly continuation: string;
  /** The text. */
  readonly text: string;
  /** Cursor offset into `text`. */
  readonly cursor: number;
  /** Colours, in order and not overlapping; empty for none. */
  readonly spans: readonly StyledSpan[];
}

/** Draws an {@link EditView} on a terminal. */
export interface Renderer {
  /** Redraws the edit area for `view`. */
  render(view: EditView): void;
  /** Draws `view` a last time with the cursor after its end, then starts a new line below it. */
  finish(view: EditView, marker?: string): void;
  /** Prints `lines` below the edit area, then draws `view` again under them. */
  printBelow(lines: readonly string[], view: EditView): void;
  /** Clears the screen and draws `view` at its top. */
  clearScreen(view: EditView): void;
}

/** `base` spans with `over` spans laid on top (where they overlap, `over` wins). */
export function overlaySpans(
  base: readonly StyledSpan[],
  over: readonly StyledSpan[],
): StyledSpan[] {
  if (over.length === 0) return [...base];
  const result: StyledSpan[] = [];
  for (const span of base) {
    let pieces: StyledSpan[] = [span];
    for (const top of over) {
      pieces = pieces.flatMap((piece) => {
        if (top.end <= piece.start || top.start >= piece.end) return [piece];
        const parts: StyledSpan[] = [];
        if (piece.start < top.start) parts.push({ ...piece, end: top.start });
        if (top.end < piece.end) parts.push({ ...piece, start: top.end });
        return parts;
      });
    }
    result.push(...pieces);
  }
  return [...result, ...over].sort((a, b) => a.start - b.start);
}

/**
 * Columns a code point takes: 0 for combining marks and zero-width characters, 2 for East Asian
 * wide and fullwidth ones and emoji (`get-east-asian-width`), else 1.
 */
export function codePointWidth(point: number): number {
  if (point === 0x200b || point === 0x200c || point === 0x200d || point === 0xfeff) return 0;
  if (point >= 0x300 && COMBINING.test(String.fromCodePoint(point))) return 0;
  return eastAsianWidth(point);
}

const COMBINING = /\p{M}/u;

/** How a character of the text is shown: a tab as spaces, a control character as `^X`. */
function shown(char: string): string {
  if (char === "\t") return "    ";
  const code = char.charCodeAt(0);
  if (code < 0x20) return "^" + String.fromCharCode(code + 0x40);
  if (code === 0x7f) return "^?";
  return char;
}

/** Columns `text` takes on the screen (as {@link AnsiRenderer} shows it). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const display = shown(char);
    width += display === char ? codePointWidth(char.codePointAt(0)!) : display.length;
  }
  return width;
}

/** One line of the view, with where it starts in the text. */
interface ViewLine {
  readonly start: number;
  readonly text: string;
  readonly prompt: string;
}

function viewLines(view: EditView): ViewLine[] {
  const lines: ViewLine[] = [];
  let start = 0;
  for (const [index, text] of view.text.split("\n").entries()) {
    lines.push({ start, text, prompt: index === 0 ? view.prompt : view.continuation });
    start += text.length + 1;
  }
  return lines;
}

/** The characters of `line` as shown, with colour changes where the spans say. */
function styledLine(line: ViewLine, spans: readonly StyledSpan[]): string {
  // Spans are sorted and disjoint: find the first one that ends after the line starts, then walk.
  let index = 0;
  let high = spans.length;
  while (index < high) {
    const middle = (index + high) >>> 1;
    if (spans[middle]!.end <= line.start) index = middle + 1;
    else high = middle;
  }
  let out = "";
  let current = "";
  let offset = line.start;
  for (const char of line.text) {
    while (index < spans.length && spans[index]!.end <= offset) index++;
    const span = spans[index];
    const sgr = span !== undefined && span.start <= offset ? span.sgr : "";
    if (sgr !== current) {
      out += current === "" ? "" : "\x1b[0m";
      out += sgr === "" ? "" : `\x1b[${sgr}m`;
      current = sgr;
    }
    out += shown(char);
    offset += char.length;
  }
  return out + (current === "" ? "" : "\x1b[0m");
}

/**
 * Redraws the edit area with ANSI/VT sequences: up to the area's first row, clear to the end of
 * the screen, write the lines (the terminal wraps long ones), then move the cursor to its place.
 * `columns` is read at every draw, so a resized terminal is followed from the next keystroke.
 */
export class AnsiRenderer implements Renderer {
  readonly #write: (text: string) => void;
  readonly #columns: () => number;
  /** Rows between the edit area's first row and the cursor, as last drawn. */
  #cursorRow = 0;
  /** Rows the edit area took when last drawn. */
  #rows = 1;

  /** A renderer writing with `write`, on a terminal `columns()` wide. */
  constructor(write: (text: string) => void, columns: () => number) {
    this.#write = write;
    this.#columns = columns;
  }

  /** Redraws the edit area for `view`. */
  render(view: EditView): void {
    this.#write(this.#draw(view));
  }

  /** Draws `view` with the cursor at the end, writes `marker` (such as `^C`) and a new line. */
  finish(view: EditView, marker = ""): void {
    const end = { ...view, cursor: view.text.length };
    this.#write(this.#draw(end) + marker + "\r\n");
    this.#cursorRow = 0;
    this.#rows = 1;
  }

  /** Prints `lines` under the edit area, then draws `view` below them. */
  printBelow(lines: readonly string[], view: EditView): void {
    let out = "";
    const below = this.#rows - 1 - this.#cursorRow;
    if (below > 0) out += `\x1b[${below}B`;
    out += "\r\n" + lines.map((line) => line + "\r\n").join("");
    this.#cursorRow = 0;
    this.#rows = 1;
    this.#write(out + this.#draw(view));
  }

  /** Clears the screen and draws `view` at its top. */
  clearScreen(view: EditView): void {
    this.#cursorRow = 0;
    this.#rows = 1;
    this.#write("\x1b[H\x1b[2J" + this.#draw(view));
  }

  #draw(view: EditView): string {
    const columns = Math.max(1, this.#columns());
    let out = "\x1b[?25l";
    if (this.#cursorRow > 0) out += `\x1b[${this.#cursorRow}A`;
    out += "\r\x1b[J";
    const lines = viewLines(view);
    let row = 0;
    let cursorRow = 0;
    let cursorColumn = 0;
    let endRow = 0;
    let cursorAtWrap = false;
    for (const [index, line] of lines.entries()) {
      if (index > 0) out += "\r\n";
      out += line.prompt + styledLine(line, view.spans);
      const promptWidth = displayWidth(line.prompt);
      const width = promptWidth + displayWidth(line.text);
      const last = index === lines.length - 1;
      if (view.cursor >= line.start && view.cursor <= line.start + line.text.length) {
        const before = promptWidth + displayWidth(line.text.slice(0, view.cursor - line.start));
        cursorRow = row + Math.floor(before / columns);
        cursorColumn = before % columns;
        if (before > 0 && before % columns === 0 && before === width) {
          if (last) cursorAtWrap = true;
          else {
            cursorRow -= 1;
            cursorColumn = columns - 1;
          }
        }
      }
      const rows = width === 0 ? 1 : Math.ceil(width / columns);
      endRow = row + rows - 1;
      row += rows;
    }
    if (cursorAtWrap) {
      // The text fills its last row exactly: start the next row so the cursor can sit there.
      out += "\r\n";
      endRow += 1;
      row += 1;
    }
    out += "\r";
    if (endRow > cursorRow) out += `\x1b[${endRow - cursorRow}A`;
    if (cursorColumn > 0) out += `\x1b[${cursorColumn}C`;
    this.#cursorRow = cursorRow;
    this.#rows = row;
    return out + "\x1b[?25h";
  }
}

/**
 * Draws on a terminal without cursor control: what is shown is only ever extended (typing at
 * the end), shortened with backspaces (deleting at the end of a line), or the statement is
 * printed again on a new line. The cursor is shown at the end whatever its offset. No colours.
 */
export class PlainRenderer implements Renderer {
  readonly #write: (text: string) => void;
  /** What the terminal shows of the current edit area. */
  #shown = "";

  /** A renderer writing with `write`. */
  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  /** Brings what is shown up to date with `view`, by the cheapest of the three means. */
  render(view: EditView): void {
    const full = PlainRenderer.#text(view);
    if (full.startsWith(this.#shown)) {
      this.#write(full.slice(this.#shown.length));
    } else if (this.#shown.startsWith(full) && !this.#shown.slice(full.length).includes("\n")) {
      const removed = displayWidth(this.#shown.slice(full.length));
      this.#write("\b \b".repeat(removed));
    } else {
      this.#write("\r\n" + full);
    }
    this.#shown = full;
  }

  /** Brings `view` up to date, writes `marker` and a new line. */
  finish(view: EditView, marker = ""): void {
    this.render(view);
    this.#write(marker + "\r\n");
    this.#shown = "";
  }

  /** Prints `lines` on new lines, then `view` again. */
  printBelow(lines: readonly string[], view: EditView): void {
    this.#write("\r\n" + lines.map((line) => line + "\r\n").join(""));
    this.#shown = "";
    this.render(view);
  }

  /** Starts `view` on a new line (no screen to clear). */
  clearScreen(view: EditView): void {
    this.printBelow([], view);
  }

  static #text(view: EditView): string {
    return viewLines(view).map((line) => line.prompt + line.text).join("\r\n");
  }
}
