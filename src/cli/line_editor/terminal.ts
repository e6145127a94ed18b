/**
 * The terminal the line editor talks to: reading stdin in raw mode as decoded events, writing
 * the editor's output, the width, and resize notices. {@link denoTerminal} is the real one (Deno's
 * stdin/stdout); tests drive the editor through their own {@link TerminalIO}.
 *
 * While a statement runs, Ctrl-C must cancel it. Where the terminal has a cbreak mode (Linux,
 * macOS: {@link TerminalIO.watchInterrupts}), the terminal is in cbreak mode then — keys are
 * neither echoed nor read, and stay in the terminal for the next prompt (type-ahead), while
 * Ctrl-C raises SIGINT, which cancels — and stdin is read only while the editor waits for a key,
 * so no read is left pending when a pager, an editor or a shell command takes the terminal (a
 * pending read cannot be withdrawn and would take their first key). Elsewhere (Windows, where
 * Deno's raw mode delivers VT sequences and refuses cbreak) raw mode stays on and stdin is read
 * all the time: Ctrl-C arrives as a key that {@link InputQueue.onInterrupt} turns into a cancel.
 *
 * @module
 */
import { type InputEvent, key, KeyDecoder } from "./keys.ts";

/** Input and output of a terminal, as the editor needs them. */
export interface TerminalIO {
  /** The next text that arrived (one read), or null at the end of input. */
  read(): Promise<string | null>;
  /** Writes `text` at once (synchronously). */
  write(text: string): void;
  /**
   * Turns raw mode on or off (no-op when the input is not a terminal); with `cbreak`, raw mode
   * in which Ctrl-C still raises SIGINT (where supported; see {@link watchInterrupts}).
   */
  setRaw(raw: boolean, cbreak?: boolean): void;
  /**
   * Until the returned function is called: the terminal in cbreak mode (keys neither echoed nor
   * delivered to reads; Ctrl-C raises SIGINT), and SIGINT calls `handler` instead of ending the
   * program; then raw mode again. Absent where there is no cbreak mode (Windows): Ctrl-C is then
   * read as a key.
   */
  watchInterrupts?(handler: () => void): () => void;
  /** The terminal's width in columns (80 when unknown). */
  columns(): number;
  /** Calls `listener` when the terminal is resized; returns a function that stops it. */
  onResize(listener: () => void): () => void;
  /**
   * Stops the program as the shell's job control does for Ctrl-Z (SIGTSTP to the process group,
   * as readline does) and returns once it is continued (`fg`). Absent where there is no job
   * control (Windows).
   */
  suspend?(): void;
  /**
   * While `hold` is true, SIGINT does not end the program: the terminal is lent to another
   * program (a pager, an editor, a shell command) in cooked mode, where Ctrl-C is a signal to the
   * whole foreground process group, meant for that program.
   */
  holdInterrupts?(hold: boolean): void;
}

/**
 * Deno's stdin, and stdout when it is a terminal (else stderr, so results redirected to a file
 * never hold prompts). Reads are decoded as UTF-8 (a character split across reads is kept).
 */
export function denoTerminal(): TerminalIO {
  const output = Deno.stdout.isTerminal() ? Deno.stdout : Deno.stderr;
  const ignore = () => {};
  let holding = false;
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const buffer = new Uint8Array(4096);
  const setRaw = (raw: boolean, cbreak = false) => {
    if (!Deno.stdin.isTerminal()) return;
    if (raw && cbreak && Deno.build.os !== "windows") Deno.stdin.setRaw(true, { cbreak: true });
    else Deno.stdin.setRaw(raw);
  };
  return {
    async read() {
      const count = await Deno.stdin.read(buffer);
      if (count === null) return null;
      return decoder.decode(buffer.subarray(0, count), { stream: true });
    },
    write(text) {
      let bytes = encoder.encode(text);
      while (bytes.length > 0) bytes = bytes.subarray(output.writeSync(bytes));
    },
    setRaw,
    columns() {
      try {
        const { columns } = Deno.consoleSize();
        return columns > 0 ? columns : 80;
      } catch {
        return 80;
      }
    },
    onResize(listener) {
      if (Deno.build.os === "windows") return () => {};
      Deno.addSignalListener("SIGWINCH", listener);
      return () => Deno.removeSignalListener("SIGWINCH", listener);
    },
    ...(Deno.build.os === "windows" ? {} : {
      suspend: () => {
        try {
          Deno.kill(0, "SIGTSTP");
        } catch {
          // Without Deno's run permission a process cannot signal itself: no suspend then.
        }
      },
      watchInterrupts(handler: () => void) {
        setRaw(true, true);
        Deno.addSignalListener("SIGINT", handler);
        return () => {
          Deno.removeSignalListener("SIGINT", handler);
          setRaw(true);
        };
      },
    }),
    holdInterrupts(hold) {
      if (hold === holding) return;
      holding = hold;
      if (hold) Deno.addSignalListener("SIGINT", ignore);
      else Deno.removeSignalListener("SIGINT", ignore);
    },
  };
}

/** How long a lone ESC waits for the rest of a sequence before it is the Escape key (ms). */
const ESCAPE_DELAY_MS = 40;

/** Whether `event` is Ctrl-C. */
export function isCtrlC(event: InputEvent): boolean {
  return event.kind === "key" && event.name === "char" && event.ctrl && !event.meta &&
    event.text === "c";
}

/**
 * `events` decoded from one read, with each Tab that other keys follow in that read made a tab
 * character: text pasted (or piped) without bracketed paste arrives in one read, Tabs inside it
 * are text and must not trigger completion. Tabs that end the read stay Tabs: keys typed ahead
 * while the REPL was busy (`SEL` then Tab) arrive together too, and that Tab asks to complete.
 */
export function literalTabs(events: InputEvent[]): InputEvent[] {
  const isTab = (event: InputEvent) =>
    event.kind === "key" && event.name === "tab" && !event.shift && !event.meta;
  let trailing = events.length;
  while (trailing > 0 && isTab(events[trailing - 1]!)) trailing--;
  if (trailing === 0) return events;
  return events.map((event, index) =>
    index < trailing && isTab(event) ? key("char", { text: "\t", sequence: "\t" }) : event
  );
}

/**
 * The events typed so far and not yet handled, read from a {@link TerminalIO} by one loop that
 * runs from {@link InputQueue.start} until the end of input. While an interrupt handler is set
 * ({@link InputQueue.onInterrupt}), Ctrl-C calls it and drops the type-ahead instead of queueing
 * (as a terminal driver flushes its input on an interrupt).
 */
export class InputQueue {
  readonly #io: TerminalIO;
  /** Read stdin all the time (no {@link TerminalIO.watchInterrupts}), else only on demand. */
  readonly #continuous: boolean;
  /** Whether {@link next} waits for input that is not read yet (on-demand reading). */
  #wanted = false;
  #onWanted: (() => void) | null = null;
  /** Drop the paste whose start was read when a statement was interrupted. */
  #dropPaste = false;
  readonly #decoder = new KeyDecoder();
  #events: InputEvent[] = [];
  #wake: (() => void) | null = null;
  #ended = false;
  #started = false;
  #interrupt: (() => void) | null = null;
  #paused = false;
  #escapeTimer: ReturnType<typeof setTimeout> | undefined;

  /** A queue over `io` (nothing is read before {@link start}). */
  constructor(io: TerminalIO) {
    this.#io = io;
    this.#continuous = io.watchInterrupts === undefined;
  }

  /** Starts reading (once). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#loop();
  }

  /** Events waiting to be handled. */
  get size(): number {
    return this.#events.length;
  }

  /** The next event, waiting for one; null once the input has ended and nothing is left. */
  async next(): Promise<InputEvent | null> {
    while (this.#events.length === 0) {
      if (this.#ended) return null;
      this.#wanted = true;
      this.#onWanted?.();
      this.#onWanted = null;
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    return this.#events.shift()!;
  }

  /**
   * While paused (another program, such as the pager, owns the terminal), what is read is
   * dropped. A read already waiting when the pause starts cannot be withdrawn (Deno has no way
   * to cancel it): where stdin is read all the time (Windows), the first key typed in the other
   * program may be lost; elsewhere no read is waiting then (reads are on demand).
   */
  set paused(paused: boolean) {
    this.#paused = paused;
  }

  /** While `handler` is set, Ctrl-C calls it and drops the queued events. */
  onInterrupt(handler: (() => void) | null): void {
    this.#interrupt = handler;
  }

  /**
   * After an interrupt signalled outside the input (SIGINT): drops the queued events, and the
   * rest of a paste whose start has been read (it belongs to the script being cancelled).
   */
  dropAfterInterrupt(): void {
    this.#events = [];
    if (this.#decoder.pasting) this.#dropPaste = true;
  }

  async #loop(): Promise<void> {
    for (;;) {
      if (!this.#continuous) {
        while (!this.#wanted) await new Promise<void>((resolve) => this.#onWanted = resolve);
        this.#wanted = false;
      }
      let text: string | null;
      try {
        text = await this.#io.read();
      } catch {
        text = null;
      }
      clearTimeout(this.#escapeTimer);
      if (text !== null && this.#paused) continue;
      if (text === null) {
        this.#push(this.#decoder.flush());
        this.#ended = true;
        this.#wakeUp();
        return;
      }
      this.#push(literalTabs(this.#decoder.feed(text)));
      if (this.#decoder.waiting) {
        this.#escapeTimer = setTimeout(() => this.#push(this.#decoder.flush()), ESCAPE_DELAY_MS);
      }
      // Nothing whole arrived (half an escape sequence, part of a paste): read on.
      if (this.#events.length === 0) this.#wanted = true;
    }
  }

  #push(events: readonly InputEvent[]): void {
    for (const event of events) {
      if (event.kind === "paste" && this.#dropPaste) {
        this.#dropPaste = false;
        continue;
      }
      if (this.#interrupt !== null && isCtrlC(event)) {
        this.#events = [];
        this.#interrupt();
        continue;
      }
      this.#events.push(event);
    }
    if (this.#events.length > 0) this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
