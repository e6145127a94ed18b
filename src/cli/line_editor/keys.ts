/**
 * Decodes what a terminal in raw mode sends into key presses and pastes: UTF-8 text, control
 * characters (Ctrl-A … Ctrl-Z), the VT escape sequences of xterm-like terminals (cursor keys in
 * normal and application mode, Home/End/Delete in their `CSI n ~` forms, modifiers as
 * `CSI 1;m X`), Alt/Meta as an ESC prefix, and bracketed paste (`CSI 200~ … CSI 201~`, one
 * {@link PasteEvent} however many reads it spans). Windows consoles send the same sequences
 * once Deno's `setRaw(true)` has turned on virtual-terminal input.
 *
 * @module
 */

/** Names of the non-character keys the editor reacts to. */
export type KeyName =
  | "char"
  | "enter"
  | "tab"
  | "backspace"
  | "delete"
  | "escape"
  | "up"
  | "down"
  | "left"
  | "right"
  | "home"
  | "end"
  | "pageup"
  | "pagedown"
  | "insert"
  | "unknown";

/**
 * One key press. `name` is `"char"` for a printable character (in `text`, one code point) and
 * for Ctrl-letter combinations (`ctrl` true, `text` the lower-case letter); `meta` is Alt (an ESC
 * prefix or the modifier parameter 3 of a CSI sequence); `shift` comes only from CSI modifiers
 * and Shift-Tab. `sequence` is the raw text received, for diagnostics.
 */
export interface KeyEvent {
  /** Discriminates key presses from pastes. */
  readonly kind: "key";
  /** Which key. */
  readonly name: KeyName;
  /** The character typed, for `"char"` (otherwise `""`). */
  readonly text: string;
  /** Ctrl was held. */
  readonly ctrl: boolean;
  /** Alt (Meta) was held. */
  readonly meta: boolean;
  /** Shift was held (reported only where the terminal tells it). */
  readonly shift: boolean;
  /** The text the terminal sent for this key. */
  readonly sequence: string;
}

/** Text pasted while bracketed paste was on, delivered whole, line breaks as the terminal sent. */
export interface PasteEvent {
  /** Discriminates pastes from key presses. */
  readonly kind: "paste";
  /** The pasted text. */
  readonly text: string;
}

/** What the decoder produces. */
export type InputEvent = KeyEvent | PasteEvent;

/** Turns bracketed paste on (the editor writes it while it reads a statement). */
export const BRACKETED_PASTE_ON = "\x1b[?2004h";
/** Turns bracketed paste off. */
export const BRACKETED_PASTE_OFF = "\x1b[?2004l";

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";

/** A key press with the given fields; absent modifiers are false. */
export function key(
  name: KeyName,
  options: { text?: string; ctrl?: boolean; meta?: boolean; shift?: boolean; sequence?: string } =
    {},
): KeyEvent {
  return {
    kind: "key",
    name,
    text: options.text ?? "",
    ctrl: options.ctrl ?? false,
    meta: options.meta ?? false,
    shift: options.shift ?? false,
    sequence: options.sequence ?? options.text ?? "",
  };
}

/** Final bytes of `CSI … X` and `SS3 X` sequences. */
const FINAL_KEYS: Readonly<Record<string, KeyName>> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
};

/** `CSI n ~` sequences. */
const TILDE_KEYS: Readonly<Record<string, KeyName>> = {
  "1": "home",
  "2": "insert",
  "3": "delete",
  "4": "end",
  "5": "pageup",
  "6": "pagedown",
  "7": "home",
  "8": "end",
};

/**
 * Incremental decoder: {@link KeyDecoder.feed} takes text as it arrives (a sequence may be
 * split across reads) and returns the complete events; a lone ESC at the end of the input is
 * held until more text comes or {@link KeyDecoder.flush} is called (the caller waits briefly,
 * then flushes, so the Escape key works).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { KeyDecoder } from "./keys.ts";
 *
 * const decoder = new KeyDecoder();
 * const events = decoder.feed("a\x1b[D\x03");
 * deepStrictEqual(events.map((e) => e.kind === "key" ? [e.name, e.text, e.ctrl] : e.text), [
 *   ["char", "a", false],
 *   ["left", "", false],
 *   ["char", "c", true],
 * ]);
 * ```
 */
export class KeyDecoder {
  #pending = "";
  /** Text of a paste in progress (`null` when not inside a paste). */
  #paste: string | null = null;

  /** Whether a bracketed paste has started and its end has not arrived yet. */
  get pasting(): boolean {
    return this.#paste !== null;
  }

  /**
   * Whether an escape sequence (or a lone ESC) outside a paste waits for more input: the caller
   * then calls {@link flush} if nothing more comes soon.
   */
  get waiting(): boolean {
    return this.#pending !== "" && this.#paste === null;
  }

  /** Decodes `text` (after what earlier calls left pending) into events. */
  feed(text: string): InputEvent[] {
    const events: InputEvent[] = [];
    let input = this.#pending + text;
    this.#pending = "";
    while (input !== "") {
      if (this.#paste !== null) {
        const end = input.indexOf(PASTE_END);
        if (end === -1) {
          // Keep a possible start of the end marker for the next read.
          const keep = partialSuffix(input, PASTE_END);
          this.#paste += input.slice(0, input.length - keep);
          this.#pending = input.slice(input.length - keep);
          return events;
        }
        events.push({ kind: "paste", text: this.#paste + input.slice(0, end) });
        this.#paste = null;
        input = input.slice(end + PASTE_END.length);
        continue;
      }
      const consumed = this.#decodeOne(input, events);
      if (consumed === 0) {
        this.#pending = input;
        return events;
      }
      input = input.slice(consumed);
    }
    return events;
  }

  /**
   * Ends a sequence left incomplete: a lone ESC becomes the Escape key, an unfinished
   * sequence is dropped, an unfinished paste is delivered as it is.
   */
  flush(): InputEvent[] {
    const pending = this.#pending;
    this.#pending = "";
    if (this.#paste !== null) {
      const text = this.#paste + pending;
      this.#paste = null;
      return [{ kind: "paste", text }];
    }
    if (pending === "\x1b") return [key("escape", { sequence: pending })];
    return [];
  }

  /** Decodes one event at the start of `input`; returns the characters used (0: need more). */
  #decodeOne(input: string, events: InputEvent[]): number {
    const first = input.codePointAt(0)!;
    if (first !== 0x1b) {
      const char = String.fromCodePoint(first);
      events.push(controlKey(char) ?? key("char", { text: char }));
      return char.length;
    }
    if (input.length === 1) return 0;
    const second = input[1]!;
    if (second === "[") return this.#decodeCsi(input, events);
    if (second === "O") {
      if (input.length < 3) return 0;
      const name = FINAL_KEYS[input[2]!] ?? "unknown";
      events.push(key(name, { sequence: input.slice(0, 3) }));
      return 3;
    }
    if (second === "\x1b") {
      // ESC ESC: the first is the Escape key on its own.
      events.push(key("escape", { sequence: "\x1b" }));
      return 1;
    }
    // Alt + key: ESC then the key (a character or a control character).
    const char = String.fromCodePoint(input.codePointAt(1)!);
    const base = controlKey(char) ?? key("char", { text: char });
    events.push({ ...base, meta: true, sequence: "\x1b" + char });
    return 1 + char.length;
  }

  /** `ESC [ params final`; bracketed paste starts here. */
  #decodeCsi(input: string, events: InputEvent[]): number {
    let end = 2;
    while (end < input.length) {
      const code = input.charCodeAt(end);
      if (code >= 0x40 && code <= 0x7e) break;
      end++;
    }
    if (end >= input.length) return input.length > 32 ? input.length : 0;
    const sequence = input.slice(0, end + 1);
    if (sequence === PASTE_START) {
      this.#paste = "";
      return sequence.length;
    }
    const params = input.slice(2, end);
    const final = input[end]!;
    const [first = "", modifier = "1"] = params.split(";");
    const modifiers = Math.max(0, Number(modifier) - 1);
    const flags = {
      shift: (modifiers & 1) !== 0,
      meta: (modifiers & 2) !== 0,
      ctrl: (modifiers & 4) !== 0,
      sequence,
    };
    if (final === "~") {
      events.push(key(TILDE_KEYS[first] ?? "unknown", flags));
    } else if (final === "Z") {
      events.push(key("tab", { ...flags, shift: true }));
    } else {
      events.push(key(FINAL_KEYS[final] ?? "unknown", flags));
    }
    return sequence.length;
  }
}

/** The key a control character stands for, or null for a printable character. */
function controlKey(char: string): KeyEvent | null {
  const code = char.charCodeAt(0);
  if (char === "\r" || char === "\n") return key("enter", { sequence: char });
  if (char === "\t") return key("tab", { sequence: char });
  if (code === 0x7f || code === 0x08) return key("backspace", { sequence: char });
  if (code === 0) return key("char", { text: " ", ctrl: true, sequence: char });
  if (code < 0x20) {
    // Ctrl-A … Ctrl-Z as the lower-case letter; Ctrl-\ Ctrl-] Ctrl-^ Ctrl-_ as their symbol.
    const text = String.fromCharCode(code < 0x1c ? code + 0x60 : code + 0x40);
    return key("char", { text, ctrl: true, sequence: char });
  }
  return null;
}

/** Length of the longest suffix of `text` that is a proper prefix of `marker`. */
function partialSuffix(text: string, marker: string): number {
  for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(marker.slice(0, length))) return length;
  }
  return 0;
}
