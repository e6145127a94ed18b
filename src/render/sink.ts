/**
 * `TextSink`: buffered UTF-8 output over a byte writer (stdout or a file).
 *
 * Renderers produce many small strings; the sink batches them into writes of about 64 KiB so
 * output costs one syscall per batch, not per row.
 *
 * @module
 */

import { NoctraError } from "../errors.ts";

/** Anything with Deno's `Writer.write` shape: `Deno.stdout`, a `Deno.FsFile`. */
export interface ByteWriter {
  /** Writes some of `bytes`; resolves to how many were written (bytes). */
  write(bytes: Uint8Array): Promise<number>;
}

/** Raised when the reader of our output went away (`noctra … | head`). */
export class OutputClosedError extends Error {
  constructor() {
    super("output closed by its reader");
    this.name = "OutputClosedError";
  }
}

/**
 * Raised when output cannot be written (disk full, file too large, I/O error): the run stops
 * there with exit code 1, whatever `--continue-on-error` says. The message names the output
 * (`-o out.csv`, `stdout`) and the system's cause; `cause` is the original error.
 */
export class OutputWriteError extends NoctraError {
  /**
   * @param output the output's name as the user knows it (`-o out.csv`, `stdout`)
   * @param cause the error the write raised
   */
  constructor(output: string, cause: unknown) {
    super(
      `${output}: cannot write (${cause instanceof Error ? cause.message : String(cause)})`,
      undefined,
      { cause },
    );
    this.name = "OutputWriteError";
  }
}

const FLUSH_THRESHOLD_CHARS = 64 * 1024;

/** Buffers text and writes it as UTF-8 in batches of about 64 KiB. */
export class TextSink {
  readonly #writer: ByteWriter;
  readonly #name: string;
  readonly #encoder = new TextEncoder();
  #parts: string[] = [];
  /**
   * Called once, just before the first bytes reach the writer, then cleared: the REPL stops its
   * progress bar there so the result starts on a clean line.
   */
  beforeFirstWrite: (() => void) | undefined;
  #buffered = 0;

  /**
   * A sink writing to `writer`, buffering text up to the flush threshold.
   *
   * @param writer where the bytes go
   * @param name the output's name in error messages (`-o out.csv`; default `stdout`)
   */
  constructor(writer: ByteWriter, name = "stdout") {
    this.#writer = writer;
    this.#name = name;
  }

  /** Appends text; flushes when the buffer passes the threshold. */
  async write(text: string): Promise<void> {
    this.#parts.push(text);
    this.#buffered += text.length;
    if (this.#buffered >= FLUSH_THRESHOLD_CHARS) await this.flush();
  }

  /** Writes bytes that are already UTF-8 (text buffered before them goes first). */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    await this.flush();
    await this.#writeAll(bytes);
  }

  /**
   * Writes everything buffered. Throws {@link OutputClosedError} when the reader closed the
   * pipe (EPIPE), so callers can stop producing output quietly, and {@link OutputWriteError}
   * for any other write failure (disk full, file too large, I/O error).
   */
  async flush(): Promise<void> {
    if (this.#parts.length === 0) return;
    const bytes = this.#encoder.encode(this.#parts.join(""));
    this.#parts = [];
    this.#buffered = 0;
    await this.#writeAll(bytes);
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    const before = this.beforeFirstWrite;
    if (before !== undefined) {
      this.beforeFirstWrite = undefined;
      before();
    }
    try {
      let offset = 0;
      while (offset < bytes.length) offset += await this.#writer.write(bytes.subarray(offset));
    } catch (error) {
      if (error instanceof Deno.errors.BrokenPipe) throw new OutputClosedError();
      throw new OutputWriteError(this.#name, error);
    }
  }
}

/** A sink that collects text in memory, for tests and the library API. */
export class StringSink extends TextSink {
  #text = "";
  readonly #decoder = new TextDecoder();
  /** An empty sink. */
  constructor() {
    super({ write: (bytes) => Promise.resolve(bytes.length) });
  }
  /** Appends `text`. */
  override write(text: string): Promise<void> {
    this.#text += text;
    return Promise.resolve();
  }
  /** Nothing to flush: the text is kept as it comes. */
  override flush(): Promise<void> {
    return Promise.resolve();
  }
  /** Appends `bytes` decoded as UTF-8 (a character split across calls is joined). */
  override writeBytes(bytes: Uint8Array): Promise<void> {
    this.#text += this.#decoder.decode(bytes, { stream: true });
    return Promise.resolve();
  }
  /** Everything written so far. */
  get text(): string {
    return this.#text;
  }
}
