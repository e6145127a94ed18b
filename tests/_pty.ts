/**
 * The REPL on a real pseudo-terminal (util-linux `script`), driven expect-style: `send` types
 * text, `waitFor` blocks until the screen (control sequences and CRs removed) shows a pattern
 * after the last match. Shared by the REPL, differential and bad-input tests.
 */
import { ROOT } from "./_cli.ts";

/** Terminal control sequences (cursor moves, colours) that readline writes. */
// deno-lint-ignore no-control-regex
const ANSI_ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** How to start the REPL. */
export interface PtyOptions {
  /** Arguments after `main.ts` (default none). */
  readonly args?: readonly string[];
  /** Working directory (default: the project root). */
  readonly cwd?: string;
  /** `XDG_STATE_HOME` for history and registry (default: a new temporary directory). */
  readonly stateHome?: string;
}

/** A running REPL on a pseudo-terminal. */
export class Pty {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #done: Promise<void>;
  #screen = "";
  #consumed = 0;

  constructor(options: PtyOptions = {}) {
    // `exec`: the REPL is the terminal's foreground process, as when a user starts it. Without
    // it, `script` leaves a shell (dash, when SHELL is /bin/sh) in the foreground process group,
    // which the Ctrl-C of a running statement (a SIGINT to that group) ends once the REPL exits.
    const inner = [
      "exec",
      Deno.execPath(),
      "run",
      "--allow-all",
      `${ROOT}main.ts`,
      ...(options.args ?? []),
    ].join(" ");
    const child = new Deno.Command("script", {
      args: ["-q", "-e", "-c", inner, "/dev/null"],
      cwd: options.cwd ?? ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
      env: {
        NO_COLOR: "1",
        XDG_STATE_HOME: options.stateHome ?? Deno.makeTempDirSync({ prefix: "noctra-state-" }),
        TERM: "dumb",
      },
    }).spawn();
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    const decoder = new TextDecoder();
    this.#done = (async () => {
      for await (const bytes of child.stdout) {
        const text = decoder.decode(bytes, { stream: true });
        this.#screen += text.replace(ANSI_ESCAPE, "").replaceAll("\r", "");
      }
    })();
  }

  /** Everything shown so far. */
  get screen(): string {
    return this.#screen;
  }

  /** Types `text`. */
  async send(text: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(text));
  }

  /** Waits (up to `timeoutMs`) for `pattern` after what earlier waits matched. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const rest = this.#screen.slice(this.#consumed);
      const found = pattern.exec(rest);
      if (found) {
        this.#consumed += found.index + found[0].length;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${pattern}; screen ends:\n${this.#screen.slice(-2000)}`);
  }

  /** Closes stdin and waits for the exit code (kills the REPL after `timeoutMs`). */
  async finish(timeoutMs = 20_000): Promise<number> {
    await this.#writer.close().catch(() => {});
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), timeoutMs);
    const status = await this.#child.status;
    clearTimeout(timer);
    await this.#done;
    return status.code;
  }
}
