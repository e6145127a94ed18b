/**
 * The REPL's line editor: a statement of one or more lines edited as one text, Tab completion,
 * highlighting as typed, history recalled per statement, Ctrl-R reverse search, bracketed paste,
 * Ctrl-C that clears the whole input (or cancels a running statement), Ctrl-D to quit. Built on
 * Deno's raw-mode stdin ({@link TerminalIO}); generic: what completes, what colours and when a
 * statement is complete come from the caller (src/cli/repl.ts).
 *
 * Keys: Enter submits a complete statement (else starts a new line; Alt-Enter always does);
 * ←/→, Ctrl-B/F, Home/End, Ctrl-A/E, Ctrl/Alt-←/→, Alt-B/F move; ↑/↓ move between the lines of
 * the statement and, from its first/last line, through history (Ctrl-P/N always through history);
 * Backspace, Delete, Ctrl-D (on text), Ctrl-W, Alt-Backspace, Alt-D, Ctrl-K, Ctrl-U delete (the
 * last deletion comes back with Ctrl-Y); Tab completes (a second Tab lists, further Tabs cycle,
 * Shift-Tab backwards); Ctrl-R searches history (Ctrl-R again: older; Enter runs the match; Esc or
 * a movement key edits it; Ctrl-G restores the input); Ctrl-L clears the screen; Ctrl-Z suspends
 * (SIGTSTP, as readline does; not on Windows).
 *
 * Why an editor of our own, and the libraries measured against it: docs/ARCHITECTURE.md, "The
 * line editor: why our own".
 *
 * Its parts are small and tested alone: key decoding (keys.ts), the edit buffer
 * (edit_buffer.ts), history and its file (history.ts), Ctrl-R (search.ts), drawing (render.ts),
 * the completion list (completion_list.ts), the terminal and its input queue (terminal.ts), and
 * this module's key bindings, through a scripted terminal (tests/repl_test.ts); the whole, in
 * tmux (tests/repl_pty_test.ts).
 *
 * @module
 */
import { EditBuffer } from "./edit_buffer.ts";
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, type InputEvent, type KeyEvent } from "./keys.ts";
import type { History } from "./history.ts";
import {
  AnsiRenderer,
  type EditView,
  overlaySpans,
  PlainRenderer,
  type Renderer,
  type StyledSpan,
} from "./render.ts";
import { InputQueue, isCtrlC, type TerminalIO } from "./terminal.ts";
import { ReverseSearch } from "./search.ts";
import { type Completion, TabCompletion } from "./completion_list.ts";

export type { Completion, CompletionCandidate } from "./completion_list.ts";

/** What a {@link LineEditor} needs from its caller. */
export interface LineEditorOptions {
  /** The terminal. */
  readonly io: TerminalIO;
  /** Prompt of a statement's first line. */
  readonly prompt: string;
  /** Prompt of its further lines. */
  readonly continuationPrompt: string;
  /** Entries recalled by ↑ and Ctrl-R; submitted statements are added to it. */
  readonly history: History;
  /** Called after a statement was added to {@link history} (to save it). */
  readonly onHistoryChange?: (history: History) => void;
  /** Whether Enter submits `text` (a complete statement, a meta-command). Blank text always does. */
  readonly isComplete: (text: string) => boolean;
  /** Completion candidates at `cursor` in `text`; absent: Tab inserts nothing. */
  readonly complete?: (text: string, cursor: number) => Promise<Completion>;
  /** Colours for `text`; absent: no colours. */
  readonly highlight?: (text: string) => StyledSpan[];
  /** The terminal understands no escape sequences (`TERM=dumb`): draw by appending only. */
  readonly plain?: boolean;
}

/**
 * Reads statements from a terminal with line editing. {@link LineEditor.open} starts raw mode
 * and the input; {@link LineEditor.read} edits one statement; {@link LineEditor.whileRunning}
 * turns Ctrl-C into a cancel while a statement runs; {@link LineEditor.close} restores the
 * terminal.
 */
export class LineEditor {
  readonly #options: LineEditorOptions;
  readonly #input: InputQueue;
  readonly #renderer: Renderer;
  readonly #buffer = new EditBuffer();
  #historyIndex = 0;
  #draft = "";
  #killed = "";
  #search: ReverseSearch | null = null;
  readonly #tab = new TabCompletion();
  #stopResize: () => void = () => {};
  /** The rest of a paste whose line breaks are being handled as Enter. */
  #pasted: { readonly text: string; at: number } | null = null;
  /** Whether {@link read} is editing a statement (so the edit area is on screen). */
  #reading = false;
  /** Whether the terminal is lent to another program ({@link lendTerminal}). */
  #lent = false;
  /** Whether a statement runs with Ctrl-C watched as SIGINT ({@link whileRunning}). */
  #watching = false;

  /** An editor on `options.io`; nothing happens on the terminal before {@link open}. */
  constructor(options: LineEditorOptions) {
    this.#options = options;
    this.#input = new InputQueue(options.io);
    const write = (text: string) => options.io.write(text);
    this.#renderer = options.plain
      ? new PlainRenderer(write)
      : new AnsiRenderer(write, () => options.io.columns());
  }

  /** Turns raw mode on and starts reading input. */
  open(): void {
    this.#options.io.setRaw(true);
    this.#input.start();
    this.#stopResize = this.#options.io.onResize(() => this.redraw());
  }

  /** Whether input is waiting to be handled: keys typed ahead, or the rest of a pasted script. */
  get hasPendingInput(): boolean {
    return this.#pasted !== null || this.#input.size > 0;
  }

  /** Draws the input again (after colours or the terminal's size changed); no-op between reads. */
  redraw(): void {
    if (this.#reading) this.#render();
  }

  /**
   * Lends the terminal to another program (the pager, an editor, a shell command) and takes it
   * back: input read meanwhile is dropped, raw mode is off and SIGINT does not end Noctra while
   * `lent` is true.
   */
  lendTerminal(lent: boolean): void {
    this.#lent = lent;
    this.#input.paused = lent;
    // Back from the other program while a statement runs: cbreak, so Ctrl-C still cancels it.
    this.#options.io.setRaw(!lent, this.#watching);
    this.#options.io.holdInterrupts?.(lent);
  }

  /** Restores the terminal (raw mode off, bracketed paste off). Safe to call twice. */
  close(): void {
    this.#stopResize();
    this.#stopResize = () => {};
    if (!this.#options.plain) this.#options.io.write(BRACKETED_PASTE_OFF);
    this.#options.io.setRaw(false);
  }

  /**
   * Edits one statement and returns its text when submitted (Enter on complete text), or null
   * for Ctrl-D on empty input or the end of input. Ctrl-C clears the input and goes on reading.
   * `initial` is the text the input starts with (`.edit` puts the edited statement there).
   */
  async read(initial = ""): Promise<string | null> {
    this.#buffer.set(initial);
    this.#historyIndex = this.#options.history.entries.length;
    this.#draft = "";
    this.#search = null;
    this.#tab.reset();
    if (!this.#options.plain) this.#options.io.write(BRACKETED_PASTE_ON);
    this.#reading = true;
    try {
      this.#render();
      for (;;) {
        if (this.#pasted !== null) {
          const submitted = this.#continuePaste();
          if (submitted !== undefined) return submitted;
          if (this.#input.size === 0) this.#render();
          continue;
        }
        const event = await this.#input.next();
        if (event === null) {
          if (this.#buffer.text.trim() === "") {
            this.#renderer.finish(this.#view());
            return null;
          }
          return this.#submit();
        }
        const outcome = await this.#handle(event);
        if (outcome !== undefined) return outcome;
        if (this.#input.size === 0) this.#render();
      }
    } finally {
      this.#reading = false;
      if (!this.#options.plain) this.#options.io.write(BRACKETED_PASTE_OFF);
    }
  }

  /**
   * Runs `task`; Ctrl-C meanwhile calls `interrupt` and drops the rest of a pasted script, and the
   * keys typed ahead where they are read while a statement runs (Windows; elsewhere they wait in
   * the terminal and come to the next prompt).
   */
  async whileRunning<T>(task: () => Promise<T>, interrupt: () => void): Promise<T> {
    const cancel = () => {
      this.#pasted = null;
      interrupt();
    };
    // Ctrl-C as SIGINT, with the terminal in cbreak mode and stdin unread (see terminal.ts); as a
    // key read from stdin where there is no cbreak mode.
    const stop = this.#options.io.watchInterrupts?.(() => {
      if (this.#lent) return; // meant for the pager, editor or command that has the terminal
      this.#input.dropAfterInterrupt();
      cancel();
    });
    if (stop === undefined) this.#input.onInterrupt(cancel);
    this.#watching = stop !== undefined;
    try {
      return await task();
    } finally {
      this.#watching = false;
      stop?.();
      this.#input.onInterrupt(null);
    }
  }

  #view(): EditView {
    const { prompt, continuationPrompt, highlight } = this.#options;
    const search = this.#search;
    if (search === null) {
      const text = this.#buffer.text;
      return {
        prompt,
        continuation: continuationPrompt,
        text,
        cursor: this.#buffer.cursor,
        spans: highlight?.(text) ?? [],
      };
    }
    const shown = search.shown;
    const spans = highlight?.(shown.text) ?? [];
    const match = search.match;
    return {
      prompt: search.prompt,
      continuation: continuationPrompt,
      text: shown.text,
      cursor: shown.cursor,
      spans: match === null || highlight === undefined
        ? spans
        : overlaySpans(spans, [{ ...match, sgr: "7" }]),
    };
  }

  #render(): void {
    this.#renderer.render(this.#view());
  }

  /** Handles one event; returns the submitted text, null to quit, or undefined to go on. */
  async #handle(event: InputEvent): Promise<string | null | undefined> {
    if (event.kind === "paste") {
      this.#tab.reset();
      // A paste ends a search: the match becomes the input, the paste goes into it.
      if (this.#search !== null) {
        this.#buffer.set(this.#search.result.text, this.#search.result.cursor);
        this.#search = null;
      }
      return this.#paste(event.text);
    }
    if (this.#search !== null) {
      const handled = this.#searchKey(event);
      if (handled !== "pass") return handled === "submit" ? this.#enter() : undefined;
    }
    // A terminal without cursor control gets no completion list: Tab is a tab there.
    const tab = event.name === "tab" && !this.#options.plain;
    if (!tab) this.#tab.reset();
    if (tab) {
      await this.#complete(event.shift);
      return undefined;
    }
    if (isCtrlC(event)) {
      if (!this.#buffer.empty) this.#renderer.finish(this.#view(), "^C");
      this.#buffer.set("");
      this.#historyIndex = this.#options.history.entries.length;
      return undefined;
    }
    if (event.name === "enter") {
      if (event.meta) this.#buffer.insert("\n");
      else return this.#enter();
      return undefined;
    }
    if (event.name === "char" && event.ctrl && event.text === "z") {
      this.#suspend();
      return undefined;
    }
    if (event.name === "char" && event.ctrl && event.text === "d" && this.#buffer.empty) {
      this.#renderer.finish(this.#view());
      return null;
    }
    this.#edit(event);
    return undefined;
  }

  /** Enter: submits complete (or blank) text, otherwise starts a new line at the cursor. */
  #enter(): string | undefined {
    const text = this.#buffer.text;
    if (text.trim() === "" || this.#options.isComplete(text)) return this.#submit();
    this.#buffer.insert("\n");
    return undefined;
  }

  #submit(): string {
    const text = this.#buffer.text;
    this.#renderer.finish(this.#view());
    if (this.#options.history.add(text)) this.#options.onHistoryChange?.(this.#options.history);
    this.#buffer.set("");
    return text;
  }

  /**
   * A paste: at the end of the input its line breaks act as Enter, so a pasted script runs
   * statement by statement (the rest waits while one runs, and Ctrl-C then drops it); elsewhere
   * it is inserted as it is. Tabs in it are text, never completion.
   */
  #paste(raw: string): string | undefined {
    const text = raw.replace(/\r\n?/g, "\n");
    if (this.#buffer.cursor !== this.#buffer.text.length) {
      this.#buffer.insert(text);
      return undefined;
    }
    this.#pasted = { text, at: 0 };
    return this.#continuePaste();
  }

  /** Goes on with the pasted text from where the last statement it submitted ended. */
  #continuePaste(): string | undefined {
    const pasted = this.#pasted!;
    let held = "";
    for (;;) {
      const end = pasted.text.indexOf("\n", pasted.at);
      if (end === -1) {
        this.#buffer.insert(held + pasted.text.slice(pasted.at));
        this.#pasted = null;
        return undefined;
      }
      const line = pasted.text.slice(pasted.at, end);
      pasted.at = end + 1;
      // A statement over several lines ends on a line with its `;` (or one closing a comment
      // after it): the lines before it are inserted together, unexamined, so a long paste
      // stays linear.
      const continued = held !== "" || this.#buffer.text.includes("\n");
      if (continued && !line.includes(";") && !line.includes("*/")) {
        held += line + "\n";
        continue;
      }
      this.#buffer.insert(held + line);
      held = "";
      const submitted = this.#enter();
      if (submitted !== undefined) {
        if (pasted.at >= pasted.text.length) this.#pasted = null;
        return submitted;
      }
    }
  }

  /** Editing and movement keys. */
  #edit(event: KeyEvent): void {
    const buffer = this.#buffer;
    const kill = (text: string) => {
      if (text !== "") this.#killed = text;
    };
    const word = event.ctrl || event.meta;
    switch (event.name) {
      case "left":
        return word ? buffer.moveWordLeft() : buffer.moveLeft();
      case "right":
        return word ? buffer.moveWordRight() : buffer.moveRight();
      case "home":
        return buffer.moveLineStart();
      case "end":
        return buffer.moveLineEnd();
      case "up":
        if (!buffer.moveUp()) this.#recall(-1);
        return;
      case "down":
        if (!buffer.moveDown()) this.#recall(1);
        return;
      case "backspace":
        return event.meta ? kill(buffer.deleteWordBackward()) : buffer.deleteBackward();
      case "delete":
        return buffer.deleteForward();
      case "tab":
        return buffer.insert("\t");
      case "char":
        break;
      default:
        return;
    }
    if (!event.ctrl && !event.meta) return buffer.insert(event.text);
    if (event.meta) {
      if (event.text === "b") buffer.moveWordLeft();
      else if (event.text === "f") buffer.moveWordRight();
      else if (event.text === "d") kill(buffer.deleteWordForward());
      return;
    }
    switch (event.text) {
      case "a":
        return buffer.moveLineStart();
      case "e":
        return buffer.moveLineEnd();
      case "b":
        return buffer.moveLeft();
      case "f":
        return buffer.moveRight();
      case "d":
        return buffer.deleteForward();
      case "k":
        return kill(buffer.killToLineEnd());
      case "u":
        return kill(buffer.killToLineStart());
      case "w":
        return kill(buffer.deleteWordBackward());
      case "y":
        return buffer.insert(this.#killed);
      case "p":
        return this.#recall(-1);
      case "n":
        return this.#recall(1);
      case "l":
        return this.#renderer.clearScreen(this.#view());
      case "r":
        this.#search = new ReverseSearch(this.#options.history, {
          text: buffer.text,
          cursor: buffer.cursor,
        });
        return;
    }
  }

  /**
   * ↑ (`step` -1) or ↓ (+1) through history. Going back shows an entry with the cursor at the end
   * of its first line (another ↑ goes further back); going forward, at its end.
   */
  #recall(step: -1 | 1): void {
    const entries = this.#options.history.entries;
    const target = this.#historyIndex + step;
    if (target < 0 || target > entries.length) return;
    if (this.#historyIndex === entries.length) this.#draft = this.#buffer.text;
    this.#historyIndex = target;
    const text = target === entries.length ? this.#draft : entries[target]!;
    const firstLineEnd = text.indexOf("\n");
    this.#buffer.set(text, step < 0 && firstLineEnd !== -1 ? firstLineEnd : text.length);
  }

  /**
   * A key during Ctrl-R: `"handled"`, `"submit"` (Enter: the match becomes the input and is
   * submitted as Enter would), or `"pass"` (the match becomes the input and the key is handled
   * as usual).
   */
  #searchKey(event: KeyEvent): "handled" | "submit" | "pass" {
    const search = this.#search!;
    if (event.name === "char" && event.ctrl && event.text === "r") {
      search.older();
      return "handled";
    }
    if (event.name === "char" && event.ctrl && event.text === "g") {
      this.#buffer.set(search.saved.text, search.saved.cursor);
      this.#search = null;
      return "handled";
    }
    if (event.name === "backspace" && !event.meta) {
      search.backspace();
      return "handled";
    }
    if (event.name === "char" && !event.ctrl && !event.meta) {
      search.type(event.text);
      return "handled";
    }
    this.#search = null;
    if (isCtrlC(event)) return "pass";
    this.#buffer.set(search.result.text, search.result.cursor);
    if (event.name === "enter" && !event.meta) return "submit";
    if (event.name === "escape") return "handled";
    return "pass";
  }

  /**
   * Ctrl-Z: leaves the input on screen, gives the terminal back (raw mode and bracketed paste
   * off) and stops the program until the shell continues it; then draws the input again on a
   * new line. Ignored without job control (Windows) or cursor control.
   */
  #suspend(): void {
    const io = this.#options.io;
    if (io.suspend === undefined || this.#options.plain) return;
    this.#renderer.finish(this.#view());
    io.write(BRACKETED_PASTE_OFF);
    io.setRaw(false);
    try {
      io.suspend();
    } finally {
      io.setRaw(true);
      io.write(BRACKETED_PASTE_ON);
    }
  }

  /** Tab (or Shift-Tab, `backwards`): completes, lists, or cycles through the candidates. */
  async #complete(backwards: boolean): Promise<void> {
    const complete = this.#options.complete;
    if (complete === undefined) return;
    const listed = await this.#tab.press(
      this.#buffer,
      backwards,
      complete,
      this.#options.io.columns(),
    );
    if (listed !== null) this.#renderer.printBelow(listed, this.#view());
  }
}
