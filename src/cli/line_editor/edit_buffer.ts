/**
 * The text being edited — a statement of one or more lines separated by `\n` — and the cursor
 * in it, with the editing operations the keys map to. Pure: no terminal, no rendering. Offsets
 * are UTF-16 code units into the text; the cursor never stops inside a surrogate pair.
 *
 * @module
 */

/** A letter, digit, `_` or `$`: what word movements and Ctrl-W treat as a word. */
const WORD_CHAR = /[\p{L}\p{N}_$]/u;

/** Whether the character starting at `index` of `text` is a word character. */
function isWordAt(text: string, index: number): boolean {
  const point = text.codePointAt(index);
  return point !== undefined && WORD_CHAR.test(String.fromCodePoint(point));
}

/**
 * Editable text with a cursor. Every operation keeps `0 <= cursor <= text.length`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { EditBuffer } from "./edit_buffer.ts";
 *
 * const buffer = new EditBuffer();
 * buffer.insert("SELECT 1\nFROM tab");
 * buffer.moveUp();
 * strictEqual(buffer.cursor, 8);
 * buffer.deleteWordBackward();
 * strictEqual(buffer.text, "SELECT \nFROM tab");
 * ```
 */
export class EditBuffer {
  #text = "";
  #cursor = 0;
  /** Column the cursor keeps while moving up and down through shorter lines. */
  #goalColumn: number | null = null;

  /** The whole text. */
  get text(): string {
    return this.#text;
  }

  /** The cursor: an offset into {@link text}. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Replaces the text; the cursor goes to `cursor` (default: the end). */
  set(text: string, cursor = text.length): void {
    this.#text = text;
    this.#cursor = Math.max(0, Math.min(cursor, text.length));
    this.#goalColumn = null;
  }

  /** Whether the text is empty. */
  get empty(): boolean {
    return this.#text === "";
  }

  /** Inserts `text` at the cursor and moves the cursor after it. */
  insert(text: string): void {
    this.#text = this.#text.slice(0, this.#cursor) + text + this.#text.slice(this.#cursor);
    this.#cursor += text.length;
    this.#goalColumn = null;
  }

  /** Replaces `from`…cursor by `text` (completion); the cursor goes after it. */
  replaceBeforeCursor(from: number, text: string): void {
    this.#text = this.#text.slice(0, from) + text + this.#text.slice(this.#cursor);
    this.#cursor = from + text.length;
    this.#goalColumn = null;
  }

  /** Deletes the character before the cursor (joining lines at a line start). */
  deleteBackward(): void {
    if (this.#cursor === 0) return;
    this.#delete(this.#previous(this.#cursor), this.#cursor);
  }

  /** Deletes the character under the cursor (joining lines at a line end). */
  deleteForward(): void {
    if (this.#cursor === this.#text.length) return;
    this.#delete(this.#cursor, this.#next(this.#cursor));
  }

  /** Deletes the word before the cursor (and the spaces after it); returns the deleted text. */
  deleteWordBackward(): string {
    const start = this.#wordStartBefore(this.#cursor);
    return this.#delete(start, this.#cursor);
  }

  /** Deletes up to the end of the word after the cursor; returns the deleted text. */
  deleteWordForward(): string {
    return this.#delete(this.#cursor, this.#wordEndAfter(this.#cursor));
  }

  /** Deletes from the cursor to the end of its line (the line break when already there). */
  killToLineEnd(): string {
    const end = this.#lineEnd(this.#cursor);
    return this.#delete(this.#cursor, end === this.#cursor ? this.#next(end) : end);
  }

  /** Deletes from the start of the cursor's line to the cursor. */
  killToLineStart(): string {
    return this.#delete(this.#lineStart(this.#cursor), this.#cursor);
  }

  /** Moves one character left. */
  moveLeft(): void {
    this.#moveTo(this.#previous(this.#cursor));
  }

  /** Moves one character right. */
  moveRight(): void {
    this.#moveTo(this.#next(this.#cursor));
  }

  /** Moves to the start of the previous word. */
  moveWordLeft(): void {
    this.#moveTo(this.#wordStartBefore(this.#cursor));
  }

  /** Moves to the end of the next word. */
  moveWordRight(): void {
    this.#moveTo(this.#wordEndAfter(this.#cursor));
  }

  /** Moves to the start of the cursor's line. */
  moveLineStart(): void {
    this.#moveTo(this.#lineStart(this.#cursor));
  }

  /** Moves to the end of the cursor's line. */
  moveLineEnd(): void {
    this.#moveTo(this.#lineEnd(this.#cursor));
  }

  /** Moves to the start of the text. */
  moveStart(): void {
    this.#moveTo(0);
  }

  /** Moves to the end of the text. */
  moveEnd(): void {
    this.#moveTo(this.#text.length);
  }

  /** Whether the cursor is on the first line. */
  get onFirstLine(): boolean {
    return this.#text.lastIndexOf("\n", this.#cursor - 1) === -1;
  }

  /** Whether the cursor is on the last line. */
  get onLastLine(): boolean {
    return this.#text.indexOf("\n", this.#cursor) === -1;
  }

  /** Moves to the line above, keeping the column where it can; false on the first line. */
  moveUp(): boolean {
    if (this.onFirstLine) return false;
    const column = this.#goalColumn ?? this.#cursor - this.#lineStart(this.#cursor);
    const previousStart = this.#lineStart(this.#lineStart(this.#cursor) - 1);
    const previousEnd = this.#lineStart(this.#cursor) - 1;
    this.#cursor = this.#snap(Math.min(previousStart + column, previousEnd));
    this.#goalColumn = column;
    return true;
  }

  /** Moves to the line below, keeping the column where it can; false on the last line. */
  moveDown(): boolean {
    if (this.onLastLine) return false;
    const column = this.#goalColumn ?? this.#cursor - this.#lineStart(this.#cursor);
    const nextStart = this.#lineEnd(this.#cursor) + 1;
    this.#cursor = this.#snap(Math.min(nextStart + column, this.#lineEnd(nextStart)));
    this.#goalColumn = column;
    return true;
  }

  #moveTo(offset: number): void {
    this.#cursor = offset;
    this.#goalColumn = null;
  }

  #delete(from: number, to: number): string {
    const removed = this.#text.slice(from, to);
    this.#text = this.#text.slice(0, from) + this.#text.slice(to);
    this.#cursor = from;
    this.#goalColumn = null;
    return removed;
  }

  /** An offset moved back off the low half of a surrogate pair. */
  #snap(offset: number): number {
    const code = this.#text.charCodeAt(offset);
    return code >= 0xdc00 && code <= 0xdfff && offset > 0 ? offset - 1 : offset;
  }

  #previous(offset: number): number {
    return offset === 0 ? 0 : this.#snap(offset - 1);
  }

  #next(offset: number): number {
    if (offset >= this.#text.length) return this.#text.length;
    const point = this.#text.codePointAt(offset)!;
    return offset + (point > 0xffff ? 2 : 1);
  }

  #lineStart(offset: number): number {
    return this.#text.lastIndexOf("\n", offset - 1) + 1;
  }

  #lineEnd(offset: number): number {
    const end = this.#text.indexOf("\n", offset);
    return end === -1 ? this.#text.length : end;
  }

  #wordStartBefore(offset: number): number {
    let index = offset;
    while (index > 0 && !isWordAt(this.#text, this.#previous(index))) {
      index = this.#previous(index);
    }
    while (index > 0 && isWordAt(this.#text, this.#previous(index))) index = this.#previous(index);
    return index;
  }

  #wordEndAfter(offset: number): number {
    let index = offset;
    const end = this.#text.length;
    while (index < end && !isWordAt(this.#text, index)) index = this.#next(index);
    while (index < end && isWordAt(this.#text, index)) index = this.#next(index);
    return index;
  }
}
